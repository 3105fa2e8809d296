"""Lone UTF-16 surrogates never end in a silent allow (attack H3).

A ``str`` from broken UTF-16 can hold a surrogate that is no character. Before, the
canonicaliser refused such a URL, so ``check_url("http://listed.example/a\\ud800")`` answered
``allow`` with an error. Now a lone surrogate reads as U+FFFD (a browser's USVString reading)
in both paths, and the matcher also checks the URL as a text view shows it (without it).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_expander_attacks import Scripted

import linkscreen
from linkscreen import Action, Signal, Technique, _probe
from linkscreen.cli import main
from linkscreen.fetch import request_target

from bundles import TEST_PUBLIC, compile_lists, open_bytes

LISTED = ["http://listed.example/", "http://paths.example/private/"]


@pytest.fixture(scope="module")
def bundle_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return compile_lists(tmp_path_factory.mktemp("surrogates"), {"hotline": (LISTED, Action.BLOCK)})


@pytest.fixture(scope="module", params=["native", "pure"])
def matcher(request: pytest.FixtureRequest, bundle_bytes: bytes) -> linkscreen.Matcher:
    if request.param == "native" and not _probe.NATIVE_AVAILABLE:
        pytest.skip("C core not built")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LINKSCREEN_PURE", "1" if request.param == "pure" else "0")
        found = linkscreen.Matcher(open_bytes(bundle_bytes))
    assert found.uses_native is (request.param == "native")
    return found


def _both(bundle_bytes: bytes) -> list[linkscreen.Matcher]:
    matchers = []
    for pure in ("0", "1") if _probe.NATIVE_AVAILABLE else ("1",):
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("LINKSCREEN_PURE", pure)
            matchers.append(linkscreen.Matcher(open_bytes(bundle_bytes)))
    return matchers


LISTED_WITH_SURROGATES = [
    "http://listed.example/a\ud800",  # the attack's URL: after the host
    "http://listed.example/\udfff/b",
    "https://listed.example/?q=\udbff#\udc00",
    "http://listed.exa\ud800mple/a",  # inside the host: read as shown without it
    "http://\udc00listed.example/",
    "http://listed.example\ud800/",
    "listed.example/x\ud800",  # no scheme
    "http://paths.example/private/\ud800",  # a listed path prefix
    "http://paths.example/priv\udbffate/x",
    "http://listed.example/\ud800" + "a" * 40_000,  # past the length limit: the host
]


@pytest.mark.parametrize("url", LISTED_WITH_SURROGATES)
def test_a_listed_link_with_a_lone_surrogate_blocks(matcher: linkscreen.Matcher, url: str) -> None:
    verdict = matcher.check_url(url)
    assert verdict.action is Action.BLOCK, verdict
    assert verdict.lists == ("hotline",)
    assert verdict.url == url  # the URL as given


@pytest.mark.parametrize("url", [*LISTED_WITH_SURROGATES, "http://fine.example:8\ud8000/x"])
def test_both_paths_answer_alike(bundle_bytes: bytes, url: str) -> None:
    answers = {
        (
            v.action,
            v.lists,
            v.canonical,
            v.expressions,
            v.techniques,
            v.signals,
            v.notes,
            v.error,
        )
        for v in (m.check_url(url) for m in _both(bundle_bytes))
    }
    assert len(answers) == 1, answers


def test_the_surrogate_reads_as_u_fffd_as_a_browser_reads_it(matcher: linkscreen.Matcher) -> None:
    verdict = matcher.check_url("http://fine.example/p\ud800?q=\udfff")
    assert verdict.action is Action.ALLOW  # nothing listed, nothing unread: no over-warning
    assert verdict.complete
    assert verdict.canonical == "http://fine.example/p%EF%BF%BD?q=%EF%BF%BD"
    assert verdict.error is None


def test_a_surrogate_only_the_shown_reading_hides_is_invisible(
    matcher: linkscreen.Matcher,
) -> None:
    verdict = matcher.check_url("http://listed.exa\ud800mple/a")
    assert Technique.INVISIBLE in verdict.techniques
    assert verdict.canonical == "http://listed.example/a"


@pytest.mark.parametrize(("url", "action"), [("http://[::1\ud800]/x", Action.WARN)])
def test_unreadable_as_read_but_readable_as_shown_is_incomplete(
    matcher: linkscreen.Matcher, url: str, action: Action
) -> None:
    """A surrogate that makes the browser reading unreadable (here in an IPv6 literal): what a
    client opens is not known, so the check of the shown reading is not the whole check."""
    verdict = matcher.check_url(url)
    assert verdict.action is action
    assert not verdict.complete
    assert Signal.UNCHECKED in verdict.signals
    assert any("lone surrogate" in note for note in verdict.notes)


@pytest.mark.parametrize(
    ("url", "action"),
    [
        ("http://fine.example:8\ud8000/x", Action.ALLOW),
        ("http://listed.example:8\ud8000/", Action.BLOCK),
    ],
)
def test_a_surrogate_in_the_port_is_an_unreadable_port(
    matcher: linkscreen.Matcher, url: str, action: Action
) -> None:
    """As read (U+FFFD) the port is unreadable, as shown it is 80: both check the host and
    path without the port, which no list names (ADR 0027, "Unreadable port or host tail",
    attack 11): complete, and the note says what was not read."""
    verdict = matcher.check_url(url)
    assert verdict.action is action
    assert verdict.complete
    assert any("cannot be read" in note for note in verdict.notes)


def test_canonicalize_reads_lone_surrogates_alike_in_both_paths() -> None:
    from linkscreen import canonical

    for url, expected in [
        ("http://a.example/p\ud800", "http://a.example/p%EF%BF%BD"),
        ("http://a\udfff.example/", "http://a%EF%BF%BD.example/"),
        ("http://a.example/\udcff\ud800", "http://a.example/%FF%EF%BF%BD"),  # a raw byte stays
    ]:
        assert canonical.canonicalize(url) == expected
        if _probe.NATIVE_AVAILABLE:
            assert _probe.canonicalize(url) == expected


@pytest.mark.parametrize(
    "text",
    [
        "see http://listed.example/a\ud800 now",
        "go to listed.exa\ud800mple/x",
        "\ud800 http://listed.example\udfff/ \udbff",
        "http://paths.example/private/\ud800x",
    ],
)
def test_scan_text_with_a_lone_surrogate_blocks(matcher: linkscreen.Matcher, text: str) -> None:
    findings = matcher.scan_text(text)
    assert findings.action is Action.BLOCK, findings


def test_expander_blocks_a_hop_with_a_lone_surrogate_without_requesting_it(
    matcher: linkscreen.Matcher,
) -> None:
    hop = (302, {"location": "http://listed.exa\ud800mple/x"}, b"")
    fetcher = Scripted({"http://sho.test/a": hop})
    expansion = linkscreen.Expander(matcher, fetcher).expand("http://sho.test/a")
    assert expansion.action is Action.BLOCK
    assert expansion.stopped == "blocked"
    assert fetcher.requested == ["http://sho.test/a"]


def test_expander_requests_the_reading_it_checked(matcher: linkscreen.Matcher) -> None:
    fetcher = Scripted({"http://sho.test/a": (302, {"location": "http://ok.test/p\ud800"}, b"")})
    expansion = linkscreen.Expander(matcher, fetcher).expand("http://sho.test/a")
    assert expansion.action is Action.ALLOW
    assert fetcher.requested[-1] == "http://ok.test/p\ud800"
    # what the standard fetcher sends for it: U+FFFD, the reading the matcher checked
    assert request_target(fetcher.requested[-1]).target == "/p%EF%BF%BD"


def _files(tmp_path: Path, bundle_bytes: bytes) -> tuple[Path, Path]:
    bundle = tmp_path / "b.bundle"
    bundle.write_bytes(bundle_bytes)
    key = tmp_path / "k.pub"
    key.write_bytes(TEST_PUBLIC)
    return bundle, key


def test_cli_check_of_a_lone_surrogate_blocks(
    tmp_path: Path, bundle_bytes: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle, key = _files(tmp_path, bundle_bytes)
    code = main(
        [
            "check",
            "--bundle",
            str(bundle),
            "--public-key",
            str(key),
            "http://listed.example/a\ud800",
            "http://fine.example/\ud800",
        ]
    )
    assert code == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["action"] for r in records] == ["block", "allow"]
    assert records[0]["url"] == "http://listed.example/a\ud800"


def test_cli_scan_of_a_lone_surrogate_blocks(tmp_path: Path, bundle_bytes: bytes) -> None:
    bundle, key = _files(tmp_path, bundle_bytes)
    lines = [{"id": 1, "text": "see listed.exa\ud800mple/x"}, {"id": 2, "text": "ok \udfff"}]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "linkscreen",
            "scan",
            "--bundle",
            str(bundle),
            "--public-key",
            str(key),
            "--jsonl",
        ],
        input="".join(json.dumps(line) + "\n" for line in lines),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["id"], r["action"]) for r in records] == [(1, "block"), (2, "allow")]
