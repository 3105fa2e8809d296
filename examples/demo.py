"""`make demo`: the main job end to end, as far as it exists.

1. The operator side: generate a signing key and compile two sample lists (a block list and a
   warn list, with a deliberately bad line) into a signed bundle, with the real CLI.
2. The app side: open the bundle with the public key and check sample links (plain, encoded,
   numeric-IP, full-width, backslash tricks), printing the verdicts as a table.
3. Scan chat messages that hide links (defanged, spaced out, zero-width characters, split
   across lines), printing each finding with its span and the techniques that recovered it.

Everything uses reserved test hosts (*.example, *.test). Output goes to demo-out/.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
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
    "see you at 5. me too. bring setup.py and the 3.11 notes",
]


def run(*args: str) -> None:
    print("$", " ".join(args))
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    sys.stdout.write(result.stdout)
    sys.stdout.write("".join(f"  (reported) {line}\n" for line in result.stderr.splitlines()))
    if result.returncode:
        raise SystemExit(f"command failed with exit code {result.returncode}")


def main() -> None:
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir()
    (OUT / "hotline.txt").write_text(HOTLINE)
    (OUT / "watch.csv").write_text(WATCH)
    server = str(Path(sys.executable).with_name("linkscreen-server"))

    print("== operator: key and bundle ==")
    run(server, "keygen", "--out", str(OUT / "keys"))
    run(server, "compile", "--list", f"hotline={OUT / 'hotline.txt'}",
        "--list", f"watch={OUT / 'watch.csv'}:warn", "--key", str(OUT / "keys"),
        "--out", str(OUT / "demo.bundle"))  # fmt: skip

    print("\n== app: check links on the device ==")
    bundle = linkscreen.Bundle.open(OUT / "demo.bundle", [OUT / "keys" / "signing.pub"])
    matcher = linkscreen.Matcher(bundle)
    print(f"bundle: {bundle.entry_count} entries, {bundle.size_bytes:,} bytes, "
          f"C core: {'yes' if matcher.uses_native else 'no'}, stale: {bundle.stale}")  # fmt: skip
    print(f"\n{'action':7} {'list':8} {'covers':12} link")
    for url in LINKS:
        verdict = matcher.check_url(url)
        lists = ",".join(verdict.lists) or "-"
        covers = (
            str(verdict.match) if verdict.match else ("shortened" if verdict.shortened else "-")
        )
        print(f"{verdict.action!s:7} {lists:8} {covers:12} {url}")
    blocked = matcher.check_url(LINKS[0])
    message = bundle.lists[0].message("en")
    if blocked.matches and message:
        print(f"\nshown instead of a blocked link: {message[0]!r}")

    print("\n== app: scan messages ==")
    for text in MESSAGES:
        findings = matcher.scan_text(text)
        print(f"\n{text!r} -> {findings.action}")
        for f in findings:
            techniques = ", ".join(f.techniques) or "plain"
            print(f"  [{f.start}:{f.end}] {f.action!s:5} {f.tier:6} {f.url}  ({techniques})")


if __name__ == "__main__":
    main()
