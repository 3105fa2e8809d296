"""Deltas between two bundle payloads of one chain (same salt, seed, m and k).

A delta carries the new payload header and small sections, the Bloom bits newly set (the
filter only gains bits within a chain), the indices of removed fingerprint rows and the added
rows. Applying it rebuilds the new payload byte for byte; the caller compares its SHA-256 with
the signed manifest and falls back to a full download on any difference. Layout:
docs/protocol.md. Pure functions over bytes.
"""

from __future__ import annotations

import hashlib
import heapq
import struct
from collections.abc import Iterable, Sequence

from . import _format as fmt
from .errors import DeltaError

MAGIC = b"LSDELTA1"
#: Section length meaning "the same bytes as in the old payload".
_UNCHANGED = 0xFFFFFFFF
_ROW = struct.Struct("<16sH")
#: A delta never describes more rows than this (bounds allocation before trusting counts).
MAX_DELTA_ROWS = 50_000_000


def _varints(values: Iterable[int]) -> bytes:
    """Ascending values as LEB128 gaps from the previous one."""
    out = bytearray()
    previous = 0
    for value in values:
        gap = value - previous
        previous = value
        while True:
            byte = gap & 0x7F
            gap >>= 7
            if gap:
                out.append(byte | 0x80)
            else:
                out.append(byte)
                break
    return bytes(out)


def _read_varints(data: memoryview, pos: int, count: int) -> tuple[list[int], int]:
    values = []
    value = 0
    for _ in range(count):
        gap = shift = 0
        while True:
            if pos >= len(data):
                raise DeltaError("delta ends inside a number")
            byte = data[pos]
            pos += 1
            gap |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
            if shift > 63:
                raise DeltaError("delta number too long")
        value += gap
        values.append(value)
    return values, pos


class _Tables:
    """The parts of a payload a delta reads or rewrites."""

    def __init__(self, payload: bytes | memoryview) -> None:
        from .bundle import _parse  # the one payload parser

        parts = _parse(memoryview(payload), payload, 0)
        self.header = parts.header
        self.lists = bytes(parts.lists_raw)
        self.shorteners = bytes(parts.shorteners_raw)
        self.bloom = parts.bloom
        self.fingerprints = parts.fingerprints
        self.tags = parts.tags

    def tag_list(self) -> list[int]:
        bits, count = self.header.tag_bits, self.header.fingerprint_count
        return [fmt.tag_at(self.tags, bits, row) for row in range(count)] if bits else [0] * count


def make_delta(old_payload: bytes, new_payload: bytes) -> bytes:
    """The delta that turns ``old_payload`` into ``new_payload`` (server side)."""
    old, new = _Tables(old_payload), _Tables(new_payload)
    for name in ("salt", "bloom_seed", "bloom_k", "bloom_bits"):
        if getattr(old.header, name) != getattr(new.header, name):
            raise DeltaError(f"payloads are on different chains ({name} differs)")
    gained = []
    for index, (before, after) in enumerate(zip(old.bloom, new.bloom, strict=True)):
        if before != after:
            if before & ~after:
                raise DeltaError("the new Bloom filter lost bits: not the same chain")
            fresh = after & ~before
            gained += [index * 8 + bit for bit in range(8) if fresh >> bit & 1]
    old_rows = _rows(old)
    new_rows = _rows(new)
    removed, added = [], []
    i = j = 0
    while i < len(old_rows) or j < len(new_rows):
        if j == len(new_rows) or (i < len(old_rows) and old_rows[i] < new_rows[j]):
            removed.append(i)
            i += 1
        elif i == len(old_rows) or new_rows[j] < old_rows[i]:
            added.append(new_rows[j])
            j += 1
        else:
            i += 1
            j += 1
    out = bytearray(MAGIC)
    out += hashlib.sha256(old_payload).digest() + hashlib.sha256(new_payload).digest()
    out += new.header.pack()
    for old_section, new_section in ((old.lists, new.lists), (old.shorteners, new.shorteners)):
        if old_section == new_section:
            out += struct.pack("<I", _UNCHANGED)
        else:
            out += struct.pack("<I", len(new_section)) + new_section
    out += struct.pack("<I", len(gained)) + _varints(gained)
    out += struct.pack("<I", len(removed)) + _varints(removed)
    out += struct.pack("<I", len(added))
    for fingerprint, tag in added:
        out += _ROW.pack(fingerprint, tag)
    return bytes(out)


def _rows(tables: _Tables) -> list[tuple[bytes, int]]:
    table = bytes(tables.fingerprints)
    width = fmt.FINGERPRINT_BYTES
    return [
        (table[row * width : (row + 1) * width], tag) for row, tag in enumerate(tables.tag_list())
    ]


def delta_endpoints(delta: bytes) -> tuple[str, str]:
    """``(from_sha256, to_sha256)`` hex of a delta, without applying it."""
    if len(delta) < 72 or delta[:8] != MAGIC:
        raise DeltaError("not a linkscreen delta")
    return delta[8:40].hex(), delta[40:72].hex()


def apply_delta(old_payload: bytes | memoryview, delta: bytes) -> bytes:
    """The new payload. Raises DeltaError if the delta does not fit ``old_payload``."""
    view = memoryview(delta)
    from_sha, _ = delta_endpoints(delta)
    if hashlib.sha256(old_payload).hexdigest() != from_sha:
        raise DeltaError("delta was made for another state")
    old = _Tables(old_payload)
    pos = 72
    try:
        header = fmt.PayloadHeader.unpack(view[pos : pos + fmt.PAYLOAD_HEADER.size])
    except struct.error:
        raise DeltaError("delta header truncated") from None
    pos += fmt.PAYLOAD_HEADER.size
    for name in ("salt", "bloom_seed", "bloom_k", "bloom_bits"):
        if getattr(old.header, name) != getattr(header, name):
            raise DeltaError(f"delta changes {name}: not the same chain")
    sections = []
    for previous in (old.lists, old.shorteners):
        (length,) = _unpack("<I", view, pos)
        pos += 4
        if length == _UNCHANGED:
            sections.append(previous)
            continue
        if pos + length > len(view):
            raise DeltaError("delta section truncated")
        sections.append(bytes(view[pos : pos + length]))
        pos += length
    bloom = bytearray(old.bloom)
    (count,) = _unpack("<I", view, pos)
    gained, pos = _read_varints(view, pos + 4, min(count, header.bloom_bits))
    for bit in gained:
        if bit >= header.bloom_bits:
            raise DeltaError("delta sets a Bloom bit out of range")
        bloom[bit >> 3] |= 1 << (bit & 7)
    (count,) = _unpack("<I", view, pos)
    removed, pos = _read_varints(view, pos + 4, min(count, old.header.fingerprint_count))
    (count,) = _unpack("<I", view, pos)
    pos += 4
    if count > MAX_DELTA_ROWS or pos + count * _ROW.size != len(view):
        raise DeltaError("delta row table has the wrong size")
    added = [_ROW.unpack_from(view, pos + i * _ROW.size) for i in range(count)]
    fingerprints, tags = _merge(old, removed, added)
    if len(fingerprints) // fmt.FINGERPRINT_BYTES != header.fingerprint_count:
        raise DeltaError("delta row count disagrees with its header")
    return fmt.assemble_payload(
        header, sections[0], sections[1], bytes(bloom), fingerprints,
        fmt.pack_tags(tags, header.tag_bits),
    )  # fmt: skip


def _unpack(layout: str, view: memoryview, pos: int) -> tuple[int, ...]:
    try:
        return struct.unpack_from(layout, view, pos)
    except struct.error:
        raise DeltaError("delta truncated") from None


def _merge(
    old: _Tables, removed: Sequence[int], added: Sequence[tuple[bytes, int]]
) -> tuple[bytes, list[int]]:
    """Old rows minus ``removed`` (indices) plus ``added`` (sorted), as table bytes and tags."""
    width = fmt.FINGERPRINT_BYTES
    table = bytes(old.fingerprints)
    tags = old.tag_list()
    gone = set(removed)
    if any(index >= len(tags) for index in gone):
        raise DeltaError("delta removes a row that does not exist")
    keep = [row for row in range(len(tags)) if row not in gone] if gone else range(len(tags))
    kept = [(table[r * width : (r + 1) * width], tags[r]) for r in keep]
    fresh = sorted((bytes(fingerprint), tag) for fingerprint, tag in added)
    merged = list(heapq.merge(kept, fresh))  # both sorted: one linear pass
    return b"".join(key for key, _ in merged), [tag for _, tag in merged]
