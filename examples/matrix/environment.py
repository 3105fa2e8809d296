"""Create or reuse the Matrix environment: a venv with Synapse, matrix-nio[e2e] and linkscreen.

Usage: ``python examples/matrix/environment.py VENV``. Exit 0 when VENV is ready; 75 when it
cannot be built because the package index is unreachable (the caller skips the Matrix test and
says so); any other failure is an error. The venv is reused while the pinned requirements and
the packaging files are unchanged (a stamp records their hash), so only the first run installs.
Standard library only: it runs before anything is installed.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / "examples" / "matrix" / "requirements.txt"
#: Files whose change means reinstalling (linkscreen itself is installed editable).
INPUTS = (REQUIREMENTS, ROOT / "pyproject.toml", ROOT / "setup.py")
#: Exit status meaning "the package index cannot be reached" (EX_TEMPFAIL).
EXIT_UNREACHABLE = 75
#: One small pinned download that tells "the index is unreachable" from "the install broke".
PROBE = "matrix-nio==0.26.0"
PROBE_TIMEOUT_S = 120


def inputs_hash() -> str:
    digest = hashlib.sha256()
    for path in INPUTS:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def pip(python: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [str(python), "-m", "pip", "--disable-pip-version-check", *args]
    return subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)


def index_reachable(python: Path) -> tuple[bool, str]:
    with tempfile.TemporaryDirectory() as scratch:
        try:
            probe = subprocess.run(
                [
                    str(python),
                    "-m",
                    "pip",
                    "download",
                    "--no-cache-dir",
                    "--no-deps",
                    "-q",
                    "-d",
                    scratch,
                    PROBE,
                ],
                capture_output=True,
                text=True,
                check=False,
                timeout=PROBE_TIMEOUT_S,
            )
        except subprocess.TimeoutExpired:
            return False, f"no answer within {PROBE_TIMEOUT_S} s"
    lines = [line for line in probe.stderr.splitlines() if "WARNING: Location" not in line]
    return probe.returncode == 0, (lines[-1] if lines else "")


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    target = Path(argv[1])
    if not target.is_absolute():
        target = ROOT / target
    stamp = target / ".installed-matrix"
    wanted = inputs_hash()
    if stamp.exists() and stamp.read_text().strip() == wanted:
        return 0
    started = time.monotonic()
    python = target / "bin" / "python"
    if not python.exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(target)
    steps = [
        ("install", "--quiet", "--upgrade", "pip"),
        ("install", "--quiet", "-r", str(REQUIREMENTS)),
        ("install", "--quiet", "-e", f"{ROOT}[server,matrix]"),
    ]
    for step in steps:
        result = pip(python, *step)
        if result.returncode:
            reachable, why = index_reachable(python)
            if not reachable:
                print(f"matrix environment: the package index is unreachable ({why})")
                return EXIT_UNREACHABLE
            tail = "\n".join(
                line for line in result.stderr.splitlines() if "WARNING: Location" not in line
            )
            print(f"matrix environment: pip {' '.join(step)} failed:\n{tail[-3000:]}")
            return 1
    stamp.write_text(wanted + "\n")
    print(f"matrix environment: installed in {time.monotonic() - started:.0f} s ({target})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
