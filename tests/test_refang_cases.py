"""tests/data/refang_cases.tsv (ioc-fanger, ioc-extractor): every link the fanged text holds
must also be found in the defanged text.

Rows whose fanged side holds no web link (e-mail addresses, plain words) are not usable. The
rows we do not reproduce are named below with the reason.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import linkscreen

DATA = Path(__file__).parent / "data" / "refang_cases.tsv"

_COMMA_LISTS = "commas between numbers are lists in chat ('1,2,3,4'), not a defanged IP address"
_ONE_SIDED = "a bracket on one side of a dot word ('foodot]com') is an ioc-fanger quirk"
DEVIATIONS = {
    141: _ONE_SIDED, 142: _ONE_SIDED, 143: _ONE_SIDED, 144: _ONE_SIDED, 145: _ONE_SIDED,
    146: _ONE_SIDED,
}  # fmt: skip


def _unescape(field: str) -> str:
    return (
        field.replace("\\t", "\t").replace("\\n", "\n").replace("\\r", "\r").replace("\\\\", "\\")
    )


def _links(text: str, strict_only: bool) -> set[str]:
    found = set()
    for candidate in linkscreen.extract_links(text):
        if strict_only and candidate.tier != "strict":
            continue
        try:
            found.add(linkscreen.canonicalize(candidate.url))
        except linkscreen.InvalidURLError:
            continue
    return found


def _rows() -> list[tuple[int, str, str]]:
    with DATA.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t")
        next(reader)
        rows = [(number, _unescape(r[0]), _unescape(r[1])) for number, r in enumerate(reader, 2)]
    return [(n, defanged, fanged) for n, defanged, fanged in rows if _links(fanged, True)]


USABLE = _rows()


def test_usable_rows() -> None:
    assert len(USABLE) >= 500
    assert set(DEVIATIONS) <= {number for number, _, _ in USABLE}


@pytest.mark.parametrize(("number", "defanged", "fanged"), USABLE, ids=[str(r[0]) for r in USABLE])
def test_defanged_text_yields_the_fanged_links(number: int, defanged: str, fanged: str) -> None:
    missing = _links(fanged, strict_only=True) - _links(defanged, strict_only=False)
    if number in DEVIATIONS:
        assert missing, f"row {number} now passes: drop its deviation"
    else:
        assert not missing


#: Pieces of every defang form the refang expression knows, near misses and their neighbours.
_DEFANG_PIECES = [
    "hxxp", "hXXps", "h**p", "fxp", "f*p", "xxxx", "xxxxs", "[http]", "(https)", "http]:",
    "https://", "http ://", "http: //", "http:// ", "http//", "https;//", "ftp//", "[://]",
    "(:/)", "[:/]/", ":[//]", "a[.b", "a.]b", "a(.b", "a.)b", "a{.b", "a.}b", "[:]", "(colon)",
    ": / /", "[[.]]", "((.))", "{{ . }}", "[.]", "( dot )", "{dot}", "<.>", "<dot>", "].[",
    "[.)", "\\.", "^.", "（.）", "【点】", "«dot»", " *dot* ", "_dot_", "~dot~", "-dot-", "#dt#",
    "*dawt*", ".dot.", ".D0T.", "fooDOTcom", "DOTS", "a d0t b", "ad0tb", "[/]", "(slash)",
    "（／）", "[www].", "[-]", "[@]", "\u017f", "\u212a", "x", "d", "D", ".", " ", "\n", "_",
    "*", "-", "(", ")", "[", "]", ":", "/", "a", "1", "é",
]  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_DEFANG_PIECES) | st.text(max_size=2), max_size=10).map("".join))
def test_the_prefiltered_refang_scan_finds_what_the_expression_finds(text: str) -> None:
    """``refang`` tries its expression only where a match can start (``_REFANG_START``): the
    matches, their spans and alternatives are those of the expression run everywhere."""
    from linkscreen import _refang

    def found(matches: Iterator[re.Match[str]]) -> list[tuple[tuple[int, int], str | None]]:
        return [(m.span(), m.lastgroup) for m in matches]

    assert found(_refang._REFANG_SCAN.finditer(text)) == found(_refang._REFANG.finditer(text))
    for at in range(len(text)):  # every place a match starts is a place the scan tries
        if _refang._REFANG.match(text, at) is not None:
            assert _refang._REFANG_START.match(text, at) is not None, (text, at)
