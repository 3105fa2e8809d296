"""Bundles: the signed, hashed form of URL lists that a Matcher checks links against.

``linkscreen.Bundle`` (this package's :class:`Bundle`) is the safe surface: it verifies the
Ed25519 signature before a payload byte is read, then parses and checks every structure. The
layers under it are public for other tools and ports, in the manner of ``cryptography.hazmat``:

- :mod:`linkscreen.bundle.format`: the byte layout of docs/bundle-format.md, defined once
  (fields, sections, encoders, decoders, the fingerprint function). No signature checks.
- :mod:`linkscreen.bundle.delta`: make and apply deltas between two payloads of one chain.
- :mod:`linkscreen.bundle.build`: what a bundle writer builds with, in batched C calls (the
  server's compiler): canonicalisation of list lines and the Bloom filter, byte for byte the
  pure path's.

The reader (and with it ``cryptography``) loads on first use of ``Bundle``, ``verify`` or
``parse_verified``, so the format module can be imported on its own.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from . import format

if TYPE_CHECKING:
    from ._reader import Bundle, parse_verified, verify

__all__ = ["Bundle", "format", "parse_verified", "verify"]
_READER = frozenset({"Bundle", "parse_verified", "verify"})


def __getattr__(name: str) -> object:
    if name in _READER:
        value = getattr(importlib.import_module("._reader", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_READER})
