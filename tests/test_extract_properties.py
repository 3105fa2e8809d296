"""Properties of extraction and scanning that must hold for any input (hypothesis).

- spans always index the original text, whatever it holds;
- inserting invisible characters (format characters, fillers) anywhere never loses a finding;
- every plausible reading is kept: a listed link stays found whatever prose follows it;
- a look-alike (skeleton) reading never blocks.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import linkscreen
from linkscreen import Action

from bundles import compile_lists, open_bytes

DATA = Path(__file__).parent / "data" / "extraction_corpus.jsonl"
ROWS = [json.loads(line) for line in DATA.read_text("utf-8").splitlines()]
POSITIVES = [r for r in ROWS if r["kind"] == "positive" and not r.get("context")]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u2800", "\u3164"]
ALPHABET = " .[]()/:-_,*hxtpsdoa0\u200b\u202e。・ｂ\n\t🔥ᴀ\u0336%\\@?=&#"


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    entries = sorted({r["entry"] for r in ROWS if r["kind"] in ("positive", "entry")})
    data = compile_lists(tmp_path_factory.mktemp("props"), {"h": (entries, Action.BLOCK)})
    return linkscreen.Matcher(open_bytes(data))


def _found(matcher: linkscreen.Matcher, text: str, entry: str) -> Action:
    """The most severe action of a finding on ``entry`` (allow when none)."""
    expression = linkscreen.expressions(entry)[0]
    actions = [
        f.action
        for f in matcher.scan_text(text)
        if any(m.expression == expression for m in f.verdict.matches)
    ]
    return max(actions, key=lambda a: a.severity, default=Action.ALLOW)


@given(st.text(alphabet=ALPHABET, max_size=240))
def test_spans_index_the_original_text(text: str) -> None:
    found = linkscreen.extract_links(text)
    for candidate in found:
        assert 0 <= candidate.start < candidate.end <= len(text), candidate
    assert found.complete


@given(st.text(max_size=200))
def test_any_text_scans(text: str) -> None:
    for candidate in linkscreen.extract_links(text):
        assert 0 <= candidate.start < candidate.end <= len(text)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    row=st.sampled_from(POSITIVES),
    inserts=st.lists(
        st.tuples(st.floats(0, 1), st.sampled_from(INVISIBLE)), min_size=1, max_size=4
    ),
)
def test_invisible_characters_never_lose_a_finding(
    matcher: linkscreen.Matcher, row: dict[str, str], inserts: list[tuple[float, str]]
) -> None:
    before = _found(matcher, row["text"], row["entry"])
    text = row["text"]
    for where, char in inserts:
        at = int(where * len(text))
        text = text[:at] + char + text[at:]
    after = _found(matcher, text, row["entry"])
    if before is not Action.ALLOW:
        assert after is not Action.ALLOW, (row["text"], text)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    row=st.sampled_from([r for r in POSITIVES if r["technique"] == "no-scheme-www"]),
    tail=st.sampled_from([". Then more", ".\nNext", "，好的", "!!", ") ok", "😀", ":P", " / x"]),
)
def test_prose_after_a_link_keeps_it_found(
    matcher: linkscreen.Matcher, row: dict[str, str], tail: str
) -> None:
    assert _found(matcher, row["text"] + tail, row["entry"]) is not Action.ALLOW


def test_lookalike_readings_never_block(matcher: linkscreen.Matcher) -> None:
    rows = [r for r in POSITIVES if r["technique"] in ("small-capitals", "regional-indicators")]
    assert rows
    assert {_found(matcher, r["text"], r["entry"]) for r in rows} <= {Action.WARN, Action.ALLOW}


RECEIVERS = ["self", "this", "req", "res", "obj", "ctx", "props", "state", "logger"]
CODE_TLDS = ["email", "name", "id", "data", "info", "link", "page", "app", "host"]
WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=10)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    receiver=st.sampled_from(RECEIVERS),
    word=WORD,
    tld=st.sampled_from(CODE_TLDS),
    shape=st.sampled_from(["x = {}", "print({})", "{} = None", "if {} == 1:", "see {} ok"]),
)
def test_member_chains_never_alarm_and_the_same_host_as_a_link_blocks(
    tmp_path_factory: pytest.TempPathFactory,
    receiver: str,
    word: str,
    tld: str,
    shape: str,
) -> None:
    """A member chain ``receiver.word.tld`` reaching a whole-host entry ``word.tld`` through
    its subdomain is code, in any code-shaped line; the same host written as a link blocks."""
    host = f"{word}.{tld}"
    data = compile_lists(
        tmp_path_factory.mktemp("chain"), {"h": ([f"http://{host}/"], Action.BLOCK)}
    )
    matcher = linkscreen.Matcher(open_bytes(data))
    assert matcher.scan_text(shape.format(f"{receiver}.{host}")).action is Action.ALLOW
    assert matcher.scan_text(f"look https://{host}/x").action is Action.BLOCK


@pytest.mark.parametrize(
    "text",
    ["omg rewards.\xa0\u200btest", "omg rewards.\u200b\xa0test", "omg rewards.\u2060\u3000test"],
)
def test_an_odd_space_beside_an_invisible_character_is_still_a_joint(
    matcher: linkscreen.Matcher, text: str
) -> None:
    """Found by the property above: the space folded from "\\xa0\\u200b" has the ZWSP as its
    origin, so only the whole folded run tells that a no-break space was written."""
    assert _found(matcher, text, "http://rewards.test/") is not Action.ALLOW


#: ASCII pieces that each start some pass of extraction, and chat words that start none.
QUICK_PIECES = [
    *"abcxyz019 ,_$&!?'-\"@\t\r\n.:%/[](){}<>\\^;*#~+=|\x00\x1b",
    *["dot", "DoT", "d0t", "xx", "dt", "fxp", "http ", "HTTPS ", "ftp ", "slash", "punto"],
    *["point", "dotcom", "dot-com", "forwardslash", "com", "example", "log in", "a,b", "x_y"],
    *["hey", "lol", "pizza?!", "can't", "ok", "tonight"],
]


@settings(max_examples=400)
@given(st.lists(st.sampled_from(QUICK_PIECES), max_size=30).map("".join))
def test_the_quick_test_for_chat_never_hides_a_reading(text: str) -> None:
    """Text the quick test lets through has no candidate when read in full (every pass)."""
    from linkscreen import extract

    if extract._nothing_to_read(text):
        assert not extract._extract(text, ["bad.example"], None, (), (), False, True)


def test_the_quick_test_passes_chat_and_stops_at_what_passes_read() -> None:
    from linkscreen import extract

    assert extract._nothing_to_read("hey lol , see you tonight pizza?! can't stop laughing")
    for text in ["bad,example", "a punto b", "hxxp", "x(dot)y", "ab\ncd", "a/b", "é"]:
        assert not extract._nothing_to_read(text), text
