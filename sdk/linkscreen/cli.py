"""The ``linkscreen`` command: look at what the SDK does to a URL, from a shell.

Each subcommand prints one JSON object per input so its output can be piped and diffed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from .canonical import canonical_variants, canonicalize
from .errors import InvalidURLError
from .expressions import canonical_expressions


def _cmd_canonicalize(args: argparse.Namespace) -> int:
    status = 0
    for url in args.urls:
        try:
            canonical = canonicalize(url)
            variants = canonical_variants(url)
        except InvalidURLError as exc:
            print(json.dumps({"url": url, "error": exc.reason}))
            status = 1
            continue
        record = {
            "url": url,
            "canonical": canonical,
            "variants": variants,
            "expressions": canonical_expressions(canonical),
        }
        print(json.dumps(record, ensure_ascii=False))
    return status


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="linkscreen", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    canon = commands.add_parser(
        "canonicalize", help="print canonical URL, readings and lookup expressions per URL"
    )
    canon.add_argument("urls", nargs="+", metavar="URL")
    canon.set_defaults(func=_cmd_canonicalize)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
