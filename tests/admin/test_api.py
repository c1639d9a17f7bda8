"""The JSON API: same filters, roles and masking as the pages; clear errors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.admin.conftest import basic_auth as basic

Login = Callable[[str], TestClient]
T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def api(app: Any, accounts: None) -> Any:
    """A client without a session (machine clients use Basic auth)."""
    with TestClient(app) as client:
        yield client


def test_messages_filter_and_page(api: TestClient, seed: Any) -> None:
    made = [seed.message(at=T0 + timedelta(minutes=i)) for i in range(3)]
    person = seed.person_message(at=T0 + timedelta(hours=1), status="routed")
    r = api.get("/api/messages", params={"type": "hub.probe", "limit": 2},
                headers=basic("viewer"))
    assert r.status_code == 200
    body = r.json()
    assert [m["message_id"] for m in body["items"]] == [made[2], made[1]]
    r = api.get("/api/messages", params={"type": "hub.probe", "limit": 2,
                                         "cursor": body["next_cursor"]}, headers=basic("viewer"))
    assert [m["message_id"] for m in r.json()["items"]] == [made[0]]
    assert r.json()["next_cursor"] is None
    r = api.get("/api/messages", params={"status": "routed"}, headers=basic("viewer"))
    assert [m["message_id"] for m in r.json()["items"]] == [person]
    assert r.json()["items"][0]["person"] == "***-***-*** 01 ************1111"
    r = api.get("/api/messages", params={"person": seed.snils}, headers=basic("pd"))
    assert r.json()["items"][0]["person"] == f"{seed.snils} {seed.enp}"


def test_bad_query_is_400_with_a_message(api: TestClient) -> None:
    r = api.get("/api/messages", params={"status": "lost"}, headers=basic("viewer"))
    assert r.status_code == 400
    assert "неизвестный статус «lost»" in r.json()["error"]
    r = api.get("/api/messages", params={"cursor": "!!"}, headers=basic("viewer"))
    assert r.status_code == 400


def test_message_detail_with_trail_masked(api: TestClient, seed: Any) -> None:
    message_id = seed.person_message(events=[("received", "adapter.soap", "", 0, ""),
                                             ("handled", "handler.erz", "handler.erz", 1, "")])
    r = api.get(f"/api/messages/{message_id}", headers=basic("viewer"))
    assert r.status_code == 200
    body = r.json()
    assert [e["status"] for e in body["trail"]] == ["received", "handled"]
    assert body["payload"]["snils"] == "***-***-*** 01"
    assert body["raw"][0]["is_xml"] and "<FAM>И*****</FAM>" in body["raw"][0]["text"]
    assert seed.snils not in r.text
    assert body["conversation"][0]["message_id"] == message_id
    unmasked = api.get(f"/api/messages/{message_id}", headers=basic("pd")).json()
    assert unmasked["payload"]["snils"] == seed.snils
    assert api.get("/api/messages/nope", headers=basic("viewer")).status_code == 404


def test_dead_letters_grouped_and_flat(api: TestClient, seed: Any) -> None:
    for i in range(2):
        seed.dead_letter(seed.message(), cause_message=f"person {i} not found")
    seed.dead_letter(seed.message(), cause_type="ValidationError", cause_message="bad")
    grouped = api.get("/api/dead-letters", headers=basic("viewer")).json()["groups"]
    assert sorted((g["cause_type"], g["count"]) for g in grouped) == [
        ("LookupError", 2), ("ValidationError", 1)]
    key = next(g["key"] for g in grouped if g["cause_type"] == "LookupError")
    flat = api.get("/api/dead-letters", params={"view": "flat", "group": key},
                   headers=basic("viewer")).json()["items"]
    assert len(flat) == 2 and {x["cause_type"] for x in flat} == {"LookupError"}


def test_viewer_cannot_replay_through_the_api(api: TestClient, seed: Any) -> None:
    letter = seed.dead_letter(seed.message())
    r = api.post(f"/api/dead-letters/{letter}/replay", json={"reason": "x"},
                 headers=basic("viewer"))
    assert r.status_code == 403
    assert "operator" in r.json()["error"]
    assert seed.letter_state(letter) == "open"


def test_replay_needs_a_reason_then_is_audited(api: TestClient, seed: Any) -> None:
    letter = seed.dead_letter(seed.message())
    r = api.post(f"/api/dead-letters/{letter}/replay", json={}, headers=basic("oper"))
    assert r.status_code == 400 and "reason" in r.json()["error"]
    r = api.post(f"/api/dead-letters/{letter}/replay", json={"reason": "retry now"},
                 headers=basic("oper"))
    assert r.status_code == 200 and r.json()["state"] == "replayed"
    [row] = seed.audit("replay")
    assert (row.username, row.reason) == ("oper", "retry now")
    r = api.post(f"/api/dead-letters/{letter}/replay", json={"reason": "again"},
                 headers=basic("oper"))
    assert r.status_code == 409
    assert api.post("/api/dead-letters/999999/replay", json={"reason": "x"},
                    headers=basic("oper")).status_code == 404


def test_edit_and_replay_validates_the_payload(api: TestClient, seed: Any) -> None:
    letter = seed.dead_letter(seed.message())
    r = api.post(f"/api/dead-letters/{letter}/replay",
                 json={"reason": "fix", "payload": {"seq": -1, "sent_at": "2024-05-01T00:00Z"}},
                 headers=basic("oper"))
    assert r.status_code == 400 and "seq" in r.json()["error"]
    r = api.post(f"/api/dead-letters/{letter}/replay", json={"reason": "fix", "payload": [1]},
                 headers=basic("oper"))
    assert r.status_code == 400
    person = seed.dead_letter(seed.person_message(), queue="handler.person")
    r = api.post(f"/api/dead-letters/{person}/replay",
                 json={"reason": "fix", "payload": {"snils": "111-222-333 44"}},
                 headers=basic("oper"))
    assert r.status_code == 403 and "personal_data" in r.json()["error"]


def test_discard_and_bulk_replay(api: TestClient, seed: Any) -> None:
    a = seed.dead_letter(seed.message(), queue="handler.person")
    b = seed.dead_letter(seed.message(), queue="handler.probe")
    c = seed.dead_letter(seed.message(), queue="handler.probe")
    r = api.post(f"/api/dead-letters/{a}/discard", json={"reason": "duplicate"},
                 headers=basic("oper"))
    assert r.status_code == 200 and seed.letter_state(a) == "discarded"
    r = api.post("/api/dead-letters/replay", json={"reason": "go"}, headers=basic("oper"))
    assert r.status_code == 400 and "фильтр" in r.json()["error"]
    r = api.post("/api/dead-letters/replay", json={"reason": "go", "queue": "handler.probe"},
                 headers=basic("oper"))
    assert r.json() == {"replayed": 2}
    assert (seed.letter_state(b), seed.letter_state(c)) == ("replayed", "replayed")


def test_replay_message_returns_the_copy_id(api: TestClient, seed: Any) -> None:
    message_id = seed.message()
    r = api.post(f"/api/messages/{message_id}/replay", json={"reason": "resend"},
                 headers=basic("oper"))
    assert r.status_code == 202
    assert r.json()["replay_of"] == message_id and r.json()["message_id"] != message_id
    assert api.post("/api/messages/nope/replay", json={"reason": "x"},
                    headers=basic("oper")).status_code == 404


def test_session_posts_need_the_csrf_header(login: Login, seed: Any) -> None:
    letter = seed.dead_letter(seed.message())
    client = login("oper")
    r = client.post(f"/api/dead-letters/{letter}/replay", json={"reason": "x"})
    assert r.status_code == 403 and "X-CSRF-Token" in r.json()["error"]
    csrf = client.get("/api/me").json()["csrf_token"]
    r = client.post(f"/api/dead-letters/{letter}/replay", json={"reason": "x"},
                    headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200


def test_audit_is_for_administrators(api: TestClient, seed: Any) -> None:
    letter = seed.dead_letter(seed.message())
    api.post(f"/api/dead-letters/{letter}/discard", json={"reason": "noise"},
             headers=basic("oper"))
    assert api.get("/api/audit", headers=basic("oper")).status_code == 403
    items = api.get("/api/audit", params={"action": "discard"},
                    headers=basic("admin")).json()["items"]
    assert [(i["username"], i["reason"]) for i in items] == [("oper", "noise")]


def test_schedules_list_and_run(api: TestClient, seed: Any) -> None:
    seed.schedule("probe.hourly")
    items = api.get("/api/schedules", headers=basic("viewer")).json()["items"]
    assert [s["name"] for s in items] == ["probe.hourly"]
    assert api.post("/api/schedules/probe.hourly/run", headers=basic("viewer")).status_code == 403
    r = api.post("/api/schedules/probe.hourly/run", headers=basic("oper"))
    assert r.status_code == 202
    items = api.get("/api/schedules", headers=basic("viewer")).json()["items"]
    assert items[0]["run_requested_at"] is not None
    assert seed.audit("schedule-run")[0].target == "probe.hourly"
    assert api.post("/api/schedules/nope/run", headers=basic("oper")).status_code == 404
    r = api.post("/api/schedules/probe.hourly", json={"cron": "every day"},
                 headers=basic("admin"))
    assert r.status_code == 400 and "неверное расписание" in r.json()["error"]


def test_unknown_endpoint_and_bad_json_are_json_errors(api: TestClient) -> None:
    r = api.get("/api/nothing", headers=basic("viewer"))
    assert r.status_code == 404 and "error" in r.json()
    r = api.post("/api/dead-letters/1/replay", content=b"{oops",
                 headers={**basic("oper"), "Content-Type": "application/json"})
    assert r.status_code == 400 and "не JSON" in r.json()["error"]
