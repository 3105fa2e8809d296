"""The review side of the demos: ``linkscreen-server review`` as a real process, and analysts.

Shared by ``make demo`` (examples/demo.py) and the Matrix conversation (examples/matrix): the
review service runs on a free loopback port with an SQLite database, accounts are made with
``linkscreen-server review add-user``, and each :class:`Analyst` signs in and decides through
the review pages as a person in a browser would (a form, its CSRF token, a session cookie).
Only synthetic hosts (``*.example``, ``*.test``) are ever reported here.
"""

from __future__ import annotations

import html
import http.cookiejar
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from types import TracebackType

from loopback import ServedProcess, free_port, run_server_cli

from linkscreen_server.review.defang import defang

_CSRF = re.compile(r'name="csrf" value="([^"]*)"')
_ROW = re.compile(r'<code class="url">([^<]*)</code>.*?href="/review/url/([0-9]+)"', re.DOTALL)
_STATE = re.compile(r"<h2>Review #[0-9]+: ([a-z]+)</h2>")


class ReviewService:
    """``linkscreen-server review`` on loopback, with its SQLite database in ``directory``."""

    def __init__(self, directory: Path, python: str = sys.executable) -> None:
        self.directory = directory
        self.python = python
        self.db_url = f"sqlite:///{directory / 'review.db'}"
        self.url = ""
        self.log = directory / "review.log"
        self._served = ServedProcess("review service", self.log)

    def run(self, *args: str, stdin: str | None = None) -> str:
        """``linkscreen-server ARGS``; its output (raises with its message when it fails)."""
        return run_server_cli(*args, python=self.python, stdin=stdin)

    def add_user(self, name: str, role: str, password: str) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        secret = self.directory / f".{name}.password"
        secret.write_text(password + "\n", encoding="utf-8")
        secret.chmod(0o600)
        try:
            return self.run(
                "review", "add-user", "--db", self.db_url, "--name", name, "--role", role,
                "--password-file", str(secret),
            ).strip()  # fmt: skip
        finally:
            secret.unlink()

    def start(self) -> str:
        """Serve reports and the review pages on a free loopback port; the base URL."""
        self.directory.mkdir(parents=True, exist_ok=True)
        port = free_port()
        self.url = f"http://127.0.0.1:{port}/"
        self._served.start(
            [
                self.python, "-m", "linkscreen_server.cli", "review", "--db", self.db_url,
                "--listen", f"127.0.0.1:{port}",
            ],
            self.url + "health",
        )  # fmt: skip
        return self.url

    def stop(self) -> None:
        self._served.stop()

    def __enter__(self) -> ReviewService:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()


class Analyst:
    """One analyst at the review pages: their own session cookie, the forms' CSRF tokens."""

    def __init__(self, base_url: str, name: str, password: str) -> None:
        self.base = base_url.rstrip("/")
        self.name = name
        self._password = password
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def _get(self, path: str) -> str:
        with self._opener.open(self.base + path, timeout=30) as answer:
            return str(answer.read().decode("utf-8"))

    def _post(self, path: str, form: dict[str, str]) -> str:
        data = urllib.parse.urlencode(form).encode()
        request = urllib.request.Request(self.base + path, data=data, method="POST")
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            with self._opener.open(request, timeout=30) as answer:
                return str(answer.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            text = error.read().decode("utf-8", "replace")
            raise RuntimeError(f"{self.name}: {path}: HTTP {error.code}: {text[:300]}") from None

    def sign_in(self) -> None:
        token = _CSRF.search(self._get("/review/login"))
        if token is None:
            raise RuntimeError("the sign-in page has no form")
        form = {"csrf": token.group(1), "name": self.name, "password": self._password}
        landed = self._post("/review/login", form)
        if 'id="queue"' not in landed:
            raise RuntimeError(f"{self.name} could not sign in")

    def queue(self) -> dict[str, int]:
        """The open queue: defanged URL as shown -> its review id."""
        page = self._get("/review/")
        return {html.unescape(shown): int(number) for shown, number in _ROW.findall(page)}

    def find(self, url: str) -> int:
        """The review id of a reported canonical URL (shown defanged in the queue)."""
        found = self.queue().get(defang(url))
        if found is None:
            raise LookupError(f"{defang(url)} is not in the review queue")
        return found

    def confirm(self, url: str, category: str, reason: str) -> str:
        """Vote to confirm ``url`` with a category and reason; the URL's state afterwards."""
        number = self.find(url)
        page = self._get(f"/review/url/{number}")
        start = page.find(f'action="/review/url/{number}/vote"')
        token = _CSRF.search(page, max(start, 0))
        if start < 0 or token is None:
            raise RuntimeError(f"{self.name}: review #{number} offers no decision form")
        vote = {"csrf": token.group(1), "decision": "confirm", "category": category}
        vote["reason"] = reason
        answer = self._post(f"/review/url/{number}/vote", vote)
        state = _STATE.search(answer)
        return state.group(1) if state else "?"
