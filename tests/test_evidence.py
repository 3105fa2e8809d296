"""The evidence rule (ADR 0012): when a reading may block, warn or only be reported.

Each scenario pins one branch of ``linkscreen._evidence.weigh``: deleting or inverting any of
its checks fails a test here.
"""

from __future__ import annotations

import pytest

import linkscreen
from linkscreen import Action, Signal

from bundles import compile_lists, open_bytes

HOSTS = ["http://log.in/", "http://group.chat/", "http://kqzv12-xr.example/", "http://bad.example/"]
PAGES = ["http://pages.example/gal/275", "http://log.in/now/"]


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    data = compile_lists(tmp_path_factory.mktemp("ev"), {"h": (HOSTS + PAGES, Action.BLOCK)})
    return linkscreen.Matcher(open_bytes(data))


def _scan(matcher: linkscreen.Matcher, text: str) -> tuple[Action, set[Signal]]:
    findings = matcher.scan_text(text)
    signals = {s for f in findings for s in f.signals}
    matched = [f for f in findings if f.verdict.matches]
    assert matched, f"no reading of {text!r} matched at all"
    return findings.action, signals


class TestProseReadings:
    @pytest.mark.parametrize(
        "text", ["log in/out", "Log In/Log Out please", "I can log in/out", "hello，log。in"]
    )
    def test_word_shaped_prose_on_a_whole_host_is_reported_not_alarmed(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        action, signals = _scan(matcher, text)
        assert action is Action.ALLOW
        assert Signal.PROSE in signals

    def test_prose_that_is_not_words_warns(self, matcher: linkscreen.Matcher) -> None:
        action, signals = _scan(matcher, "look kqzv12-xr example/x9/12")
        assert action is Action.WARN
        assert Signal.HELD_BACK in signals

    @pytest.mark.parametrize(
        "text",
        [
            "pages example/gal/275",  # exact entry
            "log in/now/here",  # path-prefix entry
            "http://log in/out",  # a scheme
            "www.log in/out",  # www.
            "log(dot)in/out",  # a link technique, no prose at all
            "log [.] in / out",  # a link technique next to prose
            "log.in and then log in/out",  # a strict reading of the same entry
        ],
    )
    def test_corroborated_readings_block(self, matcher: linkscreen.Matcher, text: str) -> None:
        assert _scan(matcher, text)[0] is Action.BLOCK

    def test_a_strict_bare_host_blocks(self, matcher: linkscreen.Matcher) -> None:
        assert _scan(matcher, "go to log.in now")[0] is Action.BLOCK


class TestCodeReadings:
    @pytest.mark.parametrize(
        "text",
        [
            "import com.acme.group.chat;",
            "app.group.chat=true",
            "self.group.chat = None",
            "user_profile.group.chat_id = 7",
            "cfg.group.chat: on",
        ],
    )
    def test_code_on_a_whole_host_is_reported_not_alarmed(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        action, signals = _scan(matcher, text)
        assert action is Action.ALLOW
        assert Signal.CODE in signals

    @pytest.mark.parametrize("text", ["see group.chat, it's bad", "https://group.chat/x"])
    def test_the_same_host_in_prose_or_as_a_link_blocks(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        assert _scan(matcher, text)[0] is Action.BLOCK


class TestLookalikes:
    def test_skeleton_hit_warns_never_blocks(self, matcher: linkscreen.Matcher) -> None:
        action, signals = _scan(matcher, "look ʙᴀᴅ.ᴇxᴀᴍᴘʟᴇ/x")
        assert action is Action.WARN
        assert Signal.LOOKALIKE in signals

    def test_written_host_still_blocks_beside_its_skeleton(
        self, matcher: linkscreen.Matcher
    ) -> None:
        assert (
            _scan(matcher, "ｂａｄ．ｅｘａｍｐｌｅ/x")[0] is Action.BLOCK
        )  # full width is as written


def test_check_url_of_a_plain_url_is_unaffected(matcher: linkscreen.Matcher) -> None:
    assert matcher.check_url("log.in/out").action is Action.BLOCK
    verdict = matcher.check_url("log.in/out", techniques=["space-as-dot"])
    assert verdict.action is Action.ALLOW
    assert Signal.PROSE in verdict.signals
