"""``server.toml``: what ``serve --config`` and ``run`` publish and how they serve it.

::

    [repository]
    dir = "repo"                  # the published tree
    state_dir = "repo.state"      # bookkeeping and source copies; never inside the tree
    signing_key = "keys/signing"  # key file or key directory
    poll = "12h"                  # how often sources are checked (twice a day by default)
    bundle_lifetime = "72h"
    pointer_lifetime = "24h"
    max_shrink = 0.5              # a list losing more than half its entries is refused
    source_timeout = "2m"         # each source download (redirects included) must end within

    [server]
    host = "127.0.0.1"
    port = 8080
    admin_token_file = "admin.token"   # enables POST /admin/lists/NAME (Bearer, >= 32 chars)
    header_timeout = "10s"             # a request head must arrive within this
    max_connections = 4096             # past this, the longest-idle connection is closed

    psl = "public_suffix_list.dat"    # optional: the PSL to compile with and ship
    redirect_wrappers = "wrappers.txt"  # optional: redirect-wrapper rules to ship

    [review]                           # optional: the review service's lists (docs/review.md)
    db = "sqlite:///review.db"         # confirmed (block), provisional (warn), allowlist
    interval = "5m"                    # how often they are checked and, when changed, published

    [[lists]]
    name = "hotline"
    source = "lists/hotline.txt"       # a file, or an http(s) URL
    action = "block"
    max_shrink = 0.5                   # optional; else [repository] max_shrink
    format = "text"                    # optional: "text" or "csv" (default: by .csv suffix)
    category = "csam"                  # optional, with default_locale and the texts below
    default_locale = "en"
    [lists.deterrence.en]              # docs/deterrence.md
    text = "This link was blocked."
    help = "https://help.example/"

Every mistake is reported as ``server.toml:LINE: reason``, all at once, before anything starts.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from linkscreen.bundle.format import WrapperRule
from linkscreen.psl import PublicSuffixList
from linkscreen.results import Action

from .compiler import ListMeta, ListSpec
from .meta import META_KEYS, read_list_meta
from .publish import DEFAULT_MAX_SHRINK, PublishSettings
from .sources import ListFormat, format_of
from .suffixes import PslFileError, load_psl
from .tomlfile import ConfigError, Located, load
from .units import parse_duration
from .wrappers import load_redirect_rules

__all__ = [
    "DEFAULT_HEADER_TIMEOUT_S",
    "DEFAULT_MAX_CONNECTIONS",
    "DEFAULT_SOURCE_TIMEOUT_S",
    "MIN_ADMIN_TOKEN_CHARS",
    "Config",
    "ConfigError",
    "ListSource",
]

#: Shortest admin token accepted: 32 characters of `secrets.token_urlsafe` carry 192 bits.
MIN_ADMIN_TOKEN_CHARS = 32
#: Default seconds a client has to send a request head (nginx's client_header_timeout is 60 s;
#: our requests are one line and a few headers).
DEFAULT_HEADER_TIMEOUT_S = 10.0
#: Default seconds one source download may take in all (a trickling upstream cannot hold the
#: publisher longer: its pulls, uploads and the pointer's re-publish wait behind it).
DEFAULT_SOURCE_TIMEOUT_S = 120.0
#: Default cap on open connections (fewer if the file-descriptor limit is lower).
DEFAULT_MAX_CONNECTIONS = 4096


@dataclass(frozen=True)
class ListSource:
    """A named list and where it comes from: a file or an http(s) URL, with its action."""

    name: str
    source: str
    action: Action = Action.BLOCK
    max_shrink: float | None = None
    """Overrides ``[repository] max_shrink`` for this list."""
    format: ListFormat | None = None
    """How to read it; None: CSV when the file or URL path ends in ``.csv``, else text."""

    @property
    def is_url(self) -> bool:
        return self.source.startswith(("http://", "https://"))

    @property
    def list_format(self) -> ListFormat:
        path = urllib.parse.urlsplit(self.source).path if self.is_url else self.source
        return format_of(path, self.format)

    @property
    def suffix(self) -> str:
        """The copy's file suffix: ``.csv`` for a CSV source, else ``.txt``."""
        return ".csv" if self.list_format is ListFormat.CSV else ".txt"

    def spec(self, copy: Path) -> ListSpec:
        """The compiler's view of a copy of this source."""
        return ListSpec(self.name, copy, self.action, self.list_format)


@dataclass
class Config:
    repo_dir: Path
    signing_key: Path
    lists: list[ListSource]
    state_dir: Path | None = None
    poll_s: int = 12 * 3600
    settings: PublishSettings = field(default_factory=PublishSettings)
    host: str = "127.0.0.1"
    port: int = 8080
    admin_token: str | None = None
    header_timeout_s: float = DEFAULT_HEADER_TIMEOUT_S
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    meta: dict[str, ListMeta] = field(default_factory=dict)
    """Category, default locale and deterrence texts per list name (from ``[[lists]]``)."""
    psl: PublicSuffixList | None = None
    """The Public Suffix List to compile with; None: tldextract's pinned snapshot."""
    redirect_rules: tuple[WrapperRule, ...] = ()
    """The operator's redirect-wrapper rules, shipped in every bundle."""
    review_db: str | None = None
    """``[review] db``: publish the review service's lists with every version."""
    review_interval_s: int = 300
    source_timeout_s: float = DEFAULT_SOURCE_TIMEOUT_S

    @classmethod
    def load(cls, path: Path) -> Config:
        """Read and check ``path``; raises ConfigError listing every ``file:line: reason``."""
        return _Reader(load(path)).config()


_REPOSITORY_KEYS = {
    "dir",
    "state_dir",
    "signing_key",
    "poll",
    "bundle_lifetime",
    "pointer_lifetime",
    "max_shrink",
    "psl",
    "redirect_wrappers",
    "source_timeout",
}
_SERVER_KEYS = {"host", "port", "admin_token_file", "header_timeout", "max_connections"}
_LIST_KEYS = {"name", "source", "action", "max_shrink", "format", *META_KEYS}
_REVIEW_KEYS = {"db", "interval"}
#: Default seconds between checks of the review lists (``[review] interval``).
DEFAULT_REVIEW_INTERVAL_S = 300


class _Reader:
    """Typed, checked reads from a located document; problems pile up, then raise at once."""

    def __init__(self, doc: Located) -> None:
        self.doc = doc
        self.base = doc.path.parent

    def _table(self, where: tuple[str | int, ...], value: Any, allowed: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.doc.problem(where, f"{'.'.join(map(str, where))} must be a table")
            return {}
        for key in sorted(set(value) - allowed):
            self.doc.problem(
                (*where, key), f"unknown key {key!r} (known: {', '.join(sorted(allowed))})"
            )
        return value

    def _get(
        self,
        table: dict[str, Any],
        where: tuple[str | int, ...],
        key: str,
        kind: type | tuple[type, ...],
        default: Any,
        convert: Callable[[Any], Any] | None = None,
    ) -> Any:
        if key not in table:
            return default
        value = table[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or isinstance(value, bool):
            kinds = kind if isinstance(kind, tuple) else (kind,)
            names = " or ".join(
                {"str": "string", "int": "integer"}.get(k.__name__, k.__name__) for k in kinds
            )
            self.doc.problem((*where, key), f"{key} must be a {names}, not {value!r}")
            return default
        if convert is None:
            return value
        try:
            return convert(value)
        except ValueError as exc:
            self.doc.problem((*where, key), f"{key}: {exc}")
            return default

    def config(self) -> Config:
        doc = self.doc
        top = self._table((), doc.data, {"repository", "server", "lists", "review"})
        review = self._table(("review",), top.get("review", {}), _REVIEW_KEYS)
        v = ("review",)
        if review and "db" not in review:
            doc.problem(v, "[review] needs db (sqlite:///PATH or postgresql://...)")
        repo = self._table(("repository",), top.get("repository", {}), _REPOSITORY_KEYS)
        server = self._table(("server",), top.get("server", {}), _SERVER_KEYS)
        r, s = ("repository",), ("server",)
        if "signing_key" not in repo:
            doc.problem(r, "[repository] needs signing_key (a key file or key directory)")
        token_file = self._get(server, s, "admin_token_file", str, None)
        token = self._token(token_file) if token_file is not None else None
        lists, meta = self._lists(top.get("lists", []))
        psl_file = self._get(repo, r, "psl", str, None)
        wrappers_file = self._get(repo, r, "redirect_wrappers", str, None)
        max_shrink = self._get(repo, r, "max_shrink", float, DEFAULT_MAX_SHRINK, _share)
        config = Config(
            repo_dir=self.base / self._get(repo, r, "dir", str, "repo"),
            state_dir=_path_or_none(self.base, self._get(repo, r, "state_dir", str, None)),
            signing_key=self.base / self._get(repo, r, "signing_key", str, ""),
            lists=lists,
            poll_s=self._get(repo, r, "poll", _TIME, 12 * 3600, _duration),
            settings=PublishSettings(
                bundle_lifetime_s=self._get(
                    repo, r, "bundle_lifetime", _TIME, 72 * 3600, _duration
                ),
                pointer_lifetime_s=self._get(repo, r, "pointer_lifetime", _TIME, 86400, _duration),
                max_shrink=max_shrink,
                list_max_shrink={x.name: x.max_shrink for x in lists if x.max_shrink is not None},
            ),
            host=self._get(server, s, "host", str, "127.0.0.1"),
            port=self._get(server, s, "port", int, 8080, _port),
            admin_token=token,
            header_timeout_s=self._get(
                server, s, "header_timeout", _TIME, DEFAULT_HEADER_TIMEOUT_S, _duration
            ),
            max_connections=self._get(
                server, s, "max_connections", int, DEFAULT_MAX_CONNECTIONS, _positive
            ),
            meta=meta,
            psl=self._psl(psl_file) if psl_file is not None else None,
            redirect_rules=self._wrappers(wrappers_file) if wrappers_file is not None else (),
            review_db=self._get(review, v, "db", str, None, self._review_db),
            review_interval_s=self._get(
                review, v, "interval", _TIME, DEFAULT_REVIEW_INTERVAL_S, _duration
            ),
            source_timeout_s=self._get(
                repo, r, "source_timeout", _TIME, DEFAULT_SOURCE_TIMEOUT_S, _duration
            ),
        )
        doc.check()
        return config

    def _psl(self, name: str) -> PublicSuffixList | None:
        try:
            return load_psl(self.base / name)
        except PslFileError as exc:
            self.doc.problem(("repository", "psl"), f"psl: {exc}")
            return None

    def _wrappers(self, name: str) -> tuple[WrapperRule, ...]:
        try:
            return load_redirect_rules(self.base / name)
        except ConfigError as exc:
            for problem in exc.problems:
                self.doc.problem(
                    ("repository", "redirect_wrappers"), f"redirect_wrappers: {problem}"
                )
            return ()

    def _review_db(self, url: str) -> str:
        """A relative ``sqlite:///`` path is relative to server.toml, like every other path."""
        if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
            return f"sqlite:///{self.base / url[len('sqlite:///') :]}"
        if not url.startswith(("sqlite:///", "postgresql://", "postgres://")):
            raise ValueError(f"{url!r} is not sqlite:///PATH or postgresql://USER@HOST:PORT/DB")
        return url

    def _token(self, name: str) -> str | None:
        where = ("server", "admin_token_file")
        path = self.base / name
        try:
            token = path.read_text("utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            self.doc.problem(where, f"cannot read the admin token file {path}: {exc}")
            return None
        if len(token) < MIN_ADMIN_TOKEN_CHARS:
            self.doc.problem(
                where,
                f"the admin token in {path} is {len(token)} characters; at least "
                f"{MIN_ADMIN_TOKEN_CHARS} are needed (for example: python -c "
                '"import secrets; print(secrets.token_urlsafe(32))"); refusing to start',
            )
            return None
        if not token.isascii() or not token.isprintable() or " " in token:
            self.doc.problem(where, f"the admin token in {path} must be printable ASCII, no spaces")
            return None
        return token

    def _lists(self, value: Any) -> tuple[list[ListSource], dict[str, ListMeta]]:
        if not isinstance(value, list):
            self.doc.problem(("lists",), "lists must be [[lists]] tables")
            return [], {}
        lists: list[ListSource] = []
        meta: dict[str, ListMeta] = {}
        for index, item in enumerate(value):
            where: tuple[str | int, ...] = ("lists", index)
            table = self._table(where, item, _LIST_KEYS)
            name = self._get(table, where, "name", str, "")
            source = self._get(table, where, "source", str, "")
            if not name or not source:
                self.doc.problem(where, "each [[lists]] needs a name and a source")
                continue
            if any(other.name == name for other in lists):
                self.doc.problem((*where, "name"), f"a second list named {name!r}")
                continue
            lists.append(
                ListSource(
                    name,
                    source if "://" in source else str(self.base / source),
                    self._get(table, where, "action", str, Action.BLOCK, _action),
                    self._get(table, where, "max_shrink", float, None, _share),
                    self._get(table, where, "format", str, None, _format),
                )
            )
            if META_KEYS & set(table):  # keys were checked above: pass only the meta ones
                listed = {key: table[key] for key in META_KEYS & set(table)}
                meta[name] = read_list_meta(self.doc, where, listed, set(META_KEYS))
        return lists, meta


_TIME = (str, int)
_TYPE_NAMES = {"str": "string", "int": "integer", "float": "number"}


def _format(value: str) -> ListFormat:
    if value not in ("text", "csv"):
        raise ValueError(f"'text' or 'csv', not {value!r}")
    return ListFormat(value)


def _path_or_none(base: Path, value: str | None) -> Path | None:
    return None if value is None else base / value


def _duration(value: str | int) -> int:
    seconds = parse_duration(value)
    if seconds <= 0:
        raise ValueError(f"{value!r} must be longer than 0 s")
    return seconds


def _share(value: float) -> float:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"a share between 0 and 1, not {value!r}")
    return value


def _port(value: int) -> int:
    if not 0 <= value <= 65535:
        raise ValueError(f"{value} is not a TCP port")
    return value


def _positive(value: int) -> int:
    if value < 1:
        raise ValueError(f"must be at least 1, not {value}")
    return value


def _action(value: str) -> Action:
    if value not in ("block", "warn"):
        raise ValueError(f"'block' or 'warn', not {value!r}")
    return Action(value)
