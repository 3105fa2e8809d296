"""Per-item timing for benchmarks: the median of timing every item once."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable
from typing import Any


def median_us(func: Callable[[Any], object], items: Iterable[Any]) -> float:
    """Median microseconds of ``func(item)`` over ``items``, each timed once."""
    clock = time.perf_counter_ns
    timings = []
    for item in items:
        start = clock()
        func(item)
        timings.append(clock() - start)
    return statistics.median(timings) / 1000
