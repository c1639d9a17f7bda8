"""Console sessions end on the server: a copy of the cookie is worthless afterwards.

The session was a signed cookie alone, so a copy taken before logout still changed roles
hours later. Now the cookie carries a token naming a row of ``console_sessions``; logout,
a role change, a personal-data change, a password change and disabling the account end
the rows at once, and a copy gets the login form (pages) or 401 (API). Idle timeout and
absolute lifetime are the server's. Every test runs on SQLite and PostgreSQL (``db``).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from admin import sessions, users
from contracts.envelope import utcnow
from storage.db import Database
from storage.models import console_sessions
from tests.admin.conftest import (
    accounts,
    app,
    bus,
    db,
    health_state,
    login,
    ops,
    page_token,
    pg_schema_url,
    seed,
    types,
)

__all__ = ["accounts", "app", "bus", "db", "health_state", "login", "ops", "pg_schema_url",
           "seed", "types"]

Login = Callable[[str], TestClient]
COOKIE = "omshub_session"


def copy_of(client: TestClient, app: Any) -> TestClient:
    """Another browser holding a copy of ``client``'s session cookie."""
    value = client.cookies.get(COOKIE)
    assert value, "the client has no session cookie"
    return TestClient(app, cookies={COOKIE: value})


def refused(client: TestClient) -> bool:
    """Whether the client is treated as logged out on a page and on the API."""
    page = client.get("/journal", follow_redirects=False)
    api = client.get("/api/messages")
    return (page.status_code == 303 and page.headers["location"].startswith("/login")
            and api.status_code == 401)


def test_copy_of_the_cookie_is_refused_after_logout(login: Login, app: Any, db: Database,
                                                    seed: Any) -> None:
    admin = login("admin")
    token = page_token(admin, "/users")
    with copy_of(admin, app) as thief:
        assert thief.get("/journal").status_code == 200  # the copy works while logged in
        r = admin.post("/logout", data={"csrf_token": token}, follow_redirects=False)
        assert r.status_code == 303
        assert refused(thief)
        # Nor does the copy change a role with the token it carried.
        r = thief.post("/users/viewer", data={"csrf_token": token, "action": "role",
                                              "role": "operator"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert users.get_user(db, "viewer").role == users.Role.viewer  # type: ignore[union-attr]
    assert [r.end_reason for r in _rows(db, "admin")] == ["logout"]


@pytest.mark.parametrize(("action", "fields"), [
    ("role", {"role": "operator"}),
    ("password", {"password": "another long password"}),
    ("disabled", {"disabled": "1"}),
    ("personal_data", {"personal_data": "0"}),
])
def test_an_account_change_by_an_administrator_ends_its_sessions(
        login: Login, app: Any, db: Database, action: str, fields: dict[str, str]) -> None:
    victim = login("pd")  # operator with personal-data access
    with copy_of(victim, app) as copy:
        assert copy.get("/journal").status_code == 200
        admin = login("admin")
        r = admin.post("/users/pd", data={"csrf_token": page_token(admin, "/users"),
                                          "action": action, **fields})
        assert r.status_code == 200 and "изменён" in r.text, r.text
        assert refused(victim) and refused(copy)
    assert sessions.open_sessions(db, "pd") == 0
    assert login("admin").get("/journal").status_code == 200  # the admin's own goes on


def test_changes_made_outside_the_console_end_sessions_too(login: Login, db: Database) -> None:
    client = login("viewer")
    users.set_password(db, "viewer", "a brand new password")
    assert refused(client)
    client = login("oper")
    users.set_role(db, "oper", "viewer")
    assert refused(client)


def test_the_cookie_carries_a_token_the_server_keeps_only_hashed(login: Login,
                                                                 db: Database) -> None:
    client = login("oper")
    payload = client.cookies[COOKIE].split(".")[0]
    data = json.loads(base64.b64decode(payload + "=" * (-len(payload) % 4)))
    assert set(data) == {"sid", "csrf"}  # no user name, no role: the server decides
    [row] = _rows(db, "oper")
    assert row.id == hashlib.sha256(data["sid"].encode()).hexdigest()
    assert data["sid"] not in {str(v) for v in row}
    assert row.remote_addr == "testclient"


def test_idle_and_old_sessions_end(login: Login, db: Database) -> None:
    idle = login("viewer")
    _age(db, "viewer", last_seen=sessions.IDLE_TIMEOUT + timedelta(minutes=1))
    assert refused(idle)
    old = login("oper")  # active a minute ago, but logged in longer than the lifetime
    _age(db, "oper", created=sessions.LIFETIME + timedelta(minutes=1),
         last_seen=timedelta(minutes=1))
    assert refused(old)
    assert [r.end_reason for r in _rows(db, "viewer")] == ["idle"]
    assert [r.end_reason for r in _rows(db, "oper")] == ["expired"]
    fresh = login("viewer")
    _age(db, "viewer", last_seen=sessions.IDLE_TIMEOUT - timedelta(minutes=5))
    assert fresh.get("/journal").status_code == 200  # used within the timeout: still on


def _rows(db: Database, username: str) -> list[Any]:
    with db.read() as conn:
        return list(conn.execute(sa.select(console_sessions)
                                 .where(console_sessions.c.username == username)
                                 .order_by(console_sessions.c.created_at)).all())


def _age(db: Database, username: str, *, created: timedelta | None = None,
         last_seen: timedelta) -> None:
    """Move the account's open sessions back in time."""
    now = utcnow()
    values: dict[str, Any] = {"last_seen_at": now - last_seen}
    if created is not None:
        values["created_at"] = now - created
    with db.transaction() as conn:
        conn.execute(console_sessions.update()
                     .where(console_sessions.c.username == username)
                     .where(console_sessions.c.ended_at.is_(None)).values(**values))
