"""Packaging as an app developer meets it: build from a clean tree, install into fresh venvs.

One sdist and one wheel are built (``python -m build``, as a release would) from a copy of the
files a clean clone holds, then installed into empty virtual environments: the sdist without a
compiler (``CC=/bin/false``, and with no compiler on ``PATH`` at all) and the wheel built from the
sdist with one. Each install must answer the cross-language vectors. To stay fast and offline,
the builds use the dev environment's setuptools and cffi (``--no-isolation``) and the fresh
environments reach the runtime dependencies through a ``.pth`` line naming the dev site-packages
(``--no-deps``); the package under test is the only thing installed into them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow

#: Runs inside a fresh environment: answers every vector, reports which matcher ran and where
#: the package was imported from.
VECTOR_CHECK = """
import json, sys
from pathlib import Path
import linkscreen
vectors = Path(sys.argv[1])
bundle = linkscreen.Bundle.open(vectors / "tiny.bundle", [vectors / "test-signing.pub"])
matcher = linkscreen.Matcher(bundle)
rows = json.loads((vectors / "expected.json").read_text())
wrong = []
for row in rows:
    verdict = matcher.check_url(row["url"])
    if str(verdict.action) != row["action"] or list(verdict.lists) != row["lists"]:
        wrong.append(row["url"])
print(json.dumps({"file": linkscreen.__file__, "native": matcher.uses_native,
                  "checked": len(rows), "wrong": wrong}))
"""

NOTICE_LINE = "C core not built"


@dataclass(frozen=True)
class Dists:
    source: Path
    sdist: Path
    wheel: Path
    log: str


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "LINKSCREEN_"))}
    env.pop("CC", None)
    env.update(extra)
    return env


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, f"{args[:4]} failed:\n{result.stdout[-3000:]}\n{result.stderr}"
    return result


def _tracked_files() -> list[str]:
    """The files a clean clone holds (tracked, plus new files not yet committed nor ignored)."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: the sdist test builds from what a clean clone holds")
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [name for name in listing.split("\0") if name and (ROOT / name).is_file()]


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> Dists:
    pytest.importorskip("build", reason="the dev extra installs 'build'")
    source = tmp_path_factory.mktemp("clone")
    for name in _tracked_files():
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    out = tmp_path_factory.mktemp("dist")
    result = _run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)],
        source,
        _clean_env(),
    )
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return Dists(source, sdist, wheel, result.stdout + result.stderr)


def _fresh_venv(path: Path) -> Path:
    """An empty venv that can import the dev environment's packages (for the dependencies)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    python = path / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    dev_paths = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(purelib) / "_dev_dependencies.pth").write_text("\n".join(sorted(dev_paths)) + "\n")
    return python


def _install(python: Path, target: Path, cwd: Path, env: dict[str, str]) -> str:
    result = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-v",
            "--no-deps",
            "--no-build-isolation",
            "--no-cache-dir",
            "--no-index",
            str(target),
        ],
        cwd,
        env,
    )
    return result.stdout + result.stderr


def _check_vectors(python: Path, dists: Dists, cwd: Path) -> dict[str, object]:
    result = _run(
        [str(python), "-c", VECTOR_CHECK, str(dists.source / "tests" / "vectors")],
        cwd,
        _clean_env(),
    )
    report: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    assert str(report["file"]).startswith(str(python.parent.parent)), report
    assert report["wrong"] == [], report
    assert report["checked"]
    return report


def _installed_wheel_tag(python: Path) -> str:
    """The ``Tag:`` of the wheel pip installed (a pure fallback is ``py3-none-any``)."""
    (wheel_file,) = python.parent.parent.glob("lib/python*/site-packages/linkscreen-*/WHEEL")
    lines = wheel_file.read_text().splitlines()
    return next(line.split(":", 1)[1].strip() for line in lines if line.startswith("Tag:"))


# ---- what the archives hold ------------------------------------------------------------------


def test_sdist_holds_everything_a_build_needs(dists: Dists) -> None:
    with tarfile.open(dists.sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    shipped_sources = [
        name
        for name in _tracked_files()
        if name.startswith(
            ("sdk/", "server/", "native/", "scripts/", "tests/vectors/", "docs/", "LICENSES/")
        )
    ]
    missing = sorted(set(shipped_sources) - names)
    assert not missing, f"sdist lacks {missing[:10]}"
    for required in ("setup.py", "pyproject.toml", "LICENSE", "NOTICE", "README.md", "MANIFEST.in"):
        assert required in names
    assert "native/build_native.py" in names
    assert any(n.startswith("native/") and n.endswith(".h") for n in names)
    assert not [n for n in names if n.endswith((".so", ".pyc", ".o", ".pyd"))]


def test_wheel_is_abi3_and_carries_licences_and_data(dists: Dists) -> None:
    assert "-cp311-abi3-" in dists.wheel.name
    with zipfile.ZipFile(dists.wheel) as archive:
        names = set(archive.namelist())
        info = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = archive.read(info).decode()
    dist_info = info.rsplit("/", 1)[0]
    licence_files = {f"{dist_info}/licenses/{name}" for name in _licence_files()}
    assert licence_files <= names
    assert f"License-Expression: {_declared_expression()}" in metadata
    assert [n for n in names if n.startswith("linkscreen/_native") and n.endswith(".abi3.so")]
    # Every file of both packages (modules and data) lands in the wheel.
    packaged = {
        name.split("/", 1)[1]
        for name in _tracked_files()
        if name.startswith(("sdk/linkscreen/", "server/linkscreen_server/"))
    }
    missing = sorted(packaged - names)
    assert not missing, f"wheel lacks {missing[:10]}"


#: Words in a file's head that say it carries someone else's licence, and the SPDX id each
#: needs in the package's License-Expression.
THIRD_PARTY_MARKERS = {
    "CC BY-SA": "CC-BY-SA-4.0",
    "Unicode License": "Unicode-3.0",
    "Mozilla Public License": "MPL-2.0",
    "MPL-2.0": "MPL-2.0",
}


def _licence_files() -> list[str]:
    return ["LICENSE", "NOTICE", *(f"LICENSES/{p.name}" for p in (ROOT / "LICENSES").iterdir())]


def _declared_expression() -> str:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return str(project["license"])


def test_every_third_party_data_file_is_in_notice_and_the_licence_expression() -> None:
    """A shipped file whose header names another licence must be attributed in NOTICE, and
    that licence must be in the SPDX expression (PEP 639) with its text where it needs one."""
    assert "Apache License" in (ROOT / "LICENSE").read_text()
    notice = (ROOT / "NOTICE").read_text()
    expression = _declared_expression()
    shipped = [n for n in _tracked_files() if n.startswith(("sdk/", "server/", "native/"))]
    found = 0
    for name in shipped:
        head = (ROOT / name).read_bytes()[:2000].decode("utf-8", "replace")
        for marker, spdx in THIRD_PARTY_MARKERS.items():
            if marker in head:
                found += 1
                assert name in notice, f"NOTICE does not attribute {name} ({marker})"
                assert spdx in expression, f"{spdx} ({name}) missing from License-Expression"
    assert found >= 2  # the shortener list and the Unicode data, at least
    for spdx in ("Unicode-3.0", "MPL-2.0"):
        if spdx in expression:
            assert (ROOT / "LICENSES" / f"{spdx}.txt").exists()


# ---- installing -------------------------------------------------------------------------------


@pytest.mark.parametrize("no_compiler", ["CC=/bin/false", "no compiler on PATH"])
def test_sdist_installs_and_matches_without_a_compiler(
    dists: Dists, tmp_path: Path, no_compiler: str
) -> None:
    python = _fresh_venv(tmp_path / "venv")
    if no_compiler == "CC=/bin/false":
        env = _clean_env(CC="/bin/false")
    else:
        empty = tmp_path / "empty-bin"
        empty.mkdir()
        env = _clean_env(PATH=str(empty))
    log = _install(python, dists.sdist, tmp_path, env)
    assert log.count(NOTICE_LINE) == 1, "the pure-Python fallback is announced exactly once"
    assert _installed_wheel_tag(python) == "py3-none-any"
    report = _check_vectors(python, dists, tmp_path)
    assert report["native"] is False
    version = _run([str(python.parent / "linkscreen"), "--version"], tmp_path, _clean_env())
    assert "pure Python, C core not built" in version.stdout


def test_wheel_from_the_sdist_installs_with_the_c_core(dists: Dists, tmp_path: Path) -> None:
    """``python -m build`` compiles the wheel from the unpacked sdist: the sdist builds natively."""
    assert NOTICE_LINE not in dists.log
    python = _fresh_venv(tmp_path / "venv")
    _install(python, dists.wheel, tmp_path, _clean_env())
    assert _installed_wheel_tag(python).startswith("cp311-abi3-")
    report = _check_vectors(python, dists, tmp_path)
    assert report["native"] is True
    version = _run([str(python), "-m", "linkscreen", "--version"], tmp_path, _clean_env())
    assert version.stdout.strip().endswith("(C core)")


def test_failed_native_build_is_an_error_when_asked_for(dists: Dists, tmp_path: Path) -> None:
    """Packagers who must ship the C core set LINKSCREEN_BUILD_NATIVE=1: no silent fallback."""
    python = _fresh_venv(tmp_path / "venv")
    args = [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps"]
    args += ["--no-build-isolation", "--no-cache-dir", "--no-index", str(dists.sdist)]
    env = _clean_env(CC="/bin/false", LINKSCREEN_BUILD_NATIVE="1")
    result = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "the C core failed to build" in result.stdout + result.stderr
