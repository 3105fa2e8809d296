"""Extraction does work linear in the message, proved by counting work, never by timing.

Work is the number of Python lines the SDK executes (``sys.settrace`` on linkscreen's own
frames: comprehensions and generator bodies included), so it does not depend on the machine
or on what else runs. Each shape below was once superlinear (attack report, issue 9): a
joined reading scanned every rewrite mark of its view, a host-less path was compared with
every host of the message, a path regex backtracked over a run of ``%25``. Quadrupling the
message must multiply the work by about four, not by sixteen.
"""

from __future__ import annotations

import re
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
    # look-alike dots in one long token: each one looked for a path to the token's end
    # (``_evidence.path_after``, issue 9: x4 per doubling, in the regex engine)
    "digits and full-width dots": lambda n: ("1\uff0e" * n)[:n],
    "letters and full-width dots": lambda n: ("x\uff0e" * n)[:n],  # ("a．": the fold of "ａ．")
    "letters and one-dot leaders": lambda n: ("a\u2024" * n)[:n],
    # runs of trailing marks longer than 64 let every run of the chain through the gate
    "bracketed dots and middle dots": lambda n: ("[.]\u00b7" * n)[:n],
    "middle dots and bracketed dots": lambda n: ("\u00b7[.]" * n)[:n],
    "dots in parentheses and middle dots": lambda n: ("(.)\u00b7" * n)[:n],
    "spoken dots between short words": lambda n: ("ab dot cd dot " * n)[:n],
}
#: Shapes whose pieces are long enough that per-region bounds (16 joints per reading) are
#: reached only past 256 characters are measured from a larger base.
BASE = {"comma-joined list": 1024, "french chat with no-break spaces": 1024}
#: Shapes whose refanged view is another shape's (".·"): below 1 KiB its chains are held as
#: quiet from that shape (``Reader._quiet``), so the small size would cost less than it does.
BASE |= dict.fromkeys(
    ["bracketed dots and middle dots", "middle dots and bracketed dots",
     "dots in parentheses and middle dots"],
    1024,
)  # fmt: skip


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


def test_a_path_is_looked_for_once_per_token() -> None:
    """Whether a path follows a glued mark (``_evidence.path_after``) is read from the mark
    to the token's first white space or slash: a token of n look-alike dots once read
    n * n / 4 characters (64 KiB of "a．" took 7-12 s, x4 per doubling, in the regex engine
    where lines do not show it); the stop found is remembered for the marks before it."""
    from linkscreen import _evidence

    read = 0
    stops = re.compile(r"[\s/]")
    # the stop pattern, or (before it) the path pattern matched at each mark
    name = "_PATH_STOP" if hasattr(_evidence, "_PATH_STOP") else "_PATH_AFTER"
    pattern = getattr(_evidence, name)

    class Counted:
        """The pattern, counting the characters it reads: up to the first stop."""

        def _count(self, text: str, pos: int) -> None:
            nonlocal read
            found = stops.search(text, pos)
            read += (len(text) if found is None else found.end()) - pos

        def search(self, text: str, pos: int) -> re.Match[str] | None:
            self._count(text, pos)
            return pattern.search(text, pos)

        def match(self, text: str, pos: int) -> re.Match[str] | None:
            self._count(text, pos)
            return pattern.match(text, pos)

    for piece in ("a\uff0e", "1\uff0e", "a\u2024", "log\uff5ein/"):
        text = (piece * 8192)[:16384]
        read = 0
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(_evidence, name, Counted())
            linkscreen.extract_links(text)
        assert read <= 8 * len(text), (piece, read)


@pytest.mark.parametrize(
    "text",
    [
        "a\uff0eb\uff0ec/d e\uff0ef g\uff0eh/",
        "see\uff0eyou/x and log\uff5ein now\uff0ehere/",
        "x/\uff0e\uff0e/ \uff0e",
        "",
    ],
)
def test_a_remembered_path_stop_answers_as_the_pattern(text: str) -> None:
    """``path_after`` answers as ``[^\\s/]*/`` matched at the place, in any order of places
    and texts (the stop it remembers is used only between the place it was found from and
    the stop)."""
    from linkscreen import _evidence

    pattern = re.compile(r"[^\s/]*/")
    other = text + " z/"
    places = list(range(len(text) + 1))
    for order in (places, places[::-1], places[::2] + places[1::2]):
        for at in order:  # one text, then the other, then both in turns
            assert _evidence.path_after(text, at) == (pattern.match(text, at) is not None)
        for at in order:
            assert _evidence.path_after(other, at) == (pattern.match(other, at) is not None)
        for at in order:
            assert _evidence.path_after(text, at) == (pattern.match(text, at) is not None)
            assert _evidence.path_after(other, at) == (pattern.match(other, at) is not None)
    # another text with the same places: its own stop ("ab c/": a space; "abc/": a slash)
    assert not _evidence.path_after("ab c/", 0)
    assert _evidence.path_after("abc/", 1)


@pytest.mark.parametrize("piece", [".\u00b7", "[.]\u00b7", "\u00b7[.]", "(.)\u00b7", "!\u00b7"])
def test_long_runs_of_trailing_marks_let_no_run_through(piece: str) -> None:
    """A run of trailing marks (``.`` ``!`` ``?``, the joints read as ``.``) is walked once by
    the gate (``_Gate._emoticon_need``), however long: it was cut after 64 characters and
    then let every run of up to 16 joints through, each built and read (".·" repeated: 16
    joined runs per piece, 13.5 s at 64 KiB). Nothing there ends a host, so no run is."""
    from linkscreen import _readings

    let_through = 0
    runs = _readings._Gate.runs

    def counted(self: object, first: int, stop: int) -> list[int]:
        nonlocal let_through
        found = runs(self, first, stop)  # type: ignore[arg-type]
        let_through += len([last for last in found if last != first])
        return found

    text = (piece * 4096)[:8192]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_readings._Gate, "runs", counted)
        found = linkscreen.extract_links(text)
    assert not list(found)
    assert let_through <= len(text) // 64, let_through


def test_a_joined_prefix_keeps_its_view() -> None:
    """The views of one run's prefixes (``_views.Joined``) are copies: a part added later
    changes no view taken before it, and each equals ``joined`` of its parts."""
    from linkscreen._views import Joined, View, joined

    base = View("ab.cd ef", None, [(0, 2, linkscreen.Technique.CONFUSABLE)])
    parts: list[tuple[View, int, int] | tuple[str, int, int]] = [
        (base, 0, 2),
        (".", 2, 3),
        (base, 3, 5),
        ("", 5, 6),
        (base, 6, 8),
    ]
    run = Joined()
    taken = []
    for index, part in enumerate(parts):
        run.add(part)
        taken.append((index, run.view()))
    for index, view in taken:
        whole = joined(parts[: index + 1])
        assert (view.text, view.origin, view.marks) == (whole.text, whole.origin, whole.marks)
        assert view.inherited is not None
        assert whole.inherited is not None
        assert view.inherited[1] == whole.inherited[1]
        assert view.inherited[0] is base


def test_no_message_is_held_after_extraction_returns() -> None:
    """The path-stop memo (``_evidence.path_after``) is dropped when a scan returns."""
    from linkscreen import _evidence

    text = "secret words here " + "a\uff0e" * 40 + "b/x"
    linkscreen.extract_links(text)
    assert text not in _evidence._last_stop, "the scanned message is still referenced"
