"""Listed links that were missed (attack 11: H1, H2, H3, H5, H6, H7), read as the links they are.

- H1: a broken or unknown scheme glued after a word, text glued after the path
  (``看这个hxxp://bad.example/x快``): the scheme repair of the token's link-end cuts;
- H2: HTML character references for letters and digits (``http://&#106;qxvw.example/``);
- H3: quoted-printable soft line breaks (``=\\n``) and ``=2E`` in a forwarded mail body;
- H5: a double-%-encoded URL glued after a word;
- H6: spaced-out letters glued after text in a script without word spaces (``看j q x v w .
  e x a m p l e``);
- H7: an ASCII tab inside a URL after its scheme or inside an ``href`` (WHATWG drops it).

Each positive fails when its rule is deleted; each benign negative fails when the rule is
widened past its bound. Both paths (C core and ``LINKSCREEN_PURE=1``) give the same answers
(``test_native_and_pure_agree``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pure_parity import pure_answers, scan_answer

import linkscreen
from linkscreen import Action

from bundles import compile_lists, open_bytes

ENTRIES = ["qzvkt.example/gal/275/1", "jqxvw.example/", "log.in/", "192.0.2.55/"]
PATH_URL = "qzvkt.example/gal/275/1"
HOST_URL = "jqxvw.example/p"

GLUED_BEFORE = ["", "a", "看这个", "これ見て", "смотри", "ดูนี่"]
GLUED_AFTER = ["快", "快点", "だよ", "봐", "срочно", "นะ", "🙂"]
BROKEN_SCHEMES = ["hxxp://", "h**p://", "fxp://", "meow://", "ws://", "http//", "hxxps://"]


def _matcher(tmp: Path) -> linkscreen.Matcher:
    return linkscreen.Matcher(open_bytes(compile_lists(tmp, {"h": (ENTRIES, Action.BLOCK)})))


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    return _matcher(tmp_path_factory.mktemp("r7"))


def _action(matcher: linkscreen.Matcher, text: str) -> Action:
    return matcher.scan_text(text).action


def _urls(matcher: linkscreen.Matcher, text: str) -> set[str]:
    return {f.url for f in matcher.scan_text(text) if f.verdict.matches}


# ---- H1 ------------------------------------------------------------------------------------

H1_POSITIVES = [
    before + scheme + PATH_URL + after
    for scheme in BROKEN_SCHEMES
    for before in GLUED_BEFORE
    for after in GLUED_AFTER[:3]
]


@pytest.mark.parametrize("text", H1_POSITIVES)
def test_h1_broken_scheme_glued_both_sides_blocks(matcher: linkscreen.Matcher, text: str) -> None:
    assert _action(matcher, text) is Action.BLOCK, text


@pytest.mark.parametrize(
    "text",
    [
        "看这个hxxp://qzvkt.example/gal/275/2快点",  # another page of the listed host's path
        "ahxxp://other.example/gal/275/1快",
        "看这个meow://qzvkt.example/gal快点",
        "看这个postgres://qzvkt.example/gal/275/1快",  # another protocol: not a web link
    ],
)
def test_h1_unlisted_or_other_protocol_allows(matcher: linkscreen.Matcher, text: str) -> None:
    assert _action(matcher, text) is Action.ALLOW, text


# ---- H2 ------------------------------------------------------------------------------------

H2_ENCODINGS = {
    "dec": lambda c: f"&#{ord(c)};",
    "hex": lambda c: f"&#x{ord(c):x};",
    "HEX": lambda c: f"&#X{ord(c):X};",
    "zero-padded": lambda c: f"&#000{ord(c)};",
    "no semicolon": lambda c: f"&#{ord(c)}",
}


def _h2_cases() -> list[str]:
    cases = []
    for encode in H2_ENCODINGS.values():
        cases += [
            "http://" + encode("j") + "qxvw.example/",
            "http://" + "".join(encode(c) for c in "jqxvw") + ".example/",
            "http://qzvkt.example/" + encode("g") + "al/275/1",
            "".join(encode(c) for c in "http://jqxvw.example/"),
            encode("j") + "qxvw.example/p",
        ]
    cases += [f'<a href="{case}">pics</a>' for case in list(cases)]
    cases += ["http://&#x6aqxvw.example/", "http://qzvkt.example/gal/&#x32;75/1"]
    cases += [
        "http://&#106;qxvw&period;example&sol;",
        "http://qzvkt.example/gal/&#50;75/1?a=1&amp;b=2",
    ]
    return cases


@pytest.mark.parametrize("text", _h2_cases())
def test_h2_character_references_for_letters_block(matcher: linkscreen.Matcher, text: str) -> None:
    assert _action(matcher, text) is Action.BLOCK, text


@pytest.mark.parametrize(
    "text",
    [
        "l&#39;app est l&#8217;app &nbsp; rock&#39;n&#39;roll",  # apostrophes stay as written
        "http://&#x6abc;qxvw.example/",  # hex digits run on: U+6ABC, not "j"
        "http://&#4992.0.2.55/",  # decimal digits run on: U+1380, not "1" and "92.0.2.55"
        "&#38;#106;qxvw.example/",  # one pass: "&#38;" shows "&", the rest as written
        "http://&#106x;qxvw.example/",
        "log&amp;in and log&lt;in",
        "log&#x2024;in now",  # a dot look-alike as a reference: not a link character
    ],
)
def test_h2_references_to_other_characters_are_not_decoded(
    matcher: linkscreen.Matcher, text: str
) -> None:
    assert not {"http://jqxvw.example/", "jqxvw.example/", "http://192.0.2.55/"} & _urls(
        matcher, text
    ), text
    assert _action(matcher, text) is Action.ALLOW, text


# ---- H3 ------------------------------------------------------------------------------------


def _h3_cases() -> list[str]:
    cases = []
    for url in ["http://" + PATH_URL, "https://" + HOST_URL, HOST_URL, PATH_URL]:
        for cut in range(2, len(url) - 1, 3):
            cases.append("fwd:\n" + url[:cut] + "=\n" + url[cut:])
            cases.append(url[:cut] + "=\r\n" + url[cut:])
        cases.append(url.replace(".", "=2E"))
    cases.append("http://jqxvw=2Eexample=2Fp=3Fa=3D1")
    cases.append("http://192=2E0=2E2=2E55/x")
    return cases


@pytest.mark.parametrize("text", _h3_cases())
def test_h3_quoted_printable_blocks(matcher: linkscreen.Matcher, text: str) -> None:
    assert _action(matcher, text) is Action.BLOCK, text


@pytest.mark.parametrize(
    "text",
    [
        "log=\nin/out",  # a soft break between words makes a word, no host
        "x =\ny.example",  # a spaced "=" at a line's end is code, no soft break
        "width=2E5 and zoom=2E0",  # "=2E" before a digit: no listed host
        "jqxvw.example=\nfoo",  # the soft break joins "examplefoo": no such host
        "jqxvw.exa =\nmple/p",  # white space before the "=": the break keeps it ("exa mple")
        "a=3Db and http://x.example/?a=3Db",
    ],
)
def test_h3_benign_quoted_printable_shapes_allow(matcher: linkscreen.Matcher, text: str) -> None:
    assert _action(matcher, text) is Action.ALLOW, text


# ---- H5 ------------------------------------------------------------------------------------


@pytest.mark.parametrize("before", [b for b in GLUED_BEFORE if b] + ["شوف", "이거"])
def test_h5_double_encoded_glued_after_a_word_blocks(
    matcher: linkscreen.Matcher, before: str
) -> None:
    text = before + "https%253A%252F%252Fjqxvw.example%252Fp"
    assert _action(matcher, text) is Action.BLOCK, text


@pytest.mark.parametrize(
    "text",
    [
        "x.y/?u=https%253A%252F%252Fother.example%252Fp",
        "xhttps%253A%252F%252Fother.example%252Fp",
        "a.b-https%253A%252F%252Fjqxvw.example",  # punctuation before the scheme: no glued word
    ],
)
def test_h5_unlisted_or_not_glued_to_a_word(matcher: linkscreen.Matcher, text: str) -> None:
    if "jqxvw" in text:
        assert "https://jqxvw.example" not in {
            f.url for f in matcher.scan_text(text) if "link-end" in f.techniques
        }
    else:
        assert _action(matcher, text) is Action.ALLOW, text


# ---- H7 ------------------------------------------------------------------------------------


def _h7_cases() -> list[str]:
    cases = []
    for url in ["http://" + PATH_URL, "https://" + HOST_URL]:
        for cut in range(8, len(url) - 1, 3):
            tabbed = url[:cut] + "\t" + url[cut:]
            cases += [tabbed, f'<a href="{tabbed}">x</a>', f"see {tabbed} now"]
        cases.append(url[:10] + "\t\t" + url[10:])
    cases.append("<a href='jqxvw.exa\tmple/p'>x</a>")
    return cases


@pytest.mark.parametrize("text", _h7_cases())
def test_h7_tab_inside_a_url_blocks(matcher: linkscreen.Matcher, text: str) -> None:
    assert _action(matcher, text) is Action.BLOCK, text


@pytest.mark.parametrize(
    "text",
    [
        "jqx\tvw.example/",  # a bare tab between words is a separator, as a space is
        "log\tin/out",
        "name\tjqxvw\texample",
    ],
)
def test_h7_bare_tab_is_a_separator(matcher: linkscreen.Matcher, text: str) -> None:
    urls = _urls(matcher, text)
    assert not any("jqxvw.example" in url or "log.in" in url for url in urls), (text, urls)


# ---- H6 ------------------------------------------------------------------------------------

#: Text in scripts written without spaces between words, glued before spaced-out letters.
UNSPACED_BEFORE = ["看", "看看这个", "これ見て", "ここ", "ดู", "ดูนี่", "ເບິ່ງ", "មើល", "ကြည့်"]


def _spaced(url: str, sep: str) -> str:
    return sep.join(url)


def _h6_cases() -> list[str]:
    cases = []
    for before in UNSPACED_BEFORE:
        for url in [PATH_URL, HOST_URL]:
            for sep in [" ", "_", "*"]:
                cases.append(before + _spaced(url, sep))
        cases.append(before + _spaced("jqxvw.example", " ") + "吧")
    return cases


@pytest.mark.parametrize("text", _h6_cases())
def test_h6_spaced_letters_glued_after_unspaced_script_block(
    matcher: linkscreen.Matcher, text: str
) -> None:
    assert _action(matcher, text) is Action.BLOCK, text


@pytest.mark.parametrize(
    "text",
    [
        # ("smotri" + the letters: read since attack 16 G15, test_spaced_letters_round4.py)
        "看a b c很好",  # spaced letters without a dot are no host
        "今天 a b c 和 d e f",
        "看看 j q x v w 吧",
    ],
)
def test_h6_not_after_a_latin_word_and_not_without_a_host(
    matcher: linkscreen.Matcher, text: str
) -> None:
    assert "jqxvw.example/p" not in _urls(matcher, text), text
    assert _action(matcher, text) is Action.ALLOW, text


# ---- both paths ------------------------------------------------------------------------------

ALL_TEXTS = H1_POSITIVES + _h2_cases() + _h3_cases() + _h6_cases() + _h7_cases()


def test_native_and_pure_agree(matcher: linkscreen.Matcher, tmp_path: Path) -> None:
    texts = ALL_TEXTS
    here = [scan_answer(matcher, t) for t in texts]
    assert pure_answers(__name__, tmp_path, texts) == here
