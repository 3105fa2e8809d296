"""Follow a redirect chain one hop at a time, under hard bounds, through the fetcher interface.

Used by the opt-in :class:`linkscreen.Expander` on the device and by the server's ``resolve``.
The core never follows a redirect by itself. Before a hop is requested, in this order:

1. it is offered to a ``before_request`` callback (the Expander checks it against the bundle
   and refuses a listed hop, which is then never contacted);
2. it must be readable by the SDK's own URL rules (:func:`linkscreen.fetch.request_target`): a
   hop that cannot be canonicalised is never requested, whatever its host;
3. unless private addresses are allowed, its host must not be a loopback, private or other
   non-public address in any spelling, and the fetcher checks every address the host resolves
   to and connects only to a checked one.

Hops, bytes and total time are bounded; ``follow`` never raises. No cookies are kept, no
Referer is sent, and requests carry the same fixed, generic headers for everyone. The
meta-refresh reader is a linear scan (no regular-expression backtracking).
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from ._join import join_url
from .errors import (
    BlockedAddressError,
    DownloadError,
    DownloadTimeoutError,
    InvalidURLError,
)
from .fetch import (
    Fetcher,
    Request,
    Response,
    StdlibFetcher,
    guarded_fetch,
    public_addresses_only,
    request_target,
)

__all__ = [
    "REDIRECT_STATUSES",
    "REQUEST_HEADERS",
    "HopFetcher",
    "HttpResponse",
    "RedirectChain",
    "StdlibFetcher",
    "follow",
    "join_url",
    "meta_refresh_target",
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

#: The response type of the fetcher interface, under its earlier name.
HttpResponse = Response


class HopFetcher(Protocol):
    """The callable ``follow`` took before :class:`linkscreen.fetch.Fetcher`; still accepted.

    One request, no redirects followed, body cut at ``max_bytes``.
    """

    def __call__(
        self, method: str, url: str, *, timeout: float, max_bytes: int
    ) -> HttpResponse: ...


class _HopAdapter:
    """A legacy hop callable seen through the Fetcher interface (its own address handling
    cannot be checked: ``follow`` still refuses literal private addresses before calling it)."""

    def __init__(self, call: HopFetcher) -> None:
        self._call = call

    def fetch(self, request: Request) -> Response:
        return self._call(
            request.method, request.url, timeout=request.deadline_s, max_bytes=request.max_bytes
        )


# ---- where a response sends the client ---------------------------------------------------

_SPACE = b" \t\n\r\f"
_HTML_SPACE = " \t\n\r\f"
_ATTRIBUTE_NAME = re.compile(rb"[^ \t\n\r\f/>=]*")
_UNQUOTED_VALUE = re.compile(rb"[^ \t\n\r\f>]*")
_SPACES = re.compile(rb"[ \t\n\r\f]*")
_TAG_NAME = re.compile(rb"[a-z][^ \t\n\r\f/>]*")
#: Where markup may start: any other "<" is text.
_TAG_START = re.compile(rb"<[a-z!?/]")
#: Elements whose content is text, not markup, in a browser with scripting on (``<meta`` in
#: them is no tag), and ``template``, whose content is not in the document.
_RAW_TEXT = frozenset(
    {b"script", b"style", b"textarea", b"title", b"xmp", b"iframe", b"noembed", b"noframes"}
    | {b"noscript", b"template"}
)
#: Longest body scanned for a meta refresh (the fetcher's cap is usually smaller).
MAX_META_SCAN_BYTES = 1024 * 1024


def meta_refresh_target(body: bytes) -> str | None:
    """The URL of the first ``<meta http-equiv="refresh" content="N; url=...">`` in ``body``
    that a browser would see as a tag.

    Either attribute order, quoted or not; ``;``, ``,`` or a space after the time (a plain
    reload such as ``content="5"`` is not a hop). Markup is read as a browser tokenises it, so
    a ``<meta`` inside a comment, an attribute value, a script or another raw-text element, or
    a tag cut off by the end of the page, is not a refresh. One pass over the bytes: every step
    advances, so a hostile page costs time linear in its length.
    """
    lower = body[:MAX_META_SCAN_BYTES].lower()
    end = len(lower)
    position = 0
    while position < end:
        found = _TAG_START.search(lower, position)
        if found is None:
            return None
        start = found.start()
        if lower.startswith(b"<!--", start):
            position = _comment_end(lower, start)
            continue
        if lower.startswith((b"<!", b"<?"), start):  # doctype, CDATA, bogus comment
            close = lower.find(b">", start + 2)
            position = end if close < 0 else close + 1
            continue
        closing = lower.startswith(b"</", start)
        name_match = _TAG_NAME.match(lower, start + (2 if closing else 1))
        if name_match is None:
            position = start + 1  # "<" that starts no tag is text
            continue
        name = name_match.group()
        attributes, position, complete = _attributes(body, lower, name_match.end())
        if not complete:
            return None  # a tag cut off by the end of the page is dropped by a browser
        if closing:
            continue
        if name == b"meta":
            if attributes.get(b"http-equiv", b"").strip(_SPACE).lower() == b"refresh":
                content = attributes.get(b"content", b"").decode("utf-8", "surrogateescape")
                target = _refresh_url(html.unescape(content))
                if target is not None:
                    return target
        elif name in _RAW_TEXT:
            position = _raw_text_end(lower, position, name)
        elif name == b"plaintext":
            return None  # everything after it is text
    return None


def _comment_end(lower: bytes, start: int) -> int:
    """The position after the comment opened at ``start`` (``<!-->`` and ``<!--->`` are
    empty comments; an unclosed one runs to the end)."""
    for empty in (b"<!-->", b"<!--->"):
        if lower.startswith(empty, start):
            return start + len(empty)
    close = lower.find(b"-->", start + 4)
    return len(lower) if close < 0 else close + 3


def _raw_text_end(lower: bytes, position: int, name: bytes) -> int:
    """The position after the end tag ``</name`` that closes raw text starting at
    ``position`` (the end of the page when there is none)."""
    end = len(lower)
    closer = b"</" + name
    while True:
        found = lower.find(closer, position)
        if found < 0:
            return end
        after = found + len(closer)
        if after >= end or lower[after] in b" \t\n\r\f/>":
            return found  # the end tag itself is read as a tag
        position = after


def _attributes(body: bytes, lower: bytes, position: int) -> tuple[dict[bytes, bytes], int, bool]:
    """Attributes of the tag whose name ends at ``position``; returns them (names lower-cased,
    first occurrence wins, as in HTML), the position after the tag's ``>``, and whether the
    tag was closed before the end of the page."""
    attributes: dict[bytes, bytes] = {}
    end = len(lower)
    while position < end:
        char = lower[position]
        if char in b" \t\n\r\f/":
            position += 1
            continue
        if char == 0x3E:  # ">"
            return attributes, position + 1, True
        # Progress: a name char advances here, and "=" (the only other stop) advances below.
        name_end = _ATTRIBUTE_NAME.match(lower, position).end()  # type: ignore[union-attr]
        if name_end == position:
            name_end += 1  # "=" where a name starts is part of the name (HTML)
        name = lower[position:name_end]
        position = _SPACES.match(lower, name_end).end()  # type: ignore[union-attr]
        value = b""
        if position < end and lower[position] == 0x3D:  # "="
            position = _SPACES.match(lower, position + 1).end()  # type: ignore[union-attr]
            if position < end and lower[position] in b"\"'":
                close = lower.find(lower[position : position + 1], position + 1)
                close = end if close < 0 else close  # unclosed: the tag is cut off below
                value, position = body[position + 1 : close], close + 1
            else:
                value_end = _UNQUOTED_VALUE.match(lower, position).end()  # type: ignore[union-attr]
                value, position = body[position:value_end], value_end
        attributes.setdefault(name, value)
    return attributes, end, False


def _skip_spaces(text: str, position: int) -> int:
    while position < len(text) and text[position] in _HTML_SPACE:
        position += 1
    return position


def _refresh_url(content: str) -> str | None:
    """The URL in a refresh value (a meta tag's ``content`` or a ``Refresh`` header) by HTML's
    shared declarative refresh steps; None for a plain reload or a value they reject. The time
    may be followed by ``;``, ``,`` or only spaces (``0 http://x.test/``); ``url=`` and quotes
    around the URL are optional."""
    end = len(content)
    position = _skip_spaces(content, 0)
    digits = position
    while position < end and content[position] in "0123456789":
        position += 1
    if position == digits and not content.startswith(".", position):
        return None  # no time
    while position < end and content[position] in "0123456789.":
        position += 1
    if position < end:
        if content[position] not in ";," + _HTML_SPACE:
            return None
        position = _skip_spaces(content, position)
        if position < end and content[position] in ";,":
            position += 1
        position = _skip_spaces(content, position)
    target = content[position:]
    if content[position : position + 1] in ("u", "U"):
        if content[position + 1 : position + 3].lower() != "rl":
            return target.strip() or None
        after = _skip_spaces(content, position + 3)
        if not content.startswith("=", after):
            return target.strip() or None
        position = _skip_spaces(content, after + 1)
    quote = content[position : position + 1]
    if quote in ("'", '"'):
        close = content.find(quote, position + 1)
        target = content[position + 1 :] if close < 0 else content[position + 1 : close]
    else:
        target = content[position:]
    return target.strip() or None


def next_hop(response: Response, url: str) -> str | None:
    """Where ``response`` sends the client: a redirect's Location, the HTTP ``Refresh``
    header (any other status: browsers follow it as they follow the meta tag, and before it),
    or an HTML meta refresh.

    The target is resolved against ``url`` as a browser resolves it (WHATWG URL, where ``\\``
    is ``/``: ``Location: /\\host/x`` goes to ``host``), never with ``urllib``'s reading.
    Raises InvalidURLError when the target cannot be joined to ``url`` (a malformed Location).
    """
    target: str | None = None
    if response.status in REDIRECT_STATUSES:
        location = response.headers.get("location")
        target = location.strip() if location else None
    else:
        refresh = response.headers.get("refresh")  # before the meta tag, as in a browser
        if refresh:
            target = _refresh_url(refresh)  # a header: no character references
        if target is None and 200 <= response.status < 300 and response.body:
            target = meta_refresh_target(response.body)
    if not target:
        return None
    return join_url(url, target)


# ---- following a chain -------------------------------------------------------------------


@dataclass
class RedirectChain:
    """The URLs visited (the first is the start), and why following stopped."""

    hops: list[str] = field(default_factory=list)
    stopped: str = ""
    """``final`` (no further hop), ``refused`` (before_request said no), ``invalid`` (a hop the
    SDK cannot read, never requested), ``blocked-address``, ``max-hops``, ``loop``,
    ``deadline`` or ``error``. ``final`` with ``error`` set: the last page was cut at
    ``max_bytes``, so a meta refresh past that was not seen."""
    error: str | None = None
    fetched: int = 0
    """How many requests were made."""

    @property
    def final(self) -> str:
        return self.hops[-1]


def follow(
    url: str,
    fetch: Fetcher | HopFetcher | None = None,
    *,
    max_hops: int = 10,
    timeout: float = 5.0,
    total_time: float = 15.0,
    max_bytes: int = 64 * 1024,
    before_request: Callable[[str], bool] = lambda _url: True,
    allow_private: bool = False,
) -> RedirectChain:
    """Follow ``url`` hop by hop. Never raises: the chain says what stopped it and why.

    HEAD first; GET when HEAD is refused, or to read a 2xx HTML page for a meta refresh.
    ``timeout`` bounds each request, ``total_time`` the whole chain (both inside reads).
    """
    fetcher: Fetcher
    if fetch is None:
        fetcher = StdlibFetcher()
    elif isinstance(fetch, Fetcher):
        fetcher = fetch
    else:
        fetcher = _HopAdapter(fetch)
    policy = None if allow_private else public_addresses_only
    chain = RedirectChain([url])
    deadline = time.monotonic() + total_time
    seen = {url}
    current = url
    while True:
        if not before_request(current):
            chain.stopped = "refused"
            return chain
        try:
            where = request_target(current)
        except InvalidURLError as exc:
            chain.stopped, chain.error = "invalid", f"cannot read the hop: {exc.reason}"
            return chain
        refusal = where.refusal(policy) if policy is not None else None
        if refusal is not None:
            chain.stopped, chain.error = "blocked-address", refusal
            return chain
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            chain.stopped = "deadline"
            return chain
        try:
            response = _request(fetcher, current, min(timeout, remaining), max_bytes, policy, chain)
            target = next_hop(response, current)
        except BlockedAddressError as exc:
            chain.stopped, chain.error = "blocked-address", str(exc)
            return chain
        except InvalidURLError as exc:
            chain.stopped, chain.error = "invalid", str(exc)
            return chain
        except DownloadError as exc:
            timed_out = isinstance(exc, DownloadTimeoutError) or time.monotonic() >= deadline
            chain.stopped, chain.error = ("deadline" if timed_out else "error"), str(exc)
            return chain
        if target is None:
            chain.stopped = "final"
            if response.truncated and 200 <= response.status < 300:
                # a page cut at the cap: a refresh further down was not seen (said, not warned:
                # most pages are longer than the cap and end here)
                chain.error = f"only the first {max_bytes} bytes of the page were read"
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
    fetcher: Fetcher,
    url: str,
    timeout: float,
    max_bytes: int,
    policy: Callable[..., str | None] | None,
    chain: RedirectChain,
) -> Response:
    started = time.monotonic()

    def one(method: str, cap: int) -> Response:
        chain.fetched += 1
        left = timeout - (time.monotonic() - started)
        if left <= 0:
            raise DownloadTimeoutError(f"{url}: no answer within {timeout:g} s")
        request = Request(
            url,
            method,
            REQUEST_HEADERS,
            max_bytes=cap,
            deadline_s=left,
            truncate=True,
            address_policy=policy,
        )
        return guarded_fetch(fetcher, request)

    response = one("HEAD", 0)
    wants_body = 200 <= response.status < 300 and "html" in response.headers.get(
        "content-type", "html"
    )
    if response.status in _HEAD_REFUSED or wants_body:
        response = one("GET", max_bytes)
    return response
