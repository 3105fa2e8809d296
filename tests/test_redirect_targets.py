"""Where a response sends the browser, read as a browser reads it (attack-trust findings 1, 5, 9).

A redirect target that the SDK reads differently from a browser makes the Expander (and the
server's ``resolve``) report a complete, harmless chain while the browser lands elsewhere:

- backslash targets (``Location: /\\host/x``, ``\\\\host``, ``http:\\\\host``...) name a *host*
  under the WHATWG URL parser; ``urllib``'s ``urljoin`` read them as paths on the shortener;
- the HTTP ``Refresh`` header is a hop, like the meta tag;
- a meta refresh separated by a space is a hop, and a ``<meta`` inside a comment, an attribute
  value or a script is not.

The joining rules are checked against every web-platform-tests case with an http(s) base.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import linkscreen
from linkscreen.fetch import Request, Response, request_target
from linkscreen.redirects import join_url, meta_refresh_target, next_hop
from linkscreen.results import Action
from linkscreen_server.resolver import resolve_all

from bundles import compile_lists, open_bytes
from hostile_server import Hostile, running_hostile
from vectors import wpt_cases

START = "http://sho.test/abc"
LISTED = "http://listed.example/x"


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    data = compile_lists(
        tmp_path_factory.mktemp("b"), {"hotline": (["http://listed.example/"], Action.BLOCK)}
    )
    return linkscreen.Matcher(open_bytes(data))


@pytest.fixture(scope="module")
def hostile() -> Iterator[Hostile]:
    with running_hostile() as server:
        yield server


class Answers:
    """A Fetcher answering START with one response and every other URL with an empty 200."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes = b"") -> None:
        self.answer = (status, headers, body)
        self.requested: list[str] = []

    def fetch(self, request: Request) -> Response:
        self.requested.append(request.url)
        if request.url != START:
            return Response(200, {"content-type": "text/plain"}, b"")
        status, headers, body = self.answer
        return Response(status, headers, body if request.method == "GET" else b"")


def _meta(target: str) -> bytes:
    return f'<meta http-equiv="refresh" content="0;url={target}">'.encode()


# ---- backslash targets (finding 1, HIGH) -------------------------------------------------

BACKSLASH_TARGETS = [
    "/\\listed.example/x",
    "\\\\listed.example\\x",
    "\\/listed.example/x",
    "http:\\\\listed.example\\x",
    "http:/\\listed.example/x",
    "HTTP:\\\\listed.example/x",
    "https:\\\\listed.example/x",
    "/\\/listed.example/x",
    " \t/\\listed.example/x",
]


@pytest.mark.parametrize("target", BACKSLASH_TARGETS)
def test_a_backslash_target_names_the_host_a_browser_reaches(target: str) -> None:
    joined = join_url(START, target)
    assert request_target(joined).host == "listed.example"
    assert "\\" not in joined


@pytest.mark.parametrize("how", ["location", "meta"])
@pytest.mark.parametrize("target", BACKSLASH_TARGETS)
def test_expander_blocks_a_backslash_redirect_to_a_listed_host(
    matcher: linkscreen.Matcher, target: str, how: str
) -> None:
    if how == "location":
        fetcher = Answers(302, {"location": target})
    else:
        fetcher = Answers(200, {"content-type": "text/html"}, _meta(target))
    expansion = linkscreen.Expander(matcher, fetcher).expand(START)
    assert (expansion.stopped, expansion.action) == ("blocked", Action.BLOCK), expansion
    assert expansion.chain[-1].startswith(("http://listed.example/", "https://listed.example/"))
    assert all("listed.example" not in url for url in fetcher.requested)  # never contacted


def test_server_resolve_reads_a_backslash_location_as_a_browser() -> None:
    """``compile --resolve-shortlinks`` follows the same core: it must record the real target."""
    [resolution] = resolve_all([START], fetcher=Answers(301, {"location": "/\\listed.example/x"}))
    assert resolution.hops == (LISTED,)


def test_a_backslash_location_over_loopback_is_blocked_before_the_request(
    tmp_path: Path, hostile: Hostile
) -> None:
    """Real HTTP: the Location header as a shortener sends it, the listed hop never requested."""

    def redirect(conn: socket.socket, head: bytes) -> None:
        location = f"/\\127.0.0.1:{hostile.port}/listed/x"
        conn.sendall(f"HTTP/1.1 302 Found\r\nLocation: {location}\r\n\r\n".encode())

    hostile.routes["/backslash"] = redirect
    data = compile_lists(tmp_path, {"hotline": ([hostile.url("/listed/")], Action.BLOCK)})
    expander = linkscreen.Expander(linkscreen.Matcher(open_bytes(data)), allow_private=True)
    expansion = expander.expand(hostile.url("/backslash"))
    assert expansion.stopped == "blocked", expansion
    assert expansion.chain[-1] == hostile.url("/listed/x")
    assert not [path for path in hostile.paths() if "listed" in path]


@pytest.mark.parametrize(
    ("target", "joined"),
    [
        ("/dest", "http://sho.test/dest"),
        ("dest", "http://sho.test/dest"),
        ("../up/./x", "http://sho.test/up/x"),
        ("/a/%2e%2E/b", "http://sho.test/b"),
        ("/a\\b\\..\\c", "http://sho.test/a/c"),  # backslashes split path segments too
        ("?q=1", "http://sho.test/abc?q=1"),
        ("http:rel", "http://sho.test/rel"),  # the base's own scheme without // is relative
        ("https:other.test/x", "https://other.test/x"),  # another special scheme: a host
        ("//u@h.test:81/p", "http://u@h.test:81/p"),
        ("javascript:alert(1)", "javascript:alert(1)"),  # returned as written: never requested
    ],
)
def test_join_rules(target: str, joined: str) -> None:
    assert join_url(START, target) == joined


@pytest.mark.parametrize("target", ["//", "http://", "//user@/x", "//:80/x", "//[::1/x"])
def test_a_target_with_no_host_is_an_invalid_hop(target: str) -> None:
    with pytest.raises(linkscreen.InvalidURLError):
        next_hop(Response(302, {"location": target}), START)


def _whatwg_relative_cases() -> list[dict[str, Any]]:
    return [
        case
        for case in wpt_cases()
        if str(case.get("base") or "").lower().startswith(("http:", "https:"))
        and not case.get("failure")
        and case.get("protocol") in ("http:", "https:")
    ]


# WHATWG input -> why our request differs.
JOIN_EXCEPTIONS = {
    "http://f:0/c": "port 0 is never requested",
    "http://f:00000000000000/c": "port 0 is never requested",
}


def test_join_agrees_with_whatwg_on_every_http_base_case() -> None:
    """Host, path and query of the joined URL as the fetcher would request them equal
    WHATWG's for all web-platform-tests cases with an http(s) base and an http(s) result."""
    cases = _whatwg_relative_cases()
    assert len(cases) > 100
    differ = []
    for case in cases:
        if case["input"] in JOIN_EXCEPTIONS:
            continue
        where = request_target(join_url(case["base"], case["input"]))
        empty_query = case["href"].partition("#")[0].endswith("?")
        expected_query = case["search"] or ("?" if empty_query else "")
        expected = (case["hostname"].strip("[]"), case["pathname"] + expected_query)
        if (where.host, where.target) != expected:
            differ.append((case["input"], case["base"], where.host, where.target, expected))
    assert differ == []


# ---- the Refresh header (finding 5) ------------------------------------------------------


@pytest.mark.parametrize("content_type", ["text/html", "text/plain", "application/octet-stream"])
@pytest.mark.parametrize("value", ["0;url=http://listed.example/x", "5, /\\listed.example/x"])
def test_the_refresh_header_is_a_hop(
    matcher: linkscreen.Matcher, content_type: str, value: str
) -> None:
    """Before: ``200`` with ``Refresh: 0;url=...`` ended the chain ``final`` / ``allow``."""
    fetcher = Answers(200, {"content-type": content_type, "refresh": value}, b"<p>moved</p>")
    expansion = linkscreen.Expander(matcher, fetcher).expand(START)
    assert (expansion.stopped, expansion.action) == ("blocked", Action.BLOCK), expansion
    assert expansion.chain == (START, LISTED)


def test_the_refresh_header_comes_before_the_meta_tag() -> None:
    page = Response(200, {"refresh": "0; url=/header"}, _meta("/meta"))
    assert next_hop(page, START) == "http://sho.test/header"


@pytest.mark.parametrize(
    ("value", "target"),
    [
        ("0; url=/a?b=1&amp;c=2", "http://sho.test/a?b=1&amp;c=2"),  # no entities in a header
        ("5", None),  # a reload is not a hop
        ("", None),
    ],
)
def test_refresh_header_values(value: str, target: str | None) -> None:
    assert next_hop(Response(200, {"refresh": value}), START) == target


def test_a_redirects_location_wins_over_its_refresh_header() -> None:
    answer = Response(302, {"location": "/loc", "refresh": "0;url=/refresh"})
    assert next_hop(answer, START) == "http://sho.test/loc"


def test_the_refresh_header_over_loopback_is_followed_and_checked(
    tmp_path: Path, hostile: Hostile
) -> None:
    def refresh(conn: socket.socket, head: bytes) -> None:
        conn.sendall(
            f"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n"
            f"Refresh: 0;url={hostile.url('/listed/x')}\r\n\r\n".encode()
        )

    hostile.routes["/refresh"] = refresh
    data = compile_lists(tmp_path, {"hotline": ([hostile.url("/listed/")], Action.BLOCK)})
    expander = linkscreen.Expander(linkscreen.Matcher(open_bytes(data)), allow_private=True)
    expansion = expander.expand(hostile.url("/refresh"))
    assert expansion.stopped == "blocked", expansion
    assert not [path for path in hostile.paths() if "listed" in path]


# ---- meta refresh read as a browser reads it (finding 9) ---------------------------------

REAL = '<meta http-equiv="refresh" content="0;url=http://listed.example/x">'
DECOY = '<meta http-equiv="refresh" content="0;url=http://harmless.example/">'

BROWSER_PAGES = {
    "space separator": '<meta http-equiv="refresh" content="0 http://listed.example/x">',
    "spaces then url=": '<meta http-equiv="refresh" content="0   URL = http://listed.example/x">',
    "decoy in a comment": f"<!-- {DECOY} -->{REAL}",
    "decoy in a comment holding >": f"<!-- a > b {DECOY} -->{REAL}",
    "an empty comment": f"<!-->{REAL}",
    "another empty comment": f"<!--->{REAL}",
    "decoy in a bogus comment": f"<!{DECOY}>{REAL}",
    "decoy in a processing-instruction-like comment": f"<?{DECOY}>{REAL}",
    "decoy in an unclosed-looking comment": f"<!-- <!-- {DECOY} -- > -->{REAL}",
    "decoy in an attribute": f"<div title='{DECOY}'></div>{REAL}",
    "decoy in an unquoted-looking attribute": f'<img alt="x {DECOY} y">{REAL}',
    "decoy in a script string": f"<script>var s = '{DECOY}';</script>{REAL}",
    "decoy in a script with a fake end": f"<script>'</scripts>{DECOY}'</script >{REAL}",
    "decoy in a style": f"<style>/* {DECOY} */</style>{REAL}",
    "decoy in a textarea": f"<TEXTAREA>{DECOY}</TEXTAREA>{REAL}",
    "decoy in a title": f"<title>{DECOY}</title>{REAL}",
    "decoy in noscript": f"<noscript>{DECOY}</noscript>{REAL}",
    "decoy in a template": f"<template>{DECOY}</template>{REAL}",
    "decoy after a doctype": f"<!DOCTYPE html><html><body>{REAL}",
}


@pytest.mark.parametrize("page", BROWSER_PAGES.values(), ids=BROWSER_PAGES.keys())
def test_meta_refresh_is_read_as_a_browser_reads_the_page(
    matcher: linkscreen.Matcher, page: str
) -> None:
    """Before: a space separator was no hop, and the first ``<meta`` in the raw bytes won
    even where a browser sees text, so a decoy made the chain complete and harmless."""
    fetcher = Answers(200, {"content-type": "text/html"}, page.encode())
    expansion = linkscreen.Expander(matcher, fetcher).expand(START)
    assert (expansion.stopped, expansion.action) == ("blocked", Action.BLOCK), expansion
    assert expansion.chain == (START, LISTED)


@pytest.mark.parametrize(
    ("content", "target"),
    [
        ("0 /space", "/space"),
        ("0\t\n/ws", "/ws"),
        (".5; /dot", "/dot"),
        ("1.5.5,/commas", "/commas"),
        ("0; 'quoted' rest", "quoted"),  # quotes are skipped even without url=
        ("0; url='/q", "/q"),  # an unclosed quote runs to the end
        ("0; urn:x", "urn:x"),  # "u" but not "url": the whole rest is the URL
        ("0; uxx = /y", "uxx = /y"),
        ("0; url /no-equals", "url /no-equals"),
        ("0;URL=/caps", "/caps"),
        ("0x; url=/x", None),  # the time must end with ; , or a space
        ("; url=/x", None),  # no time
        ("5", None),  # a reload
        ("0;", None),
        ("0; url=", None),
    ],
)
def test_refresh_content_values(content: str, target: str | None) -> None:
    page = f'<meta http-equiv="refresh" content="{content}">'.encode()
    assert meta_refresh_target(page) == target
    assert next_hop(Response(200, {"refresh": content}), START) == (
        None if target is None else join_url(START, target)
    )  # the header is read by the same steps


@pytest.mark.parametrize(
    "page",
    [
        b'<meta http-equiv="refresh" content="0;url=/cut"',  # no ">": a browser drops the tag
        b'<meta http-equiv="refresh" content="0;url=/cut>',  # unclosed quote
        b"<plaintext>" + REAL.encode(),
        b"<script>" + REAL.encode(),  # unclosed script: the rest is script text
        b"<!-- " + REAL.encode(),  # unclosed comment
        b"</p " + REAL.encode()[1:],  # attributes of an end tag are no meta
    ],
)
def test_meta_refresh_that_a_browser_never_sees(page: bytes) -> None:
    assert meta_refresh_target(page) is None


SCANNER_PAGES = {
    "comment openers": b"<!--" * 65_536,
    "script openers": b"<script>" * 32_768,
    "fake script ends": b"<script>" + b"</scriptx" * 29_128,
    "bogus comments": b"<!" * 131_072,
    "unclosed attribute quotes": b"<a title='" * 26_215,
    "lone angles": b"<" * 262_144,
    "end tags": b"</a " * 65_536,
    "attributes": b"<a " + b"b=c " * 65_536,
}


@pytest.mark.parametrize("page", SCANNER_PAGES.values(), ids=SCANNER_PAGES.keys())
def test_meta_refresh_scan_stays_linear_on_a_256kib_hostile_page(page: bytes) -> None:
    """The comment, raw-text and attribute states added here keep every step advancing."""
    assert len(page) >= 256 * 1024
    started = time.perf_counter()
    meta_refresh_target(page + REAL.encode())
    assert time.perf_counter() - started < 1.0  # at most about 0.1 s; quadratic: hours
