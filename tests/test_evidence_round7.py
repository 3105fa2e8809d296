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
