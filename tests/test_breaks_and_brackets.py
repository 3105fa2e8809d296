"""Two ways a bare listed host hid in attack 12 (ADR 0012, tenth round, fourth slice).

- N5: a blank or zero-width character between a word and a host (``hey\\u2800bad.example``,
  ``bad.example\\u200bnow``). The as-written reading drops it and glues the word onto the host
  (``heybad.example``); a reader sees a break, so the message is read with a space there too.
- N3: a bare host in angle brackets (``<bad.example>``), as mail and chat wrap a link, was
  taken for an XML element name and read as code. ``<name>`` is an element only with another
  tag near it (``<a.b>1</a.b>``) or glued to a type (``List<a.b>``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pure_parity import pure_answers, scan_answer

import linkscreen
from linkscreen import Action

from bundles import compile_lists, open_bytes

ENTRIES = ["jqxvw.example/", "qzvkt.example/gal/275/1", "log.in/"]
BREAKS = ["\u200b", "\u2060", "\ufeff", "\u180e", "\u2800", "\u3164", "\uffa0", "\u115f"]
WORDS = ["hey", "see", "看这个", "смотри", "ดูนี่", "2024"]
LINKS = ["jqxvw.example", "jqxvw.example/a", "qzvkt.example/gal/275/1", "log.in/x"]

BREAK_POSITIVES = [
    *(f"{w}{b}{link}" for w in WORDS for b in BREAKS for link in LINKS),
    *(f"{link}{b}now" for b in BREAKS for link in LINKS[:2]),
    *(f"ok {w}{b}{b}{link} thanks" for w in WORDS[:2] for b in BREAKS[:3] for link in LINKS[:1]),
]

#: Word breaks and joiners in ordinary text: no finding raises the message.
BREAK_NEGATIVES = [
    "ดูที่\u200bร้านนี้\u200bนะ",
    "I have to go.\u200bIn a bit",
    "log\u200bin and sign\u2800up",
    "family \U0001f468\u200d\U0001f469\u200d\U0001f467 photo.jpg",
    "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 file.txt",
    "infor\u00admation is key",
    "version\u200b2.0.1 is out",
    "see\u2800you\u2800later.",
]

BRACKET_POSITIVES = [
    *(
        f"{before}<{link}>{after}"
        for before in ["", "see ", "看", "link: ", "(", "Subject: "]
        for link in LINKS
        for after in ["", " ok", "吧", ")", "."]
    ),
    "<jqxvw.example> and <log.in>",
]

BRACKET_NEGATIVES = [
    "<log.in>1</log.in>",
    "<jqxvw.example>true</jqxvw.example>",
    "</jqxvw.example>",
    "List<jqxvw.example> items = new ArrayList<>();",
    "Map<String, List<log.in>> m;",
    "<maven.compiler.source>11</maven.compiler.source>",
]


def _matcher(tmp: Path) -> linkscreen.Matcher:
    return linkscreen.Matcher(open_bytes(compile_lists(tmp, {"h": (ENTRIES, Action.BLOCK)})))


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    return _matcher(tmp_path_factory.mktemp("breaks"))


def _blocked_on(matcher: linkscreen.Matcher, text: str) -> set[str]:
    return {f.url for f in matcher.scan_text(text) if f.action is Action.BLOCK}


@pytest.mark.parametrize("text", BREAK_POSITIVES)
def test_a_break_character_before_or_after_a_host_is_a_word_break(
    matcher: linkscreen.Matcher, text: str
) -> None:
    found = matcher.scan_text(text)
    assert found.action is Action.BLOCK, found
    assert any(f.url.startswith(("jqxvw.", "qzvkt.", "log.")) for f in found if f.verdict.matches)


@pytest.mark.parametrize("text", BREAK_NEGATIVES)
def test_breaks_and_joiners_in_ordinary_text_stay_quiet(
    matcher: linkscreen.Matcher, text: str
) -> None:
    assert matcher.scan_text(text).action is Action.ALLOW


@pytest.mark.parametrize("text", BRACKET_POSITIVES)
def test_a_host_in_angle_brackets_is_a_link(matcher: linkscreen.Matcher, text: str) -> None:
    found = matcher.scan_text(text)
    assert found.action is Action.BLOCK, found


@pytest.mark.parametrize("text", BRACKET_NEGATIVES)
def test_element_names_and_type_arguments_stay_code(matcher: linkscreen.Matcher, text: str) -> None:
    assert matcher.scan_text(text).action is Action.ALLOW


def test_native_and_pure_agree(matcher: linkscreen.Matcher, tmp_path: Path) -> None:
    texts = [*BREAK_POSITIVES[::7], *BREAK_NEGATIVES, *BRACKET_POSITIVES[::5], *BRACKET_NEGATIVES]
    here = [scan_answer(matcher, t) for t in texts]
    assert pure_answers(__name__, tmp_path, texts) == here
