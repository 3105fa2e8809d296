"""Deterministic URL streams for the differential tests: the phishing feed, benign, generated
and mutated URLs. Synthetic hosts only (*.example, *.test, *.invalid) besides the feed."""

from __future__ import annotations

import random
from collections.abc import Iterator

from vectors import DATA, SHARED_DATA

FEED = SHARED_DATA / "phishing_urls.txt"

#: Pieces a mutation inserts: every character class a rule of docs/canonicalization.md reads.
PIECES = [
    "%",
    "%25",
    "%2F",
    "%2f",
    "%40",
    "%5C",
    "%3F",
    "%23",
    "%2E",
    "%00",
    "%e2%80%8b",
    "%C3%A9",
    "\\",
    "@",
    ":",
    "[",
    "]",
    ".",
    "..",
    "/",
    "//",
    "/./",
    "/../",
    "?",
    "#",
    " ",
    "\t",
    "\n",
    "é",
    "Ａ",
    "。",
    "．",
    "０",
    "１",
    "ß",
    "ſ",
    "ı",
    "\u200b",
    "\u00ad",
    "\u0301",
    "\u0308",
    "\udc80",
    "\udcff",
    "xn--",
    "0X",
    "0o",
    "0x",
    "0",
    "1",
    "255",
    "256",
    "4294967295",
    "::",
    "ffff",
    "ǅ",
    "ﬁ",
    "①",
    "⒈",
    "％",
    "４",
    "ｈｔｔｐ",
    "hxxp",
    "HTTP%3A%2F%2F",
    "ttps://",
    ":80",
    ":65536",
    "!",
    "*",
    "$",
    "&",
    "'",
    "(",
    "[::1]",
    "[64:ff9b::1.2.3.4]",
    "Ä",
    "\u212b",
    "u\u0308",
    "\u1100\u1161\u11a8",
    "가",
    "\x7f",
    "\x01",
    "~",
    "+",
    ";",
    ",",
    "=",
    "\u3002",
    "\ufe52",
    "\uff0f",
    "\u2215",
    "\U0001f600",
    "\u0649",
    "\u05d0",
    "\u0627\u0644",
]
TLDS = [
    "example",
    "test",
    "invalid",
    "example.co.uk",
    "example.com.au",
    "blogspot.com",
    "example.ck",
    "example.xn--fiqs8s",
    "example.github.io",
    "example.com",
    "example.org",
]
WORDS = [
    "login",
    "account",
    "img",
    "content",
    "a",
    "b",
    "index.html",
    "path",
    "x",
    "secure",
    "verify",
    "update",
    "home",
    "docs",
    "page",
    "123",
    "2024",
    "dir",
    "file.php",
]


def feed(limit: int | None = None) -> list[str]:
    """The phishing feed's URLs (../shared/data), or the 40-line sample when it is absent."""
    path = FEED if FEED.exists() else DATA / "phishing_sample.txt"
    with open(path, encoding="utf-8", errors="surrogateescape") as handle:
        urls = [line.strip() for line in handle if line.strip()]
    return urls[:limit]


def benign(rng: random.Random) -> str:
    labels = ".".join(rng.choice(WORDS) for _ in range(rng.randrange(0, 3)))
    host = (labels + "." if labels else "") + f"site{rng.randrange(10_000)}." + rng.choice(TLDS)
    path = "/".join(rng.choice(WORDS) for _ in range(rng.randrange(0, 5)))
    query = f"?id={rng.randrange(999)}&q={rng.choice(WORDS)}" if rng.random() < 0.3 else ""
    frag = "#top" if rng.random() < 0.05 else ""
    return f"{rng.choice(['http', 'https'])}://{host}/{path}{query}{frag}"


def generated(rng: random.Random) -> str:
    """A URL from random parts: schemes, userinfo, IP spellings, ports, IDN, escapes."""
    scheme = rng.choice(
        [
            "http://",
            "https://",
            "ftp://",
            "",
            "//",
            "HTTP://",
            "hxxp://",
            "http:\\\\",
            "http:/",
            "ttp://",
            "javascript:",
            "ws://",
        ]
    )
    user = rng.choice(["", "", "user@", "a:b@", "x%40y@", "evil.test\\@"])
    kind = rng.random()
    if kind < 0.15:
        host = ".".join(
            str(rng.choice([rng.randrange(256), rng.randrange(1 << 32)]))
            for _ in range(rng.randrange(1, 5))
        )
    elif kind < 0.25:
        host = rng.choice(
            [
                "0x7f.1",
                "0177.0.0.1",
                "[::1]",
                "[::ffff:10.0.0.1]",
                "[1:2::3]",
                "[64:ff9b::c000:221]",
                "0x",
                "09.1",
            ]
        )
    else:
        host = (
            ".".join(
                "".join(
                    rng.choice("abcdefghijklmnopqrstuvwxyz0123456789-")
                    for _ in range(rng.randrange(1, 9))
                )
                for _ in range(rng.randrange(1, 4))
            )
            + "."
            + rng.choice(TLDS)
        )
    port = rng.choice(["", "", "", ":8080", ":0", ":99999", ":x"])
    path = "".join(
        rng.choice(
            ["/", "/a", "/./", "/../", "//", "/%2e%2e", "/b?", "?q=1", "#f", "\\", "/%41", "/é"]
        )
        for _ in range(rng.randrange(0, 5))
    )
    return scheme + user + host + port + path


def mutate(url: str, rng: random.Random) -> str:
    chars = list(url)
    for _ in range(rng.randrange(1, 5)):
        at = rng.randrange(len(chars) + 1)
        roll = rng.random()
        if roll < 0.6 or not chars:
            chars.insert(at, rng.choice(PIECES))
        elif roll < 0.8:
            del chars[min(at, len(chars) - 1)]
        else:
            chars[min(at, len(chars) - 1)] = rng.choice(PIECES)
    return "".join(chars)


def past_a_limit(rng: random.Random) -> str:
    """A URL over the length or unescape bound: the matcher reads only its host."""
    deep = "%" + "25" * 40 + "41"  # still escaped after 32 rounds
    host = rng.choice(["listed.example", "a.b.example.co.uk", deep + ".test", "x" * 5000])
    tail = rng.choice(["/" + "a" * 33_000, "/" + deep, "?" + deep, "/short"])
    prefix = rng.choice(["http://", "https://user@", "http://a.test%2F@", "http://evil.test\\@"])
    return prefix + host + rng.choice(["", ":8080", ":bad"]) + tail


def stream(count: int, seed: int = 12) -> Iterator[str]:
    """``count`` URLs: 50 past a limit, the feed (as listed), then benign, generated and
    mutated ones."""
    rng = random.Random(seed)
    urls = feed()
    made = 0
    for _ in range(min(count, 50)):  # every outcome appears even in a short run
        yield past_a_limit(rng)
        made += 1
    for url in urls[: count - made]:
        yield url
        made += 1
    while made < count:
        roll = rng.random()
        if roll < 0.0005:
            yield past_a_limit(rng)
        elif roll < 0.3:
            yield benign(rng)
        elif roll < 0.55:
            yield generated(rng)
        elif roll < 0.8:
            yield mutate(rng.choice(urls), rng)
        else:
            yield mutate(generated(rng) if rng.random() < 0.5 else benign(rng), rng)
        made += 1
