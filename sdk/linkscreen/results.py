"""Typed results: what a list asks for, what matched, and the verdict on a URL.

Small frozen dataclasses in the manner of tldextract's ExtractResult: self-explaining fields,
derived properties, and ``to_dict()`` for one-line JSON.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, TypeAlias, overload

from . import locales


class Action(enum.StrEnum):
    """What the app should do with a link; ``severity`` orders them (block > warn > allow).

    Enum members are immutable; safe to share between threads.
    """

    ALLOW = "allow"
    WARN = "warn"
    BLOCK = "block"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]


_SEVERITY = {Action.ALLOW: 0, Action.WARN: 1, Action.BLOCK: 2}


class MatchKind(enum.StrEnum):
    """How much of a site a matching list entry covers.

    Enum members are immutable; safe to share between threads.
    """

    HOST = "host"  #: ``bad.example/``: the host and all its subdomains
    PATH_PREFIX = "path_prefix"  #: ``bad.example/content/``: everything under a path
    EXACT = "exact"  #: ``bad.example/content/123``: one page

    @classmethod
    def of(cls, expression: str) -> MatchKind:
        path = expression[expression.index("/") :]
        if path == "/":
            return cls.HOST
        return cls.PATH_PREFIX if path.endswith("/") else cls.EXACT


class Technique(enum.StrEnum):
    """How a candidate link was recovered from text (docs/extraction.md has the full table).

    Values are plain strings, so JSON output and comparisons with ``"refang"`` keep working.
    Enum members are immutable; safe to share between threads.
    """

    # descriptive: say what the link looked like, never evidence on their own
    NO_SCHEME = "no-scheme"
    NUMERIC_IP = "numeric-ip"
    IDN = "idn"
    UPPER_CASE = "upper-case"
    PERCENT_ENCODED = "percent-encoded"
    LINK_END = "link-end"
    WRAPPER = "wrapper"
    APP_SCHEME = "app-scheme"
    """An app-launch URL (``intent://``, ``googlechromes://``...) read to the web URL it opens."""
    USERINFO = "userinfo"
    """A link without a scheme behind a userinfo (``www.paypal.test@bad.example/login``): a
    browser opens the host after the ``@``. Descriptive: no evidence either way."""
    # deliberate: only ever written where someone meant a link
    REFANG = "refang"
    SCHEME_REPAIR = "scheme-repair"
    UNICODE = "unicode"
    INVISIBLE = "invisible"
    COMBINING = "combining"
    BIDI = "bidi"
    CONFUSABLE = "confusable"
    SPACING = "spacing"
    SPACED_LETTERS = "spaced-letters"
    DOT_WORD = "dot-word"
    LINE_WRAP = "line-wrap"
    """A link wrapped at a dot of its host: a line break right after or before the dot, the
    next line going on with the host and a path (``bad.\nexample/x/1``). Style: the link
    is judged as written on one line."""
    MARKUP = "markup"
    """Chat markup read as its rendering: a Markdown escape (``\\(``, ``\\!``: Telegram's
    MarkdownV2) as the character, emphasis markers around part of a host (``**bad**.example``,
    ``||bad||.example``) dropped. Style: the link is judged as it is shown."""
    # prose-shaped: ordinary sentences produce these by chance (docs/adr: evidence)
    SPACE_AS_DOT = "space-as-dot"
    SLASH_WORD = "slash-word"
    LINE_BREAK = "line-break"
    DOT_VARIANT = "dot-variant"
    PROSE_SPACING = "prose-spacing"
    SPOKEN_DOT = "spoken-dot"
    """A spaced word for "dot" that is also an everyday word ("a las 5 en punto")."""
    CONTEXT_HOST = "context-host"
    # a skeleton reading (UTS #39 confusables): may warn, never block
    LOOKALIKE = "lookalike"


class Tier(enum.StrEnum):
    """``strict``: a messenger would linkify it; ``loose``: looked up, never shown or fetched.

    Enum members are immutable; safe to share between threads.
    """

    STRICT = "strict"
    LOOSE = "loose"


class Signal(enum.StrEnum):
    """What a verdict or finding says beyond its list matches.

    Enum members are immutable; safe to share between threads.
    """

    LOOKALIKE = "lookalike"
    """The host is a look-alike (mixed scripts, or found through its confusable skeleton)."""
    CODE = "code"
    """The candidate reads as a dotted code identifier (``com.acme.chat``, ``self.user.x``)."""
    CODE_LIKE = "code-like"
    """Only its letter case makes the candidate read as code (``bad.Example``, as in
    ``user.Name``): a whole-host match warns instead of being dropped."""
    PROSE = "prose"
    """Only prose-shaped evidence (space as dot, a line join...) makes it a link."""
    HOST_ONLY = "host-only"
    """Only the host could be checked: the rest of the URL could not be canonicalised."""
    UNCHECKED = "unchecked"
    """Part of the link could not be checked at all: a limit stopped the canonicaliser
    before the host, a lone surrogate made it unreadable as a browser reads it (it was
    checked as shown), or a redirect target it carries was left unread (nested too deep,
    too many, a payload that does not decode)."""
    UNKNOWN_SCHEME = "unknown-scheme"
    """A scheme this SDK does not know: what follows it was checked as a web host and path,
    but what the app behind the scheme opens cannot be known (ADR 0027)."""
    HELD_BACK = "held-back"
    """A ``block`` list matched but the evidence rule answered ``warn`` (see ``notes``)."""


#: Signals of a check that could not be done whole: the verdict is incomplete and answers at
#: least the app's ``incomplete_action``.
INCOMPLETE_SIGNALS = frozenset({Signal.HOST_ONLY, Signal.UNCHECKED, Signal.UNKNOWN_SCHEME})

#: A locale, or a person's locales in order of preference (``"pt-BR"``, ``["pt-BR", "en"]``).
Locales: TypeAlias = str | Iterable[str] | None


@dataclass(frozen=True)
class Deterrence:
    """What the app shows a person instead of a listed link: the operator's words and help link.

    Immutable; safe to share between threads.
    """

    text: str
    """The message, in ``locale``; plain text (the app escapes it for its markup)."""
    help_link: str
    """Where the person can get help (a hotline, a counselling service); "" when none."""
    locale: str
    """The locale of ``text`` as the operator wrote it, which may differ from the one asked
    for (``pt`` for ``pt-BR``, the list's default when nothing closer exists)."""
    list_id: str
    """The list whose message this is."""


@dataclass(frozen=True)
class ListInfo:
    """One row of a bundle's list table. Immutable; safe to share between threads."""

    id: str
    """The operator's name for the list (``iwf``, ``platform-own``)."""
    action: Action
    """``block`` or ``warn``."""
    category: str
    """The operator's category label for the entries in this row."""
    deterrence: tuple[tuple[str, str, str], ...] = ()
    """``(locale, text, help link)`` triples shown to the person instead of the link."""
    default_locale: str | None = None
    """The operator's default locale for this list (one of ``deterrence``'s), shown when none
    of the person's locales has a message; None in bundles written before it existed."""

    def message(self, locale: Locales = None) -> Deterrence | None:
        """The deterrence message for ``locale`` (a BCP 47 tag or a preference list).

        Case-insensitive, ``_`` as ``-``, shortened a subtag at a time (``pt-BR`` -> ``pt``,
        ``zh-Hant-TW`` -> ``zh-Hant`` -> ``zh``), then the list's default locale (``en``, then
        the first message, for older bundles). None only when the list has no message.
        """
        chosen = locales.lookup([m[0] for m in self.deterrence], locale, self.default_locale)
        if chosen is None:
            return None
        tag, text, link = self.deterrence[chosen]
        return Deterrence(text, link, tag, self.id)


@dataclass(frozen=True)
class Match:
    """One list entry that a URL hit. Immutable; safe to share between threads."""

    list_id: str
    action: Action
    category: str
    kind: MatchKind
    expression: str
    """The lookup expression that matched (computed on the device from the URL)."""
    list_info: ListInfo | None = field(default=None, repr=False)
    """The matching list's row (its deterrence messages), so the app need not look it up."""

    def message(self, locale: Locales = None) -> Deterrence | None:
        """The matching list's deterrence message for ``locale``; see :meth:`ListInfo.message`."""
        return None if self.list_info is None else self.list_info.message(locale)


@dataclass(frozen=True)
class Verdict:
    """The answer for one URL. Immutable; safe to share between threads.

    A verdict the C core answered without a match computes ``canonical`` and ``expressions``
    on first read, with the same values (docs/adr/0026).
    """

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
    techniques: tuple[Technique, ...] = ()
    """How the URL was recovered from text (refang, unicode, ...); empty for a plain URL."""
    error: str | None = None
    """Why the URL could not be read, when it could not."""
    shortened: bool = False
    """The link is on a known URL shortener: its target is hidden. With no list match the
    action is the bundle's policy for such links (``allow`` or ``warn``); the app may expand
    it with :class:`linkscreen.Expander` if the person agrees."""
    signals: tuple[Signal, ...] = ()
    """What the verdict says beyond its matches: ``host-only``, ``held-back``, ``lookalike``..."""
    notes: tuple[str, ...] = ()
    """Plain-language reasons for anything in ``signals`` (what could not be checked, why a
    block list match answered warn)."""

    @property
    def host_only(self) -> bool:
        """Only the host was checked: the rest of the URL could not be canonicalised."""
        return Signal.HOST_ONLY in self.signals

    @property
    def complete(self) -> bool:
        """False when part of the check could not be done (``host-only``, ``unchecked`` or
        ``unknown-scheme``)."""
        return not INCOMPLETE_SIGNALS.intersection(self.signals)

    @property
    def lists(self) -> tuple[str, ...]:
        """Ids of the lists that matched, most severe first, without repeats."""
        return tuple(dict.fromkeys(m.list_id for m in self.matches))

    @property
    def match(self) -> MatchKind | None:
        """What the most severe match covers (host, path prefix or exact page)."""
        return self.matches[0].kind if self.matches else None

    def message(self, locale: Locales = None) -> Deterrence | None:
        """What to show instead of the link: the deterrence message of the first matching
        list whose action is the verdict's (most severe first), in ``locale``.

        None when nothing matched, and when no matching list asks for the verdict's action
        (a ``block`` match held back to ``warn``): the operator's text for a block would not
        fit a warning, so the app shows its own. Locale rules: :meth:`ListInfo.message`.
        """
        for match in self.matches:
            if match.action == self.action:
                found = match.message(locale)
                if found is not None:
                    return found
        return None

    def __getstate__(self) -> dict[str, Any]:
        """Every field's value (a verdict whose readings are read on demand is pickled and
        copied with them, never with what computes them)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

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
            "techniques": [str(t) for t in self.techniques],
            "shortened": self.shortened,
            "error": self.error,
            "signals": [str(s) for s in self.signals],
            "notes": list(self.notes),
        }


#: What gives a URL's browser reading and its lookup expressions on demand: the C core's
#: whole check again (``NativeProbe.readings``), for a verdict built by :func:`unlisted_verdict`.
Readings: TypeAlias = Callable[[str], tuple[str, tuple[str, ...]]]


class _OnDemand:
    """``Verdict.canonical`` and ``Verdict.expressions`` of a verdict built by
    :func:`unlisted_verdict`: computed on first read and then kept in the instance, so they
    read as the fields of any other verdict, with the same values. (A non-data descriptor:
    a verdict built by ``__init__`` holds both fields in its ``__dict__`` and never calls it.)
    """

    __slots__ = ("_default", "_name")

    def __init__(self, name: str, default: object) -> None:
        self._name = name
        self._default = default

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        if instance is None:  # Verdict.canonical: the field's default, as for a dataclass
            return self._default
        values = instance.__dict__
        readings: Readings | None = values.get("_readings")
        if readings is None:  # another thread filled both fields in between
            return values.get(self._name, self._default)
        values["canonical"], values["expressions"] = readings(values["url"])
        values.pop("_readings", None)
        return values[self._name]


for _field in fields(Verdict):
    if _field.name in ("canonical", "expressions"):
        setattr(Verdict, _field.name, _OnDemand(_field.name, _field.default))

_new = object.__new__


def unlisted_verdict(
    url: str,
    action: Action,
    techniques: tuple[Technique, ...],
    shortened: bool,
    readings: Readings,
) -> Verdict:
    """The Verdict of a complete check that matched nothing (``allow``, or ``warn`` for a
    shortened link under that policy), built the cheap way for the C core's common case:
    no ``__init__`` (ten frozen-field writes), the fields at their defaults left to the
    class (no matches, error, signals or notes), ``canonical`` and ``expressions`` read on
    demand through ``readings(url)``. Equal, field for field, to ``Verdict(url, action, (),
    canonical, expressions, techniques, None, shortened)``."""
    verdict = _new(Verdict)
    values = verdict.__dict__
    values["url"] = url
    values["action"] = action
    values["_readings"] = readings
    if techniques:
        values["techniques"] = techniques
    if shortened:
        values["shortened"] = shortened
    return verdict


@dataclass(frozen=True)
class Finding:
    """One candidate link in a message and its verdict: the reading that decided it.

    Immutable; safe to share between threads.
    """

    start: int
    """Span in the message: ``text[start:end]``."""
    end: int
    url: str
    """The reading of the link that decided the verdict (before canonicalisation)."""
    verdict: Verdict
    tier: Tier = Tier.STRICT
    """``strict`` (a messenger would linkify it) or ``loose`` (lookup only, never shown)."""
    signals: tuple[Signal, ...] = ()
    """Warnings that are not list matches: ``lookalike``, ``code``, ``host-only``..."""

    @property
    def action(self) -> Action:
        return self.verdict.action

    @property
    def techniques(self) -> tuple[Technique, ...]:
        return self.verdict.techniques

    def message(self, locale: Locales = None) -> Deterrence | None:
        """The deterrence message to show in place of this link; see :meth:`Verdict.message`."""
        return self.verdict.message(locale)

    def to_dict(self) -> dict[str, Any]:
        """The ``--jsonl`` finding record."""
        return {
            "start": self.start,
            "end": self.end,
            "url": self.url,
            "action": str(self.verdict.action),
            "lists": list(self.verdict.lists),
            "techniques": [str(t) for t in self.verdict.techniques],
            "tier": str(self.tier),
            "signals": [str(s) for s in self.signals],
            "canonical": self.verdict.canonical,
            "match": None if self.verdict.match is None else str(self.verdict.match),
            "shortened": self.verdict.shortened,
            "notes": list(self.verdict.notes),
        }


class Findings(Sequence[Finding]):
    """The findings of one message: an immutable sequence, text order.

    ``action`` is the most severe finding's action; when ``complete`` is False (a limit cut the
    scan short, ``notes`` say which) it is at least the app's policy for incomplete scans
    (``Matcher(incomplete_action=...)``, default ``warn``): a cut is never a silent ``allow``.
    Immutable, so safe to share between threads.
    """

    __slots__ = ("_incomplete_action", "_items", "notes")

    def __init__(
        self,
        items: Iterable[Finding] = (),
        notes: Iterable[str] = (),
        incomplete_action: Action = Action.WARN,
    ) -> None:
        # set past the immutability guard (this is on the path of every message)
        setattr_ = object.__setattr__
        setattr_(self, "_items", tuple(items))
        setattr_(self, "notes", tuple(dict.fromkeys(notes)) if notes else ())
        setattr_(self, "_incomplete_action", incomplete_action)

    _items: tuple[Finding, ...]
    notes: tuple[str, ...]
    """What limit cut the scan short, one sentence each; empty when ``complete``."""
    _incomplete_action: Action

    def __setattr__(self, name: str, value: object) -> None:
        if hasattr(self, "_incomplete_action"):
            raise AttributeError("Findings is immutable")
        object.__setattr__(self, name, value)

    @overload
    def __getitem__(self, index: int) -> Finding: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Finding, ...]: ...
    def __getitem__(self, index: int | slice) -> Finding | tuple[Finding, ...]:
        return self._items[index]

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Findings):
            return self._items == other._items and self.notes == other.notes
        if isinstance(other, (list, tuple)):
            return list(self._items) == list(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self._items, self.notes))

    def __repr__(self) -> str:
        return f"Findings({list(self._items)!r}, notes={self.notes!r})"

    @property
    def complete(self) -> bool:
        """True when every candidate of the message was found and fully checked."""
        return not self.notes

    @property
    def truncated(self) -> bool:
        """The opposite of ``complete`` (kept for callers written against 0.1)."""
        return bool(self.notes)

    @property
    def action(self) -> Action:
        worst = max((f.action for f in self._items), key=_severity, default=Action.ALLOW)
        if self.notes and self._incomplete_action.severity > worst.severity:
            return self._incomplete_action
        return worst

    def message(self, locale: Locales = None) -> Deterrence | None:
        """The deterrence message for the message as a whole: that of the first finding, in
        text order, whose action is ``action``. None when no finding carries one (nothing
        matched, or only the incomplete-scan policy raised ``action``)."""
        for finding in self._items:
            if finding.action == self.action:
                found = finding.message(locale)
                if found is not None:
                    return found
        return None

    def to_dict(self) -> dict[str, Any]:
        """The ``--jsonl`` record of a message (without its id)."""
        record: dict[str, Any] = {
            "action": str(self.action),
            "complete": self.complete,
            "findings": [finding.to_dict() for finding in self._items],
        }
        if self.notes:
            record["notes"] = list(self.notes)
        return record


def _severity(action: Action) -> int:
    return action.severity


@dataclass(frozen=True)
class BundleInfo:
    """What ``linkscreen inspect`` shows: the header and tables of a verified bundle.

    Immutable; safe to share between threads.
    """

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
    psl_embedded: bool = False
    """Whether the bundle carries its Public Suffix List (else the SDK's snapshot is used)."""
    psl_sha256: str = ""
    """SHA-256 of the bundle's encoded PSL rules ("" when it carries none)."""
    psl_rules: int = 0

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
            "psl": {
                "version": self.psl_version,
                "embedded": self.psl_embedded,
                "sha256": self.psl_sha256,
                "rules": self.psl_rules,
            },
        }
