"""tests/vectors: the committed tiny bundle answers as documented, and regenerates byte-exact."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

import linkscreen
from linkscreen import _format as fmt

VECTORS = Path(__file__).parent / "vectors"
sys.path.insert(0, str(VECTORS))

import make_vectors  # noqa: E402


@pytest.fixture(scope="module")
def bundle() -> linkscreen.Bundle:
    return linkscreen.Bundle.open(VECTORS / "tiny.bundle", [VECTORS / "test-signing.pub"])


def test_expected_answers(bundle: linkscreen.Bundle) -> None:
    matcher = linkscreen.Matcher(bundle)
    expected: list[dict[str, Any]] = json.loads((VECTORS / "expected.json").read_text())
    assert {row["action"] for row in expected} == {"block", "warn", "allow"}
    for row in expected:
        verdict = matcher.check_url(row["url"])
        assert str(verdict.action) == row["action"], row["url"]
        assert list(verdict.lists) == row["lists"], row["url"]
        assert (None if verdict.match is None else str(verdict.match)) == row["match"]
        assert list(verdict.expressions) == row["expressions"]


def test_intermediate_hashes(bundle: linkscreen.Bundle) -> None:
    header = bundle.header
    for row in json.loads((VECTORS / "hashes.json").read_text()):
        raw = row["expression"].encode()
        assert fmt.fingerprint(header.salt, raw).hex() == row["fingerprint"]
        positions = fmt.bloom_positions(raw, header.bloom_seed, header.bloom_k, header.bloom_bits)
        assert positions == row["bloom_positions"]
        assert int(row["murmur3_x64_128_h2"], 16) < 2**64


def test_vectors_regenerate_byte_identical(tmp_path: Path) -> None:
    """Same inputs, salt, seed and time give the same bytes; and the files cannot drift."""
    for name, content in make_vectors.generate(tmp_path).items():
        assert (VECTORS / name).read_bytes() == content, f"{name} differs: run make_vectors.py"


def test_header_fields(bundle: linkscreen.Bundle) -> None:
    info = bundle.info()
    assert info.psl_version == linkscreen.PSL_SNAPSHOT_VERSION
    assert bundle.psl_matches
    assert info.canonicalization_version == linkscreen.CANONICALIZATION_VERSION
    assert (info.created, info.expires) == (1_767_225_600, 1_767_225_600 + 72 * 3600)
    assert [(i.id, str(i.action), i.category) for i in info.lists] == [
        ("hotline", "block", "csam"),
        ("watch", "warn", "suspicious"),
    ]
    message = bundle.lists[0].message("en-GB")
    assert message is not None
    assert (message.text, message.help_link) == ("This link was blocked.", "https://help.example/")
    assert bundle.shortener_domains == {"short.example", "tiny.test"}
