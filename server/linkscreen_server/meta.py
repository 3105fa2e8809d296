"""Per-list category and deterrence texts, checked line by line before anything is compiled.

Two homes, one checker: the ``--meta`` TOML file of ``compile`` and ``publish`` (``[lists.NAME]``
tables) and the ``[[lists]]`` tables of ``server.toml``. The format is docs/deterrence.md. Every
mistake that would compile an empty or unreachable message is reported as ``file:line: reason``
(an unknown key such as ``txt =``, a list that is not compiled such as ``[lists.hotlin]``, an
empty text, a malformed locale tag, a default locale with no message, a help link that is not
an ``https:`` URL), all of them at once, and nothing is compiled.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Collection
from pathlib import Path
from typing import Any

from linkscreen import locales
from linkscreen.bundle import format as fmt

from .compiler import ListMeta
from .tomlfile import Located, Path_, load

__all__ = ["MAX_HELP_LINK_CHARS", "MAX_TEXT_CHARS", "META_KEYS", "load_meta", "read_list_meta"]

#: Keys of one list's metadata; in server.toml they sit beside ``name``, ``source``...
META_KEYS = frozenset({"category", "default_locale", "deterrence"})
_MESSAGE_KEYS = frozenset({"text", "help"})
#: A message replaces a link in a chat bubble (the guide asks for under ~300 characters);
#: this bound only catches a pasted document.
MAX_TEXT_CHARS = 2000
MAX_HELP_LINK_CHARS = 2048


def load_meta(path: Path, list_names: Collection[str]) -> dict[str, ListMeta]:
    """Read a ``--meta`` file for the lists ``list_names``; raises ConfigError with every
    ``file:line: reason`` when anything is wrong."""
    doc = load(path)
    data = doc.data
    for key in sorted(set(data) - {"lists"}):
        doc.problem((key,), f"unknown key {key!r}: list metadata goes in [lists.NAME] tables")
    tables = data.get("lists", {})
    meta: dict[str, ListMeta] = {}
    if not isinstance(tables, dict):
        doc.problem(("lists",), "lists must be [lists.NAME] tables")
        tables = {}
    for name, table in tables.items():
        where: Path_ = ("lists", name)
        if name not in list_names:
            known = ", ".join(sorted(list_names)) or "none"
            doc.problem(where, f"[lists.{name}]: no list of that name is compiled (lists: {known})")
            continue
        if not isinstance(table, dict):
            doc.problem(where, f"lists.{name} must be a table")
            continue
        meta[name] = read_list_meta(doc, where, table, set(META_KEYS))
    doc.check()
    return meta


def read_list_meta(doc: Located, where: Path_, table: dict[str, Any], keys: set[str]) -> ListMeta:
    """One list's metadata from ``table`` (whose allowed keys are ``keys``), problems recorded
    in ``doc``. Unknown keys are reported here only for a ``--meta`` table; server.toml's
    reader checks its own ``[[lists]]`` keys."""
    for key in sorted(set(table) - keys):
        doc.problem((*where, key), f"unknown key {key!r} (known: {', '.join(sorted(keys))})")
    category = table.get("category")
    if category is not None and (not isinstance(category, str) or not category.strip()):
        doc.problem((*where, "category"), f"category must be a non-empty string, not {category!r}")
        category = None
    messages = _messages(doc, (*where, "deterrence"), table.get("deterrence", {}))
    default = table.get("default_locale")
    chosen: str | None = None
    if default is not None:
        spot = (*where, "default_locale")
        if not isinstance(default, str) or not locales.is_well_formed(default):
            doc.problem(
                spot, f"default_locale {default!r} is not a BCP 47 tag (like 'en', 'pt-BR')"
            )
        else:
            chosen = next(
                (m[0] for m in messages if locales.normalize(m[0]) == locales.normalize(default)),
                None,
            )
            if chosen is None:
                doc.problem(spot, f"default_locale {default!r} has no [deterrence.{default}] text")
    return ListMeta(category, tuple(messages), chosen)


def _messages(doc: Located, where: Path_, value: Any) -> list[tuple[str, str, str]]:
    if not isinstance(value, dict):
        doc.problem(where, "deterrence must be [...deterrence.LOCALE] tables")
        return []
    messages: list[tuple[str, str, str]] = []
    seen: dict[str, str] = {}
    for tag, entry in sorted(value.items()):
        spot = (*where, tag)
        if not locales.is_well_formed(tag) or len(tag) > fmt.MAX_LOCALE_BYTES:
            doc.problem(spot, f"{tag!r} is not a BCP 47 locale tag (like 'en', 'pt-BR', 'zh-Hant')")
            continue
        if locales.normalize(tag) in seen:
            doc.problem(spot, f"{tag!r} is the same locale as {seen[locales.normalize(tag)]!r}")
            continue
        seen[locales.normalize(tag)] = tag
        if not isinstance(entry, dict):
            doc.problem(spot, f"deterrence.{tag} must be a table with text and help")
            continue
        for key in sorted(set(entry) - _MESSAGE_KEYS):
            doc.problem((*spot, key), f"unknown key {key!r} (known: help, text)")
        text = entry.get("text")
        if not isinstance(text, str) or not text.strip():
            doc.problem((*spot, "text") if "text" in entry else spot, f"{tag}: empty text")
            continue
        if len(text) > MAX_TEXT_CHARS or any(_control(c) for c in text):
            reason = f"at most {MAX_TEXT_CHARS} characters of plain text, no control characters"
            doc.problem((*spot, "text"), f"{tag}: text must be {reason}")
            continue
        link = entry.get("help", "")  # optional: "" is no link
        if not isinstance(link, str) or (link and not _https_url(link)):
            doc.problem((*spot, "help"), f"{tag}: help {link!r} is not an https: URL")
            link = ""  # reported; kept so a default locale naming it is not reported too
        messages.append((tag, text, link))
    return messages


def _control(char: str) -> bool:
    return char != "\n" and (ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0)


def _https_url(link: str) -> bool:
    if len(link) > MAX_HELP_LINK_CHARS or not link.isprintable() or " " in link:
        return False
    try:
        parts = urllib.parse.urlsplit(link)
    except ValueError:
        return False
    return parts.scheme == "https" and bool(parts.hostname)
