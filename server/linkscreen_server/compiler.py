"""Compile list files into a signed bundle: read, canonicalise, hash, build the filter, sign.

A list entry is one expression: the canonical URL without its scheme (``bad.example/`` is a
host and its subdomains, ``bad.example/a/`` a path prefix, ``bad.example/a/1`` one page). The
canonicaliser is the SDK's, so server and client agree byte for byte. Every input line either
compiles or is reported as ``file:line: reason``; the rest still compiles.
"""

from __future__ import annotations

import itertools
import os
import secrets
import time
from array import array
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from urllib.parse import unquote

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from linkscreen.bundle import build
from linkscreen.bundle import format as fmt
from linkscreen.bundle.format import WrapperRule
from linkscreen.canonical import canonicalize
from linkscreen.errors import InvalidURLError
from linkscreen.expressions import MAX_HOSTS, lookup_hosts, lookup_paths, split_canonical
from linkscreen.psl import PublicSuffixList
from linkscreen.results import Action, ListInfo
from linkscreen.shortlinks import shortener_of

from .sources import (
    Ignored,
    ListFormat,
    Rejected,
    SourceLine,
    format_of,
    physical_line_batches,
    read_list,
    read_text_line,
)
from .suffixes import default_psl
from .writer import BundleParams, build_bundle

DEFAULT_FPR = 1e-4
DEFAULT_LIFETIME_S = 72 * 3600
#: Default category for entries whose list gives none.
DEFAULT_CATEGORY = "unspecified"
DEFAULT_DETERRENCE = {
    Action.BLOCK: "This link was blocked: it is on a child-protection list of abuse material.",
    Action.WARN: "Be careful: this link is on a child-protection watch list.",
}
DEFAULT_SHORTENERS = Path(__file__).parent / "data" / "url_shorteners.txt"


@dataclass(frozen=True)
class ListSpec:
    """``--list NAME=FILE[:block|warn]``; ``format`` None reads ``.csv`` as CSV, else text."""

    name: str
    path: Path
    action: Action = Action.BLOCK
    format: ListFormat | None = None

    @classmethod
    def parse(cls, text: str) -> ListSpec:
        name, sep, rest = text.partition("=")
        if not sep or not name or not rest:
            raise ValueError(f"--list {text!r}: expected NAME=FILE[:block|warn]")
        path, action = rest, Action.BLOCK
        head, colon, tail = rest.rpartition(":")
        if colon and tail in ("block", "warn"):
            path, action = head, Action(tail)
        return cls(name, Path(path), action)

    def with_format(self, format: ListFormat | None) -> ListSpec:
        return ListSpec(self.name, self.path, self.action, format)


@dataclass(frozen=True)
class ChainParams:
    """What stays fixed along a delta chain; ``base`` is the previous version's Bloom array."""

    salt: bytes
    bloom_seed: int
    bloom_k: int
    bloom_bits: int
    base: bytes


@dataclass(frozen=True)
class ListMeta:
    """Per-list category and deterrence text from the operator's metadata file."""

    category: str | None = None
    deterrence: tuple[tuple[str, str, str], ...] = ()
    default_locale: str | None = None
    """One of ``deterrence``'s locales, shown when none of the person's has a message."""


@dataclass
class InputReport:
    """The account of one input file: lines = entries + duplicates + rejected + ignored."""

    path: str
    lines: int = 0
    entries: int = 0
    """Lines that added an entry."""
    duplicates: int = 0
    """Lines whose entry an earlier line of the same list already added."""
    rejected: int = 0
    ignored: int = 0
    """Blank lines, comments and a CSV header."""

    @property
    def balanced(self) -> bool:
        return self.lines == self.entries + self.duplicates + self.rejected + self.ignored

    def summary(self) -> str:
        return (
            f"{self.path}: {self.lines:,} lines read = {self.entries:,} entries + "
            f"{self.duplicates:,} duplicates + {self.rejected:,} rejected + "
            f"{self.ignored:,} blank/comment/header"
        )


@dataclass
class CompileReport:
    entries: int = 0
    """Fingerprint rows in the bundle: entries from lines, plus &amp; readings and hops."""
    duplicates: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    """Lines that did not compile, each ``file:line: reason``."""
    warnings: list[Rejected] = field(default_factory=list)
    """Lines that compiled, with something the operator should know (``file:line: ...``)."""
    resolved: list[Rejected] = field(default_factory=list)
    """Every short-link target added by resolution, with the short link's line
    (``file:line: short link resolved, added URL``): what the operator should review."""
    html_unescaped: int = 0
    lines: int = 0
    ignored: int = 0
    inputs: list[InputReport] = field(default_factory=list)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    size_bytes: int = 0
    bloom_bits: int = 0
    bloom_k: int = 0
    configured_fpr: float = DEFAULT_FPR
    expected_fpr: float = 0.0
    lists: int = 0
    short_links: int = 0
    resolved_hops: int = 0
    list_entries: dict[str, int] = field(default_factory=dict)
    """Entries (fingerprint rows) per list id."""

    @property
    def bits_per_entry(self) -> float:
        return self.size_bytes * 8 / max(self.entries, 1)

    @property
    def line_entries(self) -> int:
        """Entries added by list lines (the rest come from &amp; readings and short-link hops)."""
        return sum(item.entries for item in self.inputs)

    def summary(self) -> str:
        stages = ", ".join(f"{name} {secs:.2f} s" for name, secs in self.stage_seconds.items())
        return "\n".join(
            [
                f"compiled {self.entries:,} entries from {self.lists} list(s), "
                f"{self.lines:,} lines read",
                f"  {self.lines:,} lines = {self.line_entries:,} entries + "
                f"{self.duplicates:,} duplicates + {len(self.rejected):,} rejected + "
                f"{self.ignored:,} blank/comment/header",
                *(f"  {item.summary()}" for item in self.inputs),
                f"  entries besides lines: &amp; lines also compiled unescaped "
                f"{self.html_unescaped:,}, short-link targets {self.resolved_hops:,} "
                f"(short links: {self.short_links:,}); warnings: {len(self.warnings):,}",
                f"  bundle: {self.size_bytes:,} bytes, {self.bits_per_entry:.1f} bits per entry",
                f"  Bloom filter: m={self.bloom_bits:,} bits, k={self.bloom_k}, configured FPR "
                f"{self.configured_fpr:g}, expected {self.expected_fpr:.3g}",
                f"  stages: {stages}",
            ]
        )


class EntryError(ValueError):
    """A list line that cannot be an entry clients match; the message says why."""


class PublicSuffixEntryError(EntryError):
    """An entry would block a whole public suffix."""


class NotAURLError(EntryError):
    """The line is not a URL or host name at all."""


class UnreachableEntryError(EntryError):
    """The entry is a path prefix deeper than the prefixes clients compute: it could only ever
    match its own exact URL, never a page under it."""


#: Characters a canonical host name may hold (labels of letters, digits, ``-`` and ``_``).
_HOST_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_.")
_HOST_HINTS = {  # the first that applies, most telling first
    "<": "HTML? list the plain URL",
    ",": "is this a CSV file? name it .csv or pass --format csv",
    "*": "no wildcard is needed: 'example.test/' already covers every subdomain",
    "(": "obfuscated? list the plain URL",
    "[": "obfuscated? list the plain URL",
    '"': "quoted? in a text list, write the URL without quotes",
    " ": "a URL has no spaces",
}


def _hint(text: str) -> str:
    hint = next((hint for ch, hint in _HOST_HINTS.items() if ch in text), "")
    return f"; {hint}" if hint else ""


def entry_expression(
    url: str,
    *,
    allow_public_suffix: bool = False,
    psl: PublicSuffixList | None = None,
    canonical: str | None = None,
) -> str:
    """The one expression a list line stands for; ``psl`` (default: the server's list, see
    ``suffixes``) decides what a public suffix is. ``canonical`` is ``canonicalize(url)``
    when the caller has it already (the C core's batch, byte-identical).

    Raises InvalidURLError (the canonicaliser cannot read it) or an EntryError: not a URL,
    a whole public suffix, or a path prefix deeper than clients look.
    """
    head = url.strip()
    if "://" not in head:
        host_part = head.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
        if not any(ch in host_part for ch in ".:[") and host_part:  # "mailto:" etc. go on
            raise NotAURLError(
                f"not a URL or host name: {head[:80]!r} has no scheme and no dot" + _hint(host_part)
            )
    host, path, query = split_canonical(canonical if canonical else canonicalize(url))
    if host[0] != "[" and not set(host) <= _HOST_CHARS:
        shown = unquote(host)
        odd = "".join(sorted({ch for ch in shown if ch not in _HOST_CHARS}))
        raise NotAURLError(
            f"not a URL: the host {shown[:80]!r} has characters no host name has ({odd!r})"
            + _hint(odd)
        )
    host_wide = path == "/" and not query and host[0] != "[" and not host[-1].isdigit()
    psl = psl if psl is not None else default_psl()
    if host_wide and not allow_public_suffix and psl.is_shared_suffix(host):
        raise PublicSuffixEntryError(
            f"would block the whole public suffix {host!r}; "
            "pass --force-public-suffix to compile it anyway"
        )
    expression = host + path + (f"?{query}" if query else "")
    if query is None and path.endswith("/") and path != "/":
        probe = lookup_paths(path + "x", None)  # the prefixes a page under the entry yields
        if path not in probe:
            deepest = max((p for p in probe if p.endswith("/")), key=len)
            raise UnreachableEntryError(
                f"path prefix {path!r} is {path.count('/') - 1} directories deep; clients check "
                f"prefixes only down to {deepest.count('/') - 1} ({deepest!r}), so it would "
                "match only that exact URL, never a page under it; list a shorter prefix or "
                "the pages"
            )
    return expression


def host_coverage_warning(expression: str, psl: PublicSuffixList | None = None) -> str | None:
    """Why a host-wide entry does not reach all its subdomains, or None if it does."""
    host, _, rest = expression.partition("/")
    if rest or host.startswith("[") or host[-1].isdigit():
        return None
    psl = psl if psl is not None else default_psl()
    if host in lookup_hosts(f"sub.{host}", psl):
        return None
    if psl.is_shared_suffix(host):
        return (
            f"{host!r} is blocked, but not the sites under it: clients stop at the "
            "registrable domain, and a public suffix is none"
        )
    return (
        f"{host!r} is blocked, but not its subdomains: clients check only the registrable "
        f"domain and up to {MAX_HOSTS - 2} labels in front of it"
    )


Progress = Callable[[int, int], None]


def compile_bundle(
    specs: Sequence[ListSpec],
    key: Ed25519PrivateKey,
    *,
    fpr: float = DEFAULT_FPR,
    created: int | None = None,
    lifetime_s: int = DEFAULT_LIFETIME_S,
    sequence: int | None = None,
    salt: bytes | None = None,
    bloom_seed: int | None = None,
    meta: dict[str, ListMeta] | None = None,
    shorteners: Iterable[str] | None = None,
    shortener_policy: int = fmt.SHORTENER_POLICY_ALLOW,
    allow_public_suffix: bool = False,
    progress: Progress | None = None,
    resolve: Resolver | None = None,
    chain: ChainParams | None = None,
    capacity_factor: float = 1.0,
    psl: PublicSuffixList | None = None,
    redirect_rules: Sequence[WrapperRule] = (),
    allowlist: Collection[str] = (),
) -> tuple[bytes, CompileReport]:
    """Compile ``specs`` into signed bundle bytes and a report. Pure but for reading the lists.

    ``psl`` is the Public Suffix List to compile with and ship in the bundle (default: the
    pinned tldextract snapshot, see ``suffixes``); ``redirect_rules`` are the operator's
    redirect wrappers, shipped in the bundle to extend the SDK's own list. ``allowlist``
    holds expressions (see :func:`load_allowlist`) no list may carry: a line that compiles
    to one is rejected, saying so, and a short-link hop that is one is dropped.
    """
    psl = psl if psl is not None else default_psl()
    if not specs:
        raise ValueError("at least one --list is needed")
    names = [spec.name for spec in specs]
    if len(set(names)) != len(names):
        raise ValueError("each --list NAME must be unique")
    meta = meta or {}
    allowed = frozenset(allowlist)
    report = CompileReport(configured_fpr=fpr)
    clock = time.perf_counter

    started = clock()
    total_lines = sum(_count_lines(spec.path) for spec in specs)
    domains = sorted(set(shorteners if shorteners is not None else load_shorteners()))
    known = frozenset(domains)
    lists = _Lists(report, known, psl, allowed, allow_public_suffix, progress, total_lines)
    entries, list_table, short_links = lists.entries, lists.list_table, lists.short_links
    reader: build.LineReader | None = None
    for spec in specs:
        info = meta.get(spec.name, ListMeta())
        account = InputReport(str(spec.path))
        report.inputs.append(account)
        if build.native_enabled() and format_of(spec.path, spec.format) is ListFormat.TEXT:
            if reader is None:
                reader = build.LineReader(psl, known)
            with open(spec.path, "rb") as handle:
                for batch in physical_line_batches(handle):
                    lists.add_text_lines(spec, info, account, batch, reader)
            continue
        for item, canonical_of in _with_canonical(read_list(spec.path, spec.format)):
            lists.count_lines(account, 1)
            lists.add(spec, info, account, item, canonical_of)
    if progress is not None:
        progress(report.lines, total_lines)
    _add_short_link_targets(
        entries, short_links, resolve, report, allow_public_suffix, psl, allowed
    )
    if not list_table:  # an empty bundle is valid: it matches nothing
        list_table.append(ListInfo(specs[0].name, specs[0].action, DEFAULT_CATEGORY, ()))
    report.lists = len({info.id for info in list_table})
    report.stage_seconds["read+canonicalise"] = clock() - started

    started = clock()
    if chain is not None:
        salt = chain.salt
    salt = salt if salt is not None else secrets.token_bytes(fmt.SALT_BYTES)
    rows_of = entries.by_tag
    expressions = [expression for run in rows_of.values() for expression in run]
    tags = array("H")
    for tag, run in rows_of.items():
        tags.extend(repeat(tag, len(run)))
    runs = list(rows_of.values())
    distinct = len(runs[0]) if len(runs) == 1 else len(set().union(*runs))
    entries.clear()  # the expressions and tags hold everything from here on
    del runs
    joined = build.Expressions(expressions)
    del expressions
    report.entries = joined.count
    report.list_entries = {spec.name: 0 for spec in specs}
    for tag, count in Counter(tags).items():
        report.list_entries[list_table[tag].id] += count
    rows = build.encode_rows(
        salt,
        joined,
        tags,
        fmt.tag_bits_for(len(list_table)),
        fmt.fingerprint_prefix_bytes_for(joined.count),
    )
    del tags
    report.stage_seconds["hash+sort"] = clock() - started

    started = clock()
    if chain is not None:  # within a chain: same filter shape, and it only gains bits
        m, k, seed = chain.bloom_bits, chain.bloom_k, chain.bloom_seed
    else:
        m, k = fmt.bloom_parameters(int(joined.count * capacity_factor), fpr)
        seed = bloom_seed if bloom_seed is not None else secrets.randbits(32)
    bloom = build.build_bloom(joined, m, k, seed, None if chain is None else chain.base)
    del joined
    report.bloom_bits, report.bloom_k = m, k
    report.expected_fpr = fmt.expected_fpr(distinct, m, k)
    report.stage_seconds["bloom"] = clock() - started

    started = clock()
    created = int(time.time()) if created is None else created
    params = BundleParams(
        created=created,
        expires=created + lifetime_s,
        sequence=created if sequence is None else sequence,
        salt=salt,
        bloom_seed=seed,
        bloom_k=k,
        bloom_bits=m,
    )
    data = build_bundle(
        params,
        list_table,
        rows,
        bloom,
        domains,
        shortener_policy,
        key,
        psl,
        redirect_rules=redirect_rules,
    )
    report.size_bytes = len(data)
    report.stage_seconds["assemble+sign"] = clock() - started
    return data, report


class Entries:
    """The entries compiled so far, as ``(expression, list row)`` keys: one insertion-ordered
    dict of expressions per list row, so that a batch adds to its row's dict directly and
    the expressions are laid out without a tuple per entry."""

    __slots__ = ("by_tag", "count")

    def __init__(self) -> None:
        self.by_tag: dict[int, dict[str, None]] = {}
        self.count = 0

    def run(self, tag: int) -> dict[str, None]:
        """List row ``tag``'s expressions; whoever adds to it directly updates ``count``."""
        return self.by_tag.setdefault(tag, {})

    def __contains__(self, key: tuple[str, int]) -> bool:
        run = self.by_tag.get(key[1])
        return run is not None and key[0] in run

    def __setitem__(self, key: tuple[str, int], value: None) -> None:
        run = self.run(key[1])
        if key[0] not in run:
            run[key[0]] = value
            self.count += 1

    def __len__(self) -> int:
        return self.count

    def clear(self) -> None:
        self.by_tag.clear()
        self.count = 0


class _Lists:
    """The entries and list rows being compiled, and the per-line account of each input."""

    def __init__(
        self,
        report: CompileReport,
        shorteners: frozenset[str],
        psl: PublicSuffixList,
        allowed: frozenset[str],
        allow_public_suffix: bool,
        progress: Progress | None,
        total_lines: int,
    ) -> None:
        self.report = report
        self.shorteners = shorteners
        self.psl = psl
        self.allowed = allowed
        self.allow_public_suffix = allow_public_suffix
        self.progress = progress
        self.total_lines = total_lines
        self.list_rows: dict[tuple[str, str], int] = {}
        self.list_table: list[ListInfo] = []
        self.entries = Entries()
        self.short_links: list[tuple[SourceLine, int, str]] = []

    def count_lines(self, account: InputReport, count: int) -> None:
        """Count ``count`` lines read; report progress every 4,096 lines."""
        before = self.report.lines
        self.report.lines += count
        account.lines += count
        if self.progress is not None:
            for lines in range(before + 4096 - before % 4096, self.report.lines + 1, 4096):
                self.progress(lines, self.total_lines)

    def tag(self, spec: ListSpec, category: str) -> tuple[tuple[str, str], int]:
        row_key = (spec.name, category)
        return row_key, self.list_rows.get(row_key, len(self.list_table))

    def register(self, spec: ListSpec, info: ListMeta, row_key: tuple[str, str]) -> None:
        """Give ``row_key`` its list row (once it has an entry)."""
        if row_key in self.list_rows:
            return
        self.list_rows[row_key] = len(self.list_table)
        deterrence = info.deterrence or (("en", DEFAULT_DETERRENCE[spec.action], ""),)
        default = info.default_locale if info.deterrence else None
        self.list_table.append(ListInfo(spec.name, spec.action, row_key[1], deterrence, default))

    def add(
        self,
        spec: ListSpec,
        info: ListMeta,
        account: InputReport,
        item: SourceLine | Ignored | Rejected,
        canonical_of: Mapping[str, str | None] | None,
    ) -> None:
        """Account for one item of the reference reader (its line already counted)."""
        report = self.report
        if isinstance(item, Ignored):
            report.ignored += 1
            account.ignored += 1
            return
        if isinstance(item, Rejected):
            report.rejected.append(item)
            account.rejected += 1
            return
        row_key, tag = self.tag(spec, item.category or info.category or DEFAULT_CATEGORY)
        size = len(self.entries)
        short = _add_line(
            item,
            tag,
            self.entries,
            report,
            account,
            self.allow_public_suffix,
            self.shorteners,
            self.psl,
            self.allowed,
            canonical_of,
        )
        if len(self.entries) > size:  # a row once it has an entry
            self.register(spec, info, row_key)
        if short is not None:
            self.short_links.append((item, tag, short))

    def add_text_lines(
        self,
        spec: ListSpec,
        info: ListMeta,
        account: InputReport,
        lines: list[bytes | int],
        reader: build.LineReader,
    ) -> None:
        """Account for a batch of a text list's physical lines: those the C core decides
        (blank, comment, a plain entry) here, in line order with every other line, which
        the reference reader reads (so its words and its order stay the reference's)."""
        first = account.lines + 1
        self.count_lines(account, len(lines))
        raws = [b"" if isinstance(raw, int) else raw for raw in lines] if _has_int(lines) else lines
        codes, expressions = reader.read(raws)  # type: ignore[arg-type]
        if raws is not lines:  # an overlong line (its length): the reference rejects it
            codes = bytes(
                reader.codes.defer if isinstance(raw, int) else code
                for raw, code in zip(lines, codes, strict=True)
            )
        row_key, tag = self.tag(spec, info.category or DEFAULT_CATEGORY)
        entries, allowed, report = self.entries, self.allowed, self.report
        size = len(entries)
        run = entries.run(tag)  # this list row's expressions (the reference adds there too)
        entry, entry_amp, defer = reader.codes.entry, reader.codes.entry_amp, reader.codes.defer
        added = duplicates = unescaped = ignored = fresh = 0  # fresh: not yet in entries.count
        where = str(spec.path)
        following = iter(expressions)
        for index, code in enumerate(codes):
            if code == entry:
                expression = next(following)
                if not allowed or expression not in allowed:
                    if expression in run:
                        duplicates += 1
                    else:
                        run[expression] = None
                        added += 1
                        fresh += 1
                    continue
            elif code == entry_amp:
                expression, second = next(following), next(following)
                if not allowed or (expression not in allowed and second not in allowed):
                    if expression in run:
                        duplicates += 1
                    else:
                        run[expression] = None
                        added += 1
                        fresh += 1
                    if second not in run:
                        run[second] = None
                        unescaped += 1
                        fresh += 1
                    continue
            elif code != defer:
                ignored += 1
                continue
            entries.count += fresh  # the reference reads len(entries)
            fresh = 0
            item = read_text_line(where, first + index, lines[index])
            self.add(spec, info, account, item, None)
        entries.count += fresh
        account.entries += added
        report.duplicates += duplicates
        account.duplicates += duplicates
        report.html_unescaped += unescaped
        report.ignored += ignored
        account.ignored += ignored
        if len(entries) > size:
            self.register(spec, info, row_key)


def _has_int(lines: list[bytes | int]) -> bool:
    return any(isinstance(raw, int) for raw in lines)


#: Follows a batch of URLs: url -> (hops after it, why following failed or None).
Resolver = Callable[[list[str]], dict[str, tuple[list[str], str | None]]]


def _add_short_link_targets(
    entries: Entries,
    short: list[tuple[SourceLine, int, str]],
    resolve: Resolver | None,
    report: CompileReport,
    allow_public_suffix: bool,
    psl: PublicSuffixList,
    allowed: frozenset[str],
) -> None:
    """Short-link entries stay; when resolving, the *final target* of a chain that was
    followed to its end is added with the entry's list, as that exact URL and never broader.

    Whoever controls a listed short link's destination (often its abuser: many shorteners let
    the owner edit it) picks what resolution adds, so: intermediate hops and partial chains add
    nothing (a redirector is shared by innocent links); a target that would be a whole-host or
    path-prefix entry (``https://innocent.example/``, ``.../dir/``) is never added, only
    reported; a target on the allowlist is never added; every target added is listed in
    ``report.resolved`` for review.
    """
    report.short_links = len(short)
    if resolve is None or not short:
        return
    outcomes = resolve(sorted({url for _, _, url in short}))
    for item, tag, url in short:
        hops, failure = outcomes.get(url, ([], "not resolved"))
        if failure is not None:  # reported; the short link itself still compiles
            reason = f"short link kept, target not resolved: {failure}"
            report.warnings.append(Rejected(item.path, item.line, reason))
            continue
        if not hops:
            continue
        target = hops[-1]
        try:
            expression = entry_expression(target, allow_public_suffix=allow_public_suffix, psl=psl)
        except (InvalidURLError, EntryError) as exc:
            reason = exc.reason if isinstance(exc, InvalidURLError) else str(exc)
            message = f"short link resolved to {target}, not added: {reason}"
            report.warnings.append(Rejected(item.path, item.line, message))
            continue
        broader = broader_than_the_url(expression)
        if broader is not None:
            message = (
                f"short link resolved to {target}, not added: as an entry it would block "
                f"{broader}; list it yourself if that is meant"
            )
            report.warnings.append(Rejected(item.path, item.line, message))
            continue
        if expression not in allowed and (expression, tag) not in entries:
            entries[(expression, tag)] = None
            report.resolved_hops += 1
            added = f"short link resolved, added {target}"
            report.resolved.append(Rejected(item.path, item.line, added))


def broader_than_the_url(expression: str) -> str | None:
    """What an entry ``expression`` matches beyond its own URL (a whole host, or every page
    under a directory), or None when it matches only that URL (its path, any query)."""
    host, slash, rest = expression.partition("/")
    if "?" in rest or not (slash + rest).endswith("/"):
        return None
    if not rest:
        return f"the whole host {host!r} and its subdomains"
    return f"every page under {expression!r}"


#: Lines canonicalised per C call when the core is built.
CANONICAL_BATCH = 8192


def _with_canonical(
    items: Iterable[SourceLine | Ignored | Rejected],
) -> Iterator[tuple[SourceLine | Ignored | Rejected, Mapping[str, str | None]]]:
    """Each item with the canonical URLs of its batch's readings (one C call per batch of
    CANONICAL_BATCH lines; empty without the C core, where entry_expression canonicalises)."""
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, CANONICAL_BATCH)):
        canonical_of: Mapping[str, str | None] = {}
        if build.native_enabled():
            urls = [item.url for item in batch if isinstance(item, SourceLine)]
            urls += [url.replace("&amp;", "&") for url in urls if "&amp;" in url]
            canonical_of = dict(zip(urls, build.canonicalize_many(urls), strict=True))
        for item in batch:
            yield item, canonical_of


def _add_line(
    item: SourceLine,
    tag: int,
    entries: Entries,
    report: CompileReport,
    account: InputReport,
    allow_public_suffix: bool,
    shorteners: frozenset[str],
    psl: PublicSuffixList,
    allowed: frozenset[str] = frozenset(),
    canonical_of: Mapping[str, str | None] | None = None,
) -> str | None:
    """Account for the line (entry, duplicate or rejected) and add its entry; return the
    line's URL if it is a short link, else None."""
    short = None
    readings = [item.url]
    if "&amp;" in item.url:  # lists scraped from HTML; compile both readings, lose neither
        readings.append(item.url.replace("&amp;", "&"))
    for index, url in enumerate(readings):
        try:
            expression = entry_expression(
                url,
                allow_public_suffix=allow_public_suffix,
                psl=psl,
                canonical=canonical_of.get(url) if canonical_of else None,
            )
        except (InvalidURLError, EntryError) as exc:
            if index == 0:
                reason = exc.reason if isinstance(exc, InvalidURLError) else str(exc)
                report.rejected.append(Rejected(item.path, item.line, reason))
                account.rejected += 1
                return None
            continue
        if expression in allowed:
            if index == 0:
                reason = f"{expression!r} is on the allowlist (rejected in review); not compiled"
                report.rejected.append(Rejected(item.path, item.line, reason))
                account.rejected += 1
                return None
            continue
        if index == 0 and shorteners and shortener_of(f"http://{expression}", shorteners):
            short = item.url.strip()  # resolved as written: the canonical form drops the port
        if (expression, tag) in entries:
            if index == 0:
                report.duplicates += 1
                account.duplicates += 1
            continue
        entries[(expression, tag)] = None
        if index:
            report.html_unescaped += 1
        else:
            account.entries += 1
            warning = host_coverage_warning(expression, psl)
            if warning is not None:
                report.warnings.append(Rejected(item.path, item.line, warning))
    return short


def build_bloom(
    expressions: Iterable[bytes], m: int, k: int, seed: int, base: bytes | None = None
) -> bytes:
    """The Bloom bit array (m bits, LSB-first bytes) of the expressions, on top of ``base``."""
    return build.build_bloom(expressions, m, k, seed, base)


def load_allowlist(
    path: str | os.PathLike[str], psl: PublicSuffixList | None = None
) -> tuple[set[str], list[Rejected]]:
    """The expressions an allowlist file (a text list) stands for, and its unusable lines."""
    allowed: set[str] = set()
    rejected: list[Rejected] = []
    for item in read_list(path, ListFormat.TEXT):
        if isinstance(item, Rejected):
            rejected.append(item)
        elif isinstance(item, SourceLine):
            try:
                allowed.add(entry_expression(item.url, allow_public_suffix=True, psl=psl))
            except (InvalidURLError, EntryError) as exc:
                reason = exc.reason if isinstance(exc, InvalidURLError) else str(exc)
                rejected.append(Rejected(item.path, item.line, f"allowlist: {reason}"))
    return allowed, rejected


def load_shorteners(path: str | os.PathLike[str] = DEFAULT_SHORTENERS) -> list[str]:
    """Shortener domains from a file (one a line, ``#`` comments), lowercased."""
    domains = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        text = line.strip().lower()
        if text and not text.startswith("#"):
            domains.append(text)
    return domains


def _count_lines(path: Path) -> int:
    """About the number of lines (LF, CRLF or CR endings), for the progress bar."""
    total = 0
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            total += chunk.count(b"\n") + chunk.count(b"\r") - chunk.count(b"\r\n")
    return total
