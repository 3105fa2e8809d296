"""Canonicalisation rules beyond the vector files: each documented choice has a test."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

import linkscreen
from linkscreen import InvalidURLError, canonical_variants, canonicalize
from linkscreen._percent import MAX_UNESCAPE_ROUNDS


class TestEscaping:
    def test_escapes_are_uppercase_hex(self) -> None:
        assert canonicalize("http://example.com/a%1bb%7f%e9") == "http://example.com/a%1Bb%7F%E9"

    def test_non_ascii_path_is_utf8_escaped(self) -> None:
        assert canonicalize("http://example.com/café") == "http://example.com/caf%C3%A9"

    def test_query_is_unescaped_then_reescaped(self) -> None:
        assert canonicalize("http://a.example/p?x=%41%20b") == "http://a.example/p?x=A%20b"

    def test_escaped_question_mark_in_path_stays_in_path(self) -> None:
        assert canonicalize("http://a.example/x%3Fy") == "http://a.example/x%3Fy"

    def test_nested_escapes_within_bound(self) -> None:
        url = "http://a.example/" + "%25" * 1 + "25" * (MAX_UNESCAPE_ROUNDS - 2) + "41"
        assert canonicalize(url) == "http://a.example/A"

    def test_nested_escapes_past_bound_are_refused(self) -> None:
        url = "http://a.example/%" + "25" * (MAX_UNESCAPE_ROUNDS + 5) + "41"
        with pytest.raises(InvalidURLError, match="rounds of unescaping"):
            canonicalize(url)


class TestIPv4:
    @pytest.mark.parametrize(
        "host",
        [
            "3232235777",
            "0xC0A80101",
            "0300.0250.01.01",
            "0xc0.0xa8.0x1.0x1",
            "192.168.257",
            "192.11010305",
            "0xc0.168.1.1",
            "%31%39%32.168.1.1",
            "１９２．１６８．１．１",
        ],
    )
    def test_numeric_forms_become_a_dotted_quad(self, host: str) -> None:
        assert canonicalize(f"http://{host}/x") == "http://192.168.1.1/x"

    @pytest.mark.parametrize("host", ["256.1.1.1", "1.2.3.4.5", "4294967296", "1.2.3.08"])
    def test_out_of_range_or_malformed_numbers_are_refused(self, host: str) -> None:
        with pytest.raises(InvalidURLError, match="host"):
            canonicalize(f"http://{host}/")

    @pytest.mark.parametrize("host", ["3com.example", "1.2.3.4.evil.example.com", "123abc.test"])
    def test_hosts_starting_with_digits_stay_names(self, host: str) -> None:
        assert canonicalize(f"http://{host}/") == f"http://{host}/"


class TestIPv6:
    def test_compressed_lowercase(self) -> None:
        url = "http://[FEDC:BA98:0:0:0:0:0:3210]:80/index.html"
        assert canonicalize(url) == "http://[fedc:ba98::3210]/index.html"

    def test_ipv4_mapped_becomes_ipv4(self) -> None:
        assert canonicalize("http://[::ffff:192.0.2.1]/") == "http://192.0.2.1/"
        assert canonicalize("http://[::ffff:c000:201]/") == "http://192.0.2.1/"

    def test_nat64_becomes_ipv4(self) -> None:
        assert canonicalize("http://[64:ff9b::192.0.2.1]/a") == "http://192.0.2.1/a"

    @pytest.mark.parametrize("host", ["[::1", "[1::2::3]", "[fe80::1%25eth0]", "[::1]x"])
    def test_malformed_ipv6_is_refused(self, host: str) -> None:
        with pytest.raises(InvalidURLError):
            canonicalize(f"http://{host}/")


class TestIDN:
    def test_unicode_host_becomes_punycode(self) -> None:
        assert canonicalize("http://www.ümlat.com/") == "http://www.xn--mlat-zra.com/"

    def test_punycode_input_is_unchanged(self) -> None:
        assert canonicalize("http://www.xn--mlat-zra.com/") == "http://www.xn--mlat-zra.com/"

    def test_full_width_host_maps_to_ascii(self) -> None:
        assert canonicalize("http://ｅｘａｍｐｌｅ．ＣＯＭ/") == "http://example.com/"

    def test_ideographic_full_stop_is_a_dot(self) -> None:
        assert canonicalize("http://example。com/") == "http://example.com/"

    def test_sharp_s_is_not_folded_to_ss(self) -> None:
        assert canonicalize("http://faß.de/") == "http://xn--fa-hia.de/"
        assert canonicalize("http://faß.de/") != canonicalize("http://fass.de/")

    def test_cyrillic_lookalike_stays_distinct(self) -> None:
        cyrillic = canonicalize("http://p\u0430ypal.com/")
        assert cyrillic.startswith("http://xn--")
        assert cyrillic != canonicalize("http://paypal.com/")

    def test_soft_hyphen_is_ignored(self) -> None:
        assert canonicalize("http://exa\u00admple.com/") == "http://example.com/"

    def test_full_width_percent_escape_cannot_hide_an_escape(self) -> None:
        once = canonicalize("http://％４１.example/")
        assert canonicalize(once) == once

    def test_percent_encoded_utf8_host(self) -> None:
        assert canonicalize("http://www.%C3%BCmlat.com/") == "http://www.xn--mlat-zra.com/"

    def test_invalid_utf8_host_is_escaped_bytes(self) -> None:
        assert canonicalize("http://a%FFb.example/") == "http://a%FFb.example/"


class TestSchemesAndParts:
    @pytest.mark.parametrize(
        "url",
        [
            "data:text/html,hi",
            "javascript:alert(1)",
            "mailto:someone@example.com",
            "file:///etc/passwd",
            "tel:+15550100",
            "ws://example.com/",
            "foo:bar",
            "tel:5550100",
        ],
    )
    def test_non_web_schemes_are_refused(self, url: str) -> None:
        with pytest.raises(InvalidURLError, match="not a web scheme"):
            canonicalize(url)

    @pytest.mark.parametrize(
        "url",
        ["example.com/x", "//example.com/x", "example.com:8080/x", "HTTP://EXAMPLE.COM/x"],
    )
    def test_missing_or_uppercase_scheme_means_http(self, url: str) -> None:
        assert canonicalize(url) == "http://example.com/x"

    @pytest.mark.parametrize(
        ("url", "scheme"), [("ttp://a.example/", "http"), ("hXXps://a.example/", "https")]
    )
    def test_truncated_and_defanged_schemes(self, url: str, scheme: str) -> None:
        assert canonicalize(url) == f"{scheme}://a.example/"

    def test_https_and_ftp_are_kept(self) -> None:
        assert canonicalize("HTTPS://example.com") == "https://example.com/"
        assert canonicalize("ftp://example.com/f") == "ftp://example.com/f"

    def test_userinfo_and_port_are_dropped(self) -> None:
        assert canonicalize("http://u:p@example.com:8443/a") == "http://example.com/a"

    @pytest.mark.parametrize("port", [":abc", ":99999", ":1:2"])
    def test_invalid_port_is_refused(self, port: str) -> None:
        with pytest.raises(InvalidURLError, match="port"):
            canonicalize(f"http://example.com{port}/")

    @pytest.mark.parametrize("url", ["/relative/path", "?q", "#frag", "http://", "http:///"])
    def test_no_host_is_refused(self, url: str) -> None:
        with pytest.raises(InvalidURLError):
            canonicalize(url)

    def test_percent_encoded_whole_url(self) -> None:
        encoded = "https%3A%2F%2Fbad.example%2Fcontent%2F1"
        assert canonicalize(encoded) == "https://bad.example/content/1"

    def test_backslashes_in_path_are_slashes_for_a_browser(self) -> None:
        assert canonicalize("http://example.com\\a\\b") == "http://example.com/a/b"

    def test_structural_characters_in_host_are_escaped(self) -> None:
        assert canonicalize("http://good.example%40evil.example/") == (
            "http://good.example%40evil.example/"
        )


class TestReadings:
    def test_backslash_before_at_browser_reading_first(self) -> None:
        variants = canonical_variants("http://EVIL.com\\@good.com/")
        assert canonicalize("http://EVIL.com\\@good.com/").startswith("http://evil.com/")
        assert variants[0].startswith("http://evil.com/")
        assert "http://good.com/" in variants

    def test_encoded_slash_before_at_gives_both_hosts(self) -> None:
        hosts = {v.split("/")[2] for v in canonical_variants("http://example.com%2F@evil.com/")}
        assert hosts == {"example.com", "evil.com"}

    def test_encoded_at_gives_the_decoded_host_too(self) -> None:
        hosts = {v.split("/")[2] for v in canonical_variants("http://good.example%40evil.example/")}
        assert "evil.example" in hosts

    def test_plain_url_has_one_reading(self) -> None:
        assert canonical_variants("http://example.com/a%2Fb") == ["http://example.com/a/b"]

    def test_first_variant_is_canonicalize(self) -> None:
        url = "http://a.example%5C@b.example/%2e%2e/x"
        assert canonical_variants(url)[0] == canonicalize(url)


_URLISH = st.text(
    alphabet=st.sampled_from([*"abcAB01.-_~%:/?#@[]\\ \t2FfeE5C:", "é", "ß", "。", "\x00"]),
    max_size=40,
)


@given(st.one_of(_URLISH, st.builds(lambda s: "http://" + s, _URLISH)))
def test_canonicalize_is_idempotent(url: str) -> None:
    try:
        once = canonicalize(url)
    except InvalidURLError:
        return
    assert canonicalize(once) == once
    assert re.fullmatch(r"(?:https?|ftp)://[\x21-\x7e]+", once), once
    assert not re.search(r"%(?:[a-f][0-9A-Fa-f]|[0-9A-F][a-f])", once)


@given(st.one_of(_URLISH, st.builds(lambda s: "http://" + s, _URLISH)))
def test_variants_are_canonical_and_distinct(url: str) -> None:
    try:
        variants = canonical_variants(url)
    except InvalidURLError:
        return
    assert len(variants) == len(set(variants))
    for variant in variants:
        assert canonicalize(variant) == variant


def test_version_constants_are_exported() -> None:
    assert linkscreen.CANONICALIZATION_VERSION >= 1
    assert linkscreen.MAX_URL_CHARS == 32 * 1024
