"""Resolve short links on list entries: follow each chain and remember it with its time.

The cache is a JSON file keyed by URL; an entry older than ``max_age`` is resolved again. A
failure is cached too (so a dead shortener is not hammered) and always reported to the caller.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from linkscreen.fetch import Fetcher
from linkscreen.files import write_atomically
from linkscreen.redirects import HopFetcher, RedirectChain, follow

DEFAULT_MAX_AGE_S = 7 * 86400


@dataclass(frozen=True)
class Resolution:
    url: str
    hops: tuple[str, ...]
    """Every URL after the first: the redirect targets in order."""
    stopped: str
    error: str | None
    resolved_at: float
    from_cache: bool = False

    @property
    def ok(self) -> bool:
        return self.stopped == "final"

    def describe(self) -> str:
        if self.ok:
            return f"{len(self.hops)} hop(s) to {self.hops[-1] if self.hops else self.url}"
        reason = f": {self.error}" if self.error else ""
        return f"not resolved ({self.stopped}{reason})"


class ResolveCache:
    """URL -> last resolution, persisted as JSON (written atomically)."""

    def __init__(self, path: Path | None, max_age_s: float = DEFAULT_MAX_AGE_S) -> None:
        self.path = path
        self.max_age_s = max_age_s
        self.entries: dict[str, dict[str, object]] = {}
        self.load_error: str | None = None
        """Why an existing cache file could not be read (it is then treated as empty and
        rewritten on save); None when it was read or did not exist."""
        if path is not None and path.exists():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                resolutions = data["resolutions"]
                if not isinstance(resolutions, dict):
                    raise TypeError("resolutions is not an object")
                self.entries = {
                    str(url): entry for url, entry in resolutions.items() if isinstance(entry, dict)
                }
            except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
                self.load_error = f"{path}: unreadable resolve cache, ignored ({exc})"

    def get(self, url: str, now: float) -> Resolution | None:
        entry = self.entries.get(url)
        try:
            if entry is None or now - float(str(entry["resolved_at"])) > self.max_age_s:
                return None
        except (KeyError, ValueError):
            return None  # a damaged entry is resolved again
        hops = entry.get("hops") or []
        if not isinstance(hops, list):
            return None
        error = entry.get("error")
        return Resolution(
            url,
            tuple(str(h) for h in hops),
            str(entry["stopped"]),
            None if error is None else str(error),
            float(str(entry["resolved_at"])),
            True,
        )

    def put(self, resolution: Resolution) -> None:
        record = asdict(resolution)
        record.pop("url")
        record.pop("from_cache")
        record["hops"] = list(resolution.hops)
        self.entries[resolution.url] = record

    def save(self) -> None:
        if self.path is None:
            return
        write_atomically(self.path, json.dumps({"resolutions": self.entries}, indent=1).encode())


def resolve_all(
    urls: Iterable[str],
    *,
    cache: ResolveCache | None = None,
    fetcher: Fetcher | HopFetcher | None = None,
    max_hops: int = 10,
    timeout: float = 5.0,
    allow_private: bool = False,
) -> list[Resolution]:
    """Resolve each URL (cache first); one Resolution per URL, in order."""
    cache = cache or ResolveCache(None)
    results = []
    for url in urls:
        now = time.time()
        cached = cache.get(url, now)
        if cached is not None:
            results.append(cached)
            continue
        chain: RedirectChain = follow(
            url, fetcher, max_hops=max_hops, timeout=timeout, allow_private=allow_private
        )
        resolution = Resolution(url, tuple(chain.hops[1:]), chain.stopped, chain.error, now)
        cache.put(resolution)
        results.append(resolution)
    cache.save()
    return results
