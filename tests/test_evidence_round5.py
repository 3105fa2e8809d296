"""The evidence rule, fifth round (ADR 0012): an outside attack on main, finding by finding.

Positives hide a listed random-letter host (``qzvkt.example``) and must be found (warn or
block) as ``Matcher.check_url`` finds it; benign messages are ordinary chat, config and DNS
records against word-named whole-host entries (``ok.so``, ``call.me``, ``log.in``) and must
stay ``allow``. Each test fails when its rule is deleted or inverted.
"""

from __future__ import annotations

import re
from importlib import resources

import pytest

import linkscreen
from linkscreen import Action
from linkscreen._words import is_word

from bundles import compile_lists, open_bytes

#: Whole-host entries: a random-letter host and hosts named by words, as a list may hold.
HOSTS = [
    "http://qzvkt.example/",
    "http://ok.so/",
    "http://call.me/",
    "http://log.in/",
    "http://so.what/",
    "http://sign.in/",
    "http://spf.example.org/",
    "http://mail.example.org/",
]
PAGES = ["http://log.in/out/"]


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    data = compile_lists(tmp_path_factory.mktemp("r5"), {"h": (HOSTS + PAGES, Action.BLOCK)})
    return linkscreen.Matcher(open_bytes(data))


def _action(matcher: linkscreen.Matcher, text: str) -> Action:
    return matcher.scan_text(text).action


def _matched(matcher: linkscreen.Matcher, text: str) -> bool:
    return any(f.verdict.matches for f in matcher.scan_text(text))


class TestFullWidthSlash:
    """Finding 6: ``／`` is the ASCII slash as CJK input methods type it (NFKC equal)."""

    @pytest.mark.parametrize("text", ["log in／out", "Sign In／Register", "pls sign in／up"])
    def test_a_word_pair_with_a_full_width_slash_is_prose(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        assert _matched(matcher, text)  # the reading is still looked up and reported
        assert _action(matcher, text) is Action.ALLOW

    @pytest.mark.parametrize(
        "text",
        ["look at qzvkt.example／x now", "ｈｔｔｐ：／／qzvkt.example／x", "see log.in／out"],
    )
    def test_a_link_with_a_full_width_slash_still_blocks(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        assert _action(matcher, text) is Action.BLOCK

    def test_another_slash_look_alike_is_still_deliberate(
        self, matcher: linkscreen.Matcher
    ) -> None:
        assert _action(matcher, "look qzvkt example∕x now") is Action.BLOCK


class TestYamlItemsAndSpfRecords:
    """Finding 7: a YAML list item and an SPF record are config, read as code."""

    @pytest.mark.parametrize(
        "text",
        [
            "hosts:\n  - spf.example.org\n  - mail.example.org",
            "  - spf.example.org",
            "  - spf.example.org  # the relay",
            "v=spf1 include:spf.example.org ~all",
            "spf: include:spf.example.org ~all",
            'example.org. 3600 IN TXT "v=spf1 include:spf.example.org -all"',
            "add include:spf.example.org to the record",
            "ours is a:spf.example.org mx ~all",
            "redirect=spf.example.org",
        ],
    )
    def test_config_and_dns_records_are_reported_not_alarmed(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        assert _matched(matcher, text)
        assert _action(matcher, text) is Action.ALLOW

    @pytest.mark.parametrize(
        "text",
        [
            "- spf.example.org",  # a bullet of chat, not indented under a key
            "check these:\n- spf.example.org\n- mail.example.org",
            "  - spf.example.org and more",  # not the whole item
            "  - http://spf.example.org",
            "see:spf.example.org",
            "look at spf.example.org now",
        ],
    )
    def test_the_same_names_in_chat_or_as_links_block(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        assert _action(matcher, text) is Action.BLOCK


class TestEmojiBetweenWords:
    """Finding 3: a pictograph glued between words is chat, not a dot."""

    @pytest.mark.parametrize("text", ["ok🙂so what", "ok😂😂so what", "I'll call👍me later"])
    def test_a_pictograph_between_words_is_prose(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        assert _matched(matcher, text)
        assert _action(matcher, text) is Action.ALLOW

    @pytest.mark.parametrize(
        "text", ["see qzvkt🔴example", "see qzvkt🔹example", "go qzvkt⭐example"]
    )
    def test_an_emoji_shaped_as_a_dot_still_blocks(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        assert _action(matcher, text) is Action.BLOCK


class TestEvidenceBelongsToTheReading:
    """Finding 4: a link technique outside the labels that matched corroborates nothing."""

    @pytest.mark.parametrize(
        "text",
        ["ok~yes，log，in", "haha~ok，call，me", "hey~you，call，me later", "wow🔴ok，call，me"],
    )
    def test_a_glued_mark_before_a_prose_chain_does_not_corroborate_it(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        assert _matched(matcher, text)
        assert _action(matcher, text) is Action.ALLOW

    @pytest.mark.parametrize("text", ["ok，log~in/", "see yes，qzvkt~example", "hey，log[.]in"])
    def test_a_mark_inside_the_matched_host_still_corroborates(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        assert _action(matcher, text) is Action.BLOCK

    def test_a_reading_with_no_narrower_reading_keeps_its_evidence(
        self, matcher: linkscreen.Matcher
    ) -> None:
        # a strict subdomain link: nothing narrower ends there, the scheme still speaks
        assert _action(matcher, "https://ok~yes，log，in") is Action.BLOCK


class TestRandomLettersAreNoWords:
    """Findings 1 and 2: "made of words" means words, not any letters-only label."""

    @pytest.mark.parametrize(
        "text",
        [
            "qzvkt。example",
            "look qzvkt。example now",  # with a path it blocks (ADR 0012, ninth round)
            "qzvkt｡example",
            "qzvkt•example/x",
            "qzvkt·example",
            "qzvkt，example/x",
            "qzvkt、example",
            "qzvkt・example",
            "see qzvkt🙂example",
        ],
    )
    def test_a_random_letter_host_with_a_prose_dot_is_found(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        findings = matcher.scan_text(text)
        assert findings.action is Action.WARN
        assert any(s == "held-back" for f in findings for s in f.signals)

    @pytest.mark.parametrize(
        "text",
        ["hello，log。in", "ok・so what", "call·me later", "log、in", "pls sign•in", "Log In／Out"],
    )
    def test_words_with_a_prose_dot_stay_allowed(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        assert _matched(matcher, text)
        assert _action(matcher, text) is Action.ALLOW


class TestWords:
    @pytest.mark.parametrize(
        "label",
        ["hello", "Log", "so", "entrar", "nao", "anmelden", "dziekuje", "freegift", "signup"],
    )
    def test_words_of_chat_and_their_compounds_are_words(self, label: str) -> None:
        assert is_word(label)

    @pytest.mark.parametrize("label", ["qzvkt", "kqzvx", "bdfye", "xqwpk", "zzkvtq"])
    def test_random_letters_are_not(self, label: str) -> None:
        assert not is_word(label)

    def test_the_word_list_is_sorted_lower_case_letters_with_its_licence(self) -> None:
        text = (resources.files("linkscreen") / "data" / "words.txt").read_text("utf-8")
        header = [line for line in text.splitlines() if line.startswith("#")]
        words = [line for line in text.splitlines() if not line.startswith("#")]
        assert any("CC BY-SA 4.0" in line for line in header)
        assert words == sorted(set(words))
        assert len(words) > 20_000
        assert all(re.fullmatch(r"[a-z]{1,12}", word) for word in words)


class TestAFullStopThatLostItsSpace:
    """Finding 5, decided by measurement (ADR 0012, fifth round): a strict ASCII-dot reading
    is how a plain link is written, and a messenger links ``call.me`` as written, so a listed
    word host written bare in a sentence blocks; a capitalised sentence start is prose."""

    @pytest.mark.parametrize("text", ["I'll call.me later", "go to log.in now", "sign.in now"])
    def test_a_bare_word_host_before_more_of_a_sentence_blocks(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        assert _action(matcher, text) is Action.BLOCK

    def test_a_full_stop_before_a_capitalised_sentence_is_prose(
        self, matcher: linkscreen.Matcher
    ) -> None:
        assert _action(matcher, "I'll call.Me too, later") is Action.ALLOW


class TestMixedTechniques:
    """Finding 8: two techniques in one link."""

    @pytest.mark.parametrize(
        "text", ["qzvkt[.]e x a m p l e", "see qzvkt[.]e x a m p l e now", "qzvkt.e x a m p l e"]
    )
    def test_a_bracket_dot_then_spaced_letters_blocks(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        assert _action(matcher, text) is Action.BLOCK

    def test_a_link_wrapped_inside_its_host_at_a_hyphen_blocks(
        self, matcher: linkscreen.Matcher
    ) -> None:
        assert _action(matcher, "http://qzvkt.exa-\nmple/x") is Action.BLOCK
        assert _action(matcher, "> http://qzvkt.exa-\n> mple/x") is Action.BLOCK

    def test_without_a_scheme_the_wrapped_host_is_found(self, matcher: linkscreen.Matcher) -> None:
        assert _action(matcher, "see qzvkt.exa-\nmple/x now") is Action.WARN

    @pytest.mark.parametrize("text", ["e.g. a b c d", "i.e. s o m e", "a well-\nknown fact"])
    def test_prose_stays_prose(self, matcher: linkscreen.Matcher, text: str) -> None:
        assert matcher.scan_text(text).action is Action.ALLOW


#: Hosts of random letters, as finding H6 of the tenth attack listed them.
RANDOM_HOSTS = ["qzvkt.example", "jxwqp.test", "vbnkz.example", "pqzrx.com"]


@pytest.fixture(scope="module")
def random_hosts(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    entries = [f"http://{host}/" for host in RANDOM_HOSTS]
    data = compile_lists(tmp_path_factory.mktemp("h6"), {"h": (entries, Action.BLOCK)})
    return linkscreen.Matcher(open_bytes(data))


class TestChatFormattingMarks:
    """Attack 10, finding H6: emphasis and spoiler pairs around a whole host are formatting
    that messengers render, the host inside a link; code that writes the same marks is not."""

    @pytest.mark.parametrize(
        "shape",
        ["_{h}_", "go to _{h}_ now", "*_{h}_*", "_*{h}*_", "__{h}__", "||{h}||", "see _{h}_."],
    )
    @pytest.mark.parametrize("host", RANDOM_HOSTS)
    def test_a_host_in_a_formatting_pair_blocks(
        self, random_hosts: linkscreen.Matcher, shape: str, host: str
    ) -> None:
        assert _action(random_hosts, shape.format(h=host)) is Action.BLOCK

    @pytest.mark.parametrize(
        "shape",
        [
            "_{h}",
            "x = {h}_",  # (alone, "{h}_" warns: ADR 0012 eighth session, test_marks_after.py)
            "__{h}",
            "a_{h}_b",
            "x||{h}||y",
            "a || {h}",
            "if (a || {h}) {{",
            "_{h}_.run()",
            "x = _{h}_",
            "snake_{h}",
            "hosts:\n  - _{h}_",
        ],
    )
    @pytest.mark.parametrize("host", RANDOM_HOSTS)
    def test_code_that_writes_the_marks_stays_allowed(
        self, random_hosts: linkscreen.Matcher, shape: str, host: str
    ) -> None:
        assert _action(random_hosts, shape.format(h=host)) is Action.ALLOW
