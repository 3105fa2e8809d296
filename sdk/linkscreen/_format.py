"""The bundle's byte layout, shared by the server's writer and the SDK's reader.

docs/bundle-format.md is the specification; this module is its one implementation of the
constants, fixed-size structures, small variable sections and the two hash functions (Bloom
bit positions and fingerprints). All integers are little-endian. Nothing here does I/O.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import math
import struct
from dataclasses import dataclass

import mmh3

from .results import Action, ListInfo

MAGIC = b"LSBUNDLE"
ENVELOPE_VERSION = 1
FORMAT_VERSION = 1
SIG_ED25519 = 1

#: magic, envelope version, signature algorithm, reserved, key id, payload length.
ENVELOPE = struct.Struct("<8sHHI8sQ")
SIGNATURE_BYTES = 64
KEY_ID_BYTES = 8
#: Bytes a bundle has besides its payload: the envelope before it, the signature after it.
OVERHEAD = ENVELOPE.size + SIGNATURE_BYTES

#: format version, canonicalisation version, section count, tag bits, created, expires,
#: sequence, salt, Bloom seed, k, m, fingerprint count, list count, reserved, PSL version,
#: reserved.
PAYLOAD_HEADER = struct.Struct("<HHHHqqQ16sIIQQII32s16s")
SECTION_ENTRY = struct.Struct("<IIQQ")  # id, reserved, offset (from payload start), length

FINGERPRINT_BYTES = 16  # 128 bits: forging a hit costs ~2^128 / n hash evaluations
SALT_BYTES = 16
SECTION_ALIGN = 8  # sections start on 8-byte boundaries so native readers can map them

#: Bounds checked before anything is allocated or trusted.
MAX_BUNDLE_BYTES = 1 << 30
MAX_SECTIONS = 64
MAX_BLOOM_K = 64
MAX_LISTS = 1 << 16
MAX_TAG_BITS = 16
MAX_SHORTENERS = 1 << 20


class Section(enum.IntEnum):
    """Section ids. Readers ignore ids they do not know (forward compatible within a version)."""

    LISTS = 1
    SHORTENERS = 2
    BLOOM = 3
    FINGERPRINTS = 4
    TAGS = 5


#: Action codes in the list table.
ACTION_CODES = {Action.WARN: 1, Action.BLOCK: 2}
ACTIONS_BY_CODE = {code: action for action, code in ACTION_CODES.items()}


class FormatError(ValueError):
    """A structural problem in bytes that passed (or are about to pass) the signature check."""


@dataclass(frozen=True)
class Envelope:
    key_id: bytes
    payload_length: int


@dataclass(frozen=True)
class PayloadHeader:
    format_version: int
    canonicalization_version: int
    section_count: int
    tag_bits: int
    created: int
    expires: int
    sequence: int
    salt: bytes
    bloom_seed: int
    bloom_k: int
    bloom_bits: int
    fingerprint_count: int
    list_count: int
    psl_version: str

    def pack(self) -> bytes:
        return PAYLOAD_HEADER.pack(
            self.format_version,
            self.canonicalization_version,
            self.section_count,
            self.tag_bits,
            self.created,
            self.expires,
            self.sequence,
            self.salt,
            self.bloom_seed,
            self.bloom_k,
            self.bloom_bits,
            self.fingerprint_count,
            self.list_count,
            0,
            self.psl_version.encode("ascii"),
            bytes(16),
        )

    @classmethod
    def unpack(cls, data: bytes | memoryview) -> PayloadHeader:
        fields = PAYLOAD_HEADER.unpack_from(data, 0)
        (fv, cv, sections, tag_bits, created, expires, seq, salt, seed, k, m, n, lists) = fields[
            :13
        ]
        psl = bytes(fields[14]).rstrip(b"\0")
        try:
            psl_version = psl.decode("ascii")
        except UnicodeDecodeError:
            raise FormatError("PSL version is not ASCII") from None
        return cls(
            fv,
            cv,
            sections,
            tag_bits,
            created,
            expires,
            seq,
            bytes(salt),
            seed,
            k,
            m,
            n,
            lists,
            psl_version,
        )


def key_id(raw_public_key: bytes) -> bytes:
    """Key id: the first 8 bytes of SHA-256 of the raw 32-byte Ed25519 public key."""
    return hashlib.sha256(raw_public_key).digest()[:KEY_ID_BYTES]


def fingerprint(salt: bytes, expression: bytes) -> bytes:
    """First 16 bytes of SHA-256(salt || expression)."""
    return hashlib.sha256(salt + expression).digest()[:FINGERPRINT_BYTES]


_MASK64 = (1 << 64) - 1


def bloom_positions(expression: bytes, seed: int, k: int, m: int) -> list[int]:
    """Bit positions: (h1 + i*h2) mod 2^64 mod m for i < k, (h1, h2) = MurmurHash3_x64_128."""
    value = mmh3.hash128(expression, seed, x64arch=True, signed=False)
    h1, h2 = value & _MASK64, value >> 64
    return [((h1 + i * h2) & _MASK64) % m for i in range(k)]


def bloom_parameters(entries: int, fpr: float) -> tuple[int, int]:
    """``(m bits, k)`` for a target false-positive rate; m is a multiple of 64."""
    if not 0 < fpr < 1:
        raise ValueError(f"Bloom false-positive rate must be between 0 and 1, not {fpr}")
    n = max(entries, 1)
    bits = math.ceil(-n * math.log(fpr) / (math.log(2) ** 2))
    m = max(64, -(-bits // 64) * 64)
    # The optimum k for m, but no more than the target rate needs (tiny lists round m up).
    k = max(1, min(MAX_BLOOM_K, round(m / n * math.log(2)), math.ceil(-math.log2(fpr))))
    return m, k


def expected_fpr(entries: int, m: int, k: int) -> float:
    """The false-positive rate a Bloom filter of these sizes should show."""
    return float((1 - math.exp(-k * entries / m)) ** k)


#: Tag widths allowed: a tag never straddles a byte (or, for 16, a 2-byte word) boundary.
TAG_WIDTHS = (0, 1, 2, 4, 8, 16)


def tag_bits_for(list_count: int) -> int:
    """Bits per fingerprint row needed to name one of ``list_count`` lists (0 for one list)."""
    needed = max(0, (list_count - 1).bit_length())
    return next(width for width in TAG_WIDTHS if width >= needed)


def assemble_payload(
    header: PayloadHeader,
    lists: bytes,
    shorteners: bytes,
    bloom: bytes,
    fingerprints: bytes,
    tags: bytes,
) -> bytes:
    """The payload bytes, laid out exactly as docs/bundle-format.md says.

    Deterministic: the server signs what this returns, and an updating client rebuilds the
    same bytes from a delta and checks their hash against the signed manifest.
    """
    if len(header.salt) != SALT_BYTES:
        raise ValueError(f"salt must be {SALT_BYTES} bytes")
    if len(bloom) * 8 != header.bloom_bits:
        raise ValueError("Bloom array size does not match m")
    sections: list[tuple[Section, bytes]] = [
        (Section.LISTS, lists),
        (Section.SHORTENERS, shorteners),
        (Section.BLOOM, bloom),
        (Section.FINGERPRINTS, fingerprints),
    ]
    if header.tag_bits:
        sections.append((Section.TAGS, tags))
    header = dataclasses.replace(header, section_count=len(sections))
    offset = PAYLOAD_HEADER.size + len(sections) * SECTION_ENTRY.size
    offset += pad(offset)
    directory, body = bytearray(), bytearray()
    for section, data in sections:
        directory += SECTION_ENTRY.pack(section, 0, offset + len(body), len(data))
        body += data + bytes(pad(len(data)))
    payload = header.pack() + directory
    return bytes(payload + bytes(pad(len(payload))) + body)


def pad(length: int) -> int:
    """Zero bytes needed after ``length`` bytes to reach the next section boundary."""
    return -length % SECTION_ALIGN


# ---- list table -------------------------------------------------------------------------


def _pack_str(value: str) -> bytes:
    data = value.encode("utf-8")
    if len(data) > 0xFFFF:
        raise ValueError(f"string of {len(data)} bytes does not fit a u16 length")
    return struct.pack("<H", len(data)) + data


class _Reader:
    """Bounds-checked cursor over a section."""

    def __init__(self, data: bytes | memoryview, what: str) -> None:
        self.data = data
        self.pos = 0
        self.what = what

    def take(self, size: int) -> bytes:
        end = self.pos + size
        if end > len(self.data):
            raise FormatError(f"{self.what} section ends inside a field at byte {self.pos}")
        chunk = bytes(self.data[self.pos : end])
        self.pos = end
        return chunk

    def u8(self) -> int:
        return self.take(1)[0]

    def u16(self) -> int:
        value: int = struct.unpack("<H", self.take(2))[0]
        return value

    def text(self) -> str:
        try:
            return self.take(self.u16()).decode("utf-8")
        except UnicodeDecodeError:
            raise FormatError(f"{self.what} section holds invalid UTF-8") from None


def encode_lists(lists: list[ListInfo]) -> bytes:
    out = bytearray()
    for info in lists:
        out += struct.pack("<BB", ACTION_CODES[info.action], 0)
        out += _pack_str(info.id) + _pack_str(info.category)
        out += struct.pack("<H", len(info.deterrence))
        for locale, text, link in info.deterrence:
            out += _pack_str(locale) + _pack_str(text) + _pack_str(link)
    return bytes(out)


def decode_lists(data: bytes | memoryview, count: int) -> tuple[ListInfo, ...]:
    reader = _Reader(data, "list table")
    lists = []
    for _ in range(count):
        action_value, _reserved = reader.u8(), reader.u8()
        if action_value not in ACTIONS_BY_CODE:
            raise FormatError(f"list action {action_value} is neither warn (1) nor block (2)")
        list_id, category = reader.text(), reader.text()
        messages = tuple((reader.text(), reader.text(), reader.text()) for _ in range(reader.u16()))
        lists.append(ListInfo(list_id, ACTIONS_BY_CODE[action_value], category, messages))
    if reader.pos != len(data):
        raise FormatError("list table has trailing bytes")
    return tuple(lists)


# ---- shortener domains ------------------------------------------------------------------

#: What the app is told about a shortened link whose target the bundle does not know.
SHORTENER_POLICY_ALLOW = 0  # allow, flagged as shortened
SHORTENER_POLICY_WARN = 1


def encode_shorteners(domains: list[str], policy: int = SHORTENER_POLICY_ALLOW) -> bytes:
    out = bytearray(struct.pack("<BBHI", policy, 0, 0, len(domains)))
    for domain in sorted(set(domains)):
        data = domain.encode("ascii")
        if not 0 < len(data) < 256:
            raise ValueError(f"shortener domain {domain!r} must be 1-255 ASCII bytes")
        out += bytes([len(data)]) + data
    return bytes(out)


def decode_shorteners(data: bytes | memoryview) -> tuple[int, frozenset[str]]:
    reader = _Reader(data, "shortener")
    policy, _r1, _r2, count = struct.unpack("<BBHI", reader.take(8))
    if count > MAX_SHORTENERS:
        raise FormatError(f"{count} shortener domains exceeds the bound {MAX_SHORTENERS}")
    domains = []
    for _ in range(count):
        raw = reader.take(reader.u8())
        if not raw.isascii():
            raise FormatError("shortener domain is not ASCII")
        domains.append(raw.decode("ascii"))
    return policy, frozenset(domains)


# ---- tags -------------------------------------------------------------------------------


def pack_tags(tags: list[int], bits: int) -> bytes:
    """Row i's list index in bits [i*bits, (i+1)*bits), least significant bit first."""
    if bits == 0:
        return b""
    if bits == 16:
        return struct.pack(f"<{len(tags)}H", *tags)
    out = bytearray(-(-len(tags) * bits // 8))
    for row, tag in enumerate(tags):
        start = row * bits
        out[start >> 3] |= tag << (start & 7)
    return bytes(out)


def tag_at(data: bytes | memoryview, bits: int, row: int) -> int:
    """The list index of fingerprint row ``row``."""
    if bits == 0:
        return 0
    if bits == 16:
        return int(data[2 * row]) | int(data[2 * row + 1]) << 8
    start = row * bits
    return (int(data[start >> 3]) >> (start & 7)) & ((1 << bits) - 1)
