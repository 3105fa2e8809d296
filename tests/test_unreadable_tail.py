"""A port that is no number or a stray '%' after a listed host (attack 11, H8; ADR 0027).

A browser refuses such a URL, an autolinker links the host before the bad part: the host and
path are checked without it, a listed one blocks, and the verdict says what was not read.
Run in both paths (C core, and LINKSCREEN_PURE=1).
"""

from __future__ import annotations

import random

import pytest

import linkscreen
from linkscreen import Action

from bundles import compile_lists, open_bytes

BAD_PORTS = [":99999", ":8o80", ":-1", ":65536", ":1e3", ":0x50", ":80a", ":+80", ":port"]
STRAY = ["%", "%zz", "%g1", "%4"]
SCHEMES = ["http://", "https://", "hxxp://", "HTTP://"]
HOSTS = [
    ("bad.example", "/p"),
    ("a.sub.deep.example", "/x"),
    ("192.0.2.55", "/"),
    ("page.example", "/gal/275/1"),
]


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    data = compile_lists(
        tmp_path_factory.mktemp("unreadable-tail"),
        {
            "hotline": (
                [
                    "http://bad.example/",
                    "http://sub.deep.example/",
                    "http://192.0.2.55/",
                    "http://page.example/gal/275/1",
                    "http://ported.example:8080/",
                    "http://queue.py/",
                ],
                Action.BLOCK,
            ),
        },
    )
    return linkscreen.Matcher(open_bytes(data))


@pytest.mark.parametrize("tail", BAD_PORTS + STRAY)
@pytest.mark.parametrize("host", HOSTS, ids=[h for h, _ in HOSTS])
def test_listed_host_blocks_in_check_url(
    matcher: linkscreen.Matcher, host: tuple[str, str], tail: str
) -> None:
    for scheme in ("http://", "https://"):
        url = scheme + host[0] + tail + host[1]
        verdict = matcher.check_url(url)
        assert verdict.action is Action.BLOCK, url
        assert verdict.lists == ("hotline",)
        assert verdict.error is not None  # the URL could not be read as written
        assert any("cannot be read" in note for note in verdict.notes), verdict.notes


@pytest.mark.parametrize("tail", BAD_PORTS + STRAY)
@pytest.mark.parametrize("scheme", SCHEMES)
def test_listed_host_blocks_in_scan_text(
    matcher: linkscreen.Matcher, scheme: str, tail: str
) -> None:
    for host, path in HOSTS:
        url = scheme + host + tail + path
        findings = matcher.scan_text(f"see {url} now")
        assert findings.action is Action.BLOCK, url
        blocked = [f for f in findings if f.action is Action.BLOCK]
        assert any(f.verdict.error is not None for f in blocked), url


@pytest.mark.parametrize("tail", BAD_PORTS + STRAY)
def test_unlisted_host_allows_and_says_what_was_not_read(
    matcher: linkscreen.Matcher, tail: str
) -> None:
    """ADR 0027 (attack 11): nothing a list can name was left unread, so the check is
    complete and the app's incomplete_action does not apply; the error and note say it."""
    verdict = matcher.check_url(f"http://fine.example{tail}/api")
    assert verdict.action is Action.ALLOW
    assert verdict.complete
    assert verdict.error is not None
    assert verdict.canonical == "http://fine.example/api"
    assert any(repr(tail) in note or "cannot be read" in note for note in verdict.notes)
    findings = matcher.scan_text(f"docs: http://fine.example{tail}/api")
    assert findings.action is Action.ALLOW
    assert findings.complete
    assert [f.verdict.error is not None for f in findings] == [True]


def test_labels_after_a_stray_percent_are_checked(matcher: linkscreen.Matcher) -> None:
    assert matcher.check_url("http://fine.example%zz.bad.example/").action is Action.BLOCK
    assert matcher.scan_text("x http://fine.example%zz.bad.example/ y").action is Action.BLOCK


def test_readable_ports_are_unchanged(matcher: linkscreen.Matcher) -> None:
    for url in ("http://bad.example:8080/p", "http://ported.example:8080/", "http://bad.example:/"):
        verdict = matcher.check_url(url)
        assert verdict.action is Action.BLOCK
        assert verdict.error is None
        assert not verdict.notes
    assert matcher.check_url("http://fine.example:443/x").error is None


def test_the_canonicaliser_refuses_a_stray_percent_in_the_host() -> None:
    """As a browser does (a forbidden host code point); escapes that decode still read."""
    for url in ("http://a.example%/", "http://a.example%zz/", "http://a%2525zz.example/"):
        with pytest.raises(linkscreen.InvalidURLError):
            linkscreen.canonicalize(url)
    assert linkscreen.canonicalize("http://a%2Eexample/") == "http://a.example/"
    assert linkscreen.canonicalize("http://host%23.com/") == "http://host%23.com/"


def test_property_random_bad_tails(matcher: linkscreen.Matcher) -> None:
    """Random unreadable ports and stray escapes after a listed host, with a random path and
    case: every one blocks in both APIs."""
    rng = random.Random(11)
    alphabet = "0123456789abcxyz+-.%"
    for _ in range(300):
        tail = ":" + "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 7)))
        if rng.random() < 0.3:
            tail = "%" + "".join(rng.choice("gxyz%.-") for _ in range(rng.randint(0, 3)))
        host = rng.choice(["bad.example", "BAD.example", "x.sub.deep.example", "192.0.2.55"])
        path = rng.choice(["/", "/p", "/a/b?q=1", ""])
        url = f"{rng.choice(SCHEMES)}{host}{tail}{path}"
        if not url.startswith("hxxp"):
            assert matcher.check_url(url).action is Action.BLOCK, url
        assert matcher.scan_text(f"look {url} ok").action is Action.BLOCK, url


def test_no_head_reading_without_a_web_scheme(matcher: linkscreen.Matcher) -> None:
    """``queue.py::test`` (pytest), ``queue.py:x:1.6`` (a Maven coordinate) are code: the
    host-and-port reading without a scheme stays refused (benign code corpus)."""
    for text in ("FAILED queue.py::test_status", "dep queue.py:inet:1.6.0", "queue.py:%zz"):
        assert matcher.scan_text(text).action is Action.ALLOW, text
        assert matcher.check_url(text.split()[-1]).action is Action.ALLOW, text
    assert matcher.check_url("http://queue.py:test/").action is Action.BLOCK
