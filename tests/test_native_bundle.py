"""The C bundle reader (``ls_bundle``) and what the Matcher gets from it.

Every bundle the Python reader's own tests open is opened by the C reader as well
(tests/native_reader_diff.py, wired in conftest.py); here: the vector bundles read the same in
both, the signature hook decides (and an error inside it is a refusal), the shortener check
equals ``shortener_of``, and Matchers on format 1, 2 and bucketed bundles answer as the pure
path does.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

import linkscreen
from linkscreen import _probe
from linkscreen.keys import trusted_keys
from linkscreen.shortlinks import shortener_of

import url_corpus

pytestmark = pytest.mark.skipif(not _probe.NATIVE_AVAILABLE, reason="C core not built")

VECTORS = Path(__file__).parent / "vectors"
KEY = VECTORS / "test-signing.pub"
FILES = ["tiny.bundle", "tiny-v1.bundle", "tiny-p1.bundle", "tiny-p2.bundle"]


def _keys() -> Any:
    return trusted_keys([KEY])


@pytest.mark.parametrize("name", FILES)
def test_the_vector_bundles_read_the_same_in_c(name: str) -> None:
    data = (VECTORS / name).read_bytes()
    python = linkscreen.Bundle.from_bytes(data, [KEY])
    c = _probe.NativeBundle.open(data, _keys())
    info = c.info()
    header = python.header
    assert info["fingerprint_count"] == header.fingerprint_count
    assert info["salt"] == header.salt
    assert info["psl_version"] == header.psl_version
    assert info["key_id"] == python.key_id
    assert info["psl_embedded"] == python.psl_embedded
    assert c.lists() == python.lists
    assert [c.row_list(row) for row in range(header.fingerprint_count)] == [
        python.payload.tag(row) for row in range(header.fingerprint_count)
    ]
    if python.psl_embedded:
        assert c.rule_count() == python.public_suffix_list.rules.rule_count


def test_the_hook_decides_and_an_error_in_it_is_a_refusal() -> None:
    data = (VECTORS / "tiny.bundle").read_bytes()

    class Exploding(dict[bytes, Any]):
        def get(self, key: bytes, default: Any = None) -> Any:
            raise RuntimeError("the platform's verifier failed")

    with pytest.raises(linkscreen.BundleSignatureError, match="hook failed") as refused:
        _probe.NativeBundle.open(data, Exploding())
    assert isinstance(refused.value.__cause__, RuntimeError)
    with pytest.raises(linkscreen.UnknownSigningKeyError):
        _probe.NativeBundle.open(data, {})
    tampered = bytearray(data)
    tampered[-1] ^= 1
    with pytest.raises(linkscreen.BundleSignatureError):
        _probe.NativeBundle.open(bytes(tampered), _keys())
    with pytest.raises(linkscreen.HashMismatchError):
        _probe.NativeBundle.from_payload(data[32:-64], bytes(32))


def test_shortened_links_agree_with_shortener_of() -> None:
    bundle = linkscreen.Bundle.open(VECTORS / "tiny.bundle", [KEY])
    c = _probe.NativeBundle.open((VECTORS / "tiny.bundle").read_bytes(), _keys())
    domains = bundle.shortener_domains
    assert domains
    rng = random.Random(3)
    hosts = [*domains, *(f"www.{d}" for d in domains), *(d.split(".", 1)[-1] for d in domains)]
    hosts += ["example", "short.example.test", "xshort.example", "localhost", "[::1]"]
    tails = ["/", "/?", "/?q", "/abc", "/a/b?c=d", "//"]
    urls = [f"http://{h}{t}" for h in hosts for t in tails]
    urls += [
        linkscreen.canonicalize(url)
        for url in (url_corpus.generated(rng) for _ in range(2000))
        if _readable(url)
    ]
    assert [u for u in urls if c.is_shortened(u) != (shortener_of(u, domains) is not None)] == []
    assert any(c.is_shortened(u) for u in urls)


def _readable(url: str) -> bool:
    try:
        linkscreen.canonicalize(url)
    except linkscreen.InvalidURLError:
        return False
    return True


@pytest.mark.parametrize("name", FILES)
def test_matchers_on_every_vector_bundle_agree(name: str, monkeypatch: Any) -> None:
    """Format 1 (the app's list stands in for the missing PSL section), 2, p = 1, p = 2."""
    bundle = linkscreen.Bundle.open(VECTORS / name, [KEY])
    monkeypatch.setenv("LINKSCREEN_PURE", "1")
    pure = linkscreen.Matcher(bundle)
    monkeypatch.setenv("LINKSCREEN_PURE", "0")
    native = linkscreen.Matcher(bundle)
    assert native.uses_native
    assert not pure.uses_native
    records = json.loads((VECTORS / "url_path.json").read_text())
    urls = [bytes.fromhex(r["url_hex"]).decode("utf-8", "surrogateescape") for r in records]
    urls += [v["url"] for v in json.loads((VECTORS / "expected.json").read_text())]
    urls += ["http://short.example/abc", "http://tiny.test/x?y", *url_corpus.feed(300)]
    assert [u for u in urls if pure.check_url(u) != native.check_url(u)] == []
    assert any(native.check_url(u).matches for u in urls)


def _with_section(section_id: int, data: bytes) -> bytes:
    """tiny.bundle's payload with ``data`` as section ``section_id``, signed by the test key."""
    from linkscreen.bundle import format as fmt

    from bundle_parts import resign

    payload = fmt.parse_payload((VECTORS / "tiny.bundle").read_bytes()[32:-64])
    sections = {sid: bytes(payload.section(sid) or b"") for sid in payload.sections}
    sections[section_id] = data
    return resign(fmt.assemble_payload(payload.header, sections))


def _both(data: bytes) -> tuple[type[BaseException] | None, type[BaseException] | None]:
    from bundles import TEST_PUBLIC

    answers: list[type[BaseException] | None] = []
    for reader in ("python", "c"):
        try:
            if reader == "python":
                linkscreen.Bundle.from_bytes(data, [TEST_PUBLIC])
            else:
                _probe.NativeBundle.open(data, trusted_keys([TEST_PUBLIC]))
            answers.append(None)
        except linkscreen.LinkscreenError as exc:
            answers.append(type(exc))
    return answers[0], answers[1]


def test_redirect_rule_sections_are_judged_alike() -> None:
    """Section 8 in canonical form or not: the C reader refuses exactly what Python does."""
    good = [b"a.test /x u percent\n", b"a.test /x u percent\nb.test /r/* to,u base64url\n"]
    bad = [
        b"a.test /x u percent", b"b.test /x u percent\na.test /x u percent\n",
        b"a.test /x u percent\na.test /x u percent\n", b"a.test  /x u percent\n",
        b"A.test /x u percent\n", b"a.test /x u\n", b"a.test x u percent\n",
        b"a.test /x u rot13\n", b"a.test /x u, percent\n", b"a.test /x ,u percent\n",
        b"a.test /x u,,v percent\n", b"a.test /x# u percent\n", b"a.test /x\tu percent\n",
        "a.t\u00e9st /x u percent\n".encode(), b"\n", b"", b" a.test /x u percent\n",
        b"a.test /x u percent \n", b"a.test /x u percent extra\n",
        b"a.test /" + b"x" * 1100 + b" u percent\n",
        b"".join(b"a%05d.test /x u percent\n" % i for i in range(4097)),
    ]  # fmt: skip
    for section in good:
        assert _both(_with_section(8, section)) == (None, None), section
    for section in bad:
        python, c = _both(_with_section(8, section))
        assert python is linkscreen.BundleCorruptError, section[:60]
        assert c is python, section[:60]


def test_default_locale_sections_are_judged_alike() -> None:
    """Section 9: one str per list, empty or a locale of that list's messages, <= 64 chars."""
    import struct

    def strs(*values: str) -> bytes:
        return b"".join(struct.pack("<H", len(v.encode())) + v.encode() for v in values)

    bundle = linkscreen.Bundle.open(VECTORS / "tiny.bundle", [KEY])
    named = [info.deterrence[0][0] if info.deterrence else "" for info in bundle.lists]
    assert any(named)
    accepted = _with_section(9, strs(*named))
    assert _both(accepted) == (None, None)
    python = linkscreen.Bundle.from_bytes(accepted, [KEY])
    c = _probe.NativeBundle.open(accepted, _keys())
    assert c.lists() == python.lists
    assert any(info.default_locale for info in c.lists())
    wrong = ["xx-YY" if name else "" for name in named]
    for section in [strs(*wrong), strs(*named) + b"\0", strs(*named)[:-1], strs("x" * 65, "")]:
        python_answer, c_answer = _both(_with_section(9, section))
        assert python_answer is linkscreen.BundleCorruptError, section[:40]
        assert c_answer is python_answer, section[:40]
