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

from collections.abc import Callable
from typing import Any

__all__ = ["TokenMemo"]

#: How far back ``Reader._repair_scheme`` looks for a scheme glued before a ``//`` token.
SCHEME_GLUE_BACK = 24

_Key = tuple[str, tuple[int, ...] | None, tuple[tuple[int, int, Any], ...], str | None]
_Held = tuple[tuple[tuple[str, int, int, Any, bool], ...], tuple[str, ...]]


class TokenMemo:
    """The readings of the tokens of one view (``read``), each distinct key read once."""

    __slots__ = ("_found", "_held", "_loose", "_out", "_reader", "_seen", "_view")

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
        key = self._key(start, end, token)
        if key is None:
            self._reader(view, start, end, self._out, self._loose, ())
            return
        base = self._view.source(start)
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

    def _key(self, start: int, end: int, token: str) -> _Key | None:
        view = self._view
        text = view.text
        if end >= len(text):
            return None  # the view's last token: past its end the map reads differently
        origin = view.origin
        base = view.source(start)
        relative: tuple[int, ...] | None = None
        if origin is None:
            lo, hi = start, end + 1
        else:
            piece = origin[start : end + 1]
            relative = tuple(map(base.__rsub__, piece))  # index - base
            lo, hi = min(piece), max(piece) + 1
        marks: tuple[tuple[int, int, Any], ...] = ()
        if view.marked:
            touching = view.overlapping(lo, hi)
            if touching:
                marks = tuple(sorted([(s - base, e - base, t) for s, e, t in touching]))
        before = text[max(0, start - SCHEME_GLUE_BACK) : start] if "//" in token else None
        return (token, relative, marks, before)
