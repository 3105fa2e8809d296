"""The pure trust core (linkscreen.trust.TrustedSet), rule by rule, with no I/O.

Each test plays one scenario of the threat model against bytes built here: roots, pointers
and manifests signed with test keys, and real bundles from the compiler. Every rule in the
core has a test that fails when the rule is deleted or inverted.
"""

from __future__ import annotations

import hashlib
import json
import struct
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from linkscreen import _format as fmt
from linkscreen.delta import make_delta
from linkscreen.errors import (
    DeltaError,
    DownloadTooLargeError,
    ExpiredMetadataError,
    HashMismatchError,
    InconsistentMetadataError,
    MetadataError,
    MetadataSignatureError,
    RollbackError,
    UnusablePayloadError,
    UpgradeRequiredError,
)
from linkscreen.keys import key_id_of
from linkscreen.metadata import MAX_ROOT_STEPS, Delta, FileInfo, key_table, sign_metadata
from linkscreen.results import Action
from linkscreen.trust import StoredVersion, TrustedSet, TrustedVersion, recover, staleness
from linkscreen_server.writer import sign_payload

from bundles import compile_lists
from repo_fixtures import MemoryRepo, entries

NOW = 1_767_225_600
DAY = 86_400
LEEWAY = 300.0
ROOT_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(40, 72)))
SIGNING_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(80, 112)))
NEW_ROOT_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(120, 152)))
ROGUE_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(160, 192)))


def _anchors(*keys: Ed25519PrivateKey) -> dict[str, Any]:
    return {key_id_of(k.public_key()).hex(): k.public_key() for k in keys or (ROOT_KEY,)}


def root(
    version: int = 1,
    *,
    root_keys: tuple[Ed25519PrivateKey, ...] = (ROOT_KEY,),
    threshold: int = 1,
    signing: tuple[Ed25519PrivateKey, ...] = (SIGNING_KEY,),
    signers: tuple[Ed25519PrivateKey, ...] | None = None,
    expires: int = NOW + 365 * DAY,
) -> bytes:
    signed = {
        "_type": "root",
        "version": version,
        "expires": expires,
        "root_keys": key_table([k.public_key() for k in root_keys]),
        "root_threshold": threshold,
        "signing_keys": key_table([k.public_key() for k in signing]),
    }
    return sign_metadata(signed, list(signers if signers is not None else root_keys))


def info(path: str, data: bytes) -> dict[str, Any]:
    return {"path": path, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def manifest(
    version: int = 1,
    *,
    payload: bytes = b"state",
    full: bytes = b"bundle",
    deltas: list[dict[str, Any]] | None = None,
    expires: int = NOW + 7 * DAY,
    signer: Ed25519PrivateKey = SIGNING_KEY,
    full_entry: object = None,
    **changes: Any,
) -> bytes:
    signed = {
        "_type": "manifest",
        "version": version,
        "created": NOW,
        "expires": expires,
        "state": {"sha256": hashlib.sha256(payload).hexdigest(), "size": len(payload)},
        "full": full_entry or info(f"bundles/{hashlib.sha256(full).hexdigest()}.bundle", full),
        "deltas": deltas or [],
        **changes,
    }
    return sign_metadata(signed, [signer])


def pointer(
    version: int = 1,
    manifest_raw: bytes | None = None,
    *,
    root_version: int = 1,
    expires: int = NOW + DAY,
    signer: Ed25519PrivateKey = SIGNING_KEY,
    **changes: Any,
) -> bytes:
    raw = manifest_raw if manifest_raw is not None else manifest(version)
    signed = {
        "_type": "pointer",
        "version": version,
        "expires": expires,
        "root_version": root_version,
        "manifest": info(f"manifests/{version}.json", raw),
        **changes,
    }
    return sign_metadata(signed, [signer])


def core(now: float = NOW, trusted: TrustedVersion | None = None) -> TrustedSet:
    return TrustedSet(_anchors(), now=now, leeway_s=LEEWAY, trusted=trusted)


def rooted(now: float = NOW, trusted: TrustedVersion | None = None) -> TrustedSet:
    trusted_set = core(now, trusted)
    trusted_set.update_root(root(1))
    return trusted_set


def through_manifest(manifest_raw: bytes, version: int = 1, **pointer_changes: Any) -> TrustedSet:
    trusted_set = rooted()
    trusted_set.update_pointer(pointer(version, manifest_raw, **pointer_changes))
    trusted_set.update_manifest(manifest_raw)
    return trusted_set


# ---- roots -------------------------------------------------------------------------------


class TestRootChain:
    def test_first_root_signed_by_the_shipped_key_is_accepted(self) -> None:
        trusted_set = core()
        assert trusted_set.update_root(root(1)).version == 1
        assert trusted_set.root_version == 1

    def test_first_root_not_signed_by_the_shipped_key_is_refused(self) -> None:
        with pytest.raises(MetadataSignatureError):
            core().update_root(root(1, root_keys=(ROGUE_KEY,)))

    @pytest.mark.parametrize("version", [0, 2, 3])
    def test_first_root_must_be_version_1(self, version: int) -> None:
        with pytest.raises(RollbackError):
            core().update_root(root(version))

    def test_a_replayed_root_is_refused(self) -> None:
        trusted_set = rooted()
        with pytest.raises(RollbackError):
            trusted_set.update_root(root(1))

    def test_root_rotation_signed_by_old_and_new_keys_is_accepted(self) -> None:
        trusted_set = rooted()
        rotated = root(2, root_keys=(NEW_ROOT_KEY,), signers=(ROOT_KEY, NEW_ROOT_KEY))
        assert trusted_set.update_root(rotated).root_keys.keys() == _anchors(NEW_ROOT_KEY).keys()

    def test_new_root_signed_only_by_the_old_keys_is_refused(self) -> None:
        """The new root's self-signature: it must be signed by its own root keys too."""
        trusted_set = rooted()
        with pytest.raises(MetadataSignatureError):
            trusted_set.update_root(root(2, root_keys=(NEW_ROOT_KEY,), signers=(ROOT_KEY,)))

    def test_new_root_signed_only_by_its_own_keys_is_refused(self) -> None:
        trusted_set = rooted()
        with pytest.raises(MetadataSignatureError):
            trusted_set.update_root(root(2, root_keys=(ROGUE_KEY,), signers=(ROGUE_KEY,)))

    def test_new_root_below_the_previous_threshold_is_refused(self) -> None:
        trusted_set = core()
        trusted_set.update_root(root(1, root_keys=(ROOT_KEY, NEW_ROOT_KEY), threshold=2))
        one_of_two = root(2, root_keys=(ROOT_KEY,), signers=(ROOT_KEY,))
        with pytest.raises(MetadataSignatureError):
            trusted_set.update_root(one_of_two)
        both = root(2, root_keys=(ROOT_KEY,), signers=(ROOT_KEY, NEW_ROOT_KEY))
        assert trusted_set.update_root(both).version == 2

    def test_the_same_key_twice_counts_once_towards_a_threshold(self) -> None:
        trusted_set = core()
        trusted_set.update_root(root(1, root_keys=(ROOT_KEY, NEW_ROOT_KEY), threshold=2))
        document = json.loads(root(2, root_keys=(ROOT_KEY,), signers=(ROOT_KEY,)))
        document["signatures"] *= 2
        with pytest.raises(MetadataSignatureError):
            trusted_set.update_root(json.dumps(document).encode())

    def test_one_key_listed_under_two_ids_cannot_meet_a_threshold_of_two(self) -> None:
        """A key table entry must be named by its own key id, or one key counts twice."""
        trusted_set = core()
        trusted_set.update_root(root(1, root_keys=(ROOT_KEY, NEW_ROOT_KEY), threshold=2))
        rogue = ROGUE_KEY.public_key()
        signed = json.loads(root(2))["signed"]
        fake_ids = [
            key_id_of(ROOT_KEY.public_key()).hex(),
            key_id_of(NEW_ROOT_KEY.public_key()).hex(),
        ]
        signed["root_keys"] = {
            fake: key_table([rogue])[key_id_of(rogue).hex()] for fake in fake_ids
        }
        signed["root_threshold"] = 2
        raw = json.loads(sign_metadata(signed, [ROOT_KEY, NEW_ROOT_KEY]))
        from linkscreen.metadata import canonical_json

        rogue_sig = ROGUE_KEY.sign(canonical_json(signed)).hex()
        raw["signatures"] += [{"keyid": fake, "sig": rogue_sig} for fake in fake_ids]
        with pytest.raises(MetadataError, match="does not match its key"):
            trusted_set.update_root(json.dumps(raw).encode())

    @pytest.mark.parametrize("threshold", [0, 2])
    def test_root_threshold_out_of_range_is_refused(self, threshold: int) -> None:
        with pytest.raises(MetadataError):
            core().update_root(root(1, threshold=threshold))

    def test_an_expired_root_still_chains(self) -> None:
        """Roots rotate; the pointer's short expiry is what detects a frozen repository."""
        assert core().update_root(root(1, expires=NOW - 30 * DAY)).version == 1

    def test_roots_cannot_be_loaded_after_the_pointer(self) -> None:
        trusted_set = rooted()
        trusted_set.update_pointer(pointer(1))
        with pytest.raises(RuntimeError):
            trusted_set.update_root(root(2))

    def test_roots_to_fetch_walks_to_the_root_the_pointer_names(self) -> None:
        assert rooted().roots_to_fetch(pointer(1, root_version=4)) == range(2, 5)
        assert rooted().roots_to_fetch(pointer(1)) == range(2, 2)

    def test_the_root_step_cap(self) -> None:
        trusted_set = rooted()
        assert len(trusted_set.roots_to_fetch(pointer(1, root_version=1 + MAX_ROOT_STEPS))) == 32
        with pytest.raises(MetadataError):
            trusted_set.roots_to_fetch(pointer(1, root_version=2 + MAX_ROOT_STEPS))

    def test_pointer_naming_an_older_root_is_a_rollback(self) -> None:
        trusted_set = rooted()
        trusted_set.update_root(root(2, signers=(ROOT_KEY,)))
        with pytest.raises(RollbackError):
            trusted_set.roots_to_fetch(pointer(1, root_version=1))


# ---- pointer -----------------------------------------------------------------------------


class TestPointer:
    def test_a_pointer_signed_by_the_signing_key_is_accepted(self) -> None:
        assert rooted().update_pointer(pointer(3)).version == 3

    @pytest.mark.parametrize("signer", [ROOT_KEY, ROGUE_KEY])
    def test_a_pointer_not_signed_by_an_authorised_signing_key_is_refused(
        self, signer: Ed25519PrivateKey
    ) -> None:
        with pytest.raises(MetadataSignatureError):
            rooted().update_pointer(pointer(1, signer=signer))

    def test_a_pointer_changed_after_signing_is_refused(self) -> None:
        document = json.loads(pointer(1))
        document["signed"]["version"] = 99
        with pytest.raises(MetadataSignatureError):
            rooted().update_pointer(json.dumps(document).encode())

    def test_an_expired_pointer_is_refused(self) -> None:
        with pytest.raises(ExpiredMetadataError):
            rooted(now=NOW + DAY + LEEWAY + 1).update_pointer(pointer(1))

    def test_clock_skew_within_the_leeway_is_accepted(self) -> None:
        assert rooted(now=NOW + DAY + LEEWAY - 1).update_pointer(pointer(1)).version == 1

    def test_an_older_version_is_a_rollback(self) -> None:
        with pytest.raises(RollbackError):
            rooted(trusted=TrustedVersion(version=5)).update_pointer(pointer(4))

    def test_the_trusted_version_again_is_up_to_date(self) -> None:
        raw = manifest(5)
        trusted = TrustedVersion(version=5, manifest_sha256=hashlib.sha256(raw).hexdigest())
        trusted_set = rooted(trusted=trusted)
        trusted_set.update_pointer(pointer(5, raw))
        assert trusted_set.up_to_date
        later = trusted_set.confirmed()
        assert (later.pointer_expires, later.version) == (NOW + DAY, 5)

    def test_a_newer_version_is_not_up_to_date(self) -> None:
        trusted_set = rooted(trusted=TrustedVersion(version=5))
        trusted_set.update_pointer(pointer(6))
        assert not trusted_set.up_to_date
        with pytest.raises(RuntimeError):
            trusted_set.confirmed()

    def test_one_version_naming_two_contents_is_a_fork(self) -> None:
        trusted = TrustedVersion(version=5, manifest_sha256=hashlib.sha256(b"other").hexdigest())
        with pytest.raises(InconsistentMetadataError):
            rooted(trusted=trusted).update_pointer(pointer(5))

    def test_a_pointer_naming_another_root_than_the_trusted_one_is_refused(self) -> None:
        trusted_set = rooted()
        trusted_set.update_root(root(2, signers=(ROOT_KEY,)))
        with pytest.raises(InconsistentMetadataError):
            trusted_set.update_pointer(pointer(1, root_version=1))

    def test_the_pointer_needs_a_root_first(self) -> None:
        with pytest.raises(RuntimeError):
            core().update_pointer(pointer(1))

    @pytest.mark.parametrize(
        "raw",
        [
            b"[" * 16_000,
            b"{" * 16_000,
            b"",
            b"\xff\xfe",
            b"null",
            b'{"signed": [], "signatures": []}',
            b'{"signed": {"_type": "pointer"}, "signatures": {}}',
            b'{"signed": {"_type": "root"}, "signatures": []}',
            b'{"signed": {"_type": "pointer", "version": 1' + b"0" * 5000 + b'}, "signatures": []}',
            b" " * 300_000,
        ],
        ids=["brackets", "braces", "empty", "bad-utf8", "null", "list", "dict-sigs", "type",
             "huge-int", "oversized"],
    )  # fmt: skip
    def test_malformed_pointers_are_metadata_errors(self, raw: bytes) -> None:
        trusted_set = rooted()
        with pytest.raises(MetadataError):
            trusted_set.roots_to_fetch(raw)
        with pytest.raises(MetadataError):
            trusted_set.update_pointer(raw)

    def test_metadata_of_another_type_is_refused(self) -> None:
        with pytest.raises(MetadataError, match="of type"):
            rooted().update_pointer(pointer(1, _type="manifest"))

    def test_validly_signed_but_oversized_metadata_is_refused(self) -> None:
        with pytest.raises(MetadataError, match="exceeds"):
            rooted().update_pointer(pointer(1, padding="x" * 300_000))

    @pytest.mark.parametrize("field", ["version", "expires", "root_version"])
    @pytest.mark.parametrize("value", ["1", True, -1, 1.0, None])
    def test_pointer_fields_must_be_non_negative_integers(self, field: str, value: object) -> None:
        document = json.loads(pointer(1))
        document["signed"][field] = value
        raw = sign_metadata(document["signed"], [SIGNING_KEY])
        with pytest.raises(MetadataError):
            rooted().update_pointer(raw)


class TestFreeze:
    """A repository that keeps answering 304 (or serving the same pointer) past its expiry."""

    def test_nothing_new_before_the_pointer_expires_is_fine(self) -> None:
        trusted = TrustedVersion(1, pointer_expires=NOW + DAY)
        rooted(now=NOW + 20 * 3600, trusted=trusted).confirm_unchanged()

    @pytest.mark.parametrize("hours", [30, 71])
    def test_nothing_new_past_the_pointer_expiry_is_a_freeze(self, hours: int) -> None:
        trusted_set = rooted(
            now=NOW + hours * 3600, trusted=TrustedVersion(1, pointer_expires=NOW + DAY)
        )
        with pytest.raises(ExpiredMetadataError):
            trusted_set.confirm_unchanged()

    def test_the_freeze_check_allows_the_clock_skew_leeway(self) -> None:
        rooted(
            now=NOW + DAY + LEEWAY - 1, trusted=TrustedVersion(1, pointer_expires=NOW + DAY)
        ).confirm_unchanged()


# ---- manifest ----------------------------------------------------------------------------


class TestManifest:
    def test_the_manifest_the_pointer_names_is_accepted(self) -> None:
        assert through_manifest(manifest(2), 2).manifest is not None

    def test_a_manifest_with_other_bytes_than_the_pointer_names_is_refused(self) -> None:
        trusted_set = rooted()
        trusted_set.update_pointer(pointer(1, manifest(1)))
        with pytest.raises(HashMismatchError):
            trusted_set.update_manifest(manifest(1, expires=NOW + 8 * DAY))

    def test_a_manifest_of_another_version_than_the_pointer_is_refused(self) -> None:
        """The manifest-equals-pointer check: a validly signed manifest 2 under pointer 3."""
        with pytest.raises(InconsistentMetadataError):
            through_manifest(manifest(2), 3)

    def test_an_expired_manifest_is_refused(self) -> None:
        with pytest.raises(ExpiredMetadataError):
            through_manifest(manifest(1, expires=NOW - DAY))

    def test_a_manifest_signed_by_an_unknown_key_is_refused(self) -> None:
        with pytest.raises(MetadataSignatureError):
            through_manifest(manifest(1, signer=ROGUE_KEY))

    @pytest.mark.parametrize(
        "path",
        ["../x", "bundles/../../x", "/etc/passwd", "a//b", "./a", "a/./b", "a\\b", "%2e%2e/x",
         "bundles/é.bundle", "", "a/", "..", "a?b", "a#b", "a b", "x" * 200, 7, None],
    )  # fmt: skip
    def test_unsafe_file_paths_are_refused(self, path: object) -> None:
        """The ``..`` path check and its siblings: a path names a file under the base URL."""
        full = {"path": path, "sha256": "0" * 64, "size": 1}
        with pytest.raises(MetadataError):
            through_manifest(manifest(1, full_entry=full))

    @pytest.mark.parametrize("sha256", ["0" * 63, "0" * 65, "G" * 64, "A" * 64, 5])
    def test_malformed_hashes_are_refused(self, sha256: object) -> None:
        with pytest.raises(MetadataError):
            through_manifest(manifest(1, full_entry={"path": "a", "sha256": sha256, "size": 1}))

    @pytest.mark.parametrize(
        "deltas",
        [{"from_sha256": "0" * 64}, [{"path": "d", "sha256": "0" * 64, "size": 1}],
         [{"from_sha256": "x", "path": "d", "sha256": "0" * 64, "size": 1}],
         [{"from_sha256": "0" * 64, "path": "d", "sha256": "0" * 64, "size": 1}] * 1025],
        ids=["not-a-list", "no-from", "bad-from", "too-many"],
    )  # fmt: skip
    def test_malformed_delta_lists_are_refused(self, deltas: object) -> None:
        with pytest.raises(MetadataError):
            through_manifest(manifest(1, deltas=deltas))  # type: ignore[arg-type]

    def test_a_state_without_a_hash_is_refused(self) -> None:
        with pytest.raises(MetadataError):
            through_manifest(manifest(1, state={"size": 3}))

    def test_the_manifest_needs_a_pointer_first(self) -> None:
        with pytest.raises(RuntimeError):
            rooted().update_manifest(manifest(1))


# ---- payloads ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """A bundle signed by SIGNING_KEY."""
    tmp = tmp_path_factory.mktemp("bundles")
    entries = [f"http://h{i}.bad.example/p" for i in range(50)]
    return {"old": compile_lists(tmp, {"l": (entries, Action.BLOCK)}, key=SIGNING_KEY)}


def _payload(bundle: bytes) -> bytes:
    return bundle[fmt.ENVELOPE.size : -fmt.SIGNATURE_BYTES]


def _with_header(payload: bytes, offset: int, value: int) -> bytes:
    return payload[:offset] + struct.pack("<H", value) + payload[offset + 2 :]


def _chain(tmp: Path) -> tuple[bytes, bytes]:
    """Two payloads of one chain from the real publisher, the second with churn."""
    repo = MemoryRepo(tmp)
    repo.publish(entries(50))
    repo.publish(entries(50, start=5))
    bundle_of = {
        version: repo.files[
            json.loads(repo.files[f"manifests/{version}.json"])["signed"]["full"]["path"]
        ]
        for version in (1, 2)
    }
    return _payload(bundle_of[1]), _payload(bundle_of[2])


class TestPayload:
    def test_a_full_bundle_holding_the_signed_state_is_accepted(
        self, bundles: dict[str, bytes]
    ) -> None:
        data = bundles["old"]
        trusted_set = through_manifest(manifest(1, payload=_payload(data), full=data))
        assert trusted_set.accept_full_bundle(data) == _payload(data)
        assert trusted_set.committed().state_sha256 == hashlib.sha256(_payload(data)).hexdigest()

    def test_a_full_bundle_signed_by_an_unauthorised_key_is_refused(self, tmp_path: Path) -> None:
        data = compile_lists(tmp_path, {"l": (["http://a.bad.example/"], Action.BLOCK)},
                             key=ROGUE_KEY)  # fmt: skip
        trusted_set = through_manifest(manifest(1, payload=_payload(data), full=data))
        with pytest.raises(UnusablePayloadError):
            trusted_set.accept_full_bundle(data)

    def test_a_full_bundle_not_holding_the_signed_state_is_refused(
        self, bundles: dict[str, bytes]
    ) -> None:
        data = bundles["old"]
        trusted_set = through_manifest(manifest(1, payload=b"another state", full=data))
        with pytest.raises(HashMismatchError, match="bytes, the manifest signs"):
            trusted_set.accept_full_bundle(data)

    def test_a_full_bundle_holding_a_same_size_other_state_is_refused(
        self, bundles: dict[str, bytes]
    ) -> None:
        data = bundles["old"]
        payload = bytearray(_payload(data))
        payload[-1] ^= 1
        trusted_set = through_manifest(manifest(1, payload=bytes(payload), full=data))
        with pytest.raises(HashMismatchError, match="not the state the manifest signs"):
            trusted_set.accept_full_bundle(data)

    def test_a_download_that_is_not_the_signed_file_is_refused(
        self, bundles: dict[str, bytes]
    ) -> None:
        data = bundles["old"]
        trusted_set = through_manifest(manifest(1, payload=_payload(data), full=data))
        with pytest.raises(HashMismatchError, match="SHA-256 does not match"):
            trusted_set.accept_full_bundle(data[:-1] + bytes([data[-1] ^ 1]))
        with pytest.raises(HashMismatchError, match="bytes, expected"):
            trusted_set.accept_full_bundle(data + b"\0")

    @pytest.mark.parametrize(("offset", "what"), [(2, "canonicalisation"), (0, "format")])
    def test_a_validly_signed_payload_for_a_newer_sdk_needs_an_upgrade(
        self, bundles: dict[str, bytes], offset: int, what: str
    ) -> None:
        payload = _with_header(_payload(bundles["old"]), offset, 99)
        data = sign_payload(payload, SIGNING_KEY)
        trusted_set = through_manifest(manifest(1, payload=payload, full=data))
        with pytest.raises(UpgradeRequiredError):
            trusted_set.accept_full_bundle(data)

    def test_a_full_bundle_in_a_newer_envelope_needs_an_upgrade(
        self, bundles: dict[str, bytes]
    ) -> None:
        """The envelope version is read before the signature: a newer one is this SDK's
        limit, not the repository's fault (UpgradeRequiredError, not UnusablePayloadError)."""
        data = bytearray(bundles["old"])
        data[8] = 2  # the envelope version, after the 8-byte magic
        trusted_set = through_manifest(
            manifest(1, payload=_payload(bundles["old"]), full=bytes(data))
        )
        with pytest.raises(UpgradeRequiredError, match="envelope version 2"):
            trusted_set.accept_full_bundle(bytes(data))

    def test_a_validly_signed_but_malformed_payload_is_unusable(
        self, bundles: dict[str, bytes]
    ) -> None:
        payload = _payload(bundles["old"])[:-8]  # the last section now runs past the end
        data = sign_payload(payload, SIGNING_KEY)
        trusted_set = through_manifest(manifest(1, payload=payload, full=data))
        with pytest.raises(UnusablePayloadError):
            trusted_set.accept_full_bundle(data)

    def test_a_good_delta_gives_the_signed_state(self, tmp_path: Path) -> None:
        old, new = _chain(tmp_path)
        delta = make_delta(old, new)
        entry = {"from_sha256": hashlib.sha256(old).hexdigest(), **info("deltas/d", delta)}
        trusted_set = through_manifest(manifest(2, payload=new, deltas=[entry]), 2)
        found = trusted_set.delta_from(hashlib.sha256(old).hexdigest())
        assert found is not None
        assert trusted_set.accept_delta(old, found, delta) == new
        assert trusted_set.delta_from(hashlib.sha256(b"x").hexdigest()) is None

    def test_a_delta_giving_another_state_is_refused(self, tmp_path: Path) -> None:
        """The delta's state hash: a delta is trusted only through what it produces."""
        old, new = _chain(tmp_path)
        delta = make_delta(old, new)
        same_size = new[:-1] + bytes([new[-1] ^ 1])
        found = Delta(hashlib.sha256(old).hexdigest(), FileInfo.parse(info("d", delta), "t"))
        for signed_state in (same_size, new + b"x"):
            trusted_set = through_manifest(manifest(2, payload=signed_state), 2)
            with pytest.raises(HashMismatchError):
                trusted_set.accept_delta(old, found, delta)

    def test_a_delta_for_another_stored_state_is_refused(self, tmp_path: Path) -> None:
        old, new = _chain(tmp_path)
        delta = make_delta(old, new)
        trusted_set = through_manifest(manifest(2, payload=new), 2)
        found = Delta(hashlib.sha256(old).hexdigest(), FileInfo.parse(info("d", delta), "t"))
        with pytest.raises(DeltaError, match="not the one this delta starts from"):
            trusted_set.accept_delta(new, found, delta)

    def test_a_delta_file_that_is_not_the_signed_one_is_refused(self, tmp_path: Path) -> None:
        old, new = _chain(tmp_path)
        delta = make_delta(old, new)
        trusted_set = through_manifest(manifest(2, payload=new), 2)
        found = Delta(hashlib.sha256(old).hexdigest(), FileInfo.parse(info("d", delta), "t"))
        with pytest.raises(HashMismatchError):
            trusted_set.accept_delta(old, found, delta[:-1] + bytes([delta[-1] ^ 1]))

    @pytest.mark.parametrize("cut", [80, 250, -5])
    def test_a_hostile_delta_is_a_delta_error_not_an_exception(
        self, tmp_path: Path, cut: int
    ) -> None:
        """Signed metadata can name a crafted delta; applying it must fail as a DeltaError."""
        old, new = _chain(tmp_path)
        hostile = make_delta(old, new)[:cut]
        hostile = hostile[:72] + bytes((b ^ 0x5A) for b in hostile[72:])
        trusted_set = through_manifest(manifest(2, payload=new), 2)
        found = Delta(hashlib.sha256(old).hexdigest(), FileInfo.parse(info("d", hostile), "t"))
        with pytest.raises(DeltaError):
            trusted_set.accept_delta(old, found, hostile)

    def test_the_download_cap_is_the_signed_size_below_the_bound(self) -> None:
        small = FileInfo("a", "0" * 64, 10)
        assert TrustedSet.download_cap(small) == 10
        with pytest.raises(DownloadTooLargeError):
            TrustedSet.download_cap(small, limit=9)

    def test_payloads_are_checked_after_the_manifest(self) -> None:
        with pytest.raises(RuntimeError):
            rooted().accept_full_bundle(b"x")


# ---- staleness ---------------------------------------------------------------------------


def _stale(now: float, **changes: Any) -> bool:
    trusted = TrustedVersion(1, pointer_expires=NOW + DAY, manifest_expires=NOW + 7 * DAY)
    settings: dict[str, Any] = {"last_success": NOW, "update_period_s": 12 * 3600.0,
                                "has_payload": True, **changes}  # fmt: skip
    return staleness(trusted, now=now, leeway_s=LEEWAY, **settings).stale


class TestStaleness:
    def test_fresh_after_a_successful_check(self) -> None:
        assert not _stale(NOW + 3600)

    def test_stale_without_a_payload(self) -> None:
        assert _stale(NOW, has_payload=False)
        verdict = staleness(TrustedVersion(), now=NOW, leeway_s=LEEWAY, last_success=0.0,
                            update_period_s=12 * 3600.0, has_payload=False)  # fmt: skip
        assert verdict.reason == "no verified bundle yet"

    def test_stale_past_the_pointer_expiry_even_with_recent_304s(self) -> None:
        assert _stale(NOW + 30 * 3600, last_success=NOW + 29 * 3600)

    def test_stale_past_the_version_expiry(self) -> None:
        trusted = TrustedVersion(1, pointer_expires=NOW + 30 * DAY, manifest_expires=NOW + DAY)
        verdict = staleness(trusted, now=NOW + 2 * DAY, leeway_s=LEEWAY, last_success=NOW + 2 * DAY,
                            update_period_s=12 * 3600.0, has_payload=True)  # fmt: skip
        assert verdict.stale
        assert "version 1 expired" in (verdict.reason or "")

    def test_stale_after_two_periods_without_success(self) -> None:
        assert not _stale(NOW + 10 * 3600, update_period_s=6 * 3600.0)
        assert _stale(NOW + 13 * 3600, update_period_s=6 * 3600.0)

    def test_stale_when_the_trusted_payload_is_lost_says_what_matches_meanwhile(self) -> None:
        trusted = TrustedVersion(2, pointer_expires=NOW + DAY, manifest_expires=NOW + 7 * DAY)
        verdict = staleness(trusted, now=NOW, leeway_s=LEEWAY, last_success=NOW,
                            update_period_s=12 * 3600.0, has_payload=False,
                            payload_problem="does not hash", fallback_version=1)  # fmt: skip
        assert verdict.stale
        assert verdict.reason == (
            "the bundle of version 2 does not hash; matching on version 1 until it is refetched"
        )


# ---- recovery from damaged storage -------------------------------------------------------


def _stored(version: int, payload_ok: bool, state: str = "") -> StoredVersion:
    return StoredVersion(TrustedVersion(version, f"m{version}", state or f"s{version}"), payload_ok)


class TestRecovery:
    """attack-trust finding 2: a lost payload must never lower the rollback floor."""

    def test_a_lost_newest_payload_keeps_the_committed_floor(self) -> None:
        committed = TrustedVersion(2, "m2", "s2", NOW + DAY, NOW + 7 * DAY)
        healed = recover([_stored(2, False), _stored(1, True)], committed)
        assert healed.floor == committed  # not version 1: a replay of it is a rollback
        assert healed.match_on == _stored(1, True).trusted

    def test_without_a_commit_record_the_floor_is_the_newest_verified_manifest(self) -> None:
        healed = recover([_stored(1, True), _stored(3, False), _stored(2, True)], None)
        assert healed.floor.version == 3
        assert healed.match_on is not None
        assert healed.match_on.version == 2

    def test_the_floors_own_payload_matches_when_it_verifies(self) -> None:
        committed = TrustedVersion(2, "m2", "s2")
        assert recover([_stored(2, True), _stored(1, True)], committed).match_on == (
            _stored(2, True).trusted
        )

    def test_a_payload_newer_than_the_floor_never_matches(self) -> None:
        committed = TrustedVersion(2, "m2", "s2")
        assert recover([_stored(3, True), _stored(2, False)], committed).match_on is None

    def test_another_content_of_the_floors_version_never_matches(self) -> None:
        committed = TrustedVersion(2, "m2", "s2")
        healed = recover([_stored(2, True, state="forked"), _stored(1, True)], committed)
        assert healed.match_on is not None
        assert healed.match_on.version == 1

    def test_nothing_stored_and_nothing_committed_is_a_first_run(self) -> None:
        assert recover([], None) == recover([], TrustedVersion())
        assert recover([], None).floor == TrustedVersion()
        assert recover([], None).match_on is None
