"""A plain static host is enough: Debian's nginx serves the published tree to the Updater.

Skipped (saying so) where nginx is not installed; `.ci/run` installs it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from linkscreen import Updater, UpdateStatus
from linkscreen.results import Action

from repo_fixtures import MemoryRepo, entries
from server_process import nginx_serving

pytestmark = pytest.mark.skipif(
    shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(),
    reason="nginx is not installed (apt-get install nginx-light); .ci/run installs it",
)


def test_updater_against_plain_nginx(tmp_path: Path) -> None:
    repo = MemoryRepo(tmp_path)
    repo.publish(entries(500), now=__import__("time").time())
    with nginx_serving(tmp_path / "tree", tmp_path / "nginx") as base:
        updater = Updater(tmp_path / "client", base, [repo.root_key.public_key()])
        assert updater.refresh().status is UpdateStatus.UPDATED_FULL
        again = updater.refresh()
        assert (again.status, again.requests, again.bytes_downloaded) == (
            UpdateStatus.UP_TO_DATE,
            1,
            0,
        )
        repo.publish(entries(500, start=5), now=__import__("time").time())
        result = updater.refresh()
        assert result.status is UpdateStatus.UPDATED_DELTA, (result.error, result.delta_error)
        matcher = updater.matcher()
        assert matcher is not None
        assert matcher.check_url("http://h503.bad.example/p/503").action is Action.BLOCK


def _fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


def _raw_status(base: str, path: bytes) -> int:
    import socket

    port = int(base.rsplit(":", 1)[1].strip("/"))
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(b"GET " + path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return int(answer.split(b" ", 2)[1])


def test_documented_front_serves_the_layout_only_with_cache_headers(tmp_path: Path) -> None:
    """docs/nginx/linkscreen.conf as shipped: right Cache-Control per file, 304 on the
    pointer, and nothing but the layout: no dotfile, no stray file, no state directory."""
    import json
    import time

    repo = MemoryRepo(tmp_path)
    repo.publish(entries(50), now=time.time())
    tree = tmp_path / "tree"
    # What an operator might leave in the tree by mistake, and an older publisher's state.
    (tree / ".linkscreen" / "sources").mkdir(parents=True)
    (tree / ".linkscreen" / "sources" / "hotline.txt").write_text("http://h1.bad.example/p/1\n")
    (tree / ".pointer.json.tmp-1-1").write_text("{}")
    (tree / "hotline.txt").write_text("http://h1.bad.example/p/1\n")
    (tree / "bundles" / "notes.txt").write_text("http://h1.bad.example/p/1\n")
    with nginx_serving(tree, tmp_path / "nginx") as base:
        status, body, headers = _fetch(base + "pointer.json")
        assert status == 200
        assert headers["Cache-Control"] == "public, max-age=60, must-revalidate"
        assert headers["Content-Type"] == "application/json"
        assert _fetch(base + "pointer.json", {"If-None-Match": headers["ETag"]})[0] == 304
        manifest_path = json.loads(body)["signed"]["manifest"]["path"]
        status, manifest, headers = _fetch(base + manifest_path)
        assert (status, headers["Cache-Control"]) == (200, "public, max-age=31536000, immutable")
        bundle = json.loads(manifest)["signed"]["full"]["path"]
        status, _, headers = _fetch(base + bundle)
        assert (status, headers["Cache-Control"]) == (200, "public, max-age=31536000, immutable")
        assert _fetch(base + "roots/1.json")[0] == 200
        import urllib.error
        import urllib.request

        post = urllib.request.Request(base + "pointer.json", data=b"x", method="POST")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(post, timeout=10)
        assert refused.value.code == 403
        for path in (
            ".linkscreen/sources/hotline.txt",
            ".pointer.json.tmp-1-1",
            "hotline.txt",
            "bundles/notes.txt",
            "roots/",
            "bundles/",
            "",
        ):
            assert _fetch(base + path)[0] == 404, path
        for raw in (b"/../tree.state/chain.json", b"/%2e%2e/tree.state/chain.json", b"/%00"):
            assert _raw_status(base, raw) in (400, 404), raw
        # Every file in the tree, fetched through the front: what is served names no list host.
        served = 0
        for path in sorted(p for p in tree.rglob("*") if p.is_file()):
            status, body, _ = _fetch(base + path.relative_to(tree).as_posix())
            if status == 200:
                served += 1
                assert b"h1.bad.example" not in body.lower(), path
        assert (
            served == len(list((tree / "bundles").glob("*.bundle"))) + 3
        )  # + pointer, root, manifest
