"""The review workflow and the audit log on SQLite and PostgreSQL: provisional, expiry, two
analysts, disagreement to a lead, conflicts of interest, the allowlist, and a chain that
catches edits and deletions."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from linkscreen_server.review import accounts, audit
from linkscreen_server.review.accounts import User
from linkscreen_server.review.errors import (
    AccountError,
    AuditChainError,
    DatabaseError,
    WorkflowError,
)
from linkscreen_server.review.reports import parse_report
from linkscreen_server.review.storage import Database
from linkscreen_server.review.workflow import Policy, Review

from review_support import install, report

NOW = 1_800_000_000
ALICE, BOB, CAROL = User("alice", "analyst"), User("bob", "analyst"), User("carol", "analyst")
LEAD, ADMIN = User("lena", "lead"), User("root", "admin")


@pytest.fixture
def review(review_db_url: str) -> Iterator[Review]:
    db = Database(review_db_url)
    yield Review(db, Policy(provisional_after=3, provisional_ttl_s=72 * 3600))
    db.close()


def submit(review: Review, url: str, number: int, *, reporter: str | None = None,
           now: int = NOW) -> str:  # fmt: skip
    body = json.dumps(report(url, install(number))).encode()
    return review.submit(parse_report(body), reporter=reporter, now=now).state


def url_id(review: Review, url: str) -> int:
    items, _ = review.queue(per_page=1000)
    return next(item.id for item in items if item.url == url)


def test_n_distinct_installs_make_it_provisional_until_it_expires(review: Review) -> None:
    assert submit(review, "http://p.example/", 1) == "reported"
    assert submit(review, "http://p.example/", 1) == "reported"  # the same install again
    assert submit(review, "http://p.example/", 2) == "reported"
    assert review.lists(NOW).provisional == []
    assert submit(review, "http://p.example/", 3) == "provisional"
    assert review.lists(NOW + 1).provisional == ["http://p.example/"]
    assert review.lists(NOW + 72 * 3600 + 1).provisional == []  # expired: not published
    assert review.expire(NOW + 72 * 3600 - 1) == 0
    assert review.expire(NOW + 72 * 3600) == 1
    view = review.item(url_id(review, "http://p.example/"))
    assert view is not None
    assert view.item.state == "reported"
    assert [e.action for e in view.history] == [
        "url.reported", "url.provisional", "url.provisional_expired"
    ]  # fmt: skip


def test_two_analysts_confirm_and_the_url_is_listed_once_published(review: Review) -> None:
    submit(review, "http://c.example/page", 1)
    uid = url_id(review, "http://c.example/page")
    assert review.vote(uid, ALICE, "confirm", category="csam", reason="seen it") == "reported"
    assert review.lists(NOW).confirmed == []
    with pytest.raises(WorkflowError, match="already reviewed"):
        review.vote(uid, ALICE, "confirm", category="csam", reason="again")
    assert review.vote(uid, BOB, "confirm", category="csam", reason="agree") == "confirmed"
    assert review.lists(NOW).confirmed == ["http://c.example/page"]
    assert review.queue()[1] == 0  # off the queue
    with pytest.raises(WorkflowError, match="already confirmed"):
        review.vote(uid, CAROL, "reject", reason="late")
    assert review.mark_listed(["http://c.example/page"], 7) == 1
    view = review.item(uid)
    assert view is not None
    assert (view.item.state, view.listed_version, view.category) == ("listed", 7, "csam")
    assert review.lists(NOW).confirmed == ["http://c.example/page"]


@pytest.mark.parametrize(("second", "category"), [("reject", None), ("confirm", "sextortion")])
def test_a_disagreement_goes_to_a_lead(review: Review, second: str, category: str | None) -> None:
    submit(review, "http://d.example/", 1)
    uid = url_id(review, "http://d.example/")
    review.vote(uid, ALICE, "confirm", category="csam", reason="looks bad")
    assert review.vote(uid, BOB, second, category=category, reason="other view") == "disputed"
    with pytest.raises(WorkflowError, match="a lead decides"):
        review.vote(uid, CAROL, "confirm", category="csam", reason="tie-break")
    assert review.vote(uid, LEAD, "confirm", category="csam", reason="settled") == "confirmed"


def test_a_lead_who_voted_cannot_settle_the_dispute(review: Review) -> None:
    submit(review, "http://e.example/", 1)
    uid = url_id(review, "http://e.example/")
    review.vote(uid, LEAD, "confirm", category="csam", reason="mine")
    review.vote(uid, BOB, "reject", reason="no")
    with pytest.raises(WorkflowError, match="already reviewed"):
        review.vote(uid, LEAD, "confirm", category="csam", reason="final")


def test_a_reviewer_cannot_decide_their_own_report(review: Review) -> None:
    submit(review, "http://own.example/", 1, reporter="carol")
    uid = url_id(review, "http://own.example/")
    for decision in ("confirm", "reject"):
        with pytest.raises(WorkflowError, match="their own report"):
            review.vote(uid, CAROL, decision, category="csam", reason="I reported it")
    view = review.item(uid)
    assert view is not None
    assert view.votes == []


def test_rejected_urls_are_allowlisted_and_never_provisional_again(review: Review) -> None:
    submit(review, "http://fine.example/", 1)
    uid = url_id(review, "http://fine.example/")
    review.vote(uid, ALICE, "reject", reason="a school site")
    assert review.vote(uid, BOB, "reject", reason="agree") == "rejected"
    assert review.lists(NOW).allowlist == ["http://fine.example/"]
    for number in range(2, 8):
        assert submit(review, "http://fine.example/", number) == "rejected"
    assert submit(review, "http://fine.example/", 9, reporter="hotline") == "rejected"
    assert review.lists(NOW).provisional == []


@pytest.mark.parametrize(
    ("user", "decision", "category", "reason", "message"),
    [
        (ADMIN, "confirm", "csam", "r", "only analysts and leads"),
        (ALICE, "confirm", None, "r", "needs a category"),
        (ALICE, "confirm", "bogus", "r", "needs a category"),
        (ALICE, "confirm", "csam", "  ", "reason is required"),
        (ALICE, "approve", "csam", "r", "confirm or reject"),
        (ALICE, "confirm", "csam", "x" * 1001, "at most 1000"),
    ],
)
def test_a_vote_needs_a_reviewer_a_category_and_a_reason(
    review: Review, user: User, decision: str, category: str | None, reason: str, message: str
) -> None:
    submit(review, "http://v.example/", 1)
    with pytest.raises(WorkflowError, match=message):
        review.vote(url_id(review, "http://v.example/"), user, decision, category=category,
                    reason=reason)  # fmt: skip


def test_accounts_hash_passwords_and_check_names_and_roles(review: Review) -> None:
    db = review.db
    accounts.add_user(db, "alice", "analyst", "a long enough password")
    with db.read() as tx:
        stored = tx.one("SELECT password FROM users WHERE name = 'alice'")
    assert stored is not None
    assert str(stored[0]).startswith("$argon2id$")
    assert "a long enough password" not in str(stored[0])
    assert accounts.authenticate(db, "alice", "a long enough password") == ALICE
    assert accounts.authenticate(db, "alice", "a long enough passwore") is None
    assert accounts.authenticate(db, "nobody", "a long enough password") is None
    for name, role, password, message in [
        ("alice", "analyst", "another long password", "already exists"),
        ("Bad Name", "analyst", "another long password", "user name"),
        ("bob", "boss", "another long password", "role"),
        ("bob", "analyst", "short", "shorter than"),
    ]:
        with pytest.raises(AccountError, match=message):
            accounts.add_user(db, name, role, password)
    accounts.disable_user(db, "alice")
    assert accounts.authenticate(db, "alice", "a long enough password") is None


def _chain_ready(review: Review) -> int:
    submit(review, "http://chain.example/", 1)
    uid = url_id(review, "http://chain.example/")
    review.vote(uid, ALICE, "confirm", category="csam", reason="one")
    review.vote(uid, BOB, "confirm", category="csam", reason="two")
    return audit.verify(review.db).entries


def _without_guard(review: Review, statement: str) -> None:
    """Tamper as someone with DDL rights would: lift the append-only trigger first."""
    with review.db.transaction() as tx:
        if tx.dialect == "sqlite":
            tx.run("DROP TRIGGER audit_no_update")
            tx.run("DROP TRIGGER audit_no_delete")
        else:
            tx.run("ALTER TABLE audit DISABLE TRIGGER audit_append_only")
        tx.run(statement)


def test_the_database_refuses_to_change_the_audit_log(review: Review) -> None:
    _chain_ready(review)
    for statement in ("UPDATE audit SET actor = 'mallory' WHERE seq = 2",
                      "DELETE FROM audit WHERE seq = 2"):  # fmt: skip
        with pytest.raises(DatabaseError, match="append-only"), review.db.transaction() as tx:
            tx.run(statement)
    assert audit.verify(review.db).entries == 4


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("UPDATE audit SET actor = 'mallory' WHERE seq = 3", "entry 3 .* does not match its hash"),
        ("UPDATE audit SET detail = '{}' WHERE seq = 2", "entry 2 .* does not match its hash"),
        ("DELETE FROM audit WHERE seq = 2", "entry 2 is missing"),
        ("DELETE FROM audit WHERE seq = 4", "the chain ends at entry 3"),
        ("UPDATE audit SET at = at + 1 WHERE seq = 1", "entry 1 .* does not match"),
    ],
)
def test_verify_catches_an_edited_or_deleted_entry(
    review: Review, statement: str, message: str
) -> None:
    assert _chain_ready(review) == 4
    _without_guard(review, statement)
    with pytest.raises(AuditChainError, match=message):
        audit.verify(review.db)


def test_verify_catches_a_rehashed_entry_that_breaks_the_links(review: Review) -> None:
    _chain_ready(review)
    forged = audit.entry_hash("0" * 64, 1, NOW, "mallory", "url.reported", "url:1", "{}")
    _without_guard(review, f"UPDATE audit SET actor = 'mallory', at = {NOW}, detail = '{{}}',"
                           f" hash = '{forged}'"
                           " WHERE seq = 1")  # fmt: skip
    with pytest.raises(AuditChainError, match="entry 2 does not follow entry 1"):
        audit.verify(review.db)


def test_a_newer_schema_is_refused(review_db_url: str) -> None:
    db = Database(review_db_url)
    with db.transaction() as tx:
        tx.run("UPDATE schema_version SET version = 99")
    db.close()
    with pytest.raises(DatabaseError, match="schema version 99"):
        Database(review_db_url)


def test_purge_deletes_notes_and_attachments_of_decided_reports_only(review: Review) -> None:
    for url in ("http://decided.example/", "http://open.example/"):
        body = report(url, install(1), note="typed", attachment="message text")
        review.submit(parse_report(json.dumps(body).encode()), now=NOW)
    uid = url_id(review, "http://decided.example/")
    review.vote(uid, ALICE, "reject", reason="fine")
    review.vote(uid, BOB, "reject", reason="fine")
    assert review.purge(NOW) == 0  # nothing received before NOW
    assert review.purge(NOW + 1) == 1
    decided = review.item(uid)
    still_open = review.item(url_id(review, "http://open.example/"))
    assert decided is not None
    assert still_open is not None
    assert [(r.note, r.attachment) for r in decided.reports] == [(None, None)]
    assert [(r.note, r.attachment) for r in still_open.reports] == [("typed", "message text")]
    assert audit.verify(review.db).entries == 7  # 2 reported, 2 votes, rejected, 2 purges
