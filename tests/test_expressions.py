"""Lookup expressions: Safe Browsing vectors, the PSL host rule, bounds."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import linkscreen
from linkscreen._host import canonical_host
from linkscreen.expressions import MAX_HOSTS, MAX_PATHS

from vectors import expression_vectors, psl_checks

VECTORS = expression_vectors()
FOLLOWED = [v for v in VECTORS if v["conformance"] in ("v4-spec", "v5-spec", "impl-consensus")]
# go-impl vectors emit 7 host variants (Go's maxHostComponents); the spec says 5. Not followed.
NOT_FOLLOWED = [v for v in VECTORS if v["conformance"] == "go-impl"]


@pytest.mark.parametrize("vector", FOLLOWED, ids=[v["input"] for v in FOLLOWED])
def test_expression_vector(vector: dict[str, Any]) -> None:
    if vector.get("expect_error"):
        with pytest.raises(linkscreen.InvalidURLError):
            linkscreen.expressions(vector["input"])
        return
    got = linkscreen.expressions(vector["input"])
    assert len(got) == len(set(got))
    assert set(got) == set(vector["expressions"])
    for expression, digest in vector.get("sha256_hex", {}).items():
        assert hashlib.sha256(expression.encode()).hexdigest() == digest


@pytest.mark.parametrize("vector", NOT_FOLLOWED, ids=[v["input"] for v in NOT_FOLLOWED])
def test_go_only_vectors_give_the_spec_five_hosts(vector: dict[str, Any]) -> None:
    hosts = {e.split("/")[0] for e in linkscreen.expressions(vector["input"])}
    assert hosts < {e.split("/")[0] for e in vector["expressions"]}
    assert len(hosts) == MAX_HOSTS


def test_vector_counts() -> None:
    assert len(FOLLOWED) + len(NOT_FOLLOWED) == len(VECTORS) == 28


def test_v5_rule_stops_at_the_registrable_domain() -> None:
    # v4's "last five labels" would add co.uk; v5 (followed) stops at example.co.uk.
    hosts = {e.split("/")[0] for e in linkscreen.expressions("http://a.b.example.co.uk/")}
    assert hosts == {"a.b.example.co.uk", "b.example.co.uk", "example.co.uk"}


def test_private_suffix_counts_as_public() -> None:
    hosts = {e.split("/")[0] for e in linkscreen.expressions("http://x.bad.blogspot.com/")}
    assert hosts == {"x.bad.blogspot.com", "bad.blogspot.com"}


def test_numeric_labels_inside_a_name_do_not_make_an_ip() -> None:
    got = linkscreen.expressions("http://1.2.3.4.evil.example.com/a/b")
    assert "example.com/" in got
    assert "example.com/a/b" in got
    assert "evil.example.com/a/" in got


def test_ip_hosts_get_no_suffixes() -> None:
    got = linkscreen.expressions("http://0x7f.1/a/b?c")
    assert {e.split("/")[0] for e in got} == {"127.0.0.1"}


def test_six_paths_at_most() -> None:
    got = linkscreen.expressions("http://b.c/1/2/3/4/5/6/7.html?q=1")
    assert len(got) == MAX_PATHS
    assert got[:2] == ["b.c/1/2/3/4/5/6/7.html?q=1", "b.c/1/2/3/4/5/6/7.html"]


def _ascii_host(host: str) -> str:
    if host.isascii():
        return host.lower()
    return canonical_host(host.encode("utf-8").decode("latin-1"), host)


PSL = psl_checks()


@pytest.mark.parametrize(("host", "expected"), PSL, ids=[str(h) for h, _ in PSL])
def test_public_suffix_list_check(host: str | None, expected: str | None) -> None:
    """publicsuffix/list tests/test_psl.txt; IDN rows compared in punycode."""
    if host is None:
        assert expected is None
        return
    want = None if expected is None else _ascii_host(expected)
    assert linkscreen.registrable_domain(_ascii_host(host)) == want


def test_psl_rows_all_read() -> None:
    assert len(PSL) == 78


def test_psl_snapshot_is_the_pinned_one() -> None:
    # The snapshot is part of the matching contract (docs/canonicalization.md): a change must
    # be deliberate, with CANONICALIZATION_VERSION and the docs updated together.
    assert linkscreen.PSL_SNAPSHOT_VERSION == "2025-04-07_15-51-09_UTC"


_LABEL = st.text(alphabet="abcxyz019-", min_size=1, max_size=6)
_HOSTS = st.lists(_LABEL, min_size=1, max_size=12).map(".".join)
_PATHS = st.lists(st.text(alphabet="ab1.%/", max_size=5), max_size=10).map("/".join)


@given(_HOSTS, _PATHS, st.one_of(st.none(), st.text(alphabet="a=&?/", max_size=8)))
def test_at_most_thirty_distinct_expressions(host: str, path: str, query: str | None) -> None:
    url = f"http://{host}/{path}" + ("" if query is None else f"?{query}")
    try:
        got = linkscreen.expressions(url)
    except linkscreen.InvalidURLError:
        return
    assert 1 <= len(got) <= linkscreen.MAX_EXPRESSIONS == 30
    assert len(set(got)) == len(got)
    canonical_host_part = linkscreen.canonicalize(url).split("/")[2]
    assert got[0].startswith(canonical_host_part + "/")
