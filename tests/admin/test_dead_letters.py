"""Failed messages: groups by cause, replay one or many, edit-and-replay, discard."""

from __future__ import annotations

import io
import json
import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from starlette.testclient import TestClient

from admin import bulkreplay
from admin.deadletters import explain, normalise_cause
from hub import progress
from storage.db import Database
from tests.admin.conftest import basic_auth

Login = Callable[[str], TestClient]
Token = Callable[[TestClient, str], str]


@pytest.fixture(autouse=True)
def replays_end(db: Database) -> Iterator[None]:
    """Every bulk replay a test started has ended, and its progress is written, before the
    database goes: no thread of it outlives the test."""
    yield
    for replay in list(bulkreplay._running.values()):  # noqa: SLF001
        replay.stopping.set()
        if replay.thread is not None:
            replay.thread.join(30)
    bulkreplay._running.clear()  # noqa: SLF001
    progress.flush(db)
T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def test_causes_differing_only_in_values_share_a_group() -> None:
    a = normalise_cause("person 3541111111111111 not found in 'ФЕРЗЛ' (attempt 3)")
    b = normalise_cause("person 3552222222222220 not found in 'РС ЕРЗ' (attempt 4)")
    assert a == b == "person <n> not found in <…> (attempt <n>)"
    assert normalise_cause("message 1c6f1e2a-1234-4567-8901-a23456789b12 late") == \
        "message <id> late"


def _groups(page: str) -> dict[str, int]:
    rows = re.findall(r'<tr class="group-row".*?<span class="cause-type">([^<]+)</span>.*?'
                      r'<td class="num">(\d+)</td>', page, re.S)
    return {cause: int(count) for cause, count in rows}


def _group_key(page: str, cause_type: str) -> str:
    rows = re.findall(r'<tr class="group-row" data-key="(\w+)">(.*?)</tr>', page, re.S)
    [key] = [k for k, row in rows if f'<span class="cause-type">{cause_type}<' in row]
    return str(key)


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
    assert r.status_code == 400 and "не JSON" in r.text
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


def wait_for(condition: Callable[[], bool], seconds: float = 15.0) -> None:
    """Poll ``condition`` until it holds, failing after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def test_replay_of_a_whole_group(login: Login, seed: Any, token: Token, bus: Any) -> None:
    same = [seed.dead_letter(seed.message(), cause_message=f"person {i} not found")
            for i in range(3)]
    other = seed.dead_letter(seed.message(), cause_type="ValidationError")
    client = login("oper")
    page = client.get("/dead-letters").text
    url = f"/dead-letters/groups/{_group_key(page, 'LookupError')}/replay"
    r = client.post(url, data={"csrf_token": token(client, "/dead-letters"), "reason": ""})
    assert "Укажите причину" in r.text
    assert {seed.letter_state(x) for x in same} == {"open"}
    r = client.post(url, data={"csrf_token": token(client, "/dead-letters"),
                               "reason": "all of them", "rate": "100", "batch": "2"})
    assert "Повторная отправка запущена" in r.text and 'id="tasks"' in r.text
    wait_for(lambda: {seed.letter_state(x) for x in same} == {"replayed"})
    assert seed.letter_state(other) == "open"
    wait_for(lambda: "Отправлено повторно: 3" in client.get("/progress").text)
    assert len(seed.audit("replay")) == 3
    assert {json.loads(r.details)["bulk"] for r in seed.audit("replay")} == {True}


def test_bulk_replay_by_filter_needs_a_filter(login: Login, seed: Any, token: Token) -> None:
    a = seed.dead_letter(seed.message(), queue="handler.person")
    b = seed.dead_letter(seed.message(), queue="handler.probe")
    client = login("oper")
    r = client.post("/dead-letters/replay",
                    data={"csrf_token": token(client, "/dead-letters"), "reason": "go"})
    assert "хотя бы один фильтр" in r.text
    r = client.post("/dead-letters/replay", data={
        "csrf_token": token(client, "/dead-letters"), "reason": "go", "rate": "0"})
    assert "скорость" in r.text
    r = client.post("/dead-letters/replay", data={
        "csrf_token": token(client, "/dead-letters"), "reason": "go",
        "queue": "handler.person"})
    assert "Повторная отправка запущена" in r.text
    wait_for(lambda: seed.letter_state(a) == "replayed")
    assert seed.letter_state(b) == "open"
    r = client.post("/dead-letters/replay", data={
        "csrf_token": token(client, "/dead-letters"), "reason": "go", "type": "hub.probe.v1"})
    wait_for(lambda: seed.letter_state(b) == "replayed")
    r = client.post("/dead-letters/replay", data={
        "csrf_token": token(client, "/dead-letters"), "reason": "go", "type": "hub.probe.v1"})
    assert "Отправлено повторно: 0" in r.text  # nothing left: no task, said at once


def test_causes_read_in_russian_with_the_detail_one_click_away(login: Login,
                                                                seed: Any) -> None:
    letter = seed.dead_letter(seed.message(), cause_type="PermanentError",
                              cause_message="payload fails hub.probe.v1: seq: Input should "
                              "be a valid integer", attempts=1)
    seed.dead_letter(seed.message(), cause_type="DeliveryLimitExceeded",
                     cause_message="the broker gave up after the queue's delivery limit")
    seed.dead_letter(seed.message(), cause_type="OperationalError",
                     cause_message="connection refused", attempts=6)
    client = login("viewer")
    page = client.get("/dead-letters").text
    assert "Не прошло проверку схемы" in page
    assert "Превышено число попыток доставки" in page
    assert "Превышено число попыток (6): ошибка обработчика — сбой базы данных" in page
    assert page.count('<details class="cause-detail">') == 3
    one = client.get(f"/dead-letters/{letter}").text
    summary = re.search(r'id="cause-summary">([^<]+)<', one)
    assert summary is not None and summary.group(1).startswith("Не прошло проверку схемы")
    detail = one[one.index('id="cause-detail"'):]
    assert "PermanentError" in detail and "payload fails" in detail
    assert re.search(r'id="dl-state">ждёт решения', one)
    assert explain("KeyError", "x", 1) == "Ошибка обработчика: нет нужного значения (KeyError)"
    assert explain("Weird", "x", 1) == "Ошибка обработчика: Weird"


def test_states_are_offered_in_words(login: Login, seed: Any) -> None:
    page = login("viewer").get("/dead-letters").text
    options = re.findall(r'<option value="(\w+)"[^>]*>([^<]+)</option>', page)
    assert dict(options) == {"open": "ждёт решения", "replayed": "отправлено повторно",
                             "discarded": "отброшено", "all": "все"}


def test_lists_say_their_totals_and_pages(login: Login, seed: Any) -> None:
    ids = [seed.dead_letter(seed.message(), cause_message=f"person {i} not found",
                            at=T0 + timedelta(minutes=i)) for i in range(30)]
    seed.dead_letter(seed.message(), cause_type="ValidationError")
    client = login("viewer")
    page = client.get("/dead-letters").text
    assert re.search(r'id="dl-total">Ошибок: 31 · групп: 2<', page)
    key = _group_key(page, "LookupError")
    group = client.get(f"/dead-letters/groups/{key}?limit=25").text
    assert re.search(r'id="letters-total">Найдено: 30<', group)
    shown = [int(x) for x in re.findall(r'class="letter-row" data-id="(\d+)"', group)]
    assert shown == ids[::-1][:25]
    more = re.search(r'href="([^"]+)" id="next-page"', group)
    assert more is not None
    rest = client.get(more.group(1).replace("&amp;", "&")).text
    assert [int(x) for x in re.findall(r'class="letter-row" data-id="(\d+)"', rest)] == \
        ids[::-1][25:]


def test_export_has_real_dates_and_the_current_filter(login: Login, seed: Any) -> None:
    a = seed.dead_letter(seed.message(), queue="handler.person", at=T0, attempts=4)
    seed.dead_letter(seed.message(), queue="handler.probe", at=T0)
    seed.dead_letter(seed.message(), queue="handler.person", at=T0, cause_type="X")
    client = login("viewer")
    page = client.get("/dead-letters?queue=handler.person&cause_type=LookupError").text
    link = re.search(r'href="([^"]+)" id="dl-export"', page)
    assert link is not None
    r = client.get(link.group(1).replace("&amp;", "&"))
    assert r.status_code == 200 and r.headers["content-type"].startswith(
        "application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("№", "Время", "Состояние", "Причина")
    assert len(rows) == 2
    number, at, state, summary, cause_type, *_ = rows[1]
    assert number == a and isinstance(at, datetime) and at == datetime(2024, 5, 1, 12, 0)
    assert state == "ждёт решения" and cause_type == "LookupError"
    assert summary.startswith("Превышено число попыток (4)")
    assert isinstance(rows[1][6], int)
    assert seed.audit("dead-letters-export")[0].username == "viewer"


def test_dead_letter_api_answers_and_refuses_in_russian(app: Any, accounts: None,
                                                        seed: Any) -> None:
    letter = seed.dead_letter(seed.message(), cause_type="PermanentError",
                              cause_message="payload fails hub.probe.v1: seq", attempts=1)
    with TestClient(app) as api:
        r = api.get("/api/dead-letters?view=flat", headers=basic_auth("viewer"))
        [item] = r.json()["items"]
        assert r.json()["total"] == 1 and item["state_words"] == "ждёт решения"
        assert item["summary"].startswith("Не прошло проверку схемы")
        r = api.get("/api/dead-letters?state=lost", headers=basic_auth("viewer"))
        assert r.status_code == 400 and r.json()["error"].startswith("неизвестное состояние")
        r = api.get("/api/dead-letters/999999", headers=basic_auth("viewer"))
        assert r.status_code == 404 and r.json()["error"] == "нет такой ошибки доставки"
        r = api.post(f"/api/dead-letters/{letter}/discard", headers=basic_auth("oper"),
                     json={"reason": "тест"})
        assert r.status_code == 200
        r = api.post(f"/api/dead-letters/{letter}/replay", headers=basic_auth("oper"),
                     json={"reason": "ещё раз"})
        assert r.status_code == 409 and "уже отброшена" in r.json()["error"]
        r = api.post("/api/dead-letters/replay", headers=basic_auth("oper"),
                     json={"reason": "x", "queue": "handler.probe", "rate": "быстро"})
        assert r.status_code == 400 and r.json()["error"] == "«быстро» — не число"
