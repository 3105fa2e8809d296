"""A listed host behind more userinfo than the host-only reading scans (attack 11, M4).

``http://`` + 33,000 characters + ``@listed.example/`` is past the 32 KiB canonicaliser limit,
and the host-only fallback reads 4,096 characters, all userinfo: the host is now read from
after the authority's last ``@``, in the reference and in the C core alike.
"""

from __future__ import annotations

import random

import pytest

import linkscreen
from linkscreen import Action, _probe
from linkscreen.canonical import HOST_SCAN_CHARS, host_only_variants

from bundles import compile_lists, open_bytes


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    data = compile_lists(
        tmp_path_factory.mktemp("long-userinfo"),
        {"hotline": (["http://bad.example/"], Action.BLOCK)},
    )
    return linkscreen.Matcher(open_bytes(data))


SHAPES = [
    "http://" + "a" * 33_000 + "@bad.example/",
    "http://" + "a" * 33_000 + "@bad.example",
    "https://" + "u:p" * 3_000 + "@x@bad.example:8080/" + "p" * 40_000,
    "hxxp://" + "a" * 33_000 + "@bad.example/x",
    "http://" + "a" * 33_000 + "@sub.bad.example/?q=1",
]


@pytest.mark.parametrize("url", SHAPES, ids=range(len(SHAPES)))
def test_listed_host_behind_long_userinfo_blocks(matcher: linkscreen.Matcher, url: str) -> None:
    verdict = matcher.check_url(url)
    assert verdict.action is Action.BLOCK
    assert verdict.host_only
    assert not verdict.complete
    findings = matcher.scan_text(url)
    assert findings.action is Action.BLOCK


def test_unlisted_host_behind_long_userinfo_is_incomplete(matcher: linkscreen.Matcher) -> None:
    verdict = matcher.check_url("http://" + "a" * 33_000 + "@fine.example/")
    assert verdict.action is Action.WARN
    assert verdict.host_only
    assert verdict.canonical is None
    assert verdict.expressions == ("fine.example/",)


def test_an_at_in_the_path_is_no_userinfo() -> None:
    """Only the authority's '@' counts: past the first '/', '?' or '#' it is the path."""
    for url in (
        "http://" + "a" * 5_000 + "/x@bad.example/",
        "http://" + "a" * 5_000 + "?x@bad.example/",
        "http://" + "a" * 5_000 + "#x@bad.example/",
    ):
        with pytest.raises(linkscreen.InvalidURLError):
            host_only_variants(url)
    assert host_only_variants("http://u@" + "a" * 40 + ".example/") == [
        "http://" + "a" * 40 + ".example/"
    ]


@pytest.mark.skipif(not _probe.NATIVE_AVAILABLE, reason="C core not built")
def test_c_core_reads_the_same_hosts() -> None:
    rng = random.Random(7)
    urls = list(SHAPES)
    for _ in range(200):
        userinfo = "".join(rng.choice("ab:@%/\\?#é ") for _ in range(rng.randint(1, 40)))
        pad = "x" * rng.choice([10, HOST_SCAN_CHARS - 20, HOST_SCAN_CHARS + 5, 20_000, 40_000])
        scheme = rng.choice(["http://", "https:\\\\", "", "  hxxp://", "http:///"])
        urls.append(f"{scheme}{pad}{userinfo}@Bad.Example{rng.choice(['', '/', ':99/', '?q'])}")
    for url in urls:
        try:
            want: list[str] | str = host_only_variants(url)
        except linkscreen.InvalidURLError as exc:
            want = type(exc).__name__
        try:
            got: list[str] | str = _probe.host_only_variants(url)
        except linkscreen.InvalidURLError as exc:
            got = type(exc).__name__
        assert got == want, url[:60]
