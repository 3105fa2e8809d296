"""An IPv4-mapped or NAT64 IPv6 literal written without a scheme (attack 11, L3).

``[::ffff:192.0.2.55]`` holds the dotted quad ``192.0.2.55``, which alone is read; with a
scheme it was read and blocked, without one it was no candidate. Other bracketed literals
without a scheme (``a[::2]`` slices, ``[2001:db8::1]``, the hex form) stay unread.
"""

from __future__ import annotations

import pytest

import linkscreen
from linkscreen import Action

from bundles import compile_lists, open_bytes


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    data = compile_lists(
        tmp_path_factory.mktemp("mapped"), {"hotline": (["http://192.0.2.55/"], Action.BLOCK)}
    )
    return linkscreen.Matcher(open_bytes(data))


@pytest.mark.parametrize(
    "text",
    [
        "[::ffff:192.0.2.55]",
        "see [::ffff:192.0.2.55] now",
        "[::FFFF:192.0.2.55]/x.",
        "[0:0:0:0:0:ffff:192.0.2.55]:8080/p",
        "[64:ff9b::192.0.2.55]",
        "([::ffff:192.0.2.55])",
        "http://[::ffff:192.0.2.55]/",
    ],
)
def test_mapped_literal_blocks(matcher: linkscreen.Matcher, text: str) -> None:
    assert matcher.scan_text(text).action is Action.BLOCK


@pytest.mark.parametrize(
    "text",
    [
        "[::ffff:c000:237]",  # no dotted quad: not what a reader sees as an IPv4 address
        "[::192.0.2.55]",  # deprecated IPv4-compatible form
        "[2001:db8::1]",
        "xs = a[::2] + b[::ffff:1]",
        "ip = addr[::ffff:192.0.2.55]",  # glued to a word: an index expression
        "x[::ffff:192.0.2.55]y",
    ],
)
def test_other_bracketed_text_is_not_read(matcher: linkscreen.Matcher, text: str) -> None:
    assert matcher.scan_text(text).action is Action.ALLOW
    assert list(matcher.scan_text(text)) == []
