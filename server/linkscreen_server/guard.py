"""Connection hygiene for the HTTP server: header-read timeout, header size cap, connection cap.

uvicorn on its own waits forever for a request's headers and accepts connections until the
process runs out of file descriptors, so 1,100 half-open connections starved it. This protocol
(uvicorn's httptools protocol plus three rules) keeps it answering:

- **Header deadline**: a connection must deliver a complete request head within
  ``header_timeout`` seconds of connecting, or of its previous response; else it is closed.
- **Header size**: a request head (target and headers) over ``MAX_HEADER_BYTES`` answers 431.
- **Connection cap**: past ``max_connections`` open connections, the one that has waited
  longest without sending a complete request head (half-open or idle keep-alive) is closed to
  make room; a connection busy with a request is never evicted for a new one.

The process also raises its open-file limit to the hard limit, and caps ``max_connections``
below it, so the cap (not the kernel) decides who is turned away.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections import OrderedDict
from typing import Any, ClassVar

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .config import DEFAULT_HEADER_TIMEOUT_S, DEFAULT_MAX_CONNECTIONS

log = logging.getLogger("linkscreen_server")

#: Largest request head accepted, in bytes.
MAX_HEADER_BYTES = 32 * 1024
#: File descriptors kept free for everything that is not a client connection.
FD_RESERVE = 64


class GuardedHttpProtocol(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 protocol with a header deadline, a header cap and a connection cap.

    Use :func:`guarded_protocol` to get a subclass with its own settings and registry.
    """

    header_timeout: ClassVar[float] = DEFAULT_HEADER_TIMEOUT_S
    max_connections: ClassVar[int] = DEFAULT_MAX_CONNECTIONS
    #: Connections waiting for a request head, oldest first (shared by one server's protocols).
    waiting: ClassVar[OrderedDict[GuardedHttpProtocol, None]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._head_bytes = 0
        self._head_too_large = False

    # -- waiting for a request head ------------------------------------------------------
    def _start_waiting(self) -> None:
        self._stop_waiting()
        self._head_bytes = 0
        self.waiting[self] = None
        self._deadline = self.loop.call_later(self.header_timeout, self._too_slow)

    def _stop_waiting(self) -> None:
        self.waiting.pop(self, None)
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        self.waiting.pop(self, None)
        if not self.transport.is_closing():
            self.transport.abort()

    # -- protocol events -----------------------------------------------------------------
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_waiting()
        if len(self.connections) > self.max_connections:
            victim = next((c for c in self.waiting if c is not self), self)
            victim._stop_waiting()
            victim.transport.abort()

    def _count_head(self, size: int) -> None:
        self._head_bytes += size
        if self._head_bytes > MAX_HEADER_BYTES:
            self._head_too_large = True
            raise ValueError("request head too large")  # the parser turns it into an error

    def on_url(self, url: bytes) -> None:
        self._count_head(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count_head(len(name) + len(value) + 4)
        super().on_header(name, value)

    def send_400_response(self, msg: str) -> None:
        if not self._head_too_large:
            super().send_400_response(msg)
            return
        self._stop_waiting()
        self.transport.write(
            b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
            b"content-length: 0\r\nconnection: close\r\n\r\n"
        )
        self.transport.close()

    def on_headers_complete(self) -> None:
        self._stop_waiting()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        pipelined = bool(self.pipeline)  # a next request whose head has already arrived
        super().on_response_complete()
        if not pipelined and not self.transport.is_closing():
            self._start_waiting()  # the next request's head is due within the deadline too

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_waiting()
        super().connection_lost(exc)


def guarded_protocol(
    *, header_timeout: float = DEFAULT_HEADER_TIMEOUT_S, max_connections: int
) -> type[GuardedHttpProtocol]:
    """A protocol class with these limits and a registry of its own."""
    attributes = {
        "header_timeout": header_timeout,
        "max_connections": max_connections,
        "waiting": OrderedDict(),
    }
    return type("LinkscreenHttpProtocol", (GuardedHttpProtocol,), attributes)


def raise_open_file_limit(wanted: int) -> int:
    """Raise this process's soft open-file limit towards ``wanted + FD_RESERVE`` (up to the hard
    limit) and return how many connections fit under it."""
    if sys.platform == "win32":  # pragma: no cover - no RLIMIT_NOFILE
        return wanted
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted + FD_RESERVE
    if hard != resource.RLIM_INFINITY:
        target = min(target, hard)
    if target > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    fits = max(soft - FD_RESERVE, 16)
    if fits < wanted:
        log.warning(
            "open-file limit %d allows %d connections, fewer than the %d configured",
            soft,
            fits,
            wanted,
        )
    return min(wanted, fits)
