"""When a reading may block: the evidence rule (docs/adr/0008-evidence-weighted-verdicts.md).

A list match confirms a reading's *lookup expression*; it does not prove the person wrote a
link. Ordinary prose produces host-shaped readings by chance ("log in/out" reads as
``log.in/out``), and a whole-host entry (``log.in/``) then matches. So:

- A reading with a **prose-shaped** technique (space as dot, `` slash ``, a line join, a
  punctuation mark or emoji read as a dot, a sentence gap closed, a context path) or that
  reads as **code** (``com.acme.group.chat``, ``cfg.key =``, ``Foo.bar(``) and that matches
  **only whole-host entries** needs corroboration to block:
  a path-prefix or exact match, a scheme or ``www.`` in the reading, a link-specific
  technique (refang, a broken scheme, a dot word, a confusable separator, a space before a
  dot, percent-encoding, an unwrapped redirect, a reversed bidi run, a numeric IP), or a
  reading of the same message without prose or code that matched the same entry.
- Without it, the reading answers ``warn`` (signal ``held-back``), or ``allow`` (signals
  ``prose``/``code`` and a note, the match still reported) when the reading is made only of
  words (letters only, at most three labels and one path segment) or reads as code: exactly
  what chance produces.
- A **skeleton** reading (look-alike letters folded) never blocks: at most ``warn``.

Styling (full-width or mathematical letters, combining marks, invisible characters, capitals,
spaced letters) is no evidence either way: fancy-text tools apply it to whole messages.
"""

from __future__ import annotations

import re

from .results import Action, Match, MatchKind, Signal, Technique

__all__ = ["LINK_TECHNIQUES", "PROSE_TECHNIQUES", "code_shaped", "weigh"]

PROSE_TECHNIQUES = frozenset(
    {
        Technique.SPACE_AS_DOT,
        Technique.SLASH_WORD,
        Technique.LINE_BREAK,
        Technique.DOT_VARIANT,
        Technique.PROSE_SPACING,
        Technique.SPOKEN_DOT,
        Technique.CONTEXT_HOST,
    }
)
LINK_TECHNIQUES = frozenset(
    {
        Technique.REFANG,
        Technique.SCHEME_REPAIR,
        Technique.DOT_WORD,
        Technique.CONFUSABLE,
        Technique.SPACING,
        Technique.PERCENT_ENCODED,
        Technique.WRAPPER,
        Technique.BIDI,
        Technique.NUMERIC_IP,
    }
)
#: First labels of reversed-domain identifiers (Java/Android packages, bundle ids).
_REVERSED_ROOTS = frozenset(
    {
        "com",
        "org",
        "net",
        "edu",
        "gov",
        "mil",
        "int",
        "io",
        "biz",
        "info",
        "android",
        "androidx",
        "java",
        "javax",
        "kotlin",
        "kotlinx",
        "scala",
        "sun",
        "jdk",
        "dev",
    }
)
_CODE_BEFORE = re.compile(
    r"(?:\bimport|\bpackage|\bextends|\bimplements|\bstatic|\bthrows|\bclass|\bdef"
    r"|\bvar|\bconst|\bval|@|->|::|require\(\s*['\"]|import\(\s*['\"])\s*$"
)
_CODE_AFTER = re.compile(r"(?:[(\[{=]|\s*=\s|:(?=[^\s/])|\.[A-Za-z_$]|\s+import\b)")
#: A character that continues an identifier: a reading glued to one is a piece of it.
_IDENTIFIER = re.compile(r"[A-Za-z0-9_$]")
#: Characters of context ``code_shaped`` is given on each side.
CONTEXT_CHARS = 12
_WORD = re.compile(r"[A-Za-z]{1,12}")


def code_shaped(url: str, before: str, after: str) -> bool:
    """Whether a scheme-less, path-less reading is a dotted code identifier in its context.

    ``before`` and ``after`` are a few characters of the original text around the reading.
    """
    if "/" in url or ":" in url or url[:4].lower() == "www.":
        return False
    labels = url.split(".")
    if len(labels) < 2:
        return False
    if len(labels) >= 3 and labels[0].lower() in _REVERSED_ROOTS:
        return True
    if any("_" in label or "$" in label for label in labels):
        return True
    if any(c in url for c in "(){}=;"):
        return True  # "print(obj.group.chat": a call, not a host
    if any(any(c.isupper() for c in label) for label in labels[1:]) and not url.isupper():
        return True
    if _CODE_BEFORE.search(before):
        return True
    if (before[-1:] and _IDENTIFIER.fullmatch(before[-1])) or (
        after[:1] and _IDENTIFIER.fullmatch(after[0])
    ):
        return True  # "user_profile.group.chat_id": a piece of a longer identifier
    line = before.rpartition("\n")[2]
    at_line_start = not line.strip(" \t") and ("\n" in before or len(before) < CONTEXT_CHARS)
    if at_line_start and after[:2] in (": ", ":\t"):
        return True  # a YAML or config key: "cfg.live.chat: on"
    return _CODE_AFTER.match(after[:8]) is not None


def _word_shaped(url: str) -> bool:
    """Only words: letters-only labels (at most three) and at most one letters-only segment."""
    rest = url.split("://", 1)[-1]
    host, _, path = rest.partition("/")
    labels = host.split(".")
    if len(labels) > 6 or not all(_WORD.fullmatch(label) for label in labels):
        return False
    path = path.rstrip("/")
    return not path or _WORD.fullmatch(path) is not None


def weigh(
    url: str,
    techniques: tuple[Technique, ...],
    signals: tuple[Signal, ...],
    matches: tuple[Match, ...],
    corroborated: bool,
) -> tuple[Action | None, tuple[Signal, ...], tuple[str, ...]]:
    """The most a reading may answer (None: no limit), extra signals, and why.

    ``corroborated``: a reading of the same message without prose or code matched the same
    entry (the caller knows the other readings).
    """
    if not matches:
        return None, (), ()
    worst = matches[0].action
    kinds = set(techniques)
    prose = sorted(str(t) for t in kinds & PROSE_TECHNIQUES)
    code = Signal.CODE in signals
    cap: Action | None = None
    extra: list[Signal] = []
    notes: list[str] = []
    host_only = all(m.kind is MatchKind.HOST for m in matches)
    if Technique.CONTEXT_HOST in kinds and host_only and not corroborated:
        # a path joined from elsewhere adds evidence only through a path match; the host
        # alone is judged as its own reading
        extra.append(Signal.PROSE)
        notes.append("a context path joined to a host matched only the whole host")
        return Action.ALLOW, tuple(extra), tuple(notes)
    if (prose or code) and host_only and not corroborated:
        lowered = url.lower()
        supported = (
            "://" in lowered[:12]
            or lowered.split("://", 1)[-1].startswith("www.")
            or bool(kinds & LINK_TECHNIQUES)
        )
        if not supported:
            why = f"prose-shaped reading ({', '.join(prose)})" if prose else "a code identifier"
            if code or _word_shaped(url):
                cap = Action.ALLOW
                extra.append(Signal.CODE if code else Signal.PROSE)
                notes.append(
                    f"{why} matched only a whole-host entry and is made of words or code; "
                    "not a link on this evidence"
                )
            elif worst is Action.BLOCK:
                cap = Action.WARN
                extra.append(Signal.HELD_BACK)
                if prose:
                    extra.append(Signal.PROSE)
                notes.append(
                    f"{why} matched only a whole-host entry; warn, not block, without "
                    "corroboration (a path match, a scheme, www., a link technique)"
                )
    if Technique.LOOKALIKE in kinds and cap is None and worst is Action.BLOCK:
        cap = Action.WARN
        extra.append(Signal.HELD_BACK)
        notes.append("matched through look-alike letters (its skeleton): warn, never block")
    return cap, tuple(extra), tuple(notes)
