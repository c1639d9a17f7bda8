"""Administration pages: accounts and the audit log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from admin import grants, users
from storage.db import Database
from tests.admin.conftest import seed_user

Login = Callable[[str], TestClient]
Token = Callable[[TestClient, str], str]


def test_administrator_adds_a_user_who_can_log_in(login: Login, app: Any, seed: Any,
                                                  token: Token) -> None:
    admin = login("admin")
    r = admin.post("/users/add", data={"csrf_token": token(admin, "/users"),
                                       "username": "anna", "password": "anna's password",
                                       "role": "operator", "personal_data": "1"})
    assert r.status_code == 200 and "Пользователь anna создан" in r.text
    assert 'data-user="anna"' in r.text
    [row] = seed.audit("user-add")
    assert (row.username, row.target) == ("admin", "anna")
    with TestClient(app) as client:
        r = client.post("/login", data={"username": "anna", "password": "anna's password",
                                        "csrf_token": token(client, "/login")},
                        follow_redirects=False)
        assert r.status_code == 303


def test_short_password_is_refused_with_a_message(login: Login, token: Token) -> None:
    admin = login("admin")
    r = admin.post("/users/add", data={"csrf_token": token(admin, "/users"),
                                       "username": "bob", "password": "short",
                                       "role": "viewer"})
    assert "не короче 8 символов" in r.text
    assert 'data-user="bob"' not in r.text


def test_role_change_disable_and_password_reset(login: Login, db: Database, seed: Any,
                                                token: Token) -> None:
    admin = login("admin")
    admin.post("/users/viewer", data={"csrf_token": token(admin, "/users"), "action": "role",
                                      "role": "operator"})
    assert users.get_user(db, "viewer").role == users.Role.operator  # type: ignore[union-attr]
    admin.post("/users/viewer", data={"csrf_token": token(admin, "/users"),
                                      "action": "personal_data", "personal_data": "1"})
    # Personal-data access needs a second administrator (four eyes, tests/security).
    assert not users.get_user(db, "viewer").personal_data  # type: ignore[union-attr]
    seed_user(db, "second", "administrator")
    second = login("second")
    [grant] = grants.pending(db)
    second.post(f"/users/grants/{grant.id}/approve",
                data={"csrf_token": token(second, "/users")})
    assert users.get_user(db, "viewer").personal_data  # type: ignore[union-attr]
    admin.post("/users/viewer", data={"csrf_token": token(admin, "/users"),
                                      "action": "password", "password": "new password!"})
    assert users.verify(db, "viewer", "new password!") is not None
    admin.post("/users/viewer", data={"csrf_token": token(admin, "/users"),
                                      "action": "disabled", "disabled": "1"})
    assert users.get_user(db, "viewer").disabled  # type: ignore[union-attr]
    actions = [a for a in ("user-role", "grant-approved", "user-password", "user-disabled")
               if seed.audit(a)]
    assert len(actions) == 4


def test_last_administrator_cannot_be_removed(login: Login, db: Database,
                                             token: Token) -> None:
    admin = login("admin")
    r = admin.post("/users/admin", data={"csrf_token": token(admin, "/users"),
                                         "action": "disabled", "disabled": "1"})
    assert "последнего администратора" in r.text
    r = admin.post("/users/admin", data={"csrf_token": token(admin, "/users"),
                                         "action": "role", "role": "viewer"})
    assert "последнего администратора" in r.text
    assert users.get_user(db, "admin").role == users.Role.administrator  # type: ignore[union-attr]


def test_audit_page_lists_actions_with_user_and_reason(login: Login, seed: Any,
                                                       token: Token) -> None:
    letter = seed.dead_letter(seed.message())
    oper = login("oper")
    oper.post(f"/dead-letters/{letter}/discard", data={
        "csrf_token": token(oper, f"/dead-letters/{letter}"), "reason": "known noise"})
    page = login("admin").get("/audit?action=discard").text
    assert page.count('class="audit-row"') == 1
    assert "oper" in page and "known noise" in page
    everything = login("admin").get("/audit").text
    assert "login" in everything
