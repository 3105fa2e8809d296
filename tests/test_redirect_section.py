"""Operators extend the redirect wrappers through the bundle (section 8): written by the server
from ``--wrappers FILE``, every line checked by the reader, used by the Matcher beside the
SDK's own rules, carried by deltas as "unchanged", shown by ``inspect``.
"""

from __future__ import annotations

import base64
import contextlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkscreen import Action, BundleCorruptError, Matcher
from linkscreen.bundle import format as fmt
from linkscreen.bundle.delta import apply_delta, make_delta
from linkscreen.results import ListInfo
from linkscreen_server.cli import main as server_main
from linkscreen_server.tomlfile import ConfigError
from linkscreen_server.wrappers import parse_redirect_rules
from linkscreen_server.writer import payload_of

from bundles import compile_lists, open_bytes

RULES_FILE = """\
# the operator's own wrappers
go.wrapper.test   /r      dest   base64url
jump.example      /out/*  to,u          # percent is the default
"""
LISTED = {"hotline": (["bad.example/"], Action.BLOCK)}


def _rules() -> tuple[fmt.WrapperRule, ...]:
    return parse_redirect_rules(RULES_FILE, "wrappers.txt")


def test_rules_are_written_in_canonical_sorted_lines() -> None:
    data = fmt.encode_redirect_rules([*_rules(), *_rules()])
    assert data == b"go.wrapper.test /r dest base64url\njump.example /out/* to,u percent\n"
    assert fmt.decode_redirect_rules(data) == tuple(sorted(_rules(), key=fmt.redirect_rule_line))
    assert fmt.encode_redirect_rules([]) is None


BAD_SECTIONS = [
    (b"a.test /x u percent", "does not end with a line feed"),
    (b"b.test /x u percent\na.test /x u percent\n", "not strictly ascending"),
    (b"a.test /x u percent\na.test /x u percent\n", "not strictly ascending"),
    (b"a.test  /x u percent\n", "canonical"),
    (b"A.test /x u percent\n", "canonical"),
    (b"a.test /x u\n", "canonical"),
    (b"a.test x u percent\n", "does not start with '/'"),
    (b"a.test /x u rot13\n", "unknown decoding"),
    (b"a.test /x u, percent\n", "empty parameter"),
    (b"a.test /x# u percent\n", "'#'"),
    (b"a.test /x\tu percent\n", "not printable ASCII"),
    ("a.t\u00e9st /x u percent\n".encode(), "not printable ASCII"),
    (b"\n", "bytes"),
    (b"a.test /" + b"x" * 1100 + b" u percent\n", "bytes"),
    (b"".join(b"a%05d.test /x u percent\n" % i for i in range(4097)), "at most 4096"),
]


@pytest.mark.parametrize(("data", "reason"), BAD_SECTIONS)
def test_the_reader_refuses_every_malformed_section(data: bytes, reason: str) -> None:
    with pytest.raises(BundleCorruptError, match=reason):
        fmt.decode_redirect_rules(data)


def test_a_bundle_carries_the_rules_and_the_matcher_unwraps_with_them(tmp_path: Path) -> None:
    plain = open_bytes(compile_lists(tmp_path, LISTED))
    extended = open_bytes(compile_lists(tmp_path, LISTED, redirect_rules=_rules()))
    assert plain.redirect_wrappers == ()
    assert fmt.Section.REDIRECTS not in plain.payload.sections
    assert {r.host for r in extended.redirect_wrappers} == {"go.wrapper.test", "jump.example"}
    target = base64.urlsafe_b64encode(b"bad.example/album/9").decode().rstrip("=")
    message = f"look https://go.wrapper.test/r?dest={target} now"
    assert Matcher(plain).scan_text(message).action is Action.ALLOW
    found = Matcher(extended).scan_text(message)
    assert found.action is Action.BLOCK
    assert any("wrapper" in f.techniques for f in found)
    # the SDK's own rules still apply beside the operator's
    google = "see https://www.google.com/url?q=bad.example/x"
    assert Matcher(extended).scan_text(google).action is Action.BLOCK


def test_a_bundle_with_a_broken_section_is_refused(tmp_path: Path) -> None:
    """The signature does not excuse a malformed section (a compromised or buggy server)."""
    from linkscreen_server.writer import sign_payload

    from bundles import TEST_KEY

    data = compile_lists(tmp_path, LISTED, redirect_rules=_rules())
    payload = bytearray(payload_of(data))
    at = payload.find(b"go.wrapper.test /r dest base64url")
    payload[at : at + 2] = b"GO"
    with pytest.raises(BundleCorruptError, match="canonical"):
        open_bytes(sign_payload(bytes(payload), TEST_KEY))


def test_a_delta_never_resends_unchanged_rules(tmp_path: Path) -> None:
    old = compile_lists(tmp_path, LISTED, redirect_rules=_rules(), sequence=1)
    new = compile_lists(
        tmp_path,
        {"hotline": (["bad.example/", "more.example/"], Action.BLOCK)},
        redirect_rules=_rules(),
        sequence=2,
    )
    delta = make_delta(payload_of(old), payload_of(new))
    assert b"go.wrapper.test" not in delta
    assert apply_delta(payload_of(old), delta) == payload_of(new)
    changed = compile_lists(tmp_path, LISTED, sequence=3)  # the operator dropped the rules
    delta = make_delta(payload_of(old), payload_of(changed))
    assert apply_delta(payload_of(old), delta) == payload_of(changed)


FILE_MISTAKES = [
    ("only-two /fields\n", "wrappers.txt:1: expected HOST /PATH PARAMETERS [DECODING]"),
    ("# c\n\na.test /x u rot13\n", "wrappers.txt:3: unknown decoding 'rot13'"),
    ("a.test x u\n", "wrappers.txt:1: the path 'x' does not start with '/'"),
    ("a.test /x u,,v\n", "wrappers.txt:1: empty parameter name"),
    ("a.t\u00e9st /x u\n", "wrappers.txt:1: a rule is printable ASCII"),
]


@pytest.mark.parametrize(("text", "problem"), FILE_MISTAKES)
def test_an_operators_file_reports_file_line_reason(text: str, problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_redirect_rules(text, "wrappers.txt")
    assert [p for p in caught.value.problems if p.startswith(problem)], caught.value.problems


def test_compile_wrappers_and_inspect(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "l.txt").write_text("https://bad.example/\n")
    (tmp_path / "w.txt").write_text(RULES_FILE)
    (tmp_path / "bad.txt").write_text("a.test /x u rot13\n")
    assert server_main(["keygen", "--out", str(tmp_path / "keys")]) == 0
    base = ["compile", "--list", f"h={tmp_path / 'l.txt'}", "--key", str(tmp_path / "keys")]
    out = tmp_path / "o.bundle"
    assert server_main([*base, "--wrappers", str(tmp_path / "bad.txt"), "--out", str(out)]) == 2
    assert "bad.txt:1: unknown decoding 'rot13'" in capsys.readouterr().err
    assert not out.exists()
    assert server_main([*base, "--wrappers", str(tmp_path / "nope.txt"), "--out", str(out)]) == 2
    assert "nope.txt: cannot read" in capsys.readouterr().err
    assert server_main([*base, "--wrappers", str(tmp_path / "w.txt"), "--out", str(out)]) == 0
    key = tmp_path / "k.pub"
    key.write_bytes((tmp_path / "keys" / "signing.pub").read_bytes())
    shown = subprocess.run(
        [sys.executable, "-m", "linkscreen", "inspect", str(out), "--public-key", str(key)],
        capture_output=True,
        text=True,
        check=True,
    )
    record = json.loads(shown.stdout)
    assert record["redirect_wrappers"] == [
        "go.wrapper.test /r dest base64url",
        "jump.example /out/* to,u percent",
    ]
    assert {"id": 8, "name": "redirect-wrapper rules"}.items() <= next(
        s for s in record["sections"] if s["id"] == 8
    ).items()


def test_older_bundles_without_the_section_keep_working() -> None:
    vectors = Path(__file__).parent / "vectors"
    for name in ("tiny.bundle", "tiny-v1.bundle"):
        bundle = open_bytes((vectors / name).read_bytes())
        assert bundle.redirect_wrappers == ()
        assert Matcher(bundle).check_url("http://blocked-host.example/").action is Action.BLOCK


def test_the_format_page_states_the_sections_bounds_as_the_module_does() -> None:
    """docs/bundle-format.md is what a C or Swift reader is written from: its numbers for
    sections 8 and 9 are the format module's."""
    page = (Path(__file__).parent.parent / "docs" / "bundle-format.md").read_text("utf-8")
    section_8 = page.split("### 2.9 ", 1)[1].split("### 2.10 ", 1)[0]
    section_9 = page.split("### 2.10 ", 1)[1].split("## 3. ", 1)[0]
    assert f"at most {fmt.MAX_REDIRECT_RULE_BYTES:,} bytes" in section_8
    assert f"at most {fmt.MAX_REDIRECT_RULES:,} lines" in section_8
    for decoding in sorted(fmt.DECODINGS):
        assert f"`{decoding}`" in section_8
    assert f"(id {fmt.Section.REDIRECTS.value})" in page
    assert f"(id {fmt.Section.DEFAULT_LOCALES.value})" in page
    assert f"at most {fmt.MAX_LOCALE_BYTES} bytes" in section_9


_LABEL = st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12)
_RULES = st.lists(
    st.builds(
        fmt.WrapperRule,
        host=st.lists(_LABEL, min_size=1, max_size=4).map(".".join),
        path=st.text("abcxyz/_-.*", max_size=20).map(lambda p: "/" + p),
        parameters=st.lists(_LABEL, min_size=1, max_size=3).map(tuple) | st.just(("*",)),
        decoding=st.sampled_from(sorted(fmt.DECODINGS)),
    ),
    max_size=20,
)


@settings(max_examples=200, deadline=None)
@given(_RULES)
def test_any_rule_set_round_trips(rules: list[fmt.WrapperRule]) -> None:
    data = fmt.encode_redirect_rules(rules)
    if not rules:
        assert data is None
        return
    assert data is not None
    assert set(fmt.decode_redirect_rules(data)) == set(rules)


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=200).map(lambda t: t.encode("utf-8", "replace")))
def test_the_section_decoders_refuse_garbage_with_one_error_type(data: bytes) -> None:
    for decode in (
        fmt.decode_redirect_rules,
        lambda raw: fmt.decode_default_locales(raw, [ListInfo("l", Action.BLOCK, "c")]),
    ):
        with contextlib.suppress(BundleCorruptError):
            decode(data)


@settings(max_examples=300, deadline=None)
@given(_RULES.filter(bool), st.integers(min_value=0), st.integers(min_value=0, max_value=255))
def test_a_changed_byte_is_refused_or_still_canonical(
    rules: list[fmt.WrapperRule], where: int, byte: int
) -> None:
    """One layout per content: whatever a reader accepts, the writer would write byte for byte."""
    data = bytearray(fmt.encode_redirect_rules(rules) or b"")
    data[where % len(data)] = byte
    try:
        decoded = fmt.decode_redirect_rules(bytes(data))
    except BundleCorruptError:
        return
    assert fmt.encode_redirect_rules(decoded) == bytes(data)
