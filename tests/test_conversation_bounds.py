"""The conversation's bounds are never a silent blind spot (ADR 0027, issue 9).

A ``Conversation`` keeps 8 hosts and 8 host-less paths by design. The attack: name the
listed host, then 8 decoy hosts, then send the path: the host was pushed out and the path
was allowed with ``complete=True``. Now every host the conversation keeps is tried, and a
host-less path arriving after recent hosts were pushed out makes the scan incomplete.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

import linkscreen
from linkscreen import Action, Conversation, cli
from linkscreen.conversation import Conversations

from bundles import TEST_PUBLIC, compile_lists, open_bytes

LISTED = ["http://qzvkt.example/album/", "http://near.example/x/"]


@pytest.fixture(scope="module")
def bundle_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return compile_lists(tmp_path_factory.mktemp("bounds"), {"hotline": (LISTED, Action.BLOCK)})


@pytest.fixture(scope="module")
def matcher(bundle_bytes: bytes) -> linkscreen.Matcher:
    return linkscreen.Matcher(open_bytes(bundle_bytes))


def _after_decoys(
    matcher: linkscreen.Matcher, decoys: int, last: str = "then album/9", **options: int
) -> linkscreen.Findings:
    conversation = Conversation(**options)
    matcher.scan_text("pics are on qzvkt.example", context=conversation)
    for i in range(decoys):
        matcher.scan_text(f"see d{i}.example", context=conversation)
    return matcher.scan_text(last, context=conversation)


class TestEvictedHosts:
    @pytest.mark.parametrize("decoys", [5, 7])
    def test_every_kept_host_is_joined(self, matcher: linkscreen.Matcher, decoys: int) -> None:
        # 8 hosts kept: the path is tried with each of them (it was the 6 most recent)
        findings = _after_decoys(matcher, decoys)
        assert findings.action is Action.BLOCK
        assert findings.complete

    @pytest.mark.parametrize("decoys", [8, 12, 19])
    def test_a_path_after_recent_hosts_were_evicted_is_incomplete(
        self, matcher: linkscreen.Matcher, decoys: int
    ) -> None:
        findings = _after_decoys(matcher, decoys)
        assert not findings.complete
        assert findings.action is Action.WARN  # the default policy, never a silent allow
        assert any("forgotten recent hosts" in note for note in findings.notes)

    def test_guessed_hosts_go_first_and_are_not_reported(self, matcher: linkscreen.Matcher) -> None:
        # "look at", "see you" are read as hosts for the conversation (a space as the dot):
        # guesses are pushed out before any host a link named, and silently
        conversation = Conversation(max_hosts=3)
        matcher.scan_text("pics are on qzvkt.example", context=conversation)
        for text in ["look at", "chat here", "short one", "see you", "meet me"]:
            matcher.scan_text(text, context=conversation)
        assert "qzvkt.example" in conversation.hosts
        findings = matcher.scan_text("then album/9", context=conversation)
        assert (findings.action, findings.complete) == (Action.BLOCK, True)

    def test_a_stale_host_goes_before_a_recent_one(self, matcher: linkscreen.Matcher) -> None:
        conversation = Conversation(max_hosts=2, max_age=3)
        matcher.scan_text("old.example", context=conversation)
        matcher.scan_text("hi", context=conversation)
        matcher.scan_text("qzvkt.example", context=conversation)
        matcher.scan_text("new.example", context=conversation)  # old.example is stale
        assert not conversation.context().hosts_evicted
        assert matcher.scan_text("album/9", context=conversation).action is Action.BLOCK

    def test_the_app_policy_decides(self, bundle_bytes: bytes) -> None:
        for policy in Action:
            strict = linkscreen.Matcher(open_bytes(bundle_bytes), incomplete_action=policy)
            assert _after_decoys(strict, 8).action is policy

    def test_no_path_no_note(self, matcher: linkscreen.Matcher) -> None:
        findings = _after_decoys(matcher, 12, "ok see you")
        assert findings.complete
        assert findings.action is Action.ALLOW

    def test_a_host_evicted_once_stale_does_not_count(self, matcher: linkscreen.Matcher) -> None:
        conversation = Conversation(max_hosts=2, max_age=3)
        for text in ["a.example", "b.example", "c.example", "hi", "hi", "hi"]:
            matcher.scan_text(text, context=conversation)
        # a.example (message 1) was pushed out at message 3; at message 7 it is past max_age
        assert not conversation.context().hosts_evicted
        assert matcher.scan_text("then album/9", context=conversation).complete

    def test_clear_forgets_the_eviction(self, matcher: linkscreen.Matcher) -> None:
        conversation = Conversation(max_hosts=1)
        matcher.scan_text("a.example", context=conversation)
        matcher.scan_text("b.example", context=conversation)
        assert conversation.context().hosts_evicted
        conversation.clear()
        assert conversation.context() == ((), (), False, False)


class TestEvictedPaths:
    def test_a_host_after_recent_paths_were_evicted_is_incomplete(
        self, matcher: linkscreen.Matcher
    ) -> None:
        conversation = Conversation()
        matcher.scan_text("pics in album/9", context=conversation)
        for i in range(8):
            matcher.scan_text(f"see dir{i}/sub", context=conversation)
        findings = matcher.scan_text("it's on qzvkt.example", context=conversation)
        assert not findings.complete
        assert any("forgotten recent host-less paths" in note for note in findings.notes)

    def test_within_the_bound_the_path_joins(self, matcher: linkscreen.Matcher) -> None:
        conversation = Conversation()
        matcher.scan_text("pics in album/9", context=conversation)
        for i in range(7):
            matcher.scan_text(f"see dir{i}/sub", context=conversation)
        findings = matcher.scan_text("it's on qzvkt.example", context=conversation)
        assert (findings.action, findings.complete) == (Action.BLOCK, True)


class TestHostsOfOneMessage:
    def test_a_path_past_its_six_nearest_hosts_is_incomplete(
        self, matcher: linkscreen.Matcher
    ) -> None:
        decoys = " ".join(f"d{i}.example" for i in range(6))
        findings = matcher.scan_text(f"qzvkt.example {decoys} album/9")
        assert not findings.complete
        assert findings.action is Action.WARN
        assert any("6 nearest" in note for note in findings.notes)

    def test_within_six_hosts_the_path_joins(self, matcher: linkscreen.Matcher) -> None:
        decoys = " ".join(f"d{i}.example" for i in range(5))
        findings = matcher.scan_text(f"qzvkt.example {decoys} album/9")
        assert (findings.action, findings.complete) == (Action.BLOCK, True)

    def test_many_hosts_without_a_path_stay_complete(self, matcher: linkscreen.Matcher) -> None:
        text = " ".join(f"d{i}.example" for i in range(12))
        assert matcher.scan_text(text).complete


class TestGivenContext:
    def test_context_hosts_past_the_join_bound_are_noted(self) -> None:
        hosts = [f"h{i}.example" for i in range(10)]
        found = linkscreen.extract_links("then album/9", hosts)
        assert not found.complete
        assert any("context hosts" in note for note in found.notes)
        assert linkscreen.extract_links("then album/9", hosts[:8]).complete

    def test_context_paths_past_the_join_bound_are_noted(self) -> None:
        paths = [f"p{i}/x" for i in range(10)]
        found = linkscreen.extract_links("on qzvkt.example", context_paths=paths)
        assert not found.complete
        assert any("context paths" in note for note in found.notes)
        assert linkscreen.extract_links("on qzvkt.example", context_paths=paths[:8]).complete


def test_scan_jsonl_reports_the_trimmed_conversation(bundle_bytes: bytes, tmp_path: Path) -> None:
    bundle, key = tmp_path / "b.bundle", tmp_path / "k.pub"
    bundle.write_bytes(bundle_bytes)
    key.write_bytes(TEST_PUBLIC)
    lines = [{"conversation": "a", "text": "on qzvkt.example"}]
    lines += [{"conversation": "a", "text": f"see d{i}.example"} for i in range(8)]
    lines += [{"id": "last", "conversation": "a", "text": "then album/9"}]
    command = [sys.executable, "-m", "linkscreen.cli", "scan", "--bundle", str(bundle)]
    command += ["--public-key", str(key), "--jsonl"]
    stdin = "".join(json.dumps(line) + "\n" for line in lines)
    result = subprocess.run(
        command, input=stdin, capture_output=True, text=True, timeout=60, check=False
    )
    last = json.loads(result.stdout.splitlines()[-1])
    assert (last["id"], last["action"], last["complete"]) == ("last", "warn", False)
    assert any("forgotten recent hosts" in note for note in last["notes"])


class TestManyConversations:
    """An app's bound on how many conversations it keeps (the CLI's 10,000, a messenger's
    512 rooms) drops whole contexts: a dropped one comes back marked forgotten."""

    def test_a_dropped_conversation_comes_back_marked(self, matcher: linkscreen.Matcher) -> None:
        held = Conversations(2)
        matcher.scan_text("pics are on qzvkt.example", context=held.get("a"))
        held.get("b")
        held.get("c")  # "a" is dropped
        findings = matcher.scan_text("then album/9", context=held.get("a"))
        assert not findings.complete
        assert findings.action is Action.WARN
        assert len(held) == 2

    def test_a_new_or_forgotten_key_is_not_marked(self) -> None:
        held = Conversations(2)
        assert not held.get("new").context().hosts_evicted
        held.get("x")
        held.get("y")  # "new" dropped
        held.forget("new")  # then forgotten on purpose: the person cleared it
        assert not held.get("new").context().hosts_evicted

    def test_past_the_memory_of_dropped_keys_every_new_key_is_marked(self) -> None:
        held = Conversations(1)
        for i in range(12):  # 11 dropped: one more than 10 x limit
            held.get(f"k{i}")
        assert held.get("never-seen").context().hosts_evicted

    def test_scan_jsonl_marks_a_dropped_conversation(
        self, bundle_bytes: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        bundle, key = tmp_path / "b.bundle", tmp_path / "k.pub"
        bundle.write_bytes(bundle_bytes)
        key.write_bytes(TEST_PUBLIC)
        monkeypatch.setattr(cli, "MAX_CLI_CONVERSATIONS", 2)
        lines = [
            {"conversation": "a", "text": "on qzvkt.example"},
            {"conversation": "b", "text": "hi"},
            {"conversation": "c", "text": "hi"},
            {"id": "last", "conversation": "a", "text": "then album/9"},
        ]
        monkeypatch.setattr(sys, "stdin", io.StringIO("".join(json.dumps(x) + "\n" for x in lines)))
        out = io.StringIO()
        monkeypatch.setattr(sys, "stdout", out)
        argv = ["scan", "--bundle", str(bundle), "--public-key", str(key), "--jsonl"]
        assert cli.main(argv) == 0
        last = json.loads(out.getvalue().splitlines()[-1])
        assert (last["id"], last["action"], last["complete"]) == ("last", "warn", False)

    def test_a_messenger_room_pushed_out_comes_back_marked(
        self, matcher: linkscreen.Matcher, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        matrix = pytest.importorskip("linkscreen.integrations.matrix._screen")
        monkeypatch.setattr(matrix, "MAX_ROOMS", 2)
        screen = matrix.MessageScreen(matcher)
        screen.screen("pics are on qzvkt.example", room_id="!a")
        screen.screen("hi", room_id="!b")
        screen.screen("hi", room_id="!c")  # "!a" is pushed out
        shown = screen.screen("then album/9", room_id="!a")
        assert (shown.action, shown.complete) == (Action.WARN, False)
