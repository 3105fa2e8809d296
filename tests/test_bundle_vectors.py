"""tests/vectors: the committed bundles answer as documented, and regenerate byte-exact."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

import linkscreen
from linkscreen.bundle import format as fmt
from linkscreen.psl import PublicSuffixList

VECTORS = Path(__file__).parent / "vectors"
sys.path.insert(0, str(VECTORS))

import make_vectors  # noqa: E402

KEY = [VECTORS / "test-signing.pub"]


def _open(name: str) -> linkscreen.Bundle:
    return linkscreen.Bundle.open(VECTORS / name, KEY)


@pytest.fixture(scope="module")
def bundle() -> linkscreen.Bundle:
    return _open("tiny.bundle")


def _check_answers(bundle: linkscreen.Bundle, expected_file: str) -> None:
    matcher = linkscreen.Matcher(bundle)
    expected: list[dict[str, Any]] = json.loads((VECTORS / expected_file).read_text())
    assert {row["action"] for row in expected} == {"block", "warn", "allow"}
    for row in expected:
        verdict = matcher.check_url(row["url"])
        assert str(verdict.action) == row["action"], row["url"]
        assert list(verdict.lists) == row["lists"], row["url"]
        assert (None if verdict.match is None else str(verdict.match)) == row["match"]
        assert list(verdict.expressions) == row["expressions"]


@pytest.mark.parametrize(
    ("name", "prefix_bytes"), [("tiny.bundle", 0), ("tiny-p1.bundle", 1), ("tiny-p2.bundle", 2)]
)
def test_expected_answers(name: str, prefix_bytes: int) -> None:
    bundle = _open(name)
    assert bundle.header.fingerprint_prefix_bytes == prefix_bytes
    _check_answers(bundle, "expected.json")


def test_format_1_vectors_still_read_and_answer() -> None:
    """Bundles from before the PSL travelled keep working, on the SDK's snapshot."""
    old = _open("tiny-v1.bundle")
    assert old.header.format_version == 1
    assert not old.psl_embedded
    assert old.public_suffix_list is linkscreen.psl.snapshot()
    assert old.psl_matches  # compiled with the snapshot the SDK ships
    _check_answers(old, "expected-v1.json")


def test_intermediate_hashes(bundle: linkscreen.Bundle) -> None:
    header = bundle.header
    for row in json.loads((VECTORS / "hashes.json").read_text()):
        raw = row["expression"].encode()
        assert fmt.fingerprint(header.salt, raw).hex() == row["fingerprint"]
        positions = fmt.bloom_positions(raw, header.bloom_seed, header.bloom_k, header.bloom_bits)
        assert positions == row["bloom_positions"]
        assert int(row["murmur3_x64_128_h2"], 16) < 2**64


def test_psl_vectors(bundle: linkscreen.Bundle) -> None:
    vectors = json.loads((VECTORS / "psl.json").read_text())
    section = bundle.section(fmt.Section.PSL)
    assert section is not None
    assert section.hex() == vectors["section_hex"]
    psl = PublicSuffixList.from_section(bytes.fromhex(vectors["section_hex"]), vectors["version"])
    assert [list(run) for run in psl.rules.runs()] == list(vectors["runs"].values())
    assert psl.sha256 == vectors["sha256"]
    for host, registrable in vectors["registrable_domains"]:
        assert psl.registrable_domain(host) == registrable, host


def test_vectors_regenerate_byte_identical(tmp_path: Path) -> None:
    """Same inputs, salt, seed and time give the same bytes; and the files cannot drift."""
    for name, content in make_vectors.generate(tmp_path).items():
        assert (VECTORS / name).read_bytes() == content, f"{name} differs: run make_vectors.py"


def test_header_fields(bundle: linkscreen.Bundle) -> None:
    info = bundle.info()
    assert info.format_version == fmt.FORMAT_VERSION == 2
    assert info.psl_version == "tiny-vectors-1"
    assert info.psl_embedded
    assert info.psl_sha256 == bundle.public_suffix_list.sha256
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
