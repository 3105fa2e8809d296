"""The Reporter against a loopback service that implements the report contract.

What leaves the device is asserted on the bytes the service received; the queue is driven
through real outages (nothing listening on the port), real refusals and real restarts (a new
Reporter on the same directory). A fake clock moves time for back-off, expiry and rotation.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import linkscreen
from linkscreen import (
    Action,
    Finding,
    InvalidReportError,
    InvalidURLError,
    LinkscreenError,
    Matcher,
    Reporter,
    ReportQueueFullError,
    ReportResult,
    ReportStatus,
    StorageError,
)
from linkscreen.fetch import IPAddress, Request, Response

from bundles import compile_lists, open_bytes
from report_server import TOKEN, ReviewService, review_service
from server_process import free_port

MESSAGE = "psst, the private album is at hxxp://bad[.]example/album/7 ok? my phone is 555-0100"
SECRET_WORDS = ("psst", "private album", "555-0100", "bad[.]example", "hxxp")
DAY = 86400.0


def loopback_only(address: IPAddress) -> str | None:
    """The permissive policy tests pass: the service runs on this machine."""
    return None if address.is_loopback else f"{address} is not loopback"


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    data = compile_lists(
        tmp_path_factory.mktemp("reporter"),
        {
            "hotline": (["http://bad.example/album/"], Action.BLOCK),
            "watch": (["http://watch.example/"], Action.WARN),
        },
    )
    return Matcher(open_bytes(data))


@pytest.fixture
def finding(matcher: Matcher) -> Finding:
    (blocked,) = [f for f in matcher.scan_text(MESSAGE) if f.action is Action.BLOCK]
    return blocked


@pytest.fixture
def service() -> Iterator[ReviewService]:
    with review_service() as running:
        yield running


@pytest.fixture
def clock() -> Clock:
    return Clock()


def make(state: Path, base_url: str, clock: Clock, **options: Any) -> Reporter:
    options.setdefault("address_policy", loopback_only)
    options.setdefault("deadline_s", 10.0)
    return Reporter(state, base_url, clock=clock, **options)


def down_url() -> tuple[int, str]:
    """A loopback port nothing listens on: the service is down."""
    port = free_port()
    return port, f"http://127.0.0.1:{port}/"


# ---- what is sent ----------------------------------------------------------------------------


def test_a_finding_is_reported_as_its_canonical_url_techniques_and_verdict(
    tmp_path: Path, service: ReviewService, clock: Clock, finding: Finding
) -> None:
    reporter = make(tmp_path / "r", service.base_url, clock)
    result = reporter.report(finding)
    assert result.status is ReportStatus.SENT
    assert result.delivered
    assert not result.pending
    assert result.http_status == 202
    assert result.attempts == 1
    (received,) = service.reports()
    body = received.json()
    assert body == {
        "v": 1,
        "url": "http://bad.example/album/7",
        "techniques": ["refang"],
        "verdict": "block",
        "install_id": reporter.install_id(),
    }
    assert result.server_id == service.stored[(body["install_id"], body["url"])]["id"]
    assert received.headers["content-type"] == "application/json"
    assert "authorization" not in received.headers
    assert reporter.pending() == 0


def test_no_message_text_leaves_the_device_without_an_attachment(
    tmp_path: Path, service: ReviewService, clock: Clock, finding: Finding
) -> None:
    reporter = make(tmp_path / "r", service.base_url, clock)
    reporter.report(finding, note="found this in a group chat")
    (received,) = service.reports()
    for words in SECRET_WORDS:
        assert words.encode() not in received.raw, words
    assert received.json()["note"] == "found this in a group chat"
    assert "attachment" not in received.json()
    # the device keeps nothing of the message either once the report is delivered
    for path in (tmp_path / "r").rglob("*"):
        if path.is_file():
            assert b"psst" not in path.read_bytes()


def test_message_text_goes_only_as_an_explicit_attachment(
    tmp_path: Path, service: ReviewService, clock: Clock, finding: Finding
) -> None:
    reporter = make(tmp_path / "r", service.base_url, clock)
    reporter.report(finding, attachment=MESSAGE)
    (received,) = service.reports()
    assert received.json()["attachment"] == MESSAGE
    assert MESSAGE.encode() in received.body


def test_preview_is_exactly_what_is_sent(
    tmp_path: Path, service: ReviewService, clock: Clock, finding: Finding
) -> None:
    reporter = make(tmp_path / "r", service.base_url, clock)
    shown = reporter.preview(finding, note="bitte prüfen ✓")
    reporter.report(finding, note="bitte prüfen ✓")
    (received,) = service.reports()
    assert received.json() == shown
    assert "bitte prüfen ✓".encode() in received.body  # UTF-8, not \\u escapes


def test_techniques_are_sent_in_the_contracts_spelling(
    tmp_path: Path, service: ReviewService, clock: Clock, matcher: Matcher
) -> None:
    (finding,) = [f for f in matcher.scan_text("try bad.example/album/1") if f.action == "block"]
    assert "no-scheme" in finding.techniques
    reporter = make(tmp_path / "r", service.base_url, clock)
    assert reporter.report(finding).status is ReportStatus.SENT
    assert "no_scheme" in service.reports()[0].json()["techniques"]


def test_a_verdict_and_a_plain_url_can_be_reported(
    tmp_path: Path, service: ReviewService, clock: Clock, matcher: Matcher
) -> None:
    reporter = make(tmp_path / "r", service.base_url, clock)
    assert reporter.report(matcher.check_url("http://watch.example/x")).delivered
    assert reporter.report("HTTP://Grey.Example:80/a/../b").delivered
    first, second = (r.json() for r in service.reports())
    assert (first["url"], first["verdict"]) == ("http://watch.example/x", "warn")
    assert (second["url"], second["verdict"], second["techniques"]) == (
        "http://grey.example/b",
        "allow",
        [],
    )


def test_a_trusted_flagger_sends_its_token(
    tmp_path: Path, service: ReviewService, clock: Clock, finding: Finding
) -> None:
    reporter = make(tmp_path / "r", service.base_url, clock, token=TOKEN)
    reporter.report(finding)
    (received,) = service.reports()
    assert received.headers["authorization"] == f"Bearer {TOKEN}"
    assert next(iter(service.stored.values()))["trusted"] is True


def test_the_same_report_twice_is_a_duplicate(
    tmp_path: Path, service: ReviewService, clock: Clock, finding: Finding
) -> None:
    reporter = make(tmp_path / "r", service.base_url, clock)
    first, second = reporter.report(finding), reporter.report(finding)
    assert (first.status, second.status) == (ReportStatus.SENT, ReportStatus.DUPLICATE)
    assert second.delivered
    assert first.server_id == second.server_id
    assert reporter.pending() == 0


# ---- bad arguments -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"note": "x" * 1001}, "note"),
        ({"attachment": "x" * 4097}, "attachment"),
        ({"attachment": "\U0001f600" * 4096}, "attachment"),  # 16 KiB of UTF-8: past the cap
        ({"note": b"bytes"}, "note"),
        ({"note": "\ud800"}, "note"),
    ],
)
def test_bad_arguments_raise_a_typed_error_and_send_nothing(
    tmp_path: Path,
    service: ReviewService,
    clock: Clock,
    finding: Finding,
    arguments: dict[str, Any],
    field: str,
) -> None:
    reporter = make(tmp_path / "r", service.base_url, clock)
    with pytest.raises(InvalidReportError) as raised:
        reporter.report(finding, **arguments)
    assert raised.value.field == field
    assert isinstance(raised.value, LinkscreenError)
    assert service.requests == []
    assert reporter.pending() == 0


def test_limits_at_the_bound_are_accepted(
    tmp_path: Path, service: ReviewService, clock: Clock, finding: Finding
) -> None:
    reporter = make(tmp_path / "r", service.base_url, clock)
    result = reporter.report(finding, note="n" * 1000, attachment="a" * 4096)
    assert result.status is ReportStatus.SENT


def test_an_unreadable_link_or_a_wrong_type_is_refused(
    tmp_path: Path, service: ReviewService, clock: Clock
) -> None:
    reporter = make(tmp_path / "r", service.base_url, clock)
    with pytest.raises(InvalidURLError):
        reporter.report("mailto:someone@bad.example")
    with pytest.raises(InvalidURLError):
        reporter.report(linkscreen.Verdict("??", Action.ALLOW))  # no canonical URL
    with pytest.raises(InvalidReportError) as raised:
        reporter.report(42)  # type: ignore[arg-type]
    assert raised.value.field == "finding_or_url"
    with pytest.raises(InvalidReportError, match="url: 4"):
        reporter.report("http://long.example/" + "a" * 4100)
    assert service.requests == []


@pytest.mark.parametrize(
    ("base_url", "options", "reason"),
    [
        ("http://127.0.0.1:9/", {"address_policy": linkscreen.fetch.public_addresses_only},
         "policy refuses"),
        ("http://localhost:9/", {}, "policy refuses"),
        ("http://review.example/", {}, "plain http"),
        ("ftp://review.example/", {}, "only http and https"),
        ("https://review.example/", {"token": "bad token\r\nX: y"}, "bearer token"),
        ("https://review.example/", {"max_queued": 0}, "positive"),
    ],
)  # fmt: skip
def test_a_bad_configuration_is_refused_when_the_reporter_is_made(
    tmp_path: Path, base_url: str, options: dict[str, Any], reason: str
) -> None:
    options.setdefault("address_policy", loopback_only)
    with pytest.raises(InvalidReportError, match=reason):
        Reporter(tmp_path / "r", base_url, **options)


def test_the_default_policy_refuses_loopback_and_https_elsewhere_is_fine(tmp_path: Path) -> None:
    with pytest.raises(InvalidReportError, match="loopback"):
        Reporter(tmp_path / "r", "https://127.0.0.1/")
    reporter = Reporter(tmp_path / "r", "https://review.example/base/")
    assert reporter.endpoint == "https://review.example/base/v1/reports"
    assert not (tmp_path / "r").exists()  # nothing is written before the first report


# ---- the queue -------------------------------------------------------------------------------


def test_service_down_then_up_the_queued_report_is_delivered_once(
    tmp_path: Path, clock: Clock, finding: Finding
) -> None:
    port, url = down_url()
    reporter = make(tmp_path / "r", url, clock, retry_s=60.0)
    result = reporter.report(finding)
    assert result.status is ReportStatus.QUEUED
    assert isinstance(result.error, linkscreen.DownloadError)
    assert result.retry_at is not None
    assert clock.now < result.retry_at <= clock.now + 60
    assert reporter.pending() == 1
    with review_service(port) as service:
        early = reporter.flush()  # inside the back-off: nothing is tried
        assert early.results == ()
        assert early.remaining == 1
        assert service.requests == []
        clock.now += 61
        flushed = reporter.flush()
        assert [r.status for r in flushed.results] == [ReportStatus.SENT]
        assert flushed.results[0].report_id == result.report_id
        assert flushed.results[0].attempts == 2
        assert (flushed.remaining, flushed.delivered) == (0, 1)
        assert reporter.flush().results == ()
        assert len(service.reports()) == 1
        assert service.reports()[0].json()["url"] == "http://bad.example/album/7"


def test_the_queue_survives_a_restart_of_the_reporter(
    tmp_path: Path, clock: Clock, finding: Finding
) -> None:
    port, url = down_url()
    first = make(tmp_path / "r", url, clock)
    queued = [first.report(finding, note=f"report {i}") for i in range(3)]
    assert all(r.status is ReportStatus.QUEUED for r in queued)
    install_id = first.install_id()
    del first
    with review_service(port) as service:
        again = make(tmp_path / "r", url, clock)
        assert again.pending() == 3
        flushed = again.flush(force=True)
        assert flushed.delivered == 3  # two of them as duplicates: one link, one install
        assert [r.status for r in flushed.results] == [
            ReportStatus.SENT,
            ReportStatus.DUPLICATE,
            ReportStatus.DUPLICATE,
        ]
        assert [r.report_id for r in flushed.results] == [r.report_id for r in queued]
        notes = [r.json()["note"] for r in service.reports()]
        assert notes == ["report 0", "report 1", "report 2"]  # oldest first
        assert {r.json()["install_id"] for r in service.reports()} == {install_id}
    assert again.pending() == 0


def test_the_queue_is_bounded_in_count_and_keeps_what_it_promised(
    tmp_path: Path, clock: Clock, finding: Finding
) -> None:
    _, url = down_url()
    reporter = make(tmp_path / "r", url, clock, max_queued=3)
    kept = [reporter.report(finding, note=str(i)) for i in range(3)]
    assert [r.status for r in kept] == [ReportStatus.QUEUED] * 3
    refused = reporter.report(finding, note="one too many")
    assert refused.status is ReportStatus.FAILED
    assert isinstance(refused.error, ReportQueueFullError)
    assert isinstance(refused.error, StorageError)
    assert "3 reports waiting" in (refused.reason or "")
    assert reporter.pending() == 3
    queued_notes = sorted(
        json.loads(json.loads(p.read_bytes())["body"])["note"]
        for p in (tmp_path / "r" / "queue").iterdir()
    )
    assert queued_notes == ["0", "1", "2"]


def test_the_queue_is_bounded_in_bytes(tmp_path: Path, clock: Clock, finding: Finding) -> None:
    _, url = down_url()
    reporter = make(tmp_path / "r", url, clock, max_queued_bytes=12_000)
    first = reporter.report(finding, attachment="a" * 4000)
    second = reporter.report(finding, attachment="b" * 4000)
    third = reporter.report(finding, attachment="c" * 4000)
    assert [first.status, second.status] == [ReportStatus.QUEUED] * 2
    assert third.status is ReportStatus.FAILED
    assert isinstance(third.error, ReportQueueFullError)
    size = sum(p.stat().st_size for p in (tmp_path / "r" / "queue").iterdir())
    assert size <= 12_000
    # a full queue still lets a report through when the service answers
    with review_service() as service:
        online = make(tmp_path / "r", service.base_url, clock, max_queued_bytes=12_000)
        assert online.report(finding, attachment="d" * 4000).status is ReportStatus.SENT


def test_a_refused_report_is_dropped_with_the_services_reason(
    tmp_path: Path, service: ReviewService, clock: Clock, finding: Finding
) -> None:
    reporter = make(tmp_path / "r", service.base_url, clock)
    service.answer(
        400,
        b'{"error":"bad_report","field":"url","reason":"not a web URL"}',
        Content_Type="application/json",
    )
    result = reporter.report(finding)
    assert result.status is ReportStatus.DROPPED
    assert (result.http_status, result.reason) == (400, "HTTP 400: bad_report url not a web URL")
    assert reporter.pending() == 0
    clock.now += DAY
    assert reporter.flush(force=True).results == ()
    assert len(service.requests) == 1


@pytest.mark.parametrize("status", [413, 415, 401, 404])
def test_other_client_errors_are_dropped_too(
    tmp_path: Path, service: ReviewService, clock: Clock, finding: Finding, status: int
) -> None:
    reporter = make(tmp_path / "r", service.base_url, clock)
    service.answer(status)
    result = reporter.report(finding)
    assert (result.status, result.reason) == (ReportStatus.DROPPED, f"HTTP {status}")
    assert reporter.pending() == 0


def test_rate_limited_reports_stay_queued_until_retry_after(
    tmp_path: Path, service: ReviewService, clock: Clock, finding: Finding
) -> None:
    reporter = make(tmp_path / "r", service.base_url, clock)
    service.answer(429, Retry_After="120")
    limited = reporter.report(finding)
    assert (limited.status, limited.http_status) == (ReportStatus.QUEUED, 429)
    assert limited.retry_at == clock.now + 120
    # a new report inside the window is queued without asking the service
    second = reporter.report(finding, note="again")
    assert second.status is ReportStatus.QUEUED
    assert second.retry_at == clock.now + 120
    clock.now += 60
    assert reporter.flush(force=True).results == ()  # force never overrides Retry-After
    assert len(service.requests) == 1
    clock.now += 61
    flushed = reporter.flush()
    assert [r.status for r in flushed.results] == [ReportStatus.SENT, ReportStatus.DUPLICATE]
    assert flushed.remaining == 0


def test_retry_after_as_a_date_and_out_of_range_values(
    tmp_path: Path, service: ReviewService, clock: Clock, finding: Finding
) -> None:
    reporter = make(tmp_path / "r", service.base_url, clock)
    service.answer(429, Retry_After="Fri, 01 Jan 2100 00:00:00 GMT")  # decades away
    far = reporter.report(finding)
    assert far.retry_at == clock.now + 86400  # at most one day
    clock.now += DAY + 1
    service.answer(429, Retry_After="soon")
    assert reporter.flush().results[0].retry_at == clock.now + 60  # unreadable: a minute


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, b""),
        (503, b"overloaded"),
        (408, b""),
        (200, b"<html>Sign in to the hotel wifi</html>"),  # a captive portal
        (302, b""),
    ],
)
def test_server_errors_and_foreign_answers_keep_the_report_and_back_off(
    tmp_path: Path,
    service: ReviewService,
    clock: Clock,
    finding: Finding,
    status: int,
    body: bytes,
) -> None:
    reporter = make(tmp_path / "r", service.base_url, clock, retry_s=30.0)
    service.answer(status, body, Location="http://portal.example/")
    result = reporter.report(finding)
    assert (result.status, result.http_status) == (ReportStatus.QUEUED, status)
    assert reporter.pending() == 1
    assert reporter.flush().results == ()  # backing off
    clock.now += 31
    assert [r.status for r in reporter.flush().results] == [ReportStatus.SENT]
    assert len(service.requests) == 2


def test_back_off_doubles_and_is_capped(tmp_path: Path, clock: Clock, finding: Finding) -> None:
    _, url = down_url()
    reporter = make(tmp_path / "r", url, clock, retry_s=10.0, max_retry_s=100.0)
    waits = []
    result = reporter.report(finding)
    for _ in range(6):
        assert result.retry_at is not None
        waits.append(result.retry_at - clock.now)
        clock.now = result.retry_at
        (result,) = reporter.flush().results
        assert result.status is ReportStatus.QUEUED
    assert 5 <= waits[0] <= 10
    assert 10 <= waits[1] <= 20
    assert 20 <= waits[2] <= 40
    assert all(50 <= wait <= 100 for wait in waits[4:])
    assert result.attempts == 7


def test_old_reports_expire_from_the_queue(tmp_path: Path, clock: Clock, finding: Finding) -> None:
    port, url = down_url()
    reporter = make(tmp_path / "r", url, clock, max_age_s=7 * DAY)
    old = reporter.report(finding)
    clock.now += 3 * DAY
    recent = reporter.report(finding, note="recent")
    clock.now += 5 * DAY
    with review_service(port) as service:
        flushed = reporter.flush()
        assert [(r.report_id, r.status) for r in flushed.results] == [
            (old.report_id, ReportStatus.DROPPED),
            (recent.report_id, ReportStatus.SENT),
        ]
        assert "expired" in (flushed.results[0].reason or "")
        assert [r.json()["note"] for r in service.reports()] == ["recent"]


def test_a_damaged_queue_entry_is_dropped_and_said_so(
    tmp_path: Path, service: ReviewService, clock: Clock, finding: Finding
) -> None:
    _, url = down_url()
    make(tmp_path / "r", url, clock).report(finding)
    (entry,) = (tmp_path / "r" / "queue").iterdir()
    entry.write_bytes(b'{"created": 1, "body": ')
    flushed = make(tmp_path / "r", service.base_url, clock).flush(force=True)
    assert [r.status for r in flushed.results] == [ReportStatus.DROPPED]
    assert "unreadable" in (flushed.results[0].reason or "")
    assert service.requests == []


# ---- the install id --------------------------------------------------------------------------


def test_the_install_id_is_random_stored_and_rotates(
    tmp_path: Path, service: ReviewService, clock: Clock, finding: Finding
) -> None:
    reporter = make(tmp_path / "a", service.base_url, clock, rotate_install_id_s=30 * DAY)
    other = make(tmp_path / "b", service.base_url, clock)
    first = reporter.install_id()
    assert len(first) == 32
    assert first != other.install_id()
    reporter.report(finding)
    clock.now += 29 * DAY
    assert make(tmp_path / "a", service.base_url, clock).install_id() == first  # stored
    reporter.report(finding, note="same period")
    clock.now += 2 * DAY
    reporter.report(finding, note="next period")
    ids = [r.json()["install_id"] for r in service.reports()]
    assert ids[:2] == [first, first]
    assert ids[2] != first
    assert len(ids[2]) == 32
    assert [r.status for r in (reporter.report(finding),)] == [ReportStatus.DUPLICATE]
    # the rotated id is what is on disk: the old one is gone from the device
    assert first.encode() not in (tmp_path / "a" / "reporter.json").read_bytes()


def test_a_clock_set_back_rotates_the_install_id(tmp_path: Path, clock: Clock) -> None:
    reporter = make(tmp_path / "r", "http://127.0.0.1:9/", clock)
    first = reporter.install_id()
    clock.now -= DAY
    assert reporter.install_id() != first


# ---- never raising -----------------------------------------------------------------------


class Exploding:
    def fetch(self, request: Request) -> Response:
        raise RuntimeError("the app's HTTP stack broke")


def test_a_faulty_app_fetcher_leaves_the_report_queued(
    tmp_path: Path, clock: Clock, finding: Finding
) -> None:
    reporter = make(tmp_path / "r", "http://127.0.0.1:9/", clock, fetcher=Exploding())
    result = reporter.report(finding)
    assert result.status is ReportStatus.QUEUED
    assert "RuntimeError" in (result.reason or "")
    clock.now += DAY
    assert reporter.flush().results[0].status is ReportStatus.QUEUED


def test_an_unwritable_state_directory_never_raises(
    tmp_path: Path, service: ReviewService, clock: Clock, finding: Finding
) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the state directory should be")
    reporter = make(blocked, service.base_url, clock)
    delivered = reporter.report(finding)
    assert delivered.status is ReportStatus.SENT  # sent directly, with an in-memory install id
    assert len(service.reports()[0].json()["install_id"]) == 32
    _, url = down_url()
    offline = make(blocked, url, clock)
    lost = offline.report(finding)
    assert lost.status is ReportStatus.FAILED
    assert isinstance(lost.error, StorageError)
    assert "not delivered" in (lost.reason or "")
    assert offline.pending() == 0
    assert isinstance(offline.flush().error, StorageError)


def test_results_are_immutable(tmp_path: Path, clock: Clock, finding: Finding) -> None:
    result = make(tmp_path / "r", "http://127.0.0.1:9/", clock).report(finding)
    with pytest.raises(AttributeError):
        result.status = ReportStatus.SENT  # type: ignore[misc]
    assert isinstance(result, ReportResult)


# ---- threads, processes and the network --------------------------------------------------


def test_concurrent_reports_and_flushes_send_each_report_once(
    tmp_path: Path, clock: Clock, matcher: Matcher
) -> None:
    port, url = down_url()
    findings = [matcher.check_url(f"http://bad.example/album/{i}") for i in range(24)]
    offline = [make(tmp_path / "r", url, clock) for _ in range(2)]  # two "processes"
    threads = [
        threading.Thread(target=offline[i % 2].report, args=(findings[i],)) for i in range(24)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert offline[0].pending() == 24
    with review_service(port) as service:
        online = [make(tmp_path / "r", url, clock) for _ in range(3)]
        results: list[Any] = []
        flushers = [
            threading.Thread(target=lambda r=r: results.append(r.flush(force=True)))
            for r in online * 2
        ]
        for thread in flushers:
            thread.start()
        for thread in flushers:
            thread.join()
        urls = [r.json()["url"] for r in service.reports()]
        assert sorted(urls) == sorted(f"http://bad.example/album/{i}" for i in range(24))
        assert sum(f.delivered for f in results) == 24
        assert online[0].pending() == 0


def test_no_connection_except_to_the_configured_endpoint(
    tmp_path: Path, service: ReviewService, clock: Clock, finding: Finding, matcher: Matcher
) -> None:
    made: list[tuple[str, int]] = []
    looked_up: list[str] = []
    original_connect = socket.socket.connect
    original_getaddrinfo = socket.getaddrinfo

    def connect(sock: socket.socket, address: Any) -> None:
        if threading.current_thread().name != "review-service":
            made.append((str(address[0]), int(address[1])))
        original_connect(sock, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        looked_up.append(str(host))
        return original_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.getaddrinfo = getaddrinfo
    try:
        port, down = down_url()
        queued = make(tmp_path / "q", down, clock)
        warn = matcher.check_url("http://watch.example/x")
        reporter = make(tmp_path / "r", service.base_url, clock)
        reporter.preview(finding)
        reporter.report(finding, note="see bad.example and watch.example")
        reporter.report(warn)
        queued.report(finding)
        clock.now += DAY
        queued.flush()
    finally:
        socket.socket.connect = original_connect  # type: ignore[method-assign]
        socket.getaddrinfo = original_getaddrinfo
    assert len(service.reports()) == 2  # a positive control: the guard saw real traffic
    assert set(made) == {("127.0.0.1", service.port), ("127.0.0.1", port)}
    assert made.count(("127.0.0.1", service.port)) == 2
    assert looked_up == []  # literal addresses: not even a DNS question about the links


def test_an_endless_answer_is_cut_not_read(
    tmp_path: Path, service: ReviewService, clock: Clock, finding: Finding
) -> None:
    service.answer(202, b'{"status":"received","id":"abc"}' + b" " * 200_000)
    result = make(tmp_path / "r", service.base_url, clock).report(finding)
    assert result.status is ReportStatus.SENT
    assert result.server_id == "abc"  # read from the first 16 KiB; the rest never was


def test_techniques_outside_the_contract_are_refused_and_capped(
    tmp_path: Path, service: ReviewService, clock: Clock
) -> None:
    reporter = make(tmp_path / "r", service.base_url, clock)
    odd = linkscreen.Verdict(
        "http://x.example/", Action.WARN, canonical="http://x.example/", techniques=("Bad Tech",)
    )  # type: ignore[arg-type]
    with pytest.raises(InvalidReportError) as raised:
        reporter.report(odd)
    assert raised.value.field == "techniques"
    many = tuple(f"t{i}" for i in range(20))
    wide = linkscreen.Verdict(
        "http://x.example/", Action.WARN, canonical="http://x.example/", techniques=many
    )  # type: ignore[arg-type]
    assert reporter.report(wide).status is ReportStatus.SENT
    assert service.reports()[0].json()["techniques"] == list(many[:16])


def test_a_flush_stops_at_the_first_server_wide_failure(
    tmp_path: Path, clock: Clock, finding: Finding
) -> None:
    port, url = down_url()
    reporter = make(tmp_path / "r", url, clock)
    for i in range(3):
        reporter.report(finding, note=str(i))
    with review_service(port) as service:
        service.answer(503)
        stopped = reporter.flush(force=True)
        assert [r.status for r in stopped.results] == [ReportStatus.QUEUED]
        assert (stopped.remaining, len(service.requests)) == (3, 1)
        assert stopped.retry_at is not None
        assert stopped.retry_at > clock.now


def test_a_report_the_service_keeps_failing_waits_while_others_go(
    tmp_path: Path, service: ReviewService, clock: Clock, finding: Finding, matcher: Matcher
) -> None:
    reporter = make(tmp_path / "r", service.base_url, clock, retry_s=600.0)
    service.answer(500)
    stuck = reporter.report(finding)
    assert stuck.status is ReportStatus.QUEUED
    other = reporter.report(matcher.check_url("http://watch.example/y"))
    assert other.status is ReportStatus.SENT  # the service works: its back-off is lifted
    clock.now += 1
    assert reporter.flush().results == ()  # but the failing report waits its own back-off
    assert len(service.requests) == 2
    clock.now += 600
    assert [r.status for r in reporter.flush().results] == [ReportStatus.SENT]


def test_an_empty_note_is_not_sent(
    tmp_path: Path, service: ReviewService, clock: Clock, finding: Finding
) -> None:
    make(tmp_path / "r", service.base_url, clock).report(finding, note="", attachment="")
    assert set(service.reports()[0].json()) == {"v", "url", "techniques", "verdict", "install_id"}


class Scripted:
    """A fetcher that answers whatever hypothesis chose."""

    def __init__(self, response: Response) -> None:
        self.response = response

    def fetch(self, request: Request) -> Response:
        return self.response


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    status=st.integers(100, 599),
    body=st.one_of(
        st.binary(max_size=200),
        st.builds(
            lambda d: json.dumps(d).encode(),
            st.dictionaries(
                st.sampled_from(["status", "id", "error", "field", "reason"]),
                st.one_of(st.text(max_size=50), st.integers(), st.none(), st.lists(st.integers())),
            ),
        ),
    ),
    retry_after=st.one_of(st.none(), st.text(max_size=40), st.integers(-10, 10**12).map(str)),
)
def test_any_answer_gives_a_result_never_an_exception(
    tmp_path_factory: pytest.TempPathFactory,
    finding: Finding,
    status: int,
    body: bytes,
    retry_after: str | None,
) -> None:
    headers = {} if retry_after is None else {"retry-after": retry_after}
    clock = Clock()
    reporter = make(
        tmp_path_factory.mktemp("any"),
        "http://127.0.0.1:9/",
        clock,
        fetcher=Scripted(Response(status, headers, body)),
    )
    result = reporter.report(finding)
    if status == 202:
        assert result.delivered
    elif 400 <= status < 500 and status not in (408, 429):
        assert result.status is ReportStatus.DROPPED
    else:
        assert result.status is ReportStatus.QUEUED
        assert result.retry_at is not None
        assert clock.now < result.retry_at <= clock.now + DAY
    assert reporter.pending() == (1 if result.pending else 0)
    if result.reason is not None:
        assert result.reason.isprintable()
        assert len(result.reason) < 500
