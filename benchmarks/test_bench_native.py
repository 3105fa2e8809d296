"""The URL path in C against pure Python and gglsbl, per URL, on the phishing corpus.

Rows (median microseconds per URL, each URL timed once; the first row of a group is the
reference for the ratio):
- ``url path``: canonical readings + lookup expressions. linkscreen's C core through the
  checked binding (one ``ls_check_url`` call, no probe), the pure-Python reference, and gglsbl's
  canonicalise + permutations (the issue's baseline);
- ``url path + probe``: the same plus the Bloom and fingerprint probe of a 25,000-entry bundle
  compiled from the feed, C (one call) against pure Python (canonicalise, expand, PureProbe);
- ``Matcher.check_url``: the SDK's whole answer (a Verdict) on the same bundle, the C core
  (one ``ls_check_url`` call from the raw URL to the matching rows) against the pure path,
  and gglsbl's canonicalise + permutations alone as the issue's baseline;
- ``check_url in C``: what a Swift, Kotlin or C client pays per URL, ``ls_bundle_check_url``
  timed one URL at a time by a C driver (benchmarks/native/check_url_timing.c), against
  gglsbl's canonicalise + permutations in the same run.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

import linkscreen
from linkscreen import _probe
from linkscreen.canonical import canonical_variants
from linkscreen.expressions import canonical_expressions
from linkscreen.results import Action

from bundles import compile_lists, open_bytes
from corpus import phishing_urls
from timing import median_us

#: The SDK's dated Public Suffix List snapshot (the same list psl.snapshot() reads).
_SNAPSHOT = resources.files("linkscreen") / "data" / "public_suffix_list.dat"

pytestmark = pytest.mark.skipif(not _probe.NATIVE_AVAILABLE, reason="C core not built")

SOURCE, URLS = phishing_urls()


def _psl() -> _probe.NativePsl:
    return _probe.NativePsl(_SNAPSHOT.read_bytes())


def _pure(url: str) -> object:
    try:
        variants = canonical_variants(url)
    except linkscreen.InvalidURLError:
        return None
    return list(dict.fromkeys(e for v in variants for e in canonical_expressions(v)))


def _gglsbl() -> Callable[[str], object]:
    protocol = pytest.importorskip("gglsbl.protocol", reason="pip install -e '.[bench]'")

    def run(url: str) -> object:
        try:
            return list(protocol.URL.url_permutations(protocol.URL(url).canonical))
        except Exception:  # gglsbl raises assorted errors on messy input; the baseline only times
            return None

    return run


def _native(table: _probe.NativePsl) -> Callable[[str], object]:
    def run(url: str) -> object:
        try:
            return _probe.expand_url(table, url)
        except linkscreen.InvalidURLError:
            return None

    return run


def _timed(benchmark: Any, func: Callable[[str], object], urls: list[str]) -> float:
    for url in urls:  # warm-up: imports, caches
        func(url)
    benchmark.pedantic(lambda: [func(u) for u in urls], rounds=3, iterations=1)
    return median_us(func, urls)


@pytest.mark.parametrize("name", ["linkscreen C core", "linkscreen pure Python", "gglsbl"])
def test_url_path(benchmark: Any, recorder: Any, name: str) -> None:
    func = {
        "linkscreen C core": lambda: _native(_psl()),
        "linkscreen pure Python": lambda: _pure,
        "gglsbl": _gglsbl,
    }[name]()
    median = _timed(benchmark, func, URLS)
    benchmark.extra_info.update(corpus=SOURCE, urls=len(URLS), per_url_median_us=median)
    recorder(f"url path ({SOURCE})", f"{name} median", median, "us/URL")


@pytest.fixture(scope="module")
def feed_bundle(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Bundle:
    workdir: Path = tmp_path_factory.mktemp("native-bench")
    return open_bytes(compile_lists(workdir, {"feed": (URLS[:25_000], Action.BLOCK)}))


@pytest.mark.parametrize("name", ["linkscreen C core", "linkscreen pure Python"])
def test_url_path_and_probe(
    benchmark: Any, recorder: Any, name: str, feed_bundle: linkscreen.Bundle
) -> None:
    parts = feed_bundle
    probe_urls = URLS[25_000:] or URLS
    if name == "linkscreen C core":
        native, table = _probe.NativeProbe(parts), _psl()

        def func(url: str) -> object:
            try:
                return native.check_url(table, url)
            except linkscreen.InvalidURLError:
                return None

    else:
        pure = _probe.PureProbe(parts)

        def func(url: str) -> object:
            expressions = _pure(url)
            return pure.lookup(expressions) if isinstance(expressions, list) else None

    median = _timed(benchmark, func, probe_urls)
    recorder(f"url path + probe ({SOURCE})", f"{name} median", median, "us/URL")


@pytest.mark.parametrize("name", ["linkscreen C core", "linkscreen pure Python", "gglsbl"])
def test_matcher_check_url(
    benchmark: Any,
    recorder: Any,
    name: str,
    feed_bundle: linkscreen.Bundle,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    probe_urls = URLS[25_000:] or URLS
    if name == "gglsbl":
        func = _gglsbl()
    else:
        monkeypatch.setenv("LINKSCREEN_PURE", "0" if name == "linkscreen C core" else "1")
        matcher = linkscreen.Matcher(feed_bundle)
        assert matcher.uses_native == (name == "linkscreen C core")
        func = matcher.check_url
    median = _timed(benchmark, func, probe_urls)
    recorder(f"Matcher.check_url ({SOURCE})", f"{name} median", median, "us/URL")


ROOT = Path(__file__).resolve().parents[1]
CORE = [
    "ls_api.c",
    "ls_bundle.c",
    "ls_delta.c",
    "ls_hash.c",
    "ls_psl.c",
    "ls_unicode.c",
    "ls_url.c",
]


@pytest.mark.parametrize("name", ["ls_bundle_check_url (C driver)", "gglsbl"])
def test_check_url_in_c(
    benchmark: Any, recorder: Any, name: str, feed_bundle: linkscreen.Bundle, tmp_path: Path
) -> None:
    probe_urls = [u for u in (URLS[25_000:] or URLS) if "\n" not in u and u.isprintable()]
    group = f"check_url in C, per URL ({SOURCE})"
    if name == "gglsbl":
        median = _timed(benchmark, _gglsbl(), probe_urls)
        recorder(group, "gglsbl canonicalise + permutations median", median, "us/URL")
        return
    compiler = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip("no C compiler")
    driver = tmp_path / "check_url_timing"
    subprocess.run(
        [compiler, "-std=c99", "-O2", f"-I{ROOT / 'native'}",
         str(ROOT / "benchmarks/native/check_url_timing.c"),
         *(str(ROOT / "native" / f) for f in CORE), "-o", str(driver)],
        check=True,
    )  # fmt: skip
    payload = bytes(feed_bundle.payload.data)
    (tmp_path / "feed.payload").write_bytes(payload)
    (tmp_path / "urls.txt").write_text("\n".join(probe_urls) + "\n", errors="surrogateescape")
    args = [driver, tmp_path / "feed.payload", hashlib.sha256(payload).hexdigest()]
    run = benchmark.pedantic(
        lambda: subprocess.run(
            [*args, tmp_path / "urls.txt"], capture_output=True, text=True, check=True
        ),
        rounds=1,
        iterations=1,
    )
    count, median_ns, mean_ns, matched = run.stdout.split()
    assert int(count) == len(probe_urls)
    benchmark.extra_info.update(urls=int(count), matched=int(matched))
    recorder(group, "ls_bundle_check_url median", float(median_ns) / 1000, "us/URL")
    recorder(group, "ls_bundle_check_url mean", float(mean_ns) / 1000, "us/URL")
