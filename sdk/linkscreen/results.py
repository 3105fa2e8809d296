"""Typed results: what a list asks for, what matched, and the verdict on a URL.

Small frozen dataclasses in the manner of tldextract's ExtractResult: self-explaining fields,
derived properties, and ``to_dict()`` for one-line JSON.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Action(enum.StrEnum):
    """What the app should do with a link; ``severity`` orders them (block > warn > allow)."""

    ALLOW = "allow"
    WARN = "warn"
    BLOCK = "block"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]


_SEVERITY = {Action.ALLOW: 0, Action.WARN: 1, Action.BLOCK: 2}


class MatchKind(enum.StrEnum):
    """How much of a site a matching list entry covers."""

    HOST = "host"  #: ``bad.example/``: the host and all its subdomains
    PATH_PREFIX = "path_prefix"  #: ``bad.example/content/``: everything under a path
    EXACT = "exact"  #: ``bad.example/content/123``: one page

    @classmethod
    def of(cls, expression: str) -> MatchKind:
        path = expression[expression.index("/") :]
        if path == "/":
            return cls.HOST
        return cls.PATH_PREFIX if path.endswith("/") else cls.EXACT


@dataclass(frozen=True)
class ListInfo:
    """One row of a bundle's list table."""

    id: str
    """The operator's name for the list (``iwf``, ``platform-own``)."""
    action: Action
    """``block`` or ``warn``."""
    category: str
    """The operator's category label for the entries in this row."""
    deterrence: tuple[tuple[str, str, str], ...] = ()
    """``(locale, text, help link)`` triples shown to the person instead of the link."""

    def message(self, locale: str) -> tuple[str, str] | None:
        """Deterrence text and help link for ``locale``, its language, or English; else None."""
        table = {loc: (text, link) for loc, text, link in self.deterrence}
        for key in (locale, locale.split("-")[0], "en"):
            if key in table:
                return table[key]
        return next(iter(table.values()), None)


@dataclass(frozen=True)
class Match:
    """One list entry that a URL hit."""

    list_id: str
    action: Action
    category: str
    kind: MatchKind
    expression: str
    """The lookup expression that matched (computed on the device from the URL)."""


@dataclass(frozen=True)
class Verdict:
    """The answer for one URL."""

    url: str
    """The URL as given."""
    action: Action
    """The most severe action over all matches; ``allow`` when nothing matched."""
    matches: tuple[Match, ...] = ()
    """Every list entry hit, most severe first."""
    canonical: str | None = None
    """The canonical URL (browser reading); None when the URL could not be read."""
    expressions: tuple[str, ...] = ()
    """Every lookup expression checked, over all readings of the URL."""
    techniques: tuple[str, ...] = ()
    """How the URL was recovered from text (refang, unicode, ...); empty for a plain URL."""
    error: str | None = None
    """Why the URL could not be read, when it could not."""
    shortened: bool = False
    """The link is on a known URL shortener: its target is hidden. With no list match the
    action is the bundle's policy for such links (``allow`` or ``warn``); the app may expand
    it with :class:`linkscreen.Expander` if the person agrees."""

    @property
    def lists(self) -> tuple[str, ...]:
        """Ids of the lists that matched, most severe first, without repeats."""
        return tuple(dict.fromkeys(m.list_id for m in self.matches))

    @property
    def match(self) -> MatchKind | None:
        """What the most severe match covers (host, path prefix or exact page)."""
        return self.matches[0].kind if self.matches else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "action": str(self.action),
            "lists": list(self.lists),
            "match": None if self.match is None else str(self.match),
            "canonical": self.canonical,
            "matches": [
                {
                    "list": m.list_id,
                    "action": str(m.action),
                    "category": m.category,
                    "kind": str(m.kind),
                    "expression": m.expression,
                }
                for m in self.matches
            ],
            "expressions_checked": len(self.expressions),
            "techniques": list(self.techniques),
            "shortened": self.shortened,
            "error": self.error,
        }


@dataclass(frozen=True)
class Finding:
    """One candidate link in a message and its verdict."""

    start: int
    """Span in the message: ``text[start:end]``."""
    end: int
    url: str
    """The link as recovered from the text (before canonicalisation)."""
    verdict: Verdict
    tier: str = "strict"
    """``strict`` (a messenger would linkify it) or ``loose`` (lookup only, never shown)."""
    signals: tuple[str, ...] = ()
    """Warnings that are not list matches, e.g. ``lookalike``."""

    @property
    def action(self) -> Action:
        return self.verdict.action

    @property
    def techniques(self) -> tuple[str, ...]:
        return self.verdict.techniques

    def to_dict(self) -> dict[str, Any]:
        """The ``--jsonl`` finding record."""
        return {
            "start": self.start,
            "end": self.end,
            "url": self.url,
            "action": str(self.verdict.action),
            "lists": list(self.verdict.lists),
            "techniques": list(self.verdict.techniques),
            "tier": self.tier,
            "signals": list(self.signals),
            "canonical": self.verdict.canonical,
            "match": None if self.verdict.match is None else str(self.verdict.match),
            "shortened": self.verdict.shortened,
        }


class Findings(list[Finding]):
    """The findings of one message; ``action`` is the most severe, ``truncated`` says if a cap
    cut the scan short (``notes`` says which)."""

    def __init__(self, items: list[Finding], notes: tuple[str, ...] = ()) -> None:
        super().__init__(items)
        self.notes = notes

    @property
    def truncated(self) -> bool:
        return bool(self.notes)

    @property
    def action(self) -> Action:
        return max((f.action for f in self), key=lambda a: a.severity, default=Action.ALLOW)


@dataclass(frozen=True)
class BundleInfo:
    """What ``linkscreen inspect`` shows: the header and tables of a verified bundle."""

    path: str
    key_id: str
    format_version: int
    canonicalization_version: int
    psl_version: str
    created: int
    expires: int
    sequence: int
    entries: int
    bloom_bits: int
    bloom_k: int
    size_bytes: int
    lists: tuple[ListInfo, ...] = field(default=())
    shortener_domains: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "key_id": self.key_id,
            "format_version": self.format_version,
            "canonicalization_version": self.canonicalization_version,
            "psl_version": self.psl_version,
            "created": self.created,
            "expires": self.expires,
            "sequence": self.sequence,
            "entries": self.entries,
            "bloom_bits": self.bloom_bits,
            "bloom_k": self.bloom_k,
            "bits_per_entry": round(self.size_bytes * 8 / max(self.entries, 1), 2),
            "size_bytes": self.size_bytes,
            "lists": [
                {"id": info.id, "action": str(info.action), "category": info.category}
                for info in self.lists
            ],
            "shortener_domains": self.shortener_domains,
        }
