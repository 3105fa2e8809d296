"""A redirect target the SDK cannot decode is never a silent allow (ADR 0027, issue 9).

A rule-matched wrapper whose target parameter does not decode (Bing's base64 ``u=``) hides
where the link goes: the wrapper link is still checked, and the scan says what it could not
read (``complete=False``, so at least the app's ``incomplete_action``).
"""

from __future__ import annotations

import base64

import pytest

import linkscreen
from linkscreen import Action
from linkscreen.fetch import Request, Response
from linkscreen.redirects import follow

from bundles import compile_lists, open_bytes

BING = "https://www.bing.com/ck/a?u=a1"


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    data = compile_lists(
        tmp_path_factory.mktemp("payloads"), {"hotline": (["qzvkt.example/"], Action.BLOCK)}
    )
    return linkscreen.Matcher(open_bytes(data))


def test_an_undecodable_target_makes_the_scan_incomplete(matcher: linkscreen.Matcher) -> None:
    findings = matcher.scan_text(f"see {BING}%%%%&x=1 now")
    assert not findings.complete
    assert findings.action is Action.WARN
    assert any("not decodable" in note for note in findings.notes)


def test_a_decodable_target_is_read_and_complete(matcher: linkscreen.Matcher) -> None:
    encoded = base64.urlsafe_b64encode(b"https://qzvkt.example/x").decode().rstrip("=")
    findings = matcher.scan_text(f"see {BING}{encoded} now")
    assert (findings.action, findings.complete) == (Action.BLOCK, True)
    unlisted = base64.urlsafe_b64encode(b"https://fine.example/x").decode().rstrip("=")
    assert matcher.scan_text(f"see {BING}{unlisted} now").complete


class _Page:
    """A Fetcher answering every GET with one HTML page (HEAD: headers only)."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def fetch(self, request: Request) -> Response:
        body = self.body if request.method == "GET" else b""
        return Response(200, {"content-type": "text/html"}, body)


def test_a_page_cut_at_the_cap_says_a_later_refresh_was_not_seen() -> None:
    refresh = b'<meta http-equiv="refresh" content="0; url=http://qzvkt.example/x">'
    padded = b"<!doctype html><p>" + b"x" * 70_000 + refresh
    chain = follow("http://start.example/", _Page(padded), allow_private=True)
    assert chain.stopped == "final"
    assert "65536 bytes" in (chain.error or "")
    short = follow("http://start.example/", _Page(b"<p>hello</p>"), allow_private=True)
    assert (short.stopped, short.error) == ("final", None)
