"""Keep the newest verified bundle on the device, like a TUF client (docs/protocol.md).

``Updater.refresh()`` fetches the short-lived pointer (conditionally: nothing new costs one
small request answered 304), walks the root chain from the shipped root keys, checks versions
never go back, fetches the manifest, then a delta from the current state when there is one and
a full bundle otherwise (or when the delta does not produce the signed state). Every download is
size-capped and hash-checked before use.

State lives in ``state_dir``: content-addressed payload files, the manifest and roots, and
``current.json``, which is replaced with ``os.replace`` as the single commit point. A process
killed at any moment leaves either the old or the new state, never a mix. A file lock lets
several processes share one directory. Requests carry no client identifier: every client at
one version sends the same bytes.
"""

from __future__ import annotations

import enum
import hashlib
import json
import mmap
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ._filelock import FileLock
from ._files import write_atomically
from .bundle import Bundle, _parse, verify
from .delta import apply_delta
from .errors import (
    BundleError,
    DownloadError,
    DownloadHTTPError,
    DownloadTimeoutError,
    DownloadTooLargeError,
    HashMismatchError,
    MetadataError,
    RepositoryError,
    RollbackError,
)
from .fetch import Fetcher, Request, Response, StdlibFetcher, guarded_fetch
from .keys import PublicKeyLike, key_id_of, trusted_keys
from .matcher import Matcher
from .metadata import (
    MAX_MANIFEST_BYTES,
    MAX_POINTER_BYTES,
    MAX_ROOT_BYTES,
    MAX_ROOT_STEPS,
    FileInfo,
    Manifest,
    Root,
    peek_root_version,
    verify_manifest,
    verify_pointer,
    verify_root,
)

__all__ = ["FetchResponse", "LegacyFetcher", "UpdateResult", "UpdateStatus", "Updater"]

#: Largest bundle or delta accepted, whatever a manifest says.
MAX_DOWNLOAD_BYTES = 512 * 1024 * 1024
#: Longest a refresh may take, waiting for the state lock included (a slow or hostile server
#: cannot keep it, or the lock, longer).
DEFAULT_REFRESH_DEADLINE_S = 120.0
#: The same for every client: nothing here identifies the device, app or person.
REQUEST_HEADERS = {"User-Agent": "linkscreen-updater", "Accept": "*/*"}


@dataclass(frozen=True)
class FetchResponse:
    """What a legacy fetcher callable returns (before :mod:`linkscreen.fetch`)."""

    status: int
    """200, or 304 when ``etag`` still matches."""
    body: bytes = b""
    etag: str | None = None


class LegacyFetcher(Protocol):
    """The callable the Updater took before :class:`linkscreen.fetch.Fetcher`; still accepted."""

    def __call__(self, url: str, *, max_bytes: int, etag: str | None = None) -> FetchResponse: ...


class _LegacyAdapter:
    """A legacy callable seen through the Fetcher interface."""

    def __init__(self, call: LegacyFetcher) -> None:
        self._call = call

    def fetch(self, request: Request) -> Response:
        answer = self._call(request.url, max_bytes=request.max_bytes, etag=request.etag)
        headers = {"etag": answer.etag} if answer.etag else {}
        return Response(answer.status, headers, answer.body)


class UpdateStatus(enum.StrEnum):
    UP_TO_DATE = "up-to-date"
    UPDATED_DELTA = "updated-delta"
    UPDATED_FULL = "updated-full"
    FAILED = "failed"


@dataclass(frozen=True)
class UpdateResult:
    status: UpdateStatus
    version: int
    """The version in use after the refresh."""
    requests: int
    bytes_downloaded: int
    error: RepositoryError | None = None
    delta_error: RepositoryError | None = None
    """Why a delta was not used, when a full download replaced it."""


@dataclass
class _State:
    version: int = 0
    state_sha256: str = ""
    payload: str = ""
    manifest: str = ""
    pointer_etag: str | None = None
    last_success: float = 0.0
    expires: int = 0

    @classmethod
    def load(cls, path: Path) -> _State:
        if not path.exists():
            return cls()
        data = json.loads(path.read_text("utf-8"))
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


class Updater:
    """Fetches and verifies bundles into ``state_dir``; hands out a Matcher on the newest one."""

    def __init__(
        self,
        state_dir: str | os.PathLike[str],
        base_url: str,
        public_keys: Iterable[PublicKeyLike],
        fetcher: Fetcher | LegacyFetcher | None = None,
        *,
        leeway_s: float = 300.0,
        update_period_s: float = 12 * 3600,
        clock: Any = time.time,
        deadline_s: float = DEFAULT_REFRESH_DEADLINE_S,
    ) -> None:
        self.dir = Path(state_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.base_url = base_url.rstrip("/") + "/"
        self._anchors = {key_id_of(k).hex(): k for k in trusted_keys(public_keys).values()}
        if fetcher is None:
            fetcher = StdlibFetcher()
        self._fetch: Fetcher = fetcher if isinstance(fetcher, Fetcher) else _LegacyAdapter(fetcher)
        self.leeway_s = leeway_s
        self.update_period_s = update_period_s
        self._clock = clock
        self.deadline_s = deadline_s
        self._matcher: tuple[str, Matcher] | None = None

    # ---- public ----------------------------------------------------------------------------
    def refresh(self) -> UpdateResult:
        """Bring the state up to date. Never raises for repository or network trouble: the
        result says what failed, and the last good state stays in use."""
        counter = _Counter(self._fetch, self.deadline_s)
        lock = FileLock(self.dir / ".lock")
        if not lock.acquire(self.deadline_s):
            busy = DownloadTimeoutError(f"{self.dir}: another refresh held the state lock")
            return UpdateResult(UpdateStatus.FAILED, self.version, 0, 0, busy)
        try:
            state = _State.load(self.dir / "current.json")
            try:
                return self._refresh(state, counter)
            except RepositoryError as exc:
                return UpdateResult(
                    UpdateStatus.FAILED, state.version, counter.requests, counter.bytes, exc
                )
        finally:
            lock.release()

    def matcher(self) -> Matcher | None:
        """A Matcher on the current verified state, or None before the first good refresh."""
        state = _State.load(self.dir / "current.json")
        if not state.payload:
            return None
        if self._matcher is None or self._matcher[0] != state.state_sha256:
            bundle = _open_payload(self.dir / state.payload, state.state_sha256)
            self._matcher = (state.state_sha256, Matcher(bundle))
        return self._matcher[1]

    @property
    def version(self) -> int:
        return _State.load(self.dir / "current.json").version

    def is_stale(self, now: float | None = None) -> bool:
        """Past the bundle's expiry, or two update periods without a successful check."""
        state = _State.load(self.dir / "current.json")
        now = self._clock() if now is None else now
        if not state.payload:
            return True
        return now > state.expires or now - state.last_success > 2 * self.update_period_s

    # ---- the protocol ----------------------------------------------------------------------
    def _refresh(self, state: _State, fetch: _Counter) -> UpdateResult:
        now = self._clock()
        root = self._trusted_root(now, fetch)
        response = fetch(self.base_url + "pointer.json", MAX_POINTER_BYTES, state.pointer_etag)
        if response.status == 304 and state.payload:
            state.last_success = now
            self._commit(state)
            return UpdateResult(UpdateStatus.UP_TO_DATE, state.version, fetch.requests, fetch.bytes)
        target_root = peek_root_version(response.body)
        if target_root - root.version > MAX_ROOT_STEPS:
            raise MetadataError(f"pointer names root {target_root}, too far past {root.version}")
        while root.version < target_root:  # key rotation: walk the new roots first
            root = self._fetch_root(root, fetch, now)
        pointer = verify_pointer(response.body, root, now=now, leeway=self.leeway_s)
        if pointer.version < state.version:
            raise RollbackError(
                f"repository offers version {pointer.version}, {state.version} is trusted"
            )
        if pointer.version == state.version and state.payload:
            state.pointer_etag, state.last_success = response.etag, now
            self._commit(state)
            return UpdateResult(UpdateStatus.UP_TO_DATE, state.version, fetch.requests, fetch.bytes)
        manifest_raw = self._download(fetch, pointer.manifest, MAX_MANIFEST_BYTES)
        manifest = verify_manifest(manifest_raw, root, pointer, now=now, leeway=self.leeway_s)
        payload, status, delta_error = self._new_payload(state, manifest, root, fetch)
        payload_name = f"payload-{manifest.state_sha256}.bin"
        write_atomically(self.dir / payload_name, payload)
        manifest_name = f"manifest-{manifest.version}.json"
        write_atomically(self.dir / manifest_name, manifest.raw)
        old = state.payload
        new_state = _State(
            manifest.version,
            manifest.state_sha256,
            payload_name,
            manifest_name,
            response.etag,
            now,
            manifest.expires,
        )
        self._commit(new_state)
        self._clean(keep={payload_name, manifest_name, old})
        return UpdateResult(
            status, manifest.version, fetch.requests, fetch.bytes, None, delta_error
        )

    def _new_payload(
        self, state: _State, manifest: Manifest, root: Root, fetch: _Counter
    ) -> tuple[bytes, UpdateStatus, RepositoryError | None]:
        delta = manifest.delta_from(state.state_sha256) if state.payload else None
        delta_error = None
        if delta is not None:
            try:
                data = self._download(fetch, delta.file, MAX_DOWNLOAD_BYTES)
                old = (self.dir / state.payload).read_bytes()
                payload = apply_delta(old, data)
                if hashlib.sha256(payload).hexdigest() != manifest.state_sha256:
                    raise HashMismatchError("the delta did not produce the signed state")
                return payload, UpdateStatus.UPDATED_DELTA, None
            except (RepositoryError, OSError) as exc:  # fall back to the full bundle
                delta_error = exc if isinstance(exc, RepositoryError) else DownloadError(str(exc))
        data = self._download(fetch, manifest.full, MAX_DOWNLOAD_BYTES)
        signers = {bytes.fromhex(keyid): key for keyid, key in root.signing_keys.items()}
        try:
            _key_id, payload_view = verify(data, signers)
        except BundleError as exc:
            raise HashMismatchError(f"full bundle refused: {exc}") from None
        payload = bytes(payload_view)
        if hashlib.sha256(payload).hexdigest() != manifest.state_sha256:
            raise HashMismatchError("full bundle does not hold the signed state")
        return payload, UpdateStatus.UPDATED_FULL, delta_error

    def _download(self, fetch: _Counter, info: FileInfo, cap: int) -> bytes:
        if info.size > cap:
            raise DownloadTooLargeError(f"{info.path}: {info.size} bytes exceeds {cap}")
        response = fetch(self.base_url + info.path, info.size, None)
        if len(response.body) != info.size:
            raise HashMismatchError(
                f"{info.path}: {len(response.body)} bytes, expected {info.size}"
            )
        if hashlib.sha256(response.body).hexdigest() != info.sha256:
            raise HashMismatchError(f"{info.path}: SHA-256 does not match the signed metadata")
        return response.body

    # ---- roots -----------------------------------------------------------------------------
    def _trusted_root(self, now: float, fetch: _Counter) -> Root:
        """Walk the stored roots from the shipped keys (each signed by the one before it);
        on first use, fetch root 1, which the shipped keys must have signed."""
        root: Root | None = None
        version = 1
        while (self.dir / "roots" / f"{version}.json").exists():
            raw = (self.dir / "roots" / f"{version}.json").read_bytes()
            root = self._verify_root(raw, root, version, now)
            version += 1
        return root if root is not None else self._fetch_root(None, fetch, now)

    def _fetch_root(self, previous: Root | None, fetch: _Counter, now: float) -> Root:
        version = 1 if previous is None else previous.version + 1
        response = fetch(self.base_url + f"roots/{version}.json", MAX_ROOT_BYTES, None)
        root = self._verify_root(response.body, previous, version, now)
        write_atomically(self.dir / "roots" / f"{version}.json", response.body)
        return root

    def _verify_root(self, raw: bytes, previous: Root | None, version: int, now: float) -> Root:
        keys = previous.root_keys if previous is not None else self._anchors
        threshold = previous.threshold if previous is not None else 1
        return verify_root(
            raw,
            keys,
            threshold,
            expected_version=version,
            now=now,
            leeway=self.leeway_s,
            check_expiry=False,
        )

    # ---- storage ---------------------------------------------------------------------------
    def _commit(self, state: _State) -> None:
        write_atomically(self.dir / "current.json", json.dumps(state.__dict__, indent=1).encode())

    def _clean(self, keep: set[str]) -> None:
        for path in self.dir.iterdir():
            if path.name.startswith(("payload-", "manifest-")) and path.name not in keep:
                path.unlink(missing_ok=True)


class _Counter:
    """Makes the Updater's requests (fixed headers, capped, one deadline) and counts them."""

    def __init__(self, fetcher: Fetcher, deadline_s: float) -> None:
        self._fetcher = fetcher
        self._deadline = time.monotonic() + deadline_s
        self.requests = 0
        self.bytes = 0

    def __call__(self, url: str, max_bytes: int, etag: str | None) -> Response:
        self.requests += 1
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise DownloadTimeoutError(f"{url}: the refresh deadline passed")
        request = Request(
            url, headers=REQUEST_HEADERS, max_bytes=max_bytes, deadline_s=remaining, etag=etag
        )
        response = guarded_fetch(self._fetcher, request)
        self.bytes += len(response.body)
        if response.status == 304 and etag is not None:
            return response
        if response.status != 200:
            raise DownloadHTTPError(f"{url}: HTTP {response.status}", response.status)
        return response


def _open_payload(path: Path, sha256: str) -> Bundle:
    """Map a stored payload, check it is the state the signed manifest named, and parse it."""
    with open(path, "rb") as handle:
        mapping = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    if hashlib.sha256(mapping).hexdigest() != sha256:
        raise HashMismatchError(f"{path}: stored state does not match its manifest")
    return Bundle(_parse(memoryview(mapping), mapping, 0), b"", len(mapping), str(path))
