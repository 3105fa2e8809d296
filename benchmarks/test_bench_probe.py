"""Probing one URL's expressions and check_url end to end, against peers in the same run.

Bundle: 25,000 entries of the phishing feed (generated URLs where it is absent). Probes:
10,000 unlisted URLs, so every lookup is the common negative case. Baselines probe the same
expressions: rbloom, pybloomfiltermmap3, a Python set of 16-byte digests; and gglsbl's
``lookup_url`` against a local sqlite database holding the same list (full hashes stored, its
network client removed, so a negative answer is purely local).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pytest

import linkscreen
from linkscreen import _probe
from linkscreen_server.compiler import ListSpec, compile_bundle, entry_expression

from bundles import TEST_KEY
from corpus import generated_urls, phishing_urls
from timing import median_us

ENTRIES = 25_000
PROBES = 10_000


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("probe")
    source, urls = phishing_urls()
    listed = urls[:ENTRIES]
    (tmp / "list.txt").write_text("\n".join(listed) + "\n", encoding="utf-8", errors="replace")
    data, report = compile_bundle([ListSpec("feed", tmp / "list.txt")], TEST_KEY)
    (tmp / "feed.bundle").write_bytes(data)
    bundle = linkscreen.Bundle.open(tmp / "feed.bundle", [TEST_KEY.public_key()])
    entries = []
    for url in listed:
        try:
            entries.append(entry_expression(url))
        except (linkscreen.InvalidURLError, ValueError):
            continue
    probe_urls = []
    for url in generated_urls(PROBES, seed=77):
        unlisted = url.replace("://", "://unlisted-", 1)
        probe_urls.append(unlisted if not unlisted.split("/")[2][-1].isdigit() else url)
    return {
        "tmp": tmp,
        "source": source,
        "bundle": bundle,
        "entries": entries,
        "urls": probe_urls,
        "expressions": [linkscreen.expressions(u) for u in probe_urls],
        "report": report,
    }


def _bench(benchmark: Any, recorder: Any, group: str, name: str, func: Any, items: list[Any]):
    def run() -> None:
        for item in items:
            func(item)

    run()
    benchmark.pedantic(run, rounds=5, iterations=1)
    recorder(group, name, median_us(func, items), "us/URL")


def test_bundle_size(world: dict[str, Any], recorder: Any) -> None:
    bundle = world["bundle"]
    recorder("bundle size (25k phishing lines)", "bytes", bundle.size_bytes, "bytes")
    recorder(
        "bundle bits per entry", "bits/entry", bundle.size_bytes * 8 / bundle.entry_count, "bits"
    )


def test_probe_thirty_expressions(benchmark: Any, recorder: Any, world: dict[str, Any]) -> None:
    """The largest lookup a URL can make: 5 hosts x 6 paths (target <= 3 us, C core)."""
    if not _probe.NATIVE_AVAILABLE:
        pytest.skip("C core not built")
    probe = _probe.NativeProbe(world["bundle"])
    sets = [
        linkscreen.expressions(f"http://a.b.c.d.h{i}.example.org/1/2/3/4/5/p{i}.html?q={i}")
        for i in range(5000)
    ]
    assert {len(s) for s in sets} == {30}
    _bench(benchmark, recorder, "probe 30 expressions (C core)", "linkscreen_c", probe.lookup, sets)


@pytest.mark.parametrize(
    "name",
    ["linkscreen_c", "linkscreen_pure", "rbloom", "pybloomfiltermmap3", "python_set_of_digests"],
)
def test_probe_expressions_of_one_url(
    benchmark: Any, recorder: Any, world: dict[str, Any], name: str
) -> None:
    parts = world["bundle"]
    entries = world["entries"]
    if name == "linkscreen_c":
        if not _probe.NATIVE_AVAILABLE:
            pytest.skip("C core not built")
        func = _probe.NativeProbe(parts).lookup
    elif name == "linkscreen_pure":
        func = _probe.PureProbe(parts).lookup
    elif name == "rbloom":
        rbloom = pytest.importorskip("rbloom")
        bloom = rbloom.Bloom(len(entries), 1e-4)
        bloom.update(entries)

        def func(expressions: list[str]) -> object:
            return [e in bloom for e in expressions]

    elif name == "pybloomfiltermmap3":
        pybloomfilter = pytest.importorskip("pybloomfilter")
        bloom = pybloomfilter.BloomFilter(len(entries), 1e-4, str(world["tmp"] / "pbf.bloom"))
        bloom.update(entries)

        def func(expressions: list[str]) -> object:
            return [e in bloom for e in expressions]

    else:
        salt = parts.header.salt
        digests = {hashlib.sha256(salt + e.encode()).digest()[:16] for e in entries}

        def func(expressions: list[str]) -> object:
            return [hashlib.sha256(salt + e.encode()).digest()[:16] in digests for e in expressions]

    _bench(benchmark, recorder, "probe one URL's expressions", name, func, world["expressions"])


@pytest.mark.parametrize("name", ["linkscreen_c", "linkscreen_pure", "gglsbl_lookup_url"])
def test_check_url_unlisted(
    benchmark: Any, recorder: Any, world: dict[str, Any], name: str, monkeypatch: Any
) -> None:
    if name == "gglsbl_lookup_url":
        func = _gglsbl_lookup(world)
    else:
        if name == "linkscreen_c" and not _probe.NATIVE_AVAILABLE:
            pytest.skip("C core not built")
        monkeypatch.setenv("LINKSCREEN_PURE", "1" if name == "linkscreen_pure" else "0")
        matcher = linkscreen.Matcher(world["bundle"])
        assert matcher.uses_native == (name == "linkscreen_c")
        func = matcher.check_url
    _bench(benchmark, recorder, "check_url end to end (unlisted)", name, func, world["urls"])


def _gglsbl_lookup(world: dict[str, Any]) -> Callable[[str], object]:
    client = pytest.importorskip("gglsbl.client", reason="pip install -e '.[bench]'")
    storage_module = pytest.importorskip("gglsbl.storage")
    protocol = pytest.importorskip("gglsbl.protocol")
    storage = storage_module.SqliteStorage(str(world["tmp"] / "gsb.sqlite"))
    threat_list = storage_module.ThreatList("MALWARE", "ANY_PLATFORM", "URL")
    storage.add_threat_list(threat_list)
    full_hashes = set()
    for url in world["entries"]:
        try:
            canonical = protocol.URL("http://" + url).canonical
            full_hashes.add(protocol.URL.digest(next(protocol.URL.url_permutations(canonical))))
        except Exception:  # gglsbl fails on some messy lines; it just gets fewer entries
            continue
    prefixes = b"".join(sorted({h[:4] for h in full_hashes}))
    storage.populate_hash_prefix_list(threat_list, storage_module.HashPrefixList(4, prefixes))
    for full_hash in full_hashes:
        storage.store_full_hash(threat_list, full_hash, 86400, None)
    storage.commit()
    sbl = client.SafeBrowsingList.__new__(client.SafeBrowsingList)
    sbl.storage = storage
    sbl.api_client = None  # network off: any remote call would fail loudly
    sbl.platforms = None
    return sbl.lookup_url  # type: ignore[no-any-return]
