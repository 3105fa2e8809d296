"""A mark glued before a link (attack 10, H7): ``!bad.example/x``, ``-bad.example/x``.

Before, the mark became part of the host (``!qzvkt.example``), a host no list names, so a
listed page or host written with one punctuation mark in front of it was allowed: 13 marks
hid 100 of 100 random hosts. The link is now also read without the mark, as strictly as the
token. A bare name after a code sigil (``$obj.name``, ``@app.name``, ``-Dapp.name=1``) is not
read that way: only a path, or a sentence's ``!`` or ``?``, makes it a link (and a bare
name after ``?`` is still a query's value, ``?fields=user.name``, by the code rule).
"""

from __future__ import annotations

import pytest

import linkscreen
from linkscreen import Action

from bundles import compile_lists, open_bytes

MARKS = [*"!?=+&%-:@#$^|", "!!", "?!", "--"]


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    entries = ["http://qzvkt.example/", "http://jqxvw.example/gal/275/", "http://app.name/"]
    data = compile_lists(tmp_path_factory.mktemp("glued"), {"h": (entries, Action.BLOCK)})
    return linkscreen.Matcher(open_bytes(data))


@pytest.mark.parametrize("mark", MARKS)
@pytest.mark.parametrize(
    "template",
    ["{m}jqxvw.example/gal/275/1", "see {m}jqxvw.example/gal/275/1 now", "{m}qzvkt.example/x"],
)
def test_a_listed_link_with_a_mark_glued_before_it_blocks(
    matcher: linkscreen.Matcher, mark: str, template: str
) -> None:
    findings = matcher.scan_text(template.format(m=mark))
    assert findings.action is Action.BLOCK, [(f.url, f.action) for f in findings]
    (hit,) = [f for f in findings if f.action is Action.BLOCK][:1]
    assert not hit.url.startswith(mark[0])  # the reading without the mark matched


@pytest.mark.parametrize("text", ["look!qzvkt.example", "wow !qzvkt.example ok", "!!qzvkt.example"])
def test_a_bare_host_after_a_sentence_mark_blocks(matcher: linkscreen.Matcher, text: str) -> None:
    assert matcher.scan_text(text).action is Action.BLOCK


@pytest.mark.parametrize(
    "text",
    [
        "$app.name",
        "echo $app.name",
        "@app.name",
        "java -Dapp.name=demo -jar x.jar",
        "value = -app.name",
        "#app.name { color: red }",
        "%app.name%",
        "x = &app.name;",
        "{{ a|app.name }}",
    ],
)
def test_a_bare_name_after_a_code_sigil_stays_allowed(
    matcher: linkscreen.Matcher, text: str
) -> None:
    assert matcher.scan_text(text).action is Action.ALLOW
