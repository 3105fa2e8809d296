"""matrix-nio glue: every decrypted text message is screened before the app displays it.

nio decrypts Megolm events during ``sync`` and hands the app ``RoomMessageText`` (and
``Notice``/``Emote``) events; :class:`ScreeningCallbacks` registers for those, screens the
plain ``body`` and the link targets hidden in ``formatted_body`` (an HTML ``<a href>`` can
point somewhere its visible text does not), and calls the app's display function with the
:class:`RenderedMessage`, never with the raw text. Events nio could not decrypt are rendered
as a notice. Short messages are screened inline on the event loop (tens of microseconds);
long ones in the loop's executor, so a hostile 1 MiB message never stalls the sync loop.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from html.parser import HTMLParser
from typing import Any

import nio

from ...results import Action
from ._render import Part, PartKind, RenderedMessage
from ._screen import MessageScreen

__all__ = ["ScreeningCallbacks"]

#: Characters screened on the event loop itself; longer bodies go to the executor.
INLINE_SCREEN_CHARS = 16 * 1024
#: Link targets read from one ``formatted_body`` (each is screened separately).
MAX_FORMATTED_LINKS = 256

Display = Callable[[RenderedMessage], "Awaitable[None] | None"]
_TEXT_EVENTS = (nio.RoomMessageText, nio.RoomMessageNotice, nio.RoomMessageEmote)


class ScreeningCallbacks:
    """Registers on ``client`` so that ``display`` receives every text message screened.

    ``display`` may be a plain function or a coroutine function. It runs on nio's event loop.
    """

    def __init__(self, client: nio.AsyncClient, screen: MessageScreen, display: Display) -> None:
        self.client = client
        self.screen = screen
        self._display = display
        client.add_event_callback(self._on_text, _TEXT_EVENTS)
        client.add_event_callback(self._on_undecryptable, nio.MegolmEvent)

    async def _on_text(self, room: nio.MatrixRoom, event: Any) -> None:
        body = str(getattr(event, "body", "") or "")
        formatted = str(getattr(event, "formatted_body", "") or "")
        args = (body, formatted, room.room_id, event.event_id, event.sender)
        if len(body) + len(formatted) <= INLINE_SCREEN_CHARS:
            rendered = self._render(*args)
        else:
            rendered = await asyncio.get_running_loop().run_in_executor(None, self._render, *args)
        await self._show(rendered)

    async def _on_undecryptable(self, room: nio.MatrixRoom, event: nio.MegolmEvent) -> None:
        part = Part(PartKind.NOTICE, self.screen.notices.undecryptable)
        rendered = RenderedMessage(
            (part,), Action.ALLOW, False, room.room_id, event.event_id, event.sender
        )
        await self._show(rendered)

    def _render(
        self, body: str, formatted: str, room_id: str, event_id: str, sender: str
    ) -> RenderedMessage:
        rendered = self.screen.screen(body, room_id=room_id, event_id=event_id, sender=sender)
        targets, cut = _hrefs(formatted)
        hidden_targets = [href for href in targets if href not in body]
        if not hidden_targets and not cut:
            return rendered
        parts = list(rendered.parts)
        action, complete = rendered.action, rendered.complete
        if cut:  # more link targets than are read: say so, and apply the incomplete policy
            parts.insert(0, Part(PartKind.NOTICE, self.screen.notices.incomplete))
            complete = False
            if self.screen.unchecked_action.severity > action.severity:
                action = self.screen.unchecked_action
        for href in hidden_targets:
            target = self.screen.screen(href, room_id=room_id)
            if not target.links or all(p.kind is PartKind.LINK for p in target.links):
                continue  # an allowed target: the visible text already says enough
            parts.append(Part(PartKind.TEXT, "\n"))
            parts.extend(target.parts)
            if target.action.severity > action.severity:
                action = target.action
            complete = complete and target.complete
        return RenderedMessage(
            tuple(parts), action, complete, room_id, event_id, sender, rendered.bundle_sequence
        )

    async def _show(self, rendered: RenderedMessage) -> None:
        result = self._display(rendered)
        if inspect.isawaitable(result):
            await result


class _LinkTargets(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: dict[str, None] = {}
        self.cut = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a":
            return
        for name, value in attrs:
            if name == "href" and value and value not in self.hrefs:
                if len(self.hrefs) >= MAX_FORMATTED_LINKS:
                    self.cut = True
                    return
                self.hrefs[value] = None


def _hrefs(formatted: str) -> tuple[list[str], bool]:
    """Link targets in a message's HTML, in order, without repeats; whether some were left."""
    if "href" not in formatted.lower():
        return [], False
    parser = _LinkTargets()
    parser.feed(formatted)
    parser.close()
    return list(parser.hrefs), parser.cut
