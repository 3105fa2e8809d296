"""The format is defined once: docs/bundle-format.md's tables say what linkscreen.bundle.format
says, and its encoders and decoders are inverse on every input they accept."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkscreen.bundle import format as fmt

DOC = (Path(__file__).parents[1] / "docs" / "bundle-format.md").read_text(encoding="utf-8")


def _doc_block(heading: str) -> list[tuple[int, int, str]]:
    """``(offset, size, name)`` rows of the code block after a heading of the spec."""
    start = DOC.index(heading)
    block = DOC[DOC.index("```", start) + 3 :]
    block = block[: block.index("```")]
    rows = re.findall(r"^(\d+)\s+(\d+)\s+(\w+)", block, flags=re.MULTILINE)
    return [(int(offset), int(size), name) for offset, size, name in rows]


@pytest.mark.parametrize(
    ("heading", "layout"),
    [
        ("## 1. Envelope", fmt.ENVELOPE_FIELDS),
        ("### 2.1 Header", fmt.HEADER_FIELDS),
        ("### 2.2 Section directory", fmt.SECTION_ENTRY_FIELDS),
    ],
)
def test_docs_field_tables_match_the_format(heading: str, layout: tuple[fmt.Field, ...]) -> None:
    documented = _doc_block(heading)
    defined = [(offset, f.size, f.name) for offset, f in fmt.field_offsets(layout)]
    assert documented[: len(defined)] == defined
    for offset, spec in fmt.field_offsets(layout):
        line = f"{offset:<8}{spec.size:<6}{spec.name:<27}{spec.doc}"
        assert line in DOC, line


def test_docs_section_table_matches_the_format() -> None:
    rows = re.findall(r"^\| (\d+) \| ([^|]+) \| ([^|]+) \| ([^|]+) \| (\w+) \|$", DOC, re.MULTILINE)
    documented = [
        (int(i), name, length, required, delta) for i, name, length, required, delta in rows
    ]
    defined = [
        (spec.id, spec.name, spec.length, spec.required, "carried" if spec.carried else "rebuilt")
        for spec in fmt.SECTIONS
    ]
    assert documented == defined


def test_header_sizes_and_the_dataclass_agree_with_the_field_table() -> None:
    assert fmt.PAYLOAD_HEADER.size == 128
    assert fmt.ENVELOPE.size == 32
    assert fmt.SECTION_ENTRY.size == 24
    named = [f.name for f in fmt.HEADER_FIELDS if not f.reserved]
    assert fmt.header_field_names() == named


def test_header_round_trip() -> None:
    header = fmt.PayloadHeader(2, 1, 5, 8, -5, 7, 9, bytes(range(16)), 3, 4, 128, 10, 200, 2, "v-1")
    assert fmt.PayloadHeader.unpack(header.pack()) == header


# ---- name runs ------------------------------------------------------------------------------

_LABEL = st.text(alphabet="abcxyz019-_", min_size=1, max_size=12)
_NAME = st.lists(_LABEL, min_size=1, max_size=5).map(".".join)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sets(_NAME, max_size=30), min_size=1, max_size=4))
def test_name_runs_round_trip(runs: list[set[str]]) -> None:
    ordered = [sorted(run) for run in runs]
    data = fmt.encode_names(ordered)
    assert fmt.decode_names(data, 0, [len(r) for r in ordered], "test") == ordered


def test_a_name_run_front_codes_and_packs_six_bits_a_character() -> None:
    names = ["com.example", "com.example.www", "com.examples"]
    data = fmt.encode_names([names])
    symbols = 1 + 11 + 1 + (1 + 4 + 1) + (1 + 1 + 1)  # shared, rest, END per name
    assert len(data) == -(-symbols * 6 // 8)


@pytest.mark.parametrize(
    "names", [["b", "a"], ["a", "a"], [""], ["A"], ["a..b"], [".a"], ["a" * 254], ["a/b"]]
)
def test_encoder_refuses_what_a_reader_would(names: list[str]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011  (each case has its own message)
        fmt.encode_names([names])


def test_shortener_section_round_trips() -> None:
    data = fmt.encode_shorteners(["bit.ly", "www.bit.ly", "t.co"], fmt.SHORTENER_POLICY_WARN)
    assert fmt.decode_shorteners(data, 2) == (1, frozenset({"bit.ly", "www.bit.ly", "t.co"}))
    with pytest.raises(ValueError, match="policy"):
        fmt.encode_shorteners([], 7)


# ---- fingerprint table ----------------------------------------------------------------------

_FP = st.binary(min_size=16, max_size=16)


@settings(max_examples=60, deadline=None)
@given(st.sets(_FP, max_size=300), st.sets(_FP, max_size=30), st.sampled_from([0, 1, 2]))
def test_bucketed_tables_find_exactly_their_rows(
    rows: set[bytes], others: set[bytes], prefix_bytes: int
) -> None:
    ordered = sorted(rows)
    table_bytes, buckets = fmt.encode_fingerprint_table(ordered, prefix_bytes)
    view = memoryview(buckets)
    offsets = fmt._BUCKET_OFFSETS.unpack_from(view) if prefix_bytes else ()
    table = fmt.FingerprintTable(
        memoryview(table_bytes), len(ordered), prefix_bytes, offsets, view[1028:]
    )
    if prefix_bytes:
        fmt._check_buckets(table)
    assert list(table.fingerprints()) == ordered
    for index, fp in enumerate(ordered):
        assert table.find(fp) == range(index, index + 1)
    for fp in others - rows:
        assert not table.find(fp)


def test_prefix_bytes_are_chosen_for_the_smallest_table() -> None:
    assert fmt.fingerprint_prefix_bytes_for(0) == 0
    assert fmt.fingerprint_prefix_bytes_for(1_000) == 0
    assert fmt.fingerprint_prefix_bytes_for(1_100) == 1
    assert fmt.fingerprint_prefix_bytes_for(9_000) == 1
    assert fmt.fingerprint_prefix_bytes_for(10_000) == 2
    assert fmt.fingerprint_prefix_bytes_for(10**6) == 2
    for n in (0, 500, 5_000, 50_000):
        p = fmt.fingerprint_prefix_bytes_for(n)
        best = min(n * (16 - q) + fmt.buckets_length(n, q) for q in (0, 1, 2))
        assert n * (16 - p) + fmt.buckets_length(n, p) == best


def test_build_payload_refuses_inconsistent_parts() -> None:
    header = fmt.PayloadHeader(2, 1, 0, 0, 0, 0, 0, bytes(16), 0, 1, 64, 1, 1, 0, "x")
    with pytest.raises(ValueError, match="derived"):
        fmt.build_payload(header, {fmt.Section.BLOOM: b""}, bytes(8), [(bytes(16), 0)])
    with pytest.raises(ValueError, match="Bloom array size"):
        fmt.build_payload(header, {}, bytes(7), [(bytes(16), 0)])
    with pytest.raises(ValueError, match="fingerprint_count"):
        fmt.build_payload(header, {}, bytes(8), [])
    encoded = fmt.encode_rows([(bytes(16), 0)], 0, 0)
    assert fmt.build_payload(header, {}, bytes(8), encoded) == fmt.build_payload(
        header, {}, bytes(8), [(bytes(16), 0)]
    )
    with pytest.raises(ValueError, match="do not match the header"):
        fmt.build_payload(header, {}, bytes(8), fmt.encode_rows([(bytes(16), 0)], 1, 0))
    with pytest.raises(ValueError, match="do not match the header"):
        fmt.build_payload(header, {}, bytes(8), fmt.encode_rows([(bytes(16), 0)], 0, 2))
