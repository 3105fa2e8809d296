"""The client's delta merge in C (``ls_delta_apply``) gives the pure merge's payload, byte for
byte, and refuses exactly the deltas the pure merge refuses.

Chains of random payloads (every p on both sides, one to three lists, rows removed, added
and moved to another list), and thousands of deltas with a flipped bit or cut short.
"""

from __future__ import annotations

import os
import random
from typing import Any

import pytest

from linkscreen import _probe
from linkscreen.bundle import delta as deltas
from linkscreen.errors import DeltaError

from bundle_parts import LISTS, make

pytestmark = pytest.mark.skipif(not _probe.NATIVE_AVAILABLE, reason="C core not built")


def _pure(old: bytes, delta: bytes, monkeypatch: Any) -> bytes | None:
    monkeypatch.setenv("LINKSCREEN_PURE", "1")
    try:
        return deltas.apply_delta(old, delta)
    except DeltaError:
        return None
    finally:
        monkeypatch.delenv("LINKSCREEN_PURE")


def _c(old: bytes, delta: bytes) -> bytes | None:
    try:
        return _probe.delta_apply(old, delta)
    except DeltaError:
        return None


def _chain(rng: random.Random, trial: int) -> tuple[bytes, bytes]:
    lists = LISTS[: 1 + trial % len(LISTS)]
    fingerprints = sorted({rng.randbytes(16) for _ in range(rng.choice([0, 3, 150, 1500]))})
    rows = sorted((fp, rng.randrange(len(lists))) for fp in fingerprints)
    kept = [row for row in rows if rng.random() > 0.1]
    added = [(rng.randbytes(16), rng.randrange(len(lists))) for _ in range(rng.randrange(40))]
    moved = [(fp, (tag + 1) % len(lists)) for fp, tag in rows[:3]] if len(lists) > 1 else []
    new_rows = sorted(set(kept + added + moved))
    old = make(rows, prefix_bytes=trial % 3, lists=lists).payload()
    new = make(new_rows, prefix_bytes=rng.randrange(3), lists=lists).payload()
    return old, new


def test_c_merge_gives_the_target_payload(monkeypatch: Any) -> None:
    rng = random.Random(7)
    for trial in range(24):
        old, new = _chain(rng, trial)
        delta = deltas.make_delta(old, new)
        assert _c(old, delta) == new, trial
        assert _pure(old, delta, monkeypatch) == new, trial
        assert deltas.apply_delta(old, delta) == new  # the SDK's entry point, C first


def test_one_c_call_whatever_the_output_estimate(monkeypatch: Any) -> None:
    """The merge runs once into a buffer sized from the headers; too short an estimate (or
    none) costs a second call, never a wrong answer."""
    rng = random.Random(8)
    for trial in range(12):
        old, new = _chain(rng, trial)
        delta = deltas.make_delta(old, new)
        assert _probe._delta_output_bound(old, delta) >= len(new)
        for bound in (0, 16, len(new) - 1, len(new)):
            monkeypatch.setattr(_probe, "_delta_output_bound", lambda *_, b=bound: b)
            assert _c(old, delta) == new, (trial, bound)
        monkeypatch.undo()


def test_c_merge_refuses_what_the_pure_merge_refuses(monkeypatch: Any) -> None:
    rng = random.Random(8)
    compared = refused = 0
    for trial in range(10):
        old, new = _chain(rng, trial)
        delta = bytearray(deltas.make_delta(old, new))
        for _ in range(120):
            broken = bytearray(delta)
            broken[rng.randrange(len(broken))] ^= 1 << rng.randrange(8)
            if rng.random() < 0.2:
                broken = broken[: rng.randrange(len(broken))]
            pure = _pure(old, bytes(broken), monkeypatch)
            assert _c(old, bytes(broken)) == pure, (trial, len(broken))
            compared += 1
            refused += pure is None
    assert compared == 1200
    assert refused > 1000


def test_a_refused_delta_is_worded_by_the_reference() -> None:
    old, new = _chain(random.Random(9), 1)
    delta = bytearray(deltas.make_delta(old, new))
    delta[-1] ^= 1  # the last added row's list index: the target hash cannot match
    with pytest.raises(DeltaError, match="C core"):
        _probe.delta_apply(old, bytes(delta))
    with pytest.raises(DeltaError) as refused:
        deltas.apply_delta(old, bytes(delta))
    assert "C core" not in str(refused.value)


def test_the_c_merge_is_used(monkeypatch: Any) -> None:
    old, new = _chain(random.Random(10), 2)
    delta = deltas.make_delta(old, new)
    calls = []
    real = _probe.delta_apply

    def counting(old_payload: Any, change: bytes) -> bytes:
        calls.append(len(change))
        return real(old_payload, change)

    monkeypatch.setattr(_probe, "delta_apply", counting)
    monkeypatch.delenv("LINKSCREEN_PURE", raising=False)
    assert deltas.apply_delta(old, delta) == new
    assert calls == [len(delta)]
    monkeypatch.setenv("LINKSCREEN_PURE", "1")
    assert deltas.apply_delta(old, delta) == new
    assert calls == [len(delta)]


def test_memoryview_inputs() -> None:
    old, new = _chain(random.Random(11), 0)
    delta = deltas.make_delta(old, new)
    padded = b"xx" + old + b"yy"
    assert _probe.delta_apply(memoryview(padded)[2:-2], delta) == new
    assert os.environ.get("LINKSCREEN_PURE") in (None, "", "0")
