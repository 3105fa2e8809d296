"""The linkscreen exception tree.

Every error the library raises on bad input derives from :class:`LinkscreenError`, so an app can
catch one class. Two branches follow python-tuf's split: the input is bad (a URL, a list line, a
bundle) or the network/repository is bad (added with the updater). Names end in ``Error``.
"""

from __future__ import annotations

__all__ = [
    "BlockedAddressError",
    "BundleClosedError",
    "BundleCorruptError",
    "BundleError",
    "BundleFileError",
    "BundleSignatureError",
    "DeltaError",
    "DownloadError",
    "DownloadHTTPError",
    "DownloadTimeoutError",
    "DownloadTooLargeError",
    "ExpiredMetadataError",
    "HashMismatchError",
    "InconsistentMetadataError",
    "InvalidKeyError",
    "InvalidReportError",
    "InvalidURLError",
    "LinkscreenError",
    "MetadataError",
    "MetadataSignatureError",
    "NativeCoreError",
    "ReportQueueFullError",
    "RepositoryError",
    "RollbackError",
    "StorageError",
    "URLLimitError",
    "UnknownSigningKeyError",
    "UnsupportedBundleVersionError",
    "UnusablePayloadError",
    "UpgradeRequiredError",
]


class LinkscreenError(Exception):
    """Root of every error linkscreen raises on purpose."""


class InvalidURLError(LinkscreenError, ValueError):
    """The text cannot be read as an http(s) or ftp URL with a host.

    The message says what was wrong; ``url`` keeps (a bounded prefix of) the input so a caller can
    report which line or candidate failed without keeping megabytes of junk alive.
    """

    #: How much of the offending input an error keeps, in characters.
    KEPT_INPUT_CHARS = 200

    def __init__(self, reason: str, url: str = "") -> None:
        self.reason = reason
        self.url = url[: self.KEPT_INPUT_CHARS]
        shown = self.url + ("..." if len(url) > self.KEPT_INPUT_CHARS else "")
        super().__init__(f"{reason}: {shown!r}" if url else reason)


class URLLimitError(InvalidURLError):
    """The URL passed a processing limit (length, rounds of unescaping) before it was read.

    Unlike a plain :class:`InvalidURLError` the URL may well work in a browser: a limit, not
    the URL, stopped the canonicaliser. The matcher then checks what it can read (the host)
    and reports the check as incomplete instead of answering ``allow``.
    """


class InvalidKeyError(LinkscreenError):
    """A key file or key value cannot be read as an Ed25519 key."""


class BundleError(LinkscreenError):
    """A bundle was refused. Nothing from it is used; the caller keeps its last good bundle."""


class BundleCorruptError(BundleError):
    """The bundle is truncated, oversized or structurally malformed."""


class BundleFileError(BundleError):
    """The bundle file cannot be read: it is missing, a directory, or not readable."""


class BundleClosedError(BundleError):
    """The Bundle object was closed; open the bundle again to use it."""


class BundleSignatureError(BundleError):
    """The signature does not verify: the bytes were changed after signing."""


class UnknownSigningKeyError(BundleError):
    """The bundle names a signing key that is not among the trusted public keys."""


class UnsupportedBundleVersionError(BundleError):
    """The bundle uses an envelope, format or canonicalisation version this SDK cannot read."""


class RepositoryError(LinkscreenError):
    """An update could not be used: bad metadata, files or network. The last good state stays."""


class MetadataError(RepositoryError):
    """Repository metadata is malformed or inconsistent."""


class MetadataSignatureError(MetadataError):
    """Metadata is not signed by enough trusted keys."""


class ExpiredMetadataError(MetadataError):
    """Metadata is past its expiry (beyond the clock-skew leeway)."""


class RollbackError(MetadataError):
    """The repository offers an older version than the one already trusted."""


class InconsistentMetadataError(MetadataError):
    """Signed files disagree: a manifest is not the version its pointer names, a pointer names
    another root than the trusted one, or one version number names two different contents (a
    forked repository)."""


class UpgradeRequiredError(RepositoryError):
    """A validly signed payload uses a format or canonicalisation version newer than this SDK.

    It is never committed: the app must ship a newer SDK to use it. The last good state stays.
    """


class UnusablePayloadError(RepositoryError):
    """A payload the signed metadata names fails the bundle checks (corrupt or inconsistent
    structure, a bad signature on the full bundle). It is never committed."""


class HashMismatchError(RepositoryError):
    """A downloaded file, or the state a delta produced, does not match the signed hash."""


class DeltaError(RepositoryError):
    """A delta cannot be applied to the current state."""


class DownloadError(RepositoryError):
    """The network or the server failed."""


class DownloadTooLargeError(DownloadError):
    """A download exceeded the size its metadata allows."""


class DownloadTimeoutError(DownloadError):
    """A request did not finish within its overall deadline (however slowly bytes arrived)."""


class DownloadHTTPError(DownloadError):
    """The server answered with an HTTP status the caller cannot use (``status``)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class StorageError(LinkscreenError):
    """The state directory cannot be read or written (full or read-only disk, permissions).

    The last good state stays in use; nothing half-written is left behind.
    """


class BlockedAddressError(DownloadError):
    """The host is, or resolves to, an address the request's policy refuses (loopback,
    private, link-local, ...). No connection was opened."""


class NativeCoreError(LinkscreenError):
    """The C core refused a call for a reason other than bad input (not built, workspace too
    small, a malformed Public Suffix List); ``status`` names the C status code."""

    def __init__(self, message: str, status: str = "") -> None:
        super().__init__(message)
        self.status = status


class InvalidReportError(LinkscreenError, ValueError):
    """A report (or the Reporter's configuration) breaks the report contract before anything
    is sent: ``field`` names the argument, ``reason`` says what was wrong with it."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class ReportQueueFullError(StorageError):
    """The on-device report queue is at its bound (count or bytes): a report that could not be
    delivered at once was not kept. The reports already queued stay."""
