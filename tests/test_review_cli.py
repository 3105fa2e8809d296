"""``linkscreen-server review`` subcommands and ``publish --review-db``, run as real processes:
users from stdin or a file (never argv), verify, export, lists, and the published version
carrying confirmed (block) and provisional (warn) entries while honouring the allowlist."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from linkscreen import Updater
from linkscreen.results import Action
from linkscreen_server.cli import main
from linkscreen_server.publish import Repository
from linkscreen_server.review.accounts import User
from linkscreen_server.review.reports import parse_report
from linkscreen_server.review.storage import Database
from linkscreen_server.review.workflow import Review
from linkscreen_server.signing import generate_keypair, load_private_key

from review_support import install, report
from server_process import linkscreen_server


def cli(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The command in a process of its own."""
    return subprocess.run(
        [sys.executable, "-m", "linkscreen_server.cli", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> Any:
    """The command in this process (faster): (exit status, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)

    def call(*args: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        try:
            status = main(list(args))
        except SystemExit as exc:  # argparse
            status = int(exc.code or 0)
        out, err = capsys.readouterr()
        return status, out, err

    return call


def _submit(review: Review, url: str, number: int, reporter: str | None = None) -> None:
    review.submit(parse_report(json.dumps(report(url, install(number))).encode()),
                  reporter=reporter)  # fmt: skip


def test_users_come_from_stdin_or_a_file_never_argv(tmp_path: Path, run: Any) -> None:
    db = f"sqlite:///{tmp_path / 'r.db'}"
    status, out, err = run("review", "add-user", "--db", db, "--name", "alice", "--role",
                           "analyst", stdin="a long password here\n")  # fmt: skip
    assert (status, out) == (0, "added alice (analyst)\n"), err
    (tmp_path / "pw").write_text("another long password\n")
    status, _, err = run("review", "--db", db, "add-user", "--name", "lena", "--role", "lead",
                         "--password-file", str(tmp_path / "pw"))  # fmt: skip
    assert status == 0, err
    status, _, err = run("review", "add-user", "--db", db, "--name", "bob", "--role",
                         "analyst", "--password", "on the command line")  # fmt: skip
    assert status == 2
    assert "unrecognized arguments: --password" in err
    for stdin, message in [("short\n", "shorter than 12"), ("", "no password given")]:
        status, _, err = run("review", "add-user", "--db", db, "--name", "bob", "--role",
                             "analyst", stdin=stdin)  # fmt: skip
        assert (status, message in err, "Traceback" in err) == (2, True, False), err
    status, _, err = run("review", "add-user", "--db", db, "--name", "alice", "--role",
                         "analyst", stdin="a long password here\n")  # fmt: skip
    assert (status, err) == (2, "linkscreen-server: user 'alice' already exists\n")
    status, out, err = run("review", "verify", "--db", db)
    assert status == 0, err
    assert "audit log verified: 2 entries" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["review", "verify"], "--db URL is required"),
        (["review", "verify", "--db", "mysql://x"], "expected sqlite:///PATH or postgresql://"),
        (["review", "verify", "--db", "sqlite:///no/such/dir/r.db"], "does not exist"),
        (["review", "verify", "--db", "postgresql://nobody@127.0.0.1:1/x"], "cannot connect"),
        (["review", "--db", "sqlite:///r.db", "--listen", "nowhere"], "is not HOST:PORT"),
        (["review", "--db", "sqlite:///r.db", "--flagger", "hotline"], "NAME=TOKENFILE"),
        (["review", "--db", "sqlite:///r.db", "--flagger", "h=nofile"], "nofile"),
        (["publish", "--dir", "tree", "--key", "k"], "at least one --list, or --review-db"),
    ],
)
def test_user_errors_are_one_line_and_exit_2(run: Any, args: list[str], message: str) -> None:
    status, _, err = run(*args)
    assert status == 2, err
    assert message in err
    assert "Traceback" not in err


def test_verify_exits_2_naming_the_tampered_entry(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    review = Review(Database(url))
    _submit(review, "http://t.example/", 1)
    with review.db.transaction() as tx:
        tx.run("DROP TRIGGER audit_no_update")
        tx.run("UPDATE audit SET actor = 'mallory' WHERE seq = 1")
    review.db.close()
    done = cli("review", "verify", "--db", url, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "linkscreen-server: audit entry 1 (url.reported url:1) does not match its hash: it was "
        "edited"
    )


def _tree(tmp_path: Path) -> None:
    """Keys and a root for the tree (the library calls `keygen` and `root` make)."""
    root = load_private_key(generate_keypair(tmp_path / "keys" / "root").private_path)
    signing = generate_keypair(tmp_path / "keys" / "signing")
    Repository(tmp_path / "tree").write_root(
        [root], [root.public_key()], [load_private_key(signing.private_path).public_key()]
    )


def test_publish_with_the_review_db_blocks_confirmed_warns_provisional_and_allows_rejected(
    tmp_path: Path, review_db_url: str
) -> None:
    review = Review(Database(review_db_url))
    _submit(review, "http://confirmed.example/page", 1)
    for number in (2, 3, 4):
        _submit(review, "http://provisional.example/", number)
    _submit(review, "http://school.example/", 5)
    items = {item.url: item.id for item in review.queue()[0]}
    alice, bob = User("alice", "analyst"), User("bob", "analyst")
    for user in (alice, bob):
        review.vote(items["http://confirmed.example/page"], user, "confirm", category="csam",
                    reason="checked")  # fmt: skip
        review.vote(items["http://school.example/"], user, "reject", reason="a school")
    review.db.close()
    _tree(tmp_path)
    # a hotline list that also names the URL review rejected: the allowlist wins
    (tmp_path / "hotline.txt").write_text("http://hotline.example/\nhttp://school.example/\n")
    done = cli("publish", "--dir", "tree", "--key", "keys/signing", "--list",
               "hotline=hotline.txt", "--review-db", review_db_url, cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "review: 1 newly confirmed URL(s) listed in version 1" in done.stdout
    assert "'school.example/' is on the allowlist" in done.stderr
    assert not (tmp_path / "tree" / "review").exists()  # the lists stay in the state dir
    assert (tmp_path / "tree.state" / "review" / "review-confirmed.txt").is_file()

    with linkscreen_server("serve", "--dir", "tree", cwd=tmp_path) as base:
        updater = Updater(tmp_path / "client", base, [tmp_path / "keys/root/signing.pub"])
        assert updater.refresh().error is None
        matcher = updater.matcher()
        assert matcher is not None
        verdicts = {
            url: matcher.check_url(url).action
            for url in (
                "http://confirmed.example/page",
                "http://provisional.example/x",
                "http://school.example/",
                "http://hotline.example/a",
            )
        }
    assert verdicts == {
        "http://confirmed.example/page": Action.BLOCK,
        "http://provisional.example/x": Action.WARN,
        "http://school.example/": Action.ALLOW,
        "http://hotline.example/a": Action.BLOCK,
    }
    review = Review(Database(review_db_url))
    view = review.item(items["http://confirmed.example/page"])
    assert view is not None
    assert (view.item.state, view.listed_version) == ("listed", 1)
    review.db.close()
    # a second publish: the provisional entry may go (expiry) without tripping the guard
    done = cli("publish", "--dir", "tree", "--key", "keys/signing", "--list",
               "hotline=hotline.txt", "--review-db", review_db_url, cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "review: 0 newly confirmed" in done.stdout


def test_export_json_and_csv_and_the_lists_files(tmp_path: Path, run: Any) -> None:
    review_db_url = f"sqlite:///{tmp_path / 'r.db'}"
    review = Review(Database(review_db_url))
    _submit(review, "http://export.example/a", 1)
    uid = review.queue()[0][0].id
    for user in (User("alice", "analyst"), User("bob", "analyst")):
        review.vote(uid, user, "confirm", category="csam", reason=f"by {user.name}")
    review.db.close()
    status, out, err = run("review", "export", "--db", review_db_url)
    assert status == 0, err
    document = json.loads(out)
    [entry] = document["reports"]
    assert entry["internetDetails"][0]["webPageIncident"]["url"] == ["http://export.example/a"]
    assert entry["incidentSummary"]["incidentType"].startswith("Child Pornography")
    assert entry["incidentSummary"]["incidentDateTime"].endswith("Z")
    assert entry["annotations"]["reasons"] == ["by alice", "by bob"]
    assert "alice" not in json.dumps(entry["annotations"]["category"])
    status, _, err = run("review", "export", "--db", review_db_url, "--format", "csv", "--out",
                         str(tmp_path / "out.csv"))  # fmt: skip
    assert status == 0, err
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text())))
    assert [(r["url"], r["category"], r["reports"]) for r in rows] == [
        ("http://export.example/a", "csam", "1")
    ]
    status, out, err = run("review", "lists", "--db", review_db_url, "--out",
                           str(tmp_path / "lists"))  # fmt: skip
    assert status == 0, err
    assert "1 confirmed, 0 provisional, 0 allowlisted" in out
    lines = (tmp_path / "lists" / "review-confirmed.txt").read_text().splitlines()
    assert lines[1:] == ["http://export.example/a"]
    status, out, _ = run("review", "verify", "--db", review_db_url)
    assert "6 entries" in out  # reported, 2 votes, confirmed, 2 exports
