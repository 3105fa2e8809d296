"""Shortened links: the bundle's shortener list and policy, the opt-in Expander, server resolve.

Everything runs against a loopback server simulating shorteners (tests/shortener_server.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import linkscreen
from linkscreen.bundle import format as fmt
from linkscreen.redirects import REQUEST_HEADERS
from linkscreen.results import Action
from linkscreen_server.compiler import CompileReport, ListSpec, compile_bundle

from bundles import TEST_KEY, compile_lists, open_bytes
from shortener_server import Shortener, running_shortener


@pytest.fixture(scope="module")
def shortener() -> Iterator[Shortener]:
    with running_shortener() as server:
        yield server


def _matcher(tmp_path: Path, listed: list[str], **options: object) -> linkscreen.Matcher:
    data = compile_lists(tmp_path, {"hotline": (listed, Action.BLOCK)}, **options)
    return linkscreen.Matcher(open_bytes(data))


def _expander(matcher: linkscreen.Matcher, **limits: float) -> linkscreen.Expander:
    return linkscreen.Expander(matcher, allow_private=True, **limits)  # type: ignore[arg-type]


class TestShortenedVerdicts:
    def test_shortened_link_with_unknown_target_is_flagged_allow(self, tmp_path: Path) -> None:
        matcher = _matcher(tmp_path, ["http://bad.example/"], shorteners=["sho.rt", "tiny.test"])
        verdict = matcher.check_url("https://sho.rt/abc123")
        assert verdict.shortened
        assert verdict.action is Action.ALLOW
        assert matcher.check_url("https://www.tiny.test/x").shortened

    def test_policy_warn(self, tmp_path: Path) -> None:
        matcher = _matcher(
            tmp_path,
            ["http://bad.example/"],
            shorteners=["sho.rt"],
            shortener_policy=fmt.SHORTENER_POLICY_WARN,
        )
        verdict = matcher.check_url("sho.rt/abc")
        assert (verdict.action, verdict.shortened, verdict.lists) == (Action.WARN, True, ())

    def test_listed_short_link_blocks(self, tmp_path: Path) -> None:
        matcher = _matcher(tmp_path, ["http://sho.rt/evil1"], shorteners=["sho.rt"])
        verdict = matcher.check_url("http://sho.rt/evil1")
        assert verdict.action is Action.BLOCK
        assert verdict.shortened

    def test_shortener_home_page_and_other_hosts_are_not_short_links(self, tmp_path: Path) -> None:
        matcher = _matcher(tmp_path, ["http://bad.example/"], shorteners=["sho.rt"])
        assert not matcher.check_url("https://sho.rt/").shortened
        assert not matcher.check_url("https://notsho.rt/abc").shortened

    def test_default_bundle_carries_the_public_shortener_list(self, tmp_path: Path) -> None:
        from linkscreen_server.compiler import ListSpec, compile_bundle

        (tmp_path / "l.txt").write_text("http://bad.example/\n")
        data, _ = compile_bundle([ListSpec("l", tmp_path / "l.txt")], TEST_KEY)
        bundle = open_bytes(data)
        assert len(bundle.shortener_domains) > 1000
        assert linkscreen.Matcher(bundle).check_url("https://bit.ly/3abcDEF").shortened


class TestExpander:
    @pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
    def test_every_redirect_code(self, tmp_path: Path, shortener: Shortener, code: int) -> None:
        expansion = _expander(_matcher(tmp_path, ["http://bad.example/"])).expand(
            shortener.url(f"/s/{code}")
        )
        assert expansion.stopped == "final"
        assert expansion.chain[-1] == shortener.url("/dest/ok")

    @pytest.mark.parametrize(
        "path", ["/s/relative", "/s/dir/relative-path", "/s/meta", "/s/nohead"]
    )
    def test_relative_locations_meta_refresh_and_head_refused(
        self, tmp_path: Path, shortener: Shortener, path: str
    ) -> None:
        expansion = _expander(_matcher(tmp_path, ["http://bad.example/"])).expand(
            shortener.url(path)
        )
        assert expansion.stopped == "final", expansion
        assert expansion.chain[-1].endswith("/dest/ok")

    def test_listed_middle_hop_is_never_requested(
        self, tmp_path: Path, shortener: Shortener
    ) -> None:
        listed = shortener.url("/s/listed")
        expansion = _expander(_matcher(tmp_path, [listed])).expand(shortener.url("/s/mid"))
        assert expansion.action is Action.BLOCK
        assert expansion.stopped == "blocked"
        assert expansion.chain[-1].endswith("/s/listed")
        assert "/s/listed" not in shortener.log.paths()

    def test_listed_first_hop_is_never_requested(
        self, tmp_path: Path, shortener: Shortener
    ) -> None:
        before = len(shortener.log.paths())
        expansion = _expander(_matcher(tmp_path, [shortener.url("/s/301")])).expand(
            shortener.url("/s/301")
        )
        assert expansion.action is Action.BLOCK
        assert expansion.requests == 0
        assert len(shortener.log.paths()) == before

    def test_loop(self, tmp_path: Path, shortener: Shortener) -> None:
        expansion = _expander(_matcher(tmp_path, ["http://bad.example/"])).expand(
            shortener.url("/s/loop1")
        )
        assert expansion.stopped == "loop"

    def test_too_many_hops(self, tmp_path: Path, shortener: Shortener) -> None:
        expansion = _expander(_matcher(tmp_path, ["http://bad.example/"]), max_hops=5).expand(
            shortener.url("/s/hops/20")
        )
        assert expansion.stopped == "max-hops"
        assert len(expansion.chain) == 6

    def test_slow_server_hits_the_timeout(self, tmp_path: Path, shortener: Shortener) -> None:
        expansion = _expander(_matcher(tmp_path, ["http://bad.example/"]), timeout=0.5).expand(
            shortener.url("/s/slow")
        )
        assert expansion.stopped in ("error", "deadline")
        assert expansion.error

    def test_hung_server_hits_the_deadline(self, tmp_path: Path, shortener: Shortener) -> None:
        expansion = _expander(
            _matcher(tmp_path, ["http://bad.example/"]), timeout=0.3, total_time=0.6
        ).expand(f"http://127.0.0.1:{shortener.hung_port}/x")
        assert expansion.stopped in ("error", "deadline")

    def test_no_cookies_and_no_identifying_headers(
        self, tmp_path: Path, shortener: Shortener
    ) -> None:
        _expander(_matcher(tmp_path, ["http://bad.example/"])).expand(shortener.url("/s/cookie"))
        sent = [
            h for _, path, h in shortener.log.requests if path in ("/s/cookie", "/s/after-cookie")
        ]
        assert sent
        for headers in sent:
            names = {name.lower() for name in headers}
            assert "cookie" not in names
            assert "referer" not in names
            assert headers.get("User-Agent") == REQUEST_HEADERS["User-Agent"]

    def test_private_addresses_are_refused_by_default(
        self, tmp_path: Path, shortener: Shortener
    ) -> None:
        matcher = _matcher(tmp_path, ["http://bad.example/"])
        expansion = linkscreen.Expander(matcher).expand(shortener.url("/s/301"))
        assert expansion.stopped == "blocked-address"
        assert expansion.requests == 0


def _server(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "linkscreen_server.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=cwd,
    )


class TestServerResolve:
    def test_resolve_reports_chains_failures_and_caches(
        self, tmp_path: Path, shortener: Shortener
    ) -> None:
        (tmp_path / "short.txt").write_text(
            f"{shortener.url('/s/302')}\n{shortener.url('/s/loop1')}\n# comment\n"
        )
        result = _server(
            "resolve", "short.txt", "--allow-private", "--resolve-cache", "c.json", cwd=tmp_path
        )
        assert result.returncode == 1  # the loop is a failure, reported
        records = [json.loads(line) for line in result.stdout.splitlines()]
        assert records[0]["stopped"] == "final"
        assert records[0]["hops"][-1].endswith("/dest/ok")
        assert records[1]["stopped"] == "loop"
        assert "loop" in result.stderr
        cache = json.loads((tmp_path / "c.json").read_text())["resolutions"]
        assert cache[shortener.url("/s/302")]["resolved_at"] > 0
        requests = len(shortener.log.paths())
        again = _server(
            "resolve", "short.txt", "--allow-private", "--resolve-cache", "c.json", cwd=tmp_path
        )
        assert all(json.loads(line)["cached"] for line in again.stdout.splitlines())
        assert len(shortener.log.paths()) == requests

    def test_compile_resolve_shortlinks_adds_only_final_targets(
        self, tmp_path: Path, shortener: Shortener
    ) -> None:
        (tmp_path / "list.txt").write_text(
            f"{shortener.url('/s/mid')}\n{shortener.url('/s/hops/200')}\n"
        )
        assert _server("keygen", "--out", "keys", cwd=tmp_path).returncode == 0
        result = _server(
            "compile",
            "--list",
            "hotline=list.txt",
            "--key",
            "keys",
            "--out",
            "b.bundle",
            "--add-shortener",
            "127.0.0.1",
            "--resolve-shortlinks",
            "--allow-private",
            "--max-hops",
            "3",
            cwd=tmp_path,
        )
        assert result.returncode == 0, result.stderr
        assert "list.txt:2: short link kept, target not resolved" in result.stderr
        assert "short links: 2" in result.stdout
        bundle = linkscreen.Bundle.open(tmp_path / "b.bundle", [tmp_path / "keys" / "signing.pub"])
        matcher = linkscreen.Matcher(bundle)
        for path in ["/s/mid", "/s/hops/200", "/dest/ok"]:  # the short links and the target
            assert matcher.check_url(shortener.url(path)).action is Action.BLOCK, path
        for path in ["/s/listed", "/s/hops/199", "/dest/ok/under"]:  # hops, partial, broader
            assert matcher.check_url(shortener.url(path)).action is Action.ALLOW, path
        added = f"list.txt:1: short link resolved, added {shortener.url('/dest/ok')}"
        assert added in result.stderr
        assert "short-link targets 1" in result.stdout


class TestResolvedTargetsCannotPoisonTheList:
    """attack-trust finding 4. Whoever controls a listed short link's destination chose what
    ``--resolve-shortlinks`` compiled: every hop became an entry, and a hop with path ``/`` a
    whole-host entry (``https://bit.ly/abc`` -> ``https://www.wikipedia.org/`` blocked all of
    www.wikipedia.org, silently). Now only a completed chain's final target is added, only as
    that exact URL, and every addition is reported."""

    @staticmethod
    def _compile(
        tmp_path: Path, chains: dict[str, tuple[list[str], str | None]]
    ) -> tuple[linkscreen.Matcher, CompileReport]:
        source = tmp_path / "hotline.txt"
        source.write_text("".join(f"{url}\n" for url in chains) + "http://abuse.example/p/1\n")
        data, report = compile_bundle(
            [ListSpec("hotline", source, Action.BLOCK)],
            TEST_KEY,
            shorteners=["bit.ly", "t.example"],
            resolve=lambda urls: {url: chains[url] for url in urls},
        )
        return linkscreen.Matcher(open_bytes(data)), report

    @pytest.mark.parametrize(
        ("target", "innocent"),
        [
            ("https://www.wikipedia.org/", "https://www.wikipedia.org/wiki/Physics"),
            ("https://innocent.example", "https://sub.innocent.example/x"),
            ("https://innocent.example/blog/", "https://innocent.example/blog/post"),
        ],
    )
    def test_a_target_broader_than_its_url_is_reported_not_added(
        self, tmp_path: Path, target: str, innocent: str
    ) -> None:
        matcher, report = self._compile(tmp_path, {"https://bit.ly/abc": ([target], None)})
        assert matcher.check_url(innocent).action is Action.ALLOW
        assert matcher.check_url(target).action is Action.ALLOW
        assert report.resolved == []
        [warning] = report.warnings
        assert str(warning).startswith(f"{tmp_path / 'hotline.txt'}:1: short link resolved to")
        assert "not added" in warning.reason

    def test_only_the_final_target_is_added_exactly_and_reported(self, tmp_path: Path) -> None:
        chain = ["https://t.example/hop", "https://abuse.example/gallery/7?id=3"]
        matcher, report = self._compile(tmp_path, {"https://bit.ly/abc": (chain, None)})
        assert matcher.check_url(chain[-1]).action is Action.BLOCK
        assert matcher.check_url("https://t.example/hop").action is Action.ALLOW  # a redirector
        assert matcher.check_url("https://abuse.example/gallery/8").action is Action.ALLOW
        assert [str(r) for r in report.resolved] == [
            f"{tmp_path / 'hotline.txt'}:1: short link resolved, added {chain[-1]}"
        ]
        assert report.resolved_hops == 1

    def test_a_partial_chain_adds_nothing(self, tmp_path: Path) -> None:
        chains = {"https://bit.ly/abc": (["https://t.example/hop"], "max-hops")}
        matcher, report = self._compile(tmp_path, chains)
        assert matcher.check_url("https://t.example/hop").action is Action.ALLOW
        assert matcher.check_url("https://bit.ly/abc").action is Action.BLOCK  # the link stays
        assert report.resolved == []

    @pytest.mark.parametrize(
        "target", ["https://abuse.example/go?to=/", "https://abuse.example/?id=3"]
    )
    def test_a_target_with_a_query_is_exact(self, tmp_path: Path, target: str) -> None:
        matcher, report = self._compile(tmp_path, {"https://bit.ly/abc": ([target], None)})
        assert matcher.check_url(target).action is Action.BLOCK
        assert matcher.check_url("https://abuse.example/other").action is Action.ALLOW
        assert len(report.resolved) == 1
