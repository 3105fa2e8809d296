"""The publishing server as a real process on loopback, and the Updater talking to it."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from linkscreen import Updater, UpdateStatus
from linkscreen.results import Action
from linkscreen_server.compiler import ListSpec
from linkscreen_server.publish import Repository
from linkscreen_server.signing import generate_keypair, load_private_key

from server_process import linkscreen_server

TOKEN = "t0k3n-for-tests-only-0123456789abcdef"


def _entries(start: int, count: int = 2000) -> str:
    return "\n".join(f"http://h{i}.bad.example/p/{i}" for i in range(start, start + count)) + "\n"


@pytest.fixture
def published(tmp_path: Path) -> dict[str, object]:
    root = generate_keypair(tmp_path / "keys" / "root")
    signing = generate_keypair(tmp_path / "keys" / "signing")
    repo = Repository(tmp_path / "repo")
    repo.write_root(
        [load_private_key(root.private_path)],
        [load_private_key(root.private_path).public_key()],
        [load_private_key(signing.private_path).public_key()],
    )
    (tmp_path / "hotline.txt").write_text(_entries(0))
    key = load_private_key(signing.private_path)
    repo.publish([ListSpec("hotline", tmp_path / "hotline.txt", Action.BLOCK)], key)
    return {"repo": repo, "key": key, "root_pub": root.public_path, "tmp": tmp_path}


def _republish(published: dict[str, object], start: int) -> None:
    tmp = published["tmp"]
    assert isinstance(tmp, Path)
    (tmp / "hotline.txt").write_text(_entries(start))
    repo, key = published["repo"], published["key"]
    assert isinstance(repo, Repository)
    assert isinstance(key, Ed25519PrivateKey)
    repo.publish([ListSpec("hotline", tmp / "hotline.txt", Action.BLOCK)], key)


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


def test_static_tree_with_etag_304_and_range(published: dict[str, object], tmp_path: Path) -> None:
    with linkscreen_server("serve", "--dir", "repo", cwd=tmp_path) as base:
        status, body, headers = _get(base + "pointer.json")
        assert status == 200
        assert json.loads(body)["signed"]["version"] == 1
        etag = headers["etag"]
        assert _get(base + "pointer.json", {"If-None-Match": etag})[0] == 304
        manifest = json.loads(_get(base + "manifests/1.json")[1])["signed"]
        status, chunk, _ = _get(base + manifest["full"]["path"], {"Range": "bytes=0-7"})
        assert (status, chunk) == (206, b"LSBUNDLE")
        assert _get(base + ".linkscreen/chain.json")[0] == 404  # bookkeeping is not served


def test_updater_over_http_full_then_304_then_delta(
    published: dict[str, object], tmp_path: Path
) -> None:
    with linkscreen_server("serve", "--dir", "repo", cwd=tmp_path) as base:
        updater = Updater(tmp_path / "client", base, [published["root_pub"]])
        assert updater.refresh().status is UpdateStatus.UPDATED_FULL
        again = updater.refresh()
        assert (again.status, again.requests, again.bytes_downloaded) == (
            UpdateStatus.UP_TO_DATE,
            1,
            0,
        )
        _republish(published, 20)
        result = updater.refresh()
        assert result.status is UpdateStatus.UPDATED_DELTA, (result.error, result.delta_error)
        matcher = updater.matcher()
        assert matcher is not None
        assert matcher.check_url("http://h2010.bad.example/p/2010").action is Action.BLOCK
        assert matcher.check_url("http://h5.bad.example/p/5").action is Action.ALLOW


def test_admin_upload(published: dict[str, object], tmp_path: Path) -> None:
    (tmp_path / "admin.token").write_text(TOKEN + "\n")
    (tmp_path / "server.toml").write_text(
        '[repository]\ndir = "repo"\nsigning_key = "keys/signing"\n'
        '[server]\nadmin_token_file = "admin.token"\n'
        '[[lists]]\nname = "hotline"\nsource = "hotline.txt"\n'
    )
    with linkscreen_server(
        "serve", "--dir", "repo", "--config", "server.toml", cwd=tmp_path
    ) as base:
        url = base + "admin/lists/hotline"

        def post(body: bytes, token: str = TOKEN, query: str = "") -> tuple[int, dict[str, object]]:
            request = urllib.request.Request(
                url + query, data=body, method="POST", headers={"Authorization": f"Bearer {token}"}
            )
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    return response.status, json.loads(response.read())
            except urllib.error.HTTPError as exc:
                return exc.code, json.loads(exc.read())

        assert post(b"http://x.example/\n", token="wrong")[0] == 401
        pointer_before = (tmp_path / "repo" / "pointer.json").read_bytes()
        status, answer = post(b"http://ok.example/a\njavascript:alert(1)\nhttp://co.uk/\n")
        assert status == 422
        assert answer["rejected"] == [
            "line 2: 'javascript' is not a web scheme",
            "line 3: would block the whole public suffix 'co.uk'; "
            "pass --force-public-suffix to compile it anyway",
        ]
        assert (tmp_path / "repo" / "pointer.json").read_bytes() == pointer_before
        # 2,000 entries down to 1: the shrink guard refuses it, nothing changes ...
        status, answer = post(b"http://new.bad.example/\n")
        assert status == 409
        assert answer["shrunk"] == [
            "list 'hotline' shrank from 2,000 to 1 entries (1,999 removed; at most 50% may go "
            "in one version)"
        ]
        assert (tmp_path / "repo" / "pointer.json").read_bytes() == pointer_before
        assert (tmp_path / "hotline.txt").read_text() == _entries(0)
        # ... unless forced.
        status, answer = post(b"http://new.bad.example/\n", query="?force=1")
        assert (status, answer["version"]) == (200, 2)
        assert json.loads(_get(base + "pointer.json")[1])["signed"]["version"] == 2
        assert (tmp_path / "hotline.txt").read_text() == "http://new.bad.example/\n"


_REFRESH = """
import sys
from linkscreen import Updater
updater = Updater(sys.argv[1], sys.argv[2], [sys.argv[3]])
result = updater.refresh()
print(result.status, result.version, result.error)
"""


def test_kill_at_random_points_leaves_a_usable_state(
    published: dict[str, object], tmp_path: Path
) -> None:
    rng = random.Random(7)
    state = tmp_path / "client"
    with linkscreen_server("serve", "--dir", "repo", cwd=tmp_path) as base:
        args = [sys.executable, "-c", _REFRESH, str(state), base, str(published["root_pub"])]
        started = time.monotonic()
        subprocess.run(args, check=True, capture_output=True, timeout=60)
        window = time.monotonic() - started  # start-up plus one full refresh
        previous = 1
        outcomes = set()
        for round_number in range(12):
            _republish(published, 100 * (round_number + 1))
            process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            low, high = (0.05, 0.6) if round_number % 2 else (0.9, 1.6)  # early, or near the end
            time.sleep(rng.uniform(low * window, high * window))
            process.send_signal(signal.SIGKILL)
            process.wait()
            updater = Updater(state, base, [published["root_pub"]])
            matcher = updater.matcher()
            assert matcher is not None, f"round {round_number}: no usable state after a kill"
            assert previous <= updater.version <= round_number + 2  # old or new, never a mix
            outcomes.add(updater.version == round_number + 2)
            previous = updater.version
        assert outcomes == {True, False}, "kills should land both before and after commits"
        final = Updater(state, base, [published["root_pub"]])
        assert final.refresh().status is not UpdateStatus.FAILED
        assert final.version == 13
        leftovers = [p.name for p in state.iterdir() if p.name.startswith("payload-")]
        assert len(leftovers) <= 2


def test_two_processes_share_one_state_directory(
    published: dict[str, object], tmp_path: Path
) -> None:
    state = tmp_path / "client"
    with linkscreen_server("serve", "--dir", "repo", cwd=tmp_path) as base:
        args = [sys.executable, "-c", _REFRESH, str(state), base, str(published["root_pub"])]
        processes = [subprocess.Popen(args, stdout=subprocess.PIPE, text=True) for _ in range(4)]
        outputs = [p.communicate(timeout=120)[0] for p in processes]
        assert all(p.returncode == 0 for p in processes)
        assert all(" 1 None" in out for out in outputs), outputs
        assert sorted(o.split()[0] for o in outputs).count("updated-full") == 1
    matcher = Updater(state, base, [published["root_pub"]]).matcher()
    assert matcher is not None
