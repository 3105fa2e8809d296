"""Registrable domains (eTLD+1) from a pinned, offline Public Suffix List snapshot.

The list is the snapshot bundled with the pinned tldextract release, loaded with
``suffix_list_urls=()`` and no cache directory: nothing is downloaded or written, ever. Private
suffixes (``blogspot.com``) count as public suffixes, and an unlisted TLD is a public suffix
of one label (the PSL's implicit ``*`` rule, which tldextract alone does not apply).
"""

from __future__ import annotations

import functools
import re
import threading
from importlib import resources

import tldextract

from ._host import canonical_host

__all__ = [
    "PSL_SNAPSHOT_VERSION",
    "SPECIAL_USE_TLDS",
    "is_shared_suffix",
    "public_suffix",
    "registrable_domain",
    "top_level_domains",
]

_LOCK = threading.Lock()
_extractor: tldextract.TLDExtract | None = None


def _snapshot_text() -> str:
    return (resources.files("tldextract") / ".tld_set_snapshot").read_text("utf-8")


def _load_snapshot_version() -> str:
    head = _snapshot_text()[:2048]
    match = re.search(r"^// VERSION: (\S+)", head, re.MULTILINE)
    return match.group(1) if match else "unknown"


#: The ``// VERSION:`` line of the snapshot in use; recorded in every bundle.
PSL_SNAPSHOT_VERSION = _load_snapshot_version()


def _get_extractor() -> tldextract.TLDExtract:
    global _extractor
    if _extractor is None:
        with _LOCK:
            if _extractor is None:
                extractor = tldextract.TLDExtract(
                    suffix_list_urls=(),
                    cache_dir=None,
                    fallback_to_snapshot=True,
                    include_psl_private_domains=True,
                )
                extractor.extract_str("warm.example")  # parse the snapshot once, under the lock
                _extractor = extractor
    return _extractor


#: Distinct hosts remembered; hosts repeat heavily in real traffic and a lookup is ~3 us.
_CACHE_HOSTS = 1 << 16


@functools.lru_cache(maxsize=_CACHE_HOSTS)
def public_suffix(host: str) -> str | None:
    """The public suffix of a canonical host name, or None for an empty or malformed host."""
    if not host or host[0] == "." or host[-1] == "." or ".." in host:
        return None
    suffix = _get_extractor().extract_str(host).suffix
    if not suffix:
        suffix = host[host.rfind(".") + 1 :]  # implicit "*" rule: an unlisted TLD
    return suffix


@functools.lru_cache(maxsize=_CACHE_HOSTS)
def registrable_domain(host: str) -> str | None:
    """The registrable domain (eTLD+1) of a canonical host name.

    None when the host is itself a public suffix, is a single label, or is malformed. IP hosts
    are the caller's business: they have no registrable domain and must not be passed here.
    """
    suffix = public_suffix(host)
    if suffix is None or len(host) <= len(suffix):
        return None
    cut = host.rfind(".", 0, len(host) - len(suffix) - 1)
    return host[cut + 1 :]


@functools.cache
def _explicit_rules() -> frozenset[str]:
    """The PSL's literal (non-wildcard, non-exception) rules, in punycode."""
    rules = set()
    for line in _snapshot_text().splitlines():
        rule = line.strip()
        if rule and not rule.startswith(("//", "*", "!")):
            rules.add(
                rule if rule.isascii() else canonical_host(rule.encode().decode("latin-1"), rule)
            )
    return frozenset(rules)


def is_shared_suffix(host: str) -> bool:
    """Whether ``host`` is a suffix many parties register under (``com``, ``co.uk``,
    ``blogspot.com``, or an ICANN wildcard match like ``foo.ck``).

    Hosts that are suffixes only through a private wildcard rule (one cloud machine's name,
    ``*.compute-1.amazonaws.com``) are not: blocking one of them blocks one machine.
    """
    if public_suffix(host) != host:
        return False
    if host in _explicit_rules():
        return True
    return not _get_extractor().extract_str(host).is_private


#: Special-use names (RFC 2606, RFC 6761, RFC 7686) that the PSL leaves out but links use.
SPECIAL_USE_TLDS = frozenset({"example", "test", "invalid", "onion"})


@functools.cache
def top_level_domains() -> frozenset[str]:
    """Every top-level label in the PSL snapshot, ASCII and Unicode forms, plus special use."""
    tlds = set(SPECIAL_USE_TLDS)
    for line in _snapshot_text().splitlines():
        rule = line.strip()
        if not rule or rule.startswith("//"):
            continue
        last = rule.rsplit(".", 1)[-1].lstrip("!*")
        if not last:
            continue
        tlds.add(last)
        if not last.isascii():
            tlds.add(canonical_host(last.encode().decode("latin-1"), last))
    return frozenset(tlds)
