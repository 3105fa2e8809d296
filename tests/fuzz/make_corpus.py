"""Write the fuzz seed corpus (tests/fuzz/corpus/TARGET/*) and the delta bases from the
test vectors and fixtures: ``python tests/fuzz/make_corpus.py``.

Seeds are small (a few KiB at most) and deterministic. Inputs the fuzzers found that once
crashed are kept in the corpus by hand (named ``regression-*``) and never rewritten here.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
sys.path[:0] = [str(HERE), str(TESTS)]

from linkscreen.bundle import format as fmt  # noqa: E402
from linkscreen.bundle.delta import make_delta  # noqa: E402
from linkscreen.metadata import key_table, sign_metadata  # noqa: E402

from bundle_parts import LISTS, fingerprints, make  # noqa: E402
from targets import BASES, CORPUS, NOW, ROOT_KEY, SIGNING_KEY, _root  # noqa: E402
from vectors import canon_vectors  # noqa: E402


def _payload(bundle: bytes) -> bytes:
    return bundle[fmt.ENVELOPE.size : len(bundle) - fmt.SIGNATURE_BYTES]


def _write(target: str, seeds: list[bytes]) -> None:
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("seed-*"):
        old.unlink()
    for data in dict.fromkeys(seeds):
        (folder / f"seed-{hashlib.sha1(data).hexdigest()[:16]}").write_bytes(data)


def bundle_seeds() -> list[bytes]:
    vectors = TESTS / "vectors"
    seeds = [_payload((vectors / name).read_bytes()) for name in ("tiny.bundle", "tiny-v1.bundle")]
    seeds.append(_payload((vectors / "tiny-p1.bundle").read_bytes()))
    rows = [(fp, i % 3) for i, fp in enumerate(fingerprints(12))]
    seeds.append(make(rows, lists=LISTS).payload())  # 3 lists: 2 tag bits
    seeds.append(make([(fp, 0) for fp in fingerprints(5)], prefix_bytes=1).payload())
    seeds.append(make([(fp, 0) for fp in fingerprints(3)], version=1, lists=LISTS[:1]).payload())
    return seeds


def _delta_parts() -> tuple[bytes, bytes, bytes, bytes]:
    pool = fingerprints(40, seed="delta")
    old = make(sorted((pool[i], i % 2) for i in range(20)))
    new = make(sorted((pool[i], i % 2) for i in range(5, 30)))
    old1 = make(sorted((pool[i], 0) for i in range(10)), version=1, lists=LISTS[:1])
    new1 = make(sorted((pool[i], 0) for i in range(3, 14)), version=1, lists=LISTS[:1])
    return old.payload(), new.payload(), old1.payload(), new1.payload()


def delta_seeds() -> list[bytes]:
    old, new, old1, new1 = _delta_parts()
    BASES.mkdir(exist_ok=True)
    (BASES / "v2.payload").write_bytes(old)
    (BASES / "v1.payload").write_bytes(old1)
    v1 = bytearray(make_delta(old1, new1))
    v1[:8] = b"LSDELTA1"  # make_delta writes format 2 layout; v1 seeds still start the parser
    return [make_delta(old, new), make_delta(old, old), bytes(v1)]


def metadata_seeds() -> list[bytes]:
    sha = "ab" * 32
    pointer = {
        "_type": "pointer",
        "version": 3,
        "expires": int(NOW) + 3600,
        "root_version": 2,
        "manifest": {"path": "manifests/3.json", "sha256": sha, "size": 900},
    }
    manifest = {
        "_type": "manifest",
        "version": 3,
        "created": int(NOW),
        "expires": int(NOW) + 86400,
        "state": {"sha256": sha, "size": 800},
        "full": {"path": f"bundles/{sha}.bundle", "sha256": sha, "size": 900},
        "deltas": [{"from_sha256": "cd" * 32, "path": f"deltas/{sha}.delta", "sha256": sha,
                    "size": 120}],
    }  # fmt: skip
    rotated = {
        "_type": "root",
        "version": 2,
        "expires": int(NOW) + 86400,
        "root_keys": key_table([ROOT_KEY.public_key(), SIGNING_KEY.public_key()]),
        "root_threshold": 2,
        "signing_keys": key_table([SIGNING_KEY.public_key()]),
    }
    return [
        _root(1),
        _root(2),
        sign_metadata(rotated, [ROOT_KEY, SIGNING_KEY]),
        sign_metadata(pointer, [SIGNING_KEY]),
        sign_metadata(manifest, [SIGNING_KEY]),
        b"[" * 64,
        json.dumps({"signed": {"_type": "pointer", "version": 1e400}, "signatures": []}).encode(),
    ]


def canonical_seeds() -> list[bytes]:
    inputs = [vector.input for vector in canon_vectors()]
    step = max(1, len(inputs) // 60)
    seeds = [url.encode("utf-8", "surrogateescape") for url in inputs[::step]]
    seeds += [
        b"http://127.1/",
        b"http://0x7f.1/",
        b"http://[::ffff:127.0.0.1]/a",
        "http://\uff11\uff12\uff17.0.0.1/".encode(),
        b"hxxps://a.example:8080/p?q#f",
        b"http://a.example%2F@b.example\\c/",
        b"\xffhttp://a.example/\x80",
    ]
    return seeds


def extractor_seeds() -> list[bytes]:
    picked: dict[object, str] = {}
    for line in (TESTS / "data" / "extraction_corpus.jsonl").read_text().splitlines():
        record = json.loads(line)
        if "text" in record:
            key = (record["kind"], record.get("technique") or record.get("category"))
            picked.setdefault(key, record["text"][:400])
    return [text.encode() for text in picked.values()]


def meta_refresh_seeds() -> list[bytes]:
    return [
        b'<html><head><meta http-equiv="refresh" content="0; url=https://a.example/x"></head>',
        b"<META CONTENT='5,URL=/next?a=1&amp;b=2' HTTP-EQUIV=Refresh>",
        b"<meta http-equiv=refresh content=\"0;url='//b.example/'\">",
        b'<meta charset="utf-8"><metadata><meta name=x content="1; url=x">',
        b'<meta http-equiv="refresh" content="5">',
        b"<meta " + b"a=" * 200 + b">",
        b"http://[::1/",
        b"https://a.example/p/q?x#f\n/\\b.example\\c/../d?e",
        b"http://a.example/\n\\\\b.example",
        b"http://u@a.example:8080/x/y\nhttp:\\\\b.example/%2e%2e/z",
        b"http://a.example/x\n//b.example:1/./y#z",
        b"http://a.example/x\n?q",
    ]


def main() -> None:
    _write("bundle_reader", bundle_seeds())
    _write("delta", delta_seeds())
    _write("metadata", metadata_seeds())
    _write("canonical", canonical_seeds())
    _write("extractor", extractor_seeds())
    _write("meta_refresh", meta_refresh_seeds())
    for folder in sorted(CORPUS.iterdir()):
        files = list(folder.iterdir())
        print(f"{folder.name}: {len(files)} seeds, {sum(f.stat().st_size for f in files)} bytes")


if __name__ == "__main__":
    main()
