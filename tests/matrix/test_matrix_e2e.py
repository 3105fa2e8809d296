"""End to end in a real E2EE messenger: Synapse on loopback, two matrix-nio clients, one
encrypted room; Bob's client screens every decrypted message on the device before display.

One conversation runs once per module (examples/matrix/scenario.py); each test asserts one
promise about it: what Bob sees, what the homeserver holds, whom Bob's SDK talked to, what
happens when he asks to expand a short link, and how his report of a link no list carries yet
travels through the review service (two analysts) into the next version, which hides the link
in the next message.
"""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest

from linkscreen import Action, Expansion, ReportResult, ReportStatus
from linkscreen.integrations.matrix import Part, PartKind, RenderedMessage

from listserver import DETERRENCE
from scenario import (
    BOB_NOTE,
    BOB_NOTICES,
    GREY_MESSAGE,
    GREY_URL,
    MESSAGES,
    REVIEW_AVAILABLE,
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
    "grey-zone",
    "invite/7",
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
    messages_sent: int
    reported: Reported | None
    """The report step; None when this checkout has no review service."""


@dataclass
class Reported:
    review: tuple[str, int]
    review_db: Path
    grey_before: RenderedMessage
    report: ReportResult
    report_connections: set[tuple[str, int]]
    votes: list[str]
    published: str
    refresh_version: int
    grey_after: RenderedMessage
    report_phase: list[tuple[str, int, str]]


async def _report(scenario: Scenario, connections: Connections) -> Reported:
    """Bob reports a link no list carries; two analysts confirm it; the operator publishes;
    Bob's refresh brings the next version, and Alice sends the link again."""
    loop = asyncio.get_running_loop()
    review_url = scenario.start_review()
    phase = connections.mark()
    grey_before = await scenario.send(GREY_MESSAGE)
    (grey_part,) = [p for p in grey_before.links if p.kind is PartKind.LINK]
    before_report = connections.mark()
    report = await loop.run_in_executor(None, scenario.report, grey_part, BOB_NOTE)
    report_connections = connections.since(before_report)
    votes = await loop.run_in_executor(None, scenario.confirm, GREY_URL)
    published = await loop.run_in_executor(None, scenario.publish_reviewed)
    attempts = scenario.refresher.attempts
    scenario.refresher.refresh_now()  # the app came to the foreground
    refreshed = await loop.run_in_executor(
        None, scenario.refresher.wait_for_attempt, attempts + 1, 120
    )
    assert refreshed is not None, "Bob's refresh after the publication did not finish"
    grey_after = await scenario.send(GREY_MESSAGE)
    with connections.lock:
        report_phase = list(connections.made[phase:])
    review_port = int(review_url.rsplit(":", 1)[1].strip("/"))
    return Reported(
        ("127.0.0.1", review_port),
        scenario.review.directory / "review.db",
        grey_before,
        report,
        report_connections,
        votes,
        published,
        refreshed.version,
        grey_after,
        report_phase,
    )


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
        expansion_connections = connections.since(mark)
        port = int(scenario.operator.url.rsplit(":", 1)[1].strip("/"))

        reported = await _report(scenario, connections) if REVIEW_AVAILABLE else None
        return Record(
            shown,
            ("127.0.0.1", scenario.homeserver.port),
            ("127.0.0.1", port),
            scenario.homeserver.database,
            scenario.room_id,
            matcher.bundle.sequence,
            during,
            before,
            expansion_connections,
            shortener.port,
            expanded,
            expansion,
            list(internet.requested),
            len(MESSAGES) + (2 if reported else 0),
            reported,
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
    assert dict(rows) == {"m.room.encrypted": conversation.messages_sent}


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


# ---- a report, through the review service, into the next version ----------------------------


def _reported(conversation: Record) -> Reported:
    if conversation.reported is None:
        pytest.skip("this checkout has no review service (linkscreen_server.review) to report to")
    return conversation.reported


def test_a_link_no_list_carries_is_shown_and_reportable(conversation: Record) -> None:
    reported = _reported(conversation)
    shown = reported.grey_before
    assert shown.action is Action.ALLOW
    assert shown.plain == GREY_MESSAGE
    (link,) = shown.links
    assert link.reportable


def test_the_report_reaches_the_review_queue_with_the_link_and_never_the_message(
    conversation: Record,
) -> None:
    reported = _reported(conversation)
    assert reported.report.status is ReportStatus.SENT
    db = sqlite3.connect(reported.review_db)
    try:
        urls = db.execute("SELECT url, reports FROM urls").fetchall()
        (row,) = db.execute("SELECT verdict, note, attachment FROM reports").fetchall()
    finally:
        db.close()
    assert urls == [(GREY_URL, 1)]
    assert row == ("allow", BOB_NOTE, None)
    stored = b"".join(p.read_bytes() for p in reported.review_db.parent.glob("review.db*"))
    for words in ("neue Gruppe", "komm rein", "@alice", "@bob"):
        assert words.encode() not in stored, words
    assert conversation.room_id.encode() not in stored
    assert GREY_URL.encode() in stored  # a positive control: the database is readable here


def test_two_analysts_confirm_and_the_next_version_carries_the_link(conversation: Record) -> None:
    reported = _reported(conversation)
    assert reported.votes[-1] == "confirmed"
    assert reported.votes[0] != "confirmed"  # one analyst is not enough
    assert "1 newly confirmed URL(s) listed" in reported.published
    assert reported.refresh_version == conversation.published_sequence + 1


def test_the_next_message_with_the_reported_link_is_hidden(conversation: Record) -> None:
    reported = _reported(conversation)
    after = reported.grey_after
    assert after.action is Action.BLOCK
    assert after.bundle_sequence is not None
    assert after.bundle_sequence > conversation.published_sequence
    (hidden,) = after.hidden
    assert hidden.findings[0].verdict.lists == ("review-confirmed",)
    text, link = DETERRENCE["review-confirmed"]["de"]
    assert (hidden.text, hidden.help_link) == (text, link)
    assert after.plain == f"hey, neue Gruppe: [⛔ {text} {link}] komm rein"


def test_the_receivers_sdk_connects_only_to_update_server_homeserver_and_review_endpoint(
    conversation: Record,
) -> None:
    reported = _reported(conversation)
    assert reported.report_connections == {reported.review}
    bobs = {
        (host, port)
        for host, port, thread in reported.report_phase
        if not thread.startswith("analyst-")  # the analysts' browsers, not Bob's device
    }
    allowed = {conversation.homeserver, conversation.update_server, reported.review}
    assert bobs <= allowed  # nio may reuse its kept-alive homeserver connection
    assert {conversation.update_server, reported.review} <= bobs  # positive controls
    analysts = {(h, p) for h, p, t in reported.report_phase if t.startswith("analyst-")}
    assert analysts == {reported.review}
