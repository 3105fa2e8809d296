"""Generate tests/data/extraction_corpus.jsonl: labelled messages for link extraction.

Positives: one listed URL per message, written with one obfuscation technique, built from
synthetic entries on reserved names (``*.example``, ``*.test``, ``198.51.100.0/24``) and from
the phishing stand-in list (``phishing_sample.txt``). Benign: chat-like messages with ordinary
links, numbers, versions, file names, code, abbreviations and prose containing "dot" and
"slash". Deterministic; ``tests/test_extraction_corpus.py`` checks the committed file matches.
Run: ``python tests/data/make_extraction_corpus.py``.
"""

from __future__ import annotations

import ipaddress
import json
import random
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).parent
OUT = HERE / "extraction_corpus.jsonl"
FEED_SAMPLE = HERE / "phishing_sample.txt"
PER_TECHNIQUE = 24

WORDS = ["kq", "zv", "xr", "wq", "jx", "vq", "qz", "fy", "pk", "hm"]
PATH_WORDS = ["content", "album", "gal", "files", "v", "x9", "share", "dl", "p", "m"]


def synthetic_entries(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """(host, path) pairs; path is '/' for host-wide entries, '/d/' for prefixes, else a page."""
    entries = []
    for i in range(count):
        name = f"{rng.choice(WORDS)}{rng.choice(WORDS)}{i}-{rng.choice(WORDS)}"
        host = f"{name}.{rng.choice(['example', 'test'])}"
        shape = i % 3
        if shape == 0:
            path = "/"
        elif shape == 1:
            path = f"/{rng.choice(PATH_WORDS)}{i}/"
        else:
            path = f"/{rng.choice(PATH_WORDS)}/{i}{rng.choice(['', '.jpg', '.html'])}"
        entries.append((host, path))
    return entries


def feed_entries() -> list[tuple[str, str]]:
    entries = []
    for line in FEED_SAMPLE.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        rest = line.split("://", 1)[1]
        host, slash, path = rest.partition("/")
        path = "/" + path.split("?", 1)[0] if slash else "/"
        if host.replace(".", "").isdigit() or ":" in host:
            continue
        entries.append((host.lower(), path))
    return entries


def _dots(host: str, token: str) -> str:
    return host.replace(".", token)


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def math_bold(text: str) -> str:
    out = []
    for c in text:
        if "a" <= c <= "z":
            out.append(chr(0x1D41A + ord(c) - ord("a")))
        elif "0" <= c <= "9":
            out.append(chr(0x1D7CE + ord(c) - ord("0")))
        else:
            out.append(c)
    return "".join(out)


INVISIBLES = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\u202e", "\u00ad"]
DOT_VARIANTS = ["，", "。", "．", "｡", "・", "·"]
SAY = ["check this", "look", "omg", "new stuff here", "got it from", "try", "fwd:", "here u go"]


def positive(technique: str, host: str, path: str, rng: random.Random) -> str | None:
    """One message hiding http://host+path with ``technique``, or None if it does not apply."""
    url = f"http://{host}{path}"
    say = rng.choice(SAY)
    if technique == "scheme-defang":
        scheme = rng.choice(["hxxp", "hXXps", "h**p", "hxxps", "fxp", "[http]"])
        return f"{say} {scheme}://{host}{path}"
    if technique == "bracket-dots":
        token = rng.choice(["[.]", "(.)", "{.}", "\\."])
        return f"{say} {_dots(host, token)}{path}"
    if technique == "dot-words":
        token = rng.choice(["(dot)", "[dot]", "{dot}", "-dot-", " dot ", "[DOT]", " DOT ", "(Dot)"])
        return f"{say} {_dots(host, token)}{path}"
    if technique == "slash-colon-words":
        slash = rng.choice(["(slash)", "[/]", "{/}", "[slash]"])
        colon = rng.choice(["[:]//", "(:)//", " : // ", ":/ /"])
        return f"{say} http{colon}{host}{path.replace('/', slash) if path != '/' else ''}"
    if technique == "spacing":
        spaced = host.replace(".", rng.choice([" .", ". ", " . "]))
        spaced_path = path.replace("/", rng.choice([" /", "/ ", " / "])).rstrip()
        return f"{say} http:// {spaced}{spaced_path}"
    if technique == "space-as-dot":
        if host.count(".") != 1 or path == "/":
            return None
        return f"{say} {host.replace('.', ' ')}{path}"
    if technique == "spaced-letters":
        if path != "/":
            return None
        return f"{say} {' '.join(host)}"
    if technique == "dot-variants":
        return f"{say} {_dots(host, rng.choice(DOT_VARIANTS))}{path}"
    if technique == "fullwidth-math":
        styled = fullwidth if rng.random() < 0.5 else math_bold
        return f"{say} {styled(host)}{path}"
    if technique == "invisible":
        chars = list(host)
        for _ in range(3):
            chars.insert(rng.randrange(1, len(chars)), rng.choice(INVISIBLES))
        return f"{say} {''.join(chars)}{path}"
    if technique == "percent-encoded":
        return f"{say} {quote(url, safe='')}"
    if technique == "markup":
        forms = [f"[click]({url})", f'<a href="{url}">pics</a>', f"<{url}>", f'"{url}"', f"'{url}'"]
        return f"{say} {rng.choice(forms)}"
    if technique == "trailing-punctuation":
        return f"{say} {rng.choice(['(', ''])}{url}{rng.choice(['.', '!', '),', '?!', ';', '...'])}"
    if technique == "line-break":
        cut = rng.randrange(len("http://") + 2, len(url) - 1)
        return f"{say} {url[:cut]}\n{url[cut:]}"
    if technique == "upper-case":
        if path != path.lower():
            return None  # capitals cannot say which letters of a mixed-case path were small
        return f"{say} {url.upper()}"
    if technique == "no-scheme-www":
        return f"{say} {rng.choice(['www.', ''])}{host}{path}"
    if technique == "context-host":
        if path.endswith("/") or path.count("/") < 2:
            return None
        return f"the site is {host} ok? then go to {path.lstrip('/')} on it"
    return None


TECHNIQUES = [
    "scheme-defang", "bracket-dots", "dot-words", "slash-colon-words", "spacing", "space-as-dot",
    "spaced-letters", "dot-variants", "fullwidth-math", "invisible", "percent-encoded", "markup",
    "trailing-punctuation", "line-break", "upper-case", "no-scheme-www", "context-host",
]  # fmt: skip


def idn_positives(rng: random.Random) -> list[dict[str, str]]:
    """Listed in Unicode and written in punycode, or the other way round."""
    import linkscreen

    rows = []
    for i in range(PER_TECHNIQUE):
        unicode_host = f"bücher-kq{i}.example"
        puny_host = linkscreen.canonicalize(f"http://{unicode_host}/").split("/")[2]
        listed, written = (unicode_host, puny_host) if i % 2 else (puny_host, unicode_host)
        rows.append(
            {
                "kind": "positive",
                "technique": "idn",
                "text": f"{rng.choice(SAY)} https://{written}/gal/{i}",
                "entry": f"http://{listed}/gal/",
            }
        )
    return rows


def ip_positives(rng: random.Random) -> list[dict[str, str]]:
    rows = []
    for i in range(PER_TECHNIQUE):
        address = ipaddress.IPv4Address(f"198.51.100.{10 + i}")
        value = int(address)
        a, b, c, d = address.packed
        form = [
            str(value),
            hex(value),
            f"0{a:o}.0{b:o}.0{c:o}.0{d:o}",
            f"{a}.{b}.{c * 256 + d}",
            f"0x{a:x}.{b}.{c}.{d}",
            f"[::ffff:{address}]",
        ][i % 6]
        rows.append(
            {
                "kind": "positive",
                "technique": "numeric-ip",
                "text": f"{rng.choice(SAY)} http://{form}/gal/{i}",
                "entry": f"http://{address}/gal/",
            }
        )
    return rows


BENIGN_TEMPLATES = [
    "hey {name}, are you coming at {time}?",
    "the meeting moved to {day} {time}, see you there",
    "i'll send the {file} later, it's {size} MB",
    "updated to version {ver} and it works now",
    "python {ver} broke my {file} lol",
    "run `pip install {pkg}=={ver}` then `python {file}`",
    "x = {pkg}.load({n}); print(x.{pkg}())",
    "use os.path.join(a, b) not a + '/' + b",
    "costs {money} e.g. the big one, i.e. not the small",
    "we land at {time} a.m. in the U.S. on {date}",
    "connect the dots and you'll see it",
    "she wore a polka dot dress to the dot com party",
    "be there on the dot at {time}",
    "Dot said hi. She's my cat",
    "and/or whatever works, 24/7 support, 50/50 chance",
    "ratio is {n}/{n2}, not {n2}/{n}",
    "great article: https://www.wikipedia.org/wiki/{word}",
    "read this https://news.example.org/{word}/{n}.html",
    "docs at docs.python.org/3/library/{pkg}.html",
    "email me at {name}@example.org or call {phone}",
    "my ip is 127.0.0.1 and the router is 192.168.{n}.1",
    "score was {n}.{n2} to {n2}.{n}, crazy",
    "ok. me too. see you {day}",
    "lol. that was fun. again {day}?",
    "I am s o tired today",
    "b r b, dinner",
    "the file is in src/{pkg}/{file}",
    "go to settings/privacy/blocked and turn it off",
    "meet at 5 pm. bring {word}",
    "{word} {word2} {word3} {word4}",
    "the dot product of a and b is {n}",
    "slash commands like /help and /mute work",
    "photo_{n}.jpg and IMG_{n2}.HEIC are too big",
    "temperature {n}.{n2}°C, humidity {n2}%",
    "see section 3.2.{n} of the spec",
    "call me maybe? {phone}",
    "wow!!! ok... fine.",
    "the answer is {n}. period.",
    "he said 'hello.world' is a classic program",
    "Mr. Smith and Dr. Jones arrived at {time}",
]
NAMES = ["sam", "alex", "maria", "li", "omar", "zoe", "ben", "ana", "kai", "noor"]
FILES = ["setup.py", "main.rs", "report.pdf", "photo.jpg", "index.html", "notes.txt", "app.js",
         "data.csv", "README.md", "config.yaml", "Makefile", "build.gradle"]  # fmt: skip
PKGS = ["numpy", "requests", "flask", "torch", "pandas", "django", "rich", "click"]
WORDS_PROSE = ["cat", "pizza", "music", "weather", "football", "garden", "coffee", "movie",
               "book", "train", "beach", "school", "dinner", "game", "phone", "river"]  # fmt: skip


def benign(rng: random.Random, count: int) -> list[dict[str, str]]:
    rows = []
    for _ in range(count):
        template = rng.choice(BENIGN_TEMPLATES)
        text = template.format(
            name=rng.choice(NAMES),
            time=f"{rng.randrange(1, 13)}:{rng.randrange(60):02d}",
            day=rng.choice(["monday", "friday", "tomorrow", "sunday"]),
            file=rng.choice(FILES),
            size=rng.randrange(1, 900),
            ver=f"{rng.randrange(1, 5)}.{rng.randrange(20)}.{rng.randrange(20)}",
            pkg=rng.choice(PKGS),
            n=rng.randrange(1, 300),
            n2=rng.randrange(1, 300),
            money=f"${rng.randrange(1, 999)}.{rng.randrange(100):02d}",
            date=f"{rng.randrange(1, 29)}.{rng.randrange(1, 13)}.2026",
            word=rng.choice(WORDS_PROSE),
            word2=rng.choice(WORDS_PROSE),
            word3=rng.choice(WORDS_PROSE),
            word4=rng.choice(WORDS_PROSE),
            phone=f"+1 555 01{rng.randrange(10, 99)}",
        )
        rows.append({"kind": "benign", "text": text})
    return rows


def generate() -> list[dict[str, str]]:
    rng = random.Random(2026)
    synthetic = synthetic_entries(rng, 400)
    feed = feed_entries()
    rows: list[dict[str, str]] = []
    for technique in TECHNIQUES:
        made = 0
        pool = synthetic[:]
        rng.shuffle(pool)
        pool = feed[:8] + pool if technique not in ("spaced-letters",) else pool
        for host, path in pool:
            text = positive(technique, host, path, rng)
            if text is None:
                continue
            rows.append(
                {
                    "kind": "positive",
                    "technique": technique,
                    "text": text,
                    "entry": f"http://{host}{path}",
                }
            )
            made += 1
            if made == PER_TECHNIQUE:
                break
        rng.shuffle(feed)
    rows += ip_positives(rng)
    rows += idn_positives(rng)
    rows += benign(rng, 2200)
    return rows


def render(rows: list[dict[str, str]]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


if __name__ == "__main__":
    OUT.write_text(render(generate()), encoding="utf-8")
    print(f"wrote {OUT}")
