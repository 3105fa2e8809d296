"""Opt-in expansion of a shortened link, checking every hop on the device before requesting it.

Without an Expander the SDK never contacts a shortener. With one, the app (after the person
chose to open the link) follows the chain hop by hop: each hop is checked against the bundle
first and the chain stops at the first ``block``, so a listed destination is never requested.
Hops, bytes and time are bounded; no cookies or identifying headers are sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from .canonical import canonicalize
from .errors import InvalidURLError
from .matcher import Matcher
from .redirects import Fetcher, StdlibFetcher, follow
from .results import Action, Verdict

__all__ = ["Expander", "Expansion"]


@dataclass(frozen=True)
class Expansion:
    """Where a link leads, what each hop is, and the overall verdict."""

    url: str
    chain: tuple[str, ...]
    """Hops in order; the first is the link itself, the last the furthest reached."""
    hop_verdicts: tuple[Verdict, ...]
    """One verdict per hop checked (a hop checked is a hop never requested if it is blocked)."""
    verdict: Verdict
    """The most severe hop verdict."""
    stopped: str
    """Why expansion ended: ``final``, ``blocked``, ``max-hops``, ``loop``, ``deadline``,
    ``error``, ``blocked-address`` or ``invalid``."""
    error: str | None = None
    requests: int = 0

    @property
    def action(self) -> Action:
        return self.verdict.action


class Expander:
    """Follows shortened links for the app, on request. Thread-safe if the fetcher is."""

    def __init__(
        self,
        matcher: Matcher,
        fetcher: Fetcher | None = None,
        *,
        max_hops: int = 10,
        timeout: float = 5.0,
        total_time: float = 15.0,
        max_bytes: int = 64 * 1024,
        allow_private: bool = False,
    ) -> None:
        self._matcher = matcher
        self._fetch = fetcher or StdlibFetcher()
        self._limits = {
            "max_hops": max_hops,
            "timeout": timeout,
            "total_time": total_time,
            "max_bytes": max_bytes,
        }
        self._allow_private = allow_private

    def expand(self, url: str) -> Expansion:
        try:
            canonicalize(url)  # refuse what is not a web URL before any request
        except InvalidURLError as exc:
            verdict = self._matcher.check_url(url)
            return Expansion(url, (url,), (verdict,), verdict, "invalid", exc.reason)
        # Fetch the link as written (port, case and escapes intact): the canonical form is
        # for hashing. Each hop is still checked through check_url, which canonicalises it.
        start = url.strip() if "://" in url else f"http://{url.strip()}"
        verdicts: list[Verdict] = []

        def check_first(hop: str) -> bool:
            verdict = self._matcher.check_url(hop)
            verdicts.append(verdict)
            return verdict.action is not Action.BLOCK

        chain = follow(
            start,
            self._fetch,
            before_request=check_first,
            allow_private=self._allow_private,
            max_hops=int(self._limits["max_hops"]),
            timeout=self._limits["timeout"],
            total_time=self._limits["total_time"],
            max_bytes=int(self._limits["max_bytes"]),
        )
        for hop in chain.hops[len(verdicts) :]:  # hops reached but not requested (loop, bound)
            verdicts.append(self._matcher.check_url(hop))
        worst = max(verdicts, key=lambda v: v.action.severity)
        stopped = "blocked" if chain.stopped == "refused" else chain.stopped
        return Expansion(
            url, tuple(chain.hops), tuple(verdicts), worst, stopped, chain.error, chain.fetched
        )
