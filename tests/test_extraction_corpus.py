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
    entries = sorted({row["entry"] for row in POSITIVES})
    data = compile_lists(tmp_path_factory.mktemp("corpus"), {"hotline": (entries, Action.BLOCK)})
    return linkscreen.Matcher(open_bytes(data))


def test_corpus_size() -> None:
    assert len(POSITIVES) >= 400
    assert len(BENIGN) >= 2000
    assert min(Counter(row["technique"] for row in POSITIVES).values()) >= 20


def test_corpus_file_is_what_the_generator_makes() -> None:
    expected = make_extraction_corpus.render(make_extraction_corpus.generate())
    assert (DATA / "extraction_corpus.jsonl").read_text("utf-8") == expected


@pytest.mark.parametrize("technique", TECHNIQUES)
def test_recall_per_technique(matcher: linkscreen.Matcher, technique: str) -> None:
    rows = [row for row in POSITIVES if row["technique"] == technique]
    missed = [
        row["text"] for row in rows if matcher.scan_text(row["text"]).action is not Action.BLOCK
    ]
    recall = 1 - len(missed) / len(rows)
    print(f"recall {technique}: {recall:.0%} of {len(rows)}")
    assert missed == [], f"{technique}: recall {recall:.1%}"


def test_no_listed_match_in_benign_messages(matcher: linkscreen.Matcher) -> None:
    alarms = []
    candidates = 0
    for row in BENIGN:
        findings = matcher.scan_text(row["text"])
        candidates += len(findings)
        alarms += [(row["text"], f.url) for f in findings if f.action is not Action.ALLOW]
    assert alarms == []
    assert candidates > 500, "benign messages should still yield candidates that get looked up"
