"""The portable state lock: serialises processes, frees itself when a holder dies, and works
(with the documented lock-file fallback) where ``fcntl`` does not exist."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from linkscreen import filelock
from linkscreen.filelock import FileLock, lock_backend

HOLD = textwrap.dedent(
    """
    import sys, time
    from linkscreen.filelock import FileLock
    lock = FileLock(sys.argv[1])
    assert lock.acquire(5)
    print("held", flush=True)
    if sys.argv[2] == "die":
        import os
        os._exit(0)
    time.sleep(float(sys.argv[2]))
    lock.release()
    """
)


def _holder(path: Path, then: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path), then], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "held"
    return process


def test_this_platform_has_a_kernel_lock() -> None:
    assert lock_backend() in ("fcntl", "msvcrt")


def test_a_lock_held_by_another_process_makes_us_wait(tmp_path: Path) -> None:
    holder = _holder(tmp_path / ".lock", "1.0")
    lock = FileLock(tmp_path / ".lock")
    assert not lock.acquire(timeout_s=0.2)
    assert lock.acquire(timeout_s=10)
    lock.release()
    holder.wait(10)


def test_a_lock_is_freed_when_its_holder_dies(tmp_path: Path) -> None:
    _holder(tmp_path / ".lock", "die").wait(10)
    lock = FileLock(tmp_path / ".lock")
    assert lock.acquire(timeout_s=0.5)
    lock.release()


def test_two_locks_in_one_process_exclude_each_other(tmp_path: Path) -> None:
    first, second = FileLock(tmp_path / ".lock"), FileLock(tmp_path / ".lock")
    with first:
        assert not second.acquire(timeout_s=0.05)
    assert second.acquire(timeout_s=0.05)
    second.release()


def test_a_lock_cannot_be_taken_twice_by_one_object(tmp_path: Path) -> None:
    lock = FileLock(tmp_path / ".lock")
    with lock, pytest.raises(RuntimeError):
        lock.acquire(0)


class TestLockFileFallback:
    @pytest.fixture(autouse=True)
    def _no_kernel_lock(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(filelock, "lock_backend", lambda: "lockfile")

    def test_excludes_and_releases(self, tmp_path: Path) -> None:
        first, second = FileLock(tmp_path / ".lock"), FileLock(tmp_path / ".lock")
        assert first.backend == "lockfile"
        assert first.acquire(0)
        assert (tmp_path / ".lock.held").read_text() == str(os.getpid())
        assert not second.acquire(timeout_s=0.1)
        first.release()
        assert not (tmp_path / ".lock.held").exists()
        assert second.acquire(0)
        second.release()

    def test_a_stale_lock_file_is_taken_over(self, tmp_path: Path) -> None:
        held = tmp_path / ".lock.held"
        held.write_text("99999")
        old = time.time() - 3600
        os.utime(held, (old, old))
        lock = FileLock(tmp_path / ".lock", stale_after_s=600)
        assert lock.acquire(timeout_s=1)
        lock.release()

    def test_a_fresh_lock_file_is_respected(self, tmp_path: Path) -> None:
        (tmp_path / ".lock.held").write_text("99999")
        assert not FileLock(tmp_path / ".lock").acquire(timeout_s=0.2)


def test_linkscreen_imports_and_locks_where_fcntl_does_not_exist(tmp_path: Path) -> None:
    """Windows has no fcntl (issue 11): simulate its absence, and msvcrt's, in a fresh process."""
    script = textwrap.dedent(
        """
        import sys
        sys.modules["fcntl"] = None     # "import fcntl" now raises ImportError
        sys.modules["msvcrt"] = None
        import linkscreen
        from linkscreen.filelock import FileLock, lock_backend
        assert lock_backend() == "lockfile", lock_backend()
        first, second = FileLock(sys.argv[1]), FileLock(sys.argv[1])
        assert first.acquire(0) and not second.acquire(0.05)
        first.release()
        assert second.acquire(0)
        second.release()
        linkscreen.Updater(sys.argv[2], "http://127.0.0.1:9/", [bytes(32)])
        print("ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / ".lock"), str(tmp_path / "state")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.strip() == "ok", result.stderr
