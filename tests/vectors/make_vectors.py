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
from linkscreen._probe import PureProbe
from linkscreen.bundle import format as fmt
from linkscreen.canonical import canonical_variants, host_only_variants
from linkscreen.errors import InvalidURLError, URLLimitError
from linkscreen.expressions import canonical_expressions
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
        "url_path.json": (json.dumps(url_path(bundle), indent=1) + "\n").encode(),
    }


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        for name, content in generate(Path(scratch)).items():
            (HERE / name).write_bytes(content)
            print(f"wrote {HERE / name} ({len(content)} bytes)")
