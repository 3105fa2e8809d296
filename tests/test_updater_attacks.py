"""The Updater under the attacks of issue 10, scenario by scenario: a frozen repository,
hostile metadata and deltas, payloads this SDK cannot use, forks, full and read-only disks, and
state that must heal. Against the in-memory repository and, where the transport matters, the
same tree served by a real linkscreen-server process (the ``repo`` fixture).

Every scenario ends the same way: ``refresh()`` returned a result (it never raises) and the
last good state keeps matching.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

import linkscreen
from linkscreen import Updater, UpdateStatus
from linkscreen import _format as fmt
from linkscreen.errors import (
    DeltaError,
    DownloadError,
    ExpiredMetadataError,
    InconsistentMetadataError,
    MetadataError,
    StorageError,
    UnusablePayloadError,
    UpgradeRequiredError,
)
from linkscreen_server.writer import sign_payload

import repo_fixtures
from repo_fixtures import (
    NOW,
    MemoryRepo,
    base_of,
    blocks,
    entries,
    make_updater,
    manifest_of,
    resign,
    serve_manifest,
)

HOUR = 3600
LISTED_V1 = "http://h7.bad.example/p/7"
LISTED_V2 = "http://h302.bad.example/p/302"


class Clock:
    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _leftovers(directory: Path) -> list[str]:
    """Temporary files anywhere in the state directory."""
    return [p.name for p in directory.rglob("*") if ".tmp-" in p.name]


def _full_path(repo: MemoryRepo, version: int) -> str:
    return str(manifest_of(repo, version)["full"]["path"])


# ---- freeze ------------------------------------------------------------------------------


@pytest.mark.parametrize("hours", [30, 71])
def test_freeze_a_repository_answering_304_past_the_pointer_expiry_is_failed_and_stale(
    repo: MemoryRepo, tmp_path: Path, hours: int
) -> None:
    """Before: "up-to-date" and not stale at +30 h and +71 h, the pointer expired at +24 h."""
    clock = Clock()
    updater = make_updater(repo, tmp_path, now=clock)
    assert updater.refresh().status is UpdateStatus.UPDATED_FULL
    clock.now = NOW + 20 * HOUR
    assert updater.refresh().status is UpdateStatus.UP_TO_DATE  # a 304, still fresh
    clock.now = NOW + hours * HOUR
    repo.requests.clear()
    result = updater.refresh()
    assert repo.requests[0][1] is not None  # a conditional request, answered 304
    assert result.status is UpdateStatus.FAILED
    assert isinstance(result.error, ExpiredMetadataError)
    assert result.stale
    assert updater.is_stale()
    assert "pointer expired" in (updater.stale_reason() or "")
    assert blocks(updater, LISTED_V1)  # stale is a status: matching goes on


def test_freeze_the_same_expired_pointer_served_in_full_is_refused(
    repo: MemoryRepo, tmp_path: Path
) -> None:
    updater = make_updater(repo, tmp_path, now=NOW)
    updater.refresh()
    late = make_updater(repo, tmp_path, now=NOW + 30 * HOUR)
    (tmp_path / "client" / "current.json").write_text(
        (tmp_path / "client" / "current.json").read_text().replace('"pointer_etag": "', '"x": "')
    )  # no ETag kept: the pointer comes back in full
    result = late.refresh()
    assert isinstance(result.error, ExpiredMetadataError)
    assert result.stale


def test_a_refresh_that_succeeds_again_ends_the_freeze(repo: MemoryRepo, tmp_path: Path) -> None:
    clock = Clock()
    updater = make_updater(repo, tmp_path, now=clock)
    updater.refresh()
    clock.now = NOW + 30 * HOUR
    assert updater.refresh().status is UpdateStatus.FAILED
    repo.publish(entries(300, start=3), now=clock.now)
    result = updater.refresh()
    assert result.status is UpdateStatus.UPDATED_DELTA, result.error
    assert not result.stale
    assert not updater.is_stale()


# ---- hostile metadata and files ----------------------------------------------------------


@pytest.mark.parametrize(
    "body", [b"[" * 16_000, b"{" * 16_000, b'{"signed":' * 1500, b"\xff" * 100, b""]
)
def test_hostile_unsigned_pointer_fails_the_refresh_without_raising(
    repo: MemoryRepo, tmp_path: Path, body: bytes
) -> None:
    """Before: RecursionError escaped refresh() on ``[`` x 16,000."""
    updater = make_updater(repo, tmp_path)
    updater.refresh()
    repo.files["pointer.json"] = body
    result = updater.refresh()
    assert result.status is UpdateStatus.FAILED
    assert isinstance(result.error, MetadataError)
    assert blocks(updater, LISTED_V1)


@pytest.mark.parametrize(
    "path", ["bundles/é.bundle", "bundles/\x00.bundle", "../../etc/passwd", "bundles/a b"]
)
def test_odd_paths_in_signed_metadata_fail_the_refresh_without_raising(
    repo: MemoryRepo, tmp_path: Path, path: str
) -> None:
    """Before: UnicodeEncodeError escaped refresh() on a non-ASCII path."""
    signed = manifest_of(repo, 1)
    signed["full"]["path"] = path
    serve_manifest(repo, 1, signed)
    result = make_updater(repo, tmp_path).refresh()
    assert result.status is UpdateStatus.FAILED
    assert isinstance(result.error, MetadataError)


def test_a_manifest_of_another_version_than_its_pointer_is_refused(
    repo: MemoryRepo, tmp_path: Path
) -> None:
    updater = make_updater(repo, tmp_path)
    updater.refresh()
    repo.publish(entries(300, start=3))
    raw = repo.files["manifests/1.json"]
    entry = {
        "path": "manifests/1.json",
        "sha256": hashlib.sha256(raw).hexdigest(),
        "size": len(raw),
    }
    resign(repo, "pointer.json", manifest=entry)  # pointer 2 naming manifest 1
    result = updater.refresh()
    assert isinstance(result.error, InconsistentMetadataError)
    assert updater.version == 1


def test_one_version_number_with_two_contents_is_a_fork_not_up_to_date(
    repo: MemoryRepo, tmp_path: Path
) -> None:
    """Two publishes gave one version two contents: a client must not stay silently on one."""
    updater = make_updater(repo, tmp_path)
    updater.refresh()
    forked = manifest_of(repo, 1)
    forked["expires"] += 1  # other bytes, same version
    serve_manifest(repo, 1, forked)
    result = updater.refresh()
    assert result.status is UpdateStatus.FAILED
    assert isinstance(result.error, InconsistentMetadataError)
    assert blocks(updater, LISTED_V1)


def test_a_pointer_naming_roots_past_the_step_cap_fetches_none_of_them(
    repo: MemoryRepo, tmp_path: Path
) -> None:
    updater = make_updater(repo, tmp_path)
    updater.refresh()
    resign(repo, "pointer.json", root_version=1000)
    repo.requests.clear()
    result = updater.refresh()
    assert isinstance(result.error, MetadataError)
    assert [url for url, _ in repo.requests if "/roots/" in url] == []


def test_a_hostile_delta_falls_back_to_the_full_bundle(repo: MemoryRepo, tmp_path: Path) -> None:
    """Before: a FormatError (a ValueError) from the delta applier escaped refresh()."""
    updater = make_updater(repo, tmp_path)
    updater.refresh()
    repo.publish(entries(300, start=3))
    signed = manifest_of(repo, 2)
    delta = bytearray(repo.files[signed["deltas"][0]["path"]])
    delta[72 + 80] = 0xFF  # the new header's PSL version: not ASCII any more
    hostile = bytes(delta)
    repo.files["deltas/hostile.delta"] = hostile
    signed["deltas"][0].update(
        path="deltas/hostile.delta", sha256=hashlib.sha256(hostile).hexdigest(), size=len(hostile)
    )
    serve_manifest(repo, 2, signed)
    result = updater.refresh()
    assert result.status is UpdateStatus.UPDATED_FULL, result.error
    assert isinstance(result.delta_error, DeltaError)
    assert blocks(updater, LISTED_V2)


def test_a_broken_app_fetcher_fails_the_refresh_without_raising(tmp_path: Path) -> None:
    def legacy(url: str, *, max_bytes: int, etag: str | None = None) -> object:
        raise RuntimeError("the app's HTTP stack has a bug")

    key = linkscreen.load_public_key(bytes(32))
    result = Updater(tmp_path / "c", "https://repo.test/", [key], fetcher=legacy).refresh()  # type: ignore[arg-type]
    assert result.status is UpdateStatus.FAILED
    assert isinstance(result.error, DownloadError)


# ---- payloads this SDK cannot use --------------------------------------------------------


def _v2_payload(repo: MemoryRepo) -> bytes:
    return repo.files[_full_path(repo, 2)][fmt.ENVELOPE.size : -fmt.SIGNATURE_BYTES]


@pytest.mark.parametrize(("offset", "field"), [(2, "canonicalisation"), (0, "format")])
def test_a_signed_payload_for_a_newer_sdk_is_never_committed(
    repo: MemoryRepo, tmp_path: Path, offset: int, field: str
) -> None:
    """Before: committed, then matcher() raised forever while refreshes said up-to-date."""
    updater = make_updater(repo, tmp_path)
    updater.refresh()
    repo.publish(entries(300, start=3))
    payload = _v2_payload(repo)
    newer = payload[:offset] + (99).to_bytes(2, "little") + payload[offset + 2 :]
    _serve_payload_over(repo, newer)
    result = updater.refresh()
    assert result.status is UpdateStatus.FAILED
    assert isinstance(result.error, UpgradeRequiredError)
    assert result.upgrade_required
    assert updater.version == 1
    assert blocks(updater, LISTED_V1)
    repo.requests.clear()
    again = updater.refresh()  # the same version is not downloaded again
    assert again.upgrade_required
    assert not [url for url, _ in repo.requests if "/bundles/" in url]


def _serve_payload_over(repo: MemoryRepo, payload: bytes) -> None:
    """Serve ``payload`` as version 2 (already published) with a fresh full bundle, no delta."""
    data = sign_payload(payload, repo.signing_key)
    path = f"bundles/{hashlib.sha256(data).hexdigest()}.bundle"
    repo.files[path] = data
    signed = {
        "_type": "manifest",
        "version": 2,
        "created": int(NOW),
        "expires": int(NOW) + 7 * 86400,
        "state": {"sha256": hashlib.sha256(payload).hexdigest(), "size": len(payload)},
        "full": {"path": path, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)},
        "deltas": [],
    }
    serve_manifest(repo, 2, signed)


def test_a_signed_but_malformed_payload_is_never_committed(
    repo: MemoryRepo, tmp_path: Path
) -> None:
    updater = make_updater(repo, tmp_path)
    updater.refresh()
    repo.publish(entries(300, start=3))
    _serve_payload_over(repo, _v2_payload(repo)[:-8])
    result = updater.refresh()
    assert isinstance(result.error, UnusablePayloadError)
    assert updater.version == 1
    assert blocks(updater, LISTED_V1)


# ---- disks -------------------------------------------------------------------------------


def _refuse_writes_under(
    monkeypatch: pytest.MonkeyPatch, directory: Path, error: int = errno.ENOSPC, only: str = ""
) -> list[int]:
    """Make ``os.write`` fail (ENOSPC) for files under ``directory`` whose name contains
    ``only``; returns the descriptors that failed."""
    real_write = os.write
    failed: list[int] = []

    def write(descriptor: int, data: bytes | memoryview) -> int:
        try:
            target = os.readlink(f"/proc/self/fd/{descriptor}")
        except OSError:
            target = ""
        if target.startswith(str(directory)) and only in Path(target).name:
            failed.append(descriptor)
            raise OSError(error, os.strerror(error))
        return real_write(descriptor, data)

    monkeypatch.setattr(os, "write", write)
    return failed


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to name descriptors")
def test_a_full_disk_fails_the_refresh_and_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = MemoryRepo(tmp_path / "repo")
    repo.publish(entries(300))
    updater = make_updater(repo, tmp_path)
    updater.refresh()
    repo.publish(entries(300, start=3))
    state = tmp_path / "client"
    before = sorted(p.name for p in state.iterdir())
    failed = _refuse_writes_under(monkeypatch, state)
    result = updater.refresh()
    monkeypatch.undo()
    assert failed, "the fault was never hit"
    assert result.status is UpdateStatus.FAILED
    assert isinstance(result.error, StorageError)
    assert _leftovers(state) == []
    assert sorted(p.name for p in state.iterdir()) == before  # nothing half-written kept
    assert blocks(updater, LISTED_V1)
    assert updater.refresh().status is UpdateStatus.UPDATED_DELTA  # space again: it heals


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to name descriptors")
def test_a_disk_full_at_the_commit_removes_the_files_written_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The payload and manifest fit, current.json does not: nothing of version 2 is kept."""
    repo = MemoryRepo(tmp_path / "repo")
    repo.publish(entries(300))
    updater = make_updater(repo, tmp_path)
    updater.refresh()
    repo.publish(entries(300, start=3))
    state = tmp_path / "client"
    before = sorted(p.name for p in state.iterdir())
    failed = _refuse_writes_under(monkeypatch, state, only="current.json")
    result = updater.refresh()
    monkeypatch.undo()
    assert failed
    assert isinstance(result.error, StorageError)
    assert sorted(p.name for p in state.iterdir()) == before
    assert updater.version == 1


def test_a_read_only_state_directory_fails_the_refresh_without_raising(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = MemoryRepo(tmp_path / "repo")
    repo.publish(entries(300))
    updater = make_updater(repo, tmp_path)
    updater.refresh()
    repo.publish(entries(300, start=3))
    real_open = os.open

    def read_only(path: object, flags: int, *args: object, **kwargs: object) -> int:
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", read_only)
    result = updater.refresh()
    monkeypatch.undo()
    assert isinstance(result.error, StorageError)
    assert blocks(updater, LISTED_V1)


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs (needs root and mount; skipped elsewhere)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True, check=False)


def _fill(disk: Path, leave: int) -> None:
    """Fill ``disk`` to ENOSPC, then free about ``leave`` bytes."""
    filler = disk / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT)
    full = False
    try:
        while not full:
            try:
                os.write(descriptor, b"\0" * 4096)
            except OSError as exc:
                full = exc.errno == errno.ENOSPC
                if not full:
                    raise
    finally:
        os.close(descriptor)
    os.truncate(filler, max(0, filler.stat().st_size - leave))


def test_a_really_full_disk_fails_the_refresh_and_heals(tmp_path: Path, tiny_disk: Path) -> None:
    repo = MemoryRepo(tmp_path / "repo")
    repo.publish(entries(300))
    updater = make_updater(repo, tiny_disk)
    assert updater.refresh().status is UpdateStatus.UPDATED_FULL
    repo.publish(entries(3000))  # a bigger version, as a full bundle
    _fill(tiny_disk, leave=8192)
    result = updater.refresh()
    assert result.status is UpdateStatus.FAILED
    assert isinstance(result.error, StorageError), result.error
    assert _leftovers(tiny_disk / "client") == []
    assert blocks(updater, LISTED_V1)
    (tiny_disk / "filler").unlink()
    assert updater.refresh().status is not UpdateStatus.FAILED
    assert blocks(updater, "http://h2999.bad.example/p/2999")


def test_a_really_read_only_disk_fails_the_refresh_and_keeps_matching(
    tmp_path: Path, tiny_disk: Path
) -> None:
    repo = MemoryRepo(tmp_path / "repo")
    repo.publish(entries(300))
    updater = make_updater(repo, tiny_disk)
    updater.refresh()
    repo.publish(entries(300, start=3))
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], check=True)
    result = updater.refresh()
    assert isinstance(result.error, StorageError), result.error
    assert blocks(updater, LISTED_V1)
    subprocess.run(["mount", "-o", "remount,rw", str(tiny_disk)], check=True)


# ---- healing state -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "damage",
    [b"", b"{", b'{"version": "x"}', b"[]", b"\xff\xfe", b"[" * 16_000, b'{"payload": "../x"}'],
    ids=["empty", "torn", "wrong-type", "list", "bad-utf8", "deep", "escape"],
)
def test_a_torn_state_file_heals_to_the_last_good_version(
    repo: MemoryRepo, tmp_path: Path, damage: bytes
) -> None:
    """Before: JSONDecodeError from matcher() and refresh()."""
    updater = make_updater(repo, tmp_path)
    updater.refresh()
    (tmp_path / "client" / "current.json").write_bytes(damage)
    assert blocks(updater, LISTED_V1)  # recovered from the stored manifest and payload
    assert updater.version == 1
    result = updater.refresh()
    assert result.status is not UpdateStatus.FAILED, result.error
    assert json.loads((tmp_path / "client" / "current.json").read_bytes())["version"] == 1


def test_a_missing_state_file_heals_without_downloading_the_bundle(
    repo: MemoryRepo, tmp_path: Path
) -> None:
    updater = make_updater(repo, tmp_path)
    updater.refresh()
    (tmp_path / "client" / "current.json").unlink()
    assert blocks(updater, LISTED_V1)
    repo.requests.clear()
    assert updater.refresh().status is UpdateStatus.UP_TO_DATE
    assert not [url for url, _ in repo.requests if "/bundles/" in url]


@pytest.mark.parametrize("damage", ["missing", "flipped", "truncated"])
def test_a_missing_or_damaged_payload_is_refetched_not_up_to_date(
    repo: MemoryRepo, tmp_path: Path, damage: str
) -> None:
    """Before: FileNotFoundError from matcher() while refresh said up-to-date."""
    updater = make_updater(repo, tmp_path)
    updater.refresh()
    payload = next((tmp_path / "client").glob("payload-*.bin"))
    if damage == "missing":
        payload.unlink()
    elif damage == "flipped":
        data = bytearray(payload.read_bytes())
        data[len(data) // 2] ^= 1
        payload.write_bytes(bytes(data))
    else:
        payload.write_bytes(payload.read_bytes()[:100])
    fresh = make_updater(repo, tmp_path)  # another process: no cached verification
    assert fresh.matcher() is None  # nothing verified to match with, and no exception
    result = fresh.refresh()
    assert result.status is UpdateStatus.UPDATED_FULL, result.error
    assert blocks(fresh, LISTED_V1)


def test_the_previous_version_is_kept_as_a_fallback(repo: MemoryRepo, tmp_path: Path) -> None:
    updater = make_updater(repo, tmp_path)
    updater.refresh()
    repo.publish(entries(300, start=3))
    updater.refresh()
    state = tmp_path / "client"
    current = json.loads((state / "current.json").read_bytes())
    (state / current["payload"]).unlink()  # the new payload is lost
    fallback = make_updater(repo, tmp_path)
    assert fallback.version == 1  # the last good version still on disk
    assert blocks(fallback, LISTED_V1)


def _two_versions(tmp_path: Path) -> tuple[MemoryRepo, dict[str, bytes], Updater, Path]:
    """Versions 1 (300 entries) and 2 (303) committed; the repository's version-1 files kept
    for a replay; the path of the committed version-2 payload."""
    repo = MemoryRepo(tmp_path / "repo")
    repo.publish(entries(300))
    version_1 = dict(repo.files)
    updater = make_updater(repo, tmp_path)
    assert updater.refresh().ok
    repo.publish(entries(303), now=NOW + 10)
    assert updater.refresh().version == 2
    current = json.loads((tmp_path / "client" / "current.json").read_bytes())
    return repo, version_1, updater, tmp_path / "client" / current["payload"]


def _damage(payload: Path, how: str) -> None:
    if how == "missing":
        payload.unlink()
    elif how == "flipped":
        data = bytearray(payload.read_bytes())
        data[len(data) // 2] ^= 1
        payload.write_bytes(bytes(data))
    else:
        payload.write_bytes(payload.read_bytes()[:100])


class _Offline:
    def fetch(self, request: linkscreen.fetch.Request) -> linkscreen.fetch.Response:
        raise DownloadError("offline")


def _offline(repo: MemoryRepo, tmp_path: Path) -> Updater:
    """An Updater on the same state directory that cannot reach the repository."""
    public = [repo.root_key.public_key()]
    return Updater(tmp_path / "client", base_of(repo), public, _Offline(), clock=lambda: NOW)


def test_a_lost_payload_keeps_the_rollback_floor_against_a_replayed_older_repository(
    tmp_path: Path,
) -> None:
    """attack-trust finding 2. Before: with version 2's payload gone, recovery fell back to
    version 1 *as the trusted version*, and a replayed (unexpired) version-1 repository was
    accepted up to date and committed: version 2's entries silently stopped blocking."""
    repo, version_1, _, payload = _two_versions(tmp_path)
    _damage(payload, "missing")
    updater = make_updater(repo, tmp_path)  # another process: nothing cached
    honest = dict(repo.files)
    repo.files.clear()
    repo.files.update(version_1)  # the attacker replays version 1
    result = updater.refresh()
    assert isinstance(result.error, linkscreen.RollbackError), result
    assert json.loads((tmp_path / "client" / "current.json").read_bytes())["version"] == 2
    assert result.stale
    assert "version 2" in (result.stale_reason or "")
    assert blocks(updater, LISTED_V1)  # version 1's payload matches meanwhile
    assert "matching on version 1" in (updater.stale_reason() or "")
    repo.files.clear()
    repo.files.update(honest)
    healed = updater.refresh()  # the floor's payload is refetched (a delta from version 1)
    assert (healed.status, healed.version) == (UpdateStatus.UPDATED_DELTA, 2), healed
    assert blocks(updater, "http://h302.bad.example/p/302")
    assert updater.stale_reason() is None
    assert len(list((tmp_path / "client").glob("payload-*.bin"))) == 2  # version 1 still kept


def test_a_torn_state_file_and_a_damaged_newest_payload_keep_the_newest_floor(
    tmp_path: Path,
) -> None:
    repo, version_1, _, payload = _two_versions(tmp_path)
    (tmp_path / "client" / "current.json").write_bytes(b"{torn")
    _damage(payload, "flipped")
    updater = make_updater(repo, tmp_path)
    reason = updater.stale_reason() or ""
    assert "version 2 does not hash" in reason, reason
    assert "matching on version 1" in reason, reason
    repo.files.clear()
    repo.files.update(version_1)
    assert isinstance(updater.refresh().error, linkscreen.RollbackError)


@pytest.mark.parametrize("how", ["missing", "flipped", "truncated"])
def test_a_damaged_payload_falls_back_to_the_last_good_one_and_says_stale(
    tmp_path: Path, how: str
) -> None:
    """attack-trust finding 3. Before: a bit-flipped current payload gave no Matcher although
    version 1's good payload was on disk, while stale_reason() and an offline refresh called
    the state fresh."""
    repo, _, _, payload = _two_versions(tmp_path)
    _damage(payload, how)
    updater = _offline(repo, tmp_path)
    assert blocks(updater, LISTED_V1)  # the previous version's payload
    assert not blocks(updater, "http://h302.bad.example/p/302")
    assert updater.version == 1
    reason = updater.stale_reason() or ""
    assert "version 2" in reason, reason
    assert "matching on version 1" in reason, reason
    assert ("missing" if how == "missing" else "damaged") in reason
    offline = updater.refresh()
    assert offline.status is UpdateStatus.FAILED, offline
    assert offline.stale
    assert offline.stale_reason == reason
    assert json.loads((tmp_path / "client" / "current.json").read_bytes())["version"] == 2
    online = make_updater(repo, tmp_path).refresh()
    assert (online.ok, online.version, online.stale) == (True, 2, False), online


def test_a_damaged_payload_with_no_fallback_leaves_no_matcher_and_says_stale(
    repo: MemoryRepo, tmp_path: Path
) -> None:
    updater = make_updater(repo, tmp_path)
    updater.refresh()
    _damage(next((tmp_path / "client").glob("payload-*.bin")), "flipped")
    fresh = _offline(repo, tmp_path)
    assert fresh.matcher() is None
    assert "nothing to match with" in (fresh.stale_reason() or "")
    assert fresh.refresh().stale


def test_a_lost_manifest_file_does_not_stop_the_committed_payload_matching(
    tmp_path: Path,
) -> None:
    """The commit record names the payload and its hash: that is enough to match with it."""
    repo, _, _, _ = _two_versions(tmp_path)
    (tmp_path / "client" / "manifest-2.json").unlink()
    updater = _offline(repo, tmp_path)
    assert blocks(updater, "http://h302.bad.example/p/302")
    assert updater.version == 2
    assert updater.stale_reason() is None


def test_damage_after_a_check_is_seen_by_the_same_updater(tmp_path: Path) -> None:
    """A payload verified once and damaged later (the cached verification is per file
    identity), and bit rot that keeps the file's size and time (only the hash of the bytes
    read for the Matcher can see it): both fall back to version 1 and say stale."""
    repo, _, _, payload = _two_versions(tmp_path)
    updater = _offline(repo, tmp_path)
    assert updater.stale_reason() is None  # version 2 verified
    info = payload.stat()
    _damage(payload, "flipped")
    os.utime(payload, ns=(info.st_atime_ns, info.st_mtime_ns))  # bit rot: same size and time
    assert blocks(updater, LISTED_V1)
    assert not blocks(updater, "http://h302.bad.example/p/302")
    assert "damaged" in (updater.stale_reason() or "")
    _damage(payload, "truncated")
    assert "damaged" in (updater.stale_reason() or "")


class _CountingHashlib:
    """``hashlib`` as the updater sees it, counting the bytes it hashes."""

    def __init__(self) -> None:
        self.bytes = 0

    def sha256(self, data: bytes = b"") -> _CountingHash:
        return _CountingHash(self, data)


class _CountingHash:
    def __init__(self, owner: _CountingHashlib, data: bytes) -> None:
        self._owner, self._hash = owner, hashlib.sha256()
        self.update(data)

    def update(self, data: bytes) -> None:
        self._owner.bytes += len(data)
        self._hash.update(data)

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


@pytest.mark.parametrize("how", ["good", "flipped", "missing"])
def test_payloads_are_hashed_once_not_at_every_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """Before: a damaged payload was read and hashed again by every matcher() call (a stall
    per message with a large bundle)."""
    repo, _, _, payload = _two_versions(tmp_path)
    if how != "good":
        _damage(payload, how)
    counting = _CountingHashlib()
    monkeypatch.setattr(linkscreen.updater, "hashlib", counting)
    updater = make_updater(repo, tmp_path)
    assert updater.matcher() is not None
    first = counting.bytes
    assert first > 0
    for _ in range(20):
        assert updater.matcher() is not None
        updater.stale_reason()
    assert counting.bytes == first


def test_temporaries_left_by_a_killed_writer_are_removed(repo: MemoryRepo, tmp_path: Path) -> None:
    updater = make_updater(repo, tmp_path)
    updater.refresh()
    orphan = tmp_path / "client" / ".payload-x.bin.tmp-99999-1"
    orphan.write_bytes(b"\0" * 1000)
    (tmp_path / "client" / "roots" / ".2.json.tmp-99999-1").write_bytes(b"{")
    updater.refresh()
    assert _leftovers(tmp_path / "client") == []


def test_a_damaged_stored_root_is_refetched(repo: MemoryRepo, tmp_path: Path) -> None:
    updater = make_updater(repo, tmp_path)
    updater.refresh()
    (tmp_path / "client" / "roots" / "1.json").write_bytes(b"{torn")
    result = updater.refresh()
    assert result.status is not UpdateStatus.FAILED, result.error
    assert json.loads((tmp_path / "client" / "roots" / "1.json").read_bytes())["signed"]


def _flip_a_bloom_bit(payload: Path) -> None:
    """Change one bit of the stored payload's Bloom filter: the structure stays valid, only
    the hash tells the payload is no longer the signed one."""
    from linkscreen.bundle import format as bundle_format

    data = bytearray(payload.read_bytes())
    offset, _length = bundle_format.parse_payload(bytes(data)).sections[bundle_format.Section.BLOOM]
    data[offset] ^= 1
    bundle_format.parse_payload(bytes(data))  # still parses
    payload.write_bytes(bytes(data))


def test_a_payload_changed_on_disk_is_never_matched_with(repo: MemoryRepo, tmp_path: Path) -> None:
    updater = make_updater(repo, tmp_path)
    updater.refresh()
    _flip_a_bloom_bit(next((tmp_path / "client").glob("payload-*.bin")))
    fresh = make_updater(repo, tmp_path)
    assert fresh.matcher() is None
    assert fresh.refresh().status is UpdateStatus.UPDATED_FULL
    assert blocks(fresh, LISTED_V1)


def test_healing_uses_only_a_payload_whose_hash_is_right(repo: MemoryRepo, tmp_path: Path) -> None:
    updater = make_updater(repo, tmp_path)
    updater.refresh()
    repo.publish(entries(300, start=3))
    updater.refresh()
    state = tmp_path / "client"
    current = json.loads((state / "current.json").read_bytes())
    (state / "current.json").write_bytes(b"{torn")
    _flip_a_bloom_bit(state / current["payload"])  # version 2's payload is damaged
    healed = make_updater(repo, tmp_path)
    assert blocks(healed, LISTED_V1)  # matching on version 1's payload, whose hash is right


def test_a_stored_root_that_no_longer_verifies_is_dropped(repo: MemoryRepo, tmp_path: Path) -> None:
    """Dropped at once, with every later root, even when the refetch then fails."""
    updater = make_updater(repo, tmp_path)
    updater.refresh()
    roots = tmp_path / "client" / "roots"
    (roots / "1.json").write_bytes(b"{torn")
    (roots / "2.json").write_bytes((roots / "1.json").read_bytes())
    repo.files.clear()  # the repository is gone
    assert updater.refresh().status is UpdateStatus.FAILED
    assert sorted(p.name for p in roots.iterdir() if not p.name.startswith(".")) == []


def test_an_app_fetcher_ignoring_the_deadline_cannot_stretch_the_refresh(
    repo: MemoryRepo, tmp_path: Path
) -> None:
    """The refresh checks its own deadline before every request."""
    import time

    from linkscreen.errors import DownloadTimeoutError
    from linkscreen.fetch import Request, Response

    class Slow:
        def fetch(self, request: Request) -> Response:
            time.sleep(0.4)
            return repo.fetch(request)

    updater = Updater(
        tmp_path / "client", repo_fixtures.base_of(repo), [repo.root_key.public_key()],
        fetcher=Slow(), clock=lambda: NOW, deadline_s=1.0,
    )  # fmt: skip
    started = time.monotonic()
    result = updater.refresh()
    assert result.status is UpdateStatus.FAILED
    assert isinstance(result.error, DownloadTimeoutError), result.error
    assert result.requests <= 3
    assert time.monotonic() - started < 1.9


def test_a_304_to_an_unconditional_request_is_not_up_to_date(
    repo: MemoryRepo, tmp_path: Path
) -> None:
    """With the payload lost the pointer is asked for unconditionally; a server answering
    "not modified" anyway gives no pointer to check: the refresh fails."""
    from linkscreen.errors import DownloadHTTPError
    from linkscreen.fetch import Request, Response

    class Always304:
        def fetch(self, request: Request) -> Response:
            if request.url.endswith("pointer.json"):
                return Response(304, {"etag": '"x"'})
            return repo.fetch(request)

    updater = make_updater(repo, tmp_path)
    updater.refresh()
    next((tmp_path / "client").glob("payload-*.bin")).unlink()
    lying = Updater(
        tmp_path / "client", repo_fixtures.base_of(repo), [repo.root_key.public_key()],
        fetcher=Always304(), clock=lambda: NOW,
    )  # fmt: skip
    result = lying.refresh()
    assert result.status is UpdateStatus.FAILED
    assert isinstance(result.error, DownloadHTTPError), result.error
