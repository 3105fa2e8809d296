"""A token repeated in a message is read once (``_tokenmemo``): the same candidates as reading
every place afresh."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import linkscreen
import linkscreen.extract
from linkscreen._tokenmemo import TokenMemo

#: Tokens and glue that repeat: refanged, wrapped, cut, upper case, a glued scheme before
#: "//", percent-escaped, look-alike letters, emoticons, a trailing mark.
_PIECES = [
    "bad.example/x",
    "bad[.]example/x",
    "ｂad.com/x",  # one character folded to one: the same map, only the marks differ
    "bad.com/x",
    "hxxp://a.io/x",
    "http://a.io/x",
    "ba\u200bd.example/x",  # an invisible character folded away: the map differs
    "hxxp://evil[.]test",
    "hxxp[:]//a[.]example/x",
    "BAD.EXAMPLE/X",
    "x:-)",
    "see:http://a.io/x",
    "src=//cdn.example/x",
    "ftp//bad.example",
    "a.io/x,b.io/y",
    "http%3a//a.io",
    "https://www.google.com/url?q=http://bad.example/x",
    "bаd.com/x",
    "http://a.io/x.",
    "bad.example/x)",
    "(bad.example/x)",
    "1.1.1.1",
    "evil.test",
    "a.b",
    "ok.",
    "today.",
    "\u200bbad.example",
    "ｂａｄ．ｃｏｍ/x",
]
_GLUE = [" ", "  ", "\n", " or ", ". ", ", ", "\t", " visit ", "|", " (", ") "]


def _fresh(text: str) -> linkscreen.Candidates:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TokenMemo, "usable", staticmethod(lambda view: False))
        patch.setattr("linkscreen.extract._READERS", {})
        return linkscreen.extract_links(text)


def _same(text: str) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("linkscreen._readings._MEMO_CHARS", 0)  # memoised however short
        memo = linkscreen.extract_links(text)
    fresh = _fresh(text)
    assert list(memo) == list(fresh)
    assert memo.notes == fresh.notes
    assert memo.hosts == fresh.hosts


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example([("hxxp://evil[.]test", " "), ("hxxp://evil[.]test", " ")])
@example([("http://a.io/x", " "), ("hxxp://a.io/x", " ")])
@example([("bad.com/x", " "), ("bad.com/x", " "), ("ｂad.com/x", " ")])
@example([("bad.example/x", " "), ("ba\u200bd.example/x", " ")])
@example([("see:http://a.io/x", " "), ("x", " "), ("see:http://a.io/x", "")])
@example([("http://a.io/x.", " "), ("http://a.io/x.", "")])  # the last token is read afresh
@given(st.lists(st.tuples(st.sampled_from(_PIECES), st.sampled_from(_GLUE)), max_size=12))
def test_repeated_tokens(pieces: list[tuple[str, str]]) -> None:
    text = "".join(token + glue for token, glue in pieces)
    _same(text * 2)


@pytest.mark.parametrize(
    "text",
    [
        ("visit bad.example/x or hxxp://evil[.]test today. " * 40),
        ("hxxp[:]//a[.]example/x " * 60),
        " ".join(["a" * 20 + "see:http://a.io/x", "b" * 3 + "see:http://a.io/x"] * 3) + " .",
        "x" * 30 + "//bad.example/a " + "http://x.example//bad.example/a " * 3 + "end",
        "\u202ebad.example/x\u202c " * 4,  # a reordered view is not memoised
    ],
)
def test_long_repeats(text: str) -> None:
    _same(text)


_WIDE_GAP = "ba" + "\u200b" * 300 + "d.example/x"  # a step of 301: the map as a str, not bytes
_MANY_MARKS = "hxxp://e[.]v[.]i[.]l[.]t[.]e[.]s[.]t/x"


@pytest.mark.parametrize("steps", ["as built", "tuples"])
@pytest.mark.parametrize(
    "text",
    [
        (_WIDE_GAP + " or " + _WIDE_GAP + " hxxp://evil[.]test ") * 3 + "end",
        ("visit bad.example/x or " + _MANY_MARKS + " today. ") * 4 + "end",
        ("hxxp[:]//a[.]example/x " * 6) + "end",
    ],
)
def test_key_representations(text: str, steps: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every form of the map in a key (bytes of steps, a str of steps for a step over 255,
    tuples of offsets) reads as reading every place afresh."""
    if steps == "tuples":
        monkeypatch.setattr(TokenMemo, "_steps", lambda self: "")
    _same(text)


def test_wide_gap_keys_as_str() -> None:
    """A view whose map jumps by more than 255 keys its tokens by a str of steps."""
    view = linkscreen.extract.refang(linkscreen.extract._fold.fold(_WIDE_GAP + " x"))
    memo = TokenMemo(view, [], object, lambda *args: None, False)
    steps = memo._steps()
    assert isinstance(steps, str)
    assert max(map(ord, steps)) == 301
