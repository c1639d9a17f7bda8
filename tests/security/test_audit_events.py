"""The audit log answers for refusals and failures too, not only for what succeeded.

Refusals for lack of a role (pages and API), CSRF failures (pages, API, login form),
locked-out logins, failed administrative actions and bulk replays that matched nothing
were not audited. Each is now a row with who, when, what and from which address, under a
clear action name the audit page filters by (``*-failed`` and comma lists too).
Who viewed personal data unmasked is audited elsewhere (tests/security/test_view_audit*).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from tests.admin.conftest import (
    accounts,
    app,
    basic_auth,
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
ADDR = "testclient"
"""The address Starlette's test client connects from."""


def one(seed: Any, action: str) -> Any:
    """The single audit row of ``action``, with an address and a time."""
    rows = seed.audit(action)
    assert len(rows) == 1, f"{action}: {[tuple(r) for r in rows]}"
    assert rows[0].remote_addr == ADDR and rows[0].at is not None
    return rows[0]


def test_refusals_for_lack_of_a_role_are_audited(login: Login, app: Any, seed: Any) -> None:
    letter = seed.dead_letter(seed.message())
    assert login("oper").get("/users").status_code == 403
    with TestClient(app) as api:
        r = api.post(f"/api/dead-letters/{letter}/replay", json={"reason": "x"},
                     headers=basic_auth("viewer"))
        assert r.status_code == 403
    rows = seed.audit("access-denied")
    assert [(r.username, r.target) for r in rows] == [
        ("oper", "/users"), ("viewer", f"/api/dead-letters/{letter}/replay")]
    assert all(r.remote_addr == ADDR for r in rows)
    assert '"required": "administrator"' in rows[0].details


def test_csrf_failures_are_audited_on_pages_the_api_and_the_login_form(
        login: Login, app: Any, seed: Any) -> None:
    letter = seed.dead_letter(seed.message())
    oper = login("oper")
    assert oper.post(f"/dead-letters/{letter}/discard",
                     data={"reason": "x", "csrf_token": "forged"}).status_code == 403
    assert oper.post(f"/api/dead-letters/{letter}/discard", json={"reason": "x"}).status_code \
        == 403
    with TestClient(app) as stranger:
        stranger.get("/login")
        assert stranger.post("/login", data={"username": "viewer", "password": "x"}
                             ).status_code == 403
    rows = seed.audit("csrf-failed")
    assert [(r.username, r.target) for r in rows] == [
        ("oper", f"/dead-letters/{letter}/discard"),
        ("oper", f"/api/dead-letters/{letter}/discard"), ("viewer", "/login")]
    assert all(r.remote_addr == ADDR for r in rows)
    assert seed.letter_state(letter) == "open"


def test_locked_out_logins_are_audited(app: Any, accounts: None, seed: Any) -> None:
    with TestClient(app) as client:
        csrf = page_token(client, "/login")
        for _ in range(5):
            client.post("/login", data={"username": "viewer", "password": "nope-nope",
                                        "csrf_token": csrf})
        r = client.post("/login", data={"username": "viewer", "password": "nope-nope",
                                        "csrf_token": csrf})
        assert r.status_code == 429
        r = client.get("/api/messages", headers=basic_auth("viewer"))
        assert r.status_code == 429
    rows = seed.audit("login-locked")
    assert [(r.username, r.target) for r in rows] == [("viewer", "viewer")] * 2
    assert '"via": "api"' in rows[1].details and rows[1].remote_addr == ADDR


def test_failed_administrative_actions_are_audited(login: Login, app: Any, seed: Any) -> None:
    admin = login("admin")
    r = admin.post("/users/admin", data={"csrf_token": page_token(admin, "/users"),
                                         "action": "disabled", "disabled": "1"})
    assert "последнего администратора" in r.text
    assert "последнего администратора" in one(seed, "user-disabled-failed").details
    seed.schedule("probe-hourly")
    admin.post("/schedules/probe-hourly/cron",
               data={"csrf_token": page_token(admin, "/components"), "cron": "every hour"})
    assert one(seed, "schedule-cron-failed").target == "probe-hourly"
    with TestClient(app) as api:
        r = api.post("/api/schedules/probe-hourly", json={"cron": "nope"},
                     headers=basic_auth("admin"))
        assert r.status_code == 400
    assert '"status": 400' in one(seed, "edit-schedule-failed").details
    letter = seed.dead_letter(seed.message())
    oper = login("oper")
    token = page_token(oper, f"/dead-letters/{letter}")
    oper.post(f"/dead-letters/{letter}/discard", data={"csrf_token": token, "reason": "noise"})
    r = oper.post(f"/dead-letters/{letter}/replay", data={"csrf_token": token, "reason": "go"})
    assert r.status_code == 409
    row = one(seed, "replay-failed")
    assert (row.username, row.reason) == ("oper", "go")


def test_bulk_replays_that_matched_nothing_are_audited(login: Login, app: Any,
                                                       seed: Any) -> None:
    seed.dead_letter(seed.message(), queue="handler.probe")
    oper = login("oper")
    r = oper.post("/dead-letters/replay", data={
        "csrf_token": page_token(oper, "/dead-letters"), "reason": "after the fix",
        "queue": "handler.nowhere"})
    assert "Отправлено повторно: 0" in r.text
    oper.post("/dead-letters/groups/000000000000/replay", data={
        "csrf_token": page_token(oper, "/dead-letters"), "reason": "after the fix"})
    with TestClient(app) as api:
        r = api.post("/api/dead-letters/replay", json={"reason": "api", "type": "no.such.v1"},
                     headers=basic_auth("oper"))
        assert r.json() == {"replayed": 0}
    rows = seed.audit("replay-matched-nothing")
    assert [(r.username, r.reason) for r in rows] == [
        ("oper", "after the fix"), ("oper", "after the fix"), ("oper", "api")]
    assert '"queue": "handler.nowhere"' in rows[0].details and rows[1].target == "000000000000"


def test_the_audit_page_filters_by_the_new_actions(login: Login, seed: Any) -> None:
    login("oper").get("/users")  # access-denied
    admin = login("admin")
    admin.post("/users/admin", data={"csrf_token": page_token(admin, "/users"),
                                     "action": "role", "role": "viewer"})  # user-role-failed
    failed = admin.get("/audit?action=*-failed").text
    assert failed.count('class="audit-row"') == 1 and "user-role-failed" in failed
    refusals = admin.get("/audit?action=access-denied,csrf-failed,login-locked").text
    assert refusals.count('class="audit-row"') == 1 and "access-denied" in refusals
    page = admin.get("/audit").text
    assert 'id="audit-presets"' in page and "Неудачные действия" in page
    assert '<option value="replay-matched-nothing">' in page
    api = admin.get("/api/audit", params={"action": "*-failed"}).json()
    assert [i["action"] for i in api["items"]] == ["user-role-failed"]


def test_a_failed_replay_from_the_journal_and_a_refused_download_are_audited(
        login: Login, seed: Any) -> None:
    message = seed.message(raw=b"<a>1</a>")
    oper = login("oper")
    token = page_token(oper, f"/journal/{message}")
    r = oper.post(f"/journal/{message}/replay", data={"csrf_token": token, "reason": ""})
    assert r.status_code == 400 and "Укажите причину" in r.text
    row = one(seed, "replay-message-failed")
    assert row.target == message and "Укажите причину" in row.details
    r = oper.post(f"/journal/{message}/replay",
                  data={"csrf_token": token, "reason": "fix", "edited": "1", "payload": ""})
    assert r.status_code == 400
    assert one(seed, "edit-and-replay-message-failed").reason == "fix"
    blob = oper.get(f"/api/messages/{message}").json()["raw"][0]["blob_id"]
    assert oper.get(f"/journal/{message}/blobs/{blob}").status_code == 403
    denied = one(seed, "access-denied")
    assert denied.target == f"/journal/{message}/blobs/{blob}"
    assert '"required": "personal_data"' in denied.details
