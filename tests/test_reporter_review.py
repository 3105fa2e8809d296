"""The Reporter against the real ``linkscreen-server review`` process (SQLite), for what the
contract test (tests/test_review_reporter.py) leaves out: what ends up stored when a person
reports a link from a message, the service's rate limit reaching the device's queue, and a
refused token that must not be retried.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from linkscreen import Action, Matcher, Reporter, ReportStatus
from linkscreen.fetch import IPAddress

from bundles import compile_lists, open_bytes

pytest.importorskip("linkscreen_server.review", reason="no review service on this branch")
pytest.importorskip("argon2", reason="the review extra is not installed")
review_server = pytest.importorskip("review_support").review_server
pytestmark = pytest.mark.slow

FLAGGER_TOKEN = "flagger-token-for-tests-0123456789abcdef"
MESSAGE = "my secret: hxxp://bad[.]example/pics/1 and call me at 555-0100"


def loopback_only(address: IPAddress) -> str | None:
    return None if address.is_loopback else f"{address} is not loopback"


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    data = compile_lists(
        tmp_path_factory.mktemp("lists"), {"hotline": (["http://bad.example/"], Action.BLOCK)}
    )
    return Matcher(open_bytes(data))


def rows(db: Path, query: str) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(db)
    try:
        return connection.execute(query).fetchall()
    finally:
        connection.close()


def test_the_service_stores_the_link_and_the_note_never_the_message_or_the_id(
    tmp_path: Path, matcher: Matcher
) -> None:
    db = tmp_path / "review.db"
    (finding,) = matcher.scan_text(MESSAGE)
    with review_server(f"sqlite:///{db}", cwd=tmp_path) as base:
        reporter = Reporter(tmp_path / "device", base, address_policy=loopback_only)
        install_id = reporter.install_id()
        assert reporter.report(finding, note="seen in a class chat").status is ReportStatus.SENT
    assert rows(db, "SELECT url, reports FROM urls") == [("http://bad.example/pics/1", 1)]
    assert rows(db, "SELECT verdict, techniques, note, attachment FROM reports") == [
        ("block", '["refang"]', "seen in a class chat", None)
    ]
    on_disk = b"".join(p.read_bytes() for p in tmp_path.glob("review.db*"))
    assert b"http://bad.example/pics/1" in on_disk  # a positive control
    for words in ("my secret", "call me", "555-0100", "bad[.]example", "hxxp"):
        assert words.encode() not in on_disk, words
    assert install_id.encode() not in on_disk  # the service keeps only a keyed hash of it


def test_the_services_rate_limit_keeps_reports_queued(tmp_path: Path, matcher: Matcher) -> None:
    db = tmp_path / "review.db"
    with review_server(f"sqlite:///{db}", "--install-rate", "1", cwd=tmp_path) as base:
        reporter = Reporter(tmp_path / "device", base, address_policy=loopback_only)
        results = [reporter.report(matcher.check_url(f"http://grey.example/{i}")) for i in range(3)]
        assert results[0].status is ReportStatus.SENT
        limited = [r for r in results if r.status is ReportStatus.QUEUED]
        assert limited, [r.status for r in results]
        assert {r.http_status for r in limited} <= {429, None}  # None: held back, not asked
        assert limited[0].http_status == 429
        assert limited[0].retry_at is not None
        assert reporter.flush(force=True).results == ()  # Retry-After holds, force or not
        assert reporter.pending() == len(limited)
    assert len(rows(db, "SELECT id FROM reports")) == 3 - len(limited)


def test_a_refused_token_is_dropped_not_retried(tmp_path: Path) -> None:
    db = tmp_path / "review.db"
    token_file = tmp_path / "flagger.token"
    token_file.write_text(FLAGGER_TOKEN + "\n")
    flagger = ("--flagger", f"hotline-desk={token_file}")
    with review_server(f"sqlite:///{db}", *flagger, cwd=tmp_path) as base:
        forged = Reporter(
            tmp_path / "other", base, address_policy=loopback_only, token="not-" + FLAGGER_TOKEN
        )
        refused = forged.report("http://grey.example/forged")
        assert (refused.status, refused.http_status) == (ReportStatus.DROPPED, 401)
        assert forged.pending() == 0
    assert rows(db, "SELECT url FROM urls") == []
