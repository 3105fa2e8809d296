"""Start linkscreen-server (or nginx) as a real process on a free loopback port, for tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(
    url: str, timeout: float = 20.0, process: subprocess.Popen[bytes] | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            output = process.stdout.read().decode(errors="replace") if process.stdout else ""
            raise RuntimeError(f"the server exited with {process.returncode}: {output[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except urllib.error.HTTPError:
            return  # answering, even with an error status
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not come up in {timeout} s")


@contextmanager
def linkscreen_server(*args: str, cwd: Path) -> Iterator[str]:
    """``linkscreen-server ARGS --host 127.0.0.1 --port N``; yields the base URL."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "linkscreen_server.cli",
            *args,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_until_up(base + "admin/health", process=process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


#: The nginx front configuration operators are told to use (docs/nginx.md); tests run it as is,
#: with only the listen address and the root replaced.
DOCUMENTED_NGINX_SITE = Path(__file__).parent.parent / "docs" / "nginx" / "linkscreen.conf"

NGINX_CONF = """
{user}
worker_processes 1;
error_log {prefix}/error.log;
pid {prefix}/nginx.pid;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    default_type application/octet-stream;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    {site}
}}
"""


def documented_site(port: int, root: Path) -> str:
    """docs/nginx/linkscreen.conf listening on loopback ``port`` and serving ``root``."""
    import re

    site = DOCUMENTED_NGINX_SITE.read_text()
    site, listens = re.subn(r"^(\s*)listen 80;", rf"\1listen 127.0.0.1:{port};", site, flags=re.M)
    site, roots = re.subn(r"^(\s*)root /srv/linkscreen/repo;", rf"\1root {root};", site, flags=re.M)
    assert (listens, roots) == (1, 1), "docs/nginx/linkscreen.conf changed its listen or root line"
    return site


@contextmanager
def nginx_serving(root: Path, workdir: Path) -> Iterator[str]:
    """Debian's nginx serving ``root`` as plain static files on a loopback port."""
    import shutil

    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    port = free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    conf = workdir / "nginx.conf"
    # As root, nginx workers would drop to "nobody", who cannot read pytest's 0700 temp dirs.
    user = "user root root;" if os.geteuid() == 0 else ""
    site = documented_site(port, root.resolve())
    conf.write_text(NGINX_CONF.format(user=user, prefix=workdir, site=site))
    process = subprocess.Popen(
        [binary, "-p", str(workdir), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_until_up(base + "pointer.json")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
