"""The compiler's C batch path (``linkscreen.bundle.build.LineReader``) against the pure path.

With the C core, a text list's lines are read in batches by ``ls_compile_lines``, which
decides only the lines the reference reader provably accepts (or ignores) and defers every
other one to it. Compiled with ``LINKSCREEN_PURE=1`` and without, the same lists must give
the same bundle, byte for byte, and the same account of every line (ADR 0011): entries,
duplicates, each refusal and warning with its line and words, short links, ``&amp;``
readings, per input and overall.
"""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from linkscreen.bundle import build
from linkscreen.results import Action
from linkscreen_server import sources
from linkscreen_server.compiler import (
    CompileReport,
    ListSpec,
    compile_bundle,
    load_allowlist,
    load_shorteners,
)
from linkscreen_server.suffixes import default_psl

import url_corpus

pytestmark = pytest.mark.skipif(not build.native_available(), reason="C core not built")

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))

#: Lines the fast path must hand to the reference, and lines around its edges.
HOSTILE = [
    "http://ü.bad.example/",  # non-ASCII
    "http://xn--tda.bad.example/",
    "\ufeffhttp://bom.bad.example/",  # a BOM (only line 1 may have one)
    "http://ctl.bad.example/\x01x",  # control characters
    "http://del.bad.example/\x7f",
    "\thttp://tab.bad.example/\t",
    "http://nul.bad.example/\x00",
    "   ",
    "",
    "# comment",
    "   # indented comment",
    '=HYPERLINK("http://f.example/")',  # formulas
    "+http://f.example/",
    "-http://f.example/",
    "@http://f.example/",
    "com",  # public suffixes
    "co.uk",
    "http://co.uk/",
    "blogspot.com/",
    "x.blogspot.com/",
    "foo.ck/",
    "www.ck/",
    "s3.amazonaws.com/",
    "ec2-1-2-3-4.compute-1.amazonaws.com/",
    "http://example/",
    "localhost/",
    "bit.ly/abc",  # shorteners
    "http://www.bit.ly/abc?x=1",
    "bit.ly/",
    "http://bit.ly/?q=1",
    "tinyurl.com/y",
    "t.co/x",
    "http://x.example/" + "a" * 5000,  # over the fast path's 4,096 bytes
    "http://y.example/" + "b" * 4000,
    "http://z.example/?q&amp;" + "c" * 4100,
    "http://1.2.3.4/",  # IP hosts
    "1.2.3.4",
    "http://0x7f.1/",
    "http://3232235777/x",
    "http://[::1]/x",
    "http://[2001:db8::1]/",
    "http://[::1",
    "deep.example/a/b/c/",  # depth
    "deep.example/a/b/c/d/",
    "deep.example/a/b/c/d/e/",
    "deep.example/a//b/c/",
    "deep.example/a/b/c/d/e/?",
    "deep.example/a/b/c/d/e/?x",
    "a.b.c.d.bad.example/",  # coverage warnings
    "a.b.c.bad.example/",
    "a.b.c.d.bad.co.uk/",
    "hello world",  # not URLs
    "12345",
    "foo",
    "mailto:x@example.com",
    "javascript:alert(1)",
    "http://bad(dot)site/x",
    "*.bad.example",
    "<a href='http://h.example/'>",
    "a.example b.example",
    "http://q.bad.example/,x",
    "http://",
    "://",
    "/just/a/path",
    "?q",
    "#frag",
    "http://a.example/x?p=1&amp;q=2",  # &amp; readings
    "http://a.example/x?p=1&q=2",
    "http://amp.example/#&amp;",
    "http://amp.example/&amp;amp;",
    "http://amp&amp;.example/",
    "&amp;",
    "http://b.example/x?p=1&amp;q=2",
    "http://b.example/x?p=1&amp;q=2",
    "HTTP://Upper.Example/Path",
    "http://user:pw@cred.example:8080/x",
    "http://%62ad.example/%2e%2E/x",
    "http://a.test%2F@b.example/",
    "http://evil.test\\@good.example/",
    "http://dot.example./",
    "http://dots..example/",
    "http://under_score.example/",
    "http://-dash.example/",
    "allow.example/",  # on the allowlist
    "http://allow.example/p?x&amp;y",
    "http://allowed-second.example/?a&amp;b",
]

ALLOWLIST = ["allow.example/", "allowed-second.example/?a&b"]


def _corpus(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    lines = [*url_corpus.feed(2000), *HOSTILE]
    lines += [url_corpus.benign(rng) for _ in range(count)]
    lines += [url_corpus.generated(rng) for _ in range(count)]
    lines += [url_corpus.mutate(rng.choice(lines), rng) for _ in range(count)]
    lines += [rng.choice(lines) for _ in range(count // 4)]  # duplicates
    rng.shuffle(lines)
    return [line.replace("\r", " ").replace("\n", " ") for line in lines]


def _write(path: Path, lines: list[str], endings: tuple[str, ...] = ("\n",)) -> Path:
    data = b"".join(
        line.encode("utf-8", "surrogateescape") + endings[i % len(endings)].encode()
        for i, line in enumerate(lines)
    )
    path.write_bytes(data)
    return path


def _account(report: CompileReport) -> dict[str, Any]:
    """Everything the report says but the time it took."""
    fields = dataclasses.asdict(report)
    del fields["stage_seconds"]
    return fields


def _both(
    monkeypatch: pytest.MonkeyPatch, specs: list[ListSpec], **options: Any
) -> list[tuple[bytes, dict[str, Any]]]:
    answers = []
    for pure in ("1", "0"):
        monkeypatch.setenv("LINKSCREEN_PURE", pure)
        assert build.native_enabled() is (pure == "0")
        data, report = compile_bundle(
            specs, KEY, created=7, salt=bytes(range(16)), bloom_seed=11, **options
        )
        answers.append((data, _account(report)))
    return answers


def _assert_same(answers: list[tuple[bytes, dict[str, Any]]]) -> None:
    (pure_data, pure_account), (fast_data, fast_account) = answers
    for name in pure_account:
        assert fast_account[name] == pure_account[name], name
    assert fast_data == pure_data


def test_the_c_batch_path_gives_the_pure_bundle_and_account(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = _corpus(seed=1, count=3000)
    allow = _write(tmp_path / "allow.txt", ALLOWLIST)
    specs = [
        ListSpec("hotline", _write(tmp_path / "a.txt", HOSTILE + lines, ("\n", "\r\n", "\r"))),
        ListSpec("watch", _write(tmp_path / "b.txt", lines[::3]), Action.WARN),
        ListSpec("sheet", _write(tmp_path / "c.csv", ["url,category", *lines[:500]])),
    ]
    allowed, _ = load_allowlist(allow)
    answers = _both(monkeypatch, specs, allowlist=allowed)
    _assert_same(answers)
    account = answers[0][1]
    # The corpus reaches every outcome, so a fast path that decided one wrongly would show.
    reasons = " ".join(item["reason"] for item in account["rejected"])
    for words in ("not UTF-8", "control character", "spreadsheet formula", "public suffix",
                  "directories deep", "not a URL", "allowlist"):  # fmt: skip
        assert words in reasons, words
    assert account["warnings"]
    assert account["short_links"] > 0
    assert account["html_unescaped"] > 0
    assert account["duplicates"] > 100
    assert account["entries"] > 5000


def test_the_first_line_may_carry_a_bom_and_public_suffixes_may_be_forced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path / "l.txt", HOSTILE, ("\r\n",))
    _assert_same(_both(monkeypatch, [ListSpec("l", path)], allow_public_suffix=True))
    _assert_same(_both(monkeypatch, [ListSpec("l", path)], shorteners=[]))
    _assert_same(_both(monkeypatch, [ListSpec("l", path)], shorteners=["bit.ly", "x.example"]))


def test_overlong_lines_and_chunk_edges(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "_READ_CHUNK", 64)
    monkeypatch.setattr(sources, "MAX_LINE_BYTES", 40)
    lines = [line for line in HOSTILE if len(line) < 100] * 2
    path = _write(tmp_path / "l.txt", lines, ("\n", "\r", "\r\n"))
    _assert_same(_both(monkeypatch, [ListSpec("l", path)]))


@settings(max_examples=60, deadline=None)
@given(
    lines=st.lists(
        st.one_of(
            st.sampled_from(HOSTILE),
            st.text(alphabet="ab.:/?#&amp;%[]@-_ \t\x01é", max_size=30),
            st.builds(lambda host, path: f"http://{host}/{path}", st.sampled_from(
                ["x.example", "bit.ly", "co.uk", "a.b.c.d.e.example", "1.2.3.4", "ck"]),
                st.text(alphabet="ab/?&amp;=", max_size=12)),
        ),
        max_size=40,
    )
)  # fmt: skip
def test_any_lines(tmp_path_factory: pytest.TempPathFactory, lines: list[str]) -> None:
    path = _write(tmp_path_factory.mktemp("l") / "l.txt", [line.replace("\n", " ").replace(
        "\r", " ") for line in lines])  # fmt: skip
    with pytest.MonkeyPatch.context() as patch:
        _assert_same(_both(patch, [ListSpec("l", path)]))


def test_the_line_reader_defers_what_it_cannot_decide() -> None:
    reader = build.LineReader(default_psl(), load_shorteners())
    codes = reader.codes
    lines = [b"http://a.example/x", b"", b"  # c", b"=1", b"http://a.example/x?a&amp;b",
             b"bit.ly/abc", b"co.uk", b"foo", "http://ü.example/".encode(),
             b"a.b.c.d.bad.example/", b"deep.example/a/b/c/d/e/",
             b"http://a.example/\x01"]  # fmt: skip
    answer, expressions = reader.read(lines)
    assert list(answer) == [
        codes.entry, codes.blank, codes.comment, codes.defer, codes.entry_amp, codes.defer,
        codes.defer, codes.defer, codes.defer, codes.defer, codes.defer, codes.defer,
    ]  # fmt: skip
    assert expressions == ["a.example/x", "a.example/x?a&amp;b", "a.example/x?a&b"]


@pytest.mark.parametrize("tag_bits", [0, 1, 2, 4, 8, 16])
@pytest.mark.parametrize("prefix_bytes", [0, 1, 2])
def test_the_c_table_is_the_pure_table(
    monkeypatch: pytest.MonkeyPatch, tag_bits: int, prefix_bytes: int
) -> None:
    rng = random.Random(tag_bits * 3 + prefix_bytes)
    expressions = [f"h{i}.example/{'p' * rng.randrange(300)}" for i in range(3000)]
    expressions += expressions[:200]  # the same expression on two lists: rows sort by tag
    tags = [rng.randrange(1 << tag_bits) for _ in expressions]
    joined = build.Expressions(expressions)
    answers = []
    for pure in ("1", "0"):
        monkeypatch.setenv("LINKSCREEN_PURE", pure)
        answers.append(build.encode_rows(bytes(range(16)), joined, tags, tag_bits, prefix_bytes))
    assert answers[0] == answers[1]
    assert answers[1].count == len(expressions)


@pytest.mark.parametrize("pure", ["1", "0"])
@pytest.mark.parametrize(
    ("tags", "tag_bits", "message"),
    [
        ([2, 0, 3], 1, "tag 3 does not fit 1 tag bits"),  # pure used to spill into row 2's bit
        ([0, 1, 70_000], 16, "tag 70000 does not fit 16 tag bits"),
        ([0, -1, 0], 8, "tag -1 does not fit 8 tag bits"),
        ([1, 0, 0], 0, "tag 1 does not fit 0 tag bits"),
        ([0, 0, 0], 3, "tag width 3 is not one of"),
    ],
)
def test_a_tag_that_does_not_fit_its_width_is_refused_alike(
    monkeypatch: pytest.MonkeyPatch, pure: str, tags: list[int], tag_bits: int, message: str
) -> None:
    """The public row writer refuses, in both paths and with the same words, a tag wider
    than the tag width (the pure layout once wrote its bits into the neighbouring rows)."""
    monkeypatch.setenv("LINKSCREEN_PURE", pure)
    joined = build.Expressions(["a.example/", "b.example/", "c.example/"])
    with pytest.raises(ValueError, match=message):
        build.encode_rows(bytes(16), joined, tags, tag_bits, 0)
