"""What the matcher reads of a URL, computed by the Python reference and by the C core, in one
comparable shape: ``(readings, expressions)``; ``("host-only", hosts, expressions)`` after a
limit; ``"unchecked"`` when not even the host can be read; ``None`` when refused."""

from __future__ import annotations

import linkscreen
from linkscreen import _probe
from linkscreen.canonical import canonical_variants, host_only_variants
from linkscreen.errors import URLLimitError
from linkscreen.expressions import canonical_expressions

Reading = tuple[object, ...] | str | None


def python_reading(url: str) -> Reading:
    try:
        variants = canonical_variants(url)
    except URLLimitError:
        try:
            hosts = host_only_variants(url)
        except linkscreen.InvalidURLError:
            return "unchecked"
        expressions = dict.fromkeys(e for h in hosts for e in canonical_expressions(h))
        return "host-only", tuple(hosts), tuple(expressions)
    except linkscreen.InvalidURLError:
        return None
    expressions = dict.fromkeys(e for v in variants for e in canonical_expressions(v))
    return tuple(variants), tuple(expressions)


def native_reading(
    table: _probe.NativePsl, url: str, probe: _probe.NativeProbe | None = None
) -> Reading:
    try:
        check = probe.check_url(table, url) if probe else _probe.expand_url(table, url)
    except URLLimitError:
        return "unchecked"
    except linkscreen.InvalidURLError:
        return None
    if check.host_only:
        return "host-only", check.variants, check.expressions
    return check.variants, check.expressions
