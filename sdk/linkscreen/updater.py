"""Keep the newest verified bundle on the device, like a TUF client (docs/protocol.md).

The Updater only fetches, persists and orchestrates; every trust decision is the pure
:class:`linkscreen.trust.TrustedSet`'s. ``refresh()`` fetches the short-lived pointer
(conditionally: nothing new costs one small request answered 304, still checked against the
trusted pointer's expiry), walks the root chain from the shipped root keys, fetches the
manifest, then a delta from the current state when there is one and a full bundle otherwise.

State lives in ``state_dir``: content-addressed payload files, the manifest and roots, and
``current.json``, which is replaced with ``os.replace`` as the single commit point. A process
killed at any moment leaves either the old or the new state, never a mix; a torn or missing
``current.json`` or a lost or damaged payload heals from what verifies on disk, or is refetched.
The rollback floor is never lowered by a lost or damaged payload: an older stored one only
matches meanwhile, and the state says it is stale (the rule is :func:`linkscreen.trust.recover`).
``refresh()`` never raises for network, repository or disk trouble and keeps within its
deadline, waiting for the state lock included. Requests carry no client identifier: every
client at one version sends the same bytes.
"""

from __future__ import annotations

import enum
import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .errors import (
    DeltaError,
    DownloadHTTPError,
    DownloadTimeoutError,
    LinkscreenError,
    MetadataError,
    RepositoryError,
    StorageError,
    UpgradeRequiredError,
)
from .fetch import Fetcher, Request, Response, StdlibFetcher, guarded_fetch
from .filelock import FileLock
from .files import remove_temporaries, write_atomically
from .keys import PublicKeyLike, key_id_of, trusted_keys
from .matcher import Matcher
from .metadata import MAX_MANIFEST_BYTES, MAX_POINTER_BYTES, MAX_ROOT_BYTES, FileInfo, Root
from .trust import (
    Staleness,
    StoredVersion,
    TrustedSet,
    TrustedVersion,
    payload_bundle,
    recover,
    staleness,
)

__all__ = [
    "DEFAULT_REFRESH_DEADLINE_S",
    "FetchResponse",
    "LegacyFetcher",
    "UpdateResult",
    "UpdateStatus",
    "Updater",
]

#: Longest a refresh may take, waiting for the state lock included (a slow or hostile server
#: cannot keep it, or the lock, longer).
DEFAULT_REFRESH_DEADLINE_S = 120.0
#: The same for every client: nothing here identifies the device, app or person.
REQUEST_HEADERS = {"User-Agent": "linkscreen-updater", "Accept": "*/*"}
#: The layout version of ``current.json`` written by this SDK.
STATE_FORMAT = 2
_PAYLOAD_NAME = re.compile(r"payload-([0-9a-f]{64})\.bin")
_MANIFEST_NAME = re.compile(r"manifest-([0-9]{1,12})\.json")
#: What a loaded state knows beyond ``current.json`` (never written to it).
_TRANSIENT = ("recovered", "match_payload", "match_sha256", "match_version", "payload_problem")
#: A file's identity for the verification caches: a replaced or rewritten file gets another.
_Identity = tuple[int, int, int]


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
    """What a refresh did (``UpdateResult.status``).

    Enum members are immutable; safe to share between threads.
    """

    UP_TO_DATE = "up-to-date"
    UPDATED_DELTA = "updated-delta"
    UPDATED_FULL = "updated-full"
    FAILED = "failed"


@dataclass(frozen=True)
class UpdateResult:
    """What one refresh did. The last good state stays in use whatever ``status`` says.

    Immutable; safe to share between threads.
    """

    status: UpdateStatus
    version: int
    """The version in use after the refresh."""
    requests: int
    bytes_downloaded: int
    error: LinkscreenError | None = None
    """Why the refresh failed: a RepositoryError (network, repository) or a StorageError."""
    delta_error: RepositoryError | None = None
    """Why a delta was not used, when a full download replaced it."""
    stale: bool = False
    """The state in use may be out of date (see ``stale_reason``); it still matches."""
    stale_reason: str | None = None

    @property
    def upgrade_required(self) -> bool:
        """The repository serves a validly signed version this SDK cannot use: the app must
        ship a newer SDK to get it (it was not committed; the last good state stays)."""
        return isinstance(self.error, UpgradeRequiredError)

    @property
    def ok(self) -> bool:
        return self.status is not UpdateStatus.FAILED


@dataclass
class _State:
    """``current.json``: the commit record (what is trusted) and bookkeeping."""

    format: int = STATE_FORMAT
    version: int = 0
    state_sha256: str = ""
    payload: str = ""
    manifest: str = ""
    manifest_sha256: str = ""
    pointer_etag: str | None = None
    pointer_expires: int = 0
    manifest_expires: int = 0
    last_success: float = 0.0
    unusable_manifest_sha256: str = ""
    """A signed version this SDK cannot use: not downloaded again until the repository moves on."""
    recovered: bool = field(default=False, compare=False)
    match_payload: str = field(default="", compare=False)
    """The payload file that matches: ``payload`` when it verifies, else an older stored one
    that does (the version above stays the rollback floor), else ""."""
    match_sha256: str = field(default="", compare=False)
    match_version: int = field(default=0, compare=False)
    payload_problem: str = field(default="", compare=False)
    """Why ``payload`` cannot be matched with ("" when it verifies)."""

    @property
    def has_payload(self) -> bool:
        """The trusted version's own payload is on disk and hashes to its signed state."""
        return bool(self.match_payload) and self.match_sha256 == self.state_sha256

    @property
    def match_manifest(self) -> str:
        return f"manifest-{self.match_version}.json" if self.match_payload else ""

    @property
    def trusted(self) -> TrustedVersion:
        return TrustedVersion(
            self.version,
            self.manifest_sha256,
            self.state_sha256,
            self.pointer_expires,
            self.manifest_expires,
        )

    def to_json(self) -> bytes:
        record = asdict(self)
        for name in _TRANSIENT:
            record.pop(name)
        return json.dumps(record, indent=1).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> _State:
        """Parse ``current.json``; raises ValueError for anything torn or malformed."""
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError("current.json is not an object")
        if "expires" in data and "manifest_expires" not in data:  # the layout before format 2
            data["manifest_expires"] = data["expires"]
            data.setdefault("pointer_expires", data["expires"])
        state = cls()
        for spec in fields(cls):
            if spec.name in data and spec.name not in _TRANSIENT:
                setattr(state, spec.name, data[spec.name])
        if not (
            isinstance(state.version, int)
            and isinstance(state.payload, str)
            and isinstance(state.state_sha256, str)
            and isinstance(state.manifest, str)
            and isinstance(state.manifest_sha256, str)
            and isinstance(state.pointer_expires, int)
            and isinstance(state.manifest_expires, int)
            and isinstance(state.last_success, int | float)
            and isinstance(state.unusable_manifest_sha256, str)
            and (state.pointer_etag is None or isinstance(state.pointer_etag, str))
        ):
            raise ValueError("current.json has a field of the wrong type")
        if state.payload and _PAYLOAD_NAME.fullmatch(state.payload) is None:
            raise ValueError("current.json names an unexpected payload file")
        if state.manifest and _MANIFEST_NAME.fullmatch(state.manifest) is None:
            raise ValueError("current.json names an unexpected manifest file")
        return state


class Updater:
    """Fetches and verifies bundles into ``state_dir``; hands out a Matcher on the newest one.

    Several Updaters (threads or processes) may share one ``state_dir``: refreshes are
    serialised by a file lock; ``matcher()`` reads the committed state without the lock.
    """

    def __init__(
        self,
        state_dir: str | os.PathLike[str],
        base_url: str,
        public_keys: Iterable[PublicKeyLike],
        fetcher: Fetcher | LegacyFetcher | None = None,
        *,
        leeway_s: float = 300.0,
        update_period_s: float = 12 * 3600,
        clock: Callable[[], float] = time.time,
        deadline_s: float = DEFAULT_REFRESH_DEADLINE_S,
    ) -> None:
        self.dir = Path(state_dir)
        self.base_url = base_url.rstrip("/") + "/"
        self._anchors: dict[str, Ed25519PublicKey] = {
            key_id_of(k).hex(): k for k in trusted_keys(public_keys).values()
        }
        if fetcher is None:
            fetcher = StdlibFetcher()
        self._fetch: Fetcher = fetcher if isinstance(fetcher, Fetcher) else _LegacyAdapter(fetcher)
        self.leeway_s = leeway_s
        self.update_period_s = update_period_s
        self._clock = clock
        self.deadline_s = deadline_s
        self._matcher: tuple[str, Matcher] | None = None
        self._hashes: dict[str, tuple[_Identity, str, str]] = {}
        """payload file name -> (identity, expected SHA-256, problem or ""): each file is
        hashed once per identity, good or bad, not at every matcher() call."""
        self._loaded: tuple[object, _State] | None = None
        """The last loaded state and the disk listing it was loaded from."""

    # ---- public ----------------------------------------------------------------------------
    def refresh(self) -> UpdateResult:
        """Bring the state up to date within ``deadline_s``.

        Never raises for network, repository or disk trouble: the result says what failed,
        and the last good state stays in use.
        """
        counter = _Counter(self._fetch, self.deadline_s)
        state = _State()
        lock = FileLock(self.dir / ".lock")
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            acquired = lock.acquire(self.deadline_s)
        except OSError as exc:
            return self._result(UpdateStatus.FAILED, self._load(), counter, _storage_error(exc))
        if not acquired:
            busy = DownloadTimeoutError(f"{self.dir}: another refresh held the state lock")
            return self._result(UpdateStatus.FAILED, self._load(), counter, busy)
        try:
            remove_temporaries([self.dir, self.dir / "roots"])
            state = self._load()
            return self._refresh(state, counter)
        except LinkscreenError as exc:
            return self._result(UpdateStatus.FAILED, state, counter, exc)
        except OSError as exc:
            return self._result(UpdateStatus.FAILED, state, counter, _storage_error(exc))
        except Exception as exc:  # the promise: a result, never an exception
            failure = RepositoryError(f"refresh failed unexpectedly: {type(exc).__name__}: {exc}")
            failure.__cause__ = exc
            return self._result(UpdateStatus.FAILED, state, counter, failure)
        finally:
            lock.release()

    def matcher(self) -> Matcher | None:
        """A Matcher on the newest verified payload on disk; None before the first good refresh
        or when nothing verified is left (the next refresh refetches). Never raises for a torn
        or missing state file or a lost or damaged payload: it falls back to the last good one
        (the state is then stale, see ``stale_reason``). A payload is hashed once, not per call."""
        try:
            return self._build_matcher()
        except (OSError, LinkscreenError):
            return None

    def _build_matcher(self) -> Matcher | None:
        for _attempt in range(3):  # a payload found damaged while reading: the next good one
            state = self._load()
            if not state.match_payload:
                return None
            if self._matcher is not None and self._matcher[0] == state.match_sha256:
                return self._matcher[1]
            path = self.dir / state.match_payload
            try:
                identity = _identity(path)
                data = path.read_bytes()  # read, never mapped
            except OSError:
                self._loaded = None
                continue
            if hashlib.sha256(data).hexdigest() != state.match_sha256:  # the bytes used
                self._hashes[state.match_payload] = (identity, state.match_sha256, _DAMAGED)
                self._loaded = None
                continue
            try:
                bundle = payload_bundle(data, str(path))
                self._matcher = (state.match_sha256, Matcher(bundle))
            except Exception as exc:  # verified, yet this SDK cannot read it: never retried
                problem = f"cannot be read by this SDK ({type(exc).__name__}: {exc})"
                self._hashes[state.match_payload] = (identity, state.match_sha256, problem)
                self._loaded = None
                continue
            return self._matcher[1]
        return None

    @property
    def version(self) -> int:
        """The version in use: the one whose bundle matches (an older one while a lost or
        damaged newest one is refetched; see ``stale_reason``), else the trusted one (0 before
        the first good refresh)."""
        state = self._load()
        return state.match_version if state.match_payload else state.version

    def is_stale(self, now: float | None = None) -> bool:
        """No verified bundle, past the trusted pointer's or the version's expiry (a frozen or
        unreachable repository), or two update periods without a successful check."""
        return self.stale_reason(now) is not None

    def stale_reason(self, now: float | None = None) -> str | None:
        """Why the state is stale, or None when it is fresh."""
        return self._staleness(self._load(), now).reason

    # ---- the protocol ----------------------------------------------------------------------
    def _refresh(self, state: _State, fetch: _Counter) -> UpdateResult:
        now = self._clock()
        core = TrustedSet(self._anchors, now=now, leeway_s=self.leeway_s, trusted=state.trusted)
        self._load_roots(core, fetch)
        has_payload = state.has_payload  # on disk and hashing to the signed state
        response = fetch(
            self.base_url + "pointer.json",
            MAX_POINTER_BYTES,
            state.pointer_etag if has_payload else None,
        )
        if response.status == 304:
            core.confirm_unchanged()  # past the pointer's expiry: frozen, not up to date
            state.last_success = now
            self._commit(state)
            return self._result(UpdateStatus.UP_TO_DATE, state, fetch)
        for _version in core.roots_to_fetch(response.body):  # key rotation: new roots first
            self._fetch_root(core, fetch)
        pointer = core.update_pointer(response.body)
        if core.up_to_date and has_payload:
            confirmed = core.confirmed()
            state.pointer_etag, state.last_success = response.etag, now
            state.pointer_expires, state.manifest_sha256 = (
                confirmed.pointer_expires,
                confirmed.manifest_sha256,
            )
            self._commit(state)
            return self._result(UpdateStatus.UP_TO_DATE, state, fetch)
        if pointer.manifest.sha256 == state.unusable_manifest_sha256:
            raise UpgradeRequiredError(
                f"version {pointer.version} needs a newer SDK (already downloaded and refused)"
            )
        manifest_raw = self._download(core, fetch, pointer.manifest, MAX_MANIFEST_BYTES)
        manifest = core.update_manifest(manifest_raw)
        try:
            payload, status, delta_error = self._new_payload(state, core, fetch, has_payload)
        except UpgradeRequiredError:
            state.unusable_manifest_sha256 = pointer.manifest.sha256
            self._commit(state)
            raise
        payload_name = f"payload-{manifest.state_sha256}.bin"
        manifest_name = f"manifest-{manifest.version}.json"
        trusted = core.committed()
        new_state = _State(
            version=trusted.version,
            state_sha256=trusted.state_sha256,
            payload=payload_name,
            manifest=manifest_name,
            manifest_sha256=trusted.manifest_sha256,
            pointer_etag=response.etag,
            pointer_expires=trusted.pointer_expires,
            manifest_expires=trusted.manifest_expires,
            last_success=now,
        )
        written: list[Path] = []
        try:
            for name, data in ((payload_name, payload), (manifest_name, manifest_raw)):
                write_atomically(self.dir / name, data)
                written.append(self.dir / name)
            self._commit(new_state)
        except BaseException:
            for path in written:  # not committed: do not keep a full disk full
                if path.name not in (state.payload, state.manifest):
                    path.unlink(missing_ok=True)
            raise
        self._loaded = None
        new_state.match_payload, new_state.match_sha256 = payload_name, trusted.state_sha256
        new_state.match_version = trusted.version
        # The new state and the last good one before it stay (the fallback).
        self._clean(keep={payload_name, manifest_name, state.match_payload, state.match_manifest})
        return self._result(status, new_state, fetch, None, delta_error)

    def _new_payload(
        self, state: _State, core: TrustedSet, fetch: _Counter, has_payload: bool
    ) -> tuple[bytes, UpdateStatus, RepositoryError | None]:
        # From the payload that matches: the trusted one, or the fallback while it is refetched.
        delta = core.delta_from(state.match_sha256) if state.match_payload else None
        delta_error: RepositoryError | None = None
        if delta is not None:
            try:
                data = self._download(core, fetch, delta.file)
                old = (self.dir / state.match_payload).read_bytes()
                return core.accept_delta(old, delta, data), UpdateStatus.UPDATED_DELTA, None
            except UpgradeRequiredError:
                raise  # the full bundle holds the same state: no use fetching it
            except DownloadTimeoutError:
                raise  # no time left for a full download either
            except RepositoryError as exc:  # fall back to the full bundle
                delta_error = exc
            except OSError as exc:
                delta_error = DeltaError(f"stored state unreadable: {exc.strerror or exc}")
        manifest = core.manifest
        assert manifest is not None
        data = self._download(core, fetch, manifest.full)
        return core.accept_full_bundle(data), UpdateStatus.UPDATED_FULL, delta_error

    def _download(
        self, core: TrustedSet, fetch: _Counter, info: FileInfo, limit: int | None = None
    ) -> bytes:
        cap = core.download_cap(info) if limit is None else core.download_cap(info, limit)
        body = fetch(self.base_url + info.path, cap, None).body
        core.check_file(info, body)
        return body

    # ---- roots -----------------------------------------------------------------------------
    def _load_roots(self, core: TrustedSet, fetch: _Counter) -> None:
        """Walk the stored roots from the shipped keys; a stored root that no longer verifies
        (a damaged disk) is dropped with every later one, and refetched. On first use, fetch
        root 1, which the shipped keys must have signed."""
        roots = self.dir / "roots"
        version = 1
        while (roots / f"{version}.json").exists():
            try:
                core.update_root((roots / f"{version}.json").read_bytes())
            except (MetadataError, OSError):
                for stale in roots.glob("*.json"):
                    if stale.stem.isdigit() and int(stale.stem) >= version:
                        stale.unlink(missing_ok=True)
                break
            version += 1
        if core.root is None:
            self._fetch_root(core, fetch)

    def _fetch_root(self, core: TrustedSet, fetch: _Counter) -> Root:
        version = core.root_version + 1
        body = fetch(self.base_url + f"roots/{version}.json", MAX_ROOT_BYTES, None).body
        root = core.update_root(body)
        write_atomically(self.dir / "roots" / f"{version}.json", body)
        return root

    # ---- storage ---------------------------------------------------------------------------
    def _load(self) -> _State:
        """``current.json`` and the payload to match with, healed from what verifies on disk
        when either is torn, missing or damaged (cached until a file in the directory changes,
        so a damaged payload is not hashed again at every call)."""
        listing = self._listing()
        if listing is not None and self._loaded is not None and self._loaded[0] == listing:
            return replace(self._loaded[1])
        state = self._read_state()
        if listing is not None:
            self._loaded = (listing, replace(state))
        return state

    def _read_state(self) -> _State:
        try:
            committed: _State | None = _State.from_json((self.dir / "current.json").read_bytes())
        except (OSError, ValueError, RecursionError):  # torn, missing, unreadable
            committed = None
        if committed is not None and committed.version == 0:
            return committed  # nothing trusted yet
        if committed is not None:
            problem = self._payload_problem(committed.payload, committed.state_sha256)
            if not problem:
                committed.match_payload = committed.payload
                committed.match_sha256 = committed.state_sha256
                committed.match_version = committed.version
                return committed
            committed.payload_problem = problem
        return self._recover(committed)

    def _recover(self, committed: _State | None) -> _State:
        """Heal with the trust core's rule (:func:`linkscreen.trust.recover`): the floor is the
        committed version, or else the newest stored manifest whose signature verifies with
        the stored roots, payload or not; an older stored payload that verifies only matches
        meanwhile. Reads only: the next refresh refetches and commits."""
        stored = self._stored_versions()
        healed = recover(stored.values(), None if committed is None else committed.trusted)
        if committed is not None:
            state = committed
        elif healed.floor.version == 0:
            return _State()
        else:
            floor = healed.floor
            state = _State(
                version=floor.version,
                state_sha256=floor.state_sha256,
                payload=f"payload-{floor.state_sha256}.bin",
                manifest=f"manifest-{floor.version}.json",
                manifest_sha256=floor.manifest_sha256,
                manifest_expires=floor.manifest_expires,
                recovered=True,
            )
            if not stored[floor.version].payload_ok:
                state.payload_problem = self._payload_problem(state.payload, floor.state_sha256)
        if healed.match_on is not None:
            state.match_payload = f"payload-{healed.match_on.state_sha256}.bin"
            state.match_sha256 = healed.match_on.state_sha256
            state.match_version = healed.match_on.version
        return state

    def _stored_versions(self) -> dict[int, StoredVersion]:
        """Every stored manifest whose signature verifies with the stored roots, by version,
        with whether its payload is on disk and hashes right."""
        try:
            names = [entry.name for entry in self.dir.iterdir()]
        except OSError:
            return {}
        versions = [
            int(match.group(1)) for name in names if (match := _MANIFEST_NAME.fullmatch(name))
        ]
        if not versions:
            return {}
        core = TrustedSet(self._anchors, now=self._clock(), leeway_s=self.leeway_s)
        roots = self.dir / "roots"
        try:
            while (roots / f"{core.root_version + 1}.json").exists():
                core.update_root((roots / f"{core.root_version + 1}.json").read_bytes())
        except (MetadataError, OSError):
            pass  # walk as far as the stored roots verify
        if core.root is None:
            return {}
        stored: dict[int, StoredVersion] = {}
        for version in versions:
            try:
                raw = (self.dir / f"manifest-{version}.json").read_bytes()
                manifest = core.recover_manifest(raw)
            except (OSError, LinkscreenError):
                continue
            trusted = TrustedVersion(
                manifest.version,
                hashlib.sha256(raw).hexdigest(),
                manifest.state_sha256,
                0,
                manifest.expires,
            )
            payload = f"payload-{manifest.state_sha256}.bin"
            ok = not self._payload_problem(payload, manifest.state_sha256)
            stored[manifest.version] = StoredVersion(trusted, ok)
        return stored

    def _payload_problem(self, name: str, sha256: str) -> str:
        """Why payload file ``name`` cannot be matched with: "" when it is on disk and hashes
        to ``sha256``. Each file is hashed once per identity (inode, size, mtime), good or bad."""
        if not name:
            return "is missing"
        path = self.dir / name
        try:
            identity = _identity(path)
        except OSError:
            return "is missing"
        cached = self._hashes.get(name)
        if cached is not None and cached[:2] == (identity, sha256):
            return cached[2]
        problem = "" if _file_sha256(path) == sha256 else _DAMAGED
        self._hashes[name] = (identity, sha256, problem)
        return problem

    def _listing(self) -> object | None:
        """The identity of every file a loaded state depends on (None: unreadable)."""
        try:
            entries = []
            for directory in (self.dir, self.dir / "roots"):
                if not directory.is_dir():
                    continue
                for entry in os.scandir(directory):
                    if entry.name.startswith("."):
                        continue
                    info = entry.stat(follow_symlinks=False)
                    entries.append((entry.path, info.st_ino, info.st_size, info.st_mtime_ns))
            return tuple(sorted(entries))
        except OSError:
            return None

    def _staleness(self, state: _State, now: float | None = None) -> Staleness:
        return staleness(
            state.trusted,
            now=self._clock() if now is None else now,
            leeway_s=self.leeway_s,
            last_success=state.last_success,
            update_period_s=self.update_period_s,
            has_payload=state.has_payload,
            payload_problem=state.payload_problem,
            fallback_version=state.match_version,
        )

    def _commit(self, state: _State) -> None:
        write_atomically(self.dir / "current.json", state.to_json())

    def _clean(self, keep: set[str]) -> None:
        """Remove payloads and manifests no longer needed: the new state and the one before
        it stay (the fallback if the new one is damaged)."""
        try:
            for path in self.dir.iterdir():
                if path.name.startswith(("payload-", "manifest-")) and path.name not in keep:
                    path.unlink(missing_ok=True)
        except OSError:
            return  # committed already; leftovers go at the next successful refresh

    def _result(
        self,
        status: UpdateStatus,
        state: _State,
        fetch: _Counter,
        error: LinkscreenError | None = None,
        delta_error: RepositoryError | None = None,
    ) -> UpdateResult:
        verdict = self._staleness(state)
        return UpdateResult(
            status,
            state.match_version if state.match_payload else state.version,
            fetch.requests,
            fetch.bytes,
            error,
            delta_error,
            verdict.stale,
            verdict.reason,
        )


_DAMAGED = "does not hash to its signed state (damaged)"


def _identity(path: Path) -> _Identity:
    info = path.stat()
    return (info.st_ino, info.st_size, info.st_mtime_ns)


def _file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in pieces ("" when it cannot be read)."""
    try:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()


def _storage_error(exc: OSError) -> StorageError:
    error = StorageError(f"state directory: {exc.strerror or exc} ({exc.filename or ''})")
    error.__cause__ = exc
    return error


class _Counter:
    """Makes the Updater's requests (fixed headers, capped, one deadline) and counts them."""

    def __init__(self, fetcher: Fetcher, deadline_s: float) -> None:
        self._fetcher = fetcher
        self._deadline = time.monotonic() + deadline_s
        self.requests = 0
        self.bytes = 0

    def __call__(self, url: str, max_bytes: int, etag: str | None) -> Response:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise DownloadTimeoutError(f"{url}: the refresh deadline passed")
        self.requests += 1
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
