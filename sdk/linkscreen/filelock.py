"""An exclusive inter-process file lock for Linux, macOS and Windows, with a documented fallback.

Public so that the server's publisher (``linkscreen_server.locking``) takes the same lock as
the Updater: one implementation, one set of tests (tests/test_filelock.py).

Backends, chosen when a lock is first taken (never at import, so ``import linkscreen`` works
where ``fcntl`` does not exist):

- ``fcntl.flock`` (Linux, macOS, BSD): released by the kernel when the holder dies;
- ``msvcrt.locking`` on the first byte (Windows): released when the holder's handle closes;
- otherwise a lock *file* created with ``O_EXCL``: advisory, and a holder that dies leaves it
  behind, so a lock file older than ``stale_after_s`` is taken over. Two processes taking over
  the same stale file at once can both win; the fallback is for platforms with neither call.

Locks conflict between threads too (each :class:`FileLock` opens its own handle), so one lock
serialises everything that uses one state directory.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Any

__all__ = ["DEFAULT_STALE_AFTER_S", "FileLock", "lock_backend"]

#: How often a waiting process retries, in seconds (short: refreshes are usually quick).
_POLL_S = 0.02
_MAX_POLL_S = 0.25
#: Age after which the fallback treats a lock file as left by a dead process.
DEFAULT_STALE_AFTER_S = 600.0


def lock_backend() -> str:
    """``fcntl``, ``msvcrt`` or ``lockfile``: what :class:`FileLock` uses on this platform."""
    try:
        import fcntl  # noqa: F401
    except ImportError:
        pass
    else:
        return "fcntl"
    try:
        import msvcrt  # noqa: F401
    except ImportError:
        return "lockfile"
    return "msvcrt"


class FileLock:
    """``with FileLock(path):`` or ``acquire(timeout_s)`` / ``release()``. Not re-entrant."""

    def __init__(self, path: str | os.PathLike[str], stale_after_s: float = DEFAULT_STALE_AFTER_S):
        self.path = Path(path)
        self.stale_after_s = stale_after_s
        self._handle: IO[bytes] | None = None
        self._held_file: Path | None = None
        self._backend = lock_backend()

    @property
    def backend(self) -> str:
        return self._backend

    def acquire(self, timeout_s: float | None = None) -> bool:
        """Take the lock; wait at most ``timeout_s`` seconds (None: as long as it takes).

        Returns False when the time ran out. Raises OSError when the lock file cannot be
        created at all (read-only or missing directory).
        """
        if self._handle is not None or self._held_file is not None:
            raise RuntimeError(f"{self.path}: lock already held by this object")
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        poll = _POLL_S
        while True:
            if self._try_once():
                return True
            if deadline is not None and time.monotonic() + poll > deadline:
                return False
            time.sleep(poll)
            poll = min(poll * 2, _MAX_POLL_S)

    def release(self) -> None:
        handle, self._handle = self._handle, None
        held, self._held_file = self._held_file, None
        if handle is not None:
            try:
                if self._backend == "fcntl":
                    import fcntl

                    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
                elif self._backend == "msvcrt":
                    import msvcrt

                    handle.seek(0)
                    msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
            finally:
                handle.close()
        if held is not None:
            held.unlink(missing_ok=True)

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()

    # ---- backends ----------------------------------------------------------------------
    def _try_once(self) -> bool:
        if self._backend == "lockfile":
            return self._try_lock_file()
        handle = open(self.path, "a+b")  # noqa: SIM115  (kept open while the lock is held)
        try:
            if self._backend == "fcntl":
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            else:
                import msvcrt

                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError as exc:
            handle.close()
            if _is_contention(exc):
                return False
            raise
        except BaseException:
            handle.close()
            raise
        self._handle = handle
        return True

    def _try_lock_file(self) -> bool:
        held = self.path.with_name(self.path.name + ".held")
        try:
            descriptor = os.open(held, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                age = time.time() - held.stat().st_mtime
            except FileNotFoundError:
                return False  # released meanwhile: retry on the next poll
            if age > self.stale_after_s:
                held.unlink(missing_ok=True)
            return False
        try:
            os.write(descriptor, str(os.getpid()).encode())
        finally:
            os.close(descriptor)
        self._held_file = held
        return True


def _is_contention(exc: OSError) -> bool:
    """The lock is held by someone else (as opposed to a real I/O failure)."""
    import errno

    codes: set[Any] = {errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK, errno.EDEADLK}
    return exc.errno in codes or isinstance(exc, BlockingIOError | PermissionError)
