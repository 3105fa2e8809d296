"""Bundle size is deterministic, so its target is a test: 25,000 entries fit in 500 KB."""

from __future__ import annotations

from pathlib import Path

from linkscreen_server.compiler import ListSpec, compile_bundle

from bundles import TEST_KEY


def test_25000_entry_bundle_is_at_most_500_kb(tmp_path: Path) -> None:
    urls = [f"http://h{i}.example/a/{i % 97}/p{i}.html" for i in range(25_000)]
    path = tmp_path / "list.txt"
    path.write_text("\n".join(urls) + "\n")
    data, report = compile_bundle([ListSpec("l", path)], TEST_KEY)
    assert report.entries == 25_000
    assert len(data) <= 500_000, f"{len(data)} bytes, {report.bits_per_entry:.1f} bits/entry"
