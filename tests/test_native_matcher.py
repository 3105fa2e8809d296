"""``Matcher.check_url`` through one C call gives the pure path's verdicts, field for field.

The C core takes the raw URL and hands back the browser reading, the expressions over all
readings and the matching fingerprint rows (``ls_check_url``); the Matcher only builds the
verdict. The bundle here has two lists sharing entries (one expression, several rows), a
URL shortener under the ``warn`` policy, hosts, path prefixes and exact pages, so every branch
of the verdict is compared; the URLs are the feed, mutations of it, URLs past a limit (the pure
path answers those) and generated ones.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
import random
import threading
from pathlib import Path
from typing import Any

import pytest

import linkscreen
from linkscreen import Action, _probe
from linkscreen.bundle import format as fmt

import url_corpus
from bundles import compile_lists, open_bytes

pytestmark = pytest.mark.skipif(not _probe.NATIVE_AVAILABLE, reason="C core not built")


def _lists() -> dict[str, tuple[list[str], Action]]:
    feed = url_corpus.feed(4000)
    shared = ["shared.example/", "both.test/a/b/", "listed.example/page?x=1"]
    return {
        "block": ([*feed[::2], *shared, "http://short.example/abc"], Action.BLOCK),
        "warn": ([*feed[1::3], *shared], Action.WARN),
    }


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Bundle:
    workdir: Path = tmp_path_factory.mktemp("native-matcher")
    data = compile_lists(workdir, _lists(), shortener_policy=fmt.SHORTENER_POLICY_WARN)
    return open_bytes(data)


def _matchers(bundle: linkscreen.Bundle, monkeypatch: Any) -> tuple[Any, Any]:
    monkeypatch.setenv("LINKSCREEN_PURE", "1")
    pure = linkscreen.Matcher(bundle)
    monkeypatch.setenv("LINKSCREEN_PURE", "0")
    native = linkscreen.Matcher(bundle)
    assert (pure.uses_native, native.uses_native) == (False, True)
    return pure, native


def _urls() -> list[str]:
    rng = random.Random(5)
    feed = url_corpus.feed(6000)
    urls = [*feed, *(url_corpus.mutate(u, rng) for u in feed[:3000])]
    urls += [url_corpus.past_a_limit(rng) for _ in range(20)]
    urls += [url_corpus.generated(rng) for _ in range(2000)]
    urls += [
        "http://x.shared.example/anything",
        "https://both.test/a/b/c.html",
        "http://listed.example/page?x=1",
        "http://short.example/abc",
        "http://short.example/other",
        "http://www.short.example/zzz",
        "javascript:alert(1)",
        "http://a.example/\udcc3\udca9",
        "http://a\ud800.example/",
    ]
    # control characters a text view draws as nothing: the URL is checked as shown too (the C
    # core flags them, LS_SCREEN_CONTROL); tab, line feed, carriage return, NBSP are no such
    hidden = ["\x00", "\x01", "\x1b[31m", "\x1b[0m", "\x7f", "\x85", "\x9f", "\t", "\r\n", "\xa0"]
    for mark in hidden:
        urls += [
            f"http://x.shared{mark}.example/anything",
            f"http://shared.example{mark}/",
            f"http://short.example/{mark}abc",
            f"http://unlisted.example/a{mark}b",
        ]
        # at every offset of an eight-byte word (the C core scans a word at a time)
        urls += [f"http://unlisted.example/{'p' * at}{mark}q" for at in range(17)]
    return urls


def test_check_url_in_one_c_call_agrees_with_the_pure_path(
    bundle: linkscreen.Bundle, monkeypatch: Any
) -> None:
    pure, native = _matchers(bundle, monkeypatch)
    urls = _urls()
    bad = [url for url in urls if pure.check_url(url) != native.check_url(url)]
    assert [ascii(u)[:120] for u in bad[:5]] == []
    verdicts = [native.check_url(u) for u in urls]
    # every branch is exercised: several lists on one expression, shortener warnings,
    # host-only and unchecked readings, refusals
    assert any(len(set(v.lists)) > 1 for v in verdicts)
    assert any(v.shortened and v.action is Action.WARN and not v.matches for v in verdicts)
    assert any(v.host_only for v in verdicts)
    assert any(v.error for v in verdicts)
    # the feed repeats hosts, so many match; its 40-line sample (no ../shared/data) fewer
    assert sum(bool(v.matches) for v in verdicts) > (1000 if url_corpus.FEED.exists() else 20)


def test_the_one_call_path_is_taken(bundle: linkscreen.Bundle, monkeypatch: Any) -> None:
    """The verdicts come from ls_check_url, not from the pure path behind it."""
    _, native = _matchers(bundle, monkeypatch)
    probe = _probe.NativeProbe(bundle)
    calls = {"pure": 0}
    real_plan = linkscreen.Matcher._plan

    def counting_plan(self: linkscreen.Matcher, url: str) -> Any:
        calls["pure"] += 1
        return real_plan(self, url)

    monkeypatch.setattr(linkscreen.Matcher, "_plan", counting_plan)
    urls = url_corpus.feed(500)
    for url in urls:
        native.check_url(url)
    answered = sum(probe.check(url) is not None for url in urls)
    assert answered > 0.9 * len(urls)
    assert calls["pure"] == len(urls) - answered


def test_one_expression_on_two_lists_gives_both_rows(bundle: linkscreen.Bundle) -> None:
    found = _probe.NativeProbe(bundle).check("http://x.shared.example/anything")
    assert found is not None
    _, expressions, hits, _shortened = found
    _index, first, end = next(h for h in hits if expressions[h[0]] == "shared.example/")
    assert end - first == 2
    assert {bundle.lists[bundle.payload.tag(row)].id for row in range(first, end)} == {
        "block",
        "warn",
    }


def test_refusals_and_limits_are_left_to_the_pure_path(bundle: linkscreen.Bundle) -> None:
    probe = _probe.NativeProbe(bundle)
    assert probe.check("javascript:alert(1)") is None
    assert probe.check("http://a.example/" + "x" * linkscreen.MAX_URL_CHARS) is None
    assert probe.check("http://a.example/\udcc3\udca9") is None
    assert probe.check("http://a.example/") is not None


def test_techniques_pass_through_both_paths(bundle: linkscreen.Bundle, monkeypatch: Any) -> None:
    pure, native = _matchers(bundle, monkeypatch)
    urls = _urls()[::7]
    for techniques in (("refang",), ("space-as-dot", "unicode")):
        bad = [u for u in urls if pure.check_url(u, techniques) != native.check_url(u, techniques)]
        assert [ascii(u)[:120] for u in bad[:5]] == []
    with pytest.raises(ValueError, match="no-such-technique"):
        native.check_url("http://unlisted.example/", ("no-such-technique",))


def _unlisted(native: linkscreen.Matcher) -> list[str]:
    urls = [u for u in url_corpus.feed(3000) if native._screen(u) is False]  # type: ignore[misc]
    assert len(urls) > 100
    return urls[:300]


def test_an_unlisted_verdict_reads_its_readings_on_demand(
    bundle: linkscreen.Bundle, monkeypatch: Any
) -> None:
    """The common verdict (no match) is built without decoding the C core's readings; they are
    computed the first time they are read, with the values the eager path gives."""
    pure, native = _matchers(bundle, monkeypatch)
    for url in _unlisted(native):
        verdict, reference = native.check_url(url), pure.check_url(url)
        assert "expressions" not in vars(verdict)
        assert (verdict.canonical, verdict.expressions) == (
            reference.canonical,
            reference.expressions,
        )
        assert "_readings" not in vars(verdict)  # filled: nothing left that computes them
        assert verdict == reference
    shortened = native.check_url("http://www.short.example/zzz")
    assert "expressions" not in vars(shortened)
    assert (shortened.action, shortened.shortened) == (Action.WARN, True)
    assert shortened == pure.check_url("http://www.short.example/zzz")


def test_an_unlisted_verdict_behaves_as_a_frozen_dataclass(
    bundle: linkscreen.Bundle, monkeypatch: Any
) -> None:
    pure, native = _matchers(bundle, monkeypatch)
    url = _unlisted(native)[0]
    reference = pure.check_url(url)
    fresh = [native.check_url(url) for _ in range(8)]  # each read first through another door
    assert fresh[0] == reference
    assert reference == fresh[1]
    assert hash(fresh[2]) == hash(reference)
    assert repr(fresh[3]) == repr(reference)
    assert dataclasses.asdict(fresh[4]) == dataclasses.asdict(reference)
    assert fresh[5].to_dict() == reference.to_dict()
    moved = dataclasses.replace(fresh[6], action=Action.WARN)
    assert (moved.canonical, moved.expressions) == (reference.canonical, reference.expressions)
    for verdict in (fresh[7], native.check_url(url)):
        assert pickle.loads(pickle.dumps(verdict)) == reference
        assert copy.copy(verdict) == reference
        assert copy.deepcopy(verdict) == reference
    state = native.check_url(url).__getstate__()
    assert set(state) == {f.name for f in dataclasses.fields(linkscreen.Verdict)}
    with pytest.raises(dataclasses.FrozenInstanceError):
        native.check_url(url).canonical = "http://other.example/"  # type: ignore[misc]
    assert linkscreen.Verdict.canonical is None
    assert linkscreen.Verdict.expressions == ()
    assert (fresh[0].matches, fresh[0].error, fresh[0].signals, fresh[0].notes) == (
        (),
        None,
        (),
        (),
    )
    assert fresh[0].complete
    assert not fresh[0].host_only
    assert fresh[0].message() is None


def test_unlisted_verdicts_read_from_other_threads_after_the_matcher_is_gone(
    bundle: linkscreen.Bundle, monkeypatch: Any
) -> None:
    pure, native = _matchers(bundle, monkeypatch)
    urls = _unlisted(native)
    verdicts = [native.check_url(u) for u in urls]
    del native
    read: dict[int, list[tuple[str | None, tuple[str, ...]]]] = {}

    def reader(number: int) -> None:  # each thread has its own C workspace
        read[number] = [(v.canonical, v.expressions) for v in verdicts]

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    expected = [(pure.check_url(u).canonical, pure.check_url(u).expressions) for u in urls]
    assert all(read[n] == expected for n in range(4))
