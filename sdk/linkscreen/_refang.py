"""Undo defanging that only ever appears where someone meant a link (the strict reading).

``hxxp``, ``[.]``, ``(dot)``, ``[:]``, ``(slash)``, ``*dot*``, ``(punto)``, ``[点]``... are
rewritten in place, each rewrite mapped back to the original text (``_views``). Forms that
ordinary prose also produces (``word. word``, ``a / b``, `` slash ``, a space as a dot) are
not rewritten here: they are ambiguous and ``_readings`` keeps both readings of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ._views import View
from .results import Technique

__all__ = ["DOT_WORDS", "SLASH_WORDS", "refang"]

#: "dot" in the languages of our users' chats (bracketed anywhere, spaced in ``_readings``).
DOT_WORDS = (
    "dot", "d0t", "punto", "punkt", "point", "ponto", "punt", "punct", "pont", "piste",
    "kropka", "titik", "nokta", "tochka", "tocka", "точка", "крапка", "τελεία", "telia",
    "点", "點", "ドット", "닷", "점", "נקודה", "نقطة", "نقطه", "डॉट", "ডট", "จุด",
    "chấm", "cham", "tečka", "bodka", "prik", "nukta", "pika", "tuldok", "taškas", "punktum",
    "punkts", "točka", "pikë", "puntu", "punktur", "тачка", "бинду", "बिंदु", "বিন্দু",
    "წერტილი", "կետ", "புள்ளி", "చుక్క", "ڈاٹ", "نقطہ", "ነጥብ", "てん", "도트", "нүкте",
    "d.o.t", "d-o-t", "d_o_t", "d*o*t", "dawt", "dott",
    "кропка", "тчк", "дот", "цэг", "ντοτ", "쩜", "דוט", "دات", "دوت", "बिंदू", "ดอท", "ຈຸດ",
    "ចុច", "ಚುಕ್ಕೆ", "ഡോട്ട്", "ડોટ", "ਡਾਟ", "තිත", "အစက်", "ಡಾಟ್", "டாட்", "డాట్",
    "τελεια",
)  # fmt: skip
#: "slash" likewise.
SLASH_WORDS = (
    "forward slash", "forwardslash", "fwd slash", "slash", "barra", "slesh", "слэш", "слеш",
    "斜杠", "斜線", "スラッシュ", "슬래시",
    "ukośnik", "schrägstrich", "garis miring", "eğik çizgi",
)  # fmt: skip

_DOT_ALT = "|".join(re.escape(w) for w in sorted(DOT_WORDS, key=len, reverse=True))
_SLASH_ALT = "|".join(re.escape(w) for w in sorted(SLASH_WORDS, key=len, reverse=True))
#: Brackets of other scripts and keyboards (full-width, CJK corner and lenticular, guillemets)
#: around a dot or slash, as CJK input methods type "(.)": ``bad（.）example``, ``【点】``.
_OPEN = "（［｛【〔〖〘〚「『《〈«‹⟨⦅｟"
_CLOSE = "）］｝】〕〗〙〛」』》〉»›⟩⦆｠"
#: Dots a bracket may hold besides "." and ",": the full-width and ideographic full stops.
_INNER_DOTS = ".,。．｡"
#: Symmetric wrappers of a disguised dot word: ``*dot*``, ``_dot_``, ``~dot~``, ``-dot-``.
_WRAP = r"(?:[^\w\s.()\[\]{}<>/\\]|_)"

# Every alternative starts with a definite character, so the regex engine can skip ahead;
# word-boundary conditions are checked in _replace instead of with lookbehinds.
_REFANG = re.compile(
    rf"""
      (?P<scheme>(?:h(?:xx{{1,2}}|\*\*|XX)ps?|f[x*]p|x{{4}}[xs]?)(?=\]?\[?:))      # hxxp hxxxp fxp
    | (?P<bscheme>[\[(](?:https?|ftp)[\])](?=\[?:)|(?:https?|ftp)\](?=:))  # [http]: http]:
    | (?P<sep>(?:https?|ftp)(?:\s+:\s*/{{2,3}}|:/{{3}}|:\s+/{{2}}|:/{{2}}\s+|/{{2}}|;/{{2}})\s*)
    | (?P<colonslashes>[\[(]://[\])]|[\[(]:/[\])]/?|:[\[(]//[\])])  # [://] [:/] :[//]
    | (?P<halfdot>(?<=[A-Za-z0-9])(?:\[\.|\.\]|\(\.|\.\)|\{{\.|\.\}})(?=[A-Za-z0-9]))  # a[.b
    | (?P<colon>[\[({{]:[\])}}]|[\[(]colon[\])])                             # [:] (colon)
    | (?P<slashes>:\s*/\s+/(?!/))                                         # : / /
    | (?P<dot2>\[\[\s?\.\s?\]\]|\(\(\s?\.\s?\)\)|\{{\{{\s?\.\s?\}}\}})             # [[.]] ((.))
    | (?P<dot>\[\s?(?:[.,]|{_DOT_ALT})\s?\]|\(\s?(?:[.,]|{_DOT_ALT})\s?\)
        |\{{\s?(?:[.,]|{_DOT_ALT})\s?\}}|<\s?(?:\.|{_DOT_ALT})\s?>
        |[\[({{<\])}}>](?:\.|{_DOT_ALT})[\[({{<\])}}>]|\\\.|\^\.  # [.] ].[ [.)
        |[{_OPEN}]\s?(?:[{_INNER_DOTS}]|{_DOT_ALT})\s?[{_CLOSE}])  # （.） 【点】 «dot»
    | (?P<wrapdot>\s?{_WRAP}{{1,2}}(?:dot|d0t|dt|dawt){_WRAP}{{1,2}}\s?)  # *dot* _dot_ ~dot~
    | (?P<dotdot>\.(?:dot|d0t)\.)                                           # bad.DOT.example
    | (?P<gluedot>(?-i:DOT)(?=[a-z0-9])|(?<=[A-Za-z0-9])d0t(?=[A-Za-z0-9]))  # fooDOTcom a d0t b
    | (?P<slash>[\[({{]\s?(?:/|{_SLASH_ALT})\s?[\])}}]
        |[{_OPEN}]\s?(?:[/／]|{_SLASH_ALT})\s?[{_CLOSE}])                     # [/] （／）
    | (?P<www>[\[(]www[\])](?=\.))                                         # [www].
    | (?P<hyphen>\[-\])                                                    # [-]
    | (?P<at>\[@\])                                                        # [@]
    """,
    re.VERBOSE | re.IGNORECASE,
)
#: Where a ``_REFANG`` match can start: each alternative's first character and, in a
#: lookahead, enough of what follows (a superset, case-sensitive so that the engine skips
#: other characters fast; letters spelt in both cases, ``(?i:)`` where the rest may be any
#: case). ``_Refang`` tries ``_REFANG`` only there: the same matches, a fraction of the work.
_WRAP_CHAR = r"(?:[^\w\s.()\[\]{}<>/\\]|_)"
_SCHEME_END = r"(?:\]|\s|:///|:\s|://\s|//|;//)"
_REFANG_START = re.compile(
    rf"""
      [\[\](){{}}<>{_OPEN}](?=[^\[\](){{}}<>])            # [.] (dot) [:] [/] （.） ].[
    | \[(?=\[\s?\.) | \((?=\(\s?\.) | \{{(?=\{{\s?\.)        # [[.]] ((.)) {{.}}
    | [\\^](?=\.)                                       # \. ^.
    | [hH](?=(?i:xx|\*\*|ttps?{_SCHEME_END}))          # hxxp h**p; http]: http// https ://
    | [fF](?=(?i:[x*]p|tp{_SCHEME_END}))                # fxp f*p; ftp]: ftp//
    | [xX](?=(?i:xxx))                                  # xxxx
    | \.(?=[\])}}]|(?i:d[o0]t\.))                       # a.]b .dot.
    | :(?=[\[(]|\s*/\s)                                 # :[//] : / /
    | D(?=OT) | [dD](?=0(?i:t))                          # fooDOTcom a d0t b
    | \s(?={_WRAP_CHAR}{{1,2}}(?i:d))                    # " *dot* "
    | {_WRAP_CHAR}(?={_WRAP_CHAR}?(?i:d))               # *dot* _dot_
    """,
    re.VERBOSE,
)


class _Refang:
    """``_REFANG`` as :meth:`View.rewrite` uses it (``search``, ``finditer``), tried only
    where ``_REFANG_START`` says a match can start: the same matches, in the same order
    (tests/test_refang_cases.py compares them), without trying its sixteen alternatives at
    every character of a long message."""

    def search(self, string: str) -> re.Match[str] | None:
        return next(self.finditer(string), None)

    def finditer(self, string: str) -> Iterator[re.Match[str]]:
        find, match = _REFANG_START.search, _REFANG.match
        at = 0
        while True:
            start = find(string, at)
            if start is None:
                return
            found = match(string, start.start())
            if found is None:
                at = start.start() + 1
                continue
            yield found
            at = found.end()  # never empty: every alternative consumes a character


_REFANG_SCAN = _Refang()
_REPLACEMENTS = {
    "colonslashes": "://",
    "halfdot": ".",
    "dotdot": ".",
    "colon": ":",
    "slashes": "://",
    "dot": ".",
    "dot2": ".",
    "wrapdot": ".",
    "gluedot": ".",
    "slash": "/",
    "www": "www",
    "hyphen": "-",
    "at": "@",
}
#: Alternatives that must start a word ("hxxp" but not "ahxxp").
_WORD_START = frozenset({"scheme", "sep", "bscheme"})
#: Replacements that hold whatever surrounds them (the others are judged in ``_replace``).
_UNCONDITIONAL = {
    kind: new
    for kind, new in _REPLACEMENTS.items()
    if kind not in _WORD_START and kind not in ("gluedot", "wrapdot")
}
#: Brackets a half-bracketed dot may close (``a.)b``), and how far back its opener is sought.
_OPENERS = {")": "(", "]": "[", "}": "{"}
_OPENER_CHARS = 160


def _evidence(match: re.Match[str]) -> Technique:
    """What an undone defang is evidence of: ``refang`` (a link), but a half bracket that
    closes a parenthesis of words (``(I'm in.)be right back``) is a sentence's full stop
    and its closing bracket, read as a dot as prose writes it: ``dot-variant`` (twelfth
    round, ADR 0012). The reading stays, so ``(see jqxvw.)example`` is still found."""
    if match.lastgroup == "halfdot":
        close = match.group()[-1]
        if close in _OPENERS and _closes_an_opener(match.string, match.end() - 1, close):
            return Technique.DOT_VARIANT
    return Technique.REFANG


def _closes_an_opener(string: str, at: int, close: str) -> bool:
    """Whether the bracket ``close`` at ``string[at]`` closes a parenthesis of words opened
    before it on its line (within ``_OPENER_CHARS``, a space inside): ``(I'm in.)be right
    back`` ends a parenthetical sentence after its full stop. A defang's half bracket opens
    nothing (``bad.)example``), or brackets one label (``(bad.)example``)."""
    opener, depth, spaced = _OPENERS[close], 0, False
    floor = max(0, at - _OPENER_CHARS)
    start = string.rfind("\n", floor, at) + 1 or floor  # its line, bounded
    for char in reversed(string[start:at]):
        if char == close:
            depth += 1
        elif char == opener:
            if depth == 0:
                return spaced
            depth -= 1
        elif char == " " or char == "\t":
            spaced = True
    return False


def _replace(match: re.Match[str]) -> str | None:
    kind = match.lastgroup or ""
    fixed = _UNCONDITIONAL.get(kind)
    if fixed is not None:  # "[.]", "[:]", "(slash)"...: no condition on the neighbours
        return fixed
    text = match.group()
    before = match.string[match.start() - 1 : match.start()]
    if kind in _WORD_START and before.isalnum():
        return None
    if kind == "gluedot":  # "fooDOTcom", not "DOTS" or "ADOT"; "bad0d0tsite"
        if text.lower() == "d0t":
            return "."
        return "." if before.islower() or before.isdigit() else None
    if kind == "wrapdot":  # "bad_dot_site", "bad *dot* site" but not "a_dot" at a word's end
        after = match.string[match.end() : match.end() + 1]
        inner = text.strip()
        if inner[0] != inner[-1] and {inner[0], inner[-1]} != {"[", "]"}:
            return None
        return "." if before.isalnum() and after.isalnum() else None
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


_GATE_CHARS = re.compile(rf"[\[\](){{}}<>\\^;*{_OPEN}]")
_GATE_WORDS = (
    "xx", "dot", "d0t", "dawt", "fxp", ": ", ":///", "http ", "https ", "ftp ", "http//", "https//",
    "ftp//",
)  # fmt: skip


def _may_be_defanged(text: str) -> bool:
    """Cheap tests, a superset of what can start a ``_REFANG`` match."""
    if text.isascii():  # the class's ASCII characters, each a substring test (faster)
        if (
            "[" in text or "]" in text or "(" in text or ")" in text or "{" in text
            or "}" in text or "<" in text or ">" in text or "\\" in text or "^" in text
            or ";" in text or "*" in text
        ):  # fmt: skip
            return True
    elif _GATE_CHARS.search(text):
        return True
    lowered = text.lower()
    for word in _GATE_WORDS:  # each word a substring test (faster than one alternation)
        if word in lowered:
            return True
    return "dt" in lowered and any(c in text for c in "_~=+|-#:")


#: HTML character references, as pasted from page source or an HTML mail body (a browser
#: decodes them in text and in ``href``): numeric ones (``&#106;``, ``&#x6a;``, ``&#X6A``,
#: zero-padded, ``;`` optional as HTML allows) and a few named ones, decoded in place when they
#: stand for a character of a link's host or path: an ASCII letter or digit or
#: ``. / : @ - _ ~ % ? = # +`` (``bad&#46;example``, ``http://&#106;qxvw.example/``).
#: References to anything else (``&#39;``, ``&#8217;``, ``&nbsp;``, ``&amp;``: a query's ``&``
#: stays as pasted) are left as written. Bounded: at most 7 decimal or 6 hex digits after any
#: run of zeros, one pass.
_HTML_REF = re.compile(
    r"&(?:#(?:x0*+([0-9a-f]{1,6}+)(?![0-9a-f])|0*+([0-9]{1,7}+)(?![0-9]))"
    r"|(period|sol|colon|commat|lowbar|quest|equals|num|percnt|plus));?",
    re.IGNORECASE,
)
_HTML_NAMES = {
    "period": ".", "sol": "/", "colon": ":", "commat": "@", "lowbar": "_",
    "quest": "?", "equals": "=", "num": "#", "percnt": "%", "plus": "+",
}  # fmt: skip
_HTML_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789./:@-_~%?=#+"
)


def _html_ref(match: re.Match[str]) -> str | None:
    hexa, decimal, name = match.groups()
    if name is not None:
        if not match.group().endswith(";"):
            return None  # a named reference needs its ";"
        return _HTML_NAMES[name.lower()]
    char = chr(int(hexa, 16)) if hexa is not None else chr(int(decimal))
    return char if char in _HTML_CHARS else None


def refang(view: View) -> View:
    """The strict reading: every unambiguous defang undone."""
    if "&" in view.text:
        view = view.rewrite(_HTML_REF, _html_ref, Technique.REFANG)
    if not _may_be_defanged(view.text):
        return view
    return view.rewrite(_REFANG_SCAN, _replace, _evidence)
