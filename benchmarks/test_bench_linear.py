"""Long messages of the shapes that were once superlinear or slow (attack report, issue 9).

Each shape is scanned end to end (``scan_text``: extraction, canonicalisation, lookups; pure
Python) at 64 KiB, and a few at 1 MiB, beside two baselines in the same run: a plain regular
expression scan for links (the naive way) and urlextract's ``find_urls`` when installed. The
ratio column compares each with the first row of its group (the regex scan). Targets: any
64 KiB message within 0.5 s, 1 MiB within 10 s; the shapes of ``MEBIBYTE`` (many readings on
one long line, the hostile messages of test_bench_extract.py scaled up) within 2 s (issue 9,
speed round 4). The growth row is time at 64 KiB over time at 16 KiB: linear is 4.
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
    # redirect-wrapper shapes (finding M1): scheme-relative, bare query, fragment, AMP, base64
    "wrapper shapes": lambda n: (
        "https://vk.com/away.php?to=//a.example/x https://w.example/r?https://a.example/x "
        "https://t.example/#url=https://a.example/x https://www.google.com/amp/s/a.example/x "
        "https://w.example/r?u=aHR0cHM6Ly9hLmV4YW1wbGUveA #x=1 ?url=// aHR0c " * n
    )[:n],
    "snake_case words": lambda n: " ".join(["my_var_name_is_long"] * (n // 20 + 1))[:n],
    # French typography: no-break spaces before "!" and "?" and after a dot (attack H4)
    "french chat with no-break spaces": lambda n: (
        "Salut\u202f! Ça va\u202f? Oui.\u00a0Et toi\u00a0? " * n
    )[:n],
    # glued joints (issue 9, linear round): once x4 per doubling (about 40 s at 64 KiB)
    "middle dots alone": lambda n: ("\u00b7" * n)[:n],
    "runs of dots between hosts": lambda n: ("\u00b7\u00b7\u00b7\u00b7a.com" * n)[:n],
    "full stops and middle dots": lambda n: (".\u00b7" * n)[:n],
    # linear round 2: look-alike dots in one token once each looked for a path to its end
    # (x4 per doubling: 7-12 s at 64 KiB); long runs of trailing marks opened every run
    "digits and full-width dots": lambda n: ("1\uff0e" * n)[:n],
    "letters and full-width dots": lambda n: ("a\uff0e" * n)[:n],
    "letters and one-dot leaders": lambda n: ("a\u2024" * n)[:n],
    "bracketed dots and middle dots": lambda n: ("[.]\u00b7" * n)[:n],
    "middle dots and bracketed dots": lambda n: ("\u00b7[.]" * n)[:n],
    "dots in parentheses and middle dots": lambda n: ("(.)\u00b7" * n)[:n],
    "spoken dots between short words": lambda n: ("ab dot cd dot " * n)[:n],
    "spoken dots between made-up words": lambda n: ("jqxvw dot example " * n)[:n],
}
LARGE = ("csv of numbers", "japanese chat", "one token of %25", "french chat with no-break spaces")


def _repeat(piece: str) -> Callable[[int], str]:
    return lambda n: (piece * (n // len(piece) + 1))[:n]


#: Shapes with a reading every few characters on one long line, and the hostile messages of
#: test_bench_extract.py scaled up: 1 MiB within 2 s (speed round 4).
MEBIBYTE: dict[str, Callable[[int], str]] = {
    "dotted words ('ab.cd ')": _repeat("ab.cd "),
    "one-letter labels ('a.b ')": _repeat("a.b "),
    "hosts with a path ('x.io/a ')": _repeat("x.io/a "),
    "words with dots": _repeat("so see acme.chat, or.not here "),
    "hostile: links": _repeat("visit bad.example/x or hxxp://evil[.]test today. "),
    "hostile: hxxp[:]//a[.]example/x": _repeat("hxxp[:]//a[.]example/x "),
    "hostile: decoys": lambda n: " ".join(
        f"http://decoy{i}.example/p{i}" for i in range(n // 30 + 1)
    )[:n],
    "hostile: x[.]": _repeat("x[.]"),
    "hostile: a.": _repeat("a."),
    "hostile: nested brackets": lambda n: (
        "[" * (n // 4) + "(" * (n // 4) + "a.example" + ")" * (n // 4) + "]" * (n // 4)
    ),
    "hostile: spaces after (": lambda n: "(" + " " * (n - 2) + "x",
    "hostile: http:// and letters": lambda n: "http://" + "a" * (n - 7),
}
#: Shapes on which the naive regex scan backtracks (``a.`` repeated: about 4 s at 16 KiB,
#: superlinear): it is timed on 16 KiB of them only.
NAIVE_BACKTRACKS = frozenset({"hostile: a."})

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


@pytest.mark.parametrize("shape", list(MEBIBYTE))
def test_mebibyte_shapes(recorder: Any, matcher: linkscreen.Matcher, shape: str) -> None:
    make = MEBIBYTE[shape]
    text = make(1024 * KIB)
    group = f"1 MiB message, seconds (target 2 s): {shape}"
    for name, func in BASELINES.items():
        if shape in NAIVE_BACKTRACKS:
            recorder(
                group, f"{name} (16 KiB only: it backtracks)", _best(func, text[: 16 * KIB], 1), "s"
            )
            continue
        recorder(group, name, _best(func, text, 1), "s")
    large = _best(matcher.scan_text, text, 1)
    recorder(group, "linkscreen scan_text, pure", large, "s")
    small = _best(matcher.scan_text, make(256 * KIB), 1)
    recorder(f"growth 256 KiB -> 1 MiB (linear: 4): {shape}", "linkscreen", large / small, "x")
