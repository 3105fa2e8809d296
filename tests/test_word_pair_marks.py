"""The evidence rule, tenth round (ADR 0012): one mark glued between two words of chat.

Attack 11 F1, left open by the eighth round: a single ``~ ～ # ＃ ∙ ．`` glued between two
ordinary words (``see~you``, ``hello#world``, ``log～in``, ``sign∙up``) blocked on a listed
word-pair host. Such a reading is punctuation folded to a dot (prose): allowed when made of
words; a path or a scheme after it, a made-up name before it, or a special-use top-level
name after it (``support~test``: a list's stand-in for ``com``) keep it link evidence.
Each test fails when its rule is deleted or inverted.
"""

from __future__ import annotations

import pytest

import linkscreen
from linkscreen import Action

from bundles import compile_lists, open_bytes

PAIRS = [
    ("see", "you"),
    ("hello", "world"),
    ("log", "in"),
    ("sign", "up"),
    ("buy", "now"),
    ("call", "me"),
    ("pay", "later"),
]
HOSTS = [f"http://{a}.{b}/" for a, b in PAIRS] + [
    "http://jqxvw.example/",
    "http://qzvkt.example/gal/1",
    "http://support.test/",
    "http://winner.example/",
]
#: One mark glued between two words: defang marks, their full-width forms, dot look-alikes.
MARKS = ["~", "～", "#", "＃", "∙", "．", "⋅", "․", "﹒"]
CONTEXTS = ["{}", "ok {} tomorrow", "{}!!", "ㅋㅋ {} ♡", "また{}ね", "ну {} завтра"]


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    data = compile_lists(tmp_path_factory.mktemp("r10"), {"h": (HOSTS, Action.BLOCK)})
    return linkscreen.Matcher(open_bytes(data))


def _action(matcher: linkscreen.Matcher, text: str) -> Action:
    return matcher.scan_text(text).action


@pytest.mark.parametrize("mark", MARKS)
def test_one_mark_between_two_words_is_prose(matcher: linkscreen.Matcher, mark: str) -> None:
    alarms = [
        text
        for a, b in PAIRS
        for context in CONTEXTS
        for text in [context.format(f"{a}{mark}{b}"), context.format(f"{a.title()}{mark}{b}")]
        if _action(matcher, text) is not Action.ALLOW
    ]
    assert alarms == []


@pytest.mark.parametrize("mark", MARKS)
def test_a_path_or_scheme_keeps_it_a_link(matcher: linkscreen.Matcher, mark: str) -> None:
    for text in (f"https://log{mark}in/", f"see log{mark}in/now", f"http://see{mark}you"):
        assert _action(matcher, text) is Action.BLOCK, text


@pytest.mark.parametrize("mark", MARKS)
def test_a_made_up_name_is_still_a_link(matcher: linkscreen.Matcher, mark: str) -> None:
    assert _action(matcher, f"jqxvw{mark}example/gal/1") is Action.BLOCK
    assert _action(matcher, f"look qzvkt{mark}example/gal/1 now") is Action.BLOCK
    assert _action(matcher, f"try jqxvw{mark}example") is not Action.ALLOW


@pytest.mark.parametrize("mark", ["~", "#", "～", "＃"])
def test_special_use_top_level_name_is_no_word(matcher: linkscreen.Matcher, mark: str) -> None:
    # the tuning corpus writes "omg support~test" for a listed support.test (glued-symbol-dots)
    assert _action(matcher, f"omg support{mark}test") is Action.BLOCK
    assert _action(matcher, f"try winner{mark}example") is Action.BLOCK


def test_word_pair_mark_unit() -> None:
    from linkscreen._evidence import word_pair_mark

    assert word_pair_mark("see~you", 3, 4)
    assert word_pair_mark("ok hello#world!", 8, 9)
    assert not word_pair_mark("log~in/", 3, 4)  # a path
    assert not word_pair_mark("jqxvw~example", 5, 6)  # no word before
    assert not word_pair_mark("support~test", 7, 8)  # special-use name
    assert not word_pair_mark("a.see~you", 5, 6)  # part of a longer name
    assert not word_pair_mark("see~you.example", 3, 4)  # a longer name after
