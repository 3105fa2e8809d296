"""An exclusive inter-process lock on a file, for the publisher.

Two ``publish`` runs on one repository must never interleave: each reads the last version and
writes the next, so interleaved runs would give two contents one version number. The lock is
the SDK's :class:`linkscreen.filelock.FileLock` on a file in the publisher's state directory:
``fcntl.flock`` on Linux, macOS and BSD, ``msvcrt.locking`` on Windows (both released by the
kernel if the holder dies), and elsewhere a lock file created with ``O_EXCL``, taken over once
it is older than ``stale_after_s`` (docs/protocol.md says what that fallback does not cover).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from linkscreen.filelock import FileLock

__all__ = ["PUBLISH_STALE_AFTER_S", "exclusive_lock"]

#: With the lock-file fallback only: a publish holding the lock longer than this is taken for
#: dead. An hour: far above the longest publish (a 15-million-entry rebase takes minutes).
PUBLISH_STALE_AFTER_S = 3600.0


@contextmanager
def exclusive_lock(path: Path, *, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if missing) for the ``with`` block.

    ``on_wait`` is called once if another process holds the lock, before waiting for it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(path, stale_after_s=PUBLISH_STALE_AFTER_S)
    if not lock.acquire(timeout_s=0):
        if on_wait is not None:
            on_wait()
        lock.acquire()
    try:
        yield
    finally:
        lock.release()
