"""Signed repository metadata: root, pointer and manifest (docs/protocol.md).

Each file is JSON ``{"signed": {...}, "signatures": [{"keyid": hex, "sig": hex}]}``; the
signature covers the canonical JSON of ``signed`` (sorted keys, no spaces, ASCII). Functions
here are pure checks over bytes, in the manner of python-tuf's trusted metadata set: they
accept only well-formed, correctly signed, unexpired metadata and do no I/O.

- **root** (``roots/N.json``): the root keys and the signing keys they authorise. Root N+1 must
  be signed by root N's keys, so signing keys (and root keys) can rotate.
- **pointer** (``pointer.json``): short-lived, fetched first; names the current version, its
  manifest (hash and size) and the current root version.
- **manifest** (``manifests/N.json``): one version: the resulting state's hash and size, the
  full bundle and the deltas from earlier states of the same chain (each with hash and size).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from .errors import (
    ExpiredMetadataError,
    InconsistentMetadataError,
    MetadataError,
    MetadataSignatureError,
    RollbackError,
)
from .keys import key_id_of, raw_bytes

__all__ = [
    "MAX_DELTAS",
    "MAX_MANIFEST_BYTES",
    "MAX_METADATA_BYTES",
    "MAX_POINTER_BYTES",
    "MAX_ROOT_BYTES",
    "MAX_ROOT_STEPS",
    "Delta",
    "FileInfo",
    "Manifest",
    "Pointer",
    "Root",
    "canonical_json",
    "is_safe_path",
    "is_sha256_hex",
    "key_table",
    "peek_manifest_version",
    "peek_root_version",
    "sign_metadata",
    "verify_manifest",
    "verify_pointer",
    "verify_root",
]

#: Upper bounds for metadata downloads (they are small; a huge one is an attack).
MAX_POINTER_BYTES = 16 * 1024
MAX_ROOT_BYTES = 64 * 1024
MAX_MANIFEST_BYTES = 256 * 1024
#: No metadata file is parsed past this size, whoever hands it over.
MAX_METADATA_BYTES = MAX_MANIFEST_BYTES
#: A file path in metadata: relative, "/"-separated segments of safe characters, none starting
#: with a dot (so no "." or ".."), no empty segment, no escapes, no backslash: a path names a
#: file under the base URL.
_SAFE_PATH = re.compile(
    r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}(?:/[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}){0,7}"
)
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def sign_metadata(signed: Mapping[str, Any], keys: list[Ed25519PrivateKey]) -> bytes:
    """Serialise ``signed`` with one signature per key."""
    message = canonical_json(signed)
    signatures = [
        {"keyid": key_id_of(key.public_key()).hex(), "sig": key.sign(message).hex()} for key in keys
    ]
    return canonical_json({"signed": dict(signed), "signatures": signatures}) + b"\n"


def _parse(raw: bytes, kind: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise MetadataError(f"{kind}: metadata must be bytes")
    if len(raw) > MAX_METADATA_BYTES:
        raise MetadataError(f"{kind}: {len(raw)} bytes exceeds {MAX_METADATA_BYTES}")
    try:
        document = json.loads(bytes(raw))
        signed, signatures = document["signed"], document["signatures"]
    except (ValueError, KeyError, TypeError, IndexError, RecursionError):
        # RecursionError: "[" x 16,000 nests deeper than the parser's stack; ValueError covers
        # bad UTF-8, bad JSON and integers too long to convert.
        raise MetadataError(f"{kind}: not signed metadata JSON") from None
    if not isinstance(signed, dict) or not isinstance(signatures, list):
        raise MetadataError(f"{kind}: malformed signed metadata")
    if signed.get("_type") != kind:
        raise MetadataError(f"{kind}: metadata of type {signed.get('_type')!r}")
    return signed, signatures


def _check_signatures(
    kind: str,
    signed: dict[str, Any],
    signatures: list[dict[str, Any]],
    keys: Mapping[str, Ed25519PublicKey],
    threshold: int = 1,
) -> None:
    message = canonical_json(signed)
    good = set()
    for entry in signatures:
        if not isinstance(entry, dict):
            continue
        key = keys.get(str(entry.get("keyid")))
        if key is None:
            continue
        try:
            key.verify(bytes.fromhex(str(entry.get("sig"))), message)
        except (InvalidSignature, ValueError):
            continue
        good.add(entry["keyid"])
    if len(good) < threshold:
        raise MetadataSignatureError(
            f"{kind} v{signed.get('version')}: {len(good)} valid signature(s) from trusted keys, "
            f"{threshold} needed"
        )


def _int(signed: Mapping[str, Any], name: str, kind: str) -> int:
    value = signed.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise MetadataError(f"{kind}: field {name!r} must be a non-negative integer")
    return value


def _check_expiry(kind: str, version: int, expires: int, now: float, leeway: float) -> None:
    if now > expires + leeway:
        raise ExpiredMetadataError(f"{kind} v{version} expired at {expires} (now {int(now)})")


def _keys(table: Any, kind: str) -> dict[str, Ed25519PublicKey]:
    if not isinstance(table, dict) or not table:
        raise MetadataError(f"{kind}: key table missing")
    keys = {}
    for keyid, public_hex in table.items():
        try:
            key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex))
        except (ValueError, TypeError):
            raise MetadataError(f"{kind}: key {keyid} is not an Ed25519 public key") from None
        if key_id_of(key).hex() != keyid:
            raise MetadataError(f"{kind}: key id {keyid} does not match its key")
        keys[keyid] = key
    return keys


def key_table(keys: list[Ed25519PublicKey]) -> dict[str, str]:
    return {key_id_of(key).hex(): raw_bytes(key).hex() for key in keys}


@dataclass(frozen=True)
class Root:
    version: int
    expires: int
    root_keys: Mapping[str, Ed25519PublicKey]
    threshold: int
    signing_keys: Mapping[str, Ed25519PublicKey]


def verify_root(
    raw: bytes,
    trusted: Mapping[str, Ed25519PublicKey],
    threshold: int,
    *,
    expected_version: int,
    now: float,
    leeway: float,
    check_expiry: bool = True,
) -> Root:
    """Root ``expected_version``, signed by ``threshold`` of the previous root's keys."""
    signed, signatures = _parse(raw, "root")
    version = _int(signed, "version", "root")
    if version != expected_version:
        raise RollbackError(f"root: expected version {expected_version}, got {version}")
    _check_signatures("root", signed, signatures, trusted, threshold)
    expires = _int(signed, "expires", "root")
    root_keys = _keys(signed.get("root_keys"), "root")
    new_threshold = _int(signed, "root_threshold", "root")
    if not 1 <= new_threshold <= len(root_keys):
        raise MetadataError("root: threshold out of range")
    _check_signatures("root", signed, signatures, root_keys, new_threshold)  # and by its own
    if check_expiry:
        _check_expiry("root", version, expires, now, leeway)
    return Root(
        version, expires, root_keys, new_threshold, _keys(signed.get("signing_keys"), "root")
    )


@dataclass(frozen=True)
class FileInfo:
    path: str
    sha256: str
    size: int

    @classmethod
    def parse(cls, value: Any, kind: str) -> FileInfo:
        if not isinstance(value, dict):
            raise MetadataError(f"{kind}: file entry is not an object")
        path, sha256 = value.get("path"), value.get("sha256")
        if not is_safe_path(path):
            raise MetadataError(f"{kind}: unsafe file path {str(path)[:100]!r}")
        if not is_sha256_hex(sha256):
            raise MetadataError(f"{kind}: bad sha256 for {path}")
        return cls(str(path), str(sha256), _int(value, "size", kind))


def is_safe_path(path: object) -> bool:
    """A path metadata may name: relative segments of ``[A-Za-z0-9._-]`` that do not start
    with a dot (so no ``.`` or ``..`` segment, no hidden file)."""
    return isinstance(path, str) and _SAFE_PATH.fullmatch(path) is not None


def is_sha256_hex(value: object) -> bool:
    return isinstance(value, str) and _SHA256_HEX.fullmatch(value) is not None


#: Root versions a client will walk forward in one refresh.
MAX_ROOT_STEPS = 32
#: Deltas one manifest may offer (one per earlier state of the chain; chains are short).
MAX_DELTAS = 1024


def peek_root_version(raw: bytes) -> int:
    """The root version a pointer names, read *before* its signature is checked.

    Only used to decide how many roots to fetch; each fetched root is verified through the
    chain from the shipped keys, and the pointer is then verified with the newest one.
    """
    signed, _ = _parse(raw, "pointer")
    return _int(signed, "root_version", "pointer")


def peek_manifest_version(raw: bytes) -> int:
    """The version a manifest states, read before its signature is checked."""
    signed, _ = _parse(raw, "manifest")
    return _int(signed, "version", "manifest")


@dataclass(frozen=True)
class Pointer:
    version: int
    expires: int
    root_version: int
    manifest: FileInfo


def verify_pointer(
    raw: bytes, root: Root, *, now: float, leeway: float, check_expiry: bool = True
) -> Pointer:
    signed, signatures = _parse(raw, "pointer")
    _check_signatures("pointer", signed, signatures, root.signing_keys)
    version = _int(signed, "version", "pointer")
    expires = _int(signed, "expires", "pointer")
    if check_expiry:
        _check_expiry("pointer", version, expires, now, leeway)
    return Pointer(
        version,
        expires,
        _int(signed, "root_version", "pointer"),
        FileInfo.parse(signed.get("manifest"), "pointer"),
    )


@dataclass(frozen=True)
class Delta:
    from_sha256: str
    file: FileInfo


@dataclass(frozen=True)
class Manifest:
    version: int
    created: int
    expires: int
    state_sha256: str
    state_size: int
    full: FileInfo
    deltas: tuple[Delta, ...]
    raw: bytes

    def delta_from(self, state_sha256: str) -> Delta | None:
        return next((d for d in self.deltas if d.from_sha256 == state_sha256), None)


def verify_manifest(
    raw: bytes, root: Root, pointer: Pointer, *, now: float, leeway: float
) -> Manifest:
    signed, signatures = _parse(raw, "manifest")
    _check_signatures("manifest", signed, signatures, root.signing_keys)
    version = _int(signed, "version", "manifest")
    if version != pointer.version:
        raise InconsistentMetadataError(
            f"manifest v{version} does not match pointer v{pointer.version}"
        )
    expires = _int(signed, "expires", "manifest")
    _check_expiry("manifest", version, expires, now, leeway)
    state = signed.get("state")
    if not isinstance(state, dict) or not is_sha256_hex(state.get("sha256")):
        raise MetadataError("manifest: state missing")
    deltas_raw = signed.get("deltas", [])
    if not isinstance(deltas_raw, list) or len(deltas_raw) > MAX_DELTAS:
        raise MetadataError(f"manifest: deltas is not a list of at most {MAX_DELTAS}")
    deltas = []
    for entry in deltas_raw:
        if not isinstance(entry, dict) or not is_sha256_hex(entry.get("from_sha256")):
            raise MetadataError("manifest: malformed delta entry")
        deltas.append(Delta(entry["from_sha256"], FileInfo.parse(entry, "manifest")))
    return Manifest(
        version,
        _int(signed, "created", "manifest"),
        expires,
        state["sha256"],
        _int(state, "size", "manifest"),
        FileInfo.parse(signed.get("full"), "manifest"),
        tuple(deltas),
        raw,
    )
