"""Probe expressions against a bundle's Bloom filter and fingerprint table.

Two implementations with one answer: the C core (``linkscreen._native``) and a pure-Python
twin, chosen at import time. ``LINKSCREEN_PURE=1`` forces the twin, so tests run both. A probe
only reads the bundle's tables; it is immutable and thread-safe.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Protocol

import mmh3

from .bundle.format import Section, fingerprint

if TYPE_CHECKING:
    from .bundle import Bundle

try:
    from ._native import ffi as _ffi
    from ._native import lib as _lib
except ImportError:  # no compiler at install time: the pure twin serves
    _ffi = _lib = None

NATIVE_AVAILABLE = _lib is not None
_MASK64 = (1 << 64) - 1


def native_enabled() -> bool:
    """Whether new probes use the C core (available and not disabled by LINKSCREEN_PURE=1)."""
    return NATIVE_AVAILABLE and os.environ.get("LINKSCREEN_PURE", "") not in ("1", "true", "yes")


class Probe(Protocol):
    def lookup(self, expressions: list[str]) -> list[int]:
        """For each expression, the first matching fingerprint row, or -1."""
        ...


class PureProbe:
    """mmh3 for the Bloom positions, hashlib for fingerprints, binary search in Python."""

    def __init__(self, bundle: Bundle) -> None:
        payload = bundle.payload
        header = payload.header
        self._bloom = payload.bloom
        self._table = payload.table
        self._m = header.bloom_bits
        self._k = header.bloom_k
        self._seed = header.bloom_seed
        self._salt = header.salt

    def lookup(self, expressions: list[str]) -> list[int]:
        return [self._lookup_one(expression.encode()) for expression in expressions]

    def _lookup_one(self, expression: bytes) -> int:
        value = mmh3.hash128(expression, self._seed, x64arch=True, signed=False)
        h1, h2, m, bloom = value & _MASK64, value >> 64, self._m, self._bloom
        for i in range(self._k):
            bit = ((h1 + i * h2) & _MASK64) % m
            if not bloom[bit >> 3] >> (bit & 7) & 1:
                return -1
        rows = self._table.find(fingerprint(self._salt, expression))
        return rows.start if rows else -1


class NativeProbe:
    """The C core: one call probes every expression of a URL."""

    def __init__(self, bundle: Bundle) -> None:
        assert _ffi is not None
        payload = bundle.payload
        header = payload.header
        # One buffer export of the base object (never of a memoryview slice, whose export
        # would pin it); the section pointers are offsets into it.
        self._base: Any = _ffi.from_buffer("uint8_t[]", memoryview(payload.data).obj)
        start = bundle.buffer_offset

        def section(section_id: Section) -> Any:
            where = payload.sections.get(section_id)
            return _ffi.NULL if where is None else self._base + start + where[0]

        self._salt: Any = _ffi.new("uint8_t[16]", header.salt)
        #: The leading arguments every C lookup takes: Bloom (bits, m, k, seed), table (rows,
        #: n, implicit prefix bytes, buckets) and salt.
        self._tables = (
            section(Section.BLOOM),
            header.bloom_bits,
            header.bloom_k,
            header.bloom_seed,
            section(Section.FINGERPRINTS),
            header.fingerprint_count,
            header.fingerprint_prefix_bytes,
            section(Section.BUCKETS),
            self._salt,
        )

    def lookup(self, expressions: list[str]) -> list[int]:
        joined = "\n".join(expressions).encode("ascii")
        first = _lib.ls_first_match_table(*self._tables, joined, len(joined))
        if first < 0:  # the common case: nothing listed, one call, no output buffer
            return [-1] * len(expressions)
        return self._lookup_all(expressions)

    def _lookup_all(self, expressions: list[str]) -> list[int]:
        count = len(expressions)
        offsets = [0] * (count + 1)
        total = 0
        for index, expression in enumerate(expressions):
            total += len(expression)  # canonical expressions are ASCII: chars == bytes
            offsets[index + 1] = total
        rows = _ffi.new("int64_t[]", count)
        _lib.ls_lookup_table(
            *self._tables,
            "".join(expressions).encode("ascii"),
            _ffi.new("uint32_t[]", offsets),
            count,
            rows,
        )
        return list(rows)


def make_probe(bundle: Bundle) -> Probe:
    """The C probe when enabled, else the pure twin."""
    return NativeProbe(bundle) if native_enabled() else PureProbe(bundle)
