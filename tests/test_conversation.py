"""Conversation context and redirect wrappers: links split across messages, links inside links.

Scenarios: a path before its host, a path after a loosely written host, context kept per
conversation by ``linkscreen scan --jsonl``, bounds, threads; redirect wrappers unwrapped
locally, by the generic rule and by the data-file rules, with no network.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import linkscreen
from linkscreen import Action, Conversation, Technique
from linkscreen._wrappers import parse_rules, targets

from bundles import TEST_PUBLIC, compile_lists, open_bytes

LISTED = ["http://bad.example/album/9", "http://other.test/", "http://pics.example/gal/"]


@pytest.fixture(scope="module")
def bundle_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return compile_lists(tmp_path_factory.mktemp("conv"), {"hotline": (LISTED, Action.BLOCK)})


@pytest.fixture(scope="module")
def matcher(bundle_bytes: bytes) -> linkscreen.Matcher:
    return linkscreen.Matcher(open_bytes(bundle_bytes))


def _actions(matcher: linkscreen.Matcher, messages: list[str]) -> list[Action]:
    conversation = Conversation()
    return [matcher.scan_text(text, context=conversation).action for text in messages]


class TestAcrossMessages:
    def test_path_before_its_host(self, matcher: linkscreen.Matcher) -> None:
        assert _actions(matcher, ["pics are in album/9", "it's on bad.example"]) == [
            Action.ALLOW,
            Action.BLOCK,
        ]

    def test_path_after_its_host(self, matcher: linkscreen.Matcher) -> None:
        assert _actions(matcher, ["it's on bad.example", "then album/9"])[-1] is Action.BLOCK

    def test_path_after_a_loosely_written_host(self, matcher: linkscreen.Matcher) -> None:
        assert _actions(matcher, ["it's on bad . example", "then album/9"])[-1] is Action.BLOCK
        assert _actions(matcher, ["bad(dot)example", "album/9"])[-1] is Action.BLOCK

    def test_unrelated_conversations_do_not_mix(self, matcher: linkscreen.Matcher) -> None:
        one, two = Conversation(), Conversation()
        matcher.scan_text("it's on bad.example", context=one)
        assert matcher.scan_text("then album/9", context=two).action is Action.ALLOW
        assert matcher.scan_text("then album/9", context=one).action is Action.BLOCK

    def test_without_context_nothing_is_joined(self, matcher: linkscreen.Matcher) -> None:
        matcher.scan_text("it's on bad.example")
        assert matcher.scan_text("then album/9").action is Action.ALLOW

    def test_context_hosts_still_work(self, matcher: linkscreen.Matcher) -> None:
        findings = matcher.scan_text("then album/9", context_hosts=["bad.example"])
        assert findings.action is Action.BLOCK
        assert Technique.CONTEXT_HOST in findings[0].techniques

    def test_context_is_bounded_and_forgets(self) -> None:
        conversation = Conversation(max_hosts=2, max_paths=1, max_age=3)
        conversation.remember(["a.example", "b.example", "c.example"], ["x/1", "y/2"])
        assert conversation.hosts == ("b.example", "c.example")
        assert conversation.paths == ("y/2",)
        for _ in range(3):
            conversation.remember([], [])
        assert conversation.hosts == ()
        conversation.remember(["d.example"], [])
        conversation.clear()
        assert conversation.hosts == ()
        assert conversation.paths == ()

    def test_bad_bounds_are_refused(self) -> None:
        with pytest.raises(ValueError, match="max_age"):
            Conversation(max_age=0)

    def test_thread_safe(self, matcher: linkscreen.Matcher) -> None:
        conversation = Conversation()
        texts = [f"see h{i}.example and p{i}/q{i}" for i in range(200)]
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda t: matcher.scan_text(t, context=conversation), texts))
        assert len(conversation.hosts) <= 8
        assert len(conversation.paths) <= 8


class TestScanCommand:
    def test_jsonl_keeps_context_per_conversation(
        self, bundle_bytes: bytes, tmp_path: Path
    ) -> None:
        bundle = tmp_path / "b.bundle"
        bundle.write_bytes(bundle_bytes)
        key = tmp_path / "k.pub"
        key.write_bytes(TEST_PUBLIC)
        lines = [
            {"id": 1, "conversation": "a", "text": "it's on bad.example"},
            {"id": 2, "conversation": "b", "text": "then album/9"},
            {"id": 3, "conversation": "a", "text": "then album/9"},
            {"id": 4, "text": "then album/9"},
            {"id": 5, "conversation": ["bad"], "text": "x"},
        ]
        stdin = "".join(json.dumps(line) + "\n" for line in lines)
        result = subprocess.run(
            [sys.executable, "-m", "linkscreen.cli", "scan", "--bundle", str(bundle),
             "--public-key", str(key), "--jsonl"],
            input=stdin, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        records = [json.loads(line) for line in result.stdout.splitlines()]
        assert [r.get("action") for r in records] == ["allow", "allow", "block", "allow", None]
        assert "conversation" in records[4]["error"]
        assert records[2]["complete"] is True
        assert result.returncode == 1  # the malformed line is reported, the rest scanned

    def test_jsonl_survives_a_lone_surrogate_and_reads_through_it(
        self, bundle_bytes: bytes, tmp_path: Path
    ) -> None:
        """Broken UTF-16 from a client (a lone surrogate, valid JSON) neither stops the stream
        nor hides the link: it is dropped like an invisible character."""
        bundle = tmp_path / "b.bundle"
        bundle.write_bytes(bundle_bytes)
        key = tmp_path / "k.pub"
        key.write_bytes(TEST_PUBLIC)
        stdin = (
            '{"id": 1, "text": "see bad\\ud800.example/album/9 now \\udc80"}\n'
            '{"id": "3\\udc80", "text": "http://un.example/a\\udc80b/ or \\ud800"}\n'
            '{"id": 2, "text": "see bad.example/album/9"}\n'
        )
        result = subprocess.run(
            [sys.executable, "-m", "linkscreen.cli", "scan", "--bundle", str(bundle),
             "--public-key", str(key), "--jsonl"],
            input=stdin, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        records = [json.loads(line) for line in result.stdout.splitlines()]
        assert [r["id"] for r in records] == [1, "3\udc80", 2]
        assert [r["action"] for r in records] == ["block", "allow", "block"]


class TestRedirectWrappers:
    @pytest.mark.parametrize(
        "link",
        [
            "https://www.google.com/url?q=https://bad.example/album/9&sa=D",
            "https://www.google.co.uk/url?sa=t&url=http%3A%2F%2Fbad.example%2Falbum%2F9",
            "https://l.facebook.com/l.php?u=https%3A%2F%2Fbad.example%2Falbum%2F9&h=AT0",
            "https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fbad.example"
            "%2Falbum%2F9&data=05",
            "https://vk.com/away.php?to=bad.example%2Falbum%2F9",
            "https://www.youtube.com/redirect?event=x&q=http://bad.example/album/9",
            "https://urldefense.proofpoint.com/v2/url?u=https-3A__bad.example_album_9&d=D",
            "https://urldefense.com/v3/__https://bad.example/album/9__;!!abc",
            "https://web.archive.org/web/2024/https://bad.example/album/9",
            "https://unknown-wrapper.test/go?target=https%253A%252F%252Fbad.example%252Falbum%252F9",
        ],
    )
    def test_target_is_checked(self, matcher: linkscreen.Matcher, link: str) -> None:
        findings = matcher.scan_text(f"look {link} ok")
        assert findings.action is Action.BLOCK, [f.url for f in findings]
        blocked = [f for f in findings if f.action is Action.BLOCK]
        assert Technique.WRAPPER in blocked[0].techniques

    def test_wrapper_of_a_wrapper(self) -> None:
        inner = "https://www.google.com/url?q=https%3A%2F%2Fbad.example%2Fx"
        outer = "https://nam02.safelinks.protection.outlook.com/?url=" + inner.replace(
            "%", "%25"
        ).replace("?", "%3F").replace("=", "%3D")
        assert "https://bad.example/x" in targets(outer, parse_rules(""))

    def test_rules_parse_and_refuse_bad_lines(self) -> None:
        rules = parse_rules("# c\nl.example.test /go u,to\n*.w.test /* * percent\n")
        assert [r.host for r in rules] == ["l.example.test", "*.w.test"]
        assert targets("https://l.example.test/go?to=bad.example%2Fx", rules) == ["bad.example/x"]
        with pytest.raises(ValueError, match="line 1"):
            parse_rules("only-two /fields")
        with pytest.raises(ValueError, match="decoding"):
            parse_rules("a.test /x u rot13")

    def test_operator_rules_extend_the_default(self) -> None:
        rules = parse_rules("go.wrapper.test /r dest base64url\n")
        encoded = base64.urlsafe_b64encode(b"bad.example/album/9").decode().rstrip("=")
        text = f"see https://go.wrapper.test/r?dest={encoded}"
        plain = {c.url for c in linkscreen.extract_links(text)}
        extended = {c.url for c in linkscreen.extract_links(text, wrappers=rules)}
        assert "bad.example/album/9" not in plain
        assert "bad.example/album/9" in extended

    def test_ordinary_links_have_no_targets(self) -> None:
        assert targets("https://news.example.org/a?id=3&page=2", parse_rules("")) == []
