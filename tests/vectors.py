"""Readers for the vector files in tests/data (sources and licences in tests/data/README.md)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"

REJECT = "<REJECT>"


@dataclass(frozen=True)
class CanonVector:
    section: str
    line: int
    input: str
    expected: str

    @property
    def id(self) -> str:
        return f"{self.section}{self.line}"


def _unescape_field(field: str) -> str:
    """Decode the file's escapes; raw bytes >= 0x80 stay bytes via surrogateescape."""
    out = bytearray()
    i = 0
    while i < len(field):
        ch = field[i]
        if ch == "\\" and i + 1 < len(field):
            nxt = field[i + 1]
            if nxt in "tnr\\":
                out += {"t": b"\t", "n": b"\n", "r": b"\r", "\\": b"\\"}[nxt]
                i += 2
                continue
            if nxt == "x" and re.fullmatch(r"[0-9A-Fa-f]{2}", field[i + 2 : i + 4]):
                out.append(int(field[i + 2 : i + 4], 16))
                i += 4
                continue
        out += ch.encode("utf-8")
        i += 1
    return out.decode("utf-8", "surrogateescape")


def canon_vectors() -> list[CanonVector]:
    vectors = []
    section = "?"
    for number, line in enumerate((DATA / "sb_canon_vectors.tsv").read_text().splitlines(), 1):
        if line.startswith("# ==== SECTION "):
            section = line.split()[3]
            continue
        if line.startswith("#"):
            continue
        raw_input, raw_expected = line.split("\t")
        vectors.append(
            CanonVector(section, number, _unescape_field(raw_input), _unescape_field(raw_expected))
        )
    return vectors


def expression_vectors() -> list[dict[str, Any]]:
    data: dict[str, Any] = json.loads((DATA / "sb_expression_vectors.json").read_text())
    return list(data["expression_vectors"])


def psl_checks() -> list[tuple[str | None, str | None]]:
    checks = []
    pattern = re.compile(r"^checkPublicSuffix\((null|'[^']*'), (null|'[^']*')\);")
    for line in (DATA / "psl_tests.txt").read_text(encoding="utf-8").splitlines():
        match = pattern.match(line)
        if match:
            host, expected = (None if g == "null" else g[1:-1] for g in match.groups())
            checks.append((host, expected))
    return checks


def wpt_cases() -> list[dict[str, Any]]:
    data = json.loads((DATA / "wpt_urltestdata.json").read_text(encoding="utf-8"))
    return [case for case in data if isinstance(case, dict)]
