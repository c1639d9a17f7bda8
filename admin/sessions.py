"""Console sessions kept on the server (table ``console_sessions``).

The browser's cookie carries only a random token; the server keeps the sha256 of it with
the account, the times and the address. A session is valid while its row is open, the
account is enabled, it has been used within ``IDLE_TIMEOUT`` and is younger than
``LIFETIME``. Logout ends the row, and so does every change of the account (role,
personal-data access, password, disabling): a copy of the cookie is worthless afterwards.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from contracts.envelope import utcnow
from storage.db import Database
from storage.models import console_sessions

LIFETIME = timedelta(hours=12)
"""A session ends this long after login, however active."""
IDLE_TIMEOUT = timedelta(hours=8)
"""A session unused this long ends."""
TOUCH_EVERY = timedelta(seconds=60)
"""``last_seen_at`` is written at most this often (not one write per request)."""
FORGET_AFTER = timedelta(days=30)
"""Rows of sessions over (or idle) this long are deleted at the next login."""

cs = console_sessions.c


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(db: Database, username: str, remote_addr: str) -> str:
    """Record a new session of ``username``; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with db.transaction() as conn:
        conn.execute(console_sessions.delete().where(cs.last_seen_at < now - FORGET_AFTER))
        conn.execute(console_sessions.insert().values(
            id=_digest(token), username=username, created_at=now, last_seen_at=now,
            remote_addr=remote_addr[:100]))
    return token


def session_user(db: Database, token: str, now: datetime | None = None) -> str | None:
    """The account name of an open, fresh session; a stale one is ended on the way."""
    now = now or utcnow()
    with db.read() as conn:
        row = conn.execute(sa.select(console_sessions).where(cs.id == _digest(token))).first()
    if row is None or row.ended_at is not None:
        return None
    if now - row.created_at >= LIFETIME:
        end_session(db, token, "expired")
        return None
    if now - row.last_seen_at >= IDLE_TIMEOUT:
        end_session(db, token, "idle")
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        with db.transaction() as conn:
            conn.execute(console_sessions.update().where(cs.id == row.id)
                         .where(cs.ended_at.is_(None)).values(last_seen_at=now))
    return str(row.username)


def end_session(db: Database, token: str, reason: str) -> None:
    """End one session (logout, timeout)."""
    with db.transaction() as conn:
        conn.execute(console_sessions.update().where(cs.id == _digest(token))
                     .where(cs.ended_at.is_(None))
                     .values(ended_at=utcnow(), end_reason=reason))


def end_user_sessions(conn: Connection, username: str, reason: str) -> int:
    """End every open session of an account, in the caller's transaction; returns how many."""
    return int(conn.execute(
        console_sessions.update().where(cs.username == username)
        .where(cs.ended_at.is_(None)).values(ended_at=utcnow(), end_reason=reason)
    ).rowcount)


def open_sessions(db: Database, username: str) -> int:
    """How many sessions of an account are open (not ended)."""
    with db.read() as conn:
        return int(conn.execute(
            sa.select(sa.func.count()).select_from(console_sessions)
            .where(cs.username == username).where(cs.ended_at.is_(None))).scalar_one())
