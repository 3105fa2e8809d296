"""Fail closed: what the SDK cannot read is checked as far as it can be, and never a silent allow.

Scenarios from issue 9: a listed host behind 33+ levels of percent-escapes or a 40 KB path, a
listed link after 256 (or 10,000) decoys, a link past 64 KiB, a message past the read limit.
"""

from __future__ import annotations

import json
import urllib.parse

import pytest

import linkscreen
from linkscreen import Action, Signal, Technique, Tier
from linkscreen.extract import MAX_TEXT_CHARS

from bundles import compile_lists, open_bytes

DEEP = "%" + "25" * 40 + "41"  # 41 rounds of unescaping: past MAX_UNESCAPE_ROUNDS


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    data = compile_lists(
        tmp_path_factory.mktemp("fail-closed"),
        {
            "hotline": (["http://bad.example/", "http://paths.example/private/"], Action.BLOCK),
            "watch": (["http://watch.test/"], Action.WARN),
        },
    )
    return linkscreen.Matcher(open_bytes(data))


class TestCheckUrlOnTheHost:
    @pytest.mark.parametrize(
        "url",
        [
            f"http://bad.example/{DEEP}",
            f"http://bad.example/x?q={DEEP}",
            "http://bad.example/" + "a" * 40_000,
            "http://sub.bad.example/" + "p/" * 20_000,
            "https://user@bad.example:8080/" + "%41" * 12_000,
        ],
    )
    def test_listed_host_blocks_whatever_follows(
        self, matcher: linkscreen.Matcher, url: str
    ) -> None:
        verdict = matcher.check_url(url)
        assert verdict.action is Action.BLOCK
        assert verdict.host_only
        assert not verdict.complete
        assert verdict.lists == ("hotline",)
        assert verdict.error is not None
        assert any("only the host" in note for note in verdict.notes)

    def test_unlisted_host_is_incomplete_not_allow(self, matcher: linkscreen.Matcher) -> None:
        verdict = matcher.check_url(f"http://fine.example/{DEEP}")
        assert verdict.action is Action.WARN
        assert verdict.host_only
        assert verdict.matches == ()

    def test_warn_list_host_stays_warn(self, matcher: linkscreen.Matcher) -> None:
        verdict = matcher.check_url("http://watch.test/" + "b" * 40_000)
        assert verdict.action is Action.WARN
        assert verdict.lists == ("watch",)

    def test_unreadable_host_is_unchecked(self, matcher: linkscreen.Matcher) -> None:
        verdict = matcher.check_url(f"http://a{DEEP}.example/")
        assert verdict.action is Action.WARN
        assert Signal.UNCHECKED in verdict.signals
        assert not verdict.complete

    def test_path_prefix_entry_is_read_up_to_the_unreadable_part(
        self, matcher: linkscreen.Matcher
    ) -> None:
        verdict = matcher.check_url(f"http://paths.example/private/{DEEP}")
        assert verdict.action is Action.BLOCK  # the listed prefix is readable before it
        assert verdict.host_only
        assert not verdict.complete
        unread = matcher.check_url(f"http://paths.example/{DEEP}")
        assert unread.action is Action.WARN  # only the host: incomplete, not allow

    def test_app_policy_decides_incomplete_checks(
        self, tmp_path_factory: pytest.TempPathFactory
    ) -> None:
        data = compile_lists(
            tmp_path_factory.mktemp("p"), {"h": (["http://bad.example/"], Action.BLOCK)}
        )
        for policy in Action:
            strict = linkscreen.Matcher(open_bytes(data), incomplete_action=policy)
            assert strict.incomplete_action is policy
            assert strict.check_url(f"http://fine.example/{DEEP}").action is policy
            # a match is never lowered by the policy
            assert strict.check_url(f"http://bad.example/{DEEP}").action is Action.BLOCK

    def test_not_a_web_url_is_allow_with_the_reason(self, matcher: linkscreen.Matcher) -> None:
        verdict = matcher.check_url("javascript:alert(1)")
        assert verdict.action is Action.ALLOW
        assert verdict.complete
        assert "web scheme" in (verdict.error or "")

    def test_readable_urls_are_unchanged(self, matcher: linkscreen.Matcher) -> None:
        verdict = matcher.check_url("http://bad.example/%2541")
        assert verdict.complete
        assert not verdict.host_only
        assert verdict.canonical == linkscreen.canonicalize("http://bad.example/%2541")


class TestHostOnlyReading:
    def test_host_only_variants_reads_the_host_as_canonicalize_does(self) -> None:
        assert linkscreen.canonical.host_only_variants("HTTP://User@Bad.EXAMPLE:99/" + DEEP) == [
            "http://bad.example/"
        ]

    def test_every_reading_of_the_authority_is_kept(self) -> None:
        hosts = linkscreen.canonical.host_only_variants("http://good.test%2F@bad.example/" + DEEP)
        assert set(hosts) == {"http://bad.example/", "http://good.test/"}

    def test_no_end_of_authority_in_the_scanned_prefix_is_refused(self) -> None:
        with pytest.raises(linkscreen.URLLimitError):
            linkscreen.canonical.host_only_variants("http://" + "a" * 10_000)

    def test_limit_errors_are_their_own_class(self) -> None:
        with pytest.raises(linkscreen.URLLimitError):
            linkscreen.canonicalize("http://bad.example/" + "a" * 40_000)
        with pytest.raises(linkscreen.URLLimitError):
            linkscreen.canonicalize(f"http://bad.example/{DEEP}")
        with pytest.raises(linkscreen.InvalidURLError) as info:
            linkscreen.canonicalize("http://bad.example:99999/")
        assert not isinstance(info.value, linkscreen.URLLimitError)


class TestScanTextNoBlindSpots:
    @pytest.mark.parametrize("decoys", [256, 10_000])
    def test_listed_link_after_decoys_blocks(
        self, matcher: linkscreen.Matcher, decoys: int
    ) -> None:
        text = " ".join(f"http://decoy{i}.example/p{i}" for i in range(decoys))
        findings = matcher.scan_text(text + " and http://bad.example/x")
        assert findings.action is Action.BLOCK
        assert findings.complete
        blocked = [f for f in findings if f.action is Action.BLOCK]
        assert [f.url for f in blocked] == ["http://bad.example/x"]

    def test_link_past_64_kib_blocks(self, matcher: linkscreen.Matcher) -> None:
        findings = matcher.scan_text("hello there " * 10_000 + "bad.example/x")
        assert findings.action is Action.BLOCK
        assert findings.complete

    def test_one_mebibyte_message_is_read_whole(self, matcher: linkscreen.Matcher) -> None:
        text = ("nothing to see here, move along. " * 32_000)[: 1 << 20] + " hxxp://bad[.]example/"
        findings = matcher.scan_text(text)
        assert findings.action is Action.BLOCK
        assert findings.complete

    def test_deep_escapes_in_a_message_block(self, matcher: linkscreen.Matcher) -> None:
        findings = matcher.scan_text(f"look http://bad.example/{DEEP} now")
        assert findings.action is Action.BLOCK
        assert not findings.complete
        assert any(f.verdict.host_only for f in findings)

    def test_forty_kilobyte_path_in_a_message_blocks(self, matcher: linkscreen.Matcher) -> None:
        findings = matcher.scan_text("x http://bad.example/" + "a" * 40_000 + " y")
        assert findings.action is Action.BLOCK

    def test_unreadable_link_makes_the_message_incomplete(
        self, matcher: linkscreen.Matcher
    ) -> None:
        findings = matcher.scan_text(f"look http://fine.example/{DEEP} now")
        assert not findings.complete
        assert findings.action is Action.WARN
        assert findings.notes

    def test_text_past_the_read_limit_is_incomplete(self, matcher: linkscreen.Matcher) -> None:
        findings = matcher.scan_text("a " * (MAX_TEXT_CHARS // 2 + 10) + "http://bad.example/")
        assert not findings.complete
        assert findings.action is Action.WARN  # the listed link was never read: policy decides
        assert any("first" in note for note in findings.notes)

    def test_ordinary_messages_are_complete_and_allow(self, matcher: linkscreen.Matcher) -> None:
        findings = matcher.scan_text("see https://fine.example/x, all good")
        assert findings.complete
        assert findings.action is Action.ALLOW


class TestResultsShape:
    def test_findings_is_an_immutable_sequence(self, matcher: linkscreen.Matcher) -> None:
        findings = matcher.scan_text("http://bad.example/x and http://fine.example/")
        assert len(findings) == 2
        assert findings[0].url == "http://bad.example/x"
        assert [f.url for f in findings[1:]] == ["http://fine.example/"]
        assert not isinstance(findings, list)
        with pytest.raises(AttributeError):
            findings.notes = ("x",)  # type: ignore[misc]
        with pytest.raises(AttributeError):
            findings.append(findings[0])  # type: ignore[attr-defined]

    def test_enums_are_strings(self, matcher: linkscreen.Matcher) -> None:
        finding = matcher.scan_text("hxxp://bad[.]example/x")[0]
        assert finding.tier == "strict"
        assert finding.tier is Tier.STRICT
        assert "refang" in finding.techniques
        assert Technique.REFANG in finding.techniques
        record = json.loads(json.dumps(finding.to_dict()))
        assert record["techniques"] == ["refang"]
        assert record["tier"] == "strict"

    def test_message_record(self, matcher: linkscreen.Matcher) -> None:
        record = matcher.scan_text(f"http://bad.example/{DEEP}").to_dict()
        assert record["action"] == "block"
        assert record["complete"] is False
        assert record["notes"]
        assert record["findings"][0]["signals"] == ["host-only"]


class TestBoundsAreReported:
    """Every bound on the work of one region says so (``complete`` False and a note)."""

    def test_path_joined_with_nearest_hosts_past_the_scan_bound_is_incomplete(self) -> None:
        around = " ".join(["a.example b.example"] * 200)  # 400 mentions of two hosts each side
        text = f"far.example {around} album/9 {around}"
        found = linkscreen.extract_links(text)
        assert not found.complete
        assert any("host-less path" in note for note in found.notes)
        urls = {c.url for c in found if c.url.endswith("album/9")}
        assert urls == {"a.example/album/9", "b.example/album/9"}

    def test_nearest_hosts_within_the_bound_are_complete(self) -> None:
        text = "far.example " + " ".join(["a.example b.example"] * 20) + " album/9"
        found = linkscreen.extract_links(text)
        assert found.complete
        urls = {c.url for c in found if c.url.endswith("album/9")}
        assert urls == {"a.example/album/9", "b.example/album/9", "far.example/album/9"}

    def test_many_links_to_few_hosts_stay_complete(self) -> None:
        """Hundreds of links to a few sites and a path: every host is found, no bound bites."""
        links = " ".join(["https://git.example/a/b https://lab.example/c/d"] * 300)
        found = linkscreen.extract_links(f"{links} album/9")
        assert found.complete
        urls = {c.url for c in found if c.url.endswith("album/9")}
        assert {"git.example/album/9", "lab.example/album/9"} <= urls

    @pytest.mark.parametrize("joint", [";", ","])
    @pytest.mark.parametrize("count", [24, 1000])
    def test_every_part_of_a_joined_list_is_read(
        self, matcher: linkscreen.Matcher, joint: str, count: int
    ) -> None:
        """A listed link after any number of ``;``- or ``,``-joined parts blocks (it was
        dropped after 24 parts, with ``complete`` still True)."""
        text = joint.join(["x.org"] * count + ["bad.example/promo"])
        findings = matcher.scan_text(text)
        assert findings.action is Action.BLOCK
        assert findings.complete

    def test_redirect_targets_past_the_bound_are_noted(self) -> None:
        query = "&".join(f"u{i}=https%3A%2F%2Ft{i}.example%2F" for i in range(40))
        found = linkscreen.extract_links(f"https://go.example/r?{query}")
        assert not found.complete
        assert any("redirect targets" in note for note in found.notes)
        few = "&".join(f"u{i}=https%3A%2F%2Ft{i}.example%2F" for i in range(5))
        assert linkscreen.extract_links(f"https://go.example/r?{few}").complete

    def test_path_joined_past_the_joint_bound_is_noted(self) -> None:
        long = "bad . example / " + " / ".join(["p"] * 20)
        found = linkscreen.extract_links(long)
        assert not found.complete
        assert any("joints" in note for note in found.notes)
        short = "bad . example / " + " / ".join(["p"] * 10)
        assert linkscreen.extract_links(short).complete


@pytest.fixture(scope="module")
def paths(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    data = compile_lists(
        tmp_path_factory.mktemp("paths"),
        {
            "prefix": (["http://files.example/dl/"], Action.BLOCK),
            "exact": (["http://cdn.example/x/payload.exe"], Action.BLOCK),
        },
    )
    return linkscreen.Matcher(open_bytes(data), incomplete_action=Action.ALLOW)


class TestReadablePathPastTheLimit:
    """A URL past a canonicaliser limit is checked on its host and on as much of its path as
    can be read, so a listed path prefix (or page, past a long query or fragment) blocks."""

    @pytest.mark.parametrize(
        "url",
        [
            "http://files.example/dl/" + "a" * 40_000,
            "http://files.example/dl/sub/" + "b/" * 20_000,
            "http://cdn.example/x/payload.exe#" + "a" * 40_000,
            "http://cdn.example/x/payload.exe?q=" + "a" * 40_000,
            "http://files.example/dl/x?q=" + DEEP,
        ],
    )
    def test_listed_path_blocks(self, paths: linkscreen.Matcher, url: str) -> None:
        verdict = paths.check_url(url)
        assert verdict.action is Action.BLOCK, verdict.notes
        assert not verdict.complete
        assert any("start of the path" in note for note in verdict.notes)
        assert paths.scan_text(f"get it at {url} now").action is Action.BLOCK

    def test_unlisted_path_is_not_matched_by_its_host(self, paths: linkscreen.Matcher) -> None:
        verdict = paths.check_url("http://files.example/other/" + "a" * 40_000)
        assert verdict.matches == ()
        assert not verdict.complete


class TestControlCharacters:
    """A control character that a text view draws as nothing does not hide a link."""

    @pytest.mark.parametrize("char", ["\x00", "\x85", "\x0b", "\x0c", "\x7f", "\x1b[1m"])
    @pytest.mark.parametrize("where", ["host", "path"])
    def test_control_inside_a_link(self, paths: linkscreen.Matcher, char: str, where: str) -> None:
        url = (
            f"http://cdn.exa{char}mple/x/payload.exe"
            if where == "host"
            else f"http://cdn.example/x/pay{char}load.exe"
        )
        assert paths.check_url(url).action is Action.BLOCK
        findings = paths.scan_text(f"see {url} now")
        assert findings.action is Action.BLOCK
        assert any(
            Technique.INVISIBLE in f.techniques for f in findings if f.action is Action.BLOCK
        )


class TestEscapedManyTimes:
    @pytest.mark.parametrize("rounds", [1, 3, 5, 8])
    def test_whole_url_escaped_blocks_alone_as_in_a_wrapper(
        self, paths: linkscreen.Matcher, rounds: int
    ) -> None:
        url = "http://cdn.example/x/payload.exe"
        for _ in range(rounds):
            url = urllib.parse.quote(url, safe="")
        assert paths.scan_text(f"see {url} now").action is Action.BLOCK
        wrapped = f"https://www.google.com/url?q={url}"
        assert paths.scan_text(f"see {wrapped} now").action is Action.BLOCK
