"""cffi (API mode) build script for ``linkscreen._native``; wired in setup.py's cffi_modules.

The cdef is read from the header so declarations live in one place.
"""

from __future__ import annotations

import re
from pathlib import Path

from cffi import FFI

_HERE = Path(__file__).resolve().parent
_HEADER = (_HERE / "linkscreen_core.h").read_text()


def _declarations(header: str) -> str:
    """The header without preprocessor lines and comments: what cffi's cdef accepts."""
    header = re.sub(r"/\*.*?\*/", "", header, flags=re.DOTALL)
    return "\n".join(line for line in header.splitlines() if not line.lstrip().startswith("#"))


ffibuilder = FFI()
ffibuilder.cdef(_declarations(_HEADER))
ffibuilder.set_source(
    "linkscreen._native",
    '#include "linkscreen_core.h"',
    sources=["native/linkscreen_core.c"],
    include_dirs=["native"],
    extra_compile_args=["-O2", "-std=c99", "-Wall", "-Wextra"],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
