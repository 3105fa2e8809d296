"""What attack 17 (a re-attack of the eighth session's fixes) found, and this session fixed.

- Q: a bare listed host followed straight by a query (``jqxvw.example?x=1``) answered
  ``allow``: ``key=value`` after the name read as code. A query glued to a name, to the end
  of its token, is a link's (``_evidence._GLUED_QUERY``); optional chaining (``?.``) and a
  ternary (``?x=1:0``) stay code.
- M: more chat marks after a link: ``!!!1``, ``:]``, ``:'(``, ``:-P!!``.
The other findings (``:o``, ``=)``, ``.Thanks``, code elsewhere on the line, backslash
wrappers, spaces in later host labels, slow repeated shapes) are recorded in ADR 0012.
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
    "jqxvw.example?x=1",
    "see jqxvw.example?ref=chat",
    "get it at jqxvw.example?promo=1",
    "jqxvw.example?a=1&b=2",
    "jqxvw.example!!!1",
    "jqxvw.example!!1!",
    "jqxvw.example:]",
    "jqxvw.example:'(",
    "jqxvw.example:-P!!",
]

ALLOW = [
    "if (log.in?x=1:0)",
    "val y = user.name?.length",
    "x = a.b?c",
    "val n = user.name!!",
    "a[i]=x.y=)",
]


def _matcher(tmp: Path) -> linkscreen.Matcher:
    return linkscreen.Matcher(open_bytes(compile_lists(tmp, {"h": (ENTRIES, Action.BLOCK)})))


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    return _matcher(tmp_path_factory.mktemp("a17"))


@pytest.mark.parametrize("text", BLOCK)
def test_a_listed_link_with_a_query_or_a_chat_mark_blocks(
    matcher: linkscreen.Matcher, text: str
) -> None:
    found = matcher.scan_text(text)
    assert found.action is Action.BLOCK, [(f.url, str(f.action)) for f in found]


@pytest.mark.parametrize("text", ALLOW)
def test_code_with_queries_and_marks_stays_quiet(matcher: linkscreen.Matcher, text: str) -> None:
    found = matcher.scan_text(text)
    assert found.action is Action.ALLOW, [(f.url, str(f.action)) for f in found]


def test_pure_python_answers_the_same(matcher: linkscreen.Matcher, tmp_path: Path) -> None:
    texts = BLOCK + ALLOW
    assert pure_answers("test_attack17", tmp_path, texts) == [
        scan_answer(matcher, text) for text in texts
    ]
