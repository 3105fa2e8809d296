"""Deterrence on the verdict: the text and help link an app shows, in the person's locale.

Locale choice follows BCP 47 lookup (RFC 4647): case-insensitive, ``_`` as ``-``, one subtag
dropped at a time, then the list's default locale (``en``, then the first message, for bundles
that declare none).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linkscreen import Action, Matcher
from linkscreen.locales import is_well_formed, lookup, lookup_chain, normalize
from linkscreen.results import Deterrence, Finding, Findings, ListInfo, Match, MatchKind, Verdict
from linkscreen_server.compiler import ListMeta

from bundles import compile_lists, open_bytes

MESSAGES = (
    ("de", "Dieser Link wurde gesperrt.", "https://hilfe.example/"),
    ("en", "This link was blocked.", "https://help.example/"),
    ("pt", "Este link foi bloqueado.", "https://ajuda.example/"),
    ("zh", "此链接已被阻止。", "https://bangzhu.example/"),
    ("zh-Hant", "此連結已被封鎖。", "https://bangzhu.example/hant"),
)
HOTLINE = ListInfo("hotline", Action.BLOCK, "csam", MESSAGES, default_locale="de")
LEGACY = ListInfo("hotline", Action.BLOCK, "csam", MESSAGES)  # a bundle from before defaults


def _locale(info: ListInfo, asked: object) -> str | None:
    message = info.message(asked)  # type: ignore[arg-type]
    return None if message is None else message.locale


# ---- the lookup rules -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "shown"),
    [
        ("pt-BR", "pt"),
        ("pt_BR", "pt"),
        ("PT-br", "pt"),
        ("pt", "pt"),
        ("pt_BR.UTF-8", "pt"),
        ("zh-Hant-TW", "zh-Hant"),
        ("zh-hant", "zh-Hant"),
        ("ZH_HANT_HK", "zh-Hant"),
        ("zh-Hans-CN", "zh"),
        ("zh-TW", "zh"),
        ("de-CH-1996", "de"),
        ("en-x-private", "en"),
        ("en-GB", "en"),
    ],
)
def test_locale_falls_back_one_subtag_at_a_time(asked: str, shown: str) -> None:
    assert _locale(HOTLINE, asked) == shown


@pytest.mark.parametrize("asked", ["fr", "fr-CA", "", "   ", "C", "not a locale!", None, []])
def test_unknown_locales_get_the_lists_default_not_english(asked: object) -> None:
    assert _locale(HOTLINE, asked) == "de"


def test_bundles_without_a_default_fall_back_to_english_then_the_first_message() -> None:
    assert _locale(LEGACY, "fr") == "en"
    no_english = ListInfo("x", Action.BLOCK, "c", (MESSAGES[2], MESSAGES[0]))
    assert _locale(no_english, "fr") == "pt"


def test_a_preference_list_is_tried_in_order_before_the_default() -> None:
    assert _locale(HOTLINE, ["fr-CA", "zh-Hant-TW", "en"]) == "zh-Hant"
    assert _locale(HOTLINE, ("fr", "es")) == "de"


def test_stored_locales_match_whatever_case_the_operator_wrote() -> None:
    info = ListInfo("x", Action.WARN, "c", (("PT_br", "olá", ""), ("en", "hi", "")), "en")
    assert _locale(info, "pt-BR") == "PT_br"  # the operator's spelling is reported back
    assert _locale(info, "pt") == "en"  # pt-BR is not a fallback for pt: lookup only shortens


def test_a_list_without_messages_has_none() -> None:
    assert ListInfo("x", Action.BLOCK, "c").message("en") is None


def test_message_carries_text_link_locale_and_list() -> None:
    assert HOTLINE.message("pt-BR") == Deterrence(
        "Este link foi bloqueado.", "https://ajuda.example/", "pt", "hotline"
    )


def test_lookup_chain_drops_singletons_with_their_subtag() -> None:
    assert lookup_chain("zh-Hant-TW") == ["zh-hant-tw", "zh-hant", "zh"]
    assert lookup_chain("en-a-bbb-x-y") == ["en-a-bbb-x-y", "en-a-bbb", "en"]
    assert lookup_chain("de_DE@euro") == ["de-de", "de"]
    assert normalize(" Sr_Latn_RS.UTF-8 ") == "sr-latn-rs"


@given(st.text(max_size=200), st.lists(st.text(max_size=12), max_size=6))
def test_lookup_never_fails_and_always_answers_from_the_table(
    asked: str, available: list[str]
) -> None:
    index = lookup(available, asked, available[0] if available else None)
    assert (index is None) == (not available)
    if index is not None:
        assert 0 <= index < len(available)


@pytest.mark.parametrize(
    "tag", ["en", "pt-BR", "pt_BR", "zh-Hant-TW", "sr-Latn-RS", "es-419", "de-CH-1996", "x-klingon"]
)
def test_well_formed_tags(tag: str) -> None:
    assert is_well_formed(tag)


@pytest.mark.parametrize(
    "tag", ["", "e", "english!", "en--US", " en", "en-", "toolonglanguage", "pt-BR.UTF-8", "1en"]
)
def test_malformed_tags(tag: str) -> None:
    assert not is_well_formed(tag)


# ---- on the verdict -------------------------------------------------------------------------

WATCH = ListInfo("watch", Action.WARN, "suspicious", (("en", "Be careful with this link.", ""),))


def _match(info: ListInfo) -> Match:
    return Match(info.id, info.action, info.category, MatchKind.HOST, "bad.example/", info)


def test_verdict_message_is_the_most_severe_lists() -> None:
    verdict = Verdict("http://bad.example/", Action.BLOCK, (_match(HOTLINE), _match(WATCH)))
    message = verdict.message("pt-BR")
    assert message is not None
    assert (message.list_id, message.text) == ("hotline", "Este link foi bloqueado.")


def test_allowed_verdict_has_no_message() -> None:
    assert Verdict("http://ok.example/", Action.ALLOW).message("en") is None


def test_block_held_back_to_warn_does_not_show_the_block_text() -> None:
    held_back = Verdict("http://bad.example/", Action.WARN, (_match(HOTLINE),))
    assert held_back.message("en") is None
    both = Verdict("http://bad.example/", Action.WARN, (_match(HOTLINE), _match(WATCH)))
    message = both.message("en")
    assert message is not None
    assert message.list_id == "watch"


def test_findings_message_follows_the_deciding_finding() -> None:
    allow = Verdict("http://ok.example/", Action.ALLOW)
    warn = Verdict("http://w.example/", Action.WARN, (_match(WATCH),))
    block = Verdict("http://b.example/", Action.BLOCK, (_match(HOTLINE),))
    findings = Findings(
        [Finding(0, 5, "ok", allow), Finding(6, 9, "w", warn), Finding(10, 14, "b", block)]
    )
    message = findings.message("zh-Hant-TW")
    assert message is not None
    assert (message.list_id, message.locale) == ("hotline", "zh-Hant")
    assert findings[1].message("en") == WATCH.message("en")
    incomplete = Findings([Finding(0, 5, "ok", allow)], notes=["message past the scan limit"])
    assert incomplete.action is Action.WARN
    assert incomplete.message("en") is None


def test_a_match_reaches_its_lists_deterrence_through_the_matcher(tmp_path: Path) -> None:
    meta = {
        "hotline": ListMeta("csam", MESSAGES),
        "watch": ListMeta("suspicious", WATCH.deterrence),
    }
    data = compile_lists(
        tmp_path,
        {"hotline": (["bad.example/"], Action.BLOCK), "watch": (["odd.example/"], Action.WARN)},
        meta=meta,
    )
    matcher = Matcher(open_bytes(data))
    verdict = matcher.check_url("https://sub.bad.example/page")
    assert verdict.matches[0].list_info is not None
    assert verdict.matches[0].list_info.deterrence == MESSAGES
    message = verdict.message("pt_BR")
    assert message is not None
    assert message.text == "Este link foi bloqueado."
    findings = matcher.scan_text("look: odd.example/x and hxxps://bad[.]example/y")
    message = findings.message(["fr", "zh-Hant-TW"])
    assert message is not None
    assert (message.list_id, message.locale) == ("hotline", "zh-Hant")
    assert matcher.scan_text("nothing here").message("en") is None
