"""linkscreen: on-device link matching against signed, hashed URL blocklist bundles.

The safe surface lives here; raw format helpers stay in private modules. Data flows one way:
text -> candidates -> canonical URL -> expressions -> hashes -> probe -> verdict.
"""

from __future__ import annotations

from .canonical import MAX_URL_CHARS, canonical_variants, canonicalize
from .errors import (
    BlockedAddressError,
    BundleCorruptError,
    BundleError,
    BundleSignatureError,
    DeltaError,
    DownloadError,
    DownloadHTTPError,
    DownloadTimeoutError,
    DownloadTooLargeError,
    ExpiredMetadataError,
    HashMismatchError,
    InvalidKeyError,
    InvalidURLError,
    LinkscreenError,
    MetadataError,
    MetadataSignatureError,
    RepositoryError,
    RollbackError,
    UnknownSigningKeyError,
    UnsupportedBundleVersionError,
    URLLimitError,
)
from .expressions import MAX_EXPRESSIONS, expressions
from .extract import Candidate, Candidates, extract_links
from .psl import PSL_SNAPSHOT_VERSION, registrable_domain
from .results import (
    Action,
    BundleInfo,
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

__version__ = "0.1.0"

#: Version of the canonicalisation rules. A bundle records it; a change to any rule that can
#: change an expression must bump it, because old bundles would stop matching.
CANONICALIZATION_VERSION = 1

from .bundle import Bundle  # noqa: E402  (reads CANONICALIZATION_VERSION above)
from .expander import Expander, Expansion  # noqa: E402
from .keys import load_public_key  # noqa: E402
from .matcher import Matcher  # noqa: E402
from .updater import Updater, UpdateResult, UpdateStatus  # noqa: E402

__all__ = [
    "CANONICALIZATION_VERSION",
    "MAX_EXPRESSIONS",
    "MAX_URL_CHARS",
    "PSL_SNAPSHOT_VERSION",
    "Action",
    "BlockedAddressError",
    "Bundle",
    "BundleCorruptError",
    "BundleError",
    "BundleInfo",
    "BundleSignatureError",
    "Candidate",
    "Candidates",
    "DeltaError",
    "DownloadError",
    "DownloadHTTPError",
    "DownloadTimeoutError",
    "DownloadTooLargeError",
    "Expander",
    "Expansion",
    "ExpiredMetadataError",
    "Finding",
    "Findings",
    "HashMismatchError",
    "InvalidKeyError",
    "InvalidURLError",
    "LinkscreenError",
    "ListInfo",
    "Match",
    "MatchKind",
    "Matcher",
    "MetadataError",
    "MetadataSignatureError",
    "RepositoryError",
    "RollbackError",
    "Signal",
    "Technique",
    "Tier",
    "URLLimitError",
    "UnknownSigningKeyError",
    "UnsupportedBundleVersionError",
    "UpdateResult",
    "UpdateStatus",
    "Updater",
    "Verdict",
    "__version__",
    "canonical_variants",
    "canonicalize",
    "expressions",
    "extract_links",
    "load_public_key",
    "registrable_domain",
]
