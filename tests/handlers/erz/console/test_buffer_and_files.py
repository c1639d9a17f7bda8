"""The buffer queue (approve, reject, refusal, roles) and the exchange protocols page."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import sqlalchemy as sa
from starlette.testclient import TestClient

from handlers.erz.buffer import store as buffer
from handlers.erz.console.decisions import APPROVE, REJECT
from handlers.erz.register import queries
from hub.bus import Bus
from hub.outbox import ROUTER_QUEUE
from storage.models import journal_messages
from tests.handlers.erz.console.conftest import Login, Region, basic, token


def _policy_on(region: Region, on: date) -> Any:
    with region.db.read() as conn:
        return queries.person_as_of(conn, region.anna.enp, on).policy


def _status(region: Region, item: int) -> str:
    with region.db.read() as conn:
        return buffer.get(conn, item).status


def test_an_operator_approves_and_the_change_is_applied_published_and_audited(
        login: Login, region: Region, bus: Bus) -> None:
    region.insured()
    item = region.proposed_stop()
    oper = login("oper")
    page = oper.get("/erz/buffer").text
    row = page.split(f'data-id="{item}">')[1].split("</section>")[0]
    assert "Прекращение полиса с 01.09.2024" in row  # the proposal in words
    assert "СМО 76002, файл OPLIST" in row and "требует решения ТФОМС" in row
    assert region.anna.enp not in row and "{" not in row  # masked, and no raw JSON
    diff = row.split('id="diff-')[1]
    assert re.search(r'<tr class="changed" data-key="status"><td>Статус полиса</td>'
                     r'<td class="mono">действует</td><td class="mono">прекращён</td>', diff)
    r = oper.post(f"/erz/buffer/{item}/approve",
                  data={"csrf_token": token(oper, "/erz/buffer"), "note": "заявление есть"})
    assert r.status_code == 200 and f"Изменение № {item} применено" in r.text
    assert f'data-id="{item}"' not in r.text
    assert _status(region, item) == buffer.APPLIED
    assert _policy_on(region, date(2024, 9, 1)) is None
    assert _policy_on(region, date(2024, 8, 31)) is not None
    (audited,) = region.audit(APPROVE)
    assert audited.username == "oper" and audited.target == f"erz.buffer/{item}"
    assert audited.reason == "заявление есть"
    sent = {e.type: e for e in region.journal()}
    assert sorted(sent) == ["erz.buffer.decided", "erz.person.changed"]
    assert sent["erz.person.changed"].message_id in audited.details
    # The decision itself, for the handler to follow up (and for the journal's reader).
    assert sent["erz.buffer.decided"].message_id in audited.details
    assert bus.queue_depth(ROUTER_QUEUE) == 2  # both relayed to the router
    timeline = login("pd").get(f"/erz/person/{region.anna.enp}").text
    assert "erz.buffer / oper" in timeline.split('data-op="stop_policy">')[1]


def test_a_viewer_cannot_decide(login: Login, region: Region, app: Any) -> None:
    region.insured()
    item = region.proposed_stop()
    viewer = login("viewer")
    page = viewer.get("/erz/buffer").text
    assert f'data-id="{item}"' in page and f'id="approve-{item}"' not in page
    r = viewer.post(f"/erz/buffer/{item}/approve",
                    data={"csrf_token": token(viewer, "/erz"), "note": ""})
    assert r.status_code == 403
    with TestClient(app) as api:
        r = api.post(f"/api/erz/buffer/{item}/approve", headers=basic("viewer"), json={})
        assert r.status_code == 403
    oper = login("oper")
    no_token = oper.post(f"/erz/buffer/{item}/approve", data={"note": "x"})
    assert no_token.status_code == 403
    assert _status(region, item) == buffer.PENDING and region.audit(APPROVE) == []
    assert _policy_on(region, date(2024, 9, 1)) is not None


def test_a_rejection_leaves_the_register_unchanged(login: Login, region: Region,
                                                   app: Any) -> None:
    region.insured()
    item = region.proposed_stop()
    with region.db.read() as conn:
        changes = len(queries.timeline(conn, region.anna.enp))
    oper = login("oper")
    empty = oper.post(f"/erz/buffer/{item}/reject",
                      data={"csrf_token": token(oper, "/erz/buffer"), "note": " "})
    assert "почему изменение отклонено" in empty.text and _status(region, item) == "pending"
    r = oper.post(f"/erz/buffer/{item}/reject",
                  data={"csrf_token": token(oper, "/erz/buffer"), "note": "нет заявления"})
    assert f"Изменение № {item} отклонено" in r.text
    assert _status(region, item) == buffer.REJECTED
    assert _policy_on(region, date(2024, 9, 1)) is not None
    with region.db.read() as conn:
        assert len(queries.timeline(conn, region.anna.enp)) == changes
    (audited,) = region.audit(REJECT)
    assert audited.reason == "нет заявления"
    # No change of the register to publish: only the decision is journaled.
    [decided] = region.journal()
    assert decided.type == "erz.buffer.decided" and '"status":"rejected"' in decided.envelope
    with TestClient(app) as api:  # decided already: a conflict, not a second decision
        again = api.post(f"/api/erz/buffer/{item}/approve", headers=basic("oper"), json={})
        assert again.status_code == 409


def test_a_refused_approval_shows_the_code_and_stays_pending(login: Login, region: Region,
                                                             app: Any) -> None:
    region.insured()
    item = region.proposed_refusal()
    oper = login("oper")
    r = oper.post(f"/erz/buffer/{item}/approve",
                  data={"csrf_token": token(oper, "/erz/buffer"), "note": ""})
    assert "регистр отказал с кодом 405" in r.text and "осталась в буфере" in r.text
    assert _status(region, item) == buffer.PENDING
    row = r.text.split(f'data-id="{item}">')[1].split("</tr>")[0]
    assert "Отказ при прошлом одобрении: код 405" in row
    (audited,) = region.audit(APPROVE)
    assert '"error": "405"' in audited.details and region.journal() == []
    with TestClient(app) as api:
        body = api.post(f"/api/erz/buffer/{item}/approve", headers=basic("oper"), json={})
        assert body.status_code == 409 and body.json()["code"] == "405"
        listed = api.get("/api/erz/buffer", headers=basic("viewer")).json()["items"]
        assert [i["id"] for i in listed] == [item]


def test_the_protocols_page_lists_a_processed_file_with_its_answers(login: Login,
                                                                    region: Region,
                                                                    app: Any) -> None:
    received = region.oplist_processed()
    page = login("viewer").get("/erz/files").text
    row = page.split('data-file="OPS76002T76_2412201">')[1].split("</tr>")[0]
    assert "76002" in row and f'href="/journal/{received}"' in row
    counts = {k: re.search(rf'class="num {k}">(\d+)<', row) for k in ("applied", "refused")}
    assert {k: v.group(1) for k, v in counts.items() if v} == {"applied": "1", "refused": "1"}
    assert "FOPS76002T76_2412201.xml" in row and "REPT76S76002_2412201.xml" in row
    assert "FLK_P" in row and "104" in row  # the wrong СНИЛС, with its code
    with region.db.read() as conn:
        answers = conn.execute(sa.select(journal_messages.c.message_id).where(
            journal_messages.c.causation_id == received,
            journal_messages.c.type == "files.send")).scalars().all()  # not the changes
    assert answers and all(f'href="/journal/{a}"' in row for a in answers)
    with TestClient(app) as api:
        body = api.get("/api/erz/files", headers=basic("viewer")).json()
        assert body["total"] == 1 and body["items"][0]["applied"] == 1


def test_the_protocols_are_filtered_by_the_day_received(login: Login, region: Region,
                                                        app: Any) -> None:
    from datetime import timedelta

    from handlers.erz import models as m

    region.oplist_processed()
    with region.db.read() as conn:
        received = conn.execute(sa.select(m.exchange_files.c.received_at)).scalar_one()
    day = received.date()  # the console's zone is UTC here
    viewer = login("viewer")

    def shown(query: str) -> bool:
        page = viewer.get(f"/erz/files?{query}")
        assert page.status_code == 200
        return 'data-file="OPS76002T76_2412201"' in page.text

    assert shown(f"from={day}&to={day}") and shown(f"from={day}") and shown(f"to={day}")
    assert not shown(f"from={day + timedelta(days=1)}")
    assert not shown(f"to={day - timedelta(days=1)}")
    assert shown(f"from={day:%d.%m.%Y}&to={day:%d.%m.%Y}")  # as the fund writes dates
    bad = viewer.get("/erz/files?from=31.13.2024")
    assert bad.status_code == 400 and "не дата" in bad.text
    backwards = viewer.get(f"/erz/files?from={day}&to={day - timedelta(days=1)}")
    assert backwards.status_code == 400 and "раньше его начала" in backwards.text
    with TestClient(app) as api:
        body = api.get(f"/api/erz/files?from={day + timedelta(days=1)}",
                       headers=basic("viewer")).json()
        assert body["total"] == 0
        refused = api.get("/api/erz/files?to=yesterday", headers=basic("viewer"))
        assert refused.status_code == 400 and "from/to" in refused.json()["error"]
