"""Operator mistakes the server refuses, through the real ``linkscreen-server`` CLI.

Each would otherwise pass silently and break every client: publishing with a key the root does
not authorise, writing a root the current root keys did not sign, publishing an upstream list
that came back empty or truncated. Refusals exit 3 and change nothing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from linkscreen import Bundle, Matcher
from linkscreen.keys import load_public_key
from linkscreen.metadata import verify_root
from linkscreen_server.signing import generate_keypair

SERVER = [sys.executable, "-m", "linkscreen_server.cli"]
EXIT_REFUSED = 3


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*SERVER, *args], capture_output=True, text=True, timeout=120, check=False, cwd=cwd
    )


def _ok(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = _run(*args, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return result


def _tree_snapshot(tree: Path) -> dict[str, bytes]:
    return {p.relative_to(tree).as_posix(): p.read_bytes() for p in tree.rglob("*") if p.is_file()}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    for name in ("root", "signing", "other"):
        generate_keypair(tmp_path / "keys" / name)
    _ok(
        "root",
        "--dir",
        "repo",
        "--root-key",
        "keys/root",
        "--signing-pub",
        "keys/signing/signing.pub",
        cwd=tmp_path,
    )
    return tmp_path


def _entries(count: int, start: int = 0) -> str:
    return "".join(f"http://h{i}.bad.example/\n" for i in range(start, start + count))


def _publish(tmp: Path, *extra: str, key: str = "keys/signing") -> subprocess.CompletedProcess[str]:
    return _run(
        "publish", "--dir", "repo", "--list", "hotline=hotline.txt", "--key", key, *extra, cwd=tmp
    )


def test_publish_with_a_key_the_root_does_not_authorise_is_refused(repo: Path) -> None:
    (repo / "hotline.txt").write_text(_entries(10))
    before = _tree_snapshot(repo / "repo")
    result = _publish(repo, key="keys/other")
    assert result.returncode == EXIT_REFUSED, result.stderr
    assert "is not authorised by root v1" in result.stderr
    assert "Traceback" not in result.stderr
    assert _tree_snapshot(repo / "repo") == before  # no pointer, no manifest, no bundle
    assert _publish(repo).returncode == 0


def test_root_signed_by_a_key_the_current_root_does_not_trust_is_refused(repo: Path) -> None:
    generate_keypair(repo / "keys" / "rogue")
    result = _run(
        "root",
        "--dir",
        "repo",
        "--root-key",
        "keys/rogue",
        "--signing-pub",
        "keys/other/signing.pub",
        cwd=repo,
    )
    assert result.returncode == EXIT_REFUSED, result.stderr
    assert "cannot write root v2: root v1 trusts root keys" in result.stderr
    assert not (repo / "repo" / "roots" / "2.json").exists()
    # A proper rotation (old root key signs, new one takes over) is written and verifies.
    generate_keypair(repo / "keys" / "root2")
    _ok(
        "root",
        "--dir",
        "repo",
        "--root-key",
        "keys/root",
        "--new-root-key",
        "keys/root2",
        "--signing-pub",
        "keys/other/signing.pub",
        cwd=repo,
    )
    old = load_public_key(repo / "keys" / "root" / "signing.pub")
    from linkscreen.keys import key_id_of

    verify_root(
        (repo / "repo" / "roots" / "2.json").read_bytes(),
        {key_id_of(old).hex(): old},
        1,
        expected_version=2,
        now=0,
        leeway=0,
        check_expiry=False,
    )
    # Root 3 now needs root2's key; the retired root key alone is refused.
    result = _run(
        "root",
        "--dir",
        "repo",
        "--root-key",
        "keys/root",
        "--signing-pub",
        "keys/other/signing.pub",
        cwd=repo,
    )
    assert result.returncode == EXIT_REFUSED
    assert not (repo / "repo" / "roots" / "3.json").exists()


def test_root_below_the_current_threshold_is_refused(tmp_path: Path) -> None:
    for name in ("a", "b", "signing"):
        generate_keypair(tmp_path / "keys" / name)
    common = ["--dir", "repo", "--signing-pub", "keys/signing/signing.pub"]
    _ok(
        "root",
        *common,
        "--root-key",
        "keys/a",
        "--root-key",
        "keys/b",
        "--threshold",
        "2",
        cwd=tmp_path,
    )
    result = _run("root", *common, "--root-key", "keys/a", cwd=tmp_path)
    assert result.returncode == EXIT_REFUSED
    assert "threshold 2" in result.stderr
    result = _run(
        "root",
        *common,
        "--root-key",
        "keys/a",
        "--root-key",
        "keys/b",
        "--threshold",
        "3",
        cwd=tmp_path,
    )
    assert result.returncode == EXIT_REFUSED  # more than the keys it names
    _ok("root", *common, "--root-key", "keys/a", "--root-key", "keys/b", cwd=tmp_path)


def _pointer_version(tmp: Path) -> int:
    return int(json.loads((tmp / "repo" / "pointer.json").read_bytes())["signed"]["version"])


def test_a_list_that_shrinks_by_more_than_half_is_refused_unless_forced(repo: Path) -> None:
    (repo / "hotline.txt").write_text(_entries(100))
    assert _publish(repo).returncode == 0
    (repo / "hotline.txt").write_text(_entries(49, start=1000))
    before = _tree_snapshot(repo / "repo")
    result = _publish(repo)
    assert result.returncode == EXIT_REFUSED, result.stderr
    assert "refused: list 'hotline' shrank from 100 to 49 entries" in result.stderr
    assert "Traceback" not in result.stderr
    assert _tree_snapshot(repo / "repo") == before
    forced = _publish(repo, "--force")
    assert forced.returncode == 0, forced.stderr
    assert _pointer_version(repo) == 2


@pytest.mark.parametrize(
    ("after", "refused"), [(100, False), (50, False), (49, True), (1, True), (0, True)]
)
def test_shrink_guard_boundaries(tmp_path: Path, after: int, refused: bool) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from linkscreen.results import Action
    from linkscreen_server.compiler import ListSpec
    from linkscreen_server.publish import Repository, SourceShrinkError

    key = Ed25519PrivateKey.generate()
    repository = Repository(tmp_path / "repo")
    repository.write_root([key], [key.public_key()], [key.public_key()])
    source = tmp_path / "hotline.txt"
    source.write_text(_entries(100))
    spec = [ListSpec("hotline", source, Action.BLOCK)]
    repository.publish(spec, key, shorteners=[])
    source.write_text(_entries(after, start=1000))
    if not refused:
        assert repository.publish(spec, key, shorteners=[]).version == 2
        return
    with pytest.raises(SourceShrinkError) as caught:
        repository.publish(spec, key, shorteners=[])
    assert [(s.name, s.before, s.after) for s in caught.value.shrunk] == [("hotline", 100, after)]
    assert repository.tree_version() == 1
    assert repository.publish(spec, key, shorteners=[], accept_shrink={"hotline"}).version == 2


@pytest.mark.parametrize("after", [1, 0])
@pytest.mark.parametrize("lost", ["removed", "another state dir", "an old backup"])
def test_the_shrink_guard_survives_losing_the_state_directory(
    tmp_path: Path, after: int, lost: str
) -> None:
    """attack-trust finding 8. Before: with ``repo.state/`` gone (a new host, a new
    ``--state-dir``, an old backup restored) the publisher started a new chain with an empty
    base, and a list shrinking from 100 entries to 1 or 0 was published unforced."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from linkscreen.results import Action
    from linkscreen_server.compiler import ListSpec
    from linkscreen_server.publish import Repository, SourceShrinkError

    key = Ed25519PrivateKey.generate()
    repository = Repository(tmp_path / "repo")
    repository.write_root([key], [key.public_key()], [key.public_key()])
    source = tmp_path / "hotline.txt"
    spec = [ListSpec("hotline", source, Action.BLOCK)]
    source.write_text(_entries(80))
    repository.publish(spec, key, shorteners=[])
    backup = tmp_path / "backup.state"
    shutil.copytree(tmp_path / "repo.state", backup)
    source.write_text(_entries(100))
    repository.publish(spec, key, shorteners=[])  # version 2: 100 entries
    if lost == "removed":
        shutil.rmtree(tmp_path / "repo.state")
    elif lost == "another state dir":
        repository = Repository(tmp_path / "repo", state_dir=tmp_path / "elsewhere")
    else:
        shutil.rmtree(tmp_path / "repo.state")
        shutil.copytree(backup, tmp_path / "repo.state")  # knows version 1 (80 entries)
        repository = Repository(tmp_path / "repo")
    source.write_text(_entries(after, start=1000))
    with pytest.raises(SourceShrinkError) as caught:
        repository.publish(spec, key, shorteners=[])
    assert [(s.name, s.before, s.after) for s in caught.value.shrunk] == [("hotline", 100, after)]
    assert repository.tree_version() == 2
    assert repository.publish(spec, key, shorteners=[], accept_shrink=True).version == 3


def test_a_lost_state_and_an_unreadable_published_bundle_refuse_unless_forced(
    repo: Path,
) -> None:
    (repo / "hotline.txt").write_text(_entries(100))
    assert _publish(repo).returncode == 0
    shutil.rmtree(repo / "repo.state")
    for bundle in (repo / "repo" / "bundles").iterdir():
        bundle.write_bytes(b"torn")
    (repo / "hotline.txt").write_text(_entries(100, start=500))
    result = _publish(repo)
    assert result.returncode == EXIT_REFUSED, result.stderr
    assert "cannot be read" in result.stderr
    assert "--force" in result.stderr
    assert "Traceback" not in result.stderr
    assert _publish(repo, "--force").returncode == 0


def test_a_published_pointer_naming_a_path_outside_the_tree_is_not_followed(
    repo: Path,
) -> None:
    (repo / "hotline.txt").write_text(_entries(100))
    assert _publish(repo).returncode == 0
    shutil.rmtree(repo / "repo.state")
    pointer = json.loads((repo / "repo" / "pointer.json").read_bytes())
    (repo / "manifest.json").write_bytes((repo / "repo" / "manifests" / "1.json").read_bytes())
    pointer["signed"]["manifest"]["path"] = "../manifest.json"
    (repo / "repo" / "pointer.json").write_text(json.dumps(pointer))
    result = _publish(repo)
    assert result.returncode == EXIT_REFUSED, result.stderr
    assert "unexpected path '../manifest.json'" in result.stderr


def test_a_lost_state_directory_keeps_the_guard_for_the_cli_too(repo: Path) -> None:
    (repo / "hotline.txt").write_text(_entries(100))
    assert _publish(repo).returncode == 0
    shutil.rmtree(repo / "repo.state")
    (repo / "hotline.txt").write_text(_entries(1))
    result = _publish(repo)
    assert result.returncode == EXIT_REFUSED, result.stderr
    assert "refused: list 'hotline' shrank from 100 to 1 entries" in result.stderr
    assert _pointer_version(repo) == 1


def test_the_shrink_share_is_configurable(repo: Path) -> None:
    (repo / "hotline.txt").write_text(_entries(100))
    assert _publish(repo).returncode == 0
    (repo / "hotline.txt").write_text(_entries(30))
    assert _publish(repo, "--max-shrink", "0.6").returncode == EXIT_REFUSED
    assert _publish(repo, "--max-shrink", "0.7").returncode == 0
    (repo / "hotline.txt").write_text("")
    assert _publish(repo, "--max-shrink", "1").returncode == 0  # 1 turns the guard off
    assert _publish(repo, "--max-shrink", "1.5").returncode == 2


def test_a_list_left_out_of_a_publish_is_refused(repo: Path) -> None:
    (repo / "hotline.txt").write_text(_entries(10))
    (repo / "partner.txt").write_text(_entries(10, start=50))
    both = ["--list", "partner=partner.txt:warn"]
    assert _publish(repo, *both).returncode == 0
    result = _publish(repo)
    assert result.returncode == EXIT_REFUSED
    assert "list 'partner' (10 entries) is not in this publish" in result.stderr
    assert _publish(repo, "--force").returncode == 0


def test_a_rotation_the_new_root_keys_did_not_sign_is_refused(tmp_path: Path) -> None:
    """Clients also need the new root signed by its own keys; without them, nothing is written."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from linkscreen_server.publish import Repository, RootKeyError

    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    repository = Repository(tmp_path / "repo")
    repository.write_root([old], [old.public_key()], [old.public_key()])
    with pytest.raises(RootKeyError, match="would be refused by clients"):
        repository.write_root([old], [new.public_key()], [old.public_key()])
    assert repository.root_version() == 1
    assert repository.write_root([old, new], [new.public_key()], [old.public_key()]) == 2


@pytest.mark.parametrize("domain", ["", "  ", "bitly", "a..b", "x/y.ly", "bit.ly:80", "u@bit.ly"])
def test_a_shortener_option_that_is_not_a_domain_is_a_usage_error(
    tmp_path: Path, domain: str
) -> None:
    """``--add-shortener`` / ``--remove-shortener`` say what is wrong with the name, exit 2
    and write nothing, instead of a traceback from deep in the bundle writer."""
    generate_keypair(tmp_path / "keys")
    (tmp_path / "l.txt").write_text("http://a.example/x\n")
    for option in ("--add-shortener", "--remove-shortener"):
        args = ["compile", "--list", "h=l.txt", "--key", "keys/signing.key", "--out", "b.bin"]
        result = _run(*args, option, domain, cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert f"{option} {domain!r}" in result.stderr
        assert "Traceback" not in result.stderr
        assert not (tmp_path / "b.bin").exists()


def test_a_non_ascii_shortener_is_taken_in_its_xn_form(tmp_path: Path) -> None:
    generate_keypair(tmp_path / "keys")
    (tmp_path / "l.txt").write_text("http://a.example/x\n")
    args = ["compile", "--list", "h=l.txt", "--key", "keys/signing.key", "--out", "b.bin"]
    _ok(*args, "--add-shortener", "Kürz.Example.", cwd=tmp_path)
    matcher = Matcher(Bundle.open(tmp_path / "b.bin", [tmp_path / "keys" / "signing.pub"]))
    assert matcher.check_url("https://kürz.example/abc").shortened
    assert not matcher.check_url("https://kurz.example/abc").shortened
