"""Canonical hosts: unescape, IDN (UTS #46) to punycode, IPv4/IPv6 normal forms, escaping.

Input and output are "byte strings" (see ``_percent``). The output is pure ASCII and contains
no character that would change how the canonical URL parses again (``/ ? # @ : \\ [ ]`` are
escaped), so canonicalising a canonical URL returns it unchanged.
"""

from __future__ import annotations

import ipaddress
import re

from ._percent import MAX_UNESCAPE_ROUNDS, make_escaper, unescape_fully
from ._unicode import UnicodeMapError, uts46_remap
from .errors import InvalidURLError

#: Characters kept out of a canonical host on top of the Safe Browsing set, so that the host
#: reads back as the same host (idempotence); see docs/canonicalization.md.
_HOST_STRUCTURAL = "/?@:\\[]"
_escape_host = make_escaper(_HOST_STRUCTURAL)

#: NAT64 well-known prefix (RFC 6052): 64:ff9b::a.b.c.d is the IPv4 host a.b.c.d.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")

_C0_OR_SPACE = frozenset(chr(c) for c in range(0x21)) | {"\x7f"}


def canonical_host(raw: str, url: str) -> str:
    """Return the canonical form of the host part ``raw`` of ``url`` (port and userinfo removed)."""
    if raw.startswith("["):
        return _canonical_ipv6(raw, url)
    host = raw
    if "%" in host:
        host = unescape_fully(host, url)
    unicode_host: str | None = None
    if not host.isascii():
        unicode_host, host = _map_idn(host, url)
    if "." in host and (host[0] == "." or host[-1] == "." or ".." in host):
        host = ".".join(label for label in host.split(".") if label)
    if not host:
        raise InvalidURLError("the URL has no host", url)
    if "%" in host:
        # a '%' that is no escape ("a.example%zz"): a forbidden host code point, which a
        # browser refuses (WHATWG); the matcher checks the host before it (read_head)
        raise InvalidURLError(f"stray '%' in the host {host[:40]!r}", url)
    last = host[host.rfind(".") + 1 :]
    if last and last[0] in "0123456789":
        ipv4 = _parse_ipv4(host, url)
        if ipv4 is not None:
            return ipv4
    return _escape_host(_ascii_lower(host) if unicode_host is None else _to_punycode(host))


def _ascii_lower(text: str) -> str:
    """Lowercase A-Z only: a byte string may hold Latin-1 letters that must stay as bytes."""
    if text.isascii():
        return text.lower()
    return text.encode("latin-1").lower().decode("latin-1")


def _map_idn(host: str, url: str) -> tuple[str | None, str]:
    """Map a non-ASCII host by UTS #46 (non-transitional, no STD3 rules), from pinned tables.

    Returns ``(unicode, mapped)`` where ``mapped`` is the mapped Unicode host, or ``(None, host)``
    when the bytes are not a UTF-8 domain UTS #46 accepts: such a host stays as raw bytes and is
    percent-escaped, which is what the Safe Browsing vectors require (``\\x01\\x80.com``).
    """
    for _ in range(MAX_UNESCAPE_ROUNDS):
        try:
            text = host.encode("latin-1").decode("utf-8")
        except UnicodeDecodeError:
            return None, host
        if any(ch in _C0_OR_SPACE for ch in text):
            return None, host
        try:
            mapped = uts46_remap(text)
        except UnicodeMapError:
            return None, host
        if "%" not in mapped:
            return text, mapped
        # Mapping produced new escapes (full-width "％４１"): unescape and map again, so that
        # the output never holds an escape that a second canonicalisation would decode.
        again = unescape_fully(mapped.encode("utf-8").decode("latin-1"), url)
        if again.isascii():
            return text, again
        host = again
    raise InvalidURLError("host keeps producing escapes under IDN mapping", url)


def _to_punycode(host: str) -> str:
    """ASCII form of a mapped Unicode host: RFC 3492 per label, never Python's 'idna' codec."""
    labels = []
    for label in host.split("."):
        if label.isascii():
            labels.append(label.lower())
        else:
            labels.append("xn--" + label.encode("punycode").decode("ascii"))
    return ".".join(labels)


#: The digits of each base an IPv4 part may be written in (WHATWG's IPv4 number parser).
_IPV4_DIGITS = {16: "0123456789abcdefABCDEF", 8: "01234567", 10: "0123456789"}


def _parse_ipv4_number(part: str) -> int | None:
    """One IPv4 part in WHATWG's reading: 0x.. hex, 0.. octal, else decimal; None if invalid."""
    if part[:2] in ("0x", "0X"):
        digits, base = part[2:], 16
        if not digits:
            return 0
    elif len(part) > 1 and part[0] == "0":
        digits, base = part[1:], 8
    else:
        digits, base = part, 10
    if not digits or digits.strip(_IPV4_DIGITS[base]):
        return None  # only the base's own digits: no sign, "_", space or second "0x" prefix
    try:
        return int(digits, base)
    except ValueError:  # past int()'s 4,300 decimal digits: far past any IPv4 part
        return None


#: A dotted quad as ``str(ipaddress.IPv4Address)`` writes one: four decimal numbers 0..255,
#: no leading zero (read by WHATWG's parser as decimal, so the canonical host is itself).
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])"
_DOTTED_QUAD = re.compile(rf"{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}")


def _parse_ipv4(host: str, url: str) -> str | None:
    """Dotted quad for a host that ends in a number, None for a host name.

    Follows the WHATWG URL Standard: a host whose last label is a number must be a valid IPv4
    address in decimal, octal or hex with one to four parts, or the URL is refused (a browser
    refuses it too). Out-of-range parts are refused, not wrapped.
    """
    if _DOTTED_QUAD.fullmatch(host) is not None:
        return host  # four decimal parts 0..255 without leading zeros: already canonical
    parts = host.split(".")
    last = parts[-1]
    if not (last.isdigit() and last.isascii()) and _parse_ipv4_number(last) is None:
        return None
    if len(parts) > 4:
        raise InvalidURLError(f"host {host!r} ends in a number but has more than 4 parts", url)
    numbers = []
    for part in parts:
        number = _parse_ipv4_number(part)
        if number is None:
            raise InvalidURLError(f"host {host!r} ends in a number but {part!r} is not one", url)
        numbers.append(number)
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        raise InvalidURLError(f"host {host!r} is an out-of-range IPv4 address", url)
    value = numbers[-1]
    for index, number in enumerate(numbers[:-1]):
        value += number << (8 * (3 - index))
    return str(ipaddress.IPv4Address(value))


def _canonical_ipv6(raw: str, url: str) -> str:
    """``[compressed lowercase]``; IPv4-mapped and NAT64 (64:ff9b::/96) become the IPv4 host."""
    if not raw.endswith("]") or "%" in raw:
        raise InvalidURLError(f"malformed IPv6 host {raw!r}", url)
    try:
        address = ipaddress.IPv6Address(raw[1:-1])
    except ValueError as exc:
        raise InvalidURLError(f"malformed IPv6 host {raw!r} ({exc})", url) from None
    if address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    if address in _NAT64:
        return str(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return f"[{address.compressed}]"
