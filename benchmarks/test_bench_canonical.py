"""Canonicalise + expressions per URL, against gglsbl and bare urlsplit in the same run.

Each benchmark round runs the whole corpus; the per-URL median is measured separately by timing
every URL once. `make bench` prints both and the ratio to each baseline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest

from linkscreen import InvalidURLError, canonicalize
from linkscreen.expressions import canonical_expressions
from linkscreen.psl import snapshot

from corpus import phishing_urls
from timing import median_us

SOURCE, URLS = phishing_urls()


def ours(url: str) -> object:
    try:
        return canonical_expressions(canonicalize(url))
    except InvalidURLError:
        return None


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
    snapshot().clear_cache()


def _per_url_median_us(func: Callable[[str], object], cold: bool) -> float:
    if cold:
        _clear_psl_cache()
    return median_us(func, URLS)


def _run_corpus(func: Callable[[str], object], cold: bool) -> None:
    if cold:
        _clear_psl_cache()
    for url in URLS:
        func(url)


@pytest.mark.parametrize("name", ["linkscreen", "linkscreen_cold_psl_cache", "gglsbl", "urlsplit"])
def test_canonicalize_and_expressions(benchmark: Any, recorder: Any, name: str) -> None:
    funcs: dict[str, Callable[[str], object]] = {
        "linkscreen": ours,
        "linkscreen_cold_psl_cache": ours,
        "urlsplit": bare_urlsplit,
    }
    func = funcs.get(name) or gglsbl_baseline()
    cold = name.endswith("cold_psl_cache")
    _run_corpus(func, cold=False)  # warm-up: imports, regex compilation, PSL load
    benchmark.pedantic(_run_corpus, args=(func, cold), rounds=5, iterations=1)
    median = _per_url_median_us(func, cold)
    mean = benchmark.stats.stats.median / len(URLS) * 1e6
    benchmark.extra_info.update(corpus=SOURCE, urls=len(URLS), per_url_median_us=median)
    recorder(f"canonicalise+expressions ({SOURCE})", f"{name} median", median, "us/URL")
    recorder(f"canonicalise+expressions ({SOURCE}) mean", f"{name} mean", mean, "us/URL")
