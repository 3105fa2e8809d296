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

import dataclasses
import hashlib
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

import mmh3

from ._surrogates import as_read
from .bundle import format as _format
from .bundle.format import fingerprint as _fingerprint
from .errors import (
    BundleCorruptError,
    BundleSignatureError,
    DeltaError,
    HashMismatchError,
    InvalidURLError,
    LinkscreenError,
    NativeCoreError,
    UnknownSigningKeyError,
    UnsupportedBundleVersionError,
    URLLimitError,
)
from .results import Action, ListInfo

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

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
    "LineCodes",
    "LineReaderCore",
    "NativeBundle",
    "NativeProbe",
    "NativePsl",
    "Probe",
    "PureProbe",
    "UrlCheck",
    "bloom_add",
    "bloom_add_joined",
    "bloom_count",
    "canonicalize_many",
    "delta_apply",
    "expand_url",
    "fingerprint",
    "host_only_variants",
    "limits",
    "make_probe",
    "native_enabled",
    "psl_text",
    "sha256",
    "table_build",
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


def _new_thread_state() -> tuple[Any, Any, Any, Any]:
    """This thread's C workspace, result struct and screen flags, made once (their memory is
    kept with them): the check path allocates nothing per URL."""
    lib = _lib_or_raise()
    size = lib.ls_workspace_bytes()
    memory = _ffi.new("uint64_t[]", (size + 7) // 8)
    out = _ffi.new("ls_workspace **")
    _check(lib.ls_workspace_init(memory, size, out), "ls_workspace_init")
    state = (out[0], _ffi.new("ls_url_result *"), _ffi.new("uint32_t *"), memory)
    _local.state = state
    return state


def _thread_state() -> tuple[Any, Any]:
    """This thread's C workspace and result struct."""
    state = getattr(_local, "state", None) or _new_thread_state()
    return state[0], state[1]


def _workspace() -> Any:
    return _thread_state()[0]


#: NativeCoreError.status when a string has no exact byte form for the C core (the caller
#: then uses the pure path): surrogates that spell UTF-8 once encoded.
NOT_BYTES = "LS_NOT_BYTES"


def url_bytes(url: str) -> bytes:
    """The bytes the C core reads for ``url`` (UTF-8; U+DC80..U+DCFF stand for raw bytes,
    any other lone surrogate is U+FFFD, as canonical._prepare_text reads it).

    Raises NativeCoreError(status=NOT_BYTES) for strings whose characters the bytes would
    not give back, where C could count them differently.
    """
    if not isinstance(url, str):
        raise TypeError(f"url must be str, not {type(url).__name__}")
    try:
        return url.encode("utf-8")
    except UnicodeEncodeError:
        pass
    try:
        raw = url.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        # any other lone surrogate (broken UTF-16) is U+FFFD, as a browser reads it and as
        # canonical._prepare_text reads it: one character for one, so C counts the same
        url = as_read(url)
        raw = url.encode("utf-8", "surrogateescape")
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


def canonicalize_many(urls: list[str]) -> list[str | None]:
    """The C core's ``canonicalize`` of every URL in one call (``ls_canonicalize_many``).

    None where the C core refuses a URL or it has no exact byte form: the caller asks the
    pure ``canonicalize``, which says why in the reference's words (or reads the rare string
    C cannot be handed).
    """
    lib = _lib_or_raise()
    raws: list[bytes] = []
    exact: list[bool] = []
    for url in urls:
        try:
            raws.append(url_bytes(url))
            exact.append(True)
        except (InvalidURLError, NativeCoreError):
            raws.append(b"")
            exact.append(False)
    buf, offsets, count = _joined(raws)
    cap = 3 * len(buf) + 16 * count + 64
    out = _ffi.new("uint8_t[]", cap)
    out_offsets = _ffi.new("uint64_t[]", count + 1)
    statuses = _ffi.new("ls_status[]", max(count, 1))
    status = lib.ls_canonicalize_many(
        _workspace(), buf, offsets, count, out, cap, out_offsets, statuses
    )
    _check(status, "ls_canonicalize_many")
    text = _ffi.buffer(out, out_offsets[count])[:].decode("ascii")
    ends = _ffi.unpack(out_offsets, count + 1)
    return [
        text[ends[i] : ends[i + 1]] if exact[i] and statuses[i] == 0 else None for i in range(count)
    ]


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


def sha256(data: bytes | memoryview) -> bytes:
    """The C core's SHA-256 (its own rounds, or the CPU's SHA instructions for long inputs)."""
    lib = _lib_or_raise()
    source = _ffi.from_buffer("uint8_t[]", data)
    out = _ffi.new("uint8_t[]", 32)
    _check(lib.ls_sha256(source, len(source), out), "ls_sha256")
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
    row_ends: tuple[int, ...] = ()
    """One past the last row equal to each expression (-1 when none); from a bundle check."""
    shortened: bool = False
    """The browser reading is a link on one of the bundle's URL shorteners."""


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
        # _lookup_one inlined (this runs for every expression of every message)
        # (hash128 positionally: x64arch=True, signed=False; the first position, i = 0, is
        # h1 itself and ends about half the unlisted expressions before the loop starts)
        hash128, seed, m, k, bloom = mmh3.hash128, self._seed, self._m, self._k, self._bloom
        found: list[int] = []
        add = found.append
        for expression in expressions:
            raw = expression.encode()
            value = hash128(raw, seed, True, False)
            h1 = value & _MASK64
            bit = h1 % m
            if not bloom[bit >> 3] >> (bit & 7) & 1:
                add(-1)
                continue
            h2 = value >> 64
            for i in range(1, k):
                bit = ((h1 + i * h2) & _MASK64) % m
                if not bloom[bit >> 3] >> (bit & 7) & 1:
                    add(-1)
                    break
            else:
                rows = self._table.find(_fingerprint(self._salt, raw))
                add(rows.start if rows else -1)
        return found

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
    """The C core: the bundle read by its C reader (``ls_bundle``, from the payload the Python
    reader verified), one call per URL (``ls_bundle_check_url``) or per expression list."""

    def __init__(self, bundle: Bundle) -> None:
        lib = _lib_or_raise()
        payload = bundle.payload
        # One buffer export of the base object (never of a memoryview slice, whose export
        # would pin it); the C bundle borrows the payload inside it.
        self._base: Any = _ffi.from_buffer("uint8_t[]", memoryview(payload.data).obj)
        size = len(payload.data)
        digest = hashlib.sha256(payload.data).digest()
        out = _ffi.new("ls_bundle **")
        status = lib.ls_bundle_open_payload(self._base + bundle.buffer_offset, size, digest, out)
        if status:  # the Python reader accepted these bytes: a refusal here is a core bug
            name = _ffi.string(lib.ls_status_name(status)).decode("ascii")
            raise NativeCoreError(f"the C reader refuses a verified payload: {name}", name)
        self._bundle: Any = _ffi.gc(out[0], lib.ls_bundle_free)
        tables = _ffi.new("ls_tables *")
        _check(lib.ls_bundle_get_tables(self._bundle, tables), "ls_bundle_get_tables")
        self._tables: Any = tables
        self._lib = lib
        # a version 1 bundle carries no list: the one its expressions were computed with
        self._fallback: Any = _ffi.NULL
        self._fallback_psl: NativePsl | None = None
        if not bundle.psl_embedded:
            self._fallback_psl = NativePsl.from_list(bundle.public_suffix_list)
            self._fallback = self._fallback_psl.handle
        self._psl_list = bundle.public_suffix_list
        self._native_psl: NativePsl | None = None
        self._wrapper_hosts: Any = _ffi.NULL

    def set_wrapper_hosts(self, patterns: Iterable[str]) -> None:
        """The redirect-wrapper host patterns (``WrapperRule.host``) whose URLs :meth:`screen`
        flags ``LS_SCREEN_WRAPPED`` (``ls_wrapper_hosts_new``), so that the matcher reads a
        target that only a rule for its host reads (attack 16, I)."""
        text = "\n".join(dict.fromkeys(patterns)).encode("ascii", "ignore")
        out = _ffi.new("ls_wrapper_hosts **")
        _check(self._lib.ls_wrapper_hosts_new(text, len(text), out), "ls_wrapper_hosts_new")
        self._wrapper_hosts = _ffi.gc(out[0], self._lib.ls_wrapper_hosts_free)

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
        """Canonicalise, expand and probe ``url`` in one C call, with ``psl``."""
        return _check_url(psl, self._tables, url)

    def screen(self, url: str) -> bool | int | Checked | None:
        """:meth:`check` for the common case, a URL no list has (``ls_bundle_screen_url``):
        a bool when the whole check was complete and matched nothing (whether the link is on
        a URL shortener), the same as the int 0 or 1 when a redirect target with a scheme
        may be in the URL (``LS_SCREEN_WRAPPED``: the matcher reads its targets), the
        :meth:`check` answer when something matched, and None when the caller must take its
        general path: the URL holds a control character (the matcher checks it as shown too),
        is not plainly written (``LS_SCREEN_ODD``: the matcher also reads it as text), or
        :meth:`check` would answer None. The readings of a URL answered with a bool or an
        int, on demand: :meth:`readings`."""
        try:
            raw = url.encode()  # UTF-8
        except (UnicodeEncodeError, AttributeError):
            return None  # surrogates (url_bytes' rules) or no str: the pure path says why
        try:
            ws, out, flags, _memory = _local.state
        except AttributeError:
            ws, out, flags, _memory = _new_thread_state()
        status = _screen_url(
            ws, self._bundle, self._fallback, self._wrapper_hosts, raw, len(raw), out, flags
        )
        if status:
            if status in _PURE_ANSWERS:
                return None
            _check(status, "check_url", url)
        found: int = flags[0]
        if not found & _SCREEN_NOT_PLAIN:
            return found == _SCREEN_SHORTENED
        if found & _SCREEN_GENERAL:
            return None
        if not found & _SCREEN_MATCHED:  # LS_SCREEN_WRAPPED: the matcher reads its targets
            return 1 if found & _SCREEN_SHORTENED else 0
        return _checked(out)

    def readings(self, url: str) -> tuple[str, tuple[str, ...]]:
        """The browser reading and the expressions over all readings of a URL that
        :meth:`screen` answered (a verdict's ``canonical`` and ``expressions``, on demand)."""
        found = self.check(url)
        if found is None:  # screen answered this URL: the same bytes, the same answer
            raise NativeCoreError("the C core no longer reads a URL it read", "LS_NOT_BYTES")
        return found[0], found[1]

    def check(self, url: str) -> Checked | None:
        """``url`` through the whole path in one C call (``ls_bundle_check_url``, the bundle's
        own Public Suffix List): ``(browser reading, expressions over all readings, hits,
        shortened)``, each hit being ``(expression index, first row, end row)`` of the rows
        equal to that expression, ``shortened`` whether the link is on a URL shortener.

        None when the pure path must answer instead: a URL the C core refuses or reads on its
        host only (the reference words the reason), or one with no exact byte form.
        """
        try:
            raw = url.encode("utf-8")
        except UnicodeEncodeError:
            return None  # surrogates: url_bytes' rules, on the pure path
        state = getattr(_local, "state", None)
        if state is None:
            state = _thread_state()
        out = state[1]
        status = self._lib.ls_bundle_check_url(
            state[0], self._bundle, self._fallback, raw, len(raw), out
        )
        if status:
            if status in _PURE_ANSWERS:
                return None
            _check(status, "check_url", url)
        if out.host_only:
            return None
        return _checked(out)


def _checked(out: Any) -> Checked:
    """What NativeProbe.check answers, read from a filled ``ls_url_result`` with its text."""
    lines = _ffi.buffer(out.text.ptr, out.text.len)[:].decode("ascii").split("\n")
    first = out.variant_count
    expressions = tuple(lines[first : first + out.expression_count])
    if not out.matched:
        return lines[0], expressions, (), bool(out.shortened)
    rows, ends = out.rows, out.row_ends
    hits = tuple(
        (index, rows[index], ends[index])
        for index in range(out.expression_count)
        if rows[index] >= 0
    )
    return lines[0], expressions, hits, bool(out.shortened)


#: What NativeProbe.check answers: browser reading, expressions, (expression, row, end) hits,
#: and whether the link is on one of the bundle's URL shorteners.
Checked = tuple[str, tuple[str, ...], tuple[tuple[int, int, int], ...], bool]
#: Statuses of ls_check_url that the pure path answers (with the reference's own reason).
_PURE_ANSWERS = frozenset(() if _lib is None else (_lib.LS_ERR_INVALID_URL, _lib.LS_ERR_URL_LIMIT))
_screen_url: Any = None if _lib is None else _lib.ls_bundle_screen_url_wrappers
#: ls_bundle_screen_url's flags (from C). Without a _NOT_PLAIN bit the check was complete and
#: nothing matched; a _GENERAL bit (host-only, a control character) sends the caller on.
_SCREEN_SHORTENED = 0 if _lib is None else _lib.LS_SCREEN_SHORTENED
_SCREEN_GENERAL = (
    0 if _lib is None else _lib.LS_SCREEN_HOST_ONLY | _lib.LS_SCREEN_CONTROL | _lib.LS_SCREEN_ODD
)
_SCREEN_MATCHED = 0 if _lib is None else _lib.LS_SCREEN_MATCHED
_SCREEN_NOT_PLAIN = (
    0 if _lib is None else _lib.LS_SCREEN_MATCHED | _lib.LS_SCREEN_WRAPPED | _SCREEN_GENERAL
)


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


# ---- compiling lists -------------------------------------------------------------------------


class LineCodes(NamedTuple):
    """The ``LS_LINE_*`` answers of ``ls_compile_lines``, read from the library."""

    defer: int
    blank: int
    comment: int
    entry: int
    entry_amp: int


class LineReaderCore:
    """``ls_compile_lines`` with one Public Suffix List and set of shortener names: a text
    list's lines to entry expressions, one C call per batch (the server's fast path)."""

    __slots__ = ("_count", "_names", "_offsets", "_psl", "codes")

    def __init__(self, psl: PublicSuffixList, shorteners: Iterable[str]) -> None:
        lib = _lib_or_raise()
        self._psl = NativePsl.from_list(psl)
        names = sorted({name.encode("utf-8") for name in shorteners if name})  # "" never matches
        ends = [0]
        for name in names:
            ends.append(ends[-1] + len(name))
        self._names = _ffi.new("uint8_t[]", b"".join(names) or b"\0")
        self._offsets = _ffi.new("uint64_t[]", ends)
        self._count = len(names)
        self.codes = LineCodes(
            lib.LS_LINE_DEFER,
            lib.LS_LINE_BLANK,
            lib.LS_LINE_COMMENT,
            lib.LS_LINE_ENTRY,
            lib.LS_LINE_ENTRY_AMP,
        )

    def read(self, buf: bytes, offsets: Any, count: int) -> tuple[bytes, list[str]]:
        """Line i is ``buf[offsets[i]:offsets[i + 1]]`` (``offsets``: count + 1 u64 in a
        buffer); returns each line's ``LS_LINE_*`` code and the expressions, in line order."""
        lib = _lib_or_raise()
        codes = bytearray(count)
        cap = 3 * len(buf) + 16 * count + 64
        out = _uncleared("uint8_t[]", cap)
        out_len = _ffi.new("size_t *")
        ends = _ffi.from_buffer("uint64_t[]", offsets)
        target = _ffi.from_buffer("uint8_t[]", codes)
        try:
            status = lib.ls_compile_lines(
                _workspace(), self._psl.handle, self._names, self._offsets, self._count,
                buf, ends, count, target, out, cap, out_len,
            )  # fmt: skip
        finally:
            _ffi.release(target)
            _ffi.release(ends)
        _check(status, "ls_compile_lines")
        text = _ffi.buffer(out, out_len[0])[:].decode("ascii")
        return bytes(codes), text.split("\n")[:-1] if text else []


def bloom_add_joined(
    bits: bytearray, m: int, k: int, seed: int, data: bytes, offsets: Any, count: int
) -> None:
    """:func:`bloom_add` for expressions already laid end to end (``offsets``: count + 1 u64
    in a buffer)."""
    lib = _lib_or_raise()
    target = _ffi.from_buffer("uint8_t[]", bits)
    ends = _ffi.from_buffer("uint64_t[]", offsets)
    try:
        _check(lib.ls_bloom_add_many(target, m, k, seed, data, ends, count), "bloom_add")
    finally:
        _ffi.release(ends)
        _ffi.release(target)


def table_build(
    salt: bytes, data: bytes, offsets: Any, count: int, tags: Any, tag_bits: int, prefix: int
) -> tuple[bytes, bytes, bytes]:
    """``ls_table_build``: the FINGERPRINTS, TAGS and BUCKETS sections of the expressions laid
    end to end in ``data`` and their tags (``tags``: count u16 in a buffer)."""
    lib = _lib_or_raise()
    size = _ffi.new("ls_table_size *")
    _check(lib.ls_table_sizes(count, tag_bits, prefix, size), "ls_table_sizes")
    scratch = _uncleared("uint64_t[]", (size.scratch + 7) // 8)
    table = _uncleared("uint8_t[]", max(size.table, 1))
    packed = _uncleared("uint8_t[]", max(size.tags, 1))
    buckets = _uncleared("uint8_t[]", max(size.buckets, 1))
    ends = _ffi.from_buffer("uint64_t[]", offsets)
    rows = _ffi.from_buffer("uint16_t[]", tags)
    try:
        status = lib.ls_table_build(
            salt, data, ends, count, rows, tag_bits, prefix, scratch, size.scratch,
            table, size.table, packed, size.tags, buckets, size.buckets,
        )  # fmt: skip
    finally:
        _ffi.release(rows)
        _ffi.release(ends)
    _check(status, "ls_table_build")
    del scratch
    return (
        _ffi.buffer(table, size.table)[:],
        _ffi.buffer(packed, size.tags)[:],
        _ffi.buffer(buckets, size.buckets)[:],
    )


# ---- deltas -------------------------------------------------------------------------------------


_HASHES_END = 8 + 32 + 32
#: Where the delta's new header keeps fingerprint_count (u64), from the one field table.
_ROW_COUNT_AT = (
    _HASHES_END
    + {field.name: offset for offset, field in _format.field_offsets(_format.HEADER_FIELDS)}[
        "fingerprint_count"
    ]
)


#: cffi memory not zeroed first (for outputs the C core writes in full).
_uncleared: Any = None if _ffi is None else _ffi.new_allocator(should_clear_after_alloc=False)


def _delta_output_bound(old_payload: bytes | memoryview, delta: bytes) -> int:
    """Bytes that should hold the payload a delta makes, from the two headers' row counts (0
    when they cannot be read): carried sections come from the delta or the old payload, the
    Bloom filter is the old one's size, rows gained take a row and a tag each. So the merge is
    one C call (ls_delta_apply parses and hashes before it can say LS_ERR_BUFFER); a short
    estimate costs a second call with the size the first one reported."""
    if len(delta) < _ROW_COUNT_AT + 8 or len(old_payload) < _ROW_COUNT_AT - _HASHES_END + 8:
        return 0
    at = _ROW_COUNT_AT - _HASHES_END
    rows = int.from_bytes(delta[_ROW_COUNT_AT : _ROW_COUNT_AT + 8], "little")
    before = int.from_bytes(old_payload[at : at + 8], "little")
    # rows gained take a row and a tag each; every row may widen by 2 bytes (a smaller p)
    # and 2 (wider tags); the bucket bitmap grows by a bit per row.
    bound = len(old_payload) + len(delta) + max(rows - before, 0) * 18 + rows * 5 + 65536
    return bound if bound <= 1 << 31 else 0


def delta_apply(old_payload: bytes | memoryview, delta: bytes) -> bytes:
    """The C core's ``bundle.delta.apply_delta`` (``ls_delta_apply``): the new payload.

    Raises DeltaError (with the C status; ``apply_delta`` words the reason) when the delta is
    malformed, made for another state or does not give its target payload.
    """
    lib = _lib_or_raise()
    old = _ffi.from_buffer("uint8_t[]", old_payload)
    change = _ffi.from_buffer("uint8_t[]", delta)
    size = _ffi.new("size_t *")
    cap = _delta_output_bound(old_payload, delta)
    if cap:  # one call: the answer fits in a buffer sized from the delta's own header
        target = _uncleared("uint8_t[]", cap)  # ls_delta_apply writes every byte it keeps
        status = lib.ls_delta_apply(old, len(old), change, len(change), target, cap, size)
        if status == 0:
            return bytes(_ffi.buffer(target, size[0]))
    else:
        status = lib.ls_delta_apply(old, len(old), change, len(change), _ffi.NULL, 0, size)
    if status == lib.LS_ERR_BUFFER:
        out = bytearray(size[0])
        target = _ffi.from_buffer("uint8_t[]", out)
        status = lib.ls_delta_apply(old, len(old), change, len(change), target, len(out), size)
        if status == 0:
            return bytes(out)
    if status == lib.LS_ERR_DELTA:
        raise DeltaError("the C core refuses the delta (LS_ERR_DELTA)")
    _check(status, "ls_delta_apply")
    raise NativeCoreError("ls_delta_apply wrote nothing", "LS_ERR_BUFFER")


# ---- the C bundle reader ------------------------------------------------------------------------

#: Status of the C reader -> the Python reader's exception for the same refusal.
_BUNDLE_ERRORS: dict[str, type[LinkscreenError]] = {
    "LS_ERR_BUNDLE_CORRUPT": BundleCorruptError,
    "LS_ERR_BUNDLE_VERSION": UnsupportedBundleVersionError,
    "LS_ERR_UNKNOWN_KEY": UnknownSigningKeyError,
    "LS_ERR_SIGNATURE": BundleSignatureError,
    "LS_ERR_HASH": HashMismatchError,
}


def _check_bundle(status: int, what: str) -> None:
    if status == 0:
        return
    name = _ffi.string(_lib_or_raise().ls_status_name(status)).decode("ascii")
    error = _BUNDLE_ERRORS.get(name)
    if error is not None:
        raise error(f"{what}: refused by the C reader ({name})")
    raise NativeCoreError(f"{what} failed: {name}", status=name)


class NativeBundle:
    """A bundle verified and parsed by the C core's reader (``ls_bundle``).

    The Python reader (``linkscreen.Bundle``) stays the reference; this one is what Swift,
    Kotlin and WebAssembly clients use, checked against it on every reader test. It refuses
    with the Python reader's exception classes (messages name the C status). The signature
    hook is ``cryptography``'s Ed25519 here; a platform passes its own.
    """

    __slots__ = ("__weakref__", "_data", "_handle", "_hook")

    def __init__(self, handle: Any, data: Any, hook: Any = None) -> None:
        lib = _lib_or_raise()
        self._handle = _ffi.gc(handle, lib.ls_bundle_free)
        self._data = data  # the C bundle borrows these bytes
        self._hook = hook

    @classmethod
    def open(cls, data: bytes, keys: Mapping[bytes, Ed25519PublicKey]) -> NativeBundle:
        """Verify (through the hook) and parse a signed bundle."""
        lib = _lib_or_raise()
        held = bytes(data)
        failures: list[Exception] = []
        verify = _ed25519_hook(keys, failures)
        hook = _ffi.callback("ls_verify_fn", verify, error=lib.LS_ERR_SIGNATURE)
        out = _ffi.new("ls_bundle **")
        status = lib.ls_bundle_open(_ffi.from_buffer(held), len(held), hook, _ffi.NULL, out)
        if failures:  # the hook could not answer: a refusal, with its reason attached
            if not status:
                lib.ls_bundle_free(out[0])
            raise BundleSignatureError("the signature hook failed") from failures[0]
        _check_bundle(status, "bundle")
        return cls(out[0], held, hook)

    @classmethod
    def from_payload(cls, payload: bytes | memoryview, sha256: bytes) -> NativeBundle:
        """Parse a bare payload whose SHA-256 a signed manifest (or a verified envelope)
        names; the hash is checked before any byte is parsed."""
        lib = _lib_or_raise()
        held = bytes(payload)
        out = _ffi.new("ls_bundle **")
        status = lib.ls_bundle_open_payload(_ffi.from_buffer(held), len(held), sha256, out)
        _check_bundle(status, "payload")
        return cls(out[0], held)

    @property
    def handle(self) -> Any:
        return self._handle

    def info(self) -> dict[str, object]:
        """The header as the C reader read it (names as ``PayloadHeader``'s fields)."""
        out = _ffi.new("ls_bundle_info *")
        _check(_lib.ls_bundle_get_info(self._handle, out), "ls_bundle_get_info")
        return {
            "format_version": out.format_version,
            "canonicalization_version": out.canonicalization_version,
            "section_count": out.section_count,
            "tag_bits": out.tag_bits,
            "created": out.created,
            "expires": out.expires,
            "sequence": out.sequence,
            "salt": bytes(out.salt),
            "bloom_seed": out.bloom_seed,
            "bloom_k": out.bloom_k,
            "bloom_bits": out.bloom_bits,
            "fingerprint_count": out.fingerprint_count,
            "list_count": out.list_count,
            "fingerprint_prefix_bytes": out.fingerprint_prefix_bytes,
            "psl_version": _ffi.string(out.psl_version).decode("ascii"),
            "key_id": bytes(out.key_id),
            "shortener_policy": out.shortener_policy,
            "shortener_count": out.shortener_count,
            "psl_embedded": bool(out.psl_embedded),
        }

    def lists(self) -> tuple[ListInfo, ...]:
        """The list table as the C reader decoded it."""
        count = int(self.info()["list_count"])  # type: ignore[call-overload]
        record = _ffi.new("ls_list_info *")
        locale, text, link = _ffi.new("ls_str *"), _ffi.new("ls_str *"), _ffi.new("ls_str *")
        found = []
        for index in range(count):
            _check(_lib.ls_bundle_list(self._handle, index, record), "ls_bundle_list")
            messages = []
            for number in range(record.message_count):
                status = _lib.ls_bundle_list_message(
                    self._handle, index, number, locale, text, link
                )
                _check(status, "ls_bundle_list_message")
                messages.append((_utf8(locale), _utf8(text), _utf8(link)))
            action = Action.BLOCK if record.action == 2 else Action.WARN
            default = _utf8(record.default_locale) or None
            info = ListInfo(_utf8(record.id), action, _utf8(record.category), tuple(messages))
            found.append(dataclasses.replace(info, default_locale=default) if default else info)
        return tuple(found)

    def rule_count(self) -> int:
        """Rules of the bundle's own Public Suffix List, as the C reader decoded them."""
        psl = _ffi.new("ls_psl **")
        _check(_lib.ls_bundle_get_psl(self._handle, psl), "ls_bundle_get_psl")
        count = _ffi.new("size_t *")
        _check(_lib.ls_psl_rule_count(psl[0], count), "ls_psl_rule_count")
        return int(count[0])

    def check_url(self, url: str) -> UrlCheck:
        """``ls_bundle_check_url``: the whole path with this bundle's tables and list (for a
        format 1 bundle, which carries none, the SDK's snapshot)."""
        raw = url_bytes(url)
        ws, out = _thread_state()
        fallback, table = _ffi.NULL, None
        if not self.info()["psl_embedded"]:
            from .psl import snapshot

            table = NativePsl.from_list(snapshot())  # kept alive through the call
            fallback = table.handle
        status = _lib.ls_bundle_check_url(ws, self._handle, fallback, raw, len(raw), out)
        if status:
            _check(status, "check_url", url)
        lines = _ffi.buffer(out.text.ptr, out.text.len)[:].decode("ascii").split("\n")
        variants, count = out.variant_count, out.expression_count
        return UrlCheck(
            tuple(lines[:variants]),
            tuple(lines[variants : variants + count]),
            tuple(_ffi.unpack(out.rows, count)),
            bool(out.host_only),
            tuple(_ffi.unpack(out.row_ends, count)),
            bool(out.shortened),
        )

    def row_list(self, row: int) -> int:
        out = _ffi.new("uint32_t *")
        _check(_lib.ls_bundle_row_list(self._handle, row, out), "ls_bundle_row_list")
        return int(out[0])

    def is_shortened(self, canonical: str) -> bool:
        raw = canonical.encode("ascii")
        out = _ffi.new("int *")
        _check(_lib.ls_bundle_is_shortened(self._handle, raw, len(raw), out), "shortened")
        return bool(out[0])


def _utf8(item: Any) -> str:
    return bytes(_ffi.buffer(item.ptr, item.len)).decode("utf-8") if item.len else ""


def _ed25519_hook(
    keys: Mapping[bytes, Ed25519PublicKey], failures: list[Exception]
) -> Callable[..., int]:
    """The signature hook backed by ``cryptography`` (what a platform supplies natively).
    An error inside it is kept in ``failures`` and answers "does not verify"."""
    from cryptography.exceptions import InvalidSignature  # the SDK's Ed25519, loaded on use

    lib = _lib_or_raise()

    def verify(_context: Any, key_id: Any, message: Any, length: int, signature: Any) -> int:
        try:
            key = keys.get(bytes(_ffi.buffer(key_id, 8)))
            if key is None:
                return int(lib.LS_ERR_UNKNOWN_KEY)
            key.verify(bytes(_ffi.buffer(signature, 64)), bytes(_ffi.buffer(message, length)))
        except InvalidSignature:
            return int(lib.LS_ERR_SIGNATURE)
        except Exception as exc:  # the platform verifier broke: no, and say why
            failures.append(exc)
            return int(lib.LS_ERR_SIGNATURE)
        return 0

    return verify
