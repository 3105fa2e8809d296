"""The SDK's ``linkscreen.Reporter`` against a real ``linkscreen-server review`` process: the
two sides of docs/review.md's contract agree, a flagger's token makes a URL provisional, and a
service that goes away leaves reports queued on the device until it is back."""

from __future__ import annotations

from pathlib import Path

from linkscreen import Reporter, ReportStatus
from linkscreen_server.review.storage import Database
from linkscreen_server.review.workflow import Review

from review_support import review_server
from server_process import free_port

TOKEN = "hotline-token-0123456789abcdefghijklmnop"


def _queue(db_url: str) -> dict[str, tuple[int, str]]:
    review = Review(Database(db_url))
    try:
        return {item.url: (item.reports, item.state) for item in review.queue()[0]}
    finally:
        review.db.close()


def test_reports_from_the_sdk_arrive_once_and_wait_out_an_outage(
    tmp_path: Path, review_db_url: str
) -> None:
    (tmp_path / "token").write_text(TOKEN)
    port = free_port()
    flagger = ["--flagger", f"hotline={tmp_path / 'token'}"]
    with review_server(review_db_url, *flagger, cwd=tmp_path, port=port) as base:
        app = Reporter(tmp_path / "app", base, address_policy=None)
        sent = app.report("http://Reported.example/a/../page", note="seen in a group")
        assert sent.status is ReportStatus.SENT, sent
        again = app.report("http://reported.example/page")
        assert again.status is ReportStatus.DUPLICATE, again
        hotline = Reporter(tmp_path / "hotline", base, address_policy=None, token=TOKEN)
        assert hotline.report("http://flagged.example/").status is ReportStatus.SENT
    assert _queue(review_db_url) == {
        "http://reported.example/page": (1, "reported"),
        "http://flagged.example/": (1, "provisional"),
    }
    queued = app.report("http://later.example/x")  # the service is down
    assert queued.status is ReportStatus.QUEUED, queued
    assert app.pending() == 1
    with review_server(review_db_url, *flagger, cwd=tmp_path, port=port):
        flushed = app.flush(force=True)
        assert flushed.delivered == 1, flushed
    assert app.pending() == 0
    assert _queue(review_db_url)["http://later.example/x"] == (1, "reported")
