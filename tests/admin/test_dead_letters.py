"""Failed messages: groups by cause, replay one or many, edit-and-replay, discard."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.testclient import TestClient

from admin.deadletters import normalise_cause

Login = Callable[[str], TestClient]
Token = Callable[[TestClient, str], str]
T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def test_causes_differing_only_in_values_share_a_group() -> None:
    a = normalise_cause("person 3541111111111111 not found in 'ФЕРЗЛ' (attempt 3)")
    b = normalise_cause("person 3552222222222220 not found in 'РС ЕРЗ' (attempt 4)")
    assert a == b == "person <n> not found in <…> (attempt <n>)"
    assert normalise_cause("message 1c6f1e2a-1234-4567-8901-a23456789b12 late") == \
        "message <id> late"


def _groups(page: str) -> dict[str, int]:
    rows = re.findall(r'<tr class="group-row".*?<td class="mono">([^<]+)</td>.*?'
                      r'<td class="num">(\d+)</td>', page, re.S)
    return {cause: int(count) for cause, count in rows}


def test_dead_letters_are_grouped_by_cause_with_counts(login: Login, seed: Any) -> None:
    for i in range(3):
        seed.dead_letter(seed.message(), cause_message=f"person {i}00 not found",
                         at=T0 + timedelta(minutes=i))
    seed.dead_letter(seed.message(), cause_type="ValidationError",
                     cause_message="seq: Input should be greater than or equal to 0")
    page = login("viewer").get("/dead-letters").text
    assert _groups(page) == {"LookupError": 3, "ValidationError": 1}
    assert "person &lt;n&gt; not found" in page


def test_group_page_lists_its_letters_and_filters_apply(login: Login, seed: Any) -> None:
    ids = [seed.dead_letter(seed.message(), queue=q, cause_message=f"person {i} not found")
           for i, q in enumerate(["handler.probe", "handler.probe", "handler.person"])]
    client = login("viewer")
    page = client.get("/dead-letters?queue=handler.probe").text
    assert _groups(page) == {"LookupError": 2}
    key = re.search(r'data-key="(\w+)"', page).group(1)  # type: ignore[union-attr]
    group = client.get(f"/dead-letters/groups/{key}?queue=handler.probe").text
    assert sorted(int(x) for x in re.findall(r'class="letter-row" data-id="(\d+)"', group)) == \
        ids[:2]


def test_replay_requires_a_reason(login: Login, seed: Any, token: Token) -> None:
    letter = seed.dead_letter(seed.message())
    client = login("oper")
    r = client.post(f"/dead-letters/{letter}/replay",
                    data={"csrf_token": token(client, f"/dead-letters/{letter}"), "reason": ""})
    assert r.status_code == 400
    assert 'id="replay-error"' in r.text and "Укажите причину" in r.text
    assert seed.letter_state(letter) == "open"
    assert seed.audit("replay") == []


def test_replay_is_audited_with_user_and_reason(login: Login, seed: Any, token: Token,
                                                bus: Any) -> None:
    message_id = seed.message()
    letter = seed.dead_letter(message_id)
    client = login("oper")
    r = client.post(f"/dead-letters/{letter}/replay", follow_redirects=False, data={
        "csrf_token": token(client, f"/dead-letters/{letter}"),
        "reason": "ФЕРЗЛ is back"})
    assert r.status_code == 303
    page = client.get(r.headers["location"]).text
    assert "отправлено повторно" in page and 'id="replay"' not in page
    assert seed.letter_state(letter) == "replayed"
    [row] = seed.audit("replay")
    assert (row.username, row.reason, row.target) == ("oper", "ФЕРЗЛ is back", message_id)
    assert row.remote_addr == "testclient"
    assert bus.queue_depth("handler.probe") == 1  # back in the queue it died in
    again = client.post(f"/dead-letters/{letter}/replay", data={
        "csrf_token": token(client, "/journal"), "reason": "twice"})
    assert again.status_code == 409


def test_edit_and_replay_with_an_invalid_payload_shows_the_error(login: Login, seed: Any,
                                                                 token: Token) -> None:
    letter = seed.dead_letter(seed.message())
    client = login("oper")
    page = client.get(f"/dead-letters/{letter}").text
    assert 'id="edit-payload"' in page and "&#34;seq&#34;: 1" in page  # pre-filled
    bad = '{"seq": "many", "sent_at": "2024-05-01T12:00:00Z"}'
    r = client.post(f"/dead-letters/{letter}/replay", data={
        "csrf_token": token(client, f"/dead-letters/{letter}"), "reason": "fix",
        "edited": "1", "payload": bad})
    assert r.status_code == 400
    error = re.search(r'id="edit-error"[^>]*>([^<]+)<', r.text)
    assert error is not None and "seq" in error.group(1)
    assert "many" in r.text  # the submitted text stays in the form
    r = client.post(f"/dead-letters/{letter}/replay", data={
        "csrf_token": token(client, f"/dead-letters/{letter}"), "reason": "fix",
        "edited": "1", "payload": "{not json"})
    assert r.status_code == 400 and "not valid JSON" in r.text
    assert seed.letter_state(letter) == "open"


def test_edit_and_replay_sends_the_edited_payload(login: Login, seed: Any, token: Token,
                                                  bus: Any) -> None:
    letter = seed.dead_letter(seed.message())
    client = login("oper")
    payload = {"seq": 7, "sent_at": "2024-05-01T12:00:00Z", "note": "fixed"}
    r = client.post(f"/dead-letters/{letter}/replay", follow_redirects=False, data={
        "csrf_token": token(client, f"/dead-letters/{letter}"), "reason": "seq corrected",
        "edited": "1", "payload": json.dumps(payload)})
    assert r.status_code == 303
    [row] = seed.audit("edit-and-replay")
    assert row.reason == "seq corrected" and json.loads(row.details)["payload"] == payload


def test_personal_payload_is_editable_only_with_permission(login: Login, seed: Any) -> None:
    letter = seed.dead_letter(seed.person_message(), queue="handler.person")
    masked = login("oper").get(f"/dead-letters/{letter}").text
    assert 'id="edit-payload"' not in masked and seed.snils not in masked
    assert "Изменение недоступно" in masked
    unmasked = login("pd").get(f"/dead-letters/{letter}").text
    assert 'id="edit-payload"' in unmasked and seed.snils in unmasked


def test_discard_requires_a_reason_and_closes_the_letter(login: Login, seed: Any,
                                                         token: Token) -> None:
    letter = seed.dead_letter(seed.message())
    client = login("oper")
    r = client.post(f"/dead-letters/{letter}/discard",
                    data={"csrf_token": token(client, f"/dead-letters/{letter}"), "reason": ""})
    assert r.status_code == 400 and 'id="discard-error"' in r.text
    r = client.post(f"/dead-letters/{letter}/discard", follow_redirects=False, data={
        "csrf_token": token(client, f"/dead-letters/{letter}"), "reason": "test message"})
    assert r.status_code == 303
    assert seed.letter_state(letter) == "discarded"
    assert seed.audit("discard")[0].reason == "test message"


def test_replay_of_a_whole_group(login: Login, seed: Any, token: Token, bus: Any) -> None:
    same = [seed.dead_letter(seed.message(), cause_message=f"person {i} not found")
            for i in range(3)]
    other = seed.dead_letter(seed.message(), cause_type="ValidationError")
    client = login("oper")
    page = client.get("/dead-letters").text
    key = re.search(r'data-key="(\w+)">\s*<td class="mono">LookupError', page)
    assert key is not None
    url = f"/dead-letters/groups/{key.group(1)}/replay"
    r = client.post(url, data={"csrf_token": token(client, "/dead-letters"), "reason": ""})
    assert "Укажите причину" in r.text
    assert {seed.letter_state(x) for x in same} == {"open"}
    r = client.post(url, data={"csrf_token": token(client, "/dead-letters"),
                               "reason": "all of them"})
    assert "Отправлено повторно: 3" in r.text
    assert {seed.letter_state(x) for x in same} == {"replayed"}
    assert seed.letter_state(other) == "open"
    assert len(seed.audit("replay")) == 3


def test_bulk_replay_by_filter_needs_a_filter(login: Login, seed: Any, token: Token) -> None:
    a = seed.dead_letter(seed.message(), queue="handler.person")
    b = seed.dead_letter(seed.message(), queue="handler.probe")
    client = login("oper")
    r = client.post("/dead-letters/replay",
                    data={"csrf_token": token(client, "/dead-letters"), "reason": "go"})
    assert "хотя бы один фильтр" in r.text
    r = client.post("/dead-letters/replay", data={
        "csrf_token": token(client, "/dead-letters"), "reason": "go",
        "queue": "handler.person"})
    assert "Отправлено повторно: 1" in r.text
    assert (seed.letter_state(a), seed.letter_state(b)) == ("replayed", "open")
    r = client.post("/dead-letters/replay", data={
        "csrf_token": token(client, "/dead-letters"), "reason": "go", "type": "hub.probe.v1"})
    assert "Отправлено повторно: 1" in r.text
    assert seed.letter_state(b) == "replayed"
