"""The review pages over HTTP against a real ``linkscreen-server review`` process: sign-in,
cookies and headers, CSRF, inert rendering of hostile reports, roles, and rate limits."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from linkscreen_server.review import accounts
from linkscreen_server.review.storage import Database

from review_support import install, post_json, report, review_server

PASSWORD = "a long enough password"
FLAGGER_TOKEN = "carol-flags-0123456789abcdefghijklmnopqr"
XSS = '"><script>alert(1)</script><img src=x onerror=alert(2)>'


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("web")
    db_url = f"sqlite:///{tmp / 'review.db'}"
    db = Database(db_url)  # the accounts `review add-user` makes (tested in test_review_cli)
    for name, role in [("alice", "analyst"), ("bob", "analyst"), ("carol", "analyst"),
                       ("lena", "lead")]:  # fmt: skip
        accounts.add_user(db, name, role, PASSWORD)
    db.close()
    (tmp / "carol.token").write_text(FLAGGER_TOKEN)
    with review_server(db_url, "--flagger", f"carol={tmp / 'carol.token'}", cwd=tmp) as base:
        yield base


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None, html[:500]
    return found.group(1)


@contextmanager
def sign_in(base: str, name: str, password: str = PASSWORD) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, follow_redirects=False, timeout=20) as client:
        page = client.get("/review/login")
        answer = client.post(
            "/review/login", data={"csrf": _csrf(page.text), "name": name, "password": password}
        )
        assert answer.status_code == 303, answer.text
        yield client


def item_id(client: httpx.Client, host: str) -> int:
    queue = client.get("/review/").text
    found = re.search(rf"{re.escape(host.replace('.', '[.]'))}.*?/review/url/(\d+)", queue, re.S)
    assert found is not None, f"{host} not in the queue"
    return int(found.group(1))


def test_pages_send_a_strict_policy_and_cookies_are_httponly_and_strict(site: str) -> None:
    with httpx.Client(base_url=site, follow_redirects=False) as client:
        page = client.get("/review/login")
        assert page.status_code == 200
        policy = page.headers["content-security-policy"]
        assert "default-src 'none'" in policy
        assert "script-src" not in policy  # nothing may run: default-src 'none' covers it
        assert "frame-ancestors 'none'" in policy
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["x-content-type-options"] == "nosniff"
        assert "<script" not in page.text
        assert "style=" not in page.text
        answer = client.post(
            "/review/login", data={"csrf": _csrf(page.text), "name": "alice", "password": PASSWORD}
        )
        assert answer.status_code == 303
        cookie = next(c for c in answer.headers.get_list("set-cookie") if "ls_session=" in c)
        assert "HttpOnly" in cookie
        assert "SameSite=strict" in cookie
        assert client.get("/review/").status_code == 200


def test_signed_out_visitors_go_to_the_sign_in_page(site: str) -> None:
    with httpx.Client(base_url=site, follow_redirects=False) as client:
        for path in ("/review/", "/review/url/1", "/review/export.json"):
            answer = client.get(path)
            assert (answer.status_code, answer.headers["location"]) == (303, "/review/login")
        answer = client.post("/review/url/1/vote", data={"decision": "confirm"})
        assert answer.status_code == 303


def test_a_hostile_report_is_rendered_inert(site: str) -> None:
    url = "http://xss.example/" + XSS
    status, _, _ = post_json(site, report(url, install(1), note=XSS, attachment=XSS))
    assert status == 202
    with sign_in(site, "alice") as client:
        queue = client.get("/review/").text
        uid = item_id(client, "xss.example")
        page = client.get(f"/review/url/{uid}").text
    for html in (queue, page):
        assert "<script" not in html
        assert "<img" not in html
        assert 'href="http' not in html  # no reported URL is ever a link
        assert 'src="http' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the note, shown as text
    assert "hxxp[://]xss[.]example/" in page


def test_forged_or_missing_csrf_is_refused_and_nothing_is_recorded(site: str) -> None:
    post_json(site, report("http://csrf.example/", install(2)))
    with sign_in(site, "alice") as alice, sign_in(site, "bob") as bob:
        uid = item_id(alice, "csrf.example")
        bobs_token = _csrf(bob.get(f"/review/url/{uid}").text)
        vote = {"decision": "confirm", "category": "csam", "reason": "forged"}
        for form in ({**vote}, {**vote, "csrf": "forged"}, {**vote, "csrf": bobs_token}):
            answer = alice.post(f"/review/url/{uid}/vote", data=form)
            assert answer.status_code == 403, form
        answer = alice.post(
            f"/review/url/{uid}/vote", content=b'{"decision": "confirm"}',
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        assert answer.status_code == 403
        assert "none yet" in alice.get(f"/review/url/{uid}").text
        answer = alice.post("/review/logout", data={"csrf": "forged"})
        assert answer.status_code == 403
        assert alice.get("/review/").status_code == 200  # still signed in
    with httpx.Client(base_url=site) as stranger:
        answer = stranger.post(
            "/review/login", data={"csrf": "x", "name": "alice", "password": PASSWORD}
        )
        assert answer.status_code == 403  # no sign-in form was loaded: a cross-site post


def test_two_analysts_confirm_through_the_pages_and_a_third_cannot_decide_their_own(
    site: str,
) -> None:
    headers = {"Authorization": f"Bearer {FLAGGER_TOKEN}"}
    assert post_json(site, report("http://own.example/p", install(3)), headers=headers)[0] == 202
    with sign_in(site, "carol") as carol:
        uid = item_id(carol, "own.example")
        page = carol.get(f"/review/url/{uid}").text
        assert "provisional" in page
        form = {"csrf": _csrf(page), "decision": "confirm", "category": "csam", "reason": "mine"}
        answer = carol.post(f"/review/url/{uid}/vote", data=form)
        assert answer.status_code == 409
        assert "cannot decide their own report" in answer.text
    for name, expected in (("alice", "now provisional"), ("bob", "now confirmed")):
        with sign_in(site, name) as client:
            page = client.get(f"/review/url/{uid}").text
            answer = client.post(f"/review/url/{uid}/vote", data={
                "csrf": _csrf(page), "decision": "confirm", "category": "csam",
                "reason": f"checked by {name}"})  # fmt: skip
            assert answer.status_code == 200
            assert expected in answer.text


def test_exports_are_for_leads(site: str) -> None:
    with sign_in(site, "alice") as alice:
        assert alice.get("/review/export.json").status_code == 403
    with sign_in(site, "lena") as lena:
        answer = lena.get("/review/export.csv")
        assert answer.status_code == 200
        assert answer.text.startswith("url,category,incident_type")
        assert lena.get("/review/export.xml").status_code == 404


def test_wrong_passwords_are_401_then_rate_limited(site: str) -> None:
    with httpx.Client(base_url=site, follow_redirects=False) as client:
        statuses, texts = [], []
        for _ in range(12):
            page = client.get("/review/login")
            form = {"csrf": _csrf(page.text), "name": "bob", "password": "wrong password!"}
            answer = client.post("/review/login", data=form)
            statuses.append(answer.status_code)
            texts.append(answer.text)
        assert statuses[0] == 401
        assert "Wrong user name or password." in texts[0]
        assert 429 in statuses
        assert "retry-after" in answer.headers
