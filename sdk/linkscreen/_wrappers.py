"""Unwrap redirect links locally: ``google.com/url?q=TARGET``, ``l.facebook.com/l.php?u=``...

The target of a redirect wrapper is a candidate of its own (technique ``wrapper``), found
without any network request. Two mechanisms:

- **generic**: any query value or path segment that is itself a web URL (``http://``,
  ``https%3A%2F%2F``, ``//host``, ``www.``) is a target, whatever the wrapper's host;
  A bare query that is a URL (``/r?https://...``), a fragment or a fragment's value that
  is a URL with a scheme (``/#https://...``, ``#url=https...``), and a value that is the
  base64 of an ``http(s)://`` URL (``u=aHR0cHM6Ly9...``) are targets too; a scheme-relative
  target (``//host/x``) takes the wrapper's scheme;
- **rules** (``data/redirect_wrappers.txt``, extended by the bundle's redirect-wrapper
  section): a host, a path and the parameters that carry the target, for wrappers whose
  target has no scheme or is encoded (Proofpoint, Bing's base64), or the parameter ``/``
  for a target in the path after the rule's prefix (Google AMP ``/amp/s/host/x``).

Rules are plain text lines, the same in the data file and in the bundle (docs/extraction.md,
"Redirect wrappers").
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
import string
import unicodedata
from dataclasses import dataclass
from importlib import resources

from ._percent import PCT_RUN, decode_run

__all__ = [
    "DECODINGS",
    "MAX_PERCENT_ROUNDS",
    "MAX_RULES",
    "MAX_TARGETS",
    "MAX_WRAP_DEPTH",
    "PATH_TARGET",
    "WrapperRule",
    "default_rules",
    "parse_rules",
    "targets",
]

#: Targets taken from one link (a hostile link may carry hundreds of parameters).
MAX_TARGETS = 32
#: Wrappers inside wrappers unwrapped (a safe-links URL around a Google redirect...).
MAX_WRAP_DEPTH = 3
#: Rules read from one source (the SDK list or a bundle's section).
MAX_RULES = 4096
#: Rounds of %-decoding undone in one target value (``%253A`` is two); a base64 layer is
#: one per nesting level (a target is unwrapped again, up to ``MAX_WRAP_DEPTH``).
MAX_PERCENT_ROUNDS = 3
#: The parameter name of a rule whose target is the rest of the path after its prefix.
PATH_TARGET = "/"
#: How a rule's target is encoded (docs/extraction.md, "Redirect wrappers").
DECODINGS = frozenset({"percent", "proofpoint-v2", "proofpoint-v3", "base64url"})
_EMBEDDED = re.compile(r"(?:https?|ftp)(?::|%3a)(?://|%2f%2f)|//|www\.", re.IGNORECASE)
#: A path segment that is a URL, or ends in one after a short ``NAME=`` (Yahoo's ``/RU=``).
_PATH_URL = re.compile(r"/(?:([A-Za-z]{1,8})=)?((?:https?|ftp)(?::|%3a)/*)", re.IGNORECASE)
#: A value that is a URL with a scheme (what a fragment must hold to be a target).
_SCHEMED = re.compile(r"(?:https?|ftp)(?::|%3a)(?://|%2f%2f)", re.IGNORECASE)
#: The base64 of a text starting "http" in any letter case (``aHR0``, ``SFRU``...), or "//"
#: (a scheme-relative target): how a value that may be the base64 of a URL starts.
_BASE64_WEB = re.compile(r"[aS][HF]R[0U]|Ly9")
#: What ``scan_may_wrap`` looks for first (case-sensitive, as base64 is): "R0", "RU", "Ly9".
_BASE64_MARKS = ("R0", "RU", "Ly9")
#: A scheme-relative target's start: "//" and a host character.
_SCHEME_RELATIVE = re.compile(r"//[A-Za-z0-9\[]")
#: Proofpoint v3: a ``*`` or a ``**X`` run in the target, each replaced in order by the next
#: characters of the base64url text after ``__;`` (``X`` a run length, ``A`` = 2 ... ``_`` = 65).
_V3_TOKEN = re.compile(r"\*(?:\*(.))?")
_V3_RUNS = {
    c: n
    for n, c in enumerate(string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_", 2)
}
#: The characters of a defang that a target may carry escaped (``jqxvw%5B.%5Dexample``).
_DEFANG_MARKS = ("[", "(", "{")
#: Characters of a value or query looked at to decide whether it is a URL.
_HEAD = 48


@dataclass(frozen=True, slots=True)
class WrapperRule:
    """One redirect wrapper: where it lives and which parameters carry the target."""

    host: str
    path: str
    parameters: tuple[str, ...]
    decoding: str = "percent"

    def host_matches(self, host: str) -> bool:
        pattern = self.host
        if pattern.endswith(".*"):
            base = pattern[:-2]
            head = host.rpartition(".")[0]
            # "google.*" also covers second-level registries ("google.co.uk")
            return _host_matches(base, head) or _host_matches(base, head.rpartition(".")[0])
        return _host_matches(pattern, host)

    def path_matches(self, path: str) -> bool:
        if self.path.endswith("*"):
            return path.startswith(self.path[:-1])
        return path == self.path or path == self.path + "/"


def _host_matches(pattern: str, host: str) -> bool:
    if pattern.startswith("*."):
        return host.endswith(pattern[1:]) and len(host) > len(pattern) - 1
    return host == pattern


def parse_rules(text: str, source: str = "rules") -> tuple[WrapperRule, ...]:
    """Rules from their text form; a malformed line raises ValueError naming it."""
    rules: list[WrapperRule] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        fields = line.split()
        if len(fields) not in (3, 4) or not fields[1].startswith("/"):
            raise ValueError(f"{source} line {number}: expected HOST /PATH PARAMS [DECODING]")
        decoding = fields[3] if len(fields) == 4 else "percent"
        if decoding not in DECODINGS:
            raise ValueError(f"{source} line {number}: unknown decoding {decoding!r}")
        parameters = tuple(p for p in fields[2].split(",") if p)
        rules.append(WrapperRule(fields[0].lower(), fields[1], parameters, decoding))
        if len(rules) > MAX_RULES:
            raise ValueError(f"{source}: more than {MAX_RULES} rules")
    return tuple(rules)


@functools.cache
def default_rules() -> tuple[WrapperRule, ...]:
    """The SDK's own list (``data/redirect_wrappers.txt``)."""
    text = (resources.files("linkscreen") / "data" / "redirect_wrappers.txt").read_text("utf-8")
    return parse_rules(text, "redirect_wrappers.txt")


def _decoded_run(match: re.Match[str]) -> str:
    return decode_run(match.group())


def _unquote(text: str, rounds: int = MAX_PERCENT_ROUNDS) -> str:
    """``text`` with up to ``rounds`` rounds of %-escapes undone, each run of escapes read as
    UTF-8 (``%E3%80%82`` is the ideographic full stop a browser reads as a dot), or byte by
    byte where it spells none (``_percent.decode_run``, as the extractor's readings do)."""
    for _ in range(rounds):
        if "%" not in text:
            break
        decoded = PCT_RUN.sub(_decoded_run, text)
        if decoded == text:
            break
        text = decoded
    return text


def _decode(value: str, decoding: str) -> str:
    if decoding == "proofpoint-v2":
        value = re.sub(r"-([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), value)
        return value.replace("_", "/")
    if decoding == "base64url":
        payload = value[2:] if value[:2] in ("a1", "a0") else value
        return _base64(_unquote(payload) if "%" in payload else payload)
    return _unquote(value.replace("+", " ") if " " not in value else value)


def _base64(payload: str) -> str:
    """The text of a base64 payload (url-safe or standard alphabet, padded or not); "" when
    it is not base64."""
    payload = payload.rstrip("=")
    try:
        raw = base64.b64decode(
            payload.replace("-", "+").replace("_", "/") + "=" * (-len(payload) % 4), validate=True
        )
    except (binascii.Error, ValueError):
        return ""
    return raw.decode("utf-8", "replace")


def _web_base64(value: str) -> str:
    """The URL a value holds as the base64 of ``http(s)://...`` in any letter case
    (``%3A%2F%2F`` too) or of a scheme-relative ``//host/...`` (generic: any wrapper), or ""."""
    if not _BASE64_WEB.match(value):
        return ""
    decoded = _base64(value)
    decoded = _unquote(decoded) if "%" in decoded else decoded
    return decoded if _SCHEMED.match(decoded) or _SCHEME_RELATIVE.match(decoded) else ""


def _proofpoint_v3(inner: str, failed: list[str] | None = None) -> str:
    """A Proofpoint v3 target (``TARGET__;SUFFIX!!...``, the path after ``/v3/__``) with its
    replaced characters restored: each ``*`` in the target is the next character of the
    base64url-decoded ``SUFFIX``, each ``**X`` the next run of them (``X`` its length, ``A``
    being 2). A suffix that does not decode, or holds too few characters, leaves the target
    as written and a note in ``failed`` (the check is then incomplete)."""
    target, sep, tail = inner.partition("__;")
    if not sep or "*" not in target:
        return target
    suffix = tail.split("!", 1)[0]
    replaced = _base64(suffix) if suffix else ""
    at = 0
    short = False

    def restore(match: re.Match[str]) -> str:
        nonlocal at, short
        run = match.group(1)
        count = 1 if run is None else _V3_RUNS.get(run, 0)
        piece = replaced[at : at + count]
        at += count
        if len(piece) < count or not count:
            short = True
        return piece

    restored = _V3_TOKEN.sub(restore, target)
    if short:
        if failed is not None:
            failed.append("a proofpoint-v3 redirect target's replaced characters are not decodable")
        return target
    return restored


def _refanged(target: str) -> str:
    """``target`` with its defangs undone (``jqxvw[.]example``: an escaped ``%5B.%5D`` in a
    wrapper's value), or ``target`` when it holds none."""
    from ._refang import refang  # the extractor's reader; check_url loads it only here
    from ._views import View

    return refang(View(target, None)).text


def _path_target(rest: str) -> str:
    """A rule's path target: ``s/host/x`` is ``https://host/x``, ``host/x`` is
    ``http://host/x`` (Google AMP's convention); one that has a scheme is kept."""
    rest = _unquote(rest) if "%" in rest else rest
    if _EMBEDDED.match(rest):
        return rest
    if rest[:2].lower() == "s/":
        return "https://" + rest[2:]
    return "http://" + rest


def _split(url: str) -> tuple[str, str, str]:
    """``(host, path, query)`` of a link-ish string (no canonicalisation)."""
    return _parts(url)[:3]


def _parts(url: str) -> tuple[str, str, str, str]:
    """``(host, path, query, fragment)`` of a link-ish string (no canonicalisation)."""
    rest = url.split("://", 1)[1] if "://" in url[:12] else url.lstrip("/")
    rest, _, fragment = rest.partition("#")
    authority, slash, tail = rest.partition("/")
    # a host written with its root's dot ("www.google.com./url") is the same host
    host = authority.rpartition("@")[2].partition(":")[0].lower().rstrip(".")
    path, _, query = ("/" + tail if slash else "/").partition("?")
    return host, path, query, fragment


def targets(url: str, rules: tuple[WrapperRule, ...], cut: list[str] | None = None) -> list[str]:
    """Links a redirect link carries (most direct first), at most ``MAX_TARGETS``; when a
    bound (targets or nesting) leaves some unread, a note goes to ``cut``."""
    found: list[str] = []
    frontier = [url]
    for depth in range(MAX_WRAP_DEPTH):
        next_frontier = []
        for link in frontier:
            for target in _targets_once(link, rules, cut):
                if target.startswith("//"):  # scheme-relative: the wrapper page's scheme
                    scheme = link[: link.find("://")].lower() if "://" in link[:8] else ""
                    target = (scheme if scheme in ("http", "https") else "http") + ":" + target
                if target not in found and target != url:
                    if len(found) >= MAX_TARGETS:
                        if cut is not None:
                            cut.append(f"only the first {MAX_TARGETS} redirect targets were read")
                        return found
                    found.append(target)
                    next_frontier.append(target)
        if not next_frontier:
            break
        deeper = depth == MAX_WRAP_DEPTH - 1
        if (
            deeper
            and cut is not None
            and any(t not in found for n in next_frontier for t in _targets_once(n, rules))
        ):
            cut.append(f"redirect targets nested past {MAX_WRAP_DEPTH} levels were not read")
        frontier = next_frontier
    return found


def _host_regex(pattern: str) -> str:
    """A regular expression for the hosts ``WrapperRule.host_matches`` accepts."""

    def plain(part: str) -> str:
        return r".+\." + re.escape(part[2:]) if part.startswith("*.") else re.escape(part)

    if pattern.endswith(".*"):
        return rf"(?:{plain(pattern[:-2])})\.[^.]+(?:\.[^.]+)?"
    return plain(pattern)


_ANY_HOST: dict[int, tuple[tuple[WrapperRule, ...], re.Pattern[str]]] = {}


def _any_host(rules: tuple[WrapperRule, ...]) -> re.Pattern[str]:
    """One pattern matching every host some rule is for (cached per rules tuple)."""
    held = _ANY_HOST.get(id(rules))
    if held is not None and held[0] is rules:
        return held[1]
    if len(_ANY_HOST) > 8:
        _ANY_HOST.clear()
    pattern = re.compile("|".join(f"(?:{_host_regex(rule.host)})" for rule in rules))
    _ANY_HOST[id(rules)] = (rules, pattern)
    return pattern


_FOR_HOST: dict[tuple[int, str], tuple[tuple[WrapperRule, ...], tuple[WrapperRule, ...]]] = {}


def _rules_for(rules: tuple[WrapperRule, ...], host: str) -> tuple[WrapperRule, ...]:
    """The rules for ``host`` (remembered per rules tuple and host, a bounded few): one regex
    for a host no rule is for, and a loop over every rule's host once per wrapper host, not
    once per link (a Mimecast link paid ~56 host tests, 30 µs, per ``targets``; attack 16)."""
    if not rules:
        return ()
    held = _FOR_HOST.get((id(rules), host))
    if held is not None and held[0] is rules:
        return held[1]
    if _any_host(rules).fullmatch(host) is None:
        found: tuple[WrapperRule, ...] = ()  # no rule is for this host
    else:
        found = tuple(rule for rule in rules if rule.host_matches(host))
    if len(host) <= 253:  # a name's length: a hostile authority is not held
        if len(_FOR_HOST) >= 256:
            _FOR_HOST.clear()
        _FOR_HOST[(id(rules), host)] = (rules, found)
    return found


def scan_may_wrap(url: str, rules: tuple[WrapperRule, ...]) -> bool:
    """Whether a reading ``url`` may hold a redirect target (the extractor's cheap gate before
    :func:`targets`; it passes every shape :func:`targets` reads, AMP paths included).

    A query or fragment holds a target the generic readings find only with a scheme, ``//``,
    ``www.``, the base64 of ``http`` or an escape in it; any other target is a rule's, and
    every rule is for a host: so an ordinary query (``login.php?id=4&s=x``) costs a host
    test, not the ~10 µs of :func:`targets` (speed round 9)."""
    lowered = url.lower()
    scheme = url.find("://", 0, 12)  # as _parts reads the scheme
    after = scheme + 3 if scheme >= 0 else 0
    if (
        lowered.find("http", after) >= 0
        or lowered.find("www.", after + 1) >= 0
        or lowered.find("ftp", after) >= 0
        or lowered.find("urldefense") >= 0  # Proofpoint v3: a path target without a scheme
    ):
        return True
    if "?" in url or "#" in url:
        if url.find("//", after) >= 0:
            return True
        if "R0" in url or "RU" in url or "Ly9" in url:  # _BASE64_MARKS: base64 of http, //
            return True
        if "%" in url and _escaped_target(url):
            return True
        return bool(rules) and _any_host(rules).fullmatch(_parts(url)[0]) is not None
    marks = _path_marks(rules)  # (one search for every mark, from index 8 on)
    return marks is not None and marks.search(lowered, 8) is not None


#: An escape of a character of what the gate looks for (``h t p f w . / : R 0 U L y 9`` and
#: ``%`` itself): without one, decoding a URL's escapes makes none of its marks.
_MARK_ESCAPE = re.compile(r"%(?:2[5EeFf]|3[09Aa]|4[68Cc]|5[02457]|6[68]|7[0479])")


def _escaped_target(url: str) -> bool:
    """Whether escapes may hide what the generic readings look for (``%2F%2F``, ``%3A``,
    ``%77ww.``, an escaped base64 mark): an escape of one of the marks' characters (attack
    16: a query's ``%20`` no longer costs a :func:`targets` call in ``check_url``)."""
    return _MARK_ESCAPE.search(url) is not None


_MARKS: dict[int, tuple[tuple[WrapperRule, ...], re.Pattern[str] | None]] = {}


def _path_marks(rules: tuple[WrapperRule, ...]) -> re.Pattern[str] | None:
    """The path prefixes of the path-target rules as one pattern, None when there are none
    (cached per rules tuple). A rule's path starts with ``/`` (``parse_rules``): no prefix
    is empty. One ``search`` costs less than a ``find`` per prefix (speed round 10)."""
    held = _MARKS.get(id(rules))
    if held is not None and held[0] is rules:
        return held[1]
    if len(_MARKS) > 8:
        _MARKS.clear()
    prefixes = dict.fromkeys(
        rule.path.rstrip("*").lower() for rule in rules if rule.parameters == (PATH_TARGET,)
    )
    marks = re.compile("|".join(map(re.escape, prefixes))) if prefixes else None
    _MARKS[id(rules)] = (rules, marks)
    return marks


def _values(
    pairs: list[tuple[str, str, str]], out: list[str], embedded: re.Pattern[str] = _EMBEDDED
) -> None:
    """Generic targets among query (or fragment) values: a URL, or the base64 of one."""
    for _, _, value in pairs:
        if not value:
            continue
        decoded = _unquote(value)
        if embedded.match(decoded):
            out.append(decoded)
        elif _BASE64_WEB.match(decoded):
            target = _web_base64(decoded)
            if target:
                out.append(target)


def _targets_once(
    url: str, rules: tuple[WrapperRule, ...], failed: list[str] | None = None
) -> list[str]:
    if "?" not in url and "#" not in url and "/" not in url.split("://", 1)[-1]:
        return []
    host, path, query, fragment = _parts(url)
    out: list[str] = []
    if (host == "urldefense.com" or host.endswith(".urldefense.com")) and path.startswith("/v3/__"):
        inner = path[len("/v3/__") :] + ("?" + query if query else "")
        out.append(_proofpoint_v3(inner + ("#" + fragment if fragment else ""), failed))
    embedded = _PATH_URL.search(path)
    if embedded:  # web.archive.org/web/2020/https://..., proxies
        rest = path[embedded.start(2) :]
        if embedded.group(1) and embedded.group(2)[-3:].lower() == "%3a":
            out.append(_unquote(rest.split("/", 1)[0]))  # "/RU=https%3a%2f%2f.../RK=2": one segment
        else:
            out.append(_unquote(rest + ("?" + query if query else "")))
    if query and _EMBEDDED.match(_unquote(query[:_HEAD])):  # "/r?https://...": the query is it
        out.append(_unquote(query))
    pairs = [part.partition("=") for part in query.split("&") if part] if query else []
    _values(pairs, out)
    if fragment:  # "/#https://...", "#url=https...": only a value with a scheme
        if _SCHEMED.match(_unquote(fragment[:_HEAD])):
            out.append(_unquote(fragment))
        elif "=" in fragment:
            _values([p.partition("=") for p in fragment.split("&") if p], out, _SCHEMED)
    for rule in _rules_for(rules, host):
        if not rule.path_matches(path):
            continue
        if rule.parameters == ("*",):
            out.append(_decode(query, rule.decoding))
            continue
        if rule.parameters == (PATH_TARGET,):
            rest = path[len(rule.path.rstrip("*")) :] + ("?" + query if query else "")
            if "." in rest.split("/", 2)[rest[:2].lower() == "s/"]:
                out.append(_path_target(rest))
            continue
        for name, _, value in pairs:
            if name in rule.parameters and value:
                decoded = _decode(value, rule.decoding)
                if not decoded and failed is not None:  # a payload it cannot read: say so
                    failed.append(f"a {rule.decoding} redirect target on {host} is not decodable")
                if "@" in decoded.partition("/")[0] and "://" not in decoded[:12]:
                    # a rule's target is a link: "user@jqxvw.example/" is its user-info and
                    # host, not a mail address (attack 16, H06)
                    decoded = "http://" + decoded.lstrip("/")
                out.append(decoded)
    for target in list(out):
        if any(mark in target for mark in _DEFANG_MARKS):
            out.append(_refanged(target))  # "q=jqxvw%5B.%5Dexample/" (attack 16, H07)
    return [t.strip() for t in dict.fromkeys(out) if t and ("." in t or _dot_alike(t))]


def _dot_alike(target: str) -> bool:
    """Whether a target without a dot holds a character a browser reads as one (``。``,
    ``．``, ``｡``, ``․``: ``jqxvw%E3%80%82example`` decoded; attack 16, C)."""
    if target.isascii():
        return False
    folded = unicodedata.normalize("NFKC", target)
    return "." in folded or "\u3002" in folded
