"""Probe expressions against a bundle's Bloom filter and fingerprint table.

Two implementations with one answer: the C core (``linkscreen._native``) and a pure-Python
twin, chosen at import time. ``LINKSCREEN_PURE=1`` forces the twin, so tests run both. A probe
only reads the mapped tables; it is immutable and thread-safe.
"""

from __future__ import annotations

import hashlib
import os
from typing import TYPE_CHECKING, Any, Protocol

import mmh3

from ._format import FINGERPRINT_BYTES

if TYPE_CHECKING:
    from .bundle import _Parts

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

    def __init__(self, parts: _Parts) -> None:
        header = parts.header
        self._bloom = parts.bloom
        self._table = parts.fingerprints
        self._rows = header.fingerprint_count
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
        wanted = hashlib.sha256(self._salt + expression).digest()[:FINGERPRINT_BYTES]
        return find_row(self._table, self._rows, wanted)


def find_row(table: memoryview, rows: int, wanted: bytes) -> int:
    """Index of the first row equal to ``wanted`` in the sorted table, or -1."""
    lo, hi = 0, rows
    while lo < hi:
        mid = (lo + hi) // 2
        if bytes(table[mid * FINGERPRINT_BYTES : (mid + 1) * FINGERPRINT_BYTES]) < wanted:
            lo = mid + 1
        else:
            hi = mid
    if lo < rows and table[lo * FINGERPRINT_BYTES : (lo + 1) * FINGERPRINT_BYTES] == wanted:
        return lo
    return -1


class NativeProbe:
    """The C core: one call probes every expression of a URL."""

    def __init__(self, parts: _Parts) -> None:
        assert _ffi is not None
        header = parts.header
        # One buffer export of the base object (never of a memoryview slice, whose export
        # would pin it); the section pointers are offsets into it.
        self._base: Any = _ffi.from_buffer("uint8_t[]", parts.base)
        self._bloom: Any = self._base + parts.bloom_offset
        self._table: Any = self._base + parts.fingerprints_offset
        self._salt: Any = _ffi.new("uint8_t[16]", header.salt)
        self._rows = header.fingerprint_count
        self._m = header.bloom_bits
        self._k = header.bloom_k
        self._seed = header.bloom_seed
        #: The leading arguments every C lookup takes: Bloom (bits, m, k, seed), table, salt.
        self._tables = (
            self._bloom,
            self._m,
            self._k,
            self._seed,
            self._table,
            self._rows,
            self._salt,
        )

    def lookup(self, expressions: list[str]) -> list[int]:
        joined = "\n".join(expressions).encode("ascii")
        first = _lib.ls_first_match(*self._tables, joined, len(joined))
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
        _lib.ls_lookup_many(
            *self._tables,
            "".join(expressions).encode("ascii"),
            _ffi.new("uint32_t[]", offsets),
            count,
            rows,
        )
        return list(rows)


def make_probe(parts: _Parts) -> Probe:
    """The C probe when enabled, else the pure twin."""
    return NativeProbe(parts) if native_enabled() else PureProbe(parts)
