"""The review workflow: reports grouped by canonical URL, provisional, confirmed, listed.

::

    reported ──(N installs, or a trusted flagger)──► provisional ──(72 h)──► reported
        │                                               │
        └──────────── two analysts agree ───────────────┴──► confirmed ──(published)──► listed
                      two analysts disagree ──► disputed ──(a lead decides)──► confirmed | rejected
                      two analysts reject ──────────────────────────────────► rejected (allowlist)

One install counts once per URL (its id is stored only as an HMAC under a server key). A
reviewer never decides a URL reported from their own account or flagger token, and never
votes twice. An allowlisted (rejected) URL never turns provisional again. Every transition is
written to the audit log in the same transaction.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

from . import audit
from .accounts import User
from .errors import WorkflowError
from .reports import Report
from .storage import Database, Tx, now_s

#: Reports from distinct installs that make a URL provisional.
DEFAULT_PROVISIONAL_AFTER = 3
#: How long a provisional entry stays published without a confirmation.
DEFAULT_PROVISIONAL_TTL_S = 72 * 3600
#: Categories a confirmation names (mapped to CyberTipline incident types by ``export``).
CATEGORIES = ("csam", "enticement", "sextortion", "trafficking", "other")
MAX_REASON_CHARS = 1000
OPEN_STATES = ("reported", "provisional", "disputed")
BLOCK_STATES = ("confirmed", "listed")
WARN_STATES = ("provisional", "disputed")


@dataclass(frozen=True)
class Policy:
    provisional_after: int = DEFAULT_PROVISIONAL_AFTER
    provisional_ttl_s: int = DEFAULT_PROVISIONAL_TTL_S

    def __post_init__(self) -> None:
        if self.provisional_after < 1:
            raise ValueError("provisional_after: at least 1")
        if self.provisional_ttl_s < 1:
            raise ValueError("provisional_ttl_s: at least one second")


@dataclass(frozen=True)
class Received:
    status: str
    """``received`` or ``duplicate``."""
    id: str
    state: str


@dataclass(frozen=True)
class QueueItem:
    id: int
    url: str
    state: str
    reports: int
    first_reported: int
    last_reported: int
    provisional_until: int | None
    techniques: tuple[str, ...]


@dataclass(frozen=True)
class ReportRow:
    id: str
    received: int
    verdict: str
    techniques: tuple[str, ...]
    note: str | None
    attachment: str | None
    reporter: str | None


@dataclass(frozen=True)
class Vote:
    reviewer: str
    decision: str
    category: str | None
    reason: str
    final: bool
    cast_at: int


@dataclass
class ItemView:
    item: QueueItem
    category: str | None
    listed_version: int | None
    reports: list[ReportRow] = field(default_factory=list)
    votes: list[Vote] = field(default_factory=list)
    history: list[audit.Entry] = field(default_factory=list)


@dataclass(frozen=True)
class Lists:
    """What the next published version carries from review."""

    confirmed: list[str]
    provisional: list[str]
    allowlist: list[str]


_ITEM_COLUMNS = (
    "id, url, state, reports, first_reported, last_reported, provisional_until, techniques"
)


def _item(row: tuple[object, ...]) -> QueueItem:
    return QueueItem(
        int(row[0]),  # type: ignore[call-overload]
        str(row[1]),
        str(row[2]),
        int(row[3]),  # type: ignore[call-overload]
        int(row[4]),  # type: ignore[call-overload]
        int(row[5]),  # type: ignore[call-overload]
        None if row[6] is None else int(row[6]),  # type: ignore[call-overload]
        tuple(json.loads(str(row[7]))),
    )


class Review:
    """The workflow over one database."""

    def __init__(self, db: Database, policy: Policy | None = None) -> None:
        self.db = db
        self.policy = policy or Policy()
        self._install_key = bytes.fromhex(db.setting("install_key"))

    def install_tag(self, install_id: str) -> str:
        """What is stored instead of an install id: HMAC-SHA256 under the server's key."""
        return hmac.new(self._install_key, install_id.encode(), hashlib.sha256).hexdigest()[:32]

    # -- reports -------------------------------------------------------------------------
    def submit(
        self, report: Report, *, reporter: str | None = None, now: int | None = None
    ) -> Received:
        """Record ``report``; ``reporter`` names a trusted flagger (its report makes the URL
        provisional at once). A second report of the URL from the same install is a
        duplicate and changes nothing."""
        now = now_s() if now is None else now
        install = self.install_tag(report.install_id)
        with self.db.transaction() as tx:
            created = tx.one(
                "INSERT INTO urls (url, state, open, reports, first_reported, last_reported,"
                " techniques, updated) VALUES (?, 'reported', 1, 0, ?, ?, '[]', ?)"
                " ON CONFLICT (url) DO NOTHING RETURNING id",
                (report.url, now, now, now),
            )
            row = tx.one(
                "SELECT id, state, reports, techniques FROM urls WHERE url = ?" + tx.for_update,
                (report.url,),
            )
            assert row is not None
            url_id, state, count, known = int(row[0]), str(row[1]), int(row[2]), row[3]
            report_id = "r_" + secrets.token_urlsafe(12)
            inserted = tx.one(
                "INSERT INTO reports (id, url_id, install, received, verdict, techniques, note,"
                " attachment, reporter) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (url_id, install) DO NOTHING RETURNING id",
                (
                    report_id,
                    url_id,
                    install,
                    now,
                    report.verdict,
                    json.dumps(list(report.techniques)),
                    report.note,
                    report.attachment,
                    reporter,
                ),
            )
            if inserted is None:
                first = tx.one(
                    "SELECT id FROM reports WHERE url_id = ? AND install = ?", (url_id, install)
                )
                return Received("duplicate", str(first[0]) if first else report_id, state)
            count += 1
            techniques = sorted({*json.loads(str(known)), *report.techniques})
            tx.run(
                "UPDATE urls SET reports = ?, last_reported = ?, techniques = ?, updated = ?"
                " WHERE id = ?",
                (count, now, json.dumps(techniques), now, url_id),
            )
            subject = f"url:{url_id}"
            if created is not None:
                audit.append(tx, "reporter", "url.reported", subject, {"url": report.url})
            if state == "reported" and (
                reporter is not None or count >= self.policy.provisional_after
            ):
                until = now + self.policy.provisional_ttl_s
                tx.run(
                    "UPDATE urls SET state = 'provisional', provisional_until = ? WHERE id = ?",
                    (until, url_id),
                )
                why = {"flagger": reporter} if reporter else {"reports": count}
                audit.append(tx, reporter or "reporter", "url.provisional", subject,
                             {**why, "until": until})  # fmt: skip
                state = "provisional"
        return Received("received", report_id, state)

    def expire(self, now: int | None = None) -> int:
        """Provisional entries past their expiry go back to ``reported``; how many did."""
        now = now_s() if now is None else now
        with self.db.transaction() as tx:
            rows = tx.all(
                "SELECT id, state FROM urls WHERE state IN ('provisional', 'disputed')"
                " AND provisional_until IS NOT NULL AND provisional_until <= ?",
                (now,),
            )
            for url_id, state in rows:
                back = "reported" if state == "provisional" else state
                tx.run(
                    "UPDATE urls SET state = ?, provisional_until = NULL, updated = ? WHERE id = ?",
                    (back, now, url_id),
                )
                audit.append(tx, "system", "url.provisional_expired", f"url:{url_id}")
        return len(rows)

    # -- review --------------------------------------------------------------------------
    def vote(
        self,
        url_id: int,
        user: User,
        decision: str,
        *,
        category: str | None = None,
        reason: str = "",
        now: int | None = None,
    ) -> str:
        """Record ``user``'s decision (``confirm`` with a category, or ``reject``) and apply
        the workflow; returns the URL's new state. Raises :class:`WorkflowError` when the
        workflow refuses."""
        now = now_s() if now is None else now
        if not user.reviews:
            raise WorkflowError(f"{user.name} is {user.role}: only analysts and leads review")
        if decision not in ("confirm", "reject"):
            raise WorkflowError("decision: confirm or reject")
        reason = reason.strip()
        if not reason:
            raise WorkflowError("a reason is required")
        if len(reason) > MAX_REASON_CHARS or "\x00" in reason:
            raise WorkflowError(f"the reason: at most {MAX_REASON_CHARS} characters, no NUL")
        if decision == "confirm" and category not in CATEGORIES:
            raise WorkflowError(f"a confirmation needs a category: one of {', '.join(CATEGORIES)}")
        if decision == "reject":
            category = None
        with self.db.transaction() as tx:
            row = tx.one("SELECT state FROM urls WHERE id = ?" + tx.for_update, (url_id,))
            if row is None:
                raise WorkflowError(f"no reported URL with id {url_id}")
            state = str(row[0])
            if state not in OPEN_STATES:
                raise WorkflowError(f"this URL is already {state}")
            own = tx.one(
                "SELECT 1 FROM reports WHERE url_id = ? AND reporter = ?", (url_id, user.name)
            )
            if own is not None:
                raise WorkflowError(
                    f"{user.name} reported this URL: a reviewer cannot decide their own report"
                )
            votes = [
                (str(r[0]), str(r[1]), r[2])
                for r in tx.all(
                    "SELECT reviewer, decision, category FROM votes WHERE url_id = ? ORDER BY id",
                    (url_id,),
                )
            ]
            if any(reviewer == user.name for reviewer, _, _ in votes):
                raise WorkflowError(f"{user.name} has already reviewed this URL")
            final = state == "disputed"
            if final and user.role != "lead":
                raise WorkflowError("the analysts disagreed: a lead decides this URL")
            tx.run(
                "INSERT INTO votes (url_id, reviewer, decision, category, reason, final, cast_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (url_id, user.name, decision, category, reason, int(final), now),
            )
            subject = f"url:{url_id}"
            audit.append(tx, user.name, f"vote.{decision}", subject,
                         {"category": category, "reason": reason, "final": final})  # fmt: skip
            if final:
                return self._decide(tx, url_id, decision, category, user.name, now)
            votes.append((user.name, decision, category))
            if len(votes) < 2:
                return state
            (_, first, first_cat), (_, second, second_cat) = votes[0], votes[1]
            if first == second and first_cat == second_cat:
                return self._decide(tx, url_id, decision, category, user.name, now)
            tx.run("UPDATE urls SET state = 'disputed', updated = ? WHERE id = ?", (now, url_id))
            audit.append(tx, "system", "url.disputed", subject)
            return "disputed"

    def _decide(
        self, tx: Tx, url_id: int, decision: str, category: str | None, actor: str, now: int
    ) -> str:
        state = "confirmed" if decision == "confirm" else "rejected"
        tx.run(
            "UPDATE urls SET state = ?, open = 0, category = ?, provisional_until = NULL,"
            " updated = ? WHERE id = ?",
            (state, category, now, url_id),
        )
        audit.append(tx, actor, f"url.{state}", f"url:{url_id}", {"category": category})
        return state

    # -- views ---------------------------------------------------------------------------
    def queue(self, *, page: int = 0, per_page: int = 50) -> tuple[list[QueueItem], int]:
        """Open URLs, most reported first, then oldest first; and how many are open."""
        with self.db.read() as tx:
            rows = tx.all(
                f"SELECT {_ITEM_COLUMNS} FROM urls WHERE open = 1"
                " ORDER BY reports DESC, first_reported, id LIMIT ? OFFSET ?",
                (per_page, page * per_page),
            )
            total = tx.one("SELECT COUNT(*) FROM urls WHERE open = 1")
        return [_item(row) for row in rows], int(total[0]) if total else 0

    def item(self, url_id: int, *, max_reports: int = 200) -> ItemView | None:
        with self.db.read() as tx:
            row = tx.one(
                f"SELECT {_ITEM_COLUMNS}, category, listed_version FROM urls WHERE id = ?",
                (url_id,),
            )
            if row is None:
                return None
            view = ItemView(_item(row), row[8], None if row[9] is None else int(row[9]))
            for r in tx.all(
                "SELECT id, received, verdict, techniques, note, attachment, reporter"
                " FROM reports WHERE url_id = ? ORDER BY received DESC, id LIMIT ?",
                (url_id, max_reports),
            ):
                view.reports.append(
                    ReportRow(
                        str(r[0]), int(r[1]), str(r[2]), tuple(json.loads(r[3])), r[4], r[5], r[6]
                    )
                )
            for r in tx.all(
                "SELECT reviewer, decision, category, reason, final, cast_at FROM votes"
                " WHERE url_id = ? ORDER BY id",
                (url_id,),
            ):
                view.votes.append(
                    Vote(str(r[0]), str(r[1]), r[2], str(r[3]), bool(r[4]), int(r[5]))
                )
            view.history = audit.entries_for(tx, f"url:{url_id}")
        return view

    def lists(self, now: int | None = None) -> Lists:
        """The confirmed (block), provisional (warn, unexpired) and allowlisted URLs."""
        now = now_s() if now is None else now
        with self.db.read() as tx:
            confirmed = tx.all(
                "SELECT url FROM urls WHERE state IN ('confirmed', 'listed') ORDER BY url"
            )
            provisional = tx.all(
                "SELECT url FROM urls WHERE state IN ('provisional', 'disputed')"
                " AND provisional_until > ? ORDER BY url",
                (now,),
            )
            allow = tx.all("SELECT url FROM urls WHERE state = 'rejected' ORDER BY url")
        return Lists(
            [str(r[0]) for r in confirmed],
            [str(r[0]) for r in provisional],
            [str(r[0]) for r in allow],
        )

    def mark_listed(self, urls: Iterable[str], version: int, actor: str = "publisher") -> int:
        """Confirmed URLs that version ``version`` carries become ``listed``; how many did."""
        count = 0
        with self.db.transaction() as tx:
            for url in urls:
                row = tx.one(
                    "SELECT id FROM urls WHERE url = ? AND state = 'confirmed'" + tx.for_update,
                    (url,),
                )
                if row is None:
                    continue
                tx.run(
                    "UPDATE urls SET state = 'listed', listed_version = ?, updated = ?"
                    " WHERE id = ?",
                    (version, now_s(), row[0]),
                )
                audit.append(tx, actor, "url.listed", f"url:{row[0]}", {"version": version})
                count += 1
        return count

    def purge(self, before: int, actor: str = "cli") -> int:
        """Delete the note and attached text of reports received before ``before`` whose URL
        is decided (retention); how many reports had any. The audit log never holds them."""
        with self.db.transaction() as tx:
            row = tx.one(
                "SELECT COUNT(*) FROM reports WHERE received < ?"
                " AND (note IS NOT NULL OR attachment IS NOT NULL)"
                " AND url_id IN (SELECT id FROM urls WHERE open = 0)",
                (before,),
            )
            count = int(row[0]) if row else 0
            tx.run(
                "UPDATE reports SET note = NULL, attachment = NULL WHERE received < ?"
                " AND url_id IN (SELECT id FROM urls WHERE open = 0)",
                (before,),
            )
            audit.append(tx, actor, "reports.purged", "reports", {"before": before, "count": count})
        return count

    def confirmed(self) -> list[tuple[QueueItem, str | None, list[Vote]]]:
        """Confirmed and listed URLs with their category and votes (for ``export``)."""
        out = []
        with self.db.read() as tx:
            rows = tx.all(
                f"SELECT {_ITEM_COLUMNS}, category FROM urls"
                " WHERE state IN ('confirmed', 'listed') ORDER BY id"
            )
            for row in rows:
                votes = [
                    Vote(str(r[0]), str(r[1]), r[2], str(r[3]), bool(r[4]), int(r[5]))
                    for r in tx.all(
                        "SELECT reviewer, decision, category, reason, final, cast_at FROM votes"
                        " WHERE url_id = ? ORDER BY id",
                        (row[0],),
                    )
                ]
                out.append((_item(row), row[8], votes))
        return out
