"""Ed25519 signing keys for bundles: generate, store with safe permissions, load."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from linkscreen.errors import InvalidKeyError
from linkscreen.keys import key_id_of

PRIVATE_KEY_NAME = "signing.key"
PUBLIC_KEY_NAME = "signing.pub"
_PRIVATE_MODE = 0o600


@dataclass(frozen=True)
class KeyPair:
    key_id: str
    private_path: Path
    public_path: Path


def generate_keypair(out_dir: str | os.PathLike[str]) -> KeyPair:
    """Write a new key pair into ``out_dir``; never overwrites an existing key."""
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    private_path, public_path = directory / PRIVATE_KEY_NAME, directory / PUBLIC_KEY_NAME
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    try:
        fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _PRIVATE_MODE)
    except FileExistsError:
        raise InvalidKeyError(
            f"{private_path} exists; refusing to overwrite a signing key"
        ) from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(private_pem)
    os.chmod(private_path, _PRIVATE_MODE)  # in case the umask widened nothing, narrow anyway
    public_path.write_bytes(public_pem)
    return KeyPair(key_id_of(key.public_key()).hex(), private_path, public_path)


def load_private_key(path: str | os.PathLike[str]) -> Ed25519PrivateKey:
    """Read a PEM private key (a key directory means its ``signing.key``)."""
    target = Path(path)
    if target.is_dir():
        target = target / PRIVATE_KEY_NAME
    try:
        data = target.read_bytes()
    except OSError as exc:
        raise InvalidKeyError(f"{target}: cannot read signing key ({exc.strerror})") from None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise InvalidKeyError(f"{target}: not an unencrypted PEM private key ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InvalidKeyError(f"{target}: a {type(key).__name__}, not an Ed25519 key")
    return key
