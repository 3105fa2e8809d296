"""A small review service on loopback that implements the report contract, for Reporter tests.

``POST /v1/reports`` as docs/review.md fixes it: JSON only (415 otherwise), at most 16384 bytes
(413), the exact keys and limits (400 with ``field`` and ``reason``), one report per install
and URL (202 ``received``, then ``duplicate``). ``answers`` overrides the next answers in
order (a 500, a 429 with Retry-After, a captive portal's 200 page). Every request is kept
byte for byte (``requests``), so a test can assert what left the device.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MAX_BODY = 16384
KEYS = {"v", "url", "techniques", "verdict", "install_id", "note", "attachment"}
TECHNIQUE = re.compile(r"[a-z0-9_]{1,32}")
INSTALL_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
TOKEN = "flagger-token-0123456789"


@dataclass(frozen=True)
class Received:
    """One request as it arrived."""

    method: str
    path: str
    head: bytes
    """The request line and header block, as sent."""
    body: bytes
    headers: dict[str, str]

    @property
    def raw(self) -> bytes:
        return self.head + self.body

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class ReviewService:
    port: int = 0
    requests: list[Received] = field(default_factory=list)
    stored: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    """(install id, url) -> the report, with ``id`` and ``trusted``."""
    answers: list[Answer] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def answer(self, status: int, body: bytes = b"", **headers: str) -> None:
        """Answer the next request so (queued in order), whatever it holds."""
        with self.lock:
            self.answers.append(
                Answer(status, body, tuple((k.replace("_", "-"), v) for k, v in headers.items()))
            )

    def handle(self, received: Received) -> Answer:
        with self.lock:
            self.requests.append(received)
            if self.answers:
                return self.answers.pop(0)
        if received.method != "POST" or received.path != "/v1/reports":
            return Answer(404)
        if received.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return Answer(415)
        if len(received.body) > MAX_BODY:
            return Answer(413)
        try:
            report = json.loads(received.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return _bad("body", "not JSON")
        problem = validate(report)
        if problem is not None:
            return _bad(*problem)
        trusted = received.headers.get("authorization") == f"Bearer {TOKEN}"
        key = (report["install_id"], report["url"])
        with self.lock:
            if key in self.stored:
                return _json(202, {"status": "duplicate", "id": self.stored[key]["id"]})
            report_id = secrets.token_hex(6)
            self.stored[key] = {**report, "id": report_id, "trusted": trusted}
        return _json(202, {"status": "received", "id": report_id})

    def reports(self) -> list[Received]:
        with self.lock:
            return [r for r in self.requests if r.path == "/v1/reports"]


def validate(report: Any) -> tuple[str, str] | None:
    """The contract's checks: (field, reason) of the first problem, or None."""
    if not isinstance(report, dict):
        return "body", "not an object"
    unknown = set(report) - KEYS
    if unknown:
        return sorted(unknown)[0], "unknown key"
    if report.get("v") != 1:
        return "v", "must be 1"
    url = report.get("url")
    if not isinstance(url, str) or not 1 <= len(url) <= 4096:
        return "url", "1..4096 characters"
    techniques = report.get("techniques")
    if not isinstance(techniques, list) or len(techniques) > 16:
        return "techniques", "a list of at most 16"
    if not all(isinstance(t, str) and TECHNIQUE.fullmatch(t) for t in techniques):
        return "techniques", "each [a-z0-9_]{1,32}"
    if report.get("verdict") not in ("block", "warn", "allow"):
        return "verdict", "block, warn or allow"
    install_id = report.get("install_id")
    if not isinstance(install_id, str) or not INSTALL_ID.fullmatch(install_id):
        return "install_id", "16..64 of [A-Za-z0-9_-]"
    for name, limit in (("note", 1000), ("attachment", 4096)):
        if name in report and not (isinstance(report[name], str) and len(report[name]) <= limit):
            return name, f"at most {limit} characters"
    return None


def _json(status: int, data: dict[str, Any]) -> Answer:
    return Answer(status, json.dumps(data).encode(), (("Content-Type", "application/json"),))


def _bad(field_name: str, reason: str) -> Answer:
    return _json(400, {"error": "bad_report", "field": field_name, "reason": reason})


@contextmanager
def review_service(port: int = 0) -> Iterator[ReviewService]:
    """Serve the contract on 127.0.0.1 (``port`` 0: a free one) until the block ends."""
    service = ReviewService()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            return

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(min(length, 1 << 20))
            head = self.raw_requestline + bytes(self.headers)
            headers = {k.lower(): v for k, v in self.headers.items()}
            answer = service.handle(Received(self.command, self.path, head, body, headers))
            self.send_response(answer.status)
            for name, value in answer.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(answer.body)
            self.close_connection = True

        do_POST = _serve  # noqa: N815
        do_GET = _serve  # noqa: N815

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    service.port = int(server.server_address[1])
    thread = threading.Thread(
        target=server.serve_forever, args=(0.05,), name="review-service", daemon=True
    )
    thread.start()
    try:
        yield service
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
