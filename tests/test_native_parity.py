"""The C core's URL path is byte-identical to the pure-Python reference.

Every comparison runs the whole path in both: canonical readings (``canonical_variants``),
the browser reading (``canonicalize``), lookup expressions over all readings, refusals. Inputs:
the Safe Browsing and WPT vectors, 1,000,000 URLs (the phishing feed in ../shared/data when
present, else its 40-line sample, plus benign, generated and mutated URLs), hypothesis-made
URLs and every Public Suffix List rule. Zero disagreements allowed.
"""

from __future__ import annotations

import json
import os
import random
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import linkscreen
from linkscreen import _probe, psl
from linkscreen.canonical import canonicalize
from linkscreen.errors import URLLimitError

import url_corpus
from readings import native_reading, python_reading
from vectors import DATA, canon_vectors

#: The SDK's dated Public Suffix List snapshot (the same list psl.snapshot() reads).
_SNAPSHOT = resources.files("linkscreen") / "data" / "public_suffix_list.dat"

pytestmark = pytest.mark.skipif(not _probe.NATIVE_AVAILABLE, reason="C core not built")

VECTORS = Path(__file__).parent / "vectors"
#: URLs in the large differential run; LINKSCREEN_PARITY_URLS overrides (e.g. for a quick run).
PARITY_URLS = int(os.environ.get("LINKSCREEN_PARITY_URLS", "1000000"))


def _snapshot() -> bytes:
    return _SNAPSHOT.read_bytes()


@pytest.fixture(scope="module")
def native_psl() -> _probe.NativePsl:
    return _probe.NativePsl(_snapshot())


@pytest.fixture(scope="module")
def tiny_probe() -> _probe.NativeProbe:
    bundle = linkscreen.Bundle.open(VECTORS / "tiny.bundle", [VECTORS / "test-signing.pub"])
    return _probe.NativeProbe(bundle)


def _python(url: str) -> object:
    return python_reading(url)


def _native(probe: _probe.NativeProbe | None, table: _probe.NativePsl, url: str) -> object:
    return native_reading(table, url, probe)


def _disagreements(
    urls: list[str], probe: _probe.NativeProbe, table: _probe.NativePsl
) -> list[str]:
    return [url for url in urls if _python(url) != _native(probe, table, url)]


def _vector_inputs() -> list[str]:
    inputs = [v.input for v in canon_vectors()]
    for case in json.loads((DATA / "wpt_urltestdata.json").read_text()):
        if isinstance(case, dict):
            inputs += [case["input"]] + ([case["base"]] if case.get("base") else [])
    return inputs


def test_safe_browsing_and_wpt_vectors_agree(
    tiny_probe: _probe.NativeProbe, native_psl: _probe.NativePsl
) -> None:
    inputs = _vector_inputs()
    assert len(inputs) > 1000
    assert _disagreements(inputs, tiny_probe, native_psl) == []
    for url in inputs:  # the single browser reading and its refusals too
        try:
            expected: str | None = canonicalize(url)
        except linkscreen.InvalidURLError:
            expected = None
        try:
            got: str | None = _probe.canonicalize(url)
        except linkscreen.InvalidURLError:
            got = None
        assert got == expected, ascii(url)


def test_ipv4_parts_follow_the_whatwg_number_parser(native_psl: _probe.NativePsl) -> None:
    """A part is 0x + hex digits, 0 + octal digits or decimal digits, nothing else: Python's
    int() would also take a second prefix ("0x0xa" as 10), a "_" or a sign; a browser does
    not, so neither do the reference and the C core ("0x0xa" is then a host name)."""
    hosts = ["0x0xa", "00o17", "0x0x", "00o", "0x0X1f.1", "00O7.0x0xff", "0o17", "0xx1", "0x0x0xa"]
    hosts += ["0x1_0", "1_0", "0x+1", "0x-1", "0b1", "08", "0x", "0xAbC", "017.1", "1.2.3.4_"]
    for host in hosts:
        url = f"http://{host}/p"
        assert native_reading(native_psl, url) == python_reading(url), host
    assert canonicalize("http://0x0xa/p") == "http://0x0xa/p"
    assert canonicalize("http://0x0a/p") == "http://0.0.0.10/p"
    assert canonicalize("http://00o17/") == "http://00o17/"
    assert canonicalize("http://a.0x1_0/") == "http://a.0x1_0/"  # no number at the end
    with pytest.raises(linkscreen.InvalidURLError):
        canonicalize("http://a.0x10/")  # ends in a number, so all of it must be one
    assert canonicalize("http://017.1/") == "http://15.0.0.1/"


def test_a_port_of_thousands_of_digits_is_a_typed_refusal(
    native_psl: _probe.NativePsl,
) -> None:
    """int() refuses strings past 4,300 digits with a bare ValueError, which would escape
    check_url; both implementations refuse such a port with InvalidURLError instead."""
    for url in ["http://a.example:" + "1" * 5000 + "/", "http://a.example:" + "0" * 5000 + "80/"]:
        assert python_reading(url) == native_reading(native_psl, url)
    assert python_reading("http://a.example:" + "1" * 5000 + "/") is None
    assert python_reading("http://a.example:" + "0" * 5000 + "80/") is not None


def test_c_refuses_with_a_typed_error(tiny_probe: _probe.NativeProbe) -> None:
    with pytest.raises(linkscreen.InvalidURLError):
        _probe.canonicalize("javascript:alert(1)")
    with pytest.raises(URLLimitError):
        _probe.canonical_variants("http://a.example/" + "x" * linkscreen.MAX_URL_CHARS)
    with pytest.raises(URLLimitError):
        _probe.canonicalize("http://a.example/%" + "25" * 40 + "41")
    with pytest.raises(linkscreen.NativeCoreError):
        _probe.url_bytes("http://a.example/\udcc3\udca9")  # no exact byte form: pure path
    # a lone surrogate that is no byte is U+FFFD, as a browser and the pure path read it
    assert (
        _probe.canonicalize("http://a\ud800.example/\udfff")
        == "http://a%EF%BF%BD.example/%EF%BF%BD"
    )
    with pytest.raises(TypeError):
        _probe.canonicalize(b"http://a.example/")  # type: ignore[arg-type]


def test_word_at_a_time_scans_agree_at_every_offset(native_psl: _probe.NativePsl) -> None:
    """The C core scans eight bytes at a time for tabs, line feeds and carriage returns (which
    the canonicaliser drops), for bytes to escape and for the end of an ASCII run: each such
    byte at every offset of a word, in host, path and query, reads as in Python."""
    marks = ["\t", "\n", "\r", "\x0b", "\x0e", "\x1f", " ", "\x7f", "\x85", "\xa0", "#", "%", "?"]
    marks += ["\\", "/.", "//", "é", "\U0001f600", "\udc80", "@", ":", "[", "]"]
    bad = []
    for mark in marks:
        for at in range(19):
            for url in (
                "http://" + "a" * at + mark + "b.example/p",
                "http://h.example/" + "p" * at + mark + "q/r",
                "http://h.example/p?" + "q" * at + mark + "s",
                mark + "http://h.example/" + "p" * at,
            ):
                if _python(url) != _native(None, native_psl, url):
                    bad.append(url)
    assert [ascii(u) for u in bad] == []


def test_the_character_limit_counts_characters_not_bytes(native_psl: _probe.NativePsl) -> None:
    """A URL of MAX_URL_CHARS characters is read even when it has more bytes than that (C
    counts only URLs longer in bytes than the limit); one character more passes the limit."""
    head = "http://h.example/"
    for fill in ("é", "x\U0001f600", "\udcff", "ab\t"):
        body = (fill * linkscreen.MAX_URL_CHARS)[: linkscreen.MAX_URL_CHARS - len(head)]
        for url in (head + body, head + body + "z"):
            assert _python(url) == _native(None, native_psl, url), (ascii(fill), len(url))
    exact = head + "é" * (linkscreen.MAX_URL_CHARS - len(head))
    assert isinstance(_native(None, native_psl, exact), tuple)
    assert _native(None, native_psl, exact)[0] != "host-only"  # type: ignore[index]
    assert _native(None, native_psl, exact + "é")[0] == "host-only"  # type: ignore[index]


def test_core_limits_come_from_c() -> None:
    limits = _probe.limits()
    assert limits.max_url_chars == linkscreen.MAX_URL_CHARS
    assert limits.max_expressions == linkscreen.MAX_EXPRESSIONS
    assert limits.canonicalization_version == linkscreen.CANONICALIZATION_VERSION
    assert limits.fingerprint_bytes == 16
    assert limits.unicode_version == "18.0.0"


@pytest.mark.slow
def test_a_million_urls_agree(tiny_probe: _probe.NativeProbe, native_psl: _probe.NativePsl) -> None:
    """The feed, benign, generated and mutated URLs: zero disagreements, refusals included."""
    checked = refused = host_only = unchecked = 0
    bad: list[str] = []
    for url in url_corpus.stream(PARITY_URLS):
        python = _python(url)
        if python != _native(None, native_psl, url):
            bad.append(url)
        refused += python is None
        unchecked += python == "unchecked"
        host_only += isinstance(python, tuple) and python[0] == "host-only"
        checked += 1
    source = "feed" if url_corpus.FEED.exists() else "40-line sample (../shared/data absent)"
    print(
        f"\nparity: {checked} URLs ({source}), {refused} refused, {host_only} host-only, "
        f"{unchecked} unchecked, {len(bad)} disagreements"
    )
    assert checked == PARITY_URLS
    assert 0 < refused < checked  # every outcome is exercised
    assert host_only > 0
    assert unchecked > 0
    assert [ascii(u) for u in bad[:5]] == []


_URL_ALPHABET = st.sampled_from(
    [
        *"abcxyz019.-_~%/\\?#@:[]!$&'()*+,;= \t",
        *[
            "%2F",
            "%40",
            "%5C",
            "%25",
            "%41",
            "0x",
            "xn--",
            "é",
            "Ａ",
            "。",
            "ß",
            "\u0301",
            "\u00ad",
        ],
        *["\udc80", "\udcff", "１", "\u200b", "\U0001f600", "ſ", "\u212a", "가", "\u1161", "ﬁ"],
    ]
)


@settings(max_examples=1000)
@given(
    scheme=st.sampled_from(["http://", "https://", "", "//", "hxxp://", "ftp:", "HTTP%3A%2F%2F"]),
    body=st.lists(_URL_ALPHABET, max_size=40).map("".join),
    tld=st.sampled_from(["", ".example", ".co.uk", ".ck", ".blogspot.com", ".test/x"]),
)
def test_hypothesis_urls_agree(scheme: str, body: str, tld: str) -> None:
    url = scheme + body + tld
    table = _PSL.get()
    assert _python(url) == _native(_PROBE.get(), table, url)


class _Lazy:
    """Module-level holders for hypothesis tests, which cannot take pytest fixtures."""

    def __init__(self, make: object) -> None:
        self._make = make
        self._value: object = None

    def get(self):  # type: ignore[no-untyped-def]
        if self._value is None:
            self._value = self._make()  # type: ignore[operator]
        return self._value


_PSL = _Lazy(lambda: _probe.NativePsl(_snapshot()))
_PROBE = _Lazy(
    lambda: _probe.NativeProbe(
        linkscreen.Bundle.open(VECTORS / "tiny.bundle", [VECTORS / "test-signing.pub"])
    )
)


def test_every_public_suffix_rule_agrees(native_psl: _probe.NativePsl) -> None:
    """Hosts at, under and beside every rule (wildcards and exceptions included)."""
    text = _snapshot().decode("utf-8")
    hosts = set()
    for line in text.splitlines():
        rule = line.strip()
        if not rule or rule.startswith("//"):
            continue
        base = rule.lstrip("!").replace("*", "wild")
        ascii_base = canonicalize(f"http://{base}/").split("/")[2]
        hosts.update({ascii_base, f"x.{ascii_base}", f"a.b.{ascii_base}", f"www.{ascii_base}"})
    assert native_psl.rule_count > 9000
    bad = [h for h in sorted(hosts) if native_psl.public_suffix(h) != psl.public_suffix(h)]
    assert len(hosts) > 30_000
    assert bad == []


def test_unicode_hosts_through_nfc_agree(
    tiny_probe: _probe.NativeProbe, native_psl: _probe.NativePsl
) -> None:
    """Every composition pair, decomposable and combining character, in a host."""
    from linkscreen import _unicode_data as data

    pieces = [chr(cp) for cp in data.CCC] + list(data.COMPOSITION) + list(data.COMPOSITION.values())
    pieces += [chr(cp) for cp in data.DECOMPOSITION]
    urls = [f"http://a{p}b.example/" for p in pieces] + [f"http://e{p}\u0301.test/" for p in pieces]
    assert len(urls) > 8000
    assert _disagreements(urls, tiny_probe, native_psl) == []


def test_compiling_with_the_c_core_gives_the_same_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The compiler canonicalises its lines in batches through the C core: the bundle, the
    accounting and every rejection reason are those of the pure path."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from linkscreen_server.compiler import ListSpec, compile_bundle

    rng = random.Random(5)
    made = [url_corpus.generated(rng) for _ in range(3000)]
    made += [url_corpus.mutate(url, rng) for url in url_corpus.feed(2000)]
    lines = [u for u in [*url_corpus.feed(2000), *made] if "\n" not in u and "\r" not in u]
    lines += ["http://a.example/x?p=1&amp;q=2", "javascript:alert(1)", "http://0x0xa/",
              "bad.example", "http://b.example/\udcc3\udca9", "example.com"]  # fmt: skip
    path = tmp_path / "list.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogateescape")
    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    answers = []
    for pure in ("1", "0"):
        monkeypatch.setenv("LINKSCREEN_PURE", pure)
        data, report = compile_bundle(
            [ListSpec("l", path)], key, created=1, salt=bytes(16), bloom_seed=3, shorteners=[]
        )
        answers.append((data, report.entries, report.duplicates, report.rejected))
    assert answers[0] == answers[1]
    print(f"\ncompile parity: {answers[0][1]} entries, {len(answers[0][3])} refused")
    assert answers[0][1] > 1000
    assert len(answers[0][3]) > 20  # refusals, with the reference's reasons
