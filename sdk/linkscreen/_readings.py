"""Every plausible reading of the links in one view of a message.

Where text is ambiguous, each plausible reading is kept and the bundle decides
(docs/extraction.md, "Ambiguities"):

- **where a link ends**: trailing punctuation, non-ASCII text, quotes and brackets glued to
  it, an emoticon, a JSON ``\\n``, links joined by ``,`` or ``;``: the token and its cut
  readings;
- **a broken scheme** (``ttps://``, ``htps://``, ``https;//``, ``note:host``): the token and
  what follows the separator;
- **joints** between two link-ish pieces: a line break, spaces around a dot or slash, a spaced
  ``dot``/``slash`` word, a dot or comma look-alike, ``_ , *`` or an emoji between letters:
  every contiguous run of pieces, each joint inside it joined (up to ``MAX_JOINTS`` per
  reading), and each piece on its own (the joint as a separator);
- **a space as a dot** before a top-level-domain word and a path: hosts of 2 to 5 labels.

Each reading is one token handed to the same plausibility test (a scheme, ``www.``, or a host
whose last label is a top-level domain), so no ambiguity adds a way to see a link where
there is none, only more ways to read one.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from . import _fold, _wrappers
from ._appschemes import MAX_APP_DEPTH, opened_urls
from ._evidence import (
    PROSE_TECHNIQUES,
    extension_mention,
    glued_mark,
    separator_mark,
    word_pair_mark,
)
from ._percent import decode_run
from ._refang import DOT_WORDS, SLASH_WORDS
from ._tokenmemo import TokenMemo
from ._views import Joined, View
from .results import Technique

__all__ = ["JOINT_WORDS", "MAX_JOINTS", "Found", "Reader", "Readings"]

#: Joints joined in one reading; a longer chain is read in overlapping runs of this many.
MAX_JOINTS = 16
#: Words read as labels before a top-level-domain word ("sites google com/x": 3 labels).
#: Not a cut: a host is looked up by its last five labels (docs/extraction.md, "Limits").
MAX_SPACED_LABELS = 4

_DELIMS = "\\s<>\"'`{}|\\[\\]^"
#: A token (run of non-delimiters) holding ".", ":" or "%", matched only from a token start
#: and with possessive runs, so a scan is linear even over one 64 KiB token.
_TOKEN = re.compile(rf"(?<![^{_DELIMS}])[^{_DELIMS}.:%]*+[.:%][^{_DELIMS}]*+")
#: A word glued before a scheme: letters, digits and marks of any script, no ASCII punctuation.
_GLUED_WORD = re.compile(r"[^\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f\s]+")
_SCHEME_IN_TOKEN = re.compile(r"(?:https?|ftp)(?::|%3a)", re.IGNORECASE)
_WEB_SCHEME_START = re.compile(r"(?:https?|ftp):", re.IGNORECASE)
_TRAILING = ".,;:!?'\")]}>*_~"
#: Trimmed characters that are also legal at a URL's end: the untrimmed token is read too.
_URL_TAIL = re.compile(r"[._};=~:*]{1,3}")
_LEADING = "([{<*_~'\"\\"
_IPV4ISH = re.compile(r"(?:\d+|0x[0-9a-f]+)(?:\.(?:\d+|0x[0-9a-f]+)){0,3}", re.IGNORECASE)
_HOST_END = re.compile(r"[/\\?#]")
#: A top-level domain's shape: 2 to 63 ASCII letters (what a link with a scheme may end in
#: when the bundle's Public Suffix List does not know it).
_TLD_SHAPED = re.compile(r"[a-z]{2,63}")
#: ``[::ffff:a.b.c.d]`` (IPv4-mapped, zeros written or not) and ``[64:ff9b::a.b.c.d]`` (NAT64).
_MAPPED_LITERAL = r"\[(?:[0:]{2,24}ffff:|64:ff9b::)\d{1,3}(?:\.\d{1,3}){3}\]"
_MAPPED_IPV4 = re.compile(_MAPPED_LITERAL, re.IGNORECASE)
_BRACKET_URL = re.compile(r"(?:https?|ftp)://\[[0-9A-Fa-f:.]+\][^\s<>\"'`{}|\[\]^]*", re.I)
#: A bracketed IPv4-mapped or NAT64 literal without a scheme (``[::ffff:192.0.2.55]/x``):
#: it holds a dotted quad, which alone is read; not after a word, ``[``, ``:`` or ``/``.
_BARE_MAPPED = re.compile(
    r"(?<![\w\[\]:/])" + _MAPPED_LITERAL + r"(?:[/?#:][^\s<>\"'`{}|\[\]^]*)?", re.IGNORECASE
)
_BARE_SUSPECT = re.compile(r"[:/%@\[]")
#: Marks glued before a link in chat ("!bad.example", "-bad.example/x", "=bad.example"):
#: no host starts with one, and link finders start the link after them.
_GLUED_MARKS = "!?=+&%-:@#$^|,;"
_EMOTICON_END = re.compile(r"[:;=8xX]-?[()DPpO03/\\|\]\[]+$")
#: A dotted name, then a mark no host holds that code and chat glue after a name: a call's
#: bracket, ``++``/``--``, a trailing ``$`` or ``@``, a ``:word`` (possessive: linear).
_LABEL_RUN = r"[A-Za-z0-9]++(?:-[A-Za-z0-9]++)*+"
_NAME_THEN_MARK = re.compile(
    rf"{_LABEL_RUN}(?:\.{_LABEL_RUN})++(?=\((?!\))|\+\+|--|[$@](?![\w$])|:[A-Za-z]{{2,}}(?![\w.:/@]))"
)
#: A full stop glued to a sentence that goes on: a capitalised word, a word in lower case.
_SENTENCE_AFTER = re.compile(
    r"\.(?=[A-Z][a-z]{1,11}[ \t]+[a-z]+(?:[ \t]+[a-z]|[ \t]*[,.!?]|[ \t]*$))", re.MULTILINE
)
_JSON_ESCAPE = re.compile(r"\\[nrtu\"]")
_GLUED_COLON = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]{0,15})[:;]/?(?!/)")
_SPLITTER = re.compile(r"[,;]")
#: The last word of a host written with spaces for its dots: a top-level-domain word ending
#: a word, before white space, the end or sentence punctuation ("it's on bad example.").
_SPOKEN_TLD = re.compile(r"(?<=[ .])[A-Za-z]{2,24}(?=[.!?,;:]?(?:\s|$))")
_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")
#: English function words: no host written with spaces for its dots starts with one.
_FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "on",
        "in",
        "at",
        "to",
        "of",
        "and",
        "or",
        "but",
        "so",
        "is",
        "it",
        "its",
        "are",
        "was",
        "be",
        "by",
        "for",
        "from",
        "with",
        "as",
        "me",
        "my",
        "we",
        "you",
        "your",
        "our",
        "this",
        "that",
        "then",
        "there",
        "here",
        "go",
        "ok",
        "if",
        "not",
        "no",
    ]
)
#: The labels before it, each followed by a space, " . ", " ." or ". ".
_SPOKEN_HEAD = re.compile(
    r"(?:(?<![A-Za-z0-9.-])[A-Za-z0-9][A-Za-z0-9-]{0,62}(?: \. | \.|\. | )){1,2}$"
)
_UNDERSCORE_SCHEME = re.compile(r"(?:h[tx]{2}ps?|ftp)[:;]?_+(?=[A-Za-z0-9])", re.IGNORECASE)
#: A web scheme followed by a mangled separator: ``http:://``, ``http.//``, ``http//:``,
#: ``https:;//``, ``http,//``, ``http:|/``, ``http:-//`` (a well-formed ``://`` is not mangled).
_MANGLED_SCHEME = re.compile(
    r"(?:h[tx]{1,3}ps?|ftp)([:;.,|\\/\-\u2010_]{2,5})(?=[A-Za-z0-9\[])", re.IGNORECASE
)
#: A run of %-escapes (one UTF-8 character may take several), or one IIS ``%uXXXX``.
_PERCENT = re.compile(r"(?:%[0-9A-Fa-f]{2})+|%[uU][0-9A-Fa-f]{4}")
_JSON_UNICODE = re.compile(r"\\u([0-9A-Fa-f]{4})")


#: Rounds of %-escapes undone in a token: as many as the canonicaliser undoes, so a link
#: escaped five times reads as it does inside a redirect wrapper.
_UNESCAPE_ROUNDS = 32


def _unescape(url: str) -> str:
    """``url`` with JSON escapes (``\\/``, ``\\u002F``) and %-escapes undone (up to
    ``_UNESCAPE_ROUNDS`` rounds, while a round changes something)."""
    text = _JSON_UNICODE.sub(lambda m: chr(int(m.group(1), 16)), url).replace("\\/", "/")
    for _ in range(_UNESCAPE_ROUNDS):
        if "%" not in text:
            break
        decoded = _PERCENT.sub(_decoded_run, text)
        if decoded == text:
            break
        text = decoded
    return "".join(c for c in text if c.isprintable() and not c.isspace())


def _decoded_run(match: re.Match[str]) -> str:
    """A run of %-escapes as the characters its bytes spell in UTF-8 (``%C2%A0`` is a
    no-break space, which a reading drops as it drops ``%20``), or byte by byte where they
    spell none; ``%u002e`` as the character IIS reads (attack 15 F)."""
    run = match.group()
    if run[1] in "uU":
        return chr(int(run[2:], 16))
    return decode_run(run)


#: Techniques of a bare name glued after a closing bracket: a link's end, a missing space.
_MISSING_SPACE = (Technique.LINK_END, Technique.PROSE_SPACING)


#: Top-level domains read after a glued "dot" ("baddotcom"); any TLD after "bad dot-xyz".
_GLUED_TLDS = frozenset(
    {
        "com",
        "net",
        "org",
        "info",
        "biz",
        "io",
        "co",
        "me",
        "ru",
        "de",
        "uk",
        "us",
        "xyz",
        "top",
        "site",
        "online",
        "app",
        "dev",
        "cn",
        "in",
        "br",
        "fr",
    }
)
#: Well-formed schemes of protocols that are not the web (IANA registry; connection strings in
#: code and config): what follows them is not read as a repaired web link.
OTHER_SCHEMES = frozenset(
    (
        "jdbc",
        "postgres",
        "postgresql",
        "mysql",
        "mariadb",
        "sqlite",
        "mssql",
        "sqlserver",
        "oracle",
        "redis",
        "rediss",
        "mongodb",
        "mongodb+srv",
        "cassandra",
        "memcached",
        "amqp",
        "amqps",
        "kafka",
        "nats",
        "mqtt",
        "mqtts",
        "ldap",
        "ldaps",
        "smtp",
        "smtps",
        "imap",
        "imaps",
        "pop3",
        "pop3s",
        "ssh",
        "sftp",
        "scp",
        "git",
        "svn",
        "s3",
        "gs",
        "hdfs",
        "file",
        "telnet",
        "rtsp",
        "rtmp",
        "sip",
        "xmpp",
        "irc",
        "ircs",
        "tcp",
        "udp",
        "grpc",
        "unix",
        "docker",
        "vnc",
        "rdp",
        "content",
        "market",
        "android-app",
        "itms",
        "itms-apps",
        "itms-services",
        "fb",
        "fb-messenger",
        "twitter",
        "tg",
        "whatsapp",
        "viber",
        "skype",
        "zoommtg",
        "zoomus",
        "msteams",
        "slack",
        "discord",
        "spotify",
        "steam",
        "vscode",
        "vscode-insiders",
        "obsidian",
        "notion",
        "figma",
        "x-apple",
        "maps",
        "comgooglemaps",
        "waze",
        "sms",
        "tel",
        "facetime",
        "chrome",
        "chrome-extension",
        "moz-extension",
        "edge",
        "ms-settings",
        "ms-word",
        "ms-excel",
        "ms-powerpoint",
        "onenote",
        "jetbrains",
    )
)
_SCHEME_GLUE = re.compile(r"[A-Za-z0-9+.-]+$")
_SCHEME_TAIL = re.compile(r"(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]*):$")
_CONFUSABLE_SCRIPTS = ("CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE")
#: A space, a top-level-domain word and a path; the space must follow a letter or digit
#: (checked on each match: a regex that starts with the space scans fast).
_SPACE_AS_DOT = re.compile(r" (?P<tld>[A-Za-z]{2,24})(?=/[A-Za-z0-9_~%-])")
#: ``_SPACE_AS_DOT`` read backwards (on the reversed text), a literal ``/`` first, so the
#: engine skips to each ``/``: it matches somewhere exactly when ``_SPACE_AS_DOT`` does
#: (the letters end at the ``/``, so their count is the same either way).
_SPACE_AS_DOT_BACKWARDS = re.compile(r"/(?<=[A-Za-z0-9_~%-]/)[A-Za-z]{2,24} ")
#: Not glued to a letter of any script either: ``şimdi al/sonra`` holds no label ``imdi``,
#: a piece cut out of a word (twelfth round, ADR 0012).
_LABEL_WORD = re.compile(r"(?<![.-])(?<![^\W_])[A-Za-z0-9][A-Za-z0-9.-]{0,62}$")


def _label_words(text: str, at: int) -> list[tuple[int, int]]:
    """The label-like words, one space apart, before the space at ``at`` (nearest last):
    at most ``MAX_SPACED_LABELS``, each found by looking back at most 64 characters."""
    words: list[tuple[int, int]] = []
    end = at
    while len(words) < MAX_SPACED_LABELS and end > 0 and text[end] == " ":
        word = _LABEL_WORD.search(text, max(0, end - 64), end)
        if word is None:
            break
        words.append((word.start(), end))
        end = word.start() - 1
    words.reverse()
    return words


class Found(NamedTuple):
    """One reading: the link text and its span in the original message (a named tuple:
    made for every reading, it costs a third of a frozen dataclass)."""

    url: str
    start: int
    end: int
    techniques: tuple[Technique, ...]
    loose: bool


class Readings(list[Found]):
    """The readings of one message, and notes on every bound that left some unread."""

    def __init__(self) -> None:
        super().__init__()
        self.notes: list[str] = []


def _note(out: list[Found], note: str) -> None:
    if isinstance(out, Readings):
        out.notes.append(note)


@dataclass(frozen=True, slots=True)
class _Joint:
    start: int  # in the view
    end: int
    text: str  # what the joint reads as when joined
    technique: Technique


def _joint_families() -> dict[str, str]:
    """Alternatives of the joint pattern, by family; each family has a cheap gate."""
    dot_words = "|".join(re.escape(w) for w in sorted(DOT_WORDS, key=len, reverse=True))
    glued_words = "|".join(
        re.escape(w) for w in sorted(DOT_WORDS, key=len, reverse=True) if not w.isascii()
    )
    slash_words = "|".join(re.escape(w) for w in sorted(SLASH_WORDS, key=len, reverse=True))
    return {
        "line": r"(?P<line>(?<=\S)[ \t]*(?:(?:\r\n?|\n)[ \t]*(?:>[ \t]*)*){1,2}(?=\S))",
        "scheme": r"(?P<scheme_gap>(?<=://)[ \t]+(?=\S))",
        "dots": r"(?P<spdot>(?<=\S)[ \t]+\.[ \t]*(?=\S))|(?P<prosedot>(?<=\S)\.[ \t]+(?=\S))",
        "slash": r"(?P<spslash>(?<=\S)(?:[ \t]+/[ \t]*|/[ \t]+)(?=\S)|(?<=\S)[ \t]+/(?=\s|$))",
        "words": (
            rf"(?P<slashword>(?<=\S)[ \t]+(?i:{slash_words})[ \t]+(?=\S))"
            r"|(?P<dotcom>(?<=[A-Za-z0-9])[ \t]+(?i:dot-?com)(?![A-Za-z0-9]))"
            rf"|(?P<dotword>(?<=\S)[ \t]+(?i:{dot_words})[ \t]+(?=\S))"
        ),
        "glued": (
            rf"(?P<glueddotword>(?<=[A-Za-z0-9])(?:{glued_words}|(?i:dotcom)(?=\W|$)"
            r"|(?i:-dot-com))(?=\W|[A-Za-z0-9]|$))"
            r"|(?P<capsword>(?<=[A-Za-z0-9])(?i:dot)(?=[A-Za-z0-9])(?<!dot(?=[a-z0-9]))"
            r"|(?<=[A-Z0-9])dot(?=[A-Z0-9]))"
            r"|(?P<dottld>(?<=[A-Za-z0-9])(?:(?:[ \t]+|[-_])(?:dot|DOT|Dot)[-_]?|dot[-_]?)"
            r"(?=[A-Za-z]{2,12}(?![A-Za-z0-9])))"
            r"|(?P<capsslash>(?<=[A-Za-z0-9])(?:SLASH|Slash)(?=[A-Za-z0-9]))"
        ),
        "punct": (
            r"(?P<bracketpunct>(?<=[A-Za-z0-9])[\[({<][ \t]?[*#$~+=&!?^|_]{1,3}[ \t]?[\])}>]"
            r"(?=[A-Za-z0-9]))"
            r"|(?P<punct>(?<=[A-Za-z0-9])[,_*#$~+=&!?^|](?=[A-Za-z0-9])"
            r"|(?<=[A-Za-z0-9])[ \t]+[*#~+=^|][ \t]+(?=[A-Za-z0-9]))"
        ),
    }


_FAMILIES = _joint_families()
_PATTERNS: dict[tuple[str, ...], re.Pattern[str]] = {}


def _joint_pattern(families: tuple[str, ...]) -> re.Pattern[str]:
    pattern = _PATTERNS.get(families)
    if pattern is None:
        pattern = _PATTERNS[families] = re.compile("|".join(_FAMILIES[f] for f in families))
    return pattern


#: Dot words that mean nothing else in chat (English "dot" is written out only for links).
_LINK_ONLY_DOT_WORDS = frozenset({"dot", "d0t", "dawt", "dott", "d.o.t", "d-o-t", "d_o_t", "d*o*t"})
#: Words that make a joint when spaced ("bad punto example", "a slash b", "x dotcom").
JOINT_WORDS = frozenset(
    [*DOT_WORDS, *(w for w in SLASH_WORDS if " " not in w), "dotcom", "dot-com", "slash"]
)
_JOINT_PUNCT = re.compile(
    r"[A-Za-z0-9](?:[,_*#$~+=&!?^|]| [*#~+=^|] |[\[({<] ?[*#$~+=&!?^|_]{1,3} ?[\])}>])[A-Za-z0-9]"
)


#: A character every punctuation joint holds (a quick test before ``_JOINT_PUNCT``).
_JOINT_PUNCT_CHAR = re.compile(r"[,_*#$~+=&!?^|]")


def _families_in(text: str) -> tuple[str, ...]:
    """The joint families whose cheap gate passes for ``text``, in pattern order."""
    found = []
    if "\n" in text or "\r" in text:
        found.append("line")
    if ":// " in text:
        found.append("scheme")
    if " ." in text or ". " in text or ".\t" in text or "\t." in text:
        found.append("dots")
    if " /" in text or "/ " in text:
        found.append("slash")
    lowered = text.lower()
    if " " in text and not JOINT_WORDS.isdisjoint(lowered.split()):
        found.append("words")
    if not text.isascii() or "dot" in lowered or "d0t" in lowered or "slash" in lowered:
        found.append("glued")
    if _JOINT_PUNCT_CHAR.search(text) and _JOINT_PUNCT.search(text):
        found.append("punct")
    return tuple(found)


@functools.cache
def _unicode_joints() -> re.Pattern[str]:
    tables = _fold.data()
    return re.compile(
        rf"(?P<dotlike>(?<=\S)[ \t]*[{tables.dot_class}]{{1,3}}[ \t]*(?=\S))"
        rf"|(?P<commalike>(?<=[^\W_])[{tables.comma_class}](?=[^\W_]))"
        rf"|(?P<emoji>(?<=[A-Za-z0-9])[{tables.emoji_class}]+(?=[A-Za-z0-9]))"
        r"|(?P<bracketsym>(?<=[A-Za-z0-9])[\[({<][ \t]?"
        rf"(?:[^\w\s\x00-\x7f]|[{tables.dot_class}*#$~+=&!?^|_,.]){{1,3}}"
        r"[ \t]?[\])}>](?=[A-Za-z0-9]))"
        rf"|(?P<symbol>(?<=[A-Za-z0-9])[ \t]{{0,2}}[^\w\s\x00-\x7f{APOSTROPHES}]{{1,3}}[ \t]{{0,2}}"
        r"(?=[A-Za-z0-9]))"
    )


#: Typographic apostrophes, the marks UTS #39 confuses with ``'``: the quotes ``’ ‘ ‛`` (iOS
#: and macOS smart punctuation type ``’`` for ``'``), the acute accent ``´`` and the prime
#: ``′``. They read as ``'`` does: no joint (``c’est l’app``, ``ma’am``; the full-width ``＇``
#: reads as its twin, ADR 0012 sixth round).
APOSTROPHES = "\u2019\u2018\u201b\u00b4\u2032"


#: A chain as its gate reads it: its text, its pieces (offsets in it) and its joints, and
#: whether its first piece starts a white-space token (``_inner_atom``: its other pieces'
#: neighbours are in its text, and its last piece ends at white space or the end).
_ChainShape = tuple[str, tuple[tuple[int, int], ...], tuple[tuple[str, Technique], ...], bool, bool]
#: Views shorter than this read every token afresh (``TokenMemo`` pays for itself only
#: where tokens repeat: long messages).
_MEMO_CHARS = 1024
#: Reading texts whose own techniques a Reader remembers (``Reader._url_kinds``).
_KINDS_HELD = 8192
#: Only texts up to this long are remembered (so the memory held stays a few MB).
_HELD_CHARS = 256
#: "Not remembered yet": a tuple object of its own, compared by identity (an empty tuple
#: would not do: every empty tuple is one object).
_UNSEEN: tuple[Technique, ...] = (Technique.NO_SCHEME, Technique.NO_SCHEME)


class Reader:
    """Finds readings in views, for one set of top-level domains (from the bundle's PSL)."""

    __slots__ = ("_kinds", "_quiet", "_rules", "_tlds")

    def __init__(self, tlds: frozenset[str], rules: tuple[_wrappers.WrapperRule, ...] = ()) -> None:
        self._tlds = tlds
        self._rules = rules
        #: What a reading's text alone says (``_url_kinds``), by text: a link repeated in a
        #: message, or in the next, is judged once. Bounded; safe to share between threads
        #: (each entry is a pure function of the text and the top-level domains).
        self._kinds: dict[str, tuple[Technique, ...] | None] = {}
        #: Chains (their text, pieces and joints) in which the gate found no run to read.
        self._quiet: set[_ChainShape] = set()

    @property
    def tlds(self) -> frozenset[str]:
        return self._tlds

    def spoken_hosts(self, view: View) -> list[tuple[int, int, str]]:
        """Hosts written with a space for the dot and no path ("it's on bad example"):
        ``(start, end, host)`` in the original text. Only context for host-less paths."""
        found = []
        text = view.text
        for match in _SPOKEN_TLD.finditer(text):
            if match.group().lower() not in self._tlds:
                continue
            head = _SPOKEN_HEAD.search(text, max(0, match.start() - 140), match.start())
            if head is None:
                continue
            words = [
                w for w in _LABEL.finditer(text, head.start(), match.start())
                if w.group().lower() not in JOINT_WORDS
            ]  # fmt: skip
            for take in range(1, len(words) + 1):
                chosen = words[-take:]
                if chosen[0].group().lower() in _FUNCTION_WORDS:
                    break  # "it's on bad example": "on" starts no host, nor any longer one
                start, end = view.span(chosen[0].start(), match.end())
                host = ".".join([*(w.group() for w in chosen), match.group()])
                found.append((start, end, host.lower()))
        return found

    # ---- tokens ---------------------------------------------------------------------------

    def tokens(self, view: View, out: list[Found], *, loose: bool) -> None:
        """Readings of every token of ``view`` (the token, its cuts, its broken scheme)."""
        text = view.text
        if "." not in text and ":" not in text and "%" not in text:
            return
        if "://[" in text:
            for match in _BRACKET_URL.finditer(text):
                start, end = _trim(match.group())
                self._emit(
                    view,
                    match.start() + start,
                    match.start() + end,
                    out,
                    loose,
                    (Technique.NUMERIC_IP,),
                )
        if "[" in text and "." in text:
            for match in _BARE_MAPPED.finditer(text):
                if match.start() >= 3 and text.endswith("://", 0, match.start()):
                    continue  # read with its scheme above
                found = match.group()
                tail = found.rfind("]") + 1  # the literal stays whole; a path loses its
                end = match.start() + tail + len(found[tail:].rstrip(_TRAILING))  # trailing
                self._emit(view, match.start(), end, out, loose, (Technique.NUMERIC_IP,))
        if len(text) < _MEMO_CHARS or not TokenMemo.usable(view):
            for match in _TOKEN.finditer(text):
                self._token(view, match.start(), match.end(), out, loose, ())
            return
        memo = TokenMemo(view, out, Found, self._token, loose)  # a repeated token: read once
        for match in _TOKEN.finditer(text):
            memo.read(match.start(), match.end())

    def token(self, view: View, start: int, end: int, out: list[Found], *, loose: bool) -> None:
        """``tokens`` of a view whose one token (``_TOKEN``) is ``view.text[start:end]``."""
        if len(view.text) >= _MEMO_CHARS and TokenMemo.usable(view):
            self.tokens(view, out, loose=loose)  # (one token: the memo reads it as _token)
            return
        self._token(view, start, end, out, loose, ())

    def _token(
        self,
        view: View,
        start: int,
        end: int,
        out: list[Found],
        loose: bool,
        extra: tuple[Technique, ...],
    ) -> None:
        text = view.text
        lead, trail = _trim(text[start:end])
        if trail <= lead:
            return
        token_end = end
        start, end = start + lead, start + trail
        url = text[start:end]
        if end < token_end and "/" in url and _URL_TAIL.fullmatch(text, end, token_end):
            # "http://x.test/a_" or ".../page.": a listed URL may end in what a sentence trims
            for longer in range(end + 1, token_end + 1):  # at most three readings
                self._emit(view, start, longer, out, True, (*extra, Technique.LINK_END))
        if url[-1:] == "-" and end < token_end:
            # "jqxvw.example:-)", "bad.example/x:-)": the emoticon's ")" was trimmed (_cuts
            # finds the rest of one); read what comes before it
            emoticon = _EMOTICON_END.search(text, max(start, token_end - 12), token_end)
            if emoticon is not None and emoticon.start() > start:
                self._emit(view, start, emoticon.start(), out, loose, (*extra, Technique.LINK_END))
        if "/" not in url:  # (a link with a scheme or a path pays this test only)
            self._marks_after(view, start, end, out, loose, extra)
        if _BARE_SUSPECT.search(url) is None and url.isascii():  # a bare "a.b": cheap test
            last = url[url.rfind(".") + 1 :].lower()
            if (
                last not in self._tlds
                and not last.isdigit()
                and not last.startswith("0x")
                and not _SPLITTER.search(url)
                and not _UNDERSCORE_SCHEME.match(url)
            ):
                return
        self._emit(view, start, end, out, loose, extra)
        glued = len(url) - len(url.lstrip(_GLUED_MARKS))
        if 0 < glued < len(url) and url[glued].isalnum() and ("/" in url or url[glued - 1] in "!?"):
            # "-bad.example/x", "look!bad.example": a mark glued before the link, which a
            # messenger's link finder leaves out; read without it too, as strictly. A bare
            # name after a code sigil ("$obj.name", "@app.route", "-Dkey.name") is not read:
            # only a path, or a sentence's "!" or "?", makes it a link.
            self._emit(view, start + glued, end, out, loose, (*extra, Technique.LINK_END))
        if ")" in url or "]" in url:
            self._after_close(view, start, end, out, loose, extra)
        cuts = _cuts(url)
        for cut_start, cut_end in cuts:  # every part of a ","/";" list: linear in the token
            self._emit(
                view, start + cut_start, start + cut_end, out, True, (*extra, Technique.LINK_END)
            )
            if "//" in url[cut_start:cut_end]:
                # "看这个hxxp://bad.example/x快": the cut of a broken scheme is repaired too
                self._repair_scheme(
                    view, start + cut_start, start + cut_end, out, (*extra, Technique.LINK_END)
                )
        self._repair_scheme(view, start, end, out, extra)
        if "%" in url or "\\" in url:
            decoded = _unescape(url)
            if decoded != url:
                self._emit_text(
                    decoded, view, start, end, out, True, (*extra, Technique.PERCENT_ENCODED)
                )
                if not decoded.isascii():
                    # "jqxvw%C2%B7example", "log.in%EF%BC%8F": characters the escapes spell
                    # read as the same characters written are (look-alike dots, slashes)
                    shown = _fold.fold(decoded)
                    kinds = shown.techniques(0, len(decoded)) if shown.text != decoded else ()
                    if kinds:
                        self._emit_text(
                            shown.text, view, start, end, out, True,
                            (*extra, Technique.PERCENT_ENCODED, *kinds),
                        )  # fmt: skip
                    dotted = _fold.separators_as_ascii(shown.text)
                    if dotted != shown.text:
                        # "jqxvw%C2%B7example": an escaped dot look-alike is deliberate, as
                        # check_url reads it (ADR 0029), never a sentence's middle dot
                        self._emit_text(
                            dotted, view, start, end, out, True,
                            (*extra, Technique.PERCENT_ENCODED, Technique.CONFUSABLE, *kinds),
                        )  # fmt: skip
                scheme = _SCHEME_IN_TOKEN.search(decoded, 1)
                if scheme is not None and _GLUED_WORD.fullmatch(decoded, 0, scheme.start()):
                    # "看https%253A%252F%252Fbad.example": a word glued before the scheme
                    # that only the decoding shows (as _emit drops it when written plainly)
                    self._emit_text(
                        decoded[scheme.start() :], view, start, end, out, True,
                        (*extra, Technique.PERCENT_ENCODED, Technique.LINK_END),
                    )  # fmt: skip

    def _marks_after(
        self,
        view: View,
        start: int,
        end: int,
        out: list[Found],
        loose: bool,
        extra: tuple[Technique, ...],
    ) -> None:
        """A mark glued after a bare name, which no host holds (ADR 0012, eighth session):
        the name before it is read too, and the evidence rule judges the mark (a chat mark
        is none, a mark code also writes is weighed: ``_evidence.code_signal``)."""
        text = view.text
        url = text[start:end]
        kinds = (*extra, Technique.LINK_END)
        if "(" in url or "+" in url or "$" in url or "@" in url or ":" in url or "--" in url:
            named = _NAME_THEN_MARK.match(url)
            if named is not None:
                # "jqxvw.example(new)", "jqxvw.example++", "see jqxvw.example:fun"
                self._emit(view, start, start + named.end(), out, loose, kinds)
        dot = url.rfind(".")
        if url[dot + 1 : dot + 2].isupper() and _SENTENCE_AFTER.match(text, start + dot):
            # "jqxvw.example.Check it": a full stop glued to the next sentence's first word
            self._emit(view, start, start + dot, out, loose, kinds)

    def _after_close(
        self,
        view: View,
        start: int,
        end: int,
        out: list[Found],
        loose: bool,
        extra: tuple[Technique, ...],
    ) -> None:
        """``(lol)bad.example/x``, ``ok)bad.example``: no host holds a closing bracket, and a
        chat's aside glued before a link ends there; what follows is read as its own token
        (with every test a token takes, code shapes included)."""
        url = view.text[start:end]
        head = url.split("/", 1)[0]
        at = max(head.rfind(")"), head.rfind("]"))
        if 0 <= at < len(url) - 1:  # (only the host part's: a bracket in a path is the path's)
            # a bare name glued so may be a sentence's missing space ("(see)log.in"): prose
            # evidence, as the evidence rule weighs it; a path after it makes it a link
            kinds = (Technique.LINK_END,) if "/" in url[at + 1 :] else _MISSING_SPACE
            self._token(view, start + at + 1, end, out, loose, (*extra, *kinds))

    def _repair_scheme(
        self, view: View, start: int, end: int, out: list[Found], extra: tuple[Technique, ...]
    ) -> None:
        """An unknown or broken scheme never hides a link: read what follows its separator.
        An app-launch URL (``intent://``, ``googlechromes://``...) is read as the web URLs it
        opens (``app-scheme``, ADR 0027)."""
        url = view.text[start:end]
        opened = opened_urls(url) if ":" in url else None
        if opened is not None and (opened[0].urls or opened[1]):
            for target in opened[0].urls:
                self._emit_text(target, view, start, end, out, True, (*extra, Technique.APP_SCHEME))
            if opened[1]:
                _note(out, f"app-launch URLs nested past {MAX_APP_DEPTH} levels were not read")
            return
        if (url.startswith("http://") and url[7:8].isalnum()) or (
            url.startswith("https://") and url[8:9].isalnum()
        ):
            return  # a well-formed web scheme and a host: nothing to repair
        if url.startswith("//") and url[2:3].isalnum():  # protocol-relative: "//host/path"
            self._emit_text(
                "http:" + url, view, start, end, out, True, (*extra, Technique.SCHEME_REPAIR)
            )
            return
        underscored = _UNDERSCORE_SCHEME.match(url)
        if underscored:
            rest = url[underscored.end() :]
            for reading in dict.fromkeys([rest, rest.replace("_", "/")]):
                self._emit_text(
                    "http://" + reading, view, start, end, out, True,
                    (*extra, Technique.SCHEME_REPAIR),
                )  # fmt: skip
            return
        mangled = _MANGLED_SCHEME.match(url)
        if mangled and mangled.group(1).lower() not in ("://",):
            rest = url[mangled.end() :]
            self._emit_text(
                "http://" + rest, view, start, end, out, True, (*extra, Technique.SCHEME_REPAIR)
            )
            return
        slashes = url.find("//")
        if slashes > 0 and not _WEB_SCHEME_START.match(url[: slashes + 1]):
            prefix = url[:slashes]
            glued = _SCHEME_GLUE.search(view.text, max(0, start - 24), start)
            named = _SCHEME_TAIL.search((glued.group() if glued else "") + prefix)
            if named is not None and not OTHER_SCHEMES.isdisjoint(
                [named.group(1).lower(), *re.split(r"[.+]", named.group(1).lower())]
            ):
                return  # "postgres://", "jdbc:mysql://": a well-formed scheme of another protocol
            if (len(prefix) <= 16 and prefix.rstrip(":;").replace(" ", "").isalpha()) or (
                prefix.endswith((":", ";", "="))  # "src=//cdn.example/x": protocol-relative
            ):
                rest = url[slashes + 2 :]
                self._emit_text(
                    "http://" + rest,
                    view,
                    start,
                    end,
                    out,
                    True,
                    (*extra, Technique.SCHEME_REPAIR),
                )
            return
        glued = _GLUED_COLON.match(url)
        if glued and not _WEB_SCHEME_START.match(url) and "." not in glued.group(1):
            self._emit(view, start + glued.end(), end, out, True, (*extra, Technique.SCHEME_REPAIR))

    def _emit(
        self,
        view: View,
        start: int,
        end: int,
        out: list[Found],
        loose: bool,
        extra: tuple[Technique, ...],
    ) -> None:
        url = view.text[start:end]
        scheme = _SCHEME_IN_TOKEN.search(url)
        if scheme and scheme.start() > 0:  # text glued before the scheme: "see:http://..."
            start += scheme.start()
            url = url[scheme.start() :]
        self._emit_text(url, view, start, end, out, loose, extra)

    def _emit_text(
        self,
        url: str,
        view: View,
        start: int,
        end: int,
        out: list[Found],
        loose: bool,
        extra: tuple[Technique, ...],
    ) -> None:
        kinds = self._kinds.get(url, _UNSEEN)
        if kinds is _UNSEEN:
            kinds = self._url_kinds(url)
        if kinds is None:
            return
        techniques = [*extra, *kinds] if extra else list(kinds)
        orig_start, orig_end = view.span(start, end)
        touched = view.techniques(orig_start, orig_end) if view.marked else ()
        if Technique.USERINFO in kinds and (
            not PROSE_TECHNIQUES.isdisjoint([*techniques, *touched])
            or view.text[max(0, start - 7) : start].lower() == "mailto:"
        ):
            return  # "alice@a.test / 555-0100", "mailto:": no userinfo link (attack 12)
        if touched:
            found_techniques = tuple(dict.fromkeys([*touched, *techniques]))
        elif len(techniques) > 1:
            found_techniques = tuple(dict.fromkeys(techniques))
        else:
            found_techniques = tuple(techniques)
        out.append(Found(url, orig_start, orig_end, found_techniques, loose))
        if Technique.WRAPPER not in extra and _wrappers.scan_may_wrap(url, self._rules):
            cut = out.notes if isinstance(out, Readings) else None
            for target in _wrappers.targets(url, self._rules, cut):
                self._emit_text(target, view, start, end, out, True, (*extra, Technique.WRAPPER))
        _, sep, body = url.partition("://")
        body = body if sep else url  # a refanged or repaired scheme is written lower-case
        if body.isupper() and any(c.isalpha() for c in body):
            shouted = (*found_techniques, Technique.UPPER_CASE)
            out.append(Found(url.lower(), orig_start, orig_end, shouted, True))

    def _url_kinds(self, url: str) -> tuple[Technique, ...] | None:
        """Techniques a reading's text alone adds (why it is plausible, no scheme, an
        escaped colon); None when it cannot be a link. Remembered per text."""
        reason = _plausible(url, self._tlds)
        kinds: tuple[Technique, ...] | None = None
        if reason is not None:
            found = [reason] if isinstance(reason, Technique) else []
            if not _SCHEME_IN_TOKEN.match(url):
                found.append(Technique.NO_SCHEME)
                if "@" in url.split("/", 1)[0]:  # (_plausible let it through: userinfo_link)
                    found.append(Technique.USERINFO)
            elif url[:8].lower().find("%3a") >= 0:
                found.append(Technique.PERCENT_ENCODED)
            kinds = tuple(found)
        if len(url) <= _HELD_CHARS:
            if len(self._kinds) >= _KINDS_HELD:
                self._kinds.clear()
            self._kinds[url] = kinds
        return kinds

    # ---- joints ---------------------------------------------------------------------------

    def joints(self, view: View, out: list[Found], source: str | None = None) -> None:
        """Readings across ambiguous joints (line breaks, spaced dots, look-alike dots...).

        ``source`` is the original text: a space the view folded from a non-ASCII space
        (no-break, thin, ideographic...) between two characters is a joint of its own, and
        such a space after a dot is deliberate, not a sentence gap."""
        text = view.text
        joints: list[_Joint] = []
        odd = _odd_spaces(view, source) if source is not None and not source.isascii() else ()
        families = _families_in(text)
        if families:
            link_paths = _LinkPaths(text)
            for match in _joint_pattern(families).finditer(text):
                if match.lastgroup == "dottld":
                    word = re.match(r"[A-Za-z]+", text[match.end() :])
                    tld = "" if word is None else word.group().lower()
                    glued = match.group()[:1].isalpha()  # "baddotcom", not "bad dot-com"
                    if tld not in self._tlds or (glued and tld not in _GLUED_TLDS):
                        continue
                if match.lastgroup == "punct" and match.start() in link_paths:
                    continue  # "?a=b&c=d" inside a link: its own reading is the whole link
                if match.lastgroup == "punct" and _spaced_mark(text, match.start()):
                    continue  # "h_t_t_p_s": a letter's separator, read by the spaced view
                if (
                    match.lastgroup == "scheme_gap"
                    or (match.start() >= 2 and text.startswith("://", match.start() - 2))
                ) and "://" in text[match.end() : _atom_end(text, match.end(), len(text))]:
                    # "a:// b://c" (a scheme gap, or a slash joint ending "://"): a link has one
                    # scheme; the next piece is a link of its own
                    continue
                joint = _ascii_joint(match)
                if _NEW_LINK.match(text, joint.end) is not None:
                    continue  # what starts with a scheme after a break is a link of its own
                if joint.technique is Technique.LINE_BREAK and _wrapped(text, match):
                    joint = _Joint(joint.start, joint.end, "", Technique.LINE_WRAP)
                elif joint.technique is Technique.LINE_BREAK and _letter_column(text, match):
                    joint = _Joint(joint.start, joint.end, "", Technique.SPACED_LETTERS)
                if joint.technique is Technique.PROSE_SPACING and _any_in(
                    odd, joint.start, joint.end
                ):
                    joint = _Joint(joint.start, joint.end, joint.text, Technique.SPACING)
                joints.append(joint)
        if odd:
            covered = _Covered(joints)
            joints.extend(_Joint(i, i + 1, "", Technique.SPACING) for i in odd if i not in covered)
        if not text.isascii() or odd:
            joints.extend(_unicode_joint(m) for m in _unicode_joints().finditer(text))
            joints.sort(key=lambda j: j.start)
        if not joints:
            return
        for chain in _chains(text, joints):
            self._chain(view, chain, out)

    def _chain(
        self, view: View, chain: tuple[list[tuple[int, int]], list[_Joint]], out: list[Found]
    ) -> None:
        atoms, joints = chain
        count = len(atoms)
        text = view.text
        # the gate reads only the chain's own text, its pieces and its joints: a chain seen
        # before (in this message or an earlier one) with no run worth reading is skipped
        base = atoms[0][0]
        shape = (
            text[base : atoms[-1][1]],
            tuple((s - base, e - base) for s, e in atoms),
            tuple((j.text, j.technique) for j in joints),
            base == 0 or text[base - 1].isspace(),
            _token_edge(text, atoms[-1][1]),
        )
        if shape in self._quiet:
            return
        gate = _Gate(text, atoms, joints, self._tlds)
        quiet = True
        # a run's reading is a function of its own text: a chain whose runs give nothing is
        # quiet too, wherever its shape comes back ("h t t p s : / / a . b / x " repeated)
        emitted, noted_before = len(out), len(getattr(out, "notes", ()))
        for first in range(count):
            lasts = gate.runs(first, min(count, first + MAX_JOINTS + 1, gate.scheme_stop(first)))
            if not lasts:
                continue
            if lasts == [first]:  # the one run is the piece alone
                atom_start, atom_end = atoms[first]
                if _inner_atom(text, atoms[first]):  # (a whole token is read as a token)
                    before, noted = len(out), len(getattr(out, "notes", ()))
                    self._token(view, atom_start, atom_end, out, True, ())
                    # what a piece without "//" gives is a function of its text alone
                    if (
                        len(out) != before
                        or len(getattr(out, "notes", ())) != noted
                        or "//" in text[atom_start:atom_end]
                    ):
                        quiet = False
                continue
            wanted = set(lasts)
            # the runs from ``first`` are prefixes of one another: built once, read at each end
            prefix = Joined()  # (each part added once: not once per run holding it)
            marks: list[tuple[int, int, Technique]] = []
            pieces: list[str] = []
            joins: list[tuple[int, _Joint]] = []  # (offset in the run, joint)
            length = 0
            in_path = False
            for index in range(first, lasts[-1] + 1):
                atom_start, atom_end = atoms[index]
                prefix.add((view, atom_start, atom_end))
                piece = text[atom_start:atom_end]
                pieces.append(piece)
                length += len(piece)
                in_path = in_path or "/" in piece.replace("//", "")
                if index in wanted:
                    if index == first:
                        if _inner_atom(text, atoms[first]):
                            self._token(view, atom_start, atom_end, out, True, ())
                    elif joins and _valid_run("".join(pieces), joins):
                        run = prefix.view()
                        run.marks.extend(marks)
                        before = len(out)
                        for match in _TOKEN.finditer(run.text):
                            self._token(run, match.start(), match.end(), out, True, ())
                        if index - first == MAX_JOINTS and index + 1 < count:
                            # a link's path reaching the end of the longest run may go on
                            # (a host is looked up by its suffixes: its last 16 joints do)
                            reach = view.span(atom_start, atom_end)[1]
                            if any(
                                found.end >= reach and "/" in found.url.split("//")[-1]
                                for found in out[before:]
                            ):
                                _note(
                                    out, f"a reading was joined across at most {MAX_JOINTS} joints"
                                )
                if index == lasts[-1]:
                    break
                joint = joints[index]
                lo, hi = view.span(joint.start, joint.end)
                if (
                    in_path
                    and joint.technique is Technique.DOT_VARIANT
                    and (joint.end - joint.start == 1)
                ):
                    # "_ , *" stand for dots only in a host: in a path they are kept
                    prefix.add((view, joint.start, joint.end))
                    pieces.append(text[joint.start : joint.end])
                    length += joint.end - joint.start
                    continue
                joins.append((length, joint))
                prefix.add((joint.text, lo, hi))
                pieces.append(joint.text)
                length += len(joint.text)
                marks.append((lo, hi, joint.technique))
                in_path = in_path or "/" in joint.text
        if not (shape[3] and shape[4]) and len(out) != emitted:
            # a piece glued to a run of glued joints was cut after MAX_JOINTS of them (see
            # _chains): a reading reaching the cut may go on
            front = view.span(atoms[0][0], atoms[0][1])[0]
            reach = view.span(atoms[-1][0], atoms[-1][1])[1]
            if any(
                (found.start <= front and not shape[3]) or (found.end >= reach and not shape[4])
                for found in out[emitted:]
            ):
                _note(out, f"a piece was read across at most {MAX_JOINTS} glued joints")
        quiet = quiet and len(out) == emitted and len(getattr(out, "notes", ())) == noted_before
        if quiet and len(shape[0]) <= _HELD_CHARS:
            if len(self._quiet) >= _KINDS_HELD:
                self._quiet.clear()
            self._quiet.add(shape)

    # ---- a space as a dot -----------------------------------------------------------------

    def space_as_dot(self, view: View, out: list[Found]) -> None:
        """``sites google com/x``: 2 to 5 labels joined before a TLD word and a path."""
        text = view.text
        if " " not in text or "/" not in text:
            return
        if _SPACE_AS_DOT_BACKWARDS.search(text[::-1]) is None:
            return  # no TLD word after a space before a path: most messages with a link
        for match in _SPACE_AS_DOT.finditer(text):
            at = match.start()  # the space before the TLD word
            before = text[at - 1 : at]
            if not (before.isascii() and before.isalnum()):
                continue  # (matches hold no space, so one cut here hides no other)
            if match.group("tld").lower() not in self._tlds:
                continue
            words = _label_words(text, at)
            if not words:
                continue
            words = words[-MAX_SPACED_LABELS:]
            tail_end = _token_end(text, match.start("tld"))
            for take in range(1, len(words) + 1):
                chosen = words[-take:]
                parts: list[tuple[View, int, int] | tuple[str, int, int]] = []
                marks = []
                head_start = _atom_start(text, chosen[0][0], 0)
                if text[head_start : chosen[0][0]].endswith("//"):  # "http://log in/out"
                    parts.append((view, head_start, chosen[0][0]))
                for index, (word_start, word_end) in enumerate(chosen):
                    parts.append((view, word_start, word_end))
                    gap_end = (
                        chosen[index + 1][0] if index + 1 < len(chosen) else match.start("tld")
                    )
                    lo, hi = view.span(word_end, gap_end)
                    parts.append((".", lo, hi))
                    marks.append((lo, hi, Technique.SPACE_AS_DOT))
                parts.append((view, match.start("tld"), tail_end))
                run = _joined(parts, marks)
                for token in _TOKEN.finditer(run.text):
                    self._token(run, token.start(), token.end(), out, True, ())


def _joined(
    parts: list[tuple[View, int, int] | tuple[str, int, int]],
    marks: Iterable[tuple[int, int, Technique]],
) -> View:
    from ._views import joined

    run = joined(parts)
    run.marks.extend(marks)
    return run


def _token_end(text: str, start: int) -> int:
    match = re.compile(rf"[^{_DELIMS}]*").match(text, start)
    return match.end() if match else start


#: Words before a spaced "dot", "dot com" or " ." that make it English prose: "the dot com
#: bubble", "on the dot at noon", "put a dot in", "the .com domain". Nobody names a host
#: after an article; a path match still blocks (the joint is prose-shaped, not dropped).
_DETERMINERS = frozenset(
    [
        "the",
        "a",
        "an",
        "this",
        "that",
        "these",
        "those",
        "each",
        "every",
        "any",
        "some",
        "no",
        "my",
        "your",
        "his",
        "her",
        "its",
        "our",
        "their",
        "one",
        "per",
    ]
)
_WORD_BEFORE = re.compile(r"(?<![^\W\d_])[A-Za-z]+$")


def _after_determiner(text: str, at: int) -> bool:
    """Whether the word just before ``text[at]`` (spaces skipped) is an article or the like."""
    word = _WORD_BEFORE.search(text, max(0, at - 16), at)
    return word is not None and word.group().lower() in _DETERMINERS


#: ASCII symbols that prose never glues between two words (unlike ``, ! ? _ * & + |``):
#: glued there, they stand for a dot.
_SYMBOL_DOTS = frozenset("#~")


def _latin_on_both_sides(match: re.Match[str]) -> bool:
    text = match.string
    before = text[match.start() - 1 : match.start()]
    after = text[match.end() : match.end() + 1]
    return before.isascii() and before.isalnum() and after.isascii() and after.isalnum()


_LINK_PATH = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*://|www\.)[^\s/?#]*[/?#]", re.IGNORECASE)


class _LinkPaths:
    """Whether a place in a text is in the path, query or fragment of a link with a scheme
    or ``www.``, for places asked in increasing order: each token's start and where its
    path begins are found once, so a token of any length costs its length once (a place
    asked out of order is read afresh)."""

    __slots__ = ("_path_from", "_scanned", "_spaces", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        # the white space a token ends at: just " " unless the text holds another kind
        self._spaces = " \t\n\r\f\v" if _OTHER_SPACE.search(text) else " "
        self._scanned = -1  # white space up to here is accounted for
        self._path_from = -1  # where the current token's path starts (-1: no link path)

    def __contains__(self, at: int) -> bool:
        text = self._text
        if at < self._scanned or self._scanned < 0:
            start = _last_space(text, 0, at, self._spaces)
        else:
            start = _last_space(text, self._scanned, at, self._spaces)
            if start < 0:  # still the same token
                self._scanned = at
                return 0 <= self._path_from <= at
        start = max(start, 0)
        match = _LINK_PATH.match(text, start)
        self._path_from = match.end() if match is not None else -1
        self._scanned = at
        return 0 <= self._path_from <= at


#: White space other than " " that ends a token for ``_LinkPaths``.
_OTHER_SPACE = re.compile(r"[\t\n\r\f\v]")


def _last_space(text: str, lo: int, hi: int, spaces: str = " \t\n\r\f\v") -> int:
    """Index after the last white space in ``text[lo:hi]`` (0 when none and ``lo`` is 0,
    -1 when none after ``lo``); ``spaces``: the kinds of white space the text holds."""
    at = text.rfind(" ", lo, hi) if spaces == " " else max(text.rfind(c, lo, hi) for c in spaces)
    if at >= 0:
        return at + 1
    return 0 if lo == 0 else -1


def _odd_spaces(view: View, source: str) -> list[int]:
    """View indices of single spaces folded from a non-ASCII space between two characters."""
    if _ODD_SPACE.search(source) is None:
        return []
    found = []
    for match in _SINGLE_SPACE.finditer(view.text):
        i = match.start()
        # every source character folded into this space: from just after the previous view
        # character to the next one ("\xa0\u200b" folds to one space, its origin the ZWSP)
        first = view.source(i - 1) + 1 if i else 0
        last = max(view.source(i + 1), view.source(i) + 1)
        if _ODD_SPACE.search(source, first, last) is not None:
            found.append(i)
    return found


def _any_in(points: Sequence[int], start: int, end: int) -> bool:
    """Whether a sorted list of indices holds one in ``[start, end)`` (bisect: a scan of
    every odd space per joint was quadratic, attack report H4)."""
    k = bisect.bisect_left(points, start)
    return k < len(points) and points[k] < end


class _Covered:
    """Indices covered by any of some joints, asked in O(log n): joints sorted by start
    with the running maximum of their ends (so overlapping joints are answered right)."""

    def __init__(self, joints: Iterable[_Joint]) -> None:
        spans = sorted((j.start, j.end) for j in joints)
        self._starts = [start for start, _ in spans]
        self._reach = list(itertools.accumulate((end for _, end in spans), max))

    def __contains__(self, i: int) -> bool:
        k = bisect.bisect_right(self._starts, i) - 1
        return k >= 0 and self._reach[k] > i


#: A web scheme (or its common defang) written right after a line break or a space: a link
#: of its own starts there, so the break before it joins nothing (five links on five lines
#: are no one wrapped link nested five deep: attack 14 F15, F13).
_NEW_LINK = re.compile(r"[ \t>]*(?:https?|hxxps?|ftp)://", re.IGNORECASE)
_ODD_SPACE = re.compile(r"[^\S\x00-\x7f]")
_SINGLE_SPACE = re.compile(r"(?<=\S) (?=\S)")


def _letter_column(text: str, match: re.Match[str]) -> bool:
    """A line break between two lines of one character each ("j\nq\nx\n.\ne..."): letters
    written one a line are spaced letters (style), not a line joined (attack 16, G16)."""
    start, end = match.start(), match.end()
    return (
        match.group() in ("\n", "\r\n")
        and start >= 1
        and (start == 1 or text[start - 2] in "\r\n")
        and end < len(text)
        and (end + 1 == len(text) or text[end + 1] in "\r\n")
    )


def _ascii_joint(match: re.Match[str]) -> _Joint:
    kind = match.lastgroup or ""
    start, end = match.start(), match.end()
    spaced = match.group()[:1] in " \t"
    if (
        kind in ("spdot", "dotcom", "dotword", "dottld")
        and spaced
        and _after_determiner(match.string, start)
    ):
        text = ".com" if kind == "dotcom" else "."
        return _Joint(start, end, text, Technique.SPOKEN_DOT)
    if kind == "line":
        return _Joint(start, end, "", Technique.LINE_BREAK)
    if kind == "scheme_gap":
        return _Joint(start, end, "", Technique.SPACING)
    if kind == "spdot":
        if match.group()[-1:] == "." and extension_mention(match.string, end):
            # "open .app files": a file extension, as prose names one (not "bad .example/x")
            return _Joint(start, end, ".", Technique.DOT_VARIANT)
        return _Joint(start, end, ".", Technique.SPACING)
    if kind == "prosedot":
        return _Joint(start, end, ".", Technique.PROSE_SPACING)
    if kind == "spslash":
        return _Joint(start, end, "/", Technique.PROSE_SPACING)
    if kind == "slashword":
        return _Joint(start, end, "/", Technique.SLASH_WORD)
    if kind == "dotcom":
        return _Joint(start, end, ".com", Technique.DOT_WORD)
    word = match.group().strip(" \t")
    if kind == "dotword" and not word.isascii() and _latin_on_both_sides(match):
        # "bad точка example": no sentence puts another script's word between Latin words
        return _Joint(start, end, ".", Technique.DOT_WORD)
    if kind == "dotword" and word.lower() not in _LINK_ONLY_DOT_WORDS:
        # "punto", "point", "точка" are everyday words: spaced, they are prose-shaped
        return _Joint(start, end, ".", Technique.SPOKEN_DOT)
    if kind in ("dotword", "dottld", "capsword"):
        return _Joint(start, end, ".", Technique.DOT_WORD)
    if kind == "capsslash":
        return _Joint(start, end, "/", Technique.DOT_WORD)
    if kind == "glueddotword":
        word = match.group().lower()
        return _Joint(start, end, ".com" if word.endswith("com") else ".", Technique.DOT_WORD)
    if kind == "bracketpunct":  # "bad[*]example": a symbol bracketed as a dot is deliberate
        return _Joint(start, end, ".", Technique.REFANG)
    if match.group() in _SYMBOL_DOTS:  # "bad#example", "bad~example": no sentence does this
        if separator_mark(match.string, start, end) or word_pair_mark(match.string, start, end):
            # "are~you~coming", "see~you~": the line's word separator, decoration;
            # "see~you", "hello#world": one mark between two words of chat (tenth round)
            return _Joint(start, end, ".", glued_mark(match.string, start, end))
        return _Joint(start, end, ".", Technique.CONFUSABLE)
    return _Joint(start, end, ".", Technique.DOT_VARIANT)  # punct


#: What follows a line break that wrapped a link at a dot of its host: the rest of the host
#: (lower-case labels, as links are written), a slash and a path ("example/gal/1").
_WRAP_AFTER_DOT = re.compile(r"[a-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*/(?P<path>\S+)")
#: The same after a line break before the dot (".example/gal/1").
_WRAP_BEFORE_DOT = re.compile(r"\.[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*/(?P<path>\S+)")
#: The last label before the dot: a letter in it (a number then a full stop ends sentences).
_WRAP_LABEL = re.compile(r"(?<![A-Za-z0-9-])[A-Za-z0-9-]*[A-Za-z][A-Za-z0-9-]*\.?$")
#: A line wrapped at a slash: before the break a host (a label, a dot, a top-level-domain
#: shaped label) and maybe a path; after it the rest of the path.
_WRAP_HOST_BEFORE = re.compile(r"[A-Za-z0-9]\.[A-Za-z][A-Za-z0-9-]*(?:/\S*)?$")
_WRAP_PATH_AFTER = re.compile(r"/?(?P<path>\S+)")
#: A path segment prose makes after a line break ("to/from", "and/or"): one word.
_PROSE_PATH = re.compile(r"[A-Za-z]+/?")


def _wrapped(text: str, match: re.Match[str]) -> bool:
    """A line break that wrapped a link at a separator (attack H5): right after or before a
    dot of its host, or a slash after its host (spaces and ``>`` quote marks around it),
    the next line going on with the rest of the link and a path that is not one word
    (``qzvkt.\nexample/gal/1``, ``qzvkt\n.example/gal/1``, ``qzvkt.example\n/gal/1``).
    E-mail clients and chat apps wrap a long line there; a sentence's full stop at a line's
    end is followed by a word ("I have to go.\nTo be honest", "go.\nto/from work"), a
    number's by anything ("at 5.\nexample/x")."""
    start, end = match.start(), match.end()
    before, after = text[start - 1 : start], text[end : end + 1]
    if before == "/" or after == "/":
        if _WRAP_HOST_BEFORE.search(text, max(0, start - 256), start) is None:
            return False
        rest = _WRAP_PATH_AFTER.match(text, end)
    elif before == "." or after == ".":
        if _WRAP_LABEL.search(text, max(0, start - 64), start) is None:
            return False
        rest = (_WRAP_AFTER_DOT if before == "." else _WRAP_BEFORE_DOT).match(text, end)
    else:
        return False
    if rest is None:
        return False
    path = rest.group("path").rstrip(".,;:!?)'\"")
    return bool(path) and _PROSE_PATH.fullmatch(path) is None


#: Dashes and the minus sign: prose glues them between words ("log–in", "well—known").
_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d")


#: Sentence punctuation of many scripts that chat glues between words ("ok…so", Hindi
#: "ok।so", Arabic "ok؟so"): prose, like "。", never a deliberate dot (attack FA-1, FA-2).
_SENTENCE_MARKS = frozenset("\u2026\u2025\u0964\u0965\u061f\u06d4\u0589\u1362\u104b\u0df4")


#: Blocks of CJK and full-width punctuation (CJK Symbols and Punctuation, vertical forms,
#: CJK compatibility forms, small form variants, half-width and full-width forms).
_CJK_PUNCT_BLOCKS = ((0x3000, 0x303F), (0xFE10, 0xFE1F), (0xFE30, 0xFE6F), (0xFF00, 0xFF65))


@functools.cache
def _typed_twin(char: str) -> str | None:
    """The ASCII mark a full-width or CJK punctuation character is typed for, or None.

    A compatibility form whose NFKC is one ASCII punctuation mark (``？ ！ ； ～ ﹖``) is that
    mark; other CJK punctuation (``〜 〝 〃``, no ASCII twin) is sentence punctuation (``?``).
    The dots (``． ﹒``) and commas are not matched here: they are dot and comma look-alikes.
    """
    twin = unicodedata.normalize("NFKC", char)
    if len(twin) == 1 and twin.isascii() and not twin.isalnum() and not twin.isspace():
        return twin
    point = ord(char)
    in_block = any(lo <= point <= hi for lo, hi in _CJK_PUNCT_BLOCKS)
    return "?" if in_block and unicodedata.category(char).startswith("P") else None


def _unicode_joint(match: re.Match[str]) -> _Joint:
    if match.lastgroup == "bracketsym":  # "bad[•]example", "bad(★)example": deliberate
        return _Joint(match.start(), match.end(), ".", Technique.REFANG)
    char = match.group().strip(" \t")[:1]
    spaced = match.group() != match.group().strip(" \t")
    if match.lastgroup == "symbol" and not spaced:
        twins = {_typed_twin(c) for c in match.group()}
        if None not in twins:
            # "ok？so", "see〜you", "没问题？so！cool": punctuation as a CJK input method types
            # it reads as its ASCII twin would ("ok?so": prose; "ok～so" as "ok~so": link)
            deliberate = not twins.isdisjoint(_SYMBOL_DOTS)
            technique = Technique.CONFUSABLE if deliberate else Technique.DOT_VARIANT
            if deliberate and (
                separator_mark(match.string, match.start(), match.end())
                or word_pair_mark(match.string, match.start(), match.end())
            ):
                technique = glued_mark(match.string, match.start(), match.end())
            return _Joint(match.start(), match.end(), ".", technique)
    if match.lastgroup == "symbol" and (spaced or char in _DASHES or char in _SENTENCE_MARKS):
        # "a •b", "log → in", "2 × 3", "log–in": prose sets symbols and dashes between
        # words; only one glued inside a name stands for its dot ("bad★example")
        return _Joint(match.start(), match.end(), ".", Technique.DOT_VARIANT)
    if match.lastgroup in ("emoji", "symbol"):
        # glued: "bad🔴example", "bad⭐example", "bad●example" (a dot shape stands for a dot),
        # "bad★★example" (no sentence doubles a symbol between words); "call♡me", "ok🙂so",
        # "log★in" (decoration, as chat glues it: a link only with a path after it)
        emoji = match.lastgroup == "emoji"
        if all(_dot_shaped(c, emoji) for c in match.group()) or (
            not emoji and len(match.group()) > 1
        ):
            return _Joint(match.start(), match.end(), ".", Technique.CONFUSABLE)
        technique = glued_mark(match.string, match.start(), match.end())
        return _Joint(match.start(), match.end(), ".", technique)
    prose = _fold.data().is_punctuation_dot(char)
    if not spaced and len(match.group()) > 1:
        prose = False  # "bad••example": no sentence doubles a dot between two words
    if (
        not prose
        and len(match.group()) == 1
        and word_pair_mark(match.string, match.start(), match.end())
    ):
        prose = True  # "sign∙up", "see．you": a dot look-alike between two words of chat
    technique = Technique.DOT_VARIANT if prose else Technique.CONFUSABLE
    return _Joint(match.start(), match.end(), ".", technique)


#: The last word of the name of an emoji that draws a dot or a bullet (LARGE RED CIRCLE,
#: SMALL BLUE DIAMOND, BLACK SMALL SQUARE, WHITE MEDIUM STAR), as the symbols ``● ◆ ▪`` do.
_DOT_SHAPES = frozenset({"CIRCLE", "DIAMOND", "SQUARE", "STAR", "DOT", "BULLET"})


def _dot_shaped(char: str, emoji: bool = True) -> bool:
    """Whether a glued emoji or symbol is a geometric shape standing for a dot. A star is one
    as an emoji (``⭐``, fifth round), decoration as a symbol (``★ ☆ ✩ ⋆``, eighth round)."""
    shape = unicodedata.name(char, "").rpartition(" ")[2]
    return shape in _DOT_SHAPES and (emoji or shape != "STAR")


#: Dot-like punctuation that Latin-script prose never glues between two words (a bullet, a
#: middle dot outside Catalan "l·l"); CJK punctuation (``・。、，``) it does, after ASCII words.
_LATIN_DOTS = frozenset("\u00b7\u2022\u2027\u2e31\u0387\u2219\u22c5")


def _between_words(match: re.Match[str]) -> bool:
    """ASCII letters on both sides of the joint, and not the Catalan geminate ``l·l``."""
    text = match.string
    before = text[match.start() - 1 : match.start()]
    after = text[match.end() : match.end() + 1]
    if not (before.isascii() and before.isalnum() and after.isascii() and after.isalnum()):
        return False
    return not (before.lower() == "l" and after.lower() == "l")


#: Pieces of a chain whose readings the gate predicts exactly: ASCII letters and digits, and
#: punctuation that neither starts, cuts, splits nor escapes a reading (anything else, and
#: every run holding it, is read in full).
_SIMPLE_PIECE = re.compile(r"[A-Za-z0-9.\-=+&$!/?#\u0080-\U0010ffff]*")
_ASCII_ALNUM = re.compile(r"[A-Za-z0-9]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_NEVER = 1 << 62


class _Gate:
    """Which runs of a chain can hold a plausible reading, decided without building them.

    A reading is plausible only if the last label of its host is a top-level domain (or
    ``xn--``), or numeric in a host of at most four numeric labels. In a run of simple pieces
    (``_SIMPLE_PIECE``, joints that read as ``.``, ``/`` or nothing) the host is the run up to
    its first ``/``, ``?`` or ``#``, so that label is known from where the run starts and
    ends: each piece end and each host stop gets the earliest run start that can make it a
    plausible host (``_NEVER`` when none can). Runs holding anything else are read in full.
    This keeps chat without link-shaped labels ("a*b*c", numbers, ``pkg_1==1.0``) from
    costing one joined view per pair of pieces.
    """

    __slots__ = (
        "_ascii_from",
        "_cut_needs",
        "_dots_from",
        "_end_need",
        "_ends",
        "_joined",
        "_next_complex",
        "_plain",
        "_schemes",
        "_starts",
        "_stop_need",
        "_stops",
        "_tlds",
        "_trail_need",
    )

    def __init__(
        self, text: str, atoms: list[tuple[int, int]], joints: list[_Joint], tlds: frozenset[str]
    ) -> None:
        pieces: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        bad = [False] * (len(atoms) + 1)  # bad[i]: a run reaching atom i is read in full
        at = 0
        slashed = "/" in text[atoms[0][0] : atoms[-1][1]] if atoms else False
        for index, (start, end) in enumerate(atoms):
            piece = text[start:end]
            starts.append(at)
            pieces.append(piece)
            at += len(piece)
            ends.append(at)
            if _SIMPLE_PIECE.fullmatch(piece) is None:
                bad[index] = True
            if index < len(joints):
                joint = joints[index]
                kept = slashed and joint.technique is Technique.DOT_VARIANT
                if joint.text not in (".", "/", "") or kept:
                    bad[index + 1] = True  # a run holding this joint reaches atom index + 1
                pieces.append(joint.text)
                at += len(joint.text)
        joined = "".join(pieces)
        for match in _GATE_COMPLEX.finditer(joined):  # a scheme to repair, a "//"
            lo = bisect.bisect_right(starts, match.start()) - 1
            hi = bisect.bisect_left(starts, match.end())
            for index in range(max(lo, 0), hi):
                bad[index] = True
        self._next_complex = [len(atoms)] * (len(atoms) + 1)
        for index in range(len(atoms) - 1, -1, -1):
            self._next_complex[index] = index if bad[index] else self._next_complex[index + 1]
        self._joined = joined
        self._dots_from: dict[int, int] = {}  # trailing-punctuation trims found (``_need``)
        self._trail_need: dict[int, int] = {}  # (``_emoticon_need``)
        self._starts = starts
        self._schemes = [m.start() for m in _SCHEME_MARK.finditer(joined)]
        self._stops = [m.start() for m in _GATE_STOP.finditer(joined)]
        self._stop_need = [self._need(p, tlds) for p in self._stops]
        self._end_need: list[int] = []
        for end in ends:
            self._end_need.append(min(self._need(end, tlds), self._emoticon_need(end, tlds)))
        self._ends = ends
        self._tlds = tlds
        self._cut_needs: dict[int, int] = {}
        # where a run from each piece may start when a cut drops leading non-ASCII text
        self._ascii_from = [0] * len(atoms)
        self._plain = joined.isascii()
        if not self._plain:
            following = len(joined)
            for index in range(len(atoms) - 1, -1, -1):
                limit = starts[index + 1] if index + 1 < len(atoms) else len(joined)
                found = _ASCII_ALNUM.search(joined, starts[index], limit)
                following = found.start() if found is not None else following
                self._ascii_from[index] = following

    def _need(self, end: int, tlds: frozenset[str]) -> int:
        """The earliest start of a run whose host ends at ``end`` with a plausible label
        (-1: any start; ``_NEVER``: none). Labels are read at most 64 characters back (no
        top-level domain is longer); a longer numeric label is let through."""
        text = self._joined
        at = end
        while at > 0 and text[at - 1] in ".!?":
            if at in self._dots_from:  # a run of dots is walked once, not once per end
                at = self._dots_from[at]
                break
            at -= 1  # trailing punctuation is trimmed, a trailing dot dropped
        if at != end:
            self._dots_from[end] = end = at
        start = _label_start(text, end)
        if start < 0:  # no separator within 64 characters: no top-level domain that long
            floor = end - _LONGEST_LABEL
            tail = _NUMERIC_TAIL.search(text, floor, end)
            if tail is None:
                return _NEVER
            return -1 if tail.start() == floor else tail.start()  # digits may reach further
        label = text[start:end].lower()
        if not label:
            return _NEVER
        if label in tlds or (label.startswith("xn--") and len(label) > 4):
            return -1
        if not _NUMERIC_LABEL.fullmatch(label):
            # a run may start inside a label glued from pieces ("ab\n12/x"): its digits
            tail = _NUMERIC_TAIL.search(label)
            return _NEVER if tail is None else start + tail.start()
        labels = 1
        while labels < 4 and start >= 2 and text[start - 1] == ".":
            before = _label_start(text, start - 1)
            if before < 0:
                return -1
            previous = text[before : start - 1].lower()
            if not previous:
                return start
            if not _NUMERIC_LABEL.fullmatch(previous):
                return before  # a run may start inside it, where only digits are left
            start = before
            labels += 1
        return start

    def _emoticon_need(self, end: int, tlds: frozenset[str]) -> int:
        """The earliest start of a run whose reading is cut before an emoticon at its end
        (``_cuts``): the emoticon ends the trimmed token, so it may end before trailing
        punctuation ("1.1.1*0x7f!=P." is read as "1.1.1.0x7f"); every emoticon start in
        the last 12 characters before each trailing character counts. What a run of
        trailing characters gives up to each place is remembered, so the run is walked once
        however long it is, not once per end (".·" repeated: issue 9; it was cut after 64
        characters and then let every start through)."""
        text = self._joined
        known = self._trail_need
        walked: list[int] = []
        need = _NEVER
        at = end
        while True:
            if at in known:  # the need of the trailing characters before ``at``
                need = known[at]
                break
            walked.append(at)
            if at == 0 or text[at - 1] not in _TRAILING:
                break
            at -= 1
        for at in reversed(walked):
            if at > 0 and text[at - 1] in _EMOTICON_LAST:
                for match in _EMOTICON_STARTS.finditer(text, max(0, at - 12), at):
                    need = min(need, self._need(match.start(), tlds))
            known[at] = need
        return need

    def runs(self, first: int, stop: int) -> list[int]:
        """The last pieces of the runs from ``first`` (below ``stop``) worth reading."""
        start = self._starts[first]
        complex_from = self._next_complex[first]
        at = bisect.bisect_left(self._stops, start)
        host_stop = self._stops[at] if at < len(self._stops) else _NEVER
        stop_need = self._stop_need[at] if at < len(self._stops) else _NEVER
        ends, end_need = self._ends, self._end_need
        cut_at, cut_need = _NEVER, _NEVER
        cut_stop, cut_stop_need = host_stop, stop_need
        if not self._plain:
            # non-ASCII text: a cut may start the reading at its first ASCII letter or digit
            # (past a host stop: its host ends at the next one), and end it before the first
            # non-ASCII character after a dot
            start = max(start, self._ascii_from[first])
            at = bisect.bisect_left(self._stops, start)
            cut_stop = self._stops[at] if at < len(self._stops) else _NEVER
            cut_stop_need = self._stop_need[at] if at < len(self._stops) else _NEVER
            cut_at, cut_need = self._cut(self._starts[first], ends[stop - 1])
        found = []
        for last in range(first, stop):
            if last >= complex_from:
                found.append(last)
                continue
            end = ends[last]
            alive = end_need[last] <= start
            if not alive and end > host_stop:
                alive = stop_need <= start
            if not alive and end > cut_stop:
                alive = cut_stop_need <= start
            if alive or (cut_at < end and cut_need <= start):
                found.append(last)
        return found

    def scheme_stop(self, first: int) -> int:
        """Where runs from ``first`` stop (exclusive): a link holds one "://", so a run may
        reach the piece holding a second one but not go past it ("https:// a.b/xhttps:// a.b/x
        ..." repeated would otherwise read every run of 16 joints in full)."""
        schemes = self._schemes
        if len(schemes) < 2:
            return _NEVER
        starts = self._starts
        at = bisect.bisect_left(schemes, starts[first])
        if at + 1 >= len(schemes) or first + 1 >= len(starts):
            return _NEVER
        # a second "://" in the first piece itself is a redirect target's, not a new link
        # ("https://out.example/?u=https://bad.exa" + "\nmple/x": attack 15)
        second = bisect.bisect_left(schemes, max(schemes[at] + 1, starts[first + 1]))
        if second >= len(schemes):
            return _NEVER
        return max(first, bisect.bisect_right(starts, schemes[second]) - 1) + 1

    def _cut(self, start: int, limit: int) -> tuple[int, int]:
        """Where a cut before non-ASCII text ends a run starting at ``start`` (the first
        non-ASCII character after its first dot) and the need of the host it leaves."""
        text = self._joined
        dot = text.find(".", start, limit)
        if dot < 0:
            return _NEVER, _NEVER
        other = _NON_ASCII.search(text, dot, limit)
        if other is None:
            return _NEVER, _NEVER
        at = other.start()
        need = self._cut_needs.get(at)
        if need is None:
            need = self._cut_needs[at] = self._need(at, self._tlds)
        return at, need


#: Where an emoticon at the end of a text may start, and the characters it may end in.
_EMOTICON_STARTS = re.compile(r"(?=" + _EMOTICON_END.pattern + ")")
_EMOTICON_LAST = "()DPpO03/\\|]["
_GATE_COMPLEX = re.compile(r"//|" + _MANGLED_SCHEME.pattern, re.IGNORECASE)
_GATE_STOP = re.compile(r"[/?#]")
_SCHEME_MARK = re.compile(r"://")


_NUMERIC_LABEL = re.compile(r"0x[0-9a-f]+|\d+", re.IGNORECASE)  # as _IPV4ISH reads them
_NUMERIC_TAIL = re.compile(r"(?:0x[0-9a-f]+|\d+)$", re.IGNORECASE)
_LONGEST_LABEL = 64


def _label_start(text: str, end: int) -> int:
    """Where the label ending at ``end`` starts (after the last ``.``, ``/``, ``?``, ``#``),
    looking at most ``_LONGEST_LABEL`` characters back; -1 when that finds none (and more
    text lies before)."""
    floor = max(0, end - _LONGEST_LABEL)
    at = max(text.rfind(".", floor, end), text.rfind("/", floor, end),
             text.rfind("?", floor, end), text.rfind("#", floor, end))  # fmt: skip
    if at < 0:
        return 0 if floor == 0 else -1
    return at + 1


def _chains(text: str, joints: list[_Joint]) -> list[tuple[list[tuple[int, int]], list[_Joint]]]:
    """Group joints into chains of pieces (white-space-free atoms) joined by them."""
    chains: list[tuple[list[tuple[int, int]], list[_Joint]]] = []
    atoms: list[tuple[int, int]] = []
    inside: list[_Joint] = []
    previous_end = -1
    # Two joints glued together ("····" is "···" then "·") end a chain: its last piece runs
    # on over the second, and the next chain's first piece starts before the first. Such a
    # piece reaches over at most MAX_JOINTS joints on each side (then it is cut, and a reading
    # at the cut is noted in Reader._chain), so "·" * n costs n, not n * n / 3 (issue 9).
    # ``known_end``/``known_start``: where the last piece read after such a break ended and
    # started, so the walk back from the next stops there (each character walked once).
    known_end = known_start = 0
    ceiling = len(text)

    def close() -> None:
        if inside:
            atoms.append((previous_end, _atom_end(text, previous_end, ceiling)))
            # a chain may end in its joint: "bad /" (a slash), "baddotcom" (the joint is ".com")
            closing = atoms[-1][0] == atoms[-1][1] and (
                inside[-1].text == "/" or len(inside[-1].text) > 1
            )
            if all(s < e for s, e in atoms[:-1]) and (atoms[-1][0] < atoms[-1][1] or closing):
                chains.append((list(atoms), list(inside)))
        atoms.clear()
        inside.clear()

    for index, joint in enumerate(joints):
        if joint.start < previous_end:
            continue  # overlapping joint: keep the first
        if previous_end >= 0:
            left_start = _atom_start(text, joint.start, previous_end)
        else:
            lowest = joints[index - MAX_JOINTS - 1].end if index > MAX_JOINTS else 0
            stop = max(lowest, known_end if known_end <= joint.start else 0)
            left_start = _atom_start(text, joint.start, stop)
            if left_start == stop and stop == known_end and stop > lowest:
                left_start = max(known_start, lowest)
            known_end, known_start = joint.start, left_start
        if left_start >= joint.start:  # nothing before this joint to join
            if previous_end == joint.start and index + MAX_JOINTS < len(joints):
                ceiling = joints[index + MAX_JOINTS].start  # glued: see above
            close()
            ceiling = len(text)
            previous_end = -1
            continue
        if inside and left_start == previous_end:
            atoms.append((previous_end, joint.start))
        else:
            close()
            atoms.append((left_start, joint.start))
        inside.append(joint)
        previous_end = joint.end
    close()
    return chains


def _spaced_mark(text: str, at: int) -> bool:
    """Whether the one-character mark at ``at`` (``_ * ~ +``, the spaced view's separators)
    separates single letters in a run of three or more spaced with it ("h_t_t_p", "b*a*d"):
    spaced letters, which the spaced view joins; read as dots they would make a chain of
    one-letter labels across the whole run ("t_co" and "a_b.example" are no such run, and
    digits keep their joints: "1,2,3,4" and "1_2_3_4" are an address's defanged dots)."""
    mark = text[at]
    if mark not in "_*~+" or not (text[at - 1].isalpha() and text[at + 1].isalpha()):
        return False
    left = at - 2 < 0 or not text[at - 2].isalnum()
    right = at + 2 >= len(text) or not text[at + 2].isalnum()
    if not (left and right):
        return False
    return (at >= 2 and text[at - 2] == mark) or (at + 2 < len(text) and text[at + 2] == mark)


def _token_edge(text: str, at: int) -> bool:
    """Whether ``at`` ends a white-space token (the text's end, or white space follows)."""
    return at >= len(text) or text[at].isspace()


def _atom_start(text: str, end: int, floor: int) -> int:
    """Where the white-space-free piece ending at ``end`` starts (not before ``floor``).
    ``floor`` is where the previous joint of the chain ended, or (after two glued joints,
    ``_chains``) the last start found or MAX_JOINTS joints back: each character is walked a
    bounded number of times."""
    start = end
    while start > floor and not text[start - 1].isspace():
        start -= 1
    return start


_NON_SPACE = re.compile(r"\S*+")


def _atom_end(text: str, start: int, ceiling: int) -> int:
    match = _NON_SPACE.match(text, start, ceiling)
    return match.end() if match else start


def _inner_atom(text: str, atom: tuple[int, int]) -> bool:
    """A piece that is not a whole white-space token (so its own reading is new)."""
    start, end = atom
    before = text[start - 1 : start]
    after = text[end : end + 1]
    return not ((not before or before.isspace()) and (not after or after.isspace()))


def _valid_run(text: str, joins: list[tuple[int, _Joint]]) -> bool:
    """Guards that keep prose from being read as a link (docs/extraction.md, "Guards")."""
    if not any(c in text for c in "./:"):
        return False
    has_scheme = "://" in text or text[:4].lower() == "www."
    for at, joint in joins:
        after = text[at:]
        if joint.technique is Technique.PROSE_SPACING and joint.text == ".":
            # "ok. me too": a full stop then a space is how sentences end; it closes a gap
            # only with a scheme, a deliberate space before a dot, or a path after it
            deliberate = any(j.technique is Technique.SPACING for _, j in joins)
            if not (has_scheme or deliberate or "/" in after):
                return False
        # "I have to go.\nTo be honest": a sentence ends, the next begins
        if (
            joint.technique is Technique.LINE_BREAK
            and text[at - 1 : at] in ".!?,"
            and after[:1].isupper()
            and not has_scheme
        ):
            return False
        # "see you at 5.\nexample: this", "1.\nfoo": a number's full stop at a line's end
        # (a time, a list item) starts no host of a link written without a scheme
        if (
            joint.technique is Technique.LINE_BREAK
            and not has_scheme
            and _NUMBER_STOP.search(text, max(0, at - 8), at) is not None
        ):
            return False
    return True


#: A number and its full stop, the whole label (``5.``, ``12.``): where a sentence or a
#: list item ends, not where a host is wrapped.
_NUMBER_STOP = re.compile(r"(?<![\w.-])[0-9]{1,4}\.$")


def _trim(token: str) -> tuple[int, int]:
    """Offsets of the link inside a token: leading brackets and trailing punctuation cut."""
    start, end = 0, len(token)
    while start < end and token[start] in _LEADING:
        start += 1
    opens = closes = -1  # brackets in token[start:end], counted once ("(" is never trimmed)
    while end > start and token[end - 1] in _TRAILING:
        if token[end - 1] == ")":
            if opens < 0:
                opens, closes = token.count("(", start, end), token.count(")", start, end)
            if opens >= closes:
                break  # a balanced ")" belongs to the URL (Wikipedia-style paths)
            closes -= 1
        end -= 1
    return start, end


def _cuts(url: str) -> list[tuple[int, int]]:
    """Other places the link in a token may start and end (beyond the trimmed token)."""
    starts = [0]
    ends = [len(url)]
    if not url.isascii():
        first = _first_ascii_link_start(url)
        if first > 0:
            starts.append(first)
        for index, char in enumerate(url):
            if not char.isascii() and "." in url[:index]:
                ends.append(index)
                break
    if "\\" in url:
        escape = _JSON_ESCAPE.search(url)
        if escape:
            ends.append(escape.start())
    emoticon = _EMOTICON_END.search(url, max(0, len(url) - 12))  # ":-)" is short
    if emoticon and emoticon.start() > 0:
        ends.append(emoticon.start())
    if len(starts) == 1 and len(ends) == 1 and "," not in url and ";" not in url:
        return []  # the common case: nothing to cut
    cuts: list[tuple[int, int]] = []
    for start in starts:
        for end in ends:
            if end - start > 2 and (start, end) != (0, len(url)):
                trimmed_start, trimmed_end = _trim(url[start:end])
                cuts.append((start + trimmed_start, start + trimmed_end))
    if _SPLITTER.search(url):
        at = 0
        for piece in _SPLITTER.split(url):
            if piece and len(piece) < len(url):
                lead, trail = _trim(piece)
                cuts.append((at + lead, at + trail))
            at += len(piece) + 1
    return list(dict.fromkeys(c for c in cuts if c[1] > c[0]))


def _first_ascii_link_start(url: str) -> int:
    for index, char in enumerate(url):
        if char.isascii() and char.isalnum():
            return index if index > 0 else 0
    return 0


@functools.lru_cache(maxsize=65536)
def host_of(url: str) -> tuple[str, bool]:
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


#: A userinfo written before a host without a scheme: the characters of an e-mail address's
#: local part and of a host, ``@`` inside (``a@b@host``), no ``:`` or ``=`` (``user:pw@``,
#: ``key=alice@``: a scheme or a key, not a userinfo a link starts with)...
_USERINFO = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~%+@-]*+")
#: ... but for a ``www.`` name, which may fake a port (``www.paypal.test:443@bad.example``).
#: A path after a mailbox's host that reads as a link's: four characters or more, or one
#: with a further slash, a dot, a query or a digit.
_USERINFO_PATH = re.compile(r"/(?:[^\s/?#.=]{4}|[^\s]*[/.?=0-9])")
_WWW_USERINFO = re.compile(r"www\.[A-Za-z0-9][A-Za-z0-9._~%+@:-]*+", re.IGNORECASE)


def userinfo_link(url: str) -> bool:
    """Whether a scheme-less ``x@host...`` is a link to ``host`` (attack 12): ``x`` is a
    ``www.`` name (``www.paypal.test@bad.example``), or a dotted name followed by a path,
    query or fragment (``paypal.test@bad.example?login``), or a path of more than one short
    word follows the host right away, no port, with no other ``@`` in it
    (``login@bad.example/verify``; not ``bob@mail.test/cc``, ``alice@a.test/bob@b.test``).
    A browser opens the host after the last ``@`` of the authority (RFC 3986 §3.2.1).
    Anything else is an e-mail address, ``git@host:org/repo``, an scp target or
    ``admin@host:8080/x`` (docs/extraction.md)."""
    cut = _HOST_END.search(url)
    authority = url if cut is None else url[: cut.start()]
    name, at, host = authority.rpartition("@")
    if not at or not host:
        return False
    if _WWW_USERINFO.fullmatch(name):
        return True
    if _USERINFO.fullmatch(name) is None:
        return False
    rest = url[len(authority) :]
    if ":" in host or "@" in rest:
        return False
    if "." in name:  # a name written as a host ("paypal.test@bad.example?login"): the trick
        return rest[:1] in ("/", "?", "#")
    # a mailbox and a path: a path of more than one short word ("login@bad.example/verify"),
    # not a mail address followed by "/" or "/cc" (attack 14)
    return rest[:1] == "/" and _USERINFO_PATH.match(rest) is not None


def _plausible(url: str, tlds: frozenset[str]) -> Technique | str | None:
    """Why ``url`` could be a link (a technique, "" for plain), or None if it cannot."""
    host, has_scheme = host_of(url)
    if not host or host[0] in ".-":
        return None
    userinfo = not has_scheme and "@" in url.split("/", 1)[0]
    if userinfo and not userinfo_link(url):
        return None  # an e-mail address, not a link
    if host.startswith("[") and not has_scheme:
        # an IPv4-mapped or NAT64 literal holds a dotted quad, which alone would be read
        # (attack 11, L3); other bracketed literals without a scheme are code (a[::2])
        literal, _, port = host.partition("]")  # host_of keeps a port after the literal
        if _MAPPED_IPV4.fullmatch(literal + "]") and port[:1] in ("", ":"):
            return Technique.NUMERIC_IP
    if host.startswith("[") and host.endswith("]"):
        return "" if has_scheme else None
    labels = host.rstrip(".").split(".")
    last = labels[-1].lower()
    if _IPV4ISH.fullmatch(host.rstrip(".")):
        if has_scheme or len(labels) == 4 or ("/" in url and not userinfo):
            return Technique.NUMERIC_IP  # ("pkg@1.2.3/x" is a version, not a host)
        return None
    if last in tlds or (last.startswith("xn--") and len(last) > 4):
        return "" if (len(labels) >= 2 or has_scheme) else None
    if has_scheme and len(labels) >= 2 and not last.isascii():
        return Technique.IDN
    if has_scheme and len(labels) >= 2 and _TLD_SHAPED.fullmatch(last):
        # a web scheme makes it a link whatever its top-level domain: one newer than the
        # bundle's Public Suffix List, or an internal name ("http://pay.later/",
        # "http://wiki.corp/"); check_url reads it too (attack 11, H4)
        return ""
    if has_scheme and "%" in host:
        return Technique.PERCENT_ENCODED
    return None


def lookalike(host: str) -> bool:
    """Mixed scripts in one label (Latin with Cyrillic, Greek...): a spoofing signal."""
    import unicodedata

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
        skeleton = _fold.data().skeleton
        if (
            scripts
            and scripts <= set(_CONFUSABLE_SCRIPTS)
            and all(ord(c) in skeleton or unicodedata.normalize("NFKD", c).isascii() for c in label)
        ):
            return True
    return False
