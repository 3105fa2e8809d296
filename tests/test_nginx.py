"""A plain static host is enough: Debian's nginx serves the published tree to the Updater.

Skipped (saying so) where nginx is not installed; `.ci/run` installs it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from linkscreen import Updater, UpdateStatus
from linkscreen.results import Action

from repo_fixtures import MemoryRepo, entries
from server_process import nginx_serving

pytestmark = pytest.mark.skipif(
    shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(),
    reason="nginx is not installed (apt-get install nginx-light); .ci/run installs it",
)


def test_updater_against_plain_nginx(tmp_path: Path) -> None:
    repo = MemoryRepo(tmp_path)
    repo.publish(entries(500), now=__import__("time").time())
    with nginx_serving(tmp_path / "tree", tmp_path / "nginx") as base:
        updater = Updater(tmp_path / "client", base, [repo.root_key.public_key()])
        assert updater.refresh().status is UpdateStatus.UPDATED_FULL
        again = updater.refresh()
        assert (again.status, again.requests, again.bytes_downloaded) == (
            UpdateStatus.UP_TO_DATE,
            1,
            0,
        )
        repo.publish(entries(500, start=5), now=__import__("time").time())
        result = updater.refresh()
        assert result.status is UpdateStatus.UPDATED_DELTA, (result.error, result.delta_error)
        matcher = updater.matcher()
        assert matcher is not None
        assert matcher.check_url("http://h503.bad.example/p/503").action is Action.BLOCK
