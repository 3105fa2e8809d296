"""The long-running server: follow list sources, publish on change, serve the tree over HTTP.

``server.toml``::

    [repository]
    dir = "repo"                  # the published tree
    state_dir = "repo.state"      # bookkeeping and source copies; never inside the tree
    signing_key = "keys/signing"  # key file or key directory
    poll = "12h"                  # how often sources are checked (twice a day by default)
    bundle_lifetime = "72h"
    pointer_lifetime = "24h"
    max_shrink = 0.5              # a list losing more than half its entries is refused

    [server]
    host = "127.0.0.1"
    port = 8080
    admin_token_file = "admin.token"   # enables POST /admin/lists/NAME (Bearer token)

    [[lists]]
    name = "hotline"
    source = "lists/hotline.txt"       # a file, or an http(s) URL
    action = "block"
    max_shrink = 0.5                   # optional; else [repository] max_shrink (default 0.5)
    format = "text"                    # optional: "text" or "csv" (default: by .csv suffix)

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
import urllib.parse
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
from .publish import (
    DEFAULT_MAX_SHRINK,
    PublishResult,
    PublishSettings,
    Repository,
    SourceShrinkError,
)
from .signing import load_private_key
from .sources import ListFormat, Rejected, format_of
from .units import parse_duration

log = logging.getLogger("linkscreen_server")

#: Largest list upload or fetched source accepted.
MAX_LIST_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class ListSource:
    """A named list and where it comes from: a file or an http(s) URL, with its action."""

    name: str
    source: str
    action: Action = Action.BLOCK
    max_shrink: float | None = None
    """Overrides ``[repository] max_shrink`` for this list."""
    format: ListFormat | None = None
    """How to read it; None: CSV when the file or URL path ends in ``.csv``, else text."""

    @property
    def is_url(self) -> bool:
        return self.source.startswith(("http://", "https://"))

    @property
    def list_format(self) -> ListFormat:
        path = urllib.parse.urlsplit(self.source).path if self.is_url else self.source
        return format_of(path, self.format)

    @property
    def suffix(self) -> str:
        """The copy's file suffix: ``.csv`` for a CSV source, else ``.txt``."""
        return ".csv" if self.list_format is ListFormat.CSV else ".txt"

    def spec(self, copy: Path) -> ListSpec:
        """The compiler's view of a copy of this source."""
        return ListSpec(self.name, copy, self.action, self.list_format)


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
        lists = [
            ListSource(
                item["name"],
                item["source"] if "://" in item["source"] else str(base / item["source"]),
                Action(item.get("action", "block")),
                float(item["max_shrink"]) if "max_shrink" in item else None,
                ListFormat(item["format"]) if "format" in item else None,
            )
            for item in data.get("lists", [])
        ]
        settings = PublishSettings(
            bundle_lifetime_s=parse_duration(repo.get("bundle_lifetime", "72h")),
            pointer_lifetime_s=parse_duration(repo.get("pointer_lifetime", "24h")),
            max_shrink=float(repo.get("max_shrink", DEFAULT_MAX_SHRINK)),
            list_max_shrink={s.name: s.max_shrink for s in lists if s.max_shrink is not None},
        )
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
    """Owns the repository: one publish at a time, from the last good copy of every source.

    Each source has a *good* copy (what the published version was built from) and, after a
    poll or upload brought new data, a *pending* one. A publish uses the pending copies; the
    ones it published become good. A pending copy the shrink guard refuses stays pending (and
    is reported at every attempt) while its good copy keeps being published, so one broken
    upstream neither un-lists its entries nor stops the other lists from updating.
    """

    def __init__(self, config: Config) -> None:
        self.config = config
        self.repo = Repository(config.repo_dir, state_dir=config.state_dir)
        self.key = load_private_key(config.signing_key)
        with self.repo.lock():
            self.repo.migrate_legacy_state()
        # The copies are plaintext lists: owner-only, in the state directory, outside the tree.
        self.store = self.repo.state_dir / "sources"
        self.store.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._published_digest: str | None = None
        self.last_publish = 0.0

    def _copy(self, source: ListSource, *, pending: bool = False) -> Path:
        name = f"{source.name}{source.suffix}"
        return self.store / (f"{name}.pending" if pending else name)

    def _store(self, source: ListSource, data: bytes) -> None:
        """Keep ``data`` as the source's pending copy (none if it equals the good copy)."""
        good, pending = self._copy(source), self._copy(source, pending=True)
        if good.exists() and good.read_bytes() == data:
            pending.unlink(missing_ok=True)
            return
        write_atomically(pending, data)
        os.chmod(pending, 0o600)

    def pull_sources(self) -> list[str]:
        """Fetch every source into its pending copy; returns the problems (a down source keeps
        its copies)."""
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
            except (OSError, ValueError) as exc:
                problems.append(
                    f"{source.name}: source unavailable ({exc}); keeping the last good copy"
                )
                continue
            self._store(source, data)
        return problems

    def _inputs(self, refused: set[str]) -> tuple[list[ListSpec], str, list[ListSource]] | None:
        """Specs to publish, their digest, and the sources read from pending copies; None
        when a list has no usable copy at all (then nothing may be published)."""
        specs, used_pending = [], []
        digest = hashlib.sha256()
        for source in self.config.lists:
            pending = self._copy(source, pending=True)
            path = pending if pending.exists() and source.name not in refused else None
            path = path or (self._copy(source) if self._copy(source).exists() else None)
            if path is None:
                if source.name in refused:
                    return None
                continue  # never fetched yet: published once it arrives
            if path == pending:
                used_pending.append(source)
            specs.append(source.spec(path))
            digest.update(source.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
        return specs, digest.hexdigest(), used_pending

    def publish(
        self, *, reason: str, force: bool = False, accept_shrink: bool = False
    ) -> PublishResult | None:
        """Publish if the lists changed (or ``force``); None when there was nothing to do."""
        with self._lock:
            refused: set[str] = set()
            while True:
                inputs = self._inputs(refused)
                if inputs is None:
                    log.error("a refused list has no earlier good copy; nothing published")
                    return None
                specs, digest, used_pending = inputs
                if not force and digest == self._published_digest:
                    return None
                if not specs:
                    log.warning("no list has a usable copy yet; nothing published")
                    return None
                try:
                    result = self.repo.publish(
                        specs, self.key, settings=self.config.settings, accept_shrink=accept_shrink
                    )
                except SourceShrinkError as exc:
                    for item in exc.shrunk:
                        log.error(
                            "refused: %s; keeping its last good copy (restart with "
                            "`run --force`, upload with ?force=1, or raise max_shrink)",
                            item,
                        )
                    newly = {item.name for item in exc.shrunk} - refused
                    if not newly:
                        raise
                    refused |= newly
                    continue
                break
            for source in used_pending:  # what was published becomes the good copy
                os.replace(self._copy(source, pending=True), self._copy(source))
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
            for rejected in [*report.rejected, *report.warnings] if report else []:
                log.warning("%s", rejected)
            return result

    def source_named(self, name: str) -> ListSource | None:
        return next((s for s in self.config.lists if s.name == name), None)

    def check_upload(self, source: ListSource, data: bytes) -> list[Rejected]:
        """Compile the upload on its own (the real compiler, nothing published) and return the
        lines it would reject."""
        scratch = self.store / f".upload-{source.name}-{os.getpid()}-{threading.get_ident()}"
        scratch = scratch.with_name(scratch.name + source.suffix)
        scratch.write_bytes(data)
        try:
            _, report = compile_bundle([source.spec(scratch)], self.key)
        finally:
            scratch.unlink(missing_ok=True)
        return report.rejected

    def accept_upload(
        self, source: ListSource, data: bytes, *, accept_shrink: bool = False
    ) -> PublishResult:
        """Publish ``data`` as the list's new content; raises SourceShrinkError (nothing
        changed) when the guard refuses it."""
        with self._lock:
            pending = self._copy(source, pending=True)
            write_atomically(pending, data)
            os.chmod(pending, 0o600)
            # Only the upload is new in this version: every other list as last published.
            others = {o.name for o in self.config.lists if o != source and self._copy(o).exists()}
            specs, digest, used_pending = self._inputs(others) or ([], "", [])
            try:
                result = self.repo.publish(
                    specs,
                    self.key,
                    settings=self.config.settings,
                    accept_shrink={source.name} if accept_shrink else False,
                )
            except BaseException:
                pending.unlink(missing_ok=True)
                raise
            for used in used_pending:
                os.replace(self._copy(used, pending=True), self._copy(used))
            self._published_digest = digest
            self.last_publish = time.time()
        if not source.is_url:  # the operator's file is the source of truth: update it too
            write_atomically(Path(source.source), data)
        return result


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
        source = publisher.source_named(name)
        if source is None:
            return JSONResponse({"error": f"no list named {name!r}"}, status_code=404)
        body = await request.body()
        if len(body) > MAX_LIST_BYTES:
            return JSONResponse(
                {"error": f"upload larger than {MAX_LIST_BYTES} bytes"}, status_code=413
            )
        rejected = publisher.check_upload(source, body)
        if rejected:
            return JSONResponse(
                {
                    "error": f"{len(rejected)} line(s) rejected; nothing changed",
                    "rejected": [f"line {r.line}: {r.reason}" for r in rejected],
                },
                status_code=422,
            )
        force = request.query_params.get("force", "") in ("1", "true", "yes")
        try:
            result = publisher.accept_upload(source, body, accept_shrink=force)
        except SourceShrinkError as exc:
            return JSONResponse(
                {"error": f"refused: {exc}", "shrunk": [str(item) for item in exc.shrunk]},
                status_code=409,
            )
        return JSONResponse({"published": True, "version": result.version})

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


def run_forever(
    config: Config, *, stop: threading.Event | None = None, accept_shrink: bool = False
) -> None:
    """Poll, publish and serve until ``stop`` is set (or the process is stopped).

    ``accept_shrink`` lets the first publish through the shrink guard (``run --force``).
    """
    import uvicorn

    publisher = Publisher(config)
    for problem in publisher.pull_sources():
        log.warning("%s", problem)
    publisher.publish(reason="start", force=True, accept_shrink=accept_shrink)
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
