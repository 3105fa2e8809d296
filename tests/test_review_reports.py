"""POST /v1/reports against a real ``linkscreen-server review`` process, on SQLite and on
PostgreSQL: the contract (docs/review.md), duplicates, floods, injection and a crash mid-write."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from linkscreen import canonicalize
from linkscreen_server.review import audit
from linkscreen_server.review.storage import Database
from linkscreen_server.review.workflow import Review

from review_support import NO_POSTGRES, fresh_database, install, post_json, report, review_server

TOKEN = "flagger-token-0123456789abcdefghijklmnop"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def service(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    postgres_base: str | None,
) -> Iterator[tuple[str, str]]:
    """(base URL, database URL) of one review process per database kind."""
    tmp = tmp_path_factory.mktemp("review")
    if request.param == "sqlite":
        db_url = f"sqlite:///{tmp / 'review.db'}"
    elif postgres_base is None:
        pytest.skip(NO_POSTGRES)
    else:
        db_url = fresh_database(postgres_base)
    (tmp / "flagger.token").write_text(TOKEN + "\n")
    args = ["--flagger", f"hotline={tmp / 'flagger.token'}", "--install-rate", "100000",
            "--report-rate", "100000"]  # fmt: skip
    with review_server(db_url, *args, cwd=tmp) as base:
        yield base, db_url


def _review(db_url: str) -> Review:
    return Review(Database(db_url))


def _item_of(db_url: str, url: str) -> tuple[int, str]:
    review = _review(db_url)
    try:
        items, _ = review.queue(per_page=1000)
        for item in items:
            if item.url == canonicalize(url):
                return item.reports, item.state
        raise AssertionError(f"{url} is not in the queue")
    finally:
        review.db.close()


def test_a_report_is_received_and_a_second_from_the_install_is_a_duplicate(
    service: tuple[str, str],
) -> None:
    base, db_url = service
    status, answer, _ = post_json(base, report("http://Once.example/a/../page", install(1)))
    assert status == 202
    assert answer["status"] == "received"
    assert isinstance(answer["id"], str)
    assert answer["id"]
    status, again, _ = post_json(base, report("http://once.example/page", install(1)))
    assert (status, again) == (202, {"status": "duplicate", "id": answer["id"]})
    assert _item_of(db_url, "http://once.example/page") == (1, "reported")


def test_one_install_reporting_1000_times_counts_once(service: tuple[str, str]) -> None:
    base, db_url = service
    body = report("http://thousand.example/x", install(7))
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: post_json(base, body), range(1000)))
    statuses = [answer["status"] for status, answer, _ in answers if status == 202]
    assert len(statuses) == 1000
    assert statuses.count("received") == 1
    assert len({answer["id"] for _, answer, _ in answers}) == 1
    assert _item_of(db_url, "http://thousand.example/x") == (1, "reported")


def test_distinct_installs_make_a_url_provisional(service: tuple[str, str]) -> None:
    base, db_url = service
    for number in (11, 12):
        assert post_json(base, report("http://three.example/", install(number)))[0] == 202
    assert _item_of(db_url, "http://three.example/") == (2, "reported")
    assert post_json(base, report("http://three.example/", install(13)))[0] == 202
    assert _item_of(db_url, "http://three.example/") == (3, "provisional")


def test_a_trusted_flagger_makes_a_url_provisional_at_once(service: tuple[str, str]) -> None:
    base, db_url = service
    headers = {"Authorization": f"Bearer {TOKEN}"}
    status, answer, _ = post_json(base, report("http://flagged.example/p", install(20)),
                                  headers=headers)  # fmt: skip
    assert (status, answer["status"]) == (202, "received")
    assert _item_of(db_url, "http://flagged.example/p") == (1, "provisional")


@pytest.mark.parametrize(
    "token", ["Bearer wrong-token-0123456789abcdefghijklmnop", "Basic x", TOKEN]
)
def test_a_wrong_token_is_refused_not_taken_as_anonymous(
    service: tuple[str, str], token: str
) -> None:
    base, _ = service
    status, answer, _ = post_json(base, report("http://forged.example/", install(21)),
                                  headers={"Authorization": token})  # fmt: skip
    assert (status, answer) == (401, {"error": "bad_token"})


def _without(key: str) -> dict[str, object]:
    return {k: v for k, v in report("http://a.example/").items() if k != key}


_LONG = "http://long.example/" + "a" * 4100
BAD = [
    ([1], "body", "must be a JSON object"),
    ({"url": "http://a.example/", "verdict": "warn", "install_id": install(1)}, "v", "required"),
    (report("http://a.example/", v=2), "v", "must be 1"),
    (report("http://a.example/", v=True), "v", "must be 1"),
    (report("http://a.example/", v="1"), "v", "must be 1"),
    ({**report("x"), "url": None}, "url", "must be a string"),
    (report(""), "url", "is empty"),
    (report(_LONG), "url", "at most 4,096"),
    (report("ftp://files.example/a"), "url", "http or https"),
    (report("javascript:alert(1)"), "url", "http or https"),
    (report("http:///nohost"), "url", "http or https"),
    (report("http://[::1/"), "url", ""),
    (report("http://a.example/", techniques="refang"), "techniques", "must be a list"),
    (report("http://a.example/", techniques=["x"] * 17), "techniques", "at most 16"),
    (report("http://a.example/", techniques=["Refang"]), "techniques", "[a-z0-9_]"),
    (report("http://a.example/", techniques=["a" * 33]), "techniques", "[a-z0-9_]"),
    (report("http://a.example/", techniques=[""]), "techniques", "[a-z0-9_]"),
    (report("http://a.example/", techniques=[1]), "techniques", "[a-z0-9_]"),
    (report("http://a.example/", verdict="maybe"), "verdict", "block, warn, allow"),
    (_without("verdict"), "verdict", "required"),
    (_without("install_id"), "install_id", "required"),
    (report("http://a.example/", install_id="short"), "install_id", "16-64"),
    (report("http://a.example/", install_id="x" * 65), "install_id", "16-64"),
    (report("http://a.example/", install_id="install id with spaces"), "install_id", "16-64"),
    (report("http://a.example/", note=5), "note", "must be a string"),
    (report("http://a.example/", note="n" * 1001), "note", "at most 1,000"),
    (report("http://a.example/", note="nul\x00here"), "note", "NUL"),
    (report("http://a.example/", attachment="a" * 4097), "attachment", "at most 4,096"),
    (report("http://a.example/", extra="x"), "extra", "unknown key"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "field", "reason"), BAD)
def test_a_malformed_report_is_400_with_its_field_and_reason(
    service: tuple[str, str], body: object, field: str, reason: str
) -> None:
    status, answer, _ = post_json(service[0], body)
    assert status == 400, answer
    assert answer["error"] == "bad_report"
    assert answer["field"] == field
    assert reason in str(answer["reason"])


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b'{"v": 1, "v": 1}', "v"),
        (b"{not json", "body"),
        (b"\xff\xfe", "body"),
        (b'{"v":1,"url":"http://a.example/\\ud800","verdict":"warn","install_id":"'
         b'install-000000000001"}', "url"),
        (b"[" * 5000 + b"]" * 5000, "body"),
    ],
)  # fmt: skip
def test_bytes_that_are_no_report_are_400(service: tuple[str, str], raw: bytes, field: str) -> None:
    status, answer, _ = post_json(service[0], None, raw=raw)
    assert (status, answer["error"], answer["field"]) == (400, "bad_report", field)


def test_an_oversized_body_is_413_and_a_non_json_type_415(service: tuple[str, str]) -> None:
    base, _ = service
    big = json.dumps(report("http://big.example/", note="n" * 17000)).encode()
    assert post_json(base, None, raw=big)[:2] == (413, {"error": "too_large", "limit": 16384})
    for kind in ("text/plain", "application/x-www-form-urlencoded", ""):
        status, answer, _ = post_json(base, report("http://a.example/"),
                                      headers={"Content-Type": kind})  # fmt: skip
        assert status == 415, kind
        assert answer["error"] == "unsupported_media_type"


INJECTIONS = [
    "'; DROP TABLE reports; --",
    '" OR 1=1 --',
    "') ; DELETE FROM urls WHERE ('1'='1",
    "%s %s %(x)s ? ?",
    "\\'; SELECT pg_sleep(5); --",
]


@pytest.mark.parametrize("attack", INJECTIONS)
def test_sql_injection_in_every_field_is_data_or_refused(
    service: tuple[str, str], attack: str
) -> None:
    base, db_url = service
    url = "http://inject.example/" + attack.replace(" ", "%20").replace('"', "%22")
    body = report(url, install(40), note=attack, attachment=attack)
    status, answer, _ = post_json(base, body)
    assert status == 202, answer
    for field in ("techniques", "install_id", "verdict"):
        hostile = [attack] if field == "techniques" else attack
        status, answer, _ = post_json(base, report("http://inject.example/x", **{field: hostile}))
        assert (status, answer["field"]) == (400, field)
    status, answer, _ = post_json(base, {attack: 1, **report("http://inject.example/y")})
    assert status == 400
    assert answer["reason"] == "unknown key"
    review = _review(db_url)
    try:
        items, _ = review.queue(per_page=1000)
        mine = [i for i in items if i.url == canonicalize(url)]
        assert len(mine) == 1
        view = review.item(mine[0].id)
        assert view is not None
        assert [(r.note, r.attachment) for r in view.reports] == [(attack, attack)]
        assert audit.verify(review.db).entries > 0  # the tables are all still there
    finally:
        review.db.close()


def test_a_flood_from_one_address_is_429_with_retry_after(
    tmp_path: Path, review_db_url: str
) -> None:
    with review_server(review_db_url, "--report-rate", "20", cwd=tmp_path) as base:
        answers = [post_json(base, report(f"http://flood{i}.example/", install(i)))
                   for i in range(40)]  # fmt: skip
    statuses = [status for status, _, _ in answers]
    assert statuses[:20] == [202] * 20
    limited = [(a, h) for s, a, h in answers if s == 429]
    assert len(limited) >= 15
    assert all(a == {"error": "rate_limited"} for a, _ in limited)
    assert all(int(h["retry-after"]) >= 1 for _, h in limited)


def test_one_install_is_rate_limited_across_urls(tmp_path: Path, review_db_url: str) -> None:
    with review_server(review_db_url, "--install-rate", "5", cwd=tmp_path) as base:
        statuses = [post_json(base, report(f"http://many{i}.example/", install(9)))[0]
                    for i in range(10)]  # fmt: skip
    assert statuses[:5] == [202] * 5
    assert statuses[5:] == [429] * 5


_CRASHING_WRITER = textwrap.dedent(
    """
    import sys, time
    from linkscreen_server.review import audit, workflow
    from linkscreen_server.review.reports import parse_report
    from linkscreen_server.review.storage import Database

    review = workflow.Review(Database(sys.argv[1]))

    def stall(*args, **kwargs):
        print("inside", flush=True)  # the URL and report rows are written, not committed
        time.sleep(120)

    workflow.audit.append = stall
    body = b'{"v":1,"url":"http://crash.example/p","verdict":"block","install_id":"install-crash-0001"}'
    review.submit(parse_report(body))
    """
)


def test_a_kill_9_mid_transaction_leaves_nothing_half_written(
    tmp_path: Path, review_db_url: str
) -> None:
    Database(review_db_url).close()  # migrated
    writer = subprocess.Popen(
        [sys.executable, "-c", _CRASHING_WRITER, review_db_url],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert writer.stdout is not None
    line = writer.stdout.readline()
    assert line.strip() == b"inside", line + writer.stdout.read()
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    time.sleep(0.2)
    db = Database(review_db_url)
    try:
        with db.read() as tx:
            assert tx.one("SELECT COUNT(*) FROM urls") == (0,)
            assert tx.one("SELECT COUNT(*) FROM reports") == (0,)
        assert audit.verify(db).entries == 0
        review = Review(db)
        body = report("http://crash.example/p", "install-crash-0001")
        from linkscreen_server.review.reports import parse_report

        assert review.submit(parse_report(json.dumps(body).encode())).status == "received"
    finally:
        db.close()
