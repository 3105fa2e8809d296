"""Build signed payloads piece by piece, so tests can hand the reader one flaw at a time."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from linkscreen import CANONICALIZATION_VERSION
from linkscreen.bundle import format as fmt
from linkscreen.psl import PublicSuffixList
from linkscreen.results import Action, ListInfo
from linkscreen_server.writer import payload_of, sign_payload

from bundles import TEST_KEY

TINY_PSL = PublicSuffixList.parse(
    "// VERSION: parts-1\nexample\nco.example\n*.wild.example\n!keep.wild.example\ntest\n"
    "// ===BEGIN PRIVATE DOMAINS===\nhosting.test\n*.cloud.test\n"
)
LISTS = (
    ListInfo("hotline", Action.BLOCK, "csam", (("en", "Blocked.", "https://help.example/"),)),
    ListInfo("watch", Action.WARN, "suspicious", ()),
    ListInfo("third", Action.WARN, "other", ()),
)


def fingerprints(count: int, prefix: bytes = b"", seed: str = "row") -> list[bytes]:
    """Sorted, distinct 16-byte fingerprints, all starting with ``prefix``."""
    rows = {(prefix + hashlib.sha256(f"{seed}{i}".encode()).digest())[:16] for i in range(count)}
    return sorted(rows)


@dataclass
class Parts:
    """A payload as its header and carried sections; ``rows`` and ``bloom`` are rebuilt."""

    header: fmt.PayloadHeader
    carried: dict[int, bytes]
    bloom: bytes
    rows: list[tuple[bytes, int]] = field(default_factory=list)

    def payload(self) -> bytes:
        return fmt.build_payload(self.header, self.carried, self.bloom, self.rows)

    def signed(self) -> bytes:
        return sign_payload(self.payload(), TEST_KEY)

    def with_header(self, **changes: object) -> Parts:
        return dataclasses.replace(self, header=dataclasses.replace(self.header, **changes))


def make(
    rows: Sequence[tuple[bytes, int]],
    *,
    prefix_bytes: int = 0,
    lists: Sequence[ListInfo] = LISTS[:2],
    version: int = fmt.FORMAT_VERSION,
    bloom_bits: int = 512,
) -> Parts:
    """Parts of a valid payload with these rows (the Bloom filter is all ones)."""
    header = fmt.PayloadHeader(
        format_version=version,
        canonicalization_version=CANONICALIZATION_VERSION,
        section_count=0,
        tag_bits=fmt.tag_bits_for(len(lists)),
        created=1_767_225_600,
        expires=1_767_225_600 + 3600,
        sequence=1,
        salt=bytes(16),
        bloom_seed=7,
        bloom_k=3,
        bloom_bits=bloom_bits,
        fingerprint_count=len(rows),
        list_count=len(lists),
        fingerprint_prefix_bytes=prefix_bytes,
        psl_version=TINY_PSL.version if version >= 2 else "old-1",
    )
    carried = {fmt.Section.LISTS: fmt.encode_lists(list(lists))}
    if version >= 2:
        carried[fmt.Section.SHORTENERS] = fmt.encode_shorteners(["short.example"])
        carried[fmt.Section.PSL] = TINY_PSL.encode()
    else:
        carried[fmt.Section.SHORTENERS] = v1_shorteners(["short.example"])
    return Parts(header, carried, b"\xff" * (bloom_bits // 8), list(rows))


def v1_shorteners(domains: Sequence[str], policy: int = 0) -> bytes:
    """The format-1 shortener section: head, then length-prefixed sorted domains."""
    out = bytearray(bytes([policy, 0, 0, 0]) + len(domains).to_bytes(4, "little"))
    for domain in sorted(domains):
        out += bytes([len(domain)]) + domain.encode()
    return bytes(out)


def resign(payload: bytes) -> bytes:
    return sign_payload(payload, TEST_KEY)


def parts_of(bundle: bytes) -> Parts:
    """The parts of a signed bundle (to change one and sign again)."""
    parsed = fmt.parse_payload(payload_of(bundle))
    return Parts(parsed.header, parsed.carried_sections(), bytes(parsed.bloom), parsed.rows())
