"""Percent-unescaping and re-escaping over "byte strings".

Canonicalisation works on ``str`` values in which every character is one byte (code points
0-255, the Latin-1 view of the UTF-8 URL). That keeps ``str`` speed while making "escape every
byte >= 0x80" exact. Unescaping repeats until no escape is left, up to a bound, because the
Safe Browsing rules require it and because nested ``%25`` would otherwise cost quadratic time.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .errors import URLLimitError

#: Rounds of repeated unescaping allowed. Real URLs are encoded at most a few times; a URL
#: needing more is hostile, and each round is a full pass, so the bound also bounds the time.
MAX_UNESCAPE_ROUNDS = 32

_PCT = re.compile(r"%([0-9A-Fa-f]{2})")
_HEX_CHAR: dict[str, str] = {}
for _hi in "0123456789abcdefABCDEF":
    for _lo in "0123456789abcdefABCDEF":
        _HEX_CHAR[_hi + _lo] = chr(int(_hi + _lo, 16))

#: Replacement text for each byte when escaped: uppercase hex, as the spec requires.
ESCAPED: dict[str, str] = {chr(b): f"%{b:02X}" for b in range(256)}


def _decode(match: re.Match[str]) -> str:
    return _HEX_CHAR[match.group(1)]


def unescape_fully(text: str, url: str) -> str:
    """Percent-unescape ``text`` until it holds no escape; ``url`` is only for the error."""
    for _ in range(MAX_UNESCAPE_ROUNDS):
        if "%" not in text:
            return text
        decoded = _PCT.sub(_decode, text)
        if decoded == text:
            return text
        text = decoded
    if _PCT.search(text):
        raise URLLimitError(
            f"still percent-encoded after {MAX_UNESCAPE_ROUNDS} rounds of unescaping", url
        )
    return text


#: A run of %-escapes (one UTF-8 character may take several).
PCT_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


def utf8_run(run: str) -> str | None:
    """A run of %-escapes (``%E3%80%82``) as the characters its bytes spell in UTF-8, or
    None where they spell none."""
    try:
        return bytes.fromhex(run.replace("%", "")).decode("utf-8")
    except UnicodeDecodeError:
        return None


def decode_run(run: str) -> str:
    """A run of %-escapes as ``utf8_run`` reads it, or byte by byte (Latin-1) where it
    spells no UTF-8: how a client shows an escaped text (ADR 0029). One helper for the
    extractor's readings and the redirect-target reader."""
    shown = utf8_run(run)
    return bytes.fromhex(run.replace("%", "")).decode("latin-1") if shown is None else shown


def unescape_once(text: str) -> str:
    """One round of percent-unescaping (for a whole URL that was encoded as a unit)."""
    return _PCT.sub(_decode, text)


def make_escaper(extra: str) -> Callable[[str], str]:
    """Return a function escaping bytes <= 0x20, >= 0x7F, ``#``, ``%`` and the ``extra`` chars."""
    pattern = re.compile("[\\x00-\\x20\\x7f-\\xff#%" + re.escape(extra) + "]")
    search = pattern.search
    sub = pattern.sub

    def replace(match: re.Match[str]) -> str:
        return ESCAPED[match.group()]

    def escape(text: str) -> str:
        if search(text) is None:
            return text
        return sub(replace, text)

    return escape
