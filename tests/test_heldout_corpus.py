"""The held-apart generalisation corpus (tests/data/heldout): integrity, and its two tables.

Integrity: the seeded generator reproduces the committed files byte for byte, the counts meet
issue 9's minimums, every positive hides a listed entry on a reserved or feed host, and the
decoy entries are real registrable names. The evaluation test prints the per-technique and
false-alarm tables. Thresholds (issue 9): at least 97% of positives found, every technique at
least 90%, and no benign message blocked beyond the few still known (a strict expected
failure asks for zero, so it fails loudly the day they are gone). Only aggregate numbers are
asserted or printed: the detection code is never tuned against single messages.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import json
import re
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from linkscreen.psl import registrable_domain, top_level_domains

HELDOUT = Path(__file__).parent / "data" / "heldout"
SHARED_FEED = Path(__file__).parents[1].parent / "shared" / "data" / "phishing_urls.txt"
RESERVED_TLDS = ("example", "test", "invalid")
TEST_NET_2 = ipaddress.ip_network("198.51.100.0/24")
REQUIRED_BENIGN = ("code", "config", "log", "email", "filename", "word-pair", "sibling-path")
REQUIRED_SCRIPTS = ("chat-zh", "chat-ja", "chat-ko", "chat-ar", "chat-ru", "chat-hi")


def _load(name: str, filename: str) -> ModuleType:
    if str(HELDOUT) not in sys.path:
        sys.path.insert(0, str(HELDOUT))  # make_heldout imports heldout_text as a sibling
    spec = importlib.util.spec_from_file_location(name, HELDOUT / filename)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


make = _load("heldout_make", "make_heldout.py")
evaluation = _load("heldout_evaluate", "evaluate.py")


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return list(evaluation.load_rows(HELDOUT / "corpus.jsonl"))


@pytest.fixture(scope="module")
def listed() -> set[str]:
    lines = (HELDOUT / "list.txt").read_text(encoding="utf-8").splitlines()
    return {line for line in lines if line and not line.startswith("#")}


def _host(entry: str) -> str:
    return entry.split("://", 1)[-1].split("/", 1)[0]


def test_generator_reproduces_committed_files() -> None:
    corpus, listing = make.build()
    assert corpus.encode("utf-8") == (HELDOUT / "corpus.jsonl").read_bytes()
    assert listing.encode("utf-8") == (HELDOUT / "list.txt").read_bytes()


def test_rows_follow_the_schema(rows: list[dict[str, Any]]) -> None:
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids))
    turns: dict[str, list[int]] = {}
    for row in rows:
        assert row["kind"] in ("positive", "benign")
        assert all(isinstance(row[key], str) and row[key] for key in ("technique", "source"))
        assert isinstance(row["text"], str)
        assert row["text"].strip()
        if row["kind"] == "positive":
            assert row["entry_kind"] in ("host", "path", "exact")
            assert row["host_source"] in ("synthetic", "feed")
            path = row["entry"].split("://", 1)[-1].partition("/")[2]
            assert (path == "") == (row["entry_kind"] == "host")
            assert path.endswith("/") or row["entry_kind"] != "path"
        else:
            assert row["category"]
        if "conversation" in row:
            turns.setdefault(row["conversation"], []).append(row["turn"])
    assert turns, "multi-message positives are missing"
    assert all(sorted(t) == list(range(1, len(t) + 1)) and len(t) > 1 for t in turns.values())
    # each line stays one visible line: no raw line separators or invisible characters
    text = (HELDOUT / "corpus.jsonl").read_text(encoding="utf-8")
    assert not re.search("[\u2028\u2029\u0085\u200b\u202e\u2800\u3164]", text)


def test_counts_meet_the_issue_minimums(rows: list[dict[str, Any]]) -> None:
    samples: dict[str, set[str]] = {}
    for row in rows:
        if row["kind"] == "positive":
            samples.setdefault(row["technique"], set()).add(row.get("conversation") or row["id"])
    assert len(samples) >= 39
    assert min(len(s) for s in samples.values()) >= 40, {
        k: len(v) for k, v in samples.items() if len(v) < 40
    }
    kinds = Counter(row["entry_kind"] for row in rows if row["kind"] == "positive")
    assert min(kinds.values()) >= 0.15 * sum(kinds.values()), kinds
    sources = Counter(row["host_source"] for row in rows if row["kind"] == "positive")
    assert sources["feed"] >= 0.2 * sum(sources.values()), sources
    categories = Counter(row["category"] for row in rows if row["kind"] == "benign")
    assert sum(categories.values()) >= 5000
    chats = [c for c in categories if c.startswith("chat-")]
    assert len(chats) >= 8
    assert set(REQUIRED_SCRIPTS) <= set(chats)
    assert set(REQUIRED_BENIGN) <= set(categories)


def test_every_positive_hides_a_listed_reserved_or_feed_entry(
    rows: list[dict[str, Any]], listed: set[str]
) -> None:
    feed_hosts = {_host(url) for url in make.load_sample()}
    for row in rows:
        if row["kind"] != "positive":
            continue
        assert row["entry"] in listed, row["id"]
        host = _host(row["entry"])
        if row["host_source"] == "feed":
            assert host in feed_hosts, row["id"]
        elif re.fullmatch(r"[0-9.]+", host):
            assert ipaddress.ip_address(host) in TEST_NET_2, row["id"]
        else:
            assert host.rsplit(".", 1)[-1] in RESERVED_TLDS, row["id"]
    decoys = {f"{h}/" for h in make.DECOY_HOSTS}
    hidden = {row["entry"] for row in rows if row["kind"] == "positive"}
    assert listed == hidden | decoys


def test_plain_urls_match_their_entries_and_siblings_do_not(rows: list[dict[str, Any]]) -> None:
    """Ground truth: each positive's plain URL hits its own entry; sibling pages hit nothing."""
    matcher = evaluation.compile_matcher(HELDOUT / "list.txt")
    for row in rows:
        if row["kind"] == "positive":
            verdict = matcher.check_url(row["url"])
            wanted = evaluation.entry_expression(row["entry"])
            assert wanted in {m.expression for m in verdict.matches}, row["id"]
        elif row["category"] == "sibling-path":
            assert matcher.check_url(row["url"]).action == "allow", row["id"]


def test_decoy_entries_are_registrable_names_with_real_tlds() -> None:
    tlds = top_level_domains()
    for host in make.DECOY_HOSTS:
        assert host.rsplit(".", 1)[-1] in tlds, host
        assert registrable_domain(host) == host, host  # a host-level entry, not a suffix


def test_list_compiles_without_rejections() -> None:
    matcher = evaluation.compile_matcher(HELDOUT / "list.txt")  # raises on any rejected line
    assert matcher.check_url("http://log.in/out").action == "block"
    assert matcher.check_url("http://unlisted-host.example/").action == "allow"


def test_feed_sample_keeps_its_attribution_and_comes_from_the_feed() -> None:
    head = (HELDOUT / "phishing_sample.txt").read_text(encoding="utf-8").splitlines()[:2]
    assert "MIT, Copyright (c) 2018 Mitchell Krog" in head[0]
    if not SHARED_FEED.exists():
        pytest.skip(f"{SHARED_FEED} is absent (fresh clone): provenance not re-checked")
    feed = set(SHARED_FEED.read_text(encoding="utf-8").splitlines())
    missing = [url for url in make.load_sample() if url not in feed]
    assert not missing


def test_sources_document_every_technique_and_source_key() -> None:
    sources = (HELDOUT / "SOURCES.md").read_text(encoding="utf-8")
    for technique in make.TECHNIQUES:
        assert f"`{technique.name}`" in sources, technique.name
        for key in technique.source.split():
            assert key == "baseline" or f"**{key}**" in sources, key


def test_evaluator_counts_found_blocked_and_alarms(tmp_path: Path) -> None:
    """The evaluator itself, on three rows whose outcome does not depend on detection."""
    listing = tmp_path / "list.txt"
    listing.write_text("listed-a.example/\nlisted-b.example/page/\n", encoding="utf-8")
    rows = [
        {"id": "p1", "kind": "positive", "technique": "t", "source": "s", "entry_kind": "host",
         "entry": "listed-a.example/", "text": "see https://listed-a.example/x"},
        {"id": "p2", "kind": "positive", "technique": "t", "source": "s", "entry_kind": "path",
         "entry": "listed-b.example/page/", "text": "see https://listed-a.example/other"},
        {"id": "b1", "kind": "benign", "technique": "t", "source": "s", "category": "c",
         "text": "https://listed-a.example/"},
        {"id": "b2", "kind": "benign", "technique": "t", "source": "s", "category": "c",
         "text": "nothing here"},
    ]  # fmt: skip
    report = evaluation.evaluate(rows, evaluation.compile_matcher(listing))
    assert vars(report.techniques["t"]) == {"n": 2, "found": 1, "blocked": 1, "warned": 0}
    assert vars(report.categories["c"]) == {"n": 2, "found": 0, "blocked": 1, "warned": 0}
    assert [sample[0]["id"] for sample, _ in report.misses] == [
        "p2"
    ]  # matched, but not its own entry
    assert [row["id"] for row, _ in report.alarms] == ["b1"]


def test_evaluation_prints_both_tables(
    rows: list[dict[str, Any]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Both tables over the whole corpus; table-only output carries no message text."""
    numbers_path = tmp_path / "numbers.json"
    assert evaluation.main(["--table-only", "--json", str(numbers_path)]) == 0
    out = capsys.readouterr().out
    numbers = json.loads(numbers_path.read_text(encoding="utf-8"))
    positives = {row.get("conversation") or row["id"] for row in rows if row["kind"] == "positive"}
    benign = [row for row in rows if row["kind"] == "benign"]
    assert numbers["positives"] == len(positives)
    assert numbers["benign_messages"] == len(benign)
    assert numbers["messages"] == len(rows)
    assert "misses" not in out
    assert "alarms" not in out
    for row in rows[::97]:
        assert row["text"] not in out
        assert row.get("entry", "\0") not in out
    with capsys.disabled():
        print("\n" + out)


#: Issue 9's thresholds for the held-apart corpus.
MIN_FOUND = 0.97
MIN_TECHNIQUE = 0.90
#: Benign messages still blocked or warned, by category, when these thresholds were set
#: (benchmarks/RESULTS.md): a ceiling that may only go down. Zero since the twelfth round
#: (ADR 0012: the last word-pair warning went with the rule "a label cut out of a word").
KNOWN_ALARMS: dict[str, tuple[int, int]] = {}


@pytest.fixture(scope="module")
def report(rows: list[dict[str, Any]]) -> Any:
    return evaluation.evaluate(rows, evaluation.compile_matcher(HELDOUT / "list.txt"))


def test_recall_meets_issue_9(report: Any) -> None:
    total = sum(t.n for t in report.techniques.values())
    found = sum(t.found for t in report.techniques.values())
    assert found / total >= MIN_FOUND, f"found {found / total:.1%} of {total}"
    low = {
        name: f"{t.found / t.n:.1%}"
        for name, t in report.techniques.items()
        if t.found / t.n < MIN_TECHNIQUE
    }
    assert not low, f"techniques under {MIN_TECHNIQUE:.0%}: {low}"


def test_benign_alarms_stay_under_their_known_ceiling(report: Any) -> None:
    over = {
        name: (t.blocked, t.warned)
        for name, t in report.categories.items()
        if t.blocked > KNOWN_ALARMS.get(name, (0, 0))[0]
        or t.warned > KNOWN_ALARMS.get(name, (0, 0))[1]
    }
    assert not over, f"benign categories over their ceiling (blocked, warned): {over}"


def test_no_benign_message_is_blocked_or_warned(report: Any) -> None:
    blocked = sum(t.blocked for t in report.categories.values())
    warned = sum(t.warned for t in report.categories.values())
    assert (blocked, warned) == (0, 0)
