"""The bundle format's low layer: every byte of docs/bundle-format.md, defined once.

This is the ``hazmat`` of linkscreen: the envelope, header and section tables below are the one
description of the layout that the writer, the reader, the delta code, ``linkscreen inspect``
and the docs' tables share (a test checks the docs against them). It encodes and decodes; it
verifies no signature and does no I/O. Apps use :class:`linkscreen.Bundle`, which checks the
signature before this module parses a byte. Every decoder bounds every size and refuses
anything but the one canonical layout, raising :class:`~linkscreen.BundleCorruptError` (or
:class:`~linkscreen.UnsupportedBundleVersionError`). All integers are little-endian.
"""

from __future__ import annotations

import array
import base64
import dataclasses
import hashlib
import math
import operator
import struct
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from enum import IntEnum
from itertools import accumulate, pairwise

import mmh3

from .. import locales
from .._wrappers import DECODINGS, MAX_RULES, WrapperRule, parse_rules
from ..errors import BundleCorruptError, UnsupportedBundleVersionError
from ..psl import PSL_RUN_NAMES, PslRules
from ..results import Action, ListInfo

__all__ = [
    "ENVELOPE",
    "ENVELOPE_FIELDS",
    "FINGERPRINT_BYTES",
    "FORMAT_VERSION",
    "HEADER_FIELDS",
    "MAGIC",
    "OVERHEAD",
    "PAYLOAD_HEADER",
    "PSL_RUN_NAMES",
    "READABLE_FORMAT_VERSIONS",
    "SECTIONS",
    "SECTION_ENTRY",
    "SECTION_ENTRY_FIELDS",
    "EncodedRows",
    "Field",
    "FingerprintTable",
    "Payload",
    "PayloadHeader",
    "PslRules",
    "Section",
    "SectionSpec",
    "WrapperRule",
    "assemble_payload",
    "bloom_parameters",
    "bloom_positions",
    "build_payload",
    "check_header",
    "check_tags_fit",
    "decode_default_locales",
    "decode_names",
    "decode_redirect_rules",
    "encode_default_locales",
    "encode_names",
    "encode_redirect_rules",
    "encode_rows",
    "expected_fpr",
    "fingerprint",
    "fingerprint_prefix_bytes_for",
    "key_id",
    "parse_payload",
    "parse_redirect_rule",
    "redirect_rule_line",
]

MAGIC = b"LSBUNDLE"
ENVELOPE_VERSION = 1
SIG_ED25519 = 1
#: The format version this code writes, and the ones it reads (version 1: no PSL section,
#: full 16-byte fingerprint rows, length-prefixed shortener domains).
FORMAT_VERSION = 2
READABLE_FORMAT_VERSIONS = (1, 2)


# ---- the one description of the fixed structures ------------------------------------------


@dataclass(frozen=True)
class Field:
    """One fixed-size field: its name, ``struct`` code and what it holds (the docs' words)."""

    name: str
    code: str
    doc: str

    @property
    def size(self) -> int:
        return struct.calcsize("<" + self.code)

    @property
    def reserved(self) -> bool:
        return self.name == "reserved"


def field_offsets(layout: Sequence[Field]) -> list[tuple[int, Field]]:
    """``(offset, field)`` pairs of a layout, as the docs' tables list them."""
    starts = accumulate((f.size for f in layout), initial=0)
    return list(zip(starts, layout, strict=False))


def _struct(layout: Sequence[Field]) -> struct.Struct:
    return struct.Struct("<" + "".join(f.code for f in layout))


ENVELOPE_FIELDS = (
    Field("magic", "8s", '"LSBUNDLE" (4C 53 42 55 4E 44 4C 45)'),
    Field("envelope_version", "H", "1"),
    Field("signature_algorithm", "H", "1 = Ed25519"),
    Field("reserved", "I", "0"),
    Field("key_id", "8s", "first 8 bytes of SHA-256(raw 32-byte Ed25519 public key)"),
    Field("payload_length", "Q", "P: the payload's length in bytes"),
)
ENVELOPE = _struct(ENVELOPE_FIELDS)
SIGNATURE_BYTES = 64
KEY_ID_BYTES = 8
#: Bytes a bundle has besides its payload: the envelope before it, the signature after it.
OVERHEAD = ENVELOPE.size + SIGNATURE_BYTES

HEADER_FIELDS = (
    Field("format_version", "H", "1 or 2 (this page describes 2; section 7 lists 1's differences)"),
    Field("canonicalization_version", "H", "docs/canonicalization.md; another one is refused"),
    Field("section_count", "H", "S, at most 64"),
    Field("tag_bits", "H", "bits per row naming its list: 0, 1, 2, 4, 8 or 16"),
    Field("created", "q", "i64, Unix seconds"),
    Field("expires", "q", "i64, Unix seconds; past it the bundle is stale (still usable)"),
    Field("sequence", "Q", "increases with every bundle of a publisher"),
    Field("salt", "16s", "for fingerprints"),
    Field("bloom_seed", "I", "MurmurHash3 seed"),
    Field("bloom_k", "I", "hash count, 1..64"),
    Field("bloom_bits", "Q", "m, a non-zero multiple of 64"),
    Field("fingerprint_count", "Q", "n, rows in the fingerprint table"),
    Field("list_count", "I", "L, 1 <= L <= 2^tag_bits"),
    Field("fingerprint_prefix_bytes", "B", "p: leading fingerprint bytes held by the buckets, 0-2"),
    Field("reserved", "3s", "0"),
    Field("psl_version", "32s", "ASCII, NUL-padded: the Public Suffix List's version"),
    Field("reserved", "16s", "0"),
)
PAYLOAD_HEADER = _struct(HEADER_FIELDS)

SECTION_ENTRY_FIELDS = (
    Field("id", "I", "section id"),
    Field("reserved", "I", "0"),
    Field("offset", "Q", "from the start of the payload"),
    Field("length", "Q", "in bytes, padding excluded"),
)
SECTION_ENTRY = _struct(SECTION_ENTRY_FIELDS)

FINGERPRINT_BYTES = 16  # 128 bits: forging a hit costs ~2^128 / n hash evaluations
SALT_BYTES = 16
SECTION_ALIGN = 8  # sections start on 8-byte boundaries so native readers can use them in place

#: Bounds checked before anything is allocated or trusted.
MAX_BUNDLE_BYTES = 1 << 30
MAX_SECTIONS = 64
MAX_BLOOM_K = 64
MAX_LISTS = 1 << 16
MAX_MESSAGES_PER_LIST = 256  # deterrence texts per list row: one per locale is plenty
#: The list table may hold this much plus LIST_TABLE_BYTES_PER_ENTRY per fingerprint row, so
#: a hostile table cannot cost more to open than the entries it claims to describe.
LIST_TABLE_BASE_BYTES = 1 << 20
LIST_TABLE_BYTES_PER_ENTRY = 64
MAX_SHORTENERS = 1 << 20
MAX_PSL_RULES = 1 << 20
MAX_TAG_BITS = 16
MAX_NAME_BYTES = 253  # a DNS name
MAX_LOCALE_BYTES = locales.MAX_TAG_CHARS  # a default locale (section 9)


class Section(IntEnum):
    """Section ids. Readers ignore ids they do not know (forward compatible within a version)."""

    LISTS = 1
    SHORTENERS = 2
    BLOOM = 3
    FINGERPRINTS = 4
    TAGS = 5
    BUCKETS = 6
    PSL = 7
    REDIRECTS = 8
    DEFAULT_LOCALES = 9


@dataclass(frozen=True)
class SectionSpec:
    """What the docs' section table says of one section; ``carried`` sections travel in a
    delta as bytes, the others are rebuilt from the delta's rows and Bloom bits."""

    id: Section
    name: str
    length: str
    required: str
    carried: bool


SECTIONS = (
    SectionSpec(Section.LISTS, "list table", "variable", "yes", carried=True),
    SectionSpec(Section.SHORTENERS, "URL-shortener domains", "variable", "no", carried=True),
    SectionSpec(Section.BLOOM, "Bloom filter", "m / 8", "yes", carried=False),
    SectionSpec(Section.FINGERPRINTS, "fingerprint table", "n × (16 − p)", "yes", carried=False),
    SectionSpec(Section.TAGS, "row tags", "⌈n × tag_bits / 8⌉", "when tag_bits > 0", False),
    SectionSpec(
        Section.BUCKETS,
        "fingerprint buckets",
        "1028, + ⌈(65536 + n) / 8⌉ if p = 2",
        "when p > 0",
        carried=False,
    ),
    SectionSpec(Section.PSL, "Public Suffix List", "variable", "yes (version 2)", carried=True),
    SectionSpec(Section.REDIRECTS, "redirect-wrapper rules", "variable", "no", carried=True),
    SectionSpec(Section.DEFAULT_LOCALES, "list default locales", "variable", "no", carried=True),
)
#: Sections a delta rebuilds instead of carrying.
DERIVED_SECTIONS = frozenset(spec.id for spec in SECTIONS if not spec.carried)

#: Action codes in the list table.
ACTION_CODES = {Action.WARN: 1, Action.BLOCK: 2}
ACTIONS_BY_CODE = {code: action for action, code in ACTION_CODES.items()}

#: What the app is told about a shortened link whose target the bundle does not know.
SHORTENER_POLICY_ALLOW = 0  # allow, flagged as shortened
SHORTENER_POLICY_WARN = 1
SHORTENER_POLICIES = (SHORTENER_POLICY_ALLOW, SHORTENER_POLICY_WARN)


def _corrupt(message: str) -> BundleCorruptError:
    return BundleCorruptError(message)


# ---- header --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PayloadHeader:
    """The payload header; its fields are HEADER_FIELDS' non-reserved ones, in order."""

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
    fingerprint_prefix_bytes: int
    psl_version: str

    def pack(self) -> bytes:
        values: list[object] = []
        for spec in HEADER_FIELDS:
            if spec.reserved:
                values.append(0 if spec.code in "BHIQ" else bytes(spec.size))
            elif spec.name == "psl_version":
                values.append(self.psl_version.encode("ascii"))
            else:
                values.append(getattr(self, spec.name))
        return PAYLOAD_HEADER.pack(*values)

    @classmethod
    def unpack(cls, data: bytes | memoryview) -> PayloadHeader:
        """Read a header; reserved bytes must be zero and the PSL version ASCII."""
        if len(data) < PAYLOAD_HEADER.size:
            raise _corrupt("payload shorter than its header")
        values = {}
        for spec, value in zip(HEADER_FIELDS, PAYLOAD_HEADER.unpack_from(data, 0), strict=True):
            if spec.reserved:
                if value not in (0, bytes(spec.size)):
                    raise _corrupt("a reserved header field is not zero")
                continue
            values[spec.name] = value
        raw = bytes(values["psl_version"])
        text = raw.rstrip(b"\0")
        if b"\0" in text or not all(0x20 < byte < 0x7F for byte in text):
            raise _corrupt("PSL version is not printable ASCII")
        values["psl_version"] = text.decode("ascii")
        values["salt"] = bytes(values["salt"])
        return cls(**values)


def header_field_names() -> list[str]:
    """The dataclass fields, which must be HEADER_FIELDS' non-reserved names (a test checks)."""
    return [f.name for f in fields(PayloadHeader)]


# ---- hashing -------------------------------------------------------------------------------


def key_id(raw_public_key: bytes) -> bytes:
    """Key id: the first 8 bytes of SHA-256 of the raw 32-byte Ed25519 public key."""
    return hashlib.sha256(raw_public_key).digest()[:KEY_ID_BYTES]


def fingerprint(salt: bytes, expression: bytes) -> bytes:
    """First 16 bytes of SHA-256(salt || expression): the one fingerprint function."""
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


# ---- layout --------------------------------------------------------------------------------


def pad(length: int) -> int:
    """Zero bytes needed after ``length`` bytes to reach the next section boundary."""
    return -length % SECTION_ALIGN


def assemble_payload(header: PayloadHeader, sections: Mapping[int, bytes]) -> bytes:
    """The payload: header, directory in ascending id order, then each section in that order,
    each padded with zeros to 8 bytes. The only layout a reader accepts, so the bytes are a
    function of the content (the server signs them; a delta rebuilds them exactly)."""
    if len(header.salt) != SALT_BYTES:
        raise ValueError(f"salt must be {SALT_BYTES} bytes")
    if len(sections) > MAX_SECTIONS:
        raise ValueError(f"{len(sections)} sections exceeds {MAX_SECTIONS}")
    ids = sorted(sections)
    head = dataclasses.replace(header, section_count=len(ids)).pack()
    offset = len(head) + len(ids) * SECTION_ENTRY.size
    directory, body = bytearray(), bytearray()
    for section_id in ids:
        data = sections[section_id]
        directory += SECTION_ENTRY.pack(section_id, 0, offset + len(body), len(data))
        body += data + bytes(pad(len(data)))
    return head + bytes(directory) + bytes(body)


def _directory(payload: memoryview, header: PayloadHeader) -> dict[int, tuple[int, int]]:
    """Section id -> (offset, length), checking the canonical layout: ids strictly ascending,
    each section right after the previous one's padding, zero padding, nothing after the last."""
    count = header.section_count
    if count > MAX_SECTIONS:
        raise _corrupt(f"{count} sections exceeds {MAX_SECTIONS}")
    expected = PAYLOAD_HEADER.size + count * SECTION_ENTRY.size
    if expected > len(payload):
        raise _corrupt("section directory runs past the payload")
    sections: dict[int, tuple[int, int]] = {}
    previous_id = 0
    for index in range(count):
        section_id, reserved, offset, length = SECTION_ENTRY.unpack_from(
            payload, PAYLOAD_HEADER.size + index * SECTION_ENTRY.size
        )
        if section_id <= previous_id:
            raise _corrupt(f"section {section_id} is out of order or appears twice")
        if reserved:
            raise _corrupt(f"section {section_id}'s reserved field is not zero")
        if offset != expected:
            raise _corrupt(f"section {section_id} does not start where the layout says")
        if length > len(payload) - offset:
            raise _corrupt(f"section {section_id} lies outside the payload")
        end = offset + length
        expected = end + pad(end)
        if expected > len(payload) or any(payload[end:expected]):
            raise _corrupt(f"section {section_id} is not followed by zero padding")
        sections[section_id] = (offset, length)
        previous_id = section_id
    if expected != len(payload):
        raise _corrupt(f"{len(payload) - expected} bytes after the last section")
    return sections


# ---- list table ----------------------------------------------------------------------------


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
            raise _corrupt(f"{self.what} section ends inside a field at byte {self.pos}")
        chunk = bytes(self.data[self.pos : end])
        self.pos = end
        return chunk

    def u8(self) -> int:
        return self.take(1)[0]

    def u16(self) -> int:
        value: int = struct.unpack("<H", self.take(2))[0]
        return value

    def u32(self) -> int:
        value: int = struct.unpack("<I", self.take(4))[0]
        return value

    def text(self) -> str:
        try:
            return self.take(self.u16()).decode("utf-8")
        except UnicodeDecodeError:
            raise _corrupt(f"{self.what} section holds invalid UTF-8") from None

    def end(self) -> None:
        if self.pos != len(self.data):
            raise _corrupt(f"{self.what} section has {len(self.data) - self.pos} trailing bytes")


def encode_lists(lists: Sequence[ListInfo]) -> bytes:
    out = bytearray()
    for info in lists:
        if len(info.deterrence) > MAX_MESSAGES_PER_LIST:
            raise ValueError(f"list {info.id!r} has more than {MAX_MESSAGES_PER_LIST} messages")
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
        action_value, reserved = reader.u8(), reader.u8()
        if action_value not in ACTIONS_BY_CODE:
            raise _corrupt(f"list action {action_value} is neither warn (1) nor block (2)")
        if reserved:
            raise _corrupt("a list record's reserved byte is not zero")
        list_id, category = reader.text(), reader.text()
        messages = reader.u16()
        if messages > MAX_MESSAGES_PER_LIST:
            raise _corrupt(f"list {list_id!r} has {messages} messages, at most "
                           f"{MAX_MESSAGES_PER_LIST} are allowed")  # fmt: skip
        deterrence = tuple((reader.text(), reader.text(), reader.text()) for _ in range(messages))
        lists.append(ListInfo(list_id, ACTIONS_BY_CODE[action_value], category, deterrence))
    reader.end()
    return tuple(lists)


# ---- list default locales (section 9) -----------------------------------------------------


def encode_default_locales(lists: Sequence[ListInfo]) -> bytes | None:
    """One ``str`` per list row, in list-index order: the row's default locale exactly as one
    of its messages names it, or empty for none. None when no row has one (no section)."""
    if not any(info.default_locale for info in lists):
        return None
    out = bytearray()
    for info in lists:
        default = info.default_locale or ""
        if default and default not in (message[0] for message in info.deterrence):
            raise ValueError(f"list {info.id!r}: default locale {default!r} has no message")
        out += _pack_str(default)
    return bytes(out)


def decode_default_locales(
    data: bytes | memoryview, lists: Sequence[ListInfo]
) -> tuple[ListInfo, ...]:
    """``lists`` with their default locales from section 9 (one entry per row, each empty or
    the locale of one of that row's messages, at most MAX_LOCALE_BYTES; nothing after)."""
    reader = _Reader(data, "default locale")
    out = []
    for info in lists:
        default = reader.text()
        if len(default) > MAX_LOCALE_BYTES:
            raise _corrupt(f"list {info.id!r}: default locale of {len(default)} characters")
        if default and default not in (message[0] for message in info.deterrence):
            raise _corrupt(f"list {info.id!r}: default locale {default[:64]!r} has no message")
        out.append(dataclasses.replace(info, default_locale=default or None))
    reader.end()
    return tuple(out)


# ---- redirect-wrapper rules (section 8) -----------------------------------------------------

#: Bounds of section 8: rules (the SDK's own list shares the bound) and bytes per rule line.
MAX_REDIRECT_RULES = MAX_RULES
MAX_REDIRECT_RULE_BYTES = 1024
#: What a rule line may hold: printable ASCII; fields are separated by exactly one space.
_RULE_BYTES = bytes(range(0x21, 0x7F))


def redirect_rule_line(rule: WrapperRule) -> str:
    """A rule's one canonical line: ``HOST PATH PARAMETERS DECODING``, single spaces."""
    return f"{rule.host} {rule.path} {','.join(rule.parameters)} {rule.decoding}"


def encode_redirect_rules(rules: Sequence[WrapperRule]) -> bytes | None:
    """Section 8: each distinct rule's canonical line plus LF, lines sorted ascending (bytes);
    None when there is no rule (no section)."""
    lines = sorted({redirect_rule_line(rule).encode("ascii") for rule in rules})
    if not lines:
        return None
    if len(lines) > MAX_REDIRECT_RULES:
        raise ValueError(f"{len(lines)} redirect-wrapper rules, at most {MAX_REDIRECT_RULES}")
    for line in lines:
        _check_rule_line(line, ValueError)
    return b"".join(line + b"\n" for line in lines)


def parse_redirect_rule(text: str) -> WrapperRule:
    """One rule from an operator's line, ``HOST PATH PARAMETERS [DECODING]`` (any white space
    between fields, no comment); ValueError says what is wrong. The grammar is
    docs/extraction.md's "Redirect wrappers"."""
    fields = text.split()
    if len(fields) not in (3, 4):
        raise ValueError("expected HOST /PATH PARAMETERS [DECODING]")
    if not all(field.isascii() and field.isprintable() and "#" not in field for field in fields):
        raise ValueError("a rule is printable ASCII without '#'")
    host, path, parameters = fields[:3]
    decoding = fields[3] if len(fields) == 4 else "percent"
    if not path.startswith("/"):
        raise ValueError(f"the path {path!r} does not start with '/'")
    if decoding not in DECODINGS:
        raise ValueError(f"unknown decoding {decoding!r} (known: {', '.join(sorted(DECODINGS))})")
    if any(not name for name in parameters.split(",")):
        raise ValueError(f"empty parameter name in {parameters!r}")
    (rule,) = parse_rules(" ".join([host.lower(), path, parameters, decoding]), "rule")
    return rule


def _check_rule_line(line: bytes, error: type[Exception]) -> WrapperRule:
    """The rule of one canonical line, or ``error`` saying what is wrong with it."""
    if not line or len(line) > MAX_REDIRECT_RULE_BYTES:
        raise error(f"redirect-wrapper rule of {len(line)} bytes (1-{MAX_REDIRECT_RULE_BYTES})")
    if line.translate(None, _RULE_BYTES + b" "):
        raise error(f"redirect-wrapper rule {line[:80]!r} is not printable ASCII")
    try:
        rule = parse_redirect_rule(line.decode("ascii"))
    except ValueError as exc:
        raise error(f"redirect-wrapper rule {line[:80]!r}: {exc}") from None
    if redirect_rule_line(rule).encode("ascii") != line:
        raise error(f"redirect-wrapper rule {line[:80]!r} is not in canonical form")
    return rule


def decode_redirect_rules(data: bytes | memoryview) -> tuple[WrapperRule, ...]:
    """Section 8's rules, every line checked: canonical, strictly ascending, LF-terminated."""
    raw = bytes(data)
    if len(raw) > MAX_REDIRECT_RULES * (MAX_REDIRECT_RULE_BYTES + 1):
        raise _corrupt(f"redirect-wrapper section of {len(raw)} bytes exceeds its bound")
    if not raw.endswith(b"\n"):
        raise _corrupt("redirect-wrapper section does not end with a line feed")
    lines = raw[:-1].split(b"\n")
    if len(lines) > MAX_REDIRECT_RULES:
        raise _corrupt(f"{len(lines)} redirect-wrapper rules, at most {MAX_REDIRECT_RULES}")
    if not all(map(operator.lt, lines, lines[1:])):
        raise _corrupt("redirect-wrapper rules are not strictly ascending")
    return tuple(_check_rule_line(line, BundleCorruptError) for line in lines)


def max_list_table_bytes(fingerprint_count: int) -> int:
    """The largest list table a bundle of ``fingerprint_count`` rows may carry."""
    return LIST_TABLE_BASE_BYTES + LIST_TABLE_BYTES_PER_ENTRY * fingerprint_count


# ---- name runs: sorted, front-coded DNS names in 6-bit symbols ------------------------------

#: Characters a name may hold (canonical host characters), in ASCII order: symbol i + 1 is
#: character i, so symbols sort as the characters do. Symbol 0 is unused, 63 ends a name.
NAME_ALPHABET = b"-.0123456789_abcdefghijklmnopqrstuvwxyz"
END_SYMBOL = 63
MAX_SHARED_SYMBOL = 62  # the shared-prefix count is one symbol below END
_TO_SYMBOL = bytes.maketrans(NAME_ALPHABET, bytes(range(1, len(NAME_ALPHABET) + 1)))
_FROM_SYMBOL = bytes.maketrans(bytes(range(1, len(NAME_ALPHABET) + 1)) + bytes([END_SYMBOL]),
                               NAME_ALPHABET + b"\n")  # fmt: skip
_NAME_SYMBOLS = bytes(range(1, len(NAME_ALPHABET) + 1))
_BASE64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_SYMBOL_TO_B64 = bytes.maketrans(bytes(range(64)), _BASE64)
_B64_TO_SYMBOL = bytes.maketrans(_BASE64, bytes(range(64)))


def encode_names(runs: Sequence[Sequence[str]]) -> bytes:
    """Name runs as one stream of 6-bit symbols, most significant bit first, zero-padded to a
    byte: per name, a symbol counting the characters it shares with the previous name of its
    run (at most 62), the rest of its characters, and the END symbol. Names of a run must be
    strictly ascending, 1-253 characters of ``a-z 0-9 - _ .`` with no empty label."""
    symbols = bytearray()
    for names in runs:
        previous = b""
        for name in names:
            if not name.isascii():
                raise ValueError(
                    f"name {name!r} is not ASCII: names are a-z 0-9 - _ . "
                    "(write an internationalised name in its xn-- form)"
                )
            raw = name.encode("ascii")
            _check_name(raw, previous)
            shared = 0
            limit = min(len(raw) - 1, len(previous), MAX_SHARED_SYMBOL)
            while shared < limit and raw[shared] == previous[shared]:
                shared += 1
            symbols.append(shared)
            symbols += raw[shared:].translate(_TO_SYMBOL)
            symbols.append(END_SYMBOL)
            previous = raw
    length = -(-len(symbols) * 6 // 8)
    symbols += bytes(-len(symbols) % 4)  # whole base64 quanta; the padding decodes to zeros
    return base64.b64decode(bytes(symbols).translate(_SYMBOL_TO_B64))[:length]


def _check_name(raw: bytes, previous: bytes) -> None:
    if not raw or len(raw) > MAX_NAME_BYTES:
        raise ValueError(f"name of {len(raw)} bytes: names are 1-{MAX_NAME_BYTES} bytes")
    if raw.translate(None, NAME_ALPHABET) or raw[0] == 0x2E or raw[-1] == 0x2E or b".." in raw:
        raise ValueError(f"name {raw[:64]!r} is not a lowercase host name")
    if raw <= previous:
        raise ValueError(f"name {raw[:64]!r} is not after {previous[:64]!r}: names must ascend")


def decode_names(
    data: bytes | memoryview, pos: int, counts: Sequence[int], what: str
) -> list[list[str]]:
    """Decode the name runs of ``counts`` names each that fill ``data[pos:]`` exactly.

    Checks every name as :func:`encode_names` requires, and that the stream ends with the last
    name (zero padding only), with the per-name work in C (base64, translate, split,
    comparisons) and one Python step per name.
    """
    stream = bytes(data[pos:])
    total = sum(counts)
    symbols = base64.b64encode(stream).translate(_B64_TO_SYMBOL)[: len(stream) * 8 // 6]
    records = symbols.split(bytes([END_SYMBOL]), total)
    if len(records) <= total:
        raise _corrupt(f"{what}: the name runs end early")
    used = len(symbols) - len(records[total])  # symbols up to the last END
    if -(-used * 6 // 8) != len(stream) or any(records[total]):
        raise _corrupt(f"{what}: bytes after the last name")
    if stream and stream[-1] & ((1 << (len(stream) * 8 - used * 6)) - 1):
        raise _corrupt(f"{what}: padding bits are set")
    records = records[:total]
    if records and min(map(len, records)) < 2:
        raise _corrupt(f"{what}: an empty name")
    runs: list[list[str]] = []
    start = 0
    for count in counts:
        chunk = records[start : start + count]
        start += count
        shared = [record[0] for record in chunk]
        raw = list(accumulate(chunk, _extend, initial=b""))[1:]
        if shared and (shared[0] or not all(map(operator.le, shared[1:], map(len, raw)))):
            raise _corrupt(f"{what}: a name's shared prefix is out of range")
        joined = bytes([END_SYMBOL]).join(raw)
        if joined.translate(None, _NAME_SYMBOLS + bytes([END_SYMBOL])):
            raise _corrupt(f"{what}: a name holds a symbol that is no character")
        text = joined.translate(_FROM_SYMBOL)
        names = text.decode("ascii").split("\n") if raw else []
        if raw and (
            text[:1] == b"."
            or text[-1:] == b"."
            or b".." in text
            or b"\n." in text
            or b".\n" in text
            or max(map(len, names)) > MAX_NAME_BYTES
        ):
            raise _corrupt(f"{what}: a name is not a host name")
        if not all(map(operator.lt, names, names[1:])):
            raise _corrupt(f"{what}: names do not ascend strictly")
        runs.append(names)
    return runs


def _extend(previous: bytes, record: bytes) -> bytes:
    """Front coding: the previous name's first ``record[0]`` symbols, then the rest."""
    return previous[: record[0]] + record[1:]


# ---- URL-shortener domains -----------------------------------------------------------------

_SHORTENER_HEAD = struct.Struct("<BBHI")  # policy, reserved, reserved, count


def encode_shorteners(domains: Sequence[str], policy: int = SHORTENER_POLICY_ALLOW) -> bytes:
    """Policy, count, then the domains as a name run of label-reversed names (``ly.bit``)."""
    if policy not in SHORTENER_POLICIES:
        raise ValueError(f"unknown shortener policy {policy}")
    names = sorted({reverse_labels(domain) for domain in domains})
    return _SHORTENER_HEAD.pack(policy, 0, 0, len(names)) + encode_names([names])


def decode_shorteners(data: bytes | memoryview, version: int) -> tuple[int, frozenset[str]]:
    reader = _Reader(data, "shortener")
    policy, reserved1, reserved2, count = _SHORTENER_HEAD.unpack(reader.take(8))
    if policy not in SHORTENER_POLICIES or reserved1 or reserved2:
        raise _corrupt(f"shortener section: unknown policy {policy} or reserved bytes set")
    if count > MAX_SHORTENERS:
        raise _corrupt(f"{count} shortener domains exceeds the bound {MAX_SHORTENERS}")
    if version == 1:
        domains, previous = [], b""
        for _ in range(count):
            raw = reader.take(reader.u8())
            if not raw or not raw.isascii() or raw <= previous:
                raise _corrupt("shortener domains are not sorted, unique, non-empty ASCII")
            domains.append(raw.decode("ascii"))
            previous = raw
        reader.end()
        return policy, frozenset(domains)
    (names,) = decode_names(data, 8, [count], "shortener section")
    return policy, frozenset(reverse_labels(name) for name in names)


def reverse_labels(name: str) -> str:
    """``www.example.com`` <-> ``com.example.www``: names are stored TLD first."""
    return ".".join(reversed(name.split(".")))


# ---- Public Suffix List --------------------------------------------------------------------


_PSL_COUNTS = struct.Struct("<6I")


def encode_psl(rules: PslRules) -> bytes:
    """Six u32 rule counts (in PslRules' field order), then the six name runs."""
    runs = rules.runs()
    return _PSL_COUNTS.pack(*(len(run) for run in runs)) + encode_names(runs)


def decode_psl(data: bytes | memoryview) -> PslRules:
    if len(data) < _PSL_COUNTS.size:
        raise _corrupt("PSL section shorter than its rule counts")
    counts = _PSL_COUNTS.unpack_from(data, 0)
    if sum(counts) > MAX_PSL_RULES or sum(counts) * 2 > len(data):
        raise _corrupt(f"PSL section claims {sum(counts)} rules it cannot hold")
    runs = decode_names(data, _PSL_COUNTS.size, counts, "PSL section")
    rules = PslRules(*(tuple(run) for run in runs))
    if any("." not in name for name in rules.icann_exceptions + rules.private_exceptions):
        raise _corrupt("PSL section holds an exception rule of one label")
    return rules


# ---- fingerprint table and its buckets ------------------------------------------------------

_BUCKET_OFFSETS = struct.Struct("<257I")
#: Second-byte buckets under each leading byte when p = 2 (one zero bit each in the bitmap).
_SUBBUCKETS = 256


def fingerprint_prefix_bytes_for(count: int) -> int:
    """p, the leading fingerprint bytes the bucket index makes implicit: the smallest layout."""
    sizes = [
        (count * FINGERPRINT_BYTES, 0),
        (count * (FINGERPRINT_BYTES - 1) + _BUCKET_OFFSETS.size, 1),
        (count * (FINGERPRINT_BYTES - 2) + _BUCKET_OFFSETS.size + _bitmap_bytes(count), 2),
    ]
    return min(sizes)[1]


def _bitmap_bytes(count: int) -> int:
    return -(-(256 * _SUBBUCKETS + count) // 8)


def buckets_length(count: int, prefix_bytes: int) -> int:
    """Length of the bucket section for ``count`` rows and ``prefix_bytes`` = p."""
    if prefix_bytes == 0:
        return 0
    return _BUCKET_OFFSETS.size + (_bitmap_bytes(count) if prefix_bytes == 2 else 0)


def encode_fingerprint_table(
    fingerprints: Sequence[bytes], prefix_bytes: int
) -> tuple[bytes, bytes]:
    """``(table, buckets)`` for sorted 16-byte fingerprints.

    p = 0: the table is the rows. p = 1: rows drop their first byte; buckets are 257 u32
    offsets, rows whose first byte is t being rows [offset[t], offset[t+1]). p = 2: rows drop
    two bytes; after the offsets comes a bitmap, LSB first: for each 16-bit prefix b in
    ascending order, one 1-bit per row with that prefix and then one 0-bit. (That is
    Elias-Fano's upper half; the offsets find prefix t's run at bit 256*t + offset[t].)
    """
    width = FINGERPRINT_BYTES
    if any(len(fp) != width for fp in fingerprints):
        raise ValueError("fingerprints are 16 bytes")
    table = b"".join(fp[prefix_bytes:] for fp in fingerprints)
    if prefix_bytes == 0:
        return table, b""
    counts = [0] * 256
    for fp in fingerprints:
        counts[fp[0]] += 1
    offsets = _BUCKET_OFFSETS.pack(*accumulate(counts, initial=0))
    if prefix_bytes == 1:
        return table, offsets
    bitmap = bytearray(_bitmap_bytes(len(fingerprints)))
    for row, fp in enumerate(fingerprints):
        bit = row + (fp[0] << 8 | fp[1])  # ones before it: row; zeros before it: its prefix
        bitmap[bit >> 3] |= 1 << (bit & 7)
    return table, offsets + bytes(bitmap)


@dataclass(frozen=True)
class FingerprintTable:
    """The sorted fingerprint rows of a payload, p leading bytes held by the bucket index.

    Immutable; holds views into the payload and no object per row.
    """

    rows: memoryview
    count: int
    prefix_bytes: int
    offsets: tuple[int, ...]
    bitmap: memoryview

    @property
    def row_bytes(self) -> int:
        return FINGERPRINT_BYTES - self.prefix_bytes

    def find(self, wanted: bytes) -> range:
        """The rows equal to the 16-byte fingerprint ``wanted`` (empty when none)."""
        lo, hi = self.bucket(wanted)
        width, rest = self.row_bytes, wanted[self.prefix_bytes :]
        rows = self.rows
        first, end = lo, hi
        while first < end:  # binary search for the first row >= rest
            mid = (first + end) // 2
            if rows[mid * width : (mid + 1) * width].tobytes() < rest:
                first = mid + 1
            else:
                end = mid
        last = first
        while last < hi and rows[last * width : (last + 1) * width] == rest:
            last += 1
        return range(first, last)

    def bucket(self, wanted: bytes) -> tuple[int, int]:
        """Rows whose implicit prefix equals ``wanted``'s first p bytes: ``[lo, hi)``."""
        if self.prefix_bytes == 0:
            return 0, self.count
        top = wanted[0]
        lo, hi = self.offsets[top], self.offsets[top + 1]
        if self.prefix_bytes == 1:
            return lo, hi
        start = _SUBBUCKETS * top + lo  # this leading byte's run in the bitmap
        run = _bits(self.bitmap, start, _SUBBUCKETS + hi - lo)
        second = wanted[1]
        zeros_before = _select_zero(run, second - 1) if second else -1
        zero_at = _select_zero(run, second)
        return lo + zeros_before + 1 - second, lo + zero_at - second

    def fingerprints(self) -> Iterator[bytes]:
        """Every row as its full 16 bytes, in order (for the delta code)."""
        rows, width = bytes(self.rows), self.row_bytes
        if self.prefix_bytes == 0:
            for row in range(self.count):
                yield rows[row * width : (row + 1) * width]
            return
        row = 0
        for top, prefix in enumerate(self._prefix_counts()):
            for second, count in enumerate(prefix):
                head = bytes([top, second])[: self.prefix_bytes]
                for _ in range(count):
                    yield head + rows[row * width : (row + 1) * width]
                    row += 1

    def _prefix_counts(self) -> list[list[int]]:
        groups = [self.offsets[t + 1] - self.offsets[t] for t in range(256)]
        if self.prefix_bytes == 1:
            return [[count] for count in groups]
        runs = _bucket_sizes(self.bitmap, self.count)
        return [runs[t * _SUBBUCKETS : (t + 1) * _SUBBUCKETS] for t in range(256)]


def _bits(data: memoryview, start: int, length: int) -> int:
    """``length`` bits of LSB-first ``data`` from bit ``start``, as an int."""
    chunk = bytes(data[start >> 3 : (start + length + 7) >> 3])
    return (int.from_bytes(chunk, "little") >> (start & 7)) & ((1 << length) - 1)


def _select_zero(bits: int, index: int) -> int:
    """Position of the ``index``-th (0-based) zero bit of ``bits``."""
    inverted = ~bits
    for _ in range(index):
        inverted &= inverted - 1
    return (inverted & -inverted).bit_length() - 1


def _bitmap_text(bitmap: memoryview, count: int) -> str:
    """A p = 2 bitmap's bits as a string of 0 and 1, first bit first."""
    total = 256 * _SUBBUCKETS + count
    return format(int.from_bytes(bitmap, "little"), "b").zfill(total)[::-1][:total]


def _bucket_sizes(bitmap: memoryview, count: int) -> list[int]:
    """Rows per 16-bit prefix from a p = 2 bitmap (its shape checked by the parser)."""
    return list(map(len, _bitmap_text(bitmap, count).split("0")[: 256 * _SUBBUCKETS]))


def _check_buckets(table: FingerprintTable) -> None:
    """Offsets ascend from 0 to n; with p = 2, leading byte t's bitmap run starts after
    exactly offsets[t] one-bits and ends with a zero, and no bit is set past the end."""
    offsets, count = table.offsets, table.count
    if offsets[0] != 0 or offsets[256] != count or not all(map(operator.le, offsets, offsets[1:])):
        raise _corrupt("fingerprint bucket offsets do not ascend from 0 to the row count")
    if table.prefix_bytes == 2:
        total = 256 * _SUBBUCKETS + count
        value = int.from_bytes(table.bitmap, "little")
        if value >> total:
            raise _corrupt("fingerprint bucket bitmap has bits set past its end")
        if value.bit_count() != count:
            raise _corrupt("fingerprint bucket bitmap does not hold one bit per row")
        for top in range(1, 257):  # ones before leading byte t's run = rows before it
            start = _SUBBUCKETS * top + offsets[top]
            if (value & ((1 << start) - 1)).bit_count() != offsets[top]:
                raise _corrupt(f"fingerprint bucket bitmap disagrees with offset {top}")
            if value >> (start - 1) & 1:
                raise _corrupt(f"fingerprint bucket bitmap run {top - 1} does not end with a zero")


def _boundaries(table: FingerprintTable) -> list[bool] | None:
    """For each pair of neighbouring rows, whether a bucket boundary lies between them
    (None: p = 0, one bucket). Built with C-level string and list operations."""
    count = table.count
    if table.prefix_bytes == 0:
        return None
    if table.prefix_bytes == 1:
        flags = [False] * max(count - 1, 0)
        for start in table.offsets[1:256]:
            if 0 < start < count:
                flags[start - 1] = True
        return flags
    # Between the ones of rows i and i+1 lies a zero exactly when a bucket ends there.
    return list(map(bool, _bitmap_text(table.bitmap, count).split("1")[1:count]))


def _check_sorted(table: FingerprintTable, tags: memoryview, tag_bits: int) -> None:
    """Rows strictly ascending by (fingerprint, tag) within each bucket; equal fingerprints
    only on distinct lists. Linear, in chunks, with the comparisons done in C."""
    width, count = table.row_bytes, table.count
    boundaries = _boundaries(table)
    chunk = 1 << 16
    for first in range(0, max(count - 1, 0), chunk):
        last = min(first + chunk + 1, count)
        blob = table.rows[first * width : last * width].tobytes()
        keys = [blob[at : at + width] for at in range(0, len(blob), width)]
        ordered = map(operator.lt, keys, keys[1:])
        if boundaries is None:
            if all(ordered):
                continue
        elif all(map(operator.or_, ordered, boundaries[first : last - 1])):
            continue
        for offset, (before, after) in enumerate(pairwise(keys)):
            row = first + offset
            if before < after or (boundaries is not None and boundaries[row]):
                continue
            if before == after and tag_at(tags, tag_bits, row) < tag_at(tags, tag_bits, row + 1):
                continue
            raise _corrupt(f"fingerprint rows {row} and {row + 1} are not strictly ascending")


# ---- tags ----------------------------------------------------------------------------------

#: Tag widths allowed: a tag never straddles a byte (or, for 16, a 2-byte word) boundary.
TAG_WIDTHS = (0, 1, 2, 4, 8, 16)


def tag_bits_for(list_count: int) -> int:
    """Bits per fingerprint row needed to name one of ``list_count`` lists (0 for one list)."""
    needed = max(0, (list_count - 1).bit_length())
    return next(width for width in TAG_WIDTHS if width >= needed)


def pack_tags(tags: Sequence[int], bits: int) -> bytes:
    """Row i's list index in bits [i*bits, (i+1)*bits), least significant bit first.
    ``ValueError`` for a width the format has not or a tag that does not fit it: a wider tag
    would spill into the next rows' bits and name the wrong list."""
    check_tags_fit(tags, bits)
    if bits == 0:
        return b""
    if bits == 16:
        return struct.pack(f"<{len(tags)}H", *tags)
    out = bytearray(-(-len(tags) * bits // 8))
    for row, tag in enumerate(tags):
        start = row * bits
        out[start >> 3] |= tag << (start & 7)
    return bytes(out)


def check_tags_fit(tags: Sequence[int], bits: int) -> None:
    """``ValueError`` unless ``bits`` is a tag width of the format and every tag is in
    ``[0, 2**bits)``; the pure and the C row writers check the same."""
    if bits not in TAG_WIDTHS:
        raise ValueError(f"tag width {bits} is not one of {sorted(TAG_WIDTHS)}")
    if tags and (min(tags) < 0 or max(tags) >> bits):
        bad = min(tags) if min(tags) < 0 else max(tags)
        raise ValueError(f"tag {bad} does not fit {bits} tag bits")


def tag_at(data: bytes | memoryview, bits: int, row: int) -> int:
    """The list index of fingerprint row ``row``."""
    if bits == 0:
        return 0
    if bits == 16:
        return int(data[2 * row]) | int(data[2 * row + 1]) << 8
    start = row * bits
    return (int(data[start >> 3]) >> (start & 7)) & ((1 << bits) - 1)


def _check_tags(tags: memoryview, bits: int, count: int, lists: int) -> None:
    """Every row's tag names a list; the bits after the last tag are zero."""
    if bits == 0 or lists == 1 << bits:
        if bits and count * bits % 8 and tags[-1] >> (count * bits % 8):
            raise _corrupt("row tag section has bits set after the last tag")
        return
    if bits == 16:
        values = array.array("H", tags.tobytes())
        if sys.byteorder == "big":
            values.byteswap()
        if count and max(values) >= lists:
            raise _corrupt(f"a row tag names no list (there are {lists})")
        return
    used = count * bits
    if used % 8 and tags[-1] >> (used % 8):
        raise _corrupt("row tag section has bits set after the last tag")
    # A byte is valid when each tag in it names a list; a zero tag is always valid, so the
    # zero bits after the last tag pass too.
    mask = (1 << bits) - 1
    valid = bytes(
        byte for byte in range(256) if all((byte >> at) & mask < lists for at in range(0, 8, bits))
    )
    if tags.tobytes().translate(None, valid):
        raise _corrupt(f"a row tag names no list (there are {lists})")


# ---- the whole payload ---------------------------------------------------------------------


@dataclass(frozen=True)
class Payload:
    """A parsed, fully checked payload: views into its bytes plus the small decoded tables."""

    data: bytes | memoryview
    header: PayloadHeader
    sections: Mapping[int, tuple[int, int]]
    lists: tuple[ListInfo, ...]
    shortener_policy: int
    shortener_domains: frozenset[str]
    psl: PslRules | None
    table: FingerprintTable
    bloom: memoryview
    tags: memoryview
    redirect_rules: tuple[WrapperRule, ...] = ()
    """The operator's redirect-wrapper rules (section 8), which extend the SDK's own."""

    def section(self, section_id: int) -> memoryview | None:
        """The raw bytes of a section (padding excluded), or None when absent."""
        where = self.sections.get(section_id)
        if where is None:
            return None
        return memoryview(self.data)[where[0] : where[0] + where[1]]

    def carried_sections(self) -> dict[int, bytes]:
        """Every section a delta carries as bytes (all but the derived ones)."""
        return {
            section_id: bytes(memoryview(self.data)[offset : offset + length])
            for section_id, (offset, length) in self.sections.items()
            if section_id not in DERIVED_SECTIONS
        }

    def tag(self, row: int) -> int:
        return tag_at(self.tags, self.header.tag_bits, row)

    def rows(self) -> list[tuple[bytes, int]]:
        """Every ``(fingerprint, list index)`` row, in order."""
        tags = self.tags
        bits = self.header.tag_bits
        return [(fp, tag_at(tags, bits, row)) for row, fp in enumerate(self.table.fingerprints())]


def parse_payload(data: bytes | memoryview) -> Payload:
    """Check and parse a payload (the bytes between envelope and signature).

    Only structure is checked here; whether this SDK's canonicalisation matches is the
    reader's business. Cost is linear in the payload with small constants.
    """
    view = memoryview(data)
    header = PayloadHeader.unpack(view)
    version = header.format_version
    if version not in READABLE_FORMAT_VERSIONS:
        raise UnsupportedBundleVersionError(f"format version {version} is not supported")
    check_header(header)
    sections = _directory(view, header)

    def get(section: Section, size: int | None = None, required: bool = True) -> memoryview:
        if section not in sections:
            if required:
                raise _corrupt(f"missing {section.name} section")
            return view[:0]
        offset, length = sections[section]
        if size is not None and length != size:
            raise _corrupt(f"{section.name} section is {length} bytes, expected {size}")
        return view[offset : offset + length]

    n, p = header.fingerprint_count, header.fingerprint_prefix_bytes
    bloom = get(Section.BLOOM, header.bloom_bits // 8)
    rows = get(Section.FINGERPRINTS, n * (FINGERPRINT_BYTES - p))
    tags = get(Section.TAGS, -(-n * header.tag_bits // 8), required=bool(header.tag_bits))
    if not header.tag_bits and Section.TAGS in sections:
        raise _corrupt("TAGS section present although tag_bits is 0")
    buckets = get(Section.BUCKETS, buckets_length(n, p), required=bool(p))
    if not p and Section.BUCKETS in sections:
        raise _corrupt("BUCKETS section present although fingerprint_prefix_bytes is 0")
    offsets = _BUCKET_OFFSETS.unpack_from(buckets) if p else ()
    table = FingerprintTable(
        rows, n, p, offsets, buckets[_BUCKET_OFFSETS.size :] if p else view[:0]
    )
    lists_raw = get(Section.LISTS)
    if len(lists_raw) > max_list_table_bytes(n):
        raise _corrupt(f"list table of {len(lists_raw)} bytes is too large for {n} entries")
    lists = decode_lists(lists_raw, header.list_count)
    if Section.DEFAULT_LOCALES in sections:
        lists = decode_default_locales(get(Section.DEFAULT_LOCALES), lists)
    redirect_rules: tuple[WrapperRule, ...] = ()
    if Section.REDIRECTS in sections:
        redirect_rules = decode_redirect_rules(get(Section.REDIRECTS))
    policy, shorteners = SHORTENER_POLICY_ALLOW, frozenset[str]()
    if Section.SHORTENERS in sections:
        policy, shorteners = decode_shorteners(get(Section.SHORTENERS), version)
    psl = decode_psl(get(Section.PSL)) if version >= 2 else None
    if version == 1 and Section.PSL in sections:
        raise _corrupt("a version 1 payload has no PSL section")
    if p:
        _check_buckets(table)
    _check_tags(tags, header.tag_bits, n, header.list_count)
    _check_sorted(table, tags, header.tag_bits)
    return Payload(
        data, header, sections, lists, policy, shorteners, psl, table, bloom, tags, redirect_rules
    )


def check_header(header: PayloadHeader) -> None:
    """The header's own bounds (Bloom shape, tag width, list count, p), before any section."""
    if not 0 < header.bloom_k <= MAX_BLOOM_K or header.bloom_bits % 64 or not header.bloom_bits:
        raise _corrupt(f"bad Bloom parameters m={header.bloom_bits} k={header.bloom_k}")
    if header.bloom_bits // 8 > MAX_BUNDLE_BYTES:
        raise _corrupt(f"BLOOM section of {header.bloom_bits} bits exceeds the bundle size bound")
    if header.tag_bits not in TAG_WIDTHS or header.list_count > min(
        MAX_LISTS, 1 << header.tag_bits
    ):
        raise _corrupt(f"{header.list_count} lists do not fit {header.tag_bits} tag bits")
    if header.list_count == 0:
        raise _corrupt("bundle has no list")
    if header.fingerprint_count > MAX_BUNDLE_BYTES // (FINGERPRINT_BYTES - 2):
        raise _corrupt(f"FINGERPRINTS section of {header.fingerprint_count} rows cannot fit")
    allowed = (0,) if header.format_version == 1 else (0, 1, 2)
    if header.fingerprint_prefix_bytes not in allowed:
        raise _corrupt(
            f"fingerprint_prefix_bytes {header.fingerprint_prefix_bytes} not in {allowed}"
        )


@dataclass(frozen=True)
class EncodedRows:
    """The FINGERPRINTS, TAGS and BUCKETS sections of ``count`` sorted rows (see
    :func:`encode_rows`; ``linkscreen.bundle.build.encode_rows`` makes them in one C call)."""

    count: int
    table: bytes
    tags: bytes
    buckets: bytes


def encode_rows(rows: Sequence[tuple[bytes, int]], prefix_bytes: int, tag_bits: int) -> EncodedRows:
    """The sections of sorted ``(fingerprint, list index)`` rows, for p = ``prefix_bytes``."""
    table, buckets = encode_fingerprint_table([fp for fp, _ in rows], prefix_bytes)
    return EncodedRows(len(rows), table, pack_tags([tag for _, tag in rows], tag_bits), buckets)


def build_payload(
    header: PayloadHeader,
    carried: Mapping[int, bytes],
    bloom: bytes,
    rows: Sequence[tuple[bytes, int]] | EncodedRows,
) -> bytes:
    """The payload for ``header`` from its carried sections, Bloom array and sorted
    ``(fingerprint, list index)`` rows (or their sections, already encoded): the writer and
    the delta applier both call this, so a delta rebuilds the signed bytes exactly."""
    if derived := DERIVED_SECTIONS & set(carried):
        raise ValueError(f"sections {sorted(derived)} are derived, not carried")
    if len(bloom) * 8 != header.bloom_bits:
        raise ValueError("Bloom array size does not match m")
    n, p, bits = header.fingerprint_count, header.fingerprint_prefix_bytes, header.tag_bits
    encoded = rows if isinstance(rows, EncodedRows) else encode_rows(rows, p, bits)
    if encoded.count != n:
        raise ValueError("fingerprint_count does not match the rows")
    if (len(encoded.table), len(encoded.tags), len(encoded.buckets)) != (
        n * (FINGERPRINT_BYTES - p),
        -(-n * bits // 8),
        buckets_length(n, p),
    ):
        raise ValueError("encoded rows do not match the header's p and tag width")
    sections = {**carried, Section.BLOOM: bloom, Section.FINGERPRINTS: encoded.table}
    if bits:
        sections[Section.TAGS] = encoded.tags
    if p:
        sections[Section.BUCKETS] = encoded.buckets
    return assemble_payload(header, sections)
