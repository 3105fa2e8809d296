"""Report a link to a review service, only when the person asks, and keep it until it arrives.

A report is what the device knows about one link: its canonical URL, how it was found
(techniques), the verdict the device gave it, an opaque install id that rotates (the service
counts one install once and rate-limits by it), and optionally a note the person typed.
Message text is sent only when the app passes it explicitly as ``attachment`` because the
person chose to attach it. ``preview()`` returns exactly what would be sent, for the app's
"this is what we send" screen. The wire format is docs/review.md's ``POST /v1/reports``.

Offline-safe: a report is written to the state directory before it is sent (one atomic file
each, bounded in count, bytes and age) and stays there until the service accepts it (202) or
refuses it for good (any other 4xx but 408 and 429). Network errors, 3xx (a captive portal),
429, 5xx and unexpected answers keep it queued; :meth:`Reporter.flush` retries with
exponential back-off and honours ``Retry-After``. ``report()`` and ``flush()`` never raise for
network or disk trouble: they return a :class:`ReportResult` / :class:`FlushResult`. Bad
arguments raise :class:`~linkscreen.InvalidReportError` (or
:class:`~linkscreen.InvalidURLError` for a URL that cannot be read).
"""

from __future__ import annotations

import enum
import json
import os
import random
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from .canonical import canonicalize
from .errors import (
    DownloadError,
    InvalidReportError,
    InvalidURLError,
    LinkscreenError,
    ReportQueueFullError,
    StorageError,
)
from .fetch import (
    AddressPolicy,
    Fetcher,
    Request,
    Response,
    StdlibFetcher,
    guarded_fetch,
    public_addresses_only,
    request_target,
)
from .filelock import FileLock
from .files import remove_temporaries, write_atomically
from .results import Action, Finding, Verdict

__all__ = [
    "MAX_ATTACHMENT_CHARS",
    "MAX_NOTE_CHARS",
    "MAX_REPORT_BYTES",
    "MAX_TECHNIQUES",
    "MAX_URL_CHARS",
    "REPORT_PATH",
    "FlushResult",
    "ReportResult",
    "ReportStatus",
    "Reporter",
]

#: Where reports go, under the service's base URL.
REPORT_PATH = "v1/reports"
#: The contract's limits (the service answers 400 or 413 past them; the SDK refuses first).
MAX_REPORT_BYTES = 16384
MAX_URL_CHARS = 4096
MAX_TECHNIQUES = 16
MAX_NOTE_CHARS = 1000
MAX_ATTACHMENT_CHARS = 4096
#: Largest answer read from the service (a 202 is a few dozen bytes); the rest is cut.
MAX_RESPONSE_BYTES = 16 * 1024
#: Longest ``Retry-After`` honoured, so a hostile answer cannot silence reporting for months.
MAX_RETRY_AFTER_S = 24 * 3600.0
#: The same for every client: nothing here identifies the device beyond the install id.
REQUEST_HEADERS = {
    "User-Agent": "linkscreen-reporter",
    "Accept": "application/json",
    "Content-Type": "application/json",
}
#: 4xx answers that mean "later", not "never": Request Timeout and Too Many Requests.
_RETRY_4XX = frozenset({408, 429})
_TECHNIQUE = re.compile(r"[a-z0-9_]{1,32}")
_TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")  # RFC 6750 b64token
_INSTALL_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
_QUEUE_NAME = re.compile(r"[0-9]{20}-[0-9a-f]{16}\.json")
_STATE_FORMAT = 1


class ReportStatus(enum.StrEnum):
    """What became of one report. Enum members are immutable; safe to share between threads."""

    SENT = "sent"
    """The service accepted it (202 ``received``); it is no longer on the device."""
    DUPLICATE = "duplicate"
    """The service already had it from this install (202 ``duplicate``); removed here too."""
    QUEUED = "queued"
    """Not delivered yet (offline, 5xx, 429...): kept on disk, sent by a later ``flush()``."""
    DROPPED = "dropped"
    """Refused for good (a 4xx such as 400 or 413) or expired in the queue: removed;
    ``reason`` says why. Sending it again would be refused again."""
    FAILED = "failed"
    """Neither delivered nor kept: the queue is full or the disk cannot be written, and the
    one attempt to send it failed. ``error`` says why; the app may tell the person."""


@dataclass(frozen=True)
class ReportResult:
    """The outcome of sending (or trying to send) one report. Immutable; thread-safe."""

    status: ReportStatus
    report_id: str
    """The device's own id for the report (its queue entry); never sent."""
    server_id: str | None = None
    """The id the service gave it, when it was delivered."""
    http_status: int | None = None
    """The service's last answer, None when no answer came."""
    reason: str | None = None
    """Why it was dropped, is still queued, or failed (plain language, bounded)."""
    error: LinkscreenError | None = None
    """The network (DownloadError) or disk (StorageError) error behind ``reason``."""
    attempts: int = 0
    """Delivery attempts so far, this one included."""
    retry_at: float | None = None
    """When queued: the earliest time (``clock()``) a ``flush()`` tries it again."""

    @property
    def delivered(self) -> bool:
        """The service has it (``sent`` or ``duplicate``)."""
        return self.status in (ReportStatus.SENT, ReportStatus.DUPLICATE)

    @property
    def pending(self) -> bool:
        """Still on the device, waiting for a later ``flush()``."""
        return self.status is ReportStatus.QUEUED


@dataclass(frozen=True)
class FlushResult:
    """What one ``flush()`` did: a result for each report it touched, in order.

    Immutable; safe to share between threads.
    """

    results: tuple[ReportResult, ...] = ()
    remaining: int = 0
    """Reports still queued afterwards."""
    retry_at: float | None = None
    """When reports remain: the earliest time another ``flush()`` will try one."""
    error: LinkscreenError | None = None
    """Why the flush could not run at all (a StorageError, or the lock stayed busy)."""

    @property
    def delivered(self) -> int:
        return sum(1 for r in self.results if r.delivered)

    @property
    def dropped(self) -> int:
        return sum(1 for r in self.results if r.status is ReportStatus.DROPPED)


@dataclass
class _State:
    """``reporter.json``: the rotating install id and the service-wide back-off."""

    install_id: str = ""
    install_id_created: float = 0.0
    failures: int = 0
    """Consecutive flushes that met a server-wide failure (network, 5xx)."""
    not_before: float = 0.0
    """No ``flush()`` before this (back-off after server-wide failures; ``force`` skips it)."""
    rate_limited_until: float = 0.0
    """The service's ``Retry-After``: nothing is sent before this, ``force`` or not."""

    def to_json(self) -> bytes:
        return json.dumps(
            {
                "format": _STATE_FORMAT,
                "install_id": self.install_id,
                "install_id_created": self.install_id_created,
                "failures": self.failures,
                "not_before": self.not_before,
                "rate_limited_until": self.rate_limited_until,
            },
            indent=1,
        ).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> _State:
        data = json.loads(raw)
        state = cls(
            str(data["install_id"]),
            float(data["install_id_created"]),
            int(data["failures"]),
            float(data["not_before"]),
            float(data["rate_limited_until"]),
        )
        if _INSTALL_ID.fullmatch(state.install_id) is None:
            raise ValueError("reporter.json holds a malformed install id")
        return state


@dataclass
class _Entry:
    """One queued report: ``queue/<created-ns>-<id>.json``. ``body`` is sent byte for byte."""

    name: str
    created: float
    body: str
    attempts: int = 0
    next_attempt: float = 0.0
    size: int = field(default=0, compare=False)

    @property
    def report_id(self) -> str:
        return self.name.removesuffix(".json").partition("-")[2]

    def to_json(self) -> bytes:
        record = {
            "format": _STATE_FORMAT,
            "created": self.created,
            "attempts": self.attempts,
            "next_attempt": self.next_attempt,
            "body": self.body,
        }
        return json.dumps(record, ensure_ascii=False).encode("utf-8")

    @classmethod
    def from_json(cls, name: str, raw: bytes) -> _Entry:
        data = json.loads(raw.decode("utf-8"))
        entry = cls(
            name,
            float(data["created"]),
            data["body"],
            int(data["attempts"]),
            float(data["next_attempt"]),
            len(raw),
        )
        if not isinstance(entry.body, str):
            raise ValueError("queued body is not text")
        return entry


@dataclass(frozen=True)
class _Outcome:
    """How one delivery attempt ended."""

    kind: str  # "delivered" | "dropped" | "retry"
    http_status: int | None = None
    reason: str | None = None
    server_status: str = "received"
    server_id: str | None = None
    error: LinkscreenError | None = None
    retry_after: float | None = None
    server_wide: bool = False
    """The failure concerns the service, not this report: stop the flush there."""


class Reporter:
    """Sends a person's reports to a review service; queues them on disk until they arrive.

    ``base_url`` is the review service (reports go to ``base_url + "v1/reports"``); it must
    be ``https``, or plain ``http`` to this machine only. ``address_policy`` is checked against
    every address the service's host resolves to (default :func:`public_addresses_only`:
    loopback and private addresses are refused, so a test or an app with a service on its own
    network passes a permissive policy). ``token`` is a trusted flagger's bearer token.

    Thread-safe, and safe to share one ``state_dir`` between processes: every queue change and
    every delivery happens under the state directory's file lock (waited for at most
    ``deadline_s``), so a report is never sent twice by two flushes. Each ``report()`` or
    ``flush()`` takes at most ``deadline_s``, lock included; nothing runs in the background.
    """

    def __init__(
        self,
        state_dir: str | os.PathLike[str],
        base_url: str,
        fetcher: Fetcher | None = None,
        *,
        token: str | None = None,
        address_policy: AddressPolicy | None = public_addresses_only,
        rotate_install_id_s: float = 30 * 86400.0,
        max_queued: int = 100,
        max_queued_bytes: int = 512 * 1024,
        max_age_s: float = 14 * 86400.0,
        retry_s: float = 60.0,
        max_retry_s: float = 6 * 3600.0,
        deadline_s: float = 30.0,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        self.dir = Path(state_dir)
        self.endpoint = _endpoint(base_url, address_policy)
        if token is not None and (not isinstance(token, str) or not _TOKEN.fullmatch(token)):
            raise InvalidReportError("token", "is not a bearer token (RFC 6750 characters)")
        for name, value in (
            ("rotate_install_id_s", rotate_install_id_s),
            ("max_queued", max_queued),
            ("max_queued_bytes", max_queued_bytes),
            ("max_age_s", max_age_s),
            ("retry_s", retry_s),
            ("max_retry_s", max_retry_s),
            ("deadline_s", deadline_s),
        ):
            if not value > 0:
                raise InvalidReportError(name, f"must be positive, not {value!r}")
        self._fetcher: Fetcher = fetcher if fetcher is not None else StdlibFetcher()
        self._headers = dict(REQUEST_HEADERS)
        if token is not None:
            self._headers["Authorization"] = f"Bearer {token}"
        self._policy = address_policy
        self.rotate_install_id_s = rotate_install_id_s
        self.max_queued = max_queued
        self.max_queued_bytes = max_queued_bytes
        self.max_age_s = max_age_s
        self.retry_s = retry_s
        self.max_retry_s = max_retry_s
        self.deadline_s = deadline_s
        self._clock = clock
        self._rng = rng or random.Random()
        self._lock = threading.Lock()
        self._ephemeral: _State | None = None
        """The install id used while the state directory cannot be written."""

    # ---- public ----------------------------------------------------------------------------
    def preview(
        self,
        finding_or_url: Finding | Verdict | str,
        *,
        note: str | None = None,
        attachment: str | None = None,
    ) -> dict[str, Any]:
        """The report ``report()`` would send, as a JSON object, for the person to see first.

        The install id shown is the current one. Raises like ``report()`` on bad arguments.
        """
        fields = _fields(finding_or_url, note, attachment)
        with self._lock:
            install_id = self._install_id_unlocked(self._clock())
        body = _encode(fields, install_id)
        result: dict[str, Any] = json.loads(body)
        return result

    def report(
        self,
        finding_or_url: Finding | Verdict | str,
        *,
        note: str | None = None,
        attachment: str | None = None,
    ) -> ReportResult:
        """Report one link, as the person asked: queue it on disk, then try to send it once.

        ``finding_or_url`` is the :class:`~linkscreen.Finding` (or :class:`~linkscreen.Verdict`)
        the person reported: its canonical URL, techniques and verdict are sent. A plain URL is
        canonicalised and sent with no techniques and the verdict ``allow`` (the device
        matched nothing it knows of). ``note`` is what the person typed; ``attachment`` is
        message text, only when the person chose to attach it. Never raises for network or
        disk trouble; raises :class:`~linkscreen.InvalidReportError` (or InvalidURLError) for
        bad arguments.
        """
        fields = _fields(finding_or_url, note, attachment)
        _encode(fields, _new_install_id())  # refuse an oversized report before any I/O
        deadline = time.monotonic() + self.deadline_s
        try:
            with self._exclusive(deadline, create=True) as acquired:
                now = self._clock()
                state, storage_error = self._load_state(now)
                entry = _Entry(_new_name(), now, _encode(fields, state.install_id))
                if storage_error is not None:
                    return self._send_unqueued(entry, deadline, storage_error)
                try:
                    return self._report(entry, state, acquired, deadline)
                except OSError as exc:  # the queue could not be read or written
                    return self._send_unqueued(entry, deadline, _storage_error(exc))
        except OSError as exc:  # the state directory or its lock cannot be created
            now = self._clock()
            body = _encode(fields, self._ephemeral_state(now).install_id)
            entry = _Entry(_new_name(), now, body)
            return self._send_unqueued(entry, deadline, _storage_error(exc))

    def flush(self, *, force: bool = False) -> FlushResult:
        """Send the queued reports that are due, oldest first, within ``deadline_s``.

        Stops at the first server-wide failure (network, 5xx, 429) and backs off: the next
        ``flush()`` waits ``retry_s``, doubling up to ``max_retry_s``, or the ``Retry-After``
        the service gave. ``force`` ignores the back-off (the app just came online) but never
        a ``Retry-After``. Reports older than ``max_age_s`` are dropped as expired. Never
        raises for network or disk trouble.
        """
        deadline = time.monotonic() + self.deadline_s
        try:
            if not self.dir.exists():
                return FlushResult()  # nothing was ever queued
            with self._exclusive(deadline, create=False) as acquired:
                if not acquired:
                    busy = StorageError(f"{self.dir}: the reporter's lock stayed busy")
                    return FlushResult(remaining=self._count(), error=busy)
                return self._flush(force, deadline)
        except OSError as exc:
            return FlushResult(remaining=self._count(), error=_storage_error(exc))

    def pending(self) -> int:
        """Reports queued on the device (0 when the state directory cannot be read)."""
        return self._count()

    def install_id(self) -> str:
        """The install id reports carry now: random, stored in ``state_dir``, replaced every
        ``rotate_install_id_s``. It identifies nothing but this install for that period."""
        with self._lock:
            return self._install_id_unlocked(self._clock())

    # ---- locking ---------------------------------------------------------------------------
    @contextmanager
    def _exclusive(self, deadline: float, *, create: bool) -> Iterator[bool]:
        """Hold this object's lock and the state directory's file lock, waiting at most until
        ``deadline``; yields False when either stayed busy. OSError when the lock file cannot
        be created."""
        if not self._lock.acquire(timeout=max(0.0, deadline - time.monotonic())):
            yield False
            return
        try:
            if create:
                self.dir.mkdir(parents=True, exist_ok=True)
            lock = FileLock(self.dir / ".lock")
            if not lock.acquire(max(0.0, deadline - time.monotonic())):
                yield False
                return
            try:
                yield True
            finally:
                lock.release()
        finally:
            self._lock.release()

    # ---- reporting -------------------------------------------------------------------------
    def _report(
        self, entry: _Entry, state: _State, acquired: bool, deadline: float
    ) -> ReportResult:
        queue = self.dir / "queue"
        if acquired:
            remove_temporaries([queue])
        full = self._full_reason(len(entry.to_json()))
        if full is not None:
            return self._send_unqueued(entry, deadline, ReportQueueFullError(full))
        write_atomically(queue / entry.name, entry.to_json())
        if not acquired:  # a long flush holds the lock: the next flush sends it
            return ReportResult(
                ReportStatus.QUEUED,
                entry.report_id,
                reason="another flush was running; the next flush sends it",
                retry_at=entry.created,
            )
        if state.rate_limited_until > entry.created:
            return ReportResult(
                ReportStatus.QUEUED,
                entry.report_id,
                reason="the review service asked to wait (Retry-After)",
                retry_at=state.rate_limited_until,
            )
        outcome = self._attempt(entry, deadline)
        return self._settle(entry, outcome, state, self._clock())

    def _send_unqueued(self, entry: _Entry, deadline: float, why: StorageError) -> ReportResult:
        """The report cannot be kept: try it once anyway; FAILED if that does not deliver."""
        outcome = self._attempt(entry, deadline)
        if outcome.kind == "delivered":
            return _delivered(entry, outcome, 1)
        if outcome.kind == "dropped":
            return _dropped(entry, outcome, 1)
        return ReportResult(
            ReportStatus.FAILED,
            entry.report_id,
            http_status=outcome.http_status,
            reason=f"not kept ({why}); not delivered ({outcome.reason})",
            error=why,
            attempts=1,
        )

    # ---- flushing --------------------------------------------------------------------------
    def _flush(self, force: bool, deadline: float) -> FlushResult:
        now = self._clock()
        queue = self.dir / "queue"
        remove_temporaries([queue])
        damaged: list[ReportResult] = []
        results = self._expire(self._entries(damaged), now)
        results[:0] = damaged
        state, storage_error = self._load_state(now)
        if storage_error is not None:
            return FlushResult(tuple(results), self._count(), None, storage_error)
        waiting = max(state.rate_limited_until, 0.0 if force else state.not_before)
        due = [e for e in self._entries() if force or e.next_attempt <= now]  # oldest first
        if waiting <= now:
            for entry in due:
                if time.monotonic() >= deadline:
                    break
                outcome = self._attempt(entry, deadline)
                result = self._settle(entry, outcome, state, self._clock())
                results.append(result)
                if outcome.server_wide:
                    break
        remaining = self._entries()
        retry_at = None
        if remaining:
            state, _ = self._load_state(self._clock())
            earliest = min(e.next_attempt for e in remaining)
            retry_at = max(earliest, state.not_before, state.rate_limited_until)
        return FlushResult(tuple(results), len(remaining), retry_at)

    def _settle(self, entry: _Entry, outcome: _Outcome, state: _State, now: float) -> ReportResult:
        """Record one attempt's outcome on disk (remove, or reschedule) and say what it was."""
        path = self.dir / "queue" / entry.name
        attempts = entry.attempts + 1
        if outcome.kind != "retry":
            path.unlink(missing_ok=True)
            if state.failures or state.not_before:
                state.failures, state.not_before = 0, 0.0
                self._save_state(state)
            if outcome.kind == "delivered":
                return _delivered(entry, outcome, attempts)
            return _dropped(entry, outcome, attempts)
        entry.attempts = attempts
        if outcome.retry_after is not None:
            entry.next_attempt = now + outcome.retry_after
            state.rate_limited_until = entry.next_attempt
        else:
            entry.next_attempt = now + self._backoff(attempts)
        if outcome.server_wide and outcome.retry_after is None:
            state.failures += 1
            state.not_before = now + self._backoff(state.failures)
        write_atomically(path, entry.to_json())
        self._save_state(state)
        return ReportResult(
            ReportStatus.QUEUED,
            entry.report_id,
            http_status=outcome.http_status,
            reason=outcome.reason,
            error=outcome.error,
            attempts=attempts,
            retry_at=max(entry.next_attempt, state.not_before, state.rate_limited_until),
        )

    def _backoff(self, failures: int) -> float:
        """``retry_s`` doubled per failure up to ``max_retry_s``, spread over its upper half."""
        base = min(self.retry_s * 2.0 ** max(0, min(failures - 1, 60)), self.max_retry_s)
        return base * self._rng.uniform(0.5, 1.0)

    def _expire(self, entries: list[_Entry], now: float) -> list[ReportResult]:
        results = []
        for entry in entries:
            if now - entry.created > self.max_age_s:
                (self.dir / "queue" / entry.name).unlink(missing_ok=True)
                reason = f"expired: queued for more than {self.max_age_s / 86400:g} days"
                results.append(
                    ReportResult(
                        ReportStatus.DROPPED, entry.report_id, reason=reason,
                        attempts=entry.attempts,
                    )
                )  # fmt: skip
        return results

    # ---- the network -----------------------------------------------------------------------
    def _attempt(self, entry: _Entry, deadline: float) -> _Outcome:
        """POST the entry's body once; never raises."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return _Outcome("retry", reason="no time left in this call", server_wide=True)
        request = Request(
            self.endpoint,
            "POST",
            self._headers,
            entry.body.encode("utf-8"),
            max_bytes=MAX_RESPONSE_BYTES,
            deadline_s=remaining,
            truncate=True,
            address_policy=self._policy,
        )
        try:
            response = guarded_fetch(self._fetcher, request)
        except DownloadError as exc:
            return _Outcome("retry", reason=f"not sent: {exc}", error=exc, server_wide=True)
        return _judge(response, self._clock())

    # ---- storage ---------------------------------------------------------------------------
    def _entries(self, damaged: list[ReportResult] | None = None) -> list[_Entry]:
        """Queued reports, oldest first. An entry damaged on disk cannot be sent: it is
        removed, and recorded in ``damaged`` as dropped."""
        queue = self.dir / "queue"
        try:
            names = sorted(p.name for p in queue.iterdir() if _QUEUE_NAME.fullmatch(p.name))
        except FileNotFoundError:
            return []
        entries = []
        for name in names:
            try:
                entries.append(_Entry.from_json(name, (queue / name).read_bytes()))
            except FileNotFoundError:
                continue
            except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError) as exc:
                (queue / name).unlink(missing_ok=True)
                if damaged is not None:
                    reason = f"unreadable in the queue ({type(exc).__name__}): removed"
                    damaged.append(ReportResult(ReportStatus.DROPPED, name[21:37], reason=reason))
        return entries

    def _count(self) -> int:
        try:
            return sum(1 for p in (self.dir / "queue").iterdir() if _QUEUE_NAME.fullmatch(p.name))
        except OSError:
            return 0

    def _full_reason(self, size: int) -> str | None:
        entries = self._entries()
        used = sum(e.size for e in entries)
        if len(entries) >= self.max_queued:
            return f"the report queue is full ({len(entries)} reports waiting)"
        if used + size > self.max_queued_bytes:
            return f"the report queue is full ({used:,} of {self.max_queued_bytes:,} bytes)"
        return None

    def _install_id_unlocked(self, now: float) -> str:
        return self._load_state(now)[0].install_id

    def _load_state(self, now: float) -> tuple[_State, StorageError | None]:
        """The state with a current install id (made or rotated, and saved, as needed).

        When the state cannot be written, an in-memory install id stands in for it (rotated
        the same way) and the StorageError comes back with it.
        """
        path = self.dir / "reporter.json"
        try:
            state = _State.from_json(path.read_bytes())
        except FileNotFoundError:
            state = _State()
        except OSError as exc:
            return self._ephemeral_state(now), _storage_error(exc)
        except (ValueError, KeyError, TypeError, RecursionError):
            state = _State()  # damaged: a new install id, no back-off
        age = now - state.install_id_created
        if state.install_id and 0 <= age < self.rotate_install_id_s:
            return state, None
        state.install_id, state.install_id_created = _new_install_id(), now
        try:
            self._save_state(state)
        except OSError as exc:
            return self._ephemeral_state(now), _storage_error(exc)
        return state, None

    def _ephemeral_state(self, now: float) -> _State:
        state = self._ephemeral
        if state is None or not 0 <= now - state.install_id_created < self.rotate_install_id_s:
            state = _State(_new_install_id(), now)
            self._ephemeral = state
        return state

    def _save_state(self, state: _State) -> None:
        write_atomically(self.dir / "reporter.json", state.to_json())


# ---- building a report ---------------------------------------------------------------------


def _fields(
    finding_or_url: Finding | Verdict | str, note: str | None, attachment: str | None
) -> dict[str, Any]:
    """The report's fields (all but the install id), checked against the contract."""
    if isinstance(finding_or_url, Finding):
        verdict = finding_or_url.verdict
    elif isinstance(finding_or_url, Verdict):
        verdict = finding_or_url
    elif isinstance(finding_or_url, str):
        verdict = Verdict(finding_or_url, Action.ALLOW, canonical=canonicalize(finding_or_url))
    else:
        raise InvalidReportError(
            "finding_or_url",
            f"must be a Finding, a Verdict or a URL, not {type(finding_or_url).__name__}",
        )
    url = verdict.canonical
    if not url:
        raise InvalidURLError("the link could not be read as a URL: nothing to report", verdict.url)
    if len(url) > MAX_URL_CHARS:
        raise InvalidReportError("url", f"{len(url)} characters; the limit is {MAX_URL_CHARS}")
    techniques = list(dict.fromkeys(str(t).replace("-", "_") for t in verdict.techniques))
    for technique in techniques:
        if _TECHNIQUE.fullmatch(technique) is None:
            raise InvalidReportError("techniques", f"{technique[:40]!r} is not [a-z0-9_]{{1,32}}")
    fields: dict[str, Any] = {
        "v": 1,
        "url": url,
        "techniques": techniques[:MAX_TECHNIQUES],
        "verdict": str(Action(verdict.action)),
    }
    for name, value, limit in (
        ("note", note, MAX_NOTE_CHARS),
        ("attachment", attachment, MAX_ATTACHMENT_CHARS),
    ):
        if value is None:
            continue
        if not isinstance(value, str):
            raise InvalidReportError(name, f"must be text, not {type(value).__name__}")
        if len(value) > limit:
            raise InvalidReportError(name, f"{len(value)} characters; the limit is {limit}")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise InvalidReportError(name, f"lone surrogate at index {exc.start}") from None
        if value:
            fields[name] = value
    return fields


def _encode(fields: dict[str, Any], install_id: str) -> str:
    """The JSON text sent; InvalidReportError when it would pass the contract's byte limit."""
    record = dict(fields)
    record["install_id"] = install_id
    order = ("v", "url", "techniques", "verdict", "install_id", "note", "attachment")
    body = json.dumps(
        {key: record[key] for key in order if key in record},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    size = len(body.encode("utf-8"))
    if size > MAX_REPORT_BYTES:
        raise InvalidReportError(
            "attachment" if "attachment" in record else "note",
            f"the report would be {size:,} bytes; the limit is {MAX_REPORT_BYTES:,}",
        )
    return body


def _endpoint(base_url: str, policy: AddressPolicy | None) -> str:
    if not isinstance(base_url, str):
        raise InvalidReportError("base_url", f"must be a URL, not {type(base_url).__name__}")
    endpoint = base_url.rstrip("/") + "/" + REPORT_PATH
    try:
        where = request_target(endpoint)
    except InvalidURLError as exc:
        raise InvalidReportError("base_url", exc.reason) from None
    address = where.address
    local = where.host == "localhost" or (address is not None and address.is_loopback)
    if where.scheme != "https" and not local:
        raise InvalidReportError(
            "base_url", "plain http is allowed only to this machine: use https"
        )
    refusal = where.refusal(policy) if policy is not None else None
    if refusal is not None:
        raise InvalidReportError("base_url", f"the address policy refuses it ({refusal})")
    return endpoint


def _new_install_id() -> str:
    return secrets.token_urlsafe(24)  # 32 characters of [A-Za-z0-9_-]


def _new_name() -> str:
    """A queue entry's name: its creation time (the system clock, so names sort in the order
    reports were made whatever clock the app passes) and a random id."""
    return f"{time.time_ns() % 10**20:020d}-{secrets.token_hex(8)}.json"


# ---- reading the answer --------------------------------------------------------------------


def _judge(response: Response, now: float) -> _Outcome:
    """What the service's answer means for the report."""
    status = response.status
    answer = _json_object(response.body)
    if status == 202:
        server_status = "duplicate" if answer.get("status") == "duplicate" else "received"
        server_id = answer.get("id")
        shown_id = _bounded(str(server_id), 80) if isinstance(server_id, str | int) else None
        return _Outcome("delivered", status, None, server_status, shown_id)
    if status == 429:
        wait = _retry_after(response.headers.get("retry-after"), now)
        return _Outcome(
            "retry", status, f"HTTP 429: rate-limited, retry in {wait:g} s",
            retry_after=wait, server_wide=True,
        )  # fmt: skip
    if 400 <= status < 500 and status not in _RETRY_4XX:
        detail = ""
        if answer:
            parts = [answer.get("error"), answer.get("field"), answer.get("reason")]
            detail = ": " + " ".join(_bounded(str(p), 120) for p in parts if p is not None)
        return _Outcome("dropped", status, f"HTTP {status}{detail}")
    if status >= 500 or status in _RETRY_4XX:
        return _Outcome("retry", status, f"HTTP {status}: the service failed", server_wide=True)
    # 2xx other than 202 (a captive portal's page), 3xx (not followed), 1xx: not the service
    return _Outcome(
        "retry", status, f"HTTP {status}: not the review service's answer", server_wide=True
    )


def _retry_after(value: str | None, now: float) -> float:
    """Seconds to wait: ``Retry-After`` as seconds or an HTTP date, within 1 s .. 1 day."""
    wait = 60.0
    if value:
        text = value.strip()
        if text.isdigit():
            wait = float(text)
        else:
            try:
                wait = parsedate_to_datetime(text).timestamp() - now
            except (TypeError, ValueError, IndexError, OverflowError):
                wait = 60.0
    return min(max(wait, 1.0), MAX_RETRY_AFTER_S)


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def _bounded(text: str, limit: int) -> str:
    """Service text fit for a log line: printable, bounded."""
    shown = "".join(ch if ch.isprintable() else "?" for ch in text[:limit])
    return shown + ("..." if len(text) > limit else "")


def _delivered(entry: _Entry, outcome: _Outcome, attempts: int) -> ReportResult:
    status = ReportStatus.DUPLICATE if outcome.server_status == "duplicate" else ReportStatus.SENT
    return ReportResult(
        status, entry.report_id, outcome.server_id, outcome.http_status, attempts=attempts
    )


def _dropped(entry: _Entry, outcome: _Outcome, attempts: int) -> ReportResult:
    return ReportResult(
        ReportStatus.DROPPED,
        entry.report_id,
        http_status=outcome.http_status,
        reason=outcome.reason,
        attempts=attempts,
    )


def _storage_error(exc: OSError) -> StorageError:
    error = StorageError(f"reporter state: {exc.strerror or exc} ({exc.filename or ''})")
    error.__cause__ = exc
    return error
