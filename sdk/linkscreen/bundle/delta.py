"""Deltas between two bundle payloads of one chain (same salt, seed, m and k).

A delta carries the new payload header, every carried section (list table, shortener domains,
Public Suffix List, ...) either as bytes or as "unchanged", the Bloom bits newly set (within a
chain the filter only gains bits), the indices of removed fingerprint rows and the added rows.
The derived sections (Bloom filter, fingerprint table, tags, buckets) are rebuilt with the same
function the writer uses, so applying a delta gives the new payload byte for byte; the applier
checks the delta's own target hash and the caller the signed manifest's. An unchanged PSL costs
four bytes. Layout: docs/bundle-format.md, section 8. Pure functions over bytes; every problem
with a delta raises :class:`~linkscreen.DeltaError` and nothing else.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..errors import BundleError, DeltaError
from . import format as fmt

__all__ = ["MAGIC", "MAGIC_V1", "apply_delta", "delta_endpoints", "make_delta"]

MAGIC = b"LSDELTA2"
#: Deltas of format-1 payloads (list table and shortener section carried at fixed places);
#: still applied, never written.
MAGIC_V1 = b"LSDELTA1"
#: Section length meaning "the same bytes as in the old payload".
UNCHANGED = 0xFFFFFFFF
_ROW = struct.Struct("<16sH")
_HASHES_END = 8 + 32 + 32
#: A delta never describes more rows than this (bounds allocation before trusting counts).
MAX_DELTA_ROWS = 50_000_000


def _varints(values: Iterable[int]) -> bytes:
    """Strictly ascending values as LEB128 gaps from the previous one (the first from 0)."""
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


def _read_varints(
    data: memoryview, pos: int, count: int, bound: int, what: str
) -> tuple[list[int], int]:
    """``count`` strictly ascending values below ``bound`` (the first gap may be 0)."""
    values: list[int] = []
    value = -1
    for index in range(count):
        gap = shift = 0
        while True:
            if pos >= len(data):
                raise DeltaError(f"delta ends inside a {what} number")
            byte = data[pos]
            pos += 1
            gap |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
            if shift > 63:
                raise DeltaError(f"delta {what} number too long")
        if index and gap == 0:
            raise DeltaError(f"delta {what} list repeats a value (it must ascend strictly)")
        value = gap if index == 0 else value + gap
        if value >= bound:
            raise DeltaError(f"delta {what} {value} is out of range (limit {bound})")
        values.append(value)
    return values, pos


def _parse(payload: bytes | memoryview, what: str) -> fmt.Payload:
    try:
        return fmt.parse_payload(payload)
    except BundleError as exc:
        raise DeltaError(f"{what} payload does not parse: {exc}") from None


_CHAIN = ("salt", "bloom_seed", "bloom_k", "bloom_bits")


def make_delta(old_payload: bytes, new_payload: bytes) -> bytes:
    """The delta that turns ``old_payload`` into ``new_payload`` (server side)."""
    old, new = _parse(old_payload, "old"), _parse(new_payload, "new")
    for name in _CHAIN:
        if getattr(old.header, name) != getattr(new.header, name):
            raise DeltaError(f"payloads are on different chains ({name} differs)")
    gained = []
    for index, (before, after) in enumerate(zip(old.bloom, new.bloom, strict=True)):
        if before != after:
            if before & ~after:
                raise DeltaError("the new Bloom filter lost bits: not the same chain")
            fresh = after & ~before
            gained += [index * 8 + bit for bit in range(8) if fresh >> bit & 1]
    old_rows, new_rows = old.rows(), new.rows()
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
    previous, carried = old.carried_sections(), new.carried_sections()
    out += struct.pack("<I", len(carried))
    for section_id in sorted(carried):
        data = carried[section_id]
        if previous.get(section_id) == data:
            out += struct.pack("<II", section_id, UNCHANGED)
        else:
            out += struct.pack("<II", section_id, len(data)) + data
    out += struct.pack("<I", len(gained)) + _varints(gained)
    out += struct.pack("<I", len(removed)) + _varints(removed)
    out += struct.pack("<I", len(added))
    for fingerprint, tag in added:
        out += _ROW.pack(fingerprint, tag)
    return bytes(out)


def delta_endpoints(delta: bytes) -> tuple[str, str]:
    """``(from_sha256, to_sha256)`` hex of a delta, without applying it."""
    if len(delta) < _HASHES_END or delta[:8] not in (MAGIC, MAGIC_V1):
        raise DeltaError("not a linkscreen delta")
    return delta[8:40].hex(), delta[40:72].hex()


@dataclass(frozen=True)
class _Delta:
    header: fmt.PayloadHeader
    carried: dict[int, bytes | None]  # None: unchanged
    gained: list[int]
    removed: list[int]
    added: list[tuple[bytes, int]]


def apply_delta(old_payload: bytes | memoryview, delta: bytes) -> bytes:
    """The new payload. Raises DeltaError if the delta is malformed or does not fit.

    With the C core the merge runs there (``ls_delta_apply``, one call); its answer must hash
    to the delta's target, so it is this function's answer byte for byte. A delta the core
    refuses is then read here, which says why in the reference's words.
    """
    from .. import _probe  # the one binding; it imports this package's format module

    if _probe.native_enabled():
        try:
            return _probe.delta_apply(old_payload, delta)
        except DeltaError:
            pass
    return _apply_delta(old_payload, delta)


def _apply_delta(old_payload: bytes | memoryview, delta: bytes) -> bytes:
    """The pure merge (the reference)."""
    from_sha, to_sha = delta_endpoints(delta)
    if hashlib.sha256(old_payload).hexdigest() != from_sha:
        raise DeltaError("delta was made for another state")
    old = _parse(old_payload, "old")
    parsed = _read_delta(memoryview(delta), old)
    header = parsed.header
    carried: dict[int, bytes] = {}
    previous = old.carried_sections()
    for section_id, data in parsed.carried.items():
        if data is None:
            if section_id not in previous:
                raise DeltaError(f"delta keeps section {section_id}, which the old state lacks")
            data = previous[section_id]
        carried[section_id] = data
    bloom = bytearray(old.bloom)
    for bit in parsed.gained:
        if bloom[bit >> 3] >> (bit & 7) & 1:
            raise DeltaError(f"delta sets Bloom bit {bit}, which is already set")
        bloom[bit >> 3] |= 1 << (bit & 7)
    rows = _merge(old, parsed.removed, parsed.added)
    if len(rows) != header.fingerprint_count:
        raise DeltaError("delta row count disagrees with its header")
    try:
        payload = fmt.build_payload(header, carried, bytes(bloom), rows)
    except (ValueError, struct.error) as exc:
        raise DeltaError(f"delta does not build a payload: {exc}") from None
    if hashlib.sha256(payload).hexdigest() != to_sha:
        raise DeltaError("the delta did not produce its target state")
    return payload


def _read_delta(view: memoryview, old: fmt.Payload) -> _Delta:
    """Every field of a delta, bounded and checked against the old payload."""
    version = bytes(view[:8])
    pos = _HASHES_END
    try:
        header = fmt.PayloadHeader.unpack(view[pos : pos + fmt.PAYLOAD_HEADER.size])
    except BundleError as exc:
        raise DeltaError(f"delta header: {exc}") from None
    pos += fmt.PAYLOAD_HEADER.size
    for name in _CHAIN:
        if getattr(old.header, name) != getattr(header, name):
            raise DeltaError(f"delta changes {name}: not the same chain")
    if header.format_version not in fmt.READABLE_FORMAT_VERSIONS:
        raise DeltaError(f"delta makes format version {header.format_version}")
    try:
        fmt.check_header(header)
    except BundleError as exc:
        raise DeltaError(f"delta header: {exc}") from None
    carried: dict[int, bytes | None] = {}
    if version == MAGIC_V1:
        for fixed in (fmt.Section.LISTS, fmt.Section.SHORTENERS):
            (length,) = _unpack("<I", view, pos)
            pos += 4
            carried[fixed], pos = _section_bytes(view, pos, length)
    else:
        (count,) = _unpack("<I", view, pos)
        pos += 4
        if count > fmt.MAX_SECTIONS:
            raise DeltaError(f"delta carries {count} sections, more than {fmt.MAX_SECTIONS}")
        previous_id = 0
        for _ in range(count):
            section_id, length = _unpack("<II", view, pos)
            pos += 8
            if section_id <= previous_id:
                raise DeltaError(f"delta section {section_id} is out of order or repeated")
            if section_id in fmt.DERIVED_SECTIONS:
                raise DeltaError(f"delta carries section {section_id}, which is rebuilt")
            carried[section_id], pos = _section_bytes(view, pos, length)
            previous_id = section_id
    (count,) = _unpack("<I", view, pos)
    if count > header.bloom_bits:
        raise DeltaError("delta sets more Bloom bits than the filter has")
    gained, pos = _read_varints(view, pos + 4, count, header.bloom_bits, "Bloom bit")
    (count,) = _unpack("<I", view, pos)
    rows = old.header.fingerprint_count
    if count > rows:
        raise DeltaError("delta removes more rows than the old state has")
    removed, pos = _read_varints(view, pos + 4, count, rows, "removed row")
    (count,) = _unpack("<I", view, pos)
    pos += 4
    if count > MAX_DELTA_ROWS or count * _ROW.size != len(view) - pos:
        raise DeltaError("delta row table has the wrong size")
    added = [(bytes(fp), tag) for fp, tag in _ROW.iter_unpack(view[pos:])]
    if any(a >= b for a, b in itertools.pairwise(added)):
        raise DeltaError("delta's added rows do not ascend strictly")
    if any(tag >= header.list_count for _, tag in added):
        raise DeltaError("an added row's tag names no list")
    return _Delta(header, carried, gained, removed, added)


def _section_bytes(view: memoryview, pos: int, length: int) -> tuple[bytes | None, int]:
    if length == UNCHANGED:
        return None, pos
    if length > len(view) - pos:
        raise DeltaError("delta section truncated")
    return bytes(view[pos : pos + length]), pos + length


def _unpack(layout: str, view: memoryview, pos: int) -> tuple[int, ...]:
    try:
        return struct.unpack_from(layout, view, pos)
    except struct.error:
        raise DeltaError("delta truncated") from None


def _merge(
    old: fmt.Payload, removed: Sequence[int], added: Sequence[tuple[bytes, int]]
) -> list[tuple[bytes, int]]:
    """Old rows minus ``removed`` (indices) plus ``added`` (sorted), strictly ascending."""
    rows = old.rows()
    if removed:
        gone = set(removed)
        rows = [row for index, row in enumerate(rows) if index not in gone]
    merged = list(heapq.merge(rows, added))  # both sorted: one linear pass
    if any(a >= b for a, b in itertools.pairwise(merged)):
        raise DeltaError("delta adds a row the state already has")
    return merged
