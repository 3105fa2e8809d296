"""The report contract (docs/review.md, "The report endpoint"): parse and check one report.

A report is a JSON object of exactly the known keys; each problem is a :class:`ReportError`
naming the field and what was wrong, checked in the contract's order. The URL is canonicalised
again here with the SDK's canonicaliser (the one the bundles are compiled with), so reports of
one link written differently group together.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from dataclasses import dataclass
from typing import Any

from linkscreen.canonical import canonicalize
from linkscreen.errors import InvalidURLError

from .errors import ReportError

#: Largest report body accepted, in bytes.
MAX_BODY_BYTES = 16384
MAX_URL_CHARS = 4096
MAX_TECHNIQUES = 16
MAX_NOTE_CHARS = 1000
MAX_ATTACHMENT_CHARS = 4096
VERDICTS = ("block", "warn", "allow")
FIELDS = ("v", "url", "techniques", "verdict", "install_id", "note", "attachment")
_TECHNIQUE = re.compile(r"[a-z0-9_]{1,32}")
_INSTALL_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")


@dataclass(frozen=True)
class Report:
    url: str
    """The canonical URL (re-canonicalised by the server)."""
    techniques: tuple[str, ...]
    verdict: str
    install_id: str
    note: str | None = None
    attachment: str | None = None


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ReportError(str(key)[:40], "the key is given twice")
        seen[key] = value
    return seen


def _text(name: str, value: Any, limit: int) -> str:
    if not isinstance(value, str):
        raise ReportError(name, f"must be a string, not {_kind(value)}")
    if len(value) > limit:
        raise ReportError(name, f"is {len(value):,} characters; at most {limit:,}")
    if "\x00" in value:
        raise ReportError(name, "contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ReportError(name, "is not valid Unicode (a lone surrogate)") from None
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string"}.get(
        type(value), "a list" if isinstance(value, list) else "an object"
    )


def parse_report(body: bytes) -> Report:
    """The report in ``body`` (UTF-8 JSON); raises :class:`ReportError` on the first problem."""
    try:
        data = json.loads(body.decode("utf-8"), object_pairs_hook=_no_duplicate_keys)
    except UnicodeDecodeError as exc:
        raise ReportError("body", f"not UTF-8 (byte {exc.start + 1})") from None
    except json.JSONDecodeError as exc:
        raise ReportError("body", f"not JSON: {exc.msg} at character {exc.pos + 1}") from None
    except RecursionError:
        raise ReportError("body", "nested too deeply") from None
    if not isinstance(data, dict):
        raise ReportError("body", f"must be a JSON object, not {_kind(data)}")
    unknown = sorted(str(key) for key in data if key not in FIELDS)
    if unknown:
        raise ReportError(unknown[0][:40], "unknown key")
    version = data.get("v")
    if "v" not in data:
        raise ReportError("v", "is required")
    if type(version) is not int or version != 1:
        raise ReportError("v", f"must be 1, not {json.dumps(version)[:20]}")
    if "url" not in data:
        raise ReportError("url", "is required")
    url = _text("url", data["url"], MAX_URL_CHARS)
    if not url:
        raise ReportError("url", "is empty")
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname
    except ValueError as exc:
        raise ReportError("url", f"cannot be parsed: {exc}") from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise ReportError("url", "must be an http or https URL with a host")
    try:
        canonical = canonicalize(url)
    except InvalidURLError as exc:
        raise ReportError("url", f"cannot be canonicalised: {exc.reason}") from None
    techniques = data.get("techniques", [])
    if not isinstance(techniques, list):
        raise ReportError("techniques", f"must be a list, not {_kind(techniques)}")
    if len(techniques) > MAX_TECHNIQUES:
        raise ReportError("techniques", f"has {len(techniques)} items; at most {MAX_TECHNIQUES}")
    for item in techniques:
        if not isinstance(item, str) or not _TECHNIQUE.fullmatch(item):
            raise ReportError("techniques", "each item must be 1-32 characters of [a-z0-9_]")
    if "verdict" not in data:
        raise ReportError("verdict", "is required")
    verdict = data["verdict"]
    if verdict not in VERDICTS:
        raise ReportError("verdict", "must be one of block, warn, allow")
    if "install_id" not in data:
        raise ReportError("install_id", "is required")
    install = data["install_id"]
    if not isinstance(install, str) or not _INSTALL_ID.fullmatch(install):
        raise ReportError("install_id", "must be 16-64 characters of [A-Za-z0-9_-]")
    note = data.get("note")
    attachment = data.get("attachment")
    return Report(
        url=canonical,
        techniques=tuple(dict.fromkeys(techniques)),
        verdict=str(verdict),
        install_id=install,
        note=None if note is None else _text("note", note, MAX_NOTE_CHARS),
        attachment=None
        if attachment is None
        else _text("attachment", attachment, MAX_ATTACHMENT_CHARS),
    )
