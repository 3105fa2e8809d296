"""A hostile HTTP server on loopback: slow, huge, malformed, for the fetcher's tests.

Raw sockets, one thread per connection, so that each route can misbehave at the byte level
(an HTTP library would refuse to). Routes, by the first segment of the path (``/huge/x`` is
``/huge``), so a whole repository URL can misbehave the same way:

``/ok``             200, ``hello``, an ETag; 304 when If-None-Match matches
``/echo``           200, the request head as received (request line and headers) as the body
``/trickle-head``   the status line and headers one byte per second
``/trickle-body``   valid headers, then the body one byte per second
``/huge``           Content-Length 1 GiB and as many bytes as the client will read
``/huge-chunked``   chunked, endless chunks
``/short``          Content-Length 100, 10 bytes, then close
``/bad-status``     ``HTTP/1.1 abc`` status line
``/bad-chunk``      chunked with a chunk size that is not hex
``/long-header``    one 100 KiB header line
``/many-headers``   1,000 headers
``/garbage``        bytes that are not HTTP
``/close``          closes without answering
``/hang``           reads the request and never answers
``/redirect``       302 to ``/ok``; ``/meta`` a meta refresh page (for the redirect follower)

``Hostile.connections`` counts accepted connections (a refused address must leave it at 0);
``Hostile.heads`` keeps every request head received.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

ETAG = '"v1"'


@dataclass
class Hostile:
    port: int
    connections: int = 0
    heads: list[bytes] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)
    routes: dict[str, Callable[[socket.socket, bytes], None]] = field(default_factory=dict)

    def url(self, path: str, host: str = "127.0.0.1", scheme: str = "http") -> str:
        return f"{scheme}://{host}:{self.port}{path}"

    def paths(self) -> list[str]:
        with self.lock:
            return [head.split(b" ", 2)[1].decode("latin-1") for head in self.heads if b" " in head]


def _trickle(conn: socket.socket, data: bytes, stopping: threading.Event) -> None:
    for byte in data:
        if stopping.wait(1.0):
            return
        conn.sendall(bytes([byte]))


def _answer(server: Hostile, conn: socket.socket, head: bytes) -> None:
    path = head.split(b" ", 2)[1].decode("latin-1") if head.count(b" ") >= 2 else ""
    path = path.partition("?")[0]
    if path not in server.routes:
        path = "/" + path.split("/")[1] if path.startswith("/") else path  # first segment
    ok_head = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
    if path in server.routes:
        server.routes[path](conn, head)
    elif path == "/ok":
        if f"if-none-match: {ETAG}".encode() in head.lower():
            conn.sendall(f"HTTP/1.1 304 Not Modified\r\nETag: {ETAG}\r\n\r\n".encode())
        else:
            conn.sendall(ok_head + f"ETag: {ETAG}\r\nContent-Length: 5\r\n\r\nhello".encode())
    elif path == "/echo":
        conn.sendall(ok_head + f"Content-Length: {len(head)}\r\n\r\n".encode() + head)
    elif path == "/trickle-head":
        _trickle(conn, ok_head + b"Content-Length: 5\r\n\r\nhello", server.stopping)
    elif path == "/trickle-body":
        conn.sendall(ok_head + b"Content-Length: 100\r\n\r\n")
        _trickle(conn, b"x" * 100, server.stopping)
    elif path == "/huge":
        conn.sendall(ok_head + f"Content-Length: {1 << 30}\r\n\r\n".encode())
        block = b"x" * 65536
        while not server.stopping.is_set():
            conn.sendall(block)
    elif path == "/huge-chunked":
        conn.sendall(ok_head + b"Transfer-Encoding: chunked\r\n\r\n")
        chunk = b"10000\r\n" + b"y" * 65536 + b"\r\n"
        while not server.stopping.is_set():
            conn.sendall(chunk)
    elif path == "/short":
        conn.sendall(ok_head + b"Content-Length: 100\r\n\r\n" + b"z" * 10)
    elif path == "/bad-status":
        conn.sendall(b"HTTP/1.1 abc\r\n\r\n")
    elif path == "/bad-chunk":
        conn.sendall(ok_head + b"Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n")
    elif path == "/long-header":
        conn.sendall(ok_head + b"X-Long: " + b"a" * 100_000 + b"\r\n\r\n")
    elif path == "/many-headers":
        conn.sendall(ok_head + b"".join(b"X-H%d: v\r\n" % i for i in range(1000)) + b"\r\n")
    elif path == "/garbage":
        conn.sendall(b"\x00\xff\x13garbage that is not HTTP at all\r\n\r\n")
    elif path == "/hang":
        server.stopping.wait(60)
    elif path == "/redirect":
        conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: /ok\r\nContent-Length: 0\r\n\r\n")
    elif path == "/close":
        return
    else:
        conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")


def _serve_one(server: Hostile, conn: socket.socket) -> None:
    try:
        conn.settimeout(10)
        head = b""
        while b"\r\n\r\n" not in head and len(head) < 65536:
            data = conn.recv(4096)
            if not data:
                return
            head += data
        with server.lock:
            server.heads.append(head)
        _answer(server, conn, head)
    except OSError:
        return  # the client gave up (that is usually the point of the test)
    finally:
        conn.close()


@contextmanager
def running_hostile(tls: ssl.SSLContext | None = None) -> Iterator[Hostile]:
    """Serve on 127.0.0.1 (optionally TLS with ``tls``); yields the server's handle."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.settimeout(0.2)
    server = Hostile(listener.getsockname()[1])

    def accept_loop() -> None:
        while not server.stopping.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with server.lock:
                server.connections += 1
            if tls is not None:
                try:
                    conn.settimeout(5)
                    conn = tls.wrap_socket(conn, server_side=True)
                except (OSError, ssl.SSLError):
                    conn.close()
                    continue
            threading.Thread(target=_serve_one, args=(server, conn), daemon=True).start()

    thread = threading.Thread(target=accept_loop, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        thread.join(2)
        listener.close()
        time.sleep(0.01)
