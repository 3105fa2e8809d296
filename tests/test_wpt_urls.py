"""WHATWG URL conformance cases (tests/data/wpt_urltestdata.json, web-platform-tests).

Every case must canonicalise or raise InvalidURLError: no other exception and no hang. Where
WHATWG parses the input on its own (no base needed) to a valid http(s) URL, our host must equal
WHATWG's hostname; the exceptions are named below with the reason.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

import linkscreen
from linkscreen.expressions import split_canonical

from vectors import wpt_cases

CASES = wpt_cases()
_ABSOLUTE_WEB = re.compile(r"[\x00-\x20]*https?:[/\\]{2}", re.IGNORECASE)

# WHATWG input -> why our host differs (or why we refuse a URL WHATWG accepts).
HOST_EXCEPTIONS: dict[str, str] = {
    "http://./": "Safe Browsing removes leading/trailing dots: the host '.' becomes empty, "
    "so there is no host to look up.",
    "http://../": "as 'http://./': a host of only dots is empty after dot removal.",
    "http://foo.09..": "dots are collapsed first (Safe Browsing), leaving 'foo.09', which ends "
    "in a number and is not a valid IPv4 address; WHATWG sees an empty last label instead.",
}


def _comparable(case: dict[str, Any]) -> bool:
    """WHATWG gives a valid http(s) URL that does not depend on the base URL."""
    if case.get("failure") or case.get("protocol") not in ("http:", "https:"):
        return False
    return case.get("base") is None or _ABSOLUTE_WEB.match(case["input"]) is not None


COMPARABLE = [c for c in CASES if _comparable(c)]


def test_every_case_canonicalises_or_raises_invalid_url() -> None:
    outcomes = {"ok": 0, "refused": 0}
    for case in CASES:
        try:
            linkscreen.canonical_variants(case["input"])
            outcomes["ok"] += 1
        except linkscreen.InvalidURLError:
            outcomes["refused"] += 1
    assert sum(outcomes.values()) == len(CASES) == 891
    assert outcomes["ok"] > 300


@pytest.mark.parametrize("case", COMPARABLE, ids=[repr(c["input"])[:60] for c in COMPARABLE])
def test_host_equals_whatwg(case: dict[str, Any]) -> None:
    if case["input"] in HOST_EXCEPTIONS:
        with pytest.raises(linkscreen.InvalidURLError):
            linkscreen.canonicalize(case["input"])
        return
    host, _, _ = split_canonical(linkscreen.canonicalize(case["input"]))
    assert host == case["hostname"]


def test_enough_cases_are_compared() -> None:
    assert len(COMPARABLE) >= 180
    assert set(HOST_EXCEPTIONS) <= {c["input"] for c in COMPARABLE}
