"""Benchmark corpora: the phishing feed from ../shared/data when present, else generated URLs."""

from __future__ import annotations

import random
from pathlib import Path

SHARED_FEED = Path(__file__).resolve().parents[2] / "shared" / "data" / "phishing_urls.txt"


def phishing_urls(limit: int | None = None) -> tuple[str, list[str]]:
    """``(source name, urls)``: the real feed if available, otherwise a generated stand-in."""
    if SHARED_FEED.exists():
        lines = SHARED_FEED.read_text(encoding="utf-8", errors="surrogateescape").splitlines()
        urls = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
        return "phishing_urls.txt", urls[:limit]
    return "generated", generated_urls(limit or 30_000)


def generated_urls(count: int, seed: int = 1) -> list[str]:
    """URLs shaped like a blocklist: subdomains, paths, queries, some IPs, all on test TLDs."""
    rng = random.Random(seed)
    words = ["login", "secure", "account", "verify", "img", "wp", "content", "files", "a", "x1"]
    tlds = ["example", "test", "invalid", "example.com", "example.co.uk", "blogspot.com"]
    urls = []
    for i in range(count):
        if rng.random() < 0.05:
            host = ".".join(str(rng.randrange(1, 255)) for _ in range(4))
        else:
            labels = [f"h{i}x{rng.randrange(10**6)}", *rng.sample(words, rng.randrange(0, 3))]
            host = ".".join(labels) + "." + rng.choice(tlds)
        path = "/".join(rng.sample(words, rng.randrange(0, 5)))
        query = f"?id={rng.randrange(10**9)}&amp;t=1" if rng.random() < 0.3 else ""
        urls.append(f"{rng.choice(['http', 'https'])}://{host}/{path}{query}")
    return urls
