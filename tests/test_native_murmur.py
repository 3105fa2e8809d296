"""The C core's MurmurHash3 x64-128 equals the mmh3 reference on every length and seed, and
its SHA-256 equals hashlib's."""

from __future__ import annotations

import hashlib
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linkscreen import _probe

mmh3 = pytest.importorskip("mmh3")
native = pytest.importorskip("linkscreen._native", reason="C core not built")


def _native_hash(data: bytes, seed: int) -> tuple[int, int]:
    out = native.ffi.new("uint64_t[2]")
    native.lib.ls_murmur3_x64_128(data, len(data), seed, out)
    return out[0], out[1]


def _reference(data: bytes, seed: int) -> tuple[int, int]:
    value = mmh3.hash128(data, seed, x64arch=True, signed=False)
    return value & (2**64 - 1), value >> 64


@given(st.binary(max_size=100), st.integers(min_value=0, max_value=2**32 - 1))
def test_matches_mmh3(data: bytes, seed: int) -> None:
    assert _native_hash(data, seed) == _reference(data, seed)


def test_every_tail_length() -> None:
    data = bytes(range(48))
    for length in range(len(data)):
        assert _native_hash(data[:length], 42) == _reference(data[:length], 42)


@pytest.mark.skipif(not _probe.NATIVE_AVAILABLE, reason="C core not built")
def test_sha256_agrees_with_hashlib_at_every_boundary() -> None:
    """Short inputs take the portable rounds, long ones (>= 4 KiB) the CPU's SHA instructions
    where it has them: both are hashlib's function, across block and path boundaries."""
    rng = random.Random(4)
    for size in [0, 1, 55, 56, 63, 64, 65, 4095, 4096, 4097, 8191, 10_000, 65_543, 1 << 20]:
        data = rng.randbytes(size)
        assert _probe.sha256(data) == hashlib.sha256(data).digest(), size
        assert _probe.sha256(memoryview(data)[1:]) == hashlib.sha256(data[1:]).digest(), size
