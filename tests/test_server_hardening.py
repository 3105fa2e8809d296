"""The serving process under attack, as a real process on loopback.

A short admin token, half-open connections, slow or huge request heads, bad bytes in paths, and
an upload big enough to compile for seconds: the server refuses to start, sheds the attacker,
answers 400/404, or keeps serving ``pointer.json`` while it compiles.
"""

from __future__ import annotations

import json
import os
import resource
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from linkscreen.results import Action
from linkscreen_server.compiler import ListSpec
from linkscreen_server.publish import Repository
from linkscreen_server.signing import generate_keypair, load_private_key

from server_process import free_port, wait_until_up

SERVER = [sys.executable, "-m", "linkscreen_server.cli"]
TOKEN = "t0k3n-for-tests-only-0123456789abcdef"


def _entries(count: int, start: int = 0) -> str:
    return "".join(f"http://h{i}.bad.example/p/{i}\n" for i in range(start, start + count))


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = generate_keypair(tmp_path / "keys" / "root")
    signing = generate_keypair(tmp_path / "keys" / "signing")
    repo = Repository(tmp_path / "repo")
    key = load_private_key(signing.private_path)
    repo.write_root(
        [load_private_key(root.private_path)],
        [load_private_key(root.private_path).public_key()],
        [key.public_key()],
    )
    (tmp_path / "hotline.txt").write_text(_entries(100))
    repo.publish([ListSpec("hotline", tmp_path / "hotline.txt", Action.BLOCK)], key)
    (tmp_path / "admin.token").write_text(TOKEN + "\n")
    (tmp_path / "server.toml").write_text(
        '[repository]\ndir = "repo"\nsigning_key = "keys/signing"\n'
        '[server]\nadmin_token_file = "admin.token"\n'
        '[[lists]]\nname = "hotline"\nsource = "hotline.txt"\n'
    )
    return tmp_path


def _limit_files(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))


@contextmanager
def _serving(
    cwd: Path, *args: str, file_limit: int | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    process = subprocess.Popen(
        [*SERVER, "serve", "--dir", "repo", "--port", str(port), *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        preexec_fn=(lambda: _limit_files(file_limit)) if file_limit else None,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_until_up(base + "pointer.json", process=process)
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _output(process: subprocess.Popen[bytes]) -> str:
    assert process.stdout is not None
    return process.stdout.read().decode(errors="replace")


# ---- admin token --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "command"),
    [("", "serve"), ("   \n", "run"), ("s3cret", "run"), ("x" * 31, "serve")],
)
def test_empty_or_short_admin_token_refuses_to_start(site: Path, token: str, command: str) -> None:
    (site / "admin.token").write_text(token)
    args = ["serve", "--dir", "repo", "--port", str(free_port())] if command == "serve" else ["run"]
    result = subprocess.run(
        [*SERVER, *args, "--config", "server.toml"],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    expected = f"the admin token in admin.token is {len(token.strip())} characters; at least 32"
    assert f"server.toml:5: {expected}" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_long_enough_admin_token_is_accepted_and_checked(site: Path) -> None:
    with _serving(site, "--config", "server.toml") as (base, _):
        for header in ("", "Bearer ", f"Bearer {TOKEN[:-1]}", f"Bearer {TOKEN}x"):
            request = urllib.request.Request(
                base + "admin/lists/hotline",
                data=b"http://x.bad.example/\n",
                method="POST",
                headers={"Authorization": header} if header else {},
            )
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=10)
            assert refused.value.code == 401, header


# ---- paths --------------------------------------------------------------------------------

BAD_PATHS = [
    (b"/roots/%00.json", 400),
    (b"/pointer.json%00", 400),
    (b"/manifests/%00%00.json", 400),
    (b"/bundles/%00x", 400),
    (b"/%0a", 400),
    (b"/a%5c..%5cpointer.json", 400),
    (b"/" + b"a" * 5000, 400),
    (b"/pointer.json\x00", 400),
    (b"/\xff", 400),
    (b"/%ff", 404),
    (b"/bundles/%ff%fe.bundle", 404),
    (b"/manifests/%2e%2e/pointer.json", 404),
    (b"/..%2f..%2fetc%2fpasswd", 404),
    (b"/.linkscreen/chain.json", 404),
    (b"/roots/.1.json.tmp-1-1", 404),
    (b"/server.toml", 404),
    (b"/hotline.txt", 404),
]


CLOSE = b"Host: x\r\nConnection: close\r\n\r\n"
GET_POINTER = b"GET /pointer.json HTTP/1.1\r\n" + CLOSE


def _raw(base: str, request: bytes, *, timeout: float = 10) -> bytes:
    port = int(base.rsplit(":", 1)[1].strip("/"))
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(request)
        answer = b""
        try:
            while chunk := connection.recv(65536):
                answer += chunk
        except (ConnectionResetError, TimeoutError):
            pass
    return answer


def test_bad_bytes_in_paths_answer_400_or_404_never_500(site: Path) -> None:
    with _serving(site) as (base, process):
        for path, expected in BAD_PATHS:
            answer = _raw(
                base, b"GET " + path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            )
            status = int(answer.split(b" ", 2)[1])
            assert status == expected, (path, answer[:200])
        assert _raw(
            base, b"GET /pointer.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        ).startswith(b"HTTP/1.1 200")
    output = _output(process)
    assert "Traceback" not in output
    assert "500" not in output


# ---- connections --------------------------------------------------------------------------


def _raise_own_file_limit(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        if hard != resource.RLIM_INFINITY and hard < needed:
            pytest.skip(f"this test needs {needed} open files; the hard limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


def _timed_get(url: str) -> tuple[int, float]:
    started = time.monotonic()
    with urllib.request.urlopen(url, timeout=10) as response:
        response.read()
        return response.status, time.monotonic() - started


def test_1100_half_open_connections_do_not_starve_the_server(site: Path) -> None:
    """The server runs with 1,024 file descriptors, as on many hosts: 1,100 connections that
    never finish their request head must not stop a client from getting ``pointer.json``."""
    _raise_own_file_limit(1400)
    with _serving(site, "--header-timeout", "3s", file_limit=1024) as (base, process):
        port = int(base.rsplit(":", 1)[1].strip("/"))
        sockets = []
        try:
            for _ in range(1100):
                half_open = socket.create_connection(("127.0.0.1", port), timeout=5)
                half_open.sendall(b"GET /pointer.json HTTP/1.1\r\nHost: x\r\n")  # never ends
                sockets.append(half_open)
            statuses = [_timed_get(base + "pointer.json") for _ in range(5)]
            assert [status for status, _ in statuses] == [200] * 5
            assert process.poll() is None
            # After the header deadline every half-open connection has been closed.
            time.sleep(4.0)
            closed = 0
            for half_open in sockets:
                half_open.settimeout(0.5)
                try:
                    closed += half_open.recv(1) == b""
                except ConnectionResetError:
                    closed += 1
                except TimeoutError:
                    pass
            assert closed == len(sockets)
        finally:
            for half_open in sockets:
                half_open.close()


def test_a_request_head_dribbled_byte_by_byte_is_cut_off(site: Path) -> None:
    with _serving(site, "--header-timeout", "1s") as (base, _):
        port = int(base.rsplit(":", 1)[1].strip("/"))
        with socket.create_connection(("127.0.0.1", port), timeout=5) as slow:
            started = time.monotonic()
            closed_after = None
            for byte in b"GET /pointer.json HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100:
                try:
                    slow.sendall(bytes([byte]))
                except (BrokenPipeError, ConnectionResetError):
                    closed_after = time.monotonic() - started
                    break
                time.sleep(0.1)
            assert closed_after is not None, "the server kept a dribbling client"
            assert closed_after < 5


def test_an_oversized_request_head_is_refused(site: Path) -> None:
    with _serving(site) as (base, _):
        head = (
            b"GET /pointer.json HTTP/1.1\r\nHost: x\r\n" + b"X-Big: " + b"a" * 40_000 + b"\r\n\r\n"
        )
        answer = _raw(base, head)
        assert answer.startswith(b"HTTP/1.1 431") or answer == b""
        assert _raw(
            base, b"GET /pointer.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        ).startswith(b"HTTP/1.1 200")


def test_pointer_keeps_being_served_while_an_upload_compiles(site: Path) -> None:
    """An upload compiled on the event loop stalled every request for seconds. Here the
    pointer is fetched again and again while a large upload compiles and publishes."""
    body = _entries(200_000, start=1000).encode()  # the C compile reads 20,000 in ~0.1 s
    answers: list[int] = []
    with _serving(site, "--config", "server.toml") as (base, _):
        done = threading.Event()
        result: dict[str, object] = {}

        def upload() -> None:
            request = urllib.request.Request(
                base + "admin/lists/hotline?force=1",
                data=body,
                method="POST",
                headers={"Authorization": f"Bearer {TOKEN}"},
            )
            with urllib.request.urlopen(request, timeout=120) as response:
                result.update(json.loads(response.read()))
            done.set()

        uploader = threading.Thread(target=upload)
        uploader.start()
        time.sleep(0.2)  # the upload is in flight
        while not done.is_set():
            status, _ = _timed_get(base + "pointer.json")
            answers.append(status)
            time.sleep(0.02)
        uploader.join()
        assert result == {"published": True, "version": 2}
        assert len(answers) >= 5, f"only {len(answers)} pointer answers during the upload"
        assert set(answers) == {200}
        pointer = json.loads(urllib.request.urlopen(base + "pointer.json", timeout=10).read())
        assert pointer["signed"]["version"] == 2


if os.name != "posix":  # pragma: no cover
    pytestmark = pytest.mark.skip(reason="resource limits and socket behaviour are POSIX")
