"""Answer block / warn / allow for URLs against one verified bundle, on the device.

Every canonical reading of a URL is expanded into its lookup expressions, each is probed
(Bloom filter, then the 128-bit salted fingerprint), and every confirmed row becomes a Match.
A Bloom hit without a fingerprint match is not a match: that is what makes forging a hit
cost ~2^128 / n hash evaluations instead of seconds.
"""

from __future__ import annotations

from collections.abc import Iterable

from ._format import FINGERPRINT_BYTES, SHORTENER_POLICY_WARN, tag_at
from ._probe import NativeProbe, Probe, make_probe
from .bundle import Bundle
from .canonical import canonical_variants
from .errors import InvalidURLError
from .expressions import canonical_expressions
from .extract import extract_links
from .results import Action, Finding, Findings, Match, MatchKind, Verdict
from .shortlinks import shortener_of

__all__ = ["Matcher"]


class Matcher:
    """Immutable and thread-safe: share one per bundle across the app."""

    __slots__ = ("_bundle", "_probe")

    def __init__(self, bundle: Bundle) -> None:
        parts = bundle._parts
        self._bundle = bundle
        self._probe: Probe = make_probe(parts)

    @property
    def bundle(self) -> Bundle:
        return self._bundle

    @property
    def uses_native(self) -> bool:
        """Whether this matcher probes with the C core."""
        return isinstance(self._probe, NativeProbe)

    def check_url(self, url: str, techniques: tuple[str, ...] = ()) -> Verdict:
        """The verdict for one URL, checking every reading a browser or other parser may take."""
        try:
            variants = canonical_variants(url)
        except InvalidURLError as exc:
            return Verdict(url, Action.ALLOW, techniques=techniques, error=exc.reason)
        if len(variants) == 1:
            expressions = canonical_expressions(variants[0])
        else:
            expressions = list(
                dict.fromkeys(e for variant in variants for e in canonical_expressions(variant))
            )
        rows = self._probe.lookup(expressions)
        matches = self._matches(expressions, rows)
        shortened = shortener_of(variants[0], self._bundle.shortener_domains) is not None
        if matches:
            action = matches[0].action
        elif shortened and self._bundle.shortener_policy == SHORTENER_POLICY_WARN:
            action = Action.WARN
        else:
            action = Action.ALLOW
        return Verdict(
            url, action, matches, variants[0], tuple(expressions), techniques, None, shortened
        )

    def scan_text(self, text: str, context_hosts: Iterable[str] = ()) -> Findings:
        """One finding per candidate link in ``text`` (strict and loose), in text order.

        ``context_hosts`` are hosts the conversation is about, for host-less paths
        ("content/123"); see :func:`linkscreen.extract_links`.
        """
        candidates = extract_links(text, context_hosts)
        findings = [
            Finding(c.start, c.end, c.url, self.check_url(c.url, c.techniques), c.tier, c.signals)
            for c in candidates
        ]
        return Findings(findings, candidates.notes)

    def _matches(self, expressions: list[str], rows: list[int]) -> tuple[Match, ...]:
        found: list[Match] = []
        parts = self._bundle._parts
        table, count, bits = (
            parts.fingerprints,
            parts.header.fingerprint_count,
            parts.header.tag_bits,
        )
        for expression, row in zip(expressions, rows, strict=True):
            if row < 0:
                continue
            fingerprint = table[row * FINGERPRINT_BYTES : (row + 1) * FINGERPRINT_BYTES]
            while True:  # rows with equal fingerprints: the expression is on several lists
                info = parts.lists[tag_at(parts.tags, bits, row)]
                kind = MatchKind.of(expression)
                found.append(Match(info.id, info.action, info.category, kind, expression))
                row += 1
                if row >= count or (
                    table[row * FINGERPRINT_BYTES : (row + 1) * FINGERPRINT_BYTES] != fingerprint
                ):
                    break
        found.sort(key=lambda m: -m.action.severity)
        return tuple(found)
