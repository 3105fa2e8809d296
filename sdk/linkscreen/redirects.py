"""Follow a redirect chain one hop at a time, under hard bounds, with a replaceable fetcher.

Used by the opt-in :class:`linkscreen.Expander` on the device and by the server's ``resolve``.
The core never follows a redirect by itself: every hop is offered to a ``before_request``
callback first (the Expander checks it against the bundle and may refuse it). No cookies are
kept, no Referer is sent, and requests carry the same fixed, generic headers for everyone.
"""

from __future__ import annotations

import http.client
import ipaddress
import re
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urljoin, urlsplit

__all__ = [
    "REDIRECT_STATUSES",
    "Fetcher",
    "HttpResponse",
    "RedirectChain",
    "StdlibFetcher",
    "follow",
    "next_hop",
]

#: Status codes whose Location is followed.
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: Status codes meaning "this method is not allowed here": retry the hop with GET.
_HEAD_REFUSED = frozenset({400, 403, 404, 405, 501})
#: Headers every request carries: nothing that identifies the person, the app or the SDK.
REQUEST_HEADERS: Mapping[str, str] = {
    "User-Agent": "Mozilla/5.0",
    "Accept": "*/*",
    "Connection": "close",
}
# <meta http-equiv="refresh" content="0; url=..."> in either attribute order; the ";" is
# required, so a plain reload (content="5") is not a hop.
_META_REFRESH = re.compile(
    rb"""<meta[^>]+http-equiv\s*=\s*["']?refresh["']?[^>]*content\s*=\s*["']?\s*\d*\s*;"""
    rb"""\s*(?:url\s*=\s*)?["']?([^"'>\s]+)""",
    re.IGNORECASE,
)
_META_REFRESH_REVERSED = re.compile(
    rb"""<meta[^>]+content\s*=\s*["']?\s*\d*\s*;\s*(?:url\s*=\s*)?["']?([^"'>\s]+)"""
    rb"""[^>]*http-equiv\s*=\s*["']?refresh""",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: Mapping[str, str]
    """Header names lower-cased."""
    body: bytes = b""
    """At most the byte bound of the request."""


class Fetcher(Protocol):
    """One HTTP request, no redirects followed, body cut at ``max_bytes``; raises OSError."""

    def __call__(
        self, method: str, url: str, *, timeout: float, max_bytes: int
    ) -> HttpResponse: ...


class StdlibFetcher:
    """The default fetcher: ``http.client`` with certificate checks, one connection per hop."""

    def __init__(self, context: ssl.SSLContext | None = None) -> None:
        self._context = context or ssl.create_default_context()

    def __call__(self, method: str, url: str, *, timeout: float, max_bytes: int) -> HttpResponse:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise OSError(f"cannot fetch {url!r}: not an http(s) URL")
        connection: http.client.HTTPConnection
        if parts.scheme == "https":
            connection = http.client.HTTPSConnection(
                parts.hostname, parts.port, timeout=timeout, context=self._context
            )
        else:
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request(method, target, headers=dict(REQUEST_HEADERS))
            response = connection.getresponse()
            body = b"" if method == "HEAD" else response.read(max_bytes)
            headers = {name.lower(): value for name, value in response.getheaders()}
            return HttpResponse(response.status, headers, body)
        except (http.client.HTTPException, ssl.SSLError) as exc:
            raise OSError(f"{type(exc).__name__}: {exc}") from None
        finally:
            connection.close()


def next_hop(response: HttpResponse, url: str) -> str | None:
    """Where ``response`` sends the client: a redirect's Location or an HTML meta refresh."""
    if response.status in REDIRECT_STATUSES:
        location = response.headers.get("location")
        return urljoin(url, location.strip()) if location else None
    if 200 <= response.status < 300 and response.body:
        for pattern in (_META_REFRESH, _META_REFRESH_REVERSED):
            match = pattern.search(response.body)
            if match:
                target: str = match.group(1).decode("utf-8", "replace").strip()
                return urljoin(url, target)
    return None


@dataclass
class RedirectChain:
    """The URLs visited (the first is the start), and why following stopped."""

    hops: list[str] = field(default_factory=list)
    stopped: str = ""
    """``final`` (no further hop), ``refused`` (before_request said no), ``max-hops``, ``loop``,
    ``deadline``, ``error`` or ``blocked-address``."""
    error: str | None = None
    fetched: int = 0
    """How many requests were made."""

    @property
    def final(self) -> str:
        return self.hops[-1]


def is_private_address(host: str) -> bool:
    """Literal loopback, private, link-local or unspecified addresses, and ``localhost``."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or (address.is_unspecified or address.is_reserved)
    )


def follow(
    url: str,
    fetch: Fetcher,
    *,
    max_hops: int = 10,
    timeout: float = 5.0,
    total_time: float = 15.0,
    max_bytes: int = 64 * 1024,
    before_request: Callable[[str], bool] = lambda _url: True,
    allow_private: bool = False,
) -> RedirectChain:
    """Follow ``url`` hop by hop. Never raises for network trouble: the chain says what failed.

    HEAD first; GET when HEAD is refused, or to read a 2xx HTML page for a meta refresh.
    """
    chain = RedirectChain([url])
    deadline = time.monotonic() + total_time
    seen = {url}
    current = url
    while True:
        if not before_request(current):
            chain.stopped = "refused"
            return chain
        host = urlsplit(current).hostname or ""
        if not allow_private and is_private_address(host):
            chain.stopped = "blocked-address"
            chain.error = f"{host} is a private or loopback address"
            return chain
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            chain.stopped = "deadline"
            return chain
        try:
            response = _request(fetch, current, min(timeout, remaining), max_bytes, chain)
        except OSError as exc:  # includes timeouts and refused connections
            chain.stopped = "deadline" if time.monotonic() >= deadline else "error"
            chain.error = str(exc) or type(exc).__name__
            return chain
        target = next_hop(response, current)
        if target is None:
            chain.stopped = "final"
            return chain
        if target in seen:
            chain.hops.append(target)
            chain.stopped = "loop"
            return chain
        if len(chain.hops) - 1 >= max_hops:  # redirects followed so far
            chain.stopped = "max-hops"
            return chain
        chain.hops.append(target)
        seen.add(target)
        current = target


def _request(
    fetch: Fetcher, url: str, timeout: float, max_bytes: int, chain: RedirectChain
) -> HttpResponse:
    chain.fetched += 1
    response = fetch("HEAD", url, timeout=timeout, max_bytes=0)
    wants_body = 200 <= response.status < 300 and "html" in response.headers.get(
        "content-type", "html"
    )
    if response.status in _HEAD_REFUSED or wants_body:
        chain.fetched += 1
        response = fetch("GET", url, timeout=timeout, max_bytes=max_bytes)
    return response
