"""``check_url`` of a host hidden behind escapes or spaces reads it as a person sees it (ADR 0029).

Attack 15 (F): ``https://jqxvw.example%C2%A0/`` (a no-break space, escaped), ``%E2%80%A8`` (a
line separator), ``log.in%EF%BC%8F`` (a full-width slash), ``jqxvw%C2%B7example`` (a middle
dot), ``jqxvw%u002eexample`` (the IIS form of a dot) and ``https://jqx vw.example/`` answered
``allow``, complete: the Safe Browsing reading keeps such a host escaped (``jqxvw.example%20``)
and nothing listed names it, while the same link written with the characters themselves, or
with ``%20``, blocks. A browser refuses every one of these hosts; a client that shows URLs
decoded draws the characters, and a person reads the host without them. ``check_url`` now
also reads the authority decoded, and without its spaces and invisible characters, as
``scan_text`` reads that text: the more severe answer stands.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pure_parity import check_answer, pure_answers, scan_answer

import linkscreen
from linkscreen import Action, Technique

from bundles import compile_lists, open_bytes

ENTRIES = ["jqxvw.example/", "log.in/", "qzvkt.example/gal/275/1"]

#: Hosts hidden behind escapes or spaces, each naming a listed entry: block.
HIDDEN = [
    "https://jqxvw.example%C2%A0/",
    "https://jqxvw.example%E2%80%A8/",
    "https://jqxvw.example%E2%80%8B/x",  # a zero-width space, escaped
    "https://log.in%EF%BC%8F/",
    "https://jqxvw%C2%B7example/",
    "https://jqxvw%u002eexample/",
    "https://jqxvw%U002Eexample/a",
    "https://%uD800jqxvw.example/",  # a lone surrogate, IIS-escaped: shown without it
    "https://jqx vw.example/",
    "https://jqx%20vw.example/",
    "https://jqxvw.exa%E2%80%8Bmple/",
    "http://qzvkt.example%C2%A0/gal/275/1",
    "https://jqxvw.example%C2%A0/\u0444\u043e\u0442\u043e",  # a path in other scripts
    "jqxvw%C2%B7example",  # no scheme (attack 16 E11)
    "jqxvw%E3%80%82example/x",
]

#: The same shapes with nothing listed in them, and escapes that are no characters: allow.
UNLISTED = [
    "https://example.test%C2%A0/",
    "https://jqx vw2.example/",
    "http://%20leadingspace.com/",
    "https://my%20app.example/",
    "https://jqxvw.example.test%C2%A0/",
    "https://%uD800jqxvw.test/",
    "https://jqxvw%FFexample.test/",  # no UTF-8
]


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    return _matcher(tmp_path_factory.mktemp("shown"))


def _matcher(tmp: Path) -> linkscreen.Matcher:
    return linkscreen.Matcher(open_bytes(compile_lists(tmp, {"h": (ENTRIES, Action.BLOCK)})))


@pytest.mark.parametrize("url", HIDDEN)
def test_a_hidden_listed_host_blocks(matcher: linkscreen.Matcher, url: str) -> None:
    verdict = matcher.check_url(url)
    assert verdict.action is Action.BLOCK, verdict
    assert verdict.matches


def test_the_verdict_says_how_the_host_was_read(matcher: linkscreen.Matcher) -> None:
    verdict = matcher.check_url("https://jqxvw.example%C2%A0/")
    assert any("as scan_text reads it" in note for note in verdict.notes), verdict.notes


@pytest.mark.parametrize("url", UNLISTED)
def test_hidden_unlisted_hosts_stay_allow(matcher: linkscreen.Matcher, url: str) -> None:
    verdict = matcher.check_url(url)
    assert verdict.action is Action.ALLOW, verdict
    assert not verdict.matches


def test_plain_urls_take_no_shown_reading(matcher: linkscreen.Matcher) -> None:
    # a plainly written URL is answered by its own reading: no note of a text reading
    verdict = matcher.check_url("https://jqxvw.example/")
    assert verdict.action is Action.BLOCK
    assert not any("as scan_text reads it" in note for note in verdict.notes)


def test_pure_python_answers_the_same(matcher: linkscreen.Matcher, tmp_path: Path) -> None:
    urls = HIDDEN + UNLISTED
    pure = pure_answers("test_shown_hosts", tmp_path, urls, "check_answer")
    assert pure == [check_answer(matcher, url) for url in urls]


_ESCAPED = st.sampled_from(["%C2%A0", "%E2%80%A8", "%E2%80%8B", "%20", " ", "%E3%80%80", "\t"])


@settings(max_examples=60, deadline=None)
@given(hider=_ESCAPED, where=st.sampled_from(["end", "inside"]))
def test_any_unseen_character_hiding_a_listed_host_blocks(
    matcher: linkscreen.Matcher, hider: str, where: str
) -> None:
    host = "jqxvw.example" + hider if where == "end" else "jqxvw.ex" + hider + "ample"
    verdict = matcher.check_url(f"https://{host}/photos")
    assert verdict.action is Action.BLOCK, verdict


#: The same hosts in message text: the token's escapes are read as the characters they spell
#: in UTF-8 (a no-break space or a line separator dropped as ``%20`` is, a full-width slash
#: folded as written ones are) and ``%u002e`` as the dot IIS reads.
IN_TEXT = [
    "see https://jqxvw.example%C2%A0/ now",
    "see https://jqxvw.example%E2%80%A8/ now",
    "see https://jqxvw.example%E3%80%80/photos now",
    "see https://log.in%EF%BC%8F/ now",
    "see https://jqxvw%u002eexample/ now",
    "see https://jqxvw%252eexample%25C2%25A0/ now",  # escaped twice
    # an escaped dot look-alike: deliberate, unlike a middle dot typed between two words
    "see jqxvw%C2%B7example now",
    "see https://jqxvw%C2%B7example/ now",
    "see jqxvw%E3%80%82example/x now",
    "jqxvw%EF%BC%8Cexample",  # a full-width comma, escaped
    "see jqxvw%25C2%25B7example now",
    # attack 16: what the escapes spell read by every text reading (glued words, defangs)
    "see:jqxvw%2Eexample/",
    "url:jqxvw%2Eexample",
    "hxxp://jqxvw[%2E]example/",
    "http://jqxvw%5B.%5Dexample/",
    "jqxvw[%2E]example",
    # a space inside a host after a scheme, as check_url reads it
    "see http://jqx vw.example/ ok",
    "see http://user@jqx vw.example/ ok",
]

#: An escaped look-alike letter: the skeleton's twin may be innocent, so a warning.
IN_TEXT_LOOKALIKE = ["see http://%D1%98qxvw.example/ ok"]

#: Escapes of ordinary text in links and messages: nothing listed, nothing read.
TEXT_NEGATIVES = [
    "https://zh.example.test/%E4%BD%A0%E5%A5%BD and https://ru.example.test/%D0%BF%D1%80",
    "50%C2%A0off at shop.example.test",
    "the file is log%C2%A0in.txt",
    "progress: 100% done, 20%u of it",
    "50%C2%B7off at jqxvw",
    "https://ru.example.test/%D0%BF%C2%B7%D1%80",
    "the file log%2Ein.txt",
    "50%2E5 percent",
    "check http://localhost first",
    "see http://jqx vw.example.test/ ok",
]


@pytest.mark.parametrize("text", IN_TEXT)
def test_a_hidden_listed_host_in_text_blocks(matcher: linkscreen.Matcher, text: str) -> None:
    found = matcher.scan_text(text)
    assert found.action is Action.BLOCK, [(f.url, str(f.action)) for f in found]


@pytest.mark.parametrize("text", TEXT_NEGATIVES)
def test_escaped_text_reads_no_link(matcher: linkscreen.Matcher, text: str) -> None:
    found = matcher.scan_text(text)
    assert found.action is Action.ALLOW, [(f.url, str(f.action)) for f in found]


def test_an_escaped_dot_lookalike_is_no_prose_dot(matcher: linkscreen.Matcher) -> None:
    # typed, a middle dot glued between two words may be a sentence's: a warning only;
    # escaped, it is deliberate and reads as the host's dot (as check_url reads it)
    assert matcher.scan_text("see jqxvw\u00b7example now").action is Action.WARN
    found = matcher.scan_text("see jqxvw%C2%B7example now")
    assert found.action is Action.BLOCK
    assert any(Technique.PERCENT_ENCODED in f.techniques for f in found if f.verdict.matches)


@pytest.mark.parametrize("text", IN_TEXT_LOOKALIKE)
def test_an_escaped_lookalike_letter_warns(matcher: linkscreen.Matcher, text: str) -> None:
    found = matcher.scan_text(text)
    assert found.action is Action.WARN, [(f.url, str(f.action)) for f in found]


def test_pure_python_reads_text_the_same(matcher: linkscreen.Matcher, tmp_path: Path) -> None:
    texts = IN_TEXT + IN_TEXT_LOOKALIKE + TEXT_NEGATIVES
    assert pure_answers("test_shown_hosts", tmp_path, texts) == [
        scan_answer(matcher, text) for text in texts
    ]
