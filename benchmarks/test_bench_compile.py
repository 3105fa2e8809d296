"""Compile 1,000,000 entries end to end, and the memory cost of opening the result.

The compile runs in a child process so its peak RSS is its own. Baselines: the pure-Python
compile (``LINKSCREEN_PURE=1``, the reference) in the same run, on 100,000 of the lines with
the C core's time on the same lines and the ratio, and a Bloom filter of the same 1,000,000
keys with rbloom and pybloomfiltermmap3 (filter only: they neither canonicalise, fingerprint
nor sign).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from linkscreen_server.compiler import entry_expression

from corpus import generated_urls

ENTRIES = 1_000_000
#: Lines of the pure-Python baseline (the reference takes about 30 us a line).
BASELINE_LINES = 100_000

_COMPILE = """
import json, resource, sys, time
from pathlib import Path
from linkscreen_server.compiler import ListSpec, compile_bundle
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
start = time.perf_counter()
data, report = compile_bundle([ListSpec("big", Path(sys.argv[1]))], key, created=1,
                              salt=bytes(16), bloom_seed=7)
Path(sys.argv[2]).write_bytes(data)
print(json.dumps({"seconds": time.perf_counter() - start, "stages": report.stage_seconds,
                  "entries": report.entries, "bytes": len(data),
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

_OPEN = """
import json, sys, linkscreen
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
before = rss_mb()
key = Ed25519PrivateKey.from_private_bytes(bytes(range(32))).public_key()
bundle = linkscreen.Bundle.open(sys.argv[1], [key])
matcher = linkscreen.Matcher(bundle)
for i in range(1000):
    matcher.check_url(f"http://probe{i}.example/x")
print(json.dumps({"before_mb": before, "after_mb": rss_mb(), "file_mb": bundle.size_bytes / 2**20}))
"""


@pytest.fixture(scope="module")
def big_list(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.txt"
    path.write_text("\n".join(generated_urls(ENTRIES, seed=3)) + "\n")
    return path


def _compile_child(source: Path, out: Path, pure: bool = False) -> dict[str, Any]:
    env = {**os.environ, "LINKSCREEN_PURE": "1" if pure else "0"}
    result = subprocess.run(
        [sys.executable, "-c", _COMPILE, str(source), str(out)],
        capture_output=True, text=True, check=True, timeout=1200, env=env,
    )  # fmt: skip
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_compile_one_million(benchmark: Any, recorder: Any, big_list: Path) -> None:
    out = big_list.with_suffix(".bundle")

    def run() -> dict[str, Any]:
        return _compile_child(big_list, out)

    stats = benchmark.pedantic(run, rounds=1, iterations=1)
    group = "compile 1M entries (child process)"
    recorder(group, "linkscreen end to end", stats["seconds"], "s")
    for stage, seconds in stats["stages"].items():
        recorder(group + " stages", stage, seconds, "s")
    recorder("compile 1M: peak RSS", "linkscreen compile", stats["peak_rss_mb"], "MB")
    recorder("compile 1M: bundle", "bytes per entry", stats["bytes"] / stats["entries"], "B")
    assert stats["entries"] >= 0.99 * ENTRIES

    opened = subprocess.run(
        [sys.executable, "-c", _OPEN, str(out)], capture_output=True, text=True, check=True
    )
    memory = json.loads(opened.stdout)
    recorder("RSS after opening the 1M bundle", "file size", memory["file_mb"], "MB")
    recorder(
        "RSS after opening the 1M bundle",
        "RSS growth",
        memory["after_mb"] - memory["before_mb"],
        "MB",
    )


def test_compile_pure_python_baseline(recorder: Any, big_list: Path) -> None:
    """The reference compile against the C core's, back to back on the same 100,000 lines:
    per stage, the ratio, and the same bundle bytes."""
    lines = big_list.read_text().splitlines()[:BASELINE_LINES]
    source = big_list.with_name("baseline.txt")
    source.write_text("\n".join(lines) + "\n")
    group = f"compile {BASELINE_LINES:,} lines: pure Python vs C core (child processes)"
    answers = {}
    for name, pure in (("pure Python", True), ("C core", False)):
        out = source.with_suffix(f".{int(pure)}.bundle")
        stats = _compile_child(source, out, pure=pure)
        answers[name] = (stats, hashlib.sha256(out.read_bytes()).hexdigest())
        recorder(group, f"{name} end to end", stats["seconds"], "s")
        for stage, seconds in stats["stages"].items():
            recorder(group + " stages", f"{name}: {stage}", seconds, "s")
    ratio = answers["pure Python"][0]["seconds"] / answers["C core"][0]["seconds"]
    recorder(group, "pure / C core", ratio, "x")
    assert answers["pure Python"][1] == answers["C core"][1], "the bundles differ"


@pytest.mark.parametrize("name", ["rbloom", "pybloomfiltermmap3"])
def test_filter_build_baseline(recorder: Any, big_list: Path, tmp_path: Path, name: str) -> None:
    keys = [entry_expression(url) for url in big_list.read_text().splitlines()]
    start = time.perf_counter()
    if name == "rbloom":
        rbloom = pytest.importorskip("rbloom")
        bloom = rbloom.Bloom(len(keys), 1e-4)
        bloom.update(keys)
    else:
        pybloomfilter = pytest.importorskip("pybloomfilter")
        bloom = pybloomfilter.BloomFilter(len(keys), 1e-4, str(tmp_path / "b.bloom"))
        bloom.update(keys)
    recorder(
        "compile 1M entries (child process)",
        f"{name}: Bloom build only",
        time.perf_counter() - start,
        "s",
    )
