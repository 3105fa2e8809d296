"""linkscreen: on-device link matching against signed, hashed URL blocklist bundles.

The safe surface lives here; raw format helpers stay in private modules. Data flows one way:
text -> candidates -> canonical URL -> expressions -> hashes -> probe -> verdict.

Importing the package is cheap on purpose (an app imports it at start-up, on a phone): only
canonicalisation, expressions and the errors load here. Everything else (the result types,
which need ``dataclasses``; the Public Suffix List; what needs cryptography, the C core, the
network or large tables: ``Bundle``, ``Matcher``, ``Updater``, ``Reporter``, ``Expander``,
``extract_links``) loads on first use through PEP 562's module ``__getattr__``:
``linkscreen.Updater`` works as usual, and ``import linkscreen`` never loads an HTTP client,
``ssl`` or ``socket``. Add a new public name to ``_LAZY``, not as an import, unless it is as
light as those above.
"""

from __future__ import annotations

import importlib

from .canonical import MAX_URL_CHARS, canonical_variants, canonicalize
from .errors import (
    BlockedAddressError,
    BundleClosedError,
    BundleCorruptError,
    BundleError,
    BundleFileError,
    BundleSignatureError,
    DeltaError,
    DownloadError,
    DownloadHTTPError,
    DownloadTimeoutError,
    DownloadTooLargeError,
    ExpiredMetadataError,
    HashMismatchError,
    InconsistentMetadataError,
    InvalidKeyError,
    InvalidReportError,
    InvalidURLError,
    LinkscreenError,
    MetadataError,
    MetadataSignatureError,
    NativeCoreError,
    ReportQueueFullError,
    RepositoryError,
    RollbackError,
    StorageError,
    UnknownSigningKeyError,
    UnsupportedBundleVersionError,
    UnusablePayloadError,
    UpgradeRequiredError,
    URLLimitError,
)
from .expressions import MAX_EXPRESSIONS, expressions

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at start-up

__version__ = "0.1.0"

#: Version of the canonicalisation rules. A bundle records it; a change to any rule that can
#: change an expression must bump it, because old bundles would stop matching.
CANONICALIZATION_VERSION = 1

#: Public name -> the module that defines it, imported on first access (PEP 562).
_LAZY: dict[str, str] = {
    # result types: dataclasses (and with it inspect) costs more than the rest of the import
    "Action": ".results",
    "BundleInfo": ".results",
    "Deterrence": ".results",
    "Finding": ".results",
    "Findings": ".results",
    "ListInfo": ".results",
    "Match": ".results",
    "MatchKind": ".results",
    "Signal": ".results",
    "Technique": ".results",
    "Tier": ".results",
    "Verdict": ".results",
    # the Public Suffix List snapshot: parsed on first use anyway
    "PSL_SNAPSHOT_VERSION": ".psl",
    "registrable_domain": ".psl",
    "Bundle": ".bundle",  # cryptography (signature check)
    "Candidate": ".extract",  # extraction: Unicode tables and many patterns
    "Candidates": ".extract",
    "Conversation": ".conversation",  # threading, deque: only apps that keep context need it
    "Expander": ".expander",  # network: opt-in short-link expansion
    "Expansion": ".expander",
    "FlushResult": ".reporter",  # network: reports, only when a person asks
    "Matcher": ".matcher",  # the C core or its pure twin
    "ReportResult": ".reporter",
    "ReportStatus": ".reporter",
    "Reporter": ".reporter",
    "UpdateResult": ".updater",  # network: the update loop
    "UpdateStatus": ".updater",
    "Updater": ".updater",
    "extract_links": ".extract",
    "load_public_key": ".keys",  # cryptography
}

if TYPE_CHECKING:  # what type checkers and IDEs see; at run time __getattr__ supplies these
    from .bundle import Bundle
    from .conversation import Conversation
    from .expander import Expander, Expansion
    from .extract import Candidate, Candidates, extract_links
    from .keys import load_public_key
    from .matcher import Matcher
    from .psl import PSL_SNAPSHOT_VERSION, registrable_domain
    from .reporter import FlushResult, Reporter, ReportResult, ReportStatus
    from .results import (
        Action,
        BundleInfo,
        Deterrence,
        Finding,
        Findings,
        ListInfo,
        Match,
        MatchKind,
        Signal,
        Technique,
        Tier,
        Verdict,
    )
    from .updater import Updater, UpdateResult, UpdateStatus


def __getattr__(name: str) -> object:
    """Import a heavy public name on first use and keep it (later lookups skip this)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "CANONICALIZATION_VERSION",
    "MAX_EXPRESSIONS",
    "MAX_URL_CHARS",
    "PSL_SNAPSHOT_VERSION",
    "Action",
    "BlockedAddressError",
    "Bundle",
    "BundleClosedError",
    "BundleCorruptError",
    "BundleError",
    "BundleFileError",
    "BundleInfo",
    "BundleSignatureError",
    "Candidate",
    "Candidates",
    "Conversation",
    "DeltaError",
    "Deterrence",
    "DownloadError",
    "DownloadHTTPError",
    "DownloadTimeoutError",
    "DownloadTooLargeError",
    "Expander",
    "Expansion",
    "ExpiredMetadataError",
    "Finding",
    "Findings",
    "FlushResult",
    "HashMismatchError",
    "InconsistentMetadataError",
    "InvalidKeyError",
    "InvalidReportError",
    "InvalidURLError",
    "LinkscreenError",
    "ListInfo",
    "Match",
    "MatchKind",
    "Matcher",
    "MetadataError",
    "MetadataSignatureError",
    "NativeCoreError",
    "ReportQueueFullError",
    "ReportResult",
    "ReportStatus",
    "Reporter",
    "RepositoryError",
    "RollbackError",
    "Signal",
    "StorageError",
    "Technique",
    "Tier",
    "URLLimitError",
    "UnknownSigningKeyError",
    "UnsupportedBundleVersionError",
    "UnusablePayloadError",
    "UpdateResult",
    "UpdateStatus",
    "Updater",
    "UpgradeRequiredError",
    "Verdict",
    "__version__",
    "canonical_variants",
    "canonicalize",
    "expressions",
    "extract_links",
    "load_public_key",
    "registrable_domain",
]
