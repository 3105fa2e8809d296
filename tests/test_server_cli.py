"""``linkscreen-server`` and ``linkscreen check/inspect`` as real processes."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

SERVER = [sys.executable, "-m", "linkscreen_server.cli"]
CLIENT = [sys.executable, "-m", "linkscreen.cli"]


def _run(command: list[str], *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, timeout=120, check=False, cwd=cwd
    )


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    result = _run(SERVER, "keygen", "--out", "keys", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "key id" in result.stdout
    return tmp_path / "keys"


def test_keygen_private_key_is_owner_only(keys: Path) -> None:
    assert stat.S_IMODE(os.stat(keys / "signing.key").st_mode) == 0o600
    assert (keys / "signing.pub").read_text().startswith("-----BEGIN PUBLIC KEY-----")


def test_keygen_refuses_to_overwrite(keys: Path) -> None:
    before = (keys / "signing.key").read_bytes()
    result = _run(SERVER, "keygen", "--out", "keys", cwd=keys.parent)
    assert result.returncode == 2
    assert "refusing to overwrite" in result.stderr
    assert (keys / "signing.key").read_bytes() == before


def _write_lists(tmp_path: Path) -> None:
    (tmp_path / "hotline.txt").write_text(
        "# hotline list\n"
        "http://bad.example/content/1\n"
        "\n"
        "mailto:someone@example.com\n"
        "http://bad.example/content/1\n"
        "http://co.uk/\n"
        "http://x.example/a?b=1&amp;c=2\n"
        "http://[::1/\n"
        "evil.test\n",
        encoding="utf-8",
    )
    (tmp_path / "watch.csv").write_text(
        "url,category\nhttp://watch.test/p/,grooming\n", encoding="utf-8"
    )
    (tmp_path / "bad-bytes.txt").write_bytes(b"http://ok.example/\nhttp://\xff.example/\n")


def _compile(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return _run(
        SERVER,
        "compile",
        "--list",
        "hotline=hotline.txt",
        "--list",
        "watch=watch.csv:warn",
        "--list",
        "raw=bad-bytes.txt",
        "--key",
        "keys",
        "--out",
        "out.bundle",
        *extra,
        cwd=tmp_path,
    )


def test_compile_reports_every_bad_line_and_compiles_the_rest(keys: Path, tmp_path: Path) -> None:
    _write_lists(tmp_path)
    result = _compile(tmp_path)
    assert result.returncode == 0, result.stderr
    errors = result.stderr.splitlines()
    assert "hotline.txt:4: 'mailto' is not a web scheme" in errors
    assert any(
        e.startswith("hotline.txt:6: would block the whole public suffix 'co.uk'") for e in errors
    )
    assert any(e.startswith("hotline.txt:8: ") for e in errors)
    assert "bad-bytes.txt:2: not UTF-8 (byte 8 is 0xff)" in errors
    assert "compiled 6 entries from 3 list(s)" in result.stdout
    # The identity, overall and per input: every line is accounted for.
    assert "13 lines = 5 entries + 1 duplicates + 4 rejected + 3 blank/comment/header" in (
        result.stdout
    )
    assert (
        "hotline.txt: 9 lines read = 3 entries + 1 duplicates + 3 rejected + 2 blank/comment/header"
        in result.stdout
    )
    assert "&amp; lines also compiled unescaped 1" in result.stdout
    assert "bits per entry" in result.stdout
    assert "Bloom filter: m=" in result.stdout


def test_force_public_suffix(keys: Path, tmp_path: Path) -> None:
    _write_lists(tmp_path)
    result = _compile(tmp_path, "--force-public-suffix")
    assert "hotline.txt:6: would block" not in result.stderr
    assert "hotline.txt:6: 'co.uk' is blocked, but not the sites under it" in result.stderr
    assert "compiled 7 entries" in result.stdout


def test_same_inputs_salt_seed_and_time_give_identical_bytes(keys: Path, tmp_path: Path) -> None:
    _write_lists(tmp_path)
    fixed = ("--salt", "00" * 16, "--seed", "42", "--created", "1767225600", "--quiet")
    assert _compile(tmp_path, *fixed).returncode == 0
    first = (tmp_path / "out.bundle").read_bytes()
    assert _compile(tmp_path, *fixed).returncode == 0
    assert (tmp_path / "out.bundle").read_bytes() == first
    assert _compile(tmp_path, "--quiet").returncode == 0
    assert (tmp_path / "out.bundle").read_bytes() != first  # fresh salt and seed by default


def test_check_and_inspect(keys: Path, tmp_path: Path) -> None:
    _write_lists(tmp_path)
    assert _compile(tmp_path, "--quiet").returncode == 0
    result = _run(
        CLIENT,
        "check",
        "--bundle",
        "out.bundle",
        "--public-key",
        "keys/signing.pub",
        "http://sub.evil.test/x",
        "http://x.example/a?b=1&c=2",
        "http://watch.test/p/q",
        "http://fine.example/",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    verdicts = [json.loads(line) for line in result.stdout.splitlines()]
    assert [v["action"] for v in verdicts] == ["block", "block", "warn", "allow"]
    assert verdicts[0]["match"] == "host"
    assert verdicts[2]["lists"] == ["watch"]

    shown = _run(CLIENT, "inspect", "out.bundle", "--public-key", "keys/signing.pub", cwd=tmp_path)
    info = json.loads(shown.stdout)
    assert info["verified"] is True
    assert info["entries"] == 6
    assert {entry["id"] for entry in info["lists"]} == {"hotline", "watch", "raw"}
    unverified = json.loads(_run(CLIENT, "inspect", "out.bundle", cwd=tmp_path).stdout)
    assert unverified["verified"] is False
    assert unverified["entries"] == 6


def test_check_refuses_a_bundle_with_the_wrong_key(keys: Path, tmp_path: Path) -> None:
    _write_lists(tmp_path)
    assert _compile(tmp_path, "--quiet").returncode == 0
    assert _run(SERVER, "keygen", "--out", "other", cwd=tmp_path).returncode == 0
    result = _run(
        CLIENT,
        "check",
        "--bundle",
        "out.bundle",
        "--public-key",
        "other/signing.pub",
        "http://evil.test/",
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "UnknownSigningKeyError" in result.stderr
