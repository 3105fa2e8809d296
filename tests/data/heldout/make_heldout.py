"""Generate the held-apart generalisation corpus: ``corpus.jsonl`` and ``list.txt``.

The corpus measures link detection on conventions researched in the wild (refang tools' test
cases, CyberChef, threat-intel defang styles, fancy-text and invisible-character generators,
chat in other scripts; see SOURCES.md) and false alarms on ordinary text. It is held apart:
detection is never tuned against it. Every message is written by this script from a fixed
seed, so the committed files can be checked byte for byte.

Hosts of positives are synthetic reserved names (``*.example``, ``*.test``, ``*.invalid``,
``198.51.100.0/24``) or hosts of ``phishing_sample.txt``, a sample of a public phishing feed
used as a stand-in blocklist. ``list.txt`` also lists decoy host-level entries whose names are
everyday word pairs (``log.in/``) and hosts that dotted code identifiers reach by subdomain
(``group.chat/``), so that false alarms on benign text are measurable.

Run: ``python tests/data/heldout/make_heldout.py`` (``--refresh-sample`` re-draws the feed
sample from ``../shared/data/phishing_urls.txt``; the default run reads only this folder).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from heldout_text import (
    CHAT_FILL,
    CODE_IDENTIFIER_HOSTS,
    DOT_WORD_HOSTS,
    WORD_PAIR_HOSTS,
    benign_messages,
)

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus.jsonl"
LIST = HERE / "list.txt"
SAMPLE = HERE / "phishing_sample.txt"
SHARED_FEED = HERE.parents[2].parent / "shared" / "data" / "phishing_urls.txt"
SHARED_SHORTENERS = HERE.parents[2].parent / "shared" / "data" / "url_shorteners.txt"

SEED = 20260901
ROWS_PER_TECHNIQUE = (42, 48)
SAMPLE_SIZE = 240
FEED_ATTRIBUTION = (
    "# Sample of mitchellkrogza/Phishing.Database phishing-links-ACTIVE.txt "
    "(MIT, Copyright (c) 2018 Mitchell Krog),",
    "# drawn by make_heldout.py --refresh-sample: a stand-in blocklist. "
    "Real phishing URLs: never open them.",
)

# --------------------------------------------------------------------------- hosts and targets

WORDS = [
    "amber",
    "acorn",
    "alder",
    "anchor",
    "apple",
    "arbor",
    "aster",
    "aurora",
    "badger",
    "basil",
    "beacon",
    "birch",
    "bison",
    "bramble",
    "breeze",
    "brook",
    "cabin",
    "cactus",
    "canyon",
    "cedar",
    "cherry",
    "cinder",
    "clover",
    "cobalt",
    "comet",
    "coral",
    "cosmos",
    "cricket",
    "crystal",
    "cypress",
    "dahlia",
    "delta",
    "dune",
    "eagle",
    "echo",
    "ember",
    "fable",
    "falcon",
    "fennel",
    "fern",
    "fjord",
    "flint",
    "forest",
    "fox",
    "garnet",
    "geyser",
    "ginger",
    "glacier",
    "granite",
    "grove",
    "harbor",
    "hazel",
    "heron",
    "hollow",
    "indigo",
    "iris",
    "ivory",
    "jade",
    "jasper",
    "juniper",
    "kelp",
    "kestrel",
    "lagoon",
    "lantern",
    "larch",
    "lemon",
    "lilac",
    "linden",
    "lotus",
    "lynx",
    "maple",
    "marble",
    "meadow",
    "mesa",
    "mint",
    "moss",
    "nectar",
    "nimbus",
    "oak",
    "oasis",
    "olive",
    "onyx",
    "orchid",
    "otter",
    "pebble",
    "pepper",
    "pine",
    "plum",
    "poppy",
    "prairie",
    "quartz",
    "quill",
    "raven",
    "reef",
    "ridge",
    "river",
    "robin",
    "saffron",
    "sage",
    "sequoia",
    "shale",
    "sierra",
    "slate",
    "sparrow",
    "spruce",
    "summit",
    "sycamore",
    "tansy",
    "thistle",
    "tide",
    "timber",
    "topaz",
    "tulip",
    "tundra",
    "umber",
    "valley",
    "velvet",
    "violet",
    "walnut",
    "willow",
    "wren",
    "yarrow",
    "zephyr",
]
RESERVED_TLDS = ("example", "test", "invalid")
PATH_WORDS = [
    "album",
    "share",
    "files",
    "gallery",
    "media",
    "folder",
    "drive",
    "item",
    "post",
    "thread",
    "view",
    "docs",
    "box",
    "set",
    "page",
    "clip",
    "d",
    "s",
    "v",
    "x",
    "p",
    "f",
    "u",
    "c",
]
#: Host-level decoy entries listed to measure false alarms (see heldout_text.py).
DECOY_HOSTS = (*WORD_PAIR_HOSTS, *DOT_WORD_HOSTS, *CODE_IDENTIFIER_HOSTS)
UNLISTED_MARK = "ok"  # decoy hosts in joined lists: "<word>-ok<n>.example", never listed


@dataclass(frozen=True)
class Target:
    """One listed URL a positive hides: how it is written plainly, and its list entry."""

    scheme: str  # "http", "https" or "" (no scheme)
    host: str
    path: str  # "" or starting with "/"
    entry: str  # the list.txt line
    entry_kind: str  # host | path | exact
    host_source: str  # synthetic | feed

    @property
    def labels(self) -> list[str]:
        return self.host.split(".")

    def url(self, scheme: str | None = None) -> str:
        scheme = self.scheme if scheme is None else scheme
        return (f"{scheme}://" if scheme else "") + self.host + self.path


class Hosts:
    """Draws unique synthetic hosts and feed targets; a host keeps one entry kind."""

    def __init__(self, rng: random.Random, feed: list[str]) -> None:
        self.rng = rng
        self.used: set[str] = set()
        self.ips = list(range(2, 255))
        rng.shuffle(self.ips)
        self.feed: list[tuple[str, str, str, str]] = []  # (host, path, kind, entry)
        kinds = ("host", "path", "exact")
        for index, url in enumerate(feed):
            parts = urlsplit(url)
            host, path = parts.hostname or "", parts.path.rstrip("/")
            segments = [s for s in path.split("/") if s]
            kind = kinds[index % 3]
            if kind == "path" and len(segments) < 2:
                kind = "exact" if segments else "host"
            if kind == "exact" and not segments:
                kind = "host"
            if kind == "host":
                entry = f"{host}/"
            elif kind == "path":
                entry = f"{host}/{segments[0]}/"
            else:
                entry = f"{host}{path}"
            self.feed.append((host, path, kind, entry))

    def synthetic_host(self, labels: int | None = None) -> str:
        rng = self.rng
        while True:
            w1, w2 = rng.choice(WORDS), rng.choice(WORDS)
            tld = rng.choice(RESERVED_TLDS)
            n = rng.randrange(2, 99)
            shape = labels if labels is not None else rng.choice((2, 2, 2, 3, 3, 4))
            if shape == 2:
                host = rng.choice((f"{w1}-{w2}.{tld}", f"{w1}{w2}.{tld}", f"{w1}{n}.{tld}"))
            elif shape == 3:
                host = rng.choice(
                    (f"{w1}.{w2}.{tld}", f"cdn.{w1}-{w2}.{tld}", f"www.{w1}{n}.{tld}")
                )
            else:
                sub = rng.choice(("img", "files", "m", "eu", "static", "s3"))
                host = f"{sub}.{w1}.{w2}{n}.{tld}"
            if host not in self.used and UNLISTED_MARK not in host.split(".")[0].split("-"):
                self.used.add(host)
                return host

    def ip_host(self) -> str:
        return f"198.51.100.{self.ips.pop()}"

    def unlisted_host(self) -> str:
        rng = self.rng
        return f"{rng.choice(WORDS)}-{UNLISTED_MARK}{rng.randrange(100, 999)}.example"


def id_token(rng: random.Random, lower: bool = True) -> str:
    alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
    if not lower:
        alphabet += "ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "".join(rng.choice(alphabet) for _ in range(rng.randrange(4, 9)))


def synthetic_target(rng: random.Random, hosts: Hosts, kind: str, need: Need) -> Target:
    if need.ip:
        host = hosts.ip_host()
    elif need.labels:
        host = hosts.synthetic_host(need.labels if need.labels != 3 else rng.choice((3, 3, 4)))
    else:
        host = hosts.synthetic_host()
    seg = rng.choice(PATH_WORDS)
    leaf = rng.choice((id_token(rng), str(rng.randrange(100, 99999))))
    if rng.random() < 0.3:
        leaf += rng.choice((".html", ".htm", ".php", ".jpg"))
    if kind == "host":
        bare = () if need.path else ("", "")
        path = rng.choice((*bare, f"/{seg}", f"/{seg}/{leaf}", f"/{leaf}"))
        entry = f"{host}/"
    elif kind == "path":
        if rng.random() < 0.5:
            prefix = f"/{seg}/"
            path = f"/{seg}/{leaf}"
        else:
            prefix = f"/{seg}/{id_token(rng)}/"
            path = prefix + leaf
        entry = host + prefix
    else:
        path = f"/{seg}/{leaf}" if rng.random() < 0.7 else f"/{leaf}"
        entry = host + path
    scheme = rng.choice(need.schemes)
    if rng.random() < 0.3:
        entry = rng.choice(("http://", "https://")) + entry
    return Target(scheme, host, path, entry, kind, "synthetic")


def feed_target(rng: random.Random, hosts: Hosts, kind: str, need: Need) -> Target | None:
    candidates = [
        (host, path, entry)
        for host, path, feed_kind, entry in hosts.feed
        if feed_kind == kind and need.accepts(host, path, kind)
    ]
    if not candidates:
        return None
    host, path, entry = rng.choice(candidates)
    scheme = rng.choice(need.schemes)
    return Target(scheme, host, path, entry, kind, "feed")


@dataclass(frozen=True)
class Need:
    """What a technique needs of its target."""

    kinds: tuple[str, ...] = ("host", "host", "path", "path", "exact")
    schemes: tuple[str, ...] = ("http", "https", "https", "", "")
    feed_share: float = 0.35
    lower: bool = False  # the technique loses letter case: paths must be lower case
    labels: int = 0  # 2: exactly two host labels, 3: three or more
    ip: bool = False
    tlds: tuple[str, ...] = ()  # only these TLDs (feed only)
    short: bool = False  # short host and path (letter spacing)
    path: bool = False  # the written link always has a path

    def accepts(self, host: str, path: str, kind: str) -> bool:
        labels = host.split(".")
        if self.lower and kind != "host" and path != path.lower():
            return False
        if self.labels == 2 and len(labels) != 2:
            return False
        if self.labels == 3 and len(labels) < 3:
            return False
        if self.tlds and labels[-1] not in self.tlds:
            return False
        if self.short and len(host) + len(path) > 34:
            return False
        if self.path and len(path) < 2:
            return False
        return not self.ip


def draw_target(rng: random.Random, hosts: Hosts, need: Need) -> Target:
    kind = rng.choice(need.kinds)
    use_feed = bool(need.tlds) or (not need.ip and rng.random() < need.feed_share)
    if use_feed:
        target = feed_target(rng, hosts, kind, need)
        if target is not None:
            return target
        if need.tlds:
            for other in ("host", "exact", "path"):
                target = feed_target(rng, hosts, other, need)
                if target is not None:
                    return target
            raise ValueError(f"no feed host with TLD {need.tlds}")
    return synthetic_target(rng, hosts, kind, need)


# --------------------------------------------------------------------------- message framing

TEMPLATES: dict[str, tuple[str, ...]] = {
    "en": (
        "check this {L}",
        "here's the link {L} thanks",
        "{L} <- new one",
        "mirror: {L}",
        "did you see {L}?",
        "try {L} instead",
        "the backup is at {L} now",
        "sent you {L}",
        "ok so {L} works again",
        "use {L} not the old one",
    ),
    "es": ("mira esto {L}", "aquí está el enlace {L} gracias", "el nuevo es {L}", "prueba {L}"),
    "pt": ("olha isso {L}", "o link novo é {L}", "tenta {L}", "segue {L} valeu"),
    "de": ("schau mal {L}", "der neue Link ist {L}", "probier {L}", "hier: {L} danke"),
    "fr": ("regarde {L}", "le nouveau lien c'est {L}", "essaie {L}", "voilà {L} merci"),
    "it": ("guarda qui {L}", "il link nuovo è {L}", "prova {L}"),
    "ru": ("смотри {L}", "новая ссылка {L}", "попробуй {L}", "вот {L} спасибо"),
    "uk": ("дивись {L}", "нове посилання {L}"),
    "pl": ("zobacz {L}", "nowy link to {L}", "spróbuj {L}"),
    "cs": ("koukni na {L}", "nový odkaz je {L}"),
    "tr": ("şuna bak {L}", "yeni link {L}", "dene {L}"),
    "id": ("cek ini {L}", "link barunya {L}", "coba {L} ya"),
    "vi": ("xem cái này {L}", "link mới nè {L}", "thử {L} đi"),
    "el": ("δες αυτό {L}", "ο νέος σύνδεσμος είναι {L}"),
    "he": ("תראה את זה {L}", "הקישור החדש {L}"),
    "zh": ("看这个 {L}", "新链接是 {L} 谢谢", "试试 {L}"),
    "zh-Hant": ("看這個 {L}", "新連結是 {L} 謝謝"),
    "ja": ("これ見て {L}", "新しいリンクは {L} です", "{L} を試して"),
    "ko": ("이거 봐 {L}", "새 링크 {L} 야", "{L} 써봐"),
    "ar": ("شوف هذا {L}", "الرابط الجديد {L}", "جرب {L}"),
    "hi": ("ये देखो {L}", "नया लिंक {L} है", "{L} ट्राई करो"),
    "th": ("ดูนี่ {L}", "ลิงก์ใหม่ {L} นะ"),
}
COMMON_LANGS = (
    "en",
    "en",
    "en",
    "es",
    "pt",
    "de",
    "fr",
    "ru",
    "pl",
    "tr",
    "id",
    "zh",
    "ja",
    "ko",
    "ar",
    "hi",
    "vi",
)


def say(rng: random.Random, link: str, lang: str | None = None) -> str:
    """Put ``link`` into a short message in some language, at some position."""
    lang = lang or rng.choice(COMMON_LANGS)
    template = rng.choice(TEMPLATES.get(lang, TEMPLATES["en"]))
    text = template.replace("{L}", link)
    if rng.random() < 0.2:
        text = rng.choice(CHAT_FILL) + " " + text
    return text


# --------------------------------------------------------------------------- character maps

MATH_STYLES: dict[str, tuple[int, int, int | None]] = {
    # style: (capital A, small a, digit zero or None)
    "bold": (0x1D400, 0x1D41A, 0x1D7CE),
    "italic": (0x1D434, 0x1D44E, None),
    "bold-italic": (0x1D468, 0x1D482, None),
    "script": (0x1D49C, 0x1D4B6, None),
    "bold-script": (0x1D4D0, 0x1D4EA, None),
    "fraktur": (0x1D504, 0x1D51E, None),
    "bold-fraktur": (0x1D56C, 0x1D586, None),
    "double-struck": (0x1D538, 0x1D552, 0x1D7D8),
    "sans": (0x1D5A0, 0x1D5BA, 0x1D7E2),
    "sans-bold": (0x1D5D4, 0x1D5EE, 0x1D7EC),
    "sans-italic": (0x1D608, 0x1D622, None),
    "sans-bold-italic": (0x1D63C, 0x1D656, None),
    "monospace": (0x1D670, 0x1D68A, 0x1D7F6),
}
# Letters the Mathematical Alphanumeric block leaves out: they live in Letterlike Symbols.
MATH_HOLES = {
    ("italic", "h"): "\u210e",
    ("script", "e"): "\u212f",
    ("script", "g"): "\u210a",
    ("script", "o"): "\u2134",
}
SMALL_CAPS = dict(zip("abcdefghijklmnopqrstuvwxyz", "ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘǫʀꜱᴛᴜᴠᴡxʏᴢ", strict=True))
CONFUSABLE_LETTERS = {  # UTS #39 confusables: Latin letter -> Cyrillic / Greek look-alikes
    "a": "\u0430", "c": "\u0441", "e": "\u0435", "i": "\u0456", "j": "\u0458", "o": "\u043e",
    "p": "\u0440", "s": "\u0455", "x": "\u0445", "y": "\u0443", "h": "\u04bb", "l": "\u04cf",
    "v": "\u03bd", "n": "\u0578", "k": "\u03ba",
}  # fmt: skip


def math_style(text: str, style: str) -> str:
    capital, small, digit = MATH_STYLES[style]
    out = []
    for char in text:
        if "a" <= char <= "z":
            out.append(MATH_HOLES.get((style, char), chr(small + ord(char) - 97)))
        elif "A" <= char <= "Z":
            out.append(chr(capital + ord(char) - 65))
        elif digit is not None and char.isdigit():
            out.append(chr(digit + ord(char) - 48))
        else:
            out.append(char)
    return "".join(out)


def per_char(text: str, table: Callable[[str], str]) -> str:
    return "".join(table(c) for c in text)


def circled(char: str) -> str:
    if "a" <= char <= "z":
        return chr(0x24D0 + ord(char) - 97)
    if char == "0":
        return "\u24ea"
    if "1" <= char <= "9":
        return chr(0x2460 + ord(char) - 49)
    return char


def parenthesized(char: str) -> str:
    if "a" <= char <= "z":
        return chr(0x249C + ord(char) - 97)
    if "1" <= char <= "9":
        return chr(0x2474 + ord(char) - 49)
    return char


def squared(base: int) -> Callable[[str], str]:
    def table(char: str) -> str:
        if "a" <= char <= "z":
            return chr(base + ord(char) - 97)
        return char

    return table


def regional(char: str) -> str:
    if "a" <= char <= "z":
        return chr(0x1F1E6 + ord(char) - 97)
    if char.isdigit():
        return char + "\ufe0f\u20e3"
    return char


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def insert_at_random(rng: random.Random, text: str, pool: tuple[str, ...], count: int) -> str:
    chars = list(text)
    for _ in range(count):
        position = rng.randrange(1, len(chars))
        chars.insert(position, rng.choice(pool))
    return "".join(chars)


def host_with(t: Target, dot: str | Callable[[], str], which: str = "all") -> str:
    labels = t.labels
    if which == "last":
        return ".".join(labels[:-1]) + (dot if isinstance(dot, str) else dot()) + labels[-1]
    out = labels[0]
    for label in labels[1:]:
        out += (dot if isinstance(dot, str) else dot()) + label
    return out


def path_with(t: Target, slash: str = "/", dot: str = ".") -> str:
    return t.path.replace(".", dot).replace("/", slash) if t.path else ""


def scheme_part(t: Target, scheme: str | None = None, sep: str = "://") -> str:
    scheme = t.scheme if scheme is None else scheme
    return f"{scheme}{sep}" if scheme else ""


# --------------------------------------------------------------------------- techniques

Maker = Callable[[random.Random, Target, Hosts], "str | list[str]"]


@dataclass(frozen=True)
class Technique:
    name: str
    source: str
    make: Maker
    need: Need = Need()


TECHNIQUES: list[Technique] = []


def technique(name: str, source: str, need: Need | None = None) -> Callable[[Maker], Maker]:
    def register(make: Maker) -> Maker:
        TECHNIQUES.append(Technique(name, source, make, need or Need()))
        return make

    return register


WITH_SCHEME = Need(schemes=("http", "https"))


@technique("plain_link", "baseline")
def _plain(rng: random.Random, t: Target, hosts: Hosts) -> str:
    return say(rng, t.url())


@technique("defang_square_all_dots", "cyberchef-defang", WITH_SCHEME)
def _square_all(rng: random.Random, t: Target, hosts: Hosts) -> str:
    # CyberChef "Defang URL": every dot, the http and the :// each escaped (options vary).
    dots, http, slashes = True, rng.random() < 0.8, rng.random() < 0.7
    scheme = t.scheme.replace("http", "hxxp") if http else t.scheme
    sep = "[://]" if slashes else "://"
    path = path_with(t, dot="[.]") if dots else t.path
    return say(rng, scheme + sep + host_with(t, "[.]") + path)


@technique("defang_square_last_dot", "defang-pypi refinery", WITH_SCHEME)
def _square_last(rng: random.Random, t: Target, hosts: Hosts) -> str:
    # defang (PyPI): hXXp, only the dot before the TLD; colon=True gives hXXp[:]//.
    scheme = t.scheme.replace("http", rng.choice(("hXXp", "hxxp")))
    sep = rng.choice(("://", "[:]//"))
    if rng.random() < 0.3:
        scheme = t.scheme  # refinery's defang unit keeps the scheme, brackets the colon
        sep = "[:]//"
    return say(rng, scheme + sep + host_with(t, "[.]", "last") + t.path)


@technique("defang_paren_dot", "iocextract-readme")
def _paren(rng: random.Random, t: Target, hosts: Hosts) -> str:
    which = rng.choice(("all", "last"))
    return say(rng, scheme_part(t) + host_with(t, "(.)", which) + t.path)


@technique("defang_curly_dot", "ioc-fanger-tests")
def _curly(rng: random.Random, t: Target, hosts: Hosts) -> str:
    which = rng.choice(("all", "last"))
    return say(rng, scheme_part(t) + host_with(t, "{.}", which) + t.path)


@technique("defang_partial_bracket", "iocextract-readme ioc-fanger-tests")
def _partial(rng: random.Random, t: Target, hosts: Hosts) -> str:
    forms = ("[.", ".]", "].[", "[.[", "].]", "}.{", "{.{", "(.", ".)")
    return say(rng, scheme_part(t) + host_with(t, lambda: rng.choice(forms)) + t.path)


@technique("defang_backslash_dot", "iocextract-readme")
def _backslash(rng: random.Random, t: Target, hosts: Hosts) -> str:
    return say(rng, scheme_part(t) + host_with(t, "\\.", rng.choice(("all", "last"))) + t.path)


@technique("defang_bracket_slash", "iocextract-readme", Need(kinds=("path", "exact")))
def _bracket_slash(rng: random.Random, t: Target, hosts: Hosts) -> str:
    host = host_with(t, "[.]") if rng.random() < 0.5 else t.host
    return say(rng, scheme_part(t) + host + path_with(t, slash="[/]"))


@technique("defang_scheme_hxxp", "iocextract-readme ioc-fanger-fang-json", WITH_SCHEME)
def _hxxp(rng: random.Random, t: Target, hosts: Hosts) -> str:
    middle = rng.choice(("xx", "XX", "xX", "**", "__", "..", "ee", "tx", "XX"))
    scheme = "h" + middle + t.scheme[3:]
    if rng.random() < 0.15:
        scheme = scheme.upper()
    host = host_with(t, "[.]") if rng.random() < 0.4 else t.host
    return say(rng, scheme + "://" + host + t.path)


@technique(
    "defang_scheme_separator", "defang-pypi cyberchef-defang ioc-fanger-fang-json", WITH_SCHEME
)
def _separator(rng: random.Random, t: Target, hosts: Hosts) -> str:
    sep = rng.choice(("[:]//", "[://]", "(:)//", ":[//]", "[:]/[/]", "[:/]/", "(://)"))
    scheme = t.scheme if rng.random() < 0.5 else t.scheme.replace("http", "hxxp")
    host = host_with(t, "[.]") if rng.random() < 0.5 else t.host
    return say(rng, scheme + sep + host + t.path)


BROKEN_SCHEMES = (
    "ttps://", "ttp://", "htps://", "htp://", "hxxxp://", "hxxxps://", "https;//", "http;//",
    "h ttp://", "ht tps://", "http:/ /", "https:/ /", "http: //", "https//", "http//",
    "http:\\\\", "https:/", "htttps://", "http:///", "https:://", "hhttps://", "http.//",
)  # fmt: skip


@technique("broken_scheme", "ioc-fanger-fang-json issue-9-boundaries", WITH_SCHEME)
def _broken_scheme(rng: random.Random, t: Target, hosts: Hosts) -> str:
    scheme = rng.choice(BROKEN_SCHEMES)
    if t.scheme == "http":
        scheme = scheme.replace("https", "http").replace("ttps", "ttp").replace("tps", "tp")
    return say(rng, scheme + t.host + t.path)


@technique("scheme_underscores", "iocextract-readme", WITH_SCHEME)
def _underscores(rng: random.Random, t: Target, hosts: Hosts) -> str:
    scheme = t.scheme if rng.random() < 0.7 else t.scheme.replace("http", "hxxp")
    return say(rng, scheme + "__" + t.host + t.path)


@technique("cisco_esa_spaced", "iocextract-readme cisco-esa", WITH_SCHEME)
def _esa(rng: random.Random, t: Target, hosts: Hosts) -> str:
    host = host_with(t, " .")
    path = t.path.replace("/", " /", 1) if t.path else ""
    return say(rng, f"{t.scheme}:// {host}{path}")


@technique("spaced_punctuation", "iocextract-readme cisco-esa symantec-spaces")
def _spaced(rng: random.Random, t: Target, hosts: Hosts) -> str:
    dot = rng.choice((" . ", " .", ". "))
    slash = rng.choice((" / ", "/ ", " /", "/"))
    return say(
        rng,
        scheme_part(t, sep=rng.choice(("://", ": //", " :// ")))
        + host_with(t, dot)
        + path_with(t, slash=slash),
    )


@technique("letter_spacing", "helperbyte-spaced-letters", Need(short=True, schemes=("",)))
def _letters(rng: random.Random, t: Target, hosts: Hosts) -> str:
    link = t.url("")
    sep = rng.choice((" ", " ", "  "))
    return say(rng, sep.join(link))


@technique("dash_dot_dash", "ioc-fanger-tests")
def _dash_dot(rng: random.Random, t: Target, hosts: Hosts) -> str:
    word = rng.choice(("-dot-", "-DOT-", "-Dot-"))
    return say(rng, scheme_part(t) + host_with(t, word, rng.choice(("all", "last"))) + t.path)


@technique("dot_word_bracketed", "ioc-fanger-tests iocextract-readme")
def _dot_bracketed(rng: random.Random, t: Target, hosts: Hosts) -> str:
    word = rng.choice(
        (
            "[dot]",
            "(dot)",
            "{dot}",
            "[DOT]",
            "(DOT)",
            "{DOT}",
            "<dot>",
            "[ dot ]",
            " [dot] ",
            " (dot) ",
        )
    )
    slash = rng.choice(("/", "/", "[/]", "[slash]", "(slash)"))
    return say(rng, scheme_part(t) + host_with(t, word) + path_with(t, slash=slash))


@technique("dot_word_spaced", "ioc-fanger-fang-json termcat-puntcom")
def _dot_spaced(rng: random.Random, t: Target, hosts: Hosts) -> str:
    word = rng.choice((" dot ", " DOT ", " Dot "))
    slash = rng.choice(("/", "/", " slash ", " / "))
    return say(rng, host_with(t, word) + path_with(t, slash=slash), "en")


@technique("dot_word_glued_caps", "ioc-fanger-tests")
def _dot_glued(rng: random.Random, t: Target, hosts: Hosts) -> str:
    return say(rng, scheme_part(t) + host_with(t, rng.choice(("DOT", "DOT", "Dot"))) + t.path)


@technique("dot_word_disguised", "chat-filter-evasion")
def _dot_disguised(rng: random.Random, t: Target, hosts: Hosts) -> str:
    word = rng.choice(
        (
            "d0t",
            "D0T",
            "*dot*",
            "_dot_",
            "~dot~",
            "^dot^",
            "-d0t-",
            "(d0t)",
            "[d0t]",
            "'dot'",
            "=dot=",
            "•dot•",
            "d.o.t",
        )
    )
    spaced = rng.random() < 0.5
    word = f" {word} " if spaced else word
    return say(rng, host_with(t, word) + t.path)


@technique("dotcom_word", "termcat-puntcom", Need(tlds=("com", "net", "org"), feed_share=1.0))
def _dotcom(rng: random.Random, t: Target, hosts: Hosts) -> str:
    labels = t.labels
    tld = labels[-1]
    word = rng.choice(
        (
            f"dot{tld}",
            f" dot{tld}",
            f" dot-{tld}",
            f"dot-{tld}",
            f" Dot{tld.title()}",
            f" DOT{tld.upper()}",
        )
    )
    return say(rng, ".".join(labels[:-1]) + word + t.path)


LATIN_DOT_WORDS = (
    ("punto", "es"),
    ("punto", "it"),
    ("ponto", "pt"),
    ("punkt", "de"),
    ("point", "fr"),
    ("kropka", "pl"),
    ("titik", "id"),
    ("nokta", "tr"),
    ("tečka", "cs"),
    ("chấm", "vi"),
    ("punkt", "pl"),
    ("punt", "en"),
)


@technique("dot_word_latin_languages", "ioc-fanger-fang-json termcat-puntcom dot-words")
def _dot_latin(rng: random.Random, t: Target, hosts: Hosts) -> str:
    word, lang = rng.choice(LATIN_DOT_WORDS)
    form = rng.choice((f" {word} ", f"({word})", f"[{word}]", f" {word.upper()} ", f" ({word}) "))
    slash = rng.choice(("/", "/", " / "))
    return say(rng, host_with(t, form) + path_with(t, slash=slash), lang)


OTHER_DOT_WORDS = (
    ("точка", "ru"),
    ("крапка", "uk"),
    ("τελεία", "el"),
    ("نقطة", "ar"),
    ("נקודה", "he"),
    ("点", "zh"),
    ("點", "zh-Hant"),
    ("ドット", "ja"),
    ("닷", "ko"),
    ("점", "ko"),
    ("डॉट", "hi"),
    ("จุด", "th"),
)


@technique("dot_word_other_scripts", "dot-words")
def _dot_scripts(rng: random.Random, t: Target, hosts: Hosts) -> str:
    word, lang = rng.choice(OTHER_DOT_WORDS)
    glued = lang in ("zh", "zh-Hant", "ja", "ko", "th") and rng.random() < 0.6
    form = word if glued else rng.choice((f" {word} ", f"({word})", f" ({word}) "))
    return say(rng, host_with(t, form) + t.path, lang)


@technique("slash_word", "ioc-fanger-tests chat-filter-evasion", Need(kinds=("path", "exact")))
def _slash_word(rng: random.Random, t: Target, hosts: Hosts) -> str:
    slash = rng.choice(
        (" slash ", " SLASH ", "(slash)", " (slash) ", "[slash]", " barra ", " Slash ")
    )
    host = t.host if rng.random() < 0.6 else host_with(t, rng.choice((" dot ", "[.]", "(dot)")))
    return say(rng, host + path_with(t, slash=slash))


@technique(
    "space_as_dot_two_labels",
    "chat-filter-evasion",
    Need(labels=2, schemes=("", "", "", "http"), path=True),
)
def _space_two(rng: random.Random, t: Target, hosts: Hosts) -> str:
    return say(rng, scheme_part(t) + host_with(t, " ") + t.path)


@technique(
    "space_as_dot_multi_label",
    "issue-9-corpus-1 chat-filter-evasion",
    Need(labels=3, schemes=("", "", "", "http"), path=True),
)
def _space_multi(rng: random.Random, t: Target, hosts: Hosts) -> str:
    return say(rng, scheme_part(t) + host_with(t, " ") + t.path)


UNICODE_SPACES = ("\u00a0", "\u2009", "\u200a", "\u202f", "\u3000", "\u2002", "\u2005")


@technique("unicode_space_inserted", "symantec-spaces")
def _unicode_space(rng: random.Random, t: Target, hosts: Hosts) -> str:
    link = t.url()
    spots = [m.end() for m in re.finditer(r"[./:]", link)] or [len(link) // 2]
    chars = list(link)
    for spot in sorted(rng.sample(spots, min(len(spots), rng.randrange(1, 3))), reverse=True):
        chars.insert(spot, rng.choice(UNICODE_SPACES))
    return say(rng, "".join(chars))


@technique("fullwidth_forms", "fancytext-generators chat-filter-evasion")
def _fullwidth(rng: random.Random, t: Target, hosts: Hosts) -> str:
    if rng.random() < 0.5:
        return say(rng, fullwidth(t.url()))
    return say(rng, scheme_part(t) + fullwidth(t.host) + t.path)


def _fancy(rng: random.Random, t: Target, styles: tuple[str, ...]) -> str:
    style = rng.choice(styles)
    if rng.random() < 0.5:
        return say(rng, math_style(t.url(), style))
    return say(rng, scheme_part(t) + math_style(t.host, style) + t.path)


LOWER = Need(lower=True)


@technique("math_serif_bold_italic", "fancytext-generators unicode-math-chart", LOWER)
def _math_serif(rng: random.Random, t: Target, hosts: Hosts) -> str:
    return _fancy(rng, t, ("bold", "italic", "bold-italic"))


@technique("math_script_fraktur_doublestruck", "fancytext-generators unicode-math-chart", LOWER)
def _math_script(rng: random.Random, t: Target, hosts: Hosts) -> str:
    return _fancy(rng, t, ("script", "bold-script", "fraktur", "bold-fraktur", "double-struck"))


@technique("math_sans_monospace", "fancytext-generators unicode-math-chart", LOWER)
def _math_sans(rng: random.Random, t: Target, hosts: Hosts) -> str:
    return _fancy(rng, t, ("sans", "sans-bold", "sans-italic", "sans-bold-italic", "monospace"))


def _letters_only(rng: random.Random, t: Target, table: Callable[[str], str]) -> str:
    if rng.random() < 0.5:
        return say(rng, per_char(t.url(), table))
    return say(rng, scheme_part(t) + per_char(t.host, table) + t.path)


@technique("enclosed_circled", "fancytext-generators", LOWER)
def _circled(rng: random.Random, t: Target, hosts: Hosts) -> str:
    return _letters_only(rng, t, circled)


@technique("enclosed_parenthesized", "fancytext-generators", LOWER)
def _parenthesized(rng: random.Random, t: Target, hosts: Hosts) -> str:
    return _letters_only(rng, t, parenthesized)


@technique("squared_letters", "fancytext-generators", LOWER)
def _squared(rng: random.Random, t: Target, hosts: Hosts) -> str:
    base = rng.choice((0x1F130, 0x1F170, 0x1F150))  # squared, negative squared, negative circled
    return _letters_only(rng, t, squared(base))


@technique("small_capitals", "fancytext-generators", LOWER)
def _small_caps(rng: random.Random, t: Target, hosts: Hosts) -> str:
    return _letters_only(rng, t, lambda c: SMALL_CAPS.get(c, c))


@technique("regional_indicators", "fancytext-generators", LOWER)
def _regional(rng: random.Random, t: Target, hosts: Hosts) -> str:
    joiner = rng.choice(("", "\u200b", " "))
    host = joiner.join(regional(c) for c in t.host)
    if rng.random() < 0.3:
        return say(rng, host + joiner.join(regional(c) for c in t.path))
    return say(rng, scheme_part(t) + host + t.path)


def _combining(rng: random.Random, t: Target, marks: tuple[str, ...]) -> str:
    mark = rng.choice(marks)
    if rng.random() < 0.5:
        return say(rng, "".join(c + mark for c in t.url()))
    return say(rng, scheme_part(t) + "".join(c + mark for c in t.host) + t.path)


@technique("combining_strikethrough", "strikethrough-generators")
def _strike(rng: random.Random, t: Target, hosts: Hosts) -> str:
    return _combining(rng, t, ("\u0336", "\u0335", "\u0337", "\u0338"))


@technique("combining_underline", "strikethrough-generators")
def _underline(rng: random.Random, t: Target, hosts: Hosts) -> str:
    return _combining(rng, t, ("\u0332", "\u0333", "\u0331", "\u0320"))


ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")


@technique("zero_width_inserted", "defang-pypi invisible-characters onlymyemail-word-joiner")
def _zero_width(rng: random.Random, t: Target, hosts: Hosts) -> str:
    link = t.url()
    if rng.random() < 0.3:  # defang's zero_width_replace: one after every character
        mark = rng.choice(ZERO_WIDTH)
        return say(rng, mark.join(link))
    return say(rng, insert_at_random(rng, link, ZERO_WIDTH, rng.randrange(1, 5)))


@technique("invisible_format_chars", "invisible-characters symantec-shy")
def _invisible(rng: random.Random, t: Target, hosts: Hosts) -> str:
    pool = ("\u00ad", "\u00ad", "\u2061", "\u2062", "\u2063", "\u2064", "\u180e", "\u034f")
    return say(rng, insert_at_random(rng, t.url(), pool, rng.randrange(1, 4)))


@technique("filler_characters", "invisible-characters")
def _fillers(rng: random.Random, t: Target, hosts: Hosts) -> str:
    pool = ("\u2800", "\u3164", "\uffa0", "\u115f", "\u1160")
    return say(rng, insert_at_random(rng, t.url(), pool, rng.randrange(1, 3)))


BIDI = (
    "\u200e",
    "\u200f",
    "\u061c",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
)


@technique("bidi_controls_inserted", "trojan-source")
def _bidi(rng: random.Random, t: Target, hosts: Hosts) -> str:
    return say(rng, insert_at_random(rng, t.url(), BIDI, rng.randrange(1, 4)))


@technique("bidi_reversed_run", "trojan-source rlo-filenames")
def _reversed(rng: random.Random, t: Target, hosts: Hosts) -> str:
    link = t.url()
    end = rng.choice(("\u202c", "\u202c", ""))
    return say(rng, "\u202e" + link[::-1] + end)


@technique("dot_lookalike_cjk", "cleanspeak-ideographic-stop symantec-spaces confusables")
def _dot_cjk(rng: random.Random, t: Target, hosts: Hosts) -> str:
    dot = rng.choice(("\u3002", "\uff0e", "\uff61", "\u30fb", "\uff65"))
    path = path_with(t, slash="\uff0f") if rng.random() < 0.3 else t.path
    return say(rng, scheme_part(t) + host_with(t, dot) + path)


@technique("dot_lookalike_symbols", "confusables")
def _dot_symbols(rng: random.Random, t: Target, hosts: Hosts) -> str:
    pool = (
        "\u2024",
        "\ufe52",
        "\u2022",
        "\u22c5",
        "\u06d4",
        "\u00b7",
        "\u2219",
        "\u2027",
        "\u1427",
        "\u2e31",
        "\ua4f8",
    )
    dot = rng.choice(pool)
    return say(rng, scheme_part(t) + host_with(t, dot) + t.path)


@technique("slash_lookalikes", "confusables", Need(kinds=("path", "exact")))
def _slashes(rng: random.Random, t: Target, hosts: Hosts) -> str:
    slash = rng.choice(("\u2215", "\u2044", "\u29f8", "\u2571", "\uff0f", "\u27cb"))
    sep = "://" if rng.random() < 0.5 else ":" + slash * 2
    return say(rng, scheme_part(t, sep=sep) + t.host + path_with(t, slash=slash))


@technique("comma_as_dot", "ioc-fanger-fang-json chat-filter-evasion issue-9-benign")
def _comma(rng: random.Random, t: Target, hosts: Hosts) -> str:
    dot = rng.choice(("\uff0c", ",", "\u3001", "\ufe50", "[,]"))
    return say(rng, scheme_part(t) + host_with(t, dot, rng.choice(("all", "last"))) + t.path)


@technique("symbol_as_dot", "chat-filter-evasion")
def _symbol(rng: random.Random, t: Target, hosts: Hosts) -> str:
    dot = rng.choice(
        (
            "_",
            "*",
            "#",
            "~",
            "+",
            "^",
            "\U0001f538",
            "\U0001f539",
            "\u25cf",
            "\u26ab",
            "\U0001f534",
            "\u25aa",
            "(o)",
        )
    )
    return say(rng, host_with(t, dot, rng.choice(("all", "last"))) + t.path)


@technique("homoglyph_confusables", "confusables")
def _homoglyph(rng: random.Random, t: Target, hosts: Hosts) -> str:
    labels = t.labels
    name = max(labels[:-1], key=len)
    spots = [i for i, c in enumerate(name) if c in CONFUSABLE_LETTERS]
    if not spots:
        return say(rng, t.url())
    chars = list(name)
    for i in rng.sample(spots, min(len(spots), rng.randrange(1, 3))):
        chars[i] = CONFUSABLE_LETTERS[chars[i]]
    index = labels.index(name)
    labels = [*labels[:index], "".join(chars), *labels[index + 1 :]]
    return say(rng, scheme_part(t) + ".".join(labels) + t.path)


@technique("percent_encoded", "iocextract-readme safe-browsing-canonicalisation")
def _percent(rng: random.Random, t: Target, hosts: Hosts) -> str:
    style = rng.random()
    if style < 0.35 and t.scheme:  # the whole URL URL-encoded, as inside a query string
        return say(rng, quote(t.url(), safe="").replace("%2F", rng.choice(("%2F", "%2f"))))
    host = "".join(f"%{ord(c):02X}" if c.isalpha() and rng.random() < 0.4 else c for c in t.host)
    path = t.path
    if path and rng.random() < 0.5:
        path = "".join(f"%{ord(c):02x}" if c.isalnum() and rng.random() < 0.3 else c for c in path)
    return say(rng, scheme_part(t) + host + path)


def ipv4_forms(host: str, rng: random.Random) -> str:
    octets = [int(x) for x in host.split(".")]
    number = (octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]
    return rng.choice(
        (
            str(number),
            hex(number),
            ".".join(f"0{x:o}" for x in octets),
            ".".join(hex(x) for x in octets),
            f"{octets[0]}.{octets[1]}.{(octets[2] << 8) | octets[3]}",
            f"{octets[0]}.{(octets[1] << 16) | (octets[2] << 8) | octets[3]}",
            f"0x{octets[0]:x}.{octets[1]}.0{octets[2]:o}.{octets[3]}",
        )
    )


@technique(
    "ipv4_numeric_forms",
    "whatwg-url-ipv4 safe-browsing-canonicalisation",
    Need(ip=True, schemes=("http", "http", "https")),
)
def _ipv4(rng: random.Random, t: Target, hosts: Hosts) -> str:
    return say(rng, scheme_part(t) + ipv4_forms(t.host, rng) + t.path)


@technique("userinfo_decoy", "rfc3986-userinfo", WITH_SCHEME)
def _userinfo(rng: random.Random, t: Target, hosts: Hosts) -> str:
    decoy = rng.choice(
        (
            "docs.example.org",
            "account.example.net",
            "www.example.com",
            "login:secret",
            "user",
            "support.example.org:443",
        )
    )
    return say(rng, f"{t.scheme}://{decoy}@{t.host}{t.path}")


@technique("fqdn_trailing_dot", "safe-browsing-canonicalisation")
def _trailing_dot(rng: random.Random, t: Target, hosts: Hosts) -> str:
    return say(rng, scheme_part(t) + t.host + rng.choice((".", ".", "..")) + (t.path or "/"))


@technique("case_mixing", "safe-browsing-canonicalisation")
def _case(rng: random.Random, t: Target, hosts: Hosts) -> str:
    def mix(text: str) -> str:
        return "".join(c.upper() if rng.random() < 0.5 else c for c in text)

    return say(rng, mix(scheme_part(t)) + mix(t.host) + t.path)


@technique("line_split", "whatwg-url-newlines email-hard-wrap issue-9-corpus-1")
def _line_split(rng: random.Random, t: Target, hosts: Hosts) -> str:
    link = t.url()
    start = len(scheme_part(t)) + 1
    cut = rng.randrange(start, len(link))
    brk = rng.choice(("\n", "\n", "\r\n", "\n  ", "\n> "))
    return say(rng, link[:cut] + brk + link[cut:])


CJK_GLUE = {
    "zh": (("请看", "谢谢"), ("这里", "。"), ("新的", "，快点"), ("链接：", "")),
    "ja": (("リンク", "です"), ("これ", "を見て"), ("こちら→", "。")),
    "ko": (("링크", "입니다"), ("여기", "확인해"), ("주소:", "요")),
}


@technique("cjk_glued", "issue-9-boundaries")
def _cjk(rng: random.Random, t: Target, hosts: Hosts) -> str:
    lang = rng.choice(tuple(CJK_GLUE))
    before, after = rng.choice(CJK_GLUE[lang])
    return before + t.url() + after


BRACKETS = (
    ("『", "』"),
    ("【", "】"),
    ("«", "»"),
    ("“", "”"),
    ("„", "“"),
    ("‹", "›"),
    ("「", "」"),
    ("〈", "〉"),
    ("《", "》"),
    ("（", "）"),
    ("［", "］"),
    ("‘", "’"),
    ("»", "«"),
)


@technique("unicode_brackets_quotes", "issue-9-boundaries")
def _brackets(rng: random.Random, t: Target, hosts: Hosts) -> str:
    left, right = rng.choice(BRACKETS)
    return say(rng, left + t.url() + right)


@technique("emoticon_after", "wikipedia-emoticons issue-9-boundaries")
def _emoticon(rng: random.Random, t: Target, hosts: Hosts) -> str:
    face = rng.choice((":P", ":D", ":-)", ";)", ":p", "XD", ":3", ":'(", "^_^", "<3", ":-P", ":)"))
    gap = rng.choice(("", "", " "))
    return say(rng, t.url() + gap + face)


EMOJI = ("👉", "👈", "🔥", "😂", "🔗", "✅", "👀", "💯", "🙏", "➡️", "⬇️", "😉")


@technique("emoji_adjacent", "issue-9-boundaries")
def _emoji(rng: random.Random, t: Target, hosts: Hosts) -> str:
    before = rng.choice(("", *EMOJI))
    after = rng.choice(EMOJI) * rng.randrange(1, 3)
    return say(rng, before + t.url() + after)


@technique("trailing_punctuation", "issue-9-corpus-1")
def _punct(rng: random.Random, t: Target, hosts: Hosts) -> str:
    link = t.url()
    form = rng.choice(
        (
            "(see {L}). (the good one)",
            "({L})",
            "{L}...",
            "{L}!!!",
            "{L}?!",
            "[{L}]",
            "({L}), ok",
            '"{L}."',
            "{L}: new",
            "{L}—great",
            "'{L}',",
            "{L};",
            "<{L}>.",
        )
    )
    return say(rng, form.replace("{L}", link))


@technique("json_escaped", "rfc8259-solidus", WITH_SCHEME)
def _json(rng: random.Random, t: Target, hosts: Hosts) -> str:
    escaped = t.url().replace("/", "\\/")
    if rng.random() < 0.2:
        escaped = t.url().replace("/", "\\u002F")
    key = rng.choice(("url", "link", "href", "target", "src"))
    form = rng.choice(('{"%s":"%s"}', '{"id":7,"%s":"%s","ok":true}', '"%s": "%s",', "%s=%s"))
    return say(rng, form % (key, escaped))


@technique("joined_list", "issue-9-boundaries")
def _joined(rng: random.Random, t: Target, hosts: Hosts) -> str:
    joiner = rng.choice((",", ";", "|", ",", ";", "，", "、"))
    others = [
        f"https://{hosts.unlisted_host()}/{id_token(rng)}" for _ in range(rng.randrange(1, 3))
    ]
    links = [*others, t.url()]
    rng.shuffle(links)
    return say(rng, joiner.join(links))


@technique("markdown_html_wrappers", "commonmark-links bbcode", WITH_SCHEME)
def _markup(rng: random.Random, t: Target, hosts: Hosts) -> str:
    link = t.url()
    form = rng.choice(
        (
            "[here]({L})",
            '<a href="{L}">here</a>',
            "<{L}>",
            "[url={L}]here[/url]",
            "[url]{L}[/url]",
            "![pic]({L})",
            "[1]: {L}",
            "<a href='{L}'>link</a>",
            "[{L}]({L})",
            '<img src="{L}">',
        )
    )
    return say(rng, form.replace("{L}", link))


REDIRECTORS = (
    ("https://www.google.com/url?q={U}&sa=D&source=editors&ust=1700000000000000", "q"),
    ("https://l.facebook.com/l.php?u={U}&h=AT0abcdef", "u"),
    ("https://nam12.safelinks.protection.outlook.com/?url={U}&data=05%7C01%7C&reserved=0", "url"),
    ("https://vk.com/away.php?to={U}&cc_key=", "to"),
    ("https://www.youtube.com/redirect?event=video_description&q={U}&v=dQw4w9WgXcQ", "q"),
    ("https://www.google.com/url?sa=t&url={U}&usg=AOvVaw0", "url"),
)


@technique("redirect_wrapper", "redirect-unwrappers", WITH_SCHEME)
def _redirect(rng: random.Random, t: Target, hosts: Hosts) -> str:
    wrapper, _ = rng.choice(REDIRECTORS)
    target = quote(t.url(), safe="") if rng.random() < 0.8 else t.url()
    return say(rng, wrapper.replace("{U}", target))


CONTEXT = Need(kinds=("path", "path", "exact"))
DISTRACTORS = ("wait", "one sec", "ok", "got it?", "lol", "сек", "稍等", "ちょっと待って", "잠깐만")


def with_distractor(rng: random.Random, turns: list[str]) -> list[str]:
    """Sometimes an unrelated message sits between the two halves."""
    if rng.random() < 0.35:
        return [turns[0], rng.choice(DISTRACTORS), *turns[1:]]
    return turns


def loose_host(rng: random.Random, t: Target) -> str:
    return rng.choice(
        (
            host_with(t, "[.]"),
            host_with(t, " dot "),
            host_with(t, "(.)"),
            host_with(t, " ") if len(t.labels) > 1 else t.host,
            fullwidth(t.host),
        )
    )


def host_less_path(rng: random.Random, t: Target) -> str:
    """The path alone; without its leading slash only when it still reads as a path."""
    path = t.path
    return path if path.count("/") < 2 or rng.random() < 0.5 else path.lstrip("/")


@technique("context_path_after_host", "issue-9-context", CONTEXT)
def _ctx_after(rng: random.Random, t: Target, hosts: Hosts) -> list[str]:
    first = rng.choice(("the site is {H}", "it's on {H} now", "{H} is back up", "use {H}"))
    second = rng.choice(("then open {P}", "next {P}", "{P}", "the page is {P}", "ok {P}"))
    turns = [first.replace("{H}", t.host), second.replace("{P}", host_less_path(rng, t))]
    return with_distractor(rng, turns)


@technique("context_path_before_host", "issue-9-context", CONTEXT)
def _ctx_before(rng: random.Random, t: Target, hosts: Hosts) -> list[str]:
    first = rng.choice(("folder is {P}", "{P} (will send the site later)", "look for {P}"))
    second = rng.choice(("on {H}", "site: {H}", "it's {H}", "{H}"))
    turns = [first.replace("{P}", host_less_path(rng, t)), second.replace("{H}", t.host)]
    return with_distractor(rng, turns)


@technique("context_loose_host", "issue-9-context", CONTEXT)
def _ctx_loose(rng: random.Random, t: Target, hosts: Hosts) -> list[str]:
    first = rng.choice(("new place is {H}", "{H} works", "try {H}"))
    second = rng.choice(("and then {P}", "{P}", "path {P}"))
    turns = [
        first.replace("{H}", loose_host(rng, t)),
        second.replace("{P}", host_less_path(rng, t)),
    ]
    return with_distractor(rng, turns)


def _stack(rng: random.Random, t: Target) -> str:
    host_forms = (
        lambda: host_with(t, "[.]"),
        lambda: host_with(t, " dot "),
        lambda: host_with(t, "\u3002"),
        lambda: fullwidth(t.host),
        lambda: math_style(t.host, "bold"),
        lambda: insert_at_random(rng, t.host, ZERO_WIDTH, 2),
        lambda: host_with(t, "(dot)"),
        lambda: "".join(c + "\u0336" for c in t.host),
    )
    scheme_forms = ("", "hxxp://", "hxxps[:]//", "http://", "h\u200bttps://", "ｈｔｔｐ://")
    path = t.path
    if path and rng.random() < 0.4:
        path = path_with(t, slash=rng.choice((" slash ", "[/]", "\u2215")))
    first = rng.choice(host_forms)()
    if rng.random() < 0.3:
        first = insert_at_random(rng, first, ("\u00ad", "\u200d"), 1)
    return rng.choice(scheme_forms) + first + path


@technique("combined_techniques", "iocextract-readme")
def _combined(rng: random.Random, t: Target, hosts: Hosts) -> str:
    link = _stack(rng, t)
    if rng.random() < 0.4:
        left, right = rng.choice(BRACKETS)
        link = left + link + right
    return say(rng, link)


# --------------------------------------------------------------------------- assembling


def escape_json_line(line: str) -> str:
    """Escape line separators and invisible characters so each row stays one visible line."""
    out = []
    for char in line:
        category = unicodedata.category(char)
        if (
            category in ("Cc", "Cf", "Zl", "Zp", "Co", "Cs")
            or char in "\u2800\u3164\uffa0\u115f\u1160"
        ):
            code = ord(char)
            if code > 0xFFFF:
                code -= 0x10000
                out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
            else:
                out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def row_json(row: dict[str, object]) -> str:
    return escape_json_line(json.dumps(row, ensure_ascii=False, separators=(", ", ": ")))


def load_sample() -> list[str]:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def positives(rng: random.Random, hosts: Hosts) -> Iterator[dict[str, object]]:
    for tech in TECHNIQUES:
        count = rng.randrange(ROWS_PER_TECHNIQUE[0], ROWS_PER_TECHNIQUE[1] + 1)
        for number in range(1, count + 1):
            target = draw_target(rng, hosts, tech.need)
            made = tech.make(rng, target, hosts)
            turns = made if isinstance(made, list) else [made]
            base = {
                "kind": "positive",
                "technique": tech.name,
                "source": tech.source,
                "entry": target.entry,
                "entry_kind": target.entry_kind,
                "url": target.url(),
                "host_source": target.host_source,
            }
            if len(turns) == 1:
                yield {"id": f"{tech.name}-{number:03d}", **base, "text": turns[0]}
                continue
            conversation = f"{tech.name}-{number:03d}"
            for turn, text in enumerate(turns, 1):
                yield {
                    "id": f"{conversation}-t{turn}",
                    **base,
                    "text": text,
                    "conversation": conversation,
                    "turn": turn,
                }


SIBLING_COUNT = 300


def sibling_paths(rng: random.Random, entries: list[str]) -> Iterator[dict[str, object]]:
    """Benign links to unlisted pages on hosts that have listed paths (prefix precision)."""
    by_host: dict[str, list[str]] = {}
    for entry in entries:
        text = entry.split("://", 1)[-1]
        host, _, path = text.partition("/")
        by_host.setdefault(host, []).append("/" + path)
    candidates = sorted(h for h, paths in by_host.items() if "/" not in paths)
    for number in range(1, SIBLING_COUNT + 1):
        host = rng.choice(candidates)
        listed = by_host[host]
        while True:
            base = rng.choice(listed)
            if base.endswith("/"):  # a path prefix: a sibling branch beside it
                parent = base.rstrip("/").rsplit("/", 1)[0]
                path = f"{parent}/{rng.choice(PATH_WORDS)}{rng.randrange(2, 99)}/{id_token(rng)}"
            else:  # an exact page: another page in the same folder
                path = f"{base.rsplit('/', 1)[0]}/{id_token(rng)}.html"
            if not any(path.startswith(p) if p.endswith("/") else path == p for p in listed):
                break
        scheme = rng.choice(("https://", "http://", ""))
        yield {
            "id": f"benign-sibling-path-{number:04d}",
            "kind": "benign",
            "technique": "sibling_path",
            "source": "written for this corpus",
            "text": say(rng, scheme + host + path),
            "category": "sibling-path",
            "url": scheme + host + path,
        }


def build() -> tuple[str, str]:
    """The corpus and list file contents, exactly as committed."""
    rng = random.Random(SEED)
    feed = load_sample()
    hosts = Hosts(rng, feed)
    rows = list(positives(rng, hosts))
    entries = sorted({str(row["entry"]) for row in rows})
    benign = list(benign_messages(random.Random(SEED + 1)))
    everything = "\n".join(str(row["text"]).lower() for row in benign)
    clash = sorted(h for h in {entry_host(e) for e in entries} if h in everything)
    if clash:
        raise ValueError(f"benign text names listed hosts: {clash[:5]}")
    rows.extend(benign)
    rows.extend(sibling_paths(random.Random(SEED + 2), entries))
    corpus = "".join(row_json(row) + "\n" for row in rows)
    decoys = sorted({f"{h}/" for h in DECOY_HOSTS})
    listing = [
        "# Held-apart corpus blocklist (generated by make_heldout.py; see SOURCES.md).",
        "# Entries hidden by positives: synthetic reserved names and hosts of",
        *FEED_ATTRIBUTION[:1],
        "# Decoy host-level entries (word pairs, code identifiers) that measure false alarms;",
        "# they say nothing about those sites.",
        *entries,
        "# decoys",
        *decoys,
    ]
    return corpus, "\n".join(listing) + "\n"


def entry_host(entry: str) -> str:
    text = entry.split("://", 1)[-1]
    return text.split("/", 1)[0].lower()


BIG_PLATFORMS = re.compile(
    r"(google|goo\.gl|microsoft|office|live\.com|sharepoint|onedrive|dropbox|github|gitlab|"
    r"firebase|web\.app|weebly|wix|blogspot|blogger|wordpress\.com|000webhost|netlify|vercel|"
    r"heroku|pages\.dev|workers\.dev|azure|amazonaws|cloudfront|glitch|ipfs|jimdo|yolasite|"
    r"square\.site|godaddysites|webflow|facebook|apple|paypal|amazon|yahoo|outlook|"
    r"wikipedia|youtube|vk\.com|mail\.ru|yandex|telegram|whatsapp|discord|notion|canva|"
    r"typeform|formstack|jotform|surveymonkey|ngrok|duckdns|repl\.co|codepen|"
    r"tiny|bit\.ly|t\.co\b|linktr)",
    re.IGNORECASE,
)


def refresh_sample() -> None:
    """Re-draw phishing_sample.txt from the shared feed (needs ../shared)."""
    if not SHARED_FEED.exists():
        sys.exit(f"{SHARED_FEED} is absent: the sample cannot be refreshed here")
    shorteners = {
        line.strip().lower()
        for line in SHARED_SHORTENERS.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    shape = re.compile(r"https?://[a-z0-9.-]+(/[A-Za-z0-9._~-]+)*/?")
    eligible, seen = [], set()
    for url in SHARED_FEED.read_text(encoding="utf-8").splitlines():
        if not shape.fullmatch(url) or len(url) > 90 or BIG_PLATFORMS.search(url):
            continue
        host = urlsplit(url).hostname or ""
        labels = host.split(".")
        if re.fullmatch(r"[0-9.]+", host) or host in seen or len(labels) < 2:
            continue
        if any(".".join(labels[i:]) in shorteners for i in range(len(labels) - 1)):
            continue
        seen.add(host)
        eligible.append(url)
    rng = random.Random(SEED)
    chosen = sorted(rng.sample(eligible, SAMPLE_SIZE))
    SAMPLE.write_text("\n".join([*FEED_ATTRIBUTION, *chosen]) + "\n", encoding="utf-8")
    print(f"wrote {len(chosen)} of {len(eligible)} eligible feed URLs to {SAMPLE}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refresh-sample", action="store_true")
    args = parser.parse_args()
    if args.refresh_sample:
        refresh_sample()
    corpus, listing = build()
    CORPUS.write_text(corpus, encoding="utf-8")
    LIST.write_text(listing, encoding="utf-8")
    rows = corpus.count("\n")
    print(f"wrote {rows} rows to {CORPUS.name} and {listing.count(chr(10))} lines to {LIST.name}")


if __name__ == "__main__":
    main()
