"""The evidence rule, twelfth round (ADR 0012): word pairs in other languages and brackets.

Found with the word-pair prose of ``tests/data/benign_code`` (``wp-*`` categories, nine
languages) against a list with a host-level entry for every loose word pair in it:

- a word written with its accents is a word (``ya está.\\nla verdad`` read ``está.la``): the
  word list writes its words without them, so "made of words" reads them so;
- a label cut out of a word is no label (``bu şimdi al/sonra`` read ``imdi.al/sonra``: the
  space-as-dot reading took only the ASCII letters of ``şimdi``);
- a half bracket that closes a parenthesis of words (``(I'm in.)be right back``) is a
  sentence's full stop and its bracket: read as a dot, as prose (``dot-variant``), not as a
  defang (``refang``); the reading stays, so a made-up name written so is still found.

Each rule has an input that must now allow and a nearby positive that must still block or
warn; each test fails when its rule is deleted (tests/mutation/mutants.py).
"""

from __future__ import annotations

import pytest

import linkscreen
from linkscreen import Action
from linkscreen._words import base_letters

from bundles import compile_lists, open_bytes

HOSTS = [
    "http://está.la/",
    "http://für.so/",
    "http://está.de/",
    "http://qzvktá.la/",
    "http://imdi.al/",
    "http://jqxvw.al/",
    "http://in.be/",
    "http://me.am/",
    "http://jqxvw.example/",
    "http://log.in/",
]


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    data = compile_lists(tmp_path_factory.mktemp("round12"), {"adv": (HOSTS, Action.BLOCK)})
    return linkscreen.Matcher(open_bytes(data))


def _action(matcher: linkscreen.Matcher, text: str) -> Action:
    return matcher.scan_text(text).action


def _matched(matcher: linkscreen.Matcher, text: str) -> bool:
    return any(f.verdict.matches for f in matcher.scan_text(text))


# ---- a word with its accents is a word ------------------------------------------------------


def test_base_letters_drop_latin_accents_only() -> None:
    assert base_letters("está") == "esta"
    assert base_letters("Für") == "Fur"
    assert base_letters("şimdi działa Łódź straße") == "simdi dziala Lodz strasse"
    assert base_letters("out…") == "out…"  # not a letter: as written (the path reads it)
    assert base_letters("好的 всё") == "好的 всё"  # other scripts: as written
    assert base_letters("log.in") == "log.in"


@pytest.mark.parametrize(
    "text",
    ["ya está.\nla verdad no", "ya está point de vue :)", "well Punkt für Punkt so"],
)
def test_accented_word_pairs_are_made_of_words(matcher: linkscreen.Matcher, text: str) -> None:
    assert _matched(matcher, text)  # the reading is there and matched: judged, allowed
    assert _action(matcher, text) is Action.ALLOW


def test_accented_made_up_name_still_warns(matcher: linkscreen.Matcher) -> None:
    assert _action(matcher, "ya qzvktá.\nla verdad") is Action.WARN


@pytest.mark.parametrize("text", ["https://está.la/", "see https://für.so/x now", "www.está.la"])
def test_accented_word_pair_written_as_a_link_blocks(
    matcher: linkscreen.Matcher, text: str
) -> None:
    assert _action(matcher, text) is Action.BLOCK


# ---- a label cut out of a word is no label --------------------------------------------------


@pytest.mark.parametrize(
    "text", ["bu şimdi al/sonra öde mi?", "şimdi al/sonra öde", "xşjqxvw al/x", "éjqxvw al/x"]
)
def test_a_label_glued_after_a_letter_is_no_label(matcher: linkscreen.Matcher, text: str) -> None:
    assert not _matched(matcher, text)
    assert _action(matcher, text) is Action.ALLOW


@pytest.mark.parametrize("text", ["see jqxvw al/x", "bu imdi al/sonra", "(jqxvw al/x)"])
def test_a_whole_word_before_a_spaced_tld_is_still_read(
    matcher: linkscreen.Matcher, text: str
) -> None:
    assert _action(matcher, text) is Action.WARN


# ---- a half bracket that closes a parenthesis of words --------------------------------------


@pytest.mark.parametrize(
    "text",
    ["(I'm in.)be right back", "ok (tell me.)am I late?", "[I'm in.]be right back"],
)
def test_parenthesis_closed_after_a_full_stop_is_prose(
    matcher: linkscreen.Matcher, text: str
) -> None:
    assert _matched(matcher, text)
    assert _action(matcher, text) is Action.ALLOW


@pytest.mark.parametrize(
    "text",
    [
        "I'm in.)be right back",  # no opener: a defang's half bracket
        "(in.)be right back",  # one label bracketed: a defang
        "(I'm) in.)be",  # the opener was closed before
        "jqxvw.)example",
        "(jqxvw.)example",
        "see jqxvw(.example now",
    ],
)
def test_half_bracket_defang_still_blocks(matcher: linkscreen.Matcher, text: str) -> None:
    assert _action(matcher, text) is Action.BLOCK


@pytest.mark.parametrize("text", ["(see jqxvw.)example now", "(see jqxvw.)example/x"])
def test_made_up_name_in_a_parenthesis_is_still_found(
    matcher: linkscreen.Matcher, text: str
) -> None:
    assert _action(matcher, text) is Action.WARN


def test_parenthesis_with_a_scheme_still_blocks(matcher: linkscreen.Matcher) -> None:
    assert _action(matcher, "(see https://jqxvw.)example/x") is Action.BLOCK
