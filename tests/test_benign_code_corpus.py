"""Code, config, logs, file names and word pairs against an adversarial list (issue 9).

``tests/data/benign_code`` holds ordinary technical text written in the conventions of public
repositories (SOURCES.md) and a list with a host-level entry for every host-shaped token and
loose word pair in it (``self.name/``, ``setup.py/``, ``log.in/``, ``create.app/``) plus path
entries. Nothing in the corpus is a link to those names, so every warn or block is a false
alarm: the test asserts none on code, config, logs and the first word-pair set, and prints a
table per category. The twelfth round's word-pair prose in nine languages (``wp-*``) still
has alarms of known causes (ADR 0012, "Twelfth round"): a ceiling per category that may
only go down.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

import linkscreen
from linkscreen.results import Action

from bundles import compile_lists, open_bytes

DATA = Path(__file__).parent / "data" / "benign_code"
sys.path.insert(0, str(DATA))

import make_benign_code  # noqa: E402

ROWS = list(make_benign_code.iter_rows())
#: Messages of the twelfth round's word-pair prose still alarmed (blocked, warned), by
#: category (ADR 0012, "Twelfth round, word pairs"): a ceiling that may only go down.
KNOWN_ALARMS = {
    "wp-abbrev": (3, 1),
    "wp-cjk": (3, 9),
    "wp-de": (3, 1),
    "wp-es": (6, 1),
    "wp-fr": (6, 4),
    "wp-id": (3, 1),
    "wp-letters": (2, 0),
    "wp-pl": (2, 6),
    "wp-pt": (3, 3),
    "wp-ru": (0, 4),
    "wp-slash": (0, 3),
    "wp-spoken": (5, 0),
    "wp-touch": (10, 0),
    "wp-tr": (2, 2),
}
LISTED = [
    line
    for line in (DATA / "list.txt").read_text("utf-8").splitlines()
    if line and not line.startswith("#")
]


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    data = compile_lists(tmp_path_factory.mktemp("benign"), {"adv": (LISTED, Action.BLOCK)})
    return linkscreen.Matcher(open_bytes(data))


def test_files_are_what_the_generator_makes() -> None:
    corpus, listing = make_benign_code.build()
    assert (DATA / "corpus.jsonl").read_text("utf-8") == corpus
    assert (DATA / "list.txt").read_text("utf-8") == listing


def test_corpus_is_large_and_covers_every_kind() -> None:
    categories = Counter(row["category"] for row in ROWS)
    assert sum(categories.values()) >= 3000
    assert min(categories.values()) >= 100, categories
    word_pairs = {name: n for name, n in categories.items() if name.startswith("wp-")}
    assert sum(word_pairs.values()) >= 2000
    assert {"wp-es", "wp-fr", "wp-de", "wp-pt", "wp-ru", "wp-id", "wp-tr", "wp-pl"} <= set(
        word_pairs
    )
    assert len(LISTED) >= 1000
    for entry in ("http://log.in/", "http://setup.py/", "http://self.name/", "http://app.run/"):
        assert entry in LISTED, entry


def test_the_list_catches_its_names_written_as_links(matcher: linkscreen.Matcher) -> None:
    """Not a list that matches nothing: its names written as links block."""
    for entry in ("http://log.in/", "http://setup.py/", "http://self.name/"):
        host = entry.split("//")[1].rstrip("/")
        assert matcher.scan_text(f"go to https://{host}/x now").action is Action.BLOCK
        assert matcher.scan_text(f"go to www.{host} now").action is Action.BLOCK


def test_no_alarm_on_code_config_logs_and_word_pairs(matcher: linkscreen.Matcher) -> None:
    table: dict[str, list[int]] = {}
    alarms = []
    matched = 0
    for row in ROWS:
        findings = matcher.scan_text(row["text"])
        matched += any(f.verdict.matches for f in findings)
        counts = table.setdefault(row["category"], [0, 0, 0])
        counts[0] += 1
        counts[1] += findings.action is Action.BLOCK
        counts[2] += findings.action is Action.WARN
        if row["category"] in KNOWN_ALARMS:
            continue  # judged by its ceiling below
        alarms += [
            (row["id"], f.url, str(f.action), [str(t) for t in f.techniques])
            for f in findings
            if f.action is not Action.ALLOW
        ]
    print("\nbenign code corpus: messages by category (alarm = warn or block)")
    for category, (count, blocked, warned) in sorted(table.items()):
        print(f"  {category:16s} {count:6d} {blocked:8d} {warned:7d}")
    print(f"  {'matched a listed entry (reported, allowed)':44s} {matched}")
    assert matched > 500, "the list should match many readings, so the rule is exercised"
    assert alarms == [], f"{len(alarms)} alarms, first: {alarms[:10]}"
    over = {
        category: (blocked, warned)
        for category, (_, blocked, warned) in table.items()
        if blocked > KNOWN_ALARMS.get(category, (0, 0))[0]
        or warned > KNOWN_ALARMS.get(category, (0, 0))[1]
    }
    assert not over, f"word-pair categories over their ceiling (blocked, warned): {over}"
