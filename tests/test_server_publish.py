"""The publisher under attack and misuse: concurrent runs, state that must stay out of the tree.

Scenario names read like the threat model (docs/threat-model.md, "The publisher").
"""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from linkscreen import Bundle, Matcher, Updater, UpdateStatus
from linkscreen.results import Action
from linkscreen_server.compiler import ListSpec
from linkscreen_server.publish import PublishError, Repository
from linkscreen_server.signing import generate_keypair, load_private_key

from served_tree import assert_no_list_text_in
from server_process import linkscreen_server

#: Hosts that appear only in source lists: none may ever be found in the served tree.
SECRET_HOSTS = [f"secret{i}.hidden-list.example" for i in range(20)]


def _make_repo(tmp_path: Path) -> tuple[Repository, Path]:
    root = generate_keypair(tmp_path / "keys" / "root")
    signing = generate_keypair(tmp_path / "keys" / "signing")
    repo = Repository(tmp_path / "repo")
    repo.write_root(
        [load_private_key(root.private_path)],
        [load_private_key(root.private_path).public_key()],
        [load_private_key(signing.private_path).public_key()],
    )
    return repo, signing.private_path


_WORKER = r"""
import json, os, sys, time
from pathlib import Path
from linkscreen.results import Action
from linkscreen_server.compiler import ListSpec
from linkscreen_server.publish import Repository
from linkscreen_server.signing import load_private_key

tree, key_path, go, worker, rounds = sys.argv[1:6]
key = load_private_key(key_path)
repo = Repository(tree)
lists = Path(go).parent / f"list-{worker}.txt"
while not os.path.exists(go):
    time.sleep(0.005)
for round_number in range(int(rounds)):
    lists.write_text(
        "".join(f"http://h{i}.bad.example/\n" for i in range(50))
        + f"http://w{worker}-r{round_number}.bad.example/\n"
    )
    result = repo.publish([ListSpec("hotline", lists, Action.BLOCK)], key, shorteners=[])
    print(json.dumps({"version": result.version, "entries": result.report.entries,
                      "content": f"w{worker}-r{round_number}"}), flush=True)
"""


def test_concurrent_publishes_never_give_two_contents_one_version(tmp_path: Path) -> None:
    """Three real processes publish eight versions each, all at once: 24 distinct versions,
    each manifest the one its publisher reported, and a client follows the whole chain."""
    repo, key_path = _make_repo(tmp_path)
    go = tmp_path / "go"
    workers, rounds = 3, 8
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, *map(str, (repo.dir, key_path, go, n, rounds))],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(workers)
    ]
    time.sleep(1.0)  # let every worker import and wait at the start line
    go.write_text("go")
    outputs = [process.communicate(timeout=120) for process in processes]
    for process, (_, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err
    published = [json.loads(line) for out, _ in outputs for line in out.splitlines()]
    versions = [record["version"] for record in published]
    assert sorted(versions) == list(range(1, workers * rounds + 1)), versions
    pointer = json.loads((repo.dir / "pointer.json").read_bytes())["signed"]
    assert pointer["version"] == workers * rounds
    # Each version's bundle holds exactly the content its publisher reported for it.
    public = [load_private_key(key_path).public_key()]
    for record in published:
        manifest = json.loads((repo.dir / f"manifests/{record['version']}.json").read_bytes())
        bundle_path = repo.dir / manifest["signed"]["full"]["path"]
        matcher = Matcher(Bundle.open(bundle_path, public_keys=public))
        marker = f"http://{record['content']}.bad.example/"
        assert matcher.check_url(marker).action is Action.BLOCK, record


def _root_pub(tmp_path: Path) -> Path:
    return tmp_path / "keys" / "root" / "signing.pub"


def test_publisher_state_and_lock_live_outside_the_served_tree(tmp_path: Path) -> None:
    repo, key_path = _make_repo(tmp_path)
    source = tmp_path / "hotline.txt"
    source.write_text("".join(f"http://{host}/path/1\n" for host in SECRET_HOSTS))
    for _ in range(3):
        repo.publish([ListSpec("hotline", source, Action.BLOCK)], load_private_key(key_path))
    assert repo.state_dir == tmp_path / "repo.state"
    assert (repo.state_dir / "chain.json").is_file()
    assert stat.S_IMODE(repo.state_dir.stat().st_mode) == 0o700
    assert not (repo.dir / ".linkscreen").exists()
    assert_no_list_text_in(repo.dir, SECRET_HOSTS)


def test_state_directory_inside_the_tree_is_refused(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    with pytest.raises(PublishError, match="inside the served tree"):
        Repository(tmp_path / "repo", state_dir=tmp_path / "repo" / "state")
    with pytest.raises(PublishError, match="inside the served tree"):
        Repository(tmp_path / "repo", state_dir=tmp_path / "repo")


def test_legacy_state_inside_the_tree_is_migrated_out(tmp_path: Path) -> None:
    """A tree published by an older version kept chain.json and plaintext source copies under
    ``repo/.linkscreen/``: the next publish moves them out, deletes them, continues the chain."""
    repo, key_path = _make_repo(tmp_path)
    source = tmp_path / "hotline.txt"
    source.write_text("".join(f"http://{host}/\n" for host in SECRET_HOSTS))
    key = load_private_key(key_path)
    repo.publish([ListSpec("hotline", source, Action.BLOCK)], key)
    legacy = repo.dir / ".linkscreen"
    (legacy / "sources").mkdir(parents=True)
    shutil.move(repo.state_dir / "chain.json", legacy / "chain.json")
    shutil.copy(source, legacy / "sources" / "hotline.txt")
    shutil.rmtree(repo.state_dir)

    source.write_text("".join(f"http://{host}/\n" for host in SECRET_HOSTS[:-1]))
    result = repo.publish([ListSpec("hotline", source, Action.BLOCK)], key)
    assert (result.version, result.rebased) == (2, False)  # the chain went on: a delta from v1
    assert 1 in result.delta_bytes
    assert not legacy.exists()
    assert (repo.state_dir / "sources" / "hotline.txt").read_text() == "".join(
        f"http://{host}/\n" for host in SECRET_HOSTS
    )
    assert_no_list_text_in(repo.dir, SECRET_HOSTS)


def test_a_lost_state_directory_never_reuses_a_version(tmp_path: Path) -> None:
    repo, key_path = _make_repo(tmp_path)
    source = tmp_path / "hotline.txt"
    key = load_private_key(key_path)
    source.write_text("http://a.bad.example/\n")
    repo.publish([ListSpec("hotline", source, Action.BLOCK)], key)
    repo.publish([ListSpec("hotline", source, Action.BLOCK)], key)
    shutil.rmtree(repo.state_dir)  # an operator wipes it, or points state_dir elsewhere
    source.write_text("http://b.bad.example/\n")
    result = Repository(repo.dir).publish([ListSpec("hotline", source, Action.BLOCK)], key)
    assert (result.version, result.rebased) == (3, True)
    manifest_2 = (repo.dir / "manifests/2.json").read_bytes()
    assert json.loads(manifest_2)["signed"]["version"] == 2  # untouched


def test_an_existing_manifest_is_never_replaced(tmp_path: Path) -> None:
    """Even a publisher whose state is behind (two state directories for one tree) cannot
    overwrite ``manifests/N.json``: a version is written once, ever."""
    repo, key_path = _make_repo(tmp_path)
    source = tmp_path / "hotline.txt"
    source.write_text("http://a.bad.example/\n")
    key = load_private_key(key_path)
    repo.publish([ListSpec("hotline", source, Action.BLOCK)], key)
    before = (repo.dir / "manifests/1.json").read_bytes()
    other = Repository(repo.dir, state_dir=tmp_path / "elsewhere")
    other.tree_version = lambda: 0  # type: ignore[method-assign]  # blind to the tree
    source.write_text("http://b.bad.example/\n")
    with pytest.raises(PublishError, match="already exists"):
        other.publish([ListSpec("hotline", source, Action.BLOCK)], key)
    assert (repo.dir / "manifests/1.json").read_bytes() == before
    leftovers = [p.name for p in (repo.dir / "manifests").iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_state_directory_is_unreachable_through_serve(tmp_path: Path) -> None:
    repo, key_path = _make_repo(tmp_path)
    source = tmp_path / "hotline.txt"
    key = load_private_key(key_path)
    for round_number in range(3):
        source.write_text(f"http://r{round_number}.bad.example/\n")
        repo.publish([ListSpec("hotline", source, Action.BLOCK)], key)
    with linkscreen_server("serve", "--dir", "repo", cwd=tmp_path) as base:
        updater = Updater(tmp_path / "client", base, [_root_pub(tmp_path)])
        result = updater.refresh()
        assert result.status is UpdateStatus.UPDATED_FULL, result.error
        assert updater.version == 3
        for path in ("../repo.state/chain.json", "%2e%2e/repo.state/chain.json"):
            status = _raw_get(base, "/" + path)
            assert status in (400, 404), (path, status)


def _raw_get(base: str, path: str) -> int:
    """GET ``path`` exactly as written (no client-side normalisation); the status code."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(base)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as connection:
        connection.sendall(
            f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode("latin-1")
        )
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return int(answer.split(b" ", 2)[1])


@pytest.mark.parametrize("failing", ["fsync", "write"])
def test_a_full_disk_while_writing_a_manifest_leaves_no_temporary_in_the_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    """attack-trust finding 11. Before: ``_create_once`` wrote and flushed its temporary
    outside the ``try`` that removes it, so ENOSPC left ``manifests/.2.json.tmp-...`` behind."""
    import errno
    import io
    import os

    import linkscreen_server.publish as publish

    repo, key_path = _make_repo(tmp_path)
    key = load_private_key(key_path)
    source = tmp_path / "hotline.txt"
    spec = [ListSpec("hotline", source, Action.BLOCK)]
    source.write_text("http://a.bad.example/\n")
    repo.publish(spec, key, shorteners=[])
    real_fsync, real_open = os.fsync, open

    def full_fsync(fd: int) -> None:
        if "/manifests/" in os.readlink(f"/proc/self/fd/{fd}"):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    class FullFile(io.FileIO):
        def write(self, data: object) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    def full_open(path: object, mode: str = "r", *args: object, **kwargs: object) -> object:
        if "/manifests/" in str(path) and "w" in mode:
            return FullFile(str(path), "wb")
        return real_open(path, mode, *args, **kwargs)  # type: ignore[call-overload]

    if failing == "fsync":
        monkeypatch.setattr(publish.os, "fsync", full_fsync)
    else:
        monkeypatch.setattr(publish, "open", full_open, raising=False)
    source.write_text("http://a.bad.example/\nhttp://b.bad.example/\n")
    with pytest.raises(OSError, match="No space"):
        repo.publish(spec, key, shorteners=[])
    assert [p.name for p in (repo.dir / "manifests").iterdir()] == ["1.json"]
