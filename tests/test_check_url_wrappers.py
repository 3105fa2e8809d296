"""``Matcher.check_url`` reads redirect wrappers as ``scan_text`` does (attack M8).

Before, ``check_url("https://www.google.com/url?q=http://listed.example/x")`` answered
``allow`` while ``scan_text`` of the same link blocked it (its wrapper reading). Now a target
that answers more severely answers for the wrapper, with technique ``wrapper`` and a note
naming the target; the C screen's LS_SCREEN_WRAPPED and ``_wrappers.scan_may_wrap`` keep
ordinary URLs off that path.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import linkscreen
from linkscreen import Action, Signal, Technique, _probe
from linkscreen._wrappers import default_rules, scan_may_wrap, targets

from bundles import compile_lists, open_bytes

VECTORS = Path(__file__).parent / "vectors"
LISTED = ["http://listed.example/", "http://wrap.example/"]
B64 = base64.urlsafe_b64encode(b"https://listed.example/x").decode().rstrip("=")

#: (wrapper URL, the target that matched)
WRAPPED = [
    ("https://www.google.com/url?q=http://listed.example/x", "http://listed.example/x"),
    (
        "https://l.facebook.com/l.php?u=http%3A%2F%2Flisted.example%2Fx&h=AT0",
        "http://listed.example/x",
    ),
    (
        "https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Flisted.example%2Fx&data=05",
        "https://listed.example/x",
    ),
    ("https://vk.com/away.php?to=http%3A%2F%2Flisted.example%2F", "http://listed.example/"),
    ("https://web.archive.org/web/2020/https://listed.example/x", "https://listed.example/x"),
    ("https://any.example/r?target=https://listed.example/x", "https://listed.example/x"),
    ("https://WWW.GOOGLE.COM/url?q=HTTP://LISTED.EXAMPLE/x", "HTTP://LISTED.EXAMPLE/x"),
    ("https://urldefense.com/v3/__https://listed.example/x__;!!abc", "https://listed.example/x"),
    (
        "https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.google.com%2Furl"
        "%3Fq%3Dhttp%253A%252F%252Flisted.example%252Fx",
        "http://listed.example/x",
    ),
]


@pytest.fixture(scope="module")
def bundle_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    lists = {"hotline": (LISTED, Action.BLOCK), "watch": (["http://watch.test/"], Action.WARN)}
    return compile_lists(tmp_path_factory.mktemp("wrappers"), lists)


@pytest.fixture(scope="module", params=["native", "pure"])
def matcher(request: pytest.FixtureRequest, bundle_bytes: bytes) -> linkscreen.Matcher:
    if request.param == "native" and not _probe.NATIVE_AVAILABLE:
        pytest.skip("C core not built")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LINKSCREEN_PURE", "1" if request.param == "pure" else "0")
        found = linkscreen.Matcher(open_bytes(bundle_bytes))
    assert found.uses_native is (request.param == "native")
    return found


@pytest.mark.parametrize(("url", "target"), WRAPPED)
def test_a_wrapped_listed_link_blocks_and_names_its_target(
    matcher: linkscreen.Matcher, url: str, target: str
) -> None:
    verdict = matcher.check_url(url)
    assert verdict.action is Action.BLOCK, verdict
    assert verdict.lists == ("hotline",)
    assert Technique.WRAPPER in verdict.techniques
    assert verdict.url == url
    assert verdict.complete
    assert f"the redirect target {target!r} answered block (hotline)" in verdict.notes
    assert "listed.example/" in verdict.expressions  # what matched was checked
    assert matcher.scan_text(url).action is Action.BLOCK  # as the scan answers


@pytest.mark.parametrize(("url", "target"), WRAPPED)
def test_both_paths_answer_alike(bundle_bytes: bytes, url: str, target: str) -> None:
    answers = set()
    for pure in ("0", "1") if _probe.NATIVE_AVAILABLE else ("1",):
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("LINKSCREEN_PURE", pure)
            verdict = linkscreen.Matcher(open_bytes(bundle_bytes)).check_url(url)
        answers.add((verdict.action, verdict.lists, verdict.canonical, verdict.expressions,
                     verdict.techniques, verdict.signals, verdict.notes))  # fmt: skip
    assert len(answers) == 1, answers


def test_a_warn_target_warns(matcher: linkscreen.Matcher) -> None:
    verdict = matcher.check_url("https://www.google.com/url?q=http://watch.test/x")
    assert verdict.action is Action.WARN
    assert verdict.lists == ("watch",)


def test_an_unlisted_target_leaves_the_verdict_alone(matcher: linkscreen.Matcher) -> None:
    verdict = matcher.check_url("https://www.google.com/url?q=http://fine.example/x")
    assert verdict.action is Action.ALLOW
    assert verdict.techniques == ()
    assert verdict.complete


def test_a_listed_wrapper_stays_blocked_whatever_its_target(matcher: linkscreen.Matcher) -> None:
    verdict = matcher.check_url("https://wrap.example/url?q=http://fine.example/x")
    assert verdict.action is Action.BLOCK
    assert verdict.lists == ("hotline",)


#: Targets that only scan_text read until attack 16 (ADR 0028): no scheme or escape marks them;
#: the C screen now tests the URL's host against the rules' hosts (LS_SCREEN_WRAPPED).
SCAN_ONLY = [
    "https://www.google.co.uk/url?q=listed.example/x&sa=D",
    f"https://www.bing.com/ck/a?u=a1{B64}&ntb=1",
    "https://a.example/go?u=www.listed.example/x",
]


@pytest.mark.parametrize("url", SCAN_ONLY)
def test_targets_without_a_mark_are_read_by_the_scan(matcher: linkscreen.Matcher, url: str) -> None:
    assert matcher.scan_text(url).action is Action.BLOCK
    assert matcher.check_url(url).action is Action.BLOCK  # the gap of ADR 0028, closed
    assert scan_may_wrap(url, default_rules())
    assert not _screened_plain(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://a.example/?u=" + "https://b.example/?u=" * 5 + "http://listed.example/",
        "https://a.example/?" + "&".join(f"u{i}=https://b{i}.example/" for i in range(40)),
    ],
)
def test_a_target_left_unread_is_incomplete_as_in_the_scan(
    matcher: linkscreen.Matcher, url: str
) -> None:
    verdict = matcher.check_url(url)
    assert not verdict.complete
    assert Signal.UNCHECKED in verdict.signals
    assert verdict.action is Action.WARN
    assert any(note.startswith("not checked: ") for note in verdict.notes)
    assert not matcher.scan_text(url).complete


# ---- the cheap pre-test never skips a URL that carries a target --------------------------

_PIECES = st.sampled_from(
    ["http", "https", "HTTP", "ftp", ":", "%3A", "%3a", "%2F", "%25", "%68", "%77", "/", "//",
     "?", "&", "=", "#", ".", "www.", "WWW.", "__", "@", "a", "b.example", "listed.example",
     "www.google.com", "google.co.uk", "url", "q", "u", "l.facebook.com", "l.php", "vk.com",
     "away.php", "to", "www.bing.com", "ck", "a1", "urldefense.com", "v3", "href.li", "8080",
     "aHR0cHM6Ly9", "SFRUUDov", "Ly9", "R0", "RU", "google.com.", "amp/", "s/",
     "x.cdn.ampproject.org", "c/", "[.]", "%5B.%5D", "%E3%80%82", "user@", "__;Lg!!", "*",
     "%2E", "%77", "%20"]
)  # fmt: skip


_SCREEN: list[object] = []


def _screened_plain(url: str) -> bool:
    """Whether the C core's screen answered ``url`` as plain (a bool: no wrapper path)."""
    if not _probe.NATIVE_AVAILABLE:
        return False
    if not _SCREEN:
        keys = [VECTORS / "test-signing.pub"]
        probe = _probe.NativeProbe(linkscreen.Bundle.open(VECTORS / "tiny.bundle", keys))
        # the hosts the matcher gives it (matcher.Matcher.__init__)
        probe.set_wrapper_hosts([*(r.host for r in default_rules()), "*.urldefense.com"])
        _SCREEN.append(probe)
    found = _SCREEN[0].screen(url)  # type: ignore[attr-defined]
    return found is True or found is False


@given(st.lists(_PIECES, max_size=14).map(lambda pieces: "https://" + "".join(pieces)))
def test_every_url_with_a_target_passes_the_pre_test(url: str) -> None:
    rules = default_rules()
    if targets(url, rules):  # any target at all (attack 16: with a scheme or not)
        assert scan_may_wrap(url, rules), url
        assert not _screened_plain(url), url  # the C flag passes a superset of it


@pytest.mark.parametrize(("url", "target"), WRAPPED)
def test_the_pre_test_passes_every_wrapper(url: str, target: str) -> None:
    assert scan_may_wrap(url, default_rules())
    assert not _screened_plain(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://a.example/login/index.html",
        "https://a.example/p?id=5&t=1",
        "http://h1x2.example.co.uk/wp/content/files",
        "https://a.example/search?q=cats&lang=en.GB",
    ],
)
def test_ordinary_urls_skip_the_unwrapping(url: str) -> None:
    assert not scan_may_wrap(url, default_rules())
    if _probe.NATIVE_AVAILABLE:
        assert _screened_plain(url)  # the C core answers them in its one call
