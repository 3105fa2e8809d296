"""Canonical URLs by the Safe Browsing v4 rules (v5 for IPv6), plus the alternative readings.

``canonicalize`` gives the one canonical URL that the server hashes for a list entry and the
client hashes for a lookup; the two must agree byte for byte. ``canonical_variants`` adds the
URL as other parsers read it (backslash as a literal, percent-decoded authority), so the matcher
can check every host a person might actually reach. Rules and every choice where the spec is
silent are in docs/canonicalization.md.
"""

from __future__ import annotations

import re

from ._host import canonical_host
from ._percent import make_escaper, unescape_fully, unescape_once
from ._surrogates import as_read
from .errors import InvalidURLError, URLLimitError

__all__ = [
    "HOST_SCAN_CHARS",
    "MAX_URL_CHARS",
    "WEB_SCHEMES",
    "canonical_variants",
    "canonicalize",
    "host_only_variants",
    "web_scheme",
]

#: Longest input accepted, in characters. Common servers refuse request lines past 8-16 KiB;
#: 32 KiB leaves room for hostile padding while keeping the worst case cheap.
MAX_URL_CHARS = 32 * 1024

#: How much of a URL the host-only reading looks at. A host is at most 253 characters, but
#: userinfo, slashes and escapes may come first; 4 KiB keeps the fallback cheap on any input.
HOST_SCAN_CHARS = 4096

#: Schemes whose URLs are canonicalised; anything else (data:, javascript:, mailto:...) is refused.
WEB_SCHEMES = frozenset({"http", "https", "ftp"})

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_HOST_AND_PORT = re.compile(r"[^/\\?#:@]+:\d+(?:[/\\?#]|$)")
#: Scheme spellings people use to stop a link from being clickable ("ttp://" truncation, the
#: "hxxp://" defang); they mean the web scheme they hide. Other refanging is the extractor's job.
_DEFANGED_SCHEMES = {"ttp": "http", "ttps": "https", "hxxp": "http", "hxxps": "https"}
#: Schemes that are never a host name, even when followed by digits ("tel:5550100").
_OTHER_SCHEMES = frozenset(
    {"about", "blob", "chrome", "data", "file", "intent", "javascript", "magnet", "mailto"}
    | {"market", "sms", "tel", "vbscript", "ws", "wss"}
)
_ENCODED_WEB_URL = re.compile(r"(?:https?|ftp)%3a", re.IGNORECASE)
_BROWSER_AUTHORITY_END = re.compile(r"[/\\?#]")
_RFC_AUTHORITY_END = re.compile(r"[/?#]")
_C0_AND_SPACE = "".join(chr(c) for c in range(0x21))

_escape_path = make_escaper("?\\")
_escape_query = make_escaper("")


def canonicalize(url: str) -> str:
    """Return the canonical form of ``url`` as a browser reads it.

    Raises :class:`linkscreen.InvalidURLError` when there is no web URL with a host to read.
    """
    return _canonical(_prepare(url), url, browser=True)


def canonical_variants(url: str, refused: list[InvalidURLError] | None = None) -> list[str]:
    """Every distinct canonical URL that a reader of ``url`` could reach, browser reading first.

    Where parsers disagree (``\\`` before ``@``, ``%2F`` or ``%40`` in the authority) each
    reading is included: ``http://example.com%2F@evil.com/`` gives both ``evil.com`` and
    ``example.com``. Raises :class:`linkscreen.InvalidURLError` only if no reading is valid;
    when the browser reading is refused but another is valid, its error is appended to
    ``refused`` (if given).
    """
    text = _prepare(url)
    if "%" not in text and "\\" not in text:  # no trigger anywhere: one reading
        return [_canonical(text, url, browser=True)]
    readings = [(text, True)]
    region = _authority_region(text)
    if "\\" in region:
        readings.append((text, False))
    if "%" in region:
        start = text.find(region)
        decoded = text[:start] + unescape_fully(region, url) + text[start + len(region) :]
        readings.append((decoded, True))
        if "\\" in decoded:
            readings.append((decoded, False))
    variants: list[str] = []
    first_error: InvalidURLError | None = None
    for reading, browser in readings:
        try:
            canonical = _canonical(reading, url, browser=browser)
        except InvalidURLError as exc:
            if first_error is None and refused is not None and reading is text and browser:
                refused.append(exc)
            first_error = first_error or exc
            continue
        if canonical not in variants:
            variants.append(canonical)
    if not variants:
        assert first_error is not None
        raise first_error
    return variants


def host_only_variants(url: str) -> list[str]:
    """``scheme://host/`` for every reading of ``url`` whose host can be read.

    The fail-closed fallback for a URL that :func:`canonical_variants` refuses (too long, too
    deeply escaped, a malformed port or path): only the first ``HOST_SCAN_CHARS`` characters
    are read, the readings are those of ``canonical_variants``, the port is ignored, and the
    host is canonicalised exactly as ``canonicalize`` would. The path is never read. Raises
    :class:`linkscreen.InvalidURLError` when no host can be read (a non-web scheme, a host
    that is itself too deeply escaped, or an authority longer than the scanned prefix).
    Specified in docs/canonicalization.md ("Host-only reading").
    """
    if not isinstance(url, str):
        raise TypeError(f"url must be str, not {type(url).__name__}")
    cut = len(url) > HOST_SCAN_CHARS
    text = _prepare_text(url[:HOST_SCAN_CHARS], url)
    readings = [(text, True)]
    region = _authority_region(text)
    if "\\" in region:
        readings.append((text, False))
    first_error: InvalidURLError | None = None
    if "%" in region:
        start = text.find(region)
        try:
            decoded = text[:start] + unescape_fully(region, url) + text[start + len(region) :]
        except InvalidURLError as exc:
            first_error = exc
        else:
            readings.append((decoded, True))
            if "\\" in decoded:
                readings.append((decoded, False))
    hosts: list[str] = []
    for reading, browser in readings:
        try:
            hosts.append(_host_only(reading, url, browser=browser, cut=cut))
        except InvalidURLError as exc:
            first_error = first_error or exc
    if not hosts and cut:
        # the host may sit behind more userinfo than the scan reads: read the URL with
        # its userinfo left out (everything to the authority's last '@', RFC end)
        shorter = _without_userinfo(url)
        if shorter is not None:
            try:
                return host_only_variants(shorter)
            except InvalidURLError:
                pass
    if not hosts:
        assert first_error is not None
        raise first_error
    return list(dict.fromkeys(hosts))


_SCHEME_AND_SLASHES = re.compile(r"[\x00-\x20]*(?:[A-Za-z][A-Za-z0-9+.\-]*:)?[/\\]*")


def _without_userinfo(url: str) -> str | None:
    """``url`` without its userinfo (from after the scheme and slashes to the last ``@``
    before the first ``/ ? #``), or None when it has none: the host-only reading of a URL
    whose userinfo is longer than ``HOST_SCAN_CHARS``."""
    start = _SCHEME_AND_SLASHES.match(url)
    begin = 0 if start is None else start.end()
    end = _RFC_AUTHORITY_END.search(url, begin)
    at = url.rfind("@", begin, len(url) if end is None else end.start())
    return None if at < 0 else url[:begin] + url[at + 1 :]


#: A ``%`` that is no escape (not followed by two hex digits).
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def web_scheme(name: str) -> str | None:
    """The web scheme a written scheme name stands for (``HXXPS`` -> ``https``: the defangs
    of ``_DEFANGED_SCHEMES``), or None when it stands for none."""
    lowered = name.lower()
    scheme = _DEFANGED_SCHEMES.get(lowered, lowered)
    return scheme if scheme in WEB_SCHEMES else None


def head_variants(url: str) -> tuple[list[str], str] | None:
    """The readings of a web URL that :func:`canonical_variants` refused for what its host is
    written with, without that part: a port that is no number in 0..65535 (``:8o80``,
    ``:99999``), or a stray ``%`` in the host (``a.example%zz``). Both make a browser refuse
    the URL; an autolinker links the host before them. Returns ``(variants, dropped)``, the
    canonical readings of the URL without its port, with its host cut before the stray ``%``
    and (for the labels after it) with each stray ``%`` read as a dot, and the text dropped;
    None when the URL has no such part, is refused for another reason as well, or has no
    web scheme written (``queue.py::test`` is code, not a host and a port). Specified in
    docs/canonicalization.md ("Unreadable port or host tail").
    """
    text = _prepare(url)
    written = _SCHEME.match(text)
    if written is None or web_scheme(written[1]) is None:
        return None  # "queue.py::test", "java.net:x:1.6": no link without a web scheme
    scheme, rest = _split_scheme(text, url)
    rest = rest.lstrip("/\\")
    end = _BROWSER_AUTHORITY_END.search(rest)
    authority, tail = (rest, "") if end is None else (rest[: end.start()], rest[end.start() :])
    at = authority.rfind("@") + 1
    userinfo, host_port = authority[:at], authority[at:]
    if host_port.startswith("["):
        close = host_port.find("]")
        if close < 0:
            return None
        host, port = host_port[: close + 1], host_port[close + 1 :]
    else:
        host, colon, port = host_port.partition(":")
        port = colon + port
    dropped = port if port and not _valid_port(port) else ""
    hosts = [host]
    if "%" in host and not host.startswith("["):
        try:
            stray = "%" in unescape_fully(host, url)
        except InvalidURLError:
            stray = False
        if stray:
            found = _STRAY_PERCENT.search(host)
            cut = host.find("%") if found is None else found.start()
            dropped = host[cut:] + port
            hosts = [host[:cut], _STRAY_PERCENT.sub(".", host)]
    if not dropped:
        return None
    variants: list[str] = []
    for head in hosts:
        try:
            readings = canonical_variants(f"{scheme}://{userinfo}{head}{tail}")
        except InvalidURLError:
            continue
        variants.extend(v for v in readings if v not in variants)
    return (variants, dropped) if variants else None


def _valid_port(port: str) -> bool:
    """Whether ``:port`` after a host is one :func:`_strip_port` accepts."""
    try:
        _strip_port("a" + port, "")
    except InvalidURLError:
        return False
    return port.startswith(":")


def _host_only(text: str, url: str, *, browser: bool, cut: bool) -> str:
    scheme, rest = _split_scheme(text, url)
    rest = rest.lstrip("/\\") if browser else rest.lstrip("/")
    end = (_BROWSER_AUTHORITY_END if browser else _RFC_AUTHORITY_END).search(rest)
    if end is None and cut:
        raise URLLimitError(f"no end of the host within the first {HOST_SCAN_CHARS} characters")
    authority = rest if end is None else rest[: end.start()]
    host_port = authority[authority.rfind("@") + 1 :]
    if host_port.startswith("["):
        host = host_port[: host_port.find("]") + 1] or host_port
    else:
        host = host_port.partition(":")[0]
    return f"{scheme}://{canonical_host(host, url)}/"


def _prepare(url: str) -> str:
    """Bound the input, turn it into a byte string, trim it and drop tab, CR and LF."""
    if not isinstance(url, str):
        raise TypeError(f"url must be str, not {type(url).__name__}")
    if len(url) > MAX_URL_CHARS:
        raise URLLimitError(f"URL is {len(url)} characters; the limit is {MAX_URL_CHARS}", url)
    return _prepare_text(url, url)


def _prepare_text(text: str, url: str) -> str:
    """Turn ``text`` (all or the start of ``url``) into a trimmed byte string."""
    if not text.isascii():
        try:
            # Lone surrogates U+DC80..U+DCFF stand for raw bytes (Python's surrogateescape).
            raw = text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            # any other lone surrogate (broken UTF-16) is U+FFFD, as a browser reads it
            raw = as_read(text).encode("utf-8", "surrogateescape")
        text = raw.decode("latin-1")
    text = text.strip(_C0_AND_SPACE)
    if "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\t", "").replace("\n", "").replace("\r", "")
    for _ in range(3):
        if _ENCODED_WEB_URL.match(text) is None:
            break
        text = unescape_once(text)
    return text


def _split_scheme(text: str, url: str) -> tuple[str, str]:
    """Return ``(scheme, rest)``; a missing scheme means http, a non-web scheme is refused."""
    match = _SCHEME.match(text)
    if match is not None:
        scheme = match.group(1).lower()
        scheme = _DEFANGED_SCHEMES.get(scheme, scheme)
        if scheme in WEB_SCHEMES:
            return scheme, text[match.end() :]
        if scheme in _OTHER_SCHEMES or ("." not in scheme and not _HOST_AND_PORT.match(text)):
            raise InvalidURLError(f"{scheme!r} is not a web scheme", url)
        return "http", text  # "example.com:8080/x": a host and port, not a scheme
    if text[:1] in ("/", "\\"):
        if text[1:2] not in ("/", "\\"):
            raise InvalidURLError("a relative URL has no host", url)
        return "http", text  # "//host/path": scheme-relative
    return "http", text


def _authority_region(text: str) -> str:
    """The widest stretch a parser could take as the authority (scheme and slashes skipped)."""
    match = _SCHEME.match(text)
    scheme = match.group(1).lower() if match is not None else ""
    web = match is not None and _DEFANGED_SCHEMES.get(scheme, scheme) in WEB_SCHEMES
    rest = text[match.end() :] if match is not None and web else text
    rest = rest.lstrip("/\\")
    end = _RFC_AUTHORITY_END.search(rest)
    return rest if end is None else rest[: end.start()]


def _canonical(text: str, url: str, *, browser: bool) -> str:
    """Canonicalise a prepared URL; ``browser`` treats ``\\`` as ``/`` (WHATWG), else literal."""
    scheme, rest = _split_scheme(text, url)
    rest = rest.lstrip("/\\") if browser else rest.lstrip("/")
    end = (_BROWSER_AUTHORITY_END if browser else _RFC_AUTHORITY_END).search(rest)
    if end is None:
        authority, tail = rest, ""
    else:
        authority, tail = rest[: end.start()], rest[end.start() :]
    host = canonical_host(_strip_port(authority[authority.rfind("@") + 1 :], url), url)

    fragment = tail.find("#")
    if fragment >= 0:
        tail = tail[:fragment]
    path, has_query, query = tail.partition("?")
    if browser and "\\" in path:
        path = path.replace("\\", "/")
    canonical = f"{scheme}://{host}{_canonical_path(path, url)}"
    if has_query:
        if "%" in query:
            query = unescape_fully(query, url)
        canonical += "?" + _escape_query(query)
    return canonical


def _strip_port(host_port: str, url: str) -> str:
    """Drop a valid port; refuse a malformed one as a browser would."""
    if host_port.startswith("["):
        close = host_port.find("]")
        if close < 0:
            raise InvalidURLError("unclosed '[' in the host", url)
        host, port = host_port[: close + 1], host_port[close + 1 :]
        if port and port[0] != ":":
            raise InvalidURLError(f"unexpected {port!r} after an IPv6 host", url)
        port = port[1:]
    else:
        host, _, port = host_port.partition(":")
    # Leading zeros are allowed ("000080"); the length test keeps int() away from the
    # thousands of digits it refuses with a bare ValueError (its 4,300-digit limit).
    if port and not (
        port.isascii() and port.isdigit() and len(port.lstrip("0")) <= 5 and int(port[-6:]) <= 65535
    ):
        raise InvalidURLError(f"invalid port {port[:20]!r}", url)
    return host


def _canonical_path(path: str, url: str) -> str:
    """Unescape fully, resolve ``.``/``..`` and repeated slashes, re-escape."""
    if not path:
        return "/"
    if "%" in path:
        path = unescape_fully(path, url)
    if "/." in path or "//" in path or path[0] != "/":
        segments: list[str] = []
        parts = path.split("/")
        for part in parts:
            if part == "..":
                if segments:
                    segments.pop()
            elif part and part != ".":
                segments.append(part)
        trailing = parts[-1] in ("", ".", "..") and bool(segments)
        path = "/" + "/".join(segments) + ("/" if trailing else "")
    return _escape_path(path)
