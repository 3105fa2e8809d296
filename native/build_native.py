"""cffi (API mode) build script for ``linkscreen._native``; wired in setup.py's cffi_modules.

The cdef is read from the one public header, ``native/linkscreen.h``, so declarations live in
one place; only ``linkscreen._probe`` (the checked binding) imports the result.
"""

from __future__ import annotations

import re
from pathlib import Path

from cffi import FFI

_HERE = Path(__file__).resolve().parent
_HEADER = (_HERE / "linkscreen.h").read_text()
#: The C sources of the core, relative to the project root (where setup.py runs).
SOURCES = [
    f"native/{name}"
    for name in (
        "ls_api.c",
        "ls_bundle.c",
        "ls_compile.c",
        "ls_delta.c",
        "ls_hash.c",
        "ls_psl.c",
        "ls_unicode.c",
        "ls_url.c",
    )
]


def _declarations(header: str) -> str:
    """The header as cffi's cdef accepts it: no comments or preprocessor lines, and the two
    array-size macros replaced by their values."""
    macros = dict(re.findall(r"^#define\s+(LS_\w+)\s+(\d+)\s*$", header, flags=re.MULTILINE))
    header = re.sub(r"/\*.*?\*/", "", header, flags=re.DOTALL)
    lines = [line for line in header.splitlines() if not line.lstrip().startswith("#")]
    text = "\n".join(lines)
    for name, value in macros.items():
        text = re.sub(rf"\b{name}\b", value, text)
    return text


ffibuilder = FFI()
ffibuilder.cdef(_declarations(_HEADER))
ffibuilder.set_source(
    "linkscreen._native",
    '#include "linkscreen.h"',
    sources=SOURCES,
    include_dirs=["native"],
    extra_compile_args=["-O2", "-std=c99", "-Wall", "-Wextra"],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
