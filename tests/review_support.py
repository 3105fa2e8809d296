"""Review-service test support: a throwaway PostgreSQL cluster on loopback, and helpers.

The cluster is Debian's PostgreSQL (``/usr/lib/postgresql/N/bin``), initialised in a temporary
directory and started by ``pg_ctl`` on a free loopback port: as the ``postgres`` user when the
tests run as root (CI), as the current user otherwise. Without the binaries, the PostgreSQL
half of each test is skipped, saying why (CI installs them: .ci/run).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from server_process import free_port

NO_POSTGRES = (
    "PostgreSQL is not installed (Debian: apt-get install postgresql); .ci/run installs it"
)


def postgres_bin() -> Path | None:
    """The newest Debian PostgreSQL bin directory with initdb and pg_ctl, or None."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: (
            int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
        ),
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _as_postgres(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    runuser = shutil.which("runuser")
    if runuser:
        return [runuser, "-u", "postgres", "--", *command]
    return ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(command)]


@contextmanager
def postgres_cluster() -> Iterator[str]:
    """Start a cluster; yields the base URL ``postgresql://postgres@127.0.0.1:PORT``."""
    bindir = postgres_bin()
    if bindir is None:
        raise FileNotFoundError(NO_POSTGRES)
    root = Path(tempfile.mkdtemp(prefix="linkscreen-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    port = free_port()
    subprocess.run(
        _as_postgres(
            [str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
             "--no-sync", "-E", "UTF8", "--locale=C"]
        ),
        check=True,
        capture_output=True,
        timeout=120,
    )  # fmt: skip
    options = (
        f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
    )
    subprocess.run(
        _as_postgres(
            [str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"),
             "-w", "-t", "60", "start"]
        ),
        check=True,
        capture_output=True,
        timeout=90,
    )  # fmt: skip
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(
            _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(root, ignore_errors=True)


def fresh_database(base: str) -> str:
    """A new, empty database in the cluster at ``base``; its URL."""
    import psycopg

    name = "t" + uuid.uuid4().hex[:12]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return f"{base}/{name}"


def report(url: str, install: str = "install-000000000001", **extra: object) -> dict[str, object]:
    """A well-formed report body."""
    body: dict[str, object] = {
        "v": 1,
        "url": url,
        "techniques": ["refang"],
        "verdict": "warn",
        "install_id": install,
    }
    body.update(extra)
    return body


def install(number: int) -> str:
    return f"install-{number:012d}"


@contextmanager
def review_server(db_url: str, *args: str, cwd: Path, port: int | None = None) -> Iterator[str]:
    """``linkscreen-server review --db URL --listen 127.0.0.1:N ARGS``; yields the base URL."""
    import sys

    from server_process import wait_until_up

    port = port or free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "linkscreen_server.cli", "review", "--db", db_url,
         "--listen", f"127.0.0.1:{port}", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/health", process=process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def post_json(
    base: str, body: object, *, headers: dict[str, str] | None = None, raw: bytes | None = None
) -> tuple[int, dict[str, object], dict[str, str]]:
    """POST to /v1/reports; (status, JSON answer, headers)."""
    import http.client
    import json
    import urllib.parse

    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=20)
    data = raw if raw is not None else json.dumps(body).encode()
    sent = {"Content-Type": "application/json", **(headers or {})}
    try:
        conn.request("POST", "/v1/reports", body=data, headers=sent)
        response = conn.getresponse()
        text = response.read()
        answer = json.loads(text) if text else {}
        return response.status, answer, {k.lower(): v for k, v in response.getheaders()}
    finally:
        conn.close()
