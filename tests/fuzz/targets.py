"""Fuzz targets for the SDK's parsers: each takes bytes and lets only documented errors escape.

Every target feeds one parser hostile bytes and checks its contract: the exception types its
docstring promises (a ``LinkscreenError`` subclass, or none at all) may escape; anything else
(``IndexError``, ``RecursionError``, ``UnicodeError``, ``struct.error``...) is a crash, and so
is a result that breaks a stated invariant. The same functions run under atheris
(tests/fuzz/run.py, coverage-guided) and, without it, over the checked-in corpus in
tests/test_fuzz_python.py. Inputs that once crashed live in the corpus and are replayed on
every run.

- ``bundle_reader``: a payload through the reader's checks (``parse_verified``), then a
  Matcher on it: ``BundleError`` only, and a payload the reader accepts must be usable.
- ``delta``: a delta applied to a fixed payload of its format (the start hash is made to
  match, so the applier's checks are reached): ``DeltaError`` only.
- ``metadata``: the bytes as root, pointer and manifest, unsigned and re-signed by the
  repository's own keys (a hostile repository, the strongest attacker the trust core
  faces), through :class:`linkscreen.trust.TrustedSet`: ``RepositoryError`` only.
- ``canonical``: the bytes as a URL through the canonicaliser, the expression builder and
  the fetcher's URL reading: ``InvalidURLError`` only.
- ``extractor``: the bytes as a message through ``extract_links``: nothing escapes, and
  every span lies inside the text.
- ``meta_refresh``: the bytes as a page and as a Location header: ``meta_refresh_target``
  raises nothing, ``next_hop`` only ``InvalidURLError``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from linkscreen import extract_links
from linkscreen.bundle import format as fmt
from linkscreen.bundle import parse_verified
from linkscreen.bundle.delta import MAGIC_V1, apply_delta
from linkscreen.canonical import (
    canonical_variants,
    canonicalize,
    head_variants,
    host_only_variants,
)
from linkscreen.errors import (
    BundleError,
    DeltaError,
    InvalidURLError,
    RepositoryError,
)
from linkscreen.expressions import expressions
from linkscreen.fetch import Response, request_target
from linkscreen.keys import key_id_of
from linkscreen.matcher import Matcher
from linkscreen.metadata import (
    canonical_json,
    key_table,
    peek_manifest_version,
    peek_root_version,
    sign_metadata,
)
from linkscreen.redirects import meta_refresh_target, next_hop
from linkscreen.trust import TrustedSet, payload_bundle

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
#: Payloads the delta target applies deltas to (one per delta format), next to the corpus.
BASES = HERE / "bases"

#: Keys derived from public constant bytes: they protect nothing, and make re-signing cheap.
ROOT_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(100, 132)))
SIGNING_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(150, 182)))
ANCHORS = {key_id_of(ROOT_KEY.public_key()).hex(): ROOT_KEY.public_key()}
NOW = 1_767_225_600.0
#: URLs every accepted bundle is asked about (a payload the reader accepts must answer).
PROBES = (
    "http://a.example/",
    "https://h1.bad.example/p/1?q=2",
    "http://[::1]/x",
    "http://1.2.3.4/",
    "http://short.example/abc",
)


def _root(version: int, expires: int = int(NOW) + 86400) -> bytes:
    signed = {
        "_type": "root",
        "version": version,
        "expires": expires,
        "root_keys": key_table([ROOT_KEY.public_key()]),
        "root_threshold": 1,
        "signing_keys": key_table([SIGNING_KEY.public_key()]),
    }
    return sign_metadata(signed, [ROOT_KEY])


ROOT_1 = _root(1)


class ContractError(AssertionError):
    """A target broke its contract on this input."""


# ---- bundle reader -------------------------------------------------------------------------


def bundle_reader(data: bytes) -> None:
    """A payload the reader accepts is one a Matcher can use; otherwise BundleError only."""
    try:
        parse_verified(memoryview(data))
        bundle = payload_bundle(data)
    except BundleError:
        return
    matcher = Matcher(bundle)
    for url in PROBES:
        matcher.check_url(url)
    matcher.scan_text("see a.example/x and short.example/y")
    bundle.info()
    for row in range(min(bundle.entry_count, 64)):
        tag = bundle.payload.tag(row)
        if not 0 <= tag < len(bundle.lists):
            raise ContractError(f"row {row} has tag {tag} with {len(bundle.lists)} lists")
    # The derived sections are a function of the rest: the writer's rebuild is the same bytes.
    payload = bundle.payload
    rebuilt = fmt.build_payload(
        payload.header, payload.carried_sections(), bytes(payload.bloom), payload.rows()
    )
    if rebuilt != bytes(data):
        raise ContractError("an accepted payload is not what the writer builds from its parts")


# ---- delta applier -------------------------------------------------------------------------


def _base(name: str) -> bytes:
    return (BASES / name).read_bytes()


_DELTA_BASES: dict[bool, bytes] = {}


def delta(data: bytes) -> None:
    """Apply ``data`` to the base payload of its format; DeltaError only."""
    v1 = data[:8] == MAGIC_V1
    if v1 not in _DELTA_BASES:
        _DELTA_BASES[v1] = _base("v1.payload" if v1 else "v2.payload")
    old = _DELTA_BASES[v1]
    if len(data) >= 40:  # make the start hash match, so the applier's checks are reached
        data = data[:8] + hashlib.sha256(old).digest() + data[40:]
    try:
        new = apply_delta(old, data)
    except DeltaError:
        return
    if hashlib.sha256(new).digest() != data[40:72]:
        raise ContractError("apply_delta returned a payload that is not the delta's target")


# ---- metadata ------------------------------------------------------------------------------


def _resigned(data: bytes) -> dict[str, object] | None:
    """``data``'s ``signed`` object signed by the repository's keys, or None if the harness
    cannot (not JSON, or values JSON cannot write back). The parser still sees raw bytes."""
    try:
        document = json.loads(data)
        signed = document["signed"]
        if not isinstance(signed, dict):
            return None
        canonical_json(signed)
    except (ValueError, KeyError, TypeError, IndexError, RecursionError):
        return None
    return signed


def _trusted_set() -> TrustedSet:
    core = TrustedSet(ANCHORS, now=NOW, leeway_s=300.0)
    core.update_root(ROOT_1)
    return core


def metadata(data: bytes) -> None:
    """The bytes as every kind of metadata, unsigned and re-signed: RepositoryError only."""
    for step in (
        lambda: peek_root_version(data),
        lambda: peek_manifest_version(data),
        lambda: TrustedSet(ANCHORS, now=NOW, leeway_s=300.0).update_root(data),
        lambda: _trusted_set().update_pointer(data),
    ):
        with contextlib.suppress(RepositoryError):
            step()
    signed = _resigned(data)
    if signed is None:
        return
    kind = signed.get("_type")
    keys = [ROOT_KEY] if kind == "root" else [SIGNING_KEY]
    raw = sign_metadata(signed, keys)
    try:
        core = _trusted_set()
        if kind == "root":
            core.update_root(raw)
        elif kind == "pointer":
            for _version in core.roots_to_fetch(raw):
                core.update_root(_root(core.root_version + 1))
            core.update_pointer(raw)
        else:
            _manifest_flow(core, signed, raw)
    except RepositoryError:
        return


def _manifest_flow(core: TrustedSet, signed: dict[str, object], raw: bytes) -> None:
    """A manifest behind a valid pointer naming it (its version if it has a usable one)."""
    version = signed.get("version")
    pointer = {
        "_type": "pointer",
        "version": version if isinstance(version, int) and version >= 0 else 1,
        "expires": int(NOW) + 3600,
        "root_version": 1,
        "manifest": {
            "path": "manifests/1.json",
            "sha256": hashlib.sha256(raw).hexdigest(),
            "size": len(raw),
        },
    }
    core.update_pointer(sign_metadata(pointer, [SIGNING_KEY]))
    manifest = core.update_manifest(raw)
    core.download_cap(manifest.full)
    for entry in manifest.deltas[:4]:
        core.download_cap(entry.file)
        core.delta_from(entry.from_sha256)
    core.check_state(b"")


# ---- canonicaliser -------------------------------------------------------------------------


def _text(data: bytes) -> str:
    """Bytes as text: UTF-8 where it decodes; a leading 0xFF keeps undecodable bytes as lone
    surrogates (as a str from JSON or a platform API can hold them)."""
    if data[:1] == b"\xff":
        return data[1:].decode("utf-8", "surrogateescape")
    return data.decode("utf-8", "replace")


def canonical(data: bytes) -> None:
    """The bytes as a URL: canonical forms, expressions, the fetcher's reading."""
    url = _text(data)
    for read in (canonicalize, canonical_variants, host_only_variants, expressions):
        with contextlib.suppress(InvalidURLError):
            read(url)
    with contextlib.suppress(InvalidURLError):
        head = head_variants(url)  # the matcher's reading of an unreadable port or '%'
        for variant in head[0] if head is not None else ():
            if canonicalize(variant) != variant:
                raise ContractError(f"head reading {variant[:80]!r} is not canonical")
    try:
        where = request_target(url)
    except InvalidURLError:
        return
    if not where.target.isascii() or any(ord(ch) < 0x21 for ch in where.target):
        raise ContractError(f"request target {where.target[:80]!r} is not escaped")


# ---- extractor -----------------------------------------------------------------------------


def extractor(data: bytes) -> None:
    """The bytes as a message: nothing escapes, every span lies inside the text."""
    text = _text(data)
    found = extract_links(text, ["context.example"], context_paths=["p/1"], spoken_hosts=True)
    for candidate in found:
        if not 0 <= candidate.start <= candidate.end <= len(text):
            raise ContractError(
                f"span {candidate.start}:{candidate.end} outside {len(text)} characters"
            )


# ---- meta refresh --------------------------------------------------------------------------


def meta_refresh(data: bytes) -> None:
    """The bytes as a page (meta refresh) and as a Location, against a fixed base and against
    a base taken from the input (text before the first newline): InvalidURLError only, and a
    web URL joined is written with ``/`` only before its query (one host for every reader)."""
    target = meta_refresh_target(data)
    if target is not None and not isinstance(target, str):
        raise ContractError("meta_refresh_target returned a non-string")
    text = _text(data)
    base, _, location = text.partition("\n")
    for response, url in (
        (Response(200, {"content-type": "text/html"}, data), "http://short.example/a?b=c"),
        (Response(302, {"location": text}), "http://short.example/a?b=c"),
        (Response(301, {"location": location}), base),
    ):
        try:
            hop = next_hop(response, url)
        except InvalidURLError:
            continue
        if hop is None or not hop.lower().startswith(("http://", "https://", "ftp://")):
            continue
        head = hop.split("?", 1)[0].split("#", 1)[0]
        if "\\" in head:
            raise ContractError(f"joined hop {hop[:120]!r} has a backslash before its query")


@dataclass(frozen=True)
class Target:
    run: Callable[[bytes], None]
    max_len: int
    """Longest input the fuzzer tries (libFuzzer's -max_len)."""
    words: tuple[bytes, ...] = ()
    """Tokens the fuzzer may insert (a libFuzzer dictionary): field names, markup."""


_METADATA_WORDS = (
    *(
        f'"{word}"'.encode()
        for word in (
            "signed", "signatures", "keyid", "sig", "_type", "root", "pointer", "manifest",
            "version", "expires", "created", "root_version", "root_keys", "root_threshold",
            "signing_keys", "path", "sha256", "size", "state", "full", "deltas", "from_sha256",
        )
    ),
    b"../", b"%2e", b"-1", b"1e400", b"true", b"null", b"[]", b"{}",
)  # fmt: skip
_PAGE_WORDS = (
    b"<meta", b"http-equiv", b"refresh", b"content=", b"url=", b"&amp;", b"&#x2f;",
    b"\\", b"//", b"/..", b"%2e", b"?", b"#", b"@", b"http:", b"https:", b"javascript:",
)  # fmt: skip

TARGETS: dict[str, Target] = {
    "bundle_reader": Target(bundle_reader, 4096),
    "delta": Target(delta, 4096),
    "metadata": Target(metadata, 4096, _METADATA_WORDS),
    "canonical": Target(canonical, 1024, (b"%25", b"%2e", b"0x", b"[::", b"\\", b"@", b":")),
    "extractor": Target(extractor, 2048, (b"hxxp", b"[.]", b"(dot)", b"www.", b".example")),
    "meta_refresh": Target(meta_refresh, 4096, _PAGE_WORDS),
}
