"""Start and stop the server's commands on loopback for the examples: a free port, one
``linkscreen-server`` run, and a served process that is up once its probe URL answers.

Shared by the review desk (examples/review_desk.py) and the Matrix operator
(examples/matrix/listserver.py), so both wait and shut down the same way.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_server_cli(*args: str, python: str = sys.executable, stdin: str | None = None) -> str:
    """``linkscreen-server ARGS``; its standard output (raises with its message when it fails)."""
    command = [python, "-m", "linkscreen_server.cli", *args]
    result = subprocess.run(
        command, input=stdin, capture_output=True, text=True, check=False, timeout=300
    )
    if result.returncode:
        raise RuntimeError(f"linkscreen-server {' '.join(args[:2])}: {result.stderr.strip()}")
    return result.stdout


class ServedProcess:
    """A ``linkscreen-server`` command serving on loopback; :meth:`start` returns once
    ``probe`` answers (any HTTP status counts), :meth:`stop` terminates, then kills."""

    def __init__(self, name: str, log: Path | None = None) -> None:
        self.name = name
        self.log = log
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, command: list[str], probe: str) -> None:
        if self.log is not None:
            with open(self.log, "wb") as output:
                self._process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        else:
            self._process = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                tail = self.log.read_text(errors="replace")[-2000:] if self.log else ""
                self._process = None
                raise RuntimeError(f"the {self.name} exited: {tail}")
            try:
                with urllib.request.urlopen(probe, timeout=1):
                    return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise TimeoutError(f"the {self.name} did not start")

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=STOP_TIMEOUT_S)
        self._process = None

    def __enter__(self) -> ServedProcess:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
