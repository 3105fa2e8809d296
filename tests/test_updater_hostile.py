"""The Updater against a hostile HTTP server on loopback: it returns ``failed`` within its
deadline whatever the server does, and never holds the state lock beyond it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from linkscreen import Updater, UpdateStatus
from linkscreen.errors import DownloadError, DownloadTimeoutError
from linkscreen.filelock import FileLock

from hostile_server import Hostile, running_hostile

KEY = Ed25519PrivateKey.generate().public_key()


@pytest.fixture(scope="module")
def hostile() -> Iterator[Hostile]:
    with running_hostile() as server:
        yield server


def test_one_byte_a_second_server_fails_within_the_3s_deadline(
    hostile: Hostile, tmp_path: Path
) -> None:
    updater = Updater(tmp_path / "c", hostile.url("/trickle-head/repo/"), [KEY], deadline_s=3.0)
    started = time.monotonic()
    result = updater.refresh()
    elapsed = time.monotonic() - started
    assert result.status is UpdateStatus.FAILED
    assert isinstance(result.error, DownloadTimeoutError)
    assert elapsed < 3.5, elapsed
    lock = FileLock(tmp_path / "c" / ".lock")  # released: free at once
    assert lock.acquire(timeout_s=0)
    lock.release()


def test_a_refresh_waits_for_the_state_lock_no_longer_than_its_deadline(
    hostile: Hostile, tmp_path: Path
) -> None:
    (tmp_path / "c").mkdir()
    with FileLock(tmp_path / "c" / ".lock"):
        started = time.monotonic()
        result = Updater(tmp_path / "c", hostile.url("/ok/"), [KEY], deadline_s=0.5).refresh()
        assert time.monotonic() - started < 1.5
    assert result.status is UpdateStatus.FAILED
    assert isinstance(result.error, DownloadTimeoutError)


@pytest.mark.parametrize(
    "path", ["/huge/", "/huge-chunked/", "/short/", "/bad-status/", "/bad-chunk/", "/garbage/",
             "/close/", "/hang/", "/trickle-body/", "/long-header/", "/many-headers/"],
)  # fmt: skip
def test_hostile_answers_fail_the_refresh_and_never_raise(
    hostile: Hostile, tmp_path: Path, path: str
) -> None:
    result = Updater(tmp_path / "c", hostile.url(path), [KEY], deadline_s=1.0).refresh()
    assert result.status is UpdateStatus.FAILED
    assert isinstance(result.error, DownloadError)
