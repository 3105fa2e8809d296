"""The C core's MurmurHash3 x64-128 equals the mmh3 reference on every length and seed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
