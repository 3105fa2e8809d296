"""Extraction does work linear in the message, proved by counting work, never by timing.

Work is the number of Python lines the SDK executes (``sys.settrace`` on linkscreen's own
frames: comprehensions and generator bodies included), so it does not depend on the machine
or on what else runs. Each shape below was once superlinear (attack report, issue 9): a
joined reading scanned every rewrite mark of its view, a host-less path was compared with
every host of the message, a path regex backtracked over a run of ``%25``. Quadrupling the
message must multiply the work by about four, not by sixteen.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

import pytest

import linkscreen

#: Work may grow by this much when the message grows four times (linear is 4; a quadratic
#: pass gives 16). The margin absorbs fixed costs that the small size does not amortise.
RATIO = 5.5

SHAPES: dict[str, Callable[[int], str]] = {
    "full-width letters and dots": lambda n: ("ａ．" * n)[:n],
    "middle dots between words": lambda n: ("ab·" * n)[:n],
    "space as dot before a TLD word and a path": lambda n: ("a b c d com/x " * n)[:n],
    "one token of %25": lambda n: "http://a.example/" + ("%25" * n)[:n],
    "host-less paths around one host": lambda n: (
        "bad.example " + " ".join(f"al{i}/x{i}" for i in range(n // 10))[:n]
    ),
    "many hosts with paths": lambda n: " ".join(f"h{i}.example/p" for i in range(n // 14))[:n],
    "comma-joined list": lambda n: ("a.example/x," * n)[:n],
    "line breaks": lambda n: ("ab\n" * n)[:n],
    "spaced dots": lambda n: ("ab . " * n)[:n],
    "csv of numbers": lambda n: "\n".join(f"{i},{i * 1.5},{i / 7:.3f}" for i in range(n))[:n],
    "stars between letters": lambda n: ("a*" * n)[:n],
    "emoji between letters": lambda n: ("a😀" * n)[:n],
    "bidi override": lambda n: "\u202e" + ("ab.cd/" * n)[:n],
}
#: Shapes whose pieces are long enough that per-region bounds (16 joints per reading) are
#: reached only past 256 characters are measured from a larger base.
BASE = {"comma-joined list": 1024}


def work(text: str, **kwargs: Any) -> int:
    """Lines of linkscreen code executed by ``extract_links(text)``."""
    count = 0

    def local(frame: FrameType, event: str, arg: object) -> Callable[..., object]:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def calls(frame: FrameType, event: str, arg: object) -> Callable[..., object] | None:
        return local if "linkscreen" in frame.f_code.co_filename else None

    linkscreen.extract_links(text[:16], **kwargs)  # imports, tables and caches first
    sys.settrace(calls)
    try:
        linkscreen.extract_links(text, **kwargs)
    finally:
        sys.settrace(None)
    return count


@pytest.mark.parametrize("shape", list(SHAPES))
def test_work_grows_linearly(shape: str) -> None:
    make = SHAPES[shape]
    size = BASE.get(shape, 256)
    small, large = work(make(size)), work(make(4 * size))
    assert small > 0
    assert large <= RATIO * small, f"{shape}: {small} -> {large} lines for 4x the text"


def test_context_paths_grow_linearly() -> None:
    """Paths joined with hosts from an earlier message: bounded per path."""

    def make(n: int) -> str:
        return " ".join(f"album{i}/x{i} h{i}.example" for i in range(n // 22))

    context = [f"c{i}.example" for i in range(6)]
    small = work(make(512), context_hosts=context)
    large = work(make(2048), context_hosts=context)
    assert large <= RATIO * small
