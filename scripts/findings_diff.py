"""Differential check for speed work: old and new extraction give the same findings.

Usage::

    git archive main sdk/linkscreen | tar -x -C /tmp/base
    mv /tmp/base/sdk/linkscreen /tmp/base/linkscreen_base
    LINKSCREEN_PURE=1 .venv/bin/python scripts/findings_diff.py /tmp/base [--examples N]

The old package is imported as ``linkscreen_base`` from the given directory (the SDK uses only
relative imports, so a renamed copy works) next to the working tree's ``linkscreen``. Both read
the same bundle (the tuning corpus's entries plus its word-named whole-host entries) and every
message of the tuning corpus (``tests/data/extraction_corpus.jsonl``, with conversations), the
benchmark messages and the hostile shapes, then hypothesis-generated text. For each message,
``extract_links`` (candidates, hosts, paths, notes, also with ``spoken_hosts`` and context) and
``scan_text`` (spans, readings, techniques, signals, matches, actions, notes, complete) must be
identical. Exit status 1 on the first difference, which is printed.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import random
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

CORPUS = ROOT / "tests" / "data" / "extraction_corpus.jsonl"
ROWS = [json.loads(line) for line in CORPUS.read_text("utf-8").splitlines()]
MESSAGES = [row for row in ROWS if "text" in row]

#: Pieces hypothesis and the random splicer build messages from.
ALPHABET = (
    " .[]()/:-_,;*~+hxtpsdoacmwe0123\u200b\u202e\u202c。・，·ｂｅ．\n\t🔥ᴀ\u0336%\\@?=&#'\"«»【】"
)
FRAGMENTS = [
    "hxxp",
    "hxxps[:]//",
    "http://",
    "https://",
    "ttps://",
    "h t t p",
    "www.",
    "[.]",
    "(.)",
    "(dot)",
    " dot ",
    "[dot]",
    " punto ",
    " slash ",
    "/",
    ".com",
    " com",
    "example",
    "bad",
    "log in",
    "sign up",
    ".example/x",
    "a.example",
    "bad.example/path?q=1",
    "\n",
    " ",
    ". ",
    ", ",
    "(",
    ")",
    "\u200b",
    "ｅｘａｍｐｌｅ",
    "b a d . e x a m p l e",
    "com.acme.group.chat",
    "%2e",
    "%25",
    "google.com/url?q=http://bad.example/",
    "\u202eelpmaxe.dab",
    "ʙᴀᴅ",
    "🇧 🇦 🇩",
    "album/9",
    "d0t",
    "_dot_",
    "dotcom",
]


def _load_base(directory: Path) -> ModuleType:
    sys.path.insert(0, str(directory))
    return importlib.import_module("linkscreen_base")


def _bundle_bytes() -> bytes:
    from linkscreen.results import Action

    from bundles import compile_lists

    entries = sorted({r["entry"] for r in ROWS if r["kind"] in ("positive", "entry")})
    extra = ["http://bad.example/", "bad.example/", "a.example/", "evil.test/"]
    with tempfile.TemporaryDirectory() as tmp:
        return compile_lists(Path(tmp), {"hotline": ([*entries, *extra], Action.BLOCK)})


def _matcher(package: ModuleType, data: bytes) -> Any:
    from bundles import TEST_PUBLIC

    bundle = package.Bundle.from_bytes(data, [TEST_PUBLIC])
    return package.Matcher(bundle)


def _candidates(found: Any) -> Any:
    return (
        [(c.url, c.start, c.end, list(c.techniques), c.tier, list(c.signals)) for c in found],
        list(found.notes),
        list(found.hosts),
        list(found.paths),
        found.complete,
    )


def _findings(found: Any) -> Any:
    rows = []
    for f in found:
        v = f.verdict
        rows.append(
            (
                f.start,
                f.end,
                f.url,
                f.tier,
                list(f.signals),
                v.action,
                v.canonical,
                list(v.expressions),
                list(v.techniques),
                v.error,
                v.shortened,
                list(v.signals),
                list(v.notes),
                [(m.list_id, m.action, m.kind, m.expression) for m in v.matches],
            )
        )
    return (rows, list(found.notes), found.complete, found.action)


class Pair:
    """The old and the new package, with one matcher each on the same bundle."""

    def __init__(self, base: ModuleType, data: bytes) -> None:
        import linkscreen

        self.packages = (base, linkscreen)
        self.matchers = tuple(_matcher(p, data) for p in self.packages)
        self.checked = 0

    def check(self, text: str, context: list[str] | None = None, where: str = "") -> None:
        """Raise AssertionError when the two packages differ on ``text``."""
        self.checked += 1
        for kwargs in ({}, {"spoken_hosts": True, "context_paths": ["album/9"]}):
            old, new = (_candidates(p.extract_links(text, **kwargs)) for p in self.packages)
            if old != new:
                _report(where, text, "extract_links", kwargs, old, new)
        olds = self._scan(0, text, context)
        news = self._scan(1, text, context)
        if olds != news:
            _report(where, text, "scan_text", context, olds, news)

    def _scan(self, side: int, text: str, context: list[str] | None) -> Any:
        package, matcher = self.packages[side], self.matchers[side]
        plain = _findings(matcher.scan_text(text))
        with_hosts = _findings(matcher.scan_text(text, ["bad.example", "log.in"]))
        conversation = package.Conversation()
        for earlier in context or ():
            matcher.scan_text(earlier, context=conversation)
        talk = _findings(matcher.scan_text(text, context=conversation))
        return plain, with_hosts, talk


def _report(where: str, text: str, what: str, how: Any, old: Any, new: Any) -> None:
    lines = [f"DIFFERENT {what} ({where}; {how!r}) for {text[:300]!r}"]
    for name, value in (("old", old), ("new", new)):
        lines.append(f"  {name}: {value!r}"[:4000])
    raise AssertionError("\n".join(lines))


#: Words and spaces only: chat that the quick test for "nothing to read" may let through.
WORDY = ["bad", "example", "dot", "d0t", "punto", "slash", "com", "log", "in", "xx", "dt",
         "http", "https", "ftp", "point", "dotcom", "DOT", "a", "b", "c", " ", "  ", ",", "!",
         "?", "_", "$", "&", "'", "-", "ok", "lol"]  # fmt: skip


def _spliced(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return "".join(rng.choice(WORDY) + rng.choice(["", " "]) for _ in range(rng.randint(1, 12)))
    pieces = []
    for _ in range(rng.randint(1, 14)):
        roll = rng.random()
        if roll < 0.45:
            pieces.append(rng.choice(FRAGMENTS))
        elif roll < 0.7:
            pieces.append("".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 8))))
        else:
            row = rng.choice(MESSAGES)["text"]
            at = rng.randint(0, len(row))
            pieces.append(row[at : at + rng.randint(1, 60)])
    return "".join(pieces)


def _fixed_messages() -> list[tuple[str, str]]:
    from test_bench_extract import HOSTILE, MESSAGES

    found: list[tuple[str, str]] = []
    for kind, messages in MESSAGES.items():
        found.extend((kind, m) for m in messages[:400])
    found.extend((f"hostile {name}", text[:20000]) for name, text in HOSTILE.items())
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", type=Path, help="directory holding linkscreen_base/")
    parser.add_argument("--examples", type=int, default=3000, help="hypothesis examples")
    parser.add_argument("--spliced", type=int, default=5000, help="random spliced messages")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--skip-corpus", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("LINKSCREEN_PURE", "1")
    pair = Pair(_load_base(args.base), _bundle_bytes())
    if not args.skip_corpus:
        for index, row in enumerate(MESSAGES):
            pair.check(row["text"], row.get("context"), f"corpus message {index}")
        print(f"corpus: {len(MESSAGES)} messages identical", flush=True)
        for where, text in _fixed_messages():
            pair.check(text, None, where)
        print("benchmark and hostile messages identical", flush=True)
    rng = random.Random(args.seed)
    for index in range(args.spliced):
        text = _spliced(rng)
        context = [_spliced(rng)] if rng.random() < 0.2 else None
        pair.check(text, context, f"spliced {index}")
    print(f"spliced: {args.spliced} messages identical", flush=True)

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    pieces = st.one_of(
        st.sampled_from(FRAGMENTS),
        st.text(alphabet=ALPHABET, max_size=10),
        st.text(max_size=6),
    )

    @settings(
        max_examples=args.examples,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.lists(pieces, max_size=16).map("".join))
    def differential(text: str) -> None:
        pair.check(text, None, "hypothesis")

    differential()
    print(f"hypothesis: {args.examples} examples identical; {pair.checked} messages in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
