"""UTS #46 mapping and NFC from the pinned tables in ``_unicode_data`` (Unicode 18.0.0).

The same tables are compiled into the C core (native/ls_unicode_data.h is rendered from
``_unicode_data``), so a host maps to the same bytes in C, in Python, on the server and on
every client, whatever ``idna`` or ``unicodedata`` version is installed. The data module is
loaded on the first non-ASCII host, not at import time.
"""

from __future__ import annotations

import bisect
from functools import cache
from types import ModuleType

__all__ = ["MAX_MAPPED_INPUT_CHARS", "UnicodeMapError", "nfc", "uts46_remap"]

#: Longest host, in code points, that is mapped at all (the bound the ``idna`` package applies;
#: a longer non-ASCII host stays as raw bytes and is percent-escaped).
MAX_MAPPED_INPUT_CHARS = 1024

_SBASE, _LBASE, _VBASE, _TBASE = 0xAC00, 0x1100, 0x1161, 0x11A7
_LCOUNT, _VCOUNT, _TCOUNT = 19, 21, 28
_NCOUNT = _VCOUNT * _TCOUNT
_SCOUNT = _LCOUNT * _NCOUNT


class UnicodeMapError(ValueError):
    """The text holds a code point UTS #46 disallows, or is longer than the mapping bound."""


@cache
def _data() -> ModuleType:
    from . import _unicode_data

    return _unicode_data


@cache
def _nfc_sensitive() -> frozenset[str]:
    """Characters whose presence may make NFC change a string; absent them, NFC(s) == s."""
    data = _data()
    chars = {chr(cp) for cp in data.CCC} | {chr(cp) for cp in data.DECOMPOSITION}
    chars |= {pair[1] for pair in data.COMPOSITION}
    chars |= {chr(cp) for cp in range(_VBASE, _VBASE + _VCOUNT)}
    chars |= {chr(cp) for cp in range(_TBASE + 1, _TBASE + _TCOUNT)}
    return frozenset(chars)


def uts46_remap(text: str) -> str:
    """Map ``text`` by UTS #46 (non-transitional, no STD3 rules), then NFC.

    Raises :class:`UnicodeMapError` for a disallowed code point or a text longer than
    ``MAX_MAPPED_INPUT_CHARS``.
    """
    if len(text) > MAX_MAPPED_INPUT_CHARS:
        raise UnicodeMapError(f"{len(text)} characters exceeds the mapping bound")
    data = _data()
    starts, statuses, replacements = data.UTS46_STARTS, data.UTS46_STATUS, data.UTS46_REPLACEMENTS
    out: list[str] = []
    for position, ch in enumerate(text):
        row = bisect.bisect_right(starts, ord(ch)) - 1
        status = statuses[row]
        if status == "K":
            out.append(ch)
        elif status == "M":
            out.append(replacements[row])
        elif status == "X":
            raise UnicodeMapError(f"U+{ord(ch):04X} at {position} is disallowed by UTS #46")
        # "I": ignored, removed
    return nfc("".join(out))


def nfc(text: str) -> str:
    """Normalization Form C of ``text`` from the pinned tables."""
    sensitive = _nfc_sensitive()
    if not any(ch in sensitive for ch in text):
        return text
    data = _data()
    ccc: dict[int, int] = data.CCC
    composition: dict[str, str] = data.COMPOSITION
    decomposed = _canonical_order(_decompose(text, data.DECOMPOSITION), ccc)
    out: list[str] = []
    starter = -1
    last_class = -1  # class of the last character after the starter; -1: none yet
    for ch in decomposed:
        klass = ccc.get(ord(ch), 0)
        if starter >= 0 and (last_class == -1 or last_class < klass):
            composite = _compose(out[starter], ch, composition)
            if composite is not None:
                out[starter] = composite
                continue
        if klass == 0:
            starter = len(out)
            last_class = -1
        else:
            last_class = klass
        out.append(ch)
    return "".join(out)


def _decompose(text: str, table: dict[int, str]) -> list[str]:
    out: list[str] = []
    for ch in text:
        cp = ord(ch)
        index = cp - _SBASE
        if 0 <= index < _SCOUNT:
            out.append(chr(_LBASE + index // _NCOUNT))
            out.append(chr(_VBASE + index % _NCOUNT // _TCOUNT))
            if index % _TCOUNT:
                out.append(chr(_TBASE + index % _TCOUNT))
        else:
            out.extend(table.get(cp, ch))
    return out


def _canonical_order(chars: list[str], ccc: dict[int, int]) -> list[str]:
    """Stable-sort every run of non-starters by combining class."""
    i, count = 0, len(chars)
    while i < count:
        if ccc.get(ord(chars[i]), 0) == 0:
            i += 1
            continue
        j = i
        while j < count and ccc.get(ord(chars[j]), 0) != 0:
            j += 1
        if j - i > 1:
            chars[i:j] = sorted(chars[i:j], key=lambda c: ccc[ord(c)])
        i = j
    return chars


def _compose(first: str, second: str, table: dict[str, str]) -> str | None:
    a, b = ord(first), ord(second)
    if _LBASE <= a < _LBASE + _LCOUNT and _VBASE <= b < _VBASE + _VCOUNT:
        return chr(_SBASE + ((a - _LBASE) * _VCOUNT + (b - _VBASE)) * _TCOUNT)
    if (
        _SBASE <= a < _SBASE + _SCOUNT
        and (a - _SBASE) % _TCOUNT == 0
        and _TBASE < b < _TBASE + _TCOUNT
    ):
        return chr(a + (b - _TBASE))
    return table.get(first + second)
