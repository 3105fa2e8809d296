"""The bundle reader refuses every malformed payload, even when it is correctly signed.

Each check of docs/bundle-format.md section 4 has a case here that names the check's own
message, so deleting or inverting any one check makes a test fail. The payloads are signed by
the test key: the signature proves who wrote the bytes, not that the writer was sane.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable
from pathlib import Path

import pytest

import linkscreen
from linkscreen.bundle import format as fmt
from linkscreen.results import Action, ListInfo

from bundle_parts import LISTS, TINY_PSL, Parts, fingerprints, make, resign
from bundles import TEST_PUBLIC, compile_lists, open_bytes

ROWS = [(fp, i % 2) for i, fp in enumerate(fingerprints(43))]  # 65536 + 43 bits: padding


def _refused(
    data: bytes, match: str, error: type[Exception] = linkscreen.BundleCorruptError
) -> None:
    with pytest.raises(error, match=match):
        open_bytes(data)


def _patched(parts: Parts, offset: int, value: bytes) -> bytes:
    payload = bytearray(parts.payload())
    payload[offset : offset + len(value)] = value
    return resign(bytes(payload))


def _entry(index: int) -> int:
    """Payload offset of directory entry ``index``."""
    return fmt.PAYLOAD_HEADER.size + index * fmt.SECTION_ENTRY.size


@pytest.mark.parametrize("prefix_bytes", [0, 1, 2])
def test_well_formed_payloads_open(prefix_bytes: int) -> None:
    bundle = open_bytes(make(ROWS, prefix_bytes=prefix_bytes).signed())
    assert bundle.entry_count == len(ROWS)
    for fp, tag in ROWS:
        assert list(bundle.payload.table.find(fp)) == [ROWS.index((fp, tag))]
    assert not bundle.payload.table.find(bytes(16))


# ---- header ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "value", "message"),
    [
        (77, b"\x01", "reserved header field"),
        (79, b"\x01", "reserved header field"),
        (112, b"\x01", "reserved header field"),
        (127, b"\x01", "reserved header field"),
        (80, b"a\x00b", "PSL version is not printable"),
        (80, b"\x7f", "PSL version is not printable"),
        (52, struct.pack("<I", 0), "bad Bloom parameters"),
        (52, struct.pack("<I", 65), "bad Bloom parameters"),
        (56, struct.pack("<Q", 520), "bad Bloom parameters"),
        (56, struct.pack("<Q", 0), "bad Bloom parameters"),
        (56, struct.pack("<Q", 2**40), "BLOOM section of"),
        (6, struct.pack("<H", 3), "do not fit"),
        (72, struct.pack("<I", 3), "do not fit"),
        (72, struct.pack("<I", 0), "bundle has no list"),
        (64, struct.pack("<Q", 2**50), "FINGERPRINTS section of"),
        (76, b"\x03", "fingerprint_prefix_bytes 3"),
        (0, struct.pack("<H", 3), "format version 3"),
    ],
)
def test_header_bounds(offset: int, value: bytes, message: str) -> None:
    error = linkscreen.UnsupportedBundleVersionError if "version 3" in message else None
    _refused(_patched(make(ROWS), offset, value), message, error or linkscreen.BundleCorruptError)


def test_a_payload_shorter_than_its_header() -> None:
    _refused(resign(make(ROWS).payload()[:100]), "shorter than its header")


def test_format_1_has_no_implicit_fingerprint_bytes() -> None:
    parts = make(ROWS, version=1, prefix_bytes=1)
    _refused(parts.signed(), r"fingerprint_prefix_bytes 1 not in \(0,\)")


def test_other_canonicalisation_version() -> None:
    parts = make(ROWS).with_header(canonicalization_version=linkscreen.CANONICALIZATION_VERSION + 1)
    _refused(parts.signed(), "canonicalisation version", linkscreen.UnsupportedBundleVersionError)


# ---- directory and layout ------------------------------------------------------------------


def test_more_sections_than_allowed() -> None:
    _refused(_patched(make(ROWS), 4, struct.pack("<H", 65)), "sections exceeds 64")


def test_directory_running_past_the_payload() -> None:
    parts = make([])
    payload = parts.payload()
    count = fmt.PayloadHeader.unpack(payload).section_count
    short = bytearray(payload[: _entry(count) - 8])
    _refused(resign(bytes(short)), "section directory runs past the payload")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (0, struct.pack("<I", 1), "out of order or appears twice"),  # entry 1 repeats id 1
        (0, struct.pack("<I", 9), "out of order or appears twice"),  # then id 3 comes after 9
        (4, struct.pack("<I", 1), "reserved field is not zero"),
        (8, struct.pack("<Q", 0), "does not start where the layout says"),
        (16, struct.pack("<Q", 2**40), "lies outside the payload"),
    ],
)
def test_directory_entries(field: int, value: bytes, message: str) -> None:
    _refused(_patched(make(ROWS), _entry(1) + field, value), message)


def test_a_section_overlapping_the_next_one() -> None:
    parts = make(ROWS)
    payload = parts.payload()
    _, _, offset, length = fmt.SECTION_ENTRY.unpack_from(payload, _entry(0))
    data = _patched(parts, _entry(0) + 16, struct.pack("<Q", length + 16))
    _refused(data, "section 1 is not followed by zero padding|section 2 does not start where")
    del offset


def test_hidden_bytes_in_padding_are_refused() -> None:
    parts = make(ROWS)
    payload = parts.payload()
    _, _, offset, length = fmt.SECTION_ENTRY.unpack_from(payload, _entry(0))
    assert length % 8, "the list table needs padding for this test"
    _refused(_patched(parts, offset + length, b"\x01"), "not followed by zero padding")


def test_trailing_bytes_after_the_last_section() -> None:
    _refused(resign(make(ROWS).payload() + bytes(8)), "8 bytes after the last section")


def test_a_section_whose_padding_runs_past_the_payload() -> None:
    payload = make(ROWS).payload()
    _refused(resign(payload[:-4]), "not followed by zero padding|lies outside the payload")


def test_unknown_sections_are_skipped() -> None:
    parts = make(ROWS)
    parts.carried[40] = b"future data"
    bundle = open_bytes(parts.signed())
    section = bundle.section(40)
    assert section is not None
    assert bytes(section) == b"future data"


# ---- required sections and sizes -----------------------------------------------------------


@pytest.mark.parametrize(
    ("section", "message"),
    [(fmt.Section.LISTS, "missing LISTS"), (fmt.Section.PSL, "missing PSL")],
)
def test_missing_carried_sections(section: fmt.Section, message: str) -> None:
    parts = make(ROWS)
    del parts.carried[section]
    _refused(parts.signed(), message)


def _sections(payload: bytes) -> tuple[fmt.PayloadHeader, dict[int, bytes]]:
    """Header and every section of a payload, read without checking what they hold."""
    header = fmt.PayloadHeader.unpack(payload)
    where = fmt._directory(memoryview(payload), header)
    return header, {sid: payload[at : at + size] for sid, (at, size) in where.items()}


def _without(parts: Parts, section: fmt.Section, replacement: bytes | None = None) -> bytes:
    """The payload re-laid out with one derived section removed or replaced."""
    header, sections = _sections(parts.payload())
    if replacement is None:
        del sections[section]
    else:
        sections[section] = replacement
    return resign(fmt.assemble_payload(header, sections))


@pytest.mark.parametrize(
    ("section", "prefix_bytes", "message"),
    [
        (fmt.Section.BLOOM, 0, "missing BLOOM"),
        (fmt.Section.FINGERPRINTS, 0, "missing FINGERPRINTS"),
        (fmt.Section.TAGS, 0, "missing TAGS"),
        (fmt.Section.BUCKETS, 1, "missing BUCKETS"),
    ],
)
def test_missing_derived_sections(section: fmt.Section, prefix_bytes: int, message: str) -> None:
    _refused(_without(make(ROWS, prefix_bytes=prefix_bytes), section), message)


@pytest.mark.parametrize(
    ("section", "prefix_bytes", "message"),
    [
        (fmt.Section.BLOOM, 0, "BLOOM section is 72 bytes, expected 64"),
        (fmt.Section.FINGERPRINTS, 0, "FINGERPRINTS section is"),
        (fmt.Section.TAGS, 0, "TAGS section is"),
        (fmt.Section.BUCKETS, 1, "BUCKETS section is"),
        (fmt.Section.BUCKETS, 2, "BUCKETS section is"),
    ],
)
def test_derived_sections_have_their_exact_size(
    section: fmt.Section, prefix_bytes: int, message: str
) -> None:
    parts = make(ROWS, prefix_bytes=prefix_bytes)
    current = fmt.parse_payload(parts.payload()).section(section)
    assert current is not None
    _refused(_without(parts, section, bytes(current) + bytes(8)), message)


def test_no_tag_section_without_tag_bits() -> None:
    parts = make([(fp, 0) for fp, _ in ROWS], lists=LISTS[:1])
    _refused(_without(parts, fmt.Section.TAGS, b"\0" * 8), "TAGS section is 8 bytes, expected 0")
    _refused(_without(parts, fmt.Section.TAGS, b""), "TAGS section present")


def test_no_bucket_section_without_implicit_bytes() -> None:
    parts = make(ROWS)
    _refused(_without(parts, fmt.Section.BUCKETS, bytes(1028)), "BUCKETS section is 1028 bytes")
    _refused(_without(parts, fmt.Section.BUCKETS, b""), "BUCKETS section present")


def test_format_1_has_no_psl_section() -> None:
    parts = make(ROWS, version=1)
    parts.carried[fmt.Section.PSL] = TINY_PSL.encode()
    _refused(parts.signed(), "version 1 payload has no PSL section")


# ---- list table -----------------------------------------------------------------------------


def _with_lists(raw: bytes, count: int = 2) -> bytes:
    parts = make(ROWS).with_header(list_count=count)
    parts.carried[fmt.Section.LISTS] = raw
    return parts.signed()


def _list_record(action: int = 2, reserved: int = 0, messages: int = 0, tail: bytes = b"") -> bytes:
    return bytes([action, reserved]) + b"\x01\x00a\x01\x00c" + struct.pack("<H", messages) + tail


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (_list_record(action=3) * 2, "list action 3"),
        (_list_record(reserved=1) * 2, "reserved byte is not zero"),
        (_list_record(messages=257) * 2, "257 messages"),
        (_list_record(messages=1) * 2, "ends inside a field"),
        (_list_record() + bytes([2, 0]) + b"\x01\x00\xff", "invalid UTF-8"),
        (_list_record() * 3, "trailing bytes"),
    ],
)
def test_list_table_records(raw: bytes, message: str) -> None:
    _refused(_with_lists(raw), message)


def test_a_list_table_larger_than_its_entries_justify() -> None:
    """A 15 MiB table of empty messages once took 8.6 s and 181 MiB to open."""
    big = ListInfo("l", Action.BLOCK, "c", (("en", "x" * 60_000, ""),) * 20)
    raw = fmt.encode_lists([big])
    assert len(raw) > fmt.max_list_table_bytes(len(ROWS))
    _refused(_with_lists(raw, 1), "list table of .* bytes is too large for 43 entries")


# ---- shortener section and name runs --------------------------------------------------------


def _with_shorteners(raw: bytes, version: int = 2) -> bytes:
    parts = make(ROWS, version=version)
    parts.carried[fmt.Section.SHORTENERS] = raw
    return parts.signed()


def _names_stream(symbols: list[int]) -> bytes:
    """Pack 6-bit symbols the way a name run is packed (for hand-made flaws)."""
    value = 0
    for symbol in symbols:
        value = value << 6 | symbol
    bits = len(symbols) * 6
    pad = -bits % 8
    return (value << pad).to_bytes((bits + pad) // 8, "big")


def _symbols(text: str) -> list[int]:
    return [fmt.NAME_ALPHABET.index(c) + 1 for c in text.encode()]


END = fmt.END_SYMBOL
HEAD = struct.pack("<BBHI", 0, 0, 0, 2)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (struct.pack("<BBHI", 2, 0, 0, 0), "unknown policy 2"),
        (struct.pack("<BBHI", 0, 1, 0, 0), "reserved bytes set"),
        (struct.pack("<BBHI", 0, 0, 1, 0), "reserved bytes set"),
        (struct.pack("<BBHI", 0, 0, 0, 2**21), "exceeds the bound"),
        (HEAD + _names_stream([0, *_symbols("ly.bit"), END]), "end early"),
        (
            HEAD + _names_stream([0, *_symbols("a"), END, 0, *_symbols("b"), END, 0]),
            "after the last",
        ),
        (
            HEAD + _names_stream([0, *_symbols("a"), END, 0, *_symbols("b"), END]) + b"\0",
            "after the",
        ),
        (HEAD + _names_stream([0, *_symbols("a"), END, 0, END]), "an empty name"),
        (HEAD + _names_stream([1, *_symbols("a"), END, 0, *_symbols("b"), END]), "shared prefix"),
        (HEAD + _names_stream([0, *_symbols("a"), END, 2, *_symbols("b"), END]), "shared prefix"),
        (HEAD + _names_stream([0, *_symbols("a"), END, 0, 45, END]), "symbol that is no character"),
        (HEAD + _names_stream([0, *_symbols("a"), END, 0, 0, END]), "symbol that is no character"),
        (HEAD + _names_stream([0, *_symbols(".a"), END, 0, *_symbols("b"), END]), "not a host"),
        (HEAD + _names_stream([0, *_symbols("a."), END, 0, *_symbols("b"), END]), "not a host"),
        (HEAD + _names_stream([0, *_symbols("a..b"), END, 0, *_symbols("c"), END]), "not a host"),
        (HEAD + _names_stream([0, *_symbols("b"), END, 0, *_symbols("a"), END]), "do not ascend"),
        (HEAD + _names_stream([0, *_symbols("b"), END, 0, *_symbols("b"), END]), "do not ascend"),
    ],
)
def test_shortener_section_and_name_runs(raw: bytes, message: str) -> None:
    _refused(_with_shorteners(raw), message)


def test_padding_bits_of_a_name_run_are_zero() -> None:
    stream = bytearray(_names_stream([0, *_symbols("a"), END, 0, *_symbols("b"), END]))
    assert len(stream) * 8 > 6 * 6  # four padding bits
    stream[-1] |= 1
    _refused(_with_shorteners(HEAD + bytes(stream)), "padding bits are set")


def test_a_name_longer_than_a_dns_name() -> None:
    name = ".".join(["a" * 60] * 5)
    raw = struct.pack("<BBHI", 0, 0, 0, 1) + _names_stream([0, *_symbols(name), END])
    _refused(_with_shorteners(raw), "not a host")


@pytest.mark.parametrize(
    ("domains", "message"),
    [
        (["b.example", "a.example"], "not sorted"),
        (["a.example", "a.example"], "not sorted"),
        ([""], "not sorted, unique, non-empty"),
    ],
)
def test_format_1_shortener_section(domains: list[str], message: str) -> None:
    out = bytearray(struct.pack("<BBHI", 0, 0, 0, len(domains)))
    for domain in domains:
        out += bytes([len(domain)]) + domain.encode()
    _refused(_with_shorteners(bytes(out), version=1), message)


def test_format_1_shortener_section_has_no_trailing_bytes() -> None:
    from bundle_parts import v1_shorteners

    _refused(_with_shorteners(v1_shorteners(["a.example"]) + b"x", version=1), "trailing bytes")


def test_format_1_shortener_domains_are_ascii() -> None:
    raw = struct.pack("<BBHI", 0, 0, 0, 1) + b"\x02\xc3\xa9"
    _refused(_with_shorteners(raw, version=1), "non-empty ASCII")


# ---- Public Suffix List section -------------------------------------------------------------


def _with_psl(raw: bytes) -> bytes:
    parts = make(ROWS)
    parts.carried[fmt.Section.PSL] = raw
    return parts.signed()


def test_psl_section_shorter_than_its_counts() -> None:
    _refused(_with_psl(b"\0" * 20), "shorter than its rule counts")


def test_psl_section_claiming_more_rules_than_it_can_hold() -> None:
    _refused(_with_psl(struct.pack("<6I", 2**20, 0, 0, 0, 0, 1)), "claims 1048577 rules")
    _refused(_with_psl(struct.pack("<6I", 50, 0, 0, 0, 0, 0) + bytes(10)), "claims 50 rules")


def test_psl_exception_rules_have_two_labels() -> None:
    raw = struct.pack("<6I", 0, 1, 1, 0, 0, 0) + fmt.encode_names([[], ["ck"], ["ck"], [], [], []])
    _refused(_with_psl(raw), "exception rule of one label")


def test_psl_section_with_trailing_bytes() -> None:
    _refused(_with_psl(TINY_PSL.encode() + b"\0"), "bytes after the last name")


# ---- buckets --------------------------------------------------------------------------------


def _bucket_flaw(prefix_bytes: int, mutate: Callable[[bytearray], None]) -> bytes:
    parts = make(ROWS, prefix_bytes=prefix_bytes)
    buckets = bytearray(fmt.parse_payload(parts.payload()).section(fmt.Section.BUCKETS) or b"")
    mutate(buckets)
    return _without(parts, fmt.Section.BUCKETS, bytes(buckets))


def _offset(index: int, value: int) -> Callable[[bytearray], None]:
    def mutate(buckets: bytearray) -> None:
        buckets[4 * index : 4 * index + 4] = struct.pack("<I", value)

    return mutate


@pytest.mark.parametrize("prefix_bytes", [1, 2])
@pytest.mark.parametrize(("index", "value"), [(0, 1), (256, 42), (256, 44)])
def test_bucket_offsets_run_from_zero_to_n(prefix_bytes: int, index: int, value: int) -> None:
    _refused(_bucket_flaw(prefix_bytes, _offset(index, value)), "do not ascend from 0")


def test_bucket_offsets_never_decrease() -> None:
    parts = make(ROWS, prefix_bytes=1)
    offsets = fmt.parse_payload(parts.payload()).table.offsets
    top = next(t for t in range(1, 255) if offsets[t + 1] > offsets[t] + 1)
    _refused(_bucket_flaw(1, _offset(top, offsets[top + 1] + 1)), "do not ascend from 0")


def _bit(index: int) -> Callable[[bytearray], None]:
    def mutate(buckets: bytearray) -> None:
        buckets[1028 + index // 8] ^= 1 << (index % 8)

    return mutate


def test_bucket_bitmap_bits_past_its_end() -> None:
    total = 65536 + len(ROWS)
    assert total % 8  # the padding bits exist
    _refused(_bucket_flaw(2, _bit(total)), "bits set past its end")


def test_bucket_bitmap_one_bit_per_row() -> None:
    first_zero_run = 5  # bucket 0 of leading byte 0 is empty in this table: its zero is bit 0
    assert not fmt.parse_payload(make(ROWS, prefix_bytes=2).payload()).table.find(bytes(16))
    _refused(_bucket_flaw(2, _bit(first_zero_run - 5)), "one bit per row")


def test_bucket_bitmap_run_agrees_with_its_offset() -> None:
    """Move a row's one-bit into the previous leading byte's run: counts stay right."""
    table = fmt.parse_payload(make(ROWS, prefix_bytes=2).payload()).table
    top = next(t for t in range(1, 256) if table.offsets[t + 1] > table.offsets[t])
    start = 256 * top + table.offsets[top]  # the first bit of run ``top``

    def mutate(buckets: bytearray) -> None:
        _bit(start - 1)(buckets)  # last zero of run top-1 becomes a one
        second_one = next(
            bit for bit in range(start, start + 300) if buckets[1028 + bit // 8] >> (bit % 8) & 1
        )
        _bit(second_one)(buckets)  # and the first one of run top becomes a zero

    _refused(_bucket_flaw(2, mutate), "disagrees with offset")


def test_bucket_bitmap_runs_end_with_a_zero() -> None:
    """Swap the last zero of a run with the one before it: every count still matches."""
    table = fmt.parse_payload(make(ROWS, prefix_bytes=2).payload()).table
    top = next(t for t in range(255) if table.offsets[t + 1] > table.offsets[t])
    end = 256 * (top + 1) + table.offsets[top + 1]  # the first bit after run ``top``
    text = fmt._bitmap_text(table.bitmap, table.count)
    last_one = text.rindex("1", 0, end)

    def mutate(buckets: bytearray) -> None:
        _bit(last_one)(buckets)
        _bit(end - 1)(buckets)

    assert last_one < end - 1
    _refused(_bucket_flaw(2, mutate), "does not end with a zero")


# ---- row order and tags --------------------------------------------------------------------


def _table_flaw(rows: list[tuple[bytes, int]], prefix_bytes: int, lists: int = 2) -> bytes:
    """A payload whose FINGERPRINTS and TAGS sections hold ``rows`` exactly as given."""
    good = make(sorted(rows), prefix_bytes=prefix_bytes, lists=LISTS[:lists])
    header, sections = _sections(good.payload())
    sections[fmt.Section.FINGERPRINTS] = b"".join(fp[prefix_bytes:] for fp, _ in rows)
    if header.tag_bits:
        sections[fmt.Section.TAGS] = fmt.pack_tags([t for _, t in rows], header.tag_bits)
    return resign(fmt.assemble_payload(header, sections))


SAME_BUCKET = fingerprints(6, prefix=b"\x07\x07")


@pytest.mark.parametrize("prefix_bytes", [0, 1, 2])
def test_rows_must_ascend_within_a_bucket(prefix_bytes: int) -> None:
    rows = [(fp, 0) for fp in SAME_BUCKET]
    rows[2], rows[3] = rows[3], rows[2]
    _refused(_table_flaw(rows, prefix_bytes), "rows 2 and 3 are not strictly ascending")


@pytest.mark.parametrize("prefix_bytes", [0, 1, 2])
def test_equal_fingerprints_only_on_distinct_lists_in_order(prefix_bytes: int) -> None:
    same = [(SAME_BUCKET[0], 0), (SAME_BUCKET[0], 1), *[(fp, 0) for fp in SAME_BUCKET[1:]]]
    assert open_bytes(_table_flaw(same, prefix_bytes)).entry_count == 7  # one entry, two lists
    twice = [(SAME_BUCKET[0], 1), (SAME_BUCKET[0], 1), *[(fp, 0) for fp in SAME_BUCKET[1:]]]
    _refused(_table_flaw(twice, prefix_bytes), "rows 0 and 1 are not strictly ascending")
    backwards = [(SAME_BUCKET[0], 1), (SAME_BUCKET[0], 0), *[(fp, 0) for fp in SAME_BUCKET[1:]]]
    _refused(_table_flaw(backwards, prefix_bytes), "rows 0 and 1 are not strictly ascending")


def test_rows_of_neighbouring_buckets_may_descend() -> None:
    """Stored rows drop their bucket's prefix, so across a boundary they can go down."""
    rows = [(b"\x01\x01" + b"\xff" * 14, 0), (b"\x01\x02" + b"\x00" * 14, 0)]
    assert open_bytes(_table_flaw(rows, 2)).entry_count == 2
    rows = [(b"\x01\xff" + b"\x00" * 14, 0), (b"\x02\x00" + b"\xff" * 14, 0)]
    assert open_bytes(_table_flaw(rows, 1)).entry_count == 2


@pytest.mark.parametrize(("lists", "bad_tag"), [(3, 3), (5, 7), (9, 15), (257, 300)])
def test_row_tags_name_a_list(lists: int, bad_tag: int) -> None:
    infos = [ListInfo(f"l{i}", Action.BLOCK, "c", ()) for i in range(lists)]
    rows = [(fp, 0) for fp in fingerprints(9)]
    header, sections = _sections(make(rows, lists=infos).payload())
    sections[fmt.Section.TAGS] = fmt.pack_tags([0] * 8 + [bad_tag], header.tag_bits)
    _refused(resign(fmt.assemble_payload(header, sections)), "a row tag names no list")


@pytest.mark.parametrize("lists", [2, 3])
def test_bits_after_the_last_tag_are_zero(lists: int) -> None:
    rows = [(fp, 0) for fp in fingerprints(3)]
    header, sections = _sections(make(rows, lists=LISTS[:lists]).payload())
    sections[fmt.Section.TAGS] = bytes([0x80])
    _refused(resign(fmt.assemble_payload(header, sections)), "bits set after the last tag")


# ---- files, lifetime and memory -------------------------------------------------------------


def test_missing_and_directory_paths_raise_bundle_errors(tmp_path: Path) -> None:
    with pytest.raises(linkscreen.BundleFileError, match="cannot be read"):
        linkscreen.Bundle.open(tmp_path / "missing.bundle", [TEST_PUBLIC])
    with pytest.raises(linkscreen.BundleFileError, match="cannot be read"):
        linkscreen.Bundle.open(tmp_path, [TEST_PUBLIC])
    with pytest.raises(linkscreen.BundleFileError):
        linkscreen.Bundle.open_payload(tmp_path / "missing", sha256="00")


def test_a_file_beyond_the_size_bound_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fmt, "MAX_BUNDLE_BYTES", 1000)
    path = tmp_path / "big.bundle"
    path.write_bytes(bytes(1001))
    with pytest.raises(linkscreen.BundleCorruptError, match="exceeds the bundle size bound"):
        linkscreen.Bundle.open(path, [TEST_PUBLIC])


def test_a_stored_payload_must_match_its_signed_hash(tmp_path: Path) -> None:
    payload = make(ROWS).payload()
    bundle = linkscreen.Bundle.from_payload(payload, sha256=_sha(payload))
    assert bundle.entry_count == len(ROWS)
    assert bundle.buffer_offset == 0
    with pytest.raises(linkscreen.HashMismatchError, match="does not match its signed hash"):
        linkscreen.Bundle.from_payload(payload + b"x", sha256=_sha(payload))


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def test_bundle_is_a_context_manager_and_a_matcher_outlives_close(tmp_path: Path) -> None:
    listed = ["http://closed.example/a"]
    path = tmp_path / "b.bundle"
    path.write_bytes(compile_lists(tmp_path, {"h": (listed, Action.BLOCK)}))
    with linkscreen.Bundle.open(path, [TEST_PUBLIC]) as bundle:
        matcher = linkscreen.Matcher(bundle)
        assert not bundle.closed
    assert bundle.closed
    with pytest.raises(linkscreen.BundleClosedError):
        _ = bundle.lists
    with pytest.raises(linkscreen.BundleClosedError):
        linkscreen.Matcher(bundle)
    assert matcher.check_url(listed[0]).action is Action.BLOCK


def test_a_file_truncated_or_rewritten_under_a_live_matcher(tmp_path: Path) -> None:
    """The file was memory-mapped once; truncating it then killed the process (SIGBUS)."""
    listed = [f"http://t{i}.example/p" for i in range(200)]
    path = tmp_path / "b.bundle"
    path.write_bytes(compile_lists(tmp_path, {"h": (listed, Action.BLOCK)}))
    matcher = linkscreen.Matcher(linkscreen.Bundle.open(path, [TEST_PUBLIC]))
    with open(path, "r+b") as handle:
        handle.truncate(100)
    assert all(matcher.check_url(url).action is Action.BLOCK for url in listed)
    path.write_bytes(os.urandom(5000))
    assert all(matcher.check_url(url).action is Action.BLOCK for url in listed)
