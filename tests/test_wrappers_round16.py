"""Attack 16 (redirect wrappers): targets read without a scheme, escaped, encoded or defanged,
and ``check_url`` reading every wrapped shape ``scan_text`` reads (ADR 0028, "Attack 16").

Synthetic hosts only. The list holds whole-host entries named like words (``log.in``,
``hello.world``) so that the negatives (ordinary query strings) would show a false alarm.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from pure_parity import check_answer, pure_answers, scan_answer

import linkscreen
from linkscreen import Action, Signal, Technique
from linkscreen._percent import decode_run
from linkscreen._wrappers import _proofpoint_v3, default_rules, scan_may_wrap, targets

from bundles import compile_lists, open_bytes

ENTRIES = ["jqxvw.example/", "log.in/", "sign.up/", "hello.world/", "home.example/"]


def _matcher(tmp: Path) -> linkscreen.Matcher:
    return linkscreen.Matcher(open_bytes(compile_lists(tmp, {"h": (ENTRIES, Action.BLOCK)})))


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    return _matcher(tmp_path_factory.mktemp("wrap16"))


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


#: Messages whose wrapped target is listed (attack 16 B, C, H).
SCANNED = [
    "l.facebook.com/l.php?u=jqxvw.example",  # B: no scheme on the wrapper nor the target
    "vk.com/away.php?to=jqxvw.example",
    "see l.facebook.com/l.php?u=log.in ok",
    "https://www.google.com/url?q=https://jqxvw%E3%80%82example/",  # C: UTF-8 escapes
    "https://www.google.com/url?q=jqxvw%EF%BC%8Eexample/",
    "https://www.google.com./url?q=jqxvw.example/",  # H: the wrapper's root dot
    "https://WWW.GOOGLE.COM../url?q=jqxvw.example/",
    "https://urldefense.com/v3/__https://jqxvw*example/__;Lg!!ABC$",  # Proofpoint v3 '*'
    "https://urldefense.com/v3/__http://log*in__;Lg!!x$",
    "https://example.test/r?u=" + _b64("HTTPS://jqxvw.example/"),  # base64, upper case
    "https://example.test/r?u=" + _b64("Https://jqxvw.example/"),
    "https://example.test/r?u=" + _b64("//jqxvw.example/"),  # base64, scheme-relative
    "https://www.google.com/url?q=user@jqxvw.example/",  # user-info, no scheme
    "https://www.google.com/url?q=jqxvw%5B.%5Dexample/",  # an escaped defang
    "https://www.google.com/url?q=jqxvw%28.%29example/",
]

#: URLs that check_url must block as scan_text does (attack 16 C06, I).
CHECKED = [
    "https://www.google.com/url?q=https://jqxvw%E3%80%82example/",
    "https://www.google.com/url?q=jqxvw.example/",
    "https://l.facebook.com/l.php?h=x&u=log.in",
    "https://vk.com/away.php?to=jqxvw.example",
    "https://urldefense.proofpoint.com/v2/url?u=http-3A__jqxvw.example_&d=D",
    "https://urldefense.com/v3/__jqxvw.example/__;!!ABC$",
    "https://urldefense.com/v3/__https://jqxvw*example/__;Lg!!ABC$",
    "https://www.bing.com/ck/a?!&&p=abc&u=a1aHR0cHM6Ly9qcXh2dy5leGFtcGxlLw",
    "https://example.test/r?u=aHR0cHM6Ly9qcXh2dy5leGFtcGxlLw",
    "https://example.test/r?u=" + _b64("HTTPS://jqxvw.example/"),
    "https://www.google.com/amp/s/jqxvw.example/x",
    "https://a.cdn.ampproject.org/c/s/jqxvw.example/x",
    "https://www.google.com/url?q=jqxvw%2Eexample/",
    "https://example.test/r?next=//jqxvw.example/",
    "https://example.test/r?next=www.jqxvw.example/",
    "https://www.google.com./url?q=jqxvw.example/",
    "https://WWW.Google.CO.UK/url?q=jqxvw.example/",
    "https://u@l.facebook.com:443/l.php?u=log.in",
    "https://www.google.com/url?q=user@jqxvw.example/",
    "https://www.google.com/url?q=jqxvw%5B.%5Dexample/",
]

#: Ordinary links with query strings: allow, in a message and through check_url.
ORDINARY = [
    "https://shop.example/search?q=hello.world",
    "https://shop.example/login?next=/home",
    "https://shop.example/p?u=123",
    "https://shop.example/p?q=log.in&page=2",
    "https://www.google.com/search?q=hello.world",
    "https://www.google.com/url?q=hello",
    "https://l.facebook.com/l.php?u=123",
    "https://shop.example/amp/s/log.in/x",
    "https://notgoogle.example/url?q=log.in",
    "https://google.com.shop.example/url?q=log.in",
    "https://shop.example/r?u=aGVsbG8gd29ybGQ",  # base64 of "hello world"
    "https://shop.example/p?ref=www",
]


@pytest.mark.parametrize("text", SCANNED)
def test_scan_text_blocks_wrapped_targets(matcher: linkscreen.Matcher, text: str) -> None:
    found = matcher.scan_text(text)
    assert found.action is Action.BLOCK, [(f.url, f.action, f.verdict.notes) for f in found]
    assert any(Technique.WRAPPER in f.techniques for f in found if f.action is Action.BLOCK)


@pytest.mark.parametrize("url", CHECKED)
def test_check_url_blocks_what_scan_text_blocks(matcher: linkscreen.Matcher, url: str) -> None:
    verdict = matcher.check_url(url)
    assert verdict.action is Action.BLOCK, verdict.notes
    assert Technique.WRAPPER in verdict.techniques
    assert matcher.scan_text(url).action is Action.BLOCK


@pytest.mark.parametrize("url", ORDINARY)
def test_ordinary_query_strings_stay_allow(matcher: linkscreen.Matcher, url: str) -> None:
    assert matcher.check_url(url).action is Action.ALLOW
    assert matcher.scan_text(url).action is Action.ALLOW
    assert matcher.scan_text(f"see {url} ok").action is Action.ALLOW


def test_a_wrapper_target_keeps_its_wrapper_evidence(matcher: linkscreen.Matcher) -> None:
    # the narrower reading "jqxvw.example" of the same span lacks "wrapper"; the wrapper's
    # word still speaks for its target (the evidence rule's borrowed-evidence test)
    found = matcher.scan_text("l.facebook.com/l.php?u=jqxvw.example")
    blocked = [f for f in found if f.action is Action.BLOCK]
    assert blocked
    assert all(Technique.WRAPPER in f.techniques for f in blocked)
    # a value in an ordinary query is still code, not a link
    assert matcher.scan_text("shop.example/p?u=jqxvw.example").action is not Action.BLOCK


def test_proofpoint_v3_replacements() -> None:
    assert _proofpoint_v3("https://jqxvw*example/__;Lg!!ABC$") == "https://jqxvw.example/"
    # "**A" is a run of 2, "**B" of 3: the suffix is read in order
    text = "https://jqxvw*example/x?**Aa**B__;" + _b64(".&=1=2") + "!!x"
    assert _proofpoint_v3(text) == "https://jqxvw.example/x?&=a1=2"
    short = "https://jqxvw*example/x?**Aa**B__;" + _b64(".&=1") + "!!x"
    assert _proofpoint_v3(short) == short.partition("__;")[0]  # too few: as written
    assert _proofpoint_v3("https://jqxvw.example/__;!!x") == "https://jqxvw.example/"
    failed: list[str] = []
    assert _proofpoint_v3("https://jqxvw*example/__;!!x", failed) == "https://jqxvw*example/"
    assert failed  # no suffix to restore from: unread, said so


def test_proofpoint_v3_unreadable_suffix_is_incomplete(matcher: linkscreen.Matcher) -> None:
    verdict = matcher.check_url("https://urldefense.com/v3/__https://jqxvw*example/__;!!x$")
    assert verdict.action is not Action.ALLOW
    assert Signal.UNCHECKED in verdict.signals


def test_targets_decode_utf8_escapes_through_the_shared_helper() -> None:
    assert decode_run("%E3%80%82") == "\u3002"
    assert decode_run("%E9") == "\xe9"  # no UTF-8: byte by byte, as the readings do
    rules = default_rules()
    found = targets("https://www.google.com/url?q=https://jqxvw%E3%80%82example/", rules)
    assert found == ["https://jqxvw\u3002example/"]


@pytest.mark.parametrize(
    "url",
    [
        "https://www.google.com./url?q=jqxvw.example/",
        "https://example.test/r?u=" + _b64("HTTP://jqxvw.example/"),
        "https://example.test/r?u=" + _b64("//jqxvw.example/"),
        "https://example.test/r#u=" + _b64("//jqxvw.example/"),
    ],
)
def test_the_gate_passes_new_shapes(url: str) -> None:
    rules = default_rules()
    assert scan_may_wrap(url, rules)
    assert targets(url, rules)


def test_pure_python_answers_the_same(matcher: linkscreen.Matcher, tmp_path: Path) -> None:
    texts = [*SCANNED, *ORDINARY]
    assert pure_answers("test_wrappers_round16", tmp_path, texts) == [
        scan_answer(matcher, t) for t in texts
    ]
    urls = [*CHECKED, *ORDINARY]
    assert pure_answers("test_wrappers_round16", tmp_path, urls, "check_answer") == [
        check_answer(matcher, u) for u in urls
    ]
