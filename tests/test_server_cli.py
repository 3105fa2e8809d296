"""``linkscreen-server`` and ``linkscreen check/inspect`` as real processes."""

from __future__ import annotations

import json
import os
import re
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


def test_version_names_server_sdk_and_core(tmp_path: Path) -> None:
    result = _run(SERVER, "--version", cwd=tmp_path)
    assert result.returncode == 0
    assert re.fullmatch(
        r"linkscreen-server \S+ \(linkscreen \S+ \((C core|pure Python.*)\)\)\n", result.stdout
    )


C = "compile --list h=l.txt --key keys --out o"
USER_ERRORS = [
    ("compile --list h=missing.txt --key keys --out o", "missing.txt does not exist"),
    ("compile --list h=lists --key keys --out o", "lists is a directory"),
    ("compile --list h=l.txt --key keys --out lists", "--out lists is a directory"),
    ("compile --list h=l.txt --list h=l.txt --key keys --out o", "given twice"),
    ("compile --list bad --key keys --out o", "expected NAME=FILE"),
    ("compile --list h=l.txt --key l.txt --out o", "not an unencrypted PEM private key"),
    ("compile --list h=l.txt --key nokey --out o", "nokey: cannot read signing key"),
    (f"{C} --salt zz", "32 hex digits"),
    (f"{C} --seed -5", "seed between"),
    (f"{C} --bloom-fpr 2", "rate between"),
    (f"{C} --meta no.toml", "no.toml"),
    (f"{C} --shorteners no.txt", "no.txt: No such file"),
    (f"{C} --expires soon", "not a duration"),
    (f"{C} --psl no.dat", "linkscreen-server: --psl: no.dat: no such file"),
    (f"{C} --psl lists", "linkscreen-server: --psl: lists: not a file"),
    (f"{C} --psl latin1.dat", "--psl: latin1.dat: not UTF-8 text (byte 4)"),
    (f"{C} --psl rules.dat", "--psl: rules.dat:2: unsupported rule"),
    (f"{C} --psl empty.dat", "--psl: empty.dat: no Public Suffix List rules found"),
    ("publish --dir repo --list h=l.txt --key keys --psl no.dat", "--psl: no.dat: no such file"),
    (f"{C} --wrappers rules.dat", "rules.dat:1: expected HOST /PATH PARAMETERS [DECODING]"),
    (f"{C} --meta meta.toml", "meta.toml:1: [lists.hotlin]: no list of that name"),
    ("resolve missing.txt", "missing.txt: No such file or directory"),
    ("keygen --out l.txt", "l.txt: File exists"),
    ("publish --dir repo --list h=l.txt --key keys", "no root metadata"),
    ("root --dir repo --root-key keys --signing-pub no.pub", "no.pub: cannot read"),
    ("serve --dir nothere", "--dir nothere is not a directory"),
    ("serve --dir lists --port 99999", "is not a TCP port"),
    ("serve --dir lists --config no.toml", "no.toml: cannot read"),
    ("run --config no.toml", "no.toml: cannot read"),
    ("frobnicate", "invalid choice"),
]


def test_user_errors_exit_2_with_a_message_and_no_traceback(
    keys: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run in-process (the same main() the console script calls) to keep these cases fast; the
    real-process cases below cover the entry point itself."""
    from linkscreen_server.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "l.txt").write_text("http://a.bad.example/\n")
    (tmp_path / "lists").mkdir()
    (tmp_path / "latin1.dat").write_bytes(b"com\n\xe9t\n")
    (tmp_path / "rules.dat").write_text("com\n*.*.x\n")
    (tmp_path / "empty.dat").write_text("// nothing\n")
    (tmp_path / "meta.toml").write_text('[lists.hotlin]\ncategory = "x"\n')
    for command, message in USER_ERRORS:
        argv = command.split()
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code  # type: ignore[assignment]
        err = capsys.readouterr().err
        assert code == 2, (argv, err)
        assert message in err, (argv, err)
        assert "Traceback" not in err


def test_a_port_in_use_is_exit_2_not_a_traceback(keys: Path, tmp_path: Path) -> None:
    import socket

    (tmp_path / "tree").mkdir()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = _run(SERVER, "serve", "--dir", "tree", "--port", port, cwd=tmp_path)
    assert result.returncode == 2
    assert "linkscreen-server: cannot serve on 127.0.0.1:" in result.stderr
    assert "Traceback" not in result.stderr


_WITHOUT_EXTRA = """
import sys
for name in ("uvicorn", "starlette", "httptools"):
    sys.modules[name] = None  # as if `pip install linkscreen` without [server]
from linkscreen_server.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("command", [["serve", "--dir", "."], ["run", "--config", "server.toml"]])
def test_serve_and_run_without_the_server_extra_say_how_to_get_it(
    tmp_path: Path, command: list[str]
) -> None:
    result = _run([sys.executable, "-c", _WITHOUT_EXTRA], *command, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"linkscreen-server: {command[0]} needs the server extra: pip install 'linkscreen[server]'"
    ]
