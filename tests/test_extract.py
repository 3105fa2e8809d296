"""extract_links: one test class per obfuscation technique, plus spans, tiers and bad input.

Each case names the text, the link that must be recovered (compared canonically) and the
technique label the candidate must carry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import linkscreen
from linkscreen.extract import MAX_TEXT_CHARS, Candidate


def _key(url: str) -> str:
    """Canonical URL without its scheme: what expressions (and so matches) depend on."""
    return linkscreen.canonicalize(url).split("://", 1)[1]


def _found(text: str, want: str) -> Candidate:
    target = _key(want)
    for candidate in linkscreen.extract_links(text):
        try:
            if _key(candidate.url) == target:
                return candidate
        except linkscreen.InvalidURLError:
            continue
    raise AssertionError(f"{want!r} not found in {text!r}: {linkscreen.extract_links(text)}")


def _check(text: str, want: str, technique: str | None, tier: str | None = None) -> None:
    candidate = _found(text, want)
    if technique is not None:
        assert technique in candidate.techniques, candidate
    if tier is not None:
        assert candidate.tier == tier, candidate
    assert 0 <= candidate.start < candidate.end <= len(text)


class TestSchemeDefangs:
    @pytest.mark.parametrize(
        "text",
        ["hxxp://bad.example/a", "hXXps://bad.example/a", "h**p://bad.example/a",
         "[http]://bad.example/a", "xxxx://bad.example/a", "hxxp[:]//bad.example/a"],
    )  # fmt: skip
    def test_scheme(self, text: str) -> None:
        _check(f"see {text} now", "http://bad.example/a", "refang", "strict")

    def test_fxp_is_ftp(self) -> None:
        _check("fxp://bad.example/a", "ftp://bad.example/a", "refang")


class TestDots:
    @pytest.mark.parametrize(
        "dot", ["[.]", "(.)", "{.}", "\\.", "(dot)", "[dot]", "{dot}", "-dot-", "[DOT]", "].["]
    )
    def test_bracketed_and_word_dots(self, dot: str) -> None:
        _check(f"go bad{dot}example/a", "http://bad.example/a", "refang", "strict")

    @pytest.mark.parametrize(
        ("open_", "close"),
        list(zip("（［｛【〔〖〘〚「『《〈«‹⟨⦅｟", "）］｝】〕〗〙〛」』》〉»›⟩⦆｠", strict=True)),
    )
    @pytest.mark.parametrize("inner", [".", "。", "．", " . ", "dot", "点", "ドット", "точка"])
    def test_dots_in_brackets_of_other_scripts(self, open_: str, close: str, inner: str) -> None:
        """CJK input methods type "(.)" with full-width or corner brackets (attack MS-4)."""
        _check(
            f"看 bad{open_}{inner}{close}example/a 吧", "http://bad.example/a", "refang", "strict"
        )

    @pytest.mark.parametrize("slash", ["（/）", "【／】", "「slash」", "《斜杠》"])
    def test_slashes_in_brackets_of_other_scripts(self, slash: str) -> None:
        _check(f"bad[.]example{slash}a", "http://bad.example/a", "refang", "strict")

    @pytest.mark.parametrize("dot", [" dot ", " DOT ", " Dot "])
    def test_spaced_dot_words_are_loose(self, dot: str) -> None:
        _check(f"go bad{dot}example/a", "http://bad.example/a", "dot-word", "loose")

    @pytest.mark.parametrize("dot", ["，", "。", "｡", "・", "·", "•", "、"])
    def test_punctuation_dots_are_a_prose_reading(self, dot: str) -> None:
        _check(f"bad{dot}example/a", "http://bad.example/a", "dot-variant", "loose")

    @pytest.mark.parametrize("dot", ["．", "﹒", "․", "⋅", "∙", "٠"])
    def test_symbol_dots_are_a_confusable_reading(self, dot: str) -> None:
        _check(f"bad{dot}example/a", "http://bad.example/a", "confusable", "loose")

    def test_the_separate_reading_is_kept(self) -> None:
        _check("see bad.example/a。Then more", "http://bad.example/a", None)
        _check("see bad.example/a，ok", "http://bad.example/a", None)


class TestSlashesAndColons:
    @pytest.mark.parametrize(
        "text",
        ["http[:]//bad.example(slash)a", "http://bad.example[/]a", "http : // bad.example/a",
         "http//bad.example/a", "http:///bad.example/a"],
    )  # fmt: skip
    def test_slash_and_colon_words(self, text: str) -> None:
        _check(text, "http://bad.example/a", None)


class TestSpacing:
    def test_spaces_around_dots_and_slashes(self) -> None:
        _check("http:// bad .example /x", "http://bad.example/x", "spacing", "loose")

    def test_space_as_the_dot(self) -> None:
        _check("look bad example/content", "http://bad.example/content", "space-as-dot", "loose")

    def test_space_as_the_dot_needs_a_real_tld_and_a_path(self) -> None:
        text = "have a good morning/evening, bad example here"
        assert [c.url for c in linkscreen.extract_links(text)] == []

    def test_spaced_out_letters(self) -> None:
        _check("b a d . e x a m p l e", "http://bad.example/", "spaced-letters", "loose")

    def test_link_broken_across_a_line(self) -> None:
        _check("http://bad.example/con\ntent/1", "http://bad.example/content/1", "line-break")


class TestUnicode:
    def test_full_width_letters(self) -> None:
        _check("ｂａｄ．ｅｘａｍｐｌｅ/x", "http://bad.example/x", "unicode")

    def test_mathematical_letters(self) -> None:
        _check("𝐛𝐚𝐝.𝐞𝐱𝐚𝐦𝐩𝐥𝐞/x", "http://bad.example/x", "unicode")

    @pytest.mark.parametrize("mark", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202e"])
    def test_zero_width_and_bidi_controls(self, mark: str) -> None:
        text = f"ba{mark}d.exam{mark}ple/x"
        _check(text, "http://bad.example/x", "invisible")
        assert _found(text, "http://bad.example/x").end == len(text)

    def test_idn_both_ways(self) -> None:
        _check("https://bücher.example/a", "http://xn--bcher-kva.example/a", None)
        _check("https://xn--bcher-kva.example/a", "http://bücher.example/a", None)

    def test_lookalike_is_a_signal_not_a_key(self) -> None:
        candidate = _found("login at p\u0430ypal.com/x", "http://p\u0430ypal.com/x")
        assert candidate.signals == ("lookalike",)
        assert linkscreen.canonicalize(candidate.url) != linkscreen.canonicalize("paypal.com/x")

    def test_plain_latin_is_not_a_lookalike(self) -> None:
        assert _found("paypal.com/x", "http://paypal.com/x").signals == ()


class TestEncodingsAndMarkup:
    def test_percent_encoded_whole_url(self) -> None:
        _check("https%3A%2F%2Fbad.example%2Fa%2Fb", "https://bad.example/a/b", "percent-encoded")

    @pytest.mark.parametrize(
        "text",
        ["[pics](http://bad.example/a)", '<a href="http://bad.example/a">x</a>',
         "<http://bad.example/a>", '"http://bad.example/a"', "'http://bad.example/a'"],
    )  # fmt: skip
    def test_markdown_html_brackets_quotes(self, text: str) -> None:
        candidate = _found(f"see {text} ok", "http://bad.example/a")
        assert candidate.url == "http://bad.example/a"

    @pytest.mark.parametrize("tail", [".", ",", "!", "?!", ")", ");", "...", "'", '"'])
    def test_trailing_punctuation(self, tail: str) -> None:
        text = f"(see http://bad.example/a{tail}"
        assert _found(text, "http://bad.example/a").url == "http://bad.example/a"

    def test_balanced_parentheses_stay(self) -> None:
        url = "http://wiki.example/Foo_(bar)"
        assert _found(f"read {url}.", url).url == url


class TestSchemesHostsAndCase:
    def test_upper_case(self) -> None:
        _check(
            "HTTP://BAD.EXAMPLE/CONTENT/1", "http://bad.example/content/1", "upper-case", "loose"
        )

    @pytest.mark.parametrize("text", ["www.bad.example/a", "bad.example/a", "bad.co.uk/a"])
    def test_missing_scheme_and_www(self, text: str) -> None:
        _check(f"go to {text}", "http://" + text, "no-scheme", "strict")

    @pytest.mark.parametrize(
        "host",
        ["3325256727", "0xc6336417", "0306.063.0144.027", "198.51.25623", "[::ffff:198.51.100.23]"],
    )
    def test_numeric_ip_hosts_in_any_base(self, host: str) -> None:
        _check(f"x http://{host}/p y", "http://198.51.100.23/p", "numeric-ip")

    def test_emails_are_not_links(self) -> None:
        assert linkscreen.extract_links("mail me: someone@bad.example") == []


class TestHostlessPaths:
    def test_path_joins_a_host_named_earlier(self) -> None:
        text = "it's on bad.example, then go to content/123"
        candidate = _found(text, "http://bad.example/content/123")
        assert candidate.techniques == ("context-host",)
        assert text[candidate.start : candidate.end] == "content/123"

    def test_path_joins_a_host_from_context(self) -> None:
        found = linkscreen.extract_links("open album/9 there", context_hosts=["bad.example"])
        assert [c.url for c in found] == ["bad.example/album/9"]

    def test_no_host_no_candidate(self) -> None:
        assert linkscreen.extract_links("open album/9 there") == []


class TestBenign:
    @pytest.mark.parametrize(
        "text",
        ["hey how are you", "see you at 5:30", "connect the dots", "and/or 24/7 50/50",
         "e.g. this, i.e. that"],
    )  # fmt: skip
    def test_no_candidates(self, text: str) -> None:
        assert linkscreen.extract_links(text) == []

    @pytest.mark.parametrize("text", ["meet at 10 a.m. sharp", "ok. me too", "done. day off"])
    def test_sentence_ends_before_a_tld_word_are_not_hosts(self, text: str) -> None:
        # ".sharp", ".me" and ".day" are real TLDs; a full stop then a space is prose
        assert linkscreen.extract_links(text) == []

    @pytest.mark.parametrize("text", ["setup.py failed", "version 3.11.7", "open report.pdf"])
    def test_file_names_and_versions_are_at_most_lookups(self, text: str) -> None:
        for candidate in linkscreen.extract_links(text):
            assert candidate.tier in ("strict", "loose")  # looked up; the bundle decides


#: Hostile messages: each finishes, reads the whole text and finds the link it holds.
PATHOLOGICAL = {
    "a. x 30,000": "a." * 30_000,
    "http:// + 20,000 a": "http://" + "a" * 20_000,
    "4,000 spaces after (": "(" + " " * 4000 + "x",
    "x[.] x 5,000": "x[.]" * 5000,
    "nested brackets": "[" * 3000 + "(" * 3000 + "bad.example" + ")" * 3000 + "]" * 3000,
    "zero width every other char": "a\u200b." * 20_000,
    "64 KiB of links": ("visit bad.example/x or hxxp://evil[.]test. " * 1600)[:65_536],
    "hxxp[:]//a[.]example/x x 64 KiB": ("hxxp[:]//a[.]example/x " * 3000)[:65_536],
}


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_messages_finish_whole(text: str) -> None:
    found = linkscreen.extract_links(text)
    assert found.complete, found.notes
    assert all(0 <= c.start < c.end <= len(text) for c in found)
    if "bad.example" in text:
        assert any(c.url.endswith("bad.example") or "bad.example/" in c.url for c in found)


def test_every_candidate_of_a_long_message_is_kept() -> None:
    text = " ".join(f"http://decoy{i}.example/x" for i in range(3000)) + " http://bad.example/"
    urls = {c.url for c in linkscreen.extract_links(text)}
    assert len(urls) == 3001
    assert "http://bad.example/" in urls


@pytest.mark.parametrize(("gap", "code"), [(0, True), (200, True), (900, False), (2000, False)])
def test_a_long_line_is_judged_near_each_reading(gap: int, code: bool) -> None:
    """On a line longer than 1 KiB a reading is judged by the piece of the line around it:
    a code mark within 256 characters counts, one past 768 does not (docs/extraction.md)."""
    filler = "word " * 300
    text = f"{filler}a == b {'w' * max(gap - 1, 0)} acme.chat {filler}"
    (reading,) = [c for c in linkscreen.extract_links(text) if c.url == "acme.chat"]
    assert (linkscreen.Signal.CODE in reading.signals) is code


def test_a_link_past_64_kib_is_found_with_its_span() -> None:
    text = "lorem ipsum " * 20_000 + "see http://bad.example/x ok"
    found = [c for c in linkscreen.extract_links(text) if c.url == "http://bad.example/x"]
    assert len(found) == 1
    assert text[found[0].start : found[0].end] == "http://bad.example/x"


def test_a_link_across_a_window_boundary_is_found_whole() -> None:
    from linkscreen.extract import WINDOW_CHARS

    for shift in range(-40, 40, 7):
        pad = "z" * 50 + " "
        filler = (pad * (WINDOW_CHARS // len(pad) + 1))[: WINDOW_CHARS + shift - 10]
        text = filler + "http://bad.example/x\ny ok"
        found = {c.url for c in linkscreen.extract_links(text)}
        assert "http://bad.example/x" in found, shift


def test_over_long_message_is_cut_and_says_so() -> None:
    found = linkscreen.extract_links("x " * (MAX_TEXT_CHARS // 2) + " http://bad.example/")
    assert not found.complete
    assert any("first" in note for note in found.notes)


def test_ordinary_message_is_complete() -> None:
    found = linkscreen.extract_links("see http://bad.example/x")
    assert found.complete
    assert not found.truncated


def test_candidates_are_an_immutable_sequence() -> None:
    found = linkscreen.extract_links("see http://bad.example/x and www.ok.example")
    assert len(found) == 2
    assert found[0].url == "http://bad.example/x"
    assert not isinstance(found, list)
    with pytest.raises(AttributeError):
        found.append(found[0])  # type: ignore[attr-defined]


@given(st.text(max_size=300))
def test_any_text_gives_valid_spans(text: str) -> None:
    for candidate in linkscreen.extract_links(text):
        assert 0 <= candidate.start < candidate.end <= len(text)
        assert candidate.tier in ("strict", "loose")


@given(st.text(alphabet=" .[]()/:-hxtpdoa\u200b。ｂ\nw", max_size=200))
def test_obfuscation_alphabet_never_breaks(text: str) -> None:
    for candidate in linkscreen.extract_links(text):
        assert 0 <= candidate.start < candidate.end <= len(text)


class TestSpokenHostsInContext:
    def test_a_host_with_spaces_for_dots_joins_a_path_of_the_same_message(self) -> None:
        urls = {
            c.url
            for c in linkscreen.extract_links("it's on bad example then album/9", spoken_paths=True)
        }
        assert "bad.example/album/9" in urls
        assert not any(u.startswith(("on.", "it")) for u in urls)  # no host starts with "on"

    def test_before_sentence_punctuation(self) -> None:
        urls = {
            c.url
            for c in linkscreen.extract_links("it's on bad example. album/9", spoken_paths=True)
        }
        assert "bad.example/album/9" in urls

    def test_read_only_when_asked(self) -> None:
        urls = {c.url for c in linkscreen.extract_links("it's on bad example then album/9")}
        assert "bad.example/album/9" not in urls


def test_punctuation_in_a_links_query_makes_no_readings_of_its_own() -> None:
    text = "see https://example.org/search?q=log+in&sign=up&x=live_chat ok"
    urls = {c.url for c in linkscreen.extract_links(text)}
    assert urls == {"https://example.org/search?q=log+in&sign=up&x=live_chat"}


class TestRecallRoundTwo:
    """Conventions the outside attack found unread (issue 9, attack report section 4)."""

    @pytest.mark.parametrize(
        "text",
        [
            "bad&#46;example/promo",
            "bad&#x2e;example/promo",
            "bad&#X2E;example/promo",
            "bad&period;example/promo",
            "http&#58;//bad&#46;example/promo",
            "http&colon;&sol;&sol;bad.example/promo",
            '<a href="http&#58;//bad&#46;example/promo">x</a>',
        ],
    )
    def test_html_character_references(self, text: str) -> None:
        _check(text, "http://bad.example/promo", "refang")

    @pytest.mark.parametrize("dot", ["[[.]]", "((.))", "{{.}}", "[[ . ]]"])
    def test_doubled_brackets(self, dot: str) -> None:
        _check(f"bad{dot}example/promo", "http://bad.example/promo", "refang", "strict")

    @pytest.mark.parametrize(
        "text",
        ["//bad.example/promo", '<a href="//bad.example/promo">', "src=//bad.example/promo"],
    )
    def test_protocol_relative(self, text: str) -> None:
        _check(text, "http://bad.example/promo", "scheme-repair")

    def test_a_code_comment_is_not_protocol_relative(self) -> None:
        assert not [c for c in linkscreen.extract_links("a // b // c") if "://" in c.url]

    @pytest.mark.parametrize(
        ("path", "query"), [("confirm_next.html", ""), ("a.php", "?x=1"), ("a~b.html", "")]
    )
    def test_full_width_link_keeps_its_punctuation(self, path: str, query: str) -> None:
        url = f"http://bad.example/{path}{query}"
        wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in url)
        _check(wide, url, "unicode")
        _check(f"see {wide} now", url, "unicode")
        half = url.replace("_", "＿").replace("?", "？").replace("=", "＝").replace("~", "～")
        _check(half, url, "unicode")

    @pytest.mark.parametrize("char", ["\x00", "\x85", "\x0b", "\x1b[1m"])
    def test_control_characters_read_as_nothing(self, char: str) -> None:
        _check(f"see bad.exa{char}mple/promo", "http://bad.example/promo", "invisible")

    @pytest.mark.parametrize(
        "escape", ["\x1b[\u200b1m", "\x1b\u2060[31;1m", "\x1b[3\ufeff1m", "\x1b[1\u00ad;4m"]
    )
    def test_an_escape_with_unseen_characters_inside_is_one_escape(self, escape: str) -> None:
        """Unseen characters inside an ANSI escape do not let its parameters glue onto the
        host after it (hypothesis found ``w10\\x1b[\\u200b1m-login.test``)."""
        _check(f"go w10{escape}-bad.example/promo", "http://w10-bad.example/promo", "invisible")
        _check(f"see {escape} bad.example/promo", "http://bad.example/promo", None)


@given(st.text(alphabet="/ab1_~%-.=&?:@ \t\nx/é", max_size=24))
def test_host_less_paths_are_found_where_the_expression_finds_them(text: str) -> None:
    """Host-less paths are tried only where one can start (``_PATH_START``): the matches
    are those of the path expression run over the whole text."""
    from linkscreen import extract

    def spans(matches: Iterable[re.Match[str]]) -> list[tuple[int, int]]:
        return [m.span("path") for m in matches]

    assert spans(extract._hostless_paths(text)) == spans(extract._HOSTLESS_PATH.finditer(text))


@example("see content/123")
@example("/x")
@example("a?b/c")
@example("é/x")
@example("http://a.example/b/c")
@given(st.text(alphabet="/ab1_~%-.=&?:@ \t\nx/é中", max_size=24))
def test_path_start_read_backwards_agrees(text: str) -> None:
    """``_PATH_START_BACKWARDS`` on the reversed text finds a place exactly when
    ``_PATH_START`` does (``_hostless_paths`` returns at once when it finds none)."""
    from linkscreen import extract

    forwards = extract._PATH_START.search(text) is not None
    assert (extract._PATH_START_BACKWARDS.search(text[::-1]) is not None) == forwards


@example("sites google com/x")
@example(" ab/c")
@example(" a/c")
@example(" ab/")
@example(" " + "a" * 25 + "/c")
@given(st.text(alphabet="/ab1_~%-. \tZé", max_size=30))
def test_space_as_dot_read_backwards_agrees(text: str) -> None:
    """``_SPACE_AS_DOT_BACKWARDS`` on the reversed text finds a place exactly when
    ``_SPACE_AS_DOT`` does (``space_as_dot`` returns at once when it finds none)."""
    from linkscreen import _readings

    forwards = _readings._SPACE_AS_DOT.search(text) is not None
    assert (_readings._SPACE_AS_DOT_BACKWARDS.search(text[::-1]) is not None) == forwards
