"""One runner for tests/vectors/url_path.json over every implementation: pure Python, the C
core (through the checked binding) and the WebAssembly build (through wasmtime).

Each vector is a raw URL (``url_hex``: the exact bytes) with what the reference computes:
canonical readings, expressions over all readings, their fingerprints under the tiny bundle's
salt, the first matching fingerprint row of each, and the verdict on tests/vectors/tiny.bundle.
A Swift or Kotlin port runs the same file the same way (docs/native.md).
"""

from __future__ import annotations

import hashlib
import json
import struct
from pathlib import Path
from typing import Any

import pytest

import linkscreen
from linkscreen import _probe
from linkscreen.bundle import format as fmt
from linkscreen.canonical import canonical_variants, host_only_variants
from linkscreen.errors import URLLimitError
from linkscreen.expressions import canonical_expressions
from linkscreen.results import Action

ROOT = Path(__file__).resolve().parents[1]
VECTORS = ROOT / "tests" / "vectors"
WASM = ROOT / "build" / "linkscreen.wasm"
RECORDS: list[dict[str, Any]] = json.loads((VECTORS / "url_path.json").read_text())


def _bundle() -> linkscreen.Bundle:
    return linkscreen.Bundle.open(VECTORS / "tiny.bundle", [VECTORS / "test-signing.pub"])


def _psl_text() -> bytes:
    """The tiny bundle's own Public Suffix List, as text the C core loads."""
    return _probe.psl_text(_bundle().public_suffix_list).encode()


#: An implementation maps raw URL bytes to (reading kind, readings, expressions, rows), the
#: kind being "full", "host_only", "unchecked" or "refused"; plus a fingerprint function.
Answer = tuple[str, list[str], list[str], list[int]]


class PurePython:
    name = "python"

    def __init__(self) -> None:
        self._probe = _probe.PureProbe(_bundle())
        self._psl = _bundle().public_suffix_list
        self._salt = _bundle().header.salt

    def path(self, raw: bytes) -> Answer:
        url = raw.decode("utf-8", "surrogateescape")
        try:
            variants, kind = canonical_variants(url), "full"
        except URLLimitError:
            try:
                variants, kind = host_only_variants(url), "host_only"
            except linkscreen.InvalidURLError:
                return "unchecked", [], [], []
        except linkscreen.InvalidURLError:
            return "refused", [], [], []
        expressions = list(
            dict.fromkeys(e for v in variants for e in canonical_expressions(v, self._psl))
        )
        return kind, variants, expressions, self._probe.lookup(expressions)

    def fingerprint(self, expression: str) -> str:
        return fmt.fingerprint(self._salt, expression.encode()).hex()


class NativeC:
    name = "c"

    def __init__(self) -> None:
        self._probe = _probe.NativeProbe(_bundle())
        self._psl = _probe.NativePsl(_psl_text())
        self._salt = _bundle().header.salt

    def path(self, raw: bytes) -> Answer:
        try:
            check = self._probe.check_url(self._psl, raw.decode("utf-8", "surrogateescape"))
        except URLLimitError:
            return "unchecked", [], [], []
        except linkscreen.InvalidURLError:
            return "refused", [], [], []
        kind = "host_only" if check.host_only else "full"
        return kind, list(check.variants), list(check.expressions), list(check.rows)

    def fingerprint(self, expression: str) -> str:
        return _probe.fingerprint(self._salt, expression.encode()).hex()


class WebAssembly:
    """build/linkscreen.wasm in wasmtime: memory in, text out, no imports."""

    name = "wasm"
    _OUT_CAP = 1 << 20

    def __init__(self) -> None:
        import wasmtime

        engine = wasmtime.Engine()
        module = wasmtime.Module.from_file(engine, str(WASM))
        assert list(module.imports) == [], "the WebAssembly core must import nothing"
        self._store = wasmtime.Store(engine)
        self._x = wasmtime.Instance(self._store, module, []).exports(self._store)
        self._memory = self._x["memory"]
        bundle = _bundle()
        payload, header = bundle.payload, bundle.header
        self._bloom = self._put(bytes(payload.bloom))
        self._table = self._put(bytes(payload.section(fmt.Section.FINGERPRINTS) or b""))
        buckets = payload.section(fmt.Section.BUCKETS)
        self._buckets = self._put(bytes(buckets)) if buckets is not None else 0
        self._salt = self._put(header.salt)
        self._header = header
        out = self._alloc(4)
        assert self._x["lsw_workspace_new"](self._store, out) == 0
        self._ws = self._u32(out)
        text = _psl_text()
        assert self._x["lsw_psl_new"](self._store, self._put(text), len(text), out) == 0
        self._psl = self._u32(out)
        self._out = self._alloc(self._OUT_CAP)
        self._out_len = self._alloc(4)

    def _alloc(self, size: int) -> int:
        pointer: int = self._x["lsw_alloc"](self._store, size)
        assert pointer
        return pointer

    def _put(self, data: bytes) -> int:
        pointer = self._alloc(len(data))
        self._memory.write(self._store, data, pointer)
        return pointer

    def _u32(self, pointer: int) -> int:
        value: int = struct.unpack("<I", self._memory.read(self._store, pointer, pointer + 4))[0]
        return value

    def path(self, raw: bytes) -> Answer:
        url = self._put(raw)
        h = self._header
        status = self._x["lsw_check_url"](
            self._store, self._ws, self._psl, self._bloom, h.bloom_bits, h.bloom_k,
            h.bloom_seed, self._table, h.fingerprint_count, h.fingerprint_prefix_bytes,
            self._buckets, self._salt, url, len(raw),
            self._out, self._OUT_CAP, self._out_len,
        )  # fmt: skip
        self._x["lsw_free"](self._store, url)
        if status in (2, 7):  # LS_ERR_INVALID_URL, LS_ERR_URL_LIMIT
            return ("refused" if status == 2 else "unchecked"), [], [], []
        assert status == 0, f"lsw_check_url returned {status}"
        size = self._u32(self._out_len)
        text = bytes(self._memory.read(self._store, self._out, self._out + size)).decode("ascii")
        kind, variants, expressions, rows = "full", [], [], []
        for line in text.splitlines():
            if line == "H":
                kind = "host_only"
            elif line.startswith("V "):
                variants.append(line[2:])
            else:
                expression, row = line[2:].rsplit(" ", 1)
                expressions.append(expression)
                rows.append(int(row))
        return kind, variants, expressions, rows

    def fingerprint(self, expression: str) -> str:
        raw = expression.encode()
        pointer, out = self._put(raw), self._alloc(16)
        assert self._x["lsw_fingerprint"](self._store, self._salt, pointer, len(raw), out) == 0
        return bytes(self._memory.read(self._store, out, out + 16)).hex()


def _verdict(expressions: list[str], rows: list[int], host_only: bool) -> tuple[str, list[str]]:
    """Action and lists from first matching rows (docs/bundle-format.md section 3, through the
    pure matcher's row reading); a host-only check is incomplete and answers at least the
    SDK's default ``warn``."""
    matches = linkscreen.Matcher(_bundle())._matches(expressions, rows)
    severity = matches[0].action.severity if matches else 0
    if host_only:
        severity = max(severity, Action.WARN.severity)
    action = {2: Action.BLOCK, 1: Action.WARN}.get(severity, Action.ALLOW)
    return str(action), list(dict.fromkeys(m.list_id for m in matches))


def _implementation(name: str) -> Any:
    if name == "python":
        return PurePython()
    if not _probe.NATIVE_AVAILABLE:
        pytest.skip("C core not built")
    if name == "c":
        return NativeC()
    if not WASM.exists():
        pytest.skip(f"{WASM.relative_to(ROOT)} not built: `make wasm` needs clang, lld, wasi-libc")
    pytest.importorskip("wasmtime")
    return WebAssembly()


@pytest.mark.parametrize("name", ["python", "c", "wasm"])
def test_url_path_vectors(name: str) -> None:
    impl = _implementation(name)
    assert len(RECORDS) >= 80
    for record in RECORDS:
        raw = bytes.fromhex(record["url_hex"])
        kind, variants, expressions, rows = impl.path(raw)
        label = record.get("url", record["url_hex"])[:120]
        assert kind == record["reading"], f"{name}: {label!r}"
        if kind in ("refused", "unchecked"):
            continue
        assert variants == record["variants"], label
        assert expressions == record["expressions"], label
        assert [impl.fingerprint(e) for e in expressions] == record["fingerprints"], label
        assert rows == record["rows"], label
        verdict = _verdict(expressions, rows, kind == "host_only")
        assert verdict == (record["action"], record["lists"]), label


def test_vectors_cover_every_outcome() -> None:
    assert {r.get("action") for r in RECORDS} == {"block", "warn", "allow", None}
    assert {r["reading"] for r in RECORDS} == {"full", "host_only", "unchecked", "refused"}
    assert any(len(r.get("variants", [])) > 1 for r in RECORDS)
    assert any("url" not in r for r in RECORDS)  # raw bytes that are not UTF-8


@pytest.mark.skipif(not WASM.exists(), reason="build/linkscreen.wasm not built (make wasm)")
def test_wasm_module_imports_nothing_and_its_size_is_recorded() -> None:
    wasmtime = pytest.importorskip("wasmtime")
    module = wasmtime.Module.from_file(wasmtime.Engine(), str(WASM))
    assert list(module.imports) == []
    size = WASM.stat().st_size
    print(f"\nbuild/linkscreen.wasm: {size} bytes")
    assert size < 400_000


# ---- delta and metadata vectors: the update path, one runner ----------------------------------

DELTAS: dict[str, Any] = json.loads((VECTORS / "delta.json").read_text())
METADATA: dict[str, Any] = json.loads((VECTORS / "metadata.json").read_text())
SECTIONS: dict[str, Any] = json.loads((VECTORS / "sections.json").read_text())


def _payload_of(name: str) -> bytes:
    return (VECTORS / name).read_bytes()[fmt.ENVELOPE.size : -fmt.SIGNATURE_BYTES]


class PythonUpdates:
    """The pure reference: apply_delta, the reader, the Matcher, the metadata checks."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("LINKSCREEN_PURE", "1")

    def apply(self, old: bytes, delta: bytes) -> bytes | None:
        from linkscreen.bundle.delta import apply_delta

        try:
            return apply_delta(old, delta)
        except linkscreen.DeltaError:
            return None

    def answers(self, payload: bytes, sha256: str, urls: list[str]) -> list[Any] | None:
        try:
            bundle = linkscreen.Bundle.from_payload(payload, sha256=sha256)
        except (linkscreen.HashMismatchError, linkscreen.BundleError):
            return None
        matcher = linkscreen.Matcher(bundle)
        out = []
        for url in urls:
            verdict = matcher.check_url(url)
            out.append((str(verdict.action), list(verdict.lists), verdict.shortened))
        return out


class NativeUpdates(PythonUpdates):
    """The C core through the binding: ls_delta_apply, ls_bundle_open_payload, its check."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        pass

    def apply(self, old: bytes, delta: bytes) -> bytes | None:
        try:
            return _probe.delta_apply(old, delta)
        except linkscreen.DeltaError:
            return None

    def answers(self, payload: bytes, sha256: str, urls: list[str]) -> list[Any] | None:
        try:
            bundle = _probe.NativeBundle.from_payload(payload, bytes.fromhex(sha256))
        except (linkscreen.HashMismatchError, linkscreen.BundleError):
            return None
        lists = bundle.lists()
        return [_answer(bundle.check_url(url), bundle.row_list, lists) for url in urls]


def _answer(check: Any, row_list: Any, lists: Any) -> tuple[str, list[str], bool]:
    """Verdict of a complete check from its row runs: the most severe list wins."""
    found = [
        lists[row_list(row)]
        for first, end in zip(check.rows, check.row_ends, strict=True)
        if first >= 0
        for row in range(first, end)
    ]
    found.sort(key=lambda info: -info.action.severity)
    action = str(found[0].action) if found else "allow"  # the vectors' shortener policy
    return action, list(dict.fromkeys(info.id for info in found)), check.shortened


class WasmUpdates(WebAssembly):
    """build/linkscreen.wasm: lsw_delta_apply, lsw_bundle_open_payload, lsw_bundle_check_url."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        super().__init__()

    def apply(self, old: bytes, delta: bytes) -> bytes | None:
        old_at, delta_at = self._put(old), self._put(delta)
        cap = 1 << 20
        out = self._alloc(cap)
        status = self._x["lsw_delta_apply"](
            self._store, old_at, len(old), delta_at, len(delta), out, cap, self._out_len
        )
        if status == 13:  # LS_ERR_DELTA
            return None
        assert status == 0, f"lsw_delta_apply returned {status}"
        size = self._u32(self._out_len)
        return bytes(self._memory.read(self._store, out, out + size))

    def answers(self, payload: bytes, sha256: str, urls: list[str]) -> list[Any] | None:
        handle = self._alloc(4)
        status = self._x["lsw_bundle_open_payload"](
            self._store, self._put(payload), len(payload), self._put(bytes.fromhex(sha256)), handle
        )
        if status in (8, 9, 12):  # corrupt, version, hash
            return None
        assert status == 0, f"lsw_bundle_open_payload returned {status}"
        bundle = self._u32(handle)
        lists = self._lists(bundle)
        out = []
        for url in urls:
            raw = url.encode()
            status = self._x["lsw_bundle_check_url"](
                self._store, self._ws, bundle, self._put(raw), len(raw),
                self._out, self._OUT_CAP, self._out_len,
            )  # fmt: skip
            assert status == 0, f"lsw_bundle_check_url returned {status}"
            size = self._u32(self._out_len)
            text = bytes(self._memory.read(self._store, self._out, self._out + size)).decode()
            rows, ends, shortened = [], [], False
            for line in text.splitlines():
                if line == "S":
                    shortened = True
                elif line.startswith("E "):
                    _, first, end = line[2:].rsplit(" ", 2)
                    rows.append(int(first))
                    ends.append(int(end))
            check = _probe.UrlCheck((), (), tuple(rows), False, tuple(ends), shortened)
            out.append(_answer(check, lambda row: self._row_list(bundle, row), lists))
            flags = self._alloc(4)
            status = self._x["lsw_bundle_screen_url"](
                self._store, self._ws, bundle, self._put(raw), len(raw), flags
            )
            assert status == 0, f"lsw_bundle_screen_url returned {status}"
            matched = any(row >= 0 for row in rows)
            wrapped = b"%" in raw or b"://" in raw[8:]  # LS_SCREEN_WRAPPED (16)
            assert self._u32(flags) == matched | shortened << 1 | wrapped << 4, (
                url
            )  # LS_SCREEN_MATCHED, _SHORTENED
        return out

    def _row_list(self, bundle: int, row: int) -> int:
        out = self._alloc(4)
        assert self._x["lsw_bundle_row_list"](self._store, bundle, row, out) == 0
        return self._u32(out)

    def _lists(self, bundle: int) -> list[Any]:
        from linkscreen.results import ListInfo

        found, index = [], 0
        pointer, length, action = self._alloc(4), self._alloc(4), self._alloc(4)
        while self._x["lsw_bundle_list"](self._store, bundle, index, pointer, length, action) == 0:
            start, size = self._u32(pointer), self._u32(length)
            name = bytes(self._memory.read(self._store, start, start + size)).decode()
            kind = Action.BLOCK if self._u32(action) == 2 else Action.WARN
            found.append(ListInfo(name, kind, "", ()))
            index += 1
        return found


def _updates(name: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    if name == "python":
        return PythonUpdates(monkeypatch)
    if not _probe.NATIVE_AVAILABLE:
        pytest.skip("C core not built")
    if name == "c":
        return NativeUpdates(monkeypatch)
    if not WASM.exists():
        pytest.skip(f"{WASM.relative_to(ROOT)} not built: `make wasm` needs clang, lld, wasi-libc")
    pytest.importorskip("wasmtime")
    return WasmUpdates(monkeypatch)


@pytest.mark.parametrize("name", ["python", "c", "wasm"])
def test_delta_vectors(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    impl = _updates(name, monkeypatch)
    old = _payload_of(DELTAS["old"])
    assert hashlib.sha256(old).hexdigest() == DELTAS["old_sha256"]
    urls = [check["url"] for check in DELTAS["checks"]]
    expected = [(c["action"], c["lists"], c["shortened"]) for c in DELTAS["checks"]]
    results = set()
    for case in DELTAS["cases"]:
        new = impl.apply(old, bytes.fromhex(case["delta_hex"]))
        results.add(case["result"])
        if case["result"] == "refused":
            assert new is None, f"{name}: {case['name']}"
            continue
        assert new is not None, f"{name}: {case['name']}"
        assert (hashlib.sha256(new).hexdigest(), len(new)) == (case["new_sha256"], case["new_size"])
        assert new == _payload_of(DELTAS["new"])
        assert impl.answers(new, case["new_sha256"], urls) == expected, name
    assert results == {"applied", "refused"}
    assert len(DELTAS["cases"]) >= 12


@pytest.mark.parametrize("name", ["python", "c", "wasm"])
def test_metadata_vectors(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Python checks every metadata file (the C core reads no JSON: a port verifies
    metadata with its platform's JSON and Ed25519, as docs/protocol.md says); every
    implementation opens the payloads the manifest names only with the named hashes."""
    impl = _updates(name, monkeypatch)
    for case in METADATA["cases"]:
        if name == "python":
            assert _metadata_answer(case) == case["result"], case["name"]
    manifest = next(c for c in METADATA["cases"] if c["name"] == "manifest")["read"]
    payload = _payload_of("tiny-next.bundle")
    assert manifest["state_sha256"] == METADATA["payloads"]["tiny-next.bundle"]
    assert impl.answers(payload, manifest["state_sha256"], []) == []
    assert impl.answers(payload[:-1] + b"\1", manifest["state_sha256"], []) is None
    old = _payload_of("tiny.bundle")
    (delta_entry,) = manifest["deltas"]
    assert delta_entry["from_sha256"] == hashlib.sha256(old).hexdigest()
    step = bytes.fromhex(DELTAS["cases"][0]["delta_hex"])
    assert hashlib.sha256(step).hexdigest() == delta_entry["sha256"]
    assert hashlib.sha256(impl.apply(old, step)).hexdigest() == manifest["state_sha256"]


def _metadata_answer(case: dict[str, Any]) -> str:
    from linkscreen import metadata
    from linkscreen.errors import LinkscreenError

    now, leeway = METADATA["now"], METADATA["leeway"]
    shipped = {k: _public(v) for k, v in METADATA["shipped_root_keys"].items()}
    by_name = {c["name"]: c for c in METADATA["cases"]}
    raw = case["json"].encode()
    try:
        root1 = metadata.verify_root(
            by_name["root 1, self-signed"]["json"].encode(), shipped, 1,
            expected_version=1, now=now, leeway=leeway,
        )  # fmt: skip
        if case["kind"] == "root":
            trusted = shipped if case["trusted"] == "shipped" else root1.root_keys
            version = 1 if case["trusted"] == "shipped" else 2
            root = metadata.verify_root(
                raw, trusted, 1, expected_version=version, now=now, leeway=leeway
            )
            assert sorted(root.signing_keys) == case["read"]["signing_keys"]
            return "accepted"
        root2 = metadata.verify_root(
            by_name["root 2, signed by root 1's key and its own"]["json"].encode(),
            root1.root_keys, 1, expected_version=2, now=now, leeway=leeway,
        )  # fmt: skip
        if case["kind"] == "pointer":
            read = metadata.verify_pointer(raw, root2, now=now, leeway=leeway)
            assert read.manifest.sha256 == case["read"]["manifest"]["sha256"]
            return "accepted"
        pointer = metadata.verify_pointer(
            by_name["pointer"]["json"].encode(), root2, now=now, leeway=leeway
        )
        found = metadata.verify_manifest(raw, root2, pointer, now=now, leeway=leeway)
        assert found.state_sha256 == case["read"]["state_sha256"]
        return "accepted"
    except LinkscreenError as exc:
        return type(exc).__name__


def _public(raw_hex: str) -> Any:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    return Ed25519PublicKey.from_public_bytes(bytes.fromhex(raw_hex))


def _lists_of(name: str, payload: bytes, sha256: str) -> list[tuple[str, str, str | None]] | None:
    """(id, action, default locale) of every list; None for WebAssembly, whose exports have
    no default locale (it still refuses every damaged section 9)."""
    if name == "python":
        infos: Any = linkscreen.Bundle.from_payload(payload, sha256=sha256).lists
    elif name == "c":
        infos = _probe.NativeBundle.from_payload(payload, bytes.fromhex(sha256)).lists()
    else:
        return None
    return [(info.id, str(info.action), info.default_locale) for info in infos]


@pytest.mark.parametrize("name", ["python", "c", "wasm"])
def test_section_8_and_9_vectors(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """tiny-sections.bundle's default locales and redirect rules read the same everywhere, and
    every damaged section 8 or 9 is refused by every reader (docs/bundle-format.md 2.9, 2.10)."""
    impl = _updates(name, monkeypatch)
    written = _payload_of(SECTIONS["bundle"])
    urls = [check["url"] for check in SECTIONS["checks"]]
    expected_lists = [(r["id"], r["action"], r["default_locale"]) for r in SECTIONS["lists"]]
    outcomes: dict[str, str] = {}
    for case in SECTIONS["cases"]:
        payload = bytes.fromhex(case["payload_hex"])
        answers = impl.answers(payload, case["sha256"], urls)
        outcomes[case["name"]] = "refused" if answers is None else "opened"
        if answers is None:
            continue
        assert [a[0] for a in answers] == [c["action"] for c in SECTIONS["checks"]], case["name"]
        lists = _lists_of(name, payload, case["sha256"])
        if lists is None:
            continue
        if case.get("section") == 9:
            expected = [(i, a, None) for i, a, _ in expected_lists]
        else:
            expected = expected_lists
        assert lists == expected, case["name"]
    assert outcomes == {c["name"]: c["result"] for c in SECTIONS["cases"]}, name
    assert written == bytes.fromhex(SECTIONS["cases"][0]["payload_hex"])


def test_section_8_vectors_decode_to_the_rules() -> None:
    bundle = linkscreen.Bundle.open(VECTORS / SECTIONS["bundle"], [VECTORS / "test-signing.pub"])
    assert [fmt.redirect_rule_line(r) for r in bundle.redirect_wrappers] == SECTIONS[
        "redirect_rules"
    ]
    assert len([c for c in SECTIONS["cases"] if c["result"] == "refused"]) >= 25
