"""`make demo`: the whole job end to end, on loopback, with the real commands.

1. Operator: generate a root key and a signing key, write the root metadata, publish two
   sample lists (block and warn, one deliberately bad line) as version 1.
2. Start `linkscreen-server serve` on a loopback port.
3. App: an Updater refreshes from the server (full download), then checks sample links and
   scans messages hiding links (plain, shortened, obfuscated), printing readable tables.
4. Operator: add an entry and publish version 2. App: refresh again; show the delta that
   travelled, compared with the full bundle, and the new entry now blocked.

Everything uses reserved test hosts (*.example, *.test). Output goes to demo-out/.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import linkscreen

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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


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
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    main()
