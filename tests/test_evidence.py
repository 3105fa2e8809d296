"""The evidence rule (ADR 0012): when a reading may block, warn or only be reported.

Each scenario pins one branch of ``linkscreen._evidence.weigh``: deleting or inverting any of
its checks fails a test here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import linkscreen
from linkscreen import Action, Signal

from bundles import compile_lists, open_bytes

HOSTS = [
    "http://log.in/",
    "http://group.chat/",
    "http://kqzv12-xr.example/",
    "http://bad.example/",
    "http://user.email/",
    "http://setup.py/",
    "http://acme.chat/",
    "http://server.host/",
    "http://the.com/",
    "http://db.host/",
    "http://promo.example/",
    "http://docker-entrypoint.sh/",
    "http://proguard-rules.pro/",
    "http://java.net/",
    "http://app.run/",
    "http://task.id/",
    "http://rv.data/",
    "http://t.name/",
    "http://url.host/",
    "http://sansio.app/",
    "http://create.app/",
    "http://health.info/",
    "http://39082358.video/",
    "http://xnsmfgk6l.bms/",
    "http://later.in/",
    "http://cafe.it/",
    "http://bad.sh/",
]
PAGES = ["http://pages.example/gal/275", "http://log.in/now/"]


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    data = compile_lists(tmp_path_factory.mktemp("ev"), {"h": (HOSTS + PAGES, Action.BLOCK)})
    return linkscreen.Matcher(open_bytes(data))


def _scan(matcher: linkscreen.Matcher, text: str) -> tuple[Action, set[Signal]]:
    findings = matcher.scan_text(text)
    signals = {s for f in findings for s in f.signals}
    matched = [f for f in findings if f.verdict.matches]
    assert matched, f"no reading of {text!r} matched at all"
    return findings.action, signals


class TestProseReadings:
    @pytest.mark.parametrize(
        "text", ["log in/out", "Log In/Log Out please", "I can log in/out", "hello，log。in"]
    )
    def test_word_shaped_prose_on_a_whole_host_is_reported_not_alarmed(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        action, signals = _scan(matcher, text)
        assert action is Action.ALLOW
        assert Signal.PROSE in signals

    def test_prose_that_is_not_words_warns(self, matcher: linkscreen.Matcher) -> None:
        action, signals = _scan(matcher, "look kqzv12-xr example/x9/12")
        assert action is Action.WARN
        assert Signal.HELD_BACK in signals

    @pytest.mark.parametrize(
        "text",
        [
            "pages example/gal/275",  # exact entry
            "log in/now/here",  # path-prefix entry
            "http://log in/out",  # a scheme
            "www.log in/out",  # www.
            "log(dot)in/out",  # a link technique, no prose at all
            "log [.] in / out",  # a link technique next to prose
            "log.in and then log in/out",  # a strict reading of the same entry
        ],
    )
    def test_corroborated_readings_block(self, matcher: linkscreen.Matcher, text: str) -> None:
        assert _scan(matcher, text)[0] is Action.BLOCK

    def test_a_strict_bare_host_blocks(self, matcher: linkscreen.Matcher) -> None:
        assert _scan(matcher, "go to log.in now")[0] is Action.BLOCK

    @pytest.mark.parametrize(
        "text",
        ["log...in please", "log..in", "log\u2026in", "log\u2025in", "log\u0964in",
         "log\u061fin", "log\u06d4in"],
    )  # fmt: skip
    def test_an_ellipsis_or_a_sentence_mark_between_words_is_prose(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        """Chat glues "...", "…" and other scripts' sentence marks between words (attack
        FA-1, FA-2): against a whole-host entry that is prose, not a link."""
        action, signals = _scan(matcher, text)
        assert action is Action.ALLOW
        assert Signal.PROSE in signals

    @pytest.mark.parametrize(
        "text",
        ["http://log...in/", "www.log...in", "log...in/now/x", "see log.in... ok", "log.in.../"],
    )
    def test_an_ellipsis_with_corroboration_or_after_a_link_still_blocks(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        assert _scan(matcher, text)[0] is Action.BLOCK


class TestCodeReadings:
    @pytest.mark.parametrize(
        "text",
        [
            "import com.acme.group.chat;",
            "app.group.chat=true",
            "self.group.chat = None",
            "user_profile.group.chat_id = 7",
            "cfg.group.chat: on",
        ],
    )
    def test_code_on_a_whole_host_is_reported_not_alarmed(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        action, signals = _scan(matcher, text)
        assert action is Action.ALLOW
        assert Signal.CODE in signals

    @pytest.mark.parametrize("text", ["see group.chat, it's bad", "https://group.chat/x"])
    def test_the_same_host_in_prose_or_as_a_link_blocks(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        assert _scan(matcher, text)[0] is Action.BLOCK


class TestMemberChainsLogsAndConfig:
    """Dotted names that code, logs and config produce by chance (issue 9)."""

    @pytest.mark.parametrize(
        "text",
        [
            "see self.user.email",  # a receiver before a member chain
            "python setup.py install",  # a file name
            "adb shell am start -n com.acme.chat/.MainActivity",  # an Android component
            "2026-03-01 12:00:01 INFO the user.email was sent",  # a log line
            "WARN mailer - user.email bounced",  # a log level
            '"host": "server.host",',  # a JSON key
            "  host: server.host",  # an indented YAML key
            "host = server.host",  # a spaced assignment
            "<host>server.host</host>",  # an XML element
            "[server.host]",  # a TOML or INI section
            "see key=user.email ok",  # a key=value
            "use `user.email` here",  # inline code
        ],
    )
    def test_code_shaped_names_are_reported_not_alarmed(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        action, signals = _scan(matcher, text)
        assert action is Action.ALLOW
        assert Signal.CODE in signals

    @pytest.mark.parametrize(
        "text",
        [
            "https://docs.example.org/config#user.email",  # a fragment of another link
            "https://example.org/search?q=user.email",  # a query value
            "https://example.org/search?q=log+in&x=group_chat",
        ],
    )
    def test_pieces_of_a_links_query_are_not_links(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        assert matcher.scan_text(text).action is Action.ALLOW

    @pytest.mark.parametrize(
        "text",
        [
            "DATABASE_URL=postgres://user:pw@db.host/app",
            "jdbc:mysql://db.host:3306/app",
            "redis://db.host:6379/0",
        ],
    )
    def test_connection_strings_of_other_protocols_are_not_web_links(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        assert matcher.scan_text(text).action is Action.ALLOW

    @pytest.mark.parametrize(
        "text",
        [
            "look at promo.example now",
            "the acme.chat site is bad",  # prose, no code around it
            "ftp://db.host/x",  # a web scheme
            "foo://db.host/x",  # an unknown scheme is still repaired
            "BaD.ExAmPlE is it",  # case mixing is styling, not identifier case
        ],
    )
    def test_names_in_chat_still_block(self, matcher: linkscreen.Matcher, text: str) -> None:
        assert _scan(matcher, text)[0] is Action.BLOCK


class TestEnglishDotProse:
    @pytest.mark.parametrize("text", ["the dot com bubble", "the .com domain", "THE DOT COM era"])
    def test_a_dot_after_an_article_is_prose(self, matcher: linkscreen.Matcher, text: str) -> None:
        action, signals = _scan(matcher, text)
        assert action is Action.ALLOW
        assert Signal.PROSE in signals

    def test_a_dot_word_after_a_name_still_blocks(self, matcher: linkscreen.Matcher) -> None:
        assert _scan(matcher, "go to promo dot example")[0] is Action.BLOCK

    def test_word_pairs_with_an_emoji_glued_after_are_words(
        self, matcher: linkscreen.Matcher
    ) -> None:
        assert _scan(matcher, "log in/out🙂")[0] is Action.ALLOW


class TestLookalikes:
    def test_skeleton_hit_warns_never_blocks(self, matcher: linkscreen.Matcher) -> None:
        action, signals = _scan(matcher, "look ʙᴀᴅ.ᴇxᴀᴍᴘʟᴇ/x")
        assert action is Action.WARN
        assert Signal.LOOKALIKE in signals

    def test_written_host_still_blocks_beside_its_skeleton(
        self, matcher: linkscreen.Matcher
    ) -> None:
        assert (
            _scan(matcher, "ｂａｄ．ｅｘａｍｐｌｅ/x")[0] is Action.BLOCK
        )  # full width is as written


def test_check_url_of_a_plain_url_is_unaffected(matcher: linkscreen.Matcher) -> None:
    assert matcher.check_url("log.in/out").action is Action.BLOCK
    verdict = matcher.check_url("log.in/out", techniques=["space-as-dot"])
    assert verdict.action is Action.ALLOW
    assert Signal.PROSE in verdict.signals


class TestRoundTwoReadings:
    """Forms of issue 9's second round: each is found, and its prose twin is not alarmed."""

    @pytest.mark.parametrize(
        "text",
        [
            "look promo[•]example",  # a bracketed symbol
            "look promo(★)example",
            "look promo{*}example",
            "look promo••example",  # a doubled dot look-alike
            "look promo#example",  # a symbol no sentence glues between words
            "look promo🔹example",  # a glued emoji
            "look promo точка example",  # another script's dot word between Latin words
            "look promo புள்ளி example",  # a dot word whose letters carry combining marks
            "look http:://promo.example",  # mangled schemes
            "look http.//promo.example",
            "look https:;//promo.example",
            "look promo.\u00a0example",  # a no-break space after the dot
            "look pro\u2009mo.example",  # a thin space inside a label
            "look " + "".join(c + "\u0336" for c in "promo.example"),  # strike-through
        ],
    )
    def test_found(self, matcher: linkscreen.Matcher, text: str) -> None:
        assert _scan(matcher, text)[0] is not Action.ALLOW

    def test_spaced_regional_indicators_then_a_word(self, matcher: linkscreen.Matcher) -> None:
        letters = " ".join(
            chr(0x1F1E6 + ord(c) - 97) if c.isalpha() else c for c in "promo.example"
        )
        action, signals = _scan(matcher, f"look {letters} ok")
        # regional indicators are symbols no host can hold: style, not a look-alike, so the
        # reading is judged as the plain host (ADR 0012, ninth round; it warned before)
        assert action is Action.BLOCK
        assert Signal.LOOKALIKE not in signals

    @pytest.mark.parametrize(
        "text", ["promo 🔥 example", "Home • promo • example", "hello・promo・example"]
    )
    def test_spaced_symbols_and_cjk_punctuation_stay_prose(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        assert _scan(matcher, text)[0] is Action.ALLOW

    @pytest.mark.parametrize(
        "text",
        [
            "mongodb+srv://user:pw@db.host/test",
            "market://details?id=com.acme.chat",
            "irc://irc.acme.chat/#help",
        ],
    )
    def test_other_protocols_and_app_links_are_not_web_links(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        assert matcher.scan_text(text).action is Action.ALLOW


def test_a_page_match_is_reported_over_its_host(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Two readings of one span, one on the host entry, one on the page: the page decides."""
    entries = ["http://kqbad7-zv.example/", "http://kqbad7-zv.example/gal/12"]
    data = compile_lists(tmp_path_factory.mktemp("rank"), {"h": (entries, Action.BLOCK)})
    findings = linkscreen.Matcher(open_bytes(data)).scan_text("look KQBAD7-ZV★EXAMPLE/GAL/12")
    assert [m.kind for f in findings for m in f.verdict.matches][:1] == ["exact"]


class TestLetterCaseAlone:
    """Capitals in a later label read as code (``user.Name``) only weakly: a person hiding a
    link can add them at will, so they hold a block back to ``warn`` and never drop it."""

    @pytest.mark.parametrize(
        "text",
        ["visit bad.Example", "bad.EXAMPLE", "go to Promo.Example now", "see bad.Example now"],
    )
    def test_a_host_written_with_capitals_warns_not_allows(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        action, signals = _scan(matcher, text)
        assert action is Action.WARN
        assert {Signal.CODE_LIKE, Signal.HELD_BACK} <= signals

    def test_the_same_host_in_lower_case_blocks(self, matcher: linkscreen.Matcher) -> None:
        assert _scan(matcher, "visit bad.example")[0] is Action.BLOCK

    def test_an_identifier_with_capitals_in_code_is_still_code(
        self, matcher: linkscreen.Matcher
    ) -> None:
        action, signals = _scan(matcher, "var x = self.user.Email;")
        assert action is Action.ALLOW
        assert Signal.CODE in signals

    def test_prose_words_with_capitals_stay_prose(self, matcher: linkscreen.Matcher) -> None:
        assert _scan(matcher, "Log In/Log Out please")[0] is Action.ALLOW


class TestSymbolsBetweenWords:
    """Prose sets symbols between words ("A → B", "2 × 3") and glues dashes ("log–in"); a
    symbol glued inside a name, with no space, is what stands for a dot."""

    @pytest.mark.parametrize("text", ["log–in", "log—in", "log → in", "log × in", "log € in"])
    def test_a_dash_or_a_spaced_symbol_between_words_is_prose(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        action, signals = _scan(matcher, text)
        assert action is Action.ALLOW
        assert Signal.PROSE in signals

    @pytest.mark.parametrize(
        "text", ["see bad★example/x", "see bad→example/", "see bad⚫example", "see bad★★example"]
    )
    def test_a_symbol_glued_inside_a_name_still_blocks(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        # a path after the name, a dot shape, a doubled symbol (eighth round)
        assert _scan(matcher, text)[0] is Action.BLOCK

    @pytest.mark.parametrize("text", ["see bad★example", "see bad→example", "see bad♡example"])
    def test_decoration_glued_between_words_is_prose(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        # eighth round: "call♡me", "log→in" (decoration, no path after the name)
        action, signals = _scan(matcher, text)
        assert action is Action.ALLOW
        assert Signal.PROSE in signals


class TestCodeFileNamesAndLinesOfCode:
    """Names that code, build files, logs and chat about code write by chance (the benign code
    corpus, tests/data/benign_code): each reads as code or prose, and the same name written
    in a sentence with nothing code-like around it, or as a link, still alarms."""

    @pytest.mark.parametrize(
        "text",
        [
            "COPY docker-entrypoint.sh /entrypoint.sh",  # a kebab-case file name, a file path
            "open proguard-rules.pro and look at line 48",  # a file-extension TLD
            "HttpURLConnection is in java.net, add the dependency",  # a package root
            "app.run returns None here, api.get() works",  # a call on the line
            "select t.name from users t",  # SQL in lower case
            "  url.host\n    .then(r => r.json())",  # a call chained on the next line
            "try collections.abc.Callable, it replaces task.id",  # a qualified class beside it
            'assert b"Not Found" in rv.data',  # a statement
            "    app.run",  # an indented line holding only a dotted name
            "<app.run>true</app.run>",  # an XML element
            'the logger is ``"app.run"`` here',  # a reStructuredText literal
            "from .sansio.app import App",  # a relative import: a space before a dot
            "$ waitress-serve --call hello:create_app",  # module:attribute, not a scheme
            "app.name=orders\nmanagement.endpoints.web.exposure.include=health,info",
            "Step_LSC|39082358|video 9797",  # a record id joined by a pipe
            "b=xnsMfgK6l+Bms/QbX7H4fsISPmEQJz6nk1",  # base64 with + read as a dot
        ],
    )
    def test_code_is_reported_not_alarmed(self, matcher: linkscreen.Matcher, text: str) -> None:
        action, signals = _scan(matcher, text)
        assert action is Action.ALLOW
        assert Signal.CODE in signals

    @pytest.mark.parametrize(
        "text",
        [
            "look at app.run now",  # a bare name in a sentence
            "see java.net/x",
            "get it at bad.sh/x",  # a file-extension TLD with a path, as written
            "https://docker-entrypoint.sh/x",
            "go to www.proguard-rules.pro",
            "visit task.id, api.get() is fine",  # a link technique, not a code neighbour
        ],
    )
    def test_the_same_names_outside_code_still_alarm(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        if text.startswith("visit"):
            text = "visit task[.]id, api.get() is fine"
        assert _scan(matcher, text)[0] is Action.BLOCK


class TestSentenceGapsAndWordPairs:
    @pytest.mark.parametrize(
        "text",
        ["we can talk later.In the meantime read it", "meet me at the cafe.It's near"],
    )
    def test_a_full_stop_without_its_space_is_prose(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        assert _scan(matcher, text)[0] is Action.ALLOW

    @pytest.mark.parametrize("text", ["see later.In", "see later.in the shop", "later.In/x"])
    def test_a_name_that_is_not_a_sentence_gap_still_alarms(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        assert _scan(matcher, text)[0] is not Action.ALLOW

    @pytest.mark.parametrize("text", ["log in/sign-up", "log in/log-out", "log in/out(s)"])
    def test_hyphenated_and_plural_word_pairs_are_words(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        action, signals = _scan(matcher, text)
        assert action is Action.ALLOW
        assert Signal.PROSE in signals


@pytest.mark.parametrize(
    ("entry", "text"),
    [
        ("http://tail.test/a_", "see http://tail.test/a_ now"),
        ("http://tail.test/page.", "open tail.test/page. please"),
        ("http://tail.test/q?id=", "http://tail.test/q?id="),
        ("http://tail.test/x~", "it is http://tail.test/x~"),
        ("http://tail.test/c:", "see http://tail.test/c:"),
        ("http://tail.test/d;", "http://tail.test/d;"),
        ("http://tail.test/e_", "at http://tail.test/e_."),
    ],
)
def test_a_listed_url_ending_in_what_a_sentence_trims_blocks(
    tmp_path: Path, entry: str, text: str
) -> None:
    """A URL may end in "_", ".", "=", "~", ":" or ";": the trimmed token is read and the
    untrimmed one too (attack MS-9: 329 of 30,116 feed URLs pasted plainly were allowed)."""
    data = compile_lists(tmp_path, {"h": ([entry], Action.BLOCK)})
    matcher = linkscreen.Matcher(open_bytes(data))
    assert matcher.check_url(entry).action is Action.BLOCK
    assert matcher.scan_text(text).action is Action.BLOCK


#: Pieces of code marks and of chat, for lines that hit and miss each mark's gate.
_MARK_PIECES = [
    "level=", "msg:", '"level"', "12:00:01", "2026-03-01T12", "I/Tag(", "ValueError", "Traceback",
    'File "', "==", "!=", "->", "::", "&&", "||", "{{", "${", "%(", "def ", "await ", "$ ", "sudo ",
    "git ", "./", " --opt", "x=1", " = ", "{", "}", "</a>", '"host": ', "spring.mail.host: ",
    "   host: ", "snake_case", "[tool.black]", "a.b(", "f()", "    x.y", "f(x, ", "f(s)",
    "return ", "if x:", "app.py", "INFO", "WARNING", "SELECT a FROM b", "select t.name from t",
    "\u017felect a from b", "KeyException", "lambda ", "const ", "var ", "elif ", "=>",
    "UPDATE t SET", "INSERT INTO", "DELETE FROM x WHERE", "hello",
    "ab.cd", "Look", "\n", " ", "\t", ":", "=", "-", "_", ".", "(", ")", '"', "é",
]  # fmt: skip


def _reference_reads_as_code(line: str) -> bool:
    """``line_reads_as_code`` by its definition: one search of every mark, no gates."""
    from linkscreen import _evidence

    if _evidence._CODE_LINE.search(line) is not None:
        return True
    return line != line.upper() and _evidence._CODE_WORDS.search(line) is not None


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_MARK_PIECES) | st.text(max_size=3), max_size=8).map("".join))
def test_gated_code_marks_answer_as_the_whole_expression(line: str) -> None:
    """Each code mark is tried only when its line holds a substring it needs: the answer is
    that of searching the line for every mark at once (a wrong gate would miss a mark)."""
    from linkscreen._evidence import line_reads_as_code

    assert line_reads_as_code(line) is _reference_reads_as_code(line)


@pytest.mark.parametrize("piece", [p for p in _MARK_PIECES if _reference_reads_as_code(p)])
def test_every_code_mark_is_found_through_its_gate(piece: str) -> None:
    from linkscreen._evidence import line_reads_as_code

    assert line_reads_as_code(piece)
    assert line_reads_as_code(f"so {piece} ok") is _reference_reads_as_code(f"so {piece} ok")
