"""Four eyes: the administrator role and personal-data access need a second administrator.

One administrator could grant either, to himself too. Now the first administrator's change
only creates a pending request, shown on /users to the other administrators; the requester
cannot approve his own, nobody may grant to himself, approval applies it, and each step is
audited. Taking rights away needs nobody else. ``four_eyes_grants = false`` (a one-person
install) applies grants at once. The command line, run from the server's shell, creates
accounts with any rights and is audited.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from admin import grants, users
from admin.app import create_app
from contracts.registry import TypeRegistry
from hub import cli
from hub.operations import Operations
from hub.settings import Settings
from storage.db import Database
from tests.admin.conftest import (
    SECRET,
    accounts,
    app,
    bus,
    db,
    form_logins,
    health_state,
    login,
    ops,
    page_token,
    pg_schema_url,
    seed,
    seed_user,
    types,
)

__all__ = ["accounts", "app", "bus", "db", "health_state", "login", "ops", "pg_schema_url",
           "seed", "types"]

Login = Callable[[str], TestClient]


def change(client: TestClient, username: str, **fields: str) -> str:
    """Post a change of an account on /users; the page shown after it."""
    r = client.post(f"/users/{username}",
                    data={"csrf_token": page_token(client, "/users"), **fields})
    assert r.status_code == 200, r.text
    return r.text


def decide(client: TestClient, grant_id: int, decision: str) -> str:
    """Approve or reject a pending grant; the page shown after it."""
    r = client.post(f"/users/grants/{grant_id}/{decision}",
                    data={"csrf_token": page_token(client, "/users")})
    assert r.status_code == 200, r.text
    return r.text


def test_personal_data_takes_a_second_administrator(login: Login, db: Database,
                                                    seed: Any) -> None:
    seed_user(db, "boris", "administrator")
    anna, boris = login("admin"), login("boris")
    page = change(anna, "viewer", action="personal_data", personal_data="1")
    assert "подтвердит другой администратор" in page
    assert not users.get_user(db, "viewer").personal_data  # type: ignore[union-attr]
    [grant] = grants.pending(db)
    assert f'id="approve-{grant.id}"' not in page  # not for the requester
    assert "Свой запрос подтверждает другой администратор" in decide(anna, grant.id, "approve")
    assert not users.get_user(db, "viewer").personal_data  # type: ignore[union-attr]
    assert f'id="approve-{grant.id}"' in boris.get("/users").text
    assert "Подтверждено" in decide(boris, grant.id, "approve")
    assert users.get_user(db, "viewer").personal_data  # type: ignore[union-attr]
    [asked] = seed.audit("grant-requested")
    [approved] = seed.audit("grant-approved")
    [refused] = seed.audit("grant-approve-failed")
    assert (asked.username, asked.target) == ("admin", "viewer")
    assert (approved.username, approved.target) == ("boris", "viewer")
    assert refused.username == "admin" and approved.remote_addr == "testclient"


def test_the_administrator_role_takes_a_second_administrator_and_can_be_rejected(
        login: Login, db: Database, seed: Any) -> None:
    seed_user(db, "boris", "administrator")
    anna, boris = login("admin"), login("boris")
    change(anna, "oper", action="role", role="administrator")
    assert users.get_user(db, "oper").role == users.Role.operator  # type: ignore[union-attr]
    [grant] = grants.pending(db)
    assert "Отклонено" in decide(boris, grant.id, "reject")
    assert users.get_user(db, "oper").role == users.Role.operator  # type: ignore[union-attr]
    assert grants.pending(db) == []
    assert [r.username for r in seed.audit("grant-rejected")] == ["boris"]
    change(anna, "oper", action="role", role="administrator")
    [grant] = grants.pending(db)
    decide(boris, grant.id, "approve")
    assert users.get_user(db, "oper").role == users.Role.administrator  # type: ignore[union-attr]


def test_nobody_grants_to_himself(login: Login, db: Database, seed: Any) -> None:
    seed_user(db, "boris", "administrator")  # an administrator without personal data
    seed_user(db, "vera", "administrator")
    boris = login("boris")
    page = change(boris, "boris", action="personal_data", personal_data="1")
    assert "самому себе" in page and grants.pending(db) == []
    assert [r.username for r in seed.audit("user-personal-data-failed")] == ["boris"]
    # Requested by another, the receiver cannot approve it either; a third one can.
    change(login("admin"), "boris", action="personal_data", personal_data="1")
    [grant] = grants.pending(db)
    assert f'id="approve-{grant.id}"' not in boris.get("/users").text
    assert "самому себе" in decide(boris, grant.id, "approve")
    assert not users.get_user(db, "boris").personal_data  # type: ignore[union-attr]
    decide(login("vera"), grant.id, "approve")
    assert users.get_user(db, "boris").personal_data  # type: ignore[union-attr]


def test_a_new_account_gets_strong_rights_only_after_approval(login: Login, db: Database,
                                                              seed: Any) -> None:
    seed_user(db, "boris", "administrator")
    anna = login("admin")
    r = anna.post("/users/add", data={"csrf_token": page_token(anna, "/users"),
                                      "username": "gleb", "password": "gleb's password",
                                      "role": "administrator", "personal_data": "1"})
    assert "Пользователь gleb создан (роль «Оператор»)" in r.text
    assert users.get_user(db, "gleb") == users.User("gleb", users.Role.operator, False, False)
    assert {(g.username, g.grant) for g in grants.pending(db)} == {
        ("gleb", grants.Grant.administrator), ("gleb", grants.Grant.personal_data)}
    boris = login("boris")
    for grant in grants.pending(db):
        decide(boris, grant.id, "approve")
    assert users.get_user(db, "gleb") == users.User("gleb", users.Role.administrator, True,
                                                    False)


def test_taking_rights_away_needs_nobody_else(login: Login, db: Database) -> None:
    anna = login("admin")
    change(anna, "pd", action="personal_data", personal_data="0")
    assert not users.get_user(db, "pd").personal_data  # type: ignore[union-attr]
    change(anna, "pd", action="role", role="viewer")
    assert users.get_user(db, "pd").role == users.Role.viewer  # type: ignore[union-attr]
    assert grants.pending(db) == []


@pytest.fixture
def alone(db: Database, ops: Operations, types: TypeRegistry) -> Iterator[TestClient]:
    """The only administrator of a console with ``four_eyes_grants = false``."""
    seed_user(db, "solo", "administrator")
    seed_user(db, "viewer", "viewer")
    console = create_app(db, ops, types, secret_key=SECRET,
                         settings=Settings(four_eyes_grants=False))
    with form_logins(console) as make:
        yield make("solo")


def test_one_person_install_turns_four_eyes_off(alone: TestClient, db: Database,
                                                seed: Any) -> None:
    change(alone, "viewer", action="personal_data", personal_data="1")
    change(alone, "viewer", action="role", role="administrator")
    change(alone, "solo", action="personal_data", personal_data="1")
    assert users.get_user(db, "viewer") == users.User("viewer", users.Role.administrator,
                                                      True, False)
    assert users.get_user(db, "solo").personal_data  # type: ignore[union-attr]
    assert grants.pending(db) == [] and seed.audit("grant-requested") == []
    assert len(seed.audit("user-personal-data")) == 2


def test_the_command_line_grants_from_the_server_shell_and_is_audited(
        db: Database, seed: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OMSHUB_DATABASE_URL", db.url)
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    code = cli.main(["user", "add", "root", "--role", "administrator", "--personal-data",
                     "--password-stdin"])
    assert code == 0
    assert users.get_user(db, "root") == users.User("root", users.Role.administrator, True,
                                                    False)
    [row] = seed.audit("user-add")
    assert row.username.startswith("cli:") and row.target == "root"
    assert '"personal_data": true' in row.details


def test_a_lone_administrator_is_told_how_to_get_a_second_one(login: Login, db: Database,
                                                              seed: Any) -> None:
    assert users.active_administrators(db) == ["admin"]
    page = change(login("admin"), "viewer", action="personal_data", personal_data="1")
    assert "Другого администратора сейчас нет" in page
    assert "omshub user add ИМЯ --role administrator" in page
    seed_user(db, "boris", "administrator")
    page = change(login("admin"), "oper", action="role", role="administrator")
    assert "подтвердит другой администратор" in page
    assert "Другого администратора сейчас нет" not in page
