"""The ``linkscreen`` command: look at what the SDK does to a URL, from a shell.

Each subcommand prints one JSON object per input so its output can be piped and diffed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from . import _format as fmt
from .bundle import Bundle, _parse
from .canonical import canonical_variants, canonicalize
from .errors import BundleError, InvalidKeyError, InvalidURLError
from .expressions import canonical_expressions
from .matcher import Matcher


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


def _open(args: argparse.Namespace) -> Bundle:
    return Bundle.open(args.bundle, public_keys=args.public_key)


def _cmd_check(args: argparse.Namespace) -> int:
    bundle = _open(args)
    matcher = Matcher(bundle)
    for url in args.urls:
        record = matcher.check_url(url).to_dict()
        record["stale"] = bundle.stale
        print(json.dumps(record, ensure_ascii=False))
    return 0


def _scan_record(matcher: Matcher, text: str) -> dict[str, object]:
    return matcher.scan_text(text).to_dict()


def _cmd_scan(args: argparse.Namespace) -> int:
    """One JSON object per input line; a bad input line gets an error record, never dropped."""
    matcher = Matcher(_open(args))
    status = 0
    for number, line in enumerate(sys.stdin, 1):
        line = line.rstrip("\n")
        if not args.jsonl:
            print(json.dumps({"line": number, **_scan_record(matcher, line)}, ensure_ascii=False))
            continue
        if not line.strip():
            continue
        try:
            message = json.loads(line)
            text = message["text"]
            if not isinstance(text, str):
                raise TypeError("'text' is not a string")
        except (ValueError, KeyError, TypeError) as exc:
            reason = f"line {number}: not a JSON object with a string 'text' ({exc})"
            print(json.dumps({"id": None, "line": number, "error": reason}))
            status = 1
            continue
        record = {"id": message.get("id"), **_scan_record(matcher, text)}
        print(json.dumps(record, ensure_ascii=False))
    return status


def _cmd_inspect(args: argparse.Namespace) -> int:
    if args.public_key:
        info = Bundle.open(args.bundle, public_keys=args.public_key).info().to_dict()
        info["verified"] = True
        print(json.dumps(info, indent=2, ensure_ascii=False))
        return 0
    # Diagnostics only: without a key the header is shown, marked unverified. The SDK itself
    # never reads a payload byte before the signature checks out.
    with open(args.bundle, "rb") as handle:
        data = handle.read(fmt.MAX_BUNDLE_BYTES + 1)
    if len(data) < fmt.OVERHEAD:
        raise BundleError(f"truncated: {len(data)} bytes")
    envelope = fmt.ENVELOPE.unpack_from(data)
    parts = _parse(memoryview(data)[fmt.ENVELOPE.size : len(data) - fmt.SIGNATURE_BYTES], data)
    header = parts.header
    record = {
        "path": args.bundle,
        "verified": False,
        "key_id": envelope[4].hex(),
        "size_bytes": len(data),
        "format_version": header.format_version,
        "canonicalization_version": header.canonicalization_version,
        "psl_version": header.psl_version,
        "created": header.created,
        "expires": header.expires,
        "sequence": header.sequence,
        "entries": header.fingerprint_count,
        "bloom_bits": header.bloom_bits,
        "bloom_k": header.bloom_k,
        "lists": [
            {"id": i.id, "action": str(i.action), "category": i.category} for i in parts.lists
        ],
        "shortener_domains": len(parts.shortener_domains),
    }
    print(json.dumps(record, indent=2, ensure_ascii=False))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="linkscreen", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    canon = commands.add_parser(
        "canonicalize", help="print canonical URL, readings and lookup expressions per URL"
    )
    canon.add_argument("urls", nargs="+", metavar="URL")
    canon.set_defaults(func=_cmd_canonicalize)

    check = commands.add_parser("check", help="check URLs against a bundle (one JSON per URL)")
    check.add_argument("--bundle", required=True)
    check.add_argument("--public-key", action="append", required=True, metavar="KEY")
    check.add_argument("urls", nargs="+", metavar="URL")
    check.set_defaults(func=_cmd_check)

    scan = commands.add_parser("scan", help="find and check every link in text from stdin")
    scan.add_argument("--bundle", required=True)
    scan.add_argument("--public-key", action="append", required=True, metavar="KEY")
    scan.add_argument(
        "--jsonl", action="store_true", help='input lines are {"id": ..., "text": ...} objects'
    )
    scan.set_defaults(func=_cmd_scan)

    inspect = commands.add_parser("inspect", help="show a bundle's header and lists")
    inspect.add_argument("bundle")
    inspect.add_argument("--public-key", action="append", metavar="KEY", help="verify first")
    inspect.set_defaults(func=_cmd_inspect)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        result: int = args.func(args)
    except (BundleError, InvalidKeyError) as exc:
        print(f"linkscreen: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"linkscreen: {exc}", file=sys.stderr)
        return 2
    return result


if __name__ == "__main__":
    sys.exit(main())
