"""The trust rules of an update, in one place, with no I/O (python-tuf's trusted metadata set).

:class:`TrustedSet` holds what the device trusts and is the only way to move it forward. It
accepts metadata and payloads as bytes, in order -- roots, then the pointer, then the manifest,
then the payload -- and raises a typed :class:`~linkscreen.RepositoryError` for anything that
is not valid, consistent and usable. The Updater only fetches, persists and orchestrates.

The rules, each a method and each tested on its own (tests/test_trust_core.py):

- **root chain**: root N+1 is signed by a threshold of root N's root keys (root 1: the keys
  the app ships) *and* by a threshold of its own; at most ``MAX_ROOT_STEPS`` per refresh; a
  pointer naming an older root than the trusted one is a rollback.
- **pointer**: signed by a signing key of the trusted root, unexpired, naming that root; its
  version never goes below the trusted version, and an equal version must name the same
  manifest (else the repository forked).
- **freeze**: the trusted pointer's expiry is kept; "nothing new" (a ``304``) is only good
  while it has not passed. A repository that keeps answering ``304`` is then frozen.
- **manifest**: exactly the file the pointer names (size and SHA-256), signed, unexpired, of
  the pointer's version, with safe paths.
- **payload**: every download matches its signed size and SHA-256; a full bundle verifies with
  the root's signing keys and holds the signed state; a delta's result hashes to the signed
  state; and the payload parses and is usable by *this* SDK (a newer format or
  canonicalisation version is :class:`~linkscreen.UpgradeRequiredError`, never committed).
- **recovery** (:func:`recover`): when stored state is damaged, the rollback floor is the
  committed version, or the newest stored verified manifest, *never* lowered to the newest one
  that still has a payload; an older good payload only matches meanwhile, and the state is stale.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .errors import (
    BundleError,
    DeltaError,
    DownloadTooLargeError,
    ExpiredMetadataError,
    HashMismatchError,
    InconsistentMetadataError,
    MetadataError,
    RollbackError,
    UnsupportedBundleVersionError,
    UnusablePayloadError,
    UpgradeRequiredError,
)
from .metadata import (
    MAX_ROOT_STEPS,
    Delta,
    FileInfo,
    Manifest,
    Pointer,
    Root,
    peek_manifest_version,
    peek_root_version,
    verify_manifest,
    verify_pointer,
    verify_root,
)

if TYPE_CHECKING:
    from .bundle import Bundle

__all__ = [
    "MAX_PAYLOAD_BYTES",
    "Recovery",
    "Staleness",
    "StoredVersion",
    "TrustedSet",
    "TrustedVersion",
    "check_usable",
    "payload_bundle",
    "recover",
    "staleness",
]

#: Largest bundle or delta accepted, whatever a manifest says.
MAX_PAYLOAD_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class TrustedVersion:
    """What the device committed last: the floor for rollback and the basis for freshness."""

    version: int = 0
    manifest_sha256: str = ""
    """SHA-256 of the committed manifest file ("" when unknown)."""
    state_sha256: str = ""
    pointer_expires: int = 0
    """Expiry of the newest pointer that confirmed this version (0: none yet)."""
    manifest_expires: int = 0


class TrustedSet:
    """The device's trusted metadata for one refresh. Not thread-safe; one per refresh.

    ``anchors`` are the root keys the app ships (key id hex -> key; threshold 1). ``now`` is
    the refresh's clock reading, ``leeway_s`` the clock-skew allowance on every expiry.
    """

    def __init__(
        self,
        anchors: Mapping[str, Ed25519PublicKey],
        *,
        now: float,
        leeway_s: float,
        trusted: TrustedVersion | None = None,
    ) -> None:
        if not anchors:
            raise ValueError("at least one shipped root key is needed")
        self._anchors = dict(anchors)
        self.now = now
        self.leeway_s = leeway_s
        self.trusted = trusted or TrustedVersion()
        self.root: Root | None = None
        self.pointer: Pointer | None = None
        self.pointer_sha256 = ""
        self.manifest: Manifest | None = None
        self.manifest_sha256 = ""

    # ---- root chain ----------------------------------------------------------------------
    @property
    def root_version(self) -> int:
        return 0 if self.root is None else self.root.version

    def update_root(self, raw: bytes) -> Root:
        """Accept the next root (version + 1), signed by the trusted root and by itself.

        A root's own expiry is not enforced: a root is replaced by rotation, and the pointer's
        short expiry is what detects a repository that stopped updating.
        """
        if self.pointer is not None:
            raise RuntimeError("roots are loaded before the pointer")
        keys = self._anchors if self.root is None else self.root.root_keys
        threshold = 1 if self.root is None else self.root.threshold
        root = verify_root(
            raw,
            keys,
            threshold,
            expected_version=self.root_version + 1,
            now=self.now,
            leeway=self.leeway_s,
            check_expiry=False,
        )
        self.root = root
        return root

    def roots_to_fetch(self, pointer_raw: bytes) -> range:
        """Root versions to load before ``pointer_raw`` can be verified (read before its
        signature is checked, only to know how far to walk; each root is verified in turn)."""
        target = peek_root_version(pointer_raw)
        if target < self.root_version:
            raise RollbackError(f"pointer names root {target}, root {self.root_version} is trusted")
        if target - self.root_version > MAX_ROOT_STEPS:
            raise MetadataError(
                f"pointer names root {target}, more than {MAX_ROOT_STEPS} past {self.root_version}"
            )
        return range(self.root_version + 1, target + 1)

    # ---- pointer -------------------------------------------------------------------------
    def confirm_unchanged(self) -> None:
        """The repository answered "nothing new" (304) for the trusted pointer: acceptable
        only while that pointer has not expired. Past it the repository is frozen."""
        expires = self.trusted.pointer_expires
        if self.now > expires + self.leeway_s:
            raise ExpiredMetadataError(
                f"the repository keeps serving a pointer that expired at {expires} "
                f"(now {int(self.now)}): frozen or stale"
            )

    def update_pointer(self, raw: bytes) -> Pointer:
        """Accept the pointer: signature, expiry, root, rollback and fork rules."""
        if self.root is None:
            raise RuntimeError("the pointer is loaded after the root")
        if self.manifest is not None:
            raise RuntimeError("the pointer is loaded before the manifest")
        pointer = verify_pointer(raw, self.root, now=self.now, leeway=self.leeway_s)
        if pointer.root_version != self.root.version:
            raise InconsistentMetadataError(
                f"pointer names root {pointer.root_version}, root {self.root.version} is trusted"
            )
        trusted = self.trusted
        if pointer.version < trusted.version:
            raise RollbackError(
                f"repository offers version {pointer.version}, {trusted.version} is trusted"
            )
        if (
            pointer.version == trusted.version
            and trusted.manifest_sha256
            and pointer.manifest.sha256 != trusted.manifest_sha256
        ):
            raise InconsistentMetadataError(
                f"version {pointer.version} now names another manifest than the trusted one: "
                "the repository published two contents under one version"
            )
        self.pointer = pointer
        self.pointer_sha256 = hashlib.sha256(raw).hexdigest()
        return pointer

    @property
    def up_to_date(self) -> bool:
        """The verified pointer names the version the device already holds."""
        return self.pointer is not None and self.pointer.version == self.trusted.version > 0

    # ---- manifest ------------------------------------------------------------------------
    def update_manifest(self, raw: bytes) -> Manifest:
        """Accept the manifest the pointer names: same bytes, signature, version and expiry."""
        if self.pointer is None or self.root is None:
            raise RuntimeError("the manifest is loaded after the pointer")
        self.check_file(self.pointer.manifest, raw)
        manifest = verify_manifest(raw, self.root, self.pointer, now=self.now, leeway=self.leeway_s)
        self.manifest = manifest
        self.manifest_sha256 = self.pointer.manifest.sha256
        return manifest

    def recover_manifest(self, raw: bytes) -> Manifest:
        """Read a manifest from the device's own storage (healing a lost ``current.json``):
        signed by the trusted root's signing keys; neither expiry nor the pointer is checked,
        since the manifest was fully verified before it was stored."""
        if self.root is None:
            raise RuntimeError("stored manifests are read after the root")
        return verify_pointerless_manifest(raw, self.root, now=self.now)

    # ---- files and payloads --------------------------------------------------------------
    @staticmethod
    def download_cap(info: FileInfo, limit: int = MAX_PAYLOAD_BYTES) -> int:
        """The byte cap for downloading ``info``: its signed size, never above ``limit``."""
        if info.size > limit:
            raise DownloadTooLargeError(f"{info.path}: {info.size} bytes exceeds {limit}")
        return info.size

    @staticmethod
    def check_file(info: FileInfo, data: bytes) -> None:
        """A download is exactly the file signed metadata describes (size, then SHA-256)."""
        if len(data) != info.size:
            raise HashMismatchError(f"{info.path}: {len(data)} bytes, expected {info.size}")
        if hashlib.sha256(data).hexdigest() != info.sha256:
            raise HashMismatchError(f"{info.path}: SHA-256 does not match the signed metadata")

    def delta_from(self, state_sha256: str) -> Delta | None:
        """The manifest's delta from the state the device holds, if it offers one."""
        manifest = self._manifest()
        return manifest.delta_from(state_sha256) if state_sha256 else None

    def accept_delta(self, old_payload: bytes, delta: Delta, data: bytes) -> bytes:
        """Apply a downloaded delta; the result must be the signed state, usable here."""
        self.check_file(delta.file, data)
        if hashlib.sha256(old_payload).hexdigest() != delta.from_sha256:
            raise DeltaError("the stored state is not the one this delta starts from")
        from .bundle.delta import apply_delta

        try:
            payload = apply_delta(old_payload, data)
        except DeltaError:
            raise
        except Exception as exc:  # a hostile delta must not escape as ValueError, IndexError...
            raise DeltaError(f"delta cannot be applied: {type(exc).__name__}: {exc}") from None
        self.check_state(payload)
        return payload

    def accept_full_bundle(self, data: bytes) -> bytes:
        """Verify a downloaded full bundle with the root's signing keys; return its payload,
        which must be the signed state and usable here."""
        manifest = self._manifest()
        self.check_file(manifest.full, data)
        assert self.root is not None  # a manifest implies a root
        signers = {bytes.fromhex(keyid): key for keyid, key in self.root.signing_keys.items()}
        from .bundle import verify

        try:
            _key_id, view = verify(data, signers)
        except UnsupportedBundleVersionError as exc:
            raise UpgradeRequiredError(f"full bundle: {exc}") from None
        except BundleError as exc:
            raise UnusablePayloadError(f"full bundle refused: {exc}") from None
        payload = bytes(view)
        self.check_state(payload)
        return payload

    def check_state(self, payload: bytes) -> None:
        """``payload`` is the state the manifest signs (size and SHA-256) and this SDK can use."""
        manifest = self._manifest()
        if len(payload) != manifest.state_size:
            raise HashMismatchError(
                f"state is {len(payload)} bytes, the manifest signs {manifest.state_size}"
            )
        if hashlib.sha256(payload).hexdigest() != manifest.state_sha256:
            raise HashMismatchError("the payload is not the state the manifest signs")
        check_usable(payload)

    def committed(self) -> TrustedVersion:
        """What the device trusts once the manifest's state is stored and committed."""
        manifest, pointer = self._manifest(), self.pointer
        assert pointer is not None
        return TrustedVersion(
            manifest.version,
            self.manifest_sha256,
            manifest.state_sha256,
            pointer.expires,
            manifest.expires,
        )

    def confirmed(self) -> TrustedVersion:
        """The trusted version, re-confirmed by a newer pointer of the same version."""
        if self.pointer is None or not self.up_to_date:
            raise RuntimeError("only an up-to-date pointer confirms the trusted version")
        trusted = self.trusted
        return TrustedVersion(
            trusted.version,
            trusted.manifest_sha256 or self.pointer.manifest.sha256,
            trusted.state_sha256,
            max(trusted.pointer_expires, self.pointer.expires),
            trusted.manifest_expires,
        )

    def _manifest(self) -> Manifest:
        if self.manifest is None:
            raise RuntimeError("the payload is checked after the manifest")
        return self.manifest


def payload_bundle(payload: bytes, path: str = "<memory>") -> Bundle:
    """A Bundle on a verified bare payload (no envelope): the one place the update code uses
    the bundle reader's payload entry point. Raises BundleError subclasses (or, for a reader
    bug on hostile input, anything: see :func:`check_usable`)."""
    from .bundle import Bundle, parse_verified  # the bundle reader's one payload parser

    return Bundle(parse_verified(memoryview(payload)), b"", len(payload), path, 0)


def check_usable(payload: bytes) -> None:
    """This SDK can parse and use ``payload`` (through the bundle reader's own checks).

    A newer format or canonicalisation version raises UpgradeRequiredError; any structural
    problem UnusablePayloadError. Signed input is still untrusted here: nothing else escapes.
    """
    try:
        payload_bundle(payload)
    except UnsupportedBundleVersionError as exc:
        raise UpgradeRequiredError(f"this SDK cannot use the payload: {exc}") from None
    except BundleError as exc:
        raise UnusablePayloadError(f"payload refused: {exc}") from None
    except Exception as exc:  # a reader bug on signed input is still a refused payload
        raise UnusablePayloadError(f"payload refused: {type(exc).__name__}: {exc}") from None


def verify_pointerless_manifest(raw: bytes, root: Root, *, now: float) -> Manifest:
    """A stored manifest's signature and structure, with no pointer and no expiry check."""
    version = peek_manifest_version(raw)
    stand_in = Pointer(version, 0, root.version, FileInfo("manifest", "0" * 64, len(raw)))
    return verify_manifest(raw, root, stand_in, now=now, leeway=float("inf"))


@dataclass(frozen=True)
class StoredVersion:
    """A version in the device's own storage whose manifest verifies with the stored roots."""

    trusted: TrustedVersion
    payload_ok: bool
    """Its payload file is on disk and hashes to the state the manifest signs."""


@dataclass(frozen=True)
class Recovery:
    """What damaged storage heals to (see :func:`recover`)."""

    floor: TrustedVersion
    """The rollback floor: no pointer below it is accepted, and the next refresh refetches its
    payload if ``match_on`` is not this version."""
    match_on: TrustedVersion | None
    """The version whose stored payload matches meanwhile (the floor's own, or an older good
    one), or None when no stored payload verifies."""


def recover(stored: Iterable[StoredVersion], committed: TrustedVersion | None) -> Recovery:
    """Heal the device's state from what verifies on its disk.

    The floor is ``committed`` (the commit record, when it is readable) or else the newest
    stored verified manifest, whether or not its payload survived: a lost or damaged payload
    must never lower it, or a replayed older repository would be accepted as up to date. Until
    the floor's payload is refetched, the newest stored payload that verifies and is not newer
    than the floor (nor another content of the floor's version) keeps matching.
    """
    versions = sorted(stored, key=lambda s: s.trusted.version, reverse=True)
    if committed is not None and committed.version > 0:
        floor = committed
    elif versions:
        floor = versions[0].trusted
    else:
        return Recovery(TrustedVersion(), None)
    for candidate in versions:
        version = candidate.trusted
        if not candidate.payload_ok or version.version > floor.version:
            continue
        if version.version == floor.version and version.state_sha256 != floor.state_sha256:
            continue
        return Recovery(floor, version)
    return Recovery(floor, None)


@dataclass(frozen=True)
class Staleness:
    """Whether the device's matching data may be out of date, and why."""

    stale: bool
    reason: str | None = None


def staleness(
    trusted: TrustedVersion,
    *,
    now: float,
    leeway_s: float,
    last_success: float,
    update_period_s: float,
    has_payload: bool,
    payload_problem: str = "",
    fallback_version: int = 0,
) -> Staleness:
    """The state is stale when the trusted version's payload is not there to match with (none
    yet, or lost or damaged: ``payload_problem`` says how, ``fallback_version`` names an older
    stored version matching meanwhile), past the trusted pointer's expiry (a frozen or
    unreachable repository), past the manifest's expiry, or after two update periods without a
    successful check. A stale state still matches; the app decides what to tell the user."""
    if not has_payload:
        if trusted.version == 0:
            return Staleness(True, "no verified bundle yet")
        problem = payload_problem or "is missing"
        meanwhile = (
            f"matching on version {fallback_version}"
            if 0 < fallback_version < trusted.version
            else "nothing to match with"
        )
        return Staleness(
            True,
            f"the bundle of version {trusted.version} {problem}; {meanwhile} until it is refetched",
        )
    if now > trusted.pointer_expires + leeway_s:
        return Staleness(True, f"the newest pointer expired at {trusted.pointer_expires}")
    if now > trusted.manifest_expires + leeway_s:
        return Staleness(True, f"version {trusted.version} expired at {trusted.manifest_expires}")
    if now - last_success > 2 * update_period_s:
        return Staleness(True, f"no successful check since {int(last_success)}")
    return Staleness(False)
