"""Bundle and delta sizes are deterministic, so their targets are tests: 25,000 entries fit in
500 KB with the Public Suffix List included, and a 1% churn delta is at most 3% of that."""

from __future__ import annotations

from pathlib import Path

import pytest

from linkscreen.bundle import format as fmt
from linkscreen.bundle.delta import apply_delta, make_delta
from linkscreen_server.compiler import ChainParams, ListSpec, compile_bundle
from linkscreen_server.writer import payload_of

from bundles import TEST_KEY

ENTRIES = 25_000


def _urls(start: int, count: int) -> list[str]:
    return [f"http://h{i}.example/a/{i % 97}/p{i}.html" for i in range(start, start + count)]


def _compile(path: Path, urls: list[str], **options: object) -> bytes:
    path.write_text("\n".join(urls) + "\n")
    data, report = compile_bundle([ListSpec("l", path)], TEST_KEY, **options)  # type: ignore[arg-type]
    assert report.entries == len(urls)
    return data


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("size") / "list.txt"
    return _compile(path, _urls(0, ENTRIES), salt=bytes(16), bloom_seed=3)


def test_25000_entry_bundle_with_its_psl_is_at_most_500_kb(full: bytes) -> None:
    payload = fmt.parse_payload(payload_of(full))
    assert payload.psl is not None
    assert payload.psl.rule_count > 9_000
    assert payload.header.fingerprint_prefix_bytes == 2
    assert len(full) <= 500_000, f"{len(full)} bytes"


def test_a_1_percent_churn_delta_is_at_most_3_percent_of_the_bundle(
    full: bytes, tmp_path: Path
) -> None:
    old = fmt.parse_payload(payload_of(full))
    header = old.header
    chain = ChainParams(
        header.salt, header.bloom_seed, header.bloom_k, header.bloom_bits, bytes(old.bloom)
    )
    churn = ENTRIES // 100
    urls = _urls(churn, ENTRIES - churn) + _urls(10**6, churn)
    new = _compile(tmp_path / "next.txt", urls, chain=chain)
    delta = make_delta(payload_of(full), payload_of(new))
    assert apply_delta(payload_of(full), delta) == payload_of(new)
    assert fmt.Section.PSL.to_bytes(4, "little") + b"\xff\xff\xff\xff" in delta  # not resent
    assert len(delta) <= 0.03 * len(new), f"{len(delta)} of {len(new)} bytes"
