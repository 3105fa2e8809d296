"""The ``linkscreen`` command: look at what the SDK does to a URL, from a shell.

Each subcommand prints one JSON object per input so its output can be piped and diffed.
Run it as ``linkscreen`` or ``python -m linkscreen``.

Exit status:

- 0: every input was processed; the verdicts, blocks included, are in the output;
- 1: some inputs were refused (a URL that cannot be read; a ``scan`` line longer than
  ``MAX_SCAN_LINE_CHARS``; a --jsonl line that is not UTF-8,
  not JSON, nested too deeply, or not an object with a string "text"); each has an error
  record in the output (a --jsonl one: its "line" number, its "id" when one can be read)
  and the rest were processed;
- 2: the command could not run as asked: bad arguments, a bundle that is refused, a key that
  cannot be read, a file that cannot be opened; one line on stderr says what and where,
  never a traceback;
- 130: interrupted (Ctrl-C); 141: the reader of stdout went away (as with | head).
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import os
import re
import sys
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

from .bundle import Bundle
from .bundle import format as fmt
from .canonical import canonical_variants, canonicalize
from .conversation import Conversation, Conversations
from .errors import BundleError, InvalidURLError, LinkscreenError
from .expressions import canonical_expressions
from .extract import MAX_TEXT_CHARS
from .matcher import Matcher

#: A lone surrogate, which UTF-8 cannot encode.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _cmd_canonicalize(args: argparse.Namespace) -> int:
    status = 0
    for url in args.urls:
        try:
            canonical = canonicalize(url)
            variants = canonical_variants(url)
        except InvalidURLError as exc:
            print(json.dumps({"url": url, "error": exc.reason}))  # ASCII: any surrogate
            status = 1
            continue
        record = {
            "url": url,
            "canonical": canonical,
            "variants": variants,
            "expressions": canonical_expressions(canonical),
        }
        print(_json_line(record))
    return status


def _open(args: argparse.Namespace) -> Bundle:
    return Bundle.open(args.bundle, public_keys=args.public_key)


def _cmd_check(args: argparse.Namespace) -> int:
    bundle = _open(args)
    matcher = Matcher(bundle)
    for url in args.urls:
        verdict = matcher.check_url(url)
        record = verdict.to_dict()
        record["stale"] = bundle.stale
        if args.locale:
            message = verdict.message(args.locale)
            record["message"] = None if message is None else dataclasses.asdict(message)
        print(_json_line(record))
    return 0


#: Conversations ``scan --jsonl`` keeps context for at once; the least recently used goes.
MAX_CLI_CONVERSATIONS = 10_000

#: The longest input line ``scan`` reads, in characters: room for a message of
#: ``MAX_TEXT_CHARS`` written wholly as JSON ``\uXXXX`` escapes, with its fields. A longer
#: line gets an error record and is skipped in bounded memory, never held whole.
MAX_SCAN_LINE_CHARS = 8 * MAX_TEXT_CHARS

#: How much of an over-long line is read at a time while it is skipped.
_SKIP_CHUNK = 1 << 20


def _scan_record(
    matcher: Matcher, text: str, context: Conversation | None = None
) -> dict[str, object]:
    return matcher.scan_text(text, context=context).to_dict()


def _cmd_scan(args: argparse.Namespace) -> int:
    """One JSON object per input line; a bad input line gets an error record, never dropped."""
    matcher = Matcher(_open(args))
    status = 0
    conversations = Conversations(MAX_CLI_CONVERSATIONS)
    stdin = sys.stdin
    if isinstance(stdin, io.TextIOWrapper) and (stdin.errors, stdin.encoding) != _UTF8_RAW:
        # a line that is not UTF-8 is that line's problem, not the stream's: its bytes come
        # as U+DC80..U+DCFF (raw bytes to the SDK) and the lines after it are still read
        stdin.reconfigure(encoding="utf-8", errors="surrogateescape")
    for number, line, too_long in _lines(stdin, MAX_SCAN_LINE_CHARS):
        if too_long:
            reason = f"line {number}: longer than {MAX_SCAN_LINE_CHARS} characters; not read"
            record: dict[str, Any] = {"line": number, "error": reason}
            if args.jsonl:
                record = {"id": _line_id(line, None), **record}
            print(json.dumps(record))
            status = 1
            continue
        if not args.jsonl:
            print(_json_line({"line": number, **_scan_record(matcher, line)}))
            continue
        if not line.strip():
            continue
        message: Any = None
        try:
            if _RAW_BYTE.search(line) is not None:
                raise ValueError("the line is not UTF-8 text")
            message = json.loads(line)
            text = message["text"]
            if not isinstance(text, str):
                raise TypeError("'text' is not a string")
            name = message.get("conversation")
            if name is not None and not isinstance(name, (str, int)):
                raise TypeError("'conversation' is not a string or number")
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
            if isinstance(exc, RecursionError):
                exc = ValueError("nested too deeply")
            reason = (
                f"line {number}: not a JSON object with a string 'text' and an optional "
                f"string 'conversation' ({exc})"
            )
            print(json.dumps({"id": _line_id(line, message), "line": number, "error": reason}))
            status = 1
            continue
        context = None
        if name is not None:
            key = str(name)
            context = conversations.get(key)  # a dropped one comes back marked forgotten
        record = {"id": message.get("id"), **_scan_record(matcher, text, context)}
        print(_json_line(record))
    return status


def _lines(stream: TextIO, limit: int) -> Iterator[tuple[int, str, bool]]:
    """Numbered lines without their line break, each read in at most ``limit + 1``
    characters: a longer one comes as its first ``limit`` characters flagged too long, and
    the rest of it is read past in chunks (memory stays bounded whatever the input)."""
    number = 0
    while line := stream.readline(limit + 1):
        number += 1
        if line.endswith("\n"):
            yield number, line[:-1], False
        elif len(line) <= limit:
            yield number, line, False  # the last line, with no line break
        else:
            while (rest := stream.readline(_SKIP_CHUNK)) and not rest.endswith("\n"):
                pass
            yield number, line[:limit], True


#: How ``scan`` reads standard input: UTF-8, a byte that is not as a raw byte.
_UTF8_RAW = ("surrogateescape", "utf-8")
#: An input byte that is not UTF-8, as ``surrogateescape`` reads it.
_RAW_BYTE = re.compile("[\udc80-\udcff]")
_OPENING_ID = re.compile(r'\s*\{\s*"id"\s*:\s*')


def _line_id(line: str, message: Any) -> Any:
    """The ``id`` of a refused ``--jsonl`` line when one can be read: from the object it
    parsed to, else from a line that opens with it (``{"id": 7, "text": ...`` cut short),
    else None."""
    if isinstance(message, dict):
        return message.get("id")
    opening = _OPENING_ID.match(line)
    if opening is None:
        return None
    try:
        value, end = _ID_DECODER.raw_decode(line, opening.end())
    except (ValueError, RecursionError):
        return None
    after = line[end:].lstrip()
    return value if after[:1] in (",", "}") else None


_ID_DECODER = json.JSONDecoder()


def _json_line(record: dict[str, Any]) -> str:
    """One JSON line, UTF-8 where it can be; a lone surrogate (broken UTF-16 in the input)
    is written as its ``\\uXXXX`` escape instead of failing the stream."""
    line = json.dumps(record, ensure_ascii=False)
    return line if _SURROGATE.search(line) is None else json.dumps(record)


def _cmd_inspect(args: argparse.Namespace) -> int:
    if args.public_key:
        with Bundle.open(args.bundle, public_keys=args.public_key) as bundle:
            record = describe(bundle.payload, bundle.key_id, bundle.size_bytes, verified=True)
        print(json.dumps({"path": args.bundle, **record}, indent=2, ensure_ascii=False))
        return 0
    # Diagnostics only: without a key the bundle is parsed and shown, marked unverified. The
    # SDK itself never reads a payload byte before the signature checks out.
    with open(args.bundle, "rb") as handle:
        data = handle.read(fmt.MAX_BUNDLE_BYTES + 1)
    if len(data) < fmt.OVERHEAD:
        raise BundleError(f"truncated: {len(data)} bytes")
    names = [spec.name for spec in fmt.ENVELOPE_FIELDS]
    envelope = dict(zip(names, fmt.ENVELOPE.unpack_from(data), strict=True))
    if envelope["magic"] != fmt.MAGIC or envelope["payload_length"] != len(data) - fmt.OVERHEAD:
        raise BundleError("not a linkscreen bundle, or its payload length is wrong")
    payload = fmt.parse_payload(memoryview(data)[fmt.ENVELOPE.size : -fmt.SIGNATURE_BYTES])
    record = describe(payload, envelope["key_id"], len(data), verified=False)
    print(json.dumps({"path": args.bundle, **record}, indent=2, ensure_ascii=False))
    return 0


def describe(payload: fmt.Payload, key_id: bytes, size: int, *, verified: bool) -> dict[str, Any]:
    """What ``inspect`` prints: every header field and section, by the format's own tables."""
    from .psl import PublicSuffixList

    header = payload.header
    names: dict[int, str] = {spec.id: spec.name for spec in fmt.SECTIONS}
    fields: dict[str, Any] = {}
    for spec in fmt.HEADER_FIELDS:
        if not spec.reserved:
            value = getattr(header, spec.name)
            fields[spec.name] = value.hex() if isinstance(value, bytes) else value
    if payload.psl is not None:
        psl = PublicSuffixList(payload.psl, header.psl_version)
        runs = {
            name: len(run) for name, run in zip(fmt.PSL_RUN_NAMES, payload.psl.runs(), strict=True)
        }
        psl_record = {"version": psl.version, "embedded": True, "sha256": psl.sha256,
                      "rules": psl.rule_count, **runs}  # fmt: skip
    else:
        psl_record = {"version": header.psl_version, "embedded": False}
    policy = "warn" if payload.shortener_policy == fmt.SHORTENER_POLICY_WARN else "allow"
    return {
        "verified": verified,
        "key_id": key_id.hex(),
        "size_bytes": size,
        "format_version": header.format_version,
        "entries": header.fingerprint_count,
        "bits_per_entry": round(size * 8 / max(header.fingerprint_count, 1), 2),
        "header": fields,
        "sections": [
            {
                "id": section_id,
                "name": names.get(section_id, "unknown"),
                "offset": offset,
                "length": length,
            }
            for section_id, (offset, length) in payload.sections.items()
        ],
        "psl": psl_record,
        "lists": [
            {
                "id": info.id,
                "action": str(info.action),
                "category": info.category,
                "default_locale": info.default_locale,
                "deterrence": [
                    {"locale": locale, "text": text, "help_link": link}
                    for locale, text, link in info.deterrence
                ],
            }
            for info in payload.lists
        ],
        "shortener_domains": len(payload.shortener_domains),
        "shortener_policy": policy,
        "redirect_wrappers": [fmt.redirect_rule_line(rule) for rule in payload.redirect_rules],
    }


#: Exit statuses; the module docstring says when each is used.
EXIT_OK = 0
EXIT_SOME_INPUTS_REFUSED = 1
EXIT_CANNOT_RUN = 2
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141


def version_text() -> str:
    """``linkscreen X.Y.Z (C core: ...)``: what an app developer quotes in a bug report."""
    from . import __version__
    from ._probe import NATIVE_AVAILABLE, native_enabled

    if native_enabled():
        core = "C core"
    elif NATIVE_AVAILABLE:
        core = "pure Python, C core disabled by LINKSCREEN_PURE"
    else:
        core = "pure Python, C core not built"
    return f"linkscreen {__version__} ({core})"


class _VersionAction(argparse.Action):
    """``--version``, computed only when asked (it loads the matcher to say which one runs)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        kwargs.setdefault("help", "print the version and which matcher runs, then exit")
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_args: Any, **_kwargs: Any) -> None:
        print(version_text())
        parser.exit(EXIT_OK)


def build_parser() -> argparse.ArgumentParser:
    summary, _, statuses = (__doc__ or "").partition("Exit status")
    parser = argparse.ArgumentParser(
        prog="linkscreen",
        description=summary.strip(),
        epilog="exit status" + statuses.rstrip(),  # the docstring's list, as written
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_VersionAction)
    commands = parser.add_subparsers(dest="command", required=True)
    canon = commands.add_parser(
        "canonicalize", help="print canonical URL, readings and lookup expressions per URL"
    )
    canon.add_argument("urls", nargs="+", metavar="URL")
    canon.set_defaults(func=_cmd_canonicalize)

    check = commands.add_parser("check", help="check URLs against a bundle (one JSON per URL)")
    check.add_argument("--bundle", required=True)
    check.add_argument("--public-key", action="append", required=True, metavar="KEY")
    check.add_argument(
        "--locale",
        action="append",
        metavar="TAG",
        help="add the deterrence message an app would show for this BCP 47 locale (repeat for "
        "a preference list)",
    )
    check.add_argument("urls", nargs="+", metavar="URL")
    check.set_defaults(func=_cmd_check)

    scan = commands.add_parser("scan", help="find and check every link in text from stdin")
    scan.add_argument("--bundle", required=True)
    scan.add_argument("--public-key", action="append", required=True, metavar="KEY")
    scan.add_argument(
        "--jsonl",
        action="store_true",
        help='input lines are {"id": ..., "text": ..., "conversation": ...} objects; '
        "messages of one conversation share context (recent hosts and paths)",
    )
    scan.set_defaults(func=_cmd_scan)

    inspect = commands.add_parser("inspect", help="show a bundle's header and lists")
    inspect.add_argument("bundle")
    inspect.add_argument("--public-key", action="append", metavar="KEY", help="verify first")
    inspect.set_defaults(func=_cmd_inspect)
    return parser


def _fail(message: str) -> int:
    if sys.stderr is not None:
        print(f"linkscreen: {message}", file=sys.stderr)
    return EXIT_CANNOT_RUN


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; a user's mistake is one line on stderr and status 2."""
    args = build_parser().parse_args(argv)
    if sys.stdout is None:  # started with stdout closed (>&-): nowhere to write results
        return _fail("standard output is closed")
    if args.command == "scan" and sys.stdin is None:
        return _fail("standard input is closed")
    try:
        result: int = args.func(args)
        sys.stdout.flush()
    except LinkscreenError as exc:
        return _fail(f"{type(exc).__name__}: {exc}")
    except UnicodeDecodeError as exc:
        return _fail(f"input is not UTF-8 text: {exc.reason}")
    except BrokenPipeError:
        # The reader left (``linkscreen scan ... | head``): stop quietly, and keep Python from
        # complaining again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        return _fail(f"{where}{exc.strerror or exc}")
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return EXIT_INTERRUPTED
    return result


if __name__ == "__main__":
    sys.exit(main())
