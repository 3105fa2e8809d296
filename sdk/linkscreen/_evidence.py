"""When a reading may block: the evidence rule (docs/adr/0012-evidence-weighted-verdicts.md).

A list match confirms a reading's *lookup expression*; it does not prove the person wrote a
link. Ordinary prose produces host-shaped readings by chance ("log in/out" reads as
``log.in/out``), and a whole-host entry (``log.in/``) then matches. So:

- A reading with a **prose-shaped** technique (space as dot, `` slash ``, a line join, a
  punctuation mark or emoji read as a dot, a sentence gap closed, a context path) or that
  reads as **code** (``com.acme.group.chat``, ``cfg.key =``, ``Foo.bar(``) and that matches
  **only whole-host entries** needs corroboration to block:
  a path-prefix or exact match, a scheme or ``www.`` in the reading, a link-specific
  technique (refang, a broken scheme, a dot word, a confusable separator, a space before a
  dot, percent-encoding, an unwrapped redirect, a reversed bidi run, a numeric IP), or a
  reading of the same message without prose or code that matched the same entry.
- Without it, the reading answers ``warn`` (signal ``held-back``), or ``allow`` (signals
  ``prose``/``code`` and a note, the match still reported) when the reading is made only of
  words (letters only, at most 17 labels and one path segment) or reads as code: exactly
  what chance produces. What reads as code: ``code_shaped`` (docs/extraction.md).
- A **skeleton** reading (look-alike letters folded) never blocks: at most ``warn``.

Styling (full-width or mathematical letters, combining marks, invisible characters, capitals,
spaced letters) is no evidence either way: fancy-text tools apply it to whole messages.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable

from ._words import base_letters, is_one_word, is_word
from .results import Action, Match, MatchKind, Signal, Technique

__all__ = [
    "FILE_TLDS",
    "LINK_TECHNIQUES",
    "PROSE_TECHNIQUES",
    "RECEIVERS",
    "Line",
    "chat_mark_after",
    "code_shaped",
    "code_signal",
    "ellipsis_reading",
    "extension_mention",
    "forget_path_stop",
    "glued_mark",
    "identifier_shaped",
    "line_reads_as_code",
    "port_host",
    "separator_mark",
    "spaced_ellipsis",
    "spaced_guess",
    "spaced_sentence",
    "weigh",
    "word_pair_mark",
    "word_slash_pair",
]

PROSE_TECHNIQUES = frozenset(
    {
        Technique.SPACE_AS_DOT,
        Technique.SLASH_WORD,
        Technique.LINE_BREAK,
        Technique.DOT_VARIANT,
        Technique.PROSE_SPACING,
        Technique.SPOKEN_DOT,
        Technique.CONTEXT_HOST,
    }
)
LINK_TECHNIQUES = frozenset(
    {
        Technique.REFANG,
        Technique.SCHEME_REPAIR,
        Technique.DOT_WORD,
        Technique.CONFUSABLE,
        Technique.SPACING,
        Technique.PERCENT_ENCODED,
        Technique.WRAPPER,
        Technique.APP_SCHEME,
        Technique.BIDI,
        Technique.NUMERIC_IP,
    }
)
#: First labels of reversed-domain identifiers (Java/Android packages, bundle ids).
_REVERSED_ROOTS = frozenset(
    {
        "com",
        "org",
        "net",
        "edu",
        "gov",
        "mil",
        "int",
        "io",
        "biz",
        "info",
        "android",
        "androidx",
        "java",
        "javax",
        "kotlin",
        "kotlinx",
        "scala",
        "sun",
        "jdk",
        "dev",
    }
)
_CODE_BEFORE = re.compile(
    r"(?:\bimport|\bpackage|\bextends|\bimplements|\bstatic|\bthrows|\bclass|\bdef"
    r"|\bvar|\bconst|\bval|\breturn|\byield|\bdel|\bputs|\bthrow|\btypeof|@|->|::"
    r"|require\(\s*['\"]|import\(\s*['\"]"
    r"|:=)\s*$"  # Go's and Python's ":=" (tenth round, alarms 2)
)
#: A condition opened by a control keyword and its bracket (``if (``, ``while (!``), and what
#: code writes after the condition closes: a block, a statement end, a statement keyword, a
#: call or an assignment, an operator (``if (session.log.in) return;``); prose goes on in
#: words (``if (app.jqxvw.example) is down``). Tenth round, alarms 2 (C1).
_CONDITION_BEFORE = re.compile(r"\b(?:if|elif|elsif|while|until|unless|switch|for|when)[ \t]*\($")
_CONDITION_AFTER = re.compile(
    r"\)*[ \t]*(?:[{;]|$|\n|(?:return|throw|break|continue|goto|echo|die)\b"
    r"|[A-Za-z_$][\w$.]*[ \t]*[(=]|&&|\|\||[=!<>]=|\?)"
)
#: A query glued to a name, to the end of its token: ``?ref=chat``, ``?x=1&y=2`` (no code
#: glues ``?key=value`` to a member chain; optional chaining is ``?.``, a ternary spaced).
_GLUED_QUERY = re.compile(
    r"\?[A-Za-z0-9_.~%-]+=[^\s?:()]*(?:&[A-Za-z0-9_.~%-]+=[^\s?:()]*)*(?=\s|$)"
)
_CODE_AFTER = re.compile(
    r"(?:[(\[{=]|\s*=\s|:(?=[^\s/])|\.[A-Za-z_$]|\s+import\b|\s*[-+*/]=|\s*\?[:.]|!!|\+\+|--"
    r"|[ \t]*\n\s*\.[A-Za-z_$]"
    # a comparison or a logical operator with its operand: "x.y > 5", "x.y ?? 0", "x.y && z"
    r"|[ \t]+(?:[<>]=?|\?\?|&&|\|\|)[ \t]+[\w\"'(!-])"
)
#: Chat marks glued after a name (ADR 0012, eighth session): an emoticon (``:)`` ``:D``
#: ``:(`` ``:-)`` ``:P`` ``;)`` ``xD`` ``<3``; since attack 17 ``:o`` ``:v`` ``:]`` ``:'(``
#: ``=)`` and ``!`` after one) or a run of ``!`` and ``?`` (``!!!1``) that ends its token
#: (white space, the end, non-ASCII text such as an emoji follows), and a full stop glued to
#: the next sentence (``.Check it``: a capitalised word, then a word in lower case). No code
#: writes them so (``x.y!!.z``, ``a!= b``, ``x.y:(a)``, ``a.b.Type name =`` go on as code): a
#: name before one is judged as if the mark were not there. ``_CHAT_FIRST`` gates the test.
_CHAT_AFTER = re.compile(
    r"(?:[!?][!?1]*|(?:[:;]'?-?(?:[()DPpO3|\]\[ov]|\*)+|=-?[()\]]+|[xX][DP]+|<3+)[!?]*)"
    r"(?=\s|$|[^\x00-\x7f])"
    r"|\.(?=[A-Z][a-z]{1,11}[ \t]+[a-z]+(?:[ \t]+[a-z]|[ \t]*[,.!?]|[ \t]*$))"
)
_CHAT_FIRST = frozenset("!?:;=xX<.")


def chat_mark_after(after: str) -> int:
    """The length of a chat mark that opens ``after`` (``_CHAT_AFTER``), 0 when none."""
    if after[:1] not in _CHAT_FIRST:
        return 0
    match = _CHAT_AFTER.match(after)
    return 0 if match is None else match.end()


#: A character that continues an identifier: a reading glued to one is a piece of it.
_IDENTIFIER = re.compile(r"[A-Za-z0-9_$]")
#: Characters of context ``code_shaped`` is given on each side.
CONTEXT_CHARS = 12
_WORD = re.compile(r"[A-Za-z]{1,12}")
#: A path segment prose makes: a word, and whatever non-ASCII text is glued after it (an
#: emoji, CJK text: "log in/out🙂" is the same words as "log in/out").
#: Two words glued by a mark count as one ("log~in/sign~up": the pair's own mark), and a
#: sentence's full stop may end it ("log～in/out."; tenth round, alarms 2).
_PATH_WORD = re.compile(
    r"[A-Za-z]{1,12}(?:-[A-Za-z]{1,12}){0,2}(?:\(s\)|['’]s)?"
    r"(?:[~#\uff5e\uff03\u2219\uff0e][A-Za-z]{1,12})?\.?[^\x00-\x7f]*"
)


#: Top-level domains that are also source-file extensions: ``setup.py``, ``README.md``,
#: ``lib.rs``, ``build.sh``, ``Main.java``, ``backup.zip``: a bare name ending in one is a
#: file name far more often than a host.
FILE_TLDS = frozenset(
    {"py", "md", "rs", "sh", "java", "zip", "mov", "properties", "map", "so", "pub", "pro"}
)
#: First labels of language and platform package names: ``java.net``, ``android.os`` name a
#: package even with two labels (``com.`` and ``org.`` need three: ``acme.com`` is a host).
_PACKAGE_ROOTS = frozenset(
    {"java", "javax", "jdk", "kotlin", "kotlinx", "android", "androidx", "scala", "sun"}
)
#: A file name as build files, shells and logs write it: identifier or kebab-case labels
#: (``docker-entrypoint.sh``, ``axios.min.js.map``), the last a source-file extension.
_FILE_NAME = re.compile(r"[A-Za-z0-9_$][A-Za-z0-9_$-]{0,63}(?:\.[A-Za-z0-9_$-]{1,64}){0,6}")
#: First labels of member chains: receivers and modules that code and logs put before a dot
#: (``self.user.email``, ``logger.info``, ``res.data``, ``os.path``).
RECEIVERS = frozenset(
    [
        "self",
        "this",
        "cls",
        "super",
        "os",
        "sys",
        "window",
        "document",
        "console",
        "process",
        "req",
        "res",
        "request",
        "response",
        "ctx",
        "props",
        "state",
        "args",
        "kwargs",
        "opts",
        "options",
        "config",
        "cfg",
        "conf",
        "settings",
        "env",
        "params",
        "obj",
        "evt",
        "err",
        "logger",
        "logging",
        "module",
        "exports",
        "np",
        "pd",
        "df",
        "std",
        "fmt",
        "json",
        "math",
        "el",
        "elem",
        "msg",
        "arr",
        "dict",
        "fs",
        "user",
    ]
)
#: A label as identifiers are written: letters, digits, ``_``/``$``, starting with a letter.
_IDENT = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]{0,63}")
#: A shell line running a command that takes file names (POSIX and coreutils file utilities,
#: archivers, pagers, editors, openers, ``export``/``source``) whose arguments are all
#: shell-shaped: an option, a path, a name holding ``. _ * = ~`` or a digit, and at most a
#: short bundle of letters first (``tar xf``); a ``#`` comment may end it. ``cp hello.world
#: /tmp/``, ``mv log.in log.out``, ``chmod +x run.me``, ``export LOG_IN=1 # log.in``; not
#: ``open hello.world in the browser`` (a sentence goes on in words).
_SHELL_FILE_COMMAND = (
    r"(?:\$\s+)?(?:sudo\s+)?(?:cp|mv|rm|ln|cat|ls|ll|touch|chmod|chown|chgrp|mkdir|rmdir"
    r"|stat|file|wc|du|diff|cmp|head|tail|less|more|bat|scp|rsync|sftp|tar|zip|unzip|gzip"
    r"|gunzip|bzip2|xz|7z|vi|vim|nvim|nano|emacs|pico|open|xdg-open|code|subl|export|source)"
    r"(?:[ \t]+[A-Za-z]{1,3}(?=[ \t]))?"
    r"(?:[ \t]+(?=[\w.~*+/=:@-]*[./~*_=+0-9-])[\w.~*+/=:@-]+)+[ \t]*"
)
_SHELL_FILE_LINE = r"^\s*" + _SHELL_FILE_COMMAND + r"(?:#[^\n]*)?$"
#: The same command as inline code anywhere in a line (`` `cp log.in /tmp/` ``, "run ```mv
#: a.b c/``` now"; tenth round, alarms 2): chat quotes a command between backticks, and a
#: name inside the span is judged as it would be on the command's own line (a name outside
#: it, "`cp a.b /tmp/` then open bad.example", is not: the line is no code line).
_SHELL_FILE_SPAN = re.compile(r"`[ \t]*" + _SHELL_FILE_COMMAND + r"(?:#[^`\n]*)?`")
#: Marks of a line of code, a log or a config file (docs/extraction.md, "reads as code"),
#: each with the substrings it cannot match without (any one of them; none: anchored at the
#: line's start, so cheap): ``line_reads_as_code`` tries a mark only when its line holds one.
_CODE_LINE_MARKS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("=", ":"), r"\b(?:level|lvl|severity|logger|caller|msg)[=:]"),
    (('"level"',), r"\"level\""),
    ((":",), r"\b\d{1,2}:\d{2}:\d{2}\b"),
    (("-",), r"\b\d{4}-\d{2}-\d{2}[T ]\d"),
    (("Error", "Exception"), r"[a-z](?:Error|Exception)\b"),
    (("Traceback",), r"\bTraceback\b"),
    (('File "',), r"\bFile \""),
    (
        ("==", "!=", "=>", "->", "::", "&&", "||", "{{", "${", "%("),
        r"==|!=|=>|->|::|&&|\|\||\{\{|\$\{|%\(",
    ),
    (
        ("def ", "const ", "var ", "lambda ", "elif ", "await "),
        r"\b(?:def|const|var|lambda|elif|await) ",
    ),
    (("--",), r"(?:^|\s)--[a-z][\w-]+"),
    (("=",), r"\w=[^\s=]|\s=\s"),
    (("{", "}"), r"[{}]\s*$"),
    (("</",), r"</\w+>"),
    (('"',), r"\"[\w.-]+\"\s*:\s"),
    (("_",), r"\b[a-z]+_[a-z0-9_]+\b"),
    (
        ("(",),
        r"\b[A-Za-z_$][\w$]*\.[A-Za-z_$][\w$]*\(|\w\(\)"
        r"|\b[A-Za-z_$][\w$]*!?\((?!s\))[^()\n]*[,)]",
    ),
    (
        (".",),
        r"\b[\w-]+\.(?:py|java|kt|kts|js|mjs|cjs|ts|tsx|jsx|json|ya?ml|toml|xml|properties"
        r"|gradle|cfg|ini|conf|lock|go|rs|rb|php|sh|bash|ps1|sql|scss|css|html?|cpp|hpp|swift"
        r"|dart)\b",
    ),
    (
        (),
        r"^\s*[VDIWEF]/[\w.$-]+\s*\("
        r"|^\s*(?:\$ |sudo |python3? |pip3? |git |npm |npx |yarn |cargo |docker |kubectl |make "
        r"|\./)|^\s*-?\s*[\w-]*[._-][\w.-]*\s*[:=]\s|^\s+-?\s*[\w.-]+:\s"
        r"|^\s*\[\[?[\w.\"' -]+\]\]?\s*$|^ {4,}[A-Za-z_$][\w$.]*\s*$"
        r"|^\s*(?:assert|raise|yield|return)\s|^\s*(?:if|elif|for|while|with)\b.*:\s*$",
    ),
    (("all",), r"(?:^|\s)[-~?+]all\b"),  # an SPF policy: "v=spf1 include:x ~all"
    ((), _SHELL_FILE_LINE),
)
_CODE_LINE_PARTS = tuple((needs, re.compile(mark)) for needs, mark in _CODE_LINE_MARKS)
#: Every mark in one expression: what ``line_reads_as_code`` answers, by definition.
_CODE_LINE = re.compile("|".join(f"(?:{mark})" for _, mark in _CODE_LINE_MARKS))
#: Log levels and SQL keywords: code only in a line that is not shouted as a whole.
_LEVEL_WORDS = ("INFO", "WARN", "ERROR", "DEBUG", "TRACE", "FATAL", "CRITICAL", "NOTICE", "SEVERE")
_LEVELS = re.compile(r"\b(?:INFO|WARN|WARNING|ERROR|DEBUG|TRACE|FATAL|CRITICAL|NOTICE|SEVERE)\b")
_SQL_SELECT = re.compile(r"\bSELECT\b.*\bFROM\b")
_SQL_CHANGE = re.compile(r"\b(?:UPDATE|INSERT INTO|DELETE FROM)\b.*\b(?:SET|VALUES|WHERE)\b")
_SQL_ANY_CASE = re.compile(r"(?i:\bselect\s+(?:\*|[\w.]+(?:\s*,\s*[\w.]+)*)\s+from\s+\w)")
_CODE_WORDS = re.compile(
    "|".join(f"(?:{p.pattern})" for p in (_LEVELS, _SQL_SELECT, _SQL_CHANGE, _SQL_ANY_CASE))
)


def _identifier_case(label: str) -> bool:
    """Capitals as identifiers use them (``Reader``, ``webApp``), not random case mixing
    (``ExAmPlE``, a styling of a host)."""
    letters = [c for c in label if c.isalpha()]
    if len(letters) < 2 or label.isupper():
        return True
    switches = sum(a.isupper() != b.isupper() for a, b in itertools.pairwise(letters))
    return switches <= (len(letters) - 1) / 2


#: Keywords that start a statement: a reading whose first label is one (``from .app import``
#: read with its space closed: ``from.app``) is a piece of code.
_KEYWORDS = frozenset(
    {"from", "import", "try", "return", "new", "else", "elif", "await", "yield", "throw"}
)
#: A line of a properties, .env or YAML file: a dotted key, then ``=`` or ``:``.
_KEY_LINE = re.compile(r"\s*(?:- )?[A-Za-z_][\w-]*(?:\.[\w-]+)+\s*[=:]")
#: An SPF or DMARC mechanism before a name (``include:_spf.example.org``, ``redirect=``): DNS
#: record syntax, not a broken scheme.
_SPF_MECHANISM = re.compile(r"(?:^|[\s\"'])[-~?+]?(?:include|exists|redirect|ptr|ip4|ip6)[:=]$")
#: An item of a YAML sequence, indented under its key (``  - spf.example.org``), and the end
#: of its line (a comment may follow).
_YAML_ITEM = re.compile(r"(?:^|\n)[ \t]+- $")
_LINE_END = re.compile(r"[ \t]*(?:#|\r?\n|$)")
#: A label of five or more digits: a record id or a count, never a word of a host.
_LONG_NUMBER = re.compile(r"[0-9]{5,}")


def _noise_label(label: str) -> bool:
    """A label no host is written with once a joint made it: a long number or base64."""
    return _LONG_NUMBER.fullmatch(label) is not None or _random_case(label)


def _random_case(label: str) -> bool:
    """A run of base64 or a hash (``xnsMfgK6l``, ``gWffI33O``): capitals, small letters and
    a digit mixed in a way neither words nor identifiers mix them."""
    return (
        len(label) >= 6
        and any(c.isdigit() for c in label)
        and sum(c.isupper() for c in label) >= 2
        and sum(c.islower() for c in label) >= 2
        and not _identifier_case(label)
    )


def _file_name(name: str) -> bool:
    """A bare name ending in a file-extension top-level domain, written as file names are."""
    return (
        name.rpartition(".")[2].lower() in FILE_TLDS
        and "." in name
        and _FILE_NAME.fullmatch(name) is not None
        and not name.lower().startswith("www.")
    )


def line_reads_as_code(line: str) -> bool:
    """Whether a line of a message looks like code, a log line or a config line.

    The same answer as ``_CODE_LINE.search(line)`` (then ``_CODE_WORDS`` in a line not
    shouted as a whole), found faster: each alternative is tried only when the line holds a
    substring that it cannot match without (tests/test_evidence.py checks the equivalence).
    """
    for needs, pattern in _CODE_LINE_PARTS:
        if (not needs or any(n in line for n in needs)) and pattern.search(line) is not None:
            return True
    if line == line.upper():
        return False
    if any(word in line for word in _LEVEL_WORDS) and _LEVELS.search(line) is not None:
        return True
    if "SELECT" in line and "FROM" in line and _SQL_SELECT.search(line) is not None:
        return True
    if ("UPDATE" in line or "INSERT INTO" in line or "DELETE FROM" in line) and (
        _SQL_CHANGE.search(line) is not None
    ):
        return True
    if not line.isascii() or ("select" in line.lower() and "from" in line.lower()):
        # case-insensitive: outside ASCII a letter may have a look-alike case (U+017F)
        return _SQL_ANY_CASE.search(line) is not None
    return False


class Line:
    """A reading's line (or piece of a long line), judged once for every reading on it.

    Many readings share a line; each judgement of it (``line_reads_as_code``, its dotted
    names that are code by their own shape, whether every row is a config key) is made the
    first time a reading asks and then kept, so a line of many readings is read once.
    """

    __slots__ = ("_code", "_keys", "_names", "_shell", "_unmarked", "elsewhere", "text")

    def __init__(self, text: str, elsewhere: Callable[[], bool] | None = None) -> None:
        self.text = text
        #: whether another line of the message reads as code (asked only by
        #: ``_ambiguous_mark``; None: the line's message is not known)
        self.elsewhere = elsewhere
        self._code: bool | None = None
        self._keys: bool | None = None
        self._names: frozenset[str] | None = None
        self._shell: list[tuple[int, int]] | None = None
        self._unmarked: Line | None = None

    def unmarked(self) -> Line:
        """The line with chat emphasis and spoiler pairs around whole tokens taken off
        (``_a.b_`` -> ``a.b``, ``||a.b||`` -> ``a.b``): how a wrapped reading's line is judged."""
        if self._unmarked is None:
            text = _MARK_PAIR.sub(lambda m: m.group("token"), self.text)
            self._unmarked = self if text == self.text else Line(text)
        return self._unmarked

    def reads_as_code(self) -> bool:
        """``line_reads_as_code`` of the line."""
        if self._code is None:
            self._code = line_reads_as_code(self.text)
        return self._code

    def in_shell_span(self, name: str, before: str, after: str) -> bool:
        """Whether ``name``, with ``before`` and ``after`` around it as in the line, lies
        inside a shell command quoted as inline code (``_SHELL_FILE_SPAN``)."""
        if self._shell is None:
            text = self.text
            found = _SHELL_FILE_SPAN.finditer(text) if "`" in text else ()
            self._shell = [m.span() for m in found]
        if not self._shell:
            return False
        lead = before.rpartition("\n")[2]
        needle = lead + name + after.partition("\n")[0]
        at = self.text.find(needle)
        while at >= 0:
            start = at + len(lead)
            end = start + len(name)
            if any(lo < start and end < hi for lo, hi in self._shell):
                return True
            at = self.text.find(needle, at + 1)
        return False

    def key_rows(self) -> bool:
        """Whether every non-blank row starts with a dotted key and ``=`` or ``:``."""
        if self._keys is None:
            rows = [row for row in self.text.split("\n") if row.strip()]
            self._keys = bool(rows) and all(_KEY_LINE.match(row) for row in rows)
        return self._keys

    def names_code_besides(self, url: str, glued: str = "") -> bool:
        """Whether the line names, besides ``url`` (and ``glued``: the same name with the
        word a full stop glues after it, ``a.b.Check``), a dotted name that is code by its
        shape."""
        if self._names is None:
            self._names = _code_names(self.text)
        names = self._names
        if glued:
            return bool(names - {url, glued})
        return len(names) > 1 or (bool(names) and url not in names)


#: Chat formatting pairs around a whole token: WhatsApp/Telegram italics ``_x_``, Markdown
#: bold ``__x__``, bold italics ``*_x_*`` / ``_*x*_``, a Discord spoiler ``||x||``.
#: Messengers render the token inside as a link, so a reading wrapped in one is judged as
#: the token alone (``__init__.py``, ``_private.attr``, ``a || b.c`` are no such pair).
_MARKS = {"_": "_", "__": "__", "*_": "_*", "_*": "*_", "||": "||"}
#: A character that may not touch a pair from outside: it would make the mark part of a
#: longer identifier or run of marks (``a_b.c_d``, ``x||y.z||w``).
_MARK_EDGE = re.compile(r"[\w*|~]")
#: What may not follow a closing mark, for the same reason, or a dot and a name: the pair
#: is then part of a dotted name (``__init__.py``, ``_x.y_.run()``).
_MARK_AFTER = re.compile(r"[\w*|~]|\.\w")
_MARK_PAIR = re.compile(
    r"(?<![\w*|~])(?P<open>__|_\*|\*_|_|\|\|)(?P<token>[^\s_*|~]+)"
    r"(?P<close>__|\*_|_\*|_|\|\|)(?![\w*|~]|\.\w)"
)


def _unwrap_marks(before: str, after: str) -> tuple[str, str] | None:
    """``before`` and ``after`` without the formatting pair around the reading, or ``None``
    when the reading is not wrapped in one (``_MARKS``)."""
    for opening in ("__", "*_", "_*", "||", "_"):
        closing = _MARKS[opening]
        if not (before.endswith(opening) and after.startswith(closing)):
            continue
        outside, rest = before[: -len(opening)], after[len(closing) :]
        if (outside and _MARK_EDGE.match(outside[-1])) or _MARK_AFTER.match(rest):
            return None
        return outside, rest
    return None


@functools.lru_cache(maxsize=65536)
def identifier_shaped(url: str) -> bool:
    """A bare dotted name whose every label could be an identifier (``self.user.email``)."""
    if "/" in url or ":" in url or url[:4].lower() == "www.":
        return False
    labels = url.split(".")
    return 2 <= len(labels) <= 8 and all(_IDENT.fullmatch(label) for label in labels)


#: A bare host and a port, nothing after it (``db.host:5432``, ``qzvkt.example:443``).
_HOST_PORT = re.compile(r"([^/:@\s]+):[0-9]{1,5}")


def port_host(url: str) -> str | None:
    """The host of a bare ``host:port`` reading (no scheme, no path), or None.

    Logs and config write hosts with their port (``connect to db.host:5432``): such a
    reading is judged as its host would be on the same line (attack M4), so a port neither
    hides a listed host in chat nor makes a log line's host a link. With a path it is a
    link (``GET bad.example:8080/x``) and is judged as one."""
    if ":" not in url:
        return None
    match = _HOST_PORT.fullmatch(url)
    return match.group(1) if match is not None else None


#: A row that opens with a control keyword and holds only its condition: the keyword (after
#: ``}``, ``else`` or ``return``), an optional ``not`` or ``!``, the name, then ``:``, an
#: ``&&``/``||`` or the row's end (Ruby's ``unless session.log.in``, Python's ``while not
#: user.log.in: pass``); the row's end only after a member chain of three or more labels
#: (``if log.in`` alone is no code). Prose goes on in words after a name ("if log.in works").
_CONDITION_ROW = (
    r"[ \t]*(?:\}[ \t]*)?(?:else[ \t]+)?(?:(?:return|next|break|continue|raise)[ \t]+)?"
    r"(?:if|elif|elsif|unless|until|while)[ \t]+(?:not[ \t]+)?!*{name}"
    r"[ \t]*(?::(?:[ \t]|$)|&&|\|\|{end})"
)
_CONDITION_WORDS = ("if", "unless", "until", "while")


def _condition_row(text: str, name: str) -> bool:
    """Whether a row of ``text`` is a condition of ``name`` alone (``_CONDITION_ROW``)."""
    if not any(word in text for word in _CONDITION_WORDS):
        return False
    pattern = _condition_pattern(name)
    return any(pattern.match(row) for row in text.split("\n") if name in row)


@functools.lru_cache(maxsize=4096)
def _condition_pattern(name: str) -> re.Pattern[str]:
    """``_CONDITION_ROW`` for one name."""
    end = "|$" if name.count(".") >= 2 else ""
    return re.compile(_CONDITION_ROW.replace("{name}", re.escape(name)).replace("{end}", end))


def code_shaped(
    url: str, before: str, after: str, line: str | None = None, embedded: bool = False
) -> bool:
    """Whether a scheme-less, path-less reading is a dotted code identifier in its context.

    ``before`` and ``after`` are a few characters of the original text around the reading;
    ``line`` is the reading's line, when known; ``embedded``: the reading starts inside the
    path, query or fragment of a longer token (``?fields=user.email``, ``key=app.run``).
    """
    return code_signal(url, before, after, line, embedded) is not None


def code_signal(
    url: str,
    before: str,
    after: str,
    line: str | Line | None = None,
    embedded: bool = False,
    loose: bool = False,
    markup: bool = False,
) -> Signal | None:
    """How strongly a reading reads as code: ``CODE`` when its own shape or a keyword says so
    (``self.user.email``, ``import a.b``, ``user_id.x =``), ``CODE_LIKE`` when only its letter
    case does (``bad.Example``, as in ``user.Name``): a person hiding a link can add that at
    will, so it holds a block back to ``warn`` rather than drop it. ``None``: not code.
    Arguments as for :func:`code_shaped`; ``loose``: the reading joined pieces of the text
    (a space, a line break or punctuation read as a dot or closed); ``markup``: the text
    holds tags elsewhere (``_markup_name``)."""
    if "/" in url and url[:4].lower() != "www.":
        host, _, path = url.partition("/")
        if loose and ":" not in host and _file_name(host):
            return Signal.CODE  # "COPY run.sh /app/" read with its space closed: a file path
        if loose and any(_noise_label(label) for label in host.split(".")):
            return Signal.CODE  # "QELin+ba/2DHuCR+...": base64 with "+" read as a dot
        if path[:1] == "." or (
            host.split(".")[0].lower() in _REVERSED_ROOTS and host.count(".") >= 2
        ):
            # an Android component "com.acme.chat/.MainActivity", a class path
            component = ":" not in url and all(_IDENT.fullmatch(p) for p in host.split("."))
            return Signal.CODE if component else None
    named = port_host(url) if ":" in url and "/" not in url else None
    if named is not None:
        url = named  # "connect to db.host:5432": the host, judged on its line
    if "/" in url or ":" in url or url[:4].lower() == "www.":
        return None
    # "if (!user.log.in)": a WHATWG host may hold "!", so a logical not glued to a member
    # chain is read with it; the chain is judged with the not before it (tenth round, C1)
    bangs = len(url) - len(url.lstrip("!"))
    if bangs and identifier_shaped(url[bangs:]):
        url = url[bangs:]
    else:
        bangs = 0
    name, question, rest = url.partition("?")
    if question and rest[:1] in ".[" and identifier_shaped(name):
        return Signal.CODE  # "free.gift?.id": optional chaining, read as a query by chance
    if after[:1] == "?" and _GLUED_QUERY.match(after) is not None:
        return None  # "jqxvw.example?ref=chat": a query glued to a host is a link's (attack 17)
    labels = url.split(".")
    if len(labels) < 2:
        return None
    if isinstance(line, str):
        line = Line(line)
    unwrapped = _unwrap_marks(before, after)
    if unwrapped is not None:
        # "_qzvkt.example_", "||qzvkt.example||": chat formatting, judged as the token inside
        before, after = unwrapped
        if line is not None:
            line = line.unmarked()
    mark = chat_mark_after(after)
    glued = ""
    if mark:
        # "jqxvw.example!!", "jqxvw.example:)", "jqxvw.example.Check it": chat marks, not
        # code; the name is judged as if the mark were not there (a full stop: a space, and
        # the name glued to the next word, "jqxvw.example.Check", is no qualified class)
        if after[0] == ".":
            glued = url + "." + after[1:].split(" ", 1)[0].split("\t", 1)[0]
            after = " " + after[1:]
        else:
            after = after[mark:]
    ambiguous = after[:1] in _AMBIGUOUS_FIRST and _AMBIGUOUS_AFTER.match(after) is not None
    if ambiguous and after[0] in "_$":
        glued = url + after[0]  # "jqxvw.example_": the name with its mark is no other name
    if _SPF_MECHANISM.search(before) is not None:
        return Signal.CODE  # "v=spf1 include:_spf.example.org ~all": a DNS record
    if _YAML_ITEM.search(before) is not None and _LINE_END.match(after) is not None:
        return Signal.CODE  # "hosts:\n  - spf.example.org": an item of a YAML list
    if labels[0].lower() in _KEYWORDS and _IDENT.fullmatch(labels[1]):
        return Signal.CODE  # "from .sansio.app import App", "try .app.run()"
    if line is not None and not identifier_shaped(url):
        # a loose reading (joints read as dots) over lines of a properties or YAML file
        if line.key_rows():
            return Signal.CODE
        if any(_noise_label(label) for label in labels):
            # "Step_LSC|39082358|video": fields of a log record; "xnsMfgK6l+Bms": base64
            return Signal.CODE
        if loose and line.reads_as_code():
            # "export LOG_IN=1 # log.in" read as LOG.IN.1.log.in: the joints of a code line
            return Signal.CODE
    if len(labels) >= 3 and labels[0].lower() in _REVERSED_ROOTS:
        return Signal.CODE
    if labels[0] in _PACKAGE_ROOTS and all(_IDENT.fullmatch(label) for label in labels):
        return Signal.CODE  # "java.net", "android.os": a package
    if _file_name(url):
        return Signal.CODE  # "docker-entrypoint.sh", "axios.min.js.map": a file name
    if any("_" in label or "$" in label for label in labels):
        return Signal.CODE
    if any(c in url for c in "(){}=;"):
        return Signal.CODE  # "print(obj.group.chat": a call, not a host
    # capitals as identifiers use them: weak alone, so the stronger marks below come first
    case_only = (
        any(any(c.isupper() for c in label) and _identifier_case(label) for label in labels[1:])
        and not url.isupper()
    )
    if identifier_shaped(url):
        if embedded:
            return Signal.CODE  # "?fields=user.email": a value inside another link or a key=value
        if labels[-1].lower() in FILE_TLDS or labels[0] in RECEIVERS:
            return Signal.CODE  # "setup.py", "self.user.email", "logger.info"
        if before[-2:] in ("['", '["') or (before[-1:] == "`" and after[:1] == "`"):
            return Signal.CODE  # a subscript "df['user.email']", inline code `user.email`
        if _markup_name(url, before, after, markup):
            return Signal.CODE  # ``"flask.app"``, <maven.compiler.source>
        if ambiguous:
            pass  # (judged below, by the line without the name: _ambiguous_mark)
        elif line is not None and (line.reads_as_code() or line.names_code_besides(url, glued)):
            return Signal.CODE
        if line is not None and line.in_shell_span("!" * bangs + url, before, after):
            return Signal.CODE  # "`cp log.in /tmp/`": a command quoted as inline code
        if line is not None and _condition_row(line.text, url):
            return Signal.CODE  # "unless session.log.in", "while not self.ok: pass"
        if _leading_dot(before):
            return Signal.CODE  # "from .sansio.app", ".btn.show", "the .app.run"
    if _CODE_BEFORE.search(before):
        return Signal.CODE
    if _CONDITION_BEFORE.search(before) and _CONDITION_AFTER.match(after) is not None:
        return Signal.CODE  # "if (session.log.in) return;", "while (!auth.log.in) wait();"
    if ambiguous:
        # "jqxvw.example(new)", "x.y=great", "x.y++", "x.y_", "see x.y:fun": a mark code
        # glues after a name, and chat too; decided by the rest of the line and the name
        return _ambiguous_mark(url, labels, line, glued)
    if (not bangs and before[-1:] and _IDENTIFIER.fullmatch(before[-1])) or (
        after[:1] and _IDENTIFIER.fullmatch(after[0])
    ):
        return Signal.CODE  # "user_profile.group.chat_id": a piece of a longer identifier
    own_line = before.rpartition("\n")[2]
    at_line_start = not own_line.strip(" \t") and ("\n" in before or len(before) < CONTEXT_CHARS)
    if bangs or before[-1:] == "!":
        # a logical not: "!user.email" opening its line, "if (!x.y" (not "wow !bad.example",
        # "!!bad.example"), glued to the chain ("if (!user.log.in)") or not
        rest = before if bangs else before[:-1]
        line_start = not rest.rpartition("\n")[2].strip(" \t") and (
            "\n" in rest or len(before) < CONTEXT_CHARS
        )
        if rest[-1:] == "(" or line_start:
            return Signal.CODE
    if at_line_start and after[:2] in (": ", ":\t"):
        return Signal.CODE  # a YAML or config key: "cfg.live.chat: on"
    if _CODE_AFTER.match(after[:8]) is not None:
        return Signal.CODE
    if _sentence_gap(labels, after):
        return Signal.PROSE  # "see you later.In the meantime": a full stop without its space
    return Signal.CODE_LIKE if case_only else None


#: A mark glued after a name that code writes (a call, an assignment, an increment, a
#: trailing ``_`` or ``$``, a ``:key``) and chat writes too (``jqxvw.example(new)``,
#: ``=great``, ``++``, ``see jqxvw.example:fun``): no evidence either way by itself.
_AMBIGUOUS_AFTER = re.compile(
    r"(?:\((?=[A-Za-z][A-Za-z ]*(?:\)|$))"  # a bracket around words: "(new)", "(this one)"
    r"|=(?!(?i:true|false|null|nil|none)\b)[A-Za-z]+(?![\w.$/:-])"  # "=great", not "=true"
    r"|\+\+|--|[_$@](?![\w$])|:[A-Za-z]{2,})(?!\S*[;{}])"
)
_AMBIGUOUS_FIRST = frozenset("(=+-_$@:")


def _ambiguous_mark(url: str, labels: list[str], line: Line | None, glued: str = "") -> Signal:
    """What an ambiguous mark after a name (``_AMBIGUOUS_AFTER``) makes of it: ``CODE`` when
    the line reads as code without the name (``x = f(cfg.run(1))``, ``let n = a.b++``) or
    the name is made of words (``log.in(x)``: chance, as the evidence rule reads words),
    else ``CODE_LIKE`` (a whole-host match of ``jqxvw.example(new)`` warns, never silently
    allows; ADR 0012, eighth session)."""
    if line is not None and (
        line_reads_as_code(line.text.replace(url, " "))
        or line.names_code_besides(url, glued)
        or (line.elsewhere is not None and line.elsewhere())
    ):
        return Signal.CODE
    if all(is_word(label) for label in labels[:-1]):
        return Signal.CODE
    return Signal.CODE_LIKE


#: Link techniques that code produces by itself: a space before a dot (relative imports,
#: CSS selectors, member mentions: ``from .app import``, ``.btn.active, .btn.show``) and a
#: word and a colon before a name (a module path or a key: ``hello:create_app``,
#: ``key:value``). In a reading that reads as code they are no link evidence.
CODE_WRITES = frozenset({Technique.SPACING, Technique.SCHEME_REPAIR})


#: What a ``<name>`` follows in code: a C or Objective-C include or import, a template.
_TAG_KEYWORD = re.compile(r"(?:#\s*(?:include|import)|\btemplate|\bimport)\s*$")


def _markup_name(url: str, before: str, after: str, markup: bool = False) -> bool:
    """A literal in reStructuredText or Markdown (````"flask.app"````) or an XML element
    name (``<maven.compiler.source>11</maven.compiler.source>``, ``</app.name>``).

    ``<name>`` alone, in a text with no other tag (``markup``: a closing or empty tag, an
    XML declaration anywhere in it), is no element: chat and mail wrap a bare link in angle
    brackets (``<bad.example>``, RFC 3986 appendix C), so it is read as a link. A type
    argument glued to its type (``List<java.lang.String>``), a header or template argument
    (``#include <a.h>``, ``template <a.b>``) and a JSX member component (``<Nav.Link>``,
    capitalised) stay code."""
    if before[-2:] in ('`"', "`'") and after[:2] in ('"`', "'`"):
        return True
    if before[-2:] == "</":
        return True
    if before[-1:] != "<" or after[:1] != ">":
        return False
    ahead = before[:-1]
    last = ahead[-1:]
    glued = (last.isascii() and last.isalnum()) or last in ("_", "$", ",", "<")
    if markup or url[:1].isupper() or _TAG_KEYWORD.search(ahead) is not None:
        return True
    return glued


def _leading_dot(before: str) -> bool:
    """A name written after a dot that follows white space or an opening bracket: a relative
    import, a CSS class, a member mentioned by itself (``from .app``, ``.btn.show``)."""
    return before[-1:] == "." and (len(before) < 2 or before[-2] in " \t\n([{,")


#: A dotted name elsewhere in the reading's line.
_DOTTED = re.compile(r"(?<![\w.$/@-])[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+(?![\w$/@-])")


def _code_neighbour(url: str, line: str) -> bool:
    """Whether the line names, besides the reading, a dotted name that is code by its own
    shape: a reversed-domain or package name, a ``snake_case`` or ``$`` label, a receiver
    chain, a file name, or a qualified class (``collections.abc.Callable``: 3+ labels)."""
    return Line(line).names_code_besides(url)


def _code_names(line: str) -> frozenset[str]:
    """The dotted names of ``line`` that are code by their own shape (``_code_neighbour``)."""
    names = {match.group(0).rstrip(".") for match in _DOTTED.finditer(line)}
    return frozenset(name for name in names if "." in name and _code_by_shape(name))


@functools.lru_cache(maxsize=65536)
def _code_by_shape(name: str) -> bool:
    """Whether a dotted name is code by its own shape (``_code_neighbour``)."""
    labels = name.split(".")
    return (
        (len(labels) >= 3 and labels[0].lower() in _REVERSED_ROOTS)
        or labels[0] in _PACKAGE_ROOTS
        or labels[0] in RECEIVERS
        or any("_" in label or "$" in label for label in labels)
        or _file_name(name)
        or (
            len(labels) >= 3
            and all(label.islower() for label in labels[:-1])
            and labels[-1][:1].isupper()
            and _identifier_case(labels[-1])
        )
    )


#: The first word of a sentence after a full stop that lost its space: "later.In the".
_SENTENCE_WORD = re.compile(r"[A-Z][a-z]{1,11}")
#: Words that start an English sentence (function words, replies, imperatives of chat).
#: A name cannot be styled into one of them, so a capital alone never drops a match.
SENTENCE_STARTS = frozenset(
    [
        "a",
        "about",
        "after",
        "also",
        "am",
        "an",
        "and",
        "anyway",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "for",
        "from",
        "go",
        "had",
        "has",
        "have",
        "he",
        "her",
        "here",
        "his",
        "how",
        "i",
        "if",
        "in",
        "is",
        "it",
        "its",
        "just",
        "let",
        "lets",
        "me",
        "my",
        "no",
        "not",
        "now",
        "of",
        "ok",
        "okay",
        "on",
        "one",
        "open",
        "or",
        "our",
        "please",
        "see",
        "she",
        "so",
        "sorry",
        "than",
        "thanks",
        "that",
        "the",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "too",
        "us",
        "was",
        "we",
        "well",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "would",
        "yes",
        "yet",
        "you",
        "your",
    ]
)


def _sentence_gap(labels: list[str], after: str) -> bool:
    """Two labels, a lower-case word or number, then a capitalised sentence-starting word
    that the sentence goes on after in lower case (``later.In the``, ``me.Open the``,
    ``5.To be``, ``cafe.It's``): the full stop of a sentence, its space left out."""
    return (
        len(labels) == 2
        and (labels[0].islower() or labels[0].isdigit())
        and labels[0].isalnum()
        and _SENTENCE_WORD.fullmatch(labels[1]) is not None
        and labels[1].lower() in SENTENCE_STARTS
        and ((after[:1] == " " and after[1:2].islower()) or after[:2] in ("'s", "’s"))
    )


#: The most labels a reading made of words may have: as many as a reading joins (16 joints,
#: docs/extraction.md "Limits"). Until the eighth round 6: seven words joined by ``·`` warned.
_WORD_LABELS = 17


def _word_shaped(url: str) -> bool:
    """Only words: letters-only labels (at most ``_WORD_LABELS``, of at most 12 letters),
    each but the top-level domain a word (``_words``), and at most one letters-only segment.
    Letters alone are not enough: ``qzvkt。example`` is no sentence (fifth round, ADR 0012);
    more words are no less a sentence (``let·me·know·if·you·need·help``, eighth round).
    Since the twelfth round a word may carry accents (``está.la``, ``für.so``): the word
    list drops them. Words joined by a hyphen are no label of words: phishing names are
    made so (``setups-google·com``)."""
    rest = base_letters(url.split("://", 1)[-1])
    host, _, path = rest.partition("/")
    labels = [label for label in host.split(".") if label]  # "ok...so": an ellipsis
    if len(labels) > _WORD_LABELS or not all(_WORD.fullmatch(label) for label in labels):
        return False
    path = path.rstrip("/")
    if path and _PATH_WORD.fullmatch(path) is None:
        return False
    # the last label is a top-level domain (the reading is plausible by it): "the dot com"
    return all(is_word(word) for word in labels[:-1])


#: A path right after the name a glued mark is part of: ``qzvkt♡example/x``, ``log~in/``
#: (what ``[^\s/]*/`` matches: the first white space or slash after the mark is a slash).
_PATH_STOP = re.compile(r"[\s/]")
#: The last stop ``path_after`` found: (text, from, stop), no white space or slash in
#: ``text[from:stop]``; any mark between the two ends has the same stop.
_last_stop: tuple[str, int, int] = ("", 0, 0)


def path_after(text: str, end: int) -> bool:
    """Whether a path follows ``end`` in its white-space token: the first white space or
    slash at or after ``end`` is a slash. The stop found is remembered, so the marks of one
    long token ("a．" * n) walk it once, not once per mark (issue 9: was x4 per doubling)."""
    global _last_stop
    known, start, stop = _last_stop
    if known is not text or not start <= end <= stop:
        found = _PATH_STOP.search(text, end)
        stop = len(text) if found is None else found.start()
        _last_stop = (text, end, stop)
    return stop < len(text) and text[stop] == "/"


def forget_path_stop() -> None:
    """Drop the text ``path_after`` remembers: no message is held after its scan returns
    (an app's memory holds its messages only as long as the app does)."""
    global _last_stop
    _last_stop = ("", 0, 0)


def glued_mark(text: str, start: int, end: int) -> Technique:
    """What decoration glued between two letters (``text[start:end]``) is evidence of, read
    as a dot (ADR 0012, eighth round): ``CONFUSABLE`` (link) or ``DOT_VARIANT`` (prose).

    Called for the marks that do not stand for a dot: not a UTS #39 dot look-alike
    (``∙ ⋅ ․ ．``), not a dot shape (``● ◦ ▪ 🔴 ⭐``), not a defang mark (``# ~``), but
    decoration (``♡ ★ ♪ → ✿ ※``, a pictograph emoji), which chat glues to words anywhere
    (``call♡me``, ``see☆you``). A path right after the joined name makes it a link
    (``qzvkt♡example/x``, ``log★in/``): prose does not write one."""
    if path_after(text, end) and not word_slash_pair(text, start, end):
        return Technique.CONFUSABLE
    return Technique.DOT_VARIANT


#: The pieces a glued mark stands between: letters, digits and hyphens.
_PIECE_BEFORE = re.compile(r"[A-Za-z0-9-]+$")
_PIECE_AFTER = re.compile(r"[A-Za-z0-9-]+")


def separator_mark(text: str, start: int, end: int) -> bool:
    """Whether the mark glued at ``text[start:end]`` is glued again to a neighbouring word,
    before the piece in front of it or after the piece behind it (``are~you~coming``,
    ``see~you~``, ``hello#world#``): a mark that separates or trails the words of a line is
    how that line is styled, not a dot (one ``support~test`` still reads as one)."""
    mark = text[start:end]
    after = _PIECE_AFTER.match(text, end)
    if after is not None and text.startswith(mark, after.end()):
        return True
    before = _PIECE_BEFORE.search(text, max(0, start - 64), start)
    return before is not None and text[: before.start()].endswith(mark)


#: Special-use top-level names (RFC 2606, RFC 6761): no registry sells them, so a list names
#: them only in place of a registry TLD (``com``, not a word); they never end a word pair.
_SPECIAL_USE = frozenset({"test", "example", "invalid", "localhost"})
_WORD_PIECE_BEFORE = re.compile(r"(?<![A-Za-z0-9.-])[A-Za-z]{1,12}$")
_WORD_PIECE_AFTER = re.compile(r"[A-Za-z]{1,12}(?![A-Za-z0-9-]|\.[A-Za-z0-9])")


def word_pair_mark(text: str, start: int, end: int) -> bool:
    """Whether the one mark at ``text[start:end]`` stands glued between two words of chat
    and nothing else (``see~you``, ``hello#world``, ``log～in``, ``sign∙up``, ``see．you``):
    a whole name of two words, no path right after it, the second word not a special-use
    name (ADR 0012, tenth round). Such a reading is punctuation folded to a dot, as prose
    writes it; ``jqxvw～example`` (no word before), ``log～in/`` (a path) stay link evidence."""
    if path_after(text, end) and not word_slash_pair(text, start, end):
        return False
    before = _WORD_PIECE_BEFORE.search(text, max(0, start - 16), start)
    after = _WORD_PIECE_AFTER.match(text, end)
    if before is None or after is None:
        return False
    second = after.group().lower()
    return second not in _SPECIAL_USE and is_word(before.group()) and is_word(second)


#: A word after a slash that ends its token, as "log in/out" writes one: a word of up to 12
#: letters (hyphenated words, a plural or possessive mark), or two words glued by the mark
#: the pair was written with (``log~in/sign~up``); then white space, the end, sentence
#: punctuation or non-ASCII text (an emoji), not a further segment, a query or a file name.
_SLASH_WORD = re.compile(
    r"/(?P<word>[A-Za-z]{1,12}(?:-[A-Za-z]{1,12}){0,2})(?:\(s\)|['’]s)?"
    r"(?:(?P<mark>[~#\uff5e\uff03\u2219\uff0e])(?P<second>[A-Za-z]{2,12}))?"
    r"(?=$|\s|[^\x00-\x7f]|[,;:!?)\]}\"'.](?![A-Za-z0-9/=&]))"
)


#: The particles that alternatives with a slash pair (``log in/out``, ``sign in/up``, ``turn
#: on/off``, ``scroll up/down``, ``opt in/out``, ``yes/no``): the word before the slash is one,
#: and so is the word after it or the last word of the phrase after it (``sign-up``,
#: ``sign~up``). Any other word after the slash is a path (``log～in/now``).
_PAIR_WORDS = frozenset(
    {"in", "out", "on", "off", "up", "down", "over", "back", "away", "yes", "no"}
)


def word_slash_pair(text: str, start: int, end: int) -> bool:
    """Whether the mark at ``text[start:end]`` stands glued between two words that a slash
    and one more word follow, as prose writes alternatives (``log～in/out``, ``log#in/out``,
    ``log~in/sign~up``; tenth round, alarms 2): the slash is the pair's, not a path's, when
    the words on both sides of it are particles an alternative pairs (``_PAIR_WORDS``). A
    path of one letter, a number, another word, a further segment or a query
    (``log～in/x``, ``log～in/now``, ``log～in/out/x``, ``log～in/out?a=1``) and a made-up name
    (``jqxvw～example/now``) stay a path: the mark is then link evidence as before."""
    before = _WORD_PIECE_BEFORE.search(text, max(0, start - 16), start)
    after = re.compile(r"[A-Za-z]{1,12}(?=/)").match(text, end)
    if before is None or after is None:
        return False
    slash = _SLASH_WORD.match(text, after.end())
    if slash is None:
        return False
    mark = slash.group("mark")
    if mark is not None and mark != text[start:end]:
        return False
    second = after.group().lower()
    last = (slash.group("second") or slash.group("word").rpartition("-")[2]).lower()
    if second not in _PAIR_WORDS or last not in _PAIR_WORDS:
        return False  # "log～in/now": a path; "log～in/out", "log~in/sign~up": a pair
    words = [before.group(), second, *slash.group("word").split("-")]
    if mark is not None:
        words.append(slash.group("second"))
    return all(is_word(word) for word in words)


#: A file extension after a space and its dot: one label, then white space, the end or
#: sentence punctuation (``open .app files``, ``the .com domain``, ``log .in?``).
_EXTENSION = re.compile(r"[A-Za-z0-9]{1,12}(?![ \t]*/)(?=[\s,;!?)\"']|\.?$|\.\s)")


def extension_mention(text: str, end: int) -> bool:
    """Whether a dot after a space, glued to what follows (``text[end:]``), names a file
    extension: ``.app`` in ``how do I open .app files?``. Prose names extensions that way;
    a host written with a space before its dot goes on (``bad .example/x``, ``bad .com /``
    after a scheme) or is read with its scheme."""
    return _EXTENSION.match(text, end) is not None


def ellipsis_reading(url: str) -> bool:
    """A schemeless reading whose host holds ".." ("ok...so", "ok..so what"): sentence
    punctuation between words, which the canonicaliser would fold to one dot."""
    if "://" in url[:12]:
        return False
    return ".." in url.split("/", 1)[0].strip(".")  # not "bad.example...": a trailing one


#: A run of dots and blanks between two pieces of a written span (``" ... "``, ``" . . . "``).
_DOT_RUN = re.compile(r"[ \t]*\.[ \t.]*")


def spaced_ellipsis(url: str, written: str) -> bool:
    """Whether a reading made of words holds an ellipsis (``ellipsis_reading``) and every
    space that comes before a dot in its written span belongs to one (``log ... in``, ``so I
    log . . . in``; tenth round, alarms 2): a space before an ellipsis is how a sentence
    trails off, not the deliberate space before a link's dot (``log .in/x``), which stays
    link evidence (``spacing``). A name of made-up letters (``jqxvw ... example``) or a path
    of more than one word (``log ... in/x/y``) is no sentence: its spacing stays evidence."""
    if not written or not ellipsis_reading(url) or not _word_shaped(url):
        return False
    spaced = [run for run in _DOT_RUN.findall(written) if run.strip(".")]
    return bool(spaced) and all(run.count(".") >= 2 for run in spaced)


#: Words (or spaced-out letters of words) and dots between them, each dot alone between
#: spaces or line breaks, nothing else: ``it . is``, ``I T . I S . W H A T``, ``p l e a s e .
#: c a l l . m e``.
#: A tab, a dot look-alike or a dot word is no sentence's (``l\to\tg\t.\ti\tn`` stays a link).
_SPACED_SENTENCE = re.compile(
    r"[^\W\d_]+(?:[ \n]+[^\W\d_]+)*(?:[ \n]+\.[ \n]+[^\W\d_]+(?:[ \n]+[^\W\d_]+)*)+"
)
#: Top-level domains that end links far more often than sentences: after a spaced dot they
#: are the link's (``freegift . com``), even when they are words.
_LINK_ENDINGS = frozenset({"com", "net", "org", "info", "biz", "example", "test", "invalid"})
#: What may stand right before and after a sentence's words: a blank, a bracket or quote, a
#: sentence's mark after. A letter, a digit or ``:`` glued to the span (``смотриl o g . i
#: nсрочно``, ``url:l o g . i n``) is a second technique, not a sentence.
_SENTENCE_BEFORE = frozenset(" \t\n\r([{\"'“‘«")
_SENTENCE_AFTER = frozenset(" \t\n\r)]}\"'”’».,!?;")


def spaced_sentence(
    url: str, kinds: set[Technique] | frozenset[Technique], text: str, start: int, end: int
) -> bool:
    """A reading whose written span ``text[start:end]`` is words (or spaced-out letters of
    words) with every dot alone between spaces (``IT . IS``, ``S E E . Y O U``, ``W H O . I .
    A M``), standing alone in ``text``, with no link technique but the spacing itself (a
    scheme, ``www`` or a path is no word and fails the span's pattern): the spaced dot is a
    sentence's gap (spaced letters are style), so the reading is prose. Only when every
    label is one word (no compound: ``freegift`` is how names are made) and the last is no
    usual link ending (``_LINK_ENDINGS``): spaced made-up letters (``j q x v w . e x a m p l
    e``) stay a link (attack 16, J; ADR 0012, eighth session)."""
    if Technique.SPACING not in kinds and Technique.SPACED_LETTERS not in kinds:
        return False
    if kinds & LINK_TECHNIQUES - {Technique.SPACING}:
        return False
    if start and text[start - 1] not in _SENTENCE_BEFORE:
        return False
    if end < len(text) and text[end] not in _SENTENCE_AFTER:
        return False
    if _SPACED_SENTENCE.fullmatch(text, start, end) is None:
        return False
    labels = base_letters(url).split(".")
    if len(labels) < 2 or len(labels) > _WORD_LABELS or labels[-1].lower() in _LINK_ENDINGS:
        return False
    return all(_WORD.fullmatch(label) and is_one_word(label) for label in labels)


def weigh(
    url: str,
    techniques: tuple[Technique, ...],
    signals: tuple[Signal, ...],
    matches: tuple[Match, ...],
    corroborated: bool,
    written: str = "",
    sentence: bool = False,
) -> tuple[Action | None, tuple[Signal, ...], tuple[str, ...]]:
    """The most a reading may answer (None: no limit), extra signals, and why.

    ``corroborated``: a reading of the same message without prose or code matched the same
    entry (the caller knows the other readings). ``written``: the reading's span of the
    message as written (``_path_corroborates``). ``sentence``: the reading is a spaced
    sentence of words (``spaced_sentence``, asked by the caller, who has the message).
    """
    if not matches:
        return None, (), ()
    worst = matches[0].action
    kinds = set(techniques)
    prose = sorted(str(t) for t in kinds & PROSE_TECHNIQUES)
    if ellipsis_reading(url):
        prose = sorted({*prose, str(Technique.DOT_VARIANT)})
    code = Signal.CODE in signals
    gap = Signal.PROSE in signals  # a sentence gap (code_signal): prose, made of words
    code_like = Signal.CODE_LIKE in signals
    cap: Action | None = None
    extra: list[Signal] = []
    notes: list[str] = []
    host_only = all(m.kind is MatchKind.HOST for m in matches)
    if Technique.CONTEXT_HOST in kinds and host_only and not corroborated:
        # a path joined from elsewhere adds evidence only through a path match; the host
        # alone is judged as its own reading
        extra.append(Signal.PROSE)
        notes.append("a context path joined to a host matched only the whole host")
        return Action.ALLOW, tuple(extra), tuple(notes)
    sentence = sentence and host_only and not corroborated
    if sentence:
        # "IT . IS", "S E E . Y O U": a spaced dot between words is a sentence's gap (attack
        # 16, J): prose made of words, allowed below like any other
        prose = sorted({*prose, str(Technique.PROSE_SPACING)})
    if gap and host_only and not corroborated and not kinds & LINK_TECHNIQUES:
        notes.append(
            "a full stop glued to the next sentence's first word matched only a whole-host "
            "entry; not a link on this evidence"
        )
        return Action.ALLOW, (), tuple(notes)
    if (prose or code or code_like) and host_only and not corroborated:
        lowered = url.lower()
        link = kinds & LINK_TECHNIQUES
        if code and "://" not in lowered and link <= CODE_WRITES:
            link = set()  # "from .app import", "hello:create_app": how code writes names
        if Technique.SPACING in link and (sentence or spaced_ellipsis(url, written)):
            link.discard(Technique.SPACING)  # "log ... in", "it . is": a sentence's, spaced
        supported = (
            "://" in lowered[:12] or lowered.split("://", 1)[-1].startswith("www.") or bool(link)
        )
        if not supported:
            why = f"prose-shaped reading ({', '.join(prose)})" if prose else "a code identifier"
            if code or (_word_shaped(url) and (prose or not code_like)):
                cap = Action.ALLOW
                extra.append(Signal.CODE if code else Signal.PROSE)
                notes.append(
                    f"{why} matched only a whole-host entry and is made of words or code; "
                    "not a link on this evidence"
                )
            elif worst is Action.BLOCK and _path_corroborates(
                url, kinds, code or code_like, written
            ):
                pass  # attack 11, M2/M3: a path after a host no word pair makes (below)
            elif worst is Action.BLOCK and spaced_guess(url, kinds, code or code_like):
                pass  # attack 15, B: where a spaced-out made-up name ends (below)
            elif worst is Action.BLOCK:
                cap = Action.WARN
                extra.append(Signal.HELD_BACK)
                if prose:
                    extra.append(Signal.PROSE)
                if code_like and not prose:
                    why = "a name read as code only by its letter case"
                notes.append(
                    f"{why} matched only a whole-host entry; warn, not block, without "
                    "corroboration (a path match, a scheme, www., a link technique)"
                )
    if Technique.LOOKALIKE in kinds and cap is None and worst is Action.BLOCK:
        cap = Action.WARN
        extra.append(Signal.HELD_BACK)
        notes.append("matched through look-alike letters (its skeleton): warn, never block")
    return cap, tuple(extra), tuple(notes)


# ---- attack 15 (B): where a spaced-out made-up name ends ------------------------------------


def spaced_guess(url: str, kinds: set[Technique], code: bool) -> bool:
    """A spaced-letters reading whose only prose is a guess of where its host ends
    (``prose-spacing`` beside ``spaced-letters``: a cut after a top-level domain, a written
    top-level domain after spaced labels) and whose labels before the top-level domain are
    not all words: ``j q x v w . e x a m p l e n o w`` read ``jqxvw.example``. Chance cuts a
    spaced sentence of words so (``c a l l . m e s s a g e``: made of words, allowed above),
    not a made-up name. Never a reading that reads as code."""
    if code or Technique.SPACED_LETTERS not in kinds:
        return False
    if kinds & PROSE_TECHNIQUES != {Technique.PROSE_SPACING}:
        return False
    host = url.split("://", 1)[-1].partition("/")[0].partition("?")[0]
    labels = [label for label in host.split(".") if label]
    return len(labels) >= 2 and not all(map(is_word, labels[:-1]))


# ---- attack 11 (M2, M3): a path corroborates an IDNA dot or a spoken dot ------------------

#: The prose techniques a path may corroborate: an IDNA full stop read as a dot
#: (``dot-variant`` written with ``。 ｡ ︒`` only: UTS #46 maps them to ``.``, so a browser opens
#: that host) and a spaced dot word that is also an everyday word (``punkt``, ``punto``).
_PATH_CORROBORATES = frozenset({Technique.DOT_VARIANT, Technique.SPOKEN_DOT})
_IDNA_DOTS = frozenset("\u3002\uff61\ufe12")
#: What a link is written with besides letters and digits (white space: a spoken dot word).
_LINK_MARKS = frozenset("./-_~%?=&#:+@")


def _path_corroborates(url: str, kinds: set[Technique], code: bool, written: str) -> bool:
    """A reading whose labels before the top-level domain are not all words and that goes
    on with a non-empty path: ``qzvkt。example/p/9``, ``qzvkt punkt example/p``. Prose writes
    such a dot between words (``log。in/out`` stays a word pair, judged above), not after a
    made-up name followed by ``/segment``. Only ``_PATH_CORROBORATES``; a ``dot-variant``
    only when every mark of the written span that no plain link holds is an IDNA full stop
    (``・ · • ， ？`` stay held back: fifth and sixth rounds), never a reading that reads as
    code."""
    prose = kinds & PROSE_TECHNIQUES
    if code or not prose or not prose <= _PATH_CORROBORATES:
        return False
    if Technique.DOT_VARIANT in prose:
        marks = {
            c
            for c in written
            if not c.isspace() and not (c.isascii() and (c.isalnum() or c in _LINK_MARKS))
        }
        if not marks or not marks <= _IDNA_DOTS:
            return False
    rest = url.split("://", 1)[-1]
    host, slash, path = rest.partition("/")
    if not slash or not path.strip("/"):
        return False
    labels = [label for label in host.split(".") if label]
    return len(labels) >= 2 and not all(is_word(label) for label in labels[:-1])
