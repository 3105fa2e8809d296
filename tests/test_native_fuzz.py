"""Bounded libFuzzer runs of the C URL path and of the bundle reader and delta merge, checked
against the Python reference.

The test writes seeds (vectors, feed, generated URLs) and the Python answers for them, builds
native/fuzz_url.c with clang's libFuzzer, AddressSanitizer and UBSan, and fuzzes for
LINKSCREEN_FUZZ_SECONDS (30 by default; `make fuzz` runs longer). The target replays the
Python answers first and checks its invariants on every input; afterwards every input the
fuzzer kept is run through both C and Python here, and they must agree. native/fuzz_bundle.c
(half the time) reads every input as a payload and as a delta; each kept input then goes
through both readers and both merges.
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


BUNDLE_SECONDS = max(5, SECONDS // 2)
VECTORS = ROOT / "tests" / "vectors"
BUNDLE_CORE = [*CORE, "ls_bundle.c", "ls_delta.c"]


def _payload(name: str) -> bytes:
    return (VECTORS / name).read_bytes()[32:-64]


def test_fuzzing_the_bundle_reader_and_delta_merge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """native/fuzz_bundle.c reads each input as a payload and as a delta to tiny's payload,
    under ASan and UBSan; then every kept input goes through both readers and both merges
    here, which must accept and refuse the same inputs (with the same error class)."""
    import json

    seeds, corpus = tmp_path / "seeds", tmp_path / "corpus"
    seeds.mkdir()
    corpus.mkdir()
    names = ["tiny.bundle", "tiny-v1.bundle", "tiny-p1.bundle", "tiny-p2.bundle"]
    for name in [*names, "tiny-next.bundle"]:
        (seeds / f"{name}.payload").write_bytes(_payload(name))
    for index, case in enumerate(json.loads((VECTORS / "delta.json").read_text())["cases"]):
        (seeds / f"delta-{index}").write_bytes(bytes.fromhex(case["delta_hex"]))
    old = tmp_path / "old.payload"
    old.write_bytes(_payload("tiny.bundle"))
    target = tmp_path / "fuzz_bundle"
    command = [
        "clang", "-g", "-O1", "-std=c99", "-fsanitize=fuzzer,address,undefined",
        "-fno-sanitize-recover=all", f"-I{ROOT / 'native'}", str(ROOT / "native/fuzz_bundle.c"),
        *(str(ROOT / "native" / name) for name in BUNDLE_CORE), "-o", str(target),
    ]  # fmt: skip
    built = subprocess.run(command, capture_output=True, text=True, check=False)
    if built.returncode and "libclang_rt.fuzzer" in built.stderr:
        pytest.skip("clang has no libFuzzer runtime (Debian: libclang-rt-14-dev)")
    assert built.returncode == 0, built.stderr[-2000:]
    run = subprocess.run(
        [str(target), f"-max_total_time={BUNDLE_SECONDS}", "-seed=1", "-max_len=8192",
         "-timeout=10", "-rss_limit_mb=2048", "-print_final_stats=1", str(corpus), str(seeds)],
        capture_output=True, text=True, env=dict(os.environ, LS_FUZZ_OLD=str(old)),
        check=False, cwd=tmp_path,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]

    monkeypatch.setenv("LINKSCREEN_PURE", "1")  # apply_delta: the pure merge, against C's
    old_payload = old.read_bytes()
    accepted = applied = 0
    bad = []
    inputs = sorted(corpus.iterdir()) + sorted(seeds.iterdir())
    for path in inputs:
        data = path.read_bytes()
        answers, merged = _readers_answer(data), _merges_answer(old_payload, data)
        if answers[0] != answers[1] or merged[0] != merged[1]:
            bad.append(path.name)
        accepted += answers[0] is None
        applied += merged[0] is not None
    print(f"\nfuzz bundle: {len(inputs)} inputs replayed, {accepted} payloads read, "
          f"{applied} deltas applied")  # fmt: skip
    assert bad[:5] == []
    assert accepted >= len(names)
    assert applied >= 1


def _readers_answer(data: bytes) -> list[type[BaseException] | None]:
    """The Python and the C reader on a payload with its own hash: None or the error class."""
    import hashlib

    import linkscreen
    from linkscreen.errors import LinkscreenError

    digest = hashlib.sha256(data)
    answers: list[type[BaseException] | None] = []
    for name in ("python", "c"):
        try:
            if name == "python":
                linkscreen.Bundle.from_payload(data, sha256=digest.hexdigest())
            else:
                _probe.NativeBundle.from_payload(data, digest.digest())
            answers.append(None)
        except LinkscreenError as exc:
            answers.append(type(exc))
    return answers


def _merges_answer(old: bytes, data: bytes) -> list[bytes | None]:
    """The pure merge (LINKSCREEN_PURE=1 set by the caller) and the C merge on a delta."""
    from linkscreen.bundle import delta as deltas
    from linkscreen.errors import DeltaError

    merged: list[bytes | None] = []
    for merge in (deltas.apply_delta, _probe.delta_apply):
        try:
            merged.append(merge(old, data))
        except DeltaError:
            merged.append(None)
    return merged
