"""Assemble and sign bundle bytes from hashed entries (layout: docs/bundle-format.md).

The writer takes fingerprints, not URLs: by the time bytes are laid out, no plaintext list
entry is in reach. The same inputs give the same bytes (Ed25519 signatures are deterministic).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from linkscreen import CANONICALIZATION_VERSION
from linkscreen import _format as fmt
from linkscreen.keys import key_id_of
from linkscreen.psl import PSL_SNAPSHOT_VERSION
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
    rows: Sequence[tuple[bytes, int]],
    bloom: bytes,
    shorteners: Sequence[str],
    shortener_policy: int,
    key: Ed25519PrivateKey,
) -> bytes:
    """Signed bundle bytes. ``rows`` are ``(fingerprint, list index)`` sorted ascending."""
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
        fingerprint_count=len(rows),
        list_count=len(lists),
        psl_version=PSL_SNAPSHOT_VERSION,
    )
    payload = fmt.assemble_payload(
        header,
        fmt.encode_lists(list(lists)),
        fmt.encode_shorteners(list(shorteners), shortener_policy),
        bloom,
        b"".join(fingerprint for fingerprint, _ in rows),
        fmt.pack_tags([tag for _, tag in rows], header.tag_bits),
    )
    return sign_payload(payload, key)


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
