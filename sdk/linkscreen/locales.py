"""Choose the deterrence text for a person's locale: BCP 47 lookup with a list's default.

A list row carries one deterrence message per locale; the app asks with the person's locale
(or their preference list). Matching follows RFC 4647 section 3.4 "Lookup": tags compare
case-insensitively, ``_`` counts as ``-`` (so POSIX and Android spellings work, and ``.UTF-8``
or ``@euro`` suffixes are ignored), and a tag that has no message is shortened one subtag at a
time (``zh-Hant-TW`` -> ``zh-Hant`` -> ``zh``; a trailing singleton such as ``-x`` goes with
the subtag after it). When no preferred tag matches, the list's default locale answers, then,
for bundles written before default locales existed, ``en``, then the first message.

Pure functions; nothing here reads the system locale (the app passes it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

__all__ = [
    "LEGACY_FALLBACK_LOCALE",
    "is_well_formed",
    "lookup",
    "lookup_chain",
    "normalize",
]

#: What bundles without a declared default fall back to (the 0.1 behaviour).
LEGACY_FALLBACK_LOCALE = "en"

#: Longest tag considered; RFC 5646 tags in practice are far shorter, and a bound keeps a
#: hostile locale string from costing anything.
MAX_TAG_CHARS = 64

# RFC 5646 "langtag" shape, without the grandfathered forms: language (2-3 letters with up to
# three extlangs, or 4-8 letters), then script, region, variants, extensions, private use.
_LANGTAG = re.compile(
    r"""
    (?: [a-z]{2,3} (?:-[a-z]{3}){0,3} | [a-z]{4,8} )
    (?: -[a-z]{4} )?
    (?: -(?:[a-z]{2}|[0-9]{3}) )?
    (?: -(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}) )*
    (?: -[0-9a-wy-z](?:-[a-z0-9]{2,8})+ )*
    (?: -x(?:-[a-z0-9]{1,8})+ )?
    | x(?:-[a-z0-9]{1,8})+
    """,
    re.VERBOSE,
)


def normalize(tag: str) -> str:
    """The comparable form of a locale tag: lower case, ``-`` separators, no charset.

    ``pt_BR.UTF-8`` -> ``pt-br``; ``de_DE@euro`` -> ``de-de``; surrounding space is dropped.
    """
    tag = tag.strip()[:MAX_TAG_CHARS]
    for cut in (".", "@"):
        tag = tag.split(cut, 1)[0]
    return tag.replace("_", "-").lower()


def is_well_formed(tag: str) -> bool:
    """Whether ``tag`` is a well-formed BCP 47 language tag (``_`` accepted as ``-``).

    For checking what an operator writes; lookup itself accepts anything.
    """
    if len(tag) > MAX_TAG_CHARS or tag != tag.strip():
        return False
    return _LANGTAG.fullmatch(tag.replace("_", "-").lower()) is not None


def lookup_chain(tag: str) -> list[str]:
    """The normalised tags to try for ``tag``, most specific first (RFC 4647 lookup)."""
    subtags = [part for part in normalize(tag).split("-") if part]
    chain = []
    while subtags:
        chain.append("-".join(subtags))
        subtags.pop()
        if len(subtags) > 1 and len(subtags[-1]) == 1:  # ``-x-...``, ``-u-...``: drop too
            subtags.pop()
    return chain


def lookup(
    available: Sequence[str],
    preferred: str | Iterable[str] | None,
    default: str | None = None,
) -> int | None:
    """Index into ``available`` of the locale to show, or None when ``available`` is empty.

    ``preferred`` is one tag or the person's tags in order of preference; ``default`` is the
    list's default locale (None for bundles that declare none).
    """
    if not available:
        return None
    index: dict[str, int] = {}
    for position, tag in enumerate(available):
        index.setdefault(normalize(tag), position)
    wanted = [preferred] if isinstance(preferred, str) else list(preferred or ())
    for tag in wanted:
        for candidate in lookup_chain(tag):
            if candidate in index:
                return index[candidate]
    for fallback in (default, LEGACY_FALLBACK_LOCALE if default is None else None):
        if fallback is not None and normalize(fallback) in index:
            return index[normalize(fallback)]
    return 0
