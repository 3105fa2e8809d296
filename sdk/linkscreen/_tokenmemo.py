"""A token read once per view, however often the view repeats it (issue 9, speed round 5).

``Reader.tokens`` reads every token of a view (``Reader._token``: the token, its cuts, its
broken scheme, wrapped targets). What that reading gives is a function of what it looks
at: the token's text; the view's map from its characters (the token and the one after it)
back to the message; the rewrite marks over that stretch of the message (the techniques of
each reading); and, for a token holding ``//``, the 24 characters before it (a glued
scheme). When all of these are the same as at an earlier place of the same view, up to a
shift of the message's indices, the readings are that place's shifted: same texts, same
techniques, spans moved by the shift. ``TokenMemo`` keeps, per such key, the readings
(relative to the token's first original index) and notes of the first place and gives them
again at the others. A text is keyed only from its second place on, so a message whose
tokens are all different pays one set lookup per token. Views that reorder text (bidi) or
borrow marks from another view are not memoised.
"""

from __future__ import annotations

import operator
from bisect import bisect_left
from collections.abc import Callable
from operator import itemgetter
from typing import Any

__all__ = ["TokenMemo"]

#: How far back ``Reader._repair_scheme`` looks for a scheme glued before a ``//`` token.
SCHEME_GLUE_BACK = 24

#: A mark wider than this makes ``_touching`` ask the view (its bisection window would be wide).
_WIDE_MARK = 64

_Key = tuple[
    str, tuple[int, ...] | bytes | str | None, tuple[tuple[int, int, Any], ...], str | None
]
_Held = tuple[tuple[tuple[str, int, int, Any, bool], ...], tuple[str, ...]]


class TokenMemo:
    """The readings of the tokens of one view (``read``), each distinct key read once."""

    __slots__ = (
        "_found",
        "_held",
        "_loose",
        "_marks",
        "_out",
        "_reader",
        "_seen",
        "_step_text",
        "_view",
    )

    def __init__(
        self,
        view: Any,
        out: list[Any],
        found: Callable[..., Any],
        reader: Callable[..., None],
        loose: bool,
    ) -> None:
        self._view = view
        self._out = out
        self._found = found  # the reading's type (``Found``)
        self._reader = reader  # ``Reader._token``
        self._loose = loose
        self._seen: set[str] = set()
        self._held: dict[_Key, _Held] = {}
        self._step_text: bytes | str | None = None  # ``_steps``, computed at the first key
        self._marks: tuple[int, list[Any], list[int], int] | None = None  # ``_touching``

    @staticmethod
    def usable(view: Any) -> bool:
        """Whether a view's readings shift with its map (text in order, marks its own)."""
        return bool(view.monotone) and view.inherited is None

    def read(self, start: int, end: int) -> None:
        """The readings of the token ``view.text[start:end]``: ``Reader._token``'s, or what
        it gave at an earlier place with the same key."""
        view = self._view
        token = view.text[start:end]
        if token not in self._seen:
            self._seen.add(token)
            self._reader(view, start, end, self._out, self._loose, ())
            return
        keyed = self._key(start, end, token)
        if keyed is None:
            self._reader(view, start, end, self._out, self._loose, ())
            return
        key, base = keyed
        out = self._out
        held = self._held.get(key)
        if held is None:
            count = len(out)
            notes: list[str] | None = getattr(out, "notes", None)
            noted = len(notes) if notes is not None else 0
            self._reader(view, start, end, out, self._loose, ())
            self._held[key] = (
                tuple(
                    (f.url, f.start - base, f.end - base, f.techniques, f.loose)
                    for f in out[count:]
                ),
                tuple(notes[noted:]) if notes is not None else (),
            )
            return
        found = self._found
        for url, lo, hi, techniques, loose in held[0]:
            out.append(found(url, lo + base, hi + base, techniques, loose))
        if held[1]:
            out.notes.extend(held[1])  # type: ignore[attr-defined]

    def _steps(self) -> bytes | str:
        """The view's map as one string, item ``i`` the step from ``origin[i]`` to
        ``origin[i + 1]`` (bytes when every step is below 256); ``""`` when a step goes
        backwards (then keyed as tuples)."""
        steps = self._step_text
        if steps is None:
            origin = self._view.origin or []
            try:  # one pass in C: refused (ValueError) when a step is not in range(256)
                steps = bytes(map(operator.sub, origin[1:], origin[:-1]))
            except ValueError:
                diffs = list(map(operator.sub, origin[1:], origin[:-1]))
                forwards = min(diffs) >= 0 and max(diffs) < 0x110000
                steps = "".join(map(chr, diffs)) if forwards else ""
            self._step_text = steps
        return steps

    def _touching(self, lo: int, hi: int) -> list[tuple[int, int, Any]]:
        """The view's own marks ``(s, e, t)`` with ``s < hi`` and ``e > lo`` (the same set as
        ``View.overlapping``: a usable view inherits none), by bisection over the marks sorted
        by start: a mark ending after ``lo`` starts after ``lo - width``."""
        view = self._view
        marks = view.marks
        index = self._marks
        if index is None or index[0] != len(marks):
            ordered = sorted(marks, key=itemgetter(0))
            width = max((e - s for s, e, _ in ordered), default=0)
            index = self._marks = (len(marks), ordered, [m[0] for m in ordered], width)
        _, ordered, starts, width = index
        if width > _WIDE_MARK:
            return list(view.overlapping(lo, hi))
        first = bisect_left(starts, lo - width + 1)
        if first == len(starts) or starts[first] >= hi:
            return []  # the common case: no mark starts near the token
        last = bisect_left(starts, hi, first)
        return [m for m in ordered[first:last] if m[1] > lo]

    def _key(self, start: int, end: int, token: str) -> tuple[_Key, int] | None:
        """The key of the token ``view.text[start:end]`` and its first original index."""
        view = self._view
        text = view.text
        if end >= len(text):
            return None  # the view's last token: past its end the map reads differently
        origin = view.origin
        relative: tuple[int, ...] | bytes | str | None = None
        if origin is None:
            base = start
            lo, hi = start, end + 1
        else:
            base = origin[start]
            steps = self._step_text if self._step_text is not None else self._steps()
            if steps:  # every step forwards: the steps say the map (the same key, shorter)
                relative = steps[start:end]
                lo, hi = base, origin[end] + 1
            else:
                piece = origin[start : end + 1]
                relative = tuple(map(base.__rsub__, piece))  # index - base
                lo, hi = min(piece), max(piece) + 1
        marks: tuple[tuple[int, int, Any], ...] = ()
        if view.marks:
            touching = self._touching(lo, hi)
            if touching:
                marks = tuple(sorted([(s - base, e - base, t) for s, e, t in touching]))
        before = text[max(0, start - SCHEME_GLUE_BACK) : start] if "//" in token else None
        return (token, relative, marks, before), base
