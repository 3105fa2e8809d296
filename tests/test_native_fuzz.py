"""A bounded libFuzzer run of the C URL path, checked against the Python reference.

The test writes seeds (vectors, feed, generated URLs) and the Python answers for them, builds
native/fuzz_url.c with clang's libFuzzer, AddressSanitizer and UBSan, and fuzzes for
LINKSCREEN_FUZZ_SECONDS (30 by default; `make fuzz` runs longer). The target replays the
Python answers first and checks its invariants on every input; afterwards every input the
fuzzer kept is run through both C and Python here, and they must agree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from importlib import resources
from pathlib import Path

import pytest

from linkscreen import _probe

import url_corpus
from readings import native_reading, python_reading
from vectors import canon_vectors

#: The SDK's dated Public Suffix List snapshot (the same list psl.snapshot() reads).
_SNAPSHOT = resources.files("linkscreen") / "data" / "public_suffix_list.dat"

ROOT = Path(__file__).resolve().parents[1]
SECONDS = int(os.environ.get("LINKSCREEN_FUZZ_SECONDS", "30"))
CORE = ["ls_api.c", "ls_hash.c", "ls_psl.c", "ls_unicode.c", "ls_url.c"]

pytestmark = [
    pytest.mark.skipif(not _probe.NATIVE_AVAILABLE, reason="C core not built"),
    pytest.mark.skipif(
        shutil.which("clang") is None, reason="clang not installed (.ci/run installs it)"
    ),
]


def _record(raw: bytes) -> str:
    """One expectation line: url, kind (0 refused, 1 read, 2 unchecked, 3 host-only), hex
    readings, hex expressions."""
    answer = python_reading(raw.decode("utf-8", "surrogateescape"))
    if answer is None or answer == "unchecked":
        return f"{raw.hex()}\t{0 if answer is None else 2}"
    assert isinstance(answer, tuple)
    host_only = answer[0] == "host-only"
    kind, (variants, expressions) = ("3", answer[1:]) if host_only else ("1", answer)
    assert isinstance(variants, tuple)
    assert isinstance(expressions, tuple)
    hexed = [
        ",".join(str(item).encode().hex() for item in part) for part in (variants, expressions)
    ]
    return "\t".join([raw.hex(), kind, *hexed])


def _build(target: Path) -> None:
    command = [
        "clang", "-g", "-O1", "-std=c99", "-fsanitize=fuzzer,address,undefined",
        "-fno-sanitize-recover=all", f"-I{ROOT / 'native'}", str(ROOT / "native/fuzz_url.c"),
        *(str(ROOT / "native" / name) for name in CORE), "-o", str(target),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode and "libclang_rt.fuzzer" in result.stderr:
        pytest.skip("clang has no libFuzzer runtime (Debian: libclang-rt-14-dev)")
    assert result.returncode == 0, result.stderr[-2000:]


def test_fuzzing_the_url_path_finds_no_crash_and_no_disagreement(tmp_path: Path) -> None:
    seeds, corpus = tmp_path / "seeds", tmp_path / "corpus"
    seeds.mkdir()
    corpus.mkdir()
    inputs = [v.input for v in canon_vectors()] + list(url_corpus.stream(3000, seed=99))
    raws = list(dict.fromkeys(url.encode("utf-8", "surrogateescape") for url in inputs))
    for index, raw in enumerate(raws):
        (seeds / f"seed-{index:05d}").write_bytes(raw)
    expect = tmp_path / "expect.tsv"
    expect.write_text("\n".join(_record(raw) for raw in raws) + "\n")
    psl = tmp_path / "psl.dat"
    psl.write_bytes(_SNAPSHOT.read_bytes())
    target = tmp_path / "fuzz_url"
    _build(target)

    env = dict(os.environ, LS_FUZZ_PSL=str(psl), LS_FUZZ_EXPECT=str(expect))
    run = subprocess.run(
        [str(target), f"-max_total_time={SECONDS}", "-seed=1", "-max_len=512", "-timeout=10",
         "-rss_limit_mb=2048", "-print_final_stats=1", str(corpus), str(seeds)],
        capture_output=True, text=True, env=env, check=False, cwd=tmp_path,
    )  # fmt: skip
    tail = run.stderr[-3000:]
    assert run.returncode == 0, tail
    assert f"{len(raws)} Python answers replayed, 0 disagreements" in run.stderr, tail
    executions = next(
        (
            int(line.split()[-1])
            for line in run.stderr.splitlines()
            if "stat::number_of_executed_units" in line
        ),
        0,
    )
    assert executions > 1000, tail

    kept = sorted(corpus.iterdir())
    table = _probe.NativePsl(psl.read_bytes())
    bad = []
    for path in kept:
        url = path.read_bytes().decode("utf-8", "surrogateescape")
        if native_reading(table, url) != python_reading(url):
            bad.append(url)
    print(f"\nfuzz: {executions} executions in {SECONDS}s, {len(kept)} kept inputs replayed")
    assert bad[:5] == []
