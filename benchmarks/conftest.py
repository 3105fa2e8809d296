"""Benchmarks live apart from tests. Each records rows here; `make bench` prints them at the end.

A row is (group, name, value, unit); within a group the first row recorded is the reference
that the ratio column compares against.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))

ROWS: list[tuple[str, str, float, str]] = []


def record(group: str, name: str, value: float, unit: str) -> None:
    ROWS.append((group, name, value, unit))


@pytest.fixture
def recorder() -> Any:
    return record


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not ROWS:
        return
    write = terminalreporter.write_line
    write("")
    write("linkscreen benchmark summary (ratio = value / first row of the group)")
    reference: dict[str, float] = {}
    for group, name, value, unit in ROWS:
        base = reference.setdefault(group, value)
        ratio = value / base if base else float("nan")
        write(f"  {group:34s} {name:44s} {value:12,.2f} {unit:8s} x{ratio:6.2f}")
