"""A web URL whose host the canonicaliser refuses is never a silent ``allow`` (ADR 0029).

Attack 12 (N13): ``check_url('http://192.0.2.256/')``, ``http://[jqxvw.example]/`` and a host
written with Arabic-Indic digits answered ``allow`` with ``error`` set, and ``scan_text`` of the
same called itself complete. Now the host is read as a person reads it (brackets off, digits of
any script as ASCII digits): a listed reading blocks, and the check is incomplete (``unchecked``,
at least ``incomplete_action``) either way. A non-ASCII URL given to ``check_url`` answers at
least what ``scan_text`` answers for it (N14: ``\\u2024``, ``\\ufe52`` as dots, look-alike hosts).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pure_parity import check_answer, pure_answers, scan_answer

import linkscreen
from linkscreen import Action, Signal

from bundles import compile_lists, open_bytes

ENTRIES = ["jqxvw.example/", "qzvkt.example/gal/275/1", "192.0.2.55/"]

#: Refused hosts whose reading names a listed entry: block, incomplete.
LISTED = [
    "http://\u0661\u0669\u0662.0.2.55/",  # Arabic-Indic digits
    "https://\u0967\u096f\u0968.0.2.55/",  # Devanagari digits
    "http://\u0661\u0669\u0662.0.2.55:8080/a",
    "http://[jqxvw.example]/",
    "https://[jqxvw.example]/photos",
    "http://[jqxvw.example]:443/x",
    "http://user@[jqxvw.example]/",
    "hxxp://[jqxvw.example]/",
    "http://[qzvkt.example]/gal/275/1",
]

#: Refused hosts with nothing listed in them: warn (the default policy), incomplete.
UNREAD = [
    "http://192.0.2.256/",
    "http://192.168.300.1/admin",
    "https://10.0.0.999:8443/",
    "http://\u0661\u0669\u0662.0.2.56/",
]

#: No host that reads as a host: documentation placeholders and templates stay ``allow``.
NOT_HOSTS = [
    "http://<your-domain>/callback",
    "https://${HOST}/api/v1",
    "http://{{ host }}/x",
    "http://[::1]:8080/",  # a valid IPv6 literal: read as it is
    "https://*.example.test/",
]


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    return _matcher(tmp_path_factory.mktemp("refused"))


def _matcher(tmp: Path) -> linkscreen.Matcher:
    return linkscreen.Matcher(open_bytes(compile_lists(tmp, {"h": (ENTRIES, Action.BLOCK)})))


@pytest.mark.parametrize("url", LISTED)
def test_listed_reading_of_a_refused_host_blocks(matcher: linkscreen.Matcher, url: str) -> None:
    verdict = matcher.check_url(url)
    assert verdict.action is Action.BLOCK, verdict
    assert Signal.UNCHECKED in verdict.signals
    assert verdict.error is not None
    assert any("cannot be read" in note for note in verdict.notes)
    # scan_text reads the bracketed host as a bare host too: it blocks either way
    assert matcher.scan_text(f"look {url} now").action is Action.BLOCK


@pytest.mark.parametrize("url", UNREAD)
def test_unlisted_refused_host_is_incomplete_never_allow(
    matcher: linkscreen.Matcher, url: str
) -> None:
    verdict = matcher.check_url(url)
    assert verdict.action is Action.WARN, verdict
    assert Signal.UNCHECKED in verdict.signals
    assert not verdict.complete
    found = matcher.scan_text(f"look {url} now")
    assert found.action is Action.WARN
    assert not found.complete
    assert any("cannot be read" in note for note in found.notes)


#: A name in brackets that matches nothing: in message text a documentation placeholder
#: (complete, allow); given to check_url, a URL an app would open: incomplete.
PLACEHOLDERS = ["http://[safe.example]/", "https://[domain.tld]/", "http://[example.com]/cb"]


@pytest.mark.parametrize("url", PLACEHOLDERS)
def test_bracketed_names_are_placeholders_in_text_but_unchecked_urls(
    matcher: linkscreen.Matcher, url: str
) -> None:
    found = matcher.scan_text(f"Set the URL to {url} in the config.")
    assert found.action is Action.ALLOW, found
    assert found.complete
    verdict = matcher.check_url(url)
    assert verdict.action is Action.WARN
    assert Signal.UNCHECKED in verdict.signals


#: Refused shapes attack 14 found answering a silent allow (F1-F3): end dots, brackets not
#: quite around a name, zones, a backslash or an escape where the browser refuses the host.
ATTACK14 = [
    ("http://192.0.2.256./", Action.WARN),
    ("http://.192.0.2.256/", Action.WARN),
    ("http://[jqxvw.example.]/", Action.BLOCK),
    ("http://[jqxvw.example:443]/", Action.BLOCK),
    ("http://[ jqxvw.example ]/", Action.BLOCK),
    ("http://[jqxvw.example%2e]/", Action.BLOCK),
    ("http://[[jqxvw.example]]/", Action.BLOCK),
    ("http://[::ffff:192.0.2.55%25eth0]/", Action.BLOCK),
    ("http://[one_word]/", Action.WARN),
    ("http://[::1/", Action.WARN),
    ("http://\u0661\u0669\u0662.0.2.55./", Action.BLOCK),
    ("https://10.0.0.999\\admin", Action.WARN),
    ("http://[jqxvw.example]\\@safe.test/", Action.BLOCK),
    ("http://[jqxvw.example]%40safe.test/", Action.BLOCK),
]


@pytest.mark.parametrize(("url", "expected"), ATTACK14)
def test_refused_shapes_of_attack_14(
    matcher: linkscreen.Matcher, url: str, expected: Action
) -> None:
    verdict = matcher.check_url(url)
    assert verdict.action is expected, verdict
    assert not verdict.complete


def test_incomplete_policy_applies(tmp_path: Path) -> None:
    bundle = open_bytes(compile_lists(tmp_path, {"h": (ENTRIES, Action.BLOCK)}))
    strict = linkscreen.Matcher(bundle, incomplete_action=Action.BLOCK)
    assert strict.check_url("http://192.0.2.256/").action is Action.BLOCK
    lax = linkscreen.Matcher(bundle, incomplete_action=Action.ALLOW)
    assert lax.check_url("http://192.0.2.256/").action is Action.ALLOW
    assert Signal.UNCHECKED in lax.check_url("http://192.0.2.256/").signals


def test_a_broken_literal_in_text_is_no_refused_host(matcher: linkscreen.Matcher) -> None:
    found = matcher.scan_text("see http://[::1/ now, or http://[::1]/")
    assert found.action is Action.ALLOW
    assert found.complete


@pytest.mark.parametrize("url", NOT_HOSTS)
def test_placeholders_and_valid_literals_are_not_refused_hosts(
    matcher: linkscreen.Matcher, url: str
) -> None:
    verdict = matcher.check_url(url)
    assert verdict.action is Action.ALLOW, verdict
    assert Signal.UNCHECKED not in verdict.signals
    found = matcher.scan_text(f"set {url} in the config")
    assert found.action is Action.ALLOW, found
    assert found.complete, found.notes


def test_a_refused_host_in_a_benign_message_costs_a_warn_only(
    matcher: linkscreen.Matcher,
) -> None:
    found = matcher.scan_text("the router is at http://192.168.300.1/ I think, or .1.1")
    assert found.action is Action.WARN
    assert not any(f.verdict.matches for f in found)


#: Non-ASCII URLs that scan_text reads as listed (a dot look-alike, an invisible character,
#: a bidi control): check_url answers the same.
AS_SCANNED = [
    ("http://jqxvw\u2024example/", Action.BLOCK),
    ("http://jqxvw\ufe52example/a", Action.BLOCK),
    ("http://jqxvw\u00b7example/", Action.BLOCK),
    ("http://jqxvw.example\u2024/", Action.BLOCK),
    ("https://jq\u200bxvw.example/", Action.BLOCK),
    ("http://\u202ejqxvw.example/", Action.BLOCK),
    ("http://qzvkt\u2024example/gal/275/1", Action.BLOCK),
    ("http://\u0458qxvw.example/", Action.WARN),  # Cyrillic je: a look-alike warns
    ("https://jqxvw.e\u0301xample/", Action.WARN),
]


@pytest.mark.parametrize(("url", "expected"), AS_SCANNED)
def test_check_url_answers_at_least_what_scan_text_answers(
    matcher: linkscreen.Matcher, url: str, expected: Action
) -> None:
    assert matcher.scan_text(url).action is expected
    verdict = matcher.check_url(url)
    assert verdict.action is expected, verdict
    assert verdict.matches


@pytest.mark.parametrize(
    "url",
    [
        "https://m\u00fcnchen.example/stra\u00dfe",
        "https://\u4f8b\u3048.example/\u30c6\u30b9\u30c8",
        "http://safe.example/\u2024/x",
        "https://xn--mnchen-3ya.example/",
    ],
)
def test_unlisted_non_ascii_urls_allow(matcher: linkscreen.Matcher, url: str) -> None:
    verdict = matcher.check_url(url)
    assert verdict.action is Action.ALLOW, verdict
    assert verdict.complete


#: An IP address written with the digits of another script in every label: a browser reads
#: an IDN host (xn--...) in a top-level domain that cannot exist, a person reads the address.
DIGIT_IPS = [
    ("https://\u0661\u0669\u0662.\u0660.\u0662.\u0665\u0665/", Action.BLOCK),
    ("http://\u06f1\u06f9\u06f2.\u06f0.\u06f2.\u06f5\u06f5/x", Action.BLOCK),
    ("http://\uff11\uff19\uff12.\u0660.\u0662.\u0665\u0665/", Action.BLOCK),
    ("https://\u0661.\u0662.\u0663.\u0664/", Action.ALLOW),
    ("https://\u0661\u0669\u0662.\u0660.\u0662.\u0665\u0665./", Action.BLOCK),  # end dot
    ("https://\u0663\u0660\u0660.\u0661.\u0661.\u0661/", Action.ALLOW),  # 300: no address
]


@pytest.mark.parametrize(("url", "expected"), DIGIT_IPS)
def test_an_address_in_other_digits_is_read_as_the_address(
    matcher: linkscreen.Matcher, url: str, expected: Action
) -> None:
    verdict = matcher.check_url(url)
    assert verdict.action is expected, verdict
    assert bool(verdict.matches) is (expected is Action.BLOCK)
    assert matcher.scan_text(f"go to {url} now").action is expected


ALL_TEXTS = [
    *(f"see {u}" for u in LISTED + UNREAD + NOT_HOSTS),
    *(u for u, _ in AS_SCANNED + DIGIT_IPS),
]


def test_native_and_pure_agree(matcher: linkscreen.Matcher, tmp_path: Path) -> None:
    here = [scan_answer(matcher, t) for t in ALL_TEXTS]
    assert pure_answers(__name__, tmp_path, ALL_TEXTS) == here


def test_check_url_native_and_pure_agree(matcher: linkscreen.Matcher, tmp_path: Path) -> None:
    urls = [
        *LISTED,
        *UNREAD,
        *NOT_HOSTS,
        *PLACEHOLDERS,
        *(u for u, _ in AS_SCANNED + DIGIT_IPS + ATTACK14),
    ]
    here = [check_answer(matcher, u) for u in urls]
    assert pure_answers(__name__, tmp_path, urls, "check_answer") == here


@pytest.mark.parametrize(
    ("url", "readings"),
    [
        ("http://192.0.2.256./", ["http://192.0.2.256/"]),
        ("http://[jqxvw.example:443]/x", ["http://jqxvw.example/x"]),
        ("http://[jqxvw.example]%40safe.test/", ["http://jqxvw.example/"]),
        ("http://[one_word]/", []),
        ("http://<your-domain>/", []),
        ("http://[::1/", []),
        ("mailto:a@b.example", []),
    ],
)
def test_salvaged_readings(url: str, readings: list[str]) -> None:
    from linkscreen._salvage import salvaged_urls

    assert salvaged_urls(url) == readings


#: Inputs a fuzz run found raising (an assert behind a browser refusal of a templated host).
ODD_INPUTS = [
    "https://b %5c%20192.0.2.256",
    'hxxp://["]%40exampleexample\\<',
    "https://[%40<jqxvw>",
    'hxxp://.\ufffd>"@\\',
    "http://<a>\\b.example/",
]


@pytest.mark.parametrize("url", ODD_INPUTS)
def test_odd_inputs_never_raise(matcher: linkscreen.Matcher, url: str) -> None:
    assert matcher.check_url(url).action in (Action.ALLOW, Action.WARN, Action.BLOCK)
    matcher.scan_text(f"see {url} now")


@given(
    st.lists(
        st.sampled_from(
            [
                "a",
                ".",
                "\\",
                "/",
                "@",
                ":",
                "%",
                "<",
                ">",
                "{",
                "$",
                "|",
                '"',
                "[",
                "]",
                " ",
                "%20",
                "%2e",
                "%40",
                "%5c",
                "\u00a0",
                "\ufffd",
                "jqxvw",
                "example",
                "192.0.2.256",
            ]
        ),
        max_size=10,
    ).map("".join),
    st.sampled_from(["http://", "https://", "hxxp://", "//", ""]),
)
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_no_url_shape_raises(matcher: linkscreen.Matcher, rest: str, scheme: str) -> None:
    url = scheme + rest
    assert matcher.check_url(url).action in (Action.ALLOW, Action.WARN, Action.BLOCK)
    matcher.scan_text(f"x {url} y")
