"""Read list files: plain text (one URL a line, ``#`` comments) or CSV (``url``, ``category``).

Every physical line comes back as exactly one item: an entry (:class:`SourceLine`), a rejection
with ``file:line: reason`` (:class:`Rejected`), or a line with nothing to compile (:class:`Ignored`:
blank, comment, CSV header). So for every input, lines read = entries + duplicates + rejected +
ignored, and nothing is dropped silently.

- Any line ending counts: LF, CRLF and CR alone (old Mac exports).
- A file is CSV only when its name ends in ``.csv`` or the caller says so; a ``.txt`` that
  looks like CSV is read as text, and its lines are rejected with a hint, not guessed at.
- Each line is decoded on its own (UTF-8, BOM allowed on the first): one bad byte rejects its
  line, never the file. CSV is parsed line by line, so an unterminated quote rejects its line
  and the next line is read afresh (a quoted field cannot span lines in a URL list).
- Cells starting with ``=``, ``+``, ``-`` or ``@`` are spreadsheet formulas (CSV injection):
  rejected, never compiled.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

#: Longest list line read, in bytes; a longer line is rejected without being decoded or kept.
MAX_LINE_BYTES = 1024 * 1024
#: Longest CSV field, in characters (the csv module's own default limit).
MAX_FIELD_CHARS = 131_072
#: First characters that make a spreadsheet evaluate a cell (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@")
_READ_CHUNK = 1 << 20
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class ListFormat(StrEnum):
    """How a list file is read."""

    TEXT = "text"
    CSV = "csv"


@dataclass(frozen=True)
class SourceLine:
    """A line that names a list entry (not yet canonicalised)."""

    path: str
    line: int
    url: str
    category: str | None = None


@dataclass(frozen=True)
class Rejected:
    """A line that does not compile, and why."""

    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


@dataclass(frozen=True)
class Ignored:
    """A line with nothing to compile: ``blank``, ``comment`` or ``header``."""

    path: str
    line: int
    why: str


Item = SourceLine | Rejected | Ignored


def format_of(path: str | os.PathLike[str], explicit: ListFormat | None = None) -> ListFormat:
    """The explicit format if given, else CSV for a ``.csv`` name and text for anything else."""
    if explicit is not None:
        return explicit
    return ListFormat.CSV if Path(path).suffix.lower() == ".csv" else ListFormat.TEXT


def read_list(path: str | os.PathLike[str], format: ListFormat | None = None) -> Iterator[Item]:
    """One item per physical line of the file, in file order."""
    source = Path(path)
    with open(source, "rb") as handle:
        lines = physical_lines(handle)
        if format_of(source, format) is ListFormat.CSV:
            yield from _read_csv(str(source), lines)
        else:
            yield from _read_text(str(source), lines)


def physical_lines(handle: BinaryIO) -> Iterator[bytes | int]:
    """Each line's bytes without its ending (LF, CRLF or CR), streamed in chunks.

    A line longer than ``MAX_LINE_BYTES`` comes as its length (an int) instead of its bytes.
    A final line without an ending counts; an empty file has no lines.
    """
    for batch in physical_line_batches(handle):
        yield from batch


def physical_line_batches(handle: BinaryIO) -> Iterator[list[bytes | int]]:
    """:func:`physical_lines` a chunk at a time: the lines ending in each chunk read, in order
    (split by ``bytes.splitlines``, which breaks at LF, CRLF and CR only)."""
    buffer = b""
    overlong: int | None = None  # bytes of a too-long line skipped so far
    while True:
        chunk = handle.read(_READ_CHUNK)
        at_end = not chunk
        buffer += chunk
        # A CR at the buffer's end may be the first half of a CRLF: leave it for the next read.
        end = len(buffer) - 1 if not at_end and buffer.endswith(b"\r") else len(buffer)
        cut = max(buffer.rfind(b"\n", 0, end), buffer.rfind(b"\r", 0, end))
        if cut >= 0:
            pieces = buffer[: cut + 1].splitlines()
            buffer = buffer[cut + 1 :]
            lines: list[bytes | int] = list(pieces)
            if max(map(len, pieces)) > MAX_LINE_BYTES:
                lines = [len(x) if len(x) > MAX_LINE_BYTES else x for x in pieces]
            if overlong is not None:
                lines[0] = overlong + len(pieces[0])
                overlong = None
            yield lines
        if at_end:
            if overlong is not None:
                yield [overlong + len(buffer)]
            elif len(buffer) > MAX_LINE_BYTES:
                yield [len(buffer)]
            elif buffer:
                yield [buffer]
            return
        if len(buffer) > MAX_LINE_BYTES + 1:  # no line break in reach: stop keeping the bytes
            keep = buffer[-1:] if buffer.endswith(b"\r") else b""
            overlong = (overlong or 0) + len(buffer) - len(keep)
            buffer = keep


def _decode(raw: bytes | int, where: str, number: int) -> str | Rejected:
    if isinstance(raw, int):
        return Rejected(where, number, f"line is {raw:,} bytes, longer than {MAX_LINE_BYTES:,}")
    if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = raw[exc.start]
        return Rejected(where, number, f"not UTF-8 (byte {exc.start + 1} is 0x{bad:02x})")
    control = _CONTROL.search(text)
    if control is not None:
        code = ord(control.group())
        return Rejected(
            where, number, f"control character U+{code:04X} at column {control.start() + 1}"
        )
    return text


def _formula(cell: str, what: str) -> str | None:
    """The rejection reason for a cell a spreadsheet would evaluate, else None."""
    if cell.startswith(FORMULA_PREFIXES):
        return f"{what} starts with {cell[0]!r}, like a spreadsheet formula; not compiled"
    return None


def _read_text(where: str, lines: Iterator[bytes | int]) -> Iterator[Item]:
    for number, raw in enumerate(lines, 1):
        yield read_text_line(where, number, raw)


def read_text_line(where: str, number: int, raw: bytes | int) -> Item:
    """The item of line ``number`` (1-based) of a text list, from :func:`physical_lines`."""
    text = _decode(raw, where, number)
    if isinstance(text, Rejected):
        return text
    text = text.strip()
    if not text:
        return Ignored(where, number, "blank")
    if text.startswith("#"):
        return Ignored(where, number, "comment")
    if (reason := _formula(text, "line")) is not None:
        return Rejected(where, number, reason)
    return SourceLine(where, number, text)


_CSV_ERRORS = {
    "unexpected end of data": "unterminated quote (a quoted field must end on its line)",
    "field larger than field limit": f"a field is longer than {MAX_FIELD_CHARS:,} characters",
    "expected after": "text after a closing quote",
}


def _split_csv(text: str) -> list[str] | str:
    """The cells of one CSV line, or why it is malformed."""
    try:
        return next(csv.reader([text], strict=True), [])
    except csv.Error as exc:
        message = str(exc)
        for known, reason in _CSV_ERRORS.items():
            if known in message:
                return reason
        return f"malformed CSV ({message})"


def _read_csv(where: str, lines: Iterator[bytes | int]) -> Iterator[Item]:
    url_column: int | None = None
    category_column: int | None = None
    header_line = 0
    for number, raw in enumerate(lines, 1):
        text = _decode(raw, where, number)
        if isinstance(text, Rejected):
            yield text
            continue
        if not text.strip():
            yield Ignored(where, number, "blank")
            continue
        if text.lstrip().startswith("#"):
            yield Ignored(where, number, "comment")
            continue
        cells = _split_csv(text)
        if isinstance(cells, str):
            yield Rejected(where, number, cells)
            continue
        cells = [cell.strip() for cell in cells]
        if header_line == 0:  # the first line with content is the header
            header_line = number
            names = [cell.lower() for cell in cells]
            if "url" in names:
                url_column = names.index("url")
                category_column = names.index("category") if "category" in names else None
                yield Ignored(where, number, "header")
            else:
                found = ", ".join(repr(name) for name in names)
                yield Rejected(where, number, f"CSV header has no 'url' column (found {found})")
            continue
        if url_column is None:
            yield Rejected(where, number, f"no usable CSV header (line {header_line})")
            continue
        if len(cells) <= url_column:
            yield Rejected(
                where,
                number,
                f"row has {len(cells)} cell(s); the url column is number {url_column + 1}",
            )
            continue
        url = cells[url_column]
        has_category = category_column is not None and category_column < len(cells)
        category = cells[category_column] if has_category and category_column is not None else ""
        if not url:
            yield Rejected(where, number, "empty url cell")
        elif (
            reason := _formula(url, "url cell") or _formula(category, "category cell")
        ) is not None:
            yield Rejected(where, number, reason)
        else:
            yield SourceLine(where, number, url, category or None)
