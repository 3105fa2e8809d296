"""The ``linkscreen`` command meets a user's mistakes: one line on stderr, a documented status.

Real processes, as a shell user runs them (``python -m linkscreen`` and the console script).
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

import linkscreen
from linkscreen.cli import EXIT_BROKEN_PIPE, EXIT_CANNOT_RUN

VECTORS = Path(__file__).parent / "vectors"
BUNDLE = str(VECTORS / "tiny.bundle")
KEY = str(VECTORS / "test-signing.pub")


def _run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "linkscreen", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_version_names_the_release_and_the_matcher() -> None:
    result = _run("--version")
    assert result.returncode == 0
    assert result.stdout.startswith(f"linkscreen {linkscreen.__version__} (")
    assert "C core" in result.stdout


def test_version_says_when_the_pure_matcher_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "linkscreen", "--version"],
        capture_output=True,
        text=True,
        env={"LINKSCREEN_PURE": "1", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert "pure Python" in result.stdout


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "linkscreen"
    if not script.exists():
        pytest.skip("not running from an environment with the console script installed")
    result = subprocess.run([script, "--version"], capture_output=True, text=True, check=False)
    assert result.stdout.startswith("linkscreen ")


def test_check_shows_the_deterrence_message_for_a_locale() -> None:
    url = "http://blocked-host.example/"
    result = _run("check", "--bundle", BUNDLE, "--public-key", KEY, "--locale", "en-GB", url)
    assert result.returncode == 0, result.stderr
    message = json.loads(result.stdout)["message"]
    assert message["list_id"] == "hotline"
    assert message["locale"] == "en"
    assert message["text"]


def test_help_documents_the_exit_statuses() -> None:
    result = _run("--help")
    assert result.returncode == 0
    for status in ("- 0:", "- 1:", "- 2:", "130", "141"):
        assert status in result.stdout


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            [
                "check",
                "--bundle",
                "/nonexistent/lists.bundle",
                "--public-key",
                KEY,
                "http://a.test/",
            ],
            "/nonexistent/lists.bundle: No such file or directory",
        ),
        (
            ["check", "--bundle", BUNDLE, "--public-key", "/nonexistent.pub", "http://a.test/"],
            "InvalidKeyError: /nonexistent.pub",
        ),
        (
            ["check", "--bundle", str(VECTORS / "expected.json"), "--public-key", KEY, "x"],
            "BundleCorruptError: not a linkscreen bundle",
        ),
        (
            ["check", "--bundle", str(VECTORS), "--public-key", KEY, "http://a.test/"],
            "Is a directory",
        ),
        (["scan", "--bundle", BUNDLE, "--public-key", BUNDLE], "InvalidKeyError"),
        (["inspect", str(VECTORS)], "Is a directory"),
    ],
    ids=["missing-bundle", "missing-key", "not-a-bundle", "directory", "bundle-as-key", "inspect"],
)
def test_user_mistakes_are_one_line_and_status_2(args: list[str], says: str) -> None:
    result = _run(*args)
    assert result.returncode == EXIT_CANNOT_RUN
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("linkscreen: ")
    assert says in result.stderr


@pytest.mark.parametrize(
    ("args", "closed", "says"),
    [
        (["scan", "--bundle", BUNDLE, "--public-key", KEY], "stdin", "standard input is closed"),
        (["check", "--bundle", BUNDLE, "--public-key", KEY, "http://a.test/"], "stdout", ""),
    ],
)
def test_closed_standard_streams_are_status_2(args: list[str], closed: str, says: str) -> None:
    streams = {"stdin": "0<&-", "stdout": "1>&-"}
    command = " ".join([shlex.quote(sys.executable), "-m", "linkscreen", *map(shlex.quote, args)])
    result = subprocess.run(
        ["/bin/sh", "-c", f"{command} {streams[closed]}"], capture_output=True, text=True
    )
    assert result.returncode == EXIT_CANNOT_RUN
    assert "Traceback" not in result.stderr
    assert says in result.stderr


def test_a_full_disk_is_one_line() -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    command = [sys.executable, "-m", "linkscreen", "check", "--bundle", BUNDLE, "--public-key"]
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [*command, KEY, "http://a.test/"], stdout=full, stderr=subprocess.PIPE, text=True
        )
    assert result.returncode == EXIT_CANNOT_RUN
    assert result.stderr.strip() == "linkscreen: No space left on device"


def test_bad_arguments_are_status_2_without_traceback() -> None:
    result = _run("check", "--bundle", BUNDLE)
    assert result.returncode == EXIT_CANNOT_RUN
    assert "Traceback" not in result.stderr


def test_reader_leaving_early_is_quiet(tmp_path: Path) -> None:
    """``linkscreen scan ... | head -1``: status 141, nothing on stderr."""
    messages = tmp_path / "messages.txt"
    messages.write_text("".join(f"see http://a{i}.example/\n" for i in range(20000)))
    with messages.open() as stdin:
        process = subprocess.Popen(
            [sys.executable, "-m", "linkscreen", "scan", "--bundle", BUNDLE, "--public-key", KEY],
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        assert process.stdout.readline().startswith("{")
        process.stdout.close()
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == EXIT_BROKEN_PIPE
    assert "Traceback" not in stderr
