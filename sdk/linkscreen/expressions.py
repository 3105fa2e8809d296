"""Lookup expressions: the host-suffix x path-prefix strings that are hashed and probed.

For a canonical URL the expressions are at most 5 hosts (the exact host, then the registrable
domain and up to three more labels in front of it: Safe Browsing v5's rule) times at most 6
paths (path with query, path, ``/`` and up to three leading directories). A list entry is one
such expression, so ``bad.example/`` blocks the host and every subdomain.

The registrable domain comes from a :class:`~linkscreen.psl.PublicSuffixList`: a Matcher passes
its bundle's list; without one, the SDK's snapshot is used.
"""

from __future__ import annotations

from .canonical import canonicalize

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at start-up
if TYPE_CHECKING:
    from .psl import PublicSuffixList

__all__ = ["MAX_EXPRESSIONS", "MAX_HOSTS", "MAX_PATHS", "expressions", "split_canonical"]

#: Host strings per URL: the exact host plus four built upward from the registrable domain.
MAX_HOSTS = 5
#: Path strings per URL: path+query, path, "/" and three leading directories.
MAX_PATHS = 6
#: Upper bound on expressions per URL.
MAX_EXPRESSIONS = MAX_HOSTS * MAX_PATHS
_DIRECTORY_PREFIXES = MAX_PATHS - 2


def expressions(url: str, psl: PublicSuffixList | None = None) -> list[str]:
    """Canonicalise ``url`` and return its lookup expressions, most specific host first.

    ``psl`` is the Public Suffix List to use (a bundle's ``public_suffix_list``); without it,
    the SDK's snapshot.
    """
    return canonical_expressions(canonicalize(url), psl)


def split_canonical(canonical: str) -> tuple[str, str, str | None]:
    """``(host, path, query)`` of a canonical URL; ``query`` is None when there is no ``?``."""
    start = canonical.index("://") + 3
    slash = canonical.index("/", start)
    host = canonical[start:slash]
    path, has_query, query = canonical[slash:].partition("?")
    return host, path, query if has_query else None


def canonical_expressions(canonical: str, psl: PublicSuffixList | None = None) -> list[str]:
    """Expressions of an already canonical URL (as returned by ``canonicalize``)."""
    host, path, query = split_canonical(canonical)
    paths = lookup_paths(path, query)
    return [h + p for h in lookup_hosts(host, psl) for p in paths]


def lookup_hosts(host: str, psl: PublicSuffixList | None = None) -> list[str]:
    """Exact host, then the registrable domain and up to three labels more; IPs: host only."""
    if host[0] == "[" or (host[-1].isdigit() and _is_ipv4(host)):
        return [host]
    if psl is None:
        from .psl import snapshot  # the snapshot loads with the first lookup that needs it

        psl = snapshot()
    base = psl.registrable_domain(host)
    if base is None or base == host:
        return [host]
    hosts = [host]
    labels = host[: len(host) - len(base) - 1].split(".")
    candidate = base
    for label in reversed(labels[-(MAX_HOSTS - 1) :]):
        hosts.append(candidate)
        candidate = f"{label}.{candidate}"
    return hosts[:MAX_HOSTS]


def lookup_paths(path: str, query: str | None) -> list[str]:
    """Path with query (if non-empty), exact path, then ``/`` and leading directories."""
    paths = []
    if query:
        paths.append(f"{path}?{query}")
    paths.append(path)
    if path != "/":
        prefix_end = 0
        for _ in range(_DIRECTORY_PREFIXES):
            prefix = path[: prefix_end + 1]
            if prefix == path:
                break
            paths.append(prefix)
            prefix_end = path.find("/", prefix_end + 1)
            if prefix_end < 0:
                break
    return paths


def _is_ipv4(host: str) -> bool:
    parts = host.split(".")  # four parts, none empty, all digits (no generator: speed round 10)
    return len(parts) == 4 and "" not in parts and host.replace(".", "").isdigit()
