"""``_fastnew.builder``: frozen results built without ``__init__`` are the same objects."""

from __future__ import annotations

import dataclasses
import pickle
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkscreen import Action, Signal, Technique, Tier
from linkscreen._fastnew import builder
from linkscreen.extract import Candidate, _new_candidate
from linkscreen.matcher import _new_finding, _new_verdict
from linkscreen.results import Finding, Verdict

_texts = st.text(max_size=12)
_techniques = st.lists(st.sampled_from(list(Technique)), max_size=3).map(tuple)
_signals = st.lists(st.sampled_from(list(Signal)), max_size=3).map(tuple)


def _same(made: object, built: object) -> None:
    assert type(made) is type(built)
    assert made == built
    assert hash(made) == hash(built)
    assert repr(made) == repr(built)
    assert list(vars(made).items()) == list(vars(built).items())  # order included
    assert dataclasses.asdict(made) == dataclasses.asdict(built)  # type: ignore[call-overload]
    assert pickle.loads(pickle.dumps(built)) == made
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.url = "x"  # type: ignore[attr-defined]


@settings(max_examples=200)
@given(
    _texts,
    st.integers(0, 99),
    st.integers(0, 99),
    _techniques,
    st.sampled_from(list(Tier)),
    _signals,
)
def test_candidate(
    url: str, start: int, end: int, techniques: Any, tier: Tier, signals: Any
) -> None:
    fields = (url, start, end, techniques, tier, signals)
    _same(Candidate(*fields), _new_candidate(*fields))


@settings(max_examples=200)
@given(
    _texts,
    st.sampled_from(list(Action)),
    st.none() | _texts,
    st.lists(_texts, max_size=3).map(tuple),
    _techniques,
    st.none() | _texts,
    st.booleans(),
    _signals,
    st.lists(_texts, max_size=2).map(tuple),
    st.sampled_from(list(Tier)),
)
def test_verdict_and_finding(
    url: str,
    action: Action,
    canonical: str | None,
    expressions: tuple[str, ...],
    techniques: Any,
    error: str | None,
    shortened: bool,
    signals: Any,
    notes: tuple[str, ...],
    tier: Tier,
) -> None:
    fields = (url, action, (), canonical, expressions, techniques, error, shortened, signals, notes)
    made, built = Verdict(*fields), _new_verdict(*fields)
    _same(made, built)
    assert built.canonical == canonical
    assert built.expressions == expressions
    _same(Finding(3, 9, url, made, tier, signals), _new_finding(3, 9, url, built, tier, signals))


def test_only_plain_dataclasses() -> None:
    """A class whose ``__init__`` does more than write its fields gets no builder."""

    @dataclasses.dataclass(frozen=True)
    class Checked:
        a: int

        def __post_init__(self) -> None:
            assert self.a >= 0

    @dataclasses.dataclass(frozen=True)
    class Derived:
        a: int
        b: int = dataclasses.field(init=False, default=0)

    @dataclasses.dataclass(frozen=True)
    class Slotted:
        __slots__ = ("a",)
        a: int

    @dataclasses.dataclass(frozen=True)
    class Plain:
        a: int
        b: str = "x"

    for cls in (Checked, Derived, Slotted, int):
        with pytest.raises(TypeError):
            builder(cls)
    assert builder(Plain)(1, "y") == Plain(1, "y")
