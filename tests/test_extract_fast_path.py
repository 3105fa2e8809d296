"""The plain-link fast path of extraction (``extract._plain_link_message``) is the full read.

A window that is one plain web link among plain words skips the joint, space-as-dot and (with
no ``? = &``) host-less path passes of its strict view; the proof is in the function's
docstring. Here: any text built from link pieces, chat words and the characters that start
those passes reads the same with the fast path and without it (candidates, notes, hosts,
paths; with context hosts and paths, spoken hosts), and the shape test refuses each thing that
would make a skipped pass find something.
"""

from __future__ import annotations

from unittest import mock

from hypothesis import example, given, settings
from hypothesis import strategies as st

from linkscreen import _fold, _readings, _refang, extract
from linkscreen.psl import top_level_domains

LINKS = [
    "http://bad.example",
    "https://a-b.example.test/x",
    "http://192.0.2.7/online/ATB",
    "http://bad.example/index_2.html",
    "https://bad.example/a/b/?q=1&r=2",
    "http://bad.example/p?u=https://other.example/x",
    "http://bad.example/a%20b/c",
    "http://x.example/~user/a_b_c_d",
    "http://x.example/q?next/x",
    "http://x.example/?a=/b",
    "http://x.example/a=2Eb",
    "http://x.example/r?url=http%3A%2F%2Fy.example%2F",
    "https://www.google.com/url?q=https://bad.example/",
    "http://bit.ly/abc",
    "http://x.example/a.",
    "http://x.example/a/",
    "http://x.example/dotnet",
    "http://XN--80AK6AA92E.example/",
]
WORDS = [
    *["hey", "look", "at", "this", "and", "tell", "me", "ok", "a", "i", "b", "c", "x", "HEY"],
    *["com", "example", "net", "punto", "point", "dot", "DOT", "slash", "dotcom", "log", "in"],
    *["sites", "google", "bad", "xx", "hxxp", "fxp", "dt"],
]
GLUE = [" ", "  ", ". ", " . ", " / ", "/ ", "\n", "\t", ", ", "_", "? ", "! ", "(", ")", "[.]"]
PIECES = st.one_of(
    st.sampled_from(WORDS), st.sampled_from(LINKS), st.sampled_from(GLUE), st.just(" ")
)


def _plain_texts() -> st.SearchStrategy[str]:
    """Words, one link, single spaces: the shape the fast path takes (and near misses)."""
    words = st.lists(st.sampled_from(WORDS), max_size=6)
    return st.tuples(words, st.sampled_from(LINKS), words).map(
        lambda t: " ".join([*t[0], t[1], *t[2]])
    )


def _read(text: str, fast: bool, hosts: list[str], paths: tuple[str, ...], spoken: bool):
    if fast:
        found = extract._extract(text, hosts, None, paths, (), spoken, "/" in text)
    else:
        with mock.patch.object(extract, "_plain_link_message", return_value=None):
            found = extract._extract(text, hosts, None, paths, (), spoken, "/" in text)
    return (list(found), found.notes, found.hosts, found.paths)


def _same(text: str) -> None:
    for hosts, paths, spoken in [
        ([], (), False),
        (["ctx.example"], ("album/9",), False),
        ([], (), True),
        (["ctx.example"], ("album/9",), True),
    ]:
        assert _read(text, True, hosts, paths, spoken) == _read(
            text, False, hosts, paths, spoken
        ), (text, hosts, paths, spoken)


@settings(max_examples=300)
@given(_plain_texts())
@example("hey look at this http://bad.example/index_2.html and tell me what you think ok")
@example("a b c http://x.example/a_b_c_d x y z")
@example("see http://bad.example point com")
@example("http://x.example/a. next")
@example("go http://x.example/a/ next")
@example("hey " * 300 + "http://x.example/a_b ok")  # a long window: the token memo
@example("http://x.example/a ok ")
@example(" http://x.example/a ok")
@example("http http://x.example/a_b x8D")
def test_plain_link_messages_read_as_in_full(text: str) -> None:
    _same(text)


@settings(max_examples=300)
@given(st.lists(PIECES, max_size=14).map("".join))
@example("bad.example dot com")
@example("visit http://bad.example/x and sites google com/x")
def test_any_text_reads_the_same_with_and_without_the_fast_path(text: str) -> None:
    _same(text)


@settings(max_examples=300)
@given(_plain_texts())
@example("a b c http://x.example/a_b_c_d x y z")
@example("hey http://x.example/q?next/x ok")
def test_the_skipped_passes_find_nothing_in_a_plain_link_message(text: str) -> None:
    """The proof, pass by pass: on a text the shape test takes, the joints and the space as a
    dot of its strict view add nothing, and without ``? = &`` no host-less path starts."""
    link = extract._plain_link_message(text)
    if link is None:
        return
    assert [m.span() for m in _readings._TOKEN.finditer(text)] == [link]  # its one token
    strict = _refang.refang(_fold.fold(text))
    reader = _readings.Reader(top_level_domains())
    found = _readings.Readings()
    reader.joints(strict, found, text)
    reader.space_as_dot(strict, found)
    assert not found
    assert not found.notes
    if not any(c in text for c in "?=&"):
        assert list(extract._hostless_paths(text)) == []


@given(st.lists(PIECES, max_size=14).map("".join))
@example("bad.example dot com")
@example("hey look at this http://bad.example/index_2.html and tell me ok")
def test_the_joint_pass_is_skipped_only_on_the_shape(text: str) -> None:
    """Only a text the shape test takes skips the strict view's joints (and every text the
    test takes skips them)."""
    calls: list[str] = []
    real = _readings.Reader.joints

    def spy(self: _readings.Reader, view: object, out: object, source: object = None) -> None:
        calls.append(view.text)  # type: ignore[attr-defined]
        real(self, view, out, source)  # type: ignore[arg-type]

    with mock.patch.object(_readings.Reader, "joints", spy):
        extract._extract(text, [], None, (), (), False, "/" in text)
    strict = _refang.refang(_fold.fold(text)).text
    if strict is text:  # (a rewritten view is never skipped)
        assert (text in calls) is (extract._plain_link_message(text) is None), text


def test_the_shape_takes_plain_links_and_refuses_what_a_skipped_pass_reads() -> None:
    def take(text: str) -> bool:
        return extract._plain_link_message(text) is not None

    assert take("hey look at this http://bad.example/index_2.html and tell me what you think ok")
    assert take("http://192.0.2.7/online/ATB")
    assert take("see https://bad.example/a/b/?q=1&r=2")
    assert take("see http://bad.example/a/")  # a trailing "/" ends the message
    for text in [
        "see http://bad.example/a/ now",  # "/ ": a spaced slash
        "see http://bad.example/a. now",  # ". ": a spaced dot
        "see http://bad.example point com",  # a joint word
        "see http://bad.example dot com",
        "see http://baddotexample.com/x",  # a glued dot word
        "see http://bad.example/slash",
        "see http://x.example?a=b",  # "?" right after the host: a punctuation joint
        "see  http://bad.example",  # two spaces
        "see http://bad.example ok ",
        " see http://bad.example ok",
        "see http://bad.example ok  ok",
        "see\nhttp://bad.example",
        "see http://bad.example, ok",
        "see bad.example ok",  # no scheme
        "two http://a.example and http://b.example",
        "see http://bad.example/é",
        "see http://bad.example/(x)",
        "see http://user@bad.example/",
        "see http://bad.example/a#b",
    ]:
        assert not take(text), text
