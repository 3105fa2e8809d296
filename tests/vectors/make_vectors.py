"""Regenerate tests/vectors: a tiny bundle, its test key, and expected answers.

A second implementation (Swift, Kotlin, C) checks itself against these files: open
``tiny.bundle`` with ``test-signing.pub``, compute the intermediate values in
``hashes.json`` and the verdicts in ``expected.json``. The bundle carries the small Public
Suffix List ``TINY_PSL`` below (so ``co.example`` is a public suffix and the expressions in
``expected.json`` follow it); ``psl.json`` holds its decoded rules and registrable domains.
``tiny-p1.bundle`` and ``tiny-p2.bundle`` hold the same entries with 1 and 2 implicit
fingerprint bytes (bucket index) and must give the same answers. ``tiny-v1.bundle`` and
``expected-v1.json`` are the format-1 vectors, kept so readers keep reading old bundles.
``tests/test_bundle_vectors.py``
regenerates everything in memory and fails if a byte differs, so the vectors cannot drift from
the code. Run ``python tests/vectors/make_vectors.py`` after a deliberate format change.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import mmh3
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from linkscreen import Bundle, Matcher
from linkscreen.bundle import format as fmt
from linkscreen.psl import PublicSuffixList
from linkscreen.results import Action
from linkscreen_server.compiler import ListMeta, ListSpec, compile_bundle
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


def build(workdir: Path) -> bytes:
    (workdir / "hotline.txt").write_text(HOTLINE)
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
        meta=META,
        shorteners=SHORTENERS,
        psl=PublicSuffixList.parse(TINY_PSL),
    )
    return data


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


def generate(workdir: Path) -> dict[str, bytes]:
    data = build(workdir)
    bundle = Bundle.from_bytes(data, [public_pem()])
    return {
        "tiny.bundle": data,
        "tiny-p1.bundle": with_prefix_bytes(data, 1),
        "tiny-p2.bundle": with_prefix_bytes(data, 2),
        "test-signing.pub": public_pem(),
        "expected.json": (json.dumps(expected(bundle), indent=1) + "\n").encode(),
        "hashes.json": (json.dumps(hashes(bundle), indent=1) + "\n").encode(),
        "psl.json": (json.dumps(psl_vectors(bundle), indent=1) + "\n").encode(),
    }


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        for name, content in generate(Path(scratch)).items():
            (HERE / name).write_bytes(content)
            print(f"wrote {HERE / name} ({len(content)} bytes)")
