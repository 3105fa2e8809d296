"""Regenerate tests/vectors: a tiny bundle, its test key, and expected answers.

A second implementation (Swift, Kotlin, C) checks itself against these files: open
``tiny.bundle`` with ``test-signing.pub``, compute the intermediate values in
``hashes.json`` and the verdicts in ``expected.json``. The bundle carries the small Public
Suffix List ``TINY_PSL`` below (so ``co.example`` is a public suffix and the expressions in
``expected.json`` follow it); ``psl.json`` holds its decoded rules and registrable domains;
``url_path.json`` runs raw URLs through the whole path (one runner for pure Python, C and
WebAssembly: tests/test_cross_language_vectors.py).
``tiny-p1.bundle`` and ``tiny-p2.bundle`` hold the same entries with 1 and 2 implicit
fingerprint bytes (bucket index) and must give the same answers. ``tiny-v1.bundle`` and
``expected-v1.json`` are the format-1 vectors, kept so readers keep reading old bundles.
``tiny-next.bundle`` is the next bundle of tiny's chain; ``delta.json`` holds the delta between
them and deltas that must be refused, ``metadata.json`` signed update metadata (root, pointer,
manifest) with the answers a client must give; one runner for pure Python, C and WebAssembly
(tests/test_cross_language_vectors.py).
``tests/test_bundle_vectors.py``
regenerates everything in memory and fails if a byte differs, so the vectors cannot drift from
the code. Run ``python tests/vectors/make_vectors.py`` after a deliberate format change.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import struct
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import mmh3
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from linkscreen import Bundle, Matcher, metadata
from linkscreen._probe import PureProbe
from linkscreen.bundle import delta as deltas
from linkscreen.bundle import format as fmt
from linkscreen.canonical import canonical_variants, host_only_variants
from linkscreen.errors import DeltaError, InvalidURLError, LinkscreenError, URLLimitError
from linkscreen.expressions import canonical_expressions
from linkscreen.keys import key_id_of
from linkscreen.psl import PublicSuffixList
from linkscreen.results import Action
from linkscreen_server.compiler import ChainParams, ListMeta, ListSpec, compile_bundle
from linkscreen_server.writer import payload_of, sign_payload

HERE = Path(__file__).parent
#: A fixed test key: derived from public constant bytes, so it protects nothing. Never ship it.
TEST_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
SALT = bytes.fromhex("00112233445566778899aabbccddeeff")
SEED = 0x5EED
CREATED = 1_767_225_600  # 2026-01-01T00:00:00Z
LIFETIME = 72 * 3600
SHORTENERS = ["short.example", "tiny.test"]
META = {
    "hotline": ListMeta("csam", (("en", "This link was blocked.", "https://help.example/"),)),
    "watch": ListMeta("suspicious", ()),
}
CHECK_URLS = [
    "http://blocked-host.example/",
    "https://sub.blocked-host.example/any/page?x=1",
    "http://prefix.example/content/",
    "http://prefix.example/content/deeper/file.html",
    "http://prefix.example/other/",
    "http://exact.example/page/123",
    "http://exact.example/page/1234",
    "http://exact.example/page/",
    "http://192.0.2.7/x",
    "http://0xC0.0.2.7/x",
    "http://warn.test/path/a",
    "http://both.example/",
    "http://EVIL.example\\@blocked-host.example/",
    "http://allowed.example/",
    "javascript:alert(1)",
    "http://a.b.c.d.e.f.co.example/x",
    "http://x.keep.wild.example/",
    "http://m1.cloud.test/page",
]
#: The Public Suffix List the tiny bundle carries: every kind of rule, small enough to read.
TINY_PSL = """// A tiny Public Suffix List for test vectors (not the real list).
// VERSION: tiny-vectors-1
// ===BEGIN ICANN DOMAINS===
example
co.example
*.wild.example
!keep.wild.example
test
// ===END ICANN DOMAINS===
// ===BEGIN PRIVATE DOMAINS===
hosting.test
*.cloud.test
// ===END PRIVATE DOMAINS===
"""
PSL_HOSTS = [
    "example",
    "a.example",
    "deep.name.co.example",
    "a.b.wild.example",
    "x.keep.wild.example",
    "u.hosting.test",
    "m1.cloud.test",
    "a.m1.cloud.test",
    "a.unlisted",
]
HOTLINE = """# tiny test list
http://blocked-host.example/
http://prefix.example/content/
http://exact.example/page/123
http://192.0.2.7/
http://both.example/
http://c.d.e.f.co.example/
http://m1.cloud.test/
"""
WATCH = "url,category\nhttp://warn.test/path/,suspicious\nhttp://both.example/,suspicious\n"


#: The next version of the hotline list: one entry gone, two new (tiny-next.bundle).
HOTLINE_NEXT = (
    HOTLINE.replace("http://exact.example/page/123\n", "")
    + "http://fresh.example/\nhttp://prefix.example/other/\n"
)
NEXT_URLS = [
    "http://exact.example/page/123",
    "http://fresh.example/a",
    "http://prefix.example/other/x",
    "http://blocked-host.example/",
    "http://both.example/",
    "http://short.example/abc",
    "http://allowed.example/",
]


def build(
    workdir: Path,
    hotline: str = "",
    chain: ChainParams | None = None,
    meta: dict[str, ListMeta] | None = None,
    redirect_rules: Sequence[fmt.WrapperRule] = (),
) -> bytes:
    (workdir / "hotline.txt").write_text(hotline or HOTLINE)
    (workdir / "watch.csv").write_text(WATCH)
    specs = [
        ListSpec("hotline", workdir / "hotline.txt", Action.BLOCK),
        ListSpec("watch", workdir / "watch.csv", Action.WARN),
    ]
    data, _ = compile_bundle(
        specs,
        TEST_KEY,
        created=CREATED,
        lifetime_s=LIFETIME,
        salt=SALT,
        bloom_seed=SEED,
        meta=META if meta is None else meta,
        shorteners=SHORTENERS,
        psl=PublicSuffixList.parse(TINY_PSL),
        sequence=2 if chain else None,
        chain=chain,
        redirect_rules=redirect_rules,
    )
    return data


def build_next(workdir: Path, data: bytes) -> bytes:
    """The next bundle of the chain: same salt, seed and Bloom shape, the filter grown."""
    payload = fmt.parse_payload(payload_of(data))
    h = payload.header
    chain = ChainParams(h.salt, h.bloom_seed, h.bloom_k, h.bloom_bits, bytes(payload.bloom))
    return build(workdir, HOTLINE_NEXT, chain)


def _leb(values: list[int]) -> bytes:
    """Strictly ascending values as LEB128 gaps (docs/bundle-format.md section 8)."""
    out, previous = bytearray(), 0
    for value in values:
        gap, previous = value - previous, value
        while True:
            out.append((gap & 0x7F) | (0x80 if gap > 0x7F else 0))
            gap >>= 7
            if not gap:
                break
    return bytes(out)


def _delta(old: bytes, new: bytes, **change: Any) -> bytes:
    """A delta from its parts (section 8), as make_delta lays it out, with ``change`` applied:
    magic, from_sha, to_sha, header (bytes), carried ({id: bytes | None}), gained, removed,
    added ([(fingerprint, list index)])."""
    a, b = fmt.parse_payload(old), fmt.parse_payload(new)
    gained = [
        bit for bit in range(b.header.bloom_bits) if b.bloom[bit >> 3] >> (bit & 7) & 1
        and not a.bloom[bit >> 3] >> (bit & 7) & 1
    ]  # fmt: skip
    old_rows, new_rows = a.rows(), b.rows()
    removed = [i for i, row in enumerate(old_rows) if row not in set(new_rows)]
    added = sorted(set(new_rows) - set(old_rows))
    previous = a.carried_sections()
    carried: dict[int, bytes | None] = {
        sid: (None if previous.get(sid) == data else data)
        for sid, data in b.carried_sections().items()
    }
    parts: dict[str, Any] = {
        "magic": deltas.MAGIC, "from_sha": hashlib.sha256(old).digest(),
        "to_sha": hashlib.sha256(new).digest(), "header": b.header.pack(), "carried": carried,
        "gained": gained, "removed": removed, "added": added,
    }  # fmt: skip
    parts.update(change)
    out = bytearray(parts["magic"] + parts["from_sha"] + parts["to_sha"] + parts["header"])
    out += struct.pack("<I", len(parts["carried"]))
    for sid, data in parts["carried"].items():
        out += struct.pack("<II", sid, deltas.UNCHANGED) if data is None else (
            struct.pack("<II", sid, len(data)) + data
        )  # fmt: skip
    for values in (parts["gained"], parts["removed"]):
        out += struct.pack("<I", len(values)) + _leb(values)
    out += struct.pack("<I", len(parts["added"]))
    for fingerprint, tag in parts["added"]:
        out += fingerprint + struct.pack("<H", tag)
    return bytes(out)


def delta_vectors(data: bytes, next_data: bytes) -> dict[str, Any]:
    """The chain step tiny -> tiny-next and deltas a client must refuse, with the reference's
    answers; an applied delta's payload is then checked on NEXT_URLS."""
    old, new = payload_of(data), payload_of(next_data)
    good = deltas.make_delta(old, new)
    assert good == _delta(old, new), "the vector encoder must be make_delta's layout"
    a = fmt.parse_payload(old)
    set_bit = next(bit for bit in range(a.header.bloom_bits) if a.bloom[bit >> 3] >> (bit & 7) & 1)
    rows = a.rows()
    changed_salt = bytearray(fmt.parse_payload(new).header.pack())
    changed_salt[32] ^= 1
    added = sorted(set(fmt.parse_payload(new).rows()) - set(rows))
    bad = {
        "not a delta (magic)": _delta(old, new, magic=b"LSDELTA9"),
        "made for another state": _delta(old, new, from_sha=bytes(32)),
        "does not give its target": _delta(old, new, to_sha=bytes(32)),
        "cut short": good[:-1],
        "another chain (salt)": _delta(old, new, header=bytes(changed_salt)),
        "carries a rebuilt section": _delta(old, new, carried={1: None, 4: b"x"}),
        "sections out of order": _delta(old, new, carried={7: None, 1: None}),
        "keeps a section the old state lacks": _delta(old, new, carried={1: None, 8: None}),
        "sets a Bloom bit already set": _delta(old, new, gained=[set_bit]),
        "Bloom bit past m": _delta(old, new, gained=[a.header.bloom_bits]),
        "removes a row past n": _delta(old, new, removed=[len(rows)]),
        "adds a row already there": _delta(old, new, added=sorted([*added, rows[0]])),
        "added rows out of order": _delta(old, new, added=added[::-1]) if len(added) > 1 else b"",
        "added row names no list": _delta(old, new, added=[(added[0][0], 7)]),
    }
    cases: list[dict[str, Any]] = [
        {"name": "one step of the chain", "delta_hex": good.hex(), "result": "applied",
         "new_sha256": hashlib.sha256(new).hexdigest(), "new_size": len(new)},
    ]  # fmt: skip
    applied = deltas.apply_delta(old, good)
    assert applied == new
    for name, delta in bad.items():
        assert delta, name
        try:
            deltas.apply_delta(old, delta)
        except DeltaError:
            cases.append({"name": name, "delta_hex": delta.hex(), "result": "refused"})
            continue
        raise AssertionError(f"delta vector {name!r} is not refused")
    matcher = Matcher(Bundle.from_payload(new, sha256=hashlib.sha256(new).hexdigest()))
    checks = []
    for url in NEXT_URLS:
        verdict = matcher.check_url(url)
        checks.append({"url": url, "action": str(verdict.action), "lists": list(verdict.lists),
                       "shortened": verdict.shortened})  # fmt: skip
    return {
        "old": "tiny.bundle",
        "new": "tiny-next.bundle",
        "old_sha256": hashlib.sha256(old).hexdigest(),
        "cases": cases,
        "checks": checks,
    }


#: Update-metadata keys, derived from public constant bytes: they protect nothing.
ROOT_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(40, 72)))
NEXT_ROOT_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(80, 112)))
SIGNING_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(120, 152)))
NOW = CREATED + 3600


def metadata_vectors(data: bytes, next_data: bytes) -> dict[str, Any]:
    """Signed root, pointer and manifest files (docs/protocol.md), each with what a client
    answers: ``accepted`` and the fields it reads, or the error class."""
    sign, table = metadata.sign_metadata, metadata.key_table
    old, new = payload_of(data), payload_of(next_data)
    delta = deltas.make_delta(old, new)

    def info(path: str, blob: bytes) -> dict[str, Any]:
        return {"path": path, "sha256": hashlib.sha256(blob).hexdigest(), "size": len(blob)}

    root1 = {"_type": "root", "version": 1, "expires": NOW + 86400,
             "root_keys": table([ROOT_KEY.public_key()]), "root_threshold": 1,
             "signing_keys": table([SIGNING_KEY.public_key()])}  # fmt: skip
    root2 = {**root1, "version": 2, "root_keys": table([NEXT_ROOT_KEY.public_key()])}
    manifest = {"_type": "manifest", "version": 2, "created": CREATED, "expires": NOW + 3600,
                "state": {"sha256": hashlib.sha256(new).hexdigest(), "size": len(new)},
                "full": info("bundles/2.bundle", next_data),
                "deltas": [{"from_sha256": hashlib.sha256(old).hexdigest(),
                            **info("deltas/1-2.delta", delta)}]}  # fmt: skip
    raw_manifest = sign(manifest, [SIGNING_KEY])
    pointer = {"_type": "pointer", "version": 2, "expires": NOW + 600, "root_version": 2,
               "manifest": info("manifests/2.json", raw_manifest)}  # fmt: skip
    files: list[tuple[str, str, dict[str, Any], list[Ed25519PrivateKey], dict[str, Any]]] = [
        ("root 1, self-signed", "root", root1, [ROOT_KEY], {"trusted": "shipped"}),
        ("root 2, signed by root 1's key and its own", "root", root2,
         [ROOT_KEY, NEXT_ROOT_KEY], {"trusted": "root 1"}),
        ("root 2 signed only by its own key", "root", root2, [NEXT_ROOT_KEY],
         {"trusted": "root 1"}),
        ("root 3 offered where 2 is expected", "root", {**root2, "version": 3},
         [ROOT_KEY, NEXT_ROOT_KEY], {"trusted": "root 1"}),
        ("root 2 with threshold 2 of one key", "root", {**root2, "root_threshold": 2},
         [ROOT_KEY, NEXT_ROOT_KEY], {"trusted": "root 1"}),
        ("pointer", "pointer", pointer, [SIGNING_KEY], {}),
        ("pointer signed by a root key", "pointer", pointer, [NEXT_ROOT_KEY], {}),
        ("expired pointer", "pointer", {**pointer, "expires": NOW - 3600}, [SIGNING_KEY], {}),
        ("pointer naming an unsafe path", "pointer",
         {**pointer, "manifest": {**pointer["manifest"], "path": "../2.json"}}, [SIGNING_KEY], {}),
        ("manifest", "manifest", manifest, [SIGNING_KEY], {}),
        ("manifest of another version than the pointer", "manifest",
         {**manifest, "version": 3}, [SIGNING_KEY], {}),
        ("manifest with a bad state hash", "manifest",
         {**manifest, "state": {"sha256": "00", "size": 1}}, [SIGNING_KEY], {}),
    ]  # fmt: skip
    shipped = {key_id_of(ROOT_KEY.public_key()).hex(): ROOT_KEY.public_key()}
    root_one = metadata.verify_root(sign(root1, [ROOT_KEY]), shipped, 1, expected_version=1,
                                    now=NOW, leeway=0)  # fmt: skip
    root_two = metadata.verify_root(sign(root2, [ROOT_KEY, NEXT_ROOT_KEY]), root_one.root_keys,
                                    1, expected_version=2, now=NOW, leeway=0)  # fmt: skip
    good_pointer = metadata.verify_pointer(sign(pointer, [SIGNING_KEY]), root_two, now=NOW,
                                           leeway=0)  # fmt: skip
    cases = []
    for name, kind, signed, keys, extra in files:
        raw = raw_manifest if signed is manifest else sign(signed, keys)
        case: dict[str, Any] = {"name": name, "kind": kind, "json": raw.decode("ascii"), **extra}
        try:
            if kind == "root":
                trusted = shipped if extra["trusted"] == "shipped" else root_one.root_keys
                expected = 1 if extra["trusted"] == "shipped" else 2
                root = metadata.verify_root(raw, trusted, 1, expected_version=expected, now=NOW,
                                            leeway=0)  # fmt: skip
                case["read"] = {"version": root.version, "threshold": root.threshold,
                                "root_keys": sorted(root.root_keys),
                                "signing_keys": sorted(root.signing_keys)}  # fmt: skip
            elif kind == "pointer":
                read = metadata.verify_pointer(raw, root_two, now=NOW, leeway=0)
                case["read"] = {"version": read.version, "root_version": read.root_version,
                                "manifest": dataclasses.asdict(read.manifest)}  # fmt: skip
            else:
                found = metadata.verify_manifest(raw, root_two, good_pointer, now=NOW, leeway=0)
                steps = [{"from_sha256": d.from_sha256, **dataclasses.asdict(d.file)}
                         for d in found.deltas]  # fmt: skip
                full = dataclasses.asdict(found.full)
                case["read"] = {"version": found.version, "state_sha256": found.state_sha256,
                                "state_size": found.state_size, "full": full,
                                "deltas": steps}  # fmt: skip
            case["result"] = "accepted"
        except LinkscreenError as exc:
            case["result"] = type(exc).__name__
        cases.append(case)
    return {
        "now": NOW,
        "leeway": 0,
        "shipped_root_keys": table([ROOT_KEY.public_key()]),
        "payloads": {
            "tiny.bundle": hashlib.sha256(old).hexdigest(),
            "tiny-next.bundle": hashlib.sha256(new).hexdigest(),
        },
        "cases": cases,
    }


def with_prefix_bytes(data: bytes, prefix_bytes: int) -> bytes:
    """The same bundle with ``prefix_bytes`` implicit fingerprint bytes, re-signed."""
    payload = fmt.parse_payload(payload_of(data))
    header = dataclasses.replace(payload.header, fingerprint_prefix_bytes=prefix_bytes)
    carried = payload.carried_sections()
    return sign_payload(
        fmt.build_payload(header, carried, bytes(payload.bloom), payload.rows()), TEST_KEY
    )


def psl_vectors(bundle: Bundle) -> dict[str, Any]:
    psl = bundle.public_suffix_list
    runs = dict(zip(fmt.PSL_RUN_NAMES, psl.rules.runs(), strict=True))
    return {
        "version": psl.version,
        "sha256": psl.sha256,
        "section_hex": psl.encode().hex(),
        "runs": {name: list(run) for name, run in runs.items()},
        "registrable_domains": [[host, psl.registrable_domain(host)] for host in PSL_HOSTS],
    }


#: Raw URLs for url_path.json: every reading rule of docs/canonicalization.md at least once.
#: Lone surrogates U+DC80..U+DCFF stand for raw bytes (``url_hex`` carries the exact bytes).
URL_PATH_URLS = [
    *CHECK_URLS,
    "http://host/%25%32%35",
    "http://host/%25%32%35%25%32%35",
    "http://host/%2525252525252525",
    "http://host/asdf%25%32%35asd",
    "http://host/%%%25%32%35asd%%",
    "http://www.google.com/",
    "http://%31%36%38%2e%31%38%38%2e%39%39%2e%32%36/%2E%73%65%63%75%72%65/%77%77%77%2E%65%62%61%79%2E%63%6F%6D/",
    "http://195.127.0.11/uploads/%20%20%20%20/.verify/.eBaysecure=updateuserdataxplimnbqmn-xplmvalidateinfoswqpcmlx=hgplmcx/",
    "http://host%23.com/%257Ea%2521b%2540c%2523d%2524e%25f%255E00%252611%252A22%252833%252944_55%252B",
    "http://3279880203/blah",
    "http://0x0xa/p",  # WHATWG: no number (a second 0x prefix), so a host name
    "http://0x0a.0x00000a/p",
    "http://a.0x10/p",  # ends in a number, so every part must be one: refused
    "http://www.google.com/blah/..",
    "www.google.com/",
    "www.google.com",
    "http://www.evil.com/blah#frag",
    "http://www.GOOgle.com/",
    "http://www.google.com.../",
    "http://www.google.com/foo\tbar\rbaz\n2",
    "http://www.google.com/q?",
    "http://www.google.com/q?r?",
    "http://www.google.com/q?r?s",
    "http://evil.com/foo#bar#baz",
    "http://evil.com/foo;",
    "http://evil.com/foo?bar;",
    "http://\udc81\udc80.com/",
    "http://notrailingslash.com",
    "http://www.gotaport.com:1234/",
    "  http://www.google.com/  ",
    "http:// leadingspace.com/",
    "http://%20leadingspace.com/",
    "%20leadingspace.com/",
    "https://www.securesite.com/",
    "http://host.com/ab%23cd",
    "http://host.com//twoslashes?more//slashes",
    "http://a.b.c.d.e.f.g.example.co.uk/1/2/3/4/5/6?query",
    "http://x.blogspot.com/page",
    "http://0x7f.1/",
    "http://0177.0.0.1/",
    "http://2130706433/",
    "http://１２７.０.０.１/",
    "http://276.2.3/",
    "http://0x0xa/",  # Python's int(..., 16) takes a second "0x": the reference reads 10
    "http://00o17.0x0X1f.1/",  # and int(..., 8) an "0o": 15.31.0.1
    "http://1.2.3.4.evil.example.com/",
    "http://[FEDC:BA98:0:0:0:0:0:3210]/",
    "http://[::ffff:192.0.2.1]/",
    "http://[64:ff9b::192.0.2.33]/",
    "http://[::1%25eth0]/",
    "http://bücher.example/straße",
    "http://ＥＸＡＭＰＬＥ。ｃｏｍ/",
    "http://％４１.example/",
    "http://ex\u00adample.test/",
    "http://xn--fiqs8s.example/",
    "http://EVIL.example\\@good.example/",
    "http://example.test%2F@evil.test/",
    "http://good.test%40evil.test/",
    "http://a.test%5C@b.test/",
    "HXXPS://defanged.example/x",
    "ttp://truncated.example/",
    "https%3A%2F%2Fencoded.example%2Fpath",
    "example.test:8080/path",
    "//scheme-relative.example/x",
    "/relative/path",
    "mailto:someone@example.test",
    "tel:5550100",
    "http://a.example:99999/",
    "http://a.example:80x/",
    "http://",
    "http://..",
    "http://host/" + "%25" * 40 + "41",
    "http://listed-but-deep.example/%" + "25" * 40 + "41",  # past a limit: host only
    "http://blocked-host.example/?" + "%25" * 2 + "%" + "25" * 33 + "41",
    "http://a.test%2F@" + "%" + "25" * 40 + "41/x",  # one host readable, one not
    "http://%" + "25" * 40 + "41.example/%" + "25" * 40 + "41",  # no host readable: unchecked
]


def url_path(bundle: Bundle) -> list[dict[str, Any]]:
    """Each raw URL through the whole path, as the pure-Python reference computes it.

    ``reading`` is ``full`` (canonical readings), ``host_only`` (past a limit: only the host of
    each reading, ``scheme://host/``), ``unchecked`` (past a limit, no host readable: the
    check is incomplete, never an allow) or ``refused`` (not a web URL with a host).
    """
    matcher = Matcher(bundle)
    header = bundle.header
    probe = PureProbe(bundle)  # the reference: pure Python
    rows_out = []
    for url in URL_PATH_URLS:
        raw = url.encode("utf-8", "surrogateescape")
        row: dict[str, Any] = {"url_hex": raw.hex()}
        if not any(0xDC80 <= ord(ch) <= 0xDCFF for ch in url):
            row["url"] = url  # else only url_hex: JSON readers refuse lone surrogates
        try:
            variants, kind = canonical_variants(url), "full"
        except URLLimitError:
            try:
                variants, kind = host_only_variants(url), "host_only"
            except InvalidURLError:
                variants, kind = [], "unchecked"
        except InvalidURLError:
            variants, kind = [], "refused"
        row["reading"] = kind
        if not variants:
            rows_out.append(row)
            continue
        psl = bundle.public_suffix_list
        expressions = list(
            dict.fromkeys(e for v in variants for e in canonical_expressions(v, psl))
        )
        verdict = matcher.check_url(url)
        assert list(verdict.expressions) == expressions
        row.update(
            variants=variants,
            expressions=expressions,
            fingerprints=[fmt.fingerprint(header.salt, e.encode()).hex() for e in expressions],
            rows=probe.lookup(expressions),
            action=str(verdict.action),
            lists=list(verdict.lists),
        )
        rows_out.append(row)
    return rows_out


def public_pem() -> bytes:
    return TEST_KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def expected(bundle: Bundle) -> list[dict[str, Any]]:
    matcher = Matcher(bundle)
    answers = []
    for url in CHECK_URLS:
        verdict = matcher.check_url(url)
        answers.append(
            {
                "url": url,
                "action": str(verdict.action),
                "lists": list(verdict.lists),
                "match": None if verdict.match is None else str(verdict.match),
                "expressions": list(verdict.expressions),
            }
        )
    return answers


def hashes(bundle: Bundle) -> list[dict[str, Any]]:
    header = bundle.header
    rows = []
    for expression in ["blocked-host.example/", "exact.example/page/123", "allowed.example/"]:
        raw = expression.encode()
        value = mmh3.hash128(raw, header.bloom_seed, x64arch=True, signed=False)
        rows.append(
            {
                "expression": expression,
                "murmur3_x64_128_h1": f"{value & (2**64 - 1):016x}",
                "murmur3_x64_128_h2": f"{value >> 64:016x}",
                "bloom_positions": fmt.bloom_positions(
                    raw, header.bloom_seed, header.bloom_k, header.bloom_bits
                ),
                "fingerprint": fmt.fingerprint(header.salt, raw).hex(),
            }
        )
    return rows


#: The sections bundle (tiny-sections.bundle): tiny's lists with a default locale per list
#: that has messages (section 9) and operator redirect-wrapper rules (section 8).
SECTIONS_META = {
    "hotline": ListMeta(
        "csam",
        (
            ("de", "Dieser Link wurde blockiert.", "https://help.example/de"),
            ("en", "This link was blocked.", "https://help.example/"),
        ),
        default_locale="de",
    ),
    "watch": ListMeta("suspicious", ()),
}
SECTIONS_RULES = """
go.example /out q,url percent
*.mail.test /safe/* u base64url
track.* /r * proofpoint-v3
"""
#: Section 8 bodies every reader refuses (docs/bundle-format.md 2.9), by what breaks.
BAD_REDIRECTS = {
    "no final line feed": b"go.example /out q percent",
    "empty section": b"",
    "three fields": b"go.example /out q\n",
    "five fields": b"go.example /out q percent x\n",
    "double space": b"go.example  /out q percent\n",
    "leading space": b" go.example /out q percent\n",
    "trailing space": b"go.example /out q percent \n",
    "tab between fields": b"go.example\t/out q percent\n",
    "upper-case host": b"Go.example /out q percent\n",
    "path without slash": b"go.example out q percent\n",
    "empty parameter name": b"go.example /out q,,u percent\n",
    "trailing comma": b"go.example /out q, percent\n",
    "unknown decoding": b"go.example /out q rot13\n",
    "hash sign": b"go.example /out# q percent\n",
    "non-ASCII byte": b"go.example /\xc3\xa9 q percent\n",
    "control byte": b"go.example /out\x01 q percent\n",
    "empty line": b"go.example /out q percent\n\nz.example /a q percent\n",
    "lines out of order": b"z.example /a q percent\ngo.example /out q percent\n",
    "line repeated": b"go.example /out q percent\ngo.example /out q percent\n",
    "line over 1024 bytes": b"go.example /" + b"a" * 1010 + b" q percent\n",
}
#: Section 9 bodies every reader refuses (2.10): the tiny bundle has two lists.
BAD_LOCALES = {
    "one record for two lists": struct.pack("<H", 2) + b"de",
    "a byte after the records": struct.pack("<H", 2) + b"de" + struct.pack("<H", 0) + b"\0",
    "locale without a message": struct.pack("<H", 2) + b"fr" + struct.pack("<H", 0),
    "locale of a message of another list": struct.pack("<H", 0) + struct.pack("<H", 2) + b"de",
    "locale in another case": struct.pack("<H", 2) + b"DE" + struct.pack("<H", 0),
    "length past the end": struct.pack("<H", 9) + b"de" + struct.pack("<H", 0),
    "invalid UTF-8": struct.pack("<H", 2) + b"\xff\xfe" + struct.pack("<H", 0),
}


def build_sections(workdir: Path) -> bytes:
    rules = [fmt.parse_redirect_rule(line) for line in SECTIONS_RULES.split("\n") if line]
    return build(workdir, meta=SECTIONS_META, redirect_rules=rules)


def _with_section(payload: bytes, section: int, body: bytes | None) -> bytes:
    """``payload`` with one carried section replaced (or dropped, for None)."""
    parsed = fmt.parse_payload(payload)
    carried = parsed.carried_sections()
    if body is None:
        carried.pop(section, None)
    else:
        carried[section] = body
    return fmt.build_payload(parsed.header, carried, bytes(parsed.bloom), parsed.rows())


def sections_vectors(data: bytes) -> dict[str, Any]:
    """tiny-sections.bundle's decoded sections 8 and 9, checks on it, and payloads with a
    damaged section 8 or 9 (each named by its SHA-256, as a manifest would) that every reader
    refuses; plus payloads without them, which every reader opens."""
    payload = payload_of(data)
    bundle = Bundle.from_bytes(data, [public_pem()])
    cases = [
        {"name": "as written", "result": "opened"},
        {"name": "no section 8", "result": "opened", "section": 8, "body_hex": None},
        {"name": "no section 9", "result": "opened", "section": 9, "body_hex": None},
    ]
    cases += [
        {"name": f"section 8: {name}", "result": "refused", "section": 8, "body_hex": body.hex()}
        for name, body in BAD_REDIRECTS.items()
    ]
    cases += [
        {"name": f"section 9: {name}", "result": "refused", "section": 9, "body_hex": body.hex()}
        for name, body in BAD_LOCALES.items()
    ]
    for case in cases:
        body = case.pop("body_hex", None) if "section" in case else None
        damaged = (
            _with_section(payload, case["section"], None if body is None else bytes.fromhex(body))
            if "section" in case
            else payload
        )
        case["body_hex"] = body
        case["payload_hex"] = damaged.hex()
        case["sha256"] = hashlib.sha256(damaged).hexdigest()
    matcher = Matcher(bundle)
    checks = ["http://blocked-host.example/", "http://warn.test/path/a", "http://allowed.example/"]
    return {
        "bundle": "tiny-sections.bundle",
        "lists": [
            {"id": info.id, "action": str(info.action), "default_locale": info.default_locale}
            for info in bundle.lists
        ],
        "redirect_rules": [fmt.redirect_rule_line(rule) for rule in bundle.redirect_wrappers],
        "checks": [{"url": url, "action": str(matcher.check_url(url).action)} for url in checks],
        "cases": cases,
    }


def generate(workdir: Path) -> dict[str, bytes]:
    data = build(workdir)
    next_data = build_next(workdir, data)
    bundle = Bundle.from_bytes(data, [public_pem()])
    sections = build_sections(workdir)
    return {
        "tiny-sections.bundle": sections,
        "sections.json": (json.dumps(sections_vectors(sections), indent=1) + "\n").encode(),
        "tiny-next.bundle": next_data,
        "delta.json": (json.dumps(delta_vectors(data, next_data), indent=1) + "\n").encode(),
        "metadata.json": (json.dumps(metadata_vectors(data, next_data), indent=1) + "\n").encode(),
        "tiny.bundle": data,
        "tiny-p1.bundle": with_prefix_bytes(data, 1),
        "tiny-p2.bundle": with_prefix_bytes(data, 2),
        "test-signing.pub": public_pem(),
        "expected.json": (json.dumps(expected(bundle), indent=1) + "\n").encode(),
        "hashes.json": (json.dumps(hashes(bundle), indent=1) + "\n").encode(),
        "psl.json": (json.dumps(psl_vectors(bundle), indent=1) + "\n").encode(),
        "url_path.json": (json.dumps(url_path(bundle), indent=1) + "\n").encode(),
    }


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        for name, content in generate(Path(scratch)).items():
            (HERE / name).write_bytes(content)
            print(f"wrote {HERE / name} ({len(content)} bytes)")
