"""A loopback HTTP server that behaves like URL shorteners and redirect chains, for tests.

Routes (all on 127.0.0.1): ``/s/<code>`` redirect with each status code; relative and absolute
Location; ``/s/meta`` an HTML meta refresh; ``/s/nohead`` refuses HEAD; ``/s/loop1`` <->
``/s/loop2``; ``/s/hops/N`` a chain of N more hops; ``/s/slow`` answers after 3 s;
``/s/mid`` -> ``/s/listed`` -> ``/dest/ok``; ``/dest/ok`` the final page. Every request is logged.
A second socket accepts connections and never answers (a hung server).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Log:
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def paths(self) -> list[str]:
        with self.lock:
            return [path for _, path, _ in self.requests]


class _Handler(BaseHTTPRequestHandler):
    log: Log
    port: int

    def log_message(self, *args: object) -> None:  # keep test output quiet
        return

    def _route(self) -> tuple[int, dict[str, str], bytes]:
        path = self.path
        origin = f"http://127.0.0.1:{self.port}"
        if path.startswith("/s/") and path[3:].isdigit():
            return int(path[3:]), {"Location": f"{origin}/dest/ok"}, b""
        routes: dict[str, tuple[int, dict[str, str], bytes]] = {
            "/s/relative": (302, {"Location": "/dest/ok"}, b""),
            "/s/dir/relative-path": (302, {"Location": "../../dest/ok"}, b""),
            "/s/cookie": (302, {"Location": "/s/after-cookie", "Set-Cookie": "id=1"}, b""),
            "/s/after-cookie": (302, {"Location": "/dest/ok"}, b""),
            "/s/meta": (
                200,
                {"Content-Type": "text/html"},
                b'<html><head><meta http-equiv="refresh" content="0; url=/dest/ok"></head></html>',
            ),
            "/s/loop1": (302, {"Location": "/s/loop2"}, b""),
            "/s/loop2": (302, {"Location": "/s/loop1"}, b""),
            "/s/mid": (301, {"Location": "/s/listed"}, b""),
            "/s/listed": (302, {"Location": "/dest/ok"}, b""),
            "/dest/ok": (200, {"Content-Type": "text/plain"}, b"final"),
        }
        if path.startswith("/s/hops/"):
            left = int(path.rsplit("/", 1)[1])
            target = "/dest/ok" if left == 0 else f"/s/hops/{left - 1}"
            return 302, {"Location": target}, b""
        if path == "/s/slow":
            time.sleep(3)
            return 302, {"Location": "/dest/ok"}, b""
        return routes.get(path, (404, {}, b"not found"))

    def _answer(self, with_body: bool) -> None:
        with self.log.lock:
            self.log.requests.append((self.command, self.path, dict(self.headers.items())))
        if self.command == "HEAD" and self.path == "/s/nohead":
            self.send_response(405)
            self.end_headers()
            return
        if self.path == "/s/nohead":
            status, headers, body = 302, {"Location": "/dest/ok"}, b""
        else:
            status, headers, body = self._route()
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def do_GET(self) -> None:
        self._answer(with_body=True)


@dataclass
class Shortener:
    port: int
    hung_port: int
    log: Log

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@contextmanager
def running_shortener() -> Iterator[Shortener]:
    log = Log()
    handler = type("Handler", (_Handler,), {"log": log, "port": 0})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    handler.port = server.server_address[1]
    hung = socket.socket()
    hung.bind(("127.0.0.1", 0))
    hung.listen(16)  # accepts (the kernel completes the handshake) and never answers
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Shortener(handler.port, hung.getsockname()[1], log)
    finally:
        server.shutdown()
        server.server_close()
        hung.close()
