"""Long messages of the shapes that were once superlinear or slow (attack report, issue 9).

Each shape is scanned end to end (``scan_text``: extraction, canonicalisation, lookups; pure
Python) at 64 KiB, and a few at 1 MiB, beside two baselines in the same run: a plain regular
expression scan for links (the naive way) and urlextract's ``find_urls`` when installed. The
ratio column compares each with the first row of its group (the regex scan). Targets: any
64 KiB message within 0.5 s, 1 MiB within 10 s. The growth row is time at 64 KiB over time at
16 KiB: linear is 4.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import pytest

import linkscreen

KIB = 1024

SHAPES: dict[str, Callable[[int], str]] = {
    "full-width letters and dots": lambda n: ("ａ．" * n)[:n],
    "space as dot before a TLD word": lambda n: ("a b c d com/x " * n)[:n],
    "one token of %25": lambda n: "http://a.example/" + ("%25" * n)[:n],
    "csv of numbers": lambda n: "\n".join(
        f"{i},{i * 1.5},{i / 7:.3f},2025-01-{i % 28 + 1:02d}" for i in range(n // 20 + 1)
    )[:n],
    "pip freeze": lambda n: "\n".join(f"pkg_{i}==1.{i}.0" for i in range(n // 14 + 1))[:n],
    "japanese chat": lambda n: (
        "今日は新しいプロジェクトの打ち合わせがありました。ok、thanks！明日の予定は？\n" * n
    )[:n],
    "stars between letters": lambda n: ("a*" * n)[:n],
    "google /url? with many q=": lambda n: (
        "https://www.google.com/url?" + ("q=http%3A%2F%2Fa.example&" * n)[:n]
    ),
    "snake_case words": lambda n: " ".join(["my_var_name_is_long"] * (n // 20 + 1))[:n],
}
LARGE = ("csv of numbers", "japanese chat", "one token of %25")

_NAIVE = re.compile(r"https?://[^\s<>\"']+|\b[\w-]+(?:\.[\w-]+)+\.[a-z]{2,}\b", re.IGNORECASE)


def _baselines() -> dict[str, Callable[[str], object]]:
    found: dict[str, Callable[[str], object]] = {"regex scan": _NAIVE.findall}
    try:
        from urlextract import URLExtract

        found["urlextract"] = URLExtract().find_urls
    except ImportError:
        pass
    return found


BASELINES = _baselines()


def _best(func: Callable[[str], object], text: str, rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        func(text)
        best = min(best, time.perf_counter() - start)
    return best


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    import os

    from bundles import compile_lists, open_bytes

    os.environ["LINKSCREEN_PURE"] = "1"
    data = compile_lists(
        tmp_path_factory.mktemp("linear"), {"h": (["http://bad.example/"], linkscreen.Action.BLOCK)}
    )
    return linkscreen.Matcher(open_bytes(data))


@pytest.mark.parametrize("shape", list(SHAPES))
def test_long_message(
    benchmark: Any, recorder: Any, matcher: linkscreen.Matcher, shape: str
) -> None:
    make = SHAPES[shape]
    text = make(64 * KIB)
    group = f"64 KiB message, seconds (target 0.5 s): {shape}"
    for name, func in BASELINES.items():
        recorder(group, name, _best(func, text), "s")
    benchmark.pedantic(matcher.scan_text, args=(text,), rounds=1, iterations=1)
    recorder(group, "linkscreen scan_text, pure", _best(matcher.scan_text, text), "s")
    small = _best(matcher.scan_text, make(16 * KIB))
    growth = _best(matcher.scan_text, text, 1) / max(small, 1e-6)
    recorder(f"growth 16 -> 64 KiB (linear: 4): {shape}", "linkscreen", growth, "x")


@pytest.mark.parametrize("shape", LARGE)
def test_one_mebibyte(recorder: Any, matcher: linkscreen.Matcher, shape: str) -> None:
    text = SHAPES[shape](1024 * KIB)
    group = f"1 MiB message, seconds (target 10 s): {shape}"
    for name, func in BASELINES.items():
        recorder(group, name, _best(func, text, 1), "s")
    recorder(group, "linkscreen scan_text, pure", _best(matcher.scan_text, text, 1), "s")
