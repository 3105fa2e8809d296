"""The list operator's side of the Matrix demo: keys, signed versions, a static update server.

Uses the real commands (``linkscreen-server keygen / root / publish / serve``) as separate
processes, in a directory of its own, serving on a free loopback port.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import TracebackType

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # examples/: the loopback helpers
from loopback import ServedProcess, free_port, run_server_cli

#: Deterrence texts per list and locale: (text, help link). Bob reads German.
DETERRENCE = {
    "hotline": {
        "en": (
            "This link was removed: it may lead to sexual images of children. Viewing them "
            "harms children and is a crime. Confidential help is available.",
            "https://help.example/get-help",
        ),
        "de": (
            "Dieser Link wurde entfernt: Er kann zu sexuellen Darstellungen von Kindern führen. "
            "Das Ansehen schadet Kindern und ist strafbar. Vertrauliche Hilfe gibt es hier.",
            "https://help.example/de/hilfe",
        ),
    },
    "watch": {
        "en": (
            "Careful: this site is known for adults contacting children.",
            "https://help.example/safety",
        ),
        "de": (
            "Vorsicht: Auf dieser Seite nehmen Erwachsene Kontakt zu Kindern auf.",
            "https://help.example/de/sicherheit",
        ),
    },
    # the review service's confirmed list (linkscreen-server publish --review-db)
    "review-confirmed": {
        "en": (
            "This link was removed: people reported it and two analysts confirmed it is "
            "dangerous for children.",
            "https://help.example/get-help",
        ),
        "de": (
            "Dieser Link wurde entfernt: Er wurde gemeldet, und zwei Fachleute haben bestätigt, "
            "dass er für Kinder gefährlich ist.",
            "https://help.example/de/hilfe",
        ),
    },
}
CATEGORIES = {"hotline": "csam", "watch": "grooming", "review-confirmed": "reviewed"}


def meta_toml(names: list[str] | None = None) -> str:
    """The operator's ``--meta`` file: category and deterrence texts of each list compiled
    (``names``; default every list with texts)."""
    lines = []
    for name, texts in DETERRENCE.items():
        if names is not None and name not in names:
            continue
        lines += [f"[lists.{name}]", f"category = {json.dumps(CATEGORIES[name])}", ""]
        for locale, (text, link) in texts.items():
            lines += [f"[lists.{name}.deterrence.{locale}]", f"text = {json.dumps(text)}"]
            lines += [f"help = {json.dumps(link)}", ""]
    return "\n".join(lines)


class ListOperator:
    """A hotline's operator: publishes versions of its lists and serves them on loopback."""

    def __init__(self, directory: Path, python: str = sys.executable) -> None:
        self.directory = directory
        self.python = python
        self.repo = directory / "repo"
        self.root_public_key = directory / "keys" / "root" / "signing.pub"
        self.meta = directory / "meta.toml"
        self.url = ""
        self._served = ServedProcess("update server")

    def _run(self, *args: str) -> str:
        return run_server_cli(*args, python=self.python)

    def create(self) -> None:
        """Keys and root metadata: what the app ships is the root public key."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self.meta.write_text(meta_toml(["hotline", "watch"]), encoding="utf-8")
        self._run("keygen", "--out", str(self.directory / "keys" / "root"))
        self._run("keygen", "--out", str(self.directory / "keys" / "signing"))
        self._run(
            "root",
            "--dir",
            str(self.repo),
            "--root-key",
            str(self.directory / "keys" / "root"),
            "--signing-pub",
            str(self.directory / "keys" / "signing" / "signing.pub"),
        )

    def publish(self, lists: dict[str, tuple[str, str]], review_db: str | None = None) -> str:
        """Publish the next version of ``{name: (entries text, action)}``, with the review
        service's confirmed and provisional lists when ``review_db`` names its database; the
        command's output."""
        arguments: list[str] = []
        for name, (entries, action) in sorted(lists.items()):
            source = self.directory / f"{name}.txt"
            source.write_text(entries, encoding="utf-8")
            arguments += ["--list", f"{name}={source}:{action}"]
        if review_db is not None:
            arguments += ["--review-db", review_db]
        compiled = [*lists, *(["review-confirmed"] if review_db is not None else [])]
        self.meta.write_text(meta_toml(compiled), encoding="utf-8")
        return self._run(
            "publish",
            "--dir",
            str(self.repo),
            *arguments,
            "--meta",
            str(self.meta),
            "--key",
            str(self.directory / "keys" / "signing"),
        )

    def serve(self) -> str:
        """Start ``linkscreen-server serve`` on a free loopback port; its base URL."""
        port = free_port()
        self.url = f"http://127.0.0.1:{port}/"
        self._served.start(
            [
                self.python, "-m", "linkscreen_server.cli", "serve", "--dir", str(self.repo),
                "--host", "127.0.0.1", "--port", str(port),
            ],
            self.url + "pointer.json",
        )  # fmt: skip
        return self.url

    def stop(self) -> None:
        self._served.stop()

    def __enter__(self) -> ListOperator:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
