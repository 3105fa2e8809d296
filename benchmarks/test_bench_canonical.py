"""Canonicalise + expressions per URL, against gglsbl and bare urlsplit in the same run.

Each benchmark round runs the whole corpus; the per-URL median is measured separately by timing
every URL once. `make bench` prints both and the ratio to each baseline.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest

from linkscreen import InvalidURLError, canonicalize
from linkscreen.expressions import canonical_expressions
from linkscreen.psl import public_suffix, registrable_domain

from corpus import phishing_urls

SOURCE, URLS = phishing_urls()
RESULTS: dict[str, dict[str, float]] = {}


def ours(url: str) -> object:
    try:
        return canonical_expressions(canonicalize(url))
    except InvalidURLError:
        return None


def ours_cold(url: str) -> object:
    return ours(url)


def gglsbl_baseline() -> Callable[[str], object]:
    protocol = pytest.importorskip("gglsbl.protocol", reason="pip install -e '.[bench]'")

    def run(url: str) -> object:
        try:
            return list(protocol.URL.url_permutations(protocol.URL(url).canonical))
        except Exception:  # gglsbl raises assorted errors on messy input; the baseline only times
            return None

    return run


def bare_urlsplit(url: str) -> object:
    return urlsplit(url)


def _clear_psl_cache() -> None:
    registrable_domain.cache_clear()
    public_suffix.cache_clear()


def _per_url_median_us(func: Callable[[str], object], cold: bool) -> float:
    if cold:
        _clear_psl_cache()
    timings = []
    clock = time.perf_counter_ns
    for url in URLS:
        start = clock()
        func(url)
        timings.append(clock() - start)
    return statistics.median(timings) / 1000


def _run_corpus(func: Callable[[str], object], cold: bool) -> None:
    if cold:
        _clear_psl_cache()
    for url in URLS:
        func(url)


@pytest.mark.parametrize("name", ["linkscreen", "linkscreen_cold_psl_cache", "gglsbl", "urlsplit"])
def test_canonicalize_and_expressions(benchmark: Any, name: str) -> None:
    func: Callable[[str], object]
    func = {
        "linkscreen": ours,
        "linkscreen_cold_psl_cache": ours_cold,
        "urlsplit": bare_urlsplit,
    }.get(name) or gglsbl_baseline()
    cold = name.endswith("cold_psl_cache")
    _run_corpus(func, cold=False)  # warm-up: imports, regex compilation, PSL load
    benchmark.pedantic(_run_corpus, args=(func, cold), rounds=5, iterations=1)
    mean_round = benchmark.stats.stats.median
    RESULTS[name] = {
        "per_url_median_us": _per_url_median_us(func, cold),
        "per_url_mean_us": mean_round / len(URLS) * 1e6,
    }
    benchmark.extra_info.update(RESULTS[name], corpus=SOURCE, urls=len(URLS))


def test_report() -> None:
    if "linkscreen" not in RESULTS:
        pytest.skip("run with the benchmarks enabled: make bench")
    base = RESULTS["linkscreen"]["per_url_median_us"]
    print(f"\ncorpus: {SOURCE}, {len(URLS)} URLs")
    for name, row in RESULTS.items():
        ratio = row["per_url_median_us"] / base
        print(
            f"{name:28s} median {row['per_url_median_us']:7.2f} us/URL  "
            f"mean {row['per_url_mean_us']:7.2f} us/URL  x{ratio:5.2f} of linkscreen"
        )
