"""What attack 14 (a re-attack of the day's fixes) found, and the answers now.

- F15/F13: links one after another, on lines or after a space, were joined into one reading
  nested many deep (``https://a.example/https://b.example/...``): ordinary chat with five
  links warned ("redirect targets nested past 3 levels") and 100 links cost 100+ ms. A
  break followed by a web scheme now starts a link of its own.
- F7/F8: bidi isolates and marks, joiners, the soft hyphen, variation and tag characters
  glue a word onto a host as a zero-width space does: read as a break too; a mail address
  with a zero-width space after its ``@`` stays a mail address.
- F9: ``<name>`` is an element in a text holding other tags, after ``#include`` or
  ``template``, or capitalised (a JSX member component).
- F4/F5: ``check_url`` of an ASCII URL whose scheme or host is not plainly written
  (``h**p://``, ``https;//``, ``host%20``, ``host<``) answers at least what ``scan_text`` does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pure_parity import check_answer, pure_answers, scan_answer

import linkscreen
from linkscreen import Action

from bundles import compile_lists, open_bytes

ENTRIES = ["jqxvw.example/", "x.example/", "log.in/", "my.app/"]


def _matcher(tmp: Path) -> linkscreen.Matcher:
    return linkscreen.Matcher(open_bytes(compile_lists(tmp, {"h": (ENTRIES, Action.BLOCK)})))


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    return _matcher(tmp_path_factory.mktemp("a14"))


LINK_RUNS = [
    sep.join(f"{scheme}h{i}.example/{path}" for i in range(count))
    for sep in ["\n", " ", "\n\n", " \n"]
    for scheme in ["https://", "http://", "hxxp://"]
    for path in ["", "p1", "a/b?c=1"]
    for count in [5, 40]
]


@pytest.mark.parametrize("text", LINK_RUNS)
def test_links_one_after_another_are_read_one_by_one(
    matcher: linkscreen.Matcher, text: str
) -> None:
    found = matcher.scan_text(text)
    assert found.action is Action.ALLOW, found.notes
    assert found.complete
    assert all(text.count(f.url.split("//", 1)[-1]) >= 1 for f in found)
    assert len(found) <= 2 * (text.count("://"))


@pytest.mark.parametrize(
    "text",
    [
        "see https://a.example/\nhttps://jqxvw.example/x",
        "https://a.example/x https://jqxvw.example/",
        "http://qzvkt.example/gal/\n275/1 and https://jqxvw.example",
    ],
)
def test_a_listed_link_among_them_still_blocks(matcher: linkscreen.Matcher, text: str) -> None:
    assert matcher.scan_text(text).action is Action.BLOCK


UNSEEN = [
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",
    "\u200f",
    "\u061c",
    "\u202a",
    "\u202c",
    "\u200c",
    "\u200d",
    "\u034f",
    "\ufe0f",
    "\U000e0020",
    "\ufff9",
    "\u17b4",
]
GLUED = [
    *(f"hey{c}jqxvw.example" for c in UNSEEN),
    *(f"hey{c}jqxvw.example/gal" for c in UNSEEN),
    *(f"jqxvw.example{c}now" for c in UNSEEN),
    "hey\u2066jqxvw.example\u2069",
]


@pytest.mark.parametrize("text", GLUED)
def test_unseen_characters_glue_nothing_onto_a_host(matcher: linkscreen.Matcher, text: str) -> None:
    assert matcher.scan_text(text).action is Action.BLOCK


QUIET = [
    "see the log.in\u00adfor\u00adma\u00adtion file",  # soft hyphens inside a word (attack 15)
    "call.me\u00adssage",
    "mail me: bob@\u200bx.example thanks",
    "user\u200b@\u200bx.example",
    "\u2067\u05e9\u05dc\u05d5\u05dd\u2069 sent you a photo",
    "family \U0001f468\u200d\U0001f469\u200d\U0001f467 trip",
    "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 file.txt",
    "#include <log.in>",
    "template <my.app>",
    '<?xml version="1.0"?>\n<my.app>',
    "<project.name>\n${artifactId}\n</project.name>",
    "<Nav>\n  <Nav.Link>\n    Home\n  </Nav.Link>\n</Nav>",
    "return (\n  <Form.Group>\n    <Form.Label>Email</Form.Label>\n  </Form.Group>\n)",
    "Please mail hello@x.example/ or call",
    "bob@x.example/cc",
]


@pytest.mark.parametrize("text", QUIET)
def test_ordinary_text_and_code_stay_quiet(matcher: linkscreen.Matcher, text: str) -> None:
    assert matcher.scan_text(text).action is Action.ALLOW


STILL_LINKS = ["<jqxvw.example>", "see <log.in> now", "paypal.test@jqxvw.example?login"]


@pytest.mark.parametrize("text", STILL_LINKS)
def test_links_in_those_shapes_still_block(matcher: linkscreen.Matcher, text: str) -> None:
    assert matcher.scan_text(text).action is Action.BLOCK


ASCII_URLS = [
    "h**p://jqxvw.example/",
    "[http]://jqxvw.example/",
    "https;//jqxvw.example/",
    "http://jqxvw.example%20/x",
    "http://jqxvw.example%00/",
    "http://jqxvw.example</",
    "http://jqxvw.example^/",
]


@pytest.mark.parametrize("url", ASCII_URLS)
def test_check_url_of_a_url_not_plainly_written_reads_it_as_text(
    matcher: linkscreen.Matcher, url: str
) -> None:
    assert matcher.scan_text(url).action is Action.BLOCK
    verdict = matcher.check_url(url)
    assert verdict.action is Action.BLOCK, verdict
    assert any("as scan_text reads it" in note for note in verdict.notes)


@pytest.mark.parametrize(
    "url", ["https://safe.example/x", "h**p://safe.example/", "http://safe.example%20/x"]
)
def test_unlisted_urls_so_written_allow(matcher: linkscreen.Matcher, url: str) -> None:
    assert matcher.check_url(url).action is Action.ALLOW


ALL = [*LINK_RUNS[::5], *GLUED[::3], *QUIET, *STILL_LINKS]


def test_native_and_pure_agree(matcher: linkscreen.Matcher, tmp_path: Path) -> None:
    assert pure_answers(__name__, tmp_path, ALL) == [scan_answer(matcher, t) for t in ALL]


def test_check_url_native_and_pure_agree(matcher: linkscreen.Matcher, tmp_path: Path) -> None:
    urls = [*ASCII_URLS, "https://safe.example/x", "https://10.0.0.999\\admin"]
    expected = [check_answer(matcher, u) for u in urls]
    assert pure_answers(__name__, tmp_path, urls, "check_answer") == expected


@pytest.mark.parametrize("sep", ["\n", " ", "/ ", "\n> "])
def test_no_reading_joins_a_link_onto_the_next(sep: str) -> None:
    text = f"https://a.example/x{sep}https://b.example/y{sep}hxxp://c.example/z"
    joined = [c.url for c in linkscreen.extract_links(text) if c.url.count("://") > 1]
    assert joined == []
