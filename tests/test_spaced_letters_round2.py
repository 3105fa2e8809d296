"""Spaced-out letters, round 2 (red-team attack 13, findings S1 and P1), read as the links they are.

- a dot look-alike as the spaced dot (``j q x v w 。 e x a m p l e``, ``．``, ``｡``, ``﹒``, ``․``);
- a zero-width character standing for one of the letters' spaces (``j\\u200bq x v w ...``);
- a hyphen as the letters' separator, the dot alone between hyphens (``j-q-x-v-w-.-e-x-...``);
- a dot word among the letters (``j q x v w dot e x a m p l e``, ``[ d o t ]``, ``(dot)``);
- a spaced word right after the link (``... e x a m p l e n o w``): the host is also read cut
  after a top-level domain its last label starts with, when that label is none itself;
- the letters glued after (or before) a word of another script than Latin (``смотриj q x``):
  a Latin letter glued to Cyrillic, Greek, Hangul... is no part of that word;
- P1: a spaced link repeated (``h t t p s : / / l o g [ . ] i n / x `` x 1800: 8.8 s) and
  other chains of pieces holding ``://`` cost a few readings per piece, not one per run of
  16 joints.

Each positive fails when its rule is deleted; each negative fails when a rule is widened past
its bound (the matcher lists the host the wrong reading would name). Both paths (C core and
``LINKSCREEN_PURE=1``) give the same answers (``test_native_and_pure_agree``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pure_parity import pure_answers, scan_answer

import linkscreen
from linkscreen import Action, _views

from bundles import compile_lists, open_bytes

ENTRIES = [
    "jqxvw.example/",
    "log.in/",
    "call.me/",
    "my.app/",
    "sign.up/",
    "qzvkt.example/gal/275/1",
    # what a wrong reading of the negatives would name
    "xyz.com/",
    "abc.def/",
    "ilove.you/",
    "tv.ok/",
]


def _matcher(tmp: Path) -> linkscreen.Matcher:
    return linkscreen.Matcher(open_bytes(compile_lists(tmp, {"h": (ENTRIES, Action.BLOCK)})))


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    return _matcher(tmp_path_factory.mktemp("spaced2"))


def _action(matcher: linkscreen.Matcher, text: str) -> Action:
    return matcher.scan_text(text).action


def _sp(text: str, sep: str = " ") -> str:
    return sep.join(text)


HOSTS = [("jqxvw", "example"), ("log", "in")]
BEFORE = ["", "看", "これ見て", "see "]
AFTER = ["", "吧", "だよ", " ok?"]

# ---- a dot look-alike as the spaced dot --------------------------------------------------

DOTS = ["。", "．", "｡", "﹒", "․"]


def _lookalike_dot_cases() -> list[str]:
    cases = []
    for dot in DOTS:
        for name, tld in HOSTS:
            for before, after in zip(BEFORE, AFTER, strict=True):
                cases.append(f"{before}{_sp(name)} {dot} {_sp(tld)}{after}")
        cases.append(f"看{_sp('qzvkt')} {dot} {_sp('example/gal/275/1')}吧")
    return cases


@pytest.mark.parametrize("text", _lookalike_dot_cases())
def test_lookalike_dot_among_spaced_letters_blocks(matcher: linkscreen.Matcher, text: str) -> None:
    assert _action(matcher, text) is Action.BLOCK, text


# ---- a zero-width character for one of the spaces ------------------------------------------

BREAKS = ["\u200b", "\u2060", "\ufeff"]


def _break_cases() -> list[str]:
    cases = []
    for mark in BREAKS:
        cases.append(f"看j{mark}q x v w . e x a m p l e吧")
        cases.append(f"j q x{mark}v w . e x a m p l e")
        cases.append(f"j q x v w{mark}.{mark}e x a m p l e")
        cases.append(f"l{mark}o{mark}g{mark}.{mark}i{mark}n")
        cases.append(f"see h t t p s : / / l o g . i{mark}n / x")
    return cases


@pytest.mark.parametrize("text", _break_cases())
def test_zero_width_for_a_letters_space_blocks(matcher: linkscreen.Matcher, text: str) -> None:
    assert _action(matcher, text) is Action.BLOCK, repr(text)


# ---- a hyphen as the separator ----------------------------------------------------------------


def _hyphen_cases() -> list[str]:
    cases = []
    for name, tld in HOSTS:
        run = f"{_sp(name, '-')}-.-{_sp(tld, '-')}"
        cases += [run, f"看{run}吧", f"see {run} now", f"смотри {run}", f"{run}/x"]
        cases.append(f"h-t-t-p-s-:-/-/-{run}-/-x")
    cases.append("q-z-v-k-t-.-e-x-a-m-p-l-e-/-g-a-l-/-2-7-5-/-1")
    return cases


@pytest.mark.parametrize("text", _hyphen_cases())
def test_hyphen_separated_letters_block(matcher: linkscreen.Matcher, text: str) -> None:
    assert _action(matcher, text) is Action.BLOCK, text


# ---- a dot word among the letters -------------------------------------------------------------

DOT_UNITS = [
    "dot",
    "DOT",
    "Dot",
    "d0t",
    "[dot]",
    "(dot)",
    "{dot}",
    "[ d o t ]",
    "( d o t )",
    "[ . ]",
]


def _dot_word_cases() -> list[str]:
    cases = []
    for unit in DOT_UNITS:
        cases.append(f"{_sp('jqxvw')} {unit} {_sp('example')}")
        cases.append(f"{_sp('https://')} {_sp('jqxvw')} {unit} {_sp('example/x')}")
        cases.append(f"看{_sp('log')} {unit} {_sp('in')}吧")
    cases.append("h t t p s : / / j q x v w [ d o t ] e x a m p l e / x")
    cases.append("j_q_x_v_w_dot_e_x_a_m_p_l_e")
    return cases


@pytest.mark.parametrize("text", _dot_word_cases())
def test_dot_word_among_spaced_letters_blocks(matcher: linkscreen.Matcher, text: str) -> None:
    assert _action(matcher, text) is Action.BLOCK, text


# ---- a spaced word right after the link ---------------------------------------------------

WORDS_AFTER = ["now", "pls", "thx", "ok", "asap", "lol"]


def _word_after_cases() -> list[str]:
    cases = []
    for word in WORDS_AFTER:
        cases.append(f"{_sp('jqxvw.example')} {_sp(word)}")
        cases.append(f"看{_sp('jqxvw.example')} {_sp(word)}吧")
        cases.append(f"{_sp('log.in')} {_sp(word)}")
    cases.append("j q x v w . e x a m p l e n o w")
    cases.append("h t t p s : / / j q x v w . e x a m p l e n o w")
    return cases


@pytest.mark.parametrize("text", _word_after_cases())
def test_spaced_word_after_the_link_is_found(matcher: linkscreen.Matcher, text: str) -> None:
    # where the host ends is guessed (prose evidence, attack 15): a name made of words is what
    # "c a l l . m e s s a g e" gives by chance, so it is allowed (see
    # test_a_spaced_sentence_cut_at_a_tld_is_quiet); a made-up name blocks (warned before the
    # spaced letters' third round: ADR 0012, eleventh round), and so does a scheme
    found = _action(matcher, text)
    if _sp("log.in") in text and not text.startswith("h t t p s"):
        assert found is Action.ALLOW, text
    else:
        assert found is Action.BLOCK, text


@pytest.mark.parametrize(
    "text",
    [
        "c a l l . m e s s a g e",
        "l o g . i n s t e a d",
        "m y . a p p r o v e",
        "p a y . l a t e r a l",
        "s i g n . u p d a t e",
    ],
)
def test_a_spaced_sentence_cut_at_a_tld_is_quiet(matcher: linkscreen.Matcher, text: str) -> None:
    assert _action(matcher, text) is Action.ALLOW, text


# ---- glued to a word of another script ---------------------------------------------------

OTHER_SCRIPTS_BEFORE = ["смотри", "δες", "이거", "انظر", "תראה", "देखो", "դիտիր"]
OTHER_SCRIPTS_AFTER = ["срочно", "τώρα", "봐", "الآن"]


def _other_script_cases() -> list[str]:
    cases = []
    for before in OTHER_SCRIPTS_BEFORE:
        cases.append(before + _sp("jqxvw.example"))
        cases.append(before + _sp("log.in/x"))
    for after in OTHER_SCRIPTS_AFTER:
        cases.append(_sp("jqxvw.example") + after)
        cases.append("смотри" + _sp("log.in") + after)
    return cases


@pytest.mark.parametrize("text", _other_script_cases())
def test_glued_to_another_script_blocks(matcher: linkscreen.Matcher, text: str) -> None:
    assert _action(matcher, text) is Action.BLOCK, text


# ---- P1: a spaced link repeated, links glued one after another -----------------------------


def _repeated_cases() -> list[str]:
    return [
        "h t t p s : / / l o g [ . ] i n / x " * 3,
        "h t t p s : / / l o g . i n / x h t t p s : / / j q x v w . e x a m p l e / y",
        "h_t_t_p_s_:_/_/_j_q_x_v_w_._e_x_a_m_p_l_e",
        "h_t_t_p_s_:_/_/_l_o_g_._i_n_/_x_" * 3,
        "q*z*v*k*t*.*e*x*a*m*p*l*e*/*g*a*l*/*2*7*5*/*1",
    ]


@pytest.mark.parametrize("text", _repeated_cases())
def test_repeated_spaced_links_block(matcher: linkscreen.Matcher, text: str) -> None:
    assert _action(matcher, text) is Action.BLOCK, text


def test_links_glued_after_spaced_letters_each_read(matcher: linkscreen.Matcher) -> None:
    text = "h t t p s : / / l o g . i n / x h t t p s : / / j q x v w . e x a m p l e / y"
    urls = {f.url for f in matcher.scan_text(text) if f.verdict.matches}
    assert "https://log.in/x" in urls
    assert "https://jqxvw.example/y" in urls


#: Messages that cost one joined run per pair of pieces up to 16 joints apart (P1: 15.7 to
#: 31.8 runs per unit before), how many units each repeats, and the most joined runs built per
#: unit now: none where a piece holding "://" ends the chain or the chain is quiet, a few where
#: a run stops at the second "://".
WORK = {
    "spaced link": ("h t t p s : / / l o g [ . ] i n / x ", 400, 0.1),
    "scheme gap then a link": ("https:// log.in/x", 400, 0.1),
    "scheme gaps": ("a:// ", 1000, 0.1),
    "scheme gap, then a spaced dot": ("a:// b . ", 600, 6),
    "scheme glued at a piece's end": ("log.in/x:// ", 600, 0.1),
    # 174 runs per unit before: every "_" between two letters was a dot joint of one chain
    "underscores between letters": ("h_t_t_p_s_:_/_/_l_o_g_._i_n_/_x_", 200, 0.1),
}


@pytest.mark.parametrize("shape", list(WORK))
def test_readings_per_unit_stay_few(
    matcher: linkscreen.Matcher, monkeypatch: pytest.MonkeyPatch, shape: str
) -> None:
    unit, count, most = WORK[shape]
    built = []
    # every joined run is a Joined builder's view (a chain's runs and _views.joined alike)
    view = _views.Joined.view

    def counting(self: _views.Joined) -> object:
        built.append(1)
        return view(self)

    monkeypatch.setattr(_views.Joined, "view", counting)
    matcher.scan_text(unit * count)
    assert len(built) <= most * count, (shape, len(built))


def test_repeated_spaced_link_blocks(matcher: linkscreen.Matcher) -> None:
    # (16 KB: 2 s before; its cost is counted in runs built above, not timed)
    text = "h t t p s : / / l o g [ . ] i n / x " * 450
    assert _action(matcher, text) is Action.BLOCK


# ---- negatives: chat with single letters and spaces ---------------------------------------

NEGATIVES = [
    "I o u one",
    "a b c",
    "a b c d e f",
    "x y z",
    "n o w a y",
    "o m g . . .",
    "N O . W A Y",
    "F B I and C I A",
    "the U S A . great",
    "I L O V E Y O U 。",
    "I L O V E Y O U 。 ありがとう",
    "T V 。 O K ?",
    "A B C 。 D E F",
    "今日は A B C です。",
    "看 a b c 很好",
    "안녕 하세요 a b c 입니다",
    "ㅋ ㅋ ㅋ ㅋ",
    "ㅎ ㅎ . ㅎ",
    "w w w",
    "s o r r y . . .",
    "x-y-z.com",
    "a-b-c",
    "1-2-3-4",
    "-.- ok",
    "ugh -.- fine",
    "R-2-D-2",
    "T-shirt size s-m-l",
    "x-y-z.com and a-b-c.def",
    "l o g . i n f o",  # log.info is a host of its own: its label is a top-level domain
    "l o g . i n k",
    "polka dot s",
    "I dot my i s",
    "a dot b",
    "p o l k a dot s",
    "i = j . k",
    "for i in range ( 1 0 ) :",
    "x = a * b * c",
    "-_- T_T ^_^ o_O",
    "i l o v e . y o u 2",
    # ("smotri" + the letters: read since attack 16 G15, tests/test_spaced_letters_round4.py)
    "Приветa b c",
    "δες a b c d",
    "j q x v w d o t e x a m p l e . s e e",
    "see y o u . t o d a y",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_ordinary_chat_with_spaced_letters_allows(matcher: linkscreen.Matcher, text: str) -> None:
    assert _action(matcher, text) is Action.ALLOW, text


def test_as_written_hyphen_host_is_not_joined(matcher: linkscreen.Matcher) -> None:
    # "x-y-z.com" names x-y-z.com (listed: xyz.com); its dot is glued, so it is no run
    urls = {f.url for f in matcher.scan_text("see x-y-z.com/a") if f.verdict.matches}
    assert not any("xyz.com" in url for url in urls)


# ---- both paths ------------------------------------------------------------------------------

ALL_TEXTS = (
    _lookalike_dot_cases()
    + _break_cases()
    + _hyphen_cases()
    + _dot_word_cases()
    + _word_after_cases()
    + _other_script_cases()
    + _repeated_cases()
    + NEGATIVES
)


def test_enough_cases() -> None:
    assert len(ALL_TEXTS) - len(NEGATIVES) >= 100
    assert len(NEGATIVES) >= 40


def test_native_and_pure_agree(matcher: linkscreen.Matcher, tmp_path: Path) -> None:
    texts = ALL_TEXTS
    here = [scan_answer(matcher, t) for t in texts]
    assert pure_answers(__name__, tmp_path, texts) == here
