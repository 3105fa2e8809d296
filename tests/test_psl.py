"""The SDK's own Public Suffix List: the PSL checks, tldextract's answers on many hosts, the
bundle encoding, and the rule that a Matcher uses the list its bundle carries."""

from __future__ import annotations

import random
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import linkscreen
from linkscreen._host import canonical_host
from linkscreen.bundle import format as fmt
from linkscreen.psl import PSL_SNAPSHOT_VERSION, PublicSuffixList, snapshot
from linkscreen.results import Action
from linkscreen_server.suffixes import default_psl

from bundles import compile_lists, open_bytes
from vectors import psl_checks

tldextract = pytest.importorskip("tldextract")

SNAPSHOT_TEXT = (resources.files("linkscreen") / "data" / "public_suffix_list.dat").read_text()
TINY = """// VERSION: tiny-1
// ===BEGIN ICANN DOMAINS===
example
co.example
*.wild.example
!keep.wild.example
test
// ===END ICANN DOMAINS===
// ===BEGIN PRIVATE DOMAINS===
hosting.test
*.cloud.test
// ===END PRIVATE DOMAINS===
"""


def _ascii(host: str) -> str:
    return host.lower() if host.isascii() else canonical_host(host.encode().decode("latin-1"), host)


# ---- the oracle: the pre-bundle implementation, over tldextract ------------------------------
_EXTRACT = tldextract.TLDExtract(
    suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True, include_psl_private_domains=True
)


def _rule_lines(text: str) -> list[str]:
    return [
        line.split()[0] for line in map(str.strip, text.splitlines()) if line and line[:2] != "//"
    ]


_EXPLICIT = frozenset(_ascii(r) for r in _rule_lines(SNAPSHOT_TEXT) if r[0] not in "*!")


def _oracle_suffix(host: str) -> str | None:
    if not host or host[0] == "." or host[-1] == "." or ".." in host:
        return None
    return _EXTRACT.extract_str(host).suffix or host[host.rfind(".") + 1 :]


def _oracle_registrable(host: str) -> str | None:
    suffix = _oracle_suffix(host)
    if suffix is None or len(host) <= len(suffix):
        return None
    return host[host.rfind(".", 0, len(host) - len(suffix) - 1) + 1 :]


def _oracle_shared(host: str) -> bool:
    if _oracle_suffix(host) != host:
        return False
    return host in _EXPLICIT or not _EXTRACT.extract_str(host).is_private


def _hosts() -> list[str]:
    """Every rule, with labels in front, wildcards filled in, exceptions, unlisted TLDs, and
    random names built from the list's own labels (to walk into and out of its trie)."""
    rng = random.Random(12)
    labels: list[str] = []
    hosts: set[str] = set()
    for rule in _rule_lines(SNAPSHOT_TEXT):
        name = _ascii(rule.lstrip("!").replace("*", "wq"))
        labels += name.split(".")
        for prefix in ("", "a.", "b.a.", "www.", "x.y.z."):
            hosts.add(prefix + name)
    pool = sorted(set(labels))
    for _ in range(20_000):
        hosts.add(".".join(rng.choice(pool) for _ in range(rng.randrange(1, 6))))
    hosts |= {"zzzz", "foo.zzzz", "a.b.c.zzz", "*.ck", "x.*.ck", "!www.ck", "a.!www.ck"}
    return sorted(hosts)


HOSTS = _hosts()


def test_differential_against_tldextract_on_many_hosts() -> None:
    psl = snapshot()
    assert len(HOSTS) > 60_000
    wrong = [
        host
        for host in HOSTS
        if (psl.public_suffix(host), psl.registrable_domain(host), psl.is_shared_suffix(host))
        != (_oracle_suffix(host), _oracle_registrable(host), _oracle_shared(host))
    ]
    assert wrong == []


def test_the_bundles_decoded_list_answers_as_the_parsed_one() -> None:
    parsed = snapshot()
    decoded = PublicSuffixList.from_section(parsed.encode(), parsed.version)
    assert decoded.rules == parsed.rules
    for host in HOSTS[::7]:
        assert decoded.registrable_domain(host) == parsed.registrable_domain(host), host
        assert decoded.is_shared_suffix(host) == parsed.is_shared_suffix(host), host


PSL = psl_checks()


@pytest.mark.parametrize(("host", "expected"), PSL, ids=[str(h) for h, _ in PSL])
def test_psl_checks_on_the_bundles_list(host: str | None, expected: str | None) -> None:
    """publicsuffix/list tests/test_psl.txt, on the list as a bundle carries it."""
    if host is None:
        return
    psl = PublicSuffixList.from_section(snapshot().encode(), "x")
    want = None if expected is None else _ascii(expected)
    assert psl.registrable_domain(_ascii(host)) == want


# ---- the snapshot ---------------------------------------------------------------------------


def test_snapshot_version_is_the_files() -> None:
    assert f"// VERSION: {PSL_SNAPSHOT_VERSION}\n" in SNAPSHOT_TEXT
    assert snapshot().version == PSL_SNAPSHOT_VERSION == linkscreen.PSL_SNAPSHOT_VERSION


def test_snapshot_keeps_its_mpl_notice() -> None:
    assert SNAPSHOT_TEXT.startswith(
        "// This Source Code Form is subject to the terms of the Mozilla"
    )
    assert "https://mozilla.org/MPL/2.0/" in SNAPSHOT_TEXT[:300]


def test_the_server_default_is_tldextracts_snapshot_and_equals_the_sdks() -> None:
    assert default_psl().rules == snapshot().rules
    assert default_psl().version == PSL_SNAPSHOT_VERSION


def test_import_linkscreen_loads_no_tldextract_and_parses_no_list() -> None:
    code = (
        "import sys, linkscreen; "
        "assert 'tldextract' not in sys.modules, 'tldextract'; "
        "assert 'linkscreen.psl' not in sys.modules, 'psl loaded on import'; "
        "import linkscreen.psl; "
        "assert linkscreen.psl._snapshot is None, 'parsed on import'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ---- parsing --------------------------------------------------------------------------------


def test_parse_sorts_rules_into_runs() -> None:
    psl = PublicSuffixList.parse(TINY)
    assert psl.version == "tiny-1"
    assert psl.rules == fmt.PslRules(
        icann=("example", "example.co", "test"),
        icann_wildcards=("example.wild",),
        icann_exceptions=("example.wild.keep",),
        private=("test.hosting",),
        private_wildcards=("test.cloud",),
        private_exceptions=(),
    )


def test_parse_reads_a_rule_up_to_whitespace_and_skips_comments() -> None:
    psl = PublicSuffixList.parse("// c\n  co.zz   trailing words\n\n// ===BEGIN ICANN DOMAINS===\n")
    assert psl.rules.icann == ("zz.co",)
    assert psl.version.startswith("sha256:")


def test_parse_converts_unicode_rules_to_punycode() -> None:
    psl = PublicSuffixList.parse("公司.cn\n*.рф\n")
    assert psl.rules.icann == ("cn.xn--55qx5d",)
    assert psl.rules.icann_wildcards == ("xn--p1ai",)
    assert "рф" in psl.top_level_domains()
    assert "xn--p1ai" in psl.top_level_domains()


@pytest.mark.parametrize(
    "text", ["", "// only comments\n", "a.*.b\n", "!x\n", "**.x\n", "a..b\n", "x!y.z\n"]
)
def test_parse_refuses_what_is_not_a_rule_list(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011  (each case has its own message)
        PublicSuffixList.parse(text)


def test_parse_refuses_a_version_that_does_not_fit_the_header() -> None:
    with pytest.raises(ValueError, match="PSL version"):
        PublicSuffixList.parse("// VERSION: " + "x" * 33 + "\ncom\n")


# ---- the algorithm on a small list ----------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "suffix", "registrable", "shared"),
    [
        ("example", "example", None, True),
        ("a.example", "example", "a.example", False),
        ("deep.name.co.example", "co.example", "name.co.example", False),
        ("co.example", "co.example", None, True),
        ("b.wild.example", "b.wild.example", None, True),  # ICANN wildcard: a registry
        ("a.b.wild.example", "b.wild.example", "a.b.wild.example", False),
        ("keep.wild.example", "wild.example", "keep.wild.example", False),  # the exception
        ("x.keep.wild.example", "wild.example", "keep.wild.example", False),
        ("u.hosting.test", "hosting.test", "u.hosting.test", False),
        ("hosting.test", "hosting.test", None, True),  # a private rule still counts
        ("m1.cloud.test", "m1.cloud.test", None, False),  # private wildcard: one machine
        ("a.m1.cloud.test", "m1.cloud.test", "a.m1.cloud.test", False),
        ("a.unlisted", "unlisted", "a.unlisted", False),  # the implicit "*" rule
        ("unlisted", "unlisted", None, True),
        ("", None, None, False),
        (".a.example", None, None, False),
        ("a..example", None, None, False),
    ],
)
def test_rules_wildcards_exceptions_private_and_implicit(
    host: str, suffix: str | None, registrable: str | None, shared: bool
) -> None:
    psl = PublicSuffixList.parse(TINY)
    assert psl.public_suffix(host) == suffix
    assert psl.registrable_domain(host) == registrable
    assert psl.is_shared_suffix(host) is shared


def test_a_wildcard_under_a_longer_rule_is_read_as_tldextract_reads_it() -> None:
    """tldextract walks a trie: where a label names a node of a longer rule, the wildcard
    beside it is not consulted. Clients must keep computing exactly that."""
    psl = PublicSuffixList.parse("*.foo\na.b.foo\n")
    assert psl.public_suffix("x.b.foo") == _tiny_oracle("*.foo\na.b.foo\n", "x.b.foo") == "foo"
    assert psl.public_suffix("x.c.foo") == "x.c.foo"[2:]


def _tiny_oracle(text: str, host: str) -> str:
    from tldextract.tldextract import _PublicSuffixListTLDExtractor

    rules = _rule_lines(text)
    extractor = _PublicSuffixListTLDExtractor(rules, [], [], include_psl_private_domains=True)
    labels = host.split(".")
    found = extractor.suffix_index(labels)
    return labels[-1] if found is None else ".".join(labels[found[0][0] :])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "foo", "wild", "x", "*", "!b"]), min_size=1, max_size=5))
def test_small_lists_walk_like_tldextract(labels: list[str]) -> None:
    text = "*.foo\na.b.foo\nfoo\n!b.wild.foo\n*.wild.foo\nx.a\n"
    host = ".".join(labels)
    assert PublicSuffixList.parse(text).public_suffix(host) == _tiny_oracle(text, host)


def test_lookups_are_remembered_and_the_cache_is_bounded() -> None:
    psl = PublicSuffixList.parse(TINY)
    for i in range(70_000):
        psl.registrable_domain(f"h{i}.example")
    assert 0 < len(psl._cache) <= 1 << 16
    psl.clear_cache()
    assert not psl._cache


# ---- one list: the bundle's ---------------------------------------------------------------


def test_a_matcher_computes_host_expressions_from_the_bundles_list(tmp_path: Path) -> None:
    """With its own list a bundle can make ``co.example`` a public suffix; the SDK's snapshot
    does not know it. A listed host five labels up is found only with the bundle's list."""
    listed = "http://c.d.e.f.co.example/"
    data = compile_lists(
        tmp_path, {"hotline": ([listed], Action.BLOCK)}, psl=PublicSuffixList.parse(TINY)
    )
    bundle = open_bytes(data)
    assert bundle.psl_embedded
    assert bundle.psl_matches
    assert bundle.public_suffix_list.version == "tiny-1"
    url = "http://a.b.c.d.e.f.co.example/"
    verdict = linkscreen.Matcher(bundle).check_url(url)
    assert verdict.action is Action.BLOCK
    assert "c.d.e.f.co.example/" in verdict.expressions
    assert "c.d.e.f.co.example/" not in linkscreen.expressions(url)  # the SDK's snapshot


def test_the_compiler_refuses_a_public_suffix_of_the_list_it_compiles_with(tmp_path: Path) -> None:
    from linkscreen_server.compiler import ListSpec, compile_bundle

    from bundles import TEST_KEY

    path = tmp_path / "l.txt"
    path.write_text("http://co.example/\nhttp://name.co.example/\n")
    _, report = compile_bundle([ListSpec("l", path)], TEST_KEY, psl=PublicSuffixList.parse(TINY))
    assert report.entries == 1
    assert "public suffix 'co.example'" in str(report.rejected[0])
    _, report = compile_bundle([ListSpec("l", path)], TEST_KEY)
    assert report.entries == 2  # the default list has no co.example rule


def test_a_bundle_exposes_its_lists_tlds_for_the_extractor(tmp_path: Path) -> None:
    data = compile_lists(
        tmp_path, {"h": (["http://a.example/"], Action.BLOCK)}, psl=PublicSuffixList.parse(TINY)
    )
    tlds = open_bytes(data).top_level_domains()
    assert {"example", "test"} <= tlds
    assert "com" not in tlds
    assert {"invalid", "onion"} <= tlds  # special-use names links use


def test_scan_text_finds_hosts_under_the_bundles_own_tlds(tmp_path: Path) -> None:
    """A TLD only the server's list knows is still found in prose by the Matcher's extractor."""
    psl = PublicSuffixList.parse(TINY + "zz\n")
    data = compile_lists(tmp_path, {"h": (["http://listed.zz/page"], Action.BLOCK)}, psl=psl)
    matcher = linkscreen.Matcher(open_bytes(data))
    assert "zz" not in snapshot().top_level_domains()
    findings = matcher.scan_text("look at listed.zz/page now")
    assert [f.verdict.action for f in findings] == [Action.BLOCK]
