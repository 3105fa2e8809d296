"""What attack 15 (a re-attack of the spaced-letter, code-evidence and attack-14 fixes) found.

- A: a redirect wrapper with its target broken across a line was no longer joined (the
  spaced-letter round stopped a run at a piece holding a second ``://``, even when both were
  in the first piece): the run stops at the next piece that holds a scheme.
- C: the spaced-letter cut after a top-level domain made ``c a l l . m e s s a g e`` a link
  to ``call.me``: a cut is prose evidence now.
- D: ``wow!!bad.example/p``: a run of ``!`` ``?`` glued between a word and a host is read as
  the space it stands for too.
- G: a soft hyphen inside a word is no break (``log.in\\u00adfor\\u00admation``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pure_parity import pure_answers, scan_answer

import linkscreen
from linkscreen import Action

from bundles import compile_lists, open_bytes

ENTRIES = ["jqxvw.example/", "qzvkt.example/gal/275/1", "x.example/", "log.in/", "call.me/"]


def _matcher(tmp: Path) -> linkscreen.Matcher:
    return linkscreen.Matcher(open_bytes(compile_lists(tmp, {"h": (ENTRIES, Action.BLOCK)})))


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    return _matcher(tmp_path_factory.mktemp("a15"))


WRAPPED = [
    f"{wrapper}{target}"
    for wrapper in [
        "https://out.example/?u=",
        "https://web.archive.example/web/2020/",
        "https://l.example/l.php?u=",
    ]
    for target in [
        "https://jqxvw.exa\nmple/x",
        "https://jqxvw.\nexample/x",
        "https://qzvkt.example/gal/\n275/1",
        "https://qzvkt.example/gal/275\n/1",
    ]
]


@pytest.mark.parametrize("text", WRAPPED)
def test_a_wrapped_target_broken_across_a_line_blocks(
    matcher: linkscreen.Matcher, text: str
) -> None:
    assert matcher.scan_text(text).action is Action.BLOCK


GLUED_MARKS = [
    "wow!!x.example/p",
    "omg!!!log.in/x",
    "wow??jqxvw.example/x",
    "look?!jqxvw.example/x",
    "看!!jqxvw.example/x",
]


@pytest.mark.parametrize("text", GLUED_MARKS)
def test_marks_glued_before_a_host_are_a_space(matcher: linkscreen.Matcher, text: str) -> None:
    assert matcher.scan_text(text).action is Action.BLOCK


QUIET = [
    "c a l l . m e s s a g e",
    "l o g . i n s t e a d",
    "see the log.in\u00adfor\u00adma\u00adtion file",
    "call.me\u00adssage",
    "(see)log.in",
    "if (a)log.in",
    "String s = (String)call.me;",
    "value ?? user.log.in",
    "really??? ok",
]


@pytest.mark.parametrize("text", QUIET)
def test_ordinary_text_and_code_stay_quiet(matcher: linkscreen.Matcher, text: str) -> None:
    assert matcher.scan_text(text).action is Action.ALLOW


def test_native_and_pure_agree(matcher: linkscreen.Matcher, tmp_path: Path) -> None:
    texts = [*WRAPPED, *GLUED_MARKS, *QUIET]
    assert pure_answers(__name__, tmp_path, texts) == [scan_answer(matcher, t) for t in texts]
