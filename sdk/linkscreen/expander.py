"""Opt-in expansion of a shortened link, checking every hop on the device before requesting it.

Without an Expander the SDK never contacts a shortener. With one, the app (after the person
chose to open the link) follows the chain hop by hop through the fetcher interface: each hop
is checked against the bundle first and the chain stops at the first ``block``, so a listed
destination is never requested; a hop the SDK cannot read is never requested either; and no
hop reaches a loopback, private or other non-public address, however it is spelled or whatever
its name resolves to (unless ``allow_private``). Hops, bytes and time are bounded; no cookies
or identifying headers are sent; ``expand`` never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .canonical import canonicalize
from .errors import InvalidURLError
from .fetch import Fetcher
from .matcher import Matcher
from .redirects import HopFetcher, follow
from .results import Action, Verdict

__all__ = ["Expander", "Expansion"]

#: Schemes a link may be written with that canonicalise to a web scheme (defangs included).
_WRITTEN_SCHEME = re.compile(r"(?:https?|hxxps?|ttps?|ftp):", re.IGNORECASE)


@dataclass(frozen=True)
class Expansion:
    """Where a link leads, what each hop is, and the overall verdict.

    Immutable; safe to share between threads.
    """

    url: str
    chain: tuple[str, ...]
    """Hops in order; the first is the link itself, the last the furthest reached."""
    hop_verdicts: tuple[Verdict, ...]
    """One verdict per hop checked (a hop checked is a hop never requested if it is blocked)."""
    verdict: Verdict
    """The most severe hop verdict."""
    stopped: str
    """Why expansion ended: ``final``, ``blocked`` (a listed hop, never requested),
    ``invalid`` (a hop the SDK cannot read, never requested), ``blocked-address`` (a hop to a
    non-public address, never requested), ``max-hops``, ``loop``, ``deadline`` or ``error``."""
    error: str | None = None
    requests: int = 0
    incomplete_action: Action = Action.WARN
    """The app's policy for a chain that stopped before its end (the Matcher's, by default)."""

    @property
    def action(self) -> Action:
        """What the app should do: ``block`` if any hop is listed; for a chain that stopped
        before its end (a hop not checked or not reached, a bound, a refused address) at least
        ``incomplete_action``, because the target was never seen; otherwise the hops' verdict.
        """
        action = self.verdict.action
        if action is Action.BLOCK or self.complete:
            return action
        return max(action, self.incomplete_action, key=lambda a: a.severity)

    @property
    def complete(self) -> bool:
        """The chain was followed to its end (``final``), so ``verdict`` covers the target."""
        return self.stopped == "final"


class Expander:
    """Follows shortened links for the app, on request. Thread-safe if the fetcher is.

    ``fetcher`` is any :class:`linkscreen.fetch.Fetcher` (default: the standard library's);
    it must honour the request's address policy, as the default does. ``incomplete_action``
    is what a chain that stopped before its end answers at least (default: the matcher's
    ``incomplete_action``, ``warn`` unless the app chose otherwise): such a target was never
    seen, so it is never a silent ``allow``.
    """

    def __init__(
        self,
        matcher: Matcher,
        fetcher: Fetcher | HopFetcher | None = None,
        *,
        max_hops: int = 10,
        timeout: float = 5.0,
        total_time: float = 15.0,
        max_bytes: int = 64 * 1024,
        allow_private: bool = False,
        incomplete_action: Action | None = None,
    ) -> None:
        self._matcher = matcher
        policy = getattr(matcher, "incomplete_action", Action.WARN)
        self._incomplete_action = Action(policy if incomplete_action is None else incomplete_action)
        self._fetch = fetcher
        self._max_hops = max_hops
        self._timeout = timeout
        self._total_time = total_time
        self._max_bytes = max_bytes
        self._allow_private = allow_private

    def expand(self, url: str) -> Expansion:
        """Follow ``url``; never raises (a failure is an Expansion saying what stopped it)."""
        try:
            return self._expand(url)
        except Exception as exc:  # the promise: a result, whatever went wrong
            verdict = self._check(url)
            message = f"{type(exc).__name__}: {exc}"
            return Expansion(
                url, (url,), (verdict,), verdict, "error", message, 0, self._incomplete()
            )

    def _expand(self, url: str) -> Expansion:
        try:
            start = _as_requested(url)
        except InvalidURLError as exc:
            verdict = self._check(url)
            return Expansion(
                url, (url,), (verdict,), verdict, "invalid", exc.reason, 0, self._incomplete()
            )
        verdicts: list[Verdict] = []
        unchecked: list[str] = []

        def check_first(hop: str) -> bool:
            """Request a hop only if the bundle was asked about it and did not block it."""
            try:
                verdict = self._matcher.check_url(hop)
            except Exception as exc:  # a hop that cannot be checked is not requested
                unchecked.append(f"hop not checked: {type(exc).__name__}: {exc}")
                verdicts.append(_unchecked(hop, unchecked[-1]))
                return False
            verdicts.append(verdict)
            return verdict.action is not Action.BLOCK

        chain = follow(
            start,
            self._fetch,
            before_request=check_first,
            allow_private=self._allow_private,
            max_hops=self._max_hops,
            timeout=self._timeout,
            total_time=self._total_time,
            max_bytes=self._max_bytes,
        )
        for hop in chain.hops[len(verdicts) :]:  # hops reached but not requested (loop, bound)
            verdicts.append(self._check(hop))
        worst = max(verdicts, key=lambda v: v.action.severity)
        stopped, error = chain.stopped, chain.error
        if unchecked:
            stopped, error = "error", unchecked[0]
        elif stopped == "refused":
            stopped = "blocked"
        return Expansion(
            url,
            tuple(chain.hops),
            tuple(verdicts),
            worst,
            stopped,
            error,
            chain.fetched,
            self._incomplete(),
        )

    def _incomplete(self) -> Action:
        return self._incomplete_action

    def _check(self, url: str) -> Verdict:
        try:
            return self._matcher.check_url(url)
        except Exception as exc:  # a matcher failure must not escape expand() either
            return _unchecked(url, f"not checked: {type(exc).__name__}: {exc}")


def _unchecked(url: str, why: str) -> Verdict:
    """The verdict for a URL the matcher failed on: ``allow`` only in form, ``error`` says why."""
    return Verdict(url, Action.ALLOW, error=why)


def _as_requested(url: str) -> str:
    """The link as written (port, case and escapes intact: the canonical form is for hashing)
    with an explicit web scheme; a defanged ``hxxp:`` becomes the scheme it hides."""
    canonical = canonicalize(url)  # refuse what is not a web URL before any request
    text = url.strip()
    written = _WRITTEN_SCHEME.match(text)
    if written is None:
        return f"http://{text}"
    return canonical.partition(":")[0] + text[written.end() - 1 :]
