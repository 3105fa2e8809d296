"""The compiler imports only public SDK names; no server module reaches the binding, and only
linkscreen._probe imports the C module."""

from __future__ import annotations

import ast
import random
from pathlib import Path

import pytest

from linkscreen.bundle import build
from linkscreen.bundle import format as fmt

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
    return names


def test_the_compiler_imports_only_public_sdk_names() -> None:
    compiler = ROOT / "server" / "linkscreen_server" / "compiler.py"
    private = [
        name
        for name in _imports(compiler)
        if name.startswith("linkscreen.") and any(p.startswith("_") for p in name.split(".")[1:])
    ]
    assert private == []
    assert "linkscreen.bundle.build" in _imports(compiler)


def test_no_server_module_reaches_the_binding() -> None:
    reaching = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in sorted((ROOT / "server").rglob("*.py"))
        for name in _imports(path)
        if name.startswith(("linkscreen._probe", "linkscreen._native"))
    ]
    assert reaching == []


def test_only_the_binding_imports_the_c_module() -> None:
    users = []
    for path in sorted([*(ROOT / "sdk").rglob("*.py"), *(ROOT / "server").rglob("*.py")]):
        text = path.read_text(encoding="utf-8")
        if "_native" in text and ("import _native" in text or "._native" in text):
            users.append(path.name)
    assert users == ["_probe.py"]


def test_build_bloom_is_the_pure_filter() -> None:
    if not build.native_available():
        pytest.skip("C core not built")
    rng = random.Random(4)
    keys = [f"h{rng.randrange(10**9)}.example/{i}".encode() for i in range(3000)]
    m, k = fmt.bloom_parameters(len(keys), 1e-3)
    base = bytes(rng.randrange(256) if rng.random() < 0.01 else 0 for _ in range(m // 8))
    pure = bytearray(base)
    for key in keys:
        for bit in fmt.bloom_positions(key, 77, k, m):
            pure[bit >> 3] |= 1 << (bit & 7)
    assert build.build_bloom(keys, m, k, 77, base) == bytes(pure)
    assert build.build_bloom(keys, m, k, 77) != bytes(m // 8)
