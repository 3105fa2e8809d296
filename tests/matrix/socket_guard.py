"""Record every outgoing connection and name lookup this process makes, from any thread.

Patches ``socket.socket.connect`` / ``connect_ex`` (which asyncio's ``sock_connect``, aiohttp
and ``http.client`` all end in) and ``socket.getaddrinfo``. It records rather than refuses,
so a test can assert the full list after the fact, positive controls included.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Connections:
    made: list[tuple[str, int, str]] = field(default_factory=list)
    """(host, port, thread name) of each connect, in order."""
    looked_up: list[str] = field(default_factory=list)
    """Host names given to getaddrinfo."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def destinations(self) -> set[tuple[str, int]]:
        with self.lock:
            return {(host, port) for host, port, _ in self.made}

    def mark(self) -> int:
        with self.lock:
            return len(self.made)

    def since(self, mark: int) -> set[tuple[str, int]]:
        with self.lock:
            return {(host, port) for host, port, _ in self.made[mark:]}


@contextmanager
def recording() -> Iterator[Connections]:
    log = Connections()
    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex
    original_getaddrinfo = socket.getaddrinfo

    def note(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            with log.lock:
                log.made.append((str(address[0]), int(address[1]), threading.current_thread().name))

    def connect(sock: socket.socket, address: Any) -> None:
        note(sock, address)
        original_connect(sock, address)

    def connect_ex(sock: socket.socket, address: Any) -> int:
        note(sock, address)
        return original_connect_ex(sock, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        with log.lock:
            log.looked_up.append(str(host))
        return original_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = getaddrinfo
    try:
        yield log
    finally:
        socket.socket.connect = original_connect  # type: ignore[method-assign]
        socket.socket.connect_ex = original_connect_ex  # type: ignore[method-assign]
        socket.getaddrinfo = original_getaddrinfo
