"""A chat mark glued right after a listed name: ``jqxvw.example!!``, ``jqxvw.example:)``.

Attack 16, class A: a bare listed host with a mark glued after it answered ``allow``. The
evidence rule read the name as a code identifier (``_evidence._CODE_AFTER`` matched ``!!``,
``:`` before a non-space, ``(``, ``=``, ``++``, ``--``, ``.Letter``) and a code identifier that
matches only a whole-host entry is allowed; some marks (``(new)``, ``++``, ``$``, ``@``,
``:fun``, ``.Check``) left no reading of the name at all. ADR 0012, "Eighth session":

- chat marks (an emoticon, a run of ``!``/``?`` ending the token, a full stop glued to the
  next sentence) are never code: the name is judged as if the mark were not there (block);
- marks code also glues after a name (``(`` ``=`` ``++`` ``--`` ``_`` ``$`` ``@`` ``:word``)
  are decided by evidence: the line without the name, another line of the message reading as
  code, or a name made of words allow; a name of random letters otherwise warns;
- ``check_url`` of such a token (an app passes a tapped token) reads it as ``scan_text`` does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pure_parity import check_answer, pure_answers, scan_answer

import linkscreen
from linkscreen import Action
from linkscreen._evidence import chat_mark_after

from bundles import compile_lists, open_bytes

ENTRIES = ["jqxvw.example/", "log.in/", "sign.up/", "buy.now/", "qzvkt.example/gal/275/1"]

#: Chat marks: the name reads as if the mark were not there.
BLOCK = [
    "jqxvw.example!!",
    "go to jqxvw.example!!",
    "jqxvw.example?!",
    "jqxvw.example!!!🙂",
    "jqxvw.example:)",
    "jqxvw.example:D",
    "jqxvw.example:(",
    "jqxvw.example:-)",
    "jqxvw.example:P",
    "jqxvw.example;)",
    "jqxvw.example<3",
    "see jqxvw.example:)) ok",
    "jqxvw.example.Check it",
    "go to jqxvw.example.Then we talk",
    "log.in!!",
    "buy.now!!",
    "sub.jqxvw.example!!",
    "JQXVW.EXAMPLE!!",
    "j q x v w . e x a m p l e!!",
    "j q x v w . e x a m p l e:)",
    "qzvkt.example/gal/275/1:-)",
    "jqxvw.example:8080",  # a port is no mark: the host, as before
]

#: Marks code also writes, after a name of random letters on a line that is no code: warn.
WARN = [
    "jqxvw.example(new)",
    "jqxvw.example=great",
    "jqxvw.example++",
    "jqxvw.example--",
    "jqxvw.example_",
    "jqxvw.example$",
    "jqxvw.example@",
    "see jqxvw.example:fun",
    "wow jqxvw.example(this one)",
]

#: Code and chat that stay allowed: the line (without the name) or the message reads as code,
#: the mark goes on as code, or the name is made of words.
ALLOW = [
    "val n = user.name!!",  # Kotlin's not-null assertion, on a code line
    "x = jqxvw.example!!.size",  # "!!." goes on as code
    "if (jqxvw.example!= y) {",
    "x = jqxvw.example(1)",
    "jqxvw.example(a, b)",  # an argument list
    "jqxvw.example(x);",
    "y = 2; jqxvw.example++",
    "x = jqxvw.example_",
    "jqxvw.example=true",
    "jqxvw.example=smtp.mail.test",  # a config key and a host value
    "val x = task.id\njqxvw.example(x)",  # another line of the message is code
    "log.in(now)",  # a name made of words: chance
    "log.in++",
    "sign.up=great",
    "see log.in:fun",
    "acme.model.User user = repo.find()",
    "see jqxvw.example.test:)",  # a longer host, not the listed one
    "jqxvw.examples!!",
]

#: check_url of a tapped token with chat marks glued after it: as scan_text reads it.
CHECK_BLOCK = [
    "jqxvw.example!!",
    "jqxvw.example:)",
    "jqxvw.example!",
    "log.in?!",
    "jqxvw.example:D",
]
CHECK_ALLOW = ["jqxvw.examples!!", "example.test:)", "https://example.test/x!!"]


def _matcher(tmp: Path) -> linkscreen.Matcher:
    return linkscreen.Matcher(open_bytes(compile_lists(tmp, {"h": (ENTRIES, Action.BLOCK)})))


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    return _matcher(tmp_path_factory.mktemp("marks"))


def _found(matcher: linkscreen.Matcher, text: str) -> list[tuple[str, str]]:
    return [(f.url, str(f.action)) for f in matcher.scan_text(text)]


@pytest.mark.parametrize("text", BLOCK)
def test_a_chat_mark_after_a_listed_name_blocks(matcher: linkscreen.Matcher, text: str) -> None:
    assert matcher.scan_text(text).action is Action.BLOCK, _found(matcher, text)


@pytest.mark.parametrize("text", WARN)
def test_a_code_like_mark_after_random_letters_warns(
    matcher: linkscreen.Matcher, text: str
) -> None:
    assert matcher.scan_text(text).action is Action.WARN, _found(matcher, text)


@pytest.mark.parametrize("text", ALLOW)
def test_code_and_words_stay_allowed(matcher: linkscreen.Matcher, text: str) -> None:
    assert matcher.scan_text(text).action is Action.ALLOW, _found(matcher, text)


@pytest.mark.parametrize("url", CHECK_BLOCK)
def test_check_url_reads_a_token_with_chat_marks(matcher: linkscreen.Matcher, url: str) -> None:
    verdict = matcher.check_url(url)
    assert verdict.action is Action.BLOCK, (verdict.action, verdict.notes)


@pytest.mark.parametrize("url", CHECK_ALLOW)
def test_check_url_of_other_names_with_marks_allows(matcher: linkscreen.Matcher, url: str) -> None:
    assert matcher.check_url(url).action is Action.ALLOW


@pytest.mark.parametrize(
    ("after", "length"),
    [
        ("!!", 2),
        ("?! ok", 2),
        (":)", 2),
        (":-) x", 3),
        (";)", 2),
        ("<3", 2),
        (":D🙂", 2),
        (".Check it", 1),
        ("!!.size", 0),  # goes on as code
        ("!= y", 0),
        (":(a)", 0),
        (".Type name =", 0),  # a declaration: no lower-case prose after the word
        (".check it", 0),
        ("(new)", 0),
    ],
)
def test_chat_mark_after(after: str, length: int) -> None:
    assert chat_mark_after(after) == length


def test_pure_python_answers_the_same(matcher: linkscreen.Matcher, tmp_path: Path) -> None:
    texts = BLOCK + WARN + ALLOW
    assert pure_answers("test_marks_after", tmp_path, texts) == [
        scan_answer(matcher, text) for text in texts
    ]
    urls = CHECK_BLOCK + CHECK_ALLOW
    assert pure_answers("test_marks_after", tmp_path, urls, "check_answer") == [
        check_answer(matcher, url) for url in urls
    ]
