"""Letters drawn with symbols no host can hold are style, not look-alikes (attack 11, M1).

Negative squared (``🅹``), negative circled (``🅙``), parenthesized (``⒥``) letters and regional
indicators (``🇯``) are symbols (General Category So): IDNA2008 disallows them, so no host is
written with them and the skeleton is the only host they can name. They are ``unicode``
(style, as full-width and mathematical letters are), so the reading is judged as the plain
link: ``🅷🆃🆃🅿://🅹🆀🆇🆅🆆.🅴🆇🅰🅼🅿🅻🅴/`` blocks. Small capitals (``ᴊ``) and other scripts' letters
(``е``) are letters a registrable host may hold: they stay ``lookalike`` (warn, never block).
Word pairs written with the symbols are judged as the words are. ADR 0012, ninth round.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pure_parity import pure_answers, scan_answer

import linkscreen
from linkscreen import Action, Signal

from bundles import compile_lists, open_bytes

ENTRIES = ["jqxvw.example/", "qzvkt.example/gal/275/1", "log.in/", "see.you/"]
ZWSP = "\u200b"


def _matcher(tmp: Path) -> linkscreen.Matcher:
    return linkscreen.Matcher(open_bytes(compile_lists(tmp, {"h": (ENTRIES, Action.BLOCK)})))


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    return _matcher(tmp_path_factory.mktemp("fancy"))


def _styled(text: str, style: str) -> str:
    out = []
    for c in text:
        if not c.isalpha():
            out.append(c)
        elif style == "negative squared":
            out.append(chr(0x1F170 + ord(c.lower()) - 97))
        elif style == "negative circled":
            out.append(chr(0x1F150 + ord(c.lower()) - 97))
        elif style == "parenthesized":
            out.append(chr(0x249C + ord(c.lower()) - 97))
        elif style == "regional":
            out.append(chr(0x1F1E6 + ord(c.lower()) - 97) + ZWSP)
    return "".join(out)


SYMBOL_STYLES = ["negative squared", "negative circled", "parenthesized", "regional"]


def _positives() -> list[str]:
    cases = []
    for style in SYMBOL_STYLES:
        cases += [
            _styled("http://jqxvw.example/", style),  # the whole link, scheme included
            "http://" + _styled("jqxvw.example", style) + "/p",
            "look " + _styled("jqxvw.example", style) + "/p/9 now",
            _styled("qzvkt.example/gal", style) + "/275/1",
        ]
    return cases


@pytest.mark.parametrize("text", _positives())
def test_symbol_letters_block_as_the_plain_link(matcher: linkscreen.Matcher, text: str) -> None:
    found = matcher.scan_text(text)
    assert found.action is Action.BLOCK, text
    assert not any(Signal.LOOKALIKE in f.signals for f in found if f.action is Action.BLOCK)


@pytest.mark.parametrize(
    "text",
    [
        "look \u1d0a\u01ebx\u1d20\u1d21.example/p now",  # small capitals: a letter a host may hold
        "http://jqxvw.\u0435\u0445\u0430mple/",  # Cyrillic е х а
        "http://\U0001f179qxv\u1d21.example/",  # a symbol and a small capital in one host
        "look \U0001f179\u0071\u0445vw.example/p",  # a symbol run, then a Cyrillic letter
        "http://\U0001f179\u01ebxvw.example/",  # a symbol and a letter (q-like) in one run
    ],
)
def test_letters_a_host_may_hold_stay_look_alikes(matcher: linkscreen.Matcher, text: str) -> None:
    found = matcher.scan_text(text)
    assert found.action is Action.WARN, text
    assert any(Signal.LOOKALIKE in f.signals for f in found)


@pytest.mark.parametrize(
    "text",
    [
        _styled("log in/out", "negative squared"),  # a word pair, as "log in/out" is
        _styled("see you later", "regional"),
        "\U0001f1fa\U0001f1f8 \U0001f1ee\U0001f1f3 ok",  # flags are flags
        _styled("ok so", "parenthesized"),
    ],
)
def test_styled_prose_is_judged_as_its_words(matcher: linkscreen.Matcher, text: str) -> None:
    assert matcher.scan_text(text).action is Action.ALLOW, text


def test_native_and_pure_agree(matcher: linkscreen.Matcher, tmp_path: Path) -> None:
    texts = _positives() + [_styled("log in/out", s) for s in SYMBOL_STYLES]
    here = [scan_answer(matcher, t) for t in texts]
    assert pure_answers(__name__, tmp_path, texts) == here
