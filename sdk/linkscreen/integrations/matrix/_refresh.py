"""Keep the bundle fresh on a background thread, so message display never waits for the network.

One daemon thread owns the :class:`~linkscreen.Updater`: it loads the bundle already on disk,
checks for a new version soon after start (within the jitter, so a fleet of apps started at
once does not arrive at once), then every ``period_s`` (twice a day) plus or minus
``jitter_s``, and sooner with back-off after a failure. Readers call :meth:`matcher`, a plain
attribute read of the newest verified matcher: it never blocks and never does I/O. A failed
refresh keeps the last good matcher; errors are recorded on the refresher and logged, never
raised into the app's message path.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING

from ...matcher import Matcher

if TYPE_CHECKING:  # the updater (and its network code) is the app's: nothing loads here
    from ...updater import Updater, UpdateResult

__all__ = ["BackgroundRefresher"]

_log = logging.getLogger("linkscreen.integrations.matrix")

#: Twice a day: the hotlines publish twice a day.
DEFAULT_PERIOD_S = 12 * 3600.0
#: Spread of each wait either side of the period, so clients do not arrive in step.
DEFAULT_JITTER_S = 30 * 60.0
#: First wait after a failed refresh; doubled after each further failure, up to the period.
DEFAULT_RETRY_S = 5 * 60.0


class BackgroundRefresher:
    """Runs ``updater.refresh()`` on its own thread; hands out the newest matcher.

    ``on_update`` is called on the refresher thread after every refresh attempt with its
    :class:`~linkscreen.UpdateResult` (keep it short: log, or re-screen visible messages).
    ``rng`` makes the jitter reproducible in tests. A context manager: ``with`` starts and
    stops the thread.
    """

    def __init__(
        self,
        updater: Updater,
        *,
        period_s: float = DEFAULT_PERIOD_S,
        jitter_s: float = DEFAULT_JITTER_S,
        retry_s: float = DEFAULT_RETRY_S,
        on_update: Callable[[UpdateResult], None] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        if not 0 <= jitter_s < period_s:
            raise ValueError(f"jitter_s={jitter_s} must be at least 0 and below period_s")
        self.updater = updater
        self.period_s = period_s
        self.jitter_s = jitter_s
        self.retry_s = retry_s
        self._on_update = on_update
        self._rng = rng or random.Random()
        self._matcher: Matcher | None = None
        self._changed = threading.Condition()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._attempts = 0
        self._failures = 0
        self.last_result: UpdateResult | None = None
        """The most recent refresh's result (None before the first attempt)."""
        self.last_error: BaseException | None = None
        """An unexpected error from the last attempt (a bug or a disk error), else None."""

    # ---- what the message path uses ---------------------------------------------------------
    def matcher(self) -> Matcher | None:
        """The newest verified matcher, or None before any bundle: never blocks."""
        return self._matcher

    # ---- control --------------------------------------------------------------------------
    def start(self) -> BackgroundRefresher:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name="linkscreen-refresh", daemon=True
            )
            self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the thread; a refresh in flight finishes first (bounded by its deadline)."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def refresh_now(self) -> None:
        """Ask for a refresh at once (the app came to the foreground); returns immediately."""
        self._wake.set()

    @property
    def attempts(self) -> int:
        """Refresh attempts finished so far."""
        return self._attempts

    def wait_for_attempt(self, attempt: int, timeout: float) -> UpdateResult | None:
        """Block until ``attempt`` refreshes have finished (for tests and demos, not for the
        message path); the last result, or None on time-out."""
        with self._changed:
            if not self._changed.wait_for(lambda: self._attempts >= attempt, timeout):
                return None
            return self.last_result

    def next_delay(self) -> float:
        """Seconds until the next attempt: the period with jitter, or back-off after failures."""
        if self._failures:
            backoff = min(self.retry_s * 2.0 ** (self._failures - 1), self.period_s)
            return backoff * self._rng.uniform(0.5, 1.0)
        return self.period_s + self._rng.uniform(-self.jitter_s, self.jitter_s)

    # ---- the thread -----------------------------------------------------------------------
    def _run(self) -> None:
        self._publish(self._load)
        # a bundle on disk serves at once; the first check comes within the jitter
        delay = self._rng.uniform(0, self.jitter_s) if self._matcher is not None else 0.0
        while not self._stopping.is_set():
            self._wake.wait(delay)
            self._wake.clear()
            if self._stopping.is_set():
                return
            self._attempt()
            delay = self.next_delay()

    def _load(self) -> Matcher | None:
        return self.updater.matcher()

    def _attempt(self) -> None:
        result: UpdateResult | None = None
        try:
            result = self.updater.refresh()
            self.last_error = None
            if result.status == "failed":  # UpdateStatus.FAILED (a StrEnum)
                self._failures += 1
                _log.warning("bundle refresh failed: %s", result.error)
            else:
                self._failures = 0
            self._publish(self._load)
        except Exception as exc:  # recorded and logged: the message path must keep working
            self._failures += 1
            self.last_error = exc
            _log.exception("bundle refresh raised")
        with self._changed:
            self.last_result = result
            self._attempts += 1
            self._changed.notify_all()
        if self._on_update is not None and result is not None:
            try:
                self._on_update(result)
            except Exception:  # the app's callback must not stop the refresher
                _log.exception("on_update callback raised")

    def _publish(self, load: Callable[[], Matcher | None]) -> None:
        try:
            matcher = load()
        except Exception as exc:  # an unreadable state keeps the matcher in use
            self.last_error = exc
            _log.exception("cannot open the current bundle")
            return
        if matcher is not None:
            self._matcher = matcher

    def __enter__(self) -> BackgroundRefresher:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
