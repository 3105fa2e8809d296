"""Deltas: they rebuild the signed payload exactly, never resend an unchanged Public Suffix
List, and a hostile one raises DeltaError (and nothing else) at the check that names it."""

from __future__ import annotations

import dataclasses
import hashlib
import random
import struct
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import linkscreen
from linkscreen.bundle import format as fmt
from linkscreen.bundle.delta import (
    MAGIC,
    MAGIC_V1,
    UNCHANGED,
    apply_delta,
    delta_endpoints,
    make_delta,
)
from linkscreen.psl import PublicSuffixList

from bundle_parts import LISTS, Parts, fingerprints, make, v1_shorteners

POOL = fingerprints(400, seed="pool")


def _parts(indices: Sequence[int], prefix_bytes: int = 0, bloom: bytes | None = None) -> Parts:
    rows = sorted((POOL[i], i % 2) for i in indices)
    parts = make(rows, prefix_bytes=prefix_bytes)
    if bloom is not None:
        parts.bloom = bloom
    return parts


def _bloom(*bits: int) -> bytes:
    out = bytearray(64)
    for bit in bits:
        out[bit >> 3] |= 1 << (bit & 7)
    return bytes(out)


OLD = _parts(range(200), bloom=_bloom(1, 2, 3))
NEW = _parts(range(20, 230), bloom=_bloom(1, 2, 3, 100, 101))


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _leb(values: Sequence[int]) -> bytes:
    """Raw LEB128 numbers (no gap arithmetic), for hand-made flaws."""
    out = bytearray()
    for value in values:
        while True:
            byte, value = value & 0x7F, value >> 7
            out.append(byte | (0x80 if value else 0))
            if not value:
                break
    return bytes(out)


def _delta(
    old: bytes,
    *,
    header: fmt.PayloadHeader | None = None,
    carried: Sequence[tuple[int, bytes | None]] | None = None,
    gained: Sequence[int] = (),
    removed: Sequence[int] = (),
    added: Sequence[tuple[bytes, int]] = (),
    to_sha: bytes = bytes(32),
    raw_counts: dict[str, int] | None = None,
) -> bytes:
    """A delta from ``old`` with every field given (gaps are written as given)."""
    counts = raw_counts or {}
    parsed = fmt.parse_payload(old)
    out = bytearray(MAGIC + _sha(old) + to_sha)
    out += (header or parsed.header).pack()
    if carried is None:
        carried = [(sid, None) for sid in sorted(parsed.carried_sections())]
    out += struct.pack("<I", counts.get("carried", len(carried)))
    for section_id, data in carried:
        if data is None:
            out += struct.pack("<II", section_id, UNCHANGED)
        else:
            out += struct.pack("<II", section_id, len(data)) + data
    out += struct.pack("<I", counts.get("gained", len(gained))) + _leb(gained)
    out += struct.pack("<I", counts.get("removed", len(removed))) + _leb(removed)
    out += struct.pack("<I", counts.get("added", len(added)))
    for fingerprint, tag in added:
        out += struct.pack("<16sH", fingerprint, tag)
    return bytes(out)


def _refused(old: bytes, delta: bytes, match: str) -> None:
    with pytest.raises(linkscreen.DeltaError, match=match):
        apply_delta(old, delta)


# ---- round trips ----------------------------------------------------------------------------


@pytest.mark.parametrize("prefix_bytes", [0, 1, 2])
def test_a_delta_rebuilds_the_new_payload_byte_for_byte(prefix_bytes: int) -> None:
    old = _parts(range(200), prefix_bytes, bloom=_bloom(9)).payload()
    new_parts = _parts(range(20, 230), prefix_bytes=prefix_bytes, bloom=_bloom(9, 10))
    new_parts.carried[fmt.Section.LISTS] = fmt.encode_lists(LISTS[1:3])
    new = new_parts.payload()
    delta = make_delta(old, new)
    assert delta_endpoints(delta) == (_sha(old).hex(), _sha(new).hex())
    assert apply_delta(old, delta) == new


def test_the_implicit_byte_count_may_change_along_a_chain() -> None:
    old, new = _parts(range(50), 0).payload(), _parts(range(40, 300), 2).payload()
    assert apply_delta(old, make_delta(old, new)) == new


def test_an_unchanged_psl_is_not_sent_again_and_a_changed_one_is() -> None:
    old, new = OLD.payload(), NEW.payload()
    psl = OLD.carried[fmt.Section.PSL]
    same = make_delta(old, new)
    assert psl not in same
    assert struct.pack("<II", fmt.Section.PSL, UNCHANGED) in same
    changed = dataclasses.replace(NEW, carried=dict(NEW.carried))
    other = PublicSuffixList.parse("example\nco.example\nnew.example\n", version="other-1")
    changed.carried[fmt.Section.PSL] = other.encode()
    changed = changed.with_header(psl_version="other-1")
    delta = make_delta(old, changed.payload())
    assert other.encode() in delta
    assert apply_delta(old, delta) == changed.payload()


def test_a_section_dropped_from_the_new_payload_is_dropped() -> None:
    new = dataclasses.replace(NEW, carried=dict(NEW.carried))
    del new.carried[fmt.Section.SHORTENERS]
    assert apply_delta(OLD.payload(), make_delta(OLD.payload(), new.payload())) == new.payload()


@settings(max_examples=40, deadline=None)
@given(
    st.sets(st.integers(0, 399), max_size=120),
    st.sets(st.integers(0, 399), max_size=120),
    st.sampled_from([0, 1, 2]),
)
def test_any_churn_round_trips(before: set[int], after: set[int], prefix_bytes: int) -> None:
    old = _parts(sorted(before), prefix_bytes).payload()
    new = _parts(sorted(after), prefix_bytes, bloom=b"\xff" * 64).payload()
    assert apply_delta(old, make_delta(old, new)) == new


def test_format_1_deltas_still_apply() -> None:
    """A client on a format-1 chain can still follow it (LSDELTA1, fixed carried sections)."""
    old_parts = make(sorted((POOL[i], 0) for i in range(30)), version=1)
    new_parts = make(sorted((POOL[i], 0) for i in range(5, 40)), version=1)
    new_parts.carried[fmt.Section.SHORTENERS] = v1_shorteners(["a.example", "b.example"])
    old, new = old_parts.payload(), new_parts.payload()
    old_rows = fmt.parse_payload(old).rows()
    new_rows = fmt.parse_payload(new).rows()
    out = bytearray(MAGIC_V1 + _sha(old) + _sha(new) + new_parts.header.pack())
    out += struct.pack("<I", UNCHANGED)  # list table
    shorteners = new_parts.carried[fmt.Section.SHORTENERS]
    out += struct.pack("<I", len(shorteners)) + shorteners
    out += struct.pack("<I", 0)
    out += struct.pack("<I", 5) + _leb([0, 1, 1, 1, 1])
    added = [row for row in new_rows if row not in old_rows]
    out += struct.pack("<I", len(added)) + b"".join(struct.pack("<16sH", *r) for r in added)
    assert apply_delta(old, bytes(out)) == new


# ---- hostile deltas -------------------------------------------------------------------------

OLD_PAYLOAD = OLD.payload()


def test_not_a_delta() -> None:
    _refused(OLD_PAYLOAD, b"LSDELTA9" + bytes(100), "not a linkscreen delta")
    _refused(OLD_PAYLOAD, MAGIC + bytes(10), "not a linkscreen delta")


def test_a_delta_for_another_state() -> None:
    delta = bytearray(_delta(OLD_PAYLOAD))
    delta[8] ^= 1
    _refused(OLD_PAYLOAD, bytes(delta), "made for another state")


def test_an_old_state_that_does_not_parse() -> None:
    broken = OLD_PAYLOAD[:-8]
    delta = bytearray(_delta(OLD_PAYLOAD))
    delta[8:40] = _sha(broken)
    _refused(broken, bytes(delta), "old payload does not parse")


@pytest.mark.parametrize("field", ["salt", "bloom_seed", "bloom_k", "bloom_bits"])
def test_a_delta_may_not_leave_the_chain(field: str) -> None:
    value = bytes(15) + b"\x01" if field == "salt" else getattr(OLD.header, field) + 64
    header = dataclasses.replace(OLD.header, **{field: value})
    _refused(OLD_PAYLOAD, _delta(OLD_PAYLOAD, header=header), f"delta changes {field}")


def test_a_delta_header_is_checked() -> None:
    bad_version = dataclasses.replace(OLD.header, format_version=9)
    _refused(OLD_PAYLOAD, _delta(OLD_PAYLOAD, header=bad_version), "makes format version 9")
    no_lists = dataclasses.replace(OLD.header, list_count=0)
    _refused(OLD_PAYLOAD, _delta(OLD_PAYLOAD, header=no_lists), "delta header: bundle has no list")
    raw = bytearray(_delta(OLD_PAYLOAD))
    raw[72 + 112] = 1  # a reserved header byte
    _refused(OLD_PAYLOAD, bytes(raw), "delta header: a reserved header field")


def test_carried_sections() -> None:
    lists = OLD.carried[fmt.Section.LISTS]
    _refused(OLD_PAYLOAD, _delta(OLD_PAYLOAD, raw_counts={"carried": 65}), "carries 65 sections")
    _refused(
        OLD_PAYLOAD,
        _delta(OLD_PAYLOAD, carried=[(2, None), (1, None)]),
        "section 1 is out of order or repeated",
    )
    _refused(
        OLD_PAYLOAD,
        _delta(OLD_PAYLOAD, carried=[(1, None), (1, lists)]),
        "section 1 is out of order or repeated",
    )
    for derived in (3, 4, 5, 6):
        _refused(OLD_PAYLOAD, _delta(OLD_PAYLOAD, carried=[(derived, b"x")]), "which is rebuilt")
    _refused(OLD_PAYLOAD, _delta(OLD_PAYLOAD, carried=[(30, None)]), "which the old state lacks")
    truncated = MAGIC + _sha(OLD_PAYLOAD) + bytes(32) + OLD.header.pack()
    truncated += struct.pack("<III", 1, 1, 1000) + b"short"
    _refused(OLD_PAYLOAD, truncated, "delta section truncated")


def test_bloom_bits() -> None:
    m = OLD.header.bloom_bits
    _refused(OLD_PAYLOAD, _delta(OLD_PAYLOAD, raw_counts={"gained": m + 1}), "more Bloom bits")
    _refused(OLD_PAYLOAD, _delta(OLD_PAYLOAD, gained=[m]), f"Bloom bit {m} is out of range")
    _refused(OLD_PAYLOAD, _delta(OLD_PAYLOAD, gained=[5, 0]), "repeats a value")
    _refused(OLD_PAYLOAD, _delta(OLD_PAYLOAD, gained=[2]), "Bloom bit 2, which is already set")
    assert fmt.parse_payload(OLD_PAYLOAD).bloom[0] == 0b1110


def test_removed_rows() -> None:
    n = OLD.header.fingerprint_count
    _refused(OLD_PAYLOAD, _delta(OLD_PAYLOAD, raw_counts={"removed": n + 1}), "removes more rows")
    _refused(OLD_PAYLOAD, _delta(OLD_PAYLOAD, removed=[n]), f"removed row {n} is out of range")
    _refused(OLD_PAYLOAD, _delta(OLD_PAYLOAD, removed=[3, 0]), "removed row list repeats")
    _refused(OLD_PAYLOAD, _delta(OLD_PAYLOAD, removed=[2**70]), "number too long")


def test_numbers_that_end_early() -> None:
    raw = bytearray(_delta(OLD_PAYLOAD, removed=[300]))
    _refused(OLD_PAYLOAD, bytes(raw[:-5]), "ends inside a removed row number")


def test_added_rows() -> None:
    fresh = sorted(fingerprints(3, seed="fresh"))
    header = dataclasses.replace(OLD.header, fingerprint_count=OLD.header.fingerprint_count + 2)
    rows = [(fresh[1], 0), (fresh[0], 0)]
    _refused(OLD_PAYLOAD, _delta(OLD_PAYLOAD, header=header, added=rows), "do not ascend strictly")
    rows = [(fresh[0], 0), (fresh[0], 0)]
    _refused(OLD_PAYLOAD, _delta(OLD_PAYLOAD, header=header, added=rows), "do not ascend strictly")
    rows = [(fresh[0], 0), (fresh[1], 2)]
    _refused(OLD_PAYLOAD, _delta(OLD_PAYLOAD, header=header, added=rows), "tag names no list")
    existing = fmt.parse_payload(OLD_PAYLOAD).rows()[5]
    rows = sorted([existing, (fresh[0], 0)])
    _refused(OLD_PAYLOAD, _delta(OLD_PAYLOAD, header=header, added=rows), "already has")
    rows = [(fresh[0], 0)]
    delta = _delta(OLD_PAYLOAD, header=header, added=rows, raw_counts={"added": 2})
    _refused(OLD_PAYLOAD, delta, "row table has the wrong size")
    _refused(
        OLD_PAYLOAD, _delta(OLD_PAYLOAD, header=header, added=sorted((f, 0) for f in fresh[:2])),
        "its target state",
    )  # fmt: skip
    rows = [(fresh[0], 0), (fresh[1], 0)]
    _refused(OLD_PAYLOAD, _delta(OLD_PAYLOAD, added=rows), "row count disagrees with its header")


def test_a_delta_that_cannot_build_a_payload() -> None:
    carried = [(1, None), (2, None), (7, None), (9, bytes(2**16))]
    carried += [(10 + i, b"x") for i in range(60)]  # 65 sections in all with the rebuilt ones
    _refused(OLD_PAYLOAD, _delta(OLD_PAYLOAD, carried=carried), "does not build a payload")


def test_a_delta_that_misses_its_target() -> None:
    good = make_delta(OLD_PAYLOAD, NEW.payload())
    bad = good[:40] + bytes(32) + good[72:]
    _refused(OLD_PAYLOAD, bad, "did not produce its target state")


def test_every_truncation_and_byte_flip_is_a_delta_error() -> None:
    """Nothing but DeltaError, whatever the bytes (the applier's promise to the updater)."""
    good = make_delta(OLD_PAYLOAD, NEW.payload())
    rng = random.Random(3)
    cuts = sorted(set(range(260)) | {rng.randrange(len(good)) for _ in range(300)})
    for cut in cuts:
        with pytest.raises(linkscreen.DeltaError):
            apply_delta(OLD_PAYLOAD, good[:cut])
    for _ in range(400):
        tampered = bytearray(good)
        tampered[rng.randrange(40, len(good))] ^= 1 << rng.randrange(8)
        try:
            result = apply_delta(OLD_PAYLOAD, bytes(tampered))
        except linkscreen.DeltaError:
            continue
        assert result == NEW.payload()  # a flip in a byte the rebuild ignores


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_random_tails_raise_only_delta_errors(tail: bytes) -> None:
    head = MAGIC + _sha(OLD_PAYLOAD) + bytes(32) + OLD.header.pack()
    with pytest.raises(linkscreen.DeltaError):
        apply_delta(OLD_PAYLOAD, head + tail)
