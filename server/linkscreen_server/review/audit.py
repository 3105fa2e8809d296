"""The audit log: append-only and hash-chained.

Entry N stores ``hash = SHA-256(hash of entry N-1 ‖ canonical JSON of its fields)``; the head
row holds the last sequence number and hash. Entries are written in the same transaction as the
change they record, so a change never exists without its entry. The database refuses UPDATE
and DELETE on the table (a trigger); :func:`verify` also catches what someone with DDL rights
could still do: an edited, deleted, inserted or reordered entry, or a truncated tail (the
head no longer matches). Record the head hash :func:`verify` prints somewhere else (the
publish log) to catch a rewrite of the whole chain.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from .errors import AuditChainError
from .storage import GENESIS, Database, Tx, now_s


def entry_hash(
    prev: str, seq: int, at: int, actor: str, action: str, subject: str, detail: str
) -> str:
    body = json.dumps([seq, at, actor, action, subject, detail], ensure_ascii=False)
    return hashlib.sha256(prev.encode("ascii") + body.encode("utf-8")).hexdigest()


def append(
    tx: Tx, actor: str, action: str, subject: str, detail: dict[str, Any] | None = None
) -> int:
    """Add one entry inside ``tx`` (the head row is locked until it commits); its number."""
    seq, prev = tx.lock_audit_head()
    seq = int(seq) + 1
    at = now_s()
    text = json.dumps(detail or {}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    digest = entry_hash(str(prev), seq, at, actor, action, subject, text)
    tx.run(
        "INSERT INTO audit (seq, at, actor, action, subject, detail, prev, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (seq, at, actor, action, subject, text, prev, digest),
    )
    tx.run("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", (seq, digest))
    return seq


@dataclass(frozen=True)
class Entry:
    seq: int
    at: int
    actor: str
    action: str
    subject: str
    detail: dict[str, Any]


def entries_for(tx: Tx, subject: str) -> list[Entry]:
    rows = tx.all(
        "SELECT seq, at, actor, action, subject, detail FROM audit WHERE subject = ? ORDER BY seq",
        (subject,),
    )
    return [Entry(int(r[0]), int(r[1]), r[2], r[3], r[4], json.loads(r[5])) for r in rows]


@dataclass(frozen=True)
class Verified:
    entries: int
    head: str


def verify(db: Database, batch: int = 5000) -> Verified:
    """Walk the whole chain; raises :class:`AuditChainError` naming the first bad entry."""
    prev, expected = GENESIS, 1
    with db.read() as tx:
        head_seq, head_hash = tx.one("SELECT seq, hash FROM audit_head WHERE id = 1") or (0, "")
        last = 0
        while True:
            rows = tx.all(
                "SELECT seq, at, actor, action, subject, detail, prev, hash FROM audit"
                " WHERE seq > ? ORDER BY seq LIMIT ?",
                (last, batch),
            )
            if not rows:
                break
            for seq, at, actor, action, subject, detail, stored_prev, stored in rows:
                seq = int(seq)
                if seq != expected:
                    raise AuditChainError(
                        f"audit entry {expected} is missing (the next entry is {seq}): "
                        "entries were deleted"
                    )
                if stored_prev != prev:
                    raise AuditChainError(
                        f"audit entry {seq} does not follow entry {seq - 1}: the chain was "
                        "edited or reordered"
                    )
                digest = entry_hash(prev, seq, int(at), actor, action, subject, detail)
                if digest != stored:
                    raise AuditChainError(
                        f"audit entry {seq} ({action} {subject}) does not match its hash: "
                        "it was edited"
                    )
                prev, expected, last = stored, expected + 1, seq
    if int(head_seq) != expected - 1 or head_hash != prev:
        raise AuditChainError(
            f"the audit head names entry {head_seq}, but the chain ends at entry {expected - 1}:"
            " entries were deleted from its end or added around the log"
        )
    return Verified(expected - 1, prev)
