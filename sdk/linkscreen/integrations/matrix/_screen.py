"""Screen each decrypted message on the device before it is shown, with per-room context.

A :class:`MessageScreen` takes the newest matcher from its source on every message (an
attribute read: the background refresher swaps it), scans the text with the hosts the room
mentioned recently, and renders what the person sees. It does no I/O unless the person asks to
expand a short link (the opt-in :class:`~linkscreen.Expander`). Thread-safe: the room context
is the only mutable state and is held under a lock; it lives in memory only, bounded in rooms
and hosts, and is never persisted.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from ...extract import extract_links
from ...matcher import Matcher
from ...results import Action, Findings, Tier
from ._render import (
    Deterrence,
    Notices,
    Part,
    PartKind,
    RenderedMessage,
    list_deterrence,
    render,
    render_unchecked,
)

if TYPE_CHECKING:  # the Expander is the app's, opt-in: no network code loads with the screen
    from ...expander import Expander, Expansion

__all__ = ["MessageScreen"]

#: Recent hosts kept per room for host-less follow-ups ("now /view/123"): a conversation
#: names few hosts at a time, and each one kept is one more lookup per host-less path.
MAX_ROOM_HOSTS = 8
#: Rooms whose context is kept (least recently active dropped first): bounded memory.
MAX_ROOMS = 512

MatcherSource = Callable[[], "Matcher | None"]


class MessageScreen:
    """Screens message text for display; share one per app (thread-safe).

    ``matcher`` is a :class:`~linkscreen.Matcher` or a callable returning the newest one (for
    example :meth:`BackgroundRefresher.matcher`), or None before the first bundle arrives.
    ``locale`` picks the deterrence texts (BCP 47, the list's fallback rules); ``notices`` are
    the app's own texts in that locale. ``unchecked_action`` is the app's policy for links in
    a message that arrives before any bundle: ``warn`` (default) flags them, ``block`` hides
    them; they are never shown as checked.
    """

    def __init__(
        self,
        matcher: Matcher | MatcherSource | None,
        *,
        locale: str = "en",
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
        self._rooms: OrderedDict[str, deque[str]] = OrderedDict()
        self._lock = threading.Lock()
        self._lookup: tuple[Matcher, Deterrence] | None = None

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
        findings = matcher.scan_text(body, self._hosts(room_id))
        self._remember(room_id, findings)
        parts = render(body, findings, self._deterrence(matcher), self.locale, self.notices)
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
            matcher = self._source()
            message = None
            if matcher is not None:
                lookup = self._deterrence(matcher)
                message = next(filter(None, (lookup(i, self.locale) for i in verdict.lists)), None)
            text, link = message if message and message[0] else (self.notices.blocked, "")
            shown = Part(PartKind.HIDDEN, text, help_link=link, findings=part.findings)
        elif verdict.action is Action.WARN or not expansion.complete:
            notice = self.notices.warning if expansion.complete else self.notices.incomplete
            shown = replace(part, kind=PartKind.WARNING, notice=notice)
        else:
            shown = replace(part, kind=PartKind.LINK, notice="")
        return shown, expansion

    def _deterrence(self, matcher: Matcher) -> Deterrence:
        """The deterrence lookup of ``matcher``'s bundle, built once per bundle."""
        cached = self._lookup
        if cached is not None and cached[0] is matcher:
            return cached[1]
        lookup = list_deterrence(matcher.bundle.lists)
        self._lookup = (matcher, lookup)
        return lookup

    def forget(self, room_id: str) -> None:
        """Drop a room's context (the person left it, or cleared it)."""
        with self._lock:
            self._rooms.pop(room_id, None)

    def _hosts(self, room_id: str) -> list[str]:
        """The room's recent hosts, oldest first (the order ``scan_text`` expects)."""
        with self._lock:
            hosts = self._rooms.get(room_id)
            return list(hosts) if hosts else []

    def _remember(self, room_id: str, findings: Findings) -> None:
        named = list(_strict_hosts(findings))
        if not named:
            return
        with self._lock:
            hosts = self._rooms.pop(room_id, None) or deque(maxlen=MAX_ROOM_HOSTS)
            for host in named:
                if host in hosts:
                    hosts.remove(host)
                hosts.append(host)
            self._rooms[room_id] = hosts
            while len(self._rooms) > MAX_ROOMS:
                self._rooms.popitem(last=False)


def _strict_hosts(findings: Findings) -> Iterator[str]:
    """Hosts of the links a messenger would linkify, in text order (canonical form)."""
    for finding in findings:
        canonical = finding.verdict.canonical
        if finding.tier is Tier.STRICT and canonical:
            host = canonical.split("/", 3)[2]
            if host:
                yield host
