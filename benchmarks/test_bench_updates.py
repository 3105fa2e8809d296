"""Updates: delta size at 1% churn on 1,000,000 entries, server throughput, the empty refresh.

Baselines in the same run: the full bundle (for the delta), nginx serving the same tree (for
the server; skipped if nginx is absent), a full refresh (for the nothing-new refresh).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from linkscreen import Updater
from linkscreen.bundle.delta import apply_delta
from linkscreen_server.compiler import ListSpec
from linkscreen_server.publish import PublishSettings, payload_of

from corpus import generated_urls
from repo_fixtures import MemoryRepo, entries
from server_process import linkscreen_server, nginx_serving

ENTRIES = 1_000_000
CHURN = ENTRIES // 100


def test_delta_for_one_percent_churn(recorder: Any, tmp_path: Path) -> None:
    urls = generated_urls(ENTRIES + CHURN, seed=11)
    repo = MemoryRepo(tmp_path, settings=PublishSettings())
    path = tmp_path / "big.txt"
    path.write_text("\n".join(urls[:ENTRIES]) + "\n")
    start = time.perf_counter()
    repo.repo.publish([ListSpec("big", path)], repo.signing_key, shorteners=[])
    first = time.perf_counter() - start
    path.write_text("\n".join(urls[CHURN : ENTRIES + CHURN]) + "\n")  # 1% out, 1% in
    start = time.perf_counter()
    result = repo.repo.publish([ListSpec("big", path)], repo.signing_key, shorteners=[])
    second = time.perf_counter() - start
    delta = result.delta_bytes[1]
    group = "delta, 1% churn on 1,000,000 entries"
    recorder(group, "full bundle", result.full_bytes, "bytes")
    recorder(group, "delta", delta, "bytes")
    recorder("delta / full bundle (target <= 3%)", "share", 100 * delta / result.full_bytes, "%")
    recorder("publish 1M (compile, sign, write)", "version 1 (rebase)", first, "s")
    recorder("publish 1M (compile, sign, write)", "version 2 (chain + delta)", second, "s")
    tree = tmp_path / "tree"
    m1 = json.loads((tree / "manifests/1.json").read_text())["signed"]
    m2 = json.loads((tree / "manifests/2.json").read_text())["signed"]
    old_payload = payload_of((tree / m1["full"]["path"]).read_bytes())
    delta_bytes = (tree / m2["deltas"][0]["path"]).read_bytes()
    group = "client applies the 1% delta (target <= 0.2 s)"
    answers = []
    for name, pure in (("C core (ls_delta_apply)", "0"), ("pure Python", "1")):
        os.environ["LINKSCREEN_PURE"] = pure
        try:
            start = time.perf_counter()
            answers.append(apply_delta(old_payload, delta_bytes))
            recorder(group, name, time.perf_counter() - start, "s")
        finally:
            os.environ.pop("LINKSCREEN_PURE", None)
    assert answers[0] == answers[1]
    assert delta <= 0.03 * result.full_bytes


def _wrk(url: str) -> tuple[float, float]:
    if shutil.which("wrk") is None:
        pytest.skip("wrk is not installed (apt-get install wrk)")
    output = subprocess.run(
        ["wrk", "-t2", "-c32", "-d5s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", output)
    assert p99 is not None
    value = float(p99.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    return rate, value


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, MemoryRepo]:
    tmp = tmp_path_factory.mktemp("serve")
    repo = MemoryRepo(tmp)
    repo.publish(entries(2000), now=time.time())
    return tmp, repo


@pytest.mark.parametrize("server", ["linkscreen-server", "nginx"])
@pytest.mark.parametrize("path", ["pointer.json", "manifests/1.json"])
def test_server_throughput(
    recorder: Any, tree: tuple[Path, MemoryRepo], server: str, path: str
) -> None:
    tmp, _ = tree
    if server == "nginx":
        if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
            pytest.skip("nginx is not installed")
        context = nginx_serving(tmp / "tree", tmp / f"nginx-{path.replace('/', '-')}")
    else:
        (tmp / "run").mkdir(exist_ok=True)
        context = linkscreen_server("serve", "--dir", str(tmp / "tree"), cwd=tmp / "run")
    with context as base:
        rate, p99 = _wrk(base + path)
    recorder(f"GET {path}, wrk -t2 -c32 -d5s (target >= 2000/s)", server, rate, "req/s")
    recorder(f"GET {path} p99 latency (target < 20 ms)", server, p99, "ms")


def test_refresh_with_nothing_new(recorder: Any, tree: tuple[Path, MemoryRepo]) -> None:
    tmp, _ = tree
    (tmp / "run2").mkdir(exist_ok=True)
    with linkscreen_server("serve", "--dir", str(tmp / "tree"), cwd=tmp / "run2") as base:
        updater = Updater(tmp / "client", base, [tree[1].root_key.public_key()])
        start = time.perf_counter()
        full = updater.refresh()
        full_time = time.perf_counter() - start
        start = time.perf_counter()
        empty = updater.refresh()
        empty_time = time.perf_counter() - start
    recorder("refresh: requests", "first (full download)", full.requests, "reqs")
    recorder("refresh: requests", "nothing new", empty.requests, "reqs")
    recorder("refresh: body bytes", "first (full download)", full.bytes_downloaded, "bytes")
    recorder("refresh: body bytes", "nothing new (304)", empty.bytes_downloaded, "bytes")
    recorder("refresh: time", "first (full download)", full_time * 1000, "ms")
    recorder("refresh: time", "nothing new (304)", empty_time * 1000, "ms")
    assert (empty.requests, empty.bytes_downloaded) == (1, 0)
