"""Write files so that a reader (or a crash) never sees a half-written one, and never leave a
temporary file behind, even when the disk fills up part way (ENOSPC) or the rename fails.

A process killed mid-write can still leave a temporary (named ``.NAME.tmp-PID-THREAD``);
:func:`remove_temporaries` clears them, and the Updater runs it under its lock.

Public because the server writes every file it serves with :func:`write_atomically` too.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterable
from pathlib import Path

__all__ = ["TEMPORARY_MARK", "remove_temporaries", "write_atomically"]

#: Part of every temporary file's name (after a leading dot and the target's name).
TEMPORARY_MARK = ".tmp-"


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary name in the same directory, flush to disk, then rename over ``path``.

    On any failure the temporary is removed before the error propagates, so a full disk is
    not kept full by our own leftovers. The directory entry is flushed too where possible.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}{TEMPORARY_MARK}{os.getpid()}-{threading.get_ident()}")
    try:
        descriptor = os.open(
            temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o666
        )
        try:
            view = memoryview(data)
            while view:
                written = os.write(descriptor, view)
                view = view[written:]
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):  # never created, or renamed: nothing is left
            os.unlink(temporary)
        raise
    _flush_directory(path.parent)


def _flush_directory(directory: Path) -> None:
    """Make the rename durable (POSIX); a no-op where directories cannot be opened."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # some file systems refuse fsync on a directory; the rename itself is atomic
    finally:
        os.close(descriptor)


def remove_temporaries(directories: Iterable[Path]) -> list[Path]:
    """Delete temporaries left by killed writers in ``directories``; returns what was removed.

    Only call this while holding the lock that serialises writers of those directories.
    """
    removed = []
    for directory in directories:
        try:
            entries = list(directory.iterdir())
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(".") and TEMPORARY_MARK in entry.name:
                try:
                    entry.unlink()
                    removed.append(entry)
                except OSError:
                    continue
    return removed
