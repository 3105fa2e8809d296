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

from .canonical import web_scheme

__all__ = [
    "digit_address",
    "host_parts",
    "salvaged_urls",
    "shown_urls",
    "templated",
    "written_web_scheme",
]

#: A written scheme and its slashes; the scheme is checked against the web schemes.
_WRITTEN_SCHEME = re.compile(r"\s*([A-Za-z][A-Za-z0-9+.\-]*):[/\\]*")
#: Where the authority ends as a browser reads it.
_AUTHORITY_END = re.compile(r"[/\\?#]")
#: Labels of letters and digits (any script) and inner hyphens, joined by dots: what a host
#: reading needs at least (``<your-domain>``, ``${HOST}``, ``*.example`` are none).
_PORT = re.compile(r":[^/\\?#]*")
_DOT = re.compile(r"[.\uff0e\u3002\uff61]")
_DOTTED = re.compile(r"[^\W_](?:[\w\-]*[^\W_])?(?:[.\uff0e\u3002\uff61][^\W_](?:[\w\-]*[^\W_])?)+")


def written_web_scheme(url: str) -> str | None:
    """The web scheme ``url`` is written with (a defanged one as the scheme it stands for),
    or None."""
    written = _WRITTEN_SCHEME.match(url)
    return None if written is None else web_scheme(written[1])


#: What a refused host is read without: brackets and spaces around it, dots at its ends
#: (``.`` ``。`` ``．`` ``｡`` and ``%2e``), an IPv6 zone (``%25eth0``).
_HOST_EDGES = re.compile(
    r"^(?:[\s\[\]]|%2[eE]|[.\uff0e\u3002\uff61])+|(?:[\s\[\]]|%2[eE]|[.\uff0e\u3002\uff61])+$"
)
_MAPPED = re.compile(r":(\d{1,3}(?:\.\d{1,3}){3})$")
_ZONE = re.compile(r"%(?:25)?[A-Za-z0-9_.~-]*$")


#: Template and placeholder syntax in an authority (``<your-domain>``, ``${HOST}``,
#: ``{{ host }}``, ``%s``): no host anyone reads.
_TEMPLATE = re.compile(r"[<>{}$|^`\"']|%s|\s")


def templated(url: str) -> bool:
    """Whether the authority of ``url`` is written with template or placeholder syntax."""
    written = _WRITTEN_SCHEME.match(url)
    begin = 0 if written is None else written.end()
    end = _AUTHORITY_END.search(url, begin)
    return _TEMPLATE.search(url, begin, len(url) if end is None else end.start()) is not None


def host_parts(url: str) -> tuple[str, str, str, bool] | None:
    """``(before, host, after, bracketed)`` of a URL with a web scheme written, split around
    its host as a person reads it (userinfo and port are in ``before`` and ``after``; the
    host without the brackets, spaces, end dots and IPv6 zone around it), or None when it
    has no web scheme written or that host does not look like a dotted name or address."""
    scheme = written_web_scheme(url)
    if scheme is None:
        return None
    begin = _WRITTEN_SCHEME.match(url).end()  # type: ignore[union-attr]
    end = _AUTHORITY_END.search(url, begin)
    stop = len(url) if end is None else end.start()
    at = url.rfind("@", begin, stop)
    start = begin if at < 0 else at + 1
    host_port = url[start:stop]
    bracketed = host_port.startswith("[")
    if bracketed:  # "[jqxvw.example]": no IPv6 address, or none closed
        close = host_port.rfind("]")
        written = host_port if close < 0 else host_port[: close + 1]
        host = _ZONE.sub("", written.strip("[] \t").strip("[]"))
        mapped = _MAPPED.search(host)
        if mapped is not None:  # "::ffff:192.0.2.55" with a zone: the IPv4 address in it
            host = mapped.group(1)
        elif host.count(":") == 1:  # "[name.example:443]": a port written inside
            host = host.partition(":")[0]
    else:
        written = host_port.partition(":")[0]
        host = written
    after = url[start + len(written) :]
    host = _HOST_EDGES.sub("", host)
    if not host or _DOTTED.fullmatch(host) is None:
        return None
    return f"{scheme}://" + url[begin:start], host, after, bracketed


def salvaged_urls(url: str) -> list[str]:
    """The URLs a person reads in ``url`` when its host is refused: the host without the
    brackets around it (not an IPv6 address), and with its digits of other scripts written
    as ASCII digits (``١٩٢`` is 192); ``url`` itself first, as the host it names."""
    parts = host_parts(url)
    if parts is None:
        return []
    before, host, after, _ = parts
    if after[:1] not in ("", ":", "/", "\\", "?", "#"):
        # "[name.example]%40other.test/": what is glued after the host is no part of it
        cut = _AUTHORITY_END.search(after)
        after = "" if cut is None else after[cut.start() :]
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
    if parts is None or parts[1].isascii():
        return None
    before, host, after, _ = parts
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


#: What a person skips inside a host when reading it: spaces of any kind and characters
#: that draw as nothing (format characters, U+2028/U+2029 included).
_UNSEEN_IN_HOST = re.compile(r"[\s\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]+")


def shown_urls(url: str, authority_end: int) -> list[str]:
    """The form of ``url`` a person may read when its authority (``url[:authority_end]``)
    holds spaces the browser refuses in a host (attack 15 F): without the spaces and
    invisible characters in it (``https://jqx vw.example/`` reads as ``jqxvw.example``), or
    none. Escapes need no form here: ``scan_text``, which reads the URL too, reads what they
    spell (``jqxvw%C2%B7example`` as ``jqxvw·example``, ADR 0029)."""
    authority, rest = url[:authority_end], url[authority_end:]
    start = authority.find("//")
    start = 0 if start < 0 else start + 2
    head, host = authority[:start], authority[start:]
    # (its escapes need no decoded form here: scan_text reads what they spell, ADR 0029)
    squeezed = _UNSEEN_IN_HOST.sub("", host)
    return [head + squeezed + rest] if squeezed != host and squeezed else []
