"""The Python parsers under fuzzing: the bundle reader, the delta applier, the metadata parser,
the canonicaliser, the extractor and the meta-refresh reader (targets in tests/fuzz/targets.py).

Two tests per target. The replay runs every checked-in seed, including every input that once
crashed a target (``regression-*``), in this process: fast, and independent of atheris. The
fuzz run starts tests/fuzz/run.py in a subprocess for LINKSCREEN_PY_FUZZ_SECONDS per target
(8 by default, about a minute for all six in ``make test``; ``make fuzz-python
FUZZ_SECONDS=600`` runs longer), coverage-guided with atheris, under the pure-Python path (the
C core has its own libFuzzer run, tests/test_native_fuzz.py). A crash fails the test with the
input and the traceback; the input is also left in the test's temporary directory.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

FUZZ = Path(__file__).resolve().parent / "fuzz"
sys.path.insert(0, str(FUZZ))

from targets import CORPUS, TARGETS  # noqa: E402

SECONDS = float(os.environ.get("LINKSCREEN_PY_FUZZ_SECONDS", "8"))


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_every_seed_and_regression_input_keeps_the_contract(name: str) -> None:
    seeds = sorted((CORPUS / name).iterdir())
    assert len(seeds) >= 3, f"{name}: the seed corpus is missing (tests/fuzz/make_corpus.py)"
    for path in seeds:
        try:
            TARGETS[name].run(path.read_bytes())
        except Exception as exc:  # report which seed, then fail
            pytest.fail(f"{name}: {path.name} broke the contract: {type(exc).__name__}: {exc}")


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(TARGETS))
def test_fuzzing_finds_no_crash(name: str, tmp_path: Path) -> None:
    env = dict(os.environ, LINKSCREEN_PURE="1", PYTHONHASHSEED="0")
    run = subprocess.run(
        [sys.executable, str(FUZZ / "run.py"), name, str(SECONDS), str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=SECONDS + 120,
        check=False,
    )
    output = run.stdout + run.stderr
    crashes = sorted(p for p in tmp_path.iterdir() if p.name.startswith(("crash-", "timeout-")))
    shown = "".join(f"\n{p.name}: {p.read_bytes()[:300]!r}" for p in crashes)
    assert not crashes, f"{name} crashed:{shown}\n{output[-4000:]}"
    assert run.returncode == 0, f"{name} failed:\n{output[-4000:]}"
    executed = [line for line in output.splitlines() if "number_of_executed_units" in line]
    assert executed, output[-2000:]
    count = int(executed[-1].split()[-1])
    print(f"\n{name}: {count} inputs in {SECONDS:g} s ({output.splitlines()[0]})")
    assert count >= 100, f"{name}: only {count} inputs ran\n{output[-2000:]}"
