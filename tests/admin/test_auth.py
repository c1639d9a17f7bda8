"""Logging in and out, roles, CSRF, throttling, and accounts in the database."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from starlette.testclient import TestClient

from admin import users
from storage.db import Database

PASSWORD = "correct horse battery"  # the seeded accounts' password (see conftest)
Login = Callable[[str], TestClient]
Token = Callable[[TestClient, str], str]


def test_pages_require_login_and_redirect_back_after_it(app: Any, accounts: None,
                                                        token: Token) -> None:
    with TestClient(app) as client:
        r = client.get("/journal?status=dead", follow_redirects=False)
        assert r.status_code == 303
        assert r.headers["location"] == "/login?next=/journal%3Fstatus%3Ddead"
        csrf = token(client, r.headers["location"])
        r = client.post("/login", data={"username": "viewer", "password": PASSWORD,
                                        "csrf_token": csrf, "next": "/journal?status=dead"},
                        follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/journal?status=dead"
        assert client.get("/journal").status_code == 200


def test_login_never_redirects_to_another_site(app: Any, accounts: None, token: Token) -> None:
    with TestClient(app) as client:
        r = client.post("/login", data={"username": "viewer", "password": PASSWORD,
                                        "csrf_token": token(client, "/login"),
                                        "next": "//evil.example/x"}, follow_redirects=False)
        assert r.headers["location"] == "/dashboard"


def test_wrong_password_is_rejected_and_audited(app: Any, accounts: None, seed: Any,
                                                token: Token) -> None:
    with TestClient(app) as client:
        r = client.post("/login", data={"username": "oper", "password": "wrong password",
                                        "csrf_token": token(client, "/login")},
                        follow_redirects=False)
        assert r.status_code == 401
        assert "Неверное имя пользователя или пароль" in r.text
        assert client.get("/journal", follow_redirects=False).status_code == 303
    assert [row.target for row in seed.audit("login-failed")] == ["oper"]


def test_login_and_logout_are_audited(login: Login, seed: Any, token: Token) -> None:
    client = login("oper")
    r = client.post("/logout", data={"csrf_token": token(client, "/journal")},
                    follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/journal", follow_redirects=False).status_code == 303
    assert [r.username for r in seed.audit("login")] == ["oper"]
    assert [r.username for r in seed.audit("logout")] == ["oper"]


def test_repeated_failures_lock_the_account(app: Any, accounts: None, token: Token) -> None:
    with TestClient(app) as client:
        csrf = token(client, "/login")
        for _ in range(5):
            client.post("/login", data={"username": "viewer", "password": "nope-nope",
                                        "csrf_token": csrf})
        r = client.post("/login", data={"username": "viewer", "password": PASSWORD,
                                        "csrf_token": csrf})
        assert r.status_code == 429
        assert "Слишком много неудачных попыток" in r.text


def test_login_form_without_csrf_token_is_refused(app: Any, accounts: None) -> None:
    with TestClient(app) as client:
        client.get("/login")
        r = client.post("/login", data={"username": "viewer", "password": PASSWORD})
        assert r.status_code == 403
        assert client.get("/journal", follow_redirects=False).status_code == 303


def test_form_without_csrf_token_is_forbidden(login: Login, seed: Any) -> None:
    letter = seed.dead_letter(seed.message())
    client = login("oper")
    r = client.post(f"/dead-letters/{letter}/replay", data={"reason": "retry"})
    assert r.status_code == 403
    assert "CSRF" in r.text
    r = client.post(f"/dead-letters/{letter}/replay",
                    data={"reason": "retry", "csrf_token": "forged"})
    assert r.status_code == 403
    assert seed.letter_state(letter) == "open"


def test_viewer_sees_dead_letters_but_cannot_replay(login: Login, seed: Any) -> None:
    letter = seed.dead_letter(seed.message())
    client = login("viewer")
    page = client.get(f"/dead-letters/{letter}")
    assert page.status_code == 200
    assert 'id="replay"' not in page.text
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    r = client.post(f"/dead-letters/{letter}/replay", data={"reason": "retry",
                                                            "csrf_token": csrf})
    assert r.status_code == 403
    assert "Недостаточно прав" in r.text
    assert seed.letter_state(letter) == "open"


def test_operator_cannot_open_administration(login: Login) -> None:
    client = login("oper")
    assert client.get("/users").status_code == 403
    assert client.get("/audit").status_code == 403
    assert 'href="/users"' not in client.get("/journal").text


def test_disabling_an_account_ends_its_sessions(login: Login, db: Database) -> None:
    client = login("viewer")
    assert client.get("/journal").status_code == 200
    users.set_disabled(db, "viewer", True)
    assert client.get("/journal", follow_redirects=False).status_code == 303


def test_password_reset_ends_sessions(login: Login, db: Database) -> None:
    client = login("viewer")
    users.set_password(db, "viewer", "a brand new password")
    assert client.get("/journal", follow_redirects=False).status_code == 303


def test_pages_carry_security_headers(login: Login) -> None:
    r = login("viewer").get("/journal")
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["cache-control"] == "no-store"


def test_api_requires_credentials(app: Any, accounts: None) -> None:
    with TestClient(app) as client:
        r = client.get("/api/messages")
        assert r.status_code == 401
        assert "нужна аутентификация" in r.json()["error"]
        assert "www-authenticate" not in r.headers
        bad = base64.b64encode(b"viewer:wrong").decode()
        r = client.get("/api/messages", headers={"Authorization": f"Basic {bad}"})
        assert r.status_code == 401
        good = base64.b64encode(f"viewer:{PASSWORD}".encode()).decode()
        r = client.get("/api/messages", headers={"Authorization": f"Basic {good}"})
        assert r.status_code == 200 and r.json()["items"] == []


def test_add_user_and_verify(db: Database) -> None:
    users.add_user(db, "new", "long enough password", "operator", personal_data=True)
    found = users.verify(db, "new", "long enough password")
    assert found == users.User("new", users.Role.operator, True, False)
    assert users.verify(db, "new", "wrong password") is None
    assert users.verify(db, "nobody", "long enough password") is None
    users.set_disabled(db, "new", True)
    assert users.verify(db, "new", "long enough password") is None


def test_add_user_refuses_bad_input(db: Database) -> None:
    users.add_user(db, "taken", "long enough password", "viewer")
    bad = [("taken", "long enough password", "viewer"), ("x", "short", "viewer"),
           ("y", "long enough password", "boss"), ("", "long enough password", "viewer")]
    for name, password, role in bad:
        try:
            users.add_user(db, name, password, role)
        except ValueError:
            continue
        raise AssertionError(f"accepted {name!r}/{role}")


def test_verify_rehashes_old_parameters(db: Database) -> None:
    from argon2 import PasswordHasher

    users.add_user(db, "old", "long enough password", "viewer")
    weak = PasswordHasher(time_cost=1, memory_cost=8192).hash("long enough password")
    with db.transaction() as conn:
        conn.execute(sa.text("UPDATE users SET password_hash = :h WHERE username = 'old'"),
                     {"h": weak})
    assert users.verify(db, "old", "long enough password") is not None
    with db.read() as conn:
        stored = conn.execute(sa.text("SELECT password_hash FROM users WHERE username = 'old'"))
        assert stored.scalar() != weak
