"""A throwaway Synapse homeserver on 127.0.0.1, for the Matrix demo and end-to-end test.

The config is generated for the run: one client listener on a free loopback port, SQLite, no
federation listener and no federation peers (``trusted_key_servers: []``, an empty federation
whitelist), no registration except through the shared secret, no URL previews, presence or
metrics, and rate limits raised so a scripted conversation never waits. Nothing is reachable
from outside the machine and Synapse has nobody to talk to but the clients on this host.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # examples/: the loopback helpers
from loopback import free_port

#: Server name of the test homeserver: a reserved test domain, never resolved by anyone.
SERVER_NAME = "matrix.test"
#: Seconds Synapse may take to create its SQLite schema and answer (a loaded 2-core machine).
STARTUP_TIMEOUT_S = 120.0
#: Generous enough that no request of a scripted conversation is ever rate-limited.
_UNLIMITED = {"per_second": 10_000, "burst_count": 10_000}


def homeserver_config(directory: Path, port: int) -> dict[str, object]:
    """The Synapse configuration for a loopback-only, federation-free test server."""
    return {
        "server_name": SERVER_NAME,
        "public_baseurl": f"http://127.0.0.1:{port}/",
        "pid_file": str(directory / "homeserver.pid"),
        "listeners": [
            {
                "port": port,
                "bind_addresses": ["127.0.0.1"],
                "type": "http",
                "tls": False,
                "x_forwarded": False,
                "resources": [{"names": ["client"], "compress": False}],
            }
        ],
        "database": {"name": "sqlite3", "args": {"database": str(directory / "homeserver.db")}},
        "log_config": str(directory / "log.config"),
        "media_store_path": str(directory / "media"),
        "signing_key_path": str(directory / "signing.key"),
        "registration_shared_secret": secrets.token_hex(32),
        "macaroon_secret_key": secrets.token_hex(32),
        "form_secret": secrets.token_hex(32),
        "report_stats": False,
        "enable_registration": False,
        "trusted_key_servers": [],
        "suppress_key_server_warning": True,
        "federation_domain_whitelist": [],
        "allow_public_rooms_over_federation": False,
        "url_preview_enabled": False,
        "enable_metrics": False,
        "presence": {"enabled": False},
        "encryption_enabled_by_default_for_room_type": "all",
        "rc_message": _UNLIMITED,
        "rc_registration": _UNLIMITED,
        "rc_login": {
            "address": _UNLIMITED,
            "account": _UNLIMITED,
            "failed_attempts": _UNLIMITED,
        },
        "rc_joins": {"local": _UNLIMITED, "remote": _UNLIMITED},
        "rc_joins_per_room": _UNLIMITED,
        "rc_invites": {"per_room": _UNLIMITED, "per_user": _UNLIMITED, "per_issuer": _UNLIMITED},
        "rc_key_requests": _UNLIMITED,
        "rc_room_creation": _UNLIMITED,
    }


def _log_config(directory: Path) -> dict[str, object]:
    return {
        "version": 1,
        "formatters": {"plain": {"format": "%(asctime)s %(name)s %(levelname)s %(message)s"}},
        "handlers": {
            "file": {
                "class": "logging.FileHandler",
                "formatter": "plain",
                "filename": str(directory / "homeserver.log"),
            }
        },
        "root": {"level": "WARNING", "handlers": ["file"]},
        "disable_existing_loggers": False,
    }


class Homeserver:
    """Synapse as a real process in ``directory``; a context manager that stops it.

    ``url`` is the client-server API base (``http://127.0.0.1:PORT``); ``database`` the SQLite
    file the test inspects; ``register`` creates accounts through the shared-secret admin API.
    """

    def __init__(self, directory: Path, python: str = sys.executable) -> None:
        self.directory = directory
        self.python = python
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database = directory / "homeserver.db"
        self.config = directory / "homeserver.yaml"
        self._settings = homeserver_config(directory, self.port)
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> Homeserver:
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / "media").mkdir(exist_ok=True)
        # JSON is YAML: no YAML writer needed on this side.
        self.config.write_text(json.dumps(self._settings, indent=1))
        (self.directory / "log.config").write_text(json.dumps(_log_config(self.directory)))
        command = [self.python, "-m", "synapse.app.homeserver", "-c", str(self.config)]
        subprocess.run([*command, "--generate-keys"], check=True, capture_output=True, timeout=120)
        output = (self.directory / "stdout.log").open("wb")
        self._process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        self._wait_until_up()
        return self

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise RuntimeError(f"Synapse exited early: {self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_matrix/client/versions", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        raise TimeoutError(f"Synapse did not answer in {STARTUP_TIMEOUT_S:g} s: {self.log_tail()}")

    def log_tail(self, lines: int = 20) -> str:
        text = ""
        for name in ("stdout.log", "homeserver.log"):
            path = self.directory / name
            if path.exists():
                text += "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) + "\n"
        return text

    def register(self, user: str, password: str) -> str:
        """Create ``@user:SERVER_NAME`` through the shared-secret admin API; its user id."""
        endpoint = f"{self.url}/_synapse/admin/v1/register"
        with urllib.request.urlopen(endpoint, timeout=10) as answer:
            nonce = json.load(answer)["nonce"]
        secret = str(self._settings["registration_shared_secret"]).encode()
        body = {
            "nonce": nonce,
            "username": user,
            "password": password,
            "admin": False,
            "mac": _mac(secret, nonce, user, password),
        }
        request = urllib.request.Request(
            endpoint,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return str(json.load(answer)["user_id"])
        except urllib.error.HTTPError as exc:
            raise RuntimeError(f"registering {user}: {exc.code} {exc.read()[:200]!r}") from None

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=10)
        self._process = None

    def __enter__(self) -> Homeserver:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()


def _mac(secret: bytes, nonce: str, user: str, password: str) -> str:
    """The shared-secret registration MAC: HMAC-SHA1 over NUL-separated fields."""
    mac = hmac.new(secret, digestmod=hashlib.sha1)
    mac.update(b"\x00".join([nonce.encode(), user.encode(), password.encode(), b"notadmin"]))
    return mac.hexdigest()
