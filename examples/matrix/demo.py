"""`make demo-matrix`: an encrypted Matrix conversation, screened on the receiving device.

Starts Synapse on 127.0.0.1 (no federation), publishes the hotline's lists on a loopback update
server, and lets Alice send Bob messages in an end-to-end encrypted room: plain, obfuscated,
shortened and benign links, and a host-less follow-up. For each message the terminal shows what
Alice typed and what Bob's client displays after linkscreen screened it on his device; then
what the homeserver stored (only ciphertext) and, when Bob taps a short link, how the opt-in
Expander stops before the listed hop. Last, Bob reports a link no list carries yet: two analysts
confirm it on the review service, the operator publishes, and Alice's next message with it is
hidden. Everything runs in demo-out/matrix and stops at the end.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import textwrap
import unicodedata
from pathlib import Path

from scenario import (
    BOB_NOTE,
    GREY_MESSAGE,
    GREY_URL,
    MESSAGES,
    REVIEW_AVAILABLE,
    LoopbackInternet,
    Scenario,
    ShortLinkServer,
)

OUT = Path("demo-out") / "matrix"
WIDTH = 96


def visible(text: str) -> str:
    """Invisible characters spelled out, so the terminal shows what was really sent."""
    return "".join(
        f"⟨U+{ord(c):04X}⟩" if unicodedata.category(c) == "Cf" else ("⏎" if c == "\n" else c)
        for c in text
    )


def show(label: str, text: str) -> None:
    lines = textwrap.wrap(visible(text), WIDTH - 12) or [""]
    print(f"  {label:9} {lines[0]}")
    for line in lines[1:]:
        print(f"  {'':9} {line}")


def stored_event_types(database: Path, room_id: str) -> dict[str, int]:
    db = sqlite3.connect(database)
    try:
        rows = db.execute(
            "SELECT e.type, COUNT(*) FROM events e "
            "LEFT JOIN state_events s ON s.event_id = e.event_id "
            "WHERE e.room_id = ? AND s.event_id IS NULL GROUP BY e.type",
            (room_id,),
        ).fetchall()
    finally:
        db.close()
    return dict(rows)


async def report_and_review(scenario: Scenario) -> None:
    """Bob reports a link no list carries; two analysts confirm it; the operator publishes;
    Alice's next message with the link is hidden on Bob's device."""
    loop = asyncio.get_running_loop()
    base = scenario.start_review()
    print(f"   review service (linkscreen-server review, SQLite) on {base}")
    before = await scenario.send(GREY_MESSAGE)
    show("Alice:", GREY_MESSAGE)
    show("Bob sees:", before.plain)
    (link,) = before.links
    sent = scenario.reporter.preview(link.findings[0], note=BOB_NOTE)
    print(f"   what leaves Bob's device: {sent}")
    result = await loop.run_in_executor(None, scenario.report, link, BOB_NOTE)
    print(f"   report: {result.status} (HTTP {result.http_status})")
    states = await loop.run_in_executor(None, scenario.confirm, GREY_URL)
    print(f"   analysts ana and ben confirm it: {' -> '.join(states)}")
    published = await loop.run_in_executor(None, scenario.publish_reviewed)
    print("   operator: " + published.strip().replace("\n", "\n             "))
    attempts = scenario.refresher.attempts
    scenario.refresher.refresh_now()
    update = await loop.run_in_executor(
        None, scenario.refresher.wait_for_attempt, attempts + 1, 120
    )
    if update is not None:
        print(f"   Bob's refresh: {update.status}, version {update.version}")
    after = await scenario.send(GREY_MESSAGE)
    print(f"\n[after review] → {after.action}")
    show("Alice:", GREY_MESSAGE)
    show("Bob sees:", after.plain)


async def main() -> None:
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    scenario = Scenario(OUT)
    shortener = ShortLinkServer()
    loop = asyncio.get_running_loop()
    try:
        print("== starting Synapse on 127.0.0.1 (no federation), the update server, two clients")
        await scenario.start()
        first = await loop.run_in_executor(None, scenario.refresher.wait_for_attempt, 1, 120)
        print(f"   homeserver {scenario.homeserver.url}, update server {scenario.operator.url}")
        if first is not None:
            print(
                f"   Bob's background refresh: {first.status}, version {first.version}, "
                f"{first.bytes_downloaded} bytes"
            )
        print(f"   encrypted room {scenario.room_id}; devices verified by fingerprint\n")
        print("== the conversation (Alice types; Bob's client shows, in his locale de-DE)")
        shown = {}
        for name, text in MESSAGES:
            rendered = await scenario.send(text)
            shown[name] = rendered
            print(f"\n[{name}] → {rendered.action}")
            show("Alice:", text)
            show("Bob sees:", rendered.plain)

        print("\n== Bob taps the short link: the opt-in Expander checks each hop first")
        (part,) = shown["shortened"].shortened
        internet = LoopbackInternet(shortener.port)
        expanded, expansion = await loop.run_in_executor(None, scenario.expand, part, internet)
        for hop, verdict in zip(expansion.chain, expansion.hop_verdicts, strict=False):
            print(f"   {verdict.action!s:5} {hop}")
        print(f"   stopped: {expansion.stopped}; requested: {internet.requested}")
        show("Bob sees:", expanded.plain())

        print("\n== Bob reports a link no list carries yet")
        if REVIEW_AVAILABLE:
            await report_and_review(scenario)
        else:
            print("   skipped: this checkout has no review service (linkscreen_server.review)")
    finally:
        await scenario.close()
        shortener.close()

    print("\n== what the homeserver stored for the room (besides state events)")
    for kind, count in stored_event_types(scenario.homeserver.database, scenario.room_id).items():
        print(f"   {count:3} × {kind}")
    data = scenario.homeserver.database.read_bytes()
    words = ("bad.example", "abuse-album", "bit.ly", "grey-zone")
    plain = [w for w in words if w.encode() in data]
    print(f"   plaintext link bytes in its database: {plain or 'none'}")


if __name__ == "__main__":
    asyncio.run(main())
