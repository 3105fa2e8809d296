"""Compiler accounting: every input line is an entry, a duplicate, rejected with
``file:line: reason``, or ignored (blank, comment, header), whatever the file throws at it.

Each scenario is one of the silent drops found in issue 10; the property test checks the
identity on arbitrary mixes of lines and line endings.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from linkscreen import Bundle, Matcher
from linkscreen.results import Action
from linkscreen_server import sources
from linkscreen_server.compiler import CompileReport, ListSpec, compile_bundle, entry_expression
from linkscreen_server.sources import ListFormat, physical_lines

KEY = Ed25519PrivateKey.generate()


def _compile(path: Path, fmt: ListFormat | None = None) -> tuple[CompileReport, Matcher, list[str]]:
    data, report = compile_bundle(
        [ListSpec("hotline", path, Action.BLOCK, fmt)], KEY, shorteners=[]
    )
    matcher = Matcher(Bundle.from_bytes(data, public_keys=[KEY.public_key()]))
    for account in report.inputs:
        assert account.balanced, account
    assert report.lines == report.line_entries + report.duplicates + len(report.rejected) + (
        report.ignored
    )
    return report, matcher, [str(item) for item in report.rejected]


def _write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return path


URLS = [f"http://u{i}.bad.example/p/{i}" for i in range(5)]


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_every_line_ending_gives_every_line(tmp_path: Path, ending: str) -> None:
    """CR-only files compiled 5 URLs as 1 junk entry with 0 rejected."""
    path = _write(tmp_path, "list.txt", ending.join(URLS) + ending)
    report, matcher, rejected = _compile(path)
    assert (report.lines, report.entries, rejected) == (5, 5, [])
    assert all(matcher.check_url(url).action is Action.BLOCK for url in URLS)


def test_mixed_line_endings_and_no_final_ending(tmp_path: Path) -> None:
    path = _write(tmp_path, "list.txt", f"{URLS[0]}\r{URLS[1]}\r\n{URLS[2]}\n\r{URLS[3]}")
    report, _, rejected = _compile(path)
    assert (report.lines, report.entries, report.ignored, rejected) == (5, 4, 1, [])


def test_a_txt_that_looks_like_csv_is_not_guessed_at(tmp_path: Path) -> None:
    """A .txt whose first line was `id,url` compiled 3 lines as 0 entries, 0 rejected."""
    text = "id,url\n1,http://a.bad.example/\n2,http://b.bad.example/\n"
    report, _, rejected = _compile(_write(tmp_path, "list.txt", text))
    assert report.entries == 0
    assert len(rejected) == 3
    assert all("is this a CSV file? name it .csv or pass --format csv" in r for r in rejected)
    report, matcher, rejected = _compile(_write(tmp_path, "list.txt", text), ListFormat.CSV)
    assert (report.entries, report.ignored, rejected) == (2, 1, [])
    assert matcher.check_url("http://b.bad.example/x").action is Action.BLOCK


def test_an_unterminated_quote_rejects_its_line_only(tmp_path: Path) -> None:
    """An unterminated quote swallowed the rest of the file (7 rows compiled as 2)."""
    rows = [f"http://r{i}.bad.example/,c" for i in range(7)]
    rows[2] = '"http://r2.bad.example/,c'
    report, matcher, rejected = _compile(
        _write(tmp_path, "l.csv", "url,category\n" + "\n".join(rows))
    )
    assert rejected == [
        f"{tmp_path}/l.csv:4: unterminated quote (a quoted field must end on its line)"
    ]
    assert report.entries == 6
    assert matcher.check_url("http://r6.bad.example/").action is Action.BLOCK


def test_a_field_over_the_limit_rejects_its_line_only(tmp_path: Path) -> None:
    """A field over 131,072 characters made the csv module skip the rest of the file."""
    long_field = "x" * (sources.MAX_FIELD_CHARS + 1)
    text = f"url,note\nhttp://a.bad.example/,{long_field}\nhttp://b.bad.example/,ok\n"
    report, matcher, rejected = _compile(_write(tmp_path, "l.csv", text))
    assert rejected == [f"{tmp_path}/l.csv:2: a field is longer than 131,072 characters"]
    assert report.entries == 1
    assert matcher.check_url("http://b.bad.example/").action is Action.BLOCK


def test_one_bad_byte_rejects_its_line_only(tmp_path: Path) -> None:
    """One bad byte dropped a whole CSV."""
    data = b"url\nhttp://a.bad.example/\nhttp://\xff.bad.example/\nhttp://c.bad.example/\n"
    report, _, rejected = _compile(_write(tmp_path, "l.csv", data))
    assert rejected == [f"{tmp_path}/l.csv:3: not UTF-8 (byte 8 is 0xff)"]
    assert report.entries == 2


def test_empty_url_cells_are_reported(tmp_path: Path) -> None:
    text = "url,category\n,grooming\nhttp://a.bad.example/,x\n  ,y\n"
    report, _, rejected = _compile(_write(tmp_path, "l.csv", text))
    assert rejected == [
        f"{tmp_path}/l.csv:2: empty url cell",
        f"{tmp_path}/l.csv:4: empty url cell",
    ]
    assert report.entries == 1


@pytest.mark.parametrize(
    "cell",
    ['=HYPERLINK("http://x.bad.example/")', "+x.bad.example", "-x.bad.example", "@x.bad.example"],
)
def test_formula_cells_are_rejected_not_compiled(tmp_path: Path, cell: str) -> None:
    text = f'url\n"{cell.replace(chr(34), chr(34) * 2)}"\nhttp://ok.bad.example/\n'
    report, matcher, rejected = _compile(_write(tmp_path, "l.csv", text))
    assert rejected == [
        f"{tmp_path}/l.csv:2: url cell starts with {cell[0]!r}, like a spreadsheet formula; "
        "not compiled"
    ]
    assert report.entries == 1
    assert matcher.check_url("http://x.bad.example/").action is Action.ALLOW
    # The same line in a text list is rejected the same way.
    report, _, rejected = _compile(_write(tmp_path, "l.txt", cell + "\n"))
    assert report.entries == 0
    assert len(rejected) == 1
    assert "spreadsheet formula" in rejected[0]


def test_a_formula_category_cell_is_rejected(tmp_path: Path) -> None:
    text = "url,category\nhttp://a.bad.example/,=cmd|' /C calc'!A0\n"
    report, _, rejected = _compile(_write(tmp_path, "l.csv", text))
    assert report.entries == 0
    assert rejected == [
        f"{tmp_path}/l.csv:2: category cell starts with '=', like a spreadsheet formula; "
        "not compiled"
    ]


def test_entries_deeper_than_clients_look_are_rejected(tmp_path: Path) -> None:
    lines = ["a/b/c/d/e/", "a/b/c/d/", "a/b/c/", "a/b/c/d/e/page"]
    text = "".join(f"deep.example/{line}\n" for line in lines)
    report, matcher, rejected = _compile(_write(tmp_path, "l.txt", text))
    assert [r.split(": ", 1)[0] for r in rejected] == [f"{tmp_path}/l.txt:1", f"{tmp_path}/l.txt:2"]
    assert (
        "path prefix '/a/b/c/d/e/' is 5 directories deep; "
        "clients check prefixes only down to 3 ('/a/b/c/')" in rejected[0]
    )
    assert report.entries == 2
    assert matcher.check_url("http://deep.example/a/b/c/x/y/z").action is Action.BLOCK
    assert matcher.check_url("http://deep.example/a/b/c/d/e/page").action is Action.BLOCK


def test_every_accepted_path_prefix_is_reachable_from_a_page_under_it() -> None:
    from linkscreen import expressions

    for depth in range(1, 4):
        prefix = "deep.example/" + "".join(f"d{i}/" for i in range(depth))
        assert entry_expression(prefix) in expressions(f"http://{prefix}q/r/s/t/page")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("hello world", "not a URL or host name: 'hello world' has no scheme and no dot"),
        ("12345", "not a URL or host name: '12345' has no scheme and no dot"),
        (
            "http://bad(dot)site/x",
            "has characters no host name has ('()'); obfuscated? list the plain URL",
        ),
        ("*.bad.example", "no wildcard is needed"),
        ('<a href="http://x.example/">', "HTML? list the plain URL"),
        ("a.example b.example", "a URL has no spaces"),
    ],
)
def test_non_urls_get_an_honest_message(tmp_path: Path, line: str, message: str) -> None:
    report, _, rejected = _compile(_write(tmp_path, "l.txt", line + "\n"))
    assert report.entries == 0
    assert len(rejected) == 1
    assert message in rejected[0], rejected


def test_control_characters_and_overlong_lines_are_rejected(tmp_path: Path) -> None:
    long_line = b"http://x.example/" + b"a" * sources.MAX_LINE_BYTES
    data = b"http://a.bad.example/\x00x\n" + long_line + b"\nhttp://ok.bad.example/\n"
    report, _, rejected = _compile(_write(tmp_path, "l.txt", data))
    assert rejected[0].endswith(":1: control character U+0000 at column 22")
    assert rejected[1].endswith(f":2: line is {len(long_line):,} bytes, longer than 1,048,576")
    assert report.entries == 1


def test_the_summary_states_the_identity(tmp_path: Path) -> None:
    path = _write(tmp_path, "l.txt", "# c\n\nhttp://a.bad.example/\nhttp://a.bad.example/\nfoo\n")
    report, _, _ = _compile(path)
    assert (
        f"{path}: 5 lines read = 1 entries + 1 duplicates + 1 rejected + 2 blank/comment/header"
        in report.summary()
    )


def test_physical_lines_across_chunk_boundaries() -> None:
    chunk = sources._READ_CHUNK
    # A CRLF split across the chunk boundary is one line ending, not two.
    data = b"a" * (chunk - 1) + b"\r\nb\rc"
    assert [len(x) if isinstance(x, bytes) else x for x in physical_lines(io.BytesIO(data))] == [
        chunk - 1,
        1,
        1,
    ]
    # Overlong lines come back as their length, and reading goes on after them.
    data = b"x" * (3 * chunk) + b"\ny\n" + b"z" * (sources.MAX_LINE_BYTES + 1)
    assert list(physical_lines(io.BytesIO(data))) == [3 * chunk, b"y", sources.MAX_LINE_BYTES + 1]
    assert list(physical_lines(io.BytesIO(b""))) == []
    assert list(physical_lines(io.BytesIO(b"\n\r\n\r"))) == [b"", b"", b""]


_LINES = st.sampled_from(
    [
        "http://a.bad.example/",
        "http://b.bad.example/x?y=1&amp;z=2",
        "bad.example/p/",
        "",
        "   ",
        "# comment",
        "mailto:x@example.com",
        "foo",
        "http://[::1",
        "=cmd",
        "deep.example/a/b/c/d/e/",
        "http://ü.bad.example/",
        "url,category",
        '"http://q.bad.example/",x',
    ]
)


@given(
    lines=st.lists(st.one_of(_LINES, st.text(max_size=30)), max_size=40),
    endings=st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=1, max_size=40),
    bad_byte=st.booleans(),
    as_csv=st.booleans(),
)
def test_lines_read_equal_entries_duplicates_rejected_ignored(
    tmp_path_factory: pytest.TempPathFactory,
    lines: list[str],
    endings: list[str],
    bad_byte: bool,
    as_csv: bool,
) -> None:
    cleaned = [line.replace("\r", " ").replace("\n", " ") for line in lines]
    data = b"".join(
        line.encode("utf-8", "surrogatepass") + endings[i % len(endings)].encode()
        for i, line in enumerate(cleaned)
    )
    if bad_byte and data:
        data = data[: len(data) // 2] + b"\xff" + data[len(data) // 2 :]
    path = tmp_path_factory.mktemp("lists") / ("l.csv" if as_csv else "l.txt")
    path.write_bytes(data)
    items = list(sources.read_list(path))
    expected = len(list(physical_lines(io.BytesIO(data))))
    assert [item.line for item in items] == list(range(1, expected + 1))
    _compile(path)  # asserts the identity for the file and overall


def test_a_host_too_deep_for_its_subdomains_compiles_with_a_warning(tmp_path: Path) -> None:
    report, matcher, rejected = _compile(_write(tmp_path, "l.txt", "a.b.c.d.bad.example/\n"))
    assert (report.entries, rejected) == (1, [])
    assert [str(w) for w in report.warnings] == [
        f"{tmp_path}/l.txt:1: 'a.b.c.d.bad.example' is blocked, but not its subdomains: "
        "clients check only the registrable domain and up to 3 labels in front of it"
    ]
    assert matcher.check_url("http://a.b.c.d.bad.example/x").action is Action.BLOCK
    assert matcher.check_url("http://z.a.b.c.d.bad.example/x").action is Action.ALLOW


@given(
    data=st.lists(
        st.sampled_from([b"a", b"bc", b"\n", b"\r", b"\r\n", b"xyzxyzxyz", b"\xff"]), max_size=60
    ).map(b"".join),
    chunk=st.integers(1, 9),
    limit=st.integers(1, 12),
)
def test_physical_lines_are_the_lines_of_the_file(data: bytes, chunk: int, limit: int) -> None:
    """Whatever the chunk size and line limit, the lines are those of splitting the whole
    file at LF, CRLF and CR, each line over the limit as its length."""
    expected: list[bytes | int] = [
        len(line) if len(line) > limit else line for line in data.splitlines()
    ]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sources, "_READ_CHUNK", chunk)
        patch.setattr(sources, "MAX_LINE_BYTES", limit)
        batches = list(sources.physical_line_batches(io.BytesIO(data)))
    assert [line for batch in batches for line in batch] == expected
    assert all(batches)
