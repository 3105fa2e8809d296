"""The C core and the pure-Python twin give identical verdicts (>= 100,000 URLs)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import linkscreen
from linkscreen import _probe
from linkscreen.results import Action

from bundles import compile_lists, open_bytes

pytestmark = pytest.mark.skipif(not _probe.NATIVE_AVAILABLE, reason="C core not built")


def _urls(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    words = ["a", "img", "content", "x", "login", "dir"]
    urls = []
    for i in range(count):
        host = f"h{rng.randrange(4000)}.{rng.choice(['example', 'test', 'example.co.uk'])}"
        path = "/".join(rng.choice(words) for _ in range(rng.randrange(4)))
        query = f"?q={rng.randrange(50)}" if rng.random() < 0.2 else ""
        urls.append(f"http://{'w.' * (i % 3)}{host}/{path}{query}")
    return urls


@pytest.mark.slow
def test_native_and_pure_give_identical_verdicts(tmp_path: Path) -> None:
    listed = _urls(5_000, seed=1)
    data = compile_lists(tmp_path, {"hotline": (listed, Action.BLOCK)}, fpr=0.01)
    bundle = open_bytes(data)
    native, pure = _probe.NativeProbe(bundle), _probe.PureProbe(bundle)
    matcher = linkscreen.Matcher(bundle)
    probes = listed + _urls(100_000, seed=2)
    hits = 0
    for url in probes:
        expressions = linkscreen.expressions(url)
        rows = native.lookup(expressions)
        assert rows == pure.lookup(expressions), url
        hits += any(row >= 0 for row in rows)
    assert hits >= len(listed)
    assert all(matcher.check_url(url).action is Action.BLOCK for url in listed)
