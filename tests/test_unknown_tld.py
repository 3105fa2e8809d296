"""A listed host under a top-level domain the bundle's Public Suffix List does not know
(attack 11, H4): with a scheme it is a link, so check_url and scan_text agree.

Run in both paths (C core, and LINKSCREEN_PURE=1).
"""

from __future__ import annotations

import random
import string

import pytest

import linkscreen
from linkscreen import Action

from bundles import compile_lists, open_bytes


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> linkscreen.Matcher:
    data = compile_lists(
        tmp_path_factory.mktemp("unknown-tld"),
        {"hotline": (["http://pay.later/", "http://wiki.corp/", "http://qz.zzqq/"], Action.BLOCK)},
    )
    return linkscreen.Matcher(open_bytes(data))


@pytest.mark.parametrize(
    "text",
    [
        "http://pay.later/now",
        "https://pay.later/",
        "http://www.pay.later/",
        "hxxp://pay[.]later/x",
        "see http://wiki.corp/page now",
        "HTTPS://PAY.LATER/X",
        "<a href='https://qz.zzqq/x'>x</a>",
    ],
)
def test_a_link_with_a_scheme_is_read_whatever_its_tld(
    matcher: linkscreen.Matcher, text: str
) -> None:
    findings = matcher.scan_text(text)
    assert findings.action is Action.BLOCK, [(f.url, f.action) for f in findings]


def test_check_url_and_scan_text_agree_on_strict_urls(matcher: linkscreen.Matcher) -> None:
    """Random hosts under random letter TLDs, some listed: the two APIs answer alike."""
    rng = random.Random(4)
    listed = ["pay.later", "wiki.corp", "qz.zzqq"]
    for _ in range(200):
        if rng.random() < 0.4:
            host = rng.choice(listed)
        else:
            labels = ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 8)))]
            labels.append("".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 12))))
            host = ".".join(labels)
        url = f"{rng.choice(['http', 'https'])}://{host}/{rng.choice(['', 'p', 'a/b'])}"
        want = matcher.check_url(url).action
        assert matcher.scan_text(f"look {url} ok").action is want, url


@pytest.mark.parametrize(
    "text",
    [
        "pay.later/now",  # no scheme: an unknown TLD is prose ("pay.later" is no host we know)
        "let's pay.later then",
        "http://localhost/x",
        "http://wiki/x",
        "http://pay.later1/x",
    ],
)
def test_without_a_scheme_or_a_tld_shape_nothing_changes(
    matcher: linkscreen.Matcher, text: str
) -> None:
    assert matcher.scan_text(text).action is Action.ALLOW
