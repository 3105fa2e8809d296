"""The review service's errors, rooted in :class:`linkscreen.LinkscreenError`."""

from __future__ import annotations

from linkscreen.errors import LinkscreenError


class ReviewError(LinkscreenError):
    """Something the review service cannot do as asked; the message says what and why."""


class DatabaseURLError(ReviewError):
    """``--db`` is not a URL this service can open (``sqlite:///path`` or ``postgresql://...``)."""


class DatabaseError(ReviewError):
    """The database could not be opened, migrated or written; nothing was half-written."""


class ReportError(ReviewError):
    """A report that breaks the contract (docs/review.md): ``field`` and ``reason`` say where."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


class WorkflowError(ReviewError):
    """A review action the workflow refuses (wrong state, role, or a conflict of interest)."""


class AccountError(ReviewError):
    """A user account cannot be created or used as asked."""


class AuditChainError(ReviewError):
    """The audit log's hash chain does not verify: an entry was edited, deleted or inserted."""
