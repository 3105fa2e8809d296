"""App-launch schemes that open a web URL: read them to the URL they open (ADR 0027).

A browser's own scheme (``googlechromes://host/x``, ``microsoft-edge:https://host/x``) or an
Android intent (``intent://host/x#Intent;scheme=https;...;end``) makes the phone open a web
URL in a browser, so a listed page behind one must be checked like the URL itself. Only
schemes documented by their vendor, or in wide use by apps that hand links to browsers, are
read (docs/canonicalization.md, "App-launch schemes"); any other unknown scheme is repaired
by the matcher and answered as incomplete. Nothing here canonicalises: the URLs are returned
as the browser receives them, and the caller checks each as it would check any URL.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = [
    "APP_SCHEMES",
    "MAX_APP_DEPTH",
    "NON_WEB_SCHEMES",
    "AppLink",
    "app_link",
    "opened_urls",
    "scheme_of",
]

#: App-launch URLs read inside one another (``microsoft-edge:googlechromes://...``).
MAX_APP_DEPTH = 3

#: ``scheme://rest`` opens ``http(s)://rest``: the scheme stands for the web scheme it
#: replaces (Chrome for iOS; Opera; Safari's ``x-safari-https`` of iOS 17).
_REPLACES = {
    "googlechrome": "http",
    "googlechromes": "https",
    "opera-http": "http",
    "opera-https": "https",
    "x-safari-https": "https",
}
#: ``scheme://open-url?url=URL``: the URL is a query parameter (Firefox, Firefox Focus,
#: Brave and Opera for iOS).
_PARAMETER = frozenset({"firefox", "firefox-focus", "brave", "opera"})
#: ``scheme:URL``: the rest is the URL itself (Windows launches Edge with it; a browser
#: loads the page to show its source; a blob URL names the page that made it).
_PREFIXES = frozenset({"microsoft-edge", "view-source", "blob"})
#: Every scheme this module reads (``intent`` is Android's intent URI).
APP_SCHEMES = frozenset({"intent", *_REPLACES, *_PARAMETER, *_PREFIXES})

#: Schemes that name another protocol or a non-web app: understood, and not a web page (the
#: matcher answers ``allow`` with the reason). Any other unknown scheme is not understood.
NON_WEB_SCHEMES = frozenset(
    {"about", "callto", "chrome", "chrome-extension", "content", "data", "edge"}
    | {"facetime", "facetime-audio", "file", "geo", "itms", "itms-apps", "itms-services"}
    | {"javascript", "magnet", "mailto", "market", "moz-extension", "ms-settings", "news"}
    | {"sms", "smsto", "tel", "urn", "vbscript", "webcal", "ws", "wss"}
)

_SCHEME = re.compile(r"[\x00-\x20]*([A-Za-z][A-Za-z0-9+.\-]*):")
_WEB = re.compile(r"(?:https?|ftp):", re.IGNORECASE)
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")


class AppLink(NamedTuple):
    """What an app-launch URL opens: its scheme and the web URLs (as written) it carries.
    ``urls`` is empty when the scheme is known but no web URL could be read from it."""

    scheme: str
    urls: tuple[str, ...]


def scheme_of(url: str) -> str | None:
    """The lower-cased scheme ``url`` starts with (after C0 controls and spaces), if any."""
    match = _SCHEME.match(url)
    return None if match is None else match.group(1).lower()


def app_link(url: str) -> AppLink | None:
    """The web URLs an app-launch URL opens; None when ``url`` has no such scheme."""
    match = _SCHEME.match(url)
    if match is None:
        return None
    scheme = match.group(1).lower()
    if scheme not in APP_SCHEMES:
        return None
    rest = url[match.end() :]
    found: list[str] = []
    if scheme == "intent":
        found.extend(_intent(rest))
    elif scheme in _REPLACES:
        found.append(f"{_REPLACES[scheme]}:{rest}")
    elif scheme in _PREFIXES and rest[:1] not in ("", "?", "#"):  # "?ux=...": a feature
        nested = _WEB.match(rest) or scheme_of(rest) in APP_SCHEMES
        found.append(rest if nested else "http://" + rest.lstrip("/\\"))
    # any query value that is a web URL is opened too ("open-url?url=", "?url=")
    if scheme != "intent":
        found.extend(_query_urls(rest))
    urls = tuple(dict.fromkeys(u.strip() for u in found if u.strip()))
    return AppLink(scheme, urls)


def opened_urls(url: str) -> tuple[AppLink, bool] | None:
    """The web URLs an app-launch URL finally opens, through up to ``MAX_APP_DEPTH``
    app-launch URLs inside one another, and whether that bound left some unread; None when
    ``url`` has no app-launch scheme."""
    link = app_link(url)
    if link is None:
        return None
    found: list[str] = []
    frontier = list(link.urls)
    for _ in range(MAX_APP_DEPTH):
        inner: list[str] = []
        for target in frontier:
            nested = app_link(target)
            if nested is None:
                found.append(target)
            else:
                inner.extend(nested.urls)
        frontier = inner
        if not frontier:
            break
    return AppLink(link.scheme, tuple(dict.fromkeys(found))), bool(frontier)


def _intent(rest: str) -> list[str]:
    """An intent URI's data URL (``scheme=`` + the part before ``#Intent;``) and its
    ``S.browser_fallback_url`` (decoded once, as Android decodes extras)."""
    at = rest.lower().rfind("#intent;")
    head, fields = (rest, "") if at < 0 else (rest[:at], rest[at + len("#intent;") :])
    scheme = ""
    found: list[str] = []
    for field in fields.split(";"):
        name, _, value = field.partition("=")
        if name == "scheme":
            scheme = value
        elif name == "S.browser_fallback_url":
            found.append(_unquote(value))
    if head.strip("/"):
        # no scheme= means no web URL is named; read the host as the web's would be
        found.insert(0, f"{scheme or 'http'}:{head if head.startswith('/') else '//' + head}")
    return found


def _query_urls(rest: str) -> list[str]:
    query = rest.partition("?")[2].partition("#")[0]
    found = []
    for part in query.split("&"):
        value = _unquote(part.partition("=")[2])
        if _WEB.match(value):
            found.append(value)
    return found


def _unquote(text: str) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "%" in text else text
