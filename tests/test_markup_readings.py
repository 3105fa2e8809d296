"""Chat markup around or inside a host is read as the app shows it (attack 12, N1 and N4).

Telegram's MarkdownV2 makes bots escape ``_*[]()~`>#+-=|{}.!`` with a backslash, and
Telegram, Discord, WhatsApp and Slack render ``**bold**``, ``_italic_``, ``__underline__``,
``~~strike~~``, ``||spoiler||`` and `` `code` `` without their markers: ``\\(bad.example\\)``
and ``**bad**.example`` are shown as ``(bad.example)`` and ``bad.example``. A view with the
escapes read as their characters and paired markers dropped (technique ``markup``, style) is
read besides the text as written. Markers glued to a letter or digit on the outside
(``my_var_name``) are no emphasis; ordinary Markdown chat stays quiet.
"""

from __future__ import annotations

import gc
import time
from pathlib import Path

import pytest
from pure_parity import pure_answers, scan_answer

import linkscreen
from linkscreen import Action

from bundles import compile_lists, open_bytes

ENTRIES = ["jqxvw.example/", "zrpmq.test/dl/", "192.0.2.55/", "log.in/", "hello.world/"]
CONTEXTS = ["{}", "see {} now", "看看{}吧", "مرحبا {} ", "देखो {}", "> {}!"]
MARKS = ["**", "__", "~~", "||", "*", "_", "~", "`"]


def _matcher(tmp: Path) -> linkscreen.Matcher:
    return linkscreen.Matcher(open_bytes(compile_lists(tmp, {"h": (ENTRIES, Action.BLOCK)})))


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    return _matcher(tmp_path_factory.mktemp("markup"))


def _escaped(text: str) -> str:
    return "".join("\\" + c if c in "_*[]()~`>#+-=|{}.!" else c for c in text)


def _escape_cases() -> list[str]:
    cases = []
    for host in ["jqxvw.example", "zrpmq.test/dl/a1", "192.0.2.55/x"]:
        # ("#host", "+host", "-host-" unescaped are sigils: attack 12 N16, not read as links)
        for around in ["({})", "[{}]", "{}!", "{{{}}}", "|{}|", "{}.", "{}=1"]:
            cases += [c.format(_escaped(around.format(host))) for c in CONTEXTS]
    cases.append(_escaped("[here](https://ok.test)") + " " + _escaped("[jqxvw.example]"))
    return cases


def _emphasis_cases() -> list[str]:
    cases = []
    for mark in MARKS:
        if mark in ("||", "_", "__"):
            continue  # "||" reads as an operator, "_x_" and "__x__" as identifiers: see below
        for shown in ["{m}jqxvw{m}.example", "jqxvw.{m}example{m}", "{m}zrpmq{m}.test/dl/x"]:
            text = shown.format(m=mark)
            cases += [c.format(text) for c in CONTEXTS[:4]]
        if len(mark) == 2:  # a double marker inside a word renders too
            cases += [c.format(f"jq{mark}xv{mark}w.example") for c in CONTEXTS[:4]]
    return cases


@pytest.mark.parametrize("text", _escape_cases())
def test_markdown_escapes_around_a_host_block(matcher: linkscreen.Matcher, text: str) -> None:
    assert matcher.scan_text(text).action is Action.BLOCK, text


@pytest.mark.parametrize("text", _emphasis_cases())
def test_emphasis_inside_a_host_blocks(matcher: linkscreen.Matcher, text: str) -> None:
    found = matcher.scan_text(text)
    assert found.action is Action.BLOCK, text
    assert any("markup" in f.techniques for f in found if f.verdict.matches), text


@pytest.mark.parametrize(
    "text", ["||jqxvw||.example", "_log_.in", "see ||jqxvw||.example", "__jqxvw__.example"]
)
def test_operator_shaped_markers_are_found_and_left_to_the_code_rule(
    matcher: linkscreen.Matcher, text: str
) -> None:
    """The reading is there (the host shows as a link); whether ``||``, ``_x_`` and
    ``__x__`` read as code is the evidence rule's call (today: code, allow), not the
    extractor's."""
    found = matcher.scan_text(text)
    assert any(f.verdict.matches for f in found), text


BENIGN = [
    "**log** in to see it",
    "_see_ you tomorrow",
    "||see you|| at the party",
    "see you\\! \\(tomorrow\\)",
    "ok \\*really\\* ok",
    "my_var_name = 1",
    "open __init__.py and edit",
    "**hello** world",
    "that was *so* good.",
    "~~never~~ mind. ok",
    "`pip install x` then `x --help`",
    "**note:** run `make test`.",
    "\\[1\\] see the footnote",
    "jqx_vw_.example = 1",  # snake_case: a single marker glued to a letter is no emphasis
    "rename jqx_vw_.example",
    "x = jqx*vw*.example",
]


@pytest.mark.parametrize("text", BENIGN)
def test_ordinary_markdown_chat_stays_quiet(matcher: linkscreen.Matcher, text: str) -> None:
    assert matcher.scan_text(text).action is Action.ALLOW, text


@pytest.mark.parametrize("piece", ["**a**.", "\\(a\\)", "_a_.b ", "`x`.`y` ", "*" * 7 + "a."])
def test_markup_heavy_text_scans_in_linear_time(matcher: linkscreen.Matcher, piece: str) -> None:
    """Counted work, not wall time alone: four times the text costs about four times."""

    def cost(n: int) -> float:
        # the scan's own work: the best of three, with no collection of the whole test
        # session's objects in the middle of it (a gen-2 pause once cost 140 ms here)
        text = (piece * (n // len(piece) + 1))[:n]
        best = float("inf")
        gc.collect()
        gc.disable()
        try:
            for _ in range(3):
                start = time.process_time()
                matcher.scan_text(text)
                best = min(best, time.process_time() - start)
        finally:
            gc.enable()
        return best

    small, large = cost(4096), cost(16384)
    assert large < 12 * max(small, 0.005), (piece, small, large)


def test_native_and_pure_agree(matcher: linkscreen.Matcher, tmp_path: Path) -> None:
    texts = _escape_cases() + _emphasis_cases() + BENIGN
    assert pure_answers(__name__, tmp_path, texts) == [scan_answer(matcher, t) for t in texts]


@pytest.mark.parametrize(
    "text", ["rename jqx_vw_.example", "x = jqx*vw*.example", "a~b~c jqx`vw`.example"]
)
def test_a_single_marker_glued_to_a_word_is_no_emphasis(text: str) -> None:
    """snake_case and arithmetic keep their markers: no reading drops them."""
    assert "jqxvw.example" not in {c.url for c in linkscreen.extract_links(text)}, text
