"""The review service on loopback (issue 13): reports accepted per second and their latency,
and the first page of a 100,000-report queue.

Reports: a real ``linkscreen-server review`` process, 4 keep-alive clients, every report a new
URL from a new install (the most expensive case: a URL row, a report row and an audit entry).
Baseline in the same run, the naive way: a Starlette endpoint on the event loop that opens
SQLite per request in its default rollback-journal mode and commits with synchronous=FULL.
PostgreSQL is recorded beside SQLite when the cluster can start. Targets: >= 500 reports/s
with SQLite, p99 < 50 ms.

Queue: 100,000 reports over 40,000 URLs; the first page (50 rows) rendered over HTTP for a
signed-in analyst, and the page query with and without the queue index (``NOT INDEXED``, the
naive full sort). Target: <= 200 ms.
"""

from __future__ import annotations

import http.client
import json
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest

from linkscreen_server.review import accounts
from linkscreen_server.review.storage import Database

from review_support import fresh_database, postgres_bin, postgres_cluster, review_server
from server_process import free_port, wait_until_up

REPORTS = 2000
CLIENTS = 4
QUEUE_REPORTS = 100_000
QUEUE_URLS = 40_000

_NAIVE_SERVER = r"""
import json, sqlite3, sys
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

path, port = sys.argv[1], int(sys.argv[2])
with sqlite3.connect(path) as conn:
    conn.execute("CREATE TABLE IF NOT EXISTS reports (url TEXT, install TEXT, body TEXT,"
                 " UNIQUE (url, install))")

async def post(request: Request) -> JSONResponse:
    body = await request.body()
    data = json.loads(body)
    conn = sqlite3.connect(path)  # per request, default journal, synchronous=FULL
    try:
        conn.execute("INSERT OR IGNORE INTO reports VALUES (?, ?, ?)",
                     (data["url"], data["install_id"], body.decode()))
        conn.commit()
    finally:
        conn.close()
    return JSONResponse({"status": "received", "id": "x"}, status_code=202)

app = Starlette(routes=[Route("/v1/reports", post, methods=["POST"]),
                        Route("/health", lambda r: JSONResponse({"ok": True}))])
uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
"""


@contextmanager
def naive_server(tmp: Path) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", _NAIVE_SERVER, str(tmp / "naive.db"), str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/health", process=process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def _flood(base: str, tag: str) -> tuple[float, list[float]]:
    """(accepted reports per second, latencies in ms) for REPORTS reports from CLIENTS."""
    parts = urllib.parse.urlsplit(base)
    latencies: list[float] = []
    lock = threading.Lock()
    failures: list[int] = []

    def client(index: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
        mine = []
        for n in range(index, REPORTS, CLIENTS):
            body = json.dumps({
                "v": 1, "url": f"http://r{n}.{tag}.example/p/{n}", "techniques": ["refang"],
                "verdict": "warn", "install_id": f"bench-install-{tag}-{n:08d}",
            })  # fmt: skip
            start = time.perf_counter()
            conn.request("POST", "/v1/reports", body, {"Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            mine.append((time.perf_counter() - start) * 1000)
            if response.status != 202:
                failures.append(response.status)
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.perf_counter() - started
    assert not failures, failures[:5]
    return REPORTS / took, latencies


def _p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98]


def test_reports_per_second_and_latency(recorder: Any, tmp_path: Path) -> None:
    fast = ["--report-rate", "1000000", "--install-rate", "1000000"]
    group, latency = "reports accepted per second", "report latency p99"
    with naive_server(tmp_path) as base:
        naive_rate, naive_lat = _flood(base, "naive")
    with review_server(f"sqlite:///{tmp_path / 'review.db'}", *fast, cwd=tmp_path) as base:
        rate, lat = _flood(base, "sqlite")
    recorder(group, "naive: SQLite per request, on the event loop", naive_rate, "rep/s")
    recorder(group, "review service, SQLite (WAL)", rate, "rep/s")
    recorder(latency, "naive", _p99(naive_lat), "ms")
    recorder(latency, "review service, SQLite", _p99(lat), "ms")
    if postgres_bin() is not None:
        with postgres_cluster() as cluster, suppress(KeyboardInterrupt):
            url = fresh_database(cluster)
            with review_server(url, *fast, cwd=tmp_path) as base:
                pg_rate, pg_lat = _flood(base, "pg")
            recorder(group, "review service, PostgreSQL", pg_rate, "rep/s")
            recorder(latency, "review service, PostgreSQL", _p99(pg_lat), "ms")
    print(f"\nreports/s naive {naive_rate:.0f}, sqlite {rate:.0f}; p99 ms {_p99(lat):.1f}")


def _fill_queue(db: Database) -> None:
    rng = random.Random(13)
    now = int(time.time())
    counts = [1] * QUEUE_URLS
    for _ in range(QUEUE_REPORTS - QUEUE_URLS):  # a long tail: a few URLs get many reports
        counts[min(int(rng.paretovariate(1.2)) - 1, QUEUE_URLS - 1)] += 1
    rng.shuffle(counts)
    urls, reports = [], []
    for i, count in enumerate(counts):
        first = now - rng.randrange(7 * 86400)
        urls.append((i + 1, f"http://q{i}.queue.example/page/{i}", count, first, first,
                     json.dumps(["refang"]), first))  # fmt: skip
        for j in range(count):
            reports.append((f"r_{i}_{j}", i + 1, f"tag{i}x{j}", first, json.dumps(["refang"])))
    with db.transaction() as tx:  # bulk load: one transaction
        tx.many(
            "INSERT INTO urls (id, url, state, open, reports, first_reported, last_reported,"
            " techniques, updated) VALUES (?, ?, 'reported', 1, ?, ?, ?, ?, ?)",
            urls,
        )
        tx.many(
            "INSERT INTO reports (id, url_id, install, received, verdict, techniques)"
            " VALUES (?, ?, ?, ?, 'warn', ?)",
            reports,
        )


def _page_query(db: Database, hint: str) -> float:
    start = time.perf_counter()
    with db.read() as tx:
        tx.all(
            f"SELECT id, url, state, reports FROM urls {hint} WHERE open = 1"
            " ORDER BY reports DESC, first_reported, id LIMIT 50"
        )
        tx.one(f"SELECT COUNT(*) FROM urls {hint} WHERE open = 1")
    return (time.perf_counter() - start) * 1000


@pytest.mark.slow
def test_first_page_of_a_100k_report_queue(recorder: Any, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'queue.db'}"
    db = Database(url)
    _fill_queue(db)
    accounts.add_user(db, "alice", "analyst", "a long enough password")
    indexed = statistics.median(_page_query(db, "") for _ in range(9))
    naive = statistics.median(_page_query(db, "NOT INDEXED") for _ in range(3))
    db.close()
    with review_server(url, cwd=tmp_path) as base:
        parts = urllib.parse.urlsplit(base)
        conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
        conn.request("GET", "/review/login")
        response = conn.getresponse()
        html = response.read().decode()
        login = re.search(r"ls_login=([^;]+)", response.getheader("set-cookie") or "")
        csrf = re.search(r'name="csrf" value="([^"]+)"', html)
        assert login is not None
        assert csrf is not None
        form = urllib.parse.urlencode(
            {"csrf": csrf.group(1), "name": "alice", "password": "a long enough password"}
        )
        conn.request("POST", "/review/login", form, {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"ls_login={login.group(1)}"})  # fmt: skip
        response = conn.getresponse()
        response.read()
        session = re.search(r"ls_session=([^;]+)", response.getheader("set-cookie") or "")
        assert session is not None
        timings = []
        for _ in range(15):
            start = time.perf_counter()
            conn.request("GET", "/review/", headers={"Cookie": f"ls_session={session.group(1)}"})
            response = conn.getresponse()
            page = response.read()
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status == 200
            assert b"Open reports: 40000" in page
        conn.close()
    group = "first queue page, 100k reports"
    recorder(group, "page query without the index (naive sort)", naive, "ms")
    recorder(group, "page query with the queue index", indexed, "ms")
    recorder(group, "whole page over HTTP (median)", statistics.median(timings), "ms")
    recorder(group, "whole page over HTTP (max)", max(timings), "ms")
    print(f"\nqueue page: naive query {naive:.1f} ms, indexed {indexed:.2f} ms, "
          f"HTTP median {statistics.median(timings):.1f} ms")  # fmt: skip
