"""Registrable domains (eTLD+1) from one Public Suffix List: the bundle's, or the SDK's snapshot.

A small, offline implementation of the PSL algorithm (https://publicsuffix.org/list/): exact
rules, wildcards (``*.ck``), exceptions (``!www.ck``), private-section rules counted as public
suffixes, and the implicit ``*`` rule (an unlisted TLD is a public suffix of one label). The
list a :class:`PublicSuffixList` holds is immutable; lookups are thread-safe.

A bundle of format version 2 carries the list the server compiled with, so a Matcher computes
host expressions from exactly the server's list. The snapshot in ``linkscreen/data`` serves
only where no bundle is at hand: ``linkscreen.expressions(url)`` and version-1 bundles. Nothing
here downloads, writes or imports tldextract.
"""

from __future__ import annotations

import _thread
import bisect
from dataclasses import dataclass, fields

from ._host import canonical_host
from .errors import InvalidURLError

__all__ = [
    "PSL_RUN_NAMES",
    "PSL_SNAPSHOT_VERSION",
    "SPECIAL_USE_TLDS",
    "PslRules",
    "PublicSuffixList",
    "is_shared_suffix",
    "public_suffix",
    "registrable_domain",
    "snapshot",
    "top_level_domains",
]

#: The ``// VERSION:`` of the snapshot the SDK ships (a test checks it against the file).
PSL_SNAPSHOT_VERSION = "2025-04-07_15-51-09_UTC"
_SNAPSHOT_FILE = "public_suffix_list.dat"
_PRIVATE_MARKER = "===BEGIN PRIVATE DOMAINS==="

#: Special-use names (RFC 2606, RFC 6761, RFC 7686) that the PSL leaves out but links use.
SPECIAL_USE_TLDS = frozenset({"example", "test", "invalid", "onion"})

#: Hosts whose answer is remembered per list; hosts repeat heavily in real traffic.
_CACHE_HOSTS = 1 << 16

# How a host's public suffix was found (is_shared_suffix needs to know).
_EXACT, _ICANN_WILDCARD, _PRIVATE_WILDCARD, _EXCEPTION, _IMPLICIT, _INTERIOR = range(6)


@dataclass(frozen=True)
class PslRules:
    """A Public Suffix List's rules in six sorted runs of label-reversed names (``uk.co``).

    Wildcard rules (``*.ck``) are stored as the name they are a wildcard under (``ck``);
    exception rules (``!www.ck``) without the ``!`` (``ck.www``). Private-section rules are
    kept apart so a reader can tell a registry from one company's hostnames. This is what a
    bundle's PSL section holds (``linkscreen.bundle.format.encode_psl``).
    """

    icann: tuple[str, ...]
    icann_wildcards: tuple[str, ...]
    icann_exceptions: tuple[str, ...]
    private: tuple[str, ...]
    private_wildcards: tuple[str, ...]
    private_exceptions: tuple[str, ...]

    def runs(self) -> tuple[tuple[str, ...], ...]:
        """The six runs, in the order a bundle stores them (PSL_RUN_NAMES)."""
        return tuple(getattr(self, name) for name in PSL_RUN_NAMES)

    @property
    def rule_count(self) -> int:
        return sum(len(run) for run in self.runs())


#: The runs of a PSL section, in their order: PslRules' fields.
PSL_RUN_NAMES = tuple(f.name for f in fields(PslRules))


class PublicSuffixList:
    """One Public Suffix List: its rules, its version, and the PSL algorithm over them."""

    __slots__ = (
        "_cache",
        "_exact",
        "_exceptions",
        "_interior",
        "_private_wildcards",
        "_rules",
        "_tlds",
        "_wildcards",
        "version",
    )

    def __init__(self, rules: PslRules, version: str) -> None:
        self._rules = rules
        self.version = version
        #: Label-reversed names (``uk.co``), as the bundle stores them.
        self._exact = frozenset(rules.icann) | frozenset(rules.private)
        self._wildcards = frozenset(rules.icann_wildcards)
        self._private_wildcards = frozenset(rules.private_wildcards)
        self._exceptions = frozenset(rules.icann_exceptions) | frozenset(rules.private_exceptions)
        self._cache: dict[str, tuple[int, int]] = {}
        self._tlds: frozenset[str] | None = None
        #: Whether a rule continues below a name (``uk`` for ``uk.co``), by name.
        self._interior: dict[str, bool] = {}

    # ---- construction ------------------------------------------------------------------
    @classmethod
    def parse(cls, text: str, version: str | None = None) -> PublicSuffixList:
        """Read ``public_suffix_list.dat`` text. Raises ValueError naming a bad line.

        ``version`` defaults to the file's ``// VERSION:`` line, else ``sha256:`` and the
        start of the rules' hash.
        """
        runs: list[set[str]] = [set() for _ in range(6)]
        private = False
        found_version = None
        for number, line in enumerate(text.splitlines(), 1):
            stripped = line.strip()
            if stripped.startswith("//"):
                private = private or _PRIVATE_MARKER in stripped
                if found_version is None and stripped.startswith("// VERSION:"):
                    found_version = stripped.removeprefix("// VERSION:").strip()
                continue
            if not stripped:
                continue
            rule = stripped.split()[0]  # the list's rule: read up to the first whitespace
            kind, name = _classify(rule, number)
            runs[kind + (3 if private else 0)].add(name)
        rules = PslRules(*(tuple(sorted(run)) for run in runs))
        if not rules.rule_count:
            raise ValueError("no Public Suffix List rules found")
        result = cls(rules, "")
        result.version = version or found_version or f"sha256:{result.sha256[:24]}"
        if len(result.version) > 32 or not result.version.isascii():
            raise ValueError(f"PSL version {result.version!r} is not 1-32 ASCII characters")
        return result

    @classmethod
    def from_section(cls, data: bytes | memoryview, version: str) -> PublicSuffixList:
        """Decode a bundle's PSL section (raises BundleCorruptError)."""
        from .bundle.format import decode_psl  # the bundle layer loads only when used

        return cls(decode_psl(data), version)

    @property
    def rules(self) -> PslRules:
        return self._rules

    def encode(self) -> bytes:
        """The bundle's PSL section for this list (docs/bundle-format.md)."""
        from .bundle.format import encode_psl

        return encode_psl(self._rules)

    @property
    def sha256(self) -> str:
        """SHA-256 (hex) of the encoded rules: equal lists have equal hashes, comments aside."""
        import hashlib  # not at import time: OpenSSL's load costs an app's start-up

        return hashlib.sha256(self.encode()).hexdigest()

    @property
    def rule_count(self) -> int:
        return self._rules.rule_count

    # ---- the algorithm -----------------------------------------------------------------
    def clear_cache(self) -> None:
        """Forget remembered hosts (benchmarks measure the cold path with it)."""
        self._cache.clear()
        self._interior.clear()

    def _lookup(self, host: str) -> tuple[int, int]:
        """``(labels in the public suffix, how it was found)`` for a well-formed host.

        The walk is tldextract's (the list as a trie of labels from the TLD down): follow the
        host's labels while they name a node of the trie, remembering the last node that ends
        a rule; where they stop, a wildcard child of the node there takes one label more,
        unless an exception names that label. No rule at all: the implicit ``*``.
        """
        cached = self._cache.get(host)
        if cached is not None:
            return cached
        labels = host.split(".")
        answer = (1, _IMPLICIT)
        name = ""
        for depth, label in enumerate(reversed(labels)):
            child = f"{name}.{label}" if name else label
            kind = self._node(child, name, label)
            if kind is None:  # the walk stops at ``name``
                if name in self._wildcards or name in self._private_wildcards:
                    wild = _PRIVATE_WILDCARD if name in self._private_wildcards else _ICANN_WILDCARD
                    answer = (depth, _EXCEPTION) if child in self._exceptions else (depth + 1, wild)
                break
            if kind != _INTERIOR:
                answer = (depth + 1, kind)
            name = child
        if len(self._cache) >= _CACHE_HOSTS:
            self._cache.clear()
        self._cache[host] = answer
        return answer

    def _node(self, child: str, parent: str, label: str) -> int | None:
        """What the trie holds at ``child`` (the label-reversed name ``parent.label``): the
        kind of rule ending there, ``_INTERIOR`` for a node inside longer rules, or None."""
        if label == "*":  # a literal "*" label walks into a wildcard rule, as in tldextract
            if parent in self._private_wildcards:
                return _PRIVATE_WILDCARD
            return _ICANN_WILDCARD if parent in self._wildcards else None
        if label.startswith("!"):  # likewise "!x" into an exception rule
            return _EXCEPTION if f"{parent}.{label[1:]}" in self._exceptions else None
        if child in self._exact:
            return _EXACT
        if child in self._wildcards or child in self._private_wildcards:
            return _INTERIOR
        known = self._interior.get(child)  # remembered: hosts share their last labels
        if known is None:
            prefix = child + "."
            known = False
            for run in self._rules.runs():
                at = bisect.bisect_left(run, prefix)
                if at < len(run) and run[at].startswith(prefix):
                    known = True
                    break
            if len(self._interior) >= _CACHE_HOSTS:
                self._interior.clear()
            self._interior[child] = known
        return _INTERIOR if known else None

    def public_suffix(self, host: str) -> str | None:
        """The public suffix of a canonical host name, or None for an empty or malformed host."""
        if not host or host[0] == "." or host[-1] == "." or ".." in host:
            return None
        size = self._lookup(host)[0]
        cut = len(host)
        for _ in range(size):
            cut = host.rfind(".", 0, cut)
        return host[cut + 1 :]

    def registrable_domain(self, host: str) -> str | None:
        """The registrable domain (eTLD+1) of a canonical host name.

        None when the host is itself a public suffix, is a single label, or is malformed. IP
        hosts have no registrable domain and must not be passed here.
        """
        suffix = self.public_suffix(host)
        if suffix is None or len(host) <= len(suffix):
            return None
        cut = host.rfind(".", 0, len(host) - len(suffix) - 1)
        return host[cut + 1 :]

    def is_shared_suffix(self, host: str) -> bool:
        """Whether ``host`` is a suffix many parties register under (``com``, ``co.uk``,
        ``blogspot.com``, an ICANN wildcard match like ``foo.ck``, an unlisted TLD).

        Hosts that are suffixes only through a private wildcard rule (one cloud machine's name,
        ``*.compute-1.amazonaws.com``) are not: blocking one of them blocks one machine.
        """
        if self.public_suffix(host) != host:
            return False
        return self._lookup(host)[1] != _PRIVATE_WILDCARD or self._is_explicit(host)

    def _is_explicit(self, host: str) -> bool:
        return ".".join(reversed(host.split("."))) in self._exact

    def top_level_domains(self) -> frozenset[str]:
        """Every top-level label of the list, in ASCII and Unicode forms, plus special use."""
        if self._tlds is None:
            tlds = set(SPECIAL_USE_TLDS)
            for run in self._rules.runs():
                tlds.update(name.partition(".")[0] for name in run)
            for tld in [t for t in tlds if t.startswith("xn--")]:
                try:
                    tlds.add(tld[4:].encode("ascii").decode("punycode"))
                except UnicodeError:
                    continue
            self._tlds = frozenset(tlds)
        return self._tlds

    def __repr__(self) -> str:
        return f"PublicSuffixList(version={self.version!r}, rules={self.rule_count})"


def _classify(rule: str, number: int) -> tuple[int, str]:
    """``(run, label-reversed name)`` of one rule line: 0 exact, 1 wildcard, 2 exception."""
    kind = 0
    if rule.startswith("!"):
        kind, rule = 2, rule[1:]
    elif rule.startswith("*."):
        kind, rule = 1, rule[2:]
    if not rule or "*" in rule or "!" in rule or (kind == 2 and "." not in rule):
        raise ValueError(f"line {number}: unsupported rule {rule!r}")
    try:
        host = rule.lower() if rule.isascii() else canonical_host(_utf8_as_latin1(rule), rule)
    except InvalidURLError as exc:
        raise ValueError(f"line {number}: rule {rule!r} is not a host name: {exc.reason}") from None
    return kind, ".".join(reversed(host.split(".")))


def _utf8_as_latin1(text: str) -> str:
    """The SDK's canonical_host reads hosts as UTF-8 bytes held in a str (see _percent)."""
    return text.encode("utf-8").decode("latin-1")


_LOCK = _thread.allocate_lock()  # threading's Lock, without importing threading at start-up
_snapshot: PublicSuffixList | None = None


def snapshot() -> PublicSuffixList:
    """The SDK's dated snapshot, parsed on first use (for use without a bundle)."""
    global _snapshot
    if _snapshot is None:
        with _LOCK:
            if _snapshot is None:
                from importlib import resources  # pathlib, zipfile...: only when needed

                text = (resources.files("linkscreen") / "data" / _SNAPSHOT_FILE).read_text("utf-8")
                _snapshot = PublicSuffixList.parse(text)
    return _snapshot


def public_suffix(host: str) -> str | None:
    """:meth:`PublicSuffixList.public_suffix` with the SDK's snapshot."""
    return snapshot().public_suffix(host)


def registrable_domain(host: str) -> str | None:
    """:meth:`PublicSuffixList.registrable_domain` with the SDK's snapshot."""
    return snapshot().registrable_domain(host)


def is_shared_suffix(host: str) -> bool:
    """:meth:`PublicSuffixList.is_shared_suffix` with the SDK's snapshot."""
    return snapshot().is_shared_suffix(host)


def top_level_domains() -> frozenset[str]:
    """:meth:`PublicSuffixList.top_level_domains` of the SDK's snapshot."""
    return snapshot().top_level_domains()
