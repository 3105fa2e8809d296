"""Trusted Ed25519 public keys: load them from what an app ships, and name them by key id."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TypeAlias

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .bundle.format import key_id
from .errors import InvalidKeyError

__all__ = ["PublicKeyLike", "key_id_of", "load_public_key", "trusted_keys"]

#: An Ed25519 key object, its raw 32 bytes, PEM bytes, or the path of a PEM or hex key file.
PublicKeyLike: TypeAlias = Ed25519PublicKey | bytes | str | os.PathLike[str]

_RAW_KEY_BYTES = 32
_MAX_KEY_FILE_BYTES = 64 * 1024


def load_public_key(source: PublicKeyLike) -> Ed25519PublicKey:
    """Read one public key; raises :class:`InvalidKeyError` saying what was wrong."""
    if isinstance(source, Ed25519PublicKey):
        return source
    if isinstance(source, bytes):
        return _from_bytes(source, "key bytes")
    path = Path(source)
    try:
        if path.stat().st_size > _MAX_KEY_FILE_BYTES:
            raise InvalidKeyError(f"{path}: too large to be a key file")
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidKeyError(f"{path}: cannot read key file ({exc.strerror})") from None
    return _from_bytes(data, str(path))


def _from_bytes(data: bytes, where: str) -> Ed25519PublicKey:
    if len(data) == _RAW_KEY_BYTES:
        return Ed25519PublicKey.from_public_bytes(data)
    text = data.strip()
    if len(text) == 2 * _RAW_KEY_BYTES:
        try:
            return Ed25519PublicKey.from_public_bytes(bytes.fromhex(text.decode("ascii")))
        except (ValueError, UnicodeDecodeError):
            pass
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        raise InvalidKeyError(f"{where}: not a PEM, hex or raw Ed25519 public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise InvalidKeyError(f"{where}: a {type(key).__name__}, not an Ed25519 public key")
    return key


def raw_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id_of(key: Ed25519PublicKey) -> bytes:
    """The 8-byte key id a bundle names its signer by."""
    return key_id(raw_bytes(key))


def trusted_keys(sources: Iterable[PublicKeyLike]) -> dict[bytes, Ed25519PublicKey]:
    """Key id -> key for every trusted key."""
    keys = {}
    for source in sources:
        key = load_public_key(source)
        keys[key_id_of(key)] = key
    if not keys:
        raise InvalidKeyError("no trusted public key given")
    return keys
