"""`make demo`: the whole job end to end, on loopback, with the real commands.

1. Operator: generate a root key and a signing key, write the root metadata, publish two
   sample lists (block and warn, one deliberately bad line) as version 1.
2. Start `linkscreen-server serve` on a loopback port.
3. App: an Updater refreshes from the server (full download), then checks sample links and
   scans messages hiding links (plain, shortened, obfuscated), printing readable tables.
4. Operator: add an entry and publish version 2. App: refresh again; show the delta that
   travelled, compared with the full bundle, and the new entry now blocked.
5. Reports (part 2): a person reports a link nothing lists yet. The app's Reporter sends it
   (only the link, never the message) to `linkscreen-server review`; two analysts confirm it
   on the review pages; the operator publishes with the review database; the app's next
   refresh blocks the link.

Everything uses reserved test hosts (*.example, *.test). Output goes to demo-out/.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from loopback import free_port

import linkscreen
from linkscreen.fetch import IPAddress

OUT = Path("demo-out")
HOTLINE = """# sample block list (synthetic hosts only)
http://bad.example/
http://files.example/shared/abuse-album/
http://pics.example.test/view/9f3a2c.jpg
http://198.51.100.23/
http://co.uk/
"""
WATCH = """url,category
http://grooming-chat.example/rooms/,grooming
"""
LINKS = [
    "https://www.bad.example/anything?ref=1",
    "HTTP://FILES.example:8080/shared/./abuse-album/%69mg01.png",
    "http://pics.example.test/view/9f3a2c.jpg",
    "http://pics.example.test/view/other.jpg",
    "http://3325256727/x",
    "https://ｂａｄ．ｅｘａｍｐｌｅ/",
    "http://innocent.example\\@bad.example/",
    "http://grooming-chat.example/rooms/teen",
    "http://news.example/article/42",
    "https://bit.ly/3xAmPlE",
]
MESSAGES = [
    "new pics at hxxp://bad[.]example/anything lol",
    "its on files(dot)example(slash)shared(slash)abuse-album(slash)1.jpg",
    "go to b a d . e x a m p l e",
    "look: pics.example.test /view /9f3a2c.jpg",
    "ba\u200bd.exa\u200dmple/x",
    "http://files.example/shared/abu\nse-album/",
    "short one: https://bit.ly/3xAmPlE",
    "see you at 5. me too. bring setup.py and the 3.11 notes",
]


def run(*args: str) -> None:
    print("$ linkscreen-server", " ".join(args[1:]))
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    sys.stdout.write("".join(f"  {line}\n" for line in result.stdout.splitlines()))
    sys.stdout.write("".join(f"  (reported) {line}\n" for line in result.stderr.splitlines()))
    if result.returncode:
        raise SystemExit(f"command failed with exit code {result.returncode}")


def start_server(server: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    print(f"$ linkscreen-server serve --dir {OUT / 'repo'} --host 127.0.0.1 --port {port}")
    process = subprocess.Popen(
        [server, "serve", "--dir", str(OUT / "repo"), "--host", "127.0.0.1", "--port", str(port)]
    )
    base = f"http://127.0.0.1:{port}/"
    for _ in range(100):
        try:
            with urllib.request.urlopen(base + "pointer.json", timeout=1):
                return process, base
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise SystemExit("the server did not start")


def show_checks(matcher: linkscreen.Matcher) -> None:
    print(f"\n{'action':7} {'list':8} {'covers':12} link")
    for url in LINKS:
        verdict = matcher.check_url(url)
        lists = ",".join(verdict.lists) or "-"
        covers = (
            str(verdict.match) if verdict.match else ("shortened" if verdict.shortened else "-")
        )
        print(f"{verdict.action!s:7} {lists:8} {covers:12} {url}")


def show_scans(matcher: linkscreen.Matcher) -> None:
    for text in MESSAGES:
        findings = matcher.scan_text(text)
        print(f"\n{text!r} -> {findings.action}")
        for f in findings:
            techniques = ", ".join(f.techniques) or "plain"
            short = " shortened" if f.verdict.shortened else ""
            print(f"  [{f.start}:{f.end}] {f.action!s:5} {f.tier:6} {f.url}  ({techniques}){short}")


#: Part 2: a message whose link no list carries yet, and what the person types when reporting.
GREY_MESSAGE = "hey, join our group: http://grey-zone.example/invite/7 see you there"
NOTE = "a stranger sent it to my child"


def this_machine_only(address: IPAddress) -> str | None:
    """The demo's review service runs on loopback, which the Reporter refuses by default."""
    return None if address.is_loopback else f"{address} is not this machine"


def report_and_review(
    matcher: linkscreen.Matcher,
    updater: linkscreen.Updater,
    publish: list[str],
) -> None:
    """Part 2: from a person's report to a blocked link, through two analysts."""
    print("\n== part 2, review service: linkscreen-server review, two analysts ==")
    if importlib.util.find_spec("linkscreen_server.review") is None:
        print("skipped: this checkout has no review service (linkscreen_server.review)")
        return
    from review_desk import Analyst, ReviewService

    review = ReviewService(OUT / "review")
    for name in ("ana", "ben"):
        print(f"$ linkscreen-server review add-user --db {review.db_url} --name {name} ...")
        print(f"  {review.add_user(name, 'analyst', f'{name}-demo-password-1')}")
    base = review.start()
    listen = base.removeprefix("http://").rstrip("/")
    print(f"$ linkscreen-server review --db {review.db_url} --listen {listen}")
    print(f"  serving POST /v1/reports and the review pages on {base}")
    try:
        print("\n== app: the person reports a link in a message ==")
        findings = matcher.scan_text(GREY_MESSAGE)
        (finding,) = findings
        print(f"{GREY_MESSAGE!r} -> {findings.action} (no list has it yet)")
        reporter = linkscreen.Reporter(
            OUT / "client-reports", base, address_policy=this_machine_only
        )
        sent = reporter.preview(finding, note=NOTE)
        print("what leaves the device (Reporter.preview):")
        print("".join(f"  {key:11} {value!r}\n" for key, value in sent.items()), end="")
        words = [w for w in GREY_MESSAGE.split() if "grey-zone" not in w]
        assert not any(w in str(sent) for w in words if len(w) > 3), "message text leaked"
        result = reporter.report(finding, note=NOTE)
        print(
            f"report: {result.status} (HTTP {result.http_status}, id {result.server_id}); "
            f"{reporter.pending()} left queued on the device"
        )

        print("\n== analysts: two of them confirm it on the review pages ==")
        for name, category, reason in (
            ("ana", "enticement", "reported by a parent, not on any list yet"),
            ("ben", "enticement", "agrees with the first analyst"),
        ):
            analyst = Analyst(base, name, f"{name}-demo-password-1")
            analyst.sign_in()
            state = analyst.confirm(finding.verdict.canonical or "", category, reason)
            print(f"{name} signs in, confirms ({category}: {reason}); the URL is now {state}")

        print("\n== operator: publish with the review database ==")
        run(*publish, "--review-db", review.db_url)

        print("\n== app: the next refresh blocks the reported link ==")
        update = updater.refresh()
        print(
            f"refresh: {update.status}, version {update.version}, {update.bytes_downloaded:,} bytes"
        )
        fresh = updater.matcher()
        assert fresh is not None
        again = fresh.scan_text(GREY_MESSAGE)
        lists = ", ".join(again[0].verdict.lists)
        print(f"{GREY_MESSAGE!r} -> {again.action} ({lists})")
        assert again.action is linkscreen.Action.BLOCK, "the confirmed link is not blocked"
    finally:
        review.stop()


def main() -> None:
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir()
    (OUT / "hotline.txt").write_text(HOTLINE)
    (OUT / "watch.csv").write_text(WATCH)
    server = str(Path(sys.executable).with_name("linkscreen-server"))
    lists = [
        "--list",
        f"hotline={OUT / 'hotline.txt'}",
        "--list",
        f"watch={OUT / 'watch.csv'}:warn",
    ]

    print("== operator: keys, root metadata, version 1 ==")
    run(server, "keygen", "--out", str(OUT / "keys" / "root"))
    run(server, "keygen", "--out", str(OUT / "keys" / "signing"))
    run(
        server,
        "root",
        "--dir",
        str(OUT / "repo"),
        "--root-key",
        str(OUT / "keys" / "root"),
        "--signing-pub",
        str(OUT / "keys" / "signing" / "signing.pub"),
    )
    publish = [server, "publish", "--dir", str(OUT / "repo"), *lists]
    publish += ["--key", str(OUT / "keys" / "signing")]
    run(*publish)

    process, base = start_server(server)
    try:
        print("\n== app: refresh from the server, then check links on the device ==")
        updater = linkscreen.Updater(OUT / "client", base, [OUT / "keys" / "root" / "signing.pub"])
        result = updater.refresh()
        print(
            f"refresh: {result.status}, version {result.version}, {result.requests} requests, "
            f"{result.bytes_downloaded:,} bytes"
        )
        matcher = updater.matcher()
        assert matcher is not None
        show_checks(matcher)
        print("\n== app: scan messages ==")
        show_scans(matcher)

        print("\n== operator: add an entry, publish version 2 ==")
        with (OUT / "hotline.txt").open("a") as handle:
            handle.write("http://new-site.example/gallery/\n")
        run(*publish)

        print("\n== app: refresh again ==")
        result = updater.refresh()
        full = sum(p.stat().st_size for p in (OUT / "repo" / "bundles").iterdir()) // 2
        print(
            f"refresh: {result.status}, version {result.version}, {result.requests} requests, "
            f"{result.bytes_downloaded:,} bytes travelled (a full bundle is ~{full:,} bytes)"
        )
        matcher = updater.matcher()
        assert matcher is not None
        verdict = matcher.check_url("https://new-site.example/gallery/2")
        print(
            f"https://new-site.example/gallery/2 -> {verdict.action} ({', '.join(verdict.lists)})"
        )
        result = updater.refresh()
        print(
            f"refresh with nothing new: {result.status}, {result.requests} request, "
            f"{result.bytes_downloaded} bytes (answered 304)"
        )
        report_and_review(matcher, updater, publish)
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    main()
