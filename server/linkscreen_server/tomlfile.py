"""TOML files whose mistakes are reported as ``file:line: reason``.

``tomllib`` parses but forgets where each key was; operators need the line of a typo. A
:class:`Located` document keeps the parsed data plus the line where each table and key was
written (found by a light scan of headers and ``key =`` lines; multi-line strings skipped), so
a checker can say ``server.toml:12: unknown key 'txt'`` without a TOML parser of its own.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from linkscreen.errors import LinkscreenError

_KEY = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_DOTTED = rf"{_KEY}(?:\s*\.\s*{_KEY})*"
_HEADER = re.compile(rf"^\s*(\[\[?)\s*({_DOTTED})\s*\]\]?\s*(?:#.*)?$")
_ASSIGN = re.compile(rf"^\s*({_DOTTED})\s*=\s*(.*)$")
_PART = re.compile(_KEY)

Path_ = tuple[str | int, ...]


class ConfigError(LinkscreenError):
    """A configuration or metadata file is wrong; ``problems`` lists each ``file:line: reason``."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def _parts(dotted: str) -> list[str]:
    keys = []
    for match in _PART.finditer(dotted):
        key = match.group()
        keys.append(key[1:-1] if key[0] in "\"'" else key)
    return keys


@dataclass
class Located:
    """A parsed TOML document and the line of each table and key in it."""

    path: Path
    data: dict[str, Any]
    lines: dict[Path_, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    _found: list[tuple[int, str]] = field(default_factory=list, repr=False)

    def line(self, where: Path_) -> int:
        """The line of ``where``, or of its nearest enclosing table or key; 1 if unknown."""
        for end in range(len(where), 0, -1):
            if where[:end] in self.lines:
                return self.lines[where[:end]]
        return 1

    def problem(self, where: Path_, reason: str) -> None:
        line = self.line(where)
        self._found.append((line, f"{self.path}:{line}: {reason}"))
        self.problems = [text for _, text in sorted(self._found, key=lambda item: item[0])]

    def check(self) -> None:
        """Raise ConfigError with every problem recorded so far, in file order."""
        if self.problems:
            raise ConfigError(self.problems)


def load(path: Path) -> Located:
    """Parse ``path``; a syntax error or unreadable file raises ConfigError with its line."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{path}: cannot read: {exc}"]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        line = found.group(1) if found else "1"
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ConfigError([f"{path}:{line}: not valid TOML: {message}"]) from None
    return Located(path, data, _scan(text))


def _scan(text: str) -> dict[Path_, int]:
    lines: dict[Path_, int] = {}
    arrays: dict[tuple[str, ...], int] = {}
    table: Path_ = ()
    closing: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if closing is not None:
            if closing in line:
                closing = None
            continue
        header = _HEADER.match(line)
        if header:
            keys = _parts(header.group(2))
            resolved: list[str | int] = []
            for index, key in enumerate(keys):
                resolved.append(key)
                prefix = tuple(keys[: index + 1])
                is_last = index == len(keys) - 1
                if header.group(1) == "[[" and is_last:
                    arrays[prefix] = arrays.get(prefix, -1) + 1
                    resolved.append(arrays[prefix])
                elif prefix in arrays:
                    resolved.append(arrays[prefix])
            table = tuple(resolved)
            lines.setdefault(table, number)
            continue
        assign = _ASSIGN.match(line)
        if assign:
            keys = _parts(assign.group(1))
            for end in range(1, len(keys) + 1):
                lines.setdefault((*table, *keys[:end]), number)
            value = assign.group(2).lstrip()
            for quote in ('"""', "'''"):
                if value.startswith(quote) and value.count(quote) == 1:
                    closing = quote
    return lines
