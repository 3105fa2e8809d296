"""Publish versions as a static tree any web server or CDN can serve (docs/protocol.md).

Layout under the repository directory (the served tree)::

    pointer.json               short-lived, signed; names the current manifest (written last)
    roots/N.json               root metadata: root keys and the signing keys they authorise
    manifests/N.json           one per version: state hash, full bundle, deltas (all hashed)
    bundles/<sha256>.bundle    content-addressed full bundles
    deltas/<sha256>.delta      content-addressed deltas from earlier states of the chain

The publisher's own bookkeeping lives in a **state directory outside the tree** (default: the
sibling ``<tree>.state``): ``chain.json`` (chain parameters, history), ``publish.lock`` and, for
``run``, the last good copy of every source list. Nothing in the tree names a list entry.

Files are immutable once written and every name but the pointer is content-addressed or
versioned, so readers (and caches) never see a half-published version: files first, manifest
next, pointer last, each by write-then-rename. Publishes are serial (an inter-process lock),
and a version number is written once, ever (``manifests/N.json`` is created exclusively), so two
contents can never share a version.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import shutil
import threading
import time
from collections.abc import Collection, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from linkscreen.bundle import format as fmt
from linkscreen.bundle.delta import make_delta
from linkscreen.bundle.format import WrapperRule
from linkscreen.errors import LinkscreenError, MetadataError
from linkscreen.files import write_atomically
from linkscreen.keys import key_id_of
from linkscreen.metadata import Root, is_safe_path, key_table, sign_metadata, verify_root
from linkscreen.psl import PublicSuffixList

from .compiler import ChainParams, CompileReport, ListMeta, ListSpec, compile_bundle
from .locking import exclusive_lock
from .writer import payload_of

log = logging.getLogger("linkscreen_server")

#: The state directory's default name: the tree's name plus this suffix, beside the tree.
STATE_SUFFIX = ".state"
#: Where versions before 0.2 kept their bookkeeping: inside the served tree (migrated away).
LEGACY_STATE = ".linkscreen"


class PublishError(LinkscreenError):
    """The repository directory cannot be published to as asked."""


class RefusedError(PublishError):
    """An operator mistake caught before anything was written: nothing changed."""


class UnauthorisedKeyError(RefusedError):
    """The signing key is not one the current root authorises: every client would refuse it."""


class RootKeyError(RefusedError):
    """The root keys given cannot sign the next root: clients would refuse it."""


@dataclass(frozen=True)
class Shrink:
    """One list that lost more entries in one version than its guard allows."""

    name: str
    before: int
    after: int
    max_shrink: float

    missing: bool = False
    """The list is not in this publish at all (dropping a list counts as emptying it)."""

    def __str__(self) -> str:
        if self.missing:
            return f"list {self.name!r} ({self.before:,} entries) is not in this publish"
        if self.after == 0:
            return f"list {self.name!r} went from {self.before:,} entries to none"
        return (
            f"list {self.name!r} shrank from {self.before:,} to {self.after:,} entries "
            f"({self.before - self.after:,} removed; at most {self.max_shrink:.0%} may go "
            "in one version)"
        )


class SourceShrinkError(RefusedError):
    """A list shrank by more than its allowed share, or to nothing, and was not forced.

    An upstream that serves an empty or truncated file would otherwise un-list everything.
    """

    def __init__(self, shrunk: Sequence[Shrink]) -> None:
        self.shrunk = tuple(shrunk)
        details = "; ".join(str(item) for item in self.shrunk)
        super().__init__(
            f"{details}; nothing published (if this is intended, publish with --force, or "
            "raise max_shrink for the list)"
        )


#: Default share of a list's entries one version may remove (issue 10: an empty upstream list
#: must not un-list everything).
DEFAULT_MAX_SHRINK = 0.5


@dataclass(frozen=True)
class PublishSettings:
    bundle_lifetime_s: int = 72 * 3600
    #: The pointer expires after two update periods: a client that cannot refresh for that long
    #: knows its view is stale (freeze attack) even if the bundle has not expired.
    pointer_lifetime_s: int = 24 * 3600
    #: Deltas per chain before a full rebase with a new salt and seed.
    max_chain: int = 14
    #: Rebase when the deltas published in a chain add up to this share of a full bundle.
    rebase_share: float = 0.5
    #: Bloom filter sized for this many times the entries at a rebase, so added entries keep
    #: the false-positive rate near its target until the next rebase.
    capacity_factor: float = 1.25
    fpr: float = 1e-4
    #: Largest share of a list's entries one version may remove; more (or emptying the list)
    #: is refused unless forced. 1.0 turns the guard off.
    max_shrink: float = DEFAULT_MAX_SHRINK
    #: Per-list overrides of ``max_shrink`` (a review service's expiring list may want 1.0).
    list_max_shrink: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, share in [("max_shrink", self.max_shrink), *self.list_max_shrink.items()]:
            if not 0.0 <= share <= 1.0:
                raise ValueError(f"{name}: a share between 0 and 1, not {share!r}")


@dataclass
class PublishResult:
    version: int
    rebased: bool
    full_bytes: int
    delta_bytes: dict[int, int] = field(default_factory=dict)
    """From-version -> delta size."""
    report: CompileReport | None = None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def default_state_dir(tree: str | os.PathLike[str]) -> Path:
    """``<tree>.state`` beside the tree: outside anything a web server serves from the tree."""
    absolute = Path(os.path.abspath(tree))
    if not absolute.name:
        raise PublishError(f"{tree}: cannot publish into a file system root")
    return absolute.with_name(absolute.name + STATE_SUFFIX)


def _is_within(path: Path, directory: Path) -> bool:
    inner, outer = Path(os.path.realpath(path)), Path(os.path.realpath(directory))
    return inner == outer or inner.is_relative_to(outer)


class Repository:
    """A published tree, its state directory, and the operations that extend the tree."""

    def __init__(
        self,
        directory: str | os.PathLike[str],
        *,
        state_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        self.dir = Path(directory)
        self.state_dir = Path(state_dir) if state_dir is not None else default_state_dir(self.dir)
        if _is_within(self.state_dir, self.dir):
            raise PublishError(
                f"state directory {self.state_dir} is inside the served tree {self.dir}: "
                "choose one outside it (it holds bookkeeping and copies of the source lists)"
            )
        self._chain_path = self.state_dir / "chain.json"

    def lock(self) -> AbstractContextManager[None]:
        """The inter-process lock every change to the tree or the state is made under."""
        self.state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        return exclusive_lock(
            self.state_dir / "publish.lock",
            on_wait=lambda: log.warning("waiting for another publish of %s to finish", self.dir),
        )

    def migrate_legacy_state(self) -> bool:
        """Move bookkeeping an older version kept in ``<tree>/.linkscreen/`` to the state
        directory, then delete it from the tree. Call under :meth:`lock`.

        Each file is written (and flushed) at its new place before the old copy goes; where
        both exist, the state directory's newer chain and existing source copies win.
        """
        legacy = self.dir / LEGACY_STATE
        if not legacy.is_dir():
            return False
        self.state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        chain = legacy / "chain.json"
        if chain.is_file():
            old = chain.read_bytes()
            current = self._chain_path.read_bytes() if self._chain_path.exists() else None
            if current is None or _state_version(old) > _state_version(current):
                write_atomically(self._chain_path, old)
        sources = legacy / "sources"
        if sources.is_dir():
            for item in sources.iterdir():
                target = self.state_dir / "sources" / item.name
                if item.is_file() and not item.name.startswith(".") and not target.exists():
                    write_atomically(target, item.read_bytes())
                    os.chmod(target, 0o600)
        shutil.rmtree(legacy)
        log.warning(
            "moved the publisher's bookkeeping from %s (inside the served tree) to %s",
            legacy,
            self.state_dir,
        )
        return True

    # ---- roots --------------------------------------------------------------------------
    def root_version(self) -> int:
        versions = [int(p.stem) for p in (self.dir / "roots").glob("*.json") if p.stem.isdigit()]
        return max(versions, default=0)

    def tree_version(self) -> int:
        """The highest version with a manifest in the tree (0 for none)."""
        versions = [
            int(p.stem) for p in (self.dir / "manifests").glob("*.json") if p.stem.isdigit()
        ]
        return max(versions, default=0)

    def write_root(
        self,
        signers: Sequence[Ed25519PrivateKey],
        root_keys: Sequence[Ed25519PublicKey],
        signing_keys: Sequence[Ed25519PublicKey],
        *,
        expires_in_s: int = 365 * 86400,
        now: float | None = None,
        threshold: int = 1,
    ) -> int:
        """Write root N+1, signed by ``signers`` (the previous root keys and the new ones).

        Refused (:class:`RootKeyError`, nothing written) unless clients would accept it:
        ``threshold`` of root N's root keys and of the new root's own keys must be among
        ``signers``.
        """
        with self.lock():
            self.migrate_legacy_state()
            return self._write_root_locked(
                signers,
                root_keys,
                signing_keys,
                expires_in_s=expires_in_s,
                now=now,
                threshold=threshold,
            )

    def _write_root_locked(
        self,
        signers: Sequence[Ed25519PrivateKey],
        root_keys: Sequence[Ed25519PublicKey],
        signing_keys: Sequence[Ed25519PublicKey],
        *,
        expires_in_s: int,
        now: float | None,
        threshold: int,
    ) -> int:
        version = self.root_version() + 1
        if not 1 <= threshold <= len(root_keys):
            raise RootKeyError(
                f"root threshold {threshold} needs between 1 and {len(root_keys)} root keys"
            )
        if not signing_keys:
            raise RootKeyError("a root must authorise at least one signing key")
        signed = {
            "_type": "root",
            "version": version,
            "expires": int((now or time.time()) + expires_in_s),
            "root_keys": key_table(list(root_keys)),
            "root_threshold": threshold,
            "signing_keys": key_table(list(signing_keys)),
        }
        raw = sign_metadata(signed, list(signers))
        given = sorted({key_id_of(key.public_key()).hex() for key in signers})
        if version > 1:
            current = self.current_root()
            trusted, needed = dict(current.root_keys), current.threshold
            usable = [key_id for key_id in given if key_id in trusted]
            if len(usable) < needed:
                raise RootKeyError(
                    f"cannot write root v{version}: root v{current.version} trusts root keys "
                    f"{', '.join(sorted(trusted))} with threshold {needed}, and the keys given "
                    f"({', '.join(given) or 'none'}) include {len(usable)} of them; pass the "
                    "current root's private key(s) with --root-key"
                )
        else:
            trusted = {key_id_of(key).hex(): key for key in root_keys}
            needed = threshold
        try:  # exactly the check a client makes, so a root clients would refuse is never written
            verify_root(
                raw,
                trusted,
                needed,
                expected_version=version,
                now=time.time(),
                leeway=0,
                check_expiry=False,
            )
        except MetadataError as exc:
            raise RootKeyError(f"root v{version} would be refused by clients: {exc}") from None
        _create_once(self.dir / "roots" / f"{version}.json", raw)
        return version

    def current_root(self) -> Root:
        """The newest root in the tree, checked against its own keys."""
        version = self.root_version()
        path = self.dir / "roots" / f"{version}.json"
        try:
            raw = path.read_bytes()
            table = json.loads(raw)["signed"]["root_keys"]
            own = {
                str(key_id): Ed25519PublicKey.from_public_bytes(bytes.fromhex(public))
                for key_id, public in table.items()
            }
            threshold = int(json.loads(raw)["signed"]["root_threshold"])
            return verify_root(
                raw,
                own,
                threshold,
                expected_version=version,
                now=time.time(),
                leeway=0,
                check_expiry=False,
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError, MetadataError) as exc:
            raise PublishError(f"{path}: not a readable, self-signed root ({exc})") from None

    # ---- versions -----------------------------------------------------------------------
    def _load_chain(self) -> dict[str, Any]:
        if not self._chain_path.exists():
            return {"version": 0, "chain": None, "history": []}
        try:
            data: dict[str, Any] = json.loads(self._chain_path.read_text("utf-8"))
            int(data["version"]), list(data["history"])
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            raise PublishError(
                f"{self._chain_path}: unreadable publisher state ({exc}); move it aside to "
                "start a new chain (clients then download one full bundle)"
            ) from None
        return data

    def publish(
        self,
        specs: Sequence[ListSpec],
        key: Ed25519PrivateKey,
        *,
        settings: PublishSettings | None = None,
        meta: dict[str, ListMeta] | None = None,
        shorteners: Iterable[str] | None = None,
        shortener_policy: int = fmt.SHORTENER_POLICY_ALLOW,
        now: float | None = None,
        force_rebase: bool = False,
        accept_shrink: bool | Collection[str] = False,
        psl: PublicSuffixList | None = None,
        redirect_rules: Sequence[WrapperRule] = (),
        allowlist: Collection[str] = (),
    ) -> PublishResult:
        """Compile ``specs`` as the next version and publish it with deltas; pointer last.

        Runs under the inter-process lock: concurrent publishes of one tree are serial.
        Refused before anything is written: a key the current root does not authorise
        (:class:`UnauthorisedKeyError`); a list that shrank by more than its allowed share,
        to nothing, or is left out (:class:`SourceShrinkError`), unless ``accept_shrink`` is
        true or names it. ``psl`` is the Public Suffix List to compile with and ship (default:
        tldextract's pinned snapshot); ``redirect_rules`` the operator's redirect wrappers;
        ``allowlist`` holds expressions no list may carry.
        """
        with self.lock():
            self.migrate_legacy_state()
            return self._publish_locked(
                specs,
                key,
                settings=settings or PublishSettings(),
                meta=meta,
                shorteners=shorteners,
                shortener_policy=shortener_policy,
                now=time.time() if now is None else now,
                force_rebase=force_rebase,
                accept_shrink=accept_shrink,
                psl=psl,
                redirect_rules=redirect_rules,
                allowlist=allowlist,
            )

    def _publish_locked(
        self,
        specs: Sequence[ListSpec],
        key: Ed25519PrivateKey,
        *,
        settings: PublishSettings,
        meta: dict[str, ListMeta] | None,
        shorteners: Iterable[str] | None,
        shortener_policy: int,
        now: float,
        force_rebase: bool,
        accept_shrink: bool | Collection[str],
        psl: PublicSuffixList | None,
        redirect_rules: Sequence[WrapperRule],
        allowlist: Collection[str] = (),
    ) -> PublishResult:
        if self.root_version() == 0:
            raise PublishError(f"{self.dir}: no root metadata; run `linkscreen-server root` first")
        root = self.current_root()
        key_id = key_id_of(key.public_key()).hex()
        if key_id not in root.signing_keys:
            raise UnauthorisedKeyError(
                f"signing key {key_id} is not authorised by root v{root.version} (it authorises "
                f"{', '.join(sorted(root.signing_keys))}): every client would refuse this "
                "version; authorise the key with `linkscreen-server root --signing-pub ...`, "
                "or publish with an authorised key"
            )
        state = self._load_chain()
        tree_version = self.tree_version()
        version = max(int(state["version"]), tree_version) + 1
        chain = state["chain"]
        history: list[dict[str, Any]] = list(state["history"])
        if tree_version > int(state["version"]) or any(
            not (self.dir / old["bundle"]).is_file() for old in history
        ):
            # The tree moved on without this state (another state directory, a restore):
            # its chain cannot be trusted to describe what clients hold; start a new one.
            log.warning(
                "%s: the publisher state (version %s) does not match the tree (version %d); "
                "starting a new chain",
                self.state_dir,
                state["version"],
                tree_version,
            )
            chain, history = None, []
        chain_params = None
        rebase = force_rebase or chain is None or len(history) > settings.max_chain
        if not rebase and chain is not None:
            full_size = int(history[-1]["full_size"])
            rebase = int(chain["delta_bytes"]) > settings.rebase_share * full_size
        if not rebase and chain is not None:
            previous = fmt.parse_payload(
                payload_of((self.dir / history[-1]["bundle"]).read_bytes())
            )
            header = previous.header
            chain_params = ChainParams(
                bytes.fromhex(chain["salt"]),
                header.bloom_seed,
                header.bloom_k,
                header.bloom_bits,
                bytes(previous.bloom),
            )
        data, report = compile_bundle(
            specs,
            key,
            fpr=settings.fpr,
            created=int(now),
            lifetime_s=settings.bundle_lifetime_s,
            sequence=version,
            meta=meta,
            shorteners=shorteners,
            shortener_policy=shortener_policy,
            chain=chain_params,
            capacity_factor=settings.capacity_factor,
            salt=None if chain_params else secrets.token_bytes(fmt.SALT_BYTES),
            psl=psl,
            redirect_rules=redirect_rules,
            allowlist=allowlist,
        )
        shrunk: list[Shrink] = []
        if accept_shrink is not True:
            shrunk = _shrunk(self._shrink_base(state, tree_version), report.list_entries, settings)
        if accept_shrink and accept_shrink is not True:
            shrunk = [item for item in shrunk if item.name not in accept_shrink]
        if shrunk:
            raise SourceShrinkError(shrunk)
        if chain_params is not None and report.entries > _capacity(chain_params, settings.fpr):
            return self._publish_locked(
                specs,
                key,
                settings=settings,
                meta=meta,
                shorteners=shorteners,
                shortener_policy=shortener_policy,
                now=now,
                force_rebase=True,
                accept_shrink=accept_shrink,
                psl=psl,
                redirect_rules=redirect_rules,
                allowlist=allowlist,
            )
        payload = payload_of(data)
        state_sha = _sha256(payload)
        bundle_path = f"bundles/{_sha256(data)}.bundle"
        write_atomically(self.dir / bundle_path, data)
        result = PublishResult(version, chain_params is None, len(data), report=report)
        if chain_params is None:
            history = []
            chain = {"salt": fmt.PayloadHeader.unpack(payload).salt.hex(), "delta_bytes": 0}
        deltas = []
        for old in history:
            old_payload = payload_of((self.dir / old["bundle"]).read_bytes())
            delta = make_delta(old_payload, payload)
            delta_path = f"deltas/{_sha256(delta)}.delta"
            write_atomically(self.dir / delta_path, delta)
            deltas.append(
                {
                    "from_sha256": old["state_sha256"],
                    "path": delta_path,
                    "sha256": _sha256(delta),
                    "size": len(delta),
                }
            )
            result.delta_bytes[int(old["version"])] = len(delta)
        if deltas:
            chain["delta_bytes"] = int(chain["delta_bytes"]) + result.delta_bytes[version - 1]
        manifest = {
            "_type": "manifest",
            "version": version,
            "created": int(now),
            "expires": int(now) + settings.bundle_lifetime_s,
            "state": {"sha256": state_sha, "size": len(payload)},
            "full": {"path": bundle_path, "sha256": _sha256(data), "size": len(data)},
            "deltas": deltas,
        }
        manifest_raw = sign_metadata(manifest, [key])
        manifest_path = f"manifests/{version}.json"
        _create_once(self.dir / manifest_path, manifest_raw)
        history.append(
            {
                "version": version,
                "state_sha256": state_sha,
                "bundle": bundle_path,
                "full_size": len(data),
            }
        )
        state = {
            "version": version,
            "chain": chain,
            "history": history,
            "lists": dict(report.list_entries),  # entries per list: the next shrink guard's base
        }
        write_atomically(self._chain_path, json.dumps(state, indent=1).encode())
        pointer = {
            "_type": "pointer",
            "version": version,
            "expires": int(now) + settings.pointer_lifetime_s,
            "root_version": self.root_version(),
            "manifest": {
                "path": manifest_path,
                "sha256": _sha256(manifest_raw),
                "size": len(manifest_raw),
            },
        }
        self._write_pointer(sign_metadata(pointer, [key]))
        return result

    def _shrink_base(self, state: Mapping[str, Any], tree_version: int) -> dict[str, int]:
        """Entries per list the shrink guard compares against: the state's, or, when the state
        is missing or behind the tree (lost, a new ``--state-dir``, an old backup), the counts
        of the version the tree publishes now, read from its full bundle."""
        if tree_version <= int(state["version"]) and "lists" in state:
            return dict(state["lists"])
        if tree_version == 0:
            return {}
        try:
            return published_list_entries(self.dir)
        except (OSError, ValueError, KeyError, TypeError, LinkscreenError) as exc:
            raise RefusedError(
                f"{self.dir}: the publisher state does not know the list sizes of the published "
                f"version {tree_version}, and the tree's own copy cannot be read ({exc}), so a "
                "list that shrank cannot be told apart; pass --force to publish anyway"
            ) from None

    def _write_pointer(self, data: bytes) -> None:
        """Write the pointer with a modification time strictly later, in whole seconds, than the
        one it replaces: static servers (nginx) derive ETag and Last-Modified from mtime seconds
        and size, so a same-size pointer written in the same second would be answered 304."""
        path = self.dir / "pointer.json"
        previous = int(path.stat().st_mtime) if path.exists() else 0
        ours = int(json.loads(data)["signed"]["version"])
        if path.exists() and _pointer_version(path.read_bytes()) >= ours:
            raise PublishError(
                f"{path} already names version {_pointer_version(path.read_bytes())} or later: "
                f"another publisher is writing this tree; version {ours} was not pointed to"
            )
        write_atomically(path, data)
        stamp = max(int(time.time()), previous + 1)
        os.utime(path, (stamp, stamp))


def published_list_entries(tree: str | os.PathLike[str]) -> dict[str, int]:
    """Entries per list in the version ``tree`` publishes now (pointer, manifest, full bundle;
    the tree is the publisher's own, so signatures are not checked here). Raises OSError,
    ValueError or a BundleError for a tree that cannot be read."""
    root = Path(tree)
    pointer = json.loads((root / "pointer.json").read_bytes())["signed"]
    manifest_path = pointer["manifest"]["path"]
    manifest = json.loads((root / _tree_path(manifest_path)).read_bytes())["signed"]
    data = (root / _tree_path(manifest["full"]["path"])).read_bytes()
    payload = fmt.parse_payload(payload_of(data))
    counts = dict.fromkeys((info.id for info in payload.lists), 0)
    names = [info.id for info in payload.lists]
    bits = payload.header.tag_bits
    for row in range(payload.header.fingerprint_count):
        counts[names[fmt.tag_at(payload.tags, bits, row)]] += 1
    return counts


def _tree_path(path: object) -> str:
    if not is_safe_path(path):
        raise ValueError(f"unexpected path {path!r} in the published metadata")
    return str(path)


def _shrunk(
    before: Mapping[str, int], after: Mapping[str, int], settings: PublishSettings
) -> list[Shrink]:
    """Lists that lost more than their allowed share of entries (or all, or were left out)."""
    shrunk = []
    for name, count in sorted(before.items()):
        share = settings.list_max_shrink.get(name, settings.max_shrink)
        if count <= 0 or share >= 1.0:
            continue
        now = after.get(name)
        if now is None:
            shrunk.append(Shrink(name, count, 0, share, missing=True))
        elif count - now > share * count + 1e-9:  # removed more than the share (no 1 - x)
            shrunk.append(Shrink(name, count, now, share))
    return shrunk


def _create_once(path: Path, data: bytes) -> None:
    """Write ``path`` only if no file has that name yet: a version is written once, ever.

    Write-then-link: ``link`` fails when the name exists, where ``rename`` would replace it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    try:
        with open(temporary, "wb") as handle:  # ENOSPC here or below: the finally removes it
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            raise PublishError(
                f"{path} already exists: another publisher wrote that version; nothing replaced"
            ) from None
        except OSError:  # no hard links on this file system: the lock alone keeps it serial
            if path.exists():
                raise PublishError(f"{path} already exists; nothing replaced") from None
            os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _state_version(raw: bytes) -> int:
    try:
        return int(json.loads(raw)["version"])
    except (ValueError, KeyError, TypeError):
        return -1


def _pointer_version(raw: bytes) -> int:
    try:
        return int(json.loads(raw)["signed"]["version"])
    except (ValueError, KeyError, TypeError):
        return -1


def _capacity(chain: ChainParams, fpr: float) -> int:
    """Entries a chain's filter was sized for (the inverse of bloom_parameters)."""
    import math

    return int(-chain.bloom_bits * math.log(2) ** 2 / math.log(fpr))
