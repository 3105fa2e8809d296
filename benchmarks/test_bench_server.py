"""The serving process under load: a 150,000-line admin upload, and a half-open connection flood.

Upload: ``pointer.json`` latency (p99, max) from one keep-alive client polling every 10 ms.
Baselines in the same run: the same server idle, and the naive way, a server that compiles the
upload on its event loop (what ``serve`` did before the worker process). Target (issue 10):
p99 during the upload under 50 ms.

Flood: 1,100 connections that never finish a request head, against a server limited to 1,024
file descriptors; fresh clients then fetch ``pointer.json``. Baselines: the same server without
the flood, and plain uvicorn (no connection guard) under the same flood.
"""

from __future__ import annotations

import http.client
import json
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from linkscreen.results import Action
from linkscreen_server.compiler import ListSpec
from linkscreen_server.publish import Repository
from linkscreen_server.signing import generate_keypair, load_private_key

from server_process import free_port, wait_until_up

LINES = 150_000
TOKEN = "benchmark-token-0123456789abcdefghijkl"

_INLINE_SERVER = r"""
import sys
from pathlib import Path
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from linkscreen_server.compiler import ListSpec, compile_bundle
from linkscreen_server.signing import load_private_key

tree, key_path, port = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
key = load_private_key(key_path)

async def pointer(request: Request) -> Response:
    return Response((tree / "pointer.json").read_bytes(), media_type="application/json")

async def upload(request: Request) -> Response:
    body = await request.body()
    scratch = tree.parent / "inline-upload.txt"
    scratch.write_bytes(body)
    compile_bundle([ListSpec("hotline", scratch)], key)  # the check, on the event loop
    compile_bundle([ListSpec("hotline", scratch)], key)  # and the publish's compile
    return JSONResponse({"published": True})

routes = [Route("/pointer.json", pointer), Route("/admin/lists/hotline", upload, methods=["POST"])]
app = Starlette(routes=routes)
uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
"""


def _lines(start: int) -> bytes:
    return "".join(f"http://h{i}.bad.example/p/{i}\n" for i in range(start, start + LINES)).encode()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("upload")
    root = generate_keypair(tmp / "keys" / "root")
    signing = generate_keypair(tmp / "keys" / "signing")
    key = load_private_key(signing.private_path)
    repo = Repository(tmp / "repo")
    root_key = load_private_key(root.private_path)
    repo.write_root([root_key], [root_key.public_key()], [key.public_key()])
    (tmp / "hotline.txt").write_bytes(_lines(0))
    repo.publish([ListSpec("hotline", tmp / "hotline.txt", Action.BLOCK)], key)
    (tmp / "admin.token").write_text(TOKEN)
    (tmp / "server.toml").write_text(
        '[repository]\ndir = "repo"\nsigning_key = "keys/signing"\n'
        '[server]\nadmin_token_file = "admin.token"\n'
        '[[lists]]\nname = "hotline"\nsource = "hotline.txt"\n'
    )
    return tmp


@contextmanager
def _process(args: list[str], cwd: Path, port: int) -> Iterator[str]:
    process = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_until_up(base + "pointer.json")
        time.sleep(2.0)  # let the publisher worker start
        yield base
    finally:
        process.terminate()
        process.wait(timeout=60)


def _poll(base: str, stop: threading.Event, latencies: list[float]) -> None:
    port = int(base.rsplit(":", 1)[1].strip("/"))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while not stop.is_set():
        started = time.perf_counter()
        connection.request("GET", "/pointer.json")
        response = connection.getresponse()
        response.read()
        latencies.append((time.perf_counter() - started) * 1000)
        time.sleep(0.01)
    connection.close()


def _measure(base: str, *, upload: bytes | None, seconds: float = 3.0) -> tuple[list[float], float]:
    """Pointer latencies (ms) while ``upload`` is posted (or for ``seconds`` idle), and how long
    the upload took."""
    latencies: list[float] = []
    stop = threading.Event()
    poller = threading.Thread(target=_poll, args=(base, stop, latencies))
    poller.start()
    started = time.perf_counter()
    if upload is None:
        time.sleep(seconds)
    else:
        request = urllib.request.Request(
            base + "admin/lists/hotline",
            data=upload,
            method="POST",
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        with urllib.request.urlopen(request, timeout=600) as response:
            assert json.loads(response.read())["published"] is True
    took = time.perf_counter() - started
    stop.set()
    poller.join()
    return latencies, took


def _p99(values: list[float]) -> float:
    if len(values) < 2:
        return max(values)
    return statistics.quantiles(values, n=100, method="inclusive")[98]


def test_pointer_latency_during_a_150k_line_upload(recorder: Any, site: Path) -> None:
    group = "pointer.json p99 during 150k-line upload (target < 50 ms)"
    port = free_port()
    server = [sys.executable, "-m", "linkscreen_server.cli", "serve", "--dir", "repo"]
    with _process([*server, "--port", str(port), "--config", "server.toml"], site, port) as base:
        idle, _ = _measure(base, upload=None)
        during, took = _measure(base, upload=_lines(1500))  # 1% of the entries changed
    port = free_port()
    inline = [sys.executable, "-c", _INLINE_SERVER, str(site / "repo")]
    with _process([*inline, str(site / "keys" / "signing"), str(port)], site, port) as base:
        naive, naive_took = _measure(base, upload=_lines(3000))
    recorder(group, "idle server (baseline)", _p99(idle), "ms")
    recorder(group, "upload compiled in the worker process", _p99(during), "ms")
    recorder(group, "upload compiled on the event loop (naive)", _p99(naive), "ms")
    worst = "pointer.json worst latency during the upload"
    recorder(worst, "idle server (baseline)", max(idle), "ms")
    recorder(worst, "worker process", max(during), "ms")
    recorder(worst, "on the event loop (naive)", max(naive), "ms")
    recorder("pointer answers during the upload", "worker process", len(during), "reqs")
    recorder("pointer answers during the upload", "on the event loop (naive)", len(naive), "reqs")
    recorder("150k-line upload: check + publish", "worker process", took, "s")
    recorder("150k-line upload: check + publish", "on the event loop (naive)", naive_took, "s")
    assert _p99(during) < 50


_PLAIN_UVICORN = r"""
import sys
from pathlib import Path
import uvicorn
from linkscreen_server.app import create_app
uvicorn.run(create_app(Path(sys.argv[1])), host="127.0.0.1", port=int(sys.argv[2]),
            log_level="critical")
"""


def _limit_files() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))


def _fresh_gets(base: str, count: int) -> tuple[list[float], int]:
    """Latencies (ms) of ``count`` GETs of pointer.json, each on a new connection; failures."""
    latencies, failures = [], 0
    for _ in range(count):
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(base + "pointer.json", timeout=5) as response:
                response.read()
            latencies.append((time.perf_counter() - started) * 1000)
        except OSError:
            failures += 1
    return latencies, failures


def _flood(base: str, count: int) -> list[Any]:
    import socket

    port = int(base.rsplit(":", 1)[1].strip("/"))
    sockets = []
    for _ in range(count):
        try:
            half_open = socket.create_connection(("127.0.0.1", port), timeout=5)
            half_open.sendall(b"GET /pointer.json HTTP/1.1\r\nHost: x\r\n")
            sockets.append(half_open)
        except OSError:
            break
    return sockets


@pytest.mark.parametrize("server", ["linkscreen-server", "plain uvicorn (naive)"])
def test_pointer_under_a_half_open_connection_flood(recorder: Any, site: Path, server: str) -> None:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 1400:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(1400, hard), hard))
    port = free_port()
    if server == "linkscreen-server":
        args = [sys.executable, "-m", "linkscreen_server.cli", "serve", "--dir", "repo"]
        args += ["--port", str(port), "--header-timeout", "10s"]
    else:
        args = [sys.executable, "-c", _PLAIN_UVICORN, str(site / "repo"), str(port)]
    process = subprocess.Popen(
        args,
        cwd=site,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=_limit_files,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_until_up(base + "pointer.json")
        quiet, _ = _fresh_gets(base, 100)
        sockets = _flood(base, 1100)
        flooded, failures = _fresh_gets(base, 100)
        for half_open in sockets:
            half_open.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
    group = "fresh GET pointer.json p99, 1,100 half-open conns, 1,024 fds"
    recorder(group + " (quiet)", server, _p99(quiet), "ms")
    if flooded:
        recorder(group, server, _p99(flooded), "ms")
    recorder("GETs answered of 100 under the flood", server, 100 - failures, "reqs")
    if server == "linkscreen-server":
        assert failures == 0
