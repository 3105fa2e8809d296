"""``linkscreen-server run`` with ``[review] db``: the review service's confirmed list is
published by the long-running server within its review interval, and a client blocks it."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from linkscreen import Updater
from linkscreen.results import Action
from linkscreen_server.publish import Repository
from linkscreen_server.review.accounts import User
from linkscreen_server.review.reports import parse_report
from linkscreen_server.review.storage import Database
from linkscreen_server.review.workflow import Review
from linkscreen_server.signing import generate_keypair, load_private_key

from review_support import install, report
from server_process import free_port, wait_until_up


def _version(base: str) -> int:
    with urllib.request.urlopen(base + "pointer.json", timeout=5) as response:
        return int(json.loads(response.read())["signed"]["version"])


def test_run_publishes_what_review_confirmed(tmp_path: Path) -> None:
    root = load_private_key(generate_keypair(tmp_path / "keys" / "root").private_path)
    signing = generate_keypair(tmp_path / "keys" / "signing")
    Repository(tmp_path / "repo").write_root(
        [root], [root.public_key()], [load_private_key(signing.private_path).public_key()]
    )
    (tmp_path / "hotline.txt").write_text("http://hotline.example/\n")
    review = Review(Database(f"sqlite:///{tmp_path / 'review.db'}"))
    port = free_port()
    (tmp_path / "server.toml").write_text(
        f'[repository]\ndir = "repo"\nsigning_key = "keys/signing"\n'
        f'[server]\nhost = "127.0.0.1"\nport = {port}\n'
        f'[review]\ndb = "sqlite:///review.db"\ninterval = "1s"\n'
        f'[[lists]]\nname = "hotline"\nsource = "hotline.txt"\n'
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
        wait_until_up(base + "pointer.json", process=process)
        assert _version(base) == 1
        time.sleep(1.5)
        assert _version(base) == 1  # nothing new in review: nothing published
        target = "http://confirmed.example/page"
        review.submit(parse_report(json.dumps(report(target, install(1))).encode()))
        uid = review.queue()[0][0].id
        for name in ("alice", "bob"):
            review.vote(uid, User(name, "analyst"), "confirm", category="csam", reason="seen")
        deadline = time.monotonic() + 30
        while _version(base) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _version(base) == 2
        client = Updater(tmp_path / "client", base, [tmp_path / "keys/root/signing.pub"])
        assert client.refresh().error is None
        matcher = client.matcher()
        assert matcher is not None
        assert matcher.check_url(target).action is Action.BLOCK
        assert matcher.check_url("http://hotline.example/a").action is Action.BLOCK
        deadline = time.monotonic() + 10
        while review.item(uid).item.state != "listed" and time.monotonic() < deadline:  # type: ignore[union-attr]
            time.sleep(0.2)
        view = review.item(uid)
        assert view is not None
        assert (view.item.state, view.listed_version) == ("listed", 2)
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0]
        review.db.close()
    assert "published version 2 (review)" in output
    assert "review: 1 confirmed URL(s) listed in version 2" in output


def test_a_review_table_without_db_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "server.toml").write_text(
        '[repository]\nsigning_key = "k"\n[review]\ninterval = "1m"\n'
        '[[lists]]\nname = "h"\nsource = "h.txt"\n'
    )
    done = subprocess.run(
        [sys.executable, "-m", "linkscreen_server.cli", "run", "--config", "server.toml"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert "[review] needs db" in done.stderr
    assert "Traceback" not in done.stderr
