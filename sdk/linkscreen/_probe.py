"""The one checked binding to the C core (``linkscreen._native``), and the probes built on it.

Nothing else imports ``_native``: every C call goes through a function here, every status the
C library returns is checked, and a failure becomes a typed :class:`LinkscreenError`. Sizes
and limits are read from the library (``ls_*()`` functions), never copied. Without the C core
(no compiler at install time) or with ``LINKSCREEN_PURE=1`` the pure-Python twins serve; both
give identical answers, which tests/test_native_parity.py checks.

A probe only reads a bundle's mapped tables; probes are immutable and thread-safe. The C
canonicaliser needs scratch memory: one workspace per thread, made on first use.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import mmh3

from .bundle.format import Section
from .bundle.format import fingerprint as _fingerprint
from .errors import InvalidURLError, NativeCoreError, URLLimitError

if TYPE_CHECKING:
    from .bundle import Bundle
    from .psl import PublicSuffixList

try:
    from ._native import ffi as _ffi
    from ._native import lib as _lib
except ImportError:  # no compiler at install time: the pure twin serves
    _ffi = _lib = None

NATIVE_AVAILABLE = _lib is not None
_MASK64 = (1 << 64) - 1

__all__ = [
    "NATIVE_AVAILABLE",
    "Checked",
    "CoreLimits",
    "NativeProbe",
    "NativePsl",
    "Probe",
    "PureProbe",
    "UrlCheck",
    "bloom_add",
    "bloom_count",
    "expand_url",
    "fingerprint",
    "host_only_variants",
    "limits",
    "make_probe",
    "native_enabled",
    "psl_text",
    "uts46_map",
]


def native_enabled() -> bool:
    """Whether new probes use the C core (available and not disabled by LINKSCREEN_PURE=1)."""
    return NATIVE_AVAILABLE and os.environ.get("LINKSCREEN_PURE", "") not in ("1", "true", "yes")


# ---- status checking ------------------------------------------------------------------------


def _lib_or_raise() -> Any:
    if _lib is None:
        raise NativeCoreError("the C core is not built (install with a C compiler)")
    return _lib


def _check(status: int, what: str, url: str | None = None) -> None:
    """Raise the typed error for a C status; return on LS_OK."""
    if status == 0:
        return
    lib = _lib_or_raise()
    name = _ffi.string(lib.ls_status_name(status)).decode("ascii")
    if status == lib.LS_ERR_URL_LIMIT and url is not None:
        raise URLLimitError(f"the URL passed a canonicaliser limit ({what}, C core)", url)
    if status == lib.LS_ERR_INVALID_URL and url is not None:
        raise InvalidURLError(f"not a web URL with a readable host ({what}, C core)", url)
    raise NativeCoreError(f"{what} failed: {name}", status=name)


@dataclass(frozen=True)
class CoreLimits:
    """The C library's sizes and versions, read from it (never copied into Python)."""

    abi_version: int
    unicode_version: str
    canonicalization_version: int
    max_url_chars: int
    max_url_bytes: int
    max_unescape_rounds: int
    host_scan_chars: int
    max_variants: int
    max_expressions: int
    max_url_expressions: int
    fingerprint_bytes: int
    salt_bytes: int
    workspace_bytes: int


_LIMITS: CoreLimits | None = None


def limits() -> CoreLimits:
    """Constants of the loaded C core; raises NativeCoreError when it is not built."""
    global _LIMITS
    if _LIMITS is None:
        lib = _lib_or_raise()
        _LIMITS = CoreLimits(
            lib.ls_abi_version(),
            _ffi.string(lib.ls_unicode_version()).decode("ascii"),
            lib.ls_canonicalization_version(),
            lib.ls_max_url_chars(),
            lib.ls_max_url_bytes(),
            lib.ls_max_unescape_rounds(),
            lib.ls_host_scan_chars(),
            lib.ls_max_variants(),
            lib.ls_max_expressions(),
            lib.ls_max_url_expressions(),
            lib.ls_fingerprint_bytes(),
            lib.ls_salt_bytes(),
            lib.ls_workspace_bytes(),
        )
    return _LIMITS


# ---- URL path ---------------------------------------------------------------------------------

_local = threading.local()


def _thread_state() -> tuple[Any, Any]:
    """This thread's C workspace and result struct (their memory is kept with them)."""
    state = getattr(_local, "state", None)
    if state is None:
        lib = _lib_or_raise()
        size = lib.ls_workspace_bytes()
        memory = _ffi.new("uint64_t[]", (size + 7) // 8)
        out = _ffi.new("ls_workspace **")
        _check(lib.ls_workspace_init(memory, size, out), "ls_workspace_init")
        state = (out[0], _ffi.new("ls_url_result *"), memory)
        _local.state = state
    return state[0], state[1]


def _workspace() -> Any:
    return _thread_state()[0]


#: NativeCoreError.status when a string has no exact byte form for the C core (the caller
#: then uses the pure path): surrogates that spell UTF-8 once encoded, or a lone surrogate
#: that is no raw byte in a URL so long that Python would read only its host.
NOT_BYTES = "LS_NOT_BYTES"


def url_bytes(url: str) -> bytes:
    """The bytes the C core reads for ``url`` (UTF-8; U+DC80..U+DCFF stand for raw bytes).

    Raises InvalidURLError where canonical._prepare refuses the string before reading it (a
    lone surrogate that is no raw byte), and NativeCoreError(status=NOT_BYTES) for strings
    whose characters the bytes would not give back, where C could count them differently.
    """
    if not isinstance(url, str):
        raise TypeError(f"url must be str, not {type(url).__name__}")
    try:
        return url.encode("utf-8")
    except UnicodeEncodeError:
        pass
    try:
        raw = url.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError as exc:
        if len(url) > limits().max_url_chars:
            raise NativeCoreError("lone surrogate in an over-long URL", NOT_BYTES) from None
        raise InvalidURLError(f"lone surrogate at index {exc.start}", url) from None
    if raw.decode("utf-8", "surrogateescape") != url:
        raise NativeCoreError("surrogates that spell UTF-8 once encoded", NOT_BYTES)
    return raw


def _text(item: Any) -> str:
    return bytes(_ffi.buffer(item.ptr, item.len)).decode("ascii")


def canonicalize(url: str) -> str:
    """The C core's ``linkscreen.canonicalize``."""
    lib = _lib_or_raise()
    raw = url_bytes(url)
    out = _ffi.new("ls_str *")
    _check(lib.ls_canonicalize(_workspace(), raw, len(raw), out), "canonicalize", url)
    return _text(out)


def host_only_variants(url: str) -> list[str]:
    """The C core's ``canonical.host_only_variants``."""
    lib = _lib_or_raise()
    raw = url_bytes(url)
    out = _ffi.new("ls_str[]", limits().max_variants)
    count = _ffi.new("size_t *")
    _check(lib.ls_host_only_variants(_workspace(), raw, len(raw), out, count), "host only", url)
    return [_text(out[i]) for i in range(count[0])]


def canonical_variants(url: str) -> list[str]:
    """The C core's ``linkscreen.canonical_variants``."""
    lib = _lib_or_raise()
    raw = url_bytes(url)
    out = _ffi.new("ls_str[]", limits().max_variants)
    count = _ffi.new("size_t *")
    _check(lib.ls_canonical_variants(_workspace(), raw, len(raw), out, count), "variants", url)
    return [_text(out[i]) for i in range(count[0])]


def fingerprint(salt: bytes, expression: bytes) -> bytes:
    """The C core's fingerprint: the first 16 bytes of SHA-256(salt || expression)."""
    lib = _lib_or_raise()
    if len(salt) != lib.ls_salt_bytes():
        raise ValueError(f"salt must be {lib.ls_salt_bytes()} bytes")
    out = _ffi.new("uint8_t[]", lib.ls_fingerprint_bytes())
    _check(lib.ls_fingerprint(salt, expression, len(expression), out), "ls_fingerprint")
    return bytes(out)


def uts46_map(code_point: int) -> tuple[str, str]:
    """The C core's pinned UTS #46 row for one code point: (status K/M/I/X, replacement)."""
    lib = _lib_or_raise()
    status = _ffi.new("int *")
    replacement = _ffi.new("ls_str *")
    _check(lib.ls_uts46_map(code_point, status, replacement), "ls_uts46_map")
    return chr(status[0]), bytes(_ffi.buffer(replacement.ptr, replacement.len)).decode("utf-8")


def psl_text(psl: PublicSuffixList) -> str:
    """A loaded list as Public Suffix List text (what ``ls_psl_new`` reads), rebuilt from its
    six runs of label-reversed rules. (The C core does not read the bundle section yet.)"""
    lines: list[str] = []
    for index, run in enumerate(psl.rules.runs()):
        if index == 3:
            lines.append("// ===BEGIN PRIVATE DOMAINS===")
        prefix = ("", "*.", "!")[index % 3]
        lines += [prefix + ".".join(reversed(name.split("."))) for name in run]
    return "\n".join(lines) + "\n"


class NativePsl:
    """A Public Suffix List loaded into the C core; read-only, shareable between threads."""

    __slots__ = ("_psl",)

    def __init__(self, text: str | bytes) -> None:
        lib = _lib_or_raise()
        data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
        out = _ffi.new("ls_psl **")
        _check(lib.ls_psl_new(data, len(data), out), "ls_psl_new")
        self._psl = _ffi.gc(out[0], lib.ls_psl_free)

    @classmethod
    def from_list(cls, psl: PublicSuffixList) -> NativePsl:
        """The C core's copy of a loaded list (a bundle's ``public_suffix_list``)."""
        return cls(psl_text(psl))

    @property
    def handle(self) -> Any:
        return self._psl

    @property
    def rule_count(self) -> int:
        count = _ffi.new("size_t *")
        _check(_lib.ls_psl_rule_count(self._psl, count), "ls_psl_rule_count")
        return int(count[0])

    def public_suffix(self, host: str) -> str | None:
        """``linkscreen.psl.public_suffix`` of a canonical host, from the C core."""
        raw = host.encode("ascii")
        length = _ffi.new("size_t *")
        _check(_lib.ls_public_suffix(self._psl, raw, len(raw), length), "ls_public_suffix")
        return host[len(host) - length[0] :] if length[0] else None

    def expressions(self, canonical: str) -> list[str]:
        """``canonical_expressions`` of a canonical URL, from the C core."""
        raw = canonical.encode("ascii")
        ws = _workspace()
        _check(_lib.ls_workspace_reset(ws), "ls_workspace_reset")
        out = _ffi.new("ls_str[]", limits().max_expressions)
        count = _ffi.new("size_t *")
        _check(_lib.ls_expressions(ws, self._psl, raw, len(raw), out, count), "expressions")
        return [_text(out[i]) for i in range(count[0])]


@dataclass(frozen=True)
class UrlCheck:
    """What one ``ls_check_url`` call found: readings, expressions, first matching rows."""

    variants: tuple[str, ...]
    expressions: tuple[str, ...]
    rows: tuple[int, ...]
    host_only: bool = False
    """The URL passed a limit: only its hosts were read (variants are ``scheme://host/``)."""


# ---- probes -------------------------------------------------------------------------------------


class Probe(Protocol):
    def lookup(self, expressions: list[str]) -> list[int]:
        """For each expression, the first matching fingerprint row, or -1."""
        ...


class PureProbe:
    """mmh3 for the Bloom positions, hashlib for fingerprints, the bucketed table in Python."""

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
        rows = self._table.find(_fingerprint(self._salt, expression))
        return rows.start if rows else -1


class NativeProbe:
    """The C core: one call probes every expression of a URL (ls_lookup / ls_check_url)."""

    def __init__(self, bundle: Bundle) -> None:
        lib = _lib_or_raise()
        payload = bundle.payload
        header = payload.header
        # One buffer export of the base object (never of a memoryview slice, whose export
        # would pin it); the section pointers are offsets into it.
        self._base: Any = _ffi.from_buffer("uint8_t[]", memoryview(payload.data).obj)
        start = bundle.buffer_offset

        def section(section_id: Section) -> Any:
            where = payload.sections.get(section_id)
            return _ffi.NULL if where is None else self._base + start + where[0]

        self._salt: Any = _ffi.new("uint8_t[]", header.salt)
        tables = _ffi.new("ls_tables *")
        tables.bloom = section(Section.BLOOM)
        tables.bloom_bits = header.bloom_bits
        tables.bloom_k = header.bloom_k
        tables.bloom_seed = header.bloom_seed
        tables.fingerprints = section(Section.FINGERPRINTS)
        tables.fingerprint_count = header.fingerprint_count
        tables.salt = self._salt
        tables.prefix_bytes = header.fingerprint_prefix_bytes
        tables.buckets = section(Section.BUCKETS)
        self._tables: Any = tables
        self._lib = lib
        self._psl_list = bundle.public_suffix_list
        self._native_psl: NativePsl | None = None

    def lookup(self, expressions: list[str]) -> list[int]:
        count = len(expressions)
        keep = [expression.encode("ascii") for expression in expressions]
        items = _ffi.new("ls_str[]", count)
        for item, raw in zip(items, keep, strict=True):
            item.ptr = _ffi.from_buffer(raw)
            item.len = len(raw)
        rows = _ffi.new("int64_t[]", count)
        matched = _ffi.new("size_t *")
        _check(self._lib.ls_lookup(self._tables, items, count, rows, matched), "ls_lookup")
        return list(rows)

    def check_url(self, psl: NativePsl, url: str) -> UrlCheck:
        """Canonicalise, expand and probe ``url`` in one C call."""
        return _check_url(psl, self._tables, url)

    def check(self, url: str) -> Checked | None:
        """``url`` through the whole path in one C call, with the bundle's own Public Suffix
        List: ``(browser reading, expressions over all readings, hits)``, each hit being
        ``(expression index, first row, end row)`` of the rows equal to that expression.

        None when the pure path must answer instead: a URL the C core refuses or reads on its
        host only (the reference words the reason), or one with no exact byte form.
        """
        try:
            raw = url.encode("utf-8")
        except UnicodeEncodeError:
            return None  # surrogates: url_bytes' rules, on the pure path
        psl = self._native_psl
        if psl is None:
            psl = self._native_psl = NativePsl.from_list(self._psl_list)
        state = getattr(_local, "state", None)
        if state is None:
            state = _thread_state()
        ws, out = state[0], state[1]
        status = self._lib.ls_check_url(ws, psl.handle, self._tables, raw, len(raw), out)
        if status:
            if status in _PURE_ANSWERS:
                return None
            _check(status, "check_url", url)
        if out.host_only:
            return None
        lines = _ffi.buffer(out.text.ptr, out.text.len)[:].decode("ascii").split("\n")
        first = out.variant_count
        expressions = tuple(lines[first : first + out.expression_count])
        if not out.matched:
            return lines[0], expressions, ()
        rows, ends = out.rows, out.row_ends
        hits = tuple(
            (index, rows[index], ends[index])
            for index in range(out.expression_count)
            if rows[index] >= 0
        )
        return lines[0], expressions, hits


#: What NativeProbe.check answers: browser reading, expressions, (expression, row, end) hits.
Checked = tuple[str, tuple[str, ...], tuple[tuple[int, int, int], ...]]
#: Statuses of ls_check_url that the pure path answers (with the reference's own reason).
_PURE_ANSWERS = frozenset(() if _lib is None else (_lib.LS_ERR_INVALID_URL, _lib.LS_ERR_URL_LIMIT))


def expand_url(psl: NativePsl, url: str) -> UrlCheck:
    """Readings and expressions of ``url`` in one C call, without probing (rows all -1)."""
    return _check_url(psl, _ffi.NULL, url)


def _check_url(psl: NativePsl, tables: Any, url: str) -> UrlCheck:
    raw = url_bytes(url)
    ws, out = _thread_state()
    status = _lib.ls_check_url(ws, psl.handle, tables, raw, len(raw), out)
    if status:
        _check(status, "check_url", url)
    lines = _ffi.buffer(out.text.ptr, out.text.len)[:].decode("ascii").split("\n")
    variants = out.variant_count
    count = out.expression_count
    return UrlCheck(
        tuple(lines[:variants]),
        tuple(lines[variants : variants + count]),
        tuple(_ffi.unpack(out.rows, count)),
        bool(out.host_only),
    )


def make_probe(bundle: Bundle) -> Probe:
    """The C probe when enabled, else the pure twin."""
    return NativeProbe(bundle) if native_enabled() else PureProbe(bundle)


# ---- Bloom building (the server's compiler) -------------------------------------------------


def _joined(expressions: Iterable[bytes]) -> tuple[bytes, Any, int]:
    items = list(expressions)
    offsets = [0] * (len(items) + 1)
    total = 0
    for index, item in enumerate(items):
        total += len(item)
        offsets[index + 1] = total
    return b"".join(items), _ffi.new("uint64_t[]", offsets), len(items)


def bloom_add(bits: bytearray, m: int, k: int, seed: int, expressions: Iterable[bytes]) -> None:
    """Set the Bloom bits of every expression in ``bits`` (one C call for the whole batch)."""
    lib = _lib_or_raise()
    buf, offsets, count = _joined(expressions)
    target = _ffi.from_buffer("uint8_t[]", bits)
    try:
        _check(lib.ls_bloom_add_many(target, m, k, seed, buf, offsets, count), "bloom_add")
    finally:
        _ffi.release(target)


def bloom_count(bits: bytes, m: int, k: int, seed: int, expressions: Iterable[bytes]) -> int:
    """How many of the expressions have all their Bloom bits set (the C core)."""
    lib = _lib_or_raise()
    source = _ffi.from_buffer("uint8_t[]", bits)
    result = _ffi.new("int *")
    hits = 0
    for raw in expressions:
        _check(lib.ls_bloom_contains(source, m, k, seed, raw, len(raw), result), "bloom")
        hits += result[0]
    return hits
