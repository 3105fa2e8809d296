"""The mutation count of the trust checks: ``python tests/mutation/run.py [--min-score 0.95]``.

For every row of tests/mutation/mutants.py the source of one module is changed in memory (an
import hook compiles the mutated text in place of the file; nothing on disk changes) and the
row's tests run in a forked child of a process that has imported pytest, its plugins and the
test dependencies but not linkscreen, so each child imports the SDK afresh with the mutant in
it. A mutant is *killed* when a test fails (``-x``: the first failure ends the child) or the
run passes its time limit, and *survives* when every test of its row passes.

To stay fast, the test that killed a row last time (tests/mutation/killers.json, rewritten by
``--record``) runs first, alone; only if it passes do the row's tests all run. A stale or
missing entry costs time, never a wrong count. Prints the count and every survivor; exits 1
under ``--min-score``. ``-j 2`` runs two children at once.
"""

from __future__ import annotations

import argparse
import ast
import importlib.abc
import importlib.machinery
import importlib.metadata
import json
import os
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
KILLERS = HERE / "killers.json"
sys.path.insert(0, str(HERE))

from mutants import MUTANTS, Mutant  # noqa: E402

#: Seconds one child may take; past it the mutant counts as killed (its tests hang).
TIME_LIMIT_S = 60.0


def module_name(file: str) -> str:
    """``sdk/linkscreen/bundle/format.py`` -> ``linkscreen.bundle.format``."""
    return file.removeprefix("sdk/").removesuffix(".py").replace("/", ".")


def mutated_source(mutant: Mutant) -> str:
    """The file's text with the mutant applied; raises ValueError if the row no longer fits
    the code (the anchor is missing or not unique) or the result does not parse."""
    text = (ROOT / mutant.file).read_text(encoding="utf-8")
    count = text.count(mutant.anchor)
    if count != 1:
        raise ValueError(f"{mutant.name}: the anchor occurs {count} times in {mutant.file}")
    changed = text.replace(mutant.anchor, mutant.replacement)
    try:
        ast.parse(changed, mutant.file)
    except SyntaxError as exc:
        raise ValueError(f"{mutant.name}: the mutated file does not parse ({exc})") from None
    return changed


class _MutantFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds one module and loads it from the mutated text instead of its file."""

    def __init__(self, name: str, source: str, origin: str) -> None:
        self.name, self.source, self.origin = name, source, origin

    def find_spec(
        self, fullname: str, path: object, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != self.name:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)  # type: ignore[arg-type]
        if spec is None:
            return None
        spec.loader = self
        return spec

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        exec(compile(self.source, self.origin, "exec"), module.__dict__)


@dataclass
class Outcome:
    mutant: Mutant
    killed: bool
    how: str
    seconds: float
    killer: str = ""
    """The node id of the test that failed, when one did."""


def _child(mutant: Mutant, source: str, tests: list[str], log: Path, basetemp: Path) -> None:
    """In the forked child: install the mutant, run ``tests``, exit with pytest's status."""
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    sys.meta_path.insert(
        0, _MutantFinder(module_name(mutant.file), source, str(ROOT / mutant.file))
    )
    import pytest

    arguments = ["-x", "-q", "--assert=plain", "-p", "no:cacheprovider", "-W", "ignore"]
    code = pytest.main([*arguments, f"--basetemp={basetemp}", *tests])
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(int(code))


def _failed_test(log: Path) -> str:
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("FAILED "):
            return line.removeprefix("FAILED ").split(" - ")[0].strip()
    return ""


class _Pool:
    """Forked children, at most ``jobs`` at once, each with a time limit."""

    def __init__(self, jobs: int, work: Path) -> None:
        self.jobs, self.work = jobs, work
        self.running: dict[int, tuple[int, int, float, Path]] = {}
        self.serial = 0

    def start(self, index: int, stage: int, mutant: Mutant, source: str, tests: list[str]) -> None:
        self.serial += 1
        log = self.work / f"mutant-{index:03d}-{stage}.log"
        basetemp = self.work / f"tmp-{self.serial:04d}"
        pid = os.fork()
        if pid == 0:
            try:
                _child(mutant, source, tests, log, basetemp)
            finally:
                os._exit(70)
        self.running[pid] = (index, stage, time.monotonic(), log)

    def wait(self) -> tuple[int, int, int | None, float, Path]:
        """The next child to finish: index, stage, exit status (None: killed for time)."""
        while True:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid:
                index, stage, started, log = self.running.pop(pid)
                return index, stage, os.waitstatus_to_exitcode(status), started, log
            for other, (index, stage, started, log) in list(self.running.items()):
                if time.monotonic() - started > TIME_LIMIT_S:
                    os.kill(other, signal.SIGKILL)
                    os.waitpid(other, 0)
                    del self.running[other]
                    return index, stage, None, started, log
            time.sleep(0.01)


def run(
    mutants: tuple[Mutant, ...], jobs: int, work: Path, killers: dict[str, str]
) -> list[Outcome]:
    os.chdir(ROOT)
    sources = [mutated_source(m) for m in mutants]  # every row fits before anything runs
    # What each child would otherwise import again; none of it is linkscreen.
    import cryptography.hazmat.primitives.asymmetric.ed25519  # noqa: F401
    import hypothesis  # noqa: F401
    import pytest  # noqa: F401

    for plugin in importlib.metadata.entry_points(group="pytest11"):
        plugin.load()
    leaked = sorted(name for name in sys.modules if name.startswith("linkscreen"))
    assert not leaked, f"the harness imported {leaked}: children would not see mutants"

    pool = _Pool(jobs, work)
    # Stage 0 runs the recorded killer alone, stage 1 the row's tests.
    queue = [(i, 0 if killers.get(m.key) else 1) for i, m in enumerate(mutants)]
    started_at: dict[int, float] = {}
    outcomes: dict[int, Outcome] = {}
    while queue or pool.running:
        while queue and len(pool.running) < jobs:
            index, stage = queue.pop(0)
            mutant = mutants[index]
            tests = [killers[mutant.key]] if stage == 0 else list(mutant.tests)
            started_at.setdefault(index, time.monotonic())
            pool.start(index, stage, mutant, sources[index], tests)
        index, stage, status, _started, log = pool.wait()
        mutant, seconds = mutants[index], time.monotonic() - started_at[index]
        if status is None:
            how = f"timed out after {TIME_LIMIT_S:.0f} s"
            outcomes[index] = Outcome(mutant, True, how, seconds)
        elif status == 1:
            failed = _failed_test(log)
            outcomes[index] = Outcome(mutant, True, f"failed: {failed}", seconds, failed)
        elif status in (2, 3):  # interrupted, or an internal error: the mutant broke an import
            how = f"the tests could not run (pytest status {status})"
            outcomes[index] = Outcome(mutant, True, how, seconds)
        elif stage == 0:  # the recorded test passed, or is gone (status 4, 5): run them all
            queue.insert(0, (index, 1))
        elif status == 0:
            outcomes[index] = Outcome(mutant, False, "every test passed", seconds)
        else:
            tail = log.read_text(errors="replace")[-1500:]
            raise RuntimeError(f"{mutant.name}: pytest status {status}, the row is broken:\n{tail}")
    return [outcomes[index] for index in range(len(mutants))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-score", type=float, default=0.95)
    parser.add_argument("-j", "--jobs", type=int, default=1)
    parser.add_argument("-k", "--only", default="", help="rows whose name contains this")
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per mutant")
    parser.add_argument("--record", action="store_true", help=f"rewrite {KILLERS.name}")
    parser.add_argument("--full", action="store_true", help="ignore the recorded killers")
    args = parser.parse_args()
    mutants = tuple(m for m in MUTANTS if args.only in m.name)
    killers: dict[str, str] = {}
    if KILLERS.exists() and not args.full:
        killers = json.loads(KILLERS.read_text())
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="linkscreen-mutants-") as work:
        outcomes = run(mutants, args.jobs, Path(work), killers)
    killed = [o for o in outcomes if o.killed]
    survivors = [o for o in outcomes if not o.killed]
    if args.verbose:
        for outcome in outcomes:
            mark = "killed  " if outcome.killed else "SURVIVED"
            print(f"{mark} {outcome.seconds:5.1f}s {outcome.mutant.name} -- {outcome.how}")
    if args.record:
        recorded = {o.mutant.key: o.killer for o in outcomes if o.killer}
        if args.only:
            previous = json.loads(KILLERS.read_text()) if KILLERS.exists() else {}
            recorded = {**previous, **recorded}
        KILLERS.write_text(json.dumps(dict(sorted(recorded.items())), indent=1) + "\n")
    score = len(killed) / len(outcomes) if outcomes else 1.0
    print(
        f"mutation count of the trust checks: {len(killed)}/{len(outcomes)} killed "
        f"({score:.1%}), {len(survivors)} survived, {time.monotonic() - started:.0f} s"
    )
    for outcome in survivors:
        print(f"  survivor: {outcome.mutant.name}")
    if score < args.min_score:
        print(f"FAILED: under {args.min_score:.0%} of the mutants were killed")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
