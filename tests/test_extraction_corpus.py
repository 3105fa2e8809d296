"""Labelled corpus (tests/data/extraction_corpus.jsonl): recall per technique, no false alarms.

Every positive message hides one listed URL with one technique and must be blocked; no benign
message may produce a listed match. Both backends (C core and pure Python) run this in CI.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import linkscreen
from linkscreen.results import Action

from bundles import compile_lists, open_bytes

DATA = Path(__file__).parent / "data"
sys.path.insert(0, str(DATA))

import make_extraction_corpus  # noqa: E402

ROWS: list[dict[str, Any]] = [
    json.loads(line) for line in (DATA / "extraction_corpus.jsonl").read_text("utf-8").splitlines()
]
POSITIVES = [row for row in ROWS if row["kind"] == "positive"]
BENIGN = [row for row in ROWS if row["kind"] == "benign"]
TECHNIQUES = sorted({row["technique"] for row in POSITIVES})


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    entries = sorted({row["entry"] for row in ROWS if row["kind"] in ("positive", "entry")})
    data = compile_lists(tmp_path_factory.mktemp("corpus"), {"hotline": (entries, Action.BLOCK)})
    return linkscreen.Matcher(open_bytes(data))


def test_corpus_size() -> None:
    assert len(POSITIVES) >= 1000
    assert len(BENIGN) >= 5000
    assert min(Counter(row["technique"] for row in POSITIVES).values()) >= 20


def test_corpus_file_is_what_the_generator_makes() -> None:
    expected = make_extraction_corpus.render(make_extraction_corpus.generate())
    assert (DATA / "extraction_corpus.jsonl").read_text("utf-8") == expected


def _scan(matcher: linkscreen.Matcher, row: dict[str, Any]) -> linkscreen.Findings:
    """The row's message, after its earlier messages (if any) in one conversation."""
    conversation = linkscreen.Conversation()
    for earlier in row.get("context", ()):
        matcher.scan_text(earlier, context=conversation)
    return matcher.scan_text(row["text"], context=conversation)


def _hits(matcher: linkscreen.Matcher, row: dict[str, Any]) -> list[linkscreen.Finding]:
    """Findings that matched the row's own entry and answered warn or block."""
    entry = linkscreen.expressions(row["entry"])[0]
    return [
        finding
        for finding in _scan(matcher, row)
        if finding.action is not Action.ALLOW
        and any(match.expression == entry for match in finding.verdict.matches)
    ]


def _found(matcher: linkscreen.Matcher, row: dict[str, Any]) -> bool:
    return bool(_hits(matcher, row))


@pytest.fixture(scope="module")
def recall(matcher: linkscreen.Matcher) -> dict[str, tuple[int, list[str]]]:
    table: dict[str, tuple[int, list[str]]] = {}
    for technique in TECHNIQUES:
        rows = [row for row in POSITIVES if row["technique"] == technique]
        table[technique] = (len(rows), [r["text"] for r in rows if not _found(matcher, r)])
    return table


@pytest.mark.parametrize("technique", TECHNIQUES)
def test_recall_per_technique(recall: dict[str, tuple[int, list[str]]], technique: str) -> None:
    count, missed = recall[technique]
    rate = 1 - len(missed) / count
    print(f"recall {technique}: {rate:.1%} of {count}")
    assert rate >= 0.90, f"{technique}: recall {rate:.1%}, missed {missed[:5]}"


def test_overall_recall_and_table(recall: dict[str, tuple[int, list[str]]]) -> None:
    total = sum(count for count, _ in recall.values())
    missed = sum(len(m) for _, m in recall.values())
    print("\ntuning corpus: positives by technique (found = warn or block on its entry)")
    for technique, (count, misses) in recall.items():
        print(
            f"  {technique:28s} {count:5d} {count - len(misses):6d} {1 - len(misses) / count:7.1%}"
        )
    print(f"  {'TOTAL':28s} {total:5d} {total - missed:6d} {1 - missed / total:7.1%}")
    assert 1 - missed / total >= 0.97


def test_lookalike_hits_warn_and_never_block(matcher: linkscreen.Matcher) -> None:
    rows = [r for r in POSITIVES if r["technique"] in make_extraction_corpus.LOOKALIKE_TECHNIQUES]
    assert rows
    for row in rows:
        assert all(f.action is Action.WARN for f in _hits(matcher, row)), row["text"]


def test_no_alarm_in_benign_messages(matcher: linkscreen.Matcher) -> None:
    alarms = []
    candidates = 0
    table: dict[str, list[int]] = {}
    for row in BENIGN:
        findings = matcher.scan_text(row["text"])
        candidates += len(findings)
        counts = table.setdefault(row["category"], [0, 0, 0])
        counts[0] += 1
        counts[1] += findings.action is Action.BLOCK
        counts[2] += findings.action is Action.WARN
        alarms += [
            (row["text"], f.url, str(f.action)) for f in findings if f.action is not Action.ALLOW
        ]
    print("\ntuning corpus: benign messages by category (alarm = warn or block)")
    for category, (count, blocked, warned) in sorted(table.items()):
        print(f"  {category:24s} {count:6d} {blocked:8d} {warned:7d}")
    assert alarms == []
    assert candidates > 300, "benign messages should still yield candidates that get looked up"
