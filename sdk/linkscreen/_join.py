"""Resolve a redirect target against the URL it came from, as a browser does (WHATWG URL).

A ``Location`` header or a refresh URL is a *reference*: absolute, scheme-relative, or a path.
Browsers resolve it with the WHATWG URL parser, where in the special schemes (``http``,
``https``, ``ftp``, ``ws``, ``wss``) a ``\\`` is a ``/``: ``/\\host/x``, ``\\\\host``,
``http:\\\\host`` and ``http:/\\host`` all name the *host* ``host``. ``urllib.parse.urljoin``
reads ``\\`` as a path character instead, so a chain checked with it is not the chain a browser
follows. This module follows the WHATWG states for a special base, in one linear pass:

- a scheme of the base's own kind with no ``//`` (``http:\\\\host``, ``http:x``) is relative;
- any other special scheme skips every ``/`` and ``\\`` before its authority;
- two leading slashes of either kind start an authority (more are skipped);
- the authority ends at the first ``/``, ``\\``, ``?`` or ``#`` (its host after the last ``@``,
  read later by :func:`linkscreen.canonicalize`, the same browser reading);
- path segments are split at ``/`` and ``\\``; ``.``, ``..`` and their ``%2e`` spellings are
  resolved against the base's path.

The result is written with ``/`` only and no ``\\`` before the query, so every reader of it
(the bundle check, :func:`linkscreen.fetch.request_target`, the browser) sees one host. A
non-special reference (``javascript:``, ``mailto:``) is returned as written: nothing requests it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import InvalidURLError

__all__ = ["SPECIAL_SCHEMES", "join_url"]

#: WHATWG's special schemes other than ``file``: a backslash is a slash in them.
SPECIAL_SCHEMES = frozenset({"http", "https", "ftp", "ws", "wss"})
_SLASHES = "/\\"
_STRIPPED = "".join(chr(c) for c in range(0x21))
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_SCHEME_CHARS = _LETTERS | frozenset("0123456789+-.")
_SINGLE_DOT = frozenset({".", "%2e"})
_DOUBLE_DOT = frozenset({"..", ".%2e", "%2e.", "%2e%2e"})


@dataclass
class _Parts:
    scheme: str
    authority: str
    segments: list[str]
    query: str | None
    fragment: str | None

    def text(self) -> str:
        url = f"{self.scheme}://{self.authority}/" + "/".join(self.segments)
        if self.query is not None:
            url += "?" + self.query
        if self.fragment is not None:
            url += "#" + self.fragment
        return url


def join_url(base: str, reference: str) -> str:
    """The absolute URL a browser reaches from ``base`` (an ``http``/``https`` URL) through
    ``reference``. Raises InvalidURLError when there is no such URL (an empty host)."""
    parts = _parse(_clean(base), None, base)
    if parts is None:
        raise InvalidURLError("the base of a redirect is not a web URL", base)
    text = _clean(reference)
    joined = _parse(text, parts, reference)
    return text if joined is None else joined.text()


def _clean(text: str) -> str:
    """Leading and trailing C0 controls and spaces go; tabs and line breaks anywhere go."""
    text = text.strip(_STRIPPED)
    if "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\t", "").replace("\n", "").replace("\r", "")
    return text


def _scheme(text: str) -> tuple[str, int] | None:
    """``(scheme lower-cased, index after the colon)``, or None when ``text`` has no scheme."""
    if not text or text[0] not in _LETTERS:
        return None
    index = 1
    while index < len(text) and text[index] in _SCHEME_CHARS:
        index += 1
    if index < len(text) and text[index] == ":":
        return text[:index].lower(), index + 1
    return None


def _parse(text: str, base: _Parts | None, original: str) -> _Parts | None:
    """``text`` read against ``base``; None for a URL of a non-special scheme (or no base and
    no special scheme)."""
    found = _scheme(text)
    if found is not None:
        scheme, position = found
        if scheme not in SPECIAL_SCHEMES:
            return None
        if base is not None and scheme == base.scheme:  # "http:\\host", "http:x", "http://h"
            return _relative(text, position, base, original)
        return _authority(scheme, text, _skip_slashes(text, position), original)
    if base is None:
        return None
    return _relative(text, 0, base, original)


def _skip_slashes(text: str, position: int) -> int:
    while position < len(text) and text[position] in _SLASHES:
        position += 1
    return position


def _relative(text: str, position: int, base: _Parts, original: str) -> _Parts:
    """WHATWG's relative state: the reference at ``position`` against ``base``."""
    rest = text[position:]
    if rest[:1] in ("/", "\\"):
        if rest[1:2] in ("/", "\\"):  # "//host", "\\host", "/\host", "\/host"
            return _authority(base.scheme, text, _skip_slashes(text, position), original)
        return _path(base.scheme, base.authority, [], text, position + 1)
    if not rest:
        return _Parts(base.scheme, base.authority, list(base.segments), base.query, None)
    if rest[0] == "?":
        query, fragment = _query_and_fragment(text, position)
        return _Parts(base.scheme, base.authority, list(base.segments), query, fragment)
    if rest[0] == "#":
        return _Parts(base.scheme, base.authority, list(base.segments), base.query, rest[1:])
    return _path(base.scheme, base.authority, base.segments[:-1], text, position)


def _authority(scheme: str, text: str, position: int, original: str) -> _Parts:
    """The authority starting at ``position`` (slashes already skipped), then the path."""
    end = position
    while end < len(text) and text[end] not in "/\\?#":
        end += 1
    authority = text[position:end]
    host_port = authority[authority.rfind("@") + 1 :]
    if not host_port or host_port.startswith(":"):
        raise InvalidURLError("the redirect target has an empty host", original)
    if host_port.startswith("[") and "]" not in host_port:
        raise InvalidURLError("unclosed '[' in the redirect target's host", original)
    if end < len(text) and text[end] in _SLASHES:
        end += 1
    return _path(scheme, authority, [], text, end)


def _path(scheme: str, authority: str, segments: list[str], text: str, position: int) -> _Parts:
    """Path segments from ``position`` (split at ``/`` and ``\\``) appended to ``segments``,
    dot segments resolved as WHATWG's path state does; then the query and fragment."""
    path = list(segments)
    end = position
    while end < len(text) and text[end] not in "?#":
        end += 1
    pieces = text[position:end].replace("\\", "/").split("/")
    for index, piece in enumerate(pieces):
        last = index == len(pieces) - 1
        lowered = piece.lower()
        if lowered in _DOUBLE_DOT:
            if path:
                path.pop()
            if last:
                path.append("")
        elif lowered in _SINGLE_DOT:
            if last:
                path.append("")
        else:
            path.append(piece)
    query, fragment = _query_and_fragment(text, end)
    return _Parts(scheme, authority, path, query, fragment)


def _query_and_fragment(text: str, position: int) -> tuple[str | None, str | None]:
    """From ``position`` (at ``?``, ``#`` or the end): the query and the fragment, if any."""
    rest = text[position:]
    fragment: str | None = None
    if "#" in rest:
        rest, _, fragment = rest.partition("#")
    query = rest[1:] if rest.startswith("?") else None
    return query, fragment
