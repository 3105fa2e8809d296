"""Find every link in a message: plain, obfuscated, shortened; strict and loose candidates.

Text is rewritten through a few *views*, each a string plus a map from its characters back to
the original text, so every candidate keeps its span in the message:

1. normalised: invisible characters (zero-width, bidi controls) dropped; full-width and
   mathematical letters folded to ASCII (NFKC); dot look-alikes (``，。．｡・·``) made dots;
2. refanged: ``hxxp``, ``[.]``, ``(dot)``, ``[:]``, ``(slash)``... undone (strict tier: these
   only ever appear where someone meant a link);
3. loose: spaces around dots and slashes closed (``bad .site /x``), spaced-out letters joined
   (``b a d``), a space used as the dot before a path (``bad site/x``), a link broken across a
   line rejoined. Loose candidates are looked up, never shown or fetched.

Candidates are tokens that could name a web resource (a scheme, ``www.``, or a host whose last
label is a real top-level domain). Every pass is a linear regular-expression scan. A long
message is read in windows cut at white space, so every candidate is found however many there
are; only text past ``MAX_TEXT_CHARS`` is not read, and the result says so
(``Candidates.complete`` is False).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import overload

from .psl import top_level_domains
from .results import Signal, Technique, Tier

__all__ = ["MAX_TEXT_CHARS", "WINDOW_CHARS", "Candidate", "Candidates", "extract_links"]

#: Longest message read, in characters (2 Mi: at least the 1 MiB the product promises); the
#: rest is not read, and the result says so. Time is linear in the length read.
MAX_TEXT_CHARS = 2 * 1024 * 1024
#: A long message is read in windows of about this many characters, each cut at white space
#: so that no token is split; rewrite maps (one int per character) stay small.
WINDOW_CHARS = 64 * 1024
#: Consecutive windows overlap by this much, so a link written across a window boundary
#: (spaces inside it, a line break) is whole in one of them.
WINDOW_OVERLAP = 1024
#: How far back from a window's end a cut looks for white space; with none, the window
#: grows to the end of the token.
_CUT_SEARCH = 4096
#: Hosts a path without a host is combined with (the most recent ones).
MAX_CONTEXT_HOSTS = 3

_WHITE_SPACE = re.compile(r"\s")

STRICT = Tier.STRICT
LOOSE = Tier.LOOSE


@dataclass(frozen=True)
class Candidate:
    """Something in a message that could be a link, and how it was recovered."""

    url: str
    """The link text after undoing obfuscation; canonicalise it before lookup."""
    start: int
    """Span in the original message: ``text[start:end]``."""
    end: int
    techniques: tuple[Technique, ...] = ()
    """How it was recovered: ``refang``, ``unicode``, ``invisible``, ``spacing``..."""
    tier: Tier = Tier.STRICT
    """``strict``: a messenger would linkify it. ``loose``: look it up, never display it."""
    signals: tuple[Signal, ...] = ()
    """Warnings that are not lookups: ``lookalike`` (mixed-script host)."""


class Candidates(Sequence[Candidate]):
    """The candidates of one message (an immutable sequence), and whether a limit cut the
    work short (``complete``; ``notes`` say which)."""

    __slots__ = ("_items", "notes")

    def __init__(self, items: Iterable[Candidate] = (), notes: Iterable[str] = ()) -> None:
        self._items: tuple[Candidate, ...] = tuple(items)
        self.notes: tuple[str, ...] = tuple(notes)

    @overload
    def __getitem__(self, index: int) -> Candidate: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Candidate, ...]: ...
    def __getitem__(self, index: int | slice) -> Candidate | tuple[Candidate, ...]:
        return self._items[index]

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Candidate]:
        return iter(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Candidates):
            return self._items == other._items and self.notes == other.notes
        if isinstance(other, (list, tuple)):
            return list(self._items) == list(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self._items, self.notes))

    def __repr__(self) -> str:
        return f"Candidates({list(self._items)!r}, notes={self.notes!r})"

    @property
    def complete(self) -> bool:
        """True when the whole message was read."""
        return not self.notes

    @property
    def truncated(self) -> bool:
        """The opposite of ``complete`` (kept for callers written against 0.1)."""
        return bool(self.notes)


# ---- views ------------------------------------------------------------------------------


@dataclass
class _View:
    """A rewritten text and, for each of its characters, the index it came from."""

    text: str
    origin: list[int] | None  # None: the identity map
    marks: list[tuple[int, int, str]] = field(default_factory=list)  # original spans rewritten

    def source(self, index: int) -> int:
        if self.origin is None:
            return index
        if index >= len(self.origin):
            return (self.origin[-1] + 1) if self.origin else 0
        return self.origin[index]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original span of view characters ``[start, end)``."""
        return self.source(start), self.source(end - 1) + 1 if end > start else self.source(start)

    def techniques(self, start: int, end: int) -> tuple[str, ...]:
        found = dict.fromkeys(t for s, e, t in self.marks if s < end and e > start)
        return tuple(found)

    def rewrite(
        self,
        pattern: re.Pattern[str],
        replace: Callable[[re.Match[str]], str | None],
        name: str,
        notes: list[str],
    ) -> _View:
        """Apply ``replace`` to every match (None keeps the match); map and mark the changes."""
        text = self.text
        if pattern.search(text) is None:  # the common case: nothing to rewrite
            return self
        pieces: list[str] = []
        origin: list[int] = []
        marks = list(self.marks)
        source = self.origin
        last = 0
        count = 0
        for match in pattern.finditer(text):
            new = replace(match)
            if new is None or new == match.group():
                continue
            count += 1
            at, end = match.start(), match.end()
            pieces.append(text[last:at])
            pieces.append(new)
            if source is None:
                origin.extend(range(last, at))
                start, stop = at, end
            else:
                origin.extend(source[last:at])
                start, stop = source[at], source[end - 1] + 1
            if new:  # the replacement stands for the whole match: first char at its start,
                origin.extend([start] * (len(new) - 1))  # last char at its end
                origin.append(stop - 1)
            marks.append((start, stop, name))
            last = end
        if not count:
            return self
        pieces.append(text[last:])
        origin.extend(range(last, len(text)) if source is None else source[last:])
        return _View("".join(pieces), origin, marks)


# ---- step 1: normalise -----------------------------------------------------------------

_DOT_LOOKALIKES = (
    "，。．｡・·"  # full-width comma, ideographic/full-width/half-width stops, middle dots
)


def _fold(char: str) -> tuple[str, str | None]:
    """What a non-ASCII character becomes in the normalised view, and the technique."""
    if char in _DOT_LOOKALIKES:
        return ".", "dot-variant"
    category = unicodedata.category(char)
    if category == "Cf":  # zero-width space/joiners, bidi controls, soft hyphen...
        return "", "invisible"
    folded = unicodedata.normalize("NFKC", char)
    if folded != char and folded.isascii() and folded.isprintable():
        return folded, "unicode"
    return char, None


_FOLD_CACHE: dict[str, tuple[str, str | None]] = {}


def _normalise(text: str, notes: list[str]) -> _View:
    view = _View(text, None)
    if text.isascii():
        return view
    changed = [c for c in set(text) if not c.isascii()]
    folds = {c: _FOLD_CACHE.get(c) or _FOLD_CACHE.setdefault(c, _fold(c)) for c in changed}
    folds = {c: fold for c, fold in folds.items() if fold[1] is not None}
    if not folds:
        return view
    pattern = re.compile("[" + re.escape("".join(sorted(folds))) + "]+")
    kinds: list[str] = []

    def replace(match: re.Match[str]) -> str:
        run = match.group()
        kinds.append(" ".join(sorted({folds[c][1] or "" for c in run})))
        return "".join(folds[c][0] for c in run)

    folded = view.rewrite(pattern, replace, "unicode", notes)
    # Re-label each rewritten run with what happened in it (one pass, in order).
    folded.marks = [
        (start, end, kind)
        for (start, end, _), names in zip(folded.marks, kinds, strict=False)
        for kind in names.split()
    ]
    return folded


# ---- step 2: refang (strict) -------------------------------------------------------------

_OPEN = r"[\[({<\])}>]"  # brackets either way round: "[.]", "].[", "{.{" all mean a dot
_CLOSE = _OPEN
# Every alternative starts with a definite character, so the regex engine can skip ahead;
# word-boundary conditions are checked in _refang_replace instead of with lookbehinds.
_REFANG = re.compile(
    rf"""
      (?P<scheme>(?:h(?:xx|\*\*)ps?|f[x*]p|x{{4}}[xs]?)(?=\]?\[?:))            # hxxp h**ps fxp xxxx
    | (?P<bscheme>[\[(](?:https?|ftp)[\])](?=\[?:)|(?:https?|ftp)\](?=:))  # [http]: http]:
    | (?P<sep>(?:https?|ftp)(?:\s+:\s*/{{2,3}}|:/{{3}}|:\s+/{{2}}|:/{{2}}\s+|/{{2}})\s*)  # http//
    | (?P<colonslashes>[\[(]://[\])])                                            # [://]
    | (?P<colon>[\[({{]:[\])}}])                                                 # [:]
    | (?P<slashes>:\s*/\s+/(?!/))                                               # : / /
    | (?P<dot>{_OPEN}\s?(?:\.|dot|punto|punkt|point)\s?{_CLOSE}|\\\.|\^\.|-dot-)  # [.] (dot) \.
    | (?P<gluedot>(?-i:DOT)(?=[a-z0-9]))                                           # fooDOTcom
    | (?P<slash>[\[({{]\s?(?:/|slash)\s?[\])}}])                                 # [/] (slash)
    | (?P<www>[\[(]www[\])](?=\.))                                               # [www].
    | (?P<hyphen>\[-\])                                                          # [-]
    | (?P<at>\[@\])                                                              # [@]
    """,
    re.VERBOSE | re.IGNORECASE,
)
_REPLACEMENTS = {
    "colonslashes": "://",
    "colon": ":",
    "slashes": "://",
    "dot": ".",
    "gluedot": ".",
    "slash": "/",
    "www": "www",
    "hyphen": "-",
    "at": "@",
}
#: Alternatives that must start a word ("hxxp" but not "ahxxp").
_WORD_START = frozenset({"scheme", "sep", "bscheme"})


def _refang_replace(match: re.Match[str]) -> str | None:
    kind = match.lastgroup or ""
    text = match.group()
    before = match.string[match.start() - 1 : match.start()]
    if kind in _WORD_START and before.isalnum():
        return None
    if kind == "gluedot":  # "fooDOTcom", not "DOTS" or "ADOT"
        return "." if before.islower() or before.isdigit() else None
    if kind in _REPLACEMENTS:
        return _REPLACEMENTS[kind]
    if kind == "scheme":
        lowered = text.lower()
        if lowered.startswith("x"):  # "xxxx" stands for http, "xxxxx"/"xxxxs" for https
            return "https" if len(lowered) == 5 else "http"
        base = "ftp" if lowered[0] == "f" else "http"
        return base + ("s" if lowered.endswith("s") and base == "http" else "")
    if kind == "bscheme":
        return text.strip("[]()").lower()
    scheme = re.match(r"[a-z]+", text, re.IGNORECASE)
    fixed = (scheme.group().lower() if scheme else "http") + "://"
    return None if fixed == text else fixed  # "sep": a mangled scheme separator


def _may_be_defanged(text: str) -> bool:
    """Cheap substring tests, a superset of what can start a _REFANG match."""
    if any(char in text for char in "[](){}<>\\^"):
        return True
    lowered = text.lower()
    return (
        "xx" in lowered
        or "**" in text
        or "dot-" in lowered
        or "DOT" in text
        or "f*p" in lowered
        or "fxp" in lowered
        or ": " in text
        or ":///" in text
        or any(
            f"{scheme}{sep}" in lowered
            for scheme in ("http", "https", "ftp")
            for sep in (" ", "//")
        )
    )


def _refang(view: _View, notes: list[str]) -> _View:
    if not _may_be_defanged(view.text):
        return view
    return view.rewrite(_REFANG, _refang_replace, "refang", notes)


# ---- step 3: loose views ----------------------------------------------------------------

_SPACED_LETTERS = re.compile(r"(?<![\w.-])(?:[\w.-] ){2,}[\w.-](?![\w.-])")
_SPACED_LETTERS_GATE = re.compile(r" [\w.-] [\w.-] ")
_DOT_WORD = re.compile(r"(?<=\w) +dot +(?=\w)", re.IGNORECASE)
_SLASH_WORD = re.compile(r"(?<=\w) +slash +(?=\w)", re.IGNORECASE)
_SPACED_HOST = re.compile(r"(?<![\w.-])[A-Za-z0-9][\w-]*(?:(?: +\. *| *\. +|\.)[A-Za-z0-9][\w-]*)+")
_DOT_GAP = re.compile(r" *\. *")
_SPACED_SLASH = re.compile(r" +/ *|/ +")
_AFTER_SCHEME = re.compile(r"(?<=://) +(?=\w)")
_SPACE_AS_DOT = re.compile(
    r"(?<![\w.])(?P<name>[A-Za-z0-9][A-Za-z0-9-]{0,62}) (?P<tld>[A-Za-z]{2,24})(?=/\w)"
)
_LINE_BREAK = re.compile(r"(?<=[\w/.\-=&?%])\r?\n(?=[\w/.\-=&?%])")


def _loose(view: _View, tlds: frozenset[str], notes: list[str]) -> _View:
    """Close gaps that only a person would read through. Each pass has a cheap precheck."""
    text = view.text
    if " " in text:
        lowered = text.lower()
        if ":// " in text:
            view = view.rewrite(_AFTER_SCHEME, lambda m: "", "spacing", notes)
        if _SPACED_LETTERS_GATE.search(text):
            view = view.rewrite(_SPACED_LETTERS, _join_letters, "spaced-letters", notes)
        if " dot " in lowered:
            view = view.rewrite(_DOT_WORD, lambda m: ".", "refang", notes)
        if " slash " in lowered:
            view = view.rewrite(_SLASH_WORD, lambda m: "/", "refang", notes)
        if " ." in view.text or ". " in view.text:
            view = view.rewrite(_SPACED_HOST, lambda m: _close_host(m, tlds), "spacing", notes)
        if " /" in view.text or "/ " in view.text:
            view = view.rewrite(_SPACED_SLASH, _close_slash, "spacing", notes)
        if "/" in view.text:
            view = view.rewrite(
                _SPACE_AS_DOT, lambda m: _space_as_dot(m, tlds), "space-as-dot", notes
            )
    if "\n" in text:
        view = view.rewrite(_LINE_BREAK, lambda m: "", "line-break", notes)
    return view


def _close_slash(match: re.Match[str]) -> str | None:
    """``a / b`` -> ``a/b`` between link characters; a trailing `` /`` closes onto the link."""
    text, start, end = match.string, match.start(), match.end()
    before, after = text[start - 1 : start], text[end : end + 1]
    if not (before.isalnum() or before in "._-"):
        return None
    if after.isalnum() or after in "_-~" or not after.strip() or after in ",!?":
        return "/"
    return None


def _join_letters(match: re.Match[str]) -> str:
    return match.group().replace(" ", "")


def _space_as_dot(match: re.Match[str], tlds: frozenset[str]) -> str | None:
    if match.group("tld").lower() not in tlds:
        return None
    return f"{match.group('name')}.{match.group('tld')}"


def _close_host(match: re.Match[str], tlds: frozenset[str]) -> str | None:
    """``a .b. com x`` -> ``a.b.com x``: close dot gaps up to the last label that is a TLD.

    A space before a dot never happens in prose, so it always counts. A gap after a dot
    ("ok. me too") is how sentences end, so alone it counts only next to a scheme or a path.
    """
    chain = match.group()
    if " " not in chain:
        return None
    labels: list[tuple[int, int]] = []  # (start, end) of each label in chain
    at = 0
    spaced_before_dot = False
    for gap in _DOT_GAP.finditer(chain):
        spaced_before_dot = spaced_before_dot or gap.group().startswith(" ")
        labels.append((at, gap.start()))
        at = gap.end()
    labels.append((at, len(chain)))
    whole = match.string
    for last in range(len(labels) - 1, 0, -1):
        start, end = labels[last]
        if chain[start:end].lower() not in tlds:
            continue
        after = whole[match.start() + end : match.start() + end + 2].lstrip(" ")
        linked = after.startswith("/") or whole[: match.start()].endswith("://")
        if not (spaced_before_dot or linked):
            return None
        return ".".join(chain[s:e] for s, e in labels[: last + 1]) + chain[end:]
    return None


# ---- tokens -> candidates ----------------------------------------------------------------

#: A token (run of non-delimiters) holding ".", ":" or "%", matched only from a token start
#: and with possessive runs, so a scan is linear even over one 64 KiB token.
_TOKEN = re.compile(r"(?<![^\s<>\"'`{}|\[\]^])[^\s<>\"'`{}|\[\]^.:%]*+[.:%][^\s<>\"'`{}|\[\]^]*+")
_SCHEME_IN_TOKEN = re.compile(r"(?:https?|ftp)(?::|%3a)", re.IGNORECASE)
_TRAILING = ".,;:!?'\")]}>*_~"
_LEADING = "([{<*_~'\""
_IPV4ISH = re.compile(r"(?:\d+|0x[0-9a-f]+)(?:\.(?:\d+|0x[0-9a-f]+)){0,3}", re.IGNORECASE)
_CONFUSABLE_SCRIPTS = ("CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE")
_HOST_END = re.compile(r"[/\\?#]")
#: A link with an IPv6 literal host: brackets otherwise end a token (Markdown "[text](url)").
_BRACKET_URL = re.compile(r"(?:https?|ftp)://\[[0-9A-Fa-f:.]+\][^\s<>\"'`{}|\[\]^]*", re.I)
_BARE_SUSPECT = re.compile(r"[:/%@\[]")


@dataclass
class _Found:
    url: str
    start: int  # in the view
    end: int
    techniques: list[str]


def _trim(token: str) -> tuple[int, int]:
    """Offsets of the link inside a token: leading brackets and trailing punctuation cut."""
    start, end = 0, len(token)
    while start < end and token[start] in _LEADING:
        start += 1
    while end > start and token[end - 1] in _TRAILING:
        if token[end - 1] == ")" and token.count("(", start, end) >= token.count(")", start, end):
            break  # a balanced ")" belongs to the URL (Wikipedia-style paths)
        end -= 1
    return start, end


def _host_of(url: str) -> tuple[str, bool]:
    """The host part of a link-ish string, and whether it had a scheme."""
    rest = url
    scheme = _SCHEME_IN_TOKEN.match(url)
    if scheme:
        rest = url[scheme.end() :].lstrip("/\\")
        if rest[:4].lower() == "%2f%":
            rest = re.sub(r"^(?:%2f)+", "", rest, flags=re.IGNORECASE)
    cut = _HOST_END.search(rest)
    host = (rest if cut is None else rest[: cut.start()]).rpartition("@")[2]
    if host.startswith("["):
        return host, bool(scheme)
    return host.partition(":")[0], bool(scheme)


def _plausible(url: str, tlds: frozenset[str]) -> str | None:
    """Why ``url`` could be a link (a technique name, "" for plain), or None if it cannot."""
    host, has_scheme = _host_of(url)
    if not host or host[0] in ".-":
        return None
    if not has_scheme and "@" in url.split("/", 1)[0]:
        return None  # an e-mail address, not a link
    if host.startswith("[") and host.endswith("]"):
        return "" if has_scheme else None
    labels = host.rstrip(".").split(".")
    last = labels[-1].lower()
    if _IPV4ISH.fullmatch(host.rstrip(".")):
        numeric = "numeric-ip"
        return numeric if (has_scheme or len(labels) == 4 or "/" in url) else None
    if last in tlds or (last.startswith("xn--") and len(last) > 4):
        return "" if (len(labels) >= 2 or has_scheme) else None
    if has_scheme and len(labels) >= 2 and not last.isascii():
        return "idn"
    if has_scheme and "%" in host:
        return "percent-encoded"
    return None


def _lookalike(host: str) -> bool:
    """Mixed scripts in one label (Latin with Cyrillic, Greek...): a spoofing signal."""
    for label in host.split("."):
        if label.isascii():
            continue
        scripts = set()
        for char in label:
            if char.isalpha():
                name = unicodedata.name(char, "")
                scripts.add(
                    next(
                        (s for s in _CONFUSABLE_SCRIPTS if name.startswith(s)),
                        "LATIN" if char.isascii() or name.startswith("LATIN") else "OTHER",
                    )
                )
        if len(scripts) > 1 or (scripts & set(_CONFUSABLE_SCRIPTS) and "LATIN" in scripts):
            return True
        if (
            scripts
            and scripts <= set(_CONFUSABLE_SCRIPTS)
            and all(
                unicodedata.normalize("NFKD", c).isascii() or c in _LATIN_LOOKING for c in label
            )
        ):
            return True
    return False


#: Cyrillic and Greek letters that render like Latin ones (a whole label of them spoofs).
_LATIN_LOOKING = frozenset("аеорсухіјѕԁԛԝһӏаАВЕКМНОРСТХУІЈЅοαρτυνικΑΒΕΖΗΙΚΜΝΟΡΤΥΧ")


def _tokens(view: _View, tlds: frozenset[str], notes: list[str]) -> list[_Found]:
    found = []
    text = view.text
    if "://[" in text:
        for match in _BRACKET_URL.finditer(text):
            start, end = _trim(match.group())
            url = match.group()[start:end]
            found.append(_Found(url, match.start() + start, match.start() + end, ["numeric-ip"]))
    for match in _TOKEN.finditer(text):
        token = match.group()
        start, end = _trim(token)
        url = token[start:end]
        if _BARE_SUSPECT.search(url) is None:  # a bare "a.b": cheap test of its last label
            last = url[url.rfind(".") + 1 :].lower()
            if last not in tlds and not last.isdigit() and not last.startswith("0x"):
                continue
        scheme = _SCHEME_IN_TOKEN.search(url)
        if scheme and scheme.start() > 0:  # text glued before the scheme: "see:http://..."
            start += scheme.start()
            url = url[scheme.start() :]
        reason = _plausible(url, tlds)
        if reason is None:
            continue
        techniques = [reason] if reason else []
        if not scheme:
            techniques.append("no-scheme")
        elif url[: scheme.end()].lower().endswith("%3a"):
            techniques.append("percent-encoded")
        found.append(_Found(url, match.start() + start, match.start() + end, techniques))
    return found


def _path_tokens(view: _View) -> list[tuple[str, int, int]]:
    """Host-less paths ("content/123", "/album/9"): at least two segments, no dot in the first."""
    paths = []
    for match in _HOSTLESS_PATH.finditer(view.text):
        paths.append((match.group("path"), match.start("path"), match.end("path")))
    return paths


_HOSTLESS_PATH = re.compile(
    r"(?<![\w./:@-])(?P<path>/?[A-Za-z0-9_~%-]+(?:/[A-Za-z0-9_~%.=&?-]+)+/?)(?![\w/])"
)


def extract_links(text: str, context_hosts: Iterable[str] = ()) -> Candidates:
    """Every candidate link in ``text``, strict and loose, with spans in ``text``.

    ``context_hosts`` are hosts the app knows the conversation is about (an earlier message's
    link); a host-less path such as "content/123" is combined with them and with hosts named
    earlier in the same text. Every candidate is returned, however many; only text past
    ``MAX_TEXT_CHARS`` is left unread, and then ``complete`` is False.
    """
    notes: list[str] = []
    if len(text) > MAX_TEXT_CHARS:
        notes.append(f"only the first {MAX_TEXT_CHARS} of {len(text)} characters were read")
        text = text[:MAX_TEXT_CHARS]
    tlds = top_level_domains()
    results: dict[tuple[int, int, str], Candidate] = {}
    given = list(context_hosts)
    for offset, window in _windows(text):
        found = _extract_window(window, tlds, given, notes)
        for (start, end, url), candidate in found.items():
            key = (start + offset, end + offset, url)
            if key not in results:
                results[key] = (
                    candidate
                    if not offset
                    else Candidate(
                        url,
                        key[0],
                        key[1],
                        candidate.techniques,
                        candidate.tier,
                        candidate.signals,
                    )
                )
    candidates = sorted(results.values(), key=lambda c: (c.start, c.tier != STRICT, -c.end))
    return Candidates(candidates, dict.fromkeys(notes))


def _windows(text: str) -> Iterator[tuple[int, str]]:
    """``(offset, window)`` pieces of ``text``, each ending at white space, overlapping."""
    if len(text) <= WINDOW_CHARS:
        yield 0, text
        return
    start = 0
    while start < len(text):
        end = start + WINDOW_CHARS
        if end >= len(text):
            yield start, text[start:]
            return
        cut = -1
        for index in range(end, max(start, end - _CUT_SEARCH), -1):
            if text[index - 1].isspace():
                cut = index
                break
        if cut < 0:  # no white space near the end: grow the window to the end of the token
            grown = _WHITE_SPACE.search(text, end)
            cut = len(text) if grown is None else grown.start() + 1
        yield start, text[start:cut]
        if cut >= len(text):
            return
        start = max(cut - WINDOW_OVERLAP, start + 1)


def _extract_window(
    text: str, tlds: frozenset[str], context_hosts: list[str], notes: list[str]
) -> dict[tuple[int, int, str], Candidate]:
    normalised = _normalise(text, notes)
    strict_view = _refang(normalised, notes)
    results: dict[tuple[int, int, str], Candidate] = {}

    def add(view: _View, found: _Found, tier: Tier) -> None:
        start, end = view.span(found.start, found.end)
        techniques = dict.fromkeys([*view.techniques(start, end), *found.techniques])
        if found.url.isupper() and any(c.isalpha() for c in found.url):
            techniques["upper-case"] = None
        host = _host_of(found.url)[0]
        signals = (Signal.LOOKALIKE,) if not host.isascii() and _lookalike(host) else ()
        kinds = tuple(Technique(t) for t in techniques)
        key = (start, end, found.url)
        if key not in results:
            results[key] = Candidate(found.url, start, end, kinds, tier, signals)
        if "upper-case" in techniques:  # shouted links: also try the path as people type it
            lowered = (start, end, found.url.lower())
            results.setdefault(
                lowered, Candidate(found.url.lower(), start, end, kinds, LOOSE, signals)
            )

    strict = _tokens(strict_view, tlds, notes)
    for found in strict:
        add(strict_view, found, STRICT)
    loose_view = _loose(strict_view, tlds, notes)
    if loose_view is not strict_view:
        strict_urls = {c.url for c in results.values()}
        for found in _tokens(loose_view, tlds, notes):
            if found.url not in strict_urls:
                add(loose_view, found, LOOSE)
    _add_context_paths(strict_view, results, context_hosts)
    return results


def _add_context_paths(
    view: _View, results: dict[tuple[int, int, str], Candidate], context: Iterable[str]
) -> None:
    """Combine host-less paths with the hosts named before them (or given as context)."""
    if "/" not in view.text:
        return
    named = [(c.start, _host_of(c.url)[0]) for c in results.values() if c.tier == STRICT]
    given = [host for host in context if host]
    if not named and not given:
        return
    for path, start, end in _path_tokens(view):
        orig_start, orig_end = view.span(start, end)
        if any(c.start <= orig_start < c.end for c in results.values() if c.tier == STRICT):
            continue  # part of a link already found
        earlier = [host for at, host in sorted(named) if at < orig_start]
        hosts = list(dict.fromkeys([*reversed(earlier), *reversed(given)]))[:MAX_CONTEXT_HOSTS]
        for host in hosts:
            url = f"{host}/{path.lstrip('/')}"
            key = (orig_start, orig_end, url)
            results.setdefault(
                key, Candidate(url, orig_start, orig_end, (Technique.CONTEXT_HOST,), LOOSE, ())
            )
