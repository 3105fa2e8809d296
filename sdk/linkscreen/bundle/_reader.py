"""Open a signed bundle: check the signature over the exact bytes, then parse and check all.

Verification is a pure function over bytes (``verify``), so the updater can run it on a
download before anything is written. ``Bundle.open`` reads the file into memory once (no memory
map: a file truncated or replaced under a live Matcher cannot fault the process, see
docs/adr/0017-psl-travels-with-the-bundle.md); the Bloom filter and fingerprint table stay in
that one buffer and no Python object exists per entry.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .. import psl as _psl  # a module reference: psl itself imports bundle.format
from .._wrappers import WrapperRule
from ..errors import (
    BundleClosedError,
    BundleCorruptError,
    BundleFileError,
    BundleSignatureError,
    HashMismatchError,
    UnknownSigningKeyError,
    UnsupportedBundleVersionError,
)
from ..keys import PublicKeyLike, trusted_keys
from ..results import BundleInfo, ListInfo
from . import format as fmt

__all__ = ["Bundle", "parse_verified", "verify"]

Buffer = bytes | bytearray | memoryview


def verify(data: Buffer, keys: dict[bytes, Ed25519PublicKey]) -> tuple[bytes, memoryview]:
    """Check envelope and signature; return ``(key id, payload view)``. Parses no payload byte.

    The payload view starts at byte ``ENVELOPE.size`` of ``data``.
    """
    view = memoryview(data)
    size = len(view)
    if size < fmt.OVERHEAD:
        raise BundleCorruptError(f"truncated: {size} bytes, a bundle has at least {fmt.OVERHEAD}")
    if size > fmt.MAX_BUNDLE_BYTES:
        raise BundleCorruptError(f"{size} bytes exceeds the bundle size bound")
    magic, envelope_version, algorithm, reserved, key_id, length = fmt.ENVELOPE.unpack_from(view)
    if magic != fmt.MAGIC:
        raise BundleCorruptError("not a linkscreen bundle (bad magic)")
    if envelope_version != fmt.ENVELOPE_VERSION:
        raise UnsupportedBundleVersionError(f"envelope version {envelope_version} is not supported")
    if algorithm != fmt.SIG_ED25519 or reserved != 0:
        raise BundleCorruptError(f"unknown signature algorithm {algorithm}")
    if length != size - fmt.OVERHEAD:
        raise BundleCorruptError(
            f"payload length says {length} bytes but the file holds {size - fmt.OVERHEAD}"
        )
    key = keys.get(bytes(key_id))
    if key is None:
        raise UnknownSigningKeyError(f"signed by unknown key {bytes(key_id).hex()}")
    signed_end = size - fmt.SIGNATURE_BYTES
    try:
        key.verify(bytes(view[signed_end:]), view[:signed_end])
    except InvalidSignature:
        raise BundleSignatureError("signature does not verify: the bundle was altered") from None
    return bytes(key_id), view[fmt.ENVELOPE.size : signed_end]


def parse_verified(payload: memoryview) -> fmt.Payload:
    """Parse a payload whose authenticity is established, and check this SDK can use it."""
    parsed = fmt.parse_payload(payload)
    from .. import CANONICALIZATION_VERSION  # the package's contract version

    version = parsed.header.canonicalization_version
    if version != CANONICALIZATION_VERSION:
        raise UnsupportedBundleVersionError(
            f"canonicalisation version {version}, this SDK has {CANONICALIZATION_VERSION}"
        )
    return parsed


def _read(path: str | os.PathLike[str], what: str) -> bytes:
    """The whole file, or a BundleFileError saying why not (missing, a directory, ...)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(fmt.MAX_BUNDLE_BYTES + 1)
    except OSError as exc:
        reason = f"{os.fspath(path)}: {exc.strerror}; the {what} cannot be read"
        raise BundleFileError(reason) from None
    if len(data) > fmt.MAX_BUNDLE_BYTES:
        raise BundleCorruptError(f"{what} exceeds the bundle size bound")
    return data


class Bundle:
    """A verified bundle held in memory. Immutable; safe to share between threads.

    A context manager: ``close()`` drops this object's hold on the bundle's memory. A Matcher
    made from it keeps what it needs and goes on working until it is dropped.
    """

    def __init__(
        self, payload: fmt.Payload, key_id: bytes, size: int, path: str, buffer_offset: int
    ) -> None:
        self._payload: fmt.Payload | None = payload
        self._psl = (
            _psl.PublicSuffixList(payload.psl, payload.header.psl_version)
            if payload.psl is not None
            else None
        )
        self._buffer_offset = buffer_offset
        self.key_id = key_id
        self.size_bytes = size
        self.path = path

    # ---- opening -----------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike[str], public_keys: Iterable[PublicKeyLike]) -> Bundle:
        """Read, verify and parse the bundle at ``path``; raises a :class:`BundleError` subclass."""
        keys = trusted_keys(public_keys)
        data = _read(path, "bundle")
        return cls._from_verified(data, keys, str(Path(path)))

    @classmethod
    def from_bytes(cls, data: bytes, public_keys: Iterable[PublicKeyLike]) -> Bundle:
        """Verify and use a bundle held in memory (a download, a test)."""
        return cls._from_verified(bytes(data), trusted_keys(public_keys), "<memory>")

    @classmethod
    def _from_verified(cls, data: bytes, keys: dict[bytes, Ed25519PublicKey], path: str) -> Bundle:
        key_id, payload = verify(data, keys)
        return cls(parse_verified(payload), key_id, len(data), path, fmt.ENVELOPE.size)

    @classmethod
    def from_payload(cls, payload: bytes, *, sha256: str, path: str = "<memory>") -> Bundle:
        """Use a bare payload (no envelope) whose SHA-256 a signed manifest names.

        The updater stores payloads this way; ``sha256`` (hex) is checked before any byte is
        parsed, so the manifest's signature stands in for the bundle's. Raises
        :class:`HashMismatchError` or a :class:`BundleError` subclass.
        """
        data = bytes(payload)
        if hashlib.sha256(data).hexdigest() != sha256:
            raise HashMismatchError(f"{path}: payload does not match its signed hash")
        return cls(parse_verified(memoryview(data)), b"", len(data), path, 0)

    @classmethod
    def open_payload(cls, path: str | os.PathLike[str], *, sha256: str) -> Bundle:
        """:meth:`from_payload` on a file (read once, never mapped)."""
        return cls.from_payload(_read(path, "payload"), sha256=sha256, path=str(Path(path)))

    # ---- lifetime ----------------------------------------------------------------------
    def close(self) -> None:
        """Release this object's buffer. Later use of the Bundle raises BundleClosedError."""
        self._payload = None

    @property
    def closed(self) -> bool:
        return self._payload is None

    def __enter__(self) -> Bundle:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # ---- the low layer -----------------------------------------------------------------
    @property
    def payload(self) -> fmt.Payload:
        """The parsed payload (``linkscreen.bundle.format``): sections, tables, rows."""
        if self._payload is None:
            raise BundleClosedError(f"bundle {self.path} is closed")
        return self._payload

    @property
    def buffer_offset(self) -> int:
        """Where the payload starts in ``payload.data``'s underlying buffer (a native reader
        takes one pointer to the base object)."""
        return self._buffer_offset

    # ---- header ------------------------------------------------------------------------
    @property
    def header(self) -> fmt.PayloadHeader:
        return self.payload.header

    @property
    def sequence(self) -> int:
        return self.header.sequence

    @property
    def created(self) -> int:
        """Unix time the bundle was compiled."""
        return self.header.created

    @property
    def expires(self) -> int:
        """Unix time after which the bundle is stale."""
        return self.header.expires

    def is_stale(self, now: float | None = None) -> bool:
        """Past its expiry. A stale bundle still matches; the app decides what to tell the user."""
        return (time.time() if now is None else now) > self.expires

    @property
    def stale(self) -> bool:
        return self.is_stale()

    # ---- Public Suffix List ------------------------------------------------------------
    @property
    def public_suffix_list(self) -> _psl.PublicSuffixList:
        """The list host expressions are computed with: the one the server compiled with, or,
        for a version-1 bundle that carries none, the SDK's snapshot."""
        self.payload  # noqa: B018  (raises when closed)
        return self._psl if self._psl is not None else _psl.snapshot()

    @property
    def psl_embedded(self) -> bool:
        """Whether the bundle carries its own Public Suffix List (format version 2)."""
        return self._psl is not None

    @property
    def psl_matches(self) -> bool:
        """Whether client and server compute host expressions from the same list: always for
        a bundle that carries its list; for a version-1 bundle, when the versions agree."""
        return self._psl is not None or self.header.psl_version == _psl.PSL_SNAPSHOT_VERSION

    def top_level_domains(self) -> frozenset[str]:
        """The list's top-level domains (ASCII and Unicode) plus special-use names, for the
        link extractor."""
        return self.public_suffix_list.top_level_domains()

    # ---- tables ------------------------------------------------------------------------
    @property
    def lists(self) -> tuple[ListInfo, ...]:
        return self.payload.lists

    @property
    def shortener_domains(self) -> frozenset[str]:
        return self.payload.shortener_domains

    @property
    def shortener_policy(self) -> int:
        return self.payload.shortener_policy

    @property
    def redirect_wrappers(self) -> tuple[WrapperRule, ...]:
        """The operator's redirect-wrapper rules (section 8; empty when the bundle has none).
        The Matcher unwraps links with these in addition to the SDK's own list."""
        return self.payload.redirect_rules

    @property
    def entry_count(self) -> int:
        return self.header.fingerprint_count

    def section(self, section_id: int) -> memoryview | None:
        """A section's raw bytes, or None (for optional sections such as redirect rules)."""
        return self.payload.section(section_id)

    def lists_of(self, expression: str) -> tuple[ListInfo, ...]:
        """The lists ``expression`` is on (exact fingerprint match), in row order."""
        payload = self.payload
        wanted = fmt.fingerprint(payload.header.salt, expression.encode("ascii"))
        return tuple(payload.lists[payload.tag(row)] for row in payload.table.find(wanted))

    def info(self) -> BundleInfo:
        h = self.header
        psl = self.public_suffix_list
        return BundleInfo(
            path=self.path,
            key_id=self.key_id.hex(),
            format_version=h.format_version,
            canonicalization_version=h.canonicalization_version,
            psl_version=h.psl_version,
            created=h.created,
            expires=h.expires,
            sequence=h.sequence,
            entries=h.fingerprint_count,
            bloom_bits=h.bloom_bits,
            bloom_k=h.bloom_k,
            size_bytes=self.size_bytes,
            lists=self.lists,
            shortener_domains=len(self.shortener_domains),
            psl_embedded=self.psl_embedded,
            psl_sha256=psl.sha256 if self.psl_embedded else "",
            psl_rules=psl.rule_count if self.psl_embedded else 0,
        )


for _public in (Bundle, parse_verified, verify):
    _public.__module__ = "linkscreen.bundle"  # documented and pickled as linkscreen.bundle.*
