"""An in-memory repository for updater tests: publish with the real publisher, serve from a dict.

``MemoryRepo.files`` maps paths to bytes; tests tamper with it to play the attacker. The repo is
a :class:`linkscreen.fetch.Fetcher`: it honours ETags (304), enforces ``max_bytes`` like a real
fetcher, answers 404 for a missing file, and logs every request.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from linkscreen import Updater
from linkscreen.errors import DownloadError, DownloadTooLargeError
from linkscreen.fetch import Request, Response, StdlibFetcher
from linkscreen.metadata import sign_metadata
from linkscreen.results import Action
from linkscreen_server.compiler import ListSpec
from linkscreen_server.publish import PublishSettings, Repository

BASE = "https://repo.test/lists/"
NOW = 1_767_225_600.0


@dataclass
class MemoryRepo:
    tmp: Path
    root_key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    signing_key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    files: dict[str, bytes] = field(default_factory=dict)
    requests: list[tuple[str, str | None]] = field(default_factory=list)
    settings: PublishSettings = field(default_factory=PublishSettings)

    def __post_init__(self) -> None:
        self.repo = Repository(self.tmp / "tree")
        self.repo.write_root(
            [self.root_key], [self.root_key.public_key()], [self.signing_key.public_key()], now=NOW
        )
        self.sync()

    def publish(self, entries: list[str], *, now: float = NOW, **kwargs: object) -> int:
        path = self.tmp / "list.txt"
        path.write_text("\n".join(entries) + "\n")
        result = self.repo.publish(
            [ListSpec("hotline", path, Action.BLOCK)],
            self.signing_key,
            settings=self.settings,
            now=now,
            shorteners=[],
            **kwargs,  # type: ignore[arg-type]
        )
        self.sync()
        return result.version

    def sync(self) -> None:
        root = self.tmp / "tree"
        for path in root.rglob("*"):
            if path.is_file() and ".linkscreen" not in path.parts:
                self.files[path.relative_to(root).as_posix()] = path.read_bytes()

    def fetch(self, request: Request) -> Response:
        url, etag = request.url, request.etag
        self.requests.append((url, etag))
        if not url.startswith(BASE):
            raise DownloadError(f"{url}: unknown host")
        data = self.files.get(url[len(BASE) :])
        if data is None:
            return Response(404, {}, b"not found")
        tag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
        if etag == tag:
            return Response(304, {"etag": tag})
        if len(data) > request.max_bytes:
            raise DownloadTooLargeError(f"{url}: more than {request.max_bytes} bytes")
        return Response(200, {"etag": tag}, data)


def entries(count: int, start: int = 0) -> list[str]:
    return [f"http://h{i}.bad.example/p/{i}" for i in range(start, start + count)]


class DiskFiles(dict[str, bytes]):
    """``MemoryRepo.files`` for the HTTP variant: reads and writes go to the served tree."""

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root

    def __getitem__(self, path: str) -> bytes:
        return (self.root / path).read_bytes()

    def __setitem__(self, path: str, data: bytes) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and (self.root / path).is_file()

    def clear(self) -> None:
        for path in self.root.rglob("*"):
            if path.is_file() and ".linkscreen" not in path.parts:
                path.unlink()


@dataclass
class HttpRepo(MemoryRepo):
    """The same repository served by a real linkscreen-server process on loopback."""

    server_base: str = ""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.files = DiskFiles(self.tmp / "tree")
        self.base = self.server_base

    def sync(self) -> None:
        return  # the server reads the tree directly

    def fetch(self, request: Request) -> Response:
        self.requests.append((request.url, request.etag))
        return StdlibFetcher().fetch(request)


def base_of(repo: MemoryRepo) -> str:
    """The base URL an Updater uses for ``repo``."""
    return repo.server_base if isinstance(repo, HttpRepo) else BASE


def make_updater(
    repo: MemoryRepo,
    tmp_path: Path,
    name: str = "client",
    now: float | Callable[[], float] = NOW,
    **options: Any,
) -> Updater:
    """An Updater on ``repo`` with a fixed (or given) clock, state in ``tmp_path / name``."""
    clock = now if callable(now) else (lambda: float(now))  # type: ignore[arg-type]
    return Updater(
        tmp_path / name, base_of(repo), [repo.root_key.public_key()], fetcher=repo, clock=clock,
        **options,
    )  # fmt: skip


def blocks(updater: Updater, url: str) -> bool:
    matcher = updater.matcher()
    assert matcher is not None
    return matcher.check_url(url).action is Action.BLOCK


def resign(repo: MemoryRepo, path: str, **changes: object) -> None:
    """Change fields of a signed metadata file and sign it again with the repo's signing key."""
    document = json.loads(repo.files[path])
    document["signed"].update(changes)
    repo.files[path] = sign_metadata(document["signed"], [repo.signing_key])


def serve_manifest(repo: MemoryRepo, version: int, signed: dict[str, Any]) -> bytes:
    """Sign ``signed`` as ``manifests/VERSION.json`` and point the pointer at it (version too)."""
    raw = sign_metadata(signed, [repo.signing_key])
    path = f"manifests/{version}.json"
    repo.files[path] = raw
    entry = {"path": path, "sha256": hashlib.sha256(raw).hexdigest(), "size": len(raw)}
    resign(repo, "pointer.json", version=signed["version"], manifest=entry)
    return raw


def manifest_of(repo: MemoryRepo, version: int) -> dict[str, Any]:
    signed: dict[str, Any] = json.loads(repo.files[f"manifests/{version}.json"])["signed"]
    return signed
