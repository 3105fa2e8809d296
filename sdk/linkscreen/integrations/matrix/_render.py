"""What the person sees: a message's text with its screened links hidden, flagged or offered.

Pure: text and findings in, a :class:`RenderedMessage` out; no I/O and no client library, so
any messenger can use it and tests assert exactly what is shown. Invariants:

- no character of a span that any ``block`` finding covers is in the rendering; overlapping
  flagged spans are merged and the merged span takes the most severe treatment (fail closed);
- every ``warn`` span is preceded by its notice; a shortened link with an unknown target is
  offered for expansion, never followed by itself;
- a scan that could not finish, or a message screened with no bundle yet, says so first and
  answers at least the app's policy for incomplete checks.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ...results import Action, Deterrence, Finding, Findings, Locales, Tier

__all__ = [
    "Notices",
    "Part",
    "PartKind",
    "RenderedMessage",
    "hidden_part",
    "render",
    "render_unchecked",
]


class PartKind(enum.StrEnum):
    """What one piece of a rendered message is."""

    TEXT = "text"
    """Message text, shown as written."""
    LINK = "link"
    """A link the lists allow, shown as written (the app may linkify it; it can be reported)."""
    HIDDEN = "hidden"
    """A blocked link: the list's deterrence text and help link are shown instead."""
    WARNING = "warning"
    """A link shown after a notice (a warn list, a held-back match, a partial check)."""
    SHORTENED = "shortened"
    """A short link whose target is unknown: shown with an offer to expand it first."""
    NOTICE = "notice"
    """About the whole message: it could not be fully checked."""


#: Treatment of a merged span, most severe last: a merged span takes the highest one.
_RANK = {PartKind.LINK: 0, PartKind.SHORTENED: 1, PartKind.WARNING: 2, PartKind.HIDDEN: 3}


@dataclass(frozen=True)
class Notices:
    """The integration's own texts (the lists supply deterrence texts); pass translations.

    These are the app's words, not the list operator's: shown when a list has no text for the
    situation (a shortened link, an incomplete check) or no text at all.
    """

    warning: str = "Careful: this link may be harmful."
    blocked: str = "A link was removed here: it is on a blocklist."
    shortened: str = "Short link: its destination is hidden. Check it before opening?"
    incomplete: str = "Part of this message could not be checked for harmful links."
    unavailable: str = "Links in this message could not be checked yet."
    undecryptable: str = "This message could not be decrypted on this device."


@dataclass(frozen=True)
class Part:
    """One piece of a rendered message, in text order."""

    kind: PartKind
    text: str
    """TEXT, LINK, WARNING, SHORTENED: the text as written. HIDDEN: the deterrence text shown
    instead of the link. NOTICE: what could not be checked."""
    notice: str = ""
    """WARNING: the notice shown before the link. SHORTENED: the offer shown after it."""
    help_link: str = ""
    """HIDDEN and WARNING: the list's help link, when it has one."""
    findings: tuple[Finding, ...] = ()
    """The findings behind a link part (what a report or an expansion works from)."""

    @property
    def expandable(self) -> bool:
        """A short link the person may ask to expand (never a hidden one)."""
        return self.kind in (PartKind.SHORTENED, PartKind.WARNING) and any(
            f.verdict.shortened and f.action is not Action.BLOCK for f in self.findings
        )

    @property
    def reportable(self) -> bool:
        """A link part: the person can report it (the canonical URL, never the message)."""
        return any(f.verdict.canonical for f in self.findings)

    def plain(self) -> str:
        """This part as plain text, as a terminal client shows it."""
        if self.kind is PartKind.HIDDEN:
            suffix = f" {self.help_link}" if self.help_link else ""
            return f"[⛔ {self.text}{suffix}]"
        if self.kind is PartKind.WARNING:
            suffix = f" {self.help_link}" if self.help_link else ""
            return f"[⚠ {self.notice}{suffix}] {self.text}"
        if self.kind is PartKind.SHORTENED:
            return f"{self.text} [↪ {self.notice}]"
        if self.kind is PartKind.NOTICE:
            return f"[ⓘ {self.text}] "
        return self.text


@dataclass(frozen=True)
class RenderedMessage:
    """A message as the app shows it: parts in order, and what the screen decided.

    It holds no copy of the original text, so logging or keeping it never keeps a hidden link
    readable (the findings still name what matched, for a report).
    """

    parts: tuple[Part, ...]
    action: Action
    """The message's action: the most severe finding, at least the incomplete policy."""
    complete: bool
    """False when the message was not fully checked (a limit, or no bundle yet)."""
    room_id: str = ""
    event_id: str = ""
    sender: str = ""
    bundle_sequence: int | None = None
    """Sequence number of the bundle that screened it (None: no bundle yet)."""

    @property
    def plain(self) -> str:
        return "".join(part.plain() for part in self.parts)

    @property
    def hidden(self) -> tuple[Part, ...]:
        return tuple(p for p in self.parts if p.kind is PartKind.HIDDEN)

    @property
    def warnings(self) -> tuple[Part, ...]:
        return tuple(p for p in self.parts if p.kind is PartKind.WARNING)

    @property
    def shortened(self) -> tuple[Part, ...]:
        return tuple(p for p in self.parts if p.expandable)

    @property
    def links(self) -> tuple[Part, ...]:
        """Every part that stands for a link (shown, flagged or hidden)."""
        return tuple(p for p in self.parts if p.findings)

    def to_dict(self) -> dict[str, object]:
        return {
            "room_id": self.room_id,
            "event_id": self.event_id,
            "sender": self.sender,
            "action": str(self.action),
            "complete": self.complete,
            "plain": self.plain,
            "parts": [{"kind": str(p.kind), "text": p.plain()} for p in self.parts],
        }


def render(
    text: str,
    findings: Findings,
    locale: Locales,
    notices: Notices = Notices(),
) -> tuple[Part, ...]:
    """The parts of ``text`` as the person sees them, given its findings; deterrence texts
    in ``locale`` (a BCP 47 tag or preference list, the lists' fallback rules)."""
    parts: list[Part] = []
    if not findings.complete:
        parts.append(Part(PartKind.NOTICE, notices.incomplete))
    at = 0
    for start, end, group in _merged_spans(findings):
        if start > at:
            parts.append(Part(PartKind.TEXT, text[at:start]))
        parts.append(_flagged_part(text[start:end], group, locale, notices))
        at = end
    if at < len(text):
        parts.append(Part(PartKind.TEXT, text[at:]))
    return tuple(parts)


def render_unchecked(
    text: str, spans: Sequence[tuple[int, int]], action: Action, notices: Notices = Notices()
) -> tuple[Part, ...]:
    """The parts of a message that could not be screened (no bundle yet): the app's policy
    ``action`` applies to every link found: hidden for ``block``, flagged otherwise."""
    parts = [Part(PartKind.NOTICE, notices.unavailable)]
    at = 0
    for start, end in _union(spans):
        if start > at:
            parts.append(Part(PartKind.TEXT, text[at:start]))
        if action is Action.BLOCK:
            parts.append(Part(PartKind.HIDDEN, notices.unavailable))
        else:
            parts.append(Part(PartKind.WARNING, text[start:end], notices.unavailable))
        at = end
    if at < len(text):
        parts.append(Part(PartKind.TEXT, text[at:]))
    return tuple(parts)


def _treatment(finding: Finding) -> PartKind | None:
    action = finding.action
    if action is Action.BLOCK:
        return PartKind.HIDDEN
    if action is Action.WARN:
        return PartKind.WARNING
    if finding.verdict.shortened:
        return PartKind.SHORTENED
    if finding.tier is Tier.STRICT and finding.verdict.canonical:
        return PartKind.LINK
    return None  # a loose reading nothing matched: ordinary text


def _merged_spans(findings: Iterable[Finding]) -> list[tuple[int, int, list[Finding]]]:
    """Overlapping flagged findings as one span each, in text order."""
    flagged = sorted(
        (f for f in findings if _treatment(f) is not None and f.end > f.start),
        key=lambda f: (f.start, -f.end),
    )
    spans: list[tuple[int, int, list[Finding]]] = []
    for finding in flagged:
        if spans and finding.start < spans[-1][1]:
            start, end, group = spans[-1]
            group.append(finding)
            spans[-1] = (start, max(end, finding.end), group)
        else:
            spans.append((finding.start, finding.end, [finding]))
    return spans


def _union(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _flagged_part(written: str, group: list[Finding], locale: Locales, notices: Notices) -> Part:
    worst = max(group, key=lambda f: _RANK[_treatment(f) or PartKind.LINK])
    kind = _treatment(worst) or PartKind.LINK
    ordered = (worst, *(f for f in group if f is not worst))
    if kind is PartKind.HIDDEN:
        return hidden_part(worst.message(locale), ordered, notices)
    if kind is PartKind.WARNING:
        # a warn list's own text; a block match held back to warn has none (not a block text)
        message = worst.message(locale)
        if message is not None and message.text:
            return Part(PartKind.WARNING, written, message.text, message.help_link, ordered)
        if worst.verdict.shortened:
            notice = notices.shortened
        elif not worst.verdict.complete:
            notice = notices.incomplete
        else:
            notice = notices.warning
        return Part(PartKind.WARNING, written, notice, findings=ordered)
    if kind is PartKind.SHORTENED:
        return Part(PartKind.SHORTENED, written, notices.shortened, findings=ordered)
    return Part(PartKind.LINK, written, findings=ordered)


def hidden_part(
    message: Deterrence | None, findings: tuple[Finding, ...], notices: Notices
) -> Part:
    """A blocked link's part: the list's deterrence text and help link, or the app's own."""
    if message is None or not message.text:
        return Part(PartKind.HIDDEN, notices.blocked, findings=findings)
    return Part(PartKind.HIDDEN, message.text, help_link=message.help_link, findings=findings)
