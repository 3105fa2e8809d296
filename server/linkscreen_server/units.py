"""Durations as operators write them: ``72h``, ``3d``, ``90m``, ``30s`` or plain seconds."""

from __future__ import annotations

_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str | int) -> int:
    """Seconds in ``text``; raises ValueError saying what was wrong."""
    if isinstance(text, int):
        return text
    try:
        if text and text[-1] in _SECONDS:
            return int(float(text[:-1]) * _SECONDS[text[-1]])
        return int(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a duration like 72h, 3d or 90m") from None
