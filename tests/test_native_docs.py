"""The C program in docs/native.md compiles and prints what the Python reference computes."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from importlib import resources
from pathlib import Path

import pytest

import linkscreen
from linkscreen.canonical import canonical_variants
from linkscreen.expressions import canonical_expressions

#: The SDK's dated Public Suffix List snapshot (the same list psl.snapshot() reads).
_SNAPSHOT = resources.files("linkscreen") / "data" / "public_suffix_list.dat"

ROOT = Path(__file__).resolve().parents[1]
CORE = ["ls_api.c", "ls_bundle.c", "ls_hash.c", "ls_psl.c", "ls_unicode.c", "ls_url.c"]
CC = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")


def _blocks() -> list[str]:
    blocks = re.findall(r"```c\n(.*?)```", (ROOT / "docs/native.md").read_text(), re.DOTALL)
    assert len(blocks) == 3, "docs/native.md: the URL example, the hook, the bundle program"
    return [str(block) for block in blocks]


def _example() -> str:
    return _blocks()[0]


def _code_lines(block: str) -> int:
    return len([line for line in block.splitlines() if line.strip() and "#include" not in line])


def test_the_documented_examples_are_short() -> None:
    assert _code_lines(_example()) <= 22
    assert _code_lines(_blocks()[2]) <= 20  # the bundle program; the hook is the platform's


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


def _openssl() -> bool:
    """OpenSSL's headers and libcrypto (Debian's libssl-dev; .ci/run installs it)."""
    if CC is None:
        return False
    probe = subprocess.run(
        [str(CC), "-x", "c", "-", "-lcrypto", "-o", os.devnull],
        input="#include <openssl/evp.h>\nint main(void) { return EVP_PKEY_ED25519 == 0; }\n",
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    return probe.returncode == 0


@pytest.mark.skipif(not _openssl(), reason="no C compiler with OpenSSL (libssl-dev)")
def test_the_documented_bundle_program_runs(tmp_path: Path) -> None:
    """The hook and the program of docs/native.md open the tiny bundle and check URLs: the
    lists printed are the Python Matcher's, tampering is refused, refusals are named."""
    blocks = _blocks()
    source = tmp_path / "check.c"
    source.write_text(blocks[1] + blocks[2])
    binary = tmp_path / "check"
    build = subprocess.run(
        [str(CC), "-std=c99", "-O1", "-Wall", "-Wextra", "-Werror", f"-I{ROOT / 'native'}",
         str(source), *(str(ROOT / "native" / f) for f in CORE), "-lcrypto", "-o", str(binary)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr[-2000:]
    vectors = ROOT / "tests" / "vectors"
    bundle_path, key = vectors / "tiny.bundle", vectors / "test-signing.pub"
    matcher = linkscreen.Matcher(linkscreen.Bundle.open(bundle_path, [key]))
    urls = [v["url"] for v in json.loads((vectors / "expected.json").read_text())]
    urls += ["http://short.example/abc", "http://nothing.example/"]
    seen = set()
    for url in urls:
        run = subprocess.run([binary, bundle_path, key, url], capture_output=True, text=True)
        verdict = matcher.check_url(url)
        if verdict.error:
            assert (run.returncode, run.stdout) == (1, "LS_ERR_INVALID_URL\n"), url
            continue
        assert run.returncode == 0, run.stdout + run.stderr
        if verdict.matches:
            expected = sorted(f"{m.action} {m.list_id}" for m in verdict.matches)
        else:
            expected = ["shortened" if verdict.shortened else "allow"]
        assert sorted(run.stdout.splitlines()) == expected, url
        seen.add(expected[0].split()[0])
    assert {"block", "warn", "allow", "shortened"} <= seen
    tampered = tmp_path / "tampered.bundle"
    data = bytearray(bundle_path.read_bytes())
    data[200] ^= 1
    tampered.write_bytes(bytes(data))
    run = subprocess.run([binary, tampered, key, urls[0]], capture_output=True, text=True)
    assert (run.returncode, run.stdout) == (1, "LS_ERR_SIGNATURE\n")
