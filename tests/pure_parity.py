"""The same texts scanned in a child process with ``LINKSCREEN_PURE=1``: C and pure agree.

A test module that builds its matcher with ``_matcher(directory)`` passes its own name; the
child imports it, builds the same bundle and answers each text as ``scan_answer`` does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import linkscreen

_SCRIPT = """
import importlib, json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import pure_parity
t = importlib.import_module(sys.argv[2])
m = t._matcher(Path(sys.argv[3]))
texts = json.loads(Path(sys.argv[4]).read_text("utf-8"))
answer = getattr(pure_parity, sys.argv[5])
print(json.dumps([answer(m, x) for x in texts]))
"""


def scan_answer(matcher: linkscreen.Matcher, text: str) -> list[object]:
    """A message's action and its findings' (url, action), as JSON would carry them."""
    found = matcher.scan_text(text)
    answer = [str(found.action), sorted((f.url, str(f.action)) for f in found)]
    return json.loads(json.dumps(answer))


def check_answer(matcher: linkscreen.Matcher, url: str) -> list[object]:
    """``check_url``'s action, signals and lists for one URL, as JSON would carry them."""
    verdict = matcher.check_url(url)
    answer = [str(verdict.action), sorted(map(str, verdict.signals)), list(verdict.lists)]
    return json.loads(json.dumps(answer))


def pure_answers(
    module: str, tmp_path: Path, texts: list[str], answer: str = "scan_answer"
) -> list[object]:
    """``scan_answer`` (or ``answer``, a function of this module) of every text from a
    pure-Python child building ``module``'s matcher."""
    path = tmp_path / "texts.json"
    path.write_text(json.dumps(texts), "utf-8")
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            _SCRIPT,
            str(Path(__file__).parent),
            module,
            str(tmp_path),
            str(path),
            answer,
        ],
        env={**os.environ, "LINKSCREEN_PURE": "1"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)
