"""The evidence rule, sixth round (ADR 0012): full-width and CJK punctuation between words.

A full-width or compatibility mark whose NFKC is one ASCII punctuation mark (``？ ！ ； ＊``) is
read as that ASCII mark (attack 10, finding H2): ``ok？so`` answers as ``ok?so`` does, and
other CJK punctuation (``〜 〝 〃``) is prose. Benign CJK chat against word-named whole-host
entries must stay ``allow``; a random-letter host written with the same marks must still be
found. Each test fails when the rule is deleted or inverted.
"""

from __future__ import annotations

import pytest

import linkscreen
from linkscreen import Action

from bundles import compile_lists, open_bytes

#: Whole-host entries named by word pairs, as a list may hold, and random-letter hosts.
HOSTS = [
    "http://ok.so/",
    "http://so.cool/",
    "http://go.now/",
    "http://see.you/",
    "http://good.day/",
    "http://qzvkt.example/",
    "http://jqxvw.test/",
]

#: Full-width forms NFKC-equal to an ASCII mark that chat glues between words as prose.
PROSE_TWINS = "？！；（）＂＇＊＋＝＆｜＾＿＜＞［］｛｝＠＄％｀﹔﹖﹗﹏"
#: CJK punctuation without an ASCII twin.
CJK_MARKS = "〜〝〞〃〟"


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    data = compile_lists(tmp_path_factory.mktemp("r6"), {"h": (HOSTS, Action.BLOCK)})
    return linkscreen.Matcher(open_bytes(data))


def _action(matcher: linkscreen.Matcher, text: str) -> Action:
    return matcher.scan_text(text).action


def _matched(matcher: linkscreen.Matcher, text: str) -> bool:
    return any(f.verdict.matches for f in matcher.scan_text(text))


class TestFullWidthPunctuationBetweenWords:
    @pytest.mark.parametrize(
        "text",
        [
            "hey ok？so later",
            "没问题？so！cool",
            "了解しました；see？you",
            "你好：see〜you",
            "哈哈〝go〞now",
            "好的（ok）so",
        ],
    )
    def test_cjk_chat_is_prose(self, matcher: linkscreen.Matcher, text: str) -> None:
        assert _matched(matcher, text)  # the reading is still looked up and reported
        assert _action(matcher, text) is Action.ALLOW

    @pytest.mark.parametrize("mark", list(PROSE_TWINS + CJK_MARKS))
    def test_every_mark_answers_as_its_ascii_twin(
        self, matcher: linkscreen.Matcher, mark: str
    ) -> None:
        assert _action(matcher, f"hey ok{mark}so later") is Action.ALLOW
        assert _action(matcher, "hey ok?so later") is Action.ALLOW

    @pytest.mark.parametrize(("mark", "twin"), [("～", "~"), ("＃", "#")])
    def test_a_twin_of_a_deliberate_ascii_mark_reads_as_it(
        self, matcher: linkscreen.Matcher, mark: str, twin: str
    ) -> None:
        # the full-width form answers as its ASCII twin: link evidence in a made-up name
        # ("qzvkt~example"), prose between two words since the tenth round ("ok~so")
        assert _action(matcher, f"hey qzvkt{twin}example") is Action.BLOCK
        assert _action(matcher, f"hey qzvkt{mark}example") is Action.BLOCK
        assert _action(matcher, f"hey ok{twin}so") is Action.ALLOW
        assert _action(matcher, f"hey ok{mark}so") is Action.ALLOW

    # between two words ("hey ok．so later") prose since the tenth round (test_word_pair_marks)
    @pytest.mark.parametrize(
        "text", ["qzvkt．example．那个", "hey qzvkt．example later", "qzvkt﹒example"]
    )
    def test_a_full_width_full_stop_is_still_a_dot(
        self, matcher: linkscreen.Matcher, text: str
    ) -> None:
        assert _action(matcher, text) is Action.BLOCK


class TestRandomLetterHostsAreStillFound:
    @pytest.mark.parametrize("mark", list(PROSE_TWINS + CJK_MARKS))
    def test_a_bare_host_with_the_mark_is_found(
        self, matcher: linkscreen.Matcher, mark: str
    ) -> None:
        for text in (f"qzvkt{mark}example", f"look jqxvw{mark}test/x now"):
            findings = matcher.scan_text(text)
            assert findings.action is Action.WARN, text
            assert any(s == "held-back" for f in findings for s in f.signals)

    @pytest.mark.parametrize("mark", list(PROSE_TWINS + CJK_MARKS))
    def test_with_a_scheme_it_blocks(self, matcher: linkscreen.Matcher, mark: str) -> None:
        assert _action(matcher, f"https://qzvkt{mark}example/") is Action.BLOCK
