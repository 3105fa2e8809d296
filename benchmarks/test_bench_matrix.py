"""The Matrix integration's costs (issue 14): latency added per received message, update traffic.

- Added latency: ``MessageScreen.screen`` (scan + render) per message, median and p99 over
  1,000 received messages against a 25,000-entry bundle. Baselines in the same run: what a
  messenger does to every message anyway (linkify-it-py finding the links to display) and the
  bare ``scan_text`` (so the rendering's own share shows).
- Update traffic: one client's bytes per day with two publications a day at 1% churn of 25,000
  entries, each picked up by one background refresh; baseline: a full download each time.
"""

from __future__ import annotations

import random
import statistics
import time
from pathlib import Path
from typing import Any

import pytest

import linkscreen
from linkscreen import Matcher
from linkscreen.integrations.matrix import MessageScreen
from linkscreen_server.compiler import ListSpec, compile_bundle

from bundles import FIXED, TEST_KEY, open_bytes
from corpus import generated_urls
from repo_fixtures import BASE, NOW, MemoryRepo

ENTRIES = 25_000
MESSAGES = 1_000
CHURN = ENTRIES // 100
DAYS = 7
PUBLICATIONS_PER_DAY = 2

CHAT = [
    "ok see you at 5",
    "did you get the notes from yesterday? bring setup.py and the 3.11 notes",
    "haha yes 😂 that was so funny",
    "Je serai là vers 18h, on se retrouve devant la gare ?",
    "明天见，记得带伞",
    "meeting moved to 3pm, room 4.2",
    "lol no way. log in/out and try again",
]


def _messages(listed: list[str], count: int, seed: int = 14) -> list[str]:
    rng = random.Random(seed)
    out = []
    for i in range(count):
        roll = rng.random()
        chat = rng.choice(CHAT)
        if roll < 0.70:
            out.append(chat)
        elif roll < 0.85:
            out.append(f"{chat} https://news{i}.example/article/{i}")
        elif roll < 0.95:
            host, _, path = rng.choice(listed).partition("://")[2].partition("/")
            out.append(f"{chat} hxxp://{host.replace('.', '[.]')}/{path}")
        else:
            out.append(f"{chat} {rng.choice(listed)}")
    return out


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> tuple[Matcher, list[str]]:
    tmp = tmp_path_factory.mktemp("bundle")
    urls = generated_urls(ENTRIES, seed=14)
    path = tmp / "hotline.txt"
    path.write_text("\n".join(urls) + "\n")
    data, _ = compile_bundle([ListSpec("hotline", path)], TEST_KEY, shorteners=[], **FIXED)
    return Matcher(open_bytes(data)), urls


def _percentiles(timings_ns: list[int]) -> tuple[float, float]:
    ordered = sorted(timings_ns)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * len(ordered)) - 1)]
    return statistics.median(ordered) / 1000, p99 / 1000


def _time_each(func: Any, items: list[str]) -> list[int]:
    clock = time.perf_counter_ns
    timings = []
    for item in items:
        start = clock()
        func(item)
        timings.append(clock() - start)
    return timings


def test_added_latency_per_received_message(
    recorder: Any, matcher: tuple[Matcher, list[str]]
) -> None:
    linkify_it = pytest.importorskip("linkify_it")
    m, urls = matcher
    messages = _messages(urls, MESSAGES)
    linkify = linkify_it.LinkifyIt()
    screen = MessageScreen(m, locale="de-DE")
    for text in messages[:50]:  # warm caches the same way for all three
        linkify.match(text)
        m.scan_text(text)
        screen.screen(text, room_id="!warm")
    baseline = _percentiles(_time_each(linkify.match, messages))
    scan = _percentiles(_time_each(m.scan_text, messages))
    screened = _percentiles(_time_each(lambda text: screen.screen(text, room_id="!room"), messages))
    group = f"added latency per received message, {MESSAGES} messages, {ENTRIES} entries"
    recorder(group + " (median)", "linkify-it-py (what display does anyway)", baseline[0], "us")
    recorder(group + " (median)", "scan_text only", scan[0], "us")
    recorder(group + " (median)", "MessageScreen.screen (scan + render)", screened[0], "us")
    recorder(group + " (p99)", "linkify-it-py (what display does anyway)", baseline[1], "us")
    recorder(group + " (p99)", "scan_text only", scan[1], "us")
    recorder(group + " (p99)", "MessageScreen.screen (scan + render)", screened[1], "us")
    blocked = sum(screen.screen(t, room_id="!x").action == "block" for t in messages)
    assert blocked >= MESSAGES // 10  # the listed share of the mix really is screened


def test_update_traffic_per_client_per_day(recorder: Any, tmp_path: Path) -> None:
    clock = [NOW]
    repo = MemoryRepo(tmp_path)
    urls = generated_urls(ENTRIES + CHURN * DAYS * PUBLICATIONS_PER_DAY, seed=15)
    repo.publish(urls[:ENTRIES], now=clock[0])
    updater = linkscreen.Updater(
        tmp_path / "client", BASE, [repo.root_key.public_key()], repo, clock=lambda: clock[0]
    )
    first = updater.refresh()
    assert first.status == "updated-full"
    full_bytes = first.bytes_downloaded
    daily_bytes, daily_requests, statuses = [], [], []
    for day in range(DAYS):
        got = requests = 0
        for half in range(PUBLICATIONS_PER_DAY):
            k = day * PUBLICATIONS_PER_DAY + half + 1
            clock[0] = NOW + k * 12 * 3600
            repo.publish(urls[k * CHURN : k * CHURN + ENTRIES], now=clock[0])  # 1% out, 1% in
            clock[0] += random.Random(k).uniform(0, 1800)  # the refresh comes with jitter
            result = updater.refresh()
            statuses.append(str(result.status))
            got += result.bytes_downloaded
            requests += result.requests
        daily_bytes.append(got)
        daily_requests.append(requests)
    assert set(statuses) == {"updated-delta"}
    per_day = statistics.mean(daily_bytes)
    group = f"update traffic per client per day (2 publications, 1% churn of {ENTRIES})"
    recorder(group, "full bundle at each publication (naive)", 2 * full_bytes, "bytes")
    recorder(group, "Updater: pointer + manifest + delta", per_day, "bytes")
    recorder("update requests per client per day", "Updater", statistics.mean(daily_requests), "")
    recorder("first install (full bundle)", "Updater", full_bytes, "bytes")
    assert per_day < 2 * full_bytes
