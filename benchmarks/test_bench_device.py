"""Light on the device: import time, the first check after opening a bundle, install size.

Every number comes from fresh processes, as an app sees them at start-up, with its baseline in
the same run: ``python -c pass`` and ``import json`` beside ``import linkscreen``; the warm
(second) ``check_url`` beside the first; the size of ``cryptography`` and ``cffi`` (which the
SDK needs and which are excluded from the target) beside what the SDK adds.

Two environments: the dev venv (editable install, so ~10 ms of setuptools' editable finder is
in every import there) and a fresh venv holding only an SDK install of the wheel built from
this tree, with its real dependencies from the package index (skipped when offline). The
issue's targets: import <= 100 ms median, first check <= 5 ms, SDK install <= 5 MB.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from linkscreen_server.compiler import ListSpec, compile_bundle

from bundles import TEST_KEY, TEST_PUBLIC
from corpus import generated_urls

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 21
ENTRIES = 25_000

#: The statements timed in a fresh interpreter, in the order they run within each round.
IMPORTS = {
    "python -c pass": "pass",
    "import json": "import json",
    "import linkscreen": "import linkscreen",
    "import linkscreen; touch Bundle, Matcher": "import linkscreen; linkscreen.Bundle; "
    "linkscreen.Matcher",
}

FIRST_CHECK = """
import json, sys, time
t0 = time.perf_counter()
import linkscreen
t1 = time.perf_counter()
bundle = linkscreen.Bundle.open(sys.argv[1], [bytes.fromhex(sys.argv[2])])
matcher = linkscreen.Matcher(bundle)
t2 = time.perf_counter()
matcher.check_url("https://first.unlisted.example/path/page?q=1")
t3 = time.perf_counter()
matcher.check_url("https://second.unlisted.example/other/page?q=2")
t4 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "open": t2 - t1, "first": t3 - t2, "second": t4 - t3}))
"""

#: Distributions the size target leaves out: the two it names, cffi's parser, the venv's tools.
EXCLUDED_FROM_SIZE = ("cryptography", "cffi", "_cffi_backend", "pycparser", "pip", "setuptools")


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "LINKSCREEN_"))}


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _time_imports(python: str, cwd: Path) -> dict[str, float]:
    """Median wall-clock ms per statement; statements interleave so load hits all alike."""
    samples: dict[str, list[float]] = {name: [] for name in IMPORTS}
    for _ in range(ROUNDS):
        for name, code in IMPORTS.items():
            start = time.perf_counter()
            subprocess.run([python, "-c", code], cwd=cwd, env=_env(), check=True)
            samples[name].append(time.perf_counter() - start)
    return {name: _median_ms(values) for name, values in samples.items()}


def _first_check(python: str, bundle: Path, cwd: Path) -> dict[str, float]:
    runs = []
    for _ in range(ROUNDS):
        out = subprocess.run(
            [python, "-c", FIRST_CHECK, str(bundle), TEST_PUBLIC.hex()],
            cwd=cwd,
            env=_env(),
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        runs.append(json.loads(out))
    return {key: _median_ms([run[key] for run in runs]) for key in runs[0]}


@pytest.fixture(scope="module")
def bundle_25k(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("bundle")
    source = tmp / "list.txt"
    source.write_text("\n".join(generated_urls(ENTRIES, seed=5)) + "\n")
    data, _ = compile_bundle([ListSpec("hotline", source)], TEST_KEY)
    path = tmp / "lists.bundle"
    path.write_bytes(data)
    return path


#: How the SDK-only venv gets linkscreen: the wheel of this tree built with the C core, or
#: ``pip install .`` of a clean copy with no compiler (the issue's measurement).
INSTALLS = ["wheel, C core", "pip install ., CC=/bin/false"]


def _clean_copy(target: Path) -> Path:
    """The files a clean clone holds (tracked, plus new files not ignored), copied."""
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listing.split("\0")):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return target


@pytest.fixture(scope="module", params=INSTALLS)
def sdk_venv(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with only the SDK and its runtime dependencies from the package index."""
    tmp = tmp_path_factory.mktemp("sdk-venv")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    if request.param == INSTALLS[0]:
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp), str(ROOT)],
            check=True,
            env=_env(),
        )
        (target,) = tmp.glob("linkscreen-*.whl")
        env = _env()
    else:
        target = _clean_copy(tmp / "src")
        env = {**_env(), "CC": "/bin/false"}
    installed = subprocess.run(
        [venv / "bin" / "python", "-m", "pip", "install", "-q", "--no-cache-dir", str(target)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if installed.returncode:
        pytest.skip(f"cannot install the SDK's dependencies here: {installed.stderr[-300:]}")
    native = subprocess.run(
        [venv / "bin" / "python", "-m", "linkscreen", "--version"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp,
    ).stdout.strip()
    print(f"\n{request.param}: {native}")
    return venv


def _site_packages_kb(venv: Path) -> dict[str, float]:
    """KiB per top-level entry of the venv's site-packages (packages, modules, dist-info)."""
    (site,) = venv.glob("lib/python*/site-packages")
    sizes: dict[str, float] = {}
    for entry in site.iterdir():
        paths = [entry] if entry.is_file() else [p for p in entry.rglob("*") if p.is_file()]
        sizes[entry.name] = sum(p.stat().st_size for p in paths) / 1024
    return sizes


def _is_excluded(name: str) -> bool:
    base = name.split("-", 1)[0].split(".", 1)[0].lower()
    return base in EXCLUDED_FROM_SIZE or base in ("_distutils_hack", "distutils", "pkg_resources")


def test_import_time_dev_venv(recorder: Any, tmp_path: Path) -> None:
    medians = _time_imports(sys.executable, tmp_path)
    group = "import, dev venv (editable), ms"
    for name, value in medians.items():
        recorder(group, name, value, "ms")


def _install_of(venv: Path) -> str:
    return INSTALLS[1] if (venv.parent / "src").exists() else INSTALLS[0]


def test_import_time_sdk_only_install(recorder: Any, sdk_venv: Path, tmp_path: Path) -> None:
    medians = _time_imports(str(sdk_venv / "bin" / "python"), tmp_path)
    group = f"import, SDK-only venv ({_install_of(sdk_venv)}), ms (<= 100)"
    for name, value in medians.items():
        recorder(group, name, value, "ms")
    recorder(
        "import linkscreen minus python -c pass",
        f"SDK-only venv ({_install_of(sdk_venv)})",
        medians["import linkscreen"] - medians["python -c pass"],
        "ms",
    )


def test_first_check_after_open(
    recorder: Any, sdk_venv: Path, bundle_25k: Path, tmp_path: Path
) -> None:
    result = _first_check(str(sdk_venv / "bin" / "python"), bundle_25k, tmp_path)
    group = f"first check_url, {ENTRIES:,} entries ({_install_of(sdk_venv)}), ms (<= 5)"
    recorder(group, "second check_url (warm, baseline)", result["second"], "ms")
    recorder(group, "first check_url", result["first"], "ms")
    recorder(group, "Bundle.open + Matcher", result["open"], "ms")
    recorder(group, "import linkscreen (in-process)", result["import"], "ms")


def test_sdk_install_size(recorder: Any, sdk_venv: Path) -> None:
    sizes = _site_packages_kb(sdk_venv)
    excluded = sum(kb for name, kb in sizes.items() if _is_excluded(name))
    added = {name: kb for name, kb in sizes.items() if not _is_excluded(name)}
    group = f"SDK-only install ({_install_of(sdk_venv)}), site-packages MB (<= 5)"
    recorder(group, "cryptography + cffi (+ pycparser, pip, setuptools)", excluded / 1024, "MB")
    recorder(
        group,
        "added by the SDK (linkscreen + its other dependencies)",
        sum(added.values()) / 1024,
        "MB",
    )
    biggest = sorted(added.items(), key=lambda item: -item[1])[:6]
    for name, kb in biggest:
        recorder(f"largest entries ({_install_of(sdk_venv)})", name, kb / 1024, "MB")
