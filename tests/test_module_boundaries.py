"""Module boundaries hold: the server and the examples use only the SDK's public modules, no
module imports another module's private name, and only the binding touches the C library.

Read from the source with ``ast`` (nothing is imported), so a new breach fails here with the
file, line and name, before it can tie the server to an SDK internal that may change.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SDK = ROOT / "sdk" / "linkscreen"
#: Packages outside the SDK that must use only its public modules.
CONSUMERS = [ROOT / "server", ROOT / "examples"]
#: Breaches being removed, each named until it is fixed (none now).
KNOWN: set[tuple[str, str]] = set()
#: The one module that may import the cffi extension (issue 12: one checked binding).
BINDING = SDK / "_probe.py"


def _imports(path: Path) -> Iterator[tuple[int, str, list[str]]]:
    """``(line, absolute module, imported names)`` for every import in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _package_of(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            yield node.lineno, module, [alias.name for alias in node.names]


def _package_of(path: Path) -> str:
    """The dotted package a file belongs to (``linkscreen.bundle`` for bundle/format.py)."""
    for top in (ROOT / "sdk", ROOT / "server"):
        if top in path.parents:
            parts = list(path.relative_to(top).with_suffix("").parts)
            return ".".join(parts if path.name == "__init__.py" else parts[:-1]).removesuffix(
                ".__init__"
            )
    return ""


def _python_files(*tops: Path) -> list[Path]:
    return sorted(p for top in tops for p in top.rglob("*.py") if ".venv" not in p.parts)


def _private(module: str) -> bool:
    return any(part.startswith("_") and part != "__init__" for part in module.split("."))


def test_consumers_import_only_public_sdk_modules() -> None:
    breaches = set()
    for path in _python_files(*CONSUMERS):
        for _line, module, names in _imports(path):
            if module != "linkscreen" and not module.startswith("linkscreen."):
                continue  # the server's own modules, or another library
            private_names = [n for n in names if n.startswith("_") and not n.startswith("__")]
            if _private(module) or private_names:
                breaches.add((str(path.relative_to(ROOT)), module))
    fixed = KNOWN - breaches
    assert not fixed, f"fixed, so remove from KNOWN in this test: {sorted(fixed)}"
    new = sorted(breaches - KNOWN)
    assert not new, f"private SDK modules or names used outside the SDK: {new}"


def test_no_module_imports_another_modules_private_name() -> None:
    breaches = []
    for path in _python_files(SDK, ROOT / "server"):
        for line, module, names in _imports(path):
            if not module.startswith(("linkscreen", "linkscreen_server")):
                continue
            for name in names:
                if name.startswith("_") and not name.startswith("__"):
                    breaches.append(f"{path.relative_to(ROOT)}:{line}: {name} from {module}")
    # The binding itself and lazy module references (``from . import _fold``) are modules,
    # not private names: only names defined inside another module count.
    breaches = [b for b in breaches if not _is_module_reference(b)]
    assert not breaches, "private names imported across modules:\n" + "\n".join(breaches)


def _is_module_reference(breach: str) -> bool:
    _, _, rest = breach.partition(": ")
    name, _, module = rest.partition(" from ")
    package_dir = ROOT / "sdk" / Path(*module.split("."))
    server_dir = ROOT / "server" / Path(*module.split("."))
    return any(
        (d / f"{name}.py").exists() or (d / name / "__init__.py").exists()
        for d in (package_dir, server_dir)
    )


@pytest.mark.parametrize("tops", [[SDK, ROOT / "server", *CONSUMERS]])
def test_only_the_binding_imports_the_c_library(tops: list[Path]) -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in _python_files(*tops)
        if path != BINDING
        for line, module, names in _imports(path)
        if module.endswith("._native") or module == "_native" or "_native" in names
    ]
    assert not offenders, f"only {BINDING.relative_to(ROOT)} may import _native: {offenders}"
