"""Measure link detection on the held-apart corpus: recall per technique, false alarms per category.

Compiles ``list.txt`` into a signed bundle with the project's compiler (one ``block`` list),
scans every message with ``Matcher.scan_text`` (a conversation's messages in turn order, with
conversation context), and prints two tables. A positive is *found* when one of its messages
has a finding of action ``warn`` or ``block`` that matches the positive's own list entry;
*blocked* when that finding blocks. A benign message is an alarm when its action is ``warn``
(warned) or ``block`` (blocked).

``--table-only`` prints only the aggregate tables: no message text, no misses. Those numbers
are all the detection engineers may see of this corpus. The default also lists misses and
alarms; ``--json PATH`` writes the numbers.

Run: ``.venv/bin/python tests/data/heldout/evaluate.py [--table-only] [--json PATH]``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

import linkscreen
from linkscreen import Bundle, Matcher
from linkscreen.keys import raw_bytes
from linkscreen.results import Action
from linkscreen_server.compiler import ListSpec, compile_bundle, entry_expression

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus.jsonl"
LIST = HERE / "list.txt"
#: Built from public constant bytes: signs only this throw-away evaluation bundle.
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
WARN = Action.WARN.severity
BLOCK = Action.BLOCK.severity


def load_rows(path: Path = CORPUS) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def compile_matcher(list_path: Path = LIST) -> Matcher:
    """The list compiled as one ``block`` list, fixed salt and seed, no shortener domains."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "heldout.txt"
        copy.write_bytes(list_path.read_bytes())
        data, report = compile_bundle(
            [ListSpec("heldout", copy, Action.BLOCK)],
            KEY,
            created=1_767_225_600,
            salt=bytes(16),
            bloom_seed=7,
            shorteners=[],
        )
    if report.rejected:
        raise ValueError(f"list.txt has rejected lines: {report.rejected[:3]}")
    return Matcher(Bundle.from_bytes(data, [raw_bytes(KEY.public_key())]))


def group_samples(rows: Iterable[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Rows grouped into samples: a conversation's rows in turn order, or one row alone."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        key = row.get("conversation") or row["id"]
        groups.setdefault(key, []).append(row)
    return [sorted(group, key=lambda r: int(r.get("turn", 0))) for group in groups.values()]


def _severity(action: object) -> int:
    return Action(str(action)).severity


def _matched_expressions(finding: Any) -> set[str]:
    verdict = getattr(finding, "verdict", None)
    matches = getattr(verdict, "matches", None) or getattr(finding, "matches", None) or ()
    return {str(getattr(m, "expression", "")) for m in matches}


def _host_of(finding: Any) -> str | None:
    canonical = getattr(getattr(finding, "verdict", None), "canonical", None)
    if not canonical:
        try:
            canonical = linkscreen.canonicalize(finding.url)
        except linkscreen.LinkscreenError:
            return None
    return urlsplit(str(canonical)).hostname


def scan_turns(matcher: Matcher, texts: Sequence[str]) -> list[Any]:
    """Findings of each message, carrying conversation context from one turn to the next."""
    conversation_type = getattr(linkscreen, "Conversation", None)
    if conversation_type is not None:
        context = conversation_type()
        return [matcher.scan_text(text, context=context) for text in texts]  # type: ignore[call-arg]
    results, hosts = [], []
    for text in texts:
        findings = matcher.scan_text(text, context_hosts=tuple(hosts))
        results.append(findings)
        for finding in findings:
            host = _host_of(finding)
            if host and host not in hosts:
                hosts.append(host)
    return results


@dataclass
class Tally:
    n: int = 0
    found: int = 0
    blocked: int = 0
    warned: int = 0


@dataclass
class Report:
    techniques: dict[str, Tally] = field(default_factory=dict)
    categories: dict[str, Tally] = field(default_factory=dict)
    misses: list[tuple[list[dict[str, Any]], list[Any]]] = field(default_factory=list)
    alarms: list[tuple[dict[str, Any], Any]] = field(default_factory=list)
    seconds: float = 0.0
    messages: int = 0


def evaluate(rows: list[dict[str, Any]], matcher: Matcher) -> Report:
    report = Report()
    started = time.perf_counter()
    for sample in group_samples(rows):
        first = sample[0]
        results = scan_turns(matcher, [row["text"] for row in sample])
        report.messages += len(sample)
        if first["kind"] == "positive":
            tally = report.techniques.setdefault(first["technique"], Tally())
            tally.n += 1
            wanted = entry_expression(first["entry"])
            hits = [
                finding
                for findings in results
                for finding in findings
                if _severity(finding.action) >= WARN and wanted in _matched_expressions(finding)
            ]
            if hits:
                tally.found += 1
                if any(_severity(f.action) >= BLOCK for f in hits):
                    tally.blocked += 1
            else:
                report.misses.append((sample, results))
            continue
        tally = report.categories.setdefault(first["category"], Tally())
        for row, findings in zip(sample, results, strict=True):
            tally.n += 1
            severity = _severity(findings.action)
            if severity >= BLOCK:
                tally.blocked += 1
            elif severity >= WARN:
                tally.warned += 1
            if severity >= WARN:
                report.alarms.append((row, findings))
    report.seconds = time.perf_counter() - started
    return report


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    -"


def tables(report: Report) -> str:
    lines = ["held-apart corpus: positives by technique (found = warn or block on its entry)"]
    lines.append(f"{'technique':36} {'n':>5} {'found':>6} {'blocked':>8} {'recall':>7}")
    total = Tally()
    for name in sorted(report.techniques):
        t = report.techniques[name]
        total.n, total.found, total.blocked = (
            total.n + t.n,
            total.found + t.found,
            total.blocked + t.blocked,
        )
        lines.append(f"{name:36} {t.n:5} {t.found:6} {t.blocked:8} {_pct(t.found, t.n):>7}")
    recall = _pct(total.found, total.n)
    lines.append(f"{'TOTAL':36} {total.n:5} {total.found:6} {total.blocked:8} {recall:>7}")
    recalls = [t.found / t.n for t in report.techniques.values() if t.n]
    lowest = _pct(round(1000 * min(recalls, default=0)), 1000)
    under = sum(1 for r in recalls if r < 0.9)
    lines.append(f"techniques: {len(recalls)}, lowest recall {lowest.strip()}, under 90%: {under}")
    lines.append("")
    lines.append("held-apart corpus: benign messages by category (alarm = warn or block)")
    lines.append(f"{'category':36} {'n':>5} {'blocked':>8} {'warned':>7}")
    bad = Tally()
    for name in sorted(report.categories):
        c = report.categories[name]
        bad.n, bad.blocked, bad.warned = bad.n + c.n, bad.blocked + c.blocked, bad.warned + c.warned
        lines.append(f"{name:36} {c.n:5} {c.blocked:8} {c.warned:7}")
    lines.append(f"{'TOTAL':36} {bad.n:5} {bad.blocked:8} {bad.warned:7}")
    return "\n".join(lines)


def details(report: Report) -> str:
    lines = [f"misses ({len(report.misses)}):"]
    for sample, results in report.misses:
        row = sample[0]
        seen = [f"{f.url!r}:{f.action}" for findings in results for f in findings][:4]
        text = " | ".join(r["text"] for r in sample)
        lines.append(f"  {row['id']}  entry={row['entry']}  text={text[:160]!r}  got={seen}")
    lines.append(f"alarms ({len(report.alarms)}):")
    for row, findings in report.alarms:
        seen = [f"{f.url!r}:{f.action}:{sorted(_matched_expressions(f))}" for f in findings][:4]
        lines.append(f"  {row['id']}  text={row['text'][:140]!r}  got={seen}")
    return "\n".join(lines)


def numbers(report: Report) -> dict[str, Any]:
    return {
        "techniques": {k: vars(v) for k, v in sorted(report.techniques.items())},
        "benign": {k: vars(v) for k, v in sorted(report.categories.items())},
        "positives": sum(t.n for t in report.techniques.values()),
        "found": sum(t.found for t in report.techniques.values()),
        "blocked": sum(t.blocked for t in report.techniques.values()),
        "benign_messages": sum(c.n for c in report.categories.values()),
        "benign_blocked": sum(c.blocked for c in report.categories.values()),
        "benign_warned": sum(c.warned for c in report.categories.values()),
        "seconds": round(report.seconds, 2),
        "messages": report.messages,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--table-only", action="store_true", help="aggregate tables only")
    parser.add_argument("--json", type=Path, help="write the numbers to this file")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--list", type=Path, default=LIST)
    args = parser.parse_args(argv)
    report = evaluate(load_rows(args.corpus), compile_matcher(args.list))
    print(tables(report))
    print(f"\n{report.messages} messages scanned in {report.seconds:.1f} s")
    if not args.table_only:
        print()
        print(details(report))
    if args.json:
        args.json.write_text(json.dumps(numbers(report), indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
