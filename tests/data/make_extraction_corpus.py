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
    return more_positive(technique, host, path, url, say, rng)


# ---- techniques added for issue 9 (each researched as a class, not copied from a corpus) ----

SMALL_CAPS = dict(zip("abcdefghijklmnopqrstuvwxyz", "ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘǫʀꜱᴛᴜᴠᴡxʏᴢ", strict=True))
LINK_END_TAILS = [
    "😀",
    "🔥🔥",
    "』",
    "】",
    "»",
    "”",
    "“",
    "好的",
    "です",
    ":P",
    ":D",
    ":-)",
    ";)",
    "\\n",
]
LINK_END_HEADS = ["『", "【", "«", "“", "„", "看这个", "これ", "→"]
SYMBOL_DOTS = ["․", "﹒", "•", "⋅", "∙", "۔", "●", "◦", " • ", "°", "ꓸ", "^", "|"]
SLASH_LOOKALIKES = ["∕", "⁄", "⧸", "╱", "／"]
OTHER_DOT_WORDS = ["punto", "点", "точка", "kropka", "titik", "nokta", "punkt", "ponto", "pont"]
DISGUISED_DOTS = ["d0t", "*dot*", "_dot_", "~dot~", "=dot=", "#dot#", "d.o.t", "⚫dot⚫", "DoT"]
BROKEN_SCHEMES = ["ttps://", "htps://", "hxxxp://", "https;//", "h ttp://", "http:/ /", "ttp://",
                  "https___", "htttps://", "hpts://"]  # fmt: skip
FILLERS = ["\u2800", "\u3164", "\uffa0", "\u115f", "\u180e", "\u034f", "\ufe0f"]
WRAPPERS = [
    "https://www.google.com/url?q={enc}&sa=D",
    "https://l.facebook.com/l.php?u={enc}&h=AT0x",
    "https://nam12.safelinks.protection.outlook.com/?url={enc}&data=05%7C01",
    "https://vk.com/away.php?to={enc}",
    "https://www.youtube.com/redirect?event=video&q={enc}",
    "https://duckduckgo.com/l/?uddg={enc}",
]


def _styled(text: str, table: dict[str, str]) -> str:
    return "".join(table.get(c, c) for c in text)


def regional(text: str) -> str:
    return "\u200b".join(chr(0x1F1E6 + ord(c) - 97) if "a" <= c <= "z" else c for c in text)


def more_positive(
    technique: str, host: str, path: str, url: str, say: str, rng: random.Random
) -> str | None:
    """The techniques of issue 9's "Why" and "Build" lists."""
    if technique == "bracket-then-period":
        return f"(see {url}). (the good one)"
    if technique == "spaced-dots-newline":
        spaced = host.replace(".", " . ") + path.replace("/", " / ").rstrip()
        return f"{say} {spaced}\nthanks a lot"
    if technique == "space-as-dot-multi":
        if host.count(".") < 2 or path == "/":
            return None
        return f"{say} {host.replace('.', ' ')}{path}"
    if technique == "link-end":
        head = rng.choice(["", *LINK_END_HEADS])
        return f"{say} {head}{url}{rng.choice(LINK_END_TAILS)}"
    if technique == "joined-list":
        return f"{say} http://other{rng.randrange(99)}.test/a{rng.choice([',', ';', ', '])}{url}"
    if technique == "json-escaped":
        escaped = url.replace("/", rng.choice(["\\/", "\\u002F"]))
        return f'{{"msg":"{say}","link":"{escaped}"}}'
    if technique == "line-break-separate":
        return f"{url}\nNext line of chat"
    if technique == "line-break-quoted":
        cut = rng.randrange(len("http://") + 2, len(url) - 1)
        joint = rng.choice(["\n> ", "\n>", "\n  ", "\r\n> > "])
        return f"> {say} {url[:cut]}{joint}{url[cut:]}"
    if technique == "parenthesized-letters":
        if any(not c.isalpha() for c in host.replace(".", "")):
            return None
        return f"{say} {''.join(chr(0x249C + ord(c) - 97) if c.isalpha() else c for c in host)}"
    if technique == "broken-scheme":
        return f"{say} {rng.choice(BROKEN_SCHEMES)}{host}{path}"
    if technique == "symbol-dots":
        return f"{say} {_dots(host, rng.choice(SYMBOL_DOTS))}{path}"
    if technique == "slash-lookalikes":
        if path == "/":
            return None
        return f"{say} {host}{path.replace('/', rng.choice(SLASH_LOOKALIKES))}"
    if technique == "small-capitals":
        return f"{say} {_styled(host, SMALL_CAPS)}{path}"
    if technique == "regional-indicators":
        if any(not c.isalpha() for c in host.replace(".", "")):
            return None
        styled = regional(host)
        return f"{say} {styled if rng.random() < 0.5 else styled.replace(chr(0x200B), ' ')}{path}"
    if technique == "combining-marks":
        mark = rng.choice(["\u0336", "\u0332", "\u0335", "\u0338", "\u20e5"])
        return f"{say} {''.join(c + mark for c in host)}{path}"
    if technique == "fillers":
        filler = rng.choice(FILLERS)
        chars = list(host)
        for _ in range(2):
            chars.insert(rng.randrange(1, len(chars)), filler)
        return f"{say} {''.join(chars)}{path}"
    if technique == "bidi-reversed":
        return f"{say} \u202e{url[::-1]}\u202c ok"
    if technique == "dot-words-other-languages":
        word = rng.choice(OTHER_DOT_WORDS)
        joint = rng.choice([f" {word} ", f"({word})", f"[{word}]"])
        if not word.isascii() and rng.random() < 0.5:
            joint = word
        return f"{say} {_dots(host, joint)}{path}"
    if technique == "disguised-dot-words":
        word = rng.choice(DISGUISED_DOTS)
        return f"{say} {_dots(host, rng.choice([word, f' {word} ']))}{path}"
    if technique == "dotcom-word":
        if not host.endswith(".com"):
            return None
        form = rng.choice([" dotcom", "dotcom", "-dot-com", " dot-com", " dot com", "DOTcom"])
        return f"{say} {host[: -len('.com')]}{form}{path}"
    if technique == "punctuation-as-dot":
        return f"{say} {_dots(host, rng.choice([',', '_', '*', '🔴', '⚫', '!']))}{path}"
    if technique == "redirect-wrapper":
        enc = quote(url, safe="") if rng.random() < 0.7 else url
        return f"{say} {rng.choice(WRAPPERS).format(enc=enc)}"
    if technique == "double-encoded":
        return f"{say} {quote(quote(url, safe=''), safe='')}"
    if technique == "context-path-first":
        if path.endswith("/") or path.count("/") < 2:
            return None
        return f"go to {path.lstrip('/')} on the site {host} later"
    if technique == "context-loose-host":
        if path.endswith("/") or path.count("/") < 2:
            return None
        return f"it is on {host.replace('.', ' . ')} and then {path.lstrip('/')} there"
    return None


TECHNIQUES = [
    "scheme-defang", "bracket-dots", "dot-words", "slash-colon-words", "spacing", "space-as-dot",
    "spaced-letters", "dot-variants", "fullwidth-math", "invisible", "percent-encoded", "markup",
    "trailing-punctuation", "line-break", "upper-case", "no-scheme-www", "context-host",
    "bracket-then-period", "spaced-dots-newline", "space-as-dot-multi", "link-end",
    "joined-list", "json-escaped", "line-break-separate", "broken-scheme", "symbol-dots",
    "slash-lookalikes", "small-capitals", "regional-indicators", "combining-marks", "fillers",
    "bidi-reversed", "dot-words-other-languages", "disguised-dot-words", "dotcom-word",
    "punctuation-as-dot", "redirect-wrapper", "double-encoded", "context-path-first",
    "context-loose-host", "line-break-quoted", "parenthesized-letters",
]  # fmt: skip
#: Techniques whose hits come through a look-alike skeleton: found, but warn, never block.
LOOKALIKE_TECHNIQUES = frozenset({"small-capitals", "regional-indicators", "parenthesized-letters"})


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
    "he said hello world is a classic program",
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
        rows.append({"kind": "benign", "category": "chat", "text": text})
    return rows


def generate() -> list[dict[str, object]]:
    rng = random.Random(2026)
    synthetic = synthetic_entries(rng, 400)
    feed = feed_entries()
    rows: list[dict[str, object]] = []
    for technique in TECHNIQUES:
        made = 0
        pool = synthetic[:]
        rng.shuffle(pool)
        if technique == "space-as-dot-multi":
            pool = [h for h in feed if h[0].count(".") >= 2] + [
                (f"www.{h}", p) if i % 2 else (f"{h.split('.')[0]}.co.uk", p)
                for i, (h, p) in enumerate(pool)
            ]
        elif technique == "dotcom-word":
            pool = [h for h in feed if h[0].endswith(".com")] + [
                (h.rsplit(".", 1)[0] + ".com", p) for h, p in pool
            ]
        elif technique not in ("spaced-letters", "regional-indicators", "parenthesized-letters"):
            pool = feed[:8] + pool
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
    rows += conversation_positives(rng, synthetic)
    rows += word_host_positives(rng)
    rows += round_two_positives(rng)
    rows += [{"kind": "entry", "entry": f"http://{host}/"} for host in WORD_PAIR_HOSTS]
    rows += benign(rng, 2200)
    rows += more_benign(rng)
    rows += round_three_positives(random.Random(2027))
    return rows


#: HTML character references for a dot, a slash and a colon (as pasted from page source).
HTML_DOTS = ["&#46;", "&#x2e;", "&#X2E;", "&period;", "&#046;"]
CONTROLS = ["\x00", "\x9b", "\x0b", "\x1b[1m", "\x7f"]  # not \x85: a line break to splitlines


def round_three_positives(rng: random.Random) -> list[dict[str, str]]:
    """Forms the outside attack found unread (issue 9, attack report section 4): HTML
    character references, doubled brackets, protocol-relative links, full-width links whose
    path keeps ``_ ? = & ~``, control characters in a host, a link escaped five times."""
    rows: list[dict[str, str]] = []

    def add(technique: str, text: str, entry: str) -> None:
        rows.append({"kind": "positive", "technique": technique, "text": text, "entry": entry})

    for i in range(PER_TECHNIQUE):
        kind = rng.choice(["shop", "mail", "cdn", "login"])
        host = f"w{i}-{kind}.{rng.choice(['example', 'test'])}"
        tail = f"/p{i}/confirm_next.html"
        page = f"http://{host}{tail}"
        say = rng.choice(SAY)
        dot = rng.choice(HTML_DOTS)
        add("html-character-references", f"{say} {host.replace('.', dot)}{tail}", page)
        doubled = rng.choice(["[[.]]", "((.))", "{{.}}"])
        add("doubled-bracket-dot", f"{say} {host.replace('.', doubled)}{tail}", page)
        relative = [f"//{host}{tail}", f'<a href="//{host}{tail}">x</a>', f"src=//{host}{tail}"]
        add("protocol-relative", rng.choice(relative), page)
        query = f"http://{host}/p{i}/a_b.php?x={i}&y=z~w"
        wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in query)
        add("full-width-punctuation", f"{say} {wide}", query)
        cut = rng.randrange(1, len(host.split(".")[0]))
        control = rng.choice(CONTROLS)
        add("control-in-host", f"{say} {host[:cut]}{control}{host[cut:]}{tail}", page)
        escaped = page
        for _ in range(5 + i % 3):
            escaped = quote(escaped, safe="")
        add("escaped-five-times", f"{say} {escaped}", page)
    return rows


#: Word-named hosts written bare in chat: they must still block (the code rules may not reach
#: ordinary sentences).
WORD_HOST_NAMES = ["promo", "winner", "freegift", "prize", "bonus", "lucky", "deals", "portal",
                   "verify", "rewards", "giveaway", "support"]  # fmt: skip
WORD_HOST_SAYINGS = ["look at {h} now", "go to {h}!", "have you seen {h}?", "{h} has it",
                     "try {h}, it works", "everyone is on {h} lol", "ok {h}", "{H} is the one",
                     "(it's {h})", "check {h} before 5:30"]  # fmt: skip


#: Forms found in the wild that the first 44 techniques did not cover (issue 9, round 2).
BRACKETED_SYMBOLS = ["[•]", "(★)", "{*}", "[#]", "(~)", "<•>", "[ · ]", "(●)"]
DOUBLED_SYMBOLS = ["••", "★★", "··", "●●", "⋅⋅", "◦◦"]
GLUED_SYMBOLS = ["#", "~", "🔹", "⭐", "🔴"]
OTHER_SCRIPT_WORDS = ["точка", "ดอท", "புள்ளி", "बिंदु", "닷", "نقطة", "кропка", "ຈຸດ", "τελεια"]
MANGLED_SCHEMES = ["http:://", "http.//", "http//:", "https:;//", "http,//", "http:-//",
                   "https//:"]  # fmt: skip
ODD_SPACES = ["\u00a0", "\u2009", "\u202f", "\u3000", "\u2002"]
MARKS = ["\u0336", "\u0332", "\u0335", "\u0333", "\u0324"]


def round_two_positives(rng: random.Random) -> list[dict[str, str]]:
    """Word-named whole-host entries (the evidence rule's hard case) and synthetic pages,
    written with forms of issue 9's second round."""
    rows: list[dict[str, str]] = []

    def add(technique: str, text: str, entry: str) -> None:
        rows.append({"kind": "positive", "technique": technique, "text": text, "entry": entry})

    for i in range(PER_TECHNIQUE):
        word = WORD_HOST_NAMES[i % len(WORD_HOST_NAMES)]
        tld = ["example", "test"][i % 2]
        host, entry = f"{word}.{tld}", f"http://{word}.{tld}/"
        page = f"http://{word}{i}-kq.{tld}/gal/{i}"
        say = rng.choice(SAY)
        add("bracketed-symbol-dots", f"{say} {word}{rng.choice(BRACKETED_SYMBOLS)}{tld}", entry)
        add("doubled-symbol-dots", f"{say} {word}{rng.choice(DOUBLED_SYMBOLS)}{tld}", entry)
        add("glued-symbol-dots", f"{say} {word}{rng.choice(GLUED_SYMBOLS)}{tld}", entry)
        add("other-script-dot-words",
            f"{say} {word} {rng.choice(OTHER_SCRIPT_WORDS)} {tld}", entry)  # fmt: skip
        add("mangled-scheme", f"{say} {rng.choice(MANGLED_SCHEMES)}{host}", entry)
        odd = rng.choice(ODD_SPACES)
        cut = rng.randrange(1, len(word))
        spaced = rng.choice([f"{word}.{odd}{tld}", f"{word[:cut]}{odd}{word[cut:]}.{tld}"])
        add("odd-space-inserted", f"{say} {spaced}", entry)
        mark = rng.choice(MARKS)
        add("combining-word-host", f"{say} {''.join(c + mark for c in host)}", entry)
        add("dotcom-glued-end",
            f"{say} {word.capitalize()}{i}kq{rng.choice(['Dotcom', 'DotCom', 'DOTCOM'])}",
            f"http://{word}{i}kq.com/")  # fmt: skip
        spaced_ri = " ".join(chr(0x1F1E6 + ord(c) - 97) if c.isalpha() else c for c in host)
        add("regional-indicators-spaced", f"{say} {spaced_ri} {rng.choice(['ok', 'lol', '!'])}",
            entry)  # fmt: skip
        path = page.split("/", 3)[3]
        loose = f"{word}{i}-kq {tld}{rng.choice(['.', '!', ''])}"
        rows.append(
            {"kind": "positive", "technique": "context-loose-host-punct",
             "context": [f"it's on {loose}", rng.choice(SAY)], "text": f"then {path}",
             "entry": page}
        )  # fmt: skip
    rng.shuffle(rows)
    return rows


def word_host_positives(rng: random.Random) -> list[dict[str, str]]:
    """Whole-host entries named by words, written bare in ordinary chat."""
    rows = []
    for i in range(PER_TECHNIQUE):
        host = f"{WORD_HOST_NAMES[i % len(WORD_HOST_NAMES)]}.{['example', 'test'][i % 2]}"
        saying = WORD_HOST_SAYINGS[i % len(WORD_HOST_SAYINGS)]
        text = saying.format(h=host, H=host.capitalize())
        rows.append(
            {"kind": "positive", "technique": "bare-word-host", "text": text,
             "entry": f"http://{host}/"}
        )  # fmt: skip
    rng.shuffle(rows)
    return rows


def conversation_positives(
    rng: random.Random, entries: list[tuple[str, str]]
) -> list[dict[str, object]]:
    """A link split across messages of one conversation: path first, or host first."""
    rows: list[dict[str, object]] = []
    pages = [(h, p) for h, p in entries if not p.endswith("/") and p.count("/") >= 2]
    for index, (host, path) in enumerate(pages[: 2 * PER_TECHNIQUE]):
        spaced = [host, host.replace(".", " . "), host.replace(".", " "), host][index % 4]
        if index % 2:
            messages = [f"the pics are in {path.lstrip('/')}", f"on {spaced} ok"]
        else:
            messages = [f"it's on {spaced}", rng.choice(SAY), f"then {path.lstrip('/')}"]
        rows.append(
            {
                "kind": "positive",
                "technique": "conversation",
                "context": messages[:-1],
                "text": messages[-1],
                "entry": f"http://{host}{path}",
            }
        )
    return rows


#: Whole-host entries whose names are everyday words: benign prose must not alarm on them.
WORD_PAIR_HOSTS = [
    "log.in", "buy.now", "sign.in", "go.to", "all.in", "group.chat", "sign.up", "top.up",
    "check.in", "see.you", "work.shop", "pay.later", "me.too", "good.game",
    "ok.me", "back.up", "fun.com", "live.chat", "web.app", "main.run", "data.io",
    # names that code, logs, config and English prose produce by chance
    "user.email", "logger.info", "self.data", "res.data", "user.name", "user.id", "main.py",
    "setup.py", "build.sh", "readme.md", "lib.rs", "acme.chat", "server.host", "db.host",
    "tool.black",
    "event.today", "response.data", "items.map", "file.read", "page.link", "the.com", "a.com",
    "the.at", "a.in", "the.is", "the.net",
]  # fmt: skip
#: Prose that reads as those hosts only through a prose-shaped joint (never literally).
WORD_PAIR_PROSE = [
    "log in/out", "Log In/Log Out", "buy now/pay later", "Buy Now/Pay Later", "sign in/register",
    "Sign In/Sign Up", "log in slash sign up", "I have to go.\nTo be honest it was fine",
    "hello，world", "hello・world", "all in/out?", "check in/out at 11", "top up/down",
    "group chat/call", "see you/bye", "me too/same", "good game/well played",
    "hello_world", "go to/from work", "back up/restore", "shop,work,sleep", "buy now!pay later",
    "work shop/class", "live chat/email", "sign in · sign up", "OK ME/TOO", "go.\nTo the store",
    "wait!what", "yes?no", "fun.\nCom on", "well,done", "run*walk", "login/logout",
    "LOG IN / OUT", "log in/out please", "you can log in/out any time", "all in, all out",
]  # fmt: skip
#: Dotted code identifiers and config keys (they may hit word-named hosts by subdomain).
CODE_LINES = [
    "import com.acme.group.chat.Message;", "package org.example.live.chat;",
    "val x = com.acme.web.app.Main()", 'android:name="com.acme.group.chat.App"',
    "group.chat.enabled=true", "spring.datasource.url: jdbc:h2:mem", "logger = main.run.log()",
    "self.group.chat = None", "print(data.io.read())", "cfg.live.chat: on",
    "at com.acme.main.run(Main.java:42)", "from data.io import reader", "obj.webApp.Run()",
    "@com.acme.group.chat.Inject", "config.backUp = false", "user_profile.group.chat_id = 7",
    "err: main.run(): exit 1", "const go = require('go.to')", "x?.group?.chat",
    "set log.in.level=DEBUG",
]  # fmt: skip
LOG_LINES = [
    "2026-03-01T12:00:01Z INFO [main] com.acme.group.chat.Server - started on :8080",
    "Mar  1 12:00:01 host sshd[231]: Accepted publickey for bob from 10.0.0.5 port 5122",
    "WARN worker.py:42 retry 3/5 after timeout=30s", "GET /api/v1/users 200 12ms",
    "ERROR main.run() failed: connection reset by peer", "kernel: eth0: link up 1000Mbps",
    "DEBUG data.io.Reader - read 512 bytes", 'level=info msg="log in ok" user=alice',
    "[2026-03-01 12:00] user alice log in/out", "job=backup status=done took=2.1s",
]  # fmt: skip
CHAT_OTHER = [
    "¿Vienes mañana?Sí, claro", "obrigado!Até amanhã", "ça va?Oui,merci", "Danke!Bis morgen",
    "как дела?Нормально", "你好，世界。明天见", "今日は。元気？", "안녕하세요.반가워요",
    "Merhaba!Nasılsın", "Cześć.Do jutra", "Xin chào.Hẹn gặp lại", "Halo.Sampai jumpa",
    "नमस्ते।कल मिलते हैं", "مرحبا.أراك غدا", "Ciao!A domani", "Hej.Vi ses",
]  # fmt: skip
FILE_NAMES = [
    "report_final.v2.docx", "IMG_2026.03.01_1200.jpg", "backup.tar.gz", "notes.md", "main.go",
    "archive.zip", "setup.cfg", "data.csv.gz", "video.mp4", "app.apk", "index.js.map",
]  # fmt: skip
EMAILS = ["mail me at sam@example.org", "cc: ana.li@mail.example.com", "bob+news@example.net"]


#: Member chains, file names and values in code, logs and config (issue 9: "Subdomain hits
#: inside dotted identifiers that read as code need the same care"), written from common
#: conventions: Python logging, logfmt, Java stack traces, Android logcat, nginx, YAML, .env.
MEMBER_LINES = [
    "2026-03-01 12:00:01,123 INFO app.user.email: sent confirmation",
    "2026-03-01 12:00:01,123 DEBUG logger.info called with args",
    'logger.info("user %s logged in", user.name)', "print(self.user.email)",
    "if request.user.id == order.user.id:", "return res.data.items.map(x => x.id)",
    "const rows = res.data", "this.state.data = response.data", "data = file.read()",
    "adb shell am start -n com.acme.chat/.MainActivity",
    "I/ActivityManager( 1234): Start proc com.acme.chat/u0a12 for com.acme.chat/.MainActivity",
    'ts=2026-03-01T12:00:01Z level=info caller=server.go:42 msg="up" host=server.host',
    'level=error msg="lookup failed" key=user.email value=nil',
    "Traceback (most recent call last): main.py line 3", "python setup.py install",
    "./build.sh --release && cargo test --lib", "see README.md for details",
    "edit src/lib.rs and run cargo build",
    "Caused by: java.lang.IllegalStateException: user.email must not be null",
    "12:00:01.123 [http-nio-8080-exec-1] INFO  c.a.s.UserService - user.email updated",
    '{"level":"info","logger":"main.run","msg":"started"}',
    '{"user.email": "x", "user.name": "y"}',
    "SELECT user.email, user.name FROM user WHERE user.id = 3", "df['user.email'].str.lower()",
    "items.map(fn).filter(Boolean)", '<input name="user.email" value="">',
    "{{ user.email }} and {{ page.link }}", "${user.email}",
    'git config --global user.name "Sam"', "use `user.email` here",
]  # fmt: skip
CONFIG_LINES = [
    "server.host=0.0.0.0", "app.name = web.app", "  host: db.host", "[server]\nhost = server.host",
    "DATABASE_URL=postgres://user:pw@db.host/app", "jdbc:mysql://db.host:3306/app",
    "redis://server.host:6379/0", "listen 80; server_name server.host;", '"host": "server.host",',
    'host = "db.host"', "spring.application.name=main.run", "export APP_HOST=web.app",
    "<host>db.host</host>", "allowed_hosts: [server.host, db.host]",
    "ALLOWED_HOSTS = ['server.host', 'db.host']", "  - name: web.app", "[tool.black]",
    "[server.host]\nport = 8080",
]  # fmt: skip
#: Ordinary links whose query, fragment or path holds word-named names.
LINK_LINES = [
    "https://docs.example.org/config#user.email",
    "https://api.example.org/v1/users?fields=user.email,user.name",
    "https://api.example.org/v1/users?fields=user.email;user.name",
    "https://www.google.com/search?q=main.py+error", "https://duckduckgo.com/?q=README.md",
    "https://www.bing.com/search?q=logger.info+python",
    "https://example.org/search?q=web.app&lang=en", "https://example.org/redirect?url=main.py",
    "https://docs.python.org/3/library/logging.html#logging.Logger.info",
    "https://github.com/acme/tools/blob/main/setup.py", "https://example.org/#/settings/user.email",
    "https://example.org/search?q=log+in&x=group_chat", "https://shop.example/cart?buy=now&pay=later",
    "https://example.org/p?sign=in&go=to#top", "https://www.example.org/a_b?live=chat|web=app",
]  # fmt: skip
#: English prose around "dot" and ".com" (a word before it is an article).
DOT_PROSE = [
    "the dot com bubble burst in 2000", "he worked at a dot com startup",
    "be there on the dot at noon", "put a dot in the middle", "the dot is too small",
    "the .com domain is taken", "go to the .net site", "remember the dot-com crash?",
    "a dot at the end", "the dotcom boom",
]  # fmt: skip
#: Connection strings and app links: other protocols, not web links.
OTHER_PROTOCOLS = [
    "postgres://app:pw@db.host:5432/app", "market://details?id=com.acme.chat",
    "irc://irc.acme.chat/#help", "android-app://com.acme.chat/https/acme.chat/x",
    "ssh://git@server.host:22/repo.git", "mongodb+srv://user:pw@db.host/test",
    "spotify://track/web.app", "tg://resolve?domain=acme_chat",
]  # fmt: skip
#: Emoji and bullets between words with spaces: prose; CJK punctuation after ASCII words.
SPACED_SYMBOL_PROSE = [
    "love ❤ you", "good 🔥 game", "Home • About • Contact", "sign in · sign up", "hello・world",
    "live chat 💬 now", "web app ⭐ rating", "log in 👉 out",
]  # fmt: skip
#: Chat in scripts whose words keep their combining marks.
MARKED_SCRIPTS = [
    "வணக்கம்.நலமா?", "สวัสดีครับ.พรุ่งนี้เจอกัน", "नमस्ते।कल मिलते हैं", "ආයුබෝවන්.හෙට හමුවෙමු",
    "ನಮಸ್ಕಾರ.ನಾಳೆ ಸಿಗೋಣ", "မင်္ဂလာပါ.မနက်ဖြန်တွေ့မယ်",
]  # fmt: skip
#: Word pairs with an emoji or other script glued after them.
WORD_PAIR_GLUED = ["log in/out🙂", "sign in/up👍 ok", "log in/out看看", "buy now/pay later🔥"]


def _fancy(text: str) -> str:
    return "".join(chr(0x1D41A + ord(c) - 97) if "a" <= c <= "z" else c for c in text)


def more_benign(rng: random.Random) -> list[dict[str, str]]:
    """Benign classes of issue 9: word pairs against word-named hosts, code, logs, e-mail,
    file names, chat in other scripts, fancy-text prose, member chains and file names in code
    and logs, config values, links holding dotted names, English "dot" prose, other protocols'
    links, spaced symbols between words, chat in scripts with combining marks (3,830
    messages)."""
    rows = []
    fills = ["", "ok ", "hey ", "so ", "pls ", "you can ", "just "]
    ends = ["", " thanks", " :)", " lol", "!", " ok?"]
    for _ in range(900):
        phrase = rng.choice(WORD_PAIR_PROSE)
        text = f"{rng.choice(fills)}{phrase}{rng.choice(ends)}"
        rows.append({"kind": "benign", "category": "word-pair", "text": text})
    classes = (
        ("code", CODE_LINES, 400), ("log", LOG_LINES, 400), ("chat-other-scripts", CHAT_OTHER, 400),
        ("email", EMAILS, 200),
    )  # fmt: skip
    for category, lines, count in classes:
        rows += [
            {"kind": "benign", "category": category, "text": rng.choice(lines)}
            for _ in range(count)
        ]
    for _ in range(300):
        text = f"sent you {rng.choice(FILE_NAMES)}, open {rng.choice(FILE_NAMES)}"
        rows.append({"kind": "benign", "category": "filename", "text": text})
    for _ in range(300):
        text = _fancy(rng.choice(WORD_PAIR_PROSE).lower())
        rows.append({"kind": "benign", "category": "fancy-word-pair", "text": text})
    more = (
        ("code-members", MEMBER_LINES, 300), ("config", CONFIG_LINES, 160),
        ("links", LINK_LINES, 110), ("dot-prose", DOT_PROSE, 100),
        ("word-pair-glued", WORD_PAIR_GLUED, 40), ("other-protocols", OTHER_PROTOCOLS, 80),
        ("spaced-symbol-prose", SPACED_SYMBOL_PROSE, 80), ("marked-scripts", MARKED_SCRIPTS, 60),
    )  # fmt: skip
    for category, lines, count in more:
        rows += [
            {"kind": "benign", "category": category, "text": rng.choice(lines)}
            for _ in range(count)
        ]
    return rows


def render(rows: list[dict[str, object]]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


if __name__ == "__main__":
    OUT.write_text(render(generate()), encoding="utf-8")
    print(f"wrote {OUT}")
