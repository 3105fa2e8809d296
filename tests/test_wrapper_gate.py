"""The extractor's wrapper gate passes every URL whose redirect targets are read (speed round 9).

``_wrappers.scan_may_wrap`` is the cheap test before ``targets`` (about 10 µs a URL with a
query): an ordinary query now costs a host test instead. A URL it turned away while
``targets`` reads a target from it would be a blind spot, so every shape here, for every
default rule and for generic targets on any host, must pass the gate whenever ``targets``
finds something; ordinary queries on hosts no rule is for must not pass.
"""

from __future__ import annotations

import base64

from hypothesis import given, settings
from hypothesis import strategies as st

from linkscreen import _wrappers

RULES = _wrappers.default_rules()


def _host(pattern: str, sub: str) -> str:
    host = pattern.replace("*.", f"{sub}.", 1)
    return host[:-2] + ".co.uk" if host.endswith(".*") else host


_VALUES = [
    "bad.example/x",
    "jqxvw.example",
    "https://bad.example/x",
    "HTTP://bad.example/",
    "//bad.example/p",
    "www.bad.example/p",
    "https%3A%2F%2Fbad.example%2Fx",
    "bad.example%2Fx",
    base64.urlsafe_b64encode(b"https://bad.example/x").decode().rstrip("="),
    "a1" + base64.urlsafe_b64encode(b"https://bad.example/x").decode(),
    "ftp://bad.example/",
    "__bad.example/x__;!!",
]


@settings(max_examples=800, deadline=None)
@given(
    rule=st.sampled_from(RULES),
    sub=st.sampled_from(["www", "l", "eur01", "a.b"]),
    value=st.sampled_from(_VALUES),
    scheme=st.sampled_from(["https://", "http://", "HTTPS://", "", "//"]),
    decoy=st.sampled_from(["", "id=4&", "s=abc&", "ref=x&"]),
    tail=st.sampled_from(["", "/x", "?"]),
)
def test_every_rule_target_passes_the_gate(
    rule: _wrappers.WrapperRule, sub: str, value: str, scheme: str, decoy: str, tail: str
) -> None:
    host = _host(rule.host, sub)
    path = rule.path.replace("*", "x")
    if rule.parameters == ("*",):
        url = f"{scheme}{host}{path}?{value}"
    elif rule.parameters == (_wrappers.PATH_TARGET,):
        url = f"{scheme}{host}{path.rstrip('x')}{value}{tail}"
    else:
        url = f"{scheme}{host}{path}?{decoy}{rule.parameters[0]}={value}"
    if _wrappers.targets(url, RULES):
        assert _wrappers.scan_may_wrap(url, RULES), url


_PIECES = st.sampled_from(
    ["a", "b.example", "/", "?", "&", "=", "#", "%", "%3A", "%2F", "http", "HTTP", "://", ":", "//",
     "www.", "aHR0cHM6Ly9i", "ftp", "u", "url", "q", ".", "x.test", "@", "-", "_", "1"]
)  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(parts=st.lists(_PIECES, min_size=1, max_size=14))
def test_no_url_with_targets_is_turned_away(parts: list[str]) -> None:
    url = "".join(parts)
    if _wrappers.targets(url, RULES):
        assert _wrappers.scan_may_wrap(url, RULES), url


def test_ordinary_queries_skip_the_target_reading() -> None:
    for url in [
        "http://shop.example/login.php?cmd=login_submit&id=11bbfe4af2",
        "https://news.example/a/b.html?e=abuse@mail.example&amp;source=x",
        "https://cdn.example/img.png?w=200&h=100#top",
    ]:
        assert not _wrappers.targets(url, RULES)
        assert not _wrappers.scan_may_wrap(url, RULES), url


def test_a_rule_host_with_an_ordinary_query_still_passes() -> None:
    # a rule's parameter may carry a target without a scheme: its host decides
    assert _wrappers.scan_may_wrap("https://www.google.com/url?q=bad.example/x", RULES)
    assert _wrappers.targets("https://www.google.com/url?q=bad.example/x", RULES)


def test_targets_close_to_the_start_of_a_reading_without_a_scheme_pass() -> None:
    # a short reading ("a.co?u=...", "x://?u=...") has its target's marks before index 8
    for url in [
        "a.co/?u=//b.example/x",
        "a.co/?u=www.b.example/x",
        "x.test/?u=%2F%2Fb.example/x",
        "x.test/?u=ftp://b.example/x",
        "https://proxy.example/ftp://b.example/x",
        "https://proxy.example/https://b.example/x",
        "https://a.example/?u=aHR0cHM6Ly9iLmV4YW1wbGUveA",
    ]:
        assert _wrappers.targets(url, RULES), url
        assert _wrappers.scan_may_wrap(url, RULES), url


def test_a_proofpoint_v3_path_without_a_scheme_passes_with_or_without_rules() -> None:
    # was a blind spot of the gate before this round too: no "?", no scheme in the target
    url = "https://urldefense.com/v3/__bad.example/x__;!!AbC$"
    for rules in (RULES, ()):
        assert _wrappers.targets(url, rules) == ["bad.example/x"]
        assert _wrappers.scan_may_wrap(url, rules)
