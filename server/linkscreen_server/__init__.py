"""linkscreen server: turns URL lists into signed, hashed bundles and publishes them.

It imports the SDK's canonicaliser rather than having its own: the server and the client must
produce byte-identical expressions or nothing matches.
"""

from __future__ import annotations

__all__: list[str] = []
