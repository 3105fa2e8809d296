"""The evidence rule, seventh round (ADR 0012): an outside attack on main (H1, H5, M4, M7).

Positives hide a listed random-letter host (``qzvkt.example``, whole-host entry) and must be
found as ``Matcher.check_url`` finds it; benign messages are ordinary chat, logs and config
against word-named whole-host entries (``ok.so``, ``go.to``, ``db.host``) and must stay
``allow``. Each test fails when its rule is deleted or inverted.
"""

from __future__ import annotations

import pytest

import linkscreen
from linkscreen import Action

from bundles import compile_lists, open_bytes

#: Whole-host entries: random-letter hosts and hosts named by words or config keys.
HOSTS = [
    "http://qzvkt.example/",
    "http://jqxvw.test/",
    "http://ok.so/",
    "http://go.to/",
    "http://to.be/",
    "http://see.you/",
    "http://call.me/",
    "http://db.host/",
    "http://cache.host/",
    "http://5.example/",
]


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    data = compile_lists(tmp_path_factory.mktemp("r7"), {"h": (HOSTS, Action.BLOCK)})
    return linkscreen.Matcher(open_bytes(data))


def _action(matcher: linkscreen.Matcher, text: str) -> Action:
    return matcher.scan_text(text).action


def _matched(matcher: linkscreen.Matcher, text: str) -> bool:
    return any(f.verdict.matches for f in matcher.scan_text(text))


class TestSpacedLettersWithAGluedDot:
    """H1: a letter-spaced host whose dot (or a slash) is glued to the letters around it."""

    @pytest.mark.parametrize(
        "text",
        [
            "https://q z v k t.e x a m p l e/x",
            "q z v k t.e x a m p l e",
            "see q z v k t.e x a m p l e now",
            "q z v k t. e x a m p l e",
            "q z v k t .e x a m p l e",
            "q  z  v  k  t.e  x  a  m  p  l  e",
            "q*z*v*k*t.e*x*a*m*p*l*e",
            "q~z~v~k~t.~e~x~a~m~p~l~e",
            "q+z+v+k+t+.e+x+a+m+p+l+e",
            "h t t p s : / / q z v k t.e x a m p l e",
            "h t t p s : / / q z v k t.e x a m p l e/g a l/1",
            "j q x v w.t e s t/x/1",
        ],
    )
    def test_the_host_is_found_and_blocks(self, matcher: linkscreen.Matcher, text: str) -> None:
        assert _action(matcher, text) is Action.BLOCK, text

    @pytest.mark.parametrize(
        "text",
        [
            "q z v k t . e x a m p l e",
            "h t t p s : / / q z v k t . e x a m p l e",
            "q z v k t.example",
            "qzvkt.e x a m p l e",
        ],
    )
    def test_the_forms_found_before_still_block(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        assert _action(matcher, text) is Action.BLOCK, text

    @pytest.mark.parametrize(
        "text",
        ["e.g. a b c d", "i.e. a b c d e", "I am a b.c d e", "o k.s o", "a. b. c. d. e."],
    )
    def test_letters_and_initials_in_prose_stay_allowed(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        assert _action(matcher, text) is Action.ALLOW, text

    def test_two_letters_glued_are_no_spaced_unit(self) -> None:
        # a unit glues characters only with a dot or slash between them: words stay words
        assert not any(
            c.url == "qzvkt.example" for c in linkscreen.extract_links("qz vk t.e xa mp le")
        )


class TestHostAndPort:
    """M4: ``host:port`` in logs and config is judged as its host on the same line; with a
    path it is a link."""

    @pytest.mark.parametrize(
        "text",
        [
            "2026-12-01 10:00:01 GET qzvkt.example:8080/gal/1",
            "[2026-12-01 10:00:01] WARN retry qzvkt.example:443/gal/1",
            'level=error msg="GET qzvkt.example:8080/gal/1"',
            "connect to qzvkt.example:443 failed",
            "try jqxvw.test:8080 now",
            "qzvkt.example:443",
            "see db.host:5432/admin",
        ],
    )
    def test_a_listed_host_with_a_port_blocks_in_chat_and_with_a_path(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        assert _action(matcher, text) is Action.BLOCK, text

    @pytest.mark.parametrize(
        "text",
        [
            "2026-12-01 10:00:01 INFO db.host:5432 up",
            "2026-12-01 10:00:01 ERROR connect to cache.host:6379 failed",
            'level=error msg="dial tcp db.host:5432: i/o timeout"',
            "upstream app { server db.host:5432; }",
            "redis.url=cache.host:6379",
            "10.0.0.1:52344->db.host:5432 (ESTABLISHED)",
            "2026-12-01 10:00:01 ERROR connect to qzvkt.example:443 failed",
        ],
    )
    def test_a_host_and_port_in_a_log_or_config_line_reads_as_its_host(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        # the same line with the bare host answers allow (a host in a log line is code)
        bare = text.replace(":5432", "").replace(":6379", "").replace(":443", "")
        assert _action(matcher, bare) is Action.ALLOW, bare
        assert _matched(matcher, text)  # still looked up and reported
        assert _action(matcher, text) is Action.ALLOW, text

    @pytest.mark.parametrize("text", ["server.port: 8080", "db.host: 5432", "server.port=8080"])
    def test_a_config_key_is_no_link(self, matcher: linkscreen.Matcher, text: str) -> None:
        assert _action(matcher, text) is Action.ALLOW, text

    def test_port_host(self) -> None:
        from linkscreen._evidence import port_host

        assert port_host("db.host:5432") == "db.host"
        assert port_host("qzvkt.example:443") == "qzvkt.example"
        for url in ("db.host", "db.host:5432/x", "http://db.host:5432", "a@db.host:1", "x:123456"):
            assert port_host(url) is None, url


class TestALinkWrappedAtASeparator:
    """H5: a line break right after or before a dot of the host, or at a slash after it, with
    the rest of the link and a path on the next line, is how clients wrap a long link: the
    link is judged as written on one line (``line-wrap``, style). A sentence's full stop at
    a line's end followed by a word stays a prose line join."""

    @pytest.mark.parametrize(
        "text",
        [
            "qzvkt.\nexample/gal/1",
            "qzvkt\n.example/gal/1",
            "qzvkt.example\n/gal/1",
            "qzvkt.example/\ngal/1",
            "https://qzvkt.example/\ngal/1",
            "https://qzvkt.example/gal\n/1",
            "see qzvkt. \nexample/gal/1 thanks",
            "> see qzvkt.\n> example/gal/1",
            "> see qzvkt.\n>  example/gal/1",
            ">> see qzvkt\n>> .example/gal/1",
            "see qzvkt.\r\nexample/gal/1",
            "see qzvkt.\rexample/gal/1",
            "see qzvkt.\n    example/gal/1",
            "(jqxvw.\ntest/x/1)",
            "看这个qzvkt.\nexample/gal/1",
        ],
    )
    def test_the_wrapped_link_blocks(self, matcher: linkscreen.Matcher, text: str) -> None:
        assert _action(matcher, text) is Action.BLOCK, text

    def test_the_reading_is_marked_line_wrap(self, matcher: linkscreen.Matcher) -> None:
        findings = matcher.scan_text("see qzvkt.\nexample/gal/1")
        assert any("line-wrap" in f.techniques for f in findings if f.verdict.matches)

    @pytest.mark.parametrize(
        "text",
        [
            "I have to go.\nTo be honest",
            "see you at 5.\nexample: this",
            "see you at 5.\nexample/this/1",
            "I have to go.\nto/from work is long",
            "ok.\nso what",
            "let's go.\nto be honest",
            "we go\nto the park",
        ],
    )
    def test_sentences_at_a_line_end_stay_allowed(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        assert _action(matcher, text) is Action.ALLOW, text

    @pytest.mark.parametrize(
        "text", ["qzvkt.\nexample", "qzvkt.\nexample/gal", "qz\nvkt.example/gal/1"]
    )
    def test_without_a_path_or_not_at_a_separator_it_is_a_prose_join(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        # found, held back: nothing tells a wrapped bare host from a sentence's full stop
        findings = matcher.scan_text(text)
        assert findings.action is Action.WARN, text
        assert not any("line-wrap" in f.techniques for f in findings)
