"""The fetcher interface and the standard-library fetcher, against a hostile server on loopback.

Every request either returns a Response or raises a DownloadError subclass; the byte cap and
the overall deadline hold however the server misbehaves; with an address policy, no spelling
of a loopback or private address and no name resolving to one is ever connected to.
"""

from __future__ import annotations

import ast
import datetime
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

import linkscreen
from linkscreen.errors import (
    BlockedAddressError,
    DownloadError,
    DownloadTimeoutError,
    DownloadTooLargeError,
)
from linkscreen.fetch import (
    Fetcher,
    Request,
    Response,
    StdlibFetcher,
    guarded_fetch,
    public_addresses_only,
    request_target,
    wire_cap,
)

from hostile_server import ETAG, Hostile, running_hostile


@pytest.fixture(scope="module")
def hostile() -> Iterator[Hostile]:
    with running_hostile() as server:
        yield server


def _get(url: str, **fields: object) -> Response:
    return StdlibFetcher().fetch(Request(url, **fields))  # type: ignore[arg-type]


# ---- ordinary behaviour ------------------------------------------------------------------


def test_ok_gives_status_lower_cased_headers_and_body(hostile: Hostile) -> None:
    response = _get(hostile.url("/ok"))
    assert (response.status, response.body, response.etag) == (200, b"hello", ETAG)
    assert response.headers["content-type"] == "text/plain"


def test_etag_is_sent_as_if_none_match_and_304_has_no_body(hostile: Hostile) -> None:
    response = _get(hostile.url("/ok"), etag=ETAG)
    assert (response.status, response.body) == (304, b"")


def test_http_error_statuses_are_responses_not_exceptions(hostile: Hostile) -> None:
    assert _get(hostile.url("/nothing-here")).status == 404


def test_only_the_callers_headers_are_sent(hostile: Hostile) -> None:
    body = _get(hostile.url("/echo"), headers={"User-Agent": "fixed"}).body
    lines = body.decode("latin-1").split("\r\n")
    names = sorted(line.split(":", 1)[0].lower() for line in lines[1:] if line)
    assert names == ["connection", "host", "user-agent"]
    assert f"Host: 127.0.0.1:{hostile.port}" in lines


def test_post_sends_the_body_with_its_length(hostile: Hostile) -> None:
    _get(hostile.url("/echo"), method="POST", body=b'{"a":1}')
    head = hostile.heads[-1]
    assert head.startswith(b"POST /echo HTTP/1.1")
    assert b"Content-Length: 7" in head


def test_odd_path_characters_are_escaped_not_raised(hostile: Hostile) -> None:
    """Non-ASCII, spaces, controls and lone surrogates in a path (UnicodeEncodeError before)."""
    response = _get(hostile.url("/ok/é ü\x01\udcff?q=ä b#frag"))
    assert response.status == 200
    assert hostile.paths()[-1] == "/ok/%C3%A9%20%C3%BC%01%FF?q=%C3%A4%20b"


def test_backslashes_in_the_path_read_as_a_browser_reads_them() -> None:
    assert request_target("http://a.example\\x\\y?b\\c").target == "/x/y?b\\c"


def test_not_http_is_refused_without_a_request() -> None:
    for url in ["ftp://a.example/x", "file:///etc/passwd", "javascript:alert(1)", "a.example/x"]:
        with pytest.raises(DownloadError):
            _get(url)


def test_port_0_is_refused_before_any_connection(hostile: Hostile) -> None:
    with pytest.raises(linkscreen.InvalidURLError, match="port 0"):
        request_target("http://127.0.0.1:0/x")
    before = hostile.connections
    with pytest.raises(DownloadError, match="port 0"):
        _get("http://127.0.0.1:0/x")
    assert hostile.connections == before


def test_connection_refused_is_a_download_error() -> None:
    from server_process import free_port

    with pytest.raises(DownloadError):
        _get(f"http://127.0.0.1:{free_port()}/", deadline_s=5)


# ---- caps and deadlines ------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/huge", "/huge-chunked"])
def test_a_body_over_the_cap_is_refused(hostile: Hostile, path: str) -> None:
    with pytest.raises(DownloadTooLargeError):
        _get(hostile.url(path), max_bytes=100_000)


def test_truncate_cuts_the_body_at_the_cap(hostile: Hostile) -> None:
    response = _get(hostile.url("/huge"), max_bytes=1000, truncate=True)
    assert (len(response.body), response.truncated) == (1000, True)


@pytest.mark.parametrize("path", ["/trickle-head", "/trickle-body", "/hang"])
def test_a_one_byte_a_second_server_cannot_stretch_the_deadline(
    hostile: Hostile, path: str
) -> None:
    started = time.monotonic()
    with pytest.raises(DownloadTimeoutError):
        _get(hostile.url(path), deadline_s=2.0)
    assert time.monotonic() - started < 3.0


@pytest.fixture
def stalling_reader() -> Iterator[int]:
    """A loopback server that stalls reading the request: 1 s before it reads the head, then
    it stops reading for 3 s. A tiny receive buffer makes the client's sends block."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    stop = threading.Event()

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            stop.wait(1.0)
            seen = b""
            while b"\r\n\r\n" not in seen:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                seen = seen[-3:] + chunk
            stop.wait(3.0)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    listener.close()
    thread.join(5)


def test_each_send_gets_only_the_time_left(stalling_reader: int) -> None:
    """The head takes about 1 s to send; the body may then take only the second that is
    left of the 2 s deadline, not a fresh 2 s (the socket timeout is re-armed per send)."""
    pad = "a" * (16 << 20)  # more than the client's send buffer and the server's receive one
    request = Request(
        f"http://127.0.0.1:{stalling_reader}/upload",
        method="POST",
        headers={"X-Pad": pad},
        body=b"b" * (16 << 20),
        deadline_s=2.0,
    )
    started = time.monotonic()
    with pytest.raises(DownloadTimeoutError):
        StdlibFetcher().fetch(request)
    assert time.monotonic() - started < 2.6


def test_a_slow_resolver_cannot_stretch_the_deadline() -> None:
    def slow(host: str, port: int) -> list[str]:
        time.sleep(5)
        return ["127.0.0.1"]

    started = time.monotonic()
    with pytest.raises(DownloadTimeoutError):
        StdlibFetcher(resolver=slow).fetch(Request("http://slow.test/", deadline_s=1.0))
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize(
    "path", ["/short", "/bad-status", "/bad-chunk", "/long-header", "/many-headers", "/garbage"]
)
def test_malformed_answers_are_download_errors(hostile: Hostile, path: str) -> None:
    with pytest.raises(DownloadError):
        _get(hostile.url(path), deadline_s=5)


def test_a_closed_connection_is_a_download_error(hostile: Hostile) -> None:
    with pytest.raises(DownloadError):
        _get(hostile.url("/close"), deadline_s=5)


# ---- addresses ---------------------------------------------------------------------------

#: Every way of writing a loopback, private or unspecified address in a URL's host.
LOOPBACK_SPELLINGS = [
    "127.0.0.1",
    "127.1",
    "2130706433",
    "0x7f000001",
    "0177.0.0.1",
    "0x7f.1",
    "127.0.0.1.",
    "１２７.０.０.１",  # full-width digits
    "127%2E0%2E0%2E1",
    "[::1]",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
    "[64:ff9b::7f00:1]",
    "localhost",
    "LOCALHOST",
    "sub.localhost",
    "0.0.0.0",
    "0",
    "10.0.0.1",
    "169.254.169.254",
]


@pytest.mark.parametrize("host", LOOPBACK_SPELLINGS)
def test_no_spelling_of_a_private_address_is_connected_to(hostile: Hostile, host: str) -> None:
    before = hostile.connections
    with pytest.raises(BlockedAddressError):
        _get(hostile.url("/ok", host=host), address_policy=public_addresses_only)
    assert hostile.connections == before


@pytest.mark.parametrize("host", ["127.1", "2130706433", "0x7f.1", "１２７.０.０.１", "0177.0.0.1"])
def test_those_spellings_do_reach_loopback_without_a_policy(hostile: Hostile, host: str) -> None:
    """The refusals above are real: each spelling does lead to the loopback server."""
    assert _get(hostile.url("/ok", host=host)).status == 200


@pytest.mark.parametrize(
    "addresses", [["127.0.0.1"], ["93.184.215.14", "127.0.0.1"], ["::1"], ["fd00::1"]]
)
def test_a_name_resolving_to_a_private_address_is_refused(
    hostile: Hostile, addresses: list[str]
) -> None:
    """Every resolved address is checked, not just the first."""
    before = hostile.connections
    fetcher = StdlibFetcher(resolver=lambda host, port: addresses)
    with pytest.raises(BlockedAddressError):
        fetcher.fetch(
            Request(hostile.url("/ok", host="sho.test"), address_policy=public_addresses_only)
        )
    assert hostile.connections == before


def test_the_connection_goes_to_the_address_that_was_checked(hostile: Hostile) -> None:
    """DNS rebinding: the host is resolved once; a second answer is never asked for."""
    answers = iter([["127.0.0.1"], ["10.0.0.1"]])
    calls: list[str] = []

    def rebinding(host: str, port: int) -> list[str]:
        calls.append(host)
        return next(answers)

    checked: list[str] = []

    def only_loopback(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
        checked.append(str(address))
        return None if str(address) == "127.0.0.1" else "not the test server"

    response = StdlibFetcher(resolver=rebinding).fetch(
        Request(hostile.url("/echo", host="Sho.Test"), address_policy=only_loopback)
    )
    assert response.status == 200
    assert (calls, checked) == (["sho.test"], ["127.0.0.1"])
    assert f"Host: sho.test:{hostile.port}".encode() in response.body


@pytest.mark.parametrize(
    "address",
    [
        "0.0.0.0", "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.1.1",
        "100.64.0.1", "192.0.0.8", "198.18.0.1", "224.0.0.1", "239.1.1.1", "240.0.0.1",
        "255.255.255.255", "::", "::1", "fe80::1", "fc00::1", "fd12::1", "fec0::1", "ff02::1",
        "::ffff:10.0.0.1", "::ffff:127.0.0.1", "64:ff9b::a00:1", "64:ff9b:1::1", "2002:a00:1::",
        "2002:7f00:1::", "2001:db8::1", "::127.0.0.1",
    ],
)  # fmt: skip
def test_public_addresses_only_refuses(address: str) -> None:
    assert public_addresses_only(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize(
    "address", ["1.1.1.1", "93.184.215.14", "2606:4700:4700::1111", "2002:101:101::"]
)
def test_public_addresses_only_allows_public_addresses(address: str) -> None:
    assert public_addresses_only(ipaddress.ip_address(address)) is None


# ---- TLS ---------------------------------------------------------------------------------


def _certificates(tmp: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A private CA, and a server certificate for ``sho.test`` signed by it."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "linkscreen test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(1)
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sho.test")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(2)
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("sho.test")]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    (tmp / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (tmp / "leaf.pem").write_bytes(
        leaf.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(tmp / "leaf.pem")
    client = ssl.create_default_context(cafile=str(tmp / "ca.pem"))
    return server, client


def test_tls_verifies_the_host_name_on_the_checked_address(tmp_path: Path) -> None:
    server_context, client_context = _certificates(tmp_path)
    to_loopback = StdlibFetcher(client_context, resolver=lambda host, port: ["127.0.0.1"])
    with running_hostile(tls=server_context) as server:
        good = to_loopback.fetch(Request(server.url("/ok", host="sho.test", scheme="https")))
        assert (good.status, good.body) == (200, b"hello")
        with pytest.raises(DownloadError, match=r"certificate|hostname|match"):
            to_loopback.fetch(Request(server.url("/ok", host="other.test", scheme="https")))
        with pytest.raises(DownloadError):  # the system CAs do not know the test CA
            StdlibFetcher(resolver=lambda host, port: ["127.0.0.1"]).fetch(
                Request(server.url("/ok", host="sho.test", scheme="https"), deadline_s=5)
            )


def test_a_tls_server_that_never_handshakes_hits_the_deadline(hostile: Hostile) -> None:
    started = time.monotonic()
    with pytest.raises(DownloadTimeoutError):
        _get(hostile.url("/hang", scheme="https"), deadline_s=1.5)
    assert time.monotonic() - started < 2.5


# ---- the contract for foreign fetchers ---------------------------------------------------


class _Faulty:
    def __init__(self, outcome: object) -> None:
        self.outcome = outcome

    def fetch(self, request: Request) -> Response:
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return self.outcome  # type: ignore[return-value]


@pytest.mark.parametrize(
    "error", [RuntimeError("bug"), UnicodeEncodeError("ascii", "é", 0, 1, "x"), KeyError("k")]
)
def test_guarded_fetch_turns_any_fetcher_error_into_a_download_error(error: Exception) -> None:
    assert isinstance(_Faulty(error), Fetcher)
    with pytest.raises(DownloadError):
        guarded_fetch(_Faulty(error), Request("http://a.example/"))


def test_guarded_fetch_holds_a_foreign_fetcher_to_the_cap() -> None:
    big = _Faulty(Response(200, {}, b"x" * 101))
    with pytest.raises(DownloadTooLargeError):
        guarded_fetch(big, Request("http://a.example/", max_bytes=100))
    cut = guarded_fetch(big, Request("http://a.example/", max_bytes=100, truncate=True))
    assert (len(cut.body), cut.truncated) == (100, True)
    with pytest.raises(DownloadError):
        guarded_fetch(_Faulty("not a response"), Request("http://a.example/"))


# ---- import weight -----------------------------------------------------------------------

NETWORK_MODULES = ("http", "ssl", "socket", "urllib.request", "urllib.error", "select")
PLATFORM_MODULES = ("fcntl", "msvcrt")
#: The trust helper's modules: none may import network (or platform) code at import time.
LIGHT_MODULES = [
    "fetch", "updater", "expander", "redirects", "metadata", "keys", "files", "filelock",
]  # fmt: skip


@pytest.mark.parametrize("name", LIGHT_MODULES)
def test_modules_import_network_code_only_when_used(name: str) -> None:
    """``import linkscreen`` must not load an HTTP stack (issue 11) nor need fcntl: network and
    platform modules are imported inside the functions that use them."""
    path = Path(linkscreen.__file__).parent / f"{name}.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            top_level |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            top_level.add(node.module)
    heavy = [
        module
        for module in top_level
        for banned in NETWORK_MODULES + PLATFORM_MODULES
        if module == banned or module.startswith(banned + ".")
    ]
    assert not heavy


# ---- bytes on the wire (attack-trust finding 6) ------------------------------------------


def _endless(head: bytes, unit: bytes, sent: list[int]) -> Callable[[socket.socket, bytes], None]:
    """A route sending ``head`` and then ``unit`` for as long as the client reads."""

    def route(conn: socket.socket, _head: bytes) -> None:
        total = 0
        try:
            conn.sendall(head)
            for _ in range(20_000):  # at most about 1.2 GB, far more than any cap here
                conn.sendall(unit)
                total += len(unit)
        except OSError:
            pass
        sent.append(total)

    return route


PAD = b"a" * 60_000
WIRE_FLOODS = {
    "endless 100 Continue heads": (b"", b"HTTP/1.1 100 Continue\r\nX-Pad: " + PAD + b"\r\n\r\n"),
    "endless chunk trailers": (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n",
        b"X-T: " + PAD + b"\r\n",
    ),
    "chunk extensions": (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
        b"0001;" + PAD + b"\r\nx\r\n",  # one body byte per 60 KB on the wire
    ),
}


@pytest.mark.parametrize(("head", "unit"), WIRE_FLOODS.values(), ids=WIRE_FLOODS.keys())
def test_the_byte_cap_counts_every_byte_on_the_wire(
    hostile: Hostile, head: bytes, unit: bytes
) -> None:
    """Before: only body bytes counted, so a 16 KiB-capped request read 0.9-1.9 GiB of
    interim heads, trailers or chunk extensions in 2 s (bounded only by the deadline)."""
    sent: list[int] = []
    hostile.routes["/flood"] = _endless(head, unit, sent)
    cap = 16 * 1024
    with pytest.raises(DownloadTooLargeError, match="on the wire"):
        StdlibFetcher().fetch(Request(hostile.url("/flood"), max_bytes=cap, deadline_s=5.0))
    deadline = time.monotonic() + 5
    while not sent and time.monotonic() < deadline:
        time.sleep(0.01)
    assert sent
    assert sent[0] < wire_cap(cap) + 8 * 1024 * 1024  # plus what the kernel's buffers held


def test_an_honest_answer_at_the_cap_still_arrives_in_small_chunks(hostile: Hostile) -> None:
    """16 MiB in 512-byte chunks: 224 KiB of framing, more than the fixed allowance, within
    the share of the cap allowed for framing."""
    body = bytes(range(256)) * 65_536

    def chunked(conn: socket.socket, _head: bytes) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        for i in range(0, len(body), 512):
            conn.sendall(b"200\r\n" + body[i : i + 512] + b"\r\n")
        conn.sendall(b"0\r\n\r\n")

    hostile.routes["/honest-chunked"] = chunked
    request = Request(hostile.url("/honest-chunked"), max_bytes=len(body), deadline_s=20.0)
    assert StdlibFetcher().fetch(request).body == body
