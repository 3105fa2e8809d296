"""The low layer a bundle writer (the server's compiler) builds with: batched C calls.

Public and documented, in the manner of ``cryptography.hazmat``: it wraps the SDK's one
checked binding to the C core (which stays private) so that a compiler outside this package
never imports a private module. Every function gives the pure-Python answer byte for byte;
without the C core (or with ``LINKSCREEN_PURE=1``) the callers use the pure path, which
:func:`native_enabled` tells them.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate
from typing import TYPE_CHECKING

from .. import _probe
from . import format as fmt

if TYPE_CHECKING:
    from ..psl import PublicSuffixList

__all__ = [
    "Expressions",
    "LineCodes",
    "LineReader",
    "bloom_add",
    "build_bloom",
    "canonicalize_many",
    "encode_rows",
    "native_available",
    "native_enabled",
]

LineCodes = _probe.LineCodes


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


class Expressions:
    """Expressions laid end to end as ASCII bytes with their offsets: what one C call reads.

    Made once from a compile's entries, it feeds :func:`build_bloom` and :func:`encode_rows`
    without a Python object per expression.
    """

    __slots__ = ("count", "data", "offsets")

    def __init__(self, expressions: Sequence[str]) -> None:
        self.data = "".join(expressions).encode("ascii")
        self.offsets = array("Q", [0])
        self.offsets.extend(accumulate(map(len, expressions)))
        self.count = len(expressions)

    def __iter__(self) -> Iterator[bytes]:
        data, offsets = self.data, self.offsets
        return (data[offsets[i] : offsets[i + 1]] for i in range(self.count))


def build_bloom(
    expressions: Iterable[bytes] | Expressions,
    m: int,
    k: int,
    seed: int,
    base: bytes | None = None,
) -> bytes:
    """The Bloom bit array (m bits, LSB-first bytes) of the expressions, on top of ``base``:
    one C call when the core is built, else :func:`~linkscreen.bundle.format.bloom_positions`
    for each expression (the same bits)."""
    bits = bytearray(base) if base is not None else bytearray(m // 8)
    if _probe.NATIVE_AVAILABLE and isinstance(expressions, Expressions):
        _probe.bloom_add_joined(
            bits, m, k, seed, expressions.data, expressions.offsets, expressions.count
        )
    elif _probe.NATIVE_AVAILABLE:
        _probe.bloom_add(bits, m, k, seed, expressions)
    else:
        for expression in expressions:
            for bit in fmt.bloom_positions(expression, seed, k, m):
                bits[bit >> 3] |= 1 << (bit & 7)
    return bytes(bits)


class LineReader:
    """A text list's lines to entry expressions in C (``ls_compile_lines``), one call per batch.

    The fast path of a compiler: a line is decided here only when the reference reader
    (``linkscreen_server``'s ``read_text_line``, then its entry checks) provably gives the
    same answer, a blank line, a comment or an accepted entry with its expression (two for a
    line holding ``&amp;``: the line's and its unescaped reading's). Anything else (not
    printable ASCII, a formula, a refusal, a public suffix, a deep prefix, a coverage warning,
    a short link, over 4,096 bytes) is ``codes.defer``, for the reference to read.
    ``psl`` and ``shorteners`` are the compile's own. Raises NativeCoreError without the C core.
    """

    __slots__ = ("_core", "codes")

    def __init__(self, psl: PublicSuffixList, shorteners: Iterable[str]) -> None:
        self._core = _probe.LineReaderCore(psl, shorteners)
        self.codes: LineCodes = self._core.codes

    def read(self, lines: Sequence[bytes]) -> tuple[bytes, list[str]]:
        """Each line's code (bytes, one per line) and the expressions of its entries, in line
        order. ``lines`` are the lines' bytes without their endings."""
        offsets = array("Q", [0])
        offsets.extend(accumulate(map(len, lines)))
        return self._core.read(b"".join(lines), offsets, len(lines))


def encode_rows(
    salt: bytes, expressions: Expressions, tags: Sequence[int], tag_bits: int, prefix_bytes: int
) -> fmt.EncodedRows:
    """The FINGERPRINTS, TAGS and BUCKETS sections of the entries (expression i on list
    ``tags[i]``): rows ``(fingerprint(salt, expression), tag)`` sorted, then laid out by
    :func:`~linkscreen.bundle.format.encode_rows`. One C call (``ls_table_build``) with the
    C core, else that pure layout: the same bytes."""
    fmt.check_tags_fit(tags, tag_bits)
    if not native_enabled():
        rows = sorted(
            (fmt.fingerprint(salt, expression), tag)
            for expression, tag in zip(expressions, tags, strict=True)
        )
        return fmt.encode_rows(rows, prefix_bytes, tag_bits)
    packed = array("H", tags)
    if len(packed) != expressions.count:
        raise ValueError("one tag per expression")
    table, tag_bytes, buckets = _probe.table_build(
        salt, expressions.data, expressions.offsets, expressions.count, packed, tag_bits,
        prefix_bytes,
    )  # fmt: skip
    return fmt.EncodedRows(expressions.count, table, tag_bytes, buckets)
