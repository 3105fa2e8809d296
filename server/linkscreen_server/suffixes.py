"""The Public Suffix List a server compiles with, and which then travels in every bundle.

By default it is the snapshot the pinned tldextract release bundles (read from the installed
package's data file: no network, no cache directory); ``--psl FILE`` names another copy of
``public_suffix_list.dat``. Clients compute host expressions from exactly the list in the
bundle, so changing it here changes what every client computes, on the next bundle.
"""

from __future__ import annotations

import functools
import os
import re
from importlib import resources
from pathlib import Path

from linkscreen.errors import LinkscreenError
from linkscreen.psl import PublicSuffixList

__all__ = ["PslFileError", "default_psl", "load_psl"]

#: The PSL snapshot inside the pinned tldextract distribution (pyproject's [server] extra).
_TLDEXTRACT_SNAPSHOT = ".tld_set_snapshot"
#: A PSL file is about 300 KB; refuse anything wildly larger before reading it.
MAX_PSL_FILE_BYTES = 16 << 20


class PslFileError(LinkscreenError):
    """A ``--psl`` file (or server.toml's ``psl``) cannot be read as a Public Suffix List: it
    is missing, not a file, unreadable, not UTF-8, too large, or malformed (the message names
    the line). The CLI prints it as one line and exits with status 2."""


@functools.cache
def default_psl() -> PublicSuffixList:
    """tldextract's pinned snapshot (the server's default list), parsed once."""
    text = (resources.files("tldextract") / _TLDEXTRACT_SNAPSHOT).read_text("utf-8")
    return PublicSuffixList.parse(text)


def load_psl(path: str | os.PathLike[str]) -> PublicSuffixList:
    """A ``public_suffix_list.dat`` file; raises PslFileError saying what is wrong."""
    file = Path(path)
    if not file.exists():
        raise PslFileError(f"{file}: no such file")
    if not file.is_file():
        raise PslFileError(f"{file}: not a file")
    try:
        if file.stat().st_size > MAX_PSL_FILE_BYTES:
            raise PslFileError(f"{file}: larger than {MAX_PSL_FILE_BYTES} bytes")
        text = file.read_bytes().decode("utf-8")
    except OSError as exc:
        raise PslFileError(f"{file}: cannot be read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise PslFileError(f"{file}: not UTF-8 text (byte {exc.start})") from None
    try:
        return PublicSuffixList.parse(text)
    except ValueError as exc:  # "line N: reason" becomes "FILE:N: reason"
        where = re.match(r"line (\d+): (.*)", str(exc), re.DOTALL)
        message = f"{file}:{where[1]}: {where[2]}" if where else f"{file}: {exc}"
        raise PslFileError(message) from None
