"""End to end in a real E2EE messenger: Synapse on loopback, two matrix-nio clients, one
encrypted room; Bob's client screens every decrypted message on the device before display.

One conversation runs once per module (examples/matrix/scenario.py); each test asserts one
promise about it: what Bob sees, what the homeserver holds, whom Bob's SDK talked to, and what
happens when he asks to expand a short link.
"""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest

from linkscreen import Action, Expansion
from linkscreen.integrations.matrix import Part, PartKind, RenderedMessage

from listserver import DETERRENCE
from scenario import (
    BOB_NOTICES,
    MESSAGES,
    SHORT_LINK_TARGET,
    LoopbackInternet,
    Scenario,
    ShortLinkServer,
)
from socket_guard import Connections, recording

pytestmark = pytest.mark.slow

HIDDEN = "[⛔ {} {}]".format(*DETERRENCE["hotline"]["de"])
WARNED = "[⚠ {} {}] ".format(*DETERRENCE["watch"]["de"])
#: Exactly what Bob's screen shows for each message Alice sent.
EXPECTED = {
    "plain": f"look at {HIDDEN} tonight",
    "refanged": f"new stuff: {HIDDEN}",
    "dot-words": f"its on {HIDDEN}",
    "invisible": f"try {HIDDEN}",
    "full-width": f"or {HIDDEN}",
    "warn-list": f"chat here {WARNED}http://grooming-chat.example/rooms/teen",
    "shortened": f"short one: https://bit.ly/3xAmPlE [↪ {BOB_NOTICES.shortened}]",
    "benign": "see you at 5, bring the notes from https://news.example/article/42",
    "host": "the pictures are on pics.example.test",
    "host-less": f"now {HIDDEN}",
}
#: Bytes of every link written in the conversation: none may reach the homeserver's disk.
LINK_BYTES = [
    "bad.example",
    "files[.]example",
    "files(dot)example",
    "abuse-album",
    "exa\u200dmple",
    "ｅｘａｍｐｌｅ",
    "grooming-chat",
    "bit.ly",
    "3xAmPlE",
    "news.example",
    "pics.example.test",
    "9f3a2c",
]


@dataclass
class Record:
    shown: dict[str, RenderedMessage]
    homeserver: tuple[str, int]
    update_server: tuple[str, int]
    database: Path
    room_id: str
    published_sequence: int
    during_conversation: list[tuple[str, int, str]]
    shortener_requests_before_expansion: list[str]
    expansion_connections: set[tuple[str, int]]
    shortener_port: int
    expanded: Part
    expansion: Expansion
    requested_by_expander: list[str]


async def _converse(workdir: Path, connections: Connections) -> Record:
    scenario = Scenario(workdir)
    shortener = ShortLinkServer()
    loop = asyncio.get_running_loop()
    try:
        await scenario.start()
        first = await loop.run_in_executor(None, scenario.refresher.wait_for_attempt, 1, 120)
        assert first is not None, "Bob's first background refresh did not finish"
        matcher = scenario.refresher.matcher()
        assert matcher is not None
        shown = {name: await scenario.send(text) for name, text in MESSAGES}
        with connections.lock:
            during = list(connections.made)
        mark = connections.mark()
        before = list(shortener.requests)
        internet = LoopbackInternet(shortener.port)
        (part,) = shown["shortened"].shortened
        expanded, expansion = await loop.run_in_executor(None, scenario.expand, part, internet)
        port = int(scenario.operator.url.rsplit(":", 1)[1].strip("/"))
        return Record(
            shown,
            ("127.0.0.1", scenario.homeserver.port),
            ("127.0.0.1", port),
            scenario.homeserver.database,
            scenario.room_id,
            matcher.bundle.sequence,
            during,
            before,
            connections.since(mark),
            shortener.port,
            expanded,
            expansion,
            list(internet.requested),
        )
    finally:
        await scenario.close()
        shortener.close()


@pytest.fixture(scope="module")
def conversation(tmp_path_factory: pytest.TempPathFactory) -> Record:
    workdir = tmp_path_factory.mktemp("matrix")
    with recording() as connections:
        return asyncio.run(_converse(workdir, connections))


@pytest.mark.parametrize(("name", "text"), MESSAGES, ids=[name for name, _ in MESSAGES])
def test_receiver_sees_exactly_the_expected_rendering(
    conversation: Record, name: str, text: str
) -> None:
    shown = conversation.shown[name]
    assert shown.plain == EXPECTED[name]
    assert shown.complete
    assert shown.bundle_sequence == conversation.published_sequence


def test_blocked_links_are_hidden_behind_the_lists_text_in_the_receivers_locale(
    conversation: Record,
) -> None:
    text, link = DETERRENCE["hotline"]["de"]
    blocked = [n for n, s in conversation.shown.items() if s.action is Action.BLOCK]
    assert blocked == ["plain", "refanged", "dot-words", "invisible", "full-width", "host-less"]
    for name in blocked:
        (hidden,) = conversation.shown[name].hidden
        assert (hidden.text, hidden.help_link) == (text, link)
        assert hidden.findings[0].verdict.lists == ("hotline",)


def test_warned_link_keeps_its_text_after_the_notice(conversation: Record) -> None:
    shown = conversation.shown["warn-list"]
    assert shown.action is Action.WARN
    (warning,) = shown.warnings
    assert warning.text == "http://grooming-chat.example/rooms/teen"
    assert warning.notice == DETERRENCE["watch"]["de"][0]


def test_benign_and_context_free_messages_are_shown_as_written(conversation: Record) -> None:
    for name in ("benign", "host"):
        shown = conversation.shown[name]
        assert shown.action is Action.ALLOW
        assert {p.kind for p in shown.parts} <= {PartKind.TEXT, PartKind.LINK}


def test_host_less_follow_up_is_blocked_through_the_rooms_context(conversation: Record) -> None:
    (hidden,) = conversation.shown["host-less"].hidden
    joined = {f.url: f for f in hidden.findings if f.action is Action.BLOCK}
    # the exact listed page, from the host named in the message before ("pics.example.test")
    page = joined["pics.example.test/view/9f3a2c.jpg"]
    assert page.verdict.match == "exact"
    assert "context-host" in page.techniques


def test_homeserver_database_holds_only_encrypted_messages(conversation: Record) -> None:
    db = sqlite3.connect(conversation.database)
    try:
        rows = db.execute(
            "SELECT e.type, COUNT(*) FROM events e "
            "LEFT JOIN state_events s ON s.event_id = e.event_id "
            "WHERE e.room_id = ? AND s.event_id IS NULL GROUP BY e.type",
            (conversation.room_id,),
        ).fetchall()
        everywhere = db.execute("SELECT COUNT(*) FROM events WHERE type = 'm.room.message'")
        assert everywhere.fetchone() == (0,)
    finally:
        db.close()
    assert dict(rows) == {"m.room.encrypted": len(MESSAGES)}


def test_no_plaintext_link_byte_reaches_the_homeserver_disk(conversation: Record) -> None:
    files = [p for p in conversation.database.parent.rglob("*") if p.is_file()]
    assert any(p.name == "homeserver.db" for p in files)
    for path in files:
        data = path.read_bytes()
        for link in LINK_BYTES:
            assert link.encode() not in data, f"{link!r} in {path.name}"
    # a positive control: the ciphertext is there
    assert b"m.megolm.v1.aes-sha2" in conversation.database.read_bytes()


def test_receiving_sdk_connects_only_to_the_update_server_and_the_homeserver(
    conversation: Record,
) -> None:
    destinations = {(host, port) for host, port, _ in conversation.during_conversation}
    assert destinations == {conversation.homeserver, conversation.update_server}
    update_threads = {
        thread
        for host, port, thread in conversation.during_conversation
        if (host, port) == conversation.update_server
    }
    # the operator's start-up check comes from the main thread; the SDK's from its refresher
    assert "linkscreen-refresh" in update_threads
    assert update_threads <= {"linkscreen-refresh", "MainThread"}
    assert conversation.shortener_requests_before_expansion == []


def test_short_link_is_expanded_only_on_request_and_never_to_a_listed_hop(
    conversation: Record,
) -> None:
    assert conversation.expansion_connections == {("127.0.0.1", conversation.shortener_port)}
    assert conversation.requested_by_expander == ["https://bit.ly/3xAmPlE"]
    assert conversation.expansion.chain == ("https://bit.ly/3xAmPlE", SHORT_LINK_TARGET)
    assert conversation.expansion.stopped == "blocked"
    assert conversation.expanded.kind is PartKind.HIDDEN
    assert conversation.expanded.text == DETERRENCE["hotline"]["de"][0]
