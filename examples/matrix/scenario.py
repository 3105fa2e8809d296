"""The Matrix conversation shared by ``make demo-matrix`` and the end-to-end test.

Alice and Bob talk in an encrypted room on a loopback Synapse. Bob's client embeds linkscreen:
a background refresher keeps his bundle fresh from the operator's update server, and every
message nio decrypts is screened on his device before it is displayed. When Bob reports a link,
his Reporter sends it to the operator's review service (``linkscreen-server review``), where two
analysts confirm it before the operator publishes. Only synthetic hosts (``*.example``,
``*.test``) appear anywhere.
"""

from __future__ import annotations

import importlib.util
import random
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

import nio

import linkscreen
from linkscreen.fetch import IPAddress, Request, Response, StdlibFetcher
from linkscreen.integrations.matrix import (
    BackgroundRefresher,
    MessageScreen,
    Notices,
    Part,
    RenderedMessage,
    ScreeningCallbacks,
)

from chat import Account, connect, encrypted_room, send_text, sync_until, trust_each_other
from homeserver import Homeserver
from listserver import ListOperator

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # examples/: the review side
#: Whether this checkout has the review service (``linkscreen-server review``) Bob reports to.
REVIEW_AVAILABLE = importlib.util.find_spec("linkscreen_server.review") is not None
if TYPE_CHECKING:
    from review_desk import ReviewService

HOTLINE = """\
# the hotline's block list (synthetic hosts only)
http://bad.example/
http://files.example/shared/abuse-album/
http://pics.example.test/view/9f3a2c.jpg
"""
WATCH = "http://grooming-chat.example/rooms/\n"
LISTS = {"hotline": (HOTLINE, "block"), "watch": (WATCH, "warn")}

#: What Alice sends, in order: (name, text).
MESSAGES = [
    ("plain", "look at http://bad.example/gallery/1 tonight"),
    ("refanged", "new stuff: hxxp://files[.]example/shared/abuse-album/7.jpg"),
    ("dot-words", "its on files(dot)example(slash)shared(slash)abuse-album(slash)1.jpg"),
    ("invisible", "try ba\u200bd.exa\u200dmple/x"),
    ("full-width", "or https://ｂａｄ．ｅｘａｍｐｌｅ/gallery"),
    ("warn-list", "chat here http://grooming-chat.example/rooms/teen"),
    ("shortened", "short one: https://bit.ly/3xAmPlE"),
    ("benign", "see you at 5, bring the notes from https://news.example/article/42"),
    ("host", "the pictures are on pics.example.test"),
    ("host-less", "now /view/9f3a2c.jpg"),
]

#: Bob reads in German: the lists carry German deterrence texts, and his app its own notices.
BOB_LOCALE = "de-DE"
BOB_NOTICES = Notices(
    warning="Vorsicht: Dieser Link könnte schädlich sein.",
    blocked="Hier wurde ein Link entfernt: Er steht auf einer Sperrliste.",
    shortened="Kurzlink: Das Ziel ist verborgen. Vor dem Öffnen prüfen?",
    incomplete="Ein Teil dieser Nachricht konnte nicht auf schädliche Links geprüft werden.",
    unavailable="Links in dieser Nachricht konnten noch nicht geprüft werden.",
    undecryptable="Diese Nachricht konnte auf diesem Gerät nicht entschlüsselt werden.",
)
#: Where the short link in the conversation leads (its first hop is a listed host).
SHORT_LINK_TARGET = "http://bad.example/from-short-link"

#: A link no list carries yet: Bob reports it, two analysts confirm it, the operator publishes,
#: and Alice's next message with it is hidden on Bob's device.
GREY_MESSAGE = "hey, neue Gruppe: http://grey-zone.example/invite/7 komm rein"
GREY_URL = "http://grey-zone.example/invite/7"
BOB_NOTE = "Ein Fremder schickt meinem Kind diesen Link"
#: The review service's analysts: (name, password).
ANALYSTS = (("ana", "ana-review-password-1"), ("ben", "ben-review-password-1"))


def this_machine_only(address: IPAddress) -> str | None:
    """The review service runs on loopback here; the Reporter refuses loopback by default."""
    return None if address.is_loopback else f"{address} is not this machine"


class ShortLinkServer:
    """The short-link service of the conversation, on loopback: one redirect, logged."""

    def __init__(self, target: str = SHORT_LINK_TARGET) -> None:
        log: list[str] = []
        self.requests = log

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                return

            def _answer(self) -> None:
                log.append(f"{self.command} {self.headers.get('X-Original-Host')}{self.path}")
                self.send_response(301)
                self.send_header("Location", target)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = _answer  # noqa: N815
            do_HEAD = _answer  # noqa: N815

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class LoopbackInternet:
    """A fetcher that plays "the internet" for the opt-in Expander: every request, to any host,
    goes to one loopback server that answers as that host would. It stands in for the app's
    network stack only in this demo and test; the real app uses the default fetcher."""

    def __init__(self, port: int) -> None:
        self._port = port
        self._inner = StdlibFetcher()
        self.requested: list[str] = []

    def fetch(self, request: Request) -> Response:
        self.requested.append(request.url)
        scheme, _, rest = request.url.partition("://")
        host, _, path = rest.partition("/")
        headers = {**request.headers, "X-Original-Host": host, "X-Original-Scheme": scheme}
        local = Request(
            f"http://127.0.0.1:{self._port}/{path}",
            request.method,
            headers,
            request.body,
            request.max_bytes,
            request.deadline_s,
            request.etag,
            request.truncate,
            None,  # the loopback server stands in for public hosts
        )
        return self._inner.fetch(local)


@dataclass
class Scenario:
    """Everything running for the conversation; ``start`` brings it up, ``close`` stops it."""

    workdir: Path
    on_display: Callable[[RenderedMessage], None] | None = None
    homeserver: Homeserver = field(init=False)
    operator: ListOperator = field(init=False)
    refresher: BackgroundRefresher = field(init=False)
    screen: MessageScreen = field(init=False)
    review: ReviewService = field(init=False)
    reporter: linkscreen.Reporter = field(init=False)
    alice: nio.AsyncClient = field(init=False)
    bob: nio.AsyncClient = field(init=False)
    room_id: str = ""
    displayed: dict[str, RenderedMessage] = field(default_factory=dict)

    async def start(self) -> None:
        self.homeserver = Homeserver(self.workdir / "synapse").start()
        alice = Account("alice", "alice-password-1")
        bob = Account("bob", "bob-password-1")
        alice.user_id = self.homeserver.register(alice.user, alice.password)
        bob.user_id = self.homeserver.register(bob.user, bob.password)

        self.operator = ListOperator(self.workdir / "operator")
        self.operator.create()
        self.operator.publish(LISTS)
        update_url = self.operator.serve()

        # Bob's app: an Updater refreshed in the background, and the screen before display
        updater = linkscreen.Updater(
            self.workdir / "bob" / "linkscreen", update_url, [self.operator.root_public_key]
        )
        self.refresher = BackgroundRefresher(updater, rng=random.Random(14)).start()
        self.screen = MessageScreen(self.refresher.matcher, locale=BOB_LOCALE, notices=BOB_NOTICES)

        self.alice = await connect(self.homeserver.url, alice, self.workdir / "alice" / "nio")
        self.bob = await connect(self.homeserver.url, bob, self.workdir / "bob" / "nio")
        ScreeningCallbacks(self.bob, self.screen, self._display)
        self.room_id = await encrypted_room(self.alice, self.bob)
        await trust_each_other(self.alice, self.bob)

    def _display(self, rendered: RenderedMessage) -> None:
        self.displayed[rendered.event_id] = rendered
        if self.on_display is not None:
            self.on_display(rendered)

    async def send(self, text: str, timeout: float = 60.0) -> RenderedMessage:
        """Alice sends ``text``; Bob's client syncs until it has displayed it."""
        event_id = await send_text(self.alice, self.room_id, text)
        await sync_until(self.bob, lambda: event_id in self.displayed, timeout)
        return self.displayed[event_id]

    def expand(self, part: Part, internet: LoopbackInternet) -> tuple[Part, linkscreen.Expansion]:
        """Bob taps "check this link": the opt-in Expander follows it hop by hop."""
        matcher = self.refresher.matcher()
        if matcher is None:
            raise RuntimeError("no bundle yet")
        return self.screen.expand(part, linkscreen.Expander(matcher, internet))

    def start_review(self) -> str:
        """The operator starts the review service (SQLite) with two analysts; Bob's app gets
        a Reporter pointed at it. Returns the service's base URL."""
        from review_desk import ReviewService

        self.review = ReviewService(self.workdir / "review")
        for name, password in ANALYSTS:
            self.review.add_user(name, "analyst", password)
        base = self.review.start()
        self.reporter = linkscreen.Reporter(
            self.workdir / "bob" / "reports", base, address_policy=this_machine_only
        )
        return base

    def report(self, part: Part, note: str) -> linkscreen.ReportResult:
        """Bob taps "report" on a link (blocking: the app runs it off the event loop)."""
        return self.screen.report(part, self.reporter, note=note)

    def confirm(self, url: str) -> list[str]:
        """Both analysts confirm ``url`` on the review pages, each from their own "browser"
        (a thread named after them); the URL's state after each vote."""
        from review_desk import Analyst

        states: list[str] = []
        for name, password in ANALYSTS:

            def decide(name: str = name, password: str = password) -> None:
                analyst = Analyst(self.review.url, name, password)
                analyst.sign_in()
                reason = f"{name}: an adult inviting children to a private group"
                states.append(analyst.confirm(url, "enticement", reason))

            worker = threading.Thread(target=decide, name=f"analyst-{name}")
            worker.start()
            worker.join(60)
        return states

    def publish_reviewed(self) -> str:
        """The operator publishes the next version with the review database's lists."""
        return self.operator.publish(LISTS, review_db=self.review.db_url)

    async def close(self) -> None:
        for client in (getattr(self, "alice", None), getattr(self, "bob", None)):
            if client is not None:
                await client.close()
        if hasattr(self, "refresher"):
            self.refresher.stop()
        if hasattr(self, "operator"):
            self.operator.stop()
        if hasattr(self, "review"):
            self.review.stop()
        if hasattr(self, "homeserver"):
            self.homeserver.stop()
