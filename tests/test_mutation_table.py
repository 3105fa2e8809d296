"""The mutation table still fits the code (the count itself runs in ``make test``, after pytest:
``python tests/mutation/run.py``).

Every row's anchor must occur exactly once in its file and the mutated file must parse; when
this fails, the check named moved or changed: update its row in tests/mutation/mutants.py with
the code (and run ``python tests/mutation/run.py --record -k NAME`` to refresh its killer).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

MUTATION = Path(__file__).resolve().parent / "mutation"
sys.path.insert(0, str(MUTATION))

from mutants import MUTANTS, Mutant  # noqa: E402
from run import KILLERS, module_name, mutated_source  # noqa: E402


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.name)
def test_every_row_fits_the_code(mutant: Mutant) -> None:
    source = mutated_source(mutant)
    assert source != (MUTATION.parents[1] / mutant.file).read_text()
    assert module_name(mutant.file).startswith("linkscreen.")
    assert mutant.tests, "a row names the tests that should notice it"


def test_rows_are_distinct_and_the_recorded_killers_name_rows() -> None:
    keys = [m.key for m in MUTANTS]
    assert len(set(keys)) == len(keys)
    recorded = json.loads(KILLERS.read_text())
    assert set(recorded) <= set(keys), "tests/mutation/killers.json names removed rows"
    for node in recorded.values():
        assert node.startswith("tests/test_")
        assert "::" in node
