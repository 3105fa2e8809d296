"""Read list files: plain text (one URL a line, ``#`` comments) or CSV (``url``, ``category``).

Every line comes back either as an entry or as a rejection with ``file:line: reason``; nothing
is dropped silently. Lines are read as UTF-8; a line that is not UTF-8 is rejected, not guessed.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

#: Longest list line read, in bytes; longer lines are rejected before decoding.
MAX_LINE_BYTES = 64 * 1024


@dataclass(frozen=True)
class SourceLine:
    path: str
    line: int
    url: str
    category: str | None = None


@dataclass(frozen=True)
class Rejected:
    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


def is_csv(path: Path, first_line: bytes) -> bool:
    if path.suffix.lower() == ".csv":
        return True
    header = first_line.decode("utf-8", "replace").strip().lower()
    return "," in header and "url" in [cell.strip().strip('"') for cell in header.split(",")]


def read_list(path: str | os.PathLike[str]) -> Iterator[SourceLine | Rejected]:
    """Entries and rejections of one list file, in file order."""
    source = Path(path)
    with open(source, "rb") as handle:
        first = handle.readline(MAX_LINE_BYTES + 1)
        handle.seek(0)
        if is_csv(source, first):
            yield from _read_csv(source, handle.read())
        else:
            yield from _read_text(source, handle)


def _decode(raw: bytes, where: str, number: int) -> str | Rejected:
    if len(raw) > MAX_LINE_BYTES:
        return Rejected(where, number, f"line longer than {MAX_LINE_BYTES} bytes")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Rejected(where, number, f"not UTF-8 (byte {exc.start + 1})")


def _read_text(source: Path, handle: io.BufferedReader) -> Iterator[SourceLine | Rejected]:
    where = str(source)
    for number, raw in enumerate(handle, 1):
        text = _decode(raw.rstrip(b"\r\n"), where, number)
        if isinstance(text, Rejected):
            yield text
            continue
        text = text.strip().lstrip("\ufeff")
        if text and not text.startswith("#"):
            yield SourceLine(where, number, text)


def _read_csv(source: Path, data: bytes) -> Iterator[SourceLine | Rejected]:
    where = str(source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        yield Rejected(where, line, "file is not UTF-8; no line was read")
        return
    reader = csv.DictReader(io.StringIO(text, newline=""))
    fields = {name.strip().lower(): name for name in reader.fieldnames or []}
    if "url" not in fields:
        yield Rejected(where, 1, "CSV header has no 'url' column")
        return
    url_key, category_key = fields["url"], fields.get("category")
    try:
        for row in reader:
            url = (row.get(url_key) or "").strip()
            if not url or url.startswith("#"):
                continue
            category = (row.get(category_key) or "").strip() if category_key else ""
            yield SourceLine(where, reader.line_num, url, category or None)
    except csv.Error as exc:
        yield Rejected(where, reader.line_num, f"malformed CSV ({exc}); the rest is skipped")
