"""The low layer a bundle writer (the server's compiler) builds with: batched C calls.

Public and documented, in the manner of ``cryptography.hazmat``: it wraps the SDK's one
checked binding to the C core (which stays private) so that a compiler outside this package
never imports a private module. Every function gives the pure-Python answer byte for byte;
without the C core (or with ``LINKSCREEN_PURE=1``) the callers use the pure path, which
:func:`native_enabled` tells them.
"""

from __future__ import annotations

from collections.abc import Iterable

from .. import _probe
from . import format as fmt

__all__ = ["bloom_add", "build_bloom", "canonicalize_many", "native_available", "native_enabled"]


def native_available() -> bool:
    """Whether the C core was built at install time."""
    return _probe.NATIVE_AVAILABLE


def native_enabled() -> bool:
    """Whether the C core is built and not disabled by ``LINKSCREEN_PURE=1``."""
    return _probe.native_enabled()


def canonicalize_many(urls: list[str]) -> list[str | None]:
    """``linkscreen.canonicalize`` of every URL in one C call (``ls_canonicalize_many``).

    None where the C core refuses a URL or it has no exact byte form: ask the pure
    ``canonicalize`` then, which says why. Raises NativeCoreError without the C core.
    """
    return _probe.canonicalize_many(urls)


def bloom_add(bits: bytearray, m: int, k: int, seed: int, expressions: Iterable[bytes]) -> None:
    """Set the Bloom bits of every expression in ``bits`` (one C call for the whole batch).
    Raises NativeCoreError without the C core."""
    _probe.bloom_add(bits, m, k, seed, expressions)


def build_bloom(
    expressions: Iterable[bytes], m: int, k: int, seed: int, base: bytes | None = None
) -> bytes:
    """The Bloom bit array (m bits, LSB-first bytes) of the expressions, on top of ``base``:
    one C call when the core is built, else :func:`~linkscreen.bundle.format.bloom_positions`
    for each expression (the same bits)."""
    bits = bytearray(base) if base is not None else bytearray(m // 8)
    if _probe.NATIVE_AVAILABLE:
        _probe.bloom_add(bits, m, k, seed, expressions)
    else:
        for expression in expressions:
            for bit in fmt.bloom_positions(expression, seed, k, m):
                bits[bit >> 3] |= 1 << (bit & 7)
    return bytes(bits)
