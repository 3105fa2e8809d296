"""Recall and false positives on a real feed: every listed URL matches, unlisted ones do not.

Uses ../shared/data/phishing_urls.txt (30,117 real phishing URLs) as a stand-in blocklist;
skipped, saying so, where that folder is absent.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import linkscreen
from linkscreen._probe import NATIVE_AVAILABLE, bloom_count
from linkscreen.bundle import format as fmt
from linkscreen.results import Action
from linkscreen_server.compiler import ListSpec, compile_bundle

from bundles import TEST_KEY, open_bytes
from vectors import SHARED_DATA

FEED = SHARED_DATA / "phishing_urls.txt"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def feed_bundle(tmp_path_factory: pytest.TempPathFactory) -> tuple[linkscreen.Bundle, list[str]]:
    """The feed compiled; returns the bundle and the URLs of every line that compiled."""
    if not FEED.exists():
        pytest.skip(f"{FEED} is absent: the shared reference data is not next to this checkout")
    data, report = compile_bundle(
        [ListSpec("phishing", FEED, Action.BLOCK)], TEST_KEY, salt=bytes(16), bloom_seed=3
    )
    rejected = {item.line for item in report.rejected}
    assert len(rejected) < 30, [str(item) for item in report.rejected]
    lines = FEED.read_text(encoding="utf-8").splitlines()
    compiled = [
        line.strip()
        for number, line in enumerate(lines, 1)
        if line.strip() and not line.startswith("#") and number not in rejected
    ]
    assert report.entries > 29_000
    return open_bytes(data), compiled


def test_every_compiled_entry_matches(feed_bundle: tuple[linkscreen.Bundle, list[str]]) -> None:
    bundle, urls = feed_bundle
    matcher = linkscreen.Matcher(bundle)
    missed = [url for url in urls if matcher.check_url(url).action is not Action.BLOCK]
    assert missed == []
    assert len(urls) > 29_000


def test_unlisted_urls_do_not_match(feed_bundle: tuple[linkscreen.Bundle, list[str]]) -> None:
    bundle, _ = feed_bundle
    matcher = linkscreen.Matcher(bundle)
    rng = random.Random(9)
    words = ["home", "news", "photos", "a", "b", "index.html", "2026", "docs"]
    unlisted = [f"https://site{i}.example/{rng.choice(words)}/{i}" for i in range(50_000)]
    unlisted += [
        f"http://{rng.getrandbits(40):x}.{rng.choice(['test', 'invalid', 'example.org'])}/"
        f"{'/'.join(rng.choices(words, k=rng.randrange(4)))}?id={i}"
        for i in range(50_000)
    ]
    matched = [url for url in unlisted if matcher.check_url(url).action is not Action.ALLOW]
    assert matched == []


@pytest.mark.parametrize("fpr", [1e-2, 1e-3])
def test_measured_bloom_fpr_is_within_1_2x_of_configured(tmp_path: Path, fpr: float) -> None:
    entries = [f"http://e{i}.example/p/{i}" for i in range(20_000)]
    path = tmp_path / "list.txt"
    path.write_text("\n".join(entries) + "\n")
    data, _ = compile_bundle([ListSpec("l", path)], TEST_KEY, fpr=fpr, bloom_seed=5)
    header = open_bytes(data).header
    bloom = open_bytes(data).payload.bloom
    probes = 1_000_000
    hits = 0
    if NATIVE_AVAILABLE:
        m, k, seed = header.bloom_bits, header.bloom_k, header.bloom_seed
        raws = (b"random%d.test/x" % i for i in range(probes))
        hits = bloom_count(bytes(bloom), m, k, seed, raws)
    else:
        for i in range(probes):
            raw = b"random%d.test/x" % i
            positions = fmt.bloom_positions(
                raw, header.bloom_seed, header.bloom_k, header.bloom_bits
            )
            hits += all(bloom[p >> 3] >> (p & 7) & 1 for p in positions)
    measured = hits / probes
    assert measured <= 1.2 * fpr, (measured, fpr)
    assert measured >= fpr / 3, "a Bloom filter far below its target is oversized"
