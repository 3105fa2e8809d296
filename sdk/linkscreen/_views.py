"""Views of a message: a rewritten text plus, per character, the index it came from.

Every reading of a link is built from views, so every candidate keeps its span in the original
message and the techniques of the rewrites that touched it. A view never loses the map.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from .results import Technique

__all__ = ["Mark", "View"]

#: ``(start, end, technique)``: an original span a rewrite touched.
Mark = tuple[int, int, Technique]


#: Up to this many marks are scanned in place; more are indexed (``_MarkIndex``).
_FEW_MARKS = 16


class _MarkIndex:
    """Marks grouped by length class (a power of two), each class sorted by start: the marks
    overlapping a span are found by bisection in every class, so a lookup costs the classes
    present plus what it returns, however many marks the view holds and however long."""

    __slots__ = ("classes", "count")

    def __init__(self, marks: list[Mark]) -> None:
        self.count = len(marks)
        grouped: dict[int, list[Mark]] = {}
        for mark in marks:
            grouped.setdefault((mark[1] - mark[0]).bit_length(), []).append(mark)
        self.classes: list[tuple[int, list[Mark], list[int]]] = []
        for bits, members in grouped.items():
            members.sort()
            self.classes.append((1 << bits, members, [m[0] for m in members]))

    def overlapping(self, start: int, end: int) -> list[Mark]:
        """Marks ``(s, e, t)`` with ``s < end`` and ``e > start``."""
        found: list[Mark] = []
        for width, members, starts in self.classes:
            lo = bisect.bisect_left(starts, start - width + 1)
            hi = bisect.bisect_left(starts, end)
            if lo < hi:
                found.extend(m for m in members[lo:hi] if m[1] > start)
        return found


class Scanner(Protocol):
    """What :meth:`View.rewrite` scans with: a compiled pattern, or an object that finds
    the same matches faster (``_refang``)."""

    def search(self, string: str) -> re.Match[str] | None: ...

    def finditer(self, string: str) -> Iterator[re.Match[str]]: ...


@dataclass
class View:
    """A rewritten text and, for each of its characters, the original index it came from."""

    text: str
    origin: list[int] | None  # None: the identity map
    marks: list[Mark] = field(default_factory=list)
    monotone: bool = True
    """False when part of the text was reordered (a reversed bidi run)."""
    inherited: tuple[View, list[tuple[int, int]]] | None = None
    """For a view joined from slices of one view: that view and the original spans of the
    slices; its marks over those spans count as this view's (read on demand, not copied)."""
    _index: _MarkIndex | None = field(default=None, repr=False, compare=False)

    @property
    def marked(self) -> bool:
        """Whether any rewrite touched this view (its own marks or inherited ones)."""
        return bool(self.marks) or self.inherited is not None

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

    def overlapping(self, start: int, end: int) -> list[Mark]:
        """Marks of this view touching the original span ``[start, end)``, bisected."""
        found: list[Mark] = []
        if 0 < len(self.marks) <= _FEW_MARKS:  # a joined reading's own joints: just look
            found = [m for m in self.marks if m[0] < end and m[1] > start]
        elif self.marks:
            index = self._index
            if index is None or index.count != len(self.marks):
                index = self._index = _MarkIndex(self.marks)
            found = index.overlapping(start, end)
        if self.inherited is not None:
            base, spans = self.inherited
            los = [lo for lo, _ in spans]
            ordered = self.monotone and base.monotone
            for mark in base.overlapping(start, end):
                if ordered:  # slices in order: the last one starting before the mark's end
                    at = bisect.bisect_left(los, mark[1]) - 1
                    if at >= 0 and spans[at][1] > mark[0]:
                        found.append(mark)
                elif any(lo < mark[1] and hi > mark[0] for lo, hi in spans):
                    found.append(mark)
        return found

    def techniques(self, start: int, end: int) -> list[Technique]:
        """Techniques of the rewrites that touched the original span ``[start, end)``."""
        if not self.marked:
            return []
        found = self.overlapping(start, end)
        if not found:
            return []
        first = found[0][2]
        for mark in found:
            if mark[2] is not first:
                return list(dict.fromkeys(t for _, _, t in sorted(set(found))))
        return [first]  # the common case: one technique (a defanged link's every mark)

    def all_marks(self) -> list[Mark]:
        """Every mark of this view, inherited ones included (for a view built from it)."""
        if self.inherited is None:
            return list(self.marks)
        base, spans = self.inherited
        inherited = [m for lo, hi in spans for m in base.overlapping(lo, hi)]
        return list(dict.fromkeys([*inherited, *self.marks]))

    def origin_slice(self, start: int, end: int) -> list[int]:
        if self.origin is None:
            return list(range(start, end))
        return self.origin[start:end]

    def rewrite(
        self,
        pattern: Scanner,
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
        marks = self.all_marks()
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
    orig_end)`` (a literal standing for that original span). The marks of a single source
    view are inherited by reference (looked up by bisection when a reading asks), so joining
    costs the length of the result, never the number of marks of the source.
    """
    run = Joined()
    for part in parts:
        run.add(part)
    return run.view()


class Joined:
    """``joined`` built part by part: a view of the parts so far at any point (``view``).
    The runs of a chain from one piece are prefixes of one another (``Reader._chain``):
    each part is added once, not once per run that holds it (issue 9)."""

    __slots__ = ("_base", "_marks", "_monotone", "_origin", "_pieces", "_spans")

    def __init__(self) -> None:
        self._pieces: list[str] = []
        self._origin: list[int] = []
        self._marks: list[Mark] = []
        self._monotone = True
        self._base: View | None = None
        self._spans: list[tuple[int, int]] = []

    def add(self, part: tuple[View, int, int] | tuple[str, int, int]) -> None:
        source, start, end = part
        if isinstance(source, View):
            self._monotone = self._monotone and source.monotone
            self._pieces.append(source.text[start:end])
            self._origin.extend(source.origin_slice(start, end))
            if source.marked:
                if self._base is None or self._base is source:
                    self._base = source
                    self._spans.append(source.span(start, end))
                else:  # slices of several marked views: copy the other one's marks
                    lo, hi = source.span(start, end)
                    self._marks.extend(source.overlapping(lo, hi))
        elif source:
            self._pieces.append(source)
            self._origin.extend([start] * (len(source) - 1))
            self._origin.append(max(start, end - 1))

    def view(self) -> View:
        """The view of the parts added so far (a copy: adding more leaves it as it is)."""
        base = self._base
        inherited = (base, list(self._spans)) if base is not None else None
        return View(
            "".join(self._pieces),
            list(self._origin),
            list(dict.fromkeys(self._marks)),
            self._monotone,
            inherited,
        )
