"""Reviewer accounts, roles and sign-in sessions.

Roles: ``analyst`` (reviews), ``lead`` (reviews, settles disagreements, exports), ``admin``
(exports; accounts are managed with the CLI). Passwords are hashed with Argon2id
(``argon2-cffi``'s defaults); a session is a random token whose SHA-256 is stored, with its own
CSRF token, for at most :data:`SESSION_LIFETIME_S`.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from . import audit
from .errors import AccountError
from .storage import Database, now_s

ROLES = ("analyst", "lead", "admin")
#: Roles that may review a URL.
REVIEWERS = ("analyst", "lead")
MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 1024
SESSION_LIFETIME_S = 8 * 3600
_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")
_HASHER = PasswordHasher()
#: Verified when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY = _HASHER.hash("not a password of anyone")


@dataclass(frozen=True)
class User:
    name: str
    role: str

    @property
    def reviews(self) -> bool:
        return self.role in REVIEWERS


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str


def check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise AccountError(
            f"user name {name[:70]!r}: 1-64 characters of a-z 0-9 _ . -, starting with a "
            "letter or digit"
        )
    return name


def add_user(db: Database, name: str, role: str, password: str, *, actor: str = "cli") -> User:
    """Create an account; raises :class:`AccountError` for a bad name, role or password."""
    check_name(name)
    if role not in ROLES:
        raise AccountError(f"role {role!r}: one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"the password is shorter than {MIN_PASSWORD_CHARS} characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise AccountError(f"the password is longer than {MAX_PASSWORD_CHARS} characters")
    hashed = _HASHER.hash(password)
    with db.transaction() as tx:
        if tx.one("SELECT 1 FROM users WHERE name = ?", (name,)) is not None:
            raise AccountError(f"user {name!r} already exists")
        tx.run(
            "INSERT INTO users (name, role, password, created, disabled) VALUES (?, ?, ?, ?, 0)",
            (name, role, hashed, now_s()),
        )
        audit.append(tx, actor, "user.added", f"user:{name}", {"role": role})
    return User(name, role)


def disable_user(db: Database, name: str, *, actor: str = "cli") -> None:
    with db.transaction() as tx:
        if tx.one("SELECT 1 FROM users WHERE name = ?", (name,)) is None:
            raise AccountError(f"no user named {name!r}")
        tx.run("UPDATE users SET disabled = 1 WHERE name = ?", (name,))
        tx.run("DELETE FROM sessions WHERE username = ?", (name,))
        audit.append(tx, actor, "user.disabled", f"user:{name}")


def authenticate(db: Database, name: str, password: str) -> User | None:
    """The user if ``password`` is theirs and the account is enabled, else None."""
    with db.read() as tx:
        row = tx.one("SELECT role, password, disabled FROM users WHERE name = ?", (name,))
    stored = str(row[1]) if row else _DUMMY
    try:
        _HASHER.verify(stored, password[:MAX_PASSWORD_CHARS])
    except (VerificationError, InvalidHashError):
        return None
    if row is None or int(row[2]):
        return None
    return User(name, str(row[0]))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(db: Database, user: User) -> tuple[str, Session]:
    """A new session for ``user``: (the cookie's token, the session)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = now_s()
    with db.transaction() as tx:
        tx.run("DELETE FROM sessions WHERE expires <= ?", (now,))
        tx.run(
            "INSERT INTO sessions (token_hash, username, csrf, created, expires)"
            " VALUES (?, ?, ?, ?, ?)",
            (_digest(token), user.name, csrf, now, now + SESSION_LIFETIME_S),
        )
        audit.append(tx, user.name, "session.opened", f"user:{user.name}")
    return token, Session(user, csrf)


def session_of(db: Database, token: str) -> Session | None:
    if not token or len(token) > 100:
        return None
    with db.read() as tx:
        row = tx.one(
            "SELECT u.name, u.role, s.csrf FROM sessions s JOIN users u ON u.name = s.username"
            " WHERE s.token_hash = ? AND s.expires > ? AND u.disabled = 0",
            (_digest(token), now_s()),
        )
    return None if row is None else Session(User(str(row[0]), str(row[1])), str(row[2]))


def close_session(db: Database, token: str) -> None:
    with db.transaction() as tx:
        row = tx.one("SELECT username FROM sessions WHERE token_hash = ?", (_digest(token),))
        tx.run("DELETE FROM sessions WHERE token_hash = ?", (_digest(token),))
        if row is not None:
            audit.append(tx, str(row[0]), "session.closed", f"user:{row[0]}")
