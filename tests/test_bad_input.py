"""Any str returns a canonical URL or raises InvalidURLError: never another error, never a hang."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import linkscreen
from linkscreen import InvalidURLError


def _outcome(url: str) -> str:
    try:
        linkscreen.canonical_variants(url)
        linkscreen.expressions(url)
    except InvalidURLError:
        return "refused"
    return "ok"


@given(st.text())
def test_any_text(url: str) -> None:
    _outcome(url)


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=()), max_size=60))
def test_any_text_after_a_scheme(rest: str) -> None:
    _outcome("http://" + rest)


@given(st.text(alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), max_size=5))
def test_lone_surrogates(junk: str) -> None:
    _outcome("http://a" + junk + ".example/" + junk)


def test_surrogate_escaped_bytes_are_raw_bytes() -> None:
    assert linkscreen.canonicalize("http://example.com/\udcff") == "http://example.com/%FF"


def test_one_megabyte_of_junk_is_refused() -> None:
    with pytest.raises(InvalidURLError, match="limit"):
        linkscreen.canonicalize("http://example.com/" + "\x00\udcff%" * 350_000)


def test_nuls_and_controls_are_escaped() -> None:
    assert linkscreen.canonicalize("http://example.com/a\x00b\x1fc\x7f") == (
        "http://example.com/a%00b%1Fc%7F"
    )


def test_thousands_of_nested_percent_25() -> None:
    url = "http://example.com/%" + "25" * 5000 + "41"
    with pytest.raises(InvalidURLError, match="unescaping"):
        linkscreen.canonicalize(url)


def test_thousands_of_nested_percent_25_in_host() -> None:
    with pytest.raises(InvalidURLError, match="unescaping"):
        linkscreen.canonicalize("http://a%" + "25" * 5000 + "41.example/")


def test_long_url_within_the_limit_is_accepted() -> None:
    url = "http://example.com/" + "a/" * 15_000
    assert linkscreen.canonicalize(url).startswith("http://example.com/a/a/")


def test_non_str_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        linkscreen.canonicalize(b"http://example.com/")  # type: ignore[arg-type]
