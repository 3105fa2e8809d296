"""The publisher's lock (linkscreen_server.locking) is the SDK's FileLock: it serialises
publishes with every backend, says once that it waits, and frees the lock on the way out."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from linkscreen import filelock
from linkscreen_server.locking import exclusive_lock


@pytest.mark.parametrize("backend", ["native", "lockfile"])
def test_a_second_holder_waits_for_the_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    if backend == "lockfile":  # a platform with neither fcntl nor msvcrt
        monkeypatch.setattr(filelock, "lock_backend", lambda: "lockfile")
    path = tmp_path / "state" / "publish.lock"
    order: list[str] = []
    waited = threading.Event()
    first_in = threading.Event()

    def first() -> None:
        with exclusive_lock(path):
            order.append("first in")
            first_in.set()
            waited.wait(5)
            time.sleep(0.1)
            order.append("first out")

    thread = threading.Thread(target=first)
    thread.start()
    assert first_in.wait(5)
    with exclusive_lock(path, on_wait=waited.set):
        order.append("second in")
    thread.join(5)
    assert waited.is_set()  # told once that it had to wait
    assert order == ["first in", "first out", "second in"]
    with exclusive_lock(path, on_wait=lambda: pytest.fail("the lock was not released")):
        pass
