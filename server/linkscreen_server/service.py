"""The long-running server: follow list sources, publish on change, serve the tree over HTTP.

``server.toml``::

    [repository]
    dir = "repo"                  # the published tree
    state_dir = "repo.state"      # bookkeeping and source copies; never inside the tree
    signing_key = "keys/signing"  # key file or key directory
    poll = "12h"                  # how often sources are checked (twice a day by default)
    bundle_lifetime = "72h"
    pointer_lifetime = "24h"

    [server]
    host = "127.0.0.1"
    port = 8080
    admin_token_file = "admin.token"   # enables POST /admin/lists/NAME (Bearer token)

    [[lists]]
    name = "hotline"
    source = "lists/hotline.txt"       # a file, or an http(s) URL
    action = "block"

A source that is down is logged and its last good copy is used; a publish only happens when
the lists changed, or when the current version would otherwise expire.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import threading
import time
import tomllib
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from linkscreen._files import write_atomically
from linkscreen.results import Action

from .compiler import ListSpec, compile_bundle
from .publish import PublishResult, PublishSettings, Repository
from .signing import load_private_key
from .sources import Rejected
from .units import parse_duration

log = logging.getLogger("linkscreen_server")

#: Largest list upload or fetched source accepted.
MAX_LIST_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class ListSource:
    name: str
    source: str
    action: Action = Action.BLOCK

    @property
    def is_url(self) -> bool:
        return self.source.startswith(("http://", "https://"))


@dataclass
class Config:
    repo_dir: Path
    signing_key: Path
    lists: list[ListSource]
    state_dir: Path | None = None
    poll_s: int = 12 * 3600
    settings: PublishSettings = field(default_factory=PublishSettings)
    host: str = "127.0.0.1"
    port: int = 8080
    admin_token: str | None = None

    @classmethod
    def load(cls, path: Path) -> Config:
        data = tomllib.loads(path.read_text("utf-8"))
        base = path.parent
        repo = data.get("repository", {})
        server = data.get("server", {})
        token = None
        if "admin_token_file" in server:
            token = (base / server["admin_token_file"]).read_text("utf-8").strip()
        settings = PublishSettings(
            bundle_lifetime_s=parse_duration(repo.get("bundle_lifetime", "72h")),
            pointer_lifetime_s=parse_duration(repo.get("pointer_lifetime", "24h")),
        )
        lists = [
            ListSource(
                item["name"],
                item["source"] if "://" in item["source"] else str(base / item["source"]),
                Action(item.get("action", "block")),
            )
            for item in data.get("lists", [])
        ]
        return cls(
            repo_dir=base / repo.get("dir", "repo"),
            state_dir=base / repo["state_dir"] if "state_dir" in repo else None,
            signing_key=base / repo["signing_key"],
            lists=lists,
            poll_s=parse_duration(repo.get("poll", "12h")),
            settings=settings,
            host=server.get("host", "127.0.0.1"),
            port=int(server.get("port", 8080)),
            admin_token=token,
        )


class Publisher:
    """Owns the repository: one publish at a time, from the last good copy of every source."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.repo = Repository(config.repo_dir, state_dir=config.state_dir)
        self.key = load_private_key(config.signing_key)
        with self.repo.lock():
            self.repo.migrate_legacy_state()
        # The last good copy of every source: plaintext lists, so owner-only and outside the tree.
        self.store = self.repo.state_dir / "sources"
        self.store.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._published_digest: str | None = None
        self.last_publish = 0.0

    def _copy(self, source: ListSource) -> Path:
        return self.store / f"{source.name}.txt"

    def pull_sources(self) -> list[str]:
        """Refresh each source's local copy; returns the problems (a down source keeps its copy)."""
        problems = []
        for source in self.config.lists:
            try:
                if source.is_url:
                    request = urllib.request.Request(
                        source.source, headers={"User-Agent": "linkscreen-server"}
                    )
                    with urllib.request.urlopen(request, timeout=30) as response:
                        data = response.read(MAX_LIST_BYTES + 1)
                else:
                    data = Path(source.source).read_bytes()
                if len(data) > MAX_LIST_BYTES:
                    raise OSError(f"larger than {MAX_LIST_BYTES} bytes")
            except OSError as exc:
                problems.append(
                    f"{source.name}: source unavailable ({exc}); keeping the last good copy"
                )
                continue
            write_atomically(self._copy(source), data)
            os.chmod(self._copy(source), 0o600)
        return problems

    def _digest(self) -> str:
        digest = hashlib.sha256()
        for source in self.config.lists:
            path = self._copy(source)
            digest.update(
                source.name.encode() + b"\0" + (path.read_bytes() if path.exists() else b"")
            )
        return digest.hexdigest()

    def publish(self, *, reason: str, force: bool = False) -> PublishResult | None:
        """Publish if the lists changed (or ``force``); None when there was nothing to do."""
        with self._lock:
            digest = self._digest()
            if not force and digest == self._published_digest:
                return None
            specs = [
                ListSpec(s.name, self._copy(s), s.action)
                for s in self.config.lists
                if self._copy(s).exists()
            ]
            if not specs:
                log.warning("no list has a usable copy yet; nothing published")
                return None
            result = self.repo.publish(specs, self.key, settings=self.config.settings)
            self._published_digest = digest
            self.last_publish = time.time()
            report = result.report
            log.info(
                "published version %d (%s): %d entries, %d rejected, %d bytes, deltas %s%s",
                result.version,
                reason,
                report.entries if report else 0,
                len(report.rejected) if report else 0,
                result.full_bytes,
                result.delta_bytes,
                " (rebased)" if result.rebased else "",
            )
            for rejected in report.rejected if report else []:
                log.warning("%s", rejected)
            return result

    def check_upload(self, name: str, data: bytes) -> tuple[ListSource | None, list[Rejected]]:
        """Compile the upload on its own (the real compiler, nothing published) and return the
        lines it would reject."""
        source = next((s for s in self.config.lists if s.name == name), None)
        if source is None:
            return None, []
        scratch = self.store / f".upload-{name}-{os.getpid()}-{threading.get_ident()}.txt"
        scratch.write_bytes(data)
        try:
            _, report = compile_bundle([ListSpec(name, scratch, source.action)], self.key)
        finally:
            scratch.unlink(missing_ok=True)
        return source, report.rejected

    def accept_upload(self, source: ListSource, data: bytes) -> PublishResult | None:
        write_atomically(self._copy(source), data)
        os.chmod(self._copy(source), 0o600)
        if not source.is_url:  # the operator's file is the source of truth: update it too
            write_atomically(Path(source.source), data)
        return self.publish(reason=f"upload of {source.name}", force=True)


def create_app(repo_dir: Path, publisher: Publisher | None = None) -> Starlette:
    """Static files of the tree (ETag, If-None-Match/304, Range) plus the admin API."""
    token = publisher.config.admin_token if publisher else None

    async def upload(request: Request) -> Response:
        if publisher is None or token is None:
            return JSONResponse({"error": "the admin API is not enabled"}, status_code=404)
        supplied = request.headers.get("authorization", "")
        if not hmac.compare_digest(supplied.encode(), f"Bearer {token}".encode()):
            return JSONResponse({"error": "missing or wrong bearer token"}, status_code=401)
        name = request.path_params["name"]
        body = await request.body()
        if len(body) > MAX_LIST_BYTES:
            return JSONResponse(
                {"error": f"upload larger than {MAX_LIST_BYTES} bytes"}, status_code=413
            )
        source, rejected = publisher.check_upload(name, body)
        if source is None:
            return JSONResponse({"error": f"no list named {name!r}"}, status_code=404)
        if rejected:
            return JSONResponse(
                {
                    "error": f"{len(rejected)} line(s) rejected; nothing changed",
                    "rejected": [f"line {r.line}: {r.reason}" for r in rejected],
                },
                status_code=422,
            )
        result = publisher.accept_upload(source, body)
        version = result.version if result else None
        return JSONResponse({"published": version is not None, "version": version})

    async def health(request: Request) -> Response:
        del request
        return JSONResponse({"ok": True})

    files = _NoDotFiles(directory=str(repo_dir), check_dir=False)
    routes = [
        Route("/admin/lists/{name}", upload, methods=["POST", "PUT"]),
        Route("/admin/health", health),
        Mount("/", app=_MetadataCache(repo_dir, files)),
    ]
    return Starlette(routes=routes)


#: Cache-Control per kind of file: the pointer changes (clients revalidate), the rest never do.
POINTER_CACHE = "public, max-age=60, must-revalidate"
IMMUTABLE_CACHE = "public, max-age=31536000, immutable"


class _MetadataCache:
    """Serve the small, hot metadata files from memory; everything else from ``files``.

    Clients poll ``pointer.json`` (and fetch a manifest on change) far more often than they
    download bundles, so these answers skip the file system: one ``stat`` decides whether the
    cached bytes are current. ETag is the content's SHA-256; If-None-Match gives 304.
    """

    def __init__(self, root: Path, files: Any) -> None:
        self.root = root
        self.files = files
        self.cache: dict[str, tuple[int, int, bytes, bytes]] = {}

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        path = scope.get("path", "/").lstrip("/")
        small = path == "pointer.json" or (
            path.startswith(("roots/", "manifests/"))
            and path.endswith(".json")
            and ".." not in path
        )
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or not small:
            await self._with_cache_headers(scope, receive, send, path)
            return
        entry = self._load(path)
        if entry is None:
            await self.files(scope, receive, send)
            return
        body, etag = entry
        cache = POINTER_CACHE if path == "pointer.json" else IMMUTABLE_CACHE
        headers = [(b"etag", etag), (b"cache-control", cache.encode())]
        supplied = dict(scope["headers"]).get(b"if-none-match")
        if supplied is not None and etag in [t.strip() for t in supplied.split(b",")]:
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        headers += [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send(
            {"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body}
        )

    def _load(self, path: str) -> tuple[bytes, bytes] | None:
        target = self.root / path
        try:
            stat = target.stat()
        except OSError:
            return None
        cached = self.cache.get(path)
        if cached is not None and cached[0] == stat.st_mtime_ns and cached[1] == stat.st_size:
            return cached[2], cached[3]
        body = target.read_bytes()
        etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'.encode()
        self.cache[path] = (stat.st_mtime_ns, stat.st_size, body, etag)
        return body, etag

    async def _with_cache_headers(self, scope: Any, receive: Any, send: Any, path: str) -> None:
        """Content-addressed bundles and deltas never change: tell caches so."""
        if not path.startswith(("bundles/", "deltas/")):
            await self.files(scope, receive, send)
            return

        async def send_immutable(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start" and message.get("status") in (
                200,
                206,
                304,
            ):
                message = {
                    **message,
                    "headers": [
                        *message.get("headers", []),
                        (b"cache-control", IMMUTABLE_CACHE.encode()),
                    ],
                }
            await send(message)

        await self.files(scope, receive, send_immutable)


class _NoDotFiles(StaticFiles):
    """StaticFiles that never serves a dotfile (temporary files, a legacy ``.linkscreen``)."""

    def lookup_path(self, path: str) -> tuple[str, Any]:
        if any(part.startswith(".") for part in Path(path).parts):
            return "", None
        return super().lookup_path(path)


def run_forever(config: Config, *, stop: threading.Event | None = None) -> None:
    """Poll, publish and serve until ``stop`` is set (or the process is stopped)."""
    import uvicorn

    publisher = Publisher(config)
    for problem in publisher.pull_sources():
        log.warning("%s", problem)
    publisher.publish(reason="start", force=True)
    stop = stop or threading.Event()

    def poll() -> None:
        while not stop.wait(config.poll_s):
            for problem in publisher.pull_sources():
                log.warning("%s", problem)
            # Republish when lists changed, or before the current version's metadata expires.
            due = (
                time.time() - publisher.last_publish
                > min(config.settings.pointer_lifetime_s, config.settings.bundle_lifetime_s)
                - 2 * config.poll_s
            )
            if publisher.publish(reason="poll", force=due) is None:
                log.info("sources unchanged; nothing to publish")

    threading.Thread(target=poll, daemon=True, name="linkscreen-poll").start()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(config.repo_dir, publisher),
            host=config.host,
            port=config.port,
            log_level="info",
            access_log=False,
        )
    )
    server.run()
    stop.set()
