"""Shared test setup: make tests/vectors.py importable, keep hypothesis deterministic in CI, and
the ``repo`` fixture (an in-memory and a loopback-HTTP update repository) for updater tests."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).parent))

from native_reader_diff import compare_readers  # noqa: F401  (a fixture)

settings.register_profile(
    "ci", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", deadline=None)
# `make test` (LINKSCREEN_DERANDOMIZE=1) and CI replay the same examples every run, so a pass
# from a clean checkout means the same as the landing run; `pytest` by hand explores.
settings.load_profile(
    "ci" if os.environ.get("CI") or os.environ.get("LINKSCREEN_DERANDOMIZE") else "dev"
)

#: Test modules whose every bundle opening the C reader repeats (tests/native_reader_diff.py).
_READER_DIFF_MODULES = {
    "test_bundle_reader",
    "test_bundle_security",
    "test_bundle_format",
    "test_bundle_vectors",
    "test_bundle_delta",
    "test_redirect_section",
    "test_list_meta",
}


@pytest.fixture(autouse=True)
def _c_reader_agrees(request: pytest.FixtureRequest) -> Iterator[None]:
    """In the bundle reader modules, the C reader must accept and refuse what Python does."""
    if request.module.__name__.rsplit(".", 1)[-1] not in _READER_DIFF_MODULES:
        yield
        return
    request.getfixturevalue("compare_readers")
    yield


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """One linkscreen-server process per module, serving a directory each test gets a slot in."""
    from server_process import linkscreen_server

    root = tmp_path_factory.mktemp("served")
    with linkscreen_server("serve", "--dir", str(root), cwd=root) as base:
        yield root, base


@pytest.fixture(params=["memory", "http"])
def repo(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """A repository with one published version (300 entries), in memory or over loopback HTTP
    (the server process starts only for the HTTP variant)."""
    from repo_fixtures import HttpRepo, MemoryRepo, entries

    if request.param == "memory":
        memory = MemoryRepo(tmp_path)
    else:
        root, base = request.getfixturevalue("served")
        memory = HttpRepo(root / tmp_path.name, server_base=f"{base}{tmp_path.name}/tree/")
    memory.publish(entries(300))
    return memory


@pytest.fixture(scope="session")
def postgres_base() -> Iterator[str | None]:
    """A PostgreSQL cluster on loopback for the whole run (None when it is not installed)."""
    from review_support import postgres_bin, postgres_cluster

    if postgres_bin() is None:
        yield None
        return
    with postgres_cluster() as base:
        yield base


@pytest.fixture(params=["sqlite", "postgresql"])
def review_db_url(request: pytest.FixtureRequest, tmp_path: Path, postgres_base: str | None) -> str:
    """An empty review database: SQLite in tmp_path, and a fresh PostgreSQL database."""
    from review_support import NO_POSTGRES, fresh_database

    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'review.db'}"
    if postgres_base is None:
        pytest.skip(NO_POSTGRES)
    return fresh_database(postgres_base)
