"""Build hook for the optional C core; pyproject.toml holds the metadata.

The C core (``linkscreen._native``, built by cffi from native/) only makes matching faster: the
pure-Python matcher gives identical answers. So a machine without a working C compiler (or
without Python's headers) still installs: the build of the extension is tried once, and when
it fails, setup runs again without it and says so in one line. The wheel is then pure
(``py3-none-any``). With the extension, the wheel is tagged ``cp311-abi3``: cffi builds against
the limited API, so one wheel serves every CPython from 3.11 on.

``LINKSCREEN_BUILD_NATIVE=0`` skips the C core on purpose; ``=1`` makes a failed build an error
(for packagers who must not ship the slow path by accident).
"""

from __future__ import annotations

import os
import re
import sys
from typing import Any

from setuptools import setup
from setuptools.command.build_ext import build_ext
from setuptools.errors import CCompilerError, ExecError, PlatformError

#: The oldest CPython the limited-API (abi3) extension supports; matches requires-python.
LIMITED_API_TAG = "cp311"

#: How much of a build error the one-line notice shows.
_SUMMARY_CHARS = 160

_BUILD_FAILURES = (CCompilerError, ExecError, PlatformError, OSError)


class NativeBuildError(Exception):
    """The C core could not be compiled or linked here."""


class OptionalBuildExt(build_ext):
    """build_ext that turns a compiler failure into NativeBuildError (caught below)."""

    def run(self) -> None:
        try:
            super().run()
        except _BUILD_FAILURES as exc:
            raise NativeBuildError(str(exc)) from exc

    def build_extension(self, ext: Any) -> None:
        try:
            super().build_extension(ext)
        except _BUILD_FAILURES as exc:
            raise NativeBuildError(str(exc)) from exc


def _setup_native() -> None:
    setup(
        cmdclass={"build_ext": OptionalBuildExt},
        cffi_modules=["native/build_native.py:ffibuilder"],
        options={"bdist_wheel": {"py_limited_api": LIMITED_API_TAG}},
    )


def _setup_pure() -> None:
    setup()


def _summary(exc: BaseException) -> str:
    """One short line for a build failure (distutils puts the whole command line in it)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    failed = re.match(r"Command '\['([^']+)'.*?(exit status -?\d+)", text)
    if failed:
        return f"{failed.group(1)} failed: {failed.group(2)}"
    return text if len(text) <= _SUMMARY_CHARS else text[: _SUMMARY_CHARS - 3] + "..."


def main() -> None:
    choice = os.environ.get("LINKSCREEN_BUILD_NATIVE", "").strip().lower()
    if choice in ("0", "no", "false"):
        print("linkscreen: LINKSCREEN_BUILD_NATIVE=0: installing the pure-Python matcher only")
        _setup_pure()
        return
    try:
        _setup_native()
    except NativeBuildError as exc:
        if choice in ("1", "yes", "true"):
            raise SystemExit(f"linkscreen: the C core failed to build: {exc}") from None
        print(
            f"linkscreen: C core not built ({_summary(exc)}); installing the pure-Python "
            "matcher, which gives the same answers more slowly. Install a C compiler and "
            "Python headers, then reinstall, for the C core.",
            file=sys.stderr,
            flush=True,
        )
        _setup_pure()


main()
