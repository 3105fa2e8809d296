"""The C program in docs/native.md compiles and prints what the Python reference computes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from importlib import resources
from pathlib import Path

import pytest

from linkscreen.canonical import canonical_variants
from linkscreen.expressions import canonical_expressions

#: The SDK's dated Public Suffix List snapshot (the same list psl.snapshot() reads).
_SNAPSHOT = resources.files("linkscreen") / "data" / "public_suffix_list.dat"

ROOT = Path(__file__).resolve().parents[1]
CORE = ["ls_api.c", "ls_hash.c", "ls_psl.c", "ls_unicode.c", "ls_url.c"]
CC = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")


def _example() -> str:
    blocks = re.findall(r"```c\n(.*?)```", (ROOT / "docs/native.md").read_text(), re.DOTALL)
    assert blocks, "docs/native.md has no C example"
    return str(blocks[0])


def test_the_documented_example_is_short() -> None:
    code = [line for line in _example().splitlines() if line.strip() and "#include" not in line]
    assert len(code) <= 22


@pytest.mark.skipif(CC is None, reason="no C compiler")
def test_the_documented_c_program_runs(tmp_path: Path) -> None:
    source = tmp_path / "example.c"
    source.write_text(_example())
    binary = tmp_path / "example"
    build = subprocess.run(
        [str(CC), "-std=c99", "-O1", "-Wall", "-Wextra", "-Werror", f"-I{ROOT / 'native'}",
         str(source), *(str(ROOT / "native" / f) for f in CORE), "-o", str(binary)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr[-2000:]
    psl = tmp_path / "psl.dat"
    psl.write_bytes(_SNAPSHOT.read_bytes())
    url = "http://EVIL.example\\@a.b.good.example.co.uk/x/y?q=1"
    run = subprocess.run([binary, psl, url], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    variants = canonical_variants(url)
    expressions = dict.fromkeys(e for v in variants for e in canonical_expressions(v))
    expected = [f"reading {v}" for v in variants] + [f"expression {e}" for e in expressions]
    assert run.stdout.splitlines() == expected
    refused = subprocess.run([binary, psl, "mailto:a@b.example"], capture_output=True, text=True)
    assert (refused.returncode, refused.stdout) == (1, "LS_ERR_INVALID_URL\n")
