"""The ``linkscreen`` command, run as a real process."""

from __future__ import annotations

import json
import subprocess
import sys


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "linkscreen.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_canonicalize_prints_one_json_object_per_url() -> None:
    result = _run(
        "canonicalize", "HTTP://A.Example.COM:80/x/../y", "http://b.example%2F@c.example/"
    )
    assert result.returncode == 0, result.stderr
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["canonical"] == "http://a.example.com/y"
    assert "example.com/" in first["expressions"]
    assert second["variants"] == ["http://c.example/", "http://b.example/@c.example/"]


def test_canonicalize_reports_refused_urls_and_exits_nonzero() -> None:
    result = _run("canonicalize", "javascript:alert(1)", "http://ok.example/")
    assert result.returncode == 1
    refused, accepted = (json.loads(line) for line in result.stdout.splitlines())
    assert "not a web scheme" in refused["error"]
    assert accepted["canonical"] == "http://ok.example/"
