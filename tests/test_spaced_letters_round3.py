"""Spaced-out letters, round 3 (red-team attack 15, class B), read as the links they are.

- a spaced word right after the link and then a sentence's mark (``... e x a m p l e n o w
  :)``, ``n o w. ok``): the cut after a top-level domain looks past a trailing mark;
- a label glued before the letters by a colon (``url:j q x v w . e x a m p l e``);
- spaced labels, then a written top-level domain (``j q x v w . example``);
- hyphens between the letters with a dot look-alike or a dot word (``j-q-x-v-w-。-e-x``,
  ``j-q-x-v-w-dot-e-x``), tabs as the spacing, ``·`` and ``・`` as the spaced dot, a dot
  look-alike glued to the next letter (``j q x v w 。e x a m p l e``);
- a spaced path, then a spaced word (``... / 2 7 5 / 1 n o w``: the last segment cut where
  its digits end).

Where the host ends is then a guess (``prose-spacing`` beside ``spaced-letters``): a made-up
name blocks, a name made only of words (``c a l l . m e s s a g e``, ``c a l l . me``) is what
chance makes of spaced prose and is allowed (ADR 0012, eleventh round, spaced letters round 3).
Both paths (C core and ``LINKSCREEN_PURE=1``) give the same answers.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pure_parity import pure_answers, scan_answer
from test_extract_linear import RATIO, work

import linkscreen
from linkscreen import Action, Technique
from linkscreen._evidence import spaced_guess

from bundles import compile_lists, open_bytes

ENTRIES = [
    "jqxvw.example/",
    "vbnrt.test/",
    "kwzp.invalid/",
    "x.example/",
    "log.in/",
    "my.app/",
    "call.me/",
    "qzvkt.example/gal/275/1",
    # what a wrong reading of the negatives would name
    "abc.def/",
    "it.was/",
    "so.good/",
    "usa.to/",
    "s.a.to/",
    "e.no/",
    "ps.see/",
    "tolkien.com/",
    "abc.com/",
    "b.co/",
    "x.ox/",
    "sign.up/",
    "ok.me/",
]


def _matcher(tmp: Path) -> linkscreen.Matcher:
    return linkscreen.Matcher(open_bytes(compile_lists(tmp, {"h": (ENTRIES, Action.BLOCK)})))


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    return _matcher(tmp_path_factory.mktemp("spaced3"))


def _action(matcher: linkscreen.Matcher, text: str) -> Action:
    return matcher.scan_text(text).action


def _sp(text: str, sep: str = " ") -> str:
    return sep.join(text)


MADE_UP = ["jqxvw.example", "vbnrt.test", "kwzp.invalid"]
WORD_PAIRS = ["log.in", "my.app", "call.me"]

# ---- a spaced word after the link, then a mark -------------------------------------------

WORDS_AFTER = ["now", "pls", "thx", "asap"]
MARKS_AFTER = [" :)", ". ok", "!", " ?", "?", ",", "...", " :D", ":", " ;)"]


def _word_then_mark_cases() -> list[str]:
    cases = []
    for host in MADE_UP:
        for word, mark in zip(WORDS_AFTER * 3, MARKS_AFTER, strict=False):
            cases.append(f"{_sp(host)} {_sp(word)}{mark}")
    cases += [
        "j q x v w . e x a m p l e n o w :)",
        "j q x v w . e x a m p l e n o w. ok",
        "j q x v w . e x a m p l e n o w",
        "see j q x v w . e x a m p l e n o w :)",
        "看j q x v w . e x a m p l e n o w :)",
        "h t t p s : / / j q x v w . e x a m p l e n o w :)",
        # a sentence's full stop, then a written word: the host stays whole
        "j q x v w . e x a m p l e . see you",
        "j q x v w . e x a m p l e . me too",
    ]
    return cases


@pytest.mark.parametrize("text", _word_then_mark_cases())
def test_spaced_word_then_a_mark_after_the_link_blocks(
    matcher: linkscreen.Matcher, text: str
) -> None:
    assert _action(matcher, text) is Action.BLOCK, text


# ---- a label glued before the letters --------------------------------------------------------

LABELS = ["url:", "link:", "see:", "Link:", "site:", "go:", "URL:"]


def _glued_label_cases() -> list[str]:
    cases = []
    for label in LABELS:
        cases.append(label + _sp("jqxvw.example"))
    cases += [
        "url:" + _sp("log.in"),
        "link:" + _sp("vbnrt.test/x"),
        "url:" + _sp("qzvkt.example/gal/275/1"),
        "url:" + _sp("jqxvw.example", "-"),
        "url:" + _sp("jqxvw") + " 。 " + _sp("example"),
        "this one url:" + _sp("jqxvw.example") + " ok?",
    ]
    return cases


def test_a_written_scheme_keeps_its_slashes() -> None:
    # a run starts after "//", not after "https:" (a label's colon is read as a word break)
    found = linkscreen.extract_links("https://" + _sp("jqxvw.example"))
    assert [(c.url, [str(t) for t in c.techniques]) for c in found] == [
        ("https://jqxvw.example", ["spaced-letters"])
    ]


@pytest.mark.parametrize("text", _glued_label_cases())
def test_label_glued_before_spaced_letters_blocks(matcher: linkscreen.Matcher, text: str) -> None:
    assert _action(matcher, text) is Action.BLOCK, text


# ---- spaced labels, then a written top-level domain ------------------------------------------


def _written_tld_cases() -> list[str]:
    cases = []
    for host in MADE_UP:
        name, tld = host.split(".")
        cases += [
            f"{_sp(name)} . {tld}",
            f"see {_sp(name)} . {tld} now",
            f"{_sp(name)} . {tld}/x",
            f"{_sp(name)} 。 {tld}",
            f"{_sp(name)} dot {tld}",
            f"看{_sp(name)} . {tld}吧",
        ]
    cases += [
        "h t t p s : / / j q x v w . example",
        "h t t p s : / / l o g . in",  # a scheme corroborates a word pair
        "q z v k t . example/gal/275/1",
    ]
    return cases


@pytest.mark.parametrize("text", _written_tld_cases())
def test_spaced_labels_then_a_written_tld_block(matcher: linkscreen.Matcher, text: str) -> None:
    assert _action(matcher, text) is Action.BLOCK, text


# ---- hyphens with a dot look-alike or a dot word -----------------------------------------------

HYPHEN_DOTS = ["。", "．", "｡", "dot", "DOT", "d0t", "[dot]", "(dot)", "·", "・"]


def _hyphen_dot_cases() -> list[str]:
    cases = []
    for dot in HYPHEN_DOTS:
        cases.append(f"{_sp('jqxvw', '-')}-{dot}-{_sp('example', '-')}")
    for host in MADE_UP[1:] + WORD_PAIRS:
        name, tld = host.split(".")
        cases.append(f"see {_sp(name, '-')}-dot-{_sp(tld, '-')} now")
        cases.append(f"看{_sp(name, '-')}-。-{_sp(tld, '-')}吧")
    cases.append("q-z-v-k-t-dot-e-x-a-m-p-l-e-/-g-a-l-/-2-7-5-/-1")
    return cases


@pytest.mark.parametrize("text", _hyphen_dot_cases())
def test_hyphen_letters_with_a_dot_word_or_lookalike_block(
    matcher: linkscreen.Matcher, text: str
) -> None:
    assert _action(matcher, text) is Action.BLOCK, text


# ---- tabs as the spacing -----------------------------------------------------------------------


def _tab_cases() -> list[str]:
    cases = []
    for host in MADE_UP + WORD_PAIRS:
        cases.append(_sp(host, "\t"))
    cases += [
        "see " + _sp("jqxvw.example", "\t") + " now",
        _sp("jqxvw", "\t") + "\t。\t" + _sp("example", "\t"),
        _sp("jqxvw", "\t") + "\tdot\t" + _sp("example", "\t"),
        _sp("https://jqxvw.example/x", "\t"),
        _sp("qzvkt.example/gal/275/1", "\t"),
        "看" + _sp("log.in", "\t") + "吧",
    ]
    return cases


@pytest.mark.parametrize("text", _tab_cases())
def test_tab_spaced_letters_block(matcher: linkscreen.Matcher, text: str) -> None:
    assert _action(matcher, text) is Action.BLOCK, repr(text)


# ---- a middle dot as the spaced dot; a dot look-alike glued to a letter --------------------------

MIDDLE_DOTS = ["·", "・", "･"]


def _middle_dot_cases() -> list[str]:
    cases = []
    for dot in MIDDLE_DOTS:
        for host in MADE_UP + WORD_PAIRS[:1]:
            name, tld = host.split(".")
            cases.append(f"{_sp(name)} {dot} {_sp(tld)}")
        cases.append(f"看{_sp('jqxvw')} {dot} {_sp('example')}吧")
        cases.append(f"{_sp('qzvkt')} {dot} {_sp('example/gal/275/1')}")
    return cases


@pytest.mark.parametrize("text", _middle_dot_cases())
def test_middle_dot_among_spaced_letters_blocks(matcher: linkscreen.Matcher, text: str) -> None:
    assert _action(matcher, text) is Action.BLOCK, text


def _glued_dot_cases() -> list[str]:
    cases = []
    for dot in ["。", "．", "｡", "·", "・"]:
        cases.append(f"{_sp('jqxvw')} {dot}{_sp('example')}")
        cases.append(f"{_sp('jqxvw')}{dot} {_sp('example')}")
        cases.append(f"{_sp('log')} {dot}{_sp('in')}")
    return cases


@pytest.mark.parametrize("text", _glued_dot_cases())
def test_lookalike_dot_glued_to_a_spaced_letter_blocks(
    matcher: linkscreen.Matcher, text: str
) -> None:
    assert _action(matcher, text) is Action.BLOCK, text


# ---- a spaced path, then a spaced word ---------------------------------------------------------


def _path_then_word_cases() -> list[str]:
    path = _sp("qzvkt.example/gal/275/1")
    return [
        f"{path} n o w",
        f"{path} n o w :)",
        f"{path} p l s",
        f"see {path} n o w. ok",
        f"{_sp('https://')} {path} n o w",
        f"看{path} n o w吧",
        _sp("jqxvw.example/12") + " n o w",
        _sp("qzvkt.example/gal/275/1now", "_"),
    ]


@pytest.mark.parametrize("text", _path_then_word_cases())
def test_spaced_path_then_a_spaced_word_blocks(matcher: linkscreen.Matcher, text: str) -> None:
    assert _action(matcher, text) is Action.BLOCK, text


# ---- negatives ------------------------------------------------------------------------------

NEGATIVES = [
    # a spaced sentence cut at a top-level domain, a name of words
    "c a l l . m e s s a g e",
    "l o g . i n s t e a d",
    "m y . a p p r o v e",
    "c a l l . m e s s a g e :)",
    "l o g . i n s t e a d. ok",
    "s i g n . u p d a t e !",
    "l o g . i n n o w :)",
    "c a l l . m e n o w. ok",
    # spaced labels, then a written word: a name of words is prose
    "c a l l . me",
    "l o g . in",
    "o k . me too",
    "m y . app",
    "c a l l . message",
    # spaced-out prose
    "i t  w a s  s o  g o o d",
    "i t . w a s . s o . g o o d",
    "a b c . d e f",
    "A B C . D E F",
    "a b c . d e f :)",
    "U . S . A",
    "U . S . A . t o d a y",
    "the U . S . A . today",
    "p . s .  see you",
    "p . s . see you",
    "P . S . s e e  y o u",
    "J. R. R. Tolkien",
    "J . R . R . T o l k i e n",
    "e . g . a b c",
    "i . e . n o w",
    "a . b . c . o k",
    "s o . g o o d",
    # a glued label, then letters of no host
    "note:a b c",
    "re:a b c . d e f",
    "ratio:1 . 5 . 2",
    "url:a b c",
    "note:c a l l . m e s s a g e",  # no scheme: a label's colon is no evidence
    "lol:l o g . i n s t e a d",
    # tables of single letters and digits
    "a\tb\tc\n1\t2\t3",
    "x\t.\to\n.\tx\t.\no\t.\tx",
    "1\t2\t3\t.\t4\t5",
    "A\tB\tC\tD\nE\tF\tG\tH",
    "a\t.\tb\t.\tc\t.\td",
    "n\ty\tc\t.\t1",
    # hyphens
    "x-y-z.com",
    "R-2-D-2",
    "T-shirt size s-m-l",
    "p-o-l-k-a-dot-s",
    "a-b-c-dot-d-e-f",
    "l-o-g-dot-i-n-s-t-e-a-d",
    # middle dots in prose and names
    "a · b · c",
    "A · B · C · D",
    "1 · 2 · 3",
    "col·lecció",
    "ジョン・スミス",
    "ア イ ・ ウ エ",
    "c a l l · m e s s a g e",
    "l o g ・ i n s t e a d",
    # a spaced path whose cut names another path
    "q z v k t . e x a m p l e / g a l / 2 7 5 / 1 0 n o w",
    "q z v k t . e x a m p l e / g a l / 2 7 5 / 1 2",
    # other languages
    "ㅋ ㅋ ㅋ ㅋ",
    "我 们 。 你 好",
    "Приветa b c",
    "今日は A B C です。",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_ordinary_chat_with_spaced_letters_allows(matcher: linkscreen.Matcher, text: str) -> None:
    assert _action(matcher, text) is Action.ALLOW, repr(text)


def test_a_spaced_guess_keeps_both_techniques(matcher: linkscreen.Matcher) -> None:
    found = [f for f in matcher.scan_text("j q x v w . e x a m p l e n o w") if f.verdict.matches]
    assert found
    assert found[0].action is Action.BLOCK
    techniques = {str(t) for t in found[0].techniques}
    assert {"spaced-letters", "prose-spacing"} <= techniques


@pytest.mark.parametrize(
    "text",
    [
        "see jqxvw. example/x",  # a sentence's full stop closed: no spaced letters in it
        "jqxvw . e x a m p l e n o w",  # a space before the dot read as prose besides the cut
    ],
)
def test_other_prose_beside_a_guess_still_warns(matcher: linkscreen.Matcher, text: str) -> None:
    assert _action(matcher, text) is Action.WARN, text


def test_spaced_guess_is_spaced_letters_a_guess_and_a_made_up_name() -> None:
    guess = {Technique.SPACED_LETTERS, Technique.PROSE_SPACING, Technique.NO_SCHEME}
    assert spaced_guess("jqxvw.example", guess, code=False)
    assert spaced_guess("https://sub.jqxvw.example/x", guess, code=False)
    assert not spaced_guess("jqxvw.example", guess, code=True)
    assert not spaced_guess("call.me", guess, code=False)  # words: chance makes them
    assert not spaced_guess("example", guess, code=False)
    assert not spaced_guess("jqxvw.example", guess - {Technique.SPACED_LETTERS}, code=False)
    assert not spaced_guess("jqxvw.example", guess | {Technique.DOT_VARIANT}, code=False)


# ---- linear time ------------------------------------------------------------------------------


LINEAR_UNITS = [
    "j\tq\tx\tv\tw\t.\te\tx\ta\tm\tp\tl\te\t",
    "j q x v w . example ",
    "url:j q x v w . e x a m p l e ",
    "j-q-x-v-w-dot-e-x-a-m-p-l-e ",
    "q z v k t . e x a m p l e / g a l / 2 7 5 / 1 n o w :) ",
    "a . b . c . ",
]


@pytest.mark.parametrize("unit", LINEAR_UNITS)
def test_new_spaced_shapes_stay_linear(unit: str) -> None:
    # counted in lines executed, never timed (a loaded machine made the timed form flaky)
    small = work(unit * (1024 // len(unit)))
    large = work(unit * (4096 // len(unit)))
    assert small > 0
    assert large <= RATIO * small, (unit, small, large)


# ---- both paths ------------------------------------------------------------------------------

ALL_TEXTS = (
    _word_then_mark_cases()
    + _glued_label_cases()
    + _written_tld_cases()
    + _hyphen_dot_cases()
    + _tab_cases()
    + _middle_dot_cases()
    + _glued_dot_cases()
    + _path_then_word_cases()
    + NEGATIVES
)


def test_enough_cases() -> None:
    assert len(ALL_TEXTS) - len(NEGATIVES) >= 100
    assert len(NEGATIVES) >= 50


def test_native_and_pure_agree(matcher: linkscreen.Matcher, tmp_path: Path) -> None:
    texts = ALL_TEXTS
    here = [scan_answer(matcher, t) for t in texts]
    assert pure_answers(__name__, tmp_path, texts) == here


def test_a_written_label_after_spaced_words_is_a_guess(matcher: linkscreen.Matcher) -> None:
    # "l o g . in/x": the written "in" is read as the top-level domain, a guess of where the
    # host ends (prose-spacing); a name made of words so is chance against a whole-host entry
    found = matcher.scan_text("l o g . in/x")
    assert found.action is Action.ALLOW, [(f.url, str(f.action)) for f in found]
    assert any(Technique.PROSE_SPACING in f.techniques for f in found)
    assert matcher.scan_text("j q x v w . example").action is Action.BLOCK
