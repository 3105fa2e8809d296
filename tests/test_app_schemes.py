"""App-launch schemes are read to the web URL they open; an unknown scheme is never a silent
allow (ADR 0027, issue 9 "Fail closed, no blind spots" and "Scheme repair").

The attack: ``intent://bad.example/x#Intent;scheme=https;...;end``, ``microsoft-edge:``,
``googlechromes://`` and friends open a listed page in a browser, while ``check_url``
answered ``allow`` with an error because the canonicaliser refuses every non-web scheme.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import linkscreen
from linkscreen import Action, Signal, Technique
from linkscreen._appschemes import app_link

from bundles import TEST_PUBLIC, compile_lists, open_bytes

LISTED = "qzvkt.example"
FALLBACK = "https%3A%2F%2Fqzvkt.example%2Fx"

#: Each documented app-launch form, and the web URL it opens.
APP_URLS = [
    (f"intent://{LISTED}/x#Intent;scheme=https;package=com.android.chrome;end", "https"),
    (f"intent://fine.example/y#Intent;scheme=https;S.browser_fallback_url={FALLBACK};end", "https"),
    (f"intent:#Intent;scheme=zxing;S.browser_fallback_url={FALLBACK};end", "https"),
    (f"INTENT://{LISTED}/x#Intent;scheme=http;end", "http"),
    (f"microsoft-edge:https://{LISTED}/x", "https"),
    (f"microsoft-edge:{LISTED}/x", "http"),
    (f"microsoft-edge:googlechromes://{LISTED}/x", "https"),
    (f"googlechrome://{LISTED}/x", "http"),
    (f"googlechromes://{LISTED}/x", "https"),
    (f"firefox://open-url?url=https%3A%2F%2F{LISTED}%2Fx", "https"),
    (f"firefox://open-url?url=https://{LISTED}/x", "https"),
    (f"firefox-focus://open-url?url=https://{LISTED}/x", "https"),
    (f"brave://open-url?url=https%3A%2F%2F{LISTED}%2Fx", "https"),
    (f"opera://open-url?url=https://{LISTED}/x", "https"),
    (f"opera-http://{LISTED}/x", "http"),
    (f"opera-https://{LISTED}/x", "https"),
    (f"x-safari-https://{LISTED}/x", "https"),
]


def _bundle(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Bundle:
    data = compile_lists(
        tmp_path_factory.mktemp("app-schemes"), {"hotline": ([f"{LISTED}/"], Action.BLOCK)}
    )
    return open_bytes(data)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Bundle:
    return _bundle(tmp_path_factory)


@pytest.fixture(scope="module")
def matcher(bundle: linkscreen.Bundle) -> linkscreen.Matcher:
    return linkscreen.Matcher(bundle)


class TestCheckUrl:
    @pytest.mark.parametrize(("url", "scheme"), APP_URLS)
    def test_app_launch_url_is_checked_as_the_web_url_it_opens(
        self, matcher: linkscreen.Matcher, url: str, scheme: str
    ) -> None:
        verdict = matcher.check_url(url)
        assert verdict.action is Action.BLOCK, verdict
        assert verdict.lists == ("hotline",)
        assert Technique.APP_SCHEME in verdict.techniques
        assert verdict.complete
        assert verdict.error is None
        assert any("app-launch URL" in note for note in verdict.notes)
        if LISTED in url.split("#")[0].split("?")[0]:
            assert verdict.canonical == f"{scheme}://{LISTED}/x"

    def test_unlisted_app_launch_url_is_a_complete_allow(self, matcher: linkscreen.Matcher) -> None:
        verdict = matcher.check_url("googlechromes://fine.example/x")
        assert verdict.action is Action.ALLOW
        assert verdict.complete
        assert verdict.canonical == "https://fine.example/x"
        assert Technique.APP_SCHEME in verdict.techniques

    def test_intent_for_another_app_without_a_web_url_is_allow_with_the_reason(
        self, matcher: linkscreen.Matcher
    ) -> None:
        verdict = matcher.check_url("intent://scan/#Intent;scheme=zxing;end")
        assert verdict.action is Action.ALLOW
        assert "zxing" in (verdict.error or "")

    def test_a_browser_feature_link_opens_no_web_url(self, matcher: linkscreen.Matcher) -> None:
        assert app_link("microsoft-edge:?ux=surf_game") == ("microsoft-edge", ())
        assert matcher.check_url("microsoft-edge:?ux=surf_game").action is Action.ALLOW

    def test_nesting_is_bounded_and_says_so(self, matcher: linkscreen.Matcher) -> None:
        url = "microsoft-edge:" * 4 + f"https://{LISTED}/x"
        verdict = matcher.check_url(url)
        assert verdict.action is Action.WARN  # the app's policy for what was not checked
        assert not verdict.complete
        assert any("nested" in note for note in verdict.notes)
        assert matcher.check_url("microsoft-edge:" * 3 + f"https://{LISTED}/x").action is (
            Action.BLOCK
        )

    def test_nesting_past_the_bound_in_a_message_is_noted(
        self, matcher: linkscreen.Matcher
    ) -> None:
        findings = matcher.scan_text("microsoft-edge:" * 4 + "https://fine.example/x")
        assert not findings.complete
        assert findings.action is Action.WARN
        assert any("nested" in note for note in findings.notes)


class TestUnknownScheme:
    @pytest.mark.parametrize(
        "url",
        [f"zzqq://{LISTED}/x", f"zzqq:{LISTED}/x", f"x-safari-http://{LISTED}/x"],
    )
    def test_listed_host_after_an_unknown_scheme_blocks(
        self, matcher: linkscreen.Matcher, url: str
    ) -> None:
        verdict = matcher.check_url(url)
        assert verdict.action is Action.BLOCK
        assert Signal.UNKNOWN_SCHEME in verdict.signals
        assert not verdict.complete
        assert Technique.SCHEME_REPAIR in verdict.techniques
        assert any("does not know" in note for note in verdict.notes)

    def test_unlisted_host_after_an_unknown_scheme_follows_the_app_policy(
        self, bundle: linkscreen.Bundle
    ) -> None:
        for policy in Action:
            verdict = linkscreen.Matcher(bundle, incomplete_action=policy).check_url(
                "zzqq://fine.example/x"
            )
            assert verdict.action is policy
            assert Signal.UNKNOWN_SCHEME in verdict.signals
            assert verdict.canonical == "http://fine.example/x"

    @pytest.mark.parametrize(
        "url",
        [
            "javascript:alert(1)",
            f"mailto:a@{LISTED}",
            f"ssh://{LISTED}/x",
            f"postgres://{LISTED}/db",
            "zzqq:hello",  # no host a link could name
            "spotify:track:abc",
            "tel:5550100",
        ],
    )
    def test_understood_or_hostless_schemes_stay_allow(
        self, matcher: linkscreen.Matcher, url: str
    ) -> None:
        verdict = matcher.check_url(url)
        assert verdict.action is Action.ALLOW
        assert verdict.complete
        assert verdict.error is not None

    def test_a_tool_prefix_on_a_web_scheme_is_that_web_url(
        self, matcher: linkscreen.Matcher
    ) -> None:
        verdict = matcher.check_url(f"git+https://{LISTED}/x")
        assert verdict.action is Action.BLOCK
        assert verdict.complete
        assert matcher.check_url("git+https://fine.example/x").action is Action.ALLOW


class TestScanText:
    @pytest.mark.parametrize(("url", "scheme"), APP_URLS[:-1])
    def test_app_launch_url_in_a_message_names_the_technique(
        self, matcher: linkscreen.Matcher, url: str, scheme: str
    ) -> None:
        findings = matcher.scan_text(f"tap this {url} now")
        assert findings.action is Action.BLOCK
        assert any(
            Technique.APP_SCHEME in f.techniques and f.action is Action.BLOCK for f in findings
        )

    def test_a_config_key_glued_to_a_host_stays_complete(self, matcher: linkscreen.Matcher) -> None:
        # the extractor reads what follows "word:" itself; the unknown-scheme rule is for
        # check_url, where no reading of the rest exists
        findings = matcher.scan_text("server:api.example/v1\nproxy:cache.example/x")
        assert findings.action is Action.ALLOW
        assert findings.complete
        assert matcher.scan_text(f"server:{LISTED}/v1").action is Action.BLOCK

    def test_extract_links_reads_the_opened_url(self) -> None:
        found = linkscreen.extract_links(f"x googlechromes://{LISTED}/x y")
        assert [(c.url, c.techniques) for c in found] == [
            (f"https://{LISTED}/x", (Technique.APP_SCHEME,))
        ]


def test_check_url_agrees_with_the_pure_path(bundle: linkscreen.Bundle, monkeypatch: Any) -> None:
    monkeypatch.setenv("LINKSCREEN_PURE", "1")
    pure = linkscreen.Matcher(bundle)
    monkeypatch.setenv("LINKSCREEN_PURE", "0")
    native = linkscreen.Matcher(bundle)
    assert not pure.uses_native
    if not native.uses_native:
        pytest.skip("the C core is not built")
    urls = [u for u, _ in APP_URLS] + ["zzqq://fine.example/x", f"zzqq:{LISTED}/x", "tel:1"]
    assert [native.check_url(u) for u in urls] == [pure.check_url(u) for u in urls]


def test_cli_check_reports_the_app_scheme(tmp_path: Path) -> None:
    data = compile_lists(tmp_path, {"hotline": ([f"{LISTED}/"], Action.BLOCK)})
    (tmp_path / "b.bundle").write_bytes(data)
    (tmp_path / "k.pub").write_bytes(TEST_PUBLIC)
    bundle, key = tmp_path / "b.bundle", tmp_path / "k.pub"
    command = [sys.executable, "-m", "linkscreen", "check", "--bundle", str(bundle)]
    command += ["--public-key", str(key), f"googlechromes://{LISTED}/x"]
    out = subprocess.run(command, capture_output=True, text=True, check=False)
    record = json.loads(out.stdout.splitlines()[0])
    assert (record["action"], record["techniques"]) == ("block", ["app-scheme"])
