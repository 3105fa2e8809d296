"""Transitional alias of :mod:`linkscreen.bundle.delta` for branches started before it moved.

New code imports ``linkscreen.bundle.delta``; this module goes once every branch has rebased.
"""

from __future__ import annotations

from .bundle.delta import MAGIC, apply_delta, delta_endpoints, make_delta

__all__ = ["MAGIC", "apply_delta", "delta_endpoints", "make_delta"]
