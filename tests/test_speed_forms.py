"""Shortcuts on the pure-Python hot path give what the general code gives (speed round 7).

- a host already written as a canonical dotted quad is its own canonical form
  (``_host._DOTTED_QUAD``), as WHATWG's IPv4 parser and ``ipaddress`` would write it;
- ``PureProbe.lookup`` (the per-expression probe inlined, its first Bloom position tested
  before the loop) answers as ``_lookup_one`` does; the path marks of ``scan_may_wrap`` as
  one pattern find what a ``find`` per mark finds, and the IPv4 test and the shortener walk
  without a generator or joins are the old ones (speed round 10);
- the spaced-letters gate split at its ``(?:^|...)`` start, the defang gate's characters as
  substring tests, and printable ASCII folded without the control scan say what the single
  expressions said.
"""

from __future__ import annotations

import re
from unittest import mock

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from linkscreen import Action, _fold, _host, _refang, _wrappers, extract
from linkscreen._probe import PureProbe
from linkscreen.errors import InvalidURLError
from linkscreen.expressions import _is_ipv4, split_canonical
from linkscreen.shortlinks import shortener_of

from bundles import compile_lists, open_bytes

_parts = st.one_of(
    st.integers(0, 300).map(str),
    st.sampled_from(["0", "00", "01", "010", "0x1f", "0X", "255", "256", "1e2", "", "٣"]),
    st.text(alphabet="0123456789xX", min_size=1, max_size=4),
)


def _general(host: str) -> str | type[InvalidURLError] | None:
    never = mock.Mock(fullmatch=lambda text: None)
    with mock.patch.object(_host, "_DOTTED_QUAD", never):
        try:
            return _host._parse_ipv4(host, host)
        except InvalidURLError:
            return InvalidURLError


@settings(max_examples=500)
@given(st.lists(_parts, min_size=1, max_size=5).map(".".join))
@example("192.0.2.7")
@example("0.0.0.0")
@example("255.255.255.255")
@example("192.0.2.07")
@example("192.0.2.256")
def test_a_dotted_quad_is_its_own_canonical_form(host: str) -> None:
    try:
        fast: str | type[InvalidURLError] | None = _host._parse_ipv4(host, host)
    except InvalidURLError:
        fast = InvalidURLError
    assert fast == _general(host)
    if _host._DOTTED_QUAD.fullmatch(host):
        assert fast == host


def test_the_dotted_quad_shortcut_is_taken() -> None:
    with mock.patch("ipaddress.IPv4Address", side_effect=AssertionError("parsed")):
        assert _host._parse_ipv4("192.0.2.7", "x") == "192.0.2.7"
    assert _host._parse_ipv4("0300.0.2.7", "x") == "192.0.2.7"  # octal: the general parser


@pytest.fixture(scope="module")
def probe(tmp_path_factory: pytest.TempPathFactory) -> PureProbe:
    entries = [f"h{i}.example/p{i % 7}/" for i in range(300)] + ["bad.example/", "192.0.2.7/x"]
    data = compile_lists(tmp_path_factory.mktemp("probe"), {"h": (entries, Action.BLOCK)})
    return PureProbe(open_bytes(data))


@settings(max_examples=200)
@given(st.lists(st.text(max_size=30), max_size=8))
def test_the_inlined_probe_answers_as_one_lookup_each(probe: PureProbe, texts: list[str]) -> None:
    expressions = [*texts, "bad.example/", "h3.example/p3/", "192.0.2.7/x", "h3.example/p4/"]
    rows = probe.lookup(expressions)
    assert rows == [probe._lookup_one(e.encode()) for e in expressions]
    assert min(rows[-4:-1]) >= 0  # listed ones are found


#: The gates as one expression each, before round 7 split or replaced them (the spaced gate
#: with the separators added since: a hyphen, spaced letters round 2; a tab, round 3).
_OLD_SPACED_GATE = re.compile(
    r"(?:^|[ _*~+\t-])[\w./:-](?:  ?|[_*~+\t-])[\w./:-](?:  ?|[_*~+\t-])[\w./:-]"
)
_OLD_DEFANG_CHARS = re.compile(rf"[\[\](){{}}<>\\^;*{_refang._OPEN}]")
_GATE_TEXT = st.text(alphabet=" _*~+.:/-ab1\t\n[](){}<>\\^;（«é\x00\x1b\x7f\x85", max_size=40)


@settings(max_examples=1000)
@given(_GATE_TEXT)
@example("a_b_c")
@example("_a_b_c")
@example("x a b c")
def test_the_split_spaced_letters_gate_is_the_one_expression(text: str) -> None:
    old = _OLD_SPACED_GATE.search(text) is not None
    new = bool(extract._SPACED_LETTERS_GATE_HEAD.match(text) or
               extract._SPACED_LETTERS_GATE.search(text))  # fmt: skip
    assert new == old
    if any(sep in text for sep in "_*~+\t"):
        one = extract._ONE_CHAR_WORDS_START.match(text) or extract._ONE_CHAR_WORDS.search(text)
        has = "." in text or ":" in text or "/" in text
        tabbed = "\t" in text
        assert extract._may_be_spaced(text, tabbed) == (has and (old or one is not None))


@settings(max_examples=1000)
@given(_GATE_TEXT)
@example("a[b")
@example("a\\b")
@example("（x")
def test_the_defang_gate_s_characters_are_the_class(text: str) -> None:
    if _OLD_DEFANG_CHARS.search(text):
        assert _refang._may_be_defanged(text)
    for char in "[](){}<>\\^;*":
        assert _refang._may_be_defanged(f"ab{char}cd")


@settings(max_examples=1000)
@given(_GATE_TEXT)
@example("ab\x00cd")
@example("ab\x1b[1mcd")
def test_printable_ascii_folds_to_itself_and_controls_still_go(text: str) -> None:
    view = _fold.fold(text)
    if _fold._HAS_CONTROL.search(text) is None and text.isascii():
        assert view.text == text
        assert view.origin is None
        assert not view.marks
    else:
        assert _fold._HAS_CONTROL.search(view.text) is None or not text.isascii()
    assert _fold.fold("ab\x00cd").text == "abcd"


_OLD_MARKUP_GATE = re.compile(r"\\[_*\[\]()~`>#+\-=|{}.!\\]|[*_~|`][^\s*_~|`\\]+[*_~|`]")


@settings(max_examples=1000)
@given(st.text(alphabet="\\*_~|`ab. ()[]!#\n", max_size=30))
@example("\\(bad")
@example("**bad**.example")
@example("a_b")
def test_the_markup_gate_starting_with_its_class_is_the_two_alternatives(text: str) -> None:
    old = _OLD_MARKUP_GATE.search(text)
    new = extract._MARKUP_GATE.search(text)
    assert (new is None) == (old is None)
    if old is not None:
        assert new is not None
        assert new.span() == old.span()


def _old_scan_may_wrap_tail(url: str, rules: tuple[_wrappers.WrapperRule, ...]) -> bool:
    """The path-target test of ``scan_may_wrap`` before round 10: one ``find`` per mark."""
    prefixes = dict.fromkeys(
        r.path.rstrip("*").lower() for r in rules if r.parameters == (_wrappers.PATH_TARGET,)
    )
    return any(url.lower().find(mark, 8) >= 0 for mark in prefixes)


_MARK_RULES = _wrappers.parse_rules("amp.example /AMP/* /\ngo.example /p /\nq.example /r q\n", "t")


@settings(max_examples=1000)
@given(st.text(alphabet="/ampcivrAMPCIVR.:h?#x", max_size=24))
@example("https://a.example/amp/x")
@example("https://a.example/AMP/x")
@example("/amp/")
@example("1234567")
@example("12345678")
def test_the_path_marks_as_one_pattern_are_the_finds(text: str) -> None:
    rules = _wrappers.default_rules()
    if "?" not in text and "#" not in text and "http" not in text.lower():
        for held in (rules, _MARK_RULES, ()):
            marks = _wrappers._path_marks(held)
            new = marks is not None and marks.search(text.lower(), 8) is not None
            assert new == _old_scan_may_wrap_tail(text, held)
            if "ftp" not in text.lower() and "www." not in text.lower():
                assert _wrappers.scan_may_wrap(text, held) == new


def _old_is_ipv4(host: str) -> bool:
    parts = host.split(".")
    return len(parts) == 4 and all(p.isdigit() for p in parts)


def _old_shortener_of(canonical: str, domains: frozenset[str]) -> str | None:
    if not domains:
        return None
    host, path, query = split_canonical(canonical)
    if path == "/" and not query:
        return None
    labels = host.split(".")
    for index in range(len(labels) - 1):
        candidate = ".".join(labels[index:])
        if candidate in domains:
            return candidate
    return None


_HOSTS = st.text(alphabet="0123456789.a٣", max_size=16)
_SHORTENERS = frozenset({"s.example", "a.s.example", "b.", ".c", "x.y.z", "1.2"})


@settings(max_examples=1000)
@given(_HOSTS, st.sampled_from(["/", "/x", "/?q", "/a/b"]))
@example("1.2.3.4", "/x")
@example("1..3.4", "/x")
@example("..", "/x")
@example("w.a.s.example", "/x")
def test_the_ipv4_test_and_the_shortener_walk_are_the_old_ones(host: str, tail: str) -> None:
    assert _is_ipv4(host) == _old_is_ipv4(host)
    for held in (_SHORTENERS, frozenset(), frozenset({host})):
        canonical = f"http://{host}{tail}"
        assert shortener_of(canonical, held) == _old_shortener_of(canonical, held)
