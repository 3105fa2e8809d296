"""A chat aside glued before a link, ``(lol)bad.example/x``: the link after the bracket is read.

Attack 15 (helper 67's leftovers): ``(lol)jqxvw.example/x``, ``ok)jqxvw.example/x`` and
``(see)jqxvw.example`` answered ``allow``: the token was read whole (``lol)jqxvw.example/x``,
no host) and a leading bracket only was trimmed. No host holds a closing bracket, so what
follows the last one in the token's host part is read as a token of its own, with every test
a token takes (code shapes such as ``(Foo)log.in;`` or ``while(x)log.in();`` included). With
a path after it, it is a link; a bare name is a possible missing space (prose evidence): a
name of words is chance (``(see)log.in`` allows), one of random letters warns.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pure_parity import pure_answers, scan_answer

import linkscreen
from linkscreen import Action

from bundles import compile_lists, open_bytes

ENTRIES = ["jqxvw.example/", "log.in/", "qzvkt.example/gal/275/1"]

BLOCK = [
    "(lol)jqxvw.example/x",
    "ok)jqxvw.example/x",
    "haha (this one)qzvkt.example/gal/275/1 ok",
    "[link]jqxvw.example/photos",
    "(lol)hxxp://jqxvw[.]example/x",
    "(lol)//jqxvw.example/x",  # scheme-relative: the bracket ends the host part
]

ALLOW = [
    "(lol)jqxvw.example.test/x",  # a longer host, not the listed one
    "(lol)example.test/x",
    "x = (Foo)log.in;",
    "while(x)log.in();",
    "http://a.test/(x)jqxvw.example",  # a bracket in a path is the path's
    "f(x)jqxvw.example",
    "(see)log.in",  # a missing space before words: chance, as the evidence rule reads it
]

#: A bare name of random letters after the bracket: no path, so prose evidence only.
WARN = ["(see)jqxvw.example", "ok)jqxvw.example"]


def _matcher(tmp: Path) -> linkscreen.Matcher:
    return linkscreen.Matcher(open_bytes(compile_lists(tmp, {"h": (ENTRIES, Action.BLOCK)})))


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    return _matcher(tmp_path_factory.mktemp("close"))


@pytest.mark.parametrize("text", BLOCK)
def test_a_link_after_a_glued_aside_blocks(matcher: linkscreen.Matcher, text: str) -> None:
    found = matcher.scan_text(text)
    assert found.action is Action.BLOCK, [(f.url, str(f.action)) for f in found]
    assert any(f.url.startswith(("jqxvw", "qzvkt", "http")) for f in found if f.verdict.matches)


@pytest.mark.parametrize("text", ALLOW)
def test_brackets_of_code_and_paths_read_no_link(matcher: linkscreen.Matcher, text: str) -> None:
    found = matcher.scan_text(text)
    assert found.action is Action.ALLOW, [(f.url, str(f.action)) for f in found]


@pytest.mark.parametrize("text", WARN)
def test_a_bare_name_after_an_aside_warns(matcher: linkscreen.Matcher, text: str) -> None:
    assert matcher.scan_text(text).action is Action.WARN


def test_pure_python_answers_the_same(matcher: linkscreen.Matcher, tmp_path: Path) -> None:
    texts = BLOCK + ALLOW + WARN
    assert pure_answers("test_after_close", tmp_path, texts) == [
        scan_answer(matcher, text) for text in texts
    ]
