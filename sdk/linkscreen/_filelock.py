"""Transitional alias of :mod:`linkscreen.filelock` for branches started before it went public.

New code imports ``linkscreen.filelock``; this module goes once every branch has rebased.
"""

from __future__ import annotations

from .filelock import DEFAULT_STALE_AFTER_S, FileLock, lock_backend

__all__ = ["DEFAULT_STALE_AFTER_S", "FileLock", "lock_backend"]
