"""Answer block / warn / allow for URLs against one verified bundle, on the device.

Every canonical reading of a URL is expanded into its lookup expressions, each is probed
(Bloom filter, then the 128-bit salted fingerprint), and every confirmed row becomes a Match.
A Bloom hit without a fingerprint match is not a match: that is what makes forging a hit
cost ~2^128 / n hash evaluations instead of seconds.

Fail closed: a URL the canonicaliser refuses because of a limit (length, escape depth) is
still checked on its host when the host can be read, and such a verdict says it is
incomplete; with no match, an incomplete check answers the app's ``incomplete_action``
(default ``warn``), never a silent ``allow``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from ._appschemes import MAX_APP_DEPTH, NON_WEB_SCHEMES, opened_urls, scheme_of
from ._evidence import (
    LINK_TECHNIQUES,
    PROSE_TECHNIQUES,
    ellipsis_reading,
    spaced_sentence,
    weigh,
)
from ._fastnew import builder
from ._fold import has_control, without_controls
from ._probe import Checked, NativeProbe, Probe, make_probe
from ._readings import OTHER_SCHEMES, host_of
from ._salvage import (
    digit_address,
    host_parts,
    salvaged_urls,
    shown_urls,
    templated,
    written_web_scheme,
)
from ._surrogates import LONE_SURROGATE, as_read, as_shown
from ._wrappers import WrapperRule, default_rules, scan_may_wrap, targets
from .bundle import Bundle
from .bundle.format import SHORTENER_POLICY_WARN, fingerprint
from .canonical import (
    MAX_URL_CHARS,
    WEB_SCHEMES,
    canonical_variants,
    head_variants,
    host_only_variants,
)
from .conversation import Context, Conversation
from .errors import InvalidURLError, URLLimitError
from .expressions import canonical_expressions
from .extract import Candidate, extract_links
from .psl import top_level_domains
from .results import (
    Action,
    Finding,
    Findings,
    Match,
    MatchKind,
    Signal,
    Technique,
    Tier,
    Verdict,
    unlisted_verdict,
)
from .shortlinks import shortener_of

__all__ = ["Matcher"]

_ALLOW = Action.ALLOW
#: A web URL written plainly: a web scheme and an authority of host characters only.
_PLAIN_AUTHORITY = re.compile(
    r"(?:[Hh][Tt][Tt][Pp][Ss]?|[Ff][Tt][Pp])://[\w.\-~:@\[\]]*(?:[/?#]|$)"
)
#: How much of a URL's path ``check_url`` also reads as ``scan_text`` does, past a host in
#: other scripts (its host and the start of its path, where a look-alike reading lives).
_SCANNED_URL_CHARS = 256

#: Path cuts tried, longest first, when a URL is past a canonicaliser limit.
_PREFIX_TRIES = 8
_AUTHORITY = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[\\/]*[^/\\?#]*")
_SCHEME_END = re.compile(r"[\x00-\x20]*[A-Za-z][A-Za-z0-9+.\-]*:[/\\]*")
_IP_HOST = re.compile(r"\[|\d+\.\d+\.\d+\.\d+\Z")
#: Chat marks glued after a schemeless token (``jqxvw.example!!``, ``jqxvw.example:)``):
#: ``check_url`` reads such a string as ``scan_text`` reads it (ADR 0012, eighth session).
_CHAT_TAIL = re.compile(r"[A-Za-z0-9](?:[!?]+|[:;]-?[()DPpO3|]+|<3+)$")
_CHAT_LAST = frozenset("!?()DPpO3|")
#: What may hide a host's characters in a written authority: an escape or a space.
_HIDING = re.compile(r"%|\s")


def _readable_prefixes(url: str) -> list[str]:
    """Shorter forms of a URL the canonicaliser refused, longest first, that keep its scheme,
    host and first path segments: without its fragment, without its query, then cut after
    each of its last ``_PREFIX_TRIES`` slashes within ``MAX_URL_CHARS``."""
    found = []
    head = url.partition("#")[0]
    if head != url:
        found.append(head)
    base = head.partition("?")[0]
    if base != head:
        found.append(base)
    authority = _AUTHORITY.match(base)
    if authority is None:
        return found
    after = authority.end()
    cut = base.rfind("/", after, min(len(base), MAX_URL_CHARS))
    while cut > after and len(found) < _PREFIX_TRIES + 2:
        found.append(base[: cut + 1])
        cut = base.rfind("/", after, cut)
    return found


@dataclass(frozen=True, slots=True)
class _Plan:
    """What checking one URL string takes: its readings and their lookup expressions."""

    canonical: str | None
    expressions: tuple[str, ...]
    error: str | None = None
    signals: tuple[Signal, ...] = ()
    notes: tuple[str, ...] = ()
    shortened: bool = False
    techniques: tuple[Technique, ...] = ()  # how the URL was read (an app-launch scheme)

    @property
    def complete(self) -> bool:
        return not self.signals


#: A redirect target that is a host name, a port and a path, with no scheme (``_target``).
_BARE_HOST = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]*(?::[0-9]+)?(?:[/?#]|$)")


class Matcher:
    """Immutable and thread-safe: share one per bundle across the app.

    ``incomplete_action`` is the app's policy for a check that a limit cut short (a URL too
    long or too deeply escaped to read past its host, a message past the scanned length):
    the verdict is at least this action. The default ``warn`` never lets a cut pass silently.
    A Matcher keeps what it needs of its bundle, so it goes on working after ``bundle.close()``.
    """

    __slots__ = (
        "_bundle",
        "_incomplete",
        "_nothing",
        "_payload",
        "_probe",
        "_psl",
        "_readings",
        "_rules",
        "_screen",
        "_shortened_action",
        "_shortener_policy",
        "_shorteners",
        "_tld_set",
        "_wrap_rules",
    )

    def __init__(self, bundle: Bundle, *, incomplete_action: Action = Action.WARN) -> None:
        self._bundle = bundle
        self._payload = bundle.payload
        self._psl = bundle.public_suffix_list  # host expressions from the server's own list
        self._shorteners = bundle.shortener_domains
        self._shortener_policy = bundle.shortener_policy
        self._probe: Probe = make_probe(bundle)
        native = self._probe if isinstance(self._probe, NativeProbe) else None
        self._screen = None if native is None else native.screen
        self._readings = None if native is None else native.readings
        warn = self._shortener_policy == SHORTENER_POLICY_WARN
        self._shortened_action = Action.WARN if warn else Action.ALLOW
        self._incomplete = Action(incomplete_action)
        self._nothing = Findings((), (), self._incomplete)  # immutable: shared by every call
        self._tld_set = self._bundle_tlds()
        self._rules = self._bundle_rules()
        # what extract_links unwraps with: the SDK's own list, then the bundle's
        self._wrap_rules = (*default_rules(), *self._rules) if self._rules else default_rules()
        if native is not None:  # the C screen flags a URL on a wrapper's host (attack 16, I)
            # (and Proofpoint v3's, which _wrappers reads on any urldefense.com host)
            native.set_wrapper_hosts(
                [*(rule.host for rule in self._wrap_rules), "*.urldefense.com"]
            )

    @property
    def bundle(self) -> Bundle:
        return self._bundle

    @property
    def incomplete_action(self) -> Action:
        """What an incomplete check answers at least (the app's policy; default ``warn``)."""
        return self._incomplete

    @property
    def uses_native(self) -> bool:
        """Whether this matcher probes with the C core."""
        return isinstance(self._probe, NativeProbe)

    def check_url(self, url: str, techniques: Iterable[str] = ()) -> Verdict:
        """The verdict for one URL, checking every reading a browser or other parser may take.

        A URL past a canonicaliser limit is checked on its host (``Verdict.host_only``); one
        whose host cannot be read either is ``unchecked``. Both are incomplete and answer at
        least ``incomplete_action``. A string that is no web URL at all (``javascript:``) is
        ``allow`` with ``error`` saying why. A URL whose host is written in other scripts,
        or whose scheme or host is not plainly written (``h**p://``, ``host%20``, ``host<``),
        answers at least what ``scan_text`` answers for it (ADR 0029).
        """
        if not url.isascii():
            verdict = self._unwrapped(url, self._general(url, techniques), techniques)
        else:
            verdict, plain = self._ascii_check(url, techniques)
            if plain:
                return verdict  # the common case: a plainly written web URL
            if "//" not in url[:16] and "%" not in url:
                # (a scheme-less one with escapes is read as text too: "jqxvw%C2%B7example",
                # attack 16 E11)
                if (
                    url[-1:] in _CHAT_LAST
                    and verdict.action is not Action.BLOCK
                    and _CHAT_TAIL.search(url, max(0, len(url) - 12)) is not None
                ):
                    # "jqxvw.example!!", "jqxvw.example:)": a tapped token with the chat
                    # marks glued after it, read as scan_text reads the same token
                    return self._as_scanned(url, verdict)
                return verdict  # no authority: a bare name, as the app passed it
        if verdict.action is Action.BLOCK:
            return verdict
        head = _AUTHORITY.match(url)
        authority = head.group() if head is not None else url[:_SCANNED_URL_CHARS]
        hidden = _HIDING.search(authority) is not None
        if not url.isascii() and authority.isascii() and not hidden:
            return verdict
        # a host in other scripts may hide a look-alike or a dot that a browser reads as a
        # letter (U+2024, U+FE52), a defanged scheme or a stray mark a host: read as text too
        written = url[: len(authority) + _SCANNED_URL_CHARS]
        verdict = self._as_scanned(written, verdict)
        if hidden and verdict.action is not Action.BLOCK:
            # escapes or spaces in the host, which the browser refuses: also read as a
            # client that shows the host decoded draws it, and without its spaces
            for shown in shown_urls(written, len(authority)):
                verdict = self._as_scanned(shown, verdict)
        return verdict

    def _ascii_check(self, url: str, techniques: Iterable[str]) -> tuple[Verdict, bool]:
        """``check_url`` of an ASCII URL, and whether the URL is plainly written (a web
        scheme, an authority of host characters: ``LS_SCREEN_ODD`` unset); the C core's one
        call answers every plainly written URL it can read whole."""
        screen = self._screen
        if screen is not None:
            # the C core, one call (ls_bundle_screen_url): a URL without control characters
            # whose check is complete is answered here, the common one (no match) cheaply,
            # with its readings read from C only if the app asks for them
            found = screen(url)
            if found is False or found is True:  # what _verdict answers with no match
                kinds = tuple(map(Technique, techniques)) if techniques else ()
                action = self._shortened_action if found else _ALLOW
                # the C core answers a bool only when no redirect target with a scheme can
                # be in the URL (LS_SCREEN_WRAPPED: a second "://", a '%'), the common case
                return unlisted_verdict(url, action, kinds, found, self._readings), True  # type: ignore[arg-type]
            if isinstance(found, int):  # 0 or 1: the same, but a redirect target may be in it
                kinds = tuple(map(Technique, techniques)) if techniques else ()
                action = self._shortened_action if found else _ALLOW
                verdict = unlisted_verdict(url, action, kinds, bool(found), self._readings)  # type: ignore[arg-type]
                return self._unwrapped(url, verdict, techniques), True
            if found is not None:
                verdict = self._found_verdict(url, found, techniques)
                return self._unwrapped(url, verdict, techniques), True
        plain = _PLAIN_AUTHORITY.match(url) is not None and "\\" not in url
        return self._unwrapped(url, self._general(url, techniques), techniques), plain

    def _as_scanned(self, written: str, verdict: Verdict) -> Verdict:
        """``verdict`` of a URL whose host is not plain ASCII, or, when ``scan_text`` of
        ``written`` (the URL to its host and ``_SCANNED_URL_CHARS`` more) answers more
        severely (a look-alike host, a dot look-alike, an invisible character; ADR 0029),
        that answer: ``check_url`` never answers less than the same link in a message."""
        url = verdict.url
        found = self.scan_text(written)
        # the URL itself was read by its own plan: a limit of the extra reading (16 joints)
        # leaves that plan complete, so only the findings count here
        worst = max(found, key=lambda f: f.action.severity, default=None)
        if worst is None or worst.action.severity <= verdict.action.severity:
            return verdict
        action = worst.action
        signals = verdict.signals
        notes = verdict.notes
        read = worst.verdict
        kinds = ", ".join(str(t) for t in worst.techniques) or "as written"
        note = f"read as {worst.url[:200]!r} ({kinds}), as scan_text reads it in a message"
        return Verdict(
            url,
            action,
            read.matches,
            verdict.canonical,
            tuple(dict.fromkeys((*verdict.expressions, *read.expressions))),
            tuple(dict.fromkeys((*verdict.techniques, *worst.techniques))),
            verdict.error,
            verdict.shortened or read.shortened,
            tuple(dict.fromkeys((*signals, *read.signals))),
            (*notes, *read.notes, note),
        )

    def _general(self, url: str, techniques: Iterable[str]) -> Verdict:
        """The verdict of ``url`` itself (no redirect target) off the C core's common path."""
        if not url.isascii() and LONE_SURROGATE.search(url) is not None:
            return self._check_surrogates(url, tuple(techniques))
        if has_control(url):
            # a control character (NUL, C1...) that a text view draws as nothing: the URL
            # is checked as shown (without it) too, and the more severe verdict stands
            shown = self._check(without_controls(url), (*techniques, Technique.INVISIBLE))
            written = self._check(url, techniques)
            return shown if shown.action.severity >= written.action.severity else written
        return self._check(url, techniques)

    def _target(self, url: str, techniques: tuple[str, ...]) -> Verdict:
        """The verdict of a redirect target itself (its own targets are among the wrapper's:
        ``targets`` reads them to ``MAX_WRAP_DEPTH``), through the C core's one call where it
        answers (a target on a wrapper such as Mimecast's ``domain=`` costs ~2 µs, not the
        ~20 µs of the pure path; attack 16)."""
        if _BARE_HOST.match(url):
            # a rule's target without a scheme ("forms.office.com" of Mimecast's domain=) is
            # what the canonicaliser reads as http://: checked so in both paths (the C screen
            # answers it, not as a URL that is not plainly written)
            url = "http://" + url
        screen = self._screen
        if screen is not None and url.isascii():
            found = screen(url)
            if isinstance(found, int):  # False, True, 0 or 1: complete, nothing matched
                kinds = tuple(map(Technique, techniques))
                action = self._shortened_action if found else _ALLOW
                return unlisted_verdict(url, action, kinds, bool(found), self._readings)  # type: ignore[arg-type]
            if found is not None:
                return self._found_verdict(url, found, techniques)
        return self._general(url, techniques)

    def _unwrapped(self, url: str, verdict: Verdict, techniques: Iterable[str]) -> Verdict:
        """``verdict`` of ``url``, or, when a redirect target ``url`` carries (a wrapper:
        ``google.com/url?q=``, ``l.php?u=``...; the readings ``scan_text`` takes, technique
        ``wrapper``) answers more severely, that answer for ``url``, with a note naming the
        target. Targets nested or encoded past what can be read make the verdict incomplete
        (``unchecked``), as they make a scan incomplete."""
        rules = self._wrap_rules
        if not scan_may_wrap(url, rules):  # the extractor's gate: every shape targets() reads
            return verdict
        unread: list[str] = []
        found = targets(url, rules, unread)
        if not found and not unread:
            return verdict
        wrapped = (*techniques, Technique.WRAPPER)
        worst: Verdict | None = None
        for target in found:
            checked = self._target(target, wrapped)
            if worst is None or checked.action.severity > worst.action.severity:
                worst = checked
        if (worst is None or worst.action.severity <= verdict.action.severity) and not unread:
            return verdict
        expressions = verdict.expressions
        if worst is None or worst.action.severity <= verdict.action.severity:
            worst = verdict
            action = verdict.action
            notes = verdict.notes
            matches = verdict.matches
        else:
            action = worst.action
            lists = ", ".join(worst.lists) or "no list"
            note = f"the redirect target {worst.url[:200]!r} answered {action} ({lists})"
            notes = (*verdict.notes, *worst.notes, note)
            matches = worst.matches
            expressions = tuple(dict.fromkeys((*expressions, *worst.expressions)))
        signals = tuple(dict.fromkeys((*verdict.signals, *worst.signals)))
        if unread:
            signals = tuple(dict.fromkeys((*signals, Signal.UNCHECKED)))
            notes = (*notes, *(f"not checked: {why}" for why in unread))
            if self._incomplete.severity > action.severity:
                action = self._incomplete
        kinds = tuple(dict.fromkeys((*verdict.techniques, Technique.WRAPPER)))
        return Verdict(
            url,
            action,
            matches,
            verdict.canonical,
            expressions,
            kinds,
            verdict.error,
            verdict.shortened,
            signals,
            notes,
        )

    def _check_surrogates(self, url: str, techniques: tuple[str, ...]) -> Verdict:
        """A URL holding a lone surrogate (broken UTF-16), checked as a browser reads it
        (each one U+FFFD) and as a text view shows it (without them); the more severe
        verdict stands, for ``url``. When the browser reading cannot be read (a surrogate in
        the host) but the shown one can, what a client opens is not known: the verdict is
        incomplete (``unchecked``), at least ``incomplete_action``."""
        read = self._general(as_read(url), techniques)
        shown = self._general(as_shown(url), (*techniques, Technique.INVISIBLE))
        verdict = read if read.action.severity >= shown.action.severity else shown
        if read.canonical is None and not read.expressions and shown.expressions:
            verdict = shown
            note = "a lone surrogate (broken UTF-16) makes the link unreadable as a browser "
            note += f"reads it ({read.error}): it was checked as shown without it; what a "
            note += "client opens for it cannot be known"
            action = verdict.action
            if self._incomplete.severity > action.severity:
                action = self._incomplete
            signals = tuple(dict.fromkeys((*verdict.signals, Signal.UNCHECKED)))
            return replace(
                verdict, url=url, action=action, signals=signals, notes=(*verdict.notes, note)
            )
        return replace(verdict, url=url)

    def _check(self, url: str, techniques: Iterable[str] = ()) -> Verdict:
        probe = self._probe
        found = None
        if isinstance(probe, NativeProbe) and not _odd_authority(url):
            found = probe.check(url)
        if found is not None:
            return self._found_verdict(url, found, techniques)
        kinds = tuple(map(Technique, techniques)) if techniques else ()
        plan = self._plan(url)
        if plan.techniques:
            kinds = tuple(dict.fromkeys((*kinds, *plan.techniques)))
        rows = probe.lookup(list(plan.expressions)) if plan.expressions else []
        matches = self._matches(plan.expressions, rows)
        return self._verdict(url, plan, matches, kinds, weigh(url, kinds, (), matches, False))

    def _found_verdict(self, url: str, found: Checked, techniques: Iterable[str]) -> Verdict:
        """The verdict from what the C core found in one call from the raw URL (the
        browser reading, the expressions, the matching rows)."""
        kinds = tuple(map(Technique, techniques)) if techniques else ()
        canonical, expressions, hits, shortened = found
        if not hits:  # what _verdict answers for a complete check with no match
            action = self._shortened_action if shortened else Action.ALLOW
            return Verdict(url, action, (), canonical, expressions, kinds, None, shortened)
        matches = self._row_matches(expressions, hits)
        plan = _Plan(canonical, expressions, shortened=shortened)
        return self._verdict(url, plan, matches, kinds, weigh(url, kinds, (), matches, False))

    def scan_text(
        self,
        text: str,
        context_hosts: Iterable[str] = (),
        *,
        context: Conversation | None = None,
    ) -> Findings:
        """One finding per candidate link in ``text`` (strict and loose), in text order.

        ``context_hosts`` are hosts the conversation is about, for host-less paths
        ("content/123"); see :func:`linkscreen.extract_links`. ``context`` is the message's
        :class:`linkscreen.Conversation`: its recent hosts and paths are joined with this
        message's, and this message's are remembered for the next. Every distinct lookup
        expression of the message is probed once. ``Findings.complete`` is False when a limit
        cut the scan short; ``Findings.action`` is then at least ``incomplete_action``.
        """
        hosts = list(context_hosts)
        paths: tuple[str, ...] = ()
        state: Context | None = None
        if context is not None:
            state = context.context()  # one consistent reading of the conversation
            hosts = [*state.hosts, *hosts]
            paths = state.paths
        candidates = extract_links(
            text,
            hosts,
            tlds=self._tld_set,
            context_paths=paths,
            wrappers=self._rules,
            spoken_hosts=context is not None,
            spoken_paths="/" in text,
        )
        trimmed: list[str] = []
        if context is not None and state is not None:
            plain = [host_of(c.url)[0].lower() for c in candidates if c.tier is Tier.STRICT]
            context.remember(candidates.hosts, candidates.paths, plain)
            trimmed = _trimmed_context(state, candidates.hosts, candidates.paths)
        if not candidates and not candidates.notes and not trimmed:
            return self._nothing  # chat: nothing that could be a link
        plans: dict[str, _Plan] = {}
        for candidate in candidates:
            if candidate.url not in plans:
                plans[candidate.url] = self._plan(candidate.url, schemes=False)
        found: dict[str, tuple[Match, ...]] = {}  # the matches of each distinct reading
        if len(plans) == 1:  # the common case: one link, its expressions probed as they are
            ((url, plan),) = plans.items()
            wanted = list(plan.expressions)
            if len(set(wanted)) < len(wanted):  # (a repeat is probed once)
                wanted = list(dict.fromkeys(wanted))
                row_of = dict(zip(wanted, self._probe.lookup(wanted), strict=True))
                rows = [row_of[e] for e in plan.expressions]
            else:
                rows = self._probe.lookup(wanted) if wanted else []
            found[url] = self._matches(plan.expressions, rows) if rows and max(rows) >= 0 else ()
        else:
            wanted = list(dict.fromkeys(e for plan in plans.values() for e in plan.expressions))
            row_of = dict(zip(wanted, self._probe.lookup(wanted), strict=True)) if wanted else {}
            for url, plan in plans.items():
                rows = [row_of[e] for e in plan.expressions]
                if rows and max(rows) >= 0:  # some expression is listed
                    found[url] = self._matches(plan.expressions, rows)
                else:
                    found[url] = ()
        matched: list[tuple[Candidate, _Plan, tuple[Match, ...]]] = []
        clean: set[str] = set()  # entries matched by readings with no prose, code or look-alike
        judged_clean: set[tuple[str, tuple[Technique, ...], tuple[Signal, ...]]] = set()
        for candidate in candidates:
            plan = plans[candidate.url]
            matches = found[candidate.url]
            matched.append((candidate, plan, matches))
            if not matches:
                continue
            # whether a reading is clean is a function of its text, techniques and signals
            # (and its matches of its text): a repeat adds nothing to ``clean``
            same = (candidate.url, candidate.techniques, candidate.signals)
            if same in judged_clean:
                continue
            judged_clean.add(same)
            if not (
                set(candidate.techniques) & PROSE_TECHNIQUES
                or Signal.CODE in candidate.signals
                or Signal.CODE_LIKE in candidate.signals
                or Signal.PROSE in candidate.signals
                or Signal.LOOKALIKE in candidate.signals
                or ellipsis_reading(candidate.url)
                or _spaced_sentence(candidate, text)
            ):
                clean.update(m.expression for m in matches)
        chosen: dict[tuple[int, int], Finding] = {}
        notes = [*candidates.notes, *trimmed]
        # a reading that matched nothing has the verdict of its text and techniques alone
        # (weigh judges only matches): one Verdict serves each repeat of it in the message
        unmatched: dict[tuple[str, tuple[Technique, ...], tuple[Signal, ...]], Verdict] = {}
        weighed: dict[tuple[object, bool], Verdict] = {}  # a matched reading's, by evidence
        ends: dict[int, list[Candidate]] | None = None
        corroboration: dict[str, bool] = {}
        for candidate, plan, matches in matched:
            if candidate.tier is not Tier.STRICT and not matches and plan.complete:
                continue  # a loose reading that matched nothing is not shown
            if matches:
                corroborated = corroboration.get(candidate.url)
                if corroborated is None:  # a function of the matches, so of the url
                    corroborated = any(m.expression in clean for m in matches)
                    corroboration[candidate.url] = corroborated
                evidence = candidate.techniques
                if _borrowed_evidence(candidate, matches):
                    if ends is None:
                        ends = {}
                        for other in candidates:
                            ends.setdefault(other.end, []).append(other)
                    evidence = _own_evidence(candidate, matches, ends[candidate.end], found)
                # weigh is a function of its arguments, and plan and matches of the url: one
                # Verdict serves each repeat of the same reading with the same evidence (the
                # written span counts only for a dot look-alike, _path_corroborates, and
                # a space before an ellipsis, spaced_ellipsis)
                written = (
                    text[candidate.start : candidate.end]
                    if Technique.DOT_VARIANT in evidence
                    or (Technique.SPACING in evidence and ellipsis_reading(candidate.url))
                    else ""
                )
                sentence = _spaced_sentence(candidate, text, evidence)
                again = (
                    candidate.url,
                    evidence,
                    candidate.techniques,
                    candidate.signals,
                    written,
                    sentence,
                )
                known = weighed.get((again, corroborated))
                if known is None:
                    judged = weigh(
                        candidate.url,
                        evidence,
                        candidate.signals,
                        matches,
                        corroborated,
                        written=written,
                        sentence=sentence,
                    )
                    known = self._verdict(
                        candidate.url, plan, matches, candidate.techniques, judged
                    )
                    weighed[(again, corroborated)] = known
                verdict = known
            else:
                same = (candidate.url, candidate.techniques, candidate.signals)
                known = unmatched.get(same)
                if known is None:
                    judged = weigh(
                        candidate.url, candidate.techniques, candidate.signals, (), False
                    )
                    known = self._verdict(candidate.url, plan, (), candidate.techniques, judged)
                    if judged == _UNJUDGED:
                        unmatched[same] = known
                verdict = known
            finding = _finding(candidate, verdict)
            key = (candidate.start, candidate.end)
            held = chosen.get(key)
            if held is None or _rank(finding) > _rank(held):
                chosen[key] = finding
            if not plan.complete:
                notes.extend(f"{candidate.url[:80]!r}: {note}" for note in plan.notes)
        if len(chosen) == 1:
            findings = list(chosen.values())
        else:
            findings = sorted(chosen.values(), key=lambda f: (f.start, -f.end))
        return Findings(findings, notes, self._incomplete)

    def _bundle_tlds(self) -> frozenset[str] | None:
        """The top-level domains of the bundle's Public Suffix List (computed once per list)."""
        return self._psl.top_level_domains()

    def _bundle_rules(self) -> tuple[WrapperRule, ...]:
        """The operator's redirect-wrapper rules from the bundle (section 8, checked on open);
        extraction applies them in addition to the SDK's own list."""
        return self._bundle.redirect_wrappers

    def _plan(self, url: str, schemes: bool = True) -> _Plan:
        """How to check ``url``; ``schemes=False`` leaves a refused scheme refused (for the
        extractor's readings: it reads app-launch and unknown schemes itself)."""
        refused: list[InvalidURLError] = []
        try:
            variants = canonical_variants(url, refused)
        except URLLimitError as exc:
            return self._host_only_plan(url, exc)
        except InvalidURLError as exc:
            head = self._head_plan(url, exc)
            if head is not None:
                return head
            salvaged = self._salvaged_plan(url, exc, schemes)
            if salvaged is not None:
                return salvaged
            if schemes:
                return self._scheme_plan(url, exc)
            return _Plan(None, (), exc.reason)
        if not url.isascii():
            address = digit_address(url)
            if address is not None:  # an address in the digits of another script
                try:
                    read = canonical_variants(address)
                except InvalidURLError:
                    read = []  # "٣٠٠.٠.٠.١" names no address: the IDN host alone
                variants.extend(v for v in read if v not in variants)
        psl = self._psl
        if len(variants) == 1:
            expressions = tuple(canonical_expressions(variants[0], psl))
        else:
            expressions = tuple(
                dict.fromkeys(e for v in variants for e in canonical_expressions(v, psl))
            )
        shortened = shortener_of(variants[0], self._shorteners) is not None
        if refused and written_web_scheme(url) is not None:
            # the browser refuses it ("https://10.0.0.999\\x"); another parser's reading is
            # not what a person reads: checked as the refused host too, incomplete
            salvaged = self._salvaged_plan(url, refused[0], True)
            if salvaged is None:  # template syntax in the host: no host anyone reads
                return _Plan(variants[0], expressions, shortened=shortened)
            return replace(
                salvaged,
                expressions=tuple(dict.fromkeys((*salvaged.expressions, *expressions))),
                shortened=shortened or salvaged.shortened,
            )
        return _Plan(variants[0], expressions, shortened=shortened)

    def _head_plan(self, url: str, refused: InvalidURLError) -> _Plan | None:
        """A web URL refused for a port that is no number or a stray ``%`` in its host,
        checked without that part (``canonical.head_variants``; ADR 0027, attack 11).

        A browser opens no such URL; an autolinker links the host before the bad part, and
        no list entry names a port or a host with a stray ``%``, so the check of the rest is
        complete: a listed host or path blocks, an unlisted one answers ``allow``, and the
        verdict's ``error`` and a note say what was not read."""
        try:
            head = head_variants(url)
        except InvalidURLError:
            return None
        if head is None:
            return None
        variants, dropped = head
        psl = self._psl
        expressions = tuple(
            dict.fromkeys(e for v in variants for e in canonical_expressions(v, psl))
        )
        note = f"{dropped[:40]!r} cannot be read as part of a host or port (a browser "
        note += "refuses the URL): "
        note += f"checked as {variants[0][:80]!r} without it"
        shortened = shortener_of(variants[0], self._shorteners) is not None
        return _Plan(variants[0], expressions, refused.reason, (), (note,), shortened)

    def _salvaged_plan(self, url: str, refused: InvalidURLError, strict: bool) -> _Plan | None:
        """A web URL refused for its host (``http://192.0.2.256/``, ``http://[a.example]/``,
        digits of another script), checked as a person reads its host (``_salvage``;
        ADR 0029). A browser opens no such URL, so what a client opens for it cannot be
        known: the plan is incomplete (``unchecked``), never a silent ``allow``.

        ``strict`` (``check_url``: a URL an app is about to open): every web URL refused
        so is incomplete. Else (a reading of message text) None when nothing in it reads as
        a dotted name or address (``http://<your-domain>/``), and a name in brackets that
        matches nothing is a placeholder (``https://[your.domain]/``): complete."""
        if written_web_scheme(url) is None:
            return None
        readings = salvaged_urls(url)
        parts = host_parts(url)
        if not readings and (not strict or templated(url)):
            return None  # "http://<your-domain>/", "https://${HOST}/": no host to read
        psl = self._psl
        found: list[str] = []
        checked: list[str] = []
        for reading in readings:
            try:
                variants = canonical_variants(reading)
            except InvalidURLError:
                continue
            found.extend(e for v in variants for e in canonical_expressions(v, psl))
            checked.append(variants[0])
        note = f"the host of {url[:80]!r} cannot be read ({refused.reason}): a browser "
        note += "refuses the URL and what another client opens for it cannot be known; "
        if checked:
            note += "checked as " + ", ".join(repr(c[:80]) for c in checked)
        else:
            note += "not checked: no reading of its host is a host"
        shortened = bool(checked) and shortener_of(checked[0], self._shorteners) is not None
        placeholder = not strict and parts is not None and parts[3] and checked
        return _Plan(
            checked[0] if checked else None,
            tuple(dict.fromkeys(found)),
            refused.reason,
            () if placeholder else (Signal.UNCHECKED,),
            () if placeholder else (note,),
            shortened,
        )

    def _scheme_plan(self, url: str, refused: InvalidURLError) -> _Plan:
        """A URL the canonicaliser refused, read as far as its scheme allows (ADR 0027).

        An app-launch scheme (``intent://``, ``googlechromes://``...) is checked as the web
        URLs it opens. Any other scheme this SDK does not know, whose rest reads as a web
        host, is checked as ``http://`` + that rest and is incomplete (``unknown-scheme``):
        what the app behind it opens cannot be known. A web scheme refused for its own
        reasons, or a known non-web scheme (``javascript:``, ``mailto:``), stays refused.
        """
        opened = opened_urls(url)
        if opened is not None and (opened[0].urls or opened[1]):
            return self._app_plan(opened[0].scheme, opened[0].urls, opened[1], refused)
        scheme = scheme_of(url)
        if scheme is None or scheme in WEB_SCHEMES or scheme in NON_WEB_SCHEMES:
            return _Plan(None, (), refused.reason)
        parts = re.split(r"[.+]", scheme)
        web = next((part for part in parts[1:] if part in WEB_SCHEMES), None)
        if web is None and not OTHER_SCHEMES.isdisjoint([scheme, *parts]):
            return _Plan(None, (), refused.reason)  # "ssh://", "jdbc:mysql://": understood
        start = _SCHEME_END.match(url)
        repaired = f"{web or 'http'}://" + url[start.end() if start is not None else 0 :]
        plan = self._plan(repaired)
        if not plan.expressions or not self._readable_host(plan.expressions[0]):
            return _Plan(None, (), refused.reason)
        shown = plan.canonical or repaired[:80]
        signals = plan.signals
        if web is None:
            signals = tuple(dict.fromkeys((*signals, Signal.UNKNOWN_SCHEME)))
            note = f"{scheme!r} is a scheme this SDK does not know: what follows it was "
            note += f"checked as the web address {shown!r}, not what its app opens"
        else:  # "git+https://": a tool's prefix on a web URL, which is what it fetches
            note = f"{scheme!r} was checked as the web address {shown!r}"
        return _Plan(
            plan.canonical,
            plan.expressions,
            refused.reason if web is None else plan.error,
            signals,
            (*plan.notes, note),
            plan.shortened,
            (Technique.SCHEME_REPAIR,),
        )

    def _app_plan(
        self, scheme: str, urls: tuple[str, ...], cut: bool, refused: InvalidURLError
    ) -> _Plan:
        """The plans of the web URLs an app-launch URL opens, as one plan; incomplete when
        app-launch URLs nested past ``MAX_APP_DEPTH`` were left unread."""
        plans = [self._plan(target) for target in urls]
        shown = ", ".join(repr(target[:80]) for target in urls) or "nothing readable"
        notes = [f"an app-launch URL ({scheme}:) read as the web address it opens: {shown}"]
        signals = [s for plan in plans for s in plan.signals]
        if cut:
            signals.append(Signal.UNCHECKED)
            notes.append(f"not checked: app-launch URLs nested past {MAX_APP_DEPTH} levels")
        notes.extend(n for plan in plans for n in plan.notes)
        expressions = tuple(dict.fromkeys(e for plan in plans for e in plan.expressions))
        errors = [plan.error for plan in plans if plan.error is not None]
        techniques = (Technique.APP_SCHEME, *(t for plan in plans for t in plan.techniques))
        error = None
        if not expressions:
            error = f"{refused.reason}; it opens {shown}: {errors[0] if errors else 'no host'}"
        return _Plan(
            next((plan.canonical for plan in plans if plan.canonical is not None), None),
            expressions,
            error,
            tuple(dict.fromkeys(signals)),
            tuple(notes) if signals or expressions else (),
            any(plan.shortened for plan in plans),
            tuple(dict.fromkeys(techniques)),
        )

    def _readable_host(self, expression: str) -> bool:
        """Whether an expression's host is one a link could name: its last label is a
        top-level domain of the bundle's Public Suffix List, or it is an IP address."""
        host = expression.partition("/")[0]
        tlds = self._tld_set if self._tld_set is not None else top_level_domains()
        return host.rpartition(".")[2] in tlds or _IP_HOST.match(host) is not None

    def _host_only_plan(self, url: str, limit: URLLimitError) -> _Plan:
        try:
            hosts = host_only_variants(url)
        except InvalidURLError as exc:
            reason = f"not checked: {limit.reason}; the host cannot be read ({exc.reason})"
            return _Plan(None, (), limit.reason, (Signal.UNCHECKED,), (reason,))
        psl = self._psl
        found = [e for h in hosts for e in canonical_expressions(h, psl)]
        reason = f"only the host was checked: {limit.reason}"
        for prefix in _readable_prefixes(url):
            try:
                variants = canonical_variants(prefix)
            except (URLLimitError, InvalidURLError):
                continue
            # the path as far as it can be read: a listed path prefix there still matches
            found.extend(e for v in variants for e in canonical_expressions(v, psl))
            shown = prefix if len(prefix) <= 80 else f"{prefix[:60]}...{prefix[-16:]}"
            reason = f"only the host and the start of the path ({shown!r}) were checked: "
            reason += limit.reason
            break
        expressions = tuple(dict.fromkeys(found))
        return _Plan(None, expressions, limit.reason, (Signal.HOST_ONLY,), (reason,))

    def _verdict(
        self,
        url: str,
        plan: _Plan,
        matches: tuple[Match, ...],
        techniques: tuple[Technique, ...],
        judged: tuple[Action | None, tuple[Signal, ...], tuple[str, ...]],
    ) -> Verdict:
        cap, signals, notes = judged
        if matches:
            action = matches[0].action
            if cap is not None and cap.severity < action.severity:
                action = cap
        elif plan.shortened and self._shortener_policy == SHORTENER_POLICY_WARN:
            action = Action.WARN
        else:
            action = Action.ALLOW
        if not plan.complete and self._incomplete.severity > action.severity:
            action = self._incomplete
        if plan.techniques:
            techniques = tuple(dict.fromkeys((*techniques, *plan.techniques)))
        return _new_verdict(
            url,
            action,
            matches,
            plan.canonical,
            plan.expressions,
            techniques,
            plan.error,
            plan.shortened,
            (*plan.signals, *signals),
            (*plan.notes, *notes),
        )

    def _matches(self, expressions: Iterable[str], rows: list[int]) -> tuple[Match, ...]:
        found: list[Match] = []
        payload = self._payload
        salt = payload.header.salt
        for expression, row in zip(expressions, rows, strict=True):
            if row < 0:
                continue
            kind = MatchKind.of(expression)
            # Every row with this fingerprint: an expression on several lists has one each.
            for match in payload.table.find(fingerprint(salt, expression.encode("ascii"))):
                info = payload.lists[payload.tag(match)]
                found.append(Match(info.id, info.action, info.category, kind, expression, info))
        found.sort(key=lambda m: -m.action.severity)
        return tuple(found)

    def _row_matches(
        self, expressions: tuple[str, ...], hits: Iterable[tuple[int, int, int]]
    ) -> tuple[Match, ...]:
        """:meth:`_matches` from the rows the C core found: (expression, first row, end)."""
        found: list[Match] = []
        payload = self._payload
        for index, first, end in hits:
            expression = expressions[index]
            kind = MatchKind.of(expression)
            for row in range(first, end):
                info = payload.lists[payload.tag(row)]
                found.append(Match(info.id, info.action, info.category, kind, expression, info))
        found.sort(key=lambda m: -m.action.severity)
        return tuple(found)


def _odd_authority(url: str) -> bool:
    """Whether ``url`` may hold a backslash or an escape in its authority, where parsers
    disagree and the browser may refuse what another reads (the pure plan decides)."""
    if "\\" in url:
        return True
    if "%" not in url:
        return False
    head = _AUTHORITY.match(url)
    return head is None or "%" in head.group()


def _trimmed_context(held: Context, hosts: tuple[str, ...], paths: tuple[str, ...]) -> list[str]:
    """Notes for a conversation whose bound pushed out recent entries this message could
    have been joined with: a host-less path after hosts were evicted, a host after paths."""
    notes = []
    if paths and held.hosts_evicted:
        notes.append(
            "the conversation had forgotten recent hosts (its bound): a host-less path of "
            "this message may belong to one and could not be joined with it"
        )
    if hosts and held.paths_evicted:
        notes.append(
            "the conversation had forgotten recent host-less paths (its bound): a host of "
            "this message could not be joined with them"
        )
    return notes


#: What ``weigh`` answers for a reading without matches (no cap, no signal, no note).
_UNJUDGED: tuple[Action | None, tuple[Signal, ...], tuple[str, ...]] = (None, (), ())

_SPECIFICITY = {MatchKind.HOST: 1, MatchKind.PATH_PREFIX: 2, MatchKind.EXACT: 3}


def _spaced_sentence(
    candidate: Candidate, text: str, techniques: tuple[Technique, ...] | None = None
) -> bool:
    """A matched reading that is a spaced sentence of words (``_evidence.spaced_sentence``):
    prose, so it corroborates no other reading and is weighed as prose. ``techniques``: its
    evidence, when not its own techniques. A cheap test of the techniques and the URL first."""
    kinds = candidate.techniques if techniques is None else techniques
    if Technique.SPACING not in kinds and Technique.SPACED_LETTERS not in kinds:
        return False
    url = candidate.url
    return (
        "/" not in url
        and "://" not in url
        and spaced_sentence(url, frozenset(kinds), text, candidate.start, candidate.end)
    )


def _rank(finding: Finding) -> tuple[int, int, bool]:
    """Which reading of one span a finding reports: most severe, then the most specific
    match (an exact page over its host), then strict."""
    matches = finding.verdict.matches
    return (
        finding.action.severity,
        max((_SPECIFICITY[m.kind] for m in matches), default=0),
        finding.tier is Tier.STRICT,
    )


def _borrowed_evidence(candidate: Candidate, matches: tuple[Match, ...]) -> bool:
    """Whether a reading's link evidence may lie outside what matched: a reading with a
    link technique and a prose one (or read as code) whose matches are all whole hosts."""
    kinds = candidate.techniques
    return (
        not LINK_TECHNIQUES.isdisjoint(kinds)
        and (not PROSE_TECHNIQUES.isdisjoint(kinds) or bool(candidate.signals))
        and all(m.kind is MatchKind.HOST for m in matches)
    )


def _own_evidence(
    candidate: Candidate,
    matches: tuple[Match, ...],
    same_end: list[Candidate],
    found: dict[str, tuple[Match, ...]],
) -> tuple[Technique, ...]:
    """The techniques that speak for the part of a reading that matched (ADR 0012, fifth
    round): when a narrower reading ending at the same place matched the same entries
    ("ok~yes，log，in" holds "log，in", which matched ``log.in/``), the link techniques it
    lacks lie in the labels before the matched host and corroborate nothing."""
    wanted = {m.expression for m in matches}
    narrowest: Candidate | None = None
    for other in same_end:
        if (
            other.start > candidate.start
            and (narrowest is None or other.start > narrowest.start)
            and wanted <= {m.expression for m in found[other.url]}
        ):
            narrowest = other
    if narrowest is None:
        return candidate.techniques
    # a redirect target's ``wrapper`` is the wrapper's word for the whole target, not a mark
    # in labels before it ("l.facebook.com/l.php?u=log.in": attack 16, B)
    own = {*narrowest.techniques, Technique.WRAPPER}
    return tuple(t for t in candidate.techniques if t not in LINK_TECHNIQUES or t in own)


def _finding(candidate: Candidate, verdict: Verdict) -> Finding:
    if not verdict.signals or not candidate.signals:
        signals = candidate.signals or verdict.signals
    else:
        signals = tuple(dict.fromkeys([*candidate.signals, *verdict.signals]))
    return _new_finding(
        candidate.start, candidate.end, candidate.url, verdict, candidate.tier, signals
    )


#: ``Finding(*fields)`` and ``Verdict(*fields)`` without the frozen guard's writes
#: (``_fastnew``): one of each per reading shown.
_new_finding = builder(Finding)
_new_verdict = builder(Verdict)
