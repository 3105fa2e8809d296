"""One small network interface for every request the SDK makes: updates, expansion, reports.

A :class:`Fetcher` turns one :class:`Request` into one :class:`Response` or raises a
:class:`~linkscreen.DownloadError` subclass, never anything else. It follows no redirect,
keeps no cookie and adds no header of its own beyond ``Host``, ``Connection: close``,
``Content-Length`` and ``If-None-Match``. Any HTTP status is a response: the caller decides.

The default, :class:`StdlibFetcher`, uses only the standard library, imported on first use, so
``import linkscreen`` loads no network code. Its invariants:

- the byte cap and the overall deadline hold *inside* every read and write, so a server that
  sends one byte a second can stretch neither;
- the host is read by the SDK's own canonical host rules (``127.1``, ``0x7f.1``, full-width
  digits all read as ``127.0.0.1``), resolved once, and with an address policy *every*
  resolved address is checked before any connection; the connection goes to an address that
  was checked, and TLS still verifies the host name (SNI).
"""

from __future__ import annotations

import io
import ipaddress
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, runtime_checkable

from ._surrogates import as_read
from .canonical import canonicalize
from .errors import (
    BlockedAddressError,
    DownloadError,
    DownloadTimeoutError,
    DownloadTooLargeError,
    InvalidURLError,
)

if TYPE_CHECKING:
    import socket
    import ssl

__all__ = [
    "DEFAULT_DEADLINE_S",
    "DEFAULT_MAX_BYTES",
    "WIRE_ALLOWANCE",
    "AddressPolicy",
    "Fetcher",
    "IPAddress",
    "Request",
    "RequestTarget",
    "Resolver",
    "Response",
    "StdlibFetcher",
    "guarded_fetch",
    "public_addresses_only",
    "request_target",
    "wire_cap",
]

#: Body bytes accepted when a request does not say (a metadata file, a redirect page).
DEFAULT_MAX_BYTES = 1024 * 1024
#: Seconds one request may take from the first DNS query to the last body byte.
DEFAULT_DEADLINE_S = 30.0
#: Bytes asked of the socket per read: large enough for speed, small enough to re-check often.
_READ_CHUNK = 64 * 1024
#: Bytes a response may use on the wire beyond its body cap: every head (interim ``1xx``
#: answers included) and one read-ahead buffer, plus chunk framing (sizes, extensions,
#: trailers) up to 1/64 of the cap. Honest answers stay far below; see :func:`wire_cap`.
WIRE_ALLOWANCE = 64 * 1024 + _READ_CHUNK

IPAddress: TypeAlias = ipaddress.IPv4Address | ipaddress.IPv6Address
#: Returns why a connection to ``address`` is refused, or None to allow it.
AddressPolicy: TypeAlias = Callable[[IPAddress], "str | None"]
#: ``(host, port) -> addresses`` (as text); the default asks the system resolver once.
Resolver: TypeAlias = Callable[[str, int], Sequence[str]]


@dataclass(frozen=True)
class Request:
    """One HTTP request, with every bound the caller needs enforced by the fetcher."""

    url: str
    """An absolute ``http`` or ``https`` URL."""
    method: str = "GET"
    headers: Mapping[str, str] = field(default_factory=dict)
    """Sent as given; the fetcher adds only Host, Connection, Content-Length, If-None-Match."""
    body: bytes | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    """Largest body accepted; more raises DownloadTooLargeError unless ``truncate``."""
    deadline_s: float = DEFAULT_DEADLINE_S
    """Overall limit in seconds for resolving, connecting, sending and reading everything."""
    etag: str | None = None
    """Sent as If-None-Match; a matching server answers 304 with no body."""
    truncate: bool = False
    """Cut the body at ``max_bytes`` (``Response.truncated``) instead of failing."""
    address_policy: AddressPolicy | None = None
    """Checked against every address the host resolves to before connecting (the Expander
    passes :func:`public_addresses_only`); None connects wherever the host resolves."""


@dataclass(frozen=True)
class Response:
    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    """Header names lower-cased; repeated headers joined with ``", "``."""
    body: bytes = b""
    """At most the request's ``max_bytes``; empty for HEAD, 204 and 304."""
    truncated: bool = False
    """The server sent more than ``max_bytes`` and the request asked for truncation."""

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")


@runtime_checkable
class Fetcher(Protocol):
    """What the Updater, the Expander and the Reporter need from the network.

    An implementation must honour every field of the request (cap, deadline, address policy),
    follow no redirect, and raise only :class:`~linkscreen.DownloadError` subclasses. Wrap an
    app's own HTTP stack in one of these to route the SDK's traffic through it.
    """

    def fetch(self, request: Request) -> Response: ...


def guarded_fetch(fetcher: Fetcher, request: Request) -> Response:
    """``fetcher.fetch(request)``, holding even a foreign fetcher to the contract.

    Whatever it raises becomes a DownloadError, and a body over the cap is refused (or cut),
    so a faulty app-supplied fetcher cannot make the SDK raise or read unbounded data.
    """
    try:
        response = fetcher.fetch(request)
    except DownloadError:
        raise
    except Exception as exc:  # the contract: callers see DownloadError, nothing else
        raise DownloadError(f"{_shown(request.url)}: {type(exc).__name__}: {exc}") from exc
    if not isinstance(response, Response):
        raise DownloadError(f"{_shown(request.url)}: the fetcher returned no Response")
    if len(response.body) > request.max_bytes:
        if not request.truncate:
            raise DownloadTooLargeError(
                f"{_shown(request.url)}: more than {request.max_bytes} bytes"
            )
        response = Response(
            response.status, response.headers, response.body[: request.max_bytes], True
        )
    return response


# ---- addresses ---------------------------------------------------------------------------

#: NAT64 prefixes (RFC 6052 well-known, RFC 8215 local use): the low 32 bits are an IPv4 host.
_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))
#: Special-purpose blocks that are not globally reachable (IANA registries, RFC 6890), listed
#: here as well because ``ipaddress``'s own tables differ between Python versions.
_NON_GLOBAL = tuple(
    ipaddress.ip_network(block)
    for block in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
        "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16",
        "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        "::/8", "100::/64", "2001::/23", "2001:db8::/32", "fc00::/7", "fe80::/10", "fec0::/10",
        "ff00::/8",
    )
)  # fmt: skip


def public_addresses_only(address: IPAddress) -> str | None:
    """Refuse loopback, private, link-local, multicast, reserved, unspecified and other
    non-global addresses, IPv4 and IPv6, including an IPv4 address embedded in IPv6
    (IPv4-mapped, NAT64, 6to4). Returns the reason, or None for a public address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and any(address in network for network in _NAT64):
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            reason = public_addresses_only(embedded)
            if reason is not None:
                return f"{address} embeds {reason}"
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        ("site-local", isinstance(address, ipaddress.IPv6Address) and address.is_site_local),
        ("special-purpose", any(address in block for block in _NON_GLOBAL)),
        ("non-global", not address.is_global),
    )
    for name, hit in checks:  # the most specific name first
        if hit:
            return f"{address} is a {name} address"
    return None


# ---- reading the URL ---------------------------------------------------------------------

_WEB_SCHEME = re.compile(r"(https?):", re.IGNORECASE)
_AUTHORITY_END = re.compile(r"[/\\?#]")
#: A canonical host that DNS can be asked about (anything else stays unrequested).
_DNS_NAME = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*")
_STRIPPED = "".join(chr(c) for c in range(0x21))
#: Bytes escaped in the request target: controls, space, non-ASCII and what HTTP forbids.
_PATH_ESCAPE = frozenset(b'"<>`{}') | frozenset(range(0x21)) | frozenset(range(0x7F, 0x100))
_QUERY_ESCAPE = frozenset(b'"<>') | frozenset(range(0x21)) | frozenset(range(0x7F, 0x100))


@dataclass(frozen=True)
class RequestTarget:
    """Where a URL sends a request, read as a browser reads it."""

    scheme: str
    host: str
    """The canonical host: lower-case ASCII (punycode), dotted-quad IPv4 or bare IPv6."""
    port: int
    target: str
    """Path and query as written, escaped to printable ASCII; the fragment is dropped."""

    @property
    def address(self) -> IPAddress | None:
        """The host as an IP address when it is a literal, else None."""
        try:
            return ipaddress.ip_address(self.host)
        except ValueError:
            return None

    def refusal(self, policy: AddressPolicy) -> str | None:
        """Why ``policy`` refuses this host before any lookup: a literal address it refuses, or
        a ``localhost`` name (always this machine, RFC 6761). None when a lookup may decide."""
        literal = self.address
        if literal is not None:
            reason = policy(literal)
            return None if reason is None else f"{self.host}: {reason}"
        if self.host == "localhost" or self.host.endswith(".localhost"):
            return f"{self.host} is a loopback name"
        return None

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


def request_target(url: str) -> RequestTarget:
    """Read ``url`` for requesting it; raises InvalidURLError when that cannot be done safely.

    The host comes from :func:`linkscreen.canonicalize` (the browser reading), so the host that
    is checked, resolved and connected to is exactly the host the bundle was checked against.
    """
    text = url.strip(_STRIPPED).replace("\t", "").replace("\n", "").replace("\r", "")
    scheme_match = _WEB_SCHEME.match(text)
    if scheme_match is None:
        raise InvalidURLError("only http and https URLs can be requested", url)
    scheme = scheme_match.group(1).lower()
    canonical = canonicalize(text)
    host = canonical[canonical.index("://") + 3 :]
    host = host[: _AUTHORITY_END.search(host + "/").start()]  # type: ignore[union-attr]
    if host.startswith("["):
        host = host[1:-1]
    elif _DNS_NAME.fullmatch(host) is None:
        raise InvalidURLError(f"host {host[:80]!r} cannot be looked up", url)
    rest = text[scheme_match.end() :].lstrip("/\\")
    end = _AUTHORITY_END.search(rest)
    authority, tail = (rest, "") if end is None else (rest[: end.start()], rest[end.start() :])
    host_port = authority[authority.rfind("@") + 1 :]
    if host_port.startswith("["):
        port_text = host_port[host_port.find("]") + 1 :].removeprefix(":")
    else:
        port_text = host_port.partition(":")[2]
    port = int(port_text) if port_text else (443 if scheme == "https" else 80)  # checked above
    if port == 0:
        raise InvalidURLError("port 0 cannot be requested", url)
    tail = tail.partition("#")[0]
    path, has_query, query = tail.partition("?")
    path = _escape(path.replace("\\", "/") or "/", _PATH_ESCAPE)
    if not path.startswith("/"):
        path = "/" + path
    target = path + ("?" + _escape(query, _QUERY_ESCAPE) if has_query else "")
    return RequestTarget(scheme, host, port, target)


def _escape(text: str, unsafe: frozenset[int]) -> str:
    if text.isascii() and not any(ord(ch) in unsafe for ch in text):
        return text
    try:
        raw = text.encode("utf-8", "surrogateescape")  # U+DC80-U+DCFF stand for raw bytes
    except UnicodeEncodeError:  # another lone surrogate: U+FFFD, what the matcher read
        raw = as_read(text).encode("utf-8", "surrogateescape")
    return "".join(f"%{byte:02X}" if byte in unsafe else chr(byte) for byte in raw)


def _shown(url: str) -> str:
    return url if len(url) <= 200 else url[:200] + "..."


# ---- the standard-library fetcher --------------------------------------------------------


class StdlibFetcher:
    """The default fetcher: ``socket``, ``ssl`` and ``http.client``, one connection per request.

    Thread-safe: it keeps no state between requests. ``context`` replaces the default TLS
    context (certificate and host name checks on); ``resolver`` replaces the system resolver
    (tests use it to play DNS).
    """

    def __init__(
        self, context: ssl.SSLContext | None = None, resolver: Resolver | None = None
    ) -> None:
        self._context = context
        self._resolver = resolver

    def fetch(self, request: Request) -> Response:
        import http.client
        import ssl

        deadline = time.monotonic() + max(0.0, request.deadline_s)
        try:
            return self._fetch(request, deadline)
        except DownloadError:
            raise
        except TimeoutError:
            raise DownloadTimeoutError(
                f"{_shown(request.url)}: no answer within {request.deadline_s:.3g} s"
            ) from None
        except InvalidURLError as exc:
            raise DownloadError(f"{_shown(request.url)}: {exc.reason}") from None
        except (
            OSError,  # socket errors, refused connections, ssl.SSLError, certificate failures
            http.client.HTTPException,  # malformed status lines, headers, chunking
            ssl.CertificateError,
            ValueError,  # invalid header values, bad chunk sizes
            UnicodeError,
            EOFError,
        ) as exc:
            raise DownloadError(f"{_shown(request.url)}: {type(exc).__name__}: {exc}") from None

    def _fetch(self, request: Request, deadline: float) -> Response:
        import http.client

        where = request_target(request.url)
        addresses = self._addresses(where, request, deadline)
        sock = self._connect(where, addresses, deadline)
        try:
            wrapped = _DeadlineSocket(sock, deadline, wire_cap(request.max_bytes), request.url)
            connection = http.client.HTTPConnection(where.host, where.port)
            connection.sock = wrapped  # connect() is never called: the socket is ours
            headers = {"Host": where.host_header, "Connection": "close", **request.headers}
            if request.etag:
                headers["If-None-Match"] = request.etag
            if request.body is not None:
                headers["Content-Length"] = str(len(request.body))
            connection.putrequest(
                request.method, where.target, skip_host=True, skip_accept_encoding=True
            )
            for name, value in headers.items():
                connection.putheader(name, value)
            connection.endheaders(request.body)
            answer = connection.getresponse()
            body, truncated = b"", False
            if request.method != "HEAD" and answer.status not in (204, 304):
                body, truncated = _read_body(answer, request, deadline)
            names: dict[str, str] = {}
            for name, value in answer.getheaders():
                key = name.lower()
                names[key] = f"{names[key]}, {value}" if key in names else value
            return Response(answer.status, names, body, truncated)
        finally:
            sock.close()

    def _addresses(self, where: RequestTarget, request: Request, deadline: float) -> list[str]:
        policy = request.address_policy
        refusal = where.refusal(policy) if policy is not None else None
        if refusal is not None:
            raise BlockedAddressError(refusal)
        literal = where.address
        if literal is not None:
            found = [str(literal)]
        else:
            found = _resolve(self._resolver or _system_resolver, where, deadline)
        if not found:
            raise DownloadError(f"{where.host}: no address")
        if policy is not None:
            for text in found:
                try:
                    address = ipaddress.ip_address(text.partition("%")[0])
                except ValueError:
                    raise BlockedAddressError(
                        f"{where.host}: unreadable address {text!r}"
                    ) from None
                reason = policy(address)
                if reason is not None:
                    raise BlockedAddressError(f"{where.host} resolves to {reason}")
        return found

    def _connect(
        self, where: RequestTarget, addresses: list[str], deadline: float
    ) -> socket.socket:
        import socket

        last: OSError | None = None
        for text in addresses:  # each one checked by the policy, none resolved again
            family = socket.AF_INET6 if ":" in text else socket.AF_INET
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                sock.settimeout(_remaining(deadline))
                sock.connect((text, where.port))
                if where.scheme == "https":
                    sock.settimeout(_remaining(deadline))  # the handshake has its own deadline
                    sock = self._tls_context().wrap_socket(sock, server_hostname=where.host)
                return sock
            except (OSError, DownloadError) as exc:
                sock.close()
                if isinstance(exc, DownloadError | TimeoutError):
                    raise
                last = exc
        raise DownloadError(f"{where.host}: cannot connect ({last})")

    def _tls_context(self) -> ssl.SSLContext:
        import ssl

        if self._context is None:
            self._context = ssl.create_default_context()
        return self._context


def wire_cap(max_bytes: int) -> int:
    """Most bytes read from the socket for a response whose body may have ``max_bytes``: the
    cap holds for heads, interim answers and chunk framing too, not only the body."""
    body = max(0, max_bytes)
    return body + WIRE_ALLOWANCE + body // 64


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("deadline passed")
    return left


def _system_resolver(host: str, port: int) -> list[str]:
    import socket

    infos = socket.getaddrinfo(host.encode("ascii"), port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _resolve(resolver: Resolver, where: RequestTarget, deadline: float) -> list[str]:
    """Ask the resolver once, in a helper thread, so that a slow DNS answer cannot outlast
    the deadline (the thread is left to finish on its own; its answer is dropped)."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["found"] = list(resolver(where.host, where.port))
        except Exception as exc:  # handed to the caller below
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="linkscreen-resolve", daemon=True)
    worker.start()
    worker.join(_remaining(deadline))
    if worker.is_alive():
        raise TimeoutError(f"resolving {where.host} took too long")
    if "error" in outcome:
        error = outcome["error"]
        raise DownloadError(f"{where.host}: cannot resolve ({type(error).__name__}: {error})")
    return [str(address) for address in outcome["found"]]


def _read_body(answer: Any, request: Request, deadline: float) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    total = 0
    limit = max(0, request.max_bytes)
    while True:
        chunk = answer.read(min(_READ_CHUNK, limit + 1 - total))
        if not chunk:
            if answer.length:  # Content-Length promised more than arrived
                raise DownloadError(
                    f"{_shown(request.url)}: body ended {answer.length} bytes short"
                )
            return b"".join(chunks), False
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            if request.truncate:
                return b"".join(chunks)[:limit], True
            raise DownloadTooLargeError(f"{_shown(request.url)}: more than {limit} bytes")
        _remaining(deadline)


class _DeadlineSocket:
    """What ``http.client`` needs of a socket, with the overall deadline re-armed before every
    send and every receive: each blocking call may take only the time left. Every byte read is
    counted against ``cap`` (http.client reads interim heads, chunk extensions and trailers
    with no limit of its own)."""

    def __init__(self, sock: socket.socket, deadline: float, cap: int, url: str) -> None:
        self._sock = sock
        self._deadline = deadline
        self._cap = cap
        self._url = url
        self.received = 0

    def count(self, received: int) -> int:
        self.received += received
        if self.received > self._cap:
            raise DownloadTooLargeError(
                f"{_shown(self._url)}: more than {self._cap} bytes on the wire "
                "(heads, interim answers and chunk framing count)"
            )
        return received

    def sendall(self, data: bytes) -> None:
        self._sock.settimeout(_remaining(self._deadline))
        self._sock.sendall(data)  # one timeout covers the whole sendall (Python >= 3.5)

    def recv_into(self, buffer: Any) -> int:
        self._sock.settimeout(_remaining(self._deadline))
        return self._sock.recv_into(buffer)

    def makefile(self, mode: str = "rb", *args: object, **kwargs: object) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self), _READ_CHUNK)

    def close(self) -> None:
        return  # the fetcher closes the real socket when the exchange is over


class _DeadlineReader(io.RawIOBase):
    """A raw binary stream over a :class:`_DeadlineSocket` (for ``io.BufferedReader``)."""

    def __init__(self, sock: _DeadlineSocket) -> None:
        super().__init__()
        self._sock = sock

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        return self._sock.count(self._sock.recv_into(buffer))
