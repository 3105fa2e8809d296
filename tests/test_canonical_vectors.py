"""Safe Browsing canonicalisation vectors (tests/data/sb_canon_vectors.tsv).

Sections A (Google's normative list), B (Firefox) and C (Yandex) must match byte for byte.
Section E (Chromium) must match except its composed empty-query row. Sections D (Google's Go
client) and F (gglsbl) are implementations that depart from the spec; every row we do not
reproduce is named below with the reason, and the test checks the list stays exact.
"""

from __future__ import annotations

import pytest

import linkscreen

from vectors import REJECT, CanonVector, canon_vectors

VECTORS = canon_vectors()

# Row line number in the file -> why we do not reproduce it.
DEPARTURES: dict[str, str] = {
    "E113": "Chromium's test compares the query separately, so an empty query ('q?') is "
    "indistinguishable from none; section A keeps the '?', and we follow A.",
    "D59": "Go drops the query; the spec (section A) keeps it.",
    "D60": "Go drops the query; the spec (section A) keeps it.",
    "D61": "Go drops the query; the spec (section A) keeps it.",
    "D64": "Go drops the query; the spec (section A) keeps it.",
    "D74": "Go writes lowercase hex escapes (%1b); the spec requires uppercase (%1B).",
    "D76": "Go drops the query (and splits on an unescaped %3F); we keep the query.",
    "D91": "'http:///blah': browsers skip any number of slashes after a special scheme "
    "(WHATWG), so the host is 'blah'; Go refuses.",
    "D93": "'http:///blah?query': read as host 'blah', as a browser does; Go refuses.",
    "D94": "'http:///blah;param': read as host 'blah;param', as a browser does; Go refuses.",
    "D95": "'http:///blah;param?query': host 'blah;param', as a browser does; Go refuses.",
    "F153": "gglsbl keeps the port; the spec (section A, gotaport.com:1234) drops it.",
    "F154": "gglsbl keeps the port; the spec drops it.",
    "F155": "gglsbl keeps the port; the spec drops it.",
    "F167": "gglsbl keeps the port (gotaport.com:1234); section A of the spec drops it.",
}


def _result(vector: CanonVector) -> str:
    try:
        return linkscreen.canonicalize(vector.input)
    except linkscreen.InvalidURLError:
        return REJECT


def _ids(vectors: list[CanonVector]) -> list[str]:
    return [v.id for v in vectors]


NORMATIVE = [v for v in VECTORS if v.section in "ABC"]
CHROMIUM = [v for v in VECTORS if v.section == "E" and v.id not in DEPARTURES]
DIFFERING = [v for v in VECTORS if v.section in "DF"]


def test_section_sizes_match_the_file_header() -> None:
    sizes = {s: sum(v.section == s for v in VECTORS) for s in "ABCDEF"}
    assert sizes == {"A": 33, "B": 2, "C": 1, "D": 52, "E": 37, "F": 40}


@pytest.mark.parametrize("vector", NORMATIVE, ids=_ids(NORMATIVE))
def test_normative_vector(vector: CanonVector) -> None:
    assert _result(vector) == vector.expected


@pytest.mark.parametrize("vector", CHROMIUM, ids=_ids(CHROMIUM))
def test_chromium_vector(vector: CanonVector) -> None:
    assert _result(vector) == vector.expected


@pytest.mark.parametrize("vector", DIFFERING, ids=_ids(DIFFERING))
def test_implementation_vector_or_named_departure(vector: CanonVector) -> None:
    if vector.id in DEPARTURES:
        assert _result(vector) != vector.expected, f"{vector.id} now matches: drop the departure"
    else:
        assert _result(vector) == vector.expected


def test_every_departure_names_a_real_row() -> None:
    assert set(DEPARTURES) <= {v.id for v in VECTORS}
