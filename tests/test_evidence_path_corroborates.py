"""A path corroborates an IDNA dot or a spoken dot in a host of no words (attack 11, M2, M3).

``jqxvw。example/p/9`` (UTS #46 maps ``。 ｡ ︒`` to ``.``: a browser opens that host) and
``jqxvw punkt example/p/9`` warned: the prose dot held the whole-host match back. When the
reading's labels before the top-level domain are not all words and a path follows, the path
corroborates the reading and it blocks (ADR 0012, ninth round); a word pair written the same
way (``log。in/out``) is judged as before (allow), and so is a reading without a path, with
another prose dot (``・ · • ？ ，``, which no browser reads as a dot) or that reads as code.
Each test fails when the rule is deleted or widened.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pure_parity import pure_answers, scan_answer

import linkscreen
from linkscreen import Action

from bundles import compile_lists, open_bytes

ENTRIES = ["jqxvw.example/", "sub.mkzrt.example/", "zrpmq.test/", "log.in/", "see.you/"]
UTS46_DOTS = ["\u3002", "\uff61", "\ufe12"]
OTHER_DOTS = ["\u30fb", "\u00b7", "\u2022", "\u2027"]


def _matcher(tmp: Path) -> linkscreen.Matcher:
    return linkscreen.Matcher(open_bytes(compile_lists(tmp, {"h": (ENTRIES, Action.BLOCK)})))


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    return _matcher(tmp_path_factory.mktemp("paths"))


def _positives() -> list[str]:
    cases = []
    for dot in UTS46_DOTS:
        cases += [
            f"jqxvw{dot}example/p/9",
            f"go to jqxvw{dot}example/p/9 now",
            f"a{dot}sub{dot}mkzrt{dot}example/x",
            f"zrpmq{dot}test/abc",
        ]
    for word in ["punkt", "punto", "point"]:
        cases += [f"jqxvw {word} example/p/9", f"schau mal zrpmq {word} test/abc"]
    return cases


def _benign() -> list[str]:
    cases = []
    for dot in UTS46_DOTS + OTHER_DOTS:
        cases += [f"log{dot}in/out", f"see{dot}you/later", f"我要log{dot}in/out"]
    cases += ["log punkt in/out", "a las 5 en punto see punto you/later"]
    return cases


def _held_back() -> list[str]:
    """Still warn: no path, an empty path, or another prose technique."""
    cases = []
    for dot in UTS46_DOTS:
        cases += [f"jqxvw{dot}example", f"jqxvw{dot}example/", f"see jqxvw{dot}example now"]
    cases += ["jqxvw punkt example"]
    # other prose dots, which no browser reads as a dot, stay held back with a path too
    cases += [f"jqxvw{dot}example/p/9" for dot in [*OTHER_DOTS, "\uff1f", "\uff0c"]]
    cases += ["jqxvw\u3002example\u30fbtest/p/9"]
    # a word pair with a path that is no word: not made of words, so held back, not blocked
    cases += ["log\u3002in/out/x", "see\uff61you/at/5", "log punkt in/p/9"]
    return cases


@pytest.mark.parametrize("text", _positives())
def test_a_path_after_a_host_of_no_words_blocks(matcher: linkscreen.Matcher, text: str) -> None:
    assert matcher.scan_text(text).action is Action.BLOCK, text


@pytest.mark.parametrize("text", _benign())
def test_word_pairs_with_a_path_stay_allowed(matcher: linkscreen.Matcher, text: str) -> None:
    assert matcher.scan_text(text).action is Action.ALLOW, text


@pytest.mark.parametrize("text", _held_back())
def test_without_a_path_it_still_warns(matcher: linkscreen.Matcher, text: str) -> None:
    assert matcher.scan_text(text).action is Action.WARN, text


@pytest.mark.parametrize(
    "text",
    # a space standing for the dot; a line break after a written dot is a wrapped link
    # (technique line-wrap, tests/test_evidence_round7.py), judged as written on one line
    ["jqxvw example/p/9", "zrpmq test/abc"],
)
def test_other_prose_techniques_are_not_corroborated_by_a_path(
    matcher: linkscreen.Matcher, text: str
) -> None:
    assert matcher.scan_text(text).action is Action.WARN, text


def test_native_and_pure_agree(matcher: linkscreen.Matcher, tmp_path: Path) -> None:
    texts = _positives() + _benign() + _held_back()
    here = [scan_answer(matcher, t) for t in texts]
    assert pure_answers(__name__, tmp_path, texts) == here
