"""Is a canonical URL a shortened link? (its host, or a parent of it, is a known shortener)"""

from __future__ import annotations

from collections.abc import Collection

from .expressions import split_canonical

__all__ = ["shortener_of"]


def shortener_of(canonical: str, domains: Collection[str]) -> str | None:
    """The shortener domain ``canonical`` belongs to, or None.

    The host or any parent domain must be listed (``www.bit.ly`` belongs to ``bit.ly``), and the
    path must name a link: the shortener's own home page (``/``) is not a shortened link.
    """
    if not domains:
        return None
    host, path, query = split_canonical(canonical)
    if path == "/" and not query:
        return None
    candidate = host  # the host, then each parent of two labels or more (sliced, not joined)
    dot = candidate.find(".")
    while dot >= 0:
        if candidate in domains:
            return candidate
        candidate = candidate[dot + 1 :]
        dot = candidate.find(".")
    return None
