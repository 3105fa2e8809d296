"""Readings of a web URL whose host the canonicaliser refuses (ADR 0029).

A browser opens no such URL (``http://192.0.2.256/``, ``http://[jqxvw.example]/``,
``http://١٩٢.0.2.55/`` with Arabic-Indic digits), but a person reads a host in it, and an
autolinker or another client may open what that person reads. The matcher checks these
readings and never answers ``allow`` for the URL on its own: what a client opens for it
cannot be known, so the check is incomplete. Only a URL with a web scheme written (or a
defanged one, ``hxxp://``) and a host that looks like a host (a dot in it) is read here:
``http://<your-domain>/`` and ``http://${HOST}/`` in docs and templates are no link.
"""

from __future__ import annotations

import re
import unicodedata

from .canonical import WEB_SCHEMES

__all__ = ["digit_address", "host_parts", "salvaged_urls"]

#: A written scheme and its slashes; the scheme is checked against the web schemes.
_WRITTEN_SCHEME = re.compile(r"\s*([A-Za-z][A-Za-z0-9+.\-]*):[/\\]*")
_DEFANGED = {"ttp": "http", "ttps": "https", "hxxp": "http", "hxxps": "https"}
#: Where the authority ends as a browser reads it.
_AUTHORITY_END = re.compile(r"[/\\?#]")
#: Labels of letters and digits (any script) and inner hyphens, joined by dots: what a host
#: reading needs at least (``<your-domain>``, ``${HOST}``, ``*.example`` are none).
_PORT = re.compile(r":[^/\\?#]*")
_DOT = re.compile(r"[.\uff0e\u3002\uff61]")
_DOTTED = re.compile(r"[^\W_](?:[\w\-]*[^\W_])?(?:[.\uff0e\u3002\uff61][^\W_](?:[\w\-]*[^\W_])?)+")


def host_parts(url: str) -> tuple[str, str, str, str] | None:
    """``(scheme, before, host, after)`` of a URL with a web scheme written, split around
    the host as written (userinfo and port are in ``before`` and ``after``), or None when
    it has no web scheme written or its host does not look like a dotted host."""
    written = _WRITTEN_SCHEME.match(url)
    if written is None:
        return None
    name = written[1].lower()
    scheme = _DEFANGED.get(name, name)
    if scheme not in WEB_SCHEMES:
        return None
    begin = written.end()
    end = _AUTHORITY_END.search(url, begin)
    stop = len(url) if end is None else end.start()
    at = url.rfind("@", begin, stop)
    start = begin if at < 0 else at + 1
    host_port = url[start:stop]
    if host_port.startswith("["):  # "[jqxvw.example]": no IPv6 address, or none closed
        close = host_port.find("]")
        host = host_port[1:] if close < 0 else host_port[1:close]
        after = url[start + 1 + len(host) + (close >= 0) :]
    else:
        host = host_port.partition(":")[0]
        after = url[start + len(host) :]
    if not host or _DOTTED.fullmatch(host) is None:
        return None
    before = f"{scheme}://" + url[begin:start]
    return scheme, before, host, after


def salvaged_urls(url: str) -> list[str]:
    """The URLs a person reads in ``url`` when its host is refused: the host without the
    brackets around it (not an IPv6 address), and with its digits of other scripts written
    as ASCII digits (``١٩٢`` is 192); ``url`` itself first, as the host it names."""
    parts = host_parts(url)
    if parts is None:
        return []
    _, before, host, after = parts
    port = _PORT.match(after)
    tail = after[port.end() :] if port is not None else after
    if port is not None and port[0][1:].isascii() and port[0][1:].isdigit():
        tail = port[0] + tail  # a port that reads is kept; any other is left out

    found = [f"{before}{host}{tail}"]
    digits = "".join(_ascii_digit(ch) for ch in host)
    if digits != host:
        found.append(f"{before}{digits}{tail}")
    return list(dict.fromkeys(found))


def digit_address(url: str) -> str | None:
    """``url`` with its host written in ASCII digits, when the host is a dotted-quad address
    whose digits are (some of them) of another script (``١٩٢.٠.٢.٥٥``): a browser reads an
    IDN host in a top-level domain that cannot exist, a person reads the address. None
    otherwise (every other host, digits of another script inside a name included)."""
    parts = host_parts(url)
    if parts is None or parts[2].isascii():
        return None
    _, before, host, after = parts
    labels = _DOT.split(host)
    if len(labels) != 4 or not all(label and all(map(_is_digit, label)) for label in labels):
        return None
    digits = ".".join("".join(map(_ascii_digit, label)) for label in labels)
    return f"{before}{digits}{after}"


def _is_digit(char: str) -> bool:
    return unicodedata.decimal(char, None) is not None


def _ascii_digit(char: str) -> str:
    """A decimal digit of any script as its ASCII digit; any other character as it is."""
    if char.isascii():
        return char
    value = unicodedata.decimal(char, None)
    return char if value is None else str(value)
