"""The HTTP face of a published tree: static files with the right cache headers, and the
admin upload API.

A path with a control character (a NUL included) or a backslash is answered 400, and a dot
segment or dotfile 404, before any file system call; the publisher's state lives outside the
tree, so nothing else in it is secret. (The documented nginx front, docs/nginx.md, is stricter:
only the layout's names.) The hot metadata files
are served from memory (see :class:`_MetadataCache`). Uploads are read with a size cap and
handed to ``upload`` (which compiles off the event loop, in the publisher worker).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Awaitable, Callable, Collection
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

#: Largest list upload accepted.
MAX_UPLOAD_BYTES = 256 * 1024 * 1024
#: Longest request path served; anything longer names no file of the layout.
MAX_PATH_CHARS = 1024
_BAD_PATH = re.compile(r"[\x00-\x1f\x7f\\]")

#: Compiles and publishes an upload: (list name, body, force) -> (HTTP status, JSON body).
Upload = Callable[[str, bytes, bool], Awaitable[tuple[int, dict[str, Any]]]]


def create_app(
    repo_dir: Path,
    *,
    upload: Upload | None = None,
    token: str | None = None,
    list_names: Collection[str] = (),
) -> Starlette:
    """Static files of the tree (ETag, If-None-Match/304, Range) plus the admin API when
    ``upload`` and ``token`` are given."""

    async def admin_upload(request: Request) -> Response:
        if upload is None or token is None:
            return JSONResponse({"error": "the admin API is not enabled"}, status_code=404)
        supplied = request.headers.get("authorization", "")
        if not hmac.compare_digest(supplied.encode(), f"Bearer {token}".encode()):
            return JSONResponse({"error": "missing or wrong bearer token"}, status_code=401)
        name = request.path_params["name"]
        if name not in list_names:
            return JSONResponse({"error": f"no list named {name!r}"}, status_code=404)
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_UPLOAD_BYTES:
            return _too_large()
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_UPLOAD_BYTES:
                return _too_large()
            chunks.append(chunk)
        force = request.query_params.get("force", "") in ("1", "true", "yes")
        status, body = await upload(name, b"".join(chunks), force)
        return JSONResponse(body, status_code=status)

    async def health(request: Request) -> Response:
        del request
        return JSONResponse({"ok": True})

    files = _NoDotFiles(directory=str(repo_dir), check_dir=False)
    routes = [
        Route("/admin/lists/{name}", admin_upload, methods=["POST", "PUT"]),
        Route("/admin/health", health),
        Mount("/", app=_MetadataCache(repo_dir, files)),
    ]
    return Starlette(routes=routes)


def _too_large() -> Response:
    return JSONResponse({"error": f"upload larger than {MAX_UPLOAD_BYTES} bytes"}, status_code=413)


def path_problem(path: str) -> int | None:
    """The status for a request path that must not reach the file system, else None."""
    if _BAD_PATH.search(path) or len(path) > MAX_PATH_CHARS:
        return 400
    parts = path.split("/")
    if any(part.startswith(".") for part in parts):
        return 404
    return None


async def _plain(send: Any, status: int, text: str) -> None:
    body = text.encode()
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


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
        if scope["type"] == "http" and (status := path_problem(path)) is not None:
            await _plain(send, status, "bad path\n" if status == 400 else "not found\n")
            return
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
        except (OSError, ValueError):
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
