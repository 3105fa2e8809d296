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
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import linkscreen

#: Work may grow by this much when the message grows four times (linear is 4; a quadratic
#: pass gives 16). The margin absorbs fixed costs that the small size does not amortise.
RATIO = 5.5

#: Chat typed with French typography: a narrow no-break space before "!" and "?", a
#: no-break space after a dot (each odd space was once compared with every joint, H4).
_FRENCH = "Salut\u202f! Ça va\u202f? Oui.\u00a0Et toi\u00a0? "

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
    "dotted words on one line": lambda n: ("ab.cd " * n)[:n],
    "one-letter hosts": lambda n: ("a.b " * n)[:n],
    "hosts with a path": lambda n: ("x.io/a " * n)[:n],
    "words with dots": lambda n: ("so see acme.chat, or.not here " * n)[:n],
    "dots before no-break spaces": lambda n: ("a.\u00a0" * n)[:n],
    "french chat with no-break spaces": lambda n: (_FRENCH * n)[:n],
    # two glued joints ("····" is "···" then "·") once started each next chain at the start
    # of the white-space token: n/3 chains of the whole token (issue 9)
    "middle dots alone": lambda n: ("\u00b7" * n)[:n],
    "ideographic full stops alone": lambda n: ("\u3002" * n)[:n],
    "runs of dots between hosts": lambda n: ("\u00b7\u00b7\u00b7\u00b7a.com" * n)[:n],
    "runs of bullets between words": lambda n: ("a\u2022\u2022\u2022\u2022b" * n)[:n],
    # a run of dots (the ASCII and a look-alike read as ".") was trimmed from every end
    "full stops and middle dots": lambda n: (".\u00b7" * n)[:n],
}
#: Shapes whose pieces are long enough that per-region bounds (16 joints per reading) are
#: reached only past 256 characters are measured from a larger base.
BASE = {"comma-joined list": 1024, "french chat with no-break spaces": 1024}


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


#: Pieces and joints of chains: labels, numbers, schemes, emoticons, every joint family.
_WORDS = [
    "bad",
    "example",
    "com",
    "in",
    "io",
    "1",
    "192",
    "0x7f",
    "www",
    "http",
    "hxxp",
    "xn--p1ai",
]
_WORDS += ["8D", "xD", "=P", "log", "pkg", "ab", "1.2", "a-b", "uk", "co", "信息", "١٢", "x例"]
_SEPARATORS = [".", " ", "*", "_", ",", "\n", " . ", "/", "", "・", "。", " dot ", "#", "~", "+"]
_SEPARATORS += ["=", "&", "!", "?", "'", "-", ":", "//", "\n\n", "\n> ", "%2e", "\\", ";", "@"]


def _every_run(self: object, first: int, stop: int) -> list[int]:
    return list(range(first, stop))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example([("bad", " . "), ("example", "."), ("comx", "/")])  # an emoticon cut ("x/")
@example([("ab", "\n"), ("12", "/"), ("x", "*"), ("y", "")])  # digits glued after letters
@example([("1", "*"), ("2", "."), ("3", "_"), ("4", "/"), ("a", "")])  # a numeric host
@example([("bad", "\n"), ("exam", "\n"), ("ple", "."), ("com", "")])  # a label across lines
@example([("=?a", "~"), ("b.com/x", "例")])  # a cut starts past a host stop
@example([("3١", "?/．"), ("x", "")])  # digits of another script are numeric
@example([("例え", "*"), ("bad", "."), ("com例", "")])  # a cut before non-ASCII text
@example([("1", "."), ("1", "."), ("1", "*"), ("0x7f", "!"), ("=P", ".")])  # emoticon, then "."
@example([("ok", " "), ("io", ". "), ("x", " "), ("b.io/a", ". "), ("io", ". "), ("x", "")])
@example([("uk", "."), ("192", "."), ("xn--p1ai", "#"), ("192", " . ")])  # a piece read alone
@given(st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from(_SEPARATORS)), max_size=14))
def test_skipped_runs_hold_no_reading(pieces: list[tuple[str, str]]) -> None:
    """The gate that skips runs of a chain never loses a reading: every run read in full
    gives the same candidates. So does a chain seen before, skipped as quiet (a Reader
    remembers chains whose runs gave nothing)."""
    text = "".join(word + sep for word, sep in pieces)
    gated = linkscreen.extract_links(text)
    again = linkscreen.extract_links(text)  # its quiet chains skipped
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("linkscreen._readings._Gate.runs", _every_run)
        patch.setattr("linkscreen.extract._READERS", {})  # a new Reader: nothing remembered
        full = linkscreen.extract_links(text)
    assert list(gated) == list(full)
    assert gated.notes == full.notes
    assert list(again) == list(full)
    assert again.notes == full.notes


#: Shapes with many readings on one long line, each reading judged by its line (code or not).
LONG_LINES: dict[str, Callable[[int], str]] = {
    "dotted words": lambda n: ("ab.cd " * n)[:n],
    "one-letter hosts": lambda n: ("a.io " * n)[:n],
    "a line of code": lambda n: ("x == y.io and " * n)[:n],
    "words with dots and line breaks": lambda n: ("acme.chat or.not\n" * 8 + " ") * n,
}


@pytest.mark.parametrize("shape", list(LONG_LINES))
def test_each_line_is_judged_once(shape: str) -> None:
    """The characters judged as lines of code (``line_reads_as_code``, dotted names beside a
    reading) stay within a few times the message however many readings share a line: a long
    line is judged in pieces, each once (every character in two), not once per reading (16
    KiB of "ab.cd " once judged 2,730 windows of 1 KiB); short lines once each, or once per
    run of lines that a reading joins."""
    from linkscreen import _evidence

    judged = {"lines": 0, "names": 0}
    reads, names = _evidence.line_reads_as_code, _evidence._code_names

    def counted_reads(line: str) -> bool:
        judged["lines"] += len(line)
        return reads(line)

    def counted_names(line: str) -> frozenset[str]:
        judged["names"] += len(line)
        return names(line)

    text = LONG_LINES[shape](16 * 1024)[: 16 * 1024]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_evidence, "line_reads_as_code", counted_reads)
        patch.setattr(_evidence, "_code_names", counted_names)
        found = linkscreen.extract_links(text)
    assert len(found) > 100
    assert 0 < judged["lines"] <= 4 * len(text), judged
    assert judged["names"] <= 4 * len(text), judged


def test_glued_joints_bound_is_reported() -> None:
    """A piece glued to a run of glued joints reaches over at most MAX_JOINTS of them on each
    side (``_readings._chains``): a reading at the cut is noted, never silently dropped; a
    message without such a reading stays complete."""
    hosts = linkscreen.extract_links("\u00b7\u00b7\u00b7\u00b7a.example" * 40)
    assert not hosts.complete
    assert any("glued joints" in note for note in hosts.notes)
    dots = linkscreen.extract_links("\u00b7" * 3000)
    assert dots.complete
    assert not list(dots)
    short = linkscreen.extract_links(
        "see\u00b7\u00b7\u00b7\u00b7bad.example\u00b7\u00b7\u00b7\u00b7now"
    )
    assert short.complete
    assert "bad.example" in [c.url for c in short]


@pytest.mark.parametrize(
    "piece", ["\u00b7", "\u3002", "\u00b7\u00b7\u00b7\u00b7a.com", "a\u2022\u2022\u2022\u2022b"]
)
def test_glued_joints_cover_each_character_a_bounded_number_of_times(piece: str) -> None:
    """Chains of pieces split by glued joints cover the message a bounded number of times
    (the gate and the shape of a chain cost its length, in C: lines do not show it). Each
    chain once ran from the start of its white-space token to its end: 16 KiB of ``"·"``
    built 5,461 chains of 8 KiB on average."""
    from linkscreen import _readings

    covered = 0
    chains = _readings._chains

    def counted(text: str, joints: list[Any]) -> list[Any]:
        nonlocal covered
        found = chains(text, joints)
        covered += sum(atoms[-1][1] - atoms[0][0] for atoms, _ in found)
        return found

    text = (piece * (16 * 1024))[: 16 * 1024]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_readings, "_chains", counted)
        linkscreen.extract_links(text)
    assert covered <= 64 * len(text), covered
