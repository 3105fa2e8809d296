"""Build small signed bundles for tests with a fixed, public test key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from linkscreen import Bundle
from linkscreen.keys import raw_bytes
from linkscreen.results import Action
from linkscreen_server.compiler import ListSpec, compile_bundle

#: Derived from public constant bytes: protects nothing, used only by tests.
TEST_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
OTHER_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
TEST_PUBLIC = raw_bytes(TEST_KEY.public_key())
FIXED = {"created": 1_767_225_600, "salt": bytes(16), "bloom_seed": 7}


def compile_lists(
    tmp_path: Path,
    lists: dict[str, tuple[list[str], Action]],
    key: Ed25519PrivateKey = TEST_KEY,
    **options: Any,
) -> bytes:
    specs = []
    for name, (lines, action) in lists.items():
        path = tmp_path / f"{name}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        specs.append(ListSpec(name, path, action))
    settings = {**FIXED, "shorteners": ["short.example"], **options}
    data, _ = compile_bundle(specs, key, **settings)
    return data


def open_bytes(data: bytes) -> Bundle:
    return Bundle.from_bytes(data, [TEST_PUBLIC])
