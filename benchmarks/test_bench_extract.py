"""Finding links in messages: linkscreen vs urlextract and linkify-it-py in the same run.

Three message sets (pure-Python path): ~100-character chat messages without links, messages
with one plain link (phishing-feed URLs, real TLDs, so every peer can see them), and the
corpus's obfuscated positives. Reports the per-message median, how many messages each tool
found the link in, and the speed ratio. Also times the hostile messages of issue 4.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import linkscreen

from corpus import phishing_urls
from timing import median_us

CORPUS = Path(__file__).parent.parent / "tests" / "data" / "extraction_corpus.jsonl"
ROWS = [json.loads(line) for line in CORPUS.read_text("utf-8").splitlines()]


CHAT_WORDS = [
    "hey",
    "hi",
    "ok",
    "lol",
    "yes",
    "no",
    "maybe",
    "tonight",
    "tomorrow",
    "party",
    "snacks",
    "drinks",
    "bring",
    "see",
    "you",
    "later",
    "love",
    "this",
    "that",
    "was",
    "so",
    "funny",
    "can't",
    "stop",
    "laughing",
    "did",
    "his",
    "face",
    "when",
    "cake",
    "fell",
    "floor",
    "mom",
    "dad",
    "call",
    "me",
    "back",
    "at",
    "home",
    "work",
    "school",
    "bus",
    "late",
    "sorry",
    "thanks",
    "great",
    "cool",
    "nice",
    "game",
    "movie",
    "pizza?!",
    ",",
]


def _messages() -> dict[str, list[str]]:
    rng = random.Random(4)
    chat = []
    while len(chat) < 2000:
        words = []
        while len(" ".join(words)) < 100:
            words.append(rng.choice(CHAT_WORDS))
        chat.append(" ".join(words)[:100])
    benign = [r["text"] for r in ROWS if r["kind"] == "benign"]
    no_link = []
    while len(no_link) < 2000:
        text = " ".join(rng.sample(benign, 4))[:100]
        if not any(c.tier == "strict" for c in linkscreen.extract_links(text)):
            no_link.append(text)
    _, feed = phishing_urls(limit=4000)
    plain = [f"hey look at this {url} and tell me what you think ok" for url in feed[:2000]]
    obfuscated = [r["text"] for r in ROWS if r["kind"] == "positive"]
    return {
        "no link, chat (100 chars)": chat,
        "no link, tricky benign (100 chars)": no_link,
        "one plain link": plain,
        "one obfuscated link": obfuscated,
    }


MESSAGES = _messages()


def _finders() -> dict[str, Callable[[str], list[Any]]]:
    finders: dict[str, Callable[[str], list[Any]]] = {"linkscreen": linkscreen.extract_links}
    try:
        from urlextract import URLExtract

        extractor = URLExtract()
        finders["urlextract"] = extractor.find_urls
    except ImportError:
        pass
    try:
        from linkify_it import LinkifyIt

        linkify = LinkifyIt()
        finders["linkify-it-py"] = lambda text: linkify.match(text) or []
    except ImportError:
        pass
    return finders


FINDERS = _finders()


@pytest.mark.parametrize("kind", list(MESSAGES))
@pytest.mark.parametrize("tool", list(FINDERS))
def test_find_links(benchmark: Any, recorder: Any, kind: str, tool: str) -> None:
    func = FINDERS[tool]
    messages = MESSAGES[kind]

    def run() -> int:
        return sum(1 for text in messages if func(text))

    found = run()
    benchmark.pedantic(run, rounds=3, iterations=1)
    recorder(f"find links: {kind}", f"{tool} median", median_us(func, messages), "us/msg")
    recorder(f"find links: {kind} (messages with a find)", tool, found, "msgs")


def test_scan_text_with_lookups(recorder: Any, monkeypatch: Any, tmp_path: Path) -> None:
    """extract + canonicalise + probe, pure Python, against a bundle of the corpus entries."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
    from bundles import compile_lists, open_bytes

    entries = sorted({r["entry"] for r in ROWS if r["kind"] == "positive"})
    data = compile_lists(tmp_path, {"hotline": (entries, linkscreen.Action.BLOCK)})
    monkeypatch.setenv("LINKSCREEN_PURE", "1")
    matcher = linkscreen.Matcher(open_bytes(data))
    for kind, messages in MESSAGES.items():
        recorder(
            "scan_text (extract + lookups), pure",
            kind,
            median_us(matcher.scan_text, messages),
            "us/msg",
        )


HOSTILE = {
    "a. x 30,000": "a." * 30_000,
    "http:// + 20,000 a": "http://" + "a" * 20_000,
    "4,000 spaces after (": "(" + " " * 4000 + "x",
    "x[.] x 5,000": "x[.]" * 5000,
    "nested brackets x 12,000": "[" * 3000 + "(" * 3000 + "a.example" + ")" * 3000 + "]" * 3000,
    "64 KiB of links": ("visit bad.example/x or hxxp://evil[.]test today. " * 1400)[:65_536],
    "64 KiB of hxxp[:]//a[.]example/x": ("hxxp[:]//a[.]example/x " * 3000)[:65_536],
    "10,000 decoys + 1 listed": " ".join(f"http://decoy{i}.example/p{i}" for i in range(10_000))
    + " http://bad.example/x",
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_message(recorder: Any, monkeypatch: Any, tmp_path: Path, name: str) -> None:
    """scan_text end to end (extraction, canonicalisation, lookups), pure Python."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
    from bundles import compile_lists, open_bytes

    monkeypatch.setenv("LINKSCREEN_PURE", "1")
    data = compile_lists(tmp_path, {"h": (["http://bad.example/"], linkscreen.Action.BLOCK)})
    matcher = linkscreen.Matcher(open_bytes(data))
    text = HOSTILE[name]
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        matcher.scan_text(text)
        timings.append(time.perf_counter() - start)
    assert matcher.scan_text(text).action is linkscreen.Action.BLOCK or "bad.example" not in text
    target = "300 ms" if "decoys" in name else "50 ms"
    recorder(
        f"hostile message, scan_text, pure (target < {target})", name, min(timings) * 1000, "ms"
    )
