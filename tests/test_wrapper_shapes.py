"""Redirect-wrapper shapes a listed link hid in (outside attack, finding M1).

Each shape is unwrapped locally (``_wrappers``, no network) and its target checked: a
scheme-relative target, a bare query or a fragment that is the URL, Google AMP and the AMP
caches, a base64 target, a target encoded twice, and the e-mail and platform wrappers of
``data/redirect_wrappers.txt`` (docs/extraction.md, "Redirect wrappers"). Each has a negative
twin of the same shape holding no link, which must make no target reading at all. Both
backends run this file (``LINKSCREEN_PURE=1`` in ``make test``).
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import linkscreen
from linkscreen import Action, Technique, extract_links
from linkscreen._wrappers import MAX_TARGETS, _dot_alike, default_rules, parse_rules, targets

from bundles import compile_lists, open_bytes

LISTED = {"hotline": (["listed.example/", "log.in/"], Action.BLOCK)}


def _b64(text: str, alphabet: str = "url", padded: bool = True) -> str:
    raw = text.encode()
    encoded = (base64.urlsafe_b64encode if alphabet == "url" else base64.b64encode)(raw).decode()
    return encoded if padded else encoded.rstrip("=")


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    return linkscreen.Matcher(open_bytes(compile_lists(tmp_path_factory.mktemp("m1"), LISTED)))


#: (wrapper link, the target it must yield)
POSITIVE = [
    # scheme-relative targets take the wrapper page's scheme
    ("https://vk.com/away.php?to=//listed.example/x", "https://listed.example/x"),
    ("https://wrapper.example/r?url=//listed.example/x", "https://listed.example/x"),
    ("https://wrapper.example/r?url=%2F%2Flisted.example%2Fx", "https://listed.example/x"),
    ("http://wrapper.example/r?url=//listed.example/x", "http://listed.example/x"),
    # a bare query that is the URL
    ("https://wrapper.example/r?https://listed.example/x", "https://listed.example/x"),
    ("https://wrapper.example/r?http%3A%2F%2Flisted.example%2Fx", "http://listed.example/x"),
    (
        "https://wrapper.example/r?https://listed.example/x?a=1&b=2",
        "https://listed.example/x?a=1&b=2",
    ),
    # a fragment that is the URL, or a fragment value that is one
    ("https://t.example/#https://listed.example/x", "https://listed.example/x"),
    ("https://t.example/#url=https://listed.example/x", "https://listed.example/x"),
    ("https://t.example/p#a=1&url=https%3A%2F%2Flisted.example%2Fx", "https://listed.example/x"),
    ("https://t.example/#/go?to=https://listed.example/x", "https://listed.example/x"),
    # Google AMP viewer (s/ = https) and the AMP caches
    ("https://www.google.com/amp/s/listed.example/x", "https://listed.example/x"),
    ("https://www.google.com/amp/listed.example/x", "http://listed.example/x"),
    ("https://www.google.co.uk/amp/s/listed.example/x?y=1", "https://listed.example/x?y=1"),
    ("https://listed-example.cdn.ampproject.org/c/s/listed.example/x", "https://listed.example/x"),
    (
        "https://listed-example.cdn.ampproject.org/i/listed.example/logo.png",
        "http://listed.example/logo.png",
    ),
    ("https://cdn.ampproject.org/v/s/listed.example/x", "https://listed.example/x"),
    # base64 targets: url-safe or standard alphabet, padded or not, percent-escaped padding
    ("https://wrapper.example/r?u=" + _b64("https://listed.example/x"), "https://listed.example/x"),
    (
        "https://wrapper.example/r?u=" + _b64("https://listed.example/x", padded=False),
        "https://listed.example/x",
    ),
    (
        "https://wrapper.example/r?u=" + _b64("http://listed.example/x?q=>>>"),
        "http://listed.example/x?q=>>>",
    ),
    (
        "https://wrapper.example/r?u=" + _b64("http://listed.example/x?q=>>>", "std"),
        "http://listed.example/x?q=>>>",
    ),
    (
        "https://wrapper.example/r?u="
        + _b64("https://listed.example/xy", "std").replace("=", "%3D"),
        "https://listed.example/xy",
    ),
    ("https://t.example/#u=" + _b64("https://listed.example/x"), "https://listed.example/x"),
    (
        "https://wrapper.example/r?u=" + _b64("https%3A%2F%2Flisted.example%2Fx"),
        "https://listed.example/x",
    ),
    # encoded twice (percent inside percent), and base64 inside a percent-encoded wrapper
    (
        "https://wrapper.example/r?u=https%253A%252F%252Flisted.example%252Fx",
        "https://listed.example/x",
    ),
    ("https://wrapper.example/r?u=%252F%252Flisted.example%252Fx", "https://listed.example/x"),
    # platform and e-mail wrappers (docs/extraction.md, "Redirect wrappers")
    (
        "https://www.linkedin.com/safety/go?url=listed.example%2Fx&trk=flagship-messaging-web",
        "listed.example/x",
    ),
    ("https://protect-eu.mimecast.com/s/AbCdEfGhIj?domain=listed.example", "listed.example"),
    (
        "https://eu-west-1.protection.sophos.com/?d=listed.example&u="
        + _b64("https://listed.example/x", "std")
        + "&i=abc",
        "https://listed.example/x",
    ),
    ("https://eu-west-1.protection.sophos.com/?d=listed.example&i=abc", "listed.example"),
    (
        "https://eu.protection.sophos.com/?u="
        + _b64("listed.example/xy", "std").replace("=", "%3D"),
        "listed.example/xy",
    ),
    (
        "https://imsva91-ctp.trendmicro.com/wis/clicktime/v1/query?url=listed.example%2Fx&umid=1",
        "listed.example/x",
    ),
    ("https://protect2.fireeye.com/v1/url?k=abc&q=def&u=listed.example%2Fx", "listed.example/x"),
    ("https://l.wl.co/l?u=listed.example%2Fx", "listed.example/x"),
    (
        "https://eur.safelink.emails.azure.net/redirect/?destination=listed.example%2Fx&p=1",
        "listed.example/x",
    ),
    ("https://linkprotect.cudasvc.com/url?a=listed.example%2Fx&c=E,1,abc", "listed.example/x"),
    ("https://urlsand.esvalabs.com/?u=listed.example%2Fx&e=abc&c=1", "listed.example/x"),
    (
        "https://urldefense.proofpoint.com/v2/url?u=https-3A__listed.example_x&d=DwMF&c=abc",
        "https://listed.example/x",
    ),
    (
        "https://r.search.yahoo.com/_ylt=A/RV=2/RO=10/RU=https%3a%2f%2flisted.example%2fx/RK=2/RS=a-",
        "https://listed.example/x",
    ),
    ("https://proxy.example/go/u=https://listed.example/x/y", "https://listed.example/x/y"),
]

#: The same shapes holding no link: no target reading at all.
NEGATIVE = [
    "https://vk.com/away.php?to=//",
    "https://vk.com/away.php?to=/feed",
    "https://wrapper.example/r?url=%2Fhome%2Fx",
    "https://wrapper.example/r?log.in",
    "https://wrapper.example/r?q=log.in&x=1",
    "https://wrapper.example/r?x=listed.example",
    "https://t.example/#section-2",
    "https://t.example/#log.in",
    "https://t.example/#www.log.in",
    "https://t.example/#/listed.example/x",
    "https://t.example/#x=log.in&y=2",
    "https://t.example/#x=www.log.in&y=//log.in",
    "https://t.example/#!/page?x=listed.example",
    "https://www.google.com/amp/",
    "https://www.google.com/amp/s/",
    "https://www.google.com/amp/s/nohost/x.html",
    "https://www.example.com/amp/s/listed.example/x",
    "https://news.example/c/s/listed.example/x",
    "https://listed-example.cdn.ampproject.org/c/",
    "https://www.youtube.com/c/listedexample",
    "https://wrapper.example/r?u=aHR0cHM6Ly9",
    "https://wrapper.example/r?u=" + _b64("log.in/x"),
    "https://wrapper.example/r?u=" + _b64("ftp://listed.example/x"),
    "https://wrapper.example/r?u=" + _b64("httpd.log.in"),
    "https://wrapper.example/r?u=aHR0cHM6Ly9saXN0ZWQ*ZXhhbXBsZS94",
    "https://wrapper.example/r?u=aHR0cHM6Ly9saXN0ZWQuZXhhbXBsZS94a",
    "https://protect-eu.mimecast.com/s/AbCdEfGhIj?token=listed.example",
    "https://eu-west-1.protection.sophos.com/?i=listed.example",
]

#: Ordinary text with '#', '?x=' and wrapper words: no target reading, no alarm.
PROSE = [
    "what? x=1 and y=log.in #tag",
    "see the FAQ #url=log.in or ?x=log.in later",
    "ok so #https is the channel and ?url=// is the syntax",
    "the amp/s/log.in folder and c/s/log.in",
    "use u=aHR0cHM6Ly9 as the prefix",
    "meet at 5?url=later #log.in",
]


@pytest.mark.parametrize(("link", "target"), POSITIVE)
def test_each_shape_yields_its_target(link: str, target: str) -> None:
    assert target in targets(link, default_rules()), targets(link, default_rules())


@pytest.mark.parametrize(("link", "target"), POSITIVE)
def test_each_shape_blocks_the_listed_target(
    matcher: linkscreen.Matcher, link: str, target: str
) -> None:
    findings = matcher.scan_text(f"look {link} now")
    assert findings.action is Action.BLOCK, [(f.url, f.techniques) for f in findings]
    blocked = [f for f in findings if f.action is Action.BLOCK]
    assert all(Technique.WRAPPER in f.techniques for f in blocked)


@pytest.mark.parametrize("link", NEGATIVE)
def test_the_shape_without_a_link_has_no_target(matcher: linkscreen.Matcher, link: str) -> None:
    assert targets(link, default_rules()) == []
    findings = matcher.scan_text(f"look {link} now")
    assert findings.action is Action.ALLOW, [(f.url, f.techniques) for f in findings]
    assert not [c for c in extract_links(f"look {link} now") if Technique.WRAPPER in c.techniques]


@pytest.mark.parametrize("text", PROSE)
def test_ordinary_text_makes_no_wrapper_reading(matcher: linkscreen.Matcher, text: str) -> None:
    assert not [c for c in extract_links(text) if Technique.WRAPPER in c.techniques]
    assert matcher.scan_text(text).action is Action.ALLOW


def test_the_target_inherits_the_wrapper_readings_techniques() -> None:
    """A refanged wrapper's target carries refang and wrapper (ADR 0012: its evidence)."""
    found = extract_links("look hxxps://vk[.]com/away.php?to=//listed.example/x now")
    target = [c for c in found if c.url.startswith("https://listed.example")]
    assert target, found
    assert {Technique.WRAPPER, Technique.REFANG} <= set(target[0].techniques)


def test_a_word_named_host_in_a_mimecast_domain_blocks(matcher: linkscreen.Matcher) -> None:
    """The rule says the value is the target's host: link evidence for a word-shaped name."""
    link = "https://protect-us.mimecast.com/s/AbCd?domain=log.in"
    assert matcher.scan_text(f"look {link} now").action is Action.BLOCK


def test_an_operator_path_target_rule_travels_in_the_bundle(tmp_path: Path) -> None:
    from linkscreen_server.wrappers import parse_redirect_rules

    rules = parse_redirect_rules("go.wrapper.test  /p/*  /\n", "wrappers.txt")
    plain = linkscreen.Matcher(open_bytes(compile_lists(tmp_path, LISTED)))
    extended = linkscreen.Matcher(open_bytes(compile_lists(tmp_path, LISTED, redirect_rules=rules)))
    message = "look https://go.wrapper.test/p/s/listed.example/x now"
    assert plain.scan_text(message).action is Action.ALLOW
    assert extended.scan_text(message).action is Action.BLOCK


def test_wrappers_nest_through_the_new_shapes() -> None:
    inner = "https://www.google.com/amp/s/listed.example/x"
    outer = "https://wrapper.example/r?u=" + _b64(inner)
    assert "https://listed.example/x" in targets(outer, default_rules())
    fragment = "https://t.example/#https://vk.com/away.php?to=//listed.example/x"
    assert "https://listed.example/x" in targets(fragment, default_rules())


def test_a_rule_without_the_new_shapes_still_parses() -> None:
    rules = parse_rules("amp.test /a/* /\n")
    assert targets("https://amp.test/a/s/listed.example/x", rules) == ["https://listed.example/x"]
    assert targets("https://amp.test/b/s/listed.example/x", rules) == []


def test_a_message_of_64_kib_of_wrapper_shapes_stays_fast(matcher: linkscreen.Matcher) -> None:
    import time

    piece = (
        "https://vk.com/away.php?to=//a.example/x https://w.example/r?https://a.example/x "
        "https://t.example/#url=https://a.example/x https://www.google.com/amp/s/a.example/x "
        f"https://w.example/r?u={_b64('https://a.example/x')} "
    )
    text = (piece * (65536 // len(piece) + 1))[:65536]
    started = time.perf_counter()
    matcher.scan_text(text)
    assert time.perf_counter() - started < 5.0  # about 0.2 s unloaded; the bench has ratios


_QUERY_CHARS = st.sampled_from(
    [*"aA0=&%?#/:._-+~!$;,@ \u00e9\u2024", "%25", "%3A", "%2F", "//", "aHR0c", "s/"]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    prefix=st.sampled_from(
        [
            "https://wrapper.example/r?",
            "https://t.example/#",
            "https://www.google.com/amp/",
            "https://x.cdn.ampproject.org/c/",
            "https://eu.protection.sophos.com/?u=",
            "https://www.bing.com/ck/a?u=",
            "//vk.com/away.php?to=",
        ]
    ),
    tail=st.one_of(st.text(max_size=80), st.lists(_QUERY_CHARS, max_size=40).map("".join)),
)
def test_arbitrary_query_strings_never_crash(prefix: str, tail: str) -> None:
    link = prefix + tail
    found = targets(link, default_rules(), [])
    assert len(found) <= MAX_TARGETS
    # a dot, or a character a browser reads as one (attack 16, C: "jqxvw%E3%80%82example")
    assert all(("." in t or _dot_alike(t)) and t == t.strip() for t in found)
    extract_links(f"look {link} now")
