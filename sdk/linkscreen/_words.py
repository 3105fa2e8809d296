"""Whether a label is a word: what "made of words" means in the evidence rule (ADR 0012).

A prose-shaped reading that matched only a whole-host entry answers allow when it is made of
words ("log in/out" read as ``log.in/out``): that is what chance makes of chat. A host of
random letters (``qzvkt。example``) is not something chat makes by chance, so it warns. Words
are the common words of eleven Latin-script languages, accents dropped (``data/words.txt``,
from wordfreq: scripts/make_word_list.py), chat words it lacks (``signup``, ``thx``), and
compounds of two words of three letters or more (``freegift``). The list is read on first
use only: the rule asks it only for readings that already matched a listed whole host.
"""

from __future__ import annotations

import functools
import unicodedata
from importlib import resources

__all__ = ["CHAT_WORDS", "base_letters", "is_one_word", "is_word"]

#: Words of chat that the frequency lists lack or split too short to be a compound.
CHAT_WORDS = frozenset(
    [
        "ok",
        "okay",
        "lol",
        "lmao",
        "rofl",
        "haha",
        "hahaha",
        "hehe",
        "omg",
        "pls",
        "plz",
        "thx",
        "thnx",
        "btw",
        "brb",
        "idk",
        "imo",
        "imho",
        "tbh",
        "yay",
        "yep",
        "yup",
        "nah",
        "nope",
        "yeah",
        "gonna",
        "wanna",
        "gotta",
        "dunno",
        "kinda",
        "sorta",
        "pic",
        "pics",
        "app",
        "apps",
        "info",
        "login",
        "logout",
        "signin",
        "signout",
        "signup",
        "email",
        "online",
        "wifi",
        "selfie",
        "emoji",
    ]
)
#: Shortest part of a compound ("free" + "gift"): two-letter words are so many that shorter
#: parts would make most random strings of four or five letters two "words".
_PART = 3


@functools.cache
def _table() -> dict[int, str]:
    """The words by length, each length's words sorted and concatenated into one string:
    385 KB held (a set of the same words would hold about 7 MB), searched by bisection."""
    text = (resources.files("linkscreen") / "data" / "words.txt").read_text("utf-8")
    by_length: dict[int, list[str]] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            by_length.setdefault(len(line), []).append(line)
    return {size: "".join(sorted(words)) for size, words in by_length.items()}


def _listed(word: str) -> bool:
    size = len(word)
    block = _table().get(size)
    if block is None:
        return False
    lo, hi = 0, len(block) // size
    while lo < hi:
        mid = (lo + hi) // 2
        probe = block[mid * size : (mid + 1) * size]
        if probe < word:
            lo = mid + 1
        elif probe > word:
            hi = mid
        else:
            return True
    return False


def is_one_word(label: str) -> bool:
    """Whether ``label`` (ASCII letters) is one common word of chat, not two glued: what a
    sentence's spaced words are (a compound, ``freegift``, is how names are made)."""
    word = label.lower()
    return word in CHAT_WORDS or _listed(word)


def is_word(label: str) -> bool:
    """Whether ``label`` (ASCII letters) is a common word of chat, or two of them glued."""
    word = label.lower()
    if word in CHAT_WORDS or _listed(word):
        return True
    return any(
        _listed(word[:cut]) and _listed(word[cut:]) for cut in range(_PART, len(word) - _PART + 1)
    )


#: Latin letters that NFD does not split into a base letter and a mark (as
#: scripts/make_word_list.py drops them when it writes the list).
_PLAIN = str.maketrans(
    {"ı": "i", "ł": "l", "ø": "o", "ß": "ss", "đ": "d", "æ": "ae", "œ": "oe"}
    | {"Ł": "L", "Ø": "O", "Đ": "D", "Æ": "AE", "Œ": "OE"}
)


def base_letters(text: str) -> str:
    """``text`` with the accents of its Latin letters dropped, as the word list writes its
    words (``está`` -> ``esta``, ``für`` -> ``fur``, ``şimdi`` -> ``simdi``, ``ß`` -> ``ss``);
    letters of other scripts and every other character stay as they are (``…`` stays one
    character). Twelfth round, ADR 0012."""
    if text.isascii():
        return text
    return "".join(map(_base_letter, text.translate(_PLAIN)))


@functools.lru_cache(maxsize=1024)
def _base_letter(char: str) -> str:
    if char.isascii() or not char.isalpha():
        return char
    base = unicodedata.normalize("NFD", char)[0]
    return base if base.isascii() else char
