"""Find every link in a message: plain, obfuscated, shortened; every plausible reading.

Text is read through *views*, each a string plus a map from its characters back to the
original text, so every candidate keeps its span in the message (``_views``):

1. as written (``_fold``): invisible characters, fillers and decorative combining marks
   dropped, compatibility letters (full-width, mathematical) folded, from pinned Unicode data;
2. strict (``_refang``): ``hxxp``, ``[.]``, ``(dot)``, ``[:]``, ``(slash)``... undone;
3. alternative views: the skeleton (look-alike letters as ASCII: a hit is ``lookalike``,
   warn only), display order of bidi-reversed runs, spaced-out letters joined;
4. readings (``_readings``): in each view, every plausible reading at every ambiguity
   (where a link ends, a broken scheme, line breaks, spaced or look-alike dots, a space as a
   dot). Readings other than a strict token are loose: looked up, never shown or fetched.

Candidates are tokens that could name a web resource (a scheme, ``www.``, or a host whose last
label is a real top-level domain). Every pass is a linear regular-expression scan. A long
message is read in windows cut at white space, so every candidate is found however many there
are; only text past ``MAX_TEXT_CHARS`` is not read, and the result says so
(``Candidates.complete`` is False).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import overload

from . import _fold
from ._evidence import (
    CONTEXT_CHARS,
    Line,
    code_signal,
    forget_path_stop,
    identifier_shaped,
    line_reads_as_code,
    port_host,
)
from ._fastnew import builder
from ._percent import PCT_RUN, utf8_run
from ._readings import JOINT_WORDS, Found, Reader, Readings, host_of, lookalike
from ._refang import refang
from ._views import View
from ._wrappers import WrapperRule, default_rules
from .conversation import MAX_CONVERSATION_HOSTS, MAX_CONVERSATION_PATHS
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
#: Hosts of the message a path without a host is combined with (the nearest ones); it is
#: combined with the conversation's hosts too, up to ``MAX_CONVERSATION_HOSTS``.
MAX_CONTEXT_HOSTS = 6

_WHITE_SPACE = re.compile(r"\s")

STRICT = Tier.STRICT
LOOSE = Tier.LOOSE


@dataclass(frozen=True)
class Candidate:
    """Something in a message that could be a link, and how it was recovered.

    Immutable; safe to share between threads.
    """

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
    work short (``complete``; ``notes`` say which). Safe to share between threads."""

    __slots__ = ("_items", "hosts", "notes", "paths")

    def __init__(
        self,
        items: Iterable[Candidate] = (),
        notes: Iterable[str] = (),
        hosts: Iterable[str] = (),
        paths: Iterable[str] = (),
    ) -> None:
        # set past the immutability guard (this is on the path of every message)
        setattr_ = object.__setattr__
        setattr_(self, "_items", tuple(items))
        setattr_(self, "notes", tuple(notes))
        setattr_(self, "hosts", tuple(hosts))
        setattr_(self, "paths", tuple(paths))

    _items: tuple[Candidate, ...]
    notes: tuple[str, ...]
    hosts: tuple[str, ...]
    """Hosts the message names (strict or loose readings), in text order: context for
    the messages after it (:class:`linkscreen.Conversation` keeps them)."""
    paths: tuple[str, ...]
    """Host-less paths the message holds ("album/9"), for a host named later."""

    def __setattr__(self, name: str, value: object) -> None:
        if hasattr(self, "paths"):
            raise AttributeError("Candidates is immutable")
        object.__setattr__(self, name, value)

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


# ---- the message, in windows -------------------------------------------------------------

#: Dot look-alikes written as a spaced dot (ideographic, full-width, half-width full stops,
#: the small full stop, the one-dot leader, the middle dot and the katakana middle dots; the
#: bullet, the bullet operator and the dot operator since attack 16):
#: "j q x v w 。 e x a m p l e", "j q x v w · e x a m p l e", "j q x v w • e x a m p l e".
_SPACED_DOT_CHARS = "\u3002\uff0e\uff61\ufe52\u2024\u00b7\u30fb\uff65\u2022\u2219\u22c5"
#: One spaced unit: a character, or characters glued only by a dot or slash between them
#: ("t.e", "e/x", "t.", ".e"; never two letters glued): how a spaced-out host keeps its dot;
#: or a scheme's "://" (refanged from ": / /").
_SPACED_UNIT = r"(?:[./]?[\w./:?=&%~-](?:[./][^\W_])*[./]?|://)"
#: A unit inside a run (not its first or last): a dot look-alike may be glued before or
#: after it too ("j q x v w 。e x", "w。 e"); at a run's edge it is the sentence's mark
#: ("e x a m p l e・(", "(。f y") and stays out of the run.
_SPACED_INNER = (
    rf"(?:[./{_SPACED_DOT_CHARS}]?[\w./:?=&%~-](?:[./][^\W_])*[./{_SPACED_DOT_CHARS}]?|://)"
)
#: A dot among spaced letters written another way: a dot look-alike, a link-only dot word
#: ("dot", "d0t", any case) or a dot or dot word in brackets, spaced or not ("[dot]",
#: "[ d o t ]", "( . )"). A unit of its own; joined as ".". (Unbracketed "d o t" stays three
#: letters: "j q x v w d o t e x" may be a host holding them.)
_SPACED_DOT = (
    rf"(?:[{_SPACED_DOT_CHARS}]|(?i:dot|d0t)"
    r"|[\[({] {0,2}(?:(?i:d {0,2}o {0,2}t|d0t)|\.) {0,2}[\])}])"
)
#: A dot between hyphen-separated letters: ``. : /`` (a scheme's and a path's marks too), a
#: dot look-alike, a dot word alone or in brackets ("j-q-x-v-w-dot-e-x", "j-q-x-v-w-。-e-x").
_HYPHEN_DOT = rf"(?:[.:/{_SPACED_DOT_CHARS}]|(?i:dot|d0t)(?![^\W_])|[\[({{](?i:dot|d0t|\.)[\])}}])"
_SPACED_DOT_UNIT = re.compile(_SPACED_DOT)
#: Scripts written without spaces between words (Thai, Lao, Myanmar, Khmer, kana, Han): a
#: run of spaced letters may start or end glued to them ("看j q x v w . e x a m p l e吧"),
#: as a link glued to them already does.
_UNSPACED_SCRIPTS = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff"
)
#: A letter of a script other than Latin (Cyrillic, Greek, Hangul, Arabic, Hebrew, Indic...):
#: a Latin letter glued to it is no part of its word, so a run of spaced ASCII letters may
#: start or end glued to it ("смотриj q x v w . e x a m p l e"), as a link glued to it does.
_OTHER_LETTER = r"[^\W\d_\x00-\u02af\u1e00-\u1eff]"
#: Where a run may start, and end: at a word's edge, after "//", after a label and its dot
#: ("bad[.]e x a m p l e": the dot refanged first), after a word and a colon ("url:j q x";
#: not before a scheme's slashes: a run starts after them), glued to an unspaced script, or
#: with an ASCII unit glued to a letter of another script.
_SPACED_START = (
    rf"(?:(?<=//)|(?<=[A-Za-z0-9]\.)|(?<![\w./:-])|(?<=[A-Za-z]:)(?![/\\])"
    rf"|(?<=[{_UNSPACED_SCRIPTS}])"
    rf"|(?<={_OTHER_LETTER})(?=[A-Za-z0-9]))"
)
#: (an emoticon glued after the last letter ends a run as white space would: "e x a m p l e:)",
#: ADR 0012 eighth session)
_SPACED_END = (
    rf"(?:(?![\w./:-])|(?=[{_UNSPACED_SCRIPTS}])|(?<=[A-Za-z0-9])(?={_OTHER_LETTER})"
    r"|(?=[:;]-?[()DPpO3|]+(?![^\s!?])))"
)
#: One unit, then the same separator (one or two spaces, a tab, ``_ * ~ +``), three times or
#: more (one letter a line is read by the line joints: ``_readings._letter_column``): "b a d
#: . e x a m p l e", "h_t_t_p_:_/_/_b_a_d", "q z v k t.e x a m p l e/x" (a dot
#: or slash glued between two spaced letters); the last unit may be a spaced dot and a
#: written label ("j q x v w . example": ``tld``, kept only when it is a top-level domain);
#: or letters, digits and ``_HYPHEN_DOT`` each alone between hyphens, one of those dots among
#: them ("j-q-x-v-w-.-e-x-a-m-p-l-e"), or a dot glued between two of the letters ("-w.e-":
#: how "j-q-x-v-w-dot-e-x" reads once refanged). A hyphen is a host's own character, so
#: "x-y-z.com" is no run: its dot is glued to a label of three letters.
_SPACED_LETTERS = re.compile(
    rf"{_SPACED_START}(?:{_SPACED_DOT}|{_SPACED_UNIT})"
    rf"(?P<sep>  ?|[_*~+\t])"
    rf"(?:(?:   ?)?(?:{_SPACED_DOT}|{_SPACED_INNER})(?P=sep)){{2,}}"
    rf"(?:(?:{_SPACED_DOT}|\.)(?P=sep)(?P<tld>[A-Za-z0-9][A-Za-z0-9-]*)"
    rf"|{_SPACED_DOT}|{_SPACED_UNIT})"
    rf"(?:{_SPACED_END}|[./]\S*)"
    rf"|{_SPACED_START}(?P<hyphen>[^\W_](?:(?:-[^\W_])*-{_HYPHEN_DOT}|(?:-[^\W_])+\.[^\W_](?=-))"
    rf"(?:-(?:{_HYPHEN_DOT}|[^\W_]))+)"
    rf"(?:{_SPACED_END}|[./]\S*)"
)
#: A wider gap inside spaced-out letters: a space between words ("f r e e   d o t   c o m").
_WORD_GAP = re.compile(r"   +")
#: A scheme glued after a letter or digit in joined letters ("log.in/xhttps://"): where the
#: next link starts, read as a word break ("h t t p s : / / a . b / x h t t p s : / / ...").
_GLUED_SCHEME = re.compile(r"(?<=[A-Za-z0-9])(?=(?i:https?|ftp)://)")


def _join_spaced(match: re.Match[str], tlds: frozenset[str]) -> tuple[str, bool]:
    """Spaced-out letters joined; a wider gap between them stays one space (a word break),
    and so does the start of a scheme glued after a letter; a spaced dot word is a dot. And
    whether where the host ends was guessed: a written label after the last spaced dot is
    read as the host's top-level domain ("j q x v w . example") when it is one and the
    letters before hold no dot of their own (else it is the next word: "... . me too")."""
    if match.group("hyphen") is not None:  # (a path glued after it keeps its hyphens)
        tail = match.group()[match.end("hyphen") - match.start() :]
        units = match.group("hyphen").split("-")
        return "".join("." if _SPACED_DOT_UNIT.fullmatch(u) else u for u in units) + tail, False
    sep = match.group("sep")
    text = match.group()
    written = ""  # the written label and what is glued after it
    if match.group("tld") is not None:
        cut = match.start("tld") - match.start()
        text, written = text[:cut], text[cut:]
    words = _WORD_GAP.split(text) if sep.startswith(" ") else [text]
    joined = _GLUED_SCHEME.sub(" ", " ".join(_join_units(word, sep) for word in words))
    at = match.start()
    if match.string[at - 1 : at] == ":":  # (only after a letter: _SPACED_START)
        # "url:j q x ...": a label and its colon, then the link (no scheme: "note:" is none)
        joined = " " + joined
    if not written:
        return joined, False
    host = joined.rpartition(" ")[2][:-1].rpartition("://")[2].lower()
    if match.group("tld").lower() in tlds and ("." not in host or host.startswith("www.")):
        return joined + written, True
    return f"{joined} {written}", False


def _join_units(word: str, sep: str) -> str:
    if not _SPACED_DOT_UNIT.search(word):
        return word.replace(sep, "")
    # the dot units are found before the separators go ("[ d o t ]" holds spaces)
    units = _SPACED_DOT_UNIT.split(word)
    return ".".join(unit.replace(sep, "") for unit in units)


def _cut_at_tld(tlds: frozenset[str], longest: bool) -> Callable[[re.Match[str]], str | None]:
    """``_join_spaced``, then a host with no path whose last label is no top-level domain but
    starts with one cut after it ("jqxvw.examplenow" -> "jqxvw.example now": a spaced word
    right after the link), at the longest such prefix or the shortest; a path's last segment
    cut where its digits end ("gal/275/1now" -> "gal/275/1 now")."""

    def join(match: re.Match[str]) -> str | None:
        joined = _join_spaced(match, tlds)[0]
        return " ".join(_tld_cut(word, tlds, longest) for word in joined.split(" "))

    return join


#: What a sentence ends a spaced word with, read past by ``_tld_cut`` ("n o w :)", "n o w.").
_SENTENCE_MARKS = ".:?"
#: A path's last segment whose digits are followed by letters: a spaced word glued to it.
_DIGITS_THEN_LETTERS = re.compile(r"[^/?#]*[0-9](?=[A-Za-z]{2,}$)")


def _tld_cut(word: str, tlds: frozenset[str], longest: bool) -> str:
    core = word.rstrip(_SENTENCE_MARKS)
    tail = word[len(core) :]
    dot = core.rfind(".")
    slash = core.rfind("/")
    if dot < 0 or "?" in core[dot:] or "#" in core[dot:]:
        return word
    if slash > dot:
        digits = _DIGITS_THEN_LETTERS.match(core, slash + 1)
        if digits is None:
            return word
        return f"{core[: digits.end()]} {core[digits.end() :]}{tail}"
    label = core[dot + 1 :]
    if len(label) < 3 or not label.isalpha() or label.lower() in tlds:
        return word
    sizes = range(len(label) - 1, 1, -1) if longest else range(2, len(label))
    for size in sizes:
        if label[:size].lower() in tlds:
            return f"{core[: dot + 1 + size]} {label[size:]}{tail}"
    return word


def _spaced_views(view: View, tlds: frozenset[str], tabbed: bool | None = None) -> list[View]:
    """``view`` with spaced-out letters joined (``_SPACED_LETTERS``), and up to two more views
    with the host of each run cut after a top-level domain its last label starts with; the
    same of ``view`` with mixed or other separators made spaces (``_MIXED_SPACED``); and the
    runs read without a one-letter word before them or with the letter a word glues to them
    (``_edge_views``). ``tabbed``: whether the text holds a tab, when the caller knows."""
    text = view.text
    spaced = _may_be_spaced(text, "\t" in text if tabbed is None else tabbed)
    views: list[View] = []
    if spaced:
        edges: list[int] = []
        views = _spaced_readings(view, tlds, edges)
        views.extend(_edge_views(view, tlds, edges))
    if _may_be_mixed(text, spaced) and _MIXED_SPACED.search(text) is not None:
        # "j q-x_v w . e x-a_m p l e", "j|q|x|v|w|.|e|x", "j-q-x-v-w dot example" (attack 16)
        unmixed = view.rewrite(_MIXED_SPACED, _unmix, Technique.SPACED_LETTERS)
        if unmixed is not view:
            starts: list[int] = []
            more = _spaced_readings(unmixed, tlds, starts)
            more.extend(_edge_views(unmixed, tlds, starts))
            views.extend(v for v in more if all(v.text != o.text for o in views))
    return views


def _may_be_mixed(text: str, spaced: bool) -> bool:
    """Whether ``_MIXED_SPACED`` may find a run: spaced letters (``spaced``), or ``- | ,``
    with a spaced dot, a dot between two of them or a dot word (substring tests only: a
    plain link pays nothing more)."""
    if spaced:
        return True
    if "-" not in text and "|" not in text and "," not in text:
        return False
    return (
        " . " in text
        or "|.|" in text
        or ",.," in text
        or "dot" in text
        or "DOT" in text
        or "Dot" in text
        or "d0t" in text
        or (not text.isascii() and _SPACED_DOT_CHAR.search(text) is not None)
    )


def _spaced_readings(view: View, tlds: frozenset[str], edges: list[int]) -> list[View]:
    """``view`` with its spaced-out letters joined, and its cuts (``_spaced_views``); the
    starts of runs that begin with a one-letter word are added to ``edges``."""
    cuts: list[bool] = []
    guessed: set[int] = set()

    def join(match: re.Match[str]) -> str | None:
        joined, guess = _join_spaced(match, tlds)
        if guess:
            guessed.add(match.start())
        if match.group("hyphen") is None and _ONE_LETTER_WORD.match(match.string, match.start()):
            edges.append(match.start())
        if not cuts:
            for word in joined.split(" "):
                if _tld_cut(word, tlds, True) != word:
                    cuts.append(True)
                    break
        return joined

    def technique(match: re.Match[str]) -> Technique:
        # a written label read as the host's top-level domain is a guess of where it ends
        if match.start() in guessed:
            return Technique.PROSE_SPACING
        return Technique.SPACED_LETTERS

    letters = _spaced_guess(view, view.rewrite(_SPACED_LETTERS, join, technique))
    if letters is view:
        return []
    views = [letters]
    for longest in (True, False) if cuts else ():
        # where the host ends is a guess a spaced sentence makes by chance ("c a l l . m e s s
        # a g e" cut after "me"): prose evidence, which a whole-host entry alone does not
        # block on unless the name is made up (attack 15; _evidence.spaced_guess)
        cut = view.rewrite(_SPACED_LETTERS, _cut_at_tld(tlds, longest), Technique.PROSE_SPACING)
        cut = _spaced_guess(view, cut)
        if all(cut.text != other.text for other in views):
            views.append(cut)
    return views


#: A one-letter word of chat (English, Romance, Slavic) and a separator after it: a run of
#: spaced letters that starts with one may hold a sentence's word before the link ("a j q x v
#: w . e x a m p l e", "I j q x ...": attack 16, G13/G14).
_ONE_LETTER_WORD = re.compile(r"[aAiIeEoOuUyYwWzZ](?:  ?|[_*~+\t])")
#: A Latin letter glued to the end of a word, then spaced letters: the word's last letter
#: may be the link's first ("checkj q x v w . e x a m p l e": attack 16, G15).
_GLUED_LETTER = re.compile(
    r"(?<=[A-Za-z]{2})[A-Za-z](?=(?P<sep>  ?|[_*~+\t])[^\W_](?P=sep)[^\W_.](?![^\W_]))"
)


def _edge_views(view: View, tlds: frozenset[str], edges: list[int]) -> list[View]:
    """Where a run of spaced letters starts is a guess: the runs at ``edges`` read without
    their first letter (a one-letter word), and ``view`` read with the last letter of a word
    glued before a run as the run's own. Each guess is ``prose-spacing`` (with
    ``spaced-letters`` beside it: ``_evidence.spaced_guess``): a made-up name blocks, a name
    made of words is what chance makes of a spaced sentence."""
    views: list[View] = []
    if edges:
        starts = frozenset(edges)

        def drop(match: re.Match[str]) -> str | None:
            if match.start() not in starts:
                return None
            sep = match.group("sep")
            rest = _SPACED_LETTERS.match(match.string, match.start() + 1 + len(sep), match.end())
            if rest is None or rest.end() != match.end():
                return None
            return match.group()[0] + " " + _join_spaced(rest, tlds)[0]

        dropped = _spaced_guess(view, view.rewrite(_SPACED_LETTERS, drop, Technique.PROSE_SPACING))
        if dropped is not view:
            views.append(dropped)
    if _GLUED_LETTER.search(view.text) is not None:
        glued = view.rewrite(_GLUED_LETTER, _space_before, Technique.PROSE_SPACING)
        views.extend(_spaced_readings(glued, tlds, []) if glued is not view else [])
    return views


#: What separates a spaced run's letters (``_SPACED_LETTERS``'s ``sep``), one character.
_RUN_SEPS = frozenset(" _*~+\t")


def _space_before(match: re.Match[str]) -> str:
    return " " + match.group()


#: Spaced letters with mixed separators or separators of their own (one or two spaces, a
#: tab, ``- _ | ,`` with or without spaces around): single letters or digits, ``/ :`` and
#: spaced dots (``.``, a dot look-alike, ``dot``/``d0t``), five or more (attack 16, G02-G09).
_MIXED_SEP = r"(?:[ \t]*[-_|,][ \t]*|[ \t]{1,2})"
_MIXED_UNIT = rf"(?:(?i:dot|d0t)|[^\W_]|[./:{_SPACED_DOT_CHARS}])(?![^\W_])"
_MIXED_SPACED = re.compile(rf"(?<![^\W_]){_MIXED_UNIT}(?:{_MIXED_SEP}{_MIXED_UNIT}){{4,}}")
_MIXED_SEPS = re.compile(_MIXED_SEP)
#: Separators ``_SPACED_LETTERS`` reads alone (a run of one of them is left to it).
_OWN_SEPS = frozenset({" ", "  ", "\t", "_", "*", "~", "+", "-"})


def _unmix(match: re.Match[str]) -> str | None:
    """A run of ``_MIXED_SPACED`` with each separator made one space ("j q-x_v w . e" -> "j q
    x v w . e"), when it holds a spaced dot between letters and its separators are mixed or
    not one ``_SPACED_LETTERS`` reads; else None."""
    text = match.group()
    seps = _MIXED_SEPS.findall(text)
    if len(set(seps)) == 1 and seps[0] in _OWN_SEPS:
        return None
    units = _MIXED_SEPS.split(text)
    dots = [u not in "/:" and (not u.isalnum() or u.lower() in ("dot", "d0t")) for u in units]
    if not any(dots) or dots[0] or any(a and b for a, b in itertools.pairwise(dots)):
        return None
    return " ".join(units)


def _spaced_guess(base: View, rewritten: View) -> View:
    """``rewritten`` (a rewrite of ``base``) with a ``spaced-letters`` mark beside each
    ``prose-spacing`` mark the rewrite made: a guess of where a spaced host ends is still
    spaced letters, and the evidence rule reads the pair (``_evidence.spaced_guess``)."""
    if rewritten is base:
        return rewritten
    made = rewritten.marks[len(base.all_marks()) :]
    rewritten.marks.extend(
        (start, end, Technique.SPACED_LETTERS)
        for start, end, technique in made
        if technique is Technique.PROSE_SPACING
    )
    return rewritten


def _may_be_spaced(text: str, tabbed: bool) -> bool:
    """Three one-character words in a row, or a separator other than a space between them
    (and a dot, colon or slash somewhere, or a spaced dot written another way: a spaced-out
    host has one)."""
    if "." not in text and ":" not in text and "/" not in text:
        # a dot written another way: too few one-character words may stand around it for
        # the gates below ("l o g dot i n"), so the run itself is looked for
        return _has_spaced_dot(text) and _SPACED_LETTERS.search(text) is not None
    if ("_" in text or "*" in text or "~" in text or "+" in text or "-" in text or tabbed) and (
        _SPACED_LETTERS_GATE_HEAD.match(text) or _SPACED_LETTERS_GATE.search(text)
    ):
        return True
    # a one-character word, then two words of at most one character (split at spaces)
    return _ONE_CHAR_WORDS_START.match(text) is not None or _ONE_CHAR_WORDS.search(text) is not None


def _has_spaced_dot(text: str) -> bool:
    lowered = text.lower()
    return (
        "dot" in lowered
        or "d0t" in lowered
        or "d o t" in lowered
        or (not text.isascii() and _SPACED_DOT_CHAR.search(text) is not None)
    )


_SPACED_DOT_CHAR = re.compile(f"[{_SPACED_DOT_CHARS}]")
_ONE_CHAR_WORDS_START = re.compile(r"[^ ] [^ ]? [^ ]?(?![^ ])")
_ONE_CHAR_WORDS = re.compile(r" [^ ] [^ ]? [^ ]?(?![^ ])")


#: Full-width ASCII punctuation (U+FF01-FF5E but letters and digits) and the same glued
#: between ASCII letters, digits, dots or slashes (as in a full-width link).
_WIDE_PUNCT = re.compile(r"[\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff5e]+")
#: A full-width letter or digit: a message typed in full width writes its punctuation so
#: too, glued or not (``ｊｑｘｖｗ ［ｄｏｔ］ ｅｘａｍｐｌｅ``).
_WIDE_ALNUM = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_WIDE_GLUED = re.compile(
    r"[A-Za-z0-9/.][\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff5e]+[A-Za-z0-9]"
)


#: A Markdown escape (Telegram's MarkdownV2 escapes each of ``_*[]()~`>#+-=|{}.!`` and the
#: backslash; other Markdowns a subset): shown as the character.
_MD_ESCAPE = re.compile(r"\\([_*\[\]()~`>#+\-=|{}.!\\])")
#: A pair of emphasis markers (bold, italic, underline, strike-through, spoiler, code) around
#: a run with no space or marker in it (``**bad**.example``, ``bad.||example||``,
#: ``_log_.in``): shown without them. A double ``** || ~~`` may sit inside a word, as
#: CommonMark and Telegram render it (``ba**d**.example``); a single marker and ``__`` may not
#: be glued to an ASCII letter or digit outside (``my_var_name``, ``a*b*c``: code). Bounded:
#: a run is at most a label's 253 characters.
_EMPHASIS = re.compile(
    r"(?P<mark>\*\*|\|\||~~)(?P<body>[^\s*_~|`\\]{1,253}?)(?P=mark)(?![*_~|`])"
    r"|(?<![A-Za-z0-9*_~|`\\])(?P<single>__|[*_~`])"
    r"(?P<word>[^\s*_~|`\\]{1,253}?)(?P=single)(?![A-Za-z0-9*_~|`])"
)
#: Nested emphasis written at once (``***x***``, ``__**x**__``, ``||**x**||``): a run of
#: two to six markers, a run without spaces or markers, and the same run mirrored
#: (``_mirrored``); and a dot between two markers glued between letters (``x*.*y``,
#: ``x`.`y``: a dot in bold or in a code span). Shown without the markers.
_NESTED = re.compile(
    r"(?P<open>[*_~|]{2,6})(?P<inner>[^\s*_~|`\\]{1,253}?)(?P<close>[*_~|]{2,6})"
    r"|(?<=[^\W_])(?P<dotmark>[*_~`]{1,2})(?P<dot>[.\uff0e\u3002])(?P=dotmark)(?=[^\W_])"
)


def _mirrored(match: re.Match[str]) -> str | None:
    if match.group("dot") is not None:
        return match.group("dot")
    opened, closed = match.group("open"), match.group("close")
    nested = closed == opened[::-1] and (len(opened) > 2 or opened[0] != opened[1])
    return match.group("inner") if nested else None  # "**x**" is _EMPHASIS's


#: (An escape or a pair of markers; written to start with one character class, so the engine
#: skips to each backslash or marker instead of trying both alternatives at every character.)
_MARKUP_GATE = re.compile(
    r"[\\*_~|`](?:(?<=\\)[_*\[\]()~`>#+\-=|{}.!\\]|(?<=[*_~|`])[^\s*_~|`\\]+[*_~|`])"
)


def _has_markup(text: str) -> bool:
    """Whether ``text`` may hold an escape or a pair of markers (substring tests first: most
    messages have none of these characters)."""
    return (
        "\\" in text or "*" in text or "_" in text or "~" in text or "|" in text or "`" in text
    ) and _MARKUP_GATE.search(text) is not None


#: Emphasis nests (``***x***``, ``__**x**__``, ``||**x**||``): pairs are dropped from the
#: inside out, this many levels at most.
_EMPHASIS_LEVELS = 3


def _as_shown(view: View) -> View:
    """``view`` with Markdown escapes and emphasis markers read as a chat app shows them,
    and what that shows refanged (a bot escapes ``[.]`` as ``\\[\\.\\]``)."""
    start = view
    if "\\" in view.text:
        view = view.rewrite(_MD_ESCAPE, lambda m: m.group(1), Technique.MARKUP)
    if _NESTED.search(view.text) is not None:
        view = view.rewrite(_NESTED, _mirrored, Technique.MARKUP)
    for _ in range(_EMPHASIS_LEVELS):
        shown = view.rewrite(
            _EMPHASIS, lambda m: m.group("body") or m.group("word"), Technique.MARKUP
        )
        if shown is view:
            break
        view = shown
    return view if view is start else refang(view)


#: Characters drawn as a blank or as nothing (zero-width space, word joiner, BOM, U+180E,
#: the braille blank, the Hangul fillers, invisible operators; bidi marks, embeddings and
#: isolates, which apps put around names and links; joiners, variation and tag characters,
#: interlinear annotation marks, Khmer inherent vowels): the as-written reading drops them,
#: so a word glued by one onto a host is read as a break there too. A break splits only
#: readings; the text as written is still read whole. The soft hyphen is no break: it marks
#: where a word may be hyphenated ("log.in\u00adfor\u00admation" is one word, attack 15).
_BREAKS = re.compile(
    "[\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u2069\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb"
    "\U000e0000-\U000e007f]"
)


#: Exclamation and question marks (two or more, ``?!`` too) glued between a word and what
#: follows (``wow!!bad.example``, ``look?!bad.example``): read also as the space they stand
#: for. A single ``!`` or ``?`` is not (``!user.log.in`` is code, ``x?q=1`` a query), nor a
#: bracket (``(String)my.app`` is a cast).
_GLUED_MARKS = re.compile(r"(?<=[^\W_])[!?]{2,}(?=[^\W_])")


def _as_spaces(match: re.Match[str]) -> str:
    return " " * len(match.group())


#: A hyphen at a line's end between letters or digits, and the line break after it (a
#: wrapped word: "exa-\nmple"); read also without both, besides the joint that keeps it.
_HYPHEN_WRAP = re.compile(r"(?<=[A-Za-z0-9])-[ \t]*\r?\n[ \t]*(?:>[ \t]?)*(?=[A-Za-z0-9])")


def _drop(match: re.Match[str]) -> str:
    return ""


#: Quoted-printable (a forwarded or pasted e-mail body, RFC 2045 6.7): a soft line break
#: (``=`` at a line's end, glued to what precedes it) and an ``=XX`` escape (upper-case hex,
#: as the encoding writes it) of a link's punctuation (``qzvkt=2Eexample``, ``?a=3Db``; an
#: encoder never escapes letters or digits, so ``id=4031`` keeps its digits).
_QP = re.compile(r"(?<=[^\s=])=\r?\n|=(?:2[356BDEF]|3[ADF]|40|5F|7E)")
#: What makes a message quoted-printable enough to read so: a soft break or an escaped
#: dot, slash, colon or ``@`` (``=3D`` alone is common in code and queries, ``id=40`` is a
#: number).
_QP_GATE = re.compile(r"=(?:\r?\n|2E|2F|3A|40(?![0-9]))")


#: A %-escape run a link writes on purpose: an escaped dot, slash, colon, ``@`` or defang
#: bracket, or a UTF-8 lead byte (a look-alike letter or dot) followed by its first
#: continuation byte (``jqxvw[%2E]example``, ``see:jqxvw%2Eexample/``, ``%D1%98qxvw``).
_ESCAPE_GATE = re.compile(r"%(?:2[EeFf]|3[Aa]|40|5[BbDd]|[C-Fc-f][0-9A-Fa-f]%[89ABab])")


def _escape_shown(match: re.Match[str]) -> str | None:
    """A run of escapes as the UTF-8 characters it spells, or None (kept) when it spells
    none, or spells white space or a control (which the token reading already reads)."""
    shown = utf8_run(match.group())
    if shown is None or not shown.isprintable() or any(c.isspace() for c in shown):
        return None
    return shown


#: A web scheme, its host's first piece (no dot, no slash) and the one or two spaces after
#: it, before a piece that completes a dotted host: ``http://jqx vw.example/``,
#: ``http://user@jqx vw.example/``. A browser refuses such a host; a person reads it joined.
_SPACE_IN_HOST = re.compile(
    r"(?<![\w.])(?:https?|ftp)://[^\s/.]+ {1,2}(?=[A-Za-z0-9-]+\.[A-Za-z0-9])", re.IGNORECASE
)


#: The cheap test before ``_SPACE_IN_HOST`` runs over a text (a literal start: fast).
_SPACE_IN_HOST_GATE = re.compile(r"://[^\s/.]+ {1,2}[A-Za-z0-9-]+\.[A-Za-z0-9]")


def _without_spaces(match: re.Match[str]) -> str:
    return match.group().rstrip(" ")


def _unquote_printable(match: re.Match[str]) -> str:
    text = match.group()
    if text[1] in "\r\n":
        return ""
    return chr(int(text[1:], 16))


def _qp_technique(match: re.Match[str]) -> Technique:
    return Technique.INVISIBLE if match.group()[1] in "\r\n" else Technique.PERCENT_ENCODED


#: A token holding tabs (``http://jqx\tvw.example/``): white space but tabs on neither side.
_TABBED = re.compile(r"[^\s]++(?:\t++[^\s]++)++")
#: Where the tabs of such a token are inside a URL: after a scheme's ``://`` or inside an
#: ``href``/``src`` attribute value (the WHATWG URL parser removes every ASCII tab and
#: newline from a URL, so a browser opens the URL without them).
_TAB_URL_START = re.compile(
    r"(?:[\"'(<\[]*(?i:href|src|action)=[\"']?)|[^\t]*?(?i:[a-z][a-z0-9+.-]{0,15})://"
)
_TAB_RUN = re.compile(r"\t+")


def _tabs_in_urls(text: str) -> frozenset[int]:
    """Starts of the tab runs that lie inside a URL (``_TAB_URL_START`` before the first)."""
    starts: set[int] = set()
    for token in _TABBED.finditer(text):
        head = _TAB_URL_START.match(text, token.start(), token.end())
        if head is None or "\t" in text[token.start() : head.end()]:
            continue
        at = head.end()
        while (tab := text.find("\t", at, token.end())) >= 0:
            starts.add(tab)
            at = _TAB_RUN.match(text, tab).end()  # type: ignore[union-attr]
    return frozenset(starts)


def _narrow(match: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", match.group())


#: Three spaced units at the text's start, or after a separator (``_SPACED_LETTERS_GATE``
#: starts with the separator's character class, so the engine skips to each one; the text's
#: start is ``_SPACED_LETTERS_GATE_HEAD``): together ``(?:^|[ _*~+\t-])`` before the units.
_SPACED_THREE = r"[\w./:-](?:  ?|[_*~+\t-])[\w./:-](?:  ?|[_*~+\t-])[\w./:-]"
_SPACED_LETTERS_GATE = re.compile(rf"[ _*~+\t-]{_SPACED_THREE}")
_SPACED_LETTERS_GATE_HEAD = re.compile(_SPACED_THREE)
#: A path with no host ("album/9", "/x/y"). It starts only where no path character comes
#: before it (not after ``~`` or ``%``), and no two quantifiers share characters, so a failed
#: match costs its own length once, not once per character of a long run.
_HOSTLESS_PATH = re.compile(
    r"(?<![\w./:@~%-])(?P<path>/?[A-Za-z0-9_~%-]+(?:/[A-Za-z0-9_~%.=&?-]+)+/?"
    r"|/[A-Za-z0-9_~%-][A-Za-z0-9_~%.=&?-]*/?|[A-Za-z0-9_~%-]+/)(?![\w/])"
)

#: Where a host-less path can start: no path character before it, and a ``/`` there or
#: after a run of path characters (each alternative of ``_HOSTLESS_PATH`` needs one). Much
#: cheaper to search for than the path itself, and most messages have no such place.
_PATH_START = re.compile(r"(?<![\w./:@~%-])(?:/|[A-Za-z0-9_~%-]+/)")


#: ``_PATH_START`` read backwards (on the reversed text), a literal ``/`` first, so the
#: engine skips to each ``/``: it matches somewhere exactly when ``_PATH_START`` does (the
#: run before a ``/`` is made of characters the lookbehind refuses, so only a whole run can
#: start a match; the end of the reversed text is the start of the text).
_PATH_START_BACKWARDS = re.compile(r"/[A-Za-z0-9_~%-]*(?![\w./:@~%-])")


def _hostless_paths(text: str) -> Iterator[re.Match[str]]:
    """``_HOSTLESS_PATH.finditer(text)``: the same matches, tried only at ``_PATH_START``."""
    if _PATH_START_BACKWARDS.search(text[::-1]) is None:
        return  # no place a path can start: most messages with a link
    find, match = _PATH_START.search, _HOSTLESS_PATH.match
    at = 0
    while True:
        start = find(text, at)
        if start is None:
            return
        found = match(text, start.start())
        if found is None:
            at = start.start() + 1
            continue
        yield found
        at = found.end()  # never empty: every alternative holds a "/" and a character


#: Readers by (top-level domains, rules), compared by identity: the same bundle passes the
#: same objects every time, and hashing them per message would cost more than reading it.
_READERS: dict[tuple[int, int], tuple[frozenset[str], tuple[WrapperRule, ...], Reader]] = {}


def _reader(tlds: frozenset[str], rules: tuple[WrapperRule, ...]) -> Reader:
    key = (id(tlds), id(rules))
    held = _READERS.get(key)
    if held is not None and held[0] is tlds and held[1] is rules:
        return held[2]
    if len(_READERS) > 8:
        _READERS.clear()
    reader = Reader(tlds, rules)
    _READERS[key] = (tlds, rules, reader)
    return reader


def extract_links(
    text: str,
    context_hosts: Iterable[str] = (),
    *,
    tlds: frozenset[str] | None = None,
    context_paths: Iterable[str] = (),
    wrappers: Iterable[WrapperRule] = (),
    spoken_hosts: bool = False,
    spoken_paths: bool = False,
) -> Candidates:
    """Every candidate link in ``text``, every plausible reading, with spans in ``text``.

    ``context_hosts`` are hosts the app knows the conversation is about (an earlier message's
    link, most recent last); a host-less path such as "content/123" is combined with them
    and with hosts named anywhere in the same text. ``tlds`` is the set of top-level domains
    a host must end in (the bundle's Public Suffix List; default: the pinned snapshot).
    ``context_paths`` are host-less paths of earlier messages: each is combined with every
    host this message names; with ``spoken_hosts`` a host written with a space for its dot
    ("bad example") is named too (for the conversation), and with ``spoken_paths`` such a
    host is joined with this message's host-less paths (read only when there are some).
    ``wrappers`` are redirect-wrapper rules beyond the SDK's own list (the bundle's). Every
    candidate is returned, however many; only text past ``MAX_TEXT_CHARS`` is left unread,
    and then ``complete`` is False.
    """
    if not spoken_hosts and _nothing_to_read(text):
        context_paths = tuple(context_paths)
        if not any(path.strip("/") for path in context_paths):
            return _NOTHING  # the common case of chat: one scan proves no pass finds anything
    return _extract(text, context_hosts, tlds, context_paths, wrappers, spoken_hosts, spoken_paths)


def _extract(
    text: str,
    context_hosts: Iterable[str],
    tlds: frozenset[str] | None,
    context_paths: Iterable[str],
    wrappers: Iterable[WrapperRule],
    spoken_hosts: bool,
    spoken_paths: bool,
) -> Candidates:
    """:func:`extract_links` without the quick test for text with nothing to read."""
    notes: list[str] = []
    if len(text) > MAX_TEXT_CHARS:
        notes.append(f"only the first {MAX_TEXT_CHARS} of {len(text)} characters were read")
        text = text[:MAX_TEXT_CHARS]
    extra = tuple(wrappers)
    rules = (*default_rules(), *extra) if extra else default_rules()
    reader = _reader(tlds if tlds is not None else top_level_domains(), rules)
    results: dict[tuple[int, int, str], Candidate] = {}
    given = [host for host in context_hosts if host]
    pending = [path.strip("/") for path in context_paths if path.strip("/")]
    paths: list[str] = []
    spoken: list[str] = []
    try:
        for offset, window in _windows(text):
            _extract_window(
                window,
                offset,
                reader,
                given,
                results,
                pending,
                paths,
                spoken if spoken_hosts else None,
                spoken_hosts or spoken_paths,
                notes,
            )
    finally:
        forget_path_stop()  # (no message text is kept once the call returns)
    if not results and not notes and not paths and not spoken:
        return _NOTHING  # the common case of chat: nothing that could be a link
    if len(results) == 1:  # (one reading: its host, unless given or a look-alike)
        candidates = list(results.values())
        only = candidates[0]
        hosts = (
            [host_of(only.url)[0]]
            if Technique.CONTEXT_HOST not in only.techniques
            and Signal.LOOKALIKE not in only.signals
            else []
        )
    else:
        candidates = sorted(results.values(), key=lambda c: (c.start, c.tier != STRICT, -c.end))
        # most telling last (a Conversation tries its most recent hosts first): hosts written
        # with spaces for dots, then loose readings, then strict ones; each in text order
        ranked = sorted(
            (c for c in candidates if Technique.CONTEXT_HOST not in c.techniques),
            key=lambda c: c.tier == STRICT,
        )
        hosts = [host_of(c.url)[0] for c in ranked if Signal.LOOKALIKE not in c.signals]
    if spoken:
        spoken.sort(key=lambda h: -h.count("."))  # "on.bad.example" before "bad.example"
    named = spoken + [h.lower() for h in hosts if "." in h and not h.startswith("[")]
    return Candidates(candidates, dict.fromkeys(notes), dict.fromkeys(named), dict.fromkeys(paths))


#: The candidates of a message with none (immutable, so one object serves every message).
_NOTHING = Candidates()
#: ``Candidate(*fields)`` without the frozen guard's writes (one per reading: ``_fastnew``).
_new_candidate = builder(Candidate)

#: ASCII characters that some pass needs before it reads anything: a link's syntax
#: (``. : % /``, what tokens, spaced letters, host-less paths and a space as a dot need), a
#: line break (the ``line`` joint), brackets, ``\ ^ ; *`` (what the defang gate looks for) and
#: ``# ~ + = | *`` (joints between letters), controls (folded away).
_READ_CHARS = re.compile(r"[.:%/\n\[\](){}<>\\^;*#~+=|\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Lower-case words that the defang gate or a glued dot word starts from.
_READ_WORDS = ("xx", "dot", "d0t", "dt", "fxp", "http ", "https ", "ftp ", "slash")
#: ``, _ $ & ! ?`` glued between letters or digits: a punctuation joint (the other symbols of
#: that joint are in ``_READ_CHARS``).
_GLUED_PUNCT = re.compile(r"[,_$&!?](?=[A-Za-z0-9])")
_ASCII_JOINT_WORDS = frozenset(w for w in JOINT_WORDS if w.isascii())


def _nothing_to_read(text: str) -> bool:
    """Whether ``text`` is ASCII chat that no pass of extraction reads anything in.

    A quick superset test of every pass's own gate (``_refang``'s defang gate, the joint
    families of ``_readings``, tokens, spaced letters, host-less paths, a space as a dot): when
    it is True, ``_extract`` finds nothing (tests/test_extract.py checks it on any text). Only
    ASCII text up to one window is tested; anything else is read in full. Host names written
    with spaces for dots ("bad example") need no such character, so a caller asking for them
    reads in full.
    """
    if len(text) > WINDOW_CHARS or not text.isascii() or _READ_CHARS.search(text):
        return False
    lowered = text.lower()
    for word in _READ_WORDS:
        if word in lowered:
            return False
    if not _ASCII_JOINT_WORDS.isdisjoint(lowered.split()):
        return False
    for match in _GLUED_PUNCT.finditer(text):
        before = text[match.start() - 1 : match.start()]
        if before.isalnum():  # ASCII text: a letter or a digit
            return False
    return True


#: A message of letter-only words and one web link, one space apart: the link a scheme, a
#: host of ASCII letters, digits, ``-`` and dots, and a path (starting with ``/``) of
#: ``A-Z a-z 0-9 . _ ~ / ? = & % : -``, ending in a letter or digit unless it ends the message.
#: (Words as runs of letters and spaces: ``_plain_link_message`` refuses two spaces in a row.)
_PLAIN_LINK_MESSAGE = re.compile(
    r"(?:[A-Za-z][A-Za-z ]* )?"
    r"(?P<link>https?://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:/[A-Za-z0-9._~/?=&%:-]*)?)"
    r"(?:(?<=[A-Za-z0-9]) [A-Za-z ]*+(?<=[A-Za-z]))?"
)


def _plain_link_message(text: str) -> tuple[int, int] | None:
    """The span of the link when ``text`` is one plain web link among plain words
    (``_PLAIN_LINK_MESSAGE``, one space apart) with no word a joint word and no ``dot``,
    ``d0t`` or ``slash`` in it, else None. Then the link is the text's one token (the words
    hold no ``. : %``), and the joint passes and the space-as-dot pass of its strict view
    find nothing (``_extract_window`` skips them; tests/test_extract_fast_path.py compares
    with the full read on any text):

    - joint families (``_readings._families_in``): no line break, tab or ``:// `` (one link,
      a host after its ``://``); no ``. `` or `` .`` and no ``/ `` or `` /`` (dots and slashes
      are only inside the link, which starts with its scheme and, followed by a word, ends in
      a letter or digit); no joint word (tested here as the family's gate tests it); no glued
      dot or slash word and only ASCII (tested here); punctuation joints only at ``_ ~ ? =
      &``, all inside the link's path (its path starts with ``/``), which the punctuation
      family skips (``_LinkPaths``); no brackets, so no bracketed punctuation; no folded or
      odd space (ASCII);
    - a space as a dot needs a space, letters and a ``/``: every ``/`` is inside the link,
      after ``:`` or a host or path character, never after a space and letters;
    - host-less paths start only after a character outside ``[\\w./:@~%-]`` or at the text's
      start: here only after ``? = &`` (so with none of them, ``_add_context_paths`` is
      skipped too).

    The other passes (tokens, the alternative views, every gate of their own) run as for
    any text. A pass added to ``_extract_window`` must be proved empty here or run."""
    shape = _PLAIN_LINK_MESSAGE.fullmatch(text)
    if shape is None or "  " in text:
        return None
    lowered = text.lower()
    if "dot" in lowered or "d0t" in lowered or "slash" in lowered:
        return None
    if not _ASCII_JOINT_WORDS.isdisjoint(lowered.split()):
        return None
    return shape.span("link")


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
    text: str,
    offset: int,
    reader: Reader,
    context_hosts: list[str],
    results: dict[tuple[int, int, str], Candidate],
    pending: list[str],
    paths: list[str],
    spoken: list[str] | None,
    join_spoken: bool = False,
    notes: list[str] | None = None,
) -> None:
    strict = refang(_fold.fold(text))
    found = Readings()
    link = _plain_link_message(text) if strict.text is text else None
    plain = link is not None
    if link is None:
        reader.tokens(strict, found, loose=False)
        reader.joints(strict, found, text)
        reader.space_as_dot(strict, found)
    else:  # its one token is the link; no joint, no space as a dot (_plain_link_message)
        reader.token(strict, link[0], link[1], found, loose=False)
    tabbed = "\t" in strict.text  # (asked once: the spaced views and the tab pass)
    alternatives = _spaced_views(strict, reader.tlds, tabbed)
    if "-\n" in strict.text or "-\r\n" in strict.text:
        # "http://bad.exa-\nmple/x": a word wrapped at a hyphen it never had
        unwrapped = strict.rewrite(_HYPHEN_WRAP, _drop, Technique.LINE_BREAK)
        if unwrapped is not strict:
            alternatives.append(unwrapped)
    if "=" in strict.text and _QP_GATE.search(strict.text) is not None:
        # "http://bad.exa=\nmple/", "bad=2Eexample": a quoted-printable mail body
        unquoted = strict.rewrite(_QP, _unquote_printable, _qp_technique)
        if unquoted is not strict:
            alternatives.append(unquoted)
    if not plain and _SPACE_IN_HOST_GATE.search(strict.text) is not None:
        # "see http://jqx vw.example/ ok": a space inside a host after a scheme (check_url
        # reads it so, ADR 0029; here the scheme is the corroboration, attack 16 F06)
        joined = strict.rewrite(_SPACE_IN_HOST, _without_spaces, Technique.PROSE_SPACING)
        if joined is not strict:
            alternatives.append(joined)
    if "%" in strict.text and _ESCAPE_GATE.search(strict.text) is not None:
        # "see:jqxvw%2Eexample/", "jqxvw[%2E]example", "http://%D1%98qxvw.example/": the
        # message read with its deliberate escapes undone, so every text reading (a glued
        # word, a defang, a look-alike letter) sees what they spell (attack 16 F, E)
        unescaped = strict.rewrite(PCT_RUN, _escape_shown, Technique.PERCENT_ENCODED)
        if unescaped is not strict:
            alternatives.append(refang(unescaped))
            if not unescaped.text.isascii():
                look = _fold.skeleton(unescaped)
                if look is not None:
                    alternatives.append(refang(look))
    folded = strict.text
    if ("!!" in folded or "??" in folded or "?!" in folded or "!?" in folded) and (
        _GLUED_MARKS.search(folded) is not None
    ):
        # "wow!!bad.example/p", "look?!bad.example": a run of marks glued
        # between a word and a host is a sentence's, as a space would be (attack 15)
        marks = strict.rewrite(_GLUED_MARKS, _as_spaces, Technique.PROSE_SPACING)
        if marks is not strict:
            alternatives.append(marks)
    if _has_markup(strict.text):
        # "\\(bad.example\\)", "**bad**.example": chat markup read as it is shown
        shown = _as_shown(strict)
        if shown is not strict:
            alternatives.append(shown)
    if tabbed:
        # "http://bad.exa\tmple/", '<a href="http://bad.exa\tmple/">': a URL drops its tabs
        tabs = _tabs_in_urls(strict.text)
        if tabs:
            untabbed = strict.rewrite(
                _TAB_RUN, lambda m: "" if m.start() in tabs else None, Technique.INVISIBLE
            )
            if untabbed is not strict:
                alternatives.append(untabbed)
    if not text.isascii():
        if _BREAKS.search(text) is not None:
            # "hey\u2800bad.example", "bad.example\u200bnow": a blank or zero-width character
            # between a word and a host is a word break as a reader or a line breaker sees
            # it (read also so, one space for one character: the map stays the identity)
            broken = refang(_fold.fold(_BREAKS.sub(" ", text)))
            if broken.text != strict.text:
                alternatives.append(broken)
                # "j\u200bq x v w . e x a m p l e": the break stands for a letter's space
                alternatives.extend(_spaced_views(broken, reader.tlds))
        if _WIDE_GLUED.search(strict.text) is not None or (
            _WIDE_ALNUM.search(text) is not None and _WIDE_PUNCT.search(strict.text) is not None
        ):
            # full-width "＿ ？ ＝ ＆ ＃ ％ ～" inside a link: a reading keeps them (NFKC)
            wide = strict.rewrite(_WIDE_PUNCT, _narrow, Technique.UNICODE)
            if wide is not strict:
                alternatives.append(refang(wide))  # "［ｄｏｔ］" narrowed is a defang
        bidi = _fold.bidi_views(text, strict)
        if bidi is not None:
            alternatives.append(bidi)
        look = _fold.skeleton(strict)
        if look is not None:
            look = refang(look)  # "[dоt]" with a Cyrillic о is a defang once skeletoned
            alternatives.append(look)
            alternatives.extend(_spaced_views(look, reader.tlds))
    for view in alternatives:
        reader.tokens(view, found, loose=True)
        reader.joints(view, found, text)
        reader.space_as_dot(view, found)
    if notes is not None:
        notes.extend(found.notes)
    window_results: dict[tuple[int, int, str], Candidate] = {}
    # a terminal escape is judged as the blank it is shown as, not as code ("\x1b[38:2:0m")
    judged = _fold.blank_controls(text) if "\x1b" in text or "\x9b" in text else text
    if not text.isascii() and _BREAKS.search(judged) is not None:
        judged = _BREAKS.sub(" ", judged)  # judged as the break it is read as: "bob@\u200bx"
    lines = _Lines(judged)
    for item in found:
        key = (item.start + offset, item.end + offset, item.url)
        if key in results or key in window_results:
            continue
        window_results[key] = _candidate(item, offset, judged, lines)
    held: list[list[tuple[int, int, str]]] = []

    def loose_hosts() -> list[tuple[int, int, str]]:
        """Hosts written with spaces for dots, read only when something needs them."""
        if not held:
            wanted = join_spoken and " " in strict.text
            spaced = reader.spoken_hosts(strict) if wanted else []
            held.append([(s + offset, e + offset, h) for s, e, h in spaced])
        return held[0]

    if spoken is not None:
        spoken.extend(h for _, _, h in loose_hosts())
    if not plain or "?" in text or "=" in text or "&" in text:
        # (a plain link message without "? = &" has no place a host-less path can start)
        _add_context_paths(
            strict, offset, window_results, results, context_hosts, paths, loose_hosts, notes
        )
    if pending:
        _add_pending_paths(window_results, pending, loose_hosts(), notes)
    results.update(window_results)


#: Markup elsewhere in a text: a closing or empty tag, an XML declaration, a doctype.
_MARKUP_TAGS = re.compile(r"</[A-Za-z]|/>|<\?xml|<!(?:DOCTYPE|--)", re.IGNORECASE)


#: How far a line is read around a reading to judge whether it is code (each side). A
#: longer line is judged in pieces of twice this, starting every ``_LINE_CHARS`` characters.
_LINE_CHARS = 512
#: How far back a token is read for a ``?``, ``#``, ``&``, ``=`` or ``/`` before a reading.
_TOKEN_BACK = 256


class _Lines:
    """The lines of one window's text, as readings are judged by them (code or not).

    A reading is judged by its line (from the start of the line it starts on to the end of
    the line it ends on) when it lies within ``_LINE_CHARS`` of both ends or the line is at
    most twice that long. On a longer line, by the piece of ``2 * _LINE_CHARS`` characters
    (pieces start every ``_LINE_CHARS`` from the line's start) whose middle is nearest the
    reading's, widened to hold the reading. Lines and pieces are shared by the readings on
    them and each is judged once (``Line``), so a long line of many readings costs its
    length, not its length per reading.
    """

    __slots__ = ("_breaks", "_code_lines", "_held", "_markup", "signals", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._code_lines: list[tuple[int, int]] | None = None
        self._markup: bool | None = None
        self._breaks: list[int] | None = None
        self._held: dict[tuple[int, int], Line] = {}
        #: ``code_signal`` by its arguments (a line compares by identity: one per piece)
        self.signals: dict[tuple[str, str, str, Line | None, bool, bool, bool], Signal | None] = {}

    def has_markup(self) -> bool:
        """Whether the text holds a closing or empty tag, an XML declaration or a doctype
        anywhere: then a ``<name>`` in it is an element, not a link in angle brackets."""
        if self._markup is None:
            self._markup = _MARKUP_TAGS.search(self.text) is not None
        return self._markup

    def around(self, start: int, end: int) -> Line:
        """The line or piece that judges ``text[start:end]``."""
        text = self.text
        breaks = self._breaks
        if breaks is None:
            breaks = self._breaks = [m.start() for m in _LINE_BREAK.finditer(text)]
        at = bisect.bisect_left(breaks, start)
        first = breaks[at - 1] + 1 if at else 0
        at = bisect.bisect_left(breaks, end, at)
        last = breaks[at] if at < len(breaks) else len(text)
        if start - first <= _LINE_CHARS and last - end <= _LINE_CHARS:
            lo, hi = first, last
        else:
            step = _LINE_CHARS
            middle = (start + end) // 2
            piece = max(0, (middle - first - step // 2) // step)
            piece = min(piece, max(0, -(-(last - first - 2 * step) // step)))
            lo = first + piece * step
            hi = min(last, lo + 2 * step)
            lo, hi = min(lo, start), max(hi, end)
        key = (lo, hi)
        held = self._held.get(key)
        if held is None:
            held = self._held[key] = Line(
                text[lo:hi], functools.partial(self._code_besides, lo, hi)
            )
        return held

    def _code_besides(self, lo: int, hi: int) -> bool:
        """Whether a line of the text outside ``text[lo:hi]`` reads as code (each line judged
        once, the first time a reading asks: ``_evidence._ambiguous_mark``)."""
        if self._code_lines is None:
            text = self.text[:_CODE_LINES_CHARS]
            self._code_lines = []
            at = 0
            for row in text.split("\n"):
                if line_reads_as_code(row):
                    self._code_lines.append((at, at + len(row)))
                at += len(row) + 1
        return any(end < lo or start > hi for start, end in self._code_lines)


_LINE_BREAK = re.compile("\n")
#: How much of a window's text is read for code lines besides a reading's own
#: (``_Lines._code_besides``): enough for a snippet, bounded for a long text.
_CODE_LINES_CHARS = 8192


def _embedded(text: str, start: int) -> bool:
    """Whether ``start`` lies inside the path, query or fragment of a longer token, or after
    a ``key=``: a value inside something else, not a link of its own."""
    lo = max(0, start - _TOKEN_BACK)
    cut = max(
        text.rfind(" ", lo, start),
        text.rfind("\n", lo, start),
        text.rfind("\t", lo, start),
        text.rfind("|", lo, start),
    )
    piece = text[max(cut + 1, lo) : start]  # the token so far (after white space or "|")
    return "?" in piece or "#" in piece or "&" in piece or "=" in piece


def _candidate(item: Found, offset: int, text: str, lines: _Lines | None = None) -> Candidate:
    if lines is None:
        lines = _Lines(text)
    host = host_of(item.url)[0]
    signals: tuple[Signal, ...] = ()
    if Technique.LOOKALIKE in item.techniques or (not host.isascii() and lookalike(host)):
        signals = (Signal.LOOKALIKE,)
    before = text[max(0, item.start - CONTEXT_CHARS) : item.start]
    after = text[item.end : item.end + CONTEXT_CHARS]
    if (
        before[-1:].isalpha()
        and Technique.SPACED_LETTERS in item.techniques
        and text[item.start + 1 : item.start + 2] in _RUN_SEPS
    ):
        # "checkj q x v w . e x a m p l e": a word's last letter read as a spaced run's first
        # (_edge_views) is no piece of an identifier glued to the word: the word ends there
        before += " "
    line: Line | None = None
    embedded = False
    url = item.url
    named = url if ":" not in url else None if "/" in url else port_host(url)  # "db.host:5432"
    if named is not None and identifier_shaped(named.lstrip("!")):
        line = lines.around(item.start, item.end)
        embedded = _embedded(text, item.start)
    elif item.loose and "/" not in item.url:
        line = lines.around(item.start, item.end)
    if line is not None and Technique.SPACED_LETTERS in item.techniques:
        written = text[item.start : item.end]
        if "_" in written and written in line.text:
            # "j_q_x_v_w_._e_x_a_m_p_l_e", "j q-x_v w . e": the letters' own "_" spacing is no
            # snake_case of the line: the line is judged with the run as read (attack 16 G01)
            line = Line(line.text.replace(written, item.url))
    # the same name in the same context on the same line (a repeated word) is judged once
    markup = before[-1:] == "<" and lines.has_markup()
    judged = (item.url, before, after, line, embedded, item.loose, markup)
    if judged in lines.signals:
        code = lines.signals[judged]
    else:
        code = lines.signals[judged] = code_signal(*judged)
    if code is not None:
        signals = (*signals, code)
    tier = LOOSE if item.loose else STRICT
    return _new_candidate(
        item.url, item.start + offset, item.end + offset, item.techniques, tier, signals
    )


#: Host mentions looked at on each side of a host-less path, per tier, to find its nearest
#: hosts (runs of the same host count once); past it, a note says the path was not joined
#: with every host the message names.
MAX_CONTEXT_SCAN = 64


def _add_context_paths(
    view: View,
    offset: int,
    found: dict[tuple[int, int, str], Candidate],
    earlier: dict[tuple[int, int, str], Candidate],
    context: list[str],
    paths: list[str],
    loose_hosts: Callable[[], list[tuple[int, int, str]]],
    notes: list[str] | None = None,
) -> None:
    """Combine host-less paths with hosts named in the message (before or after) or given.

    Links already found are bisected (sorted spans and their running furthest end), and the
    nearest hosts of each path are found by walking outward from its place in the sorted
    host mentions, so the work per path is bounded, not proportional to the message."""
    if "/" not in view.text:
        return
    linked_starts: list[int] | None = None  # built at the first path (most messages have none)
    reach: list[int] = []
    spans = []
    for match in _hostless_paths(view.text):
        if linked_starts is None:
            linked = sorted((c.start, c.end) for c in found.values() if c.tier == STRICT)
            linked_starts = [s for s, _ in linked]
            for _, e in linked:
                reach.append(max(e, reach[-1]) if reach else e)
        start, end = view.span(match.start("path"), match.end("path"))
        start, end = start + offset, end + offset
        at = bisect.bisect_right(linked_starts, start)
        if at and reach[at - 1] > start:
            continue  # part of a link already found
        spans.append((start, end, match.group("path").lstrip("/")))
        paths.append(match.group("path").strip("/"))
    if not spans:
        return
    tiers: tuple[list[tuple[int, int, str, int]], list[tuple[int, int, str, int]]] = ([], [])
    order = 0
    for c in [*found.values(), *earlier.values()]:
        order += 1
        if Signal.LOOKALIKE in c.signals or Technique.CONTEXT_HOST in c.techniques:
            continue
        host = host_of(c.url)[0]
        if host and "." in host:
            tiers[c.tier != STRICT].append((c.start, c.end, host, order))
    for s, e, host in loose_hosts():
        order += 1
        if host and "." in host:
            tiers[1].append((s, e, host, order))
    if not tiers[0] and not tiers[1] and not context:
        return
    ordered = [sorted(tier, key=lambda item: (item[0], item[3])) for tier in tiers]
    starts = [[item[0] for item in tier] for tier in ordered]
    runs = [_runs(tier) for tier in ordered]
    distinct = [frozenset(item[2] for item in tier) for tier in ordered]
    capped = nearest_only = False
    # every host the conversation keeps is tried, most recent first (past its bound: noted)
    recent = list(dict.fromkeys(reversed(context)))
    if len(recent) > MAX_CONVERSATION_HOSTS and notes is not None:
        notes.append(
            f"a host-less path was joined only with the {MAX_CONVERSATION_HOSTS} most recent "
            f"of {len(recent)} context hosts"
        )
    recent = recent[:MAX_CONVERSATION_HOSTS]
    for start, end, path in spans:
        hosts: list[str] = []
        for tier, tier_starts, tier_runs, count in zip(
            ordered, starts, runs, distinct, strict=True
        ):
            if len(hosts) >= MAX_CONTEXT_HOSTS:
                break
            capped = (
                _nearest_hosts(tier, tier_starts, tier_runs, count, start, end, hosts) or capped
            )
        taken = sum(host in distinct[0] for host in hosts)  # O(6), not O(hosts of the message)
        if len(hosts) >= MAX_CONTEXT_HOSTS and len(distinct[0]) > taken:
            nearest_only = True
        hosts = list(dict.fromkeys([*hosts, *recent]))
        for host in hosts:
            url = f"{host}/{path}"
            key = (start, end, url)
            if key not in found and key not in earlier:
                found[key] = Candidate(url, start, end, (Technique.CONTEXT_HOST,), LOOSE, ())
    if nearest_only and notes is not None:
        notes.append(
            f"a host-less path was joined only with the {MAX_CONTEXT_HOSTS} nearest of the "
            "hosts its message names"
        )
    if capped and notes is not None:
        notes.append(
            f"a host-less path was joined only with the nearest hosts among "
            f"{MAX_CONTEXT_SCAN} host mentions on each side"
        )


def _runs(tier: list[tuple[int, int, str, int]]) -> tuple[list[int], list[int]]:
    """For each item of a sorted tier, where its run of the same host starts and ends."""
    first: list[int] = []
    for index, item in enumerate(tier):
        same = index and tier[index - 1][2] == item[2]
        first.append(first[-1] if same else index)
    after = [0] * len(tier)
    stop = len(tier)
    for index in range(len(tier) - 1, -1, -1):
        if index + 1 < len(tier) and tier[index + 1][2] != tier[index][2]:
            stop = index + 1
        after[index] = stop
    return first, after


def _nearest_hosts(
    tier: list[tuple[int, int, str, int]],
    tier_starts: list[int],
    runs: tuple[list[int], list[int]],
    distinct: frozenset[str],
    start: int,
    end: int,
    hosts: list[str],
) -> bool:
    """Add to ``hosts`` the distinct hosts of ``tier`` nearest to ``start`` (not overlapping
    ``[start, end)``; equally near: in the order they were read), up to
    ``MAX_CONTEXT_HOSTS``. Runs of hosts already taken are skipped whole. True when
    ``MAX_CONTEXT_SCAN`` steps on each side stopped the walk with new hosts possibly left."""
    run_first, run_after = runs
    right = bisect.bisect_left(tier_starts, start)
    left = right - 1
    steps = 0
    taken = set(hosts)
    own = len(distinct & taken)  # hosts of this tier already taken
    while len(hosts) < MAX_CONTEXT_HOSTS and (left >= 0 or right < len(tier)):
        if own >= len(distinct):
            return False  # every host of this tier is taken: nothing further can be new
        if steps >= 2 * MAX_CONTEXT_SCAN:
            return True
        steps += 1
        near_left = start - tier_starts[left] if left >= 0 else _FAR
        near_right = tier_starts[right] - start if right < len(tier) else _FAR
        distance = min(near_left, near_right)
        group = []
        if near_left == distance:
            while left >= 0 and tier_starts[left] == start - distance:
                group.append(tier[left])
                left -= 1
        if near_right == distance:
            while right < len(tier) and tier_starts[right] == start + distance:
                group.append(tier[right])
                right += 1
        group.sort(key=lambda item: item[3])
        for s, e, host, _ in group:
            if (e <= start or s >= end) and host not in taken:
                hosts.append(host)
                taken.add(host)
                own += 1
        # a run of a host already taken adds nothing: skip it whole (one step)
        if left >= 0 and tier[left][2] in taken:
            left = run_first[left] - 1
        if right < len(tier) and tier[right][2] in taken:
            right = run_after[right]
    return False


_FAR = 1 << 62


def _add_pending_paths(
    found: dict[tuple[int, int, str], Candidate],
    given: list[str],
    loose_hosts: list[tuple[int, int, str]],
    notes: list[str] | None,
) -> None:
    """Paths of earlier messages, joined to each host this message names (at its span):
    the ``MAX_CONVERSATION_PATHS`` most recent (past them, a note once a host is named)."""
    pending = given[-MAX_CONVERSATION_PATHS:]
    if len(given) > MAX_CONVERSATION_PATHS and (loose_hosts or found) and notes is not None:
        notes.append(
            f"a host was joined only with the {MAX_CONVERSATION_PATHS} most recent of "
            f"{len(given)} context paths"
        )
    for start, end, host in loose_hosts:
        for path in pending:
            url = f"{host}/{path}"
            techniques: tuple[Technique, ...] = (Technique.SPACE_AS_DOT, Technique.CONTEXT_HOST)
            found.setdefault((start, end, url), Candidate(url, start, end, techniques, LOOSE, ()))
    for candidate in list(found.values()):
        if Technique.CONTEXT_HOST in candidate.techniques or Signal.LOOKALIKE in candidate.signals:
            continue
        host = host_of(candidate.url)[0]
        if "." not in host:
            continue
        for path in pending:
            url = f"{host}/{path}"
            key = (candidate.start, candidate.end, url)
            if key not in found:
                techniques = (*candidate.techniques, Technique.CONTEXT_HOST)
                found[key] = Candidate(
                    url, candidate.start, candidate.end, techniques, LOOSE, candidate.signals
                )
