"""Assemble and sign bundle bytes from hashed entries (layout: docs/bundle-format.md).

The writer takes fingerprints, not URLs: by the time bytes are laid out, no plaintext list
entry is in reach. It lays out nothing itself: ``linkscreen.bundle.format.build_payload`` is
the one layout, shared with the client's delta applier. The same inputs give the same bytes
(Ed25519 signatures are deterministic).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from linkscreen import CANONICALIZATION_VERSION
from linkscreen.bundle import format as fmt
from linkscreen.bundle.format import WrapperRule
from linkscreen.keys import key_id_of
from linkscreen.psl import PublicSuffixList
from linkscreen.results import ListInfo


@dataclass(frozen=True)
class BundleParams:
    created: int
    expires: int
    sequence: int
    salt: bytes
    bloom_seed: int
    bloom_k: int
    bloom_bits: int


def build_bundle(
    params: BundleParams,
    lists: Sequence[ListInfo],
    rows: Sequence[tuple[bytes, int]] | fmt.EncodedRows,
    bloom: bytes,
    shorteners: Sequence[str],
    shortener_policy: int,
    key: Ed25519PrivateKey,
    psl: PublicSuffixList,
    extra_sections: Mapping[int, bytes] | None = None,
    redirect_rules: Sequence[WrapperRule] = (),
) -> bytes:
    """Signed bundle bytes. ``rows`` are ``(fingerprint, list index)`` sorted ascending (or
    their sections, encoded by ``linkscreen.bundle.build.encode_rows``);
    ``psl`` is the Public Suffix List the entries were compiled with (it travels along);
    ``redirect_rules`` are the operator's redirect wrappers (section 8); list rows with a
    ``default_locale`` add section 9; ``extra_sections`` are further carried sections by id."""
    count = rows.count if isinstance(rows, fmt.EncodedRows) else len(rows)
    header = fmt.PayloadHeader(
        format_version=fmt.FORMAT_VERSION,
        canonicalization_version=CANONICALIZATION_VERSION,
        section_count=0,  # filled in by assemble_payload
        tag_bits=fmt.tag_bits_for(len(lists)),
        created=params.created,
        expires=params.expires,
        sequence=params.sequence,
        salt=params.salt,
        bloom_seed=params.bloom_seed,
        bloom_k=params.bloom_k,
        bloom_bits=params.bloom_bits,
        fingerprint_count=count,
        list_count=len(lists),
        fingerprint_prefix_bytes=fmt.fingerprint_prefix_bytes_for(count),
        psl_version=psl.version,
    )
    carried = {
        **(extra_sections or {}),
        fmt.Section.LISTS: fmt.encode_lists(list(lists)),
        fmt.Section.SHORTENERS: fmt.encode_shorteners(list(shorteners), shortener_policy),
        fmt.Section.PSL: psl.encode(),
    }
    # Optional sections are written only when they hold something, so a bundle without
    # operator rules or default locales is byte for byte what older writers made.
    defaults = fmt.encode_default_locales(list(lists))
    if defaults is not None:
        carried[fmt.Section.DEFAULT_LOCALES] = defaults
    wrappers = fmt.encode_redirect_rules(list(redirect_rules))
    if wrappers is not None:
        carried[fmt.Section.REDIRECTS] = wrappers
    return sign_payload(fmt.build_payload(header, carried, bloom, rows), key)


def sign_payload(payload: bytes, key: Ed25519PrivateKey) -> bytes:
    """Envelope + payload + Ed25519 signature over both."""
    envelope = fmt.ENVELOPE.pack(
        fmt.MAGIC,
        fmt.ENVELOPE_VERSION,
        fmt.SIG_ED25519,
        0,
        key_id_of(key.public_key()),
        len(payload),
    )
    signed = envelope + payload
    return signed + key.sign(signed)


def payload_of(bundle: bytes) -> bytes:
    """The payload bytes of a signed bundle (what a delta and a manifest's state hash cover)."""
    return bundle[fmt.ENVELOPE.size : len(bundle) - fmt.SIGNATURE_BYTES]
