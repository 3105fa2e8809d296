"""The long-running server: follow list sources, publish on change, serve the tree over HTTP.

Configured by ``server.toml`` (:mod:`linkscreen_server.config`). A source that is down is logged
and its last good copy is used; a publish only happens when the lists changed, or when the
current version would otherwise expire.

Every compile and publish of a serving process runs in one **worker process**
(:class:`PublisherWorker`), never on the event loop: a 150k-line upload must not stall
``pointer.json`` for every client. The worker is the only publisher of the process; the
inter-process lock serialises it with any ``publish`` run from the command line.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from starlette.applications import Starlette

from linkscreen.errors import (
    DownloadError,
    DownloadHTTPError,
    DownloadTimeoutError,
    LinkscreenError,
)
from linkscreen.fetch import Fetcher, Request, StdlibFetcher, guarded_fetch
from linkscreen.files import write_atomically
from linkscreen.redirects import REDIRECT_STATUSES, join_url

from .app import create_app
from .compiler import ListSpec, compile_bundle
from .config import Config, ListSource
from .publish import PublishResult, PublishSettings, Repository, SourceShrinkError
from .signing import load_private_key
from .sources import Rejected

log = logging.getLogger("linkscreen_server")

#: Largest list upload or fetched source accepted.
MAX_LIST_BYTES = 256 * 1024 * 1024
#: Redirects followed for one source download.
MAX_SOURCE_REDIRECTS = 5


def fetch_source(url: str, deadline_s: float, fetcher: Fetcher | None = None) -> bytes:
    """Download a list source within one overall deadline (DNS, connect, every read and
    redirect included, enforced inside reads: a server trickling one byte a second cannot
    hold the publisher past it), at most ``MAX_LIST_BYTES`` on the wire's body.

    Raises DownloadError (DownloadTimeoutError past the deadline, DownloadTooLargeError,
    DownloadHTTPError for a status other than 200)."""
    fetcher = fetcher or StdlibFetcher()
    deadline = time.monotonic() + deadline_s
    current = url
    for _hop in range(MAX_SOURCE_REDIRECTS + 1):
        left = deadline - time.monotonic()
        if left <= 0:
            raise DownloadTimeoutError(f"{url}: not downloaded within {deadline_s:g} s")
        headers = {"User-Agent": "linkscreen-server"}
        request = Request(current, headers=headers, max_bytes=MAX_LIST_BYTES, deadline_s=left)
        response = guarded_fetch(fetcher, request)
        location = response.headers.get("location")
        if response.status in REDIRECT_STATUSES and location:
            current = join_url(current, location)
            continue
        if response.status != 200:
            raise DownloadHTTPError(f"{current}: HTTP {response.status}", response.status)
        return response.body
    raise DownloadError(f"{url}: more than {MAX_SOURCE_REDIRECTS} redirects")


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
        self._review: Any = None

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
        """Fetch every source into its pending copy; returns the problems (a down or slow
        source keeps its copies). Each download ends within ``source_timeout``."""
        problems = []
        for source in self.config.lists:
            try:
                if source.is_url:
                    data = fetch_source(source.source, self.config.source_timeout_s)
                else:
                    data = Path(source.source).read_bytes()
                if len(data) > MAX_LIST_BYTES:
                    raise OSError(f"larger than {MAX_LIST_BYTES} bytes")
            except (OSError, ValueError, LinkscreenError) as exc:
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

    def _with_review(
        self, specs: list[ListSpec], digest: str
    ) -> tuple[list[ListSpec], str, set[str], PublishSettings, Any]:
        """Add the review service's lists (``[review] db``): the specs, a digest that covers
        them, the allowlist, settings that let the provisional list expire, and the inputs
        (to mark what the version listed). Unchanged without ``[review]``."""
        if self.config.review_db is None:
            return specs, digest, set(), self.config.settings, None
        from .compiler import load_allowlist
        from .review.lists import PROVISIONAL_LIST, write_review_lists
        from .review.storage import Database
        from .review.workflow import Review

        if self._review is None:
            self._review = Review(Database(self.config.review_db))
        inputs = write_review_lists(self._review, self.repo.state_dir / "review")
        allowed, _ = load_allowlist(inputs.allowlist)
        combined = hashlib.sha256(digest.encode())
        for path in [*(spec.path for spec in inputs.specs), inputs.allowlist]:
            combined.update(hashlib.sha256(path.read_bytes()).digest())
        settings = dataclasses.replace(
            self.config.settings,
            list_max_shrink={**self.config.settings.list_max_shrink, PROVISIONAL_LIST: 1.0},
        )
        return [*specs, *inputs.specs], combined.hexdigest(), allowed, settings, inputs

    def _mark_listed(self, inputs: Any, result: PublishResult) -> None:
        if inputs is None:
            return
        from .review.lists import listed_urls

        count = self._review.mark_listed(listed_urls(inputs, result.report), result.version)
        if count:
            log.info("review: %d confirmed URL(s) listed in version %d", count, result.version)

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
                specs, digest, allowed, settings, review = self._with_review(specs, digest)
                if not force and digest == self._published_digest:
                    return None
                if not specs:
                    log.warning("no list has a usable copy yet; nothing published")
                    return None
                try:
                    result = self.repo.publish(
                        specs,
                        self.key,
                        settings=settings,
                        accept_shrink=accept_shrink,
                        allowlist=allowed,
                        **self._bundle_options(),
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
            self._mark_listed(review, result)
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

    def _bundle_options(self) -> dict[str, Any]:
        """What server.toml adds to every bundle: texts, the PSL, redirect-wrapper rules."""
        config = self.config
        return {"meta": config.meta, "psl": config.psl, "redirect_rules": config.redirect_rules}

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
            specs, digest, allowed, settings, review = self._with_review(specs, digest)
            try:
                result = self.repo.publish(
                    specs,
                    self.key,
                    settings=settings,
                    accept_shrink={source.name} if accept_shrink else False,
                    allowlist=allowed,
                    **self._bundle_options(),
                )
            except BaseException:
                pending.unlink(missing_ok=True)
                raise
            for used in used_pending:
                os.replace(self._copy(used, pending=True), self._copy(used))
            self._mark_listed(review, result)
            self._published_digest = digest
            self.last_publish = time.time()
        if not source.is_url:  # the operator's file is the source of truth: update it too
            write_atomically(Path(source.source), data)
        return result


class ServeError(LinkscreenError):
    """The HTTP server could not start (the address is in use, or not this host's)."""


# ---- the worker process ---------------------------------------------------------------

_WORKER_PUBLISHER: Publisher | None = None
_LOG_FORMAT = "%(asctime)s %(levelname)s %(message)s"


def _worker_start(config: Config, level: int) -> None:
    global _WORKER_PUBLISHER
    logging.basicConfig(level=level, format=_LOG_FORMAT)
    parent = multiprocessing.parent_process()
    if parent is not None:  # never outlive the server (killed with -9, or crashed)

        def exit_with_parent() -> None:
            parent.join()
            os._exit(0)

        threading.Thread(target=exit_with_parent, daemon=True, name="parent-watch").start()
    _WORKER_PUBLISHER = Publisher(config)


def _worker() -> Publisher:
    assert _WORKER_PUBLISHER is not None, "not in a publisher worker"
    return _WORKER_PUBLISHER


def _job_ready() -> bool:
    return _WORKER_PUBLISHER is not None


def _job_poll(reason: str, force: bool, accept_shrink: bool) -> int | None:
    """Pull every source and publish if anything changed (or ``force``); the new version."""
    publisher = _worker()
    for problem in publisher.pull_sources():
        log.warning("%s", problem)
    if not force and reason == "poll":
        # Republish before the current version's metadata expires, even with nothing new.
        settings, poll = publisher.config.settings, publisher.config.poll_s
        due = min(settings.pointer_lifetime_s, settings.bundle_lifetime_s) - 2 * poll
        force = time.time() - publisher.last_publish > due
    result = publisher.publish(reason=reason, force=force, accept_shrink=accept_shrink)
    if result is None and reason == "poll":
        log.info("sources unchanged; nothing to publish")
    return None if result is None else result.version


def _job_review() -> int | None:
    """Publish if the review service's lists changed (sources are not pulled); the version."""
    result = _worker().publish(reason="review")
    return None if result is None else result.version


def _job_upload(name: str, data: bytes, force: bool) -> tuple[int, dict[str, Any]]:
    """Check an admin upload with the real compiler and publish it: (HTTP status, body)."""
    publisher = _worker()
    source = publisher.source_named(name)
    if source is None:
        return 404, {"error": f"no list named {name!r}"}
    rejected = publisher.check_upload(source, data)
    if rejected:
        return 422, {
            "error": f"{len(rejected)} line(s) rejected; nothing changed",
            "rejected": [f"line {r.line}: {r.reason}" for r in rejected],
        }
    try:
        result = publisher.accept_upload(source, data, accept_shrink=force)
    except SourceShrinkError as exc:
        return 409, {"error": f"refused: {exc}", "shrunk": [str(item) for item in exc.shrunk]}
    except LinkscreenError as exc:
        return 409, {"error": f"refused: {exc}"}
    return 200, {"published": True, "version": result.version}


class PublisherWorker:
    """One child process that owns the :class:`Publisher`: compiles never touch the event loop.

    Jobs run one at a time, in order. A worker that dies (killed, out of memory) is replaced on
    the next job; the job that was running reports the failure.
    """

    def __init__(self, config: Config) -> None:
        Publisher(config)  # check the key and the state here, where the error is readable
        self.config = config
        self._pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        pool = self._new_pool()
        pool.submit(_job_ready)  # start the process now, not on the first upload
        return pool

    def _new_pool(self) -> ProcessPoolExecutor:
        level = logging.getLogger("linkscreen_server").getEffectiveLevel()
        return ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_worker_start,
            initargs=(self.config, level),
        )

    def call(self, job: Any, *args: Any) -> Any:
        """Run ``job(*args)`` in the worker and wait (from a thread that may block)."""
        try:
            return self._pool.submit(job, *args).result()
        except BrokenProcessPool:
            self._pool = self._start()
            raise

    async def call_async(self, job: Any, *args: Any) -> Any:
        """Run ``job(*args)`` in the worker without blocking the event loop."""
        try:
            return await asyncio.wrap_future(self._pool.submit(job, *args))
        except BrokenProcessPool:
            self._pool = self._start()
            raise

    async def upload(self, name: str, data: bytes, force: bool) -> tuple[int, dict[str, Any]]:
        try:
            result: tuple[int, dict[str, Any]] = await self.call_async(
                _job_upload, name, data, force
            )
        except BrokenProcessPool:
            return 503, {"error": "the publisher worker stopped; try again"}
        return result

    def app(self) -> Starlette:
        return create_app(
            self.config.repo_dir,
            upload=self.upload if self.config.admin_token else None,
            token=self.config.admin_token,
            list_names=[source.name for source in self.config.lists],
        )

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def serve(
    app: Any,
    *,
    host: str,
    port: int,
    header_timeout_s: float,
    max_connections: int,
    log_level: str = "warning",
) -> None:
    """Serve ``app`` with uvicorn behind the connection guard (:mod:`linkscreen_server.guard`)."""
    import uvicorn

    from .guard import guarded_protocol, raise_open_file_limit

    protocol = guarded_protocol(
        header_timeout=header_timeout_s,
        max_connections=raise_open_file_limit(max_connections),
    )
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        http=protocol,
        log_level=log_level,
        access_log=False,
        lifespan="off",
    )
    if threading.current_thread() is threading.main_thread():
        # uvicorn shuts down gracefully, then re-raises SIGTERM: make that a normal exit, so
        # the caller's cleanup (stopping the worker) runs.
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        uvicorn.Server(config).run()
    except SystemExit as exc:  # uvicorn exits 1 or 3 when it cannot start (port in use, ...)
        if exc.code:
            raise ServeError(
                f"cannot serve on {host}:{port} (the reason is logged above)"
            ) from None
        raise


def _exit_on_sigterm(signum: int, frame: object) -> None:
    del signum, frame
    raise SystemExit(0)


def run_forever(
    config: Config, *, stop: threading.Event | None = None, accept_shrink: bool = False
) -> None:
    """Poll, publish and serve until ``stop`` is set (or the process is stopped).

    ``accept_shrink`` lets the first publish through the shrink guard (``run --force``).
    """
    worker = PublisherWorker(config)
    stop = stop or threading.Event()
    try:
        worker.call(_job_poll, "start", True, accept_shrink)

        def poll() -> None:
            while not stop.wait(config.poll_s):
                try:
                    worker.call(_job_poll, "poll", False, False)
                except LinkscreenError as exc:
                    log.error("poll failed: %s", exc)
                except BrokenProcessPool:
                    log.error("the publisher worker stopped; a new one takes the next poll")

        threading.Thread(target=poll, daemon=True, name="linkscreen-poll").start()
        if config.review_db is not None:

            def review_poll() -> None:
                while not stop.wait(config.review_interval_s):
                    try:
                        worker.call(_job_review)
                    except LinkscreenError as exc:
                        log.error("publishing the review lists failed: %s", exc)
                    except BrokenProcessPool:
                        log.error("the publisher worker stopped; a new one takes the next check")

            threading.Thread(target=review_poll, daemon=True, name="linkscreen-review").start()
        serve(
            worker.app(),
            host=config.host,
            port=config.port,
            header_timeout_s=config.header_timeout_s,
            max_connections=config.max_connections,
            log_level="info",
        )
    finally:
        stop.set()
        worker.close()
