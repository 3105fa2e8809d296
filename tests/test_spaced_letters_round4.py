"""Spaced-out letters, round 4 (red-team attack 16, classes G and J).

G, listed links that were missed: letters spaced with ``_`` beside a dot, `` _ ``, ``|`` or
``,``; hyphen-spaced labels with a dot word or another separator (``j-q-x-v-w dot example``,
``j q x v w . e-x-a-m-p-l-e``, ``j q-x_v w . e``); ``• ∙ ⋅`` as the spaced dot; a one-letter
word before the run (``a j q x ...``, ``I j q x ...``) or the letters glued to a word
(``checkj q x ...``); one letter a line.

J, false blocks: spaced sentences of words against word-named host entries (``I T . I S``,
``S E E . Y O U``, ``IT . IS``): a dot alone between spaces and words is a sentence's gap
(``_evidence.spaced_sentence``); spaced made-up letters still block (ADR 0012, "Eighth
session: spaced letters round 4"). Both paths (C core and ``LINKSCREEN_PURE=1``) agree.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pure_parity import pure_answers, scan_answer

import linkscreen
from linkscreen import Action, Technique
from linkscreen._evidence import spaced_sentence

from bundles import compile_lists, open_bytes

ENTRIES = [
    "jqxvw.example/",
    "vbnrt.test/",
    "kwzp.invalid/",
    "log.in/",
    "call.me/",
    "it.is/",
    "see.you/",
    "look.at/",
    "i.am/",
    "go.to/",
    "who.am/",
    "freegift.com/",
    "qzvkt.example/gal/275/1",
    # what a wrong reading of the negatives would name
    "xo.xo/",
    "x.ox/",
    "abc.de/",
    "ab.cd/",
    "usa.it/",
    "a.it/",
]
MADE_UP = ["jqxvw.example", "vbnrt.test", "kwzp.invalid"]


def _matcher(tmp: Path) -> linkscreen.Matcher:
    return linkscreen.Matcher(open_bytes(compile_lists(tmp, {"h": (ENTRIES, Action.BLOCK)})))


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    return _matcher(tmp_path_factory.mktemp("spaced4"))


def _action(matcher: linkscreen.Matcher, text: str) -> Action:
    return matcher.scan_text(text).action


def _sp(text: str, sep: str = " ") -> str:
    return sep.join(text)


def _labels(host: str, sep: str) -> list[str]:
    return [sep.join(label) for label in host.split(".")]


def _positives() -> list[str]:
    out: list[str] = []
    for host in MADE_UP:
        first, last = _labels(host, "-")
        s_first, s_last = _labels(host, " ")
        out += [
            _sp(host, "_"),  # j_q_x_v_w_._e_x_a_m_p_l_e
            _sp(host, " _ "),
            _sp(host, "|"),
            _sp(host, ","),
            _sp(host, " | "),
            f"{first} dot {host.split('.')[1]}",  # j-q-x-v-w dot example
            f"{first} dot {last}",
            f"{first} DOT {last}",
            f"{s_first} . {last}",  # j q x v w . e-x-a-m-p-l-e
            f"{first} . {s_last}",  # j-q-x-v-w . e x a m p l e
            f"see {first} . {s_last} now",
            _sp(host).replace(" ", "-", 2).replace(" ", "_", 1),  # mixed separators
            _sp(host).replace(".", "\u2022"),
            _sp(host).replace(".", "\u2219"),
            _sp(host).replace(".", "\u22c5"),
            "a " + _sp(host),
            "I " + _sp(host),
            "A " + _sp(host),
            "check" + _sp(host),
            "smotri" + _sp(host),  # attack 16 G15: was a negative of round 2
            "look at" + _sp(host) + " ok",
            _sp(host, "\n"),
        ]
    out += [
        _sp("qzvkt.example/gal/275/1", "|"),
        _sp("qzvkt.example/gal/275/1", " _ "),
        # a word-named host with a second technique stays blocked
        "смотри" + _sp("log.in") + "срочно",
        "url:" + _sp("log.in"),
        _sp("log.in", "\t"),
        _sp("log.in").replace(".", "\u00b7"),
        "freegift . com",  # a usual link ending after the spaced dot
        _sp("freegift.com"),
        "h t t p s : / / " + _sp("log.in"),  # a scheme
        "w w w . " + _sp("log.in"),
    ]
    return out


POSITIVES = _positives()


@pytest.mark.parametrize("text", POSITIVES)
def test_spaced_listed_links_block(matcher: linkscreen.Matcher, text: str) -> None:
    assert _action(matcher, text) is Action.BLOCK, text


SENTENCES = [
    "I T . I S . W H A T . I T . I S",
    "W H A T . I T . I S",
    "Y O U . C A L L . M E",
    "S E E . Y O U",
    "L O O K . A T",
    "W H O . I . A M",
    "T O D A Y . I T . I S",
    "p l e a s e . c a l l . m e",
    "IT . IS",
    "SEE . YOU",
    "it . is what it is",
    "U . S . A . i t . i s",
    "well . it . is",
    "(S E E . Y O U)",
    "S E E . Y O U !",
    "I\nT\n.\nI\nS",
    "l o g . i n",
    "call . me",
    "go . to",
]
NEGATIVES = [
    *SENTENCES,
    # separators of lists, tables and grids, not letters
    "x | o | x\n. | x | o\no | . | x",
    "x|o|x|.|o|x|o",
    "a, b, c. d, e",
    "1,2,3,4.5,6",
    "a-b-c. d-e",
    "- a . b . c -",
    "T_T ^_^ o_O",
    "a_b_c_d = x.y",
    "ok . . . so",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_spaced_sentences_and_separators_allow(matcher: linkscreen.Matcher, text: str) -> None:
    assert _action(matcher, text) is Action.ALLOW, text


def test_spaced_sentence_reads_words_only() -> None:
    kinds = frozenset({Technique.SPACED_LETTERS})
    spacing = frozenset({Technique.SPACING})
    text = "I T . I S"
    assert spaced_sentence("IT.IS", kinds, text, 0, len(text))
    assert spaced_sentence("it.is", spacing, "it . is", 0, 7)
    assert not spaced_sentence("jqxvw.example", kinds, _sp("jqxvw.example"), 0, 25)
    assert not spaced_sentence("freegift.shop", spacing, "freegift . shop", 0, 15)  # compound
    assert not spaced_sentence("log.com", spacing, "log . com", 0, 9)  # a link ending
    assert not spaced_sentence("it.is", spacing, "it .is", 0, 6)  # a space before the dot
    assert not spaced_sentence("it.is", spacing, "xit . is", 1, 8)  # glued to a letter
    assert not spaced_sentence("it.is", spacing, "it . isx", 0, 7)
    assert not spaced_sentence("it.is", spacing, "url:it . is", 4, 11)
    assert not spaced_sentence("it.is", spacing, "it\t.\tis", 0, 7)  # tabs: no sentence
    assert not spaced_sentence("it.is/x", spacing, "it . is/x", 0, 9)  # a path
    assert not spaced_sentence("it.is", spacing | {Technique.REFANG}, "it . is", 0, 7)


def test_pure_python_answers_the_same(matcher: linkscreen.Matcher, tmp_path: Path) -> None:
    texts = POSITIVES + NEGATIVES
    here = [scan_answer(matcher, text) for text in texts]
    assert pure_answers("test_spaced_letters_round4", tmp_path, texts) == here
