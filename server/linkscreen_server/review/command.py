"""``linkscreen-server review``: serve reports and review pages, manage users, verify the audit
log, export, and write the review lists (docs/review.md).

Only argparse at import: the review extra (argon2-cffi, jinja2, psycopg) is imported when a
command runs, and its absence is one line, not a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import ReviewError

REVIEW_EXTRA_HINT = "pip install 'linkscreen[review]'"
DEFAULT_LISTEN = "127.0.0.1:8090"
MIN_FLAGGER_TOKEN_CHARS = 32


def need_review_extra() -> None:
    try:
        import argon2  # noqa: F401
        import jinja2  # noqa: F401
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        raise ReviewError(f"review needs the review extra: {REVIEW_EXTRA_HINT}") from None


def _listen(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or int(port) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not HOST:PORT (like {DEFAULT_LISTEN})")
    return host.strip("[]"), int(port)


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number")
    return value


def _count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


def _duration(text: str) -> int:
    from ..units import parse_duration

    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _db_option(parser: argparse.ArgumentParser, *, sub: bool) -> None:
    parser.add_argument(
        "--db",
        required=not sub,
        default=argparse.SUPPRESS if sub else None,
        metavar="URL",
        help="sqlite:///PATH (default kind) or postgresql://USER@HOST:PORT/DB",
    )


def add_parser(commands: Any) -> None:
    """Add ``review`` and its subcommands to the ``linkscreen-server`` parser."""
    review = commands.add_parser(
        "review",
        help="serve the report endpoint and the review pages; manage the review database",
        description="Without a subcommand: serve POST /v1/reports and the review pages.",
    )
    review.add_argument("--db", metavar="URL", help="sqlite:///PATH or postgresql://...")
    review.add_argument(
        "--listen", type=_listen, default=_listen(DEFAULT_LISTEN), metavar="HOST:PORT"
    )
    review.add_argument(
        "--flagger",
        action="append",
        default=[],
        metavar="NAME=TOKENFILE",
        help="a trusted flagger and the file holding its bearer token (>= 32 characters)",
    )
    review.add_argument(
        "--provisional-after",
        type=_count,
        default=3,
        metavar="N",
        help="reports from distinct installs that make a URL provisional (default 3)",
    )
    review.add_argument(
        "--provisional-ttl",
        type=_duration,
        default=72 * 3600,
        metavar="DURATION",
        help="how long a provisional entry lasts unless confirmed (default 72h)",
    )
    review.add_argument(
        "--report-rate", type=_positive, default=120.0, help="reports a minute per address"
    )
    review.add_argument(
        "--install-rate", type=_positive, default=30.0, help="reports a minute per install"
    )
    review.add_argument(
        "--secure-cookies",
        action="store_true",
        help="mark cookies Secure (set it whenever the pages are reached over HTTPS)",
    )
    review.set_defaults(func=_cmd_serve)
    subs = review.add_subparsers(dest="review_command")

    add = subs.add_parser(
        "add-user", help="create an account (password from stdin or a file)", allow_abbrev=False
    )
    _db_option(add, sub=True)
    add.add_argument("--name", required=True)
    add.add_argument("--role", required=True, choices=["analyst", "lead", "admin"])
    add.add_argument(
        "--password-file",
        type=Path,
        help="read the password from this file's first line (default: standard input)",
    )
    add.set_defaults(func=_cmd_add_user)

    disable = subs.add_parser("disable-user", help="disable an account and end its sessions")
    _db_option(disable, sub=True)
    disable.add_argument("--name", required=True)
    disable.set_defaults(func=_cmd_disable_user)

    verify = subs.add_parser("verify", help="check the audit log's hash chain")
    _db_option(verify, sub=True)
    verify.set_defaults(func=_cmd_verify)

    export = subs.add_parser("export", help="confirmed entries as CyberTipline-shaped JSON or CSV")
    _db_option(export, sub=True)
    export.add_argument("--format", choices=["json", "csv"], default="json")
    export.add_argument("--out", type=Path, help="file to write (default: standard output)")
    export.set_defaults(func=_cmd_export)

    purge = subs.add_parser(
        "purge", help="delete notes and attached text of decided reports older than DURATION"
    )
    _db_option(purge, sub=True)
    purge.add_argument("--older-than", type=_duration, required=True, metavar="DURATION")
    purge.set_defaults(func=_cmd_purge)

    lists = subs.add_parser("lists", help="write the confirmed, provisional and allow lists")
    _db_option(lists, sub=True)
    lists.add_argument("--out", type=Path, required=True, help="directory for the three files")
    lists.set_defaults(func=_cmd_lists)


@contextlib.contextmanager
def _opened(args: argparse.Namespace) -> Iterator[Any]:
    """The review database named by ``--db``, closed when the command is done (or fails)."""
    need_review_extra()
    from .storage import Database

    if not getattr(args, "db", None):
        raise ReviewError("--db URL is required (sqlite:///PATH or postgresql://...)")
    db = Database(args.db)
    try:
        yield db
    finally:
        db.close()


def _read_password(args: argparse.Namespace) -> str:
    if args.password_file is not None:
        text = args.password_file.read_text(encoding="utf-8")
    else:
        if sys.stdin is None:
            raise ReviewError("no password: give --password-file or pipe it on standard input")
        text = sys.stdin.readline()
    password = text.splitlines()[0] if text.splitlines() else ""
    if not password:
        raise ReviewError("no password given (standard input or --password-file was empty)")
    return password


def _cmd_add_user(args: argparse.Namespace) -> int:
    from .accounts import add_user

    password = _read_password(args)
    with _opened(args) as db:
        user = add_user(db, args.name, args.role, password)
    print(f"added {user.name} ({user.role})")
    return 0


def _cmd_disable_user(args: argparse.Namespace) -> int:
    from .accounts import disable_user

    with _opened(args) as db:
        disable_user(db, args.name)
    print(f"disabled {args.name}")
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from .audit import verify

    with _opened(args) as db:
        result = verify(db)
    print(f"audit log verified: {result.entries:,} entries, head {result.head}")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from linkscreen.files import write_atomically

    from . import audit, export
    from .workflow import Review

    with _opened(args) as db:
        review = Review(db)
        text = export.to_json(review) if args.format == "json" else export.to_csv(review)
        with db.transaction() as tx:
            audit.append(tx, "cli", "export", f"export:{args.format}")
    if args.out is None:
        sys.stdout.write(text)
    else:
        write_atomically(args.out, text.encode())
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


def _cmd_purge(args: argparse.Namespace) -> int:
    import time

    from .workflow import Review

    with _opened(args) as db:
        count = Review(db).purge(int(time.time()) - args.older_than)
    print(f"purged the notes and attachments of {count} decided report(s)")
    return 0


def _cmd_lists(args: argparse.Namespace) -> int:
    from .lists import write_review_lists
    from .workflow import Review

    with _opened(args) as db:
        inputs = write_review_lists(Review(db), args.out)
    lists = inputs.lists
    print(
        f"wrote {args.out}: {len(lists.confirmed)} confirmed, {len(lists.provisional)} "
        f"provisional, {len(lists.allowlist)} allowlisted"
    )
    return 0


def _flaggers(texts: list[str]) -> dict[str, str]:
    from .accounts import check_name

    flaggers: dict[str, str] = {}
    for text in texts:
        name, sep, path = text.partition("=")
        if not sep or not name or not path:
            raise ReviewError(f"--flagger {text!r}: expected NAME=TOKENFILE")
        try:
            check_name(name)
        except ReviewError as exc:
            raise ReviewError(f"--flagger {name!r}: {exc}") from None
        token = Path(path).read_text(encoding="utf-8").strip()
        if len(token) < MIN_FLAGGER_TOKEN_CHARS:
            raise ReviewError(
                f"--flagger {name}: the token in {path} is shorter than "
                f"{MIN_FLAGGER_TOKEN_CHARS} characters"
            )
        if name in flaggers or token in flaggers.values():
            raise ReviewError(f"--flagger {name}: each flagger needs its own name and token")
        flaggers[name] = token
    return flaggers


def _cmd_serve(args: argparse.Namespace) -> int:
    from ..config import DEFAULT_HEADER_TIMEOUT_S, DEFAULT_MAX_CONNECTIONS

    with _opened(args) as db:
        from ..service import serve
        from .web import WebSettings, create_review_app
        from .workflow import Policy, Review

        settings = WebSettings(
            flaggers=_flaggers(args.flagger),
            report_rate=args.report_rate,
            install_rate=args.install_rate,
            secure_cookies=args.secure_cookies,
        )
        review = Review(db, Policy(args.provisional_after, args.provisional_ttl))
        host, port = args.listen
        print(f"review service on http://{host}:{port}/ (reports: POST /v1/reports)", flush=True)
        serve(
            create_review_app(review, settings),
            host=host,
            port=port,
            header_timeout_s=DEFAULT_HEADER_TIMEOUT_S,
            max_connections=DEFAULT_MAX_CONNECTIONS,
        )
    return 0
