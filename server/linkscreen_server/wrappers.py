"""The operator's redirect-wrapper rules: a text file that travels in every bundle (section 8).

``--wrappers FILE`` (``compile``, ``publish``) or ``redirect_wrappers`` in server.toml names a
file of lines ``HOST PATH PARAMETERS [DECODING]`` with ``#`` comments, the syntax of the SDK's
own ``data/redirect_wrappers.txt`` (docs/extraction.md, "Redirect wrappers"). The rules extend
the SDK's list on every device that gets the bundle, with no app release. Mistakes are
``file:line: reason``, all at once, and nothing is compiled.
"""

from __future__ import annotations

from pathlib import Path

from linkscreen.bundle import format as fmt
from linkscreen.bundle.format import WrapperRule

from .tomlfile import ConfigError

__all__ = ["MAX_WRAPPER_FILE_BYTES", "load_redirect_rules", "parse_redirect_rules"]

#: 4,096 rules of a few dozen bytes each fit easily.
MAX_WRAPPER_FILE_BYTES = 1 << 20


def parse_redirect_rules(text: str, source: str) -> tuple[WrapperRule, ...]:
    """Rules from a file's text; raises ConfigError listing every ``source:line: reason``."""
    rules: list[WrapperRule] = []
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            rules.append(fmt.parse_redirect_rule(line))
        except ValueError as exc:
            problems.append(f"{source}:{number}: {exc}")
    if not problems:
        try:
            fmt.encode_redirect_rules(rules)  # the section's own bounds (count, line length)
        except ValueError as exc:
            problems.append(f"{source}: {exc}")
    if problems:
        raise ConfigError(problems)
    return tuple(rules)


def load_redirect_rules(path: Path) -> tuple[WrapperRule, ...]:
    """:func:`parse_redirect_rules` on a file; an unreadable file is a ConfigError too."""
    try:
        if path.stat().st_size > MAX_WRAPPER_FILE_BYTES:
            raise ConfigError([f"{path}: larger than {MAX_WRAPPER_FILE_BYTES} bytes"])
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read: {exc.strerror or exc}"]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError([f"{path}: not UTF-8 text (byte {exc.start})"]) from None
    return parse_redirect_rules(text, str(path))
