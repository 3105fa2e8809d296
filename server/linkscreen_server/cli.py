"""The ``linkscreen-server`` command: keys, bundles and published trees for list operators.

linkscreen-server keygen  --out DIR
linkscreen-server compile --list NAME=FILE[:block|warn] ... --key KEY --out BUNDLE
linkscreen-server root    --dir TREE --root-key KEY --signing-pub PUB
linkscreen-server publish --dir TREE --list NAME=FILE[:block|warn] ... --key KEY
linkscreen-server serve   --dir TREE [--config server.toml]
linkscreen-server run     --config server.toml
linkscreen-server review  --db URL [--listen HOST:PORT]   (add-user, verify, export, lists)
(docs/server-cli.md, docs/review.md)

Exit status:
  0    done
  1    done, but some input needs attention (resolve: a URL could not be followed)
  2    bad usage or input: a missing or unreadable file, a bad key, a wrong option or config
  3    refused for safety, nothing changed: an unauthorised key, a root clients would refuse,
       a list that shrank past the guard
  130  interrupted
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from linkscreen import canonicalize
from linkscreen.bundle import format as fmt
from linkscreen.bundle.format import WrapperRule
from linkscreen.errors import LinkscreenError
from linkscreen.files import write_atomically
from linkscreen.psl import PublicSuffixList

from .compiler import (
    DEFAULT_FPR,
    ListMeta,
    ListSpec,
    Resolver,
    compile_bundle,
    load_allowlist,
    load_shorteners,
)
from .config import DEFAULT_HEADER_TIMEOUT_S, DEFAULT_MAX_CONNECTIONS
from .meta import load_meta
from .publish import DEFAULT_MAX_SHRINK, RefusedError
from .resolver import DEFAULT_MAX_AGE_S, ResolveCache, resolve_all
from .signing import generate_keypair, load_private_key
from .sources import ListFormat
from .suffixes import PslFileError, load_psl
from .units import parse_duration
from .wrappers import load_redirect_rules

#: Exit codes (docs/server-cli.md): 0 done; 1 done, but some input needs attention; 2 bad
#: usage or input; 3 refused for safety (nothing changed); 130 interrupted.
EXIT_OK = 0
EXIT_ATTENTION = 1
EXIT_USAGE = 2
EXIT_REFUSED = 3
EXIT_INTERRUPTED = 130


def _duration(text: str) -> int:
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a share between 0 and 1 (like 0.5)")
    return value


def _load_meta(path: Path | None, specs: Sequence[ListSpec]) -> dict[str, ListMeta]:
    """``--meta``: ``[lists.NAME]`` tables, checked against the lists given (docs/deterrence.md)."""
    if path is None:
        return {}
    return load_meta(path, [spec.name for spec in specs])


def _load_wrappers(path: Path | None) -> tuple[WrapperRule, ...]:
    """``--wrappers FILE``: the operator's redirect-wrapper rules for the bundle."""
    return () if path is None else load_redirect_rules(path)


class _ProgressBar:
    """A one-line progress bar on stderr, redrawn at most five times a second."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self.last < 0.2 and done < total):
            return
        self.last = now
        share = done / total if total else 1.0
        bar = "#" * int(share * 30)
        sys.stderr.write(f"\rcompiling [{bar:<30}] {done:,}/{total:,} lines")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


_POLICIES = {"allow": fmt.SHORTENER_POLICY_ALLOW, "warn": fmt.SHORTENER_POLICY_WARN}


def _resolver(args: argparse.Namespace) -> Resolver:
    cache = ResolveCache(args.resolve_cache, args.resolve_max_age)

    def resolve(urls: list[str]) -> dict[str, tuple[list[str], str | None]]:
        results = resolve_all(
            urls,
            cache=cache,
            max_hops=args.max_hops,
            timeout=args.timeout,
            allow_private=args.allow_private,
        )
        return {r.url: (list(r.hops), None if r.ok else r.describe()) for r in results}

    return resolve


def _cmd_resolve(args: argparse.Namespace) -> int:
    """Follow every URL in FILE; one JSON line per URL; exit 1 if any could not be resolved."""
    urls = []
    for line in Path(args.file).read_text(encoding="utf-8").splitlines():
        text = line.strip()
        if text and not text.startswith("#"):
            urls.append(text)
    results = resolve_all(
        urls,
        cache=ResolveCache(args.resolve_cache, args.resolve_max_age),
        max_hops=args.max_hops,
        timeout=args.timeout,
        allow_private=args.allow_private,
    )
    failed = 0
    for result in results:
        record = {
            "url": result.url,
            "hops": list(result.hops),
            "stopped": result.stopped,
            "error": result.error,
            "resolved_at": result.resolved_at,
            "cached": result.from_cache,
        }
        print(json.dumps(record))
        if not result.ok:
            failed += 1
            print(f"{args.file}: {result.url}: {result.describe()}", file=sys.stderr)
    return 1 if failed else 0


def _add_resolve_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--resolve-cache", type=Path, help="JSON cache of resolved chains")
    parser.add_argument(
        "--resolve-max-age",
        type=_duration,
        default=DEFAULT_MAX_AGE_S,
        help="re-resolve cached chains older than this (default 7d)",
    )
    parser.add_argument("--max-hops", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds per request")
    parser.add_argument(
        "--allow-private",
        action="store_true",
        help="follow redirects to private or loopback addresses (testing)",
    )


def _add_format_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        type=ListFormat,
        choices=list(ListFormat),
        help="read every --list file as this (default: CSV for .csv names, text otherwise)",
    )


def _add_state_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--state-dir",
        type=Path,
        help="publisher bookkeeping, outside the served tree (default: DIR.state beside DIR)",
    )


class CommandError(LinkscreenError):
    """The command cannot run as given (exit 2); the message says what to fix."""


def _positive_float_below_one(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a rate between 0 and 1 (like 1e-4)")
    return value


def _salt(text: str) -> bytes:
    try:
        salt = bytes.fromhex(text)
    except ValueError:
        salt = b""
    if len(salt) != fmt.SALT_BYTES:
        raise argparse.ArgumentTypeError(f"{text!r} is not {fmt.SALT_BYTES * 2} hex digits")
    return salt


def _seed(text: str) -> int:
    if not text.isdigit() or int(text) >= 2**32:
        raise argparse.ArgumentTypeError(f"{text!r} is not a seed between 0 and 2^32-1")
    return int(text)


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a TCP port (0-65535)")
    return int(text)


def _non_negative(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
    return int(text)


def _count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


def _list_specs(texts: Sequence[str], format: ListFormat | None) -> list[ListSpec]:
    """``--list`` values, checked: well formed, unique names, readable files."""
    specs = []
    for text in texts:
        try:
            specs.append(ListSpec.parse(text).with_format(format))
        except ValueError as exc:
            raise CommandError(str(exc)) from None
    names = [spec.name for spec in specs]
    for name in sorted({n for n in names if names.count(n) > 1}):
        raise CommandError(f"--list {name}: the name is given twice; each list needs its own")
    for spec in specs:
        if not spec.path.is_file():
            what = "is a directory" if spec.path.is_dir() else "does not exist"
            raise CommandError(f"--list {spec.name}: {spec.path} {what}")
    return specs


def _cmd_root(args: argparse.Namespace) -> int:
    """Write the next root version: root keys and the signing keys they authorise."""
    from linkscreen.keys import load_public_key

    from .publish import Repository

    repo = Repository(args.dir, state_dir=args.state_dir)
    signers = [load_private_key(path) for path in args.root_key]
    new_root = [load_private_key(path) for path in (args.new_root_key or args.root_key)]
    signing = [load_public_key(path) for path in args.signing_pub]
    version = repo.write_root(
        [*signers, *new_root],
        [k.public_key() for k in new_root],
        signing,
        expires_in_s=args.expires,
        threshold=args.threshold,
    )
    print(f"wrote {Path(args.dir) / 'roots' / f'{version}.json'}")
    return 0


def _load_allowlist(path: Path | None, psl: PublicSuffixList | None) -> set[str]:
    """``--allowlist FILE``: the expressions no list may carry."""
    if path is None:
        return set()
    if not path.is_file():
        raise CommandError(f"--allowlist {path} does not exist")
    allowed, rejected = load_allowlist(path, psl)
    for item in rejected:
        print(item, file=sys.stderr)
    return allowed


def _cmd_publish(args: argparse.Namespace) -> int:
    from .publish import PublishSettings, Repository

    if not args.list and not args.review_db:
        raise CommandError("publish needs at least one --list, or --review-db")
    specs = _list_specs(args.list, args.format)
    repo = Repository(args.dir, state_dir=args.state_dir)
    psl = _load_psl(args.psl)
    allowlist = _load_allowlist(args.allowlist, psl)
    review = None
    list_max_shrink: dict[str, float] = {}
    if args.review_db:
        from .review.command import need_review_extra

        need_review_extra()
        from .review.lists import PROVISIONAL_LIST, write_review_lists
        from .review.storage import Database
        from .review.workflow import Review

        review = Review(Database(args.review_db))
        inputs = write_review_lists(review, repo.state_dir / "review")
        taken = {spec.name for spec in specs} & {spec.name for spec in inputs.specs}
        if taken:
            raise CommandError(f"--list {sorted(taken)[0]}: the name is the review service's")
        specs += inputs.specs
        allowlist |= _load_allowlist(inputs.allowlist, psl)
        list_max_shrink[PROVISIONAL_LIST] = 1.0  # provisional entries expire by design
    settings = PublishSettings(
        bundle_lifetime_s=args.expires,
        pointer_lifetime_s=args.pointer_expires,
        max_chain=args.max_chain,
        max_shrink=args.max_shrink,
        list_max_shrink=list_max_shrink,
    )
    result = repo.publish(
        specs,
        load_private_key(args.key),
        settings=settings,
        meta=_load_meta(args.meta, specs),
        force_rebase=args.rebase,
        accept_shrink=args.force,
        psl=psl,
        redirect_rules=_load_wrappers(args.wrappers),
        allowlist=allowlist,
    )
    report = result.report
    for rejected in [*report.rejected, *report.warnings] if report else []:
        print(rejected, file=sys.stderr)
    kind = "full rebase" if result.rebased else "delta chain"
    print(f"published version {result.version} ({kind}): full bundle {result.full_bytes:,} bytes")
    for origin, size in sorted(result.delta_bytes.items()):
        print(f"  delta from version {origin}: {size:,} bytes")
    if review is not None:
        from .review.lists import listed_urls

        listed = review.mark_listed(listed_urls(inputs, report), result.version)
        print(f"  review: {listed} newly confirmed URL(s) listed in version {result.version}")
        review.db.close()
    return 0


SERVER_EXTRA_HINT = "pip install 'linkscreen[server]'"


def _need_server_extra(command: str) -> None:
    """Exit with one line, not a traceback, when the server extra is not installed."""
    try:
        import httptools  # noqa: F401
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        raise CommandError(f"{command} needs the server extra: {SERVER_EXTRA_HINT}") from None


def _cmd_serve(args: argparse.Namespace) -> int:
    _need_server_extra("serve")
    from .app import create_app
    from .config import Config
    from .publish import LEGACY_STATE
    from .service import PublisherWorker, serve

    tree = Path(args.dir)
    if not tree.is_dir():
        raise CommandError(f"--dir {tree} is not a directory (publish a version into it first)")
    if (tree / LEGACY_STATE).exists():
        print(
            f"linkscreen-server: warning: {tree / LEGACY_STATE} holds an older "
            "publisher's bookkeeping inside the served tree; the next publish moves it out",
            file=sys.stderr,
        )
    config = Config.load(args.config) if args.config else None
    worker = PublisherWorker(config) if config is not None else None
    try:
        if worker is not None and config is not None:
            app = create_app(
                tree,
                upload=worker.upload if config.admin_token else None,
                token=config.admin_token,
                list_names=[source.name for source in config.lists],
            )
        else:
            app = create_app(tree)
        serve(
            app,
            host=args.host,
            port=args.port,
            header_timeout_s=args.header_timeout
            or (config.header_timeout_s if config else DEFAULT_HEADER_TIMEOUT_S),
            max_connections=args.max_connections
            or (config.max_connections if config else DEFAULT_MAX_CONNECTIONS),
        )
    finally:
        if worker is not None:
            worker.close()
    return EXIT_OK


def _cmd_run(args: argparse.Namespace) -> int:
    _need_server_extra("run")
    import logging

    from .config import Config
    from .service import run_forever

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    run_forever(Config.load(args.config), accept_shrink=args.force)
    return EXIT_OK


def _cmd_keygen(args: argparse.Namespace) -> int:
    pair = generate_keypair(args.out)
    print(f"key id {pair.key_id}")
    print(f"private key {pair.private_path} (mode 0600: keep it secret)")
    print(f"public key {pair.public_path} (ship it in the app)")
    return 0


#: A domain as an option names it: letters, digits, hyphens and dots (or a non-ASCII name).
_DOMAIN_TEXT = re.compile(r"[^\s/:@?#\\%]+")


def _domain_option(option: str, value: str) -> str:
    """The host name ``value`` of ``option`` as lists are matched (lower case, a non-ASCII
    name in its ``xn--`` form, no final dot), or a :class:`CommandError` saying what is wrong
    with it: an empty, one-label or malformed name would fail deep in the bundle writer."""
    text = value.strip()
    if not _DOMAIN_TEXT.fullmatch(text):
        raise CommandError(f"{option} {value!r}: give a domain name such as bit.ly")
    try:
        host = canonicalize(f"http://{text}/")[len("http://") : -1]
    except LinkscreenError as exc:
        raise CommandError(f"{option} {value!r} is not a domain name: {exc}") from None
    # one label, or an ASCII name the canonicaliser had to repair ("a..b"): not as written
    if "." not in host or (text.isascii() and host != text.lower().rstrip(".")):
        raise CommandError(f"{option} {value!r}: give a domain name such as bit.ly")
    return host


def _cmd_compile(args: argparse.Namespace) -> int:
    specs = _list_specs(args.list, args.format)
    if Path(args.out).is_dir():
        raise CommandError(f"--out {args.out} is a directory; name the bundle file to write")
    key = load_private_key(args.key)
    shorteners = set(load_shorteners(args.shorteners) if args.shorteners else load_shorteners())
    shorteners |= {_domain_option("--add-shortener", domain) for domain in args.add_shortener}
    shorteners -= {_domain_option("--remove-shortener", domain) for domain in args.remove_shortener}
    progress = _ProgressBar(args.progress or (sys.stderr.isatty() and not args.quiet))
    data, report = compile_bundle(
        specs,
        key,
        fpr=args.bloom_fpr,
        created=args.created,
        lifetime_s=args.expires,
        sequence=args.sequence,
        salt=args.salt,
        bloom_seed=args.seed,
        meta=_load_meta(args.meta, specs),
        shorteners=sorted(shorteners),
        shortener_policy=_POLICIES[args.shortened_policy],
        allow_public_suffix=args.force_public_suffix,
        progress=progress,
        resolve=_resolver(args) if args.resolve_shortlinks else None,
        psl=_load_psl(args.psl),
        redirect_rules=_load_wrappers(args.wrappers),
    )
    for rejected in [*report.rejected, *report.warnings, *report.resolved]:
        print(rejected, file=sys.stderr)
    out = Path(args.out)
    write_atomically(out, data)  # readers never see a half-written bundle
    if not args.quiet:
        print(report.summary())
        print(f"wrote {out}")
    return 0


def _load_psl(path: Path | None) -> PublicSuffixList | None:
    """``--psl FILE``, or None for the default (tldextract's pinned snapshot)."""
    if path is None:
        return None
    try:
        return load_psl(path)
    except PslFileError as exc:
        raise CommandError(f"--psl: {exc}") from None


_PSL_HELP = "public_suffix_list.dat to compile with and ship (default: tldextract's snapshot)"
_WRAPPERS_HELP = "redirect-wrapper rules to ship, extending the SDK's (docs/extraction.md)"
_META_HELP = "TOML with per-list category and deterrence texts (docs/deterrence.md)"


def version_text() -> str:
    """``linkscreen-server X.Y.Z (linkscreen X.Y.Z (C core))``."""
    from linkscreen import __version__
    from linkscreen.cli import version_text as sdk_version

    return f"linkscreen-server {__version__} ({sdk_version()})"


class _VersionAction(argparse.Action):
    """``--version``: the server's and the SDK's version, and which matcher core runs."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        kwargs.setdefault("help", "print the version, then exit")
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_args: Any, **_kwargs: Any) -> None:
        print(version_text())
        parser.exit(EXIT_OK)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="linkscreen-server",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_VersionAction)
    commands = parser.add_subparsers(dest="command", required=True)

    keygen = commands.add_parser("keygen", help="create an Ed25519 signing key pair")
    keygen.add_argument("--out", required=True, help="directory for signing.key and signing.pub")
    keygen.set_defaults(func=_cmd_keygen)

    comp = commands.add_parser("compile", help="compile URL lists into a signed bundle")
    comp.add_argument("--list", action="append", required=True, metavar="NAME=FILE[:block|warn]")
    comp.add_argument("--key", required=True, help="signing key file or key directory")
    comp.add_argument("--out", required=True, help="bundle file to write")
    _add_format_option(comp)
    comp.add_argument(
        "--bloom-fpr", type=_positive_float_below_one, default=DEFAULT_FPR, help="default 1e-4"
    )
    comp.add_argument("--expires", type=_duration, default=72 * 3600, help="lifetime, e.g. 72h")
    comp.add_argument("--meta", type=Path, help=_META_HELP)
    comp.add_argument("--shorteners", type=Path, help="shortener domains file (default: bundled)")
    comp.add_argument("--psl", type=Path, metavar="FILE", help=_PSL_HELP)
    comp.add_argument("--wrappers", type=Path, metavar="FILE", help=_WRAPPERS_HELP)
    comp.add_argument(
        "--force-public-suffix",
        action="store_true",
        help="compile entries that block a whole public suffix",
    )
    comp.add_argument("--add-shortener", action="append", default=[], metavar="DOMAIN")
    comp.add_argument("--remove-shortener", action="append", default=[], metavar="DOMAIN")
    comp.add_argument(
        "--shortened-policy",
        choices=sorted(_POLICIES),
        default="allow",
        help="verdict for a short link with an unknown target",
    )
    comp.add_argument(
        "--resolve-shortlinks",
        action="store_true",
        help="follow short-link entries and add every hop to their list",
    )
    _add_resolve_options(comp)
    comp.add_argument("--created", type=_count, help="Unix time to record (default: now)")
    comp.add_argument("--sequence", type=int, help="sequence number (default: created)")
    comp.add_argument("--salt", type=_salt, help="32 hex digits (default: random)")
    comp.add_argument("--seed", type=_seed, help="Bloom seed, 0..2^32-1 (default: random)")
    comp.add_argument("--progress", action="store_true", help="progress bar even when piped")
    comp.add_argument("--quiet", action="store_true", help="print rejected lines only")
    comp.set_defaults(func=_cmd_compile)

    root = commands.add_parser("root", help="write the next root metadata version")
    root.add_argument("--dir", required=True, help="repository directory")
    _add_state_dir_option(root)
    root.add_argument("--root-key", action="append", required=True, help="current root key")
    root.add_argument("--new-root-key", action="append", help="rotate to this root key")
    root.add_argument(
        "--signing-pub",
        action="append",
        required=True,
        help="public signing key to authorise (repeat to authorise several)",
    )
    root.add_argument("--expires", type=_duration, default=365 * 86400)
    root.add_argument(
        "--threshold", type=_count, default=1, help="root keys needed to sign the next root"
    )
    root.set_defaults(func=_cmd_root)

    publish = commands.add_parser("publish", help="compile and publish the next version")
    publish.add_argument("--dir", required=True, help="repository directory")
    _add_state_dir_option(publish)
    _add_format_option(publish)
    publish.add_argument("--list", action="append", default=[], metavar="NAME=FILE[:block|warn]")
    publish.add_argument(
        "--review-db",
        metavar="URL",
        help="add the review service's confirmed (block) and provisional (warn) lists and honour "
        "its allowlist (docs/review.md)",
    )
    publish.add_argument(
        "--allowlist", type=Path, metavar="FILE", help="URLs no list may carry (one a line)"
    )
    publish.add_argument("--key", required=True, help="signing key (authorised by the root)")
    publish.add_argument("--expires", type=_duration, default=72 * 3600)
    publish.add_argument("--pointer-expires", type=_duration, default=24 * 3600)
    publish.add_argument(
        "--max-chain", type=_non_negative, default=14, help="deltas before a rebase"
    )
    publish.add_argument("--rebase", action="store_true", help="start a new chain now")
    publish.add_argument("--meta", type=Path, help=_META_HELP)
    publish.add_argument(
        "--max-shrink",
        type=_share,
        default=DEFAULT_MAX_SHRINK,
        metavar="SHARE",
        help="largest share of a list's entries one version may remove (default 0.5)",
    )
    publish.add_argument(
        "--force",
        action="store_true",
        help="publish even if a list shrank by more than --max-shrink, to nothing, or is left out",
    )
    publish.add_argument("--psl", type=Path, metavar="FILE", help=_PSL_HELP)
    publish.add_argument("--wrappers", type=Path, metavar="FILE", help=_WRAPPERS_HELP)
    publish.set_defaults(func=_cmd_publish)

    serve = commands.add_parser("serve", help="serve a repository over HTTP")
    serve.add_argument("--dir", required=True)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_port, default=8080)
    serve.add_argument("--config", type=Path, help="server.toml: enables the admin API")
    serve.add_argument(
        "--header-timeout",
        type=_duration,
        help="seconds a client has to send a request head (default 10s)",
    )
    serve.add_argument(
        "--max-connections",
        type=_count,
        help="open connections before the longest-idle one is closed (default 4096)",
    )
    serve.set_defaults(func=_cmd_serve)

    run = commands.add_parser("run", help="poll sources, publish and serve (long-running)")
    run.add_argument("--config", type=Path, required=True)
    run.add_argument(
        "--force",
        action="store_true",
        help="let the first publish through the shrink guard (after checking the sources)",
    )
    run.set_defaults(func=_cmd_run)

    resolve = commands.add_parser("resolve", help="follow the short links in FILE")
    resolve.add_argument("file")
    _add_resolve_options(resolve)
    resolve.set_defaults(func=_cmd_resolve)

    from .review.command import add_parser as add_review_parser

    add_review_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; a user's mistake is one line on stderr and an exit status, never a
    traceback (see the exit statuses in this module's docstring)."""
    args = build_parser().parse_args(argv)  # usage errors: argparse prints them, exit 2
    try:
        result: int = args.func(args)
    except RefusedError as exc:
        print(f"linkscreen-server: refused: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except LinkscreenError as exc:
        print(f"linkscreen-server: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # the file system or the network, named by the OS
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"linkscreen-server: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("linkscreen-server: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    return result


if __name__ == "__main__":
    sys.exit(main())
