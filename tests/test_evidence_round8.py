"""The evidence rule, eighth round (ADR 0012): false alarms of attack 11.

F1: a decorative symbol glued between letters (``call♡me``, ``log→in``) is prose; a path
after the joined name makes it a link again, and a dot look-alike, a dot shape, a doubled
symbol and the defang marks ``# ~`` (``∙ ．``, ``● 🔴 ⭐``, ``★★``) are still a dot.
F2: typographic apostrophes read as ``'``. F3: ``.ext`` after a space names a file
extension. M7: seven words joined by prose dots are still words; shell lines of file
commands and code operators after a dotted name are code (F4).
Benign chat against word-named whole-host entries must stay ``allow``; a random-letter host
written with the same marks must still be found. Each test fails when its rule is deleted or
inverted.
"""

from __future__ import annotations

import pytest

import linkscreen
from linkscreen import Action

from bundles import compile_lists, open_bytes

HOSTS = [
    "http://call.me/",
    "http://log.in/",
    "http://see.you/",
    "http://hello.world/",
    "http://are.you/",
    "http://l.app/",
    "http://ma.am/",
    "http://open.app/",
    "http://let.me/",
    "http://need.help/",
    "http://qzvkt.example/",
    "http://jqxvw.test/",
]

#: Decoration that chat glues to words (Korean/Japanese chat: ``call♡me``, ``see☆you``).
DECORATION = "♡★☆✩♪♫→⇒♬✿❀⋆✧♤♧※"
#: Typographic apostrophes (smart punctuation).
APOSTROPHES = "’‘´"


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    data = compile_lists(tmp_path_factory.mktemp("r7"), {"h": (HOSTS, Action.BLOCK)})
    return linkscreen.Matcher(open_bytes(data))


def _action(matcher: linkscreen.Matcher, text: str) -> Action:
    return matcher.scan_text(text).action


def _matched(matcher: linkscreen.Matcher, text: str) -> bool:
    return any(f.verdict.matches for f in matcher.scan_text(text))


class TestGluedMarks:
    @pytest.mark.parametrize("mark", list(DECORATION))
    def test_between_two_words_is_prose(self, matcher: linkscreen.Matcher, mark: str) -> None:
        for text in (f"call{mark}me", f"ok log{mark}in tomorrow", f"are{mark}you{mark}coming"):
            assert _matched(matcher, text), text  # still read and reported
            assert _action(matcher, text) is Action.ALLOW, text

    @pytest.mark.parametrize("mark", list(DECORATION))
    def test_a_path_after_the_name_blocks(self, matcher: linkscreen.Matcher, mark: str) -> None:
        for text in (f"call{mark}me/x", f"see qzvkt{mark}example/gal/1 now", f"log{mark}in/"):
            assert _action(matcher, text) is Action.BLOCK, text

    @pytest.mark.parametrize("mark", list(DECORATION))
    def test_a_scheme_blocks(self, matcher: linkscreen.Matcher, mark: str) -> None:
        assert _action(matcher, f"http://call{mark}me") is Action.BLOCK

    @pytest.mark.parametrize("mark", list(DECORATION))
    def test_decoration_inside_a_name_is_found(
        self, matcher: linkscreen.Matcher, mark: str
    ) -> None:
        findings = matcher.scan_text(f"qzvkt{mark}example")
        assert findings.action is Action.WARN
        assert any(s == "held-back" for f in findings for s in f.signals)

    @pytest.mark.parametrize(
        "text",
        [
            # one "∙ ． ~" between two words is prose since the tenth round
            # (tests/test_word_pair_marks.py); a dot shape or a doubled mark is still a dot
            "call●me",
            "call🔴me",
            "call⭐me",
            "call••me",
            "call★★me",
        ],
    )
    def test_a_dot_look_alike_or_shape_is_still_a_dot(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        assert _action(matcher, text) is Action.BLOCK


class TestApostrophes:
    @pytest.mark.parametrize("mark", list(APOSTROPHES))
    def test_read_as_ascii(self, matcher: linkscreen.Matcher, mark: str) -> None:
        for text in (f"c{mark}est l{mark}app de ma banque", f"yes ma{mark}am", f"log{mark}in"):
            assert _action(matcher, text) is Action.ALLOW, text
            assert not _matched(matcher, text), text  # no joint, as with "'"

    @pytest.mark.parametrize("mark", list(APOSTROPHES))
    def test_a_link_beside_one_still_blocks(self, matcher: linkscreen.Matcher, mark: str) -> None:
        assert _action(matcher, f"c{mark}est qzvkt.example/x") is Action.BLOCK


class TestFileExtensions:
    @pytest.mark.parametrize(
        "text", ["how do I open .app files?", "open .app bundle from Finder", "can't open .app"]
    )
    def test_an_extension_after_a_space_is_prose(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        assert _matched(matcher, text)
        assert _action(matcher, text) is Action.ALLOW

    @pytest.mark.parametrize(
        "text", ["see qzvkt .example/x", "http:// qzvkt .example /", "look http://call .me"]
    )
    def test_a_space_before_a_dot_in_a_link_blocks(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        assert _action(matcher, text) is Action.BLOCK

    def test_a_random_host_so_written_is_found(self, matcher: linkscreen.Matcher) -> None:
        assert _action(matcher, "see qzvkt .example") is Action.WARN


class TestManyWords:
    @pytest.mark.parametrize("mark", ["·", "•", "..."])
    def test_seven_words_are_words(self, matcher: linkscreen.Matcher, mark: str) -> None:
        text = mark.join(["let", "me", "know", "if", "you", "need", "help"])
        assert _matched(matcher, text)
        assert _action(matcher, text) is Action.ALLOW

    def test_random_letters_among_them_are_found(self, matcher: linkscreen.Matcher) -> None:
        text = "·".join(["let", "me", "know", "if", "you", "need", "qzvkt", "example"])
        assert _action(matcher, text) is Action.WARN


class TestShellAndCodeLines:
    """F4 and M7: shell lines of file commands and code operators after a dotted name."""

    @pytest.mark.parametrize(
        "command",
        [
            *("cp", "mv", "rm", "cat", "ls", "touch", "chmod +x", "scp", "rsync -a"),
            *("tar xf", "less", "vim", "nano", "open", "code", "sudo cp", "$ mv"),
        ],
    )
    def test_a_file_command_line_is_code(self, matcher: linkscreen.Matcher, command: str) -> None:
        for text in (f"{command} hello.world /tmp/", f"{command} log.in", f"{command} call.me x_1"):
            assert _matched(matcher, text), text
            assert _action(matcher, text) is Action.ALLOW, text

    @pytest.mark.parametrize(
        "text",
        [
            "open hello.world in the browser",  # a sentence goes on in words
            "cp hello.world to your phone",
            "try cp log.in",  # not at the line start
            "cp qzvkt.example/gal/1 /tmp/",  # a path: checked as a link (path entry below)
        ],
    )
    def test_a_sentence_or_a_link_still_blocks(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        assert _action(matcher, text) is Action.BLOCK

    @pytest.mark.parametrize(
        "text",
        [
            "hello.world?.id",
            "call.me?.name",
            "hello.world > 5",
            "if hello.world >= 2:",
            "call.me < 0",
            "hello.world ?? 0",
            "hello.world && y",
            "!hello.world",
            "if (!call.me) {",
            "export LOG_IN=1 # log.in",
        ],
    )
    def test_code_operators_are_code(self, matcher: linkscreen.Matcher, text: str) -> None:
        assert _matched(matcher, text)
        assert _action(matcher, text) is Action.ALLOW

    @pytest.mark.parametrize(
        "text",
        ["wow !hello.world ok", "did you see call.me?", "see hello.world >>> later", "call.me <3"],
    )
    def test_chat_around_a_name_still_blocks(self, matcher: linkscreen.Matcher, text: str) -> None:
        # a sentence's "!"; a query that is not optional chaining; no operator and operand
        assert _action(matcher, text) is Action.BLOCK


class TestSeparatorMarks:
    """``# ~`` (``＃ ～``) glued again to a neighbouring word separate or trail the words of a
    line (``are~you~coming``, ``see~you~``): style, not a dot; one glued between two pieces
    (``qzvkt~example``) still reads as one. (A trailing ``#`` ends any reading: not read.)"""

    @pytest.mark.parametrize("mark", list("~#～＃"))
    def test_a_repeated_mark_is_prose(self, matcher: linkscreen.Matcher, mark: str) -> None:
        for text in (f"are{mark}you{mark}coming{mark}tonight", f"ok so{mark}call{mark}me"):
            assert _matched(matcher, text), text
            assert _action(matcher, text) is Action.ALLOW, text

    @pytest.mark.parametrize("mark", list("~～"))
    def test_a_trailing_mark_is_prose(self, matcher: linkscreen.Matcher, mark: str) -> None:
        for text in (f"see{mark}you{mark}", f"ok log{mark}in{mark} 😊"):
            assert _matched(matcher, text), text
            assert _action(matcher, text) is Action.ALLOW, text
        assert _action(matcher, f"qzvkt{mark}example{mark}") is Action.WARN  # still found

    @pytest.mark.parametrize("mark", list("~#～＃"))
    def test_one_mark_inside_a_name_is_a_dot(self, matcher: linkscreen.Matcher, mark: str) -> None:
        assert _action(matcher, f"qzvkt{mark}example") is Action.BLOCK
        assert _action(matcher, f"see{mark}qzvkt{mark}example/x") is Action.BLOCK
        assert _action(matcher, f"ok{mark}qzvkt{mark}example now") is Action.WARN
