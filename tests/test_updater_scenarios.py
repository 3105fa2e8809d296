"""The Updater, scenario by scenario (python-tuf style), against two repositories: an
in-memory one, and the same tree served by a real linkscreen-server process on loopback (the
``repo`` fixture, tests/conftest.py). The attacks of issue 10 are in test_updater_attacks.py.

Each test names the situation it plays; every failure must leave the last good state in use.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import linkscreen
from linkscreen import Updater, UpdateStatus
from linkscreen.metadata import sign_metadata

from repo_fixtures import NOW, MemoryRepo, base_of, blocks, entries, make_updater, resign

_base = base_of
_updater = make_updater
_blocks = blocks
_resign = resign


def test_first_refresh_downloads_the_full_bundle(repo: MemoryRepo, tmp_path: Path) -> None:
    updater = _updater(repo, tmp_path)
    assert updater.matcher() is None
    result = updater.refresh()
    assert result.status is UpdateStatus.UPDATED_FULL, result.error
    assert result.version == 1
    assert _blocks(updater, "http://h7.bad.example/p/7")


def test_nothing_new_is_one_conditional_request_answered_304(
    repo: MemoryRepo, tmp_path: Path
) -> None:
    updater = _updater(repo, tmp_path)
    updater.refresh()
    repo.requests.clear()
    result = updater.refresh()
    assert result.status is UpdateStatus.UP_TO_DATE
    assert result.requests == 1
    assert result.bytes_downloaded == 0
    assert repo.requests[0][0] == _base(repo) + "pointer.json"
    assert repo.requests[0][1] is not None  # If-None-Match sent


def test_new_version_arrives_as_a_delta(repo: MemoryRepo, tmp_path: Path) -> None:
    updater = _updater(repo, tmp_path)
    updater.refresh()
    repo.publish(entries(300, start=3))
    result = updater.refresh()
    assert result.status is UpdateStatus.UPDATED_DELTA, (result.error, result.delta_error)
    assert result.version == 2
    full = len(repo.files[json.loads(repo.files["manifests/2.json"])["signed"]["full"]["path"]])
    assert result.bytes_downloaded < full / 2
    assert _blocks(updater, "http://h302.bad.example/p/302")
    assert not _blocks(updater, "http://h0.bad.example/p/0")


def test_fast_forward_several_versions_with_one_delta(repo: MemoryRepo, tmp_path: Path) -> None:
    updater = _updater(repo, tmp_path)
    updater.refresh()
    for start in (1, 2, 3):
        repo.publish(entries(300, start=start))
    result = updater.refresh()
    assert (result.status, result.version) == (UpdateStatus.UPDATED_DELTA, 4)
    assert _blocks(updater, "http://h302.bad.example/p/302")


def test_rollback_to_an_older_version_is_refused(repo: MemoryRepo, tmp_path: Path) -> None:
    old_pointer = repo.files["pointer.json"]
    repo.publish(entries(300, start=5))
    updater = _updater(repo, tmp_path)
    assert updater.refresh().version == 2
    repo.files["pointer.json"] = old_pointer  # an attacker replays version 1
    result = updater.refresh()
    assert result.status is UpdateStatus.FAILED
    assert isinstance(result.error, linkscreen.RollbackError)
    assert updater.version == 2
    assert _blocks(updater, "http://h304.bad.example/p/304")


def test_equal_version_is_up_to_date(repo: MemoryRepo, tmp_path: Path) -> None:
    updater = _updater(repo, tmp_path)
    updater.refresh()
    _resign(repo, "pointer.json", expires=int(NOW) + 999_999)  # same version, new bytes
    result = updater.refresh()
    assert (result.status, result.version) == (UpdateStatus.UP_TO_DATE, 1)


def test_expired_pointer_is_refused(repo: MemoryRepo, tmp_path: Path) -> None:
    updater = _updater(repo, tmp_path, now=NOW + 30 * 86400)
    result = updater.refresh()
    assert isinstance(result.error, linkscreen.ExpiredMetadataError)
    assert updater.matcher() is None


def test_clock_skew_within_the_leeway_is_accepted(repo: MemoryRepo, tmp_path: Path) -> None:
    pointer_expires = json.loads(repo.files["pointer.json"])["signed"]["expires"]
    updater = _updater(repo, tmp_path, now=pointer_expires + 60)  # 1 min past, leeway 5 min
    assert updater.refresh().status is UpdateStatus.UPDATED_FULL


def test_expired_manifest_is_refused(repo: MemoryRepo, tmp_path: Path) -> None:
    import hashlib

    _resign(repo, "manifests/1.json", expires=int(NOW) - 86400)
    raw = repo.files["manifests/1.json"]
    entry = {
        "path": "manifests/1.json",
        "sha256": hashlib.sha256(raw).hexdigest(),
        "size": len(raw),
    }
    _resign(repo, "pointer.json", manifest=entry)
    result = _updater(repo, tmp_path).refresh()
    assert isinstance(result.error, linkscreen.ExpiredMetadataError)


def test_pointer_with_a_bad_signature_is_refused(repo: MemoryRepo, tmp_path: Path) -> None:
    document = json.loads(repo.files["pointer.json"])
    document["signed"]["version"] = 99  # changed after signing
    repo.files["pointer.json"] = json.dumps(document).encode()
    result = _updater(repo, tmp_path).refresh()
    assert isinstance(result.error, linkscreen.MetadataSignatureError)


def test_metadata_signed_by_an_unknown_key_is_refused(repo: MemoryRepo, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    document = json.loads(repo.files["pointer.json"])
    repo.files["pointer.json"] = sign_metadata(document["signed"], [Ed25519PrivateKey.generate()])
    result = _updater(repo, tmp_path).refresh()
    assert isinstance(result.error, linkscreen.MetadataSignatureError)


def test_root_not_signed_by_the_shipped_key_is_refused(repo: MemoryRepo, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    other = Ed25519PrivateKey.generate()
    updater = Updater(
        tmp_path / "c", _base(repo), [other.public_key()], fetcher=repo, clock=lambda: NOW
    )
    result = updater.refresh()
    assert isinstance(result.error, linkscreen.MetadataSignatureError)


def test_changed_full_bundle_fails_its_hash(repo: MemoryRepo, tmp_path: Path) -> None:
    path = json.loads(repo.files["manifests/1.json"])["signed"]["full"]["path"]
    data = bytearray(repo.files[path])
    data[500] ^= 0xFF
    repo.files[path] = bytes(data)
    result = _updater(repo, tmp_path).refresh()
    assert isinstance(result.error, linkscreen.HashMismatchError)


def test_changed_manifest_fails_its_hash(repo: MemoryRepo, tmp_path: Path) -> None:
    raw = repo.files["manifests/1.json"]
    repo.files["manifests/1.json"] = raw.replace(b'"version":1', b'"version":2')  # same size
    result = _updater(repo, tmp_path).refresh()
    assert isinstance(result.error, linkscreen.HashMismatchError)


def test_truncated_download_is_refused(repo: MemoryRepo, tmp_path: Path) -> None:
    path = json.loads(repo.files["manifests/1.json"])["signed"]["full"]["path"]
    repo.files[path] = repo.files[path][:-100]
    result = _updater(repo, tmp_path).refresh()
    assert isinstance(result.error, linkscreen.HashMismatchError)


def test_oversized_download_is_refused(repo: MemoryRepo, tmp_path: Path) -> None:
    path = json.loads(repo.files["manifests/1.json"])["signed"]["full"]["path"]
    repo.files[path] = repo.files[path] + b"\0" * 10_000  # more than the manifest allows
    result = _updater(repo, tmp_path).refresh()
    assert isinstance(result.error, linkscreen.DownloadTooLargeError)


def test_signing_key_rotation_authorised_by_the_root(repo: MemoryRepo, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    updater = _updater(repo, tmp_path)
    updater.refresh()
    new_signing = Ed25519PrivateKey.generate()
    repo.repo.write_root(
        [repo.root_key], [repo.root_key.public_key()], [new_signing.public_key()], now=NOW
    )
    repo.signing_key = new_signing
    repo.publish(entries(300, start=9))
    result = updater.refresh()
    assert result.status is UpdateStatus.UPDATED_DELTA, result.error
    assert _blocks(updater, "http://h308.bad.example/p/308")


def test_root_key_rotation_signed_by_the_old_root(repo: MemoryRepo, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    updater = _updater(repo, tmp_path)
    updater.refresh()
    new_root = Ed25519PrivateKey.generate()
    repo.repo.write_root(
        [repo.root_key, new_root], [new_root.public_key()], [repo.signing_key.public_key()], now=NOW
    )
    repo.publish(entries(300, start=9))
    assert updater.refresh().version == 2
    assert json.loads((tmp_path / "client" / "roots" / "2.json").read_bytes())


def test_rotation_not_signed_by_the_old_root_is_refused(repo: MemoryRepo, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    updater = _updater(repo, tmp_path)
    updater.refresh()
    from linkscreen.metadata import key_table, sign_metadata

    attacker = Ed25519PrivateKey.generate()
    # The publisher refuses to write this root (RootKeyError), so the attacker writes it.
    rogue = {
        "_type": "root",
        "version": 2,
        "expires": int(NOW) + 86400,
        "root_keys": key_table([attacker.public_key()]),
        "root_threshold": 1,
        "signing_keys": key_table([attacker.public_key()]),
    }
    (repo.repo.dir / "roots" / "2.json").write_bytes(sign_metadata(rogue, [attacker]))
    repo.signing_key = attacker
    repo.publish(entries(300, start=9))
    result = updater.refresh()
    assert isinstance(result.error, linkscreen.MetadataSignatureError)
    assert updater.version == 1


def test_gap_in_the_delta_chain_falls_back_to_full(repo: MemoryRepo, tmp_path: Path) -> None:
    updater = _updater(repo, tmp_path)
    updater.refresh()
    repo.publish(entries(300, start=3), force_rebase=True)  # new chain: no delta from v1
    result = updater.refresh()
    assert result.status is UpdateStatus.UPDATED_FULL
    assert result.delta_error is None


def test_delta_giving_a_wrong_state_falls_back_to_full(repo: MemoryRepo, tmp_path: Path) -> None:
    updater = _updater(repo, tmp_path)
    updater.refresh()
    repo.publish(entries(300, start=3))
    repo.publish(entries(300, start=6))
    manifest = json.loads(repo.files["manifests/3.json"])["signed"]
    v2 = json.loads(repo.files["manifests/2.json"])["signed"]["deltas"][0]
    # A server bug: manifest 3 offers, as the delta from v1, the (valid) delta to v2.
    manifest["deltas"] = [{**v2, "from_sha256": manifest["deltas"][0]["from_sha256"]}]
    raw = sign_metadata(manifest, [repo.signing_key])
    repo.files["manifests/3.json"] = raw
    import hashlib

    _resign(
        repo,
        "pointer.json",
        manifest={
            "path": "manifests/3.json",
            "sha256": hashlib.sha256(raw).hexdigest(),
            "size": len(raw),
        },
    )
    result = updater.refresh()
    assert result.status is UpdateStatus.UPDATED_FULL
    assert isinstance(result.delta_error, linkscreen.HashMismatchError)
    assert _blocks(updater, "http://h305.bad.example/p/305")


def test_matching_keeps_working_when_the_repository_is_down(
    repo: MemoryRepo, tmp_path: Path
) -> None:
    updater = _updater(repo, tmp_path)
    updater.refresh()
    repo.files.clear()
    result = updater.refresh()
    assert isinstance(result.error, linkscreen.DownloadError)
    assert _blocks(updater, "http://h7.bad.example/p/7")


def test_stale_after_two_update_periods_without_success(repo: MemoryRepo, tmp_path: Path) -> None:
    clock = {"now": NOW}
    updater = Updater(
        tmp_path / "c",
        _base(repo),
        [repo.root_key.public_key()],
        fetcher=repo,
        clock=lambda: clock["now"],
        update_period_s=3600,
    )
    updater.refresh()
    assert not updater.is_stale()
    clock["now"] = NOW + 2 * 3600 + 1
    assert updater.is_stale()
    assert updater.matcher() is not None  # stale is a status: matching goes on


def test_requests_are_the_same_for_every_client(repo: MemoryRepo, tmp_path: Path) -> None:
    _updater(repo, tmp_path, "one").refresh()
    first = list(repo.requests)
    repo.requests.clear()
    _updater(repo, tmp_path, "two").refresh()
    assert repo.requests == first


class _Crash(BaseException):
    """Stands for the process dying: not an Exception, so nothing inside refresh catches it."""


#: A delta refresh renames three files: payload, manifest, then current.json (the commit).
WRITE_STEPS = 3


def test_a_refresh_has_three_write_steps(
    repo: MemoryRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import linkscreen.updater as updater_module

    updater = _updater(repo, tmp_path)
    updater.refresh()
    repo.publish(entries(300, start=4))
    calls: list[str] = []
    real_replace = os.replace
    monkeypatch.setattr(
        updater_module.os, "replace", lambda a, b: (calls.append(str(b)), real_replace(a, b))
    )
    assert updater.refresh().status is UpdateStatus.UPDATED_DELTA
    assert len(calls) == WRITE_STEPS
    assert calls[-1].endswith("current.json")


@pytest.mark.parametrize("crash_at", range(1, WRITE_STEPS + 1))
def test_crash_at_every_write_step_leaves_a_usable_state(
    repo: MemoryRepo, tmp_path: Path, crash_at: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import linkscreen.updater as updater_module

    updater = _updater(repo, tmp_path)
    updater.refresh()
    repo.publish(entries(300, start=4))
    real_replace = os.replace
    calls = {"n": 0}

    def dying_replace(source: object, target: object) -> None:
        calls["n"] += 1
        if calls["n"] == crash_at:
            raise _Crash
        real_replace(source, target)  # type: ignore[arg-type]

    monkeypatch.setattr(updater_module.os, "replace", dying_replace)
    with pytest.raises(_Crash):
        _updater(repo, tmp_path).refresh()
    monkeypatch.setattr(updater_module.os, "replace", real_replace)
    survivor = _updater(repo, tmp_path)
    assert survivor.version in (1, 2)
    assert _blocks(survivor, "http://h10.bad.example/p/10")
    assert survivor.refresh().status is not UpdateStatus.FAILED
    assert survivor.version == 2
    assert _blocks(survivor, "http://h303.bad.example/p/303")
