"""Lone UTF-16 surrogates in a URL: what a browser reads for them, and what a text view shows.

A Python ``str`` from broken UTF-16 (a client's JSON, a platform API) can hold a surrogate
code point that is no character. U+DC80..U+DCFF stand for raw bytes (Python's
``surrogateescape``) and are read as those bytes; any other surrogate is *lone*. A browser
reads a string as a USVString (WebIDL), which replaces each lone surrogate with U+FFFD, and a
text view draws it as nothing or as a replacement mark (docs/canonicalization.md).
"""

from __future__ import annotations

import re

#: A surrogate that stands for no raw byte (one character each: nothing is combined).
LONE_SURROGATE = re.compile("[\ud800-\udc7f\udd00-\udfff]")

#: What a browser reads for a lone surrogate (WebIDL USVString conversion).
REPLACEMENT = "\ufffd"


def as_read(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD, as a browser reads it; one
    character for one, so lengths and limits count the same."""
    return LONE_SURROGATE.sub(REPLACEMENT, text)


def as_shown(text: str) -> str:
    """``text`` without its lone surrogates, as a text view that draws them as nothing."""
    return LONE_SURROGATE.sub("", text)
