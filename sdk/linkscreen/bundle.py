"""Open a signed bundle: check the signature over the exact bytes, then parse, then map.

Verification is a pure function over bytes (``verify``), so the updater can run it on a
download before anything is written. ``Bundle.open`` memory-maps the file; the Bloom filter
and fingerprint table stay in the mapping and no Python object exists per entry.
"""

from __future__ import annotations

import mmap
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from . import _format as fmt
from .errors import (
    BundleCorruptError,
    BundleSignatureError,
    UnknownSigningKeyError,
    UnsupportedBundleVersionError,
)
from .keys import PublicKeyLike, trusted_keys
from .psl import PSL_SNAPSHOT_VERSION
from .results import BundleInfo, ListInfo

__all__ = ["Bundle", "verify"]

Buffer = bytes | bytearray | memoryview | mmap.mmap


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


@dataclass(frozen=True)
class _Parts:
    header: fmt.PayloadHeader
    lists: tuple[ListInfo, ...]
    shortener_policy: int
    shortener_domains: frozenset[str]
    bloom: memoryview
    fingerprints: memoryview
    tags: memoryview
    #: The whole file (mmap or bytes) and where the Bloom and fingerprint sections start in it,
    #: for the C core, which takes one pointer to the base object rather than to a view.
    base: Buffer
    bloom_offset: int
    fingerprints_offset: int
    #: The raw list-table and shortener sections (a delta carries them as they are).
    lists_raw: memoryview
    shorteners_raw: memoryview


def _parse(payload: memoryview, base: Buffer, at: int = fmt.ENVELOPE.size) -> _Parts:
    """Parse a verified payload, a view of ``base`` starting at byte ``at`` of it (after the
    envelope in a bundle file, 0 in an updater's state file), bounding every size."""
    try:
        return _parse_unchecked(payload, base, at)
    except fmt.FormatError as exc:
        raise BundleCorruptError(str(exc)) from None


def _parse_unchecked(payload: memoryview, base: Buffer, at: int) -> _Parts:
    if len(payload) < fmt.PAYLOAD_HEADER.size:
        raise fmt.FormatError("payload shorter than its header")
    header = fmt.PayloadHeader.unpack(payload)
    if header.format_version != fmt.FORMAT_VERSION:
        raise UnsupportedBundleVersionError(f"format version {header.format_version}")
    from . import CANONICALIZATION_VERSION  # the package's contract version

    if header.canonicalization_version != CANONICALIZATION_VERSION:
        raise UnsupportedBundleVersionError(
            f"canonicalisation version {header.canonicalization_version}, this SDK has "
            f"{CANONICALIZATION_VERSION}"
        )
    if header.section_count > fmt.MAX_SECTIONS:
        raise fmt.FormatError(f"{header.section_count} sections exceeds {fmt.MAX_SECTIONS}")
    if not 0 < header.bloom_k <= fmt.MAX_BLOOM_K or header.bloom_bits % 64 or not header.bloom_bits:
        raise fmt.FormatError(f"bad Bloom parameters m={header.bloom_bits} k={header.bloom_k}")
    if header.tag_bits not in fmt.TAG_WIDTHS or header.list_count > min(
        fmt.MAX_LISTS, 1 << header.tag_bits
    ):
        raise fmt.FormatError(f"{header.list_count} lists do not fit {header.tag_bits} tag bits")
    if header.list_count == 0:
        raise fmt.FormatError("bundle has no list")
    directory_end = fmt.PAYLOAD_HEADER.size + header.section_count * fmt.SECTION_ENTRY.size
    if directory_end > len(payload):
        raise fmt.FormatError("section directory runs past the payload")
    sections: dict[int, memoryview] = {}
    offsets: dict[int, int] = {}
    for index in range(header.section_count):
        section_id, _reserved, offset, length = fmt.SECTION_ENTRY.unpack_from(
            payload, fmt.PAYLOAD_HEADER.size + index * fmt.SECTION_ENTRY.size
        )
        if offset < directory_end or offset + length > len(payload) or offset % fmt.SECTION_ALIGN:
            raise fmt.FormatError(f"section {section_id} lies outside the payload")
        if section_id in sections:
            raise fmt.FormatError(f"section {section_id} appears twice")
        sections[section_id] = payload[offset : offset + length]
        offsets[section_id] = at + offset

    def need(section: fmt.Section, size: int | None = None) -> memoryview:
        if section not in sections:
            raise fmt.FormatError(f"missing {section.name} section")
        if size is not None and len(sections[section]) != size:
            raise fmt.FormatError(
                f"{section.name} section is {len(sections[section])} bytes, expected {size}"
            )
        return sections[section]

    n = header.fingerprint_count
    bloom = need(fmt.Section.BLOOM, header.bloom_bits // 8)
    fingerprints = need(fmt.Section.FINGERPRINTS, n * fmt.FINGERPRINT_BYTES)
    tags = need(fmt.Section.TAGS, -(-n * header.tag_bits // 8)) if header.tag_bits else payload[:0]
    lists = fmt.decode_lists(need(fmt.Section.LISTS), header.list_count)
    policy, shorteners = fmt.SHORTENER_POLICY_ALLOW, frozenset[str]()
    if fmt.Section.SHORTENERS in sections:
        policy, shorteners = fmt.decode_shorteners(sections[fmt.Section.SHORTENERS])
    return _Parts(
        header,
        lists,
        policy,
        shorteners,
        bloom,
        fingerprints,
        tags,
        base,
        offsets[fmt.Section.BLOOM],
        offsets[fmt.Section.FINGERPRINTS],
        need(fmt.Section.LISTS),
        sections.get(fmt.Section.SHORTENERS, payload[:0]),
    )


class Bundle:
    """A verified, memory-mapped bundle. Immutable; safe to share between threads."""

    def __init__(self, parts: _Parts, key_id: bytes, size: int, path: str) -> None:
        self._parts = parts
        self.key_id = key_id
        self.size_bytes = size
        self.path = path

    @classmethod
    def open(cls, path: str | os.PathLike[str], public_keys: Iterable[PublicKeyLike]) -> Bundle:
        """Verify and map the bundle at ``path``; raises a :class:`BundleError` subclass."""
        keys = trusted_keys(public_keys)
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size < fmt.OVERHEAD:
                raise BundleCorruptError(f"truncated: {size} bytes")
            # The views below keep the mapping alive; it is unmapped when the last one goes.
            mapping = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        key_id, payload = verify(mapping, keys)
        return cls(_parse(payload, mapping), key_id, size, str(Path(path)))

    @classmethod
    def from_bytes(cls, data: bytes, public_keys: Iterable[PublicKeyLike]) -> Bundle:
        """Verify and use a bundle held in memory (a download, a test)."""
        data = bytes(data)
        key_id, payload = verify(data, trusted_keys(public_keys))
        return cls(_parse(payload, data), key_id, len(data), "<memory>")

    # ---- header ------------------------------------------------------------------------
    @property
    def header(self) -> fmt.PayloadHeader:
        return self._parts.header

    @property
    def sequence(self) -> int:
        return self._parts.header.sequence

    @property
    def created(self) -> int:
        """Unix time the bundle was compiled."""
        return self._parts.header.created

    @property
    def expires(self) -> int:
        """Unix time after which the bundle is stale."""
        return self._parts.header.expires

    def is_stale(self, now: float | None = None) -> bool:
        """Past its expiry. A stale bundle still matches; the app decides what to tell the user."""
        return (time.time() if now is None else now) > self.expires

    @property
    def stale(self) -> bool:
        return self.is_stale()

    @property
    def psl_matches(self) -> bool:
        """Whether this SDK's Public Suffix List snapshot is the one the server used."""
        return self._parts.header.psl_version == PSL_SNAPSHOT_VERSION

    # ---- tables ------------------------------------------------------------------------
    @property
    def lists(self) -> tuple[ListInfo, ...]:
        return self._parts.lists

    @property
    def shortener_domains(self) -> frozenset[str]:
        return self._parts.shortener_domains

    @property
    def shortener_policy(self) -> int:
        return self._parts.shortener_policy

    @property
    def entry_count(self) -> int:
        return self._parts.header.fingerprint_count

    def info(self) -> BundleInfo:
        h = self._parts.header
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
        )
