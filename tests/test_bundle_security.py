"""The bundle threat model, scenario by scenario (docs/threat-model.md)."""

from __future__ import annotations

import random
import struct
from pathlib import Path

import pytest

import linkscreen
from linkscreen.bundle import format as fmt
from linkscreen.results import Action

from bundles import OTHER_KEY, TEST_KEY, TEST_PUBLIC, compile_lists, open_bytes

LISTED = [
    "http://qzvhost.example/",
    "http://pathsqz.example/privqz/dirqz/",
    "http://pagesqz.example/albumqz/42.html?id=7",
    "http://198.51.100.9/shareqz/",
]


@pytest.fixture(scope="module")
def bundle_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return compile_lists(tmp_path_factory.mktemp("b"), {"hotline": (LISTED, Action.BLOCK)})


def _resign(data: bytes, mutate_payload: bytes) -> bytes:
    """A bundle whose payload is ``mutate_payload``, correctly signed by the test key."""
    envelope = fmt.ENVELOPE.pack(fmt.MAGIC, 1, 1, 0, data[16:24], len(mutate_payload))
    signed = envelope + mutate_payload
    return signed + TEST_KEY.sign(signed)


def _payload(data: bytes) -> bytearray:
    return bytearray(data[fmt.ENVELOPE.size : -fmt.SIGNATURE_BYTES])


def test_a_valid_bundle_opens(bundle_bytes: bytes) -> None:
    assert open_bytes(bundle_bytes).entry_count == len(LISTED)


def test_flipping_any_single_byte_is_refused(bundle_bytes: bytes) -> None:
    rng = random.Random(5)
    positions = sorted(
        set(range(200))
        | {rng.randrange(len(bundle_bytes)) for _ in range(400)}
        | set(range(len(bundle_bytes) - 80, len(bundle_bytes)))
    )
    for position in positions:
        tampered = bytearray(bundle_bytes)
        tampered[position] ^= 1 << rng.randrange(8)
        with pytest.raises(linkscreen.BundleError):
            open_bytes(bytes(tampered))


def test_bundle_signed_by_unknown_key_is_refused(tmp_path: Path) -> None:
    data = compile_lists(tmp_path, {"x": (LISTED, Action.BLOCK)}, key=OTHER_KEY)
    with pytest.raises(linkscreen.UnknownSigningKeyError, match="unknown key"):
        open_bytes(data)


def test_key_id_swapped_to_a_trusted_key_fails_the_signature(tmp_path: Path) -> None:
    data = bytearray(compile_lists(tmp_path, {"x": (LISTED, Action.BLOCK)}, key=OTHER_KEY))
    data[16:24] = linkscreen.keys.key_id_of(TEST_KEY.public_key())
    with pytest.raises(linkscreen.BundleSignatureError):
        open_bytes(bytes(data))


@pytest.mark.parametrize("cut", [0, 1, 31, 32, 95, 96, 200, -65, -1])
def test_truncated_bundle_is_refused(bundle_bytes: bytes, cut: int) -> None:
    with pytest.raises(linkscreen.BundleCorruptError):
        open_bytes(bundle_bytes[:cut])


def test_trailing_bytes_are_refused(bundle_bytes: bytes) -> None:
    with pytest.raises(linkscreen.BundleCorruptError, match="payload length"):
        open_bytes(bundle_bytes + b"\0")


def test_not_a_bundle(tmp_path: Path) -> None:
    with pytest.raises(linkscreen.BundleCorruptError, match="magic"):
        open_bytes(b"PK\x03\x04" + bytes(200))
    empty = tmp_path / "empty.bundle"
    empty.write_bytes(b"")
    with pytest.raises(linkscreen.BundleCorruptError, match="truncated"):
        linkscreen.Bundle.open(empty, [TEST_PUBLIC])


def test_unsupported_envelope_version_is_refused(bundle_bytes: bytes) -> None:
    data = bytearray(bundle_bytes)
    data[8:10] = struct.pack("<H", 2)
    with pytest.raises(linkscreen.UnsupportedBundleVersionError, match="envelope version 2"):
        open_bytes(bytes(data))


@pytest.mark.parametrize(("algorithm", "reserved"), [(2, 0), (0, 0), (1, 1)])
def test_an_unknown_signature_algorithm_is_refused_even_when_signed(
    bundle_bytes: bytes, algorithm: int, reserved: int
) -> None:
    """The signature covers the envelope, so this bundle's Ed25519 signature verifies: the
    algorithm field (and the reserved one) must still be refused on their own."""
    payload = bytes(_payload(bundle_bytes))
    envelope = fmt.ENVELOPE.pack(
        fmt.MAGIC, 1, algorithm, reserved, bundle_bytes[16:24], len(payload)
    )
    signed = envelope + payload
    with pytest.raises(linkscreen.BundleCorruptError, match="signature algorithm"):
        open_bytes(signed + TEST_KEY.sign(signed))


def test_unsupported_format_version_is_refused(bundle_bytes: bytes) -> None:
    payload = _payload(bundle_bytes)
    payload[0:2] = struct.pack("<H", 99)
    with pytest.raises(linkscreen.UnsupportedBundleVersionError, match="format version 99"):
        open_bytes(_resign(bundle_bytes, bytes(payload)))


def test_other_canonicalisation_version_is_refused(bundle_bytes: bytes) -> None:
    payload = _payload(bundle_bytes)
    payload[2:4] = struct.pack("<H", 77)
    with pytest.raises(linkscreen.UnsupportedBundleVersionError, match="canonicalisation"):
        open_bytes(_resign(bundle_bytes, bytes(payload)))


@pytest.mark.parametrize(
    ("offset", "value", "message"),
    [
        (4, struct.pack("<H", 65), "sections exceeds"),
        (52, struct.pack("<I", 0), "Bloom parameters"),
        (56, struct.pack("<Q", 2**40), "BLOOM section"),
        (64, struct.pack("<Q", 2**50), "FINGERPRINTS section"),
        (72, struct.pack("<I", 3), "do not fit"),
        (128 + 8, struct.pack("<Q", 2**60), "does not start where the layout says"),
    ],
)
def test_signed_but_malformed_payload_is_refused_before_use(
    bundle_bytes: bytes, offset: int, value: bytes, message: str
) -> None:
    """Even a correctly signed payload gets every size bounded before it is trusted."""
    payload = _payload(bundle_bytes)
    payload[offset : offset + len(value)] = value
    with pytest.raises(linkscreen.BundleCorruptError, match=message):
        open_bytes(_resign(bundle_bytes, bytes(payload)))


def test_no_listed_url_host_or_path_appears_in_the_bundle(bundle_bytes: bytes) -> None:
    needles = set()
    for url in LISTED:
        canonical = linkscreen.canonicalize(url)
        host, _, rest = canonical.split("://", 1)[1].partition("/")
        needles |= {url, canonical, host, "/" + rest} | set(host.split("."))
        needles |= {segment for segment in rest.split("/") if len(segment) >= 3}
    lowered = bundle_bytes.lower()
    needles = {n for n in needles if len(n) >= 4} - {"example"}
    assert len(needles) > 10
    for needle in needles:
        assert needle.lower().encode() not in lowered, needle


def test_bloom_hit_without_fingerprint_is_allow(tmp_path: Path) -> None:
    """Forgery: an expression that passes the Bloom filter but is not listed gets allow."""
    many = [f"http://listed{i}.example/p/{i}" for i in range(300)]
    data = compile_lists(tmp_path, {"hotline": (many, Action.BLOCK)}, fpr=0.5)
    bundle = open_bytes(data)
    header = bundle.header
    matcher = linkscreen.Matcher(bundle)
    bloom = bundle.payload.bloom
    rng = random.Random(11)
    forged = 0
    for _ in range(400):
        host = f"{rng.getrandbits(48):012x}.example"
        raw = f"{host}/".encode()
        positions = fmt.bloom_positions(raw, header.bloom_seed, header.bloom_k, header.bloom_bits)
        if all(bloom[p >> 3] >> (p & 7) & 1 for p in positions):
            forged += 1
            assert matcher.check_url(f"http://{host}/").action is linkscreen.Action.ALLOW
    assert forged > 100, "the test needs Bloom false positives to be meaningful"


def test_every_listed_entry_still_matches_after_the_forgery_setup(tmp_path: Path) -> None:
    bundle = open_bytes(compile_lists(tmp_path, {"hotline": (LISTED, Action.BLOCK)}, fpr=0.5))
    matcher = linkscreen.Matcher(bundle)
    assert all(matcher.check_url(url).action is linkscreen.Action.BLOCK for url in LISTED)
