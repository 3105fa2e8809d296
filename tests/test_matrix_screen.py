"""The messenger side of the Matrix integration, without a homeserver: what the person sees.

These run in the main environment (no matrix-nio needed): rendering, the per-room screen, the
background refresher. tests/matrix/ runs the same code inside real encrypted Matrix clients.
"""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path

import pytest

import linkscreen
from linkscreen import Action, Matcher
from linkscreen.fetch import Request, Response
from linkscreen.integrations.matrix import (
    BackgroundRefresher,
    MessageScreen,
    Notices,
    PartKind,
    RenderedMessage,
)
from linkscreen_server.compiler import ListMeta, ListSpec, compile_bundle

from bundles import FIXED, TEST_KEY, open_bytes
from repo_fixtures import BASE, MemoryRepo, entries

HOTLINE = [
    "http://bad.example/",
    "http://files.example/shared/abuse-album/",
    "http://bad2.example/",
]
WATCH = ["http://grooming-chat.example/rooms/"]
META = {
    "hotline": ListMeta(
        "csam",
        (
            ("de", "Link entfernt.", "https://help.example/de"),
            ("en", "Link removed.", "https://help.example/en"),
            ("pt", "Link removido.", "https://help.example/pt"),
        ),
    ),
    "watch": ListMeta("grooming", (("en", "Careful with this site.", "https://help.example/w"),)),
}


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    tmp = tmp_path_factory.mktemp("lists")
    specs = []
    for name, lines, action in (
        ("hotline", HOTLINE, Action.BLOCK),
        ("watch", WATCH, Action.WARN),
    ):
        path = tmp / f"{name}.txt"
        path.write_text("\n".join(lines) + "\n")
        specs.append(ListSpec(name, path, action))
    data, _ = compile_bundle(specs, TEST_KEY, meta=META, shorteners=["short.example"], **FIXED)
    return Matcher(open_bytes(data))


def screened(matcher: Matcher, text: str, locale: str = "en", room: str = "!r") -> RenderedMessage:
    return MessageScreen(matcher, locale=locale).screen(text, room_id=room)


def test_blocked_link_is_replaced_by_the_lists_deterrence_text_and_help_link(
    matcher: Matcher,
) -> None:
    shown = screened(matcher, "look at http://bad.example/gallery/1 tonight")
    assert [p.kind for p in shown.parts] == [PartKind.TEXT, PartKind.HIDDEN, PartKind.TEXT]
    assert shown.plain == "look at [⛔ Link removed. https://help.example/en] tonight"
    assert "bad.example" not in shown.plain
    assert shown.action is Action.BLOCK
    assert shown.hidden[0].help_link == "https://help.example/en"


def test_deterrence_text_follows_the_persons_locale(matcher: Matcher) -> None:
    assert screened(matcher, "http://bad.example/", "de-AT").hidden[0].text == "Link entfernt."
    assert screened(matcher, "http://bad.example/", "fr").hidden[0].text == "Link removed."
    brazil = screened(matcher, "http://bad.example/", "pt-BR").hidden[0]
    assert (brazil.text, brazil.help_link) == ("Link removido.", "https://help.example/pt")
    assert screened(matcher, "http://bad.example/", ["xx", "DE"]).hidden[0].text == "Link entfernt."


def test_block_held_back_to_warn_shows_the_apps_warning_not_the_block_text(
    matcher: Matcher,
) -> None:
    # a prose-shaped reading (space as a dot) of a host-level block entry: evidence says warn
    shown = screened(matcher, "go to bad2 example/x now")
    assert shown.action is Action.WARN
    (warning,) = shown.warnings
    assert warning.notice == Notices().warning
    assert "Link removed." not in shown.plain
    # every reading (go.to.bad2..., to.bad2..., bad2...) overlaps: one notice before their union
    assert shown.plain == f"[⚠ {Notices().warning}] go to bad2 example/x now"


def test_obfuscated_link_is_hidden_over_its_whole_written_span(matcher: Matcher) -> None:
    text = "its on files(dot)example(slash)shared(slash)abuse-album(slash)1.jpg ok"
    shown = screened(matcher, text)
    assert shown.plain == "its on [⛔ Link removed. https://help.example/en] ok"


def test_warned_link_is_shown_after_the_warn_lists_notice(matcher: Matcher) -> None:
    shown = screened(matcher, "chat here http://grooming-chat.example/rooms/teen")
    assert shown.plain == (
        "chat here [⚠ Careful with this site. https://help.example/w] "
        "http://grooming-chat.example/rooms/teen"
    )
    assert shown.action is Action.WARN
    assert shown.warnings[0].text == "http://grooming-chat.example/rooms/teen"


def test_short_link_is_offered_for_expansion_not_followed(matcher: Matcher) -> None:
    shown = screened(matcher, "short one: https://short.example/abc")
    (part,) = shown.shortened
    assert part.kind is PartKind.SHORTENED
    assert part.expandable
    assert shown.plain == f"short one: https://short.example/abc [↪ {Notices().shortened}]"
    assert shown.action is Action.ALLOW


def test_benign_message_is_shown_as_written_with_its_link_reportable(matcher: Matcher) -> None:
    text = "see you at 5, notes at https://news.example/article/42"
    shown = screened(matcher, text)
    assert shown.plain == text
    assert shown.action is Action.ALLOW
    assert shown.complete
    (link,) = shown.links
    assert link.kind is PartKind.LINK
    assert link.reportable
    assert not link.expandable


def test_host_less_follow_up_uses_the_rooms_earlier_host(matcher: Matcher) -> None:
    screen = MessageScreen(matcher)
    first = screen.screen("the album is on files.example", room_id="!a")
    assert first.action is Action.ALLOW
    follow_up = screen.screen("now /shared/abuse-album/7.jpg", room_id="!a")
    assert follow_up.action is Action.BLOCK
    assert follow_up.plain == "now [⛔ Link removed. https://help.example/en]"
    # another room never saw the host: the same follow-up is plain text there
    assert screen.screen("now /shared/abuse-album/7.jpg", room_id="!b").action is Action.ALLOW


def test_the_most_recently_named_host_is_the_one_a_follow_up_joins(matcher: Matcher) -> None:
    screen = MessageScreen(matcher)
    for i in range(5):
        screen.screen(f"https://host{i}.example/", room_id="!a")
    screen.screen("the album is on files.example", room_id="!a")
    assert screen.screen("now /shared/abuse-album/7.jpg", room_id="!a").action is Action.BLOCK


def test_room_context_is_bounded_and_forgettable(matcher: Matcher) -> None:
    screen = MessageScreen(matcher)
    screen.screen("files.example", room_id="!a")
    for i in range(20):
        screen.screen(f"https://host{i}.example/", room_id="!a")
    # files.example was pushed out by the bound: not joined, and the message says hosts
    # were forgotten while recent (incomplete: the app's policy, warn), never a silent allow
    trimmed = screen.screen("now /shared/abuse-album/7.jpg", room_id="!a")
    assert (trimmed.action, trimmed.complete) == (Action.WARN, False)
    screen.screen("files.example", room_id="!a")
    screen.forget("!a")
    assert screen.screen("now /shared/abuse-album/7.jpg", room_id="!a").action is Action.ALLOW


def test_overlapping_readings_hide_their_union(matcher: Matcher) -> None:
    # the strict reading stops at the line break; the joined reading is listed
    text = "see http://files.example/shared/abu\nse-album/"
    shown = screened(matcher, text)
    assert shown.action is Action.BLOCK
    assert shown.plain == "see [⛔ Link removed. https://help.example/en]"


def test_rendering_keeps_no_copy_of_a_hidden_link(matcher: Matcher) -> None:
    shown = screened(matcher, "x http://bad.example/secret-path y")
    assert "secret-path" not in shown.plain
    assert "secret-path" not in str(shown.to_dict())


def test_message_before_any_bundle_flags_its_links_and_says_so() -> None:
    screen = MessageScreen(None)
    shown = screen.screen("look at http://bad.example/ and more")
    assert not shown.complete
    assert shown.action is Action.WARN
    assert shown.parts[0].kind is PartKind.NOTICE
    unavailable = Notices().unavailable
    assert shown.plain == (
        f"[ⓘ {unavailable}] look at [⚠ {unavailable}] http://bad.example/ and more"
    )
    hiding = MessageScreen(None, unchecked_action=Action.BLOCK).screen("http://bad.example/")
    assert hiding.action is Action.BLOCK
    assert "bad.example" not in hiding.plain
    assert MessageScreen(None).screen("no links here").action is Action.ALLOW


def test_incomplete_scan_is_announced_and_never_allow(matcher: Matcher) -> None:
    deep = "http://unlisted.example/%" + "25" * 40 + "41"
    shown = screened(matcher, f"see {deep}")
    assert not shown.complete
    assert shown.action is Action.WARN
    assert shown.parts[0].kind is PartKind.NOTICE


class _Hop:
    def __init__(self, location: str) -> None:
        self.location = location
        self.requested: list[str] = []

    def fetch(self, request: Request) -> Response:
        self.requested.append(request.url)
        return Response(301, {"location": self.location})


def test_expanding_a_short_link_to_a_listed_target_hides_it_unrequested(
    matcher: Matcher,
) -> None:
    screen = MessageScreen(matcher)
    (part,) = screen.screen("https://short.example/abc").shortened
    network = _Hop("http://bad.example/target")
    shown, expansion = screen.expand(part, linkscreen.Expander(matcher, network))
    assert shown.kind is PartKind.HIDDEN
    assert shown.text == "Link removed."
    assert expansion.stopped == "blocked"
    assert network.requested == ["https://short.example/abc"]  # the listed hop never requested


def test_expanding_to_an_unlisted_target_shows_the_link(matcher: Matcher) -> None:
    screen = MessageScreen(matcher)
    (part,) = screen.screen("https://short.example/abc").shortened

    class Final:
        def fetch(self, request: Request) -> Response:
            if "short.example" in request.url:
                return Response(301, {"location": "https://news.example/a"})
            return Response(200, {}, b"ok")

    shown, expansion = screen.expand(part, linkscreen.Expander(matcher, Final()))
    assert expansion.complete
    assert shown.kind is PartKind.LINK


def test_only_short_links_expand(matcher: Matcher) -> None:
    screen = MessageScreen(matcher)
    (link,) = screen.screen("https://news.example/a").links
    with pytest.raises(ValueError, match="cannot be expanded"):
        screen.expand(link, linkscreen.Expander(matcher, _Hop("x")))


# ---- reporting a link ------------------------------------------------------------------------


def _loopback(address: object) -> str | None:
    return None if getattr(address, "is_loopback", False) else "not loopback"


def test_reporting_a_part_sends_its_link_and_never_the_message(
    matcher: Matcher, tmp_path: Path
) -> None:
    from report_server import review_service

    screen = MessageScreen(matcher, locale="de")
    text = "meet me, secret plan: hxxp://bad[.]example/x and http://grey.example/chat"
    shown = screen.screen(text, room_id="!room")
    (hidden,) = shown.hidden
    grey = next(p for p in shown.links if p.kind is PartKind.LINK)
    with review_service() as service:
        reporter = linkscreen.Reporter(tmp_path / "r", service.base_url, address_policy=_loopback)
        blocked = screen.report(hidden, reporter)
        allowed = screen.report(grey, reporter, note="looks like grooming")
        assert (blocked.status, allowed.status) == ("sent", "sent")
        first, second = (r.json() for r in service.reports())
        raw = b"".join(r.raw for r in service.reports())
    assert (first["url"], first["verdict"]) == ("http://bad.example/x", "block")
    assert first["techniques"] == ["refang"]
    assert (second["url"], second["verdict"]) == ("http://grey.example/chat", "allow")
    assert second["note"] == "looks like grooming"
    for words in ("meet me", "secret plan", "!room", "bad[.]example"):
        assert words.encode() not in raw


def test_a_part_without_a_link_cannot_be_reported(matcher: Matcher, tmp_path: Path) -> None:
    screen = MessageScreen(matcher)
    (text_part,) = screen.screen("nothing to see").parts
    reporter = linkscreen.Reporter(tmp_path / "r", "https://review.example/")
    with pytest.raises(linkscreen.InvalidReportError, match="holds no link"):
        screen.report(text_part, reporter)
    assert not (tmp_path / "r").exists()


# ---- the background refresher ----------------------------------------------------------------


def test_refresher_waits_twice_a_day_with_jitter_and_backs_off_after_failure(
    tmp_path: Path,
) -> None:
    repo = MemoryRepo(tmp_path)
    updater = linkscreen.Updater(tmp_path / "c", BASE, [repo.root_key.public_key()], repo)
    refresher = BackgroundRefresher(updater, jitter_s=1800, retry_s=300, rng=random.Random(1))
    delays = [refresher.next_delay() for _ in range(200)]
    assert all(12 * 3600 - 1800 <= d <= 12 * 3600 + 1800 for d in delays)
    assert max(delays) - min(delays) > 1800  # it really spreads
    refresher._failures = 1
    assert 150 <= refresher.next_delay() <= 300
    refresher._failures = 20
    assert refresher.next_delay() <= 12 * 3600
    with pytest.raises(ValueError, match="jitter_s"):
        BackgroundRefresher(updater, period_s=10, jitter_s=10)


def test_refresher_publishes_new_versions_without_the_reader_waiting(tmp_path: Path) -> None:
    repo = MemoryRepo(tmp_path)
    repo.publish(entries(3), now=time.time())
    updater = linkscreen.Updater(tmp_path / "c", BASE, [repo.root_key.public_key()], repo)
    with BackgroundRefresher(updater, rng=random.Random(2)) as refresher:
        assert refresher.wait_for_attempt(1, 30) is not None
        first = refresher.matcher()
        assert first is not None
        assert first.check_url("http://h1.bad.example/p/1").action is Action.BLOCK
        assert first.check_url("http://h7.bad.example/p/7").action is Action.ALLOW
        repo.publish(entries(8), now=time.time())
        refresher.refresh_now()
        result = refresher.wait_for_attempt(2, 30)
        assert result is not None
        assert result.version == 2
        newer = refresher.matcher()
        assert newer is not None
        assert newer is not first
        assert newer.check_url("http://h7.bad.example/p/7").action is Action.BLOCK


class _Hanging:
    """A network that never answers until released: the refresh hangs."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.entered = threading.Event()

    def fetch(self, request: Request) -> Response:
        self.entered.set()
        self.release.wait(30)
        return Response(503, {}, b"")


def test_a_hanging_refresh_never_blocks_message_display(tmp_path: Path) -> None:
    network = _Hanging()
    updater = linkscreen.Updater(tmp_path / "c", BASE, [bytes(32)], network)
    refresher = BackgroundRefresher(updater).start()
    try:
        assert network.entered.wait(10)
        screen = MessageScreen(refresher.matcher)
        start = time.monotonic()
        shown = screen.screen("look at http://bad.example/")
        assert time.monotonic() - start < 1.0
        assert not shown.complete
        assert shown.action is Action.WARN
    finally:
        network.release.set()
        refresher.stop()


def test_a_failed_refresh_keeps_the_last_good_matcher(tmp_path: Path) -> None:
    repo = MemoryRepo(tmp_path)
    repo.publish(entries(3), now=time.time())
    updater = linkscreen.Updater(tmp_path / "c", BASE, [repo.root_key.public_key()], repo)
    with BackgroundRefresher(updater) as refresher:
        assert refresher.wait_for_attempt(1, 30) is not None
        good = refresher.matcher()
        repo.files["pointer.json"] = b"{not json"
        refresher.refresh_now()
        result = refresher.wait_for_attempt(2, 30)
        assert result is not None
        assert result.status == "failed"
        assert refresher.matcher() is good


def test_an_app_callback_that_raises_does_not_stop_refreshing(tmp_path: Path) -> None:
    repo = MemoryRepo(tmp_path)
    repo.publish(entries(3), now=time.time())
    updater = linkscreen.Updater(tmp_path / "c", BASE, [repo.root_key.public_key()], repo)

    def broken(result: object) -> None:
        raise RuntimeError("app bug")

    with BackgroundRefresher(updater, on_update=broken) as refresher:
        assert refresher.wait_for_attempt(1, 30) is not None
        refresher.refresh_now()
        assert refresher.wait_for_attempt(2, 30) is not None


def test_import_of_the_integration_loads_no_client_library_or_network_code() -> None:
    """Importing the integration adds no client library and no network code to what ``import
    linkscreen`` loads: matrix-nio, the fetcher, the Updater and the Expander load on first use."""
    import subprocess
    import sys

    code = (
        "import sys; import linkscreen; before = set(sys.modules);"
        "import linkscreen.integrations.matrix;"
        "added = set(sys.modules) - before;"
        "network = {'nio', 'aiohttp', 'http', 'ssl', 'socket', 'urllib', 'requests', 'vodozemac'};"
        "print(sorted(n for n in added if n.split('.')[0] in network"
        " or n in ('linkscreen.fetch', 'linkscreen.expander', 'linkscreen.updater')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
