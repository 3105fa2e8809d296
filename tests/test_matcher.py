"""Matcher verdicts: severity, match kinds, every reading checked, staleness, threads."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import linkscreen
from linkscreen import Action, MatchKind
from linkscreen._probe import NATIVE_AVAILABLE

from bundles import compile_lists, open_bytes

BLOCK = [
    "http://bad.example/",
    "http://paths.example/private/",
    "http://pages.example/album/42",
    "http://192.0.2.55/",
    "http://good.example/",  # listed on both lists: block wins over warn
]
WARN = ["http://watch.test/maybe/", "http://good.example/"]


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    data = compile_lists(
        tmp_path_factory.mktemp("m"),
        {"hotline": (BLOCK, Action.BLOCK), "watch": (WARN, Action.WARN)},
    )
    return linkscreen.Matcher(open_bytes(data))


@pytest.mark.parametrize(
    ("url", "action", "kind"),
    [
        ("http://bad.example/", Action.BLOCK, MatchKind.HOST),
        ("https://deep.sub.bad.example/x/y?z", Action.BLOCK, MatchKind.HOST),
        ("http://paths.example/private/a/b.jpg", Action.BLOCK, MatchKind.PATH_PREFIX),
        ("http://paths.example/public/", Action.ALLOW, None),
        ("http://pages.example/album/42", Action.BLOCK, MatchKind.EXACT),
        ("http://pages.example/album/42?utm=1", Action.BLOCK, MatchKind.EXACT),
        ("http://pages.example/album/43", Action.ALLOW, None),
        ("http://3221226039/anything", Action.BLOCK, MatchKind.HOST),
        ("http://watch.test/maybe/later", Action.WARN, MatchKind.PATH_PREFIX),
        ("http://notbad.example/", Action.ALLOW, None),
        ("http://bad.example.evil.test/", Action.ALLOW, None),
    ],
)
def test_verdict(
    matcher: linkscreen.Matcher, url: str, action: Action, kind: MatchKind | None
) -> None:
    verdict = matcher.check_url(url)
    assert verdict.action is action
    assert verdict.match is kind
    assert verdict.canonical == linkscreen.canonicalize(url)
    assert 1 <= len(verdict.expressions) <= linkscreen.MAX_EXPRESSIONS


def test_most_severe_action_wins_and_all_lists_are_named(matcher: linkscreen.Matcher) -> None:
    verdict = matcher.check_url("http://www.good.example/x")
    assert verdict.action is Action.BLOCK
    assert verdict.lists == ("hotline", "watch")
    assert [m.action for m in verdict.matches] == [Action.BLOCK, Action.WARN]


def test_every_reading_is_checked(matcher: linkscreen.Matcher) -> None:
    # A browser goes to innocent.test; an RFC parser to bad.example: both are checked.
    assert matcher.check_url("http://innocent.test\\@bad.example/").action is Action.BLOCK
    assert matcher.check_url("http://bad.example%2F@innocent.test/").action is Action.BLOCK


def test_unreadable_url_is_allow_with_the_reason(matcher: linkscreen.Matcher) -> None:
    verdict = matcher.check_url("javascript:alert(1)")
    assert verdict.action is Action.ALLOW
    assert verdict.error is not None
    assert "web scheme" in verdict.error


def test_verdict_to_dict_is_json_ready(matcher: linkscreen.Matcher) -> None:
    record = matcher.check_url("http://bad.example/x").to_dict()
    assert record["action"] == "block"
    assert record["lists"] == ["hotline"]
    assert record["matches"][0]["expression"] == "bad.example/"


def test_staleness_is_a_status_not_an_error(tmp_path: Path) -> None:
    data = compile_lists(tmp_path, {"h": (BLOCK, Action.BLOCK)}, lifetime_s=60)
    bundle = open_bytes(data)
    assert bundle.is_stale(now=bundle.created + 61)
    assert not bundle.is_stale(now=bundle.created + 59)
    assert bundle.stale  # created in 2026-01 with a 60 s lifetime
    assert linkscreen.Matcher(bundle).check_url("http://bad.example/").action is Action.BLOCK


def test_thread_safe(matcher: linkscreen.Matcher) -> None:
    urls = [
        f"http://h{i}.bad.example/p" if i % 3 == 0 else f"http://h{i}.ok.test/" for i in range(600)
    ]
    expected = [matcher.check_url(url).action for url in urls]
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(3):
            assert list(pool.map(lambda u: matcher.check_url(u).action, urls)) == expected


def test_backend_follows_the_environment(matcher: linkscreen.Matcher) -> None:
    forced_pure = os.environ.get("LINKSCREEN_PURE") == "1"
    assert matcher.uses_native == (NATIVE_AVAILABLE and not forced_pure)
