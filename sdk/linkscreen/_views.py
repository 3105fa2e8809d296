"""Views of a message: a rewritten text plus, per character, the index it came from.

Every reading of a link is built from views, so every candidate keeps its span in the original
message and the techniques of the rewrites that touched it. A view never loses the map.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .results import Technique

__all__ = ["Mark", "View"]

#: ``(start, end, technique)``: an original span a rewrite touched.
Mark = tuple[int, int, Technique]


@dataclass
class View:
    """A rewritten text and, for each of its characters, the original index it came from."""

    text: str
    origin: list[int] | None  # None: the identity map
    marks: list[Mark] = field(default_factory=list)
    monotone: bool = True
    """False when part of the text was reordered (a reversed bidi run)."""
    _index: tuple[int, list[Mark], list[int], int] | None = field(
        default=None, repr=False, compare=False
    )

    def source(self, index: int) -> int:
        if self.origin is None:
            return index
        if index >= len(self.origin):
            return (self.origin[-1] + 1) if self.origin else 0
        return self.origin[index]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original span of view characters ``[start, end)``."""
        if end <= start:
            return self.source(start), self.source(start)
        if not self.monotone and self.origin is not None:
            piece = self.origin[start:end]
            return min(piece), max(piece) + 1
        return self.source(start), self.source(end - 1) + 1

    def techniques(self, start: int, end: int) -> list[Technique]:
        """Techniques of the rewrites that touched the original span ``[start, end)``."""
        if not self.marks:
            return []
        index = self._index
        if index is None or index[0] != len(self.marks):
            ordered = sorted(self.marks)
            longest = max(e - s for s, e, _ in ordered)
            index = self._index = (len(self.marks), ordered, [m[0] for m in ordered], longest)
        _, ordered, starts, longest = index
        lo = bisect.bisect_left(starts, start - longest)
        hi = bisect.bisect_left(starts, end)
        return list(dict.fromkeys(t for s, e, t in ordered[lo:hi] if e > start))

    def origin_slice(self, start: int, end: int) -> list[int]:
        if self.origin is None:
            return list(range(start, end))
        return self.origin[start:end]

    def rewrite(
        self,
        pattern: re.Pattern[str],
        replace: Callable[[re.Match[str]], str | None],
        name: Technique | Callable[[re.Match[str]], Technique],
    ) -> View:
        """Apply ``replace`` to every match (None keeps it); map and mark what changed.

        A replacement stands for its whole match: its first character maps to the match's
        start and its last to the match's end, so spans stay inside the original text.
        """
        text = self.text
        if pattern.search(text) is None:  # the common case: nothing to rewrite
            return self
        pieces: list[str] = []
        origin: list[int] = []
        marks = list(self.marks)
        source = self.origin
        last = 0
        fixed = name if isinstance(name, Technique) else None
        add_piece, add_origin, add_mark = pieces.append, origin.extend, marks.append
        for match in pattern.finditer(text):
            new = replace(match)
            if new is None:
                continue
            at, end = match.span()
            if end - at == len(new) and new == text[at:end]:
                continue
            add_piece(text[last:at])
            if source is None:
                add_origin(range(last, at))
                start, stop = at, end
            else:
                add_origin(source[last:at])
                start, stop = source[at], source[end - 1] + 1
            add_piece(new)
            if new:
                if len(new) > 1:
                    add_origin([start] * (len(new) - 1))
                origin.append(stop - 1)
            add_mark((start, stop, fixed if fixed is not None else name(match)))  # type: ignore[operator]
            last = end
        if not pieces:
            return self
        pieces.append(text[last:])
        origin.extend(range(last, len(text)) if source is None else source[last:])
        return View("".join(pieces), origin, marks, self.monotone)


def joined(parts: list[tuple[View, int, int] | tuple[str, int, int]]) -> View:
    """A view made of slices of views and literal strings mapped onto original spans.

    Each part is ``(view, start, end)`` (a slice of that view) or ``(text, orig_start,
    orig_end)`` (a literal standing for that original span).
    """
    pieces: list[str] = []
    origin: list[int] = []
    marks: list[Mark] = []
    monotone = True
    for part in parts:
        source, start, end = part
        if isinstance(source, View):
            monotone = monotone and source.monotone
            pieces.append(source.text[start:end])
            origin.extend(source.origin_slice(start, end))
            if source.marks:
                lo, hi = source.span(start, end)
                marks.extend(m for m in source.marks if m[0] < hi and m[1] > lo)
        elif source:
            pieces.append(source)
            origin.extend([start] * (len(source) - 1))
            origin.append(max(start, end - 1))
    return View("".join(pieces), origin, list(dict.fromkeys(marks)), monotone)
