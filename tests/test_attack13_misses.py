"""Listed links attack 13 found allowed, read now (ADR 0012, tenth round, fifth slice).

- A1/A2: terminal escapes. A colour code around a bare host made its context read as code;
  escapes other than ``ESC [ ... m`` (OSC ``ESC ] ... BEL``, ``ESC ( B``, the one-byte CSI,
  DCS, ``:`` parameters) lost only their ESC and glued the rest into the host.
- M1/M2: a Markdown escape around a defang (``\\[\\.\\]``) was shown but not refanged; emphasis
  nested in one run (``***x***``) or around a lone dot (``x*.*y``, ``x`.`y``) was not dropped.
- D2: a shouted link with a broken scheme (``HXXP://HOST/PATH``) had no lower-case reading.
- D4: a defang word with look-alike letters (``[dоt]``) or in full width (``［ｄｏｔ］``).
- K1: ``view-source:`` and ``blob:`` load or name the URL they carry; ``check_url`` allowed them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pure_parity import check_answer, pure_answers, scan_answer

import linkscreen
from linkscreen import Action

from bundles import compile_lists, open_bytes

ENTRIES = ["jqxvw.example/", "qzvkt.example/gal/275/1", "log.in/"]

HOSTS = ["jqxvw.example", "jqxvw.example/x", "qzvkt.example/gal/275/1"]
ESCAPES = [
    ("\x1b[31m", "\x1b[0m"),
    ("\x1b[1;4m", "\x1b[24m"),
    ("\x1b[38:2:255:0:0m", "\x1b[m"),
    ("\x9b31m", "\x9b0m"),
    ("\x1b]0;title\x07", ""),
    ("\x1b(B", "\x1b(0"),
]
#: (prefix, inner) splits of a host with an escape inside it
INSIDE = ["\x1b]8;;\x07", "\x1b]0;t\x1b\\", "\x1b(B", "\x9b31m", "\x1bPq\x1b\\", "\x1b[38:5:1m"]

ANSI_POSITIVES = [
    *(f"{before}{host}{after}" for before, after in ESCAPES for host in HOSTS),
    *(f"see {before}{host}{after} now" for before, after in ESCAPES for host in HOSTS),
    *(f"https://jqx{e}vw.example/x" for e in INSIDE),
    *(f"jqx{e}vw.example/x" for e in INSIDE),
    "\x1b]8;;https://jqxvw.example/a\x1b\\click here\x1b]8;;\x1b\\",
]

MARKUP_POSITIVES = [
    "jqxvw\\[\\.\\]example",
    "hxxps://jqxvw\\[\\.\\]example/x",
    "https://jqxvw\\(\\.\\)example/x",
    "jqxvw\\(dot\\)example",
    "jqxvw \\[dot\\] example",
    "qzvkt\\[\\.\\]example/gal/275/1",
    "***jqxvw***.example",
    "***jqxvw.example***",
    "~~**jqxvw**~~.example",
    "jqxvw*.*example",
    "jqxvw`.`example",
    "jqxvw_._example/x",
]

CASE_POSITIVES = [
    f"{scheme}QZVKT{dot}EXAMPLE/GAL/275/1"
    for scheme in ["HXXP://", "HXXPS://", "MEOW://", "H**P://", "FXP://", "HTTP//"]
    for dot in [".", "[.]"]
]

DEFANG_POSITIVES = [
    ("httрs://jqхvw[dоt]ехаmрlе/х", Action.WARN),  # Cyrillic look-alikes: a look-alike warns
    ("jqxvw[dоt]example", Action.WARN),
    ("ｈｔｔｐｓ：／／ｊｑｘｖｗ ［ｄｏｔ］ ｅｘａｍｐｌｅ／ｘ", Action.BLOCK),
    ("ｈｔｔｐｓ：／／ｊｑｘｖｗ．］ｅｘａｍｐｌｅ／ｘ", Action.BLOCK),
    ("ｊｑｘｖｗ ［ｄｏｔ］ ｅｘａｍｐｌｅ", Action.BLOCK),
    ("ｊｑｘｖｗ［．］ｅｘａｍｐｌｅ", Action.BLOCK),
]

CHECK_URL_POSITIVES = [
    "view-source:https://jqxvw.example/x",
    "view-source:jqxvw.example",
    "blob:https://jqxvw.example/1b2c-33",
    "https://jqx\x1b]8;;\x07vw.example/x",
    "https://jqx\x1b[38:2:255:0:0mvw.example/x",
]

NEGATIVES = [
    "\x1b[31mERROR\x1b[0m build failed in 3.2s",
    "\x1b]0;~/src\x07$ ls",
    "sho\x9bp closed, see you",
    "run ***important*** now",
    "a***b***c",
    "rm *.* now",
    "copy file*.*txt",
    "my__var__name = 1",
    "全角で　ｔｅｓｔ（テスト）です！",
    "ｌｏｇ ｉｎ（ログイン）してね",
    "WOW THAT IS GREAT",
    "view-source:https://safe.example/x",
    "blob:https://safe.example/abc",
]


def _matcher(tmp: Path) -> linkscreen.Matcher:
    return linkscreen.Matcher(open_bytes(compile_lists(tmp, {"h": (ENTRIES, Action.BLOCK)})))


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    return _matcher(tmp_path_factory.mktemp("a13"))


@pytest.mark.parametrize("text", ANSI_POSITIVES)
def test_terminal_escapes_around_or_inside_a_host(matcher: linkscreen.Matcher, text: str) -> None:
    assert matcher.scan_text(text).action is Action.BLOCK


@pytest.mark.parametrize("text", MARKUP_POSITIVES)
def test_markup_read_as_shown_then_refanged(matcher: linkscreen.Matcher, text: str) -> None:
    assert matcher.scan_text(text).action is Action.BLOCK


@pytest.mark.parametrize("text", CASE_POSITIVES)
def test_a_shouted_link_with_a_broken_scheme(matcher: linkscreen.Matcher, text: str) -> None:
    found = matcher.scan_text(text)
    assert found.action is Action.BLOCK
    assert any(m.kind is linkscreen.MatchKind.EXACT for f in found for m in f.verdict.matches)


@pytest.mark.parametrize(("text", "expected"), DEFANG_POSITIVES)
def test_defang_words_in_look_alike_or_full_width_letters(
    matcher: linkscreen.Matcher, text: str, expected: Action
) -> None:
    assert matcher.scan_text(text).action is expected


@pytest.mark.parametrize("url", CHECK_URL_POSITIVES)
def test_check_url_reads_view_source_blob_and_escapes(
    matcher: linkscreen.Matcher, url: str
) -> None:
    assert matcher.check_url(url).action is Action.BLOCK
    assert matcher.scan_text(f"open {url}").action is Action.BLOCK


@pytest.mark.parametrize("text", NEGATIVES)
def test_ordinary_text_stays_quiet(matcher: linkscreen.Matcher, text: str) -> None:
    assert matcher.scan_text(text).action is Action.ALLOW
    if text.startswith(("view-source:", "blob:")):
        assert matcher.check_url(text).action is Action.ALLOW


ALL = [
    *ANSI_POSITIVES[::3],
    *MARKUP_POSITIVES,
    *CASE_POSITIVES,
    *(t for t, _ in DEFANG_POSITIVES),
    *NEGATIVES,
]


def test_native_and_pure_agree(matcher: linkscreen.Matcher, tmp_path: Path) -> None:
    assert pure_answers(__name__, tmp_path, ALL) == [scan_answer(matcher, t) for t in ALL]


def test_check_url_native_and_pure_agree(matcher: linkscreen.Matcher, tmp_path: Path) -> None:
    urls = [*CHECK_URL_POSITIVES, *NEGATIVES[-2:]]
    expected = [check_answer(matcher, u) for u in urls]
    assert pure_answers(__name__, tmp_path, urls, "check_answer") == expected
