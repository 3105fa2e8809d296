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
from linkscreen.cli import EXIT_BROKEN_PIPE, EXIT_CANNOT_RUN, MAX_SCAN_LINE_CHARS

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


# ---- scan --jsonl: a bad line is an error record with its line number and id (attack L) ----


SCAN = [sys.executable, "-m", "linkscreen", "scan", "--bundle", BUNDLE, "--public-key", KEY]
CHECK: list[str | bytes] = [sys.executable, "-m", "linkscreen", "check", "--bundle", BUNDLE]
CHECK += ["--public-key", KEY]

#: (input line, the id its error record carries)
BAD_JSONL_LINES = [
    (b'{"id": 2}', 2),  # no text
    (b'{"id": "m3", "text": 5}', "m3"),  # text not a string
    (b'{"id": 4, "text": "a", "conversation": []}', 4),
    (b'{"id": 5, "text": "x", "n": ' + b"1" * 5000 + b"}", 5),  # a number too long to read
    (b'{"id": 6, "text": "cut sh', 6),  # cut short after its id
    (b'{"id": 7, "text": "http://a.example/\xff"}', 7),  # not UTF-8
    (b'{"text": "x", "id": 8', None),  # cut short, the id not first: not read
    (b"nope", None),
    (b"[1]", None),
    (b"null", None),
    (b"[" * 100_000, None),  # nested too deeply for the JSON reader
    (b'{"id": ' + b"[" * 100_000, None),
]


def test_scan_jsonl_bad_lines_keep_their_line_number_and_id() -> None:
    lines = [b'{"id": 1, "text": "hi"}', *(line for line, _ in BAD_JSONL_LINES)]
    lines.append(b'{"id": "last", "text": "fine"}')
    result = subprocess.run(
        [*SCAN, "--jsonl"],
        input=b"\n".join(lines) + b"\n",
        capture_output=True,
        timeout=60,
        check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"},  # strict UTF-8 streams
    )
    assert result.stderr == b""
    assert result.returncode == 1  # some inputs were refused, the rest processed
    records = [json.loads(line) for line in result.stdout.decode("ascii").splitlines()]
    assert len(records) == len(lines)
    assert records[0] == {"id": 1, "action": "allow", "complete": True, "findings": []}
    assert (records[-1]["id"], records[-1]["action"]) == ("last", "allow")
    pairs = zip(records[1:-1], BAD_JSONL_LINES, strict=True)
    for number, (record, (_, wanted)) in enumerate(pairs, 2):
        assert record["line"] == number, record
        assert record["id"] == wanted, record
        assert record["error"].startswith(f"line {number}: "), record
        assert "action" not in record


def test_scan_reads_through_a_line_that_is_not_utf8() -> None:
    """Plain lines: the bytes are raw bytes to the SDK, the listed host still blocks."""
    result = subprocess.run(
        SCAN,
        input=b"http://blocked-host.example/\xff\xed\xa0\x80\nfine\n",
        capture_output=True,
        timeout=60,
        check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"},
    )
    assert result.stderr == b""
    assert result.returncode == 0
    records = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert [(r["line"], r["action"]) for r in records] == [(1, "block"), (2, "allow")]


def test_check_prints_raw_bytes_of_a_url_on_a_strict_stdout() -> None:
    result = subprocess.run(
        [*CHECK, b"http://blocked-host.example/\xed\xa0\x80", b"http://a.example/\xff"],
        capture_output=True,
        timeout=60,
        check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"},
    )
    assert result.stderr == b""
    assert result.returncode == 0
    records = [json.loads(line) for line in result.stdout.decode("ascii").splitlines()]
    assert [r["action"] for r in records] == ["block", "allow"]


def test_scan_refuses_an_over_long_line_in_bounded_memory_and_reads_on() -> None:
    """A line past ``MAX_SCAN_LINE_CHARS`` gets an error record (its id when it opens with
    one) and status 1, is read past, and the listed link on the next line still blocks; a
    line of exactly the limit is still scanned (and, past ``MAX_TEXT_CHARS``, says so)."""
    limit = MAX_SCAN_LINE_CHARS
    listed = b"http://blocked-host.example/"
    plain = b"\n".join([b" " * limit, b"x" * (limit + 1), listed]) + b"\n"
    opening = b'{"id": 7, "text": "'
    long_json = opening + b"a" * (limit + 1 - len(opening)) + b'"}'
    jsonl = b"\n".join([long_json, b'{"id": 8, "text": "' + listed + b'"}']) + b"\n"
    records = {}
    for mode, data in (("plain", plain), ("jsonl", jsonl)):
        args = [*SCAN, "--jsonl"] if mode == "jsonl" else SCAN
        result = subprocess.run(args, input=data, capture_output=True, timeout=120, check=False)
        assert result.stderr == b"", mode
        assert result.returncode == 1, mode
        records[mode] = [json.loads(line) for line in result.stdout.splitlines()]
    first, too_long, last = records["plain"]
    assert (first["line"], first["complete"], first["action"]) == (1, False, "warn")
    assert too_long == {
        "line": 2,
        "error": f"line 2: longer than {limit} characters; not read",
    }
    assert (last["line"], last["action"]) == (3, "block")
    refused, listed_record = records["jsonl"]
    assert refused == {
        "id": 7,
        "line": 1,
        "error": f"line 1: longer than {limit} characters; not read",
    }
    assert (listed_record["id"], listed_record["action"]) == (8, "block")
