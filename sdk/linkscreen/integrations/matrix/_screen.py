"""Screen each decrypted message on the device before it is shown, with per-room context.

A :class:`MessageScreen` takes the newest matcher from its source on every message (an
attribute read: the background refresher swaps it), scans the text with the hosts the room
mentioned recently, and renders what the person sees. It does no I/O unless the person asks to
expand a short link (the opt-in :class:`~linkscreen.Expander`). Thread-safe: the room context
(one :class:`~linkscreen.Conversation` per room: recent hosts and host-less paths) is the only
mutable state; it lives in memory only, bounded in rooms, hosts and paths, never persisted.
The person's report of a link goes through the app's :class:`~linkscreen.Reporter`: the
link's canonical URL and how it was found, never the message unless the app attaches it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from ...conversation import Conversation, Conversations
from ...errors import InvalidReportError
from ...extract import extract_links
from ...matcher import Matcher
from ...results import Action, Locales, Tier
from ._render import (
    Notices,
    Part,
    PartKind,
    RenderedMessage,
    hidden_part,
    render,
    render_unchecked,
)

if TYPE_CHECKING:  # the Expander and Reporter are the app's, opt-in: no network code loads here
    from ...expander import Expander, Expansion
    from ...reporter import Reporter, ReportResult

__all__ = ["MessageScreen"]

#: Rooms whose context (a :class:`~linkscreen.Conversation`) is kept; the least recently active
#: is dropped first: bounded memory.
MAX_ROOMS = 512

MatcherSource = Callable[[], "Matcher | None"]


class MessageScreen:
    """Screens message text for display; share one per app (thread-safe).

    ``matcher`` is a :class:`~linkscreen.Matcher` or a callable returning the newest one (for
    example :meth:`BackgroundRefresher.matcher`), or None before the first bundle arrives.
    ``locale`` picks the deterrence texts (a BCP 47 tag or a preference list; ``pt-BR`` falls
    back to ``pt``, then to the list's default locale); ``notices`` are
    the app's own texts in that locale. ``unchecked_action`` is the app's policy for links in
    a message that arrives before any bundle: ``warn`` (default) flags them, ``block`` hides
    them; they are never shown as checked.
    """

    def __init__(
        self,
        matcher: Matcher | MatcherSource | None,
        *,
        locale: Locales = "en",
        notices: Notices | None = None,
        unchecked_action: Action = Action.WARN,
    ) -> None:
        if matcher is None or isinstance(matcher, Matcher):
            fixed = matcher
            self._source: MatcherSource = lambda: fixed
        else:
            self._source = matcher
        self.locale = locale
        self.notices = notices or Notices()
        self.unchecked_action = Action(unchecked_action)
        self._rooms = Conversations(MAX_ROOMS)

    def screen(
        self, body: str, *, room_id: str = "", event_id: str = "", sender: str = ""
    ) -> RenderedMessage:
        """What to show for ``body``; call it before display, on every text message."""
        matcher = self._source()
        if matcher is None:
            spans = [(c.start, c.end) for c in extract_links(body) if c.tier is Tier.STRICT]
            parts = render_unchecked(body, spans, self.unchecked_action, self.notices)
            action = self.unchecked_action if spans else Action.ALLOW
            return RenderedMessage(parts, action, False, room_id, event_id, sender, None)
        findings = matcher.scan_text(body, context=self._conversation(room_id))
        parts = render(body, findings, self.locale, self.notices)
        return RenderedMessage(
            parts,
            findings.action,
            findings.complete,
            room_id,
            event_id,
            sender,
            matcher.bundle.sequence,
        )

    def expand(self, part: Part, expander: Expander) -> tuple[Part, Expansion]:
        """Follow a short link the person chose to open (every hop checked before it is
        requested); the part to show now, and the expansion. Opens connections: opt-in only."""
        if not part.expandable:
            raise ValueError(f"a {part.kind} part cannot be expanded")
        finding = next(f for f in part.findings if f.verdict.shortened)
        expansion = expander.expand(finding.url)
        verdict = expansion.verdict
        if verdict.action is Action.BLOCK:
            shown = hidden_part(verdict.message(self.locale), part.findings, self.notices)
        elif verdict.action is Action.WARN or not expansion.complete:
            notice = self.notices.warning if expansion.complete else self.notices.incomplete
            shown = replace(part, kind=PartKind.WARNING, notice=notice)
        else:
            shown = replace(part, kind=PartKind.LINK, notice="")
        return shown, expansion

    def report(
        self,
        part: Part,
        reporter: Reporter,
        *,
        note: str | None = None,
        attachment: str | None = None,
    ) -> ReportResult:
        """Send the link behind ``part`` to the review service, because the person asked.

        The report carries the decisive finding's canonical URL, techniques and verdict, and
        ``note`` (what the person typed). The message itself is not sent: the rendering holds
        no copy of it, and only the app can pass it as ``attachment`` when the person chose
        to attach it. Blocking (one request at most, bounded by the reporter's deadline): call
        it off the event loop. Never raises for network or disk trouble (the result says
        what happened, and an undelivered report stays queued for ``reporter.flush()``);
        raises :class:`~linkscreen.InvalidReportError` for a part with no link.
        """
        finding = next((f for f in part.findings if f.verdict.canonical), None)
        if finding is None:
            raise InvalidReportError("part", f"a {part.kind} part holds no link to report")
        return reporter.report(finding, note=note, attachment=attachment)

    def forget(self, room_id: str) -> None:
        """Drop a room's context (the person left it, or cleared it)."""
        self._rooms.forget(room_id)

    def _conversation(self, room_id: str) -> Conversation:
        """The room's context, created on first use; the least recently active room past
        ``MAX_ROOMS`` is forgotten (and says so when it comes back)."""
        return self._rooms.get(room_id)
