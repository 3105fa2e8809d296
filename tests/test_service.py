"""``linkscreen-server run``: publishes at start, follows its sources, survives a dead source."""

from __future__ import annotations

import json
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from linkscreen.results import Action
from linkscreen_server.publish import Repository
from linkscreen_server.signing import generate_keypair, load_private_key

from hostile_server import running_hostile
from served_tree import assert_no_list_text_in
from server_process import free_port, wait_until_up


def _pointer_version(base: str) -> int:
    with urllib.request.urlopen(base + "pointer.json", timeout=5) as response:
        return int(json.loads(response.read())["signed"]["version"])


def _wait_for(predicate: object, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.2)
    return False


def test_run_polls_publishes_and_survives_a_dead_source(tmp_path: Path) -> None:
    root = generate_keypair(tmp_path / "keys" / "root")
    signing = generate_keypair(tmp_path / "keys" / "signing")
    Repository(tmp_path / "repo").write_root(
        [load_private_key(root.private_path)],
        [load_private_key(root.private_path).public_key()],
        [load_private_key(signing.private_path).public_key()],
    )
    (tmp_path / "hotline.txt").write_text("http://a.bad.example/\nhttp://secret.hidden.example/\n")
    dead = f"http://127.0.0.1:{free_port()}/list.txt"  # nothing listens here
    port = free_port()
    (tmp_path / "server.toml").write_text(
        f'[repository]\ndir = "repo"\nsigning_key = "keys/signing"\npoll = "1s"\n'
        f'[server]\nhost = "127.0.0.1"\nport = {port}\n'
        f'[[lists]]\nname = "hotline"\nsource = "hotline.txt"\n'
        f'[[lists]]\nname = "partner"\nsource = "{dead}"\naction = "warn"\n'
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "linkscreen_server.cli", "run", "--config", "server.toml"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_until_up(base + "pointer.json")
        assert _pointer_version(base) == 1
        time.sleep(2.5)  # a few polls with nothing new
        assert _pointer_version(base) == 1
        (tmp_path / "hotline.txt").write_text(
            "http://a.bad.example/\nhttp://secret.hidden.example/\nhttp://b.bad.example/\n"
        )
        assert _wait_for(lambda: _pointer_version(base) == 2)
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0]
    assert "partner: source unavailable" in output
    assert "published version 1 (start)" in output
    assert "published version 2 (poll)" in output
    assert "sources unchanged; nothing to publish" in output
    # The last good copies of the sources live in the state directory, never in the tree.
    assert_no_list_text_in(tmp_path / "repo", ["secret.hidden.example", "a.bad.example"])
    copy = tmp_path / "repo.state" / "sources" / "hotline.txt"
    assert "secret.hidden.example" in copy.read_text()
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600


def _start_run(tmp_path: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "linkscreen_server.cli", "run", "--config", "server.toml", *extra],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _stop(process: subprocess.Popen[str]) -> str:
    process.terminate()
    return process.communicate(timeout=20)[0]


def test_run_keeps_the_last_good_copy_of_a_source_that_emptied(tmp_path: Path) -> None:
    """An upstream that serves an empty file must not un-list everything: the refused list
    keeps its last good copy, the other lists still update, and ``run --force`` accepts it."""
    from linkscreen import Updater

    root = generate_keypair(tmp_path / "keys" / "root")
    signing = generate_keypair(tmp_path / "keys" / "signing")
    Repository(tmp_path / "repo").write_root(
        [load_private_key(root.private_path)],
        [load_private_key(root.private_path).public_key()],
        [load_private_key(signing.private_path).public_key()],
    )
    hotline = "".join(f"http://h{i}.bad.example/\n" for i in range(20))
    (tmp_path / "hotline.txt").write_text(hotline)
    (tmp_path / "partner.txt").write_text("http://p0.watch.example/\n")
    port = free_port()
    (tmp_path / "server.toml").write_text(
        f'[repository]\ndir = "repo"\nsigning_key = "keys/signing"\npoll = "1s"\n'
        f'[server]\nhost = "127.0.0.1"\nport = {port}\n'
        f'[[lists]]\nname = "hotline"\nsource = "hotline.txt"\n'
        f'[[lists]]\nname = "partner"\nsource = "partner.txt"\naction = "warn"\n'
    )
    base = f"http://127.0.0.1:{port}/"
    updater = Updater(tmp_path / "client", base, [root.public_path])
    process = _start_run(tmp_path)
    try:
        wait_until_up(base + "pointer.json")
        (tmp_path / "hotline.txt").write_text("")  # the upstream broke
        time.sleep(1.5)
        (tmp_path / "partner.txt").write_text(
            "http://p0.watch.example/\nhttp://p1.watch.example/\n"
        )
        assert _wait_for(lambda: _pointer_version(base) == 2)
        updater.refresh()
        matcher = updater.matcher()
        assert matcher is not None
        assert matcher.check_url("http://h7.bad.example/x").action is Action.BLOCK  # kept
        assert matcher.check_url("http://p1.watch.example/").action is Action.WARN  # updated
    finally:
        output = _stop(process)
    assert "refused: list 'hotline' went from 20 entries to none" in output
    assert "Traceback" not in output
    assert (tmp_path / "repo.state" / "sources" / "hotline.txt").read_text() == hotline

    process = _start_run(tmp_path, "--force")  # the operator checked: the list really is empty
    try:
        wait_until_up(base + "pointer.json")
        assert _pointer_version(base) == 3
        updater.refresh()
        matcher = updater.matcher()
        assert matcher is not None
        assert matcher.check_url("http://h7.bad.example/x").action is Action.ALLOW
    finally:
        _stop(process)


# ---- sources that trickle (attack-trust finding 10) --------------------------------------


def _publisher_for(tmp_path: Path, url: str, timeout_s: float) -> Any:
    from linkscreen_server.config import Config, ListSource
    from linkscreen_server.service import Publisher

    generate_keypair(tmp_path / "keys")
    config = Config(
        repo_dir=tmp_path / "repo",
        signing_key=tmp_path / "keys",
        lists=[ListSource("hotline", url)],
        source_timeout_s=timeout_s,
    )
    return Publisher(config)


def test_a_trickling_source_is_bounded_by_the_source_timeout(tmp_path: Path) -> None:
    """Before: ``urlopen(timeout=30)`` bounded each read, not the download, so an upstream
    sending a byte every 2 s held every publish (and the pointer's re-publish) indefinitely."""

    def trickle(conn: socket.socket, _head: bytes) -> None:
        try:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
            for _ in range(20):
                conn.sendall(b"x")
                time.sleep(0.5)
        except OSError:
            pass

    with running_hostile() as server:
        server.routes["/slow"] = trickle
        publisher = _publisher_for(tmp_path, server.url("/slow/hotline.txt"), 1.5)
        started = time.monotonic()
        [problem] = publisher.pull_sources()
        assert time.monotonic() - started < 4
    assert problem.startswith("hotline: source unavailable")
    assert "1.5 s" in problem


def test_a_source_behind_a_redirect_is_still_fetched(tmp_path: Path) -> None:
    def moved(conn: socket.socket, _head: bytes) -> None:
        conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: /list/here\r\nContent-Length: 0\r\n\r\n")

    def listing(conn: socket.socket, _head: bytes) -> None:
        body = b"http://a.bad.example/\n"
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)

    with running_hostile() as server:
        server.routes["/moved"] = moved
        server.routes["/list"] = listing
        publisher = _publisher_for(tmp_path, server.url("/moved"), 5.0)
        assert publisher.pull_sources() == []
        paths = server.paths()
    assert paths == ["/moved", "/list/here"]


def test_source_timeout_is_configurable(tmp_path: Path) -> None:
    from linkscreen_server.config import DEFAULT_SOURCE_TIMEOUT_S, Config

    (tmp_path / "server.toml").write_text(
        '[repository]\nsigning_key = "k"\nsource_timeout = "20s"\n'
        '[[lists]]\nname = "a"\nsource = "a.txt"\n'
    )
    assert Config.load(tmp_path / "server.toml").source_timeout_s == 20
    (tmp_path / "server.toml").write_text(
        '[repository]\nsigning_key = "k"\n[[lists]]\nname = "a"\nsource = "a.txt"\n'
    )
    assert Config.load(tmp_path / "server.toml").source_timeout_s == DEFAULT_SOURCE_TIMEOUT_S


def test_a_source_answering_an_error_status_is_a_problem_not_a_list(tmp_path: Path) -> None:
    def gone(conn: socket.socket, _head: bytes) -> None:
        body = b"http://not-a-list.example/\n"
        conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: %d\r\n\r\n" % len(body) + body)

    with running_hostile() as server:
        server.routes["/gone"] = gone
        publisher = _publisher_for(tmp_path, server.url("/gone"), 5.0)
        [problem] = publisher.pull_sources()
    assert "HTTP 404" in problem
    assert not list(publisher.store.glob("*.pending"))
