"""Token buckets per key (a client address, an install, a user name), kept in memory only.

``rate`` tokens a minute, up to ``burst`` at once. A denied call learns how many seconds until
the next token (the ``Retry-After`` answer). At most ``max_keys`` buckets are kept: the
fullest are forgotten first (a full bucket is the same as no bucket), so a flood of new keys
cannot grow memory without bound.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable


class RateLimiter:
    def __init__(
        self,
        rate_per_minute: float,
        burst: int | None = None,
        *,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate_per_minute <= 0:
            raise ValueError("a rate limit needs a positive rate")
        self.rate = rate_per_minute / 60.0
        self.burst = float(burst if burst is not None else max(1, math.ceil(rate_per_minute)))
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0.0 if ``key`` may go on (a token is used), else the seconds to wait."""
        now = self.clock()
        with self._lock:
            tokens, stamp = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - stamp) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                if len(self._buckets) > self.max_keys:
                    self._forget(now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate

    def _forget(self, now: float) -> None:
        def level(item: tuple[str, tuple[float, float]]) -> float:
            tokens, stamp = item[1]
            return min(self.burst, tokens + (now - stamp) * self.rate)

        keep = sorted(self._buckets.items(), key=level)[: self.max_keys // 2]
        self._buckets = dict(keep)


def retry_after(seconds: float) -> str:
    """The ``Retry-After`` value: whole seconds, at least 1."""
    return str(max(1, math.ceil(seconds)))
