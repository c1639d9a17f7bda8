"""Issue 9, finding 15: approving a buffered ЗАГС death onto a person whose name or birth
date differ from the record is refused unless the operator confirms it with a reason.

The 112-04 sample is the finding's record: Сидорова Анна Ивановна, born 09.05.1941. The
register holds a woman born in 2004 whose ЕНП an operator types by mistake.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from adapters.smev3.vs.zags_fatal.mapping import canonical
from adapters.smev3.vs.zags_fatal.samples import delivery
from contracts.erz.register import Document, PersonData, Source
from contracts.erz_register import BufferDecidedV1
from handlers.erz.buffer import identity
from handlers.erz.buffer import store as buffer
from handlers.erz.console.decisions import APPROVE
from handlers.erz.register import queries
from handlers.erz.service import ErzHandler
from handlers.erz.zags import deaths as zags
from hub.testing import worker
from storage.db import Database
from storage.models import audit_log
from tests.handlers.erz.console.conftest import Login, app, basic, bus, db, login, token
from tests.handlers.erz.zags.conftest import insured

__all__ = ["app", "bus", "db", "login"]

YOUNG = PersonData("Петрова", "Мария", "Сергеевна", "2", date(2004, 3, 15), "г. Уфа")
SIDOROVA = PersonData("Сидорова", "Анна", "Ивановна", "2", date(1941, 5, 9), "г. Уфа")
OTHER_DOC = Document("14", "80 10", "555555", date(2019, 4, 1), "МВД")


def _buffered(db: Database) -> int:
    """The 112-04 sample record processed: it matches nobody and waits in the buffer."""
    with db.transaction() as conn:
        _, [outcome] = zags.process_all(conn, Source("handler.erz", "zags", "m-1"),
                                        zags.from_delivery(canonical(delivery())))
    assert outcome.status == "buffered" and outcome.buffer_id is not None
    return outcome.buffer_id


def _young(db: Database) -> str:
    with db.transaction() as conn:
        return insured(conn, 40, YOUNG, OTHER_DOC)


def _alive(db: Database, enp: str) -> bool:
    with db.read() as conn:
        return queries.person_as_of(conn, enp, date(2024, 3, 1)).alive


def _status(db: Database, item: int) -> buffer.BufferItem:
    with db.read() as conn:
        return buffer.get(conn, item)


def _audits(db: Database) -> list[dict[str, Any]]:
    """The details of every approval audited, oldest first."""
    with db.read() as conn:
        rows = conn.execute(sa.select(audit_log.c.details).where(
            audit_log.c.action == APPROVE).order_by(audit_log.c.id)).scalars()
        return [json.loads(r) if isinstance(r, str) else r for r in rows]


def _approve(client: TestClient, item: int, **form: str) -> Any:
    return client.post(f"/erz/buffer/{item}/approve",
                       data={"csrf_token": token(client, "/erz/buffer"), **form})


def test_an_approval_onto_a_different_person_is_refused_on_the_page(
        login: Login, db: Database) -> None:
    item, woman = _buffered(db), _young(db)
    oper = login("oper")
    r = _approve(oper, item, enp=woman, note="по звонку")
    assert r.status_code == 409
    assert "не совпадают с выбранным ЗЛ (фамилия, имя, отчество, дата рождения)" in r.text
    assert "подтверждаю несовпадение" in r.text
    assert _status(db, item).status == buffer.PENDING and _alive(db, woman)
    [refused] = _audits(db)
    assert refused["status"] == "refused"
    assert {m["field"] for m in refused["mismatches"]} == {
        "surname", "name", "patronymic", "birth_date"}
    # A confirmation without its reason is refused too.
    r = _approve(oper, item, enp=woman, confirm_mismatch="1", mismatch_reason=" ")
    assert "Укажите причину" in r.text
    assert _status(db, item).status == buffer.PENDING and _alive(db, woman)


def test_the_api_refuses_with_409_and_a_russian_error(app: Any, db: Database, login: Login) -> None:
    item, woman = _buffered(db), _young(db)
    with TestClient(app) as api:
        r = api.post(f"/api/erz/buffer/{item}/approve", headers=basic("oper"),
                     json={"enp": woman, "note": "x"})
        assert r.status_code == 409
        body = r.json()
        assert body["code"] == "identity_mismatch" and "не совпадают" in body["error"]
        assert body["mismatches"] == ["surname", "name", "patronymic", "birth_date"]
        no_reason = api.post(f"/api/erz/buffer/{item}/approve", headers=basic("oper"),
                             json={"enp": woman, "confirm_mismatch": True})
        assert no_reason.status_code == 400 and "Укажите причину" in no_reason.json()["error"]
    assert _status(db, item).status == buffer.PENDING and _alive(db, woman)


def test_a_confirmed_mismatch_with_a_reason_is_applied_and_audited(
        app: Any, db: Database, login: Login) -> None:
    item, woman = _buffered(db), _young(db)
    reason = "ЗАГС подтвердил письмом: ошибка в записи акта"
    with TestClient(app) as api:
        r = api.post(f"/api/erz/buffer/{item}/approve", headers=basic("oper"), json={
            "enp": woman, "confirm_mismatch": True, "mismatch_reason": reason})
    assert r.status_code == 200 and r.json()["status"] == buffer.APPLIED
    assert not _alive(db, woman)
    [audited] = _audits(db)
    assert audited["identity_confirmed"] is True
    assert audited["mismatch_reason"] == reason
    assert [m["field"] for m in audited["mismatches"]] == [
        "surname", "name", "patronymic", "birth_date"]
    kept = _status(db, item).payload[identity.CONFIRMED]
    assert kept["by"] == "oper" and kept["reason"] == reason


def test_a_matching_person_is_approved_as_before(app: Any, db: Database, login: Login) -> None:
    with db.transaction() as conn:  # namesakes the record cannot tell apart: it waits
        first = insured(conn, 41, SIDOROVA, OTHER_DOC)
        second = insured(conn, 42, SIDOROVA, Document("14", "80 11", "666666"))
    item = _buffered(db)
    assert "несколько" in _status(db, item).why
    with TestClient(app) as api:
        r = api.post(f"/api/erz/buffer/{item}/approve", headers=basic("oper"),
                     json={"enp": second, "note": "по копии записи акта"})
    assert r.status_code == 200 and r.json()["status"] == buffer.APPLIED
    assert _alive(db, first) and not _alive(db, second)
    [audited] = _audits(db)
    assert "mismatches" not in audited


def test_the_screen_shows_record_and_person_side_by_side_masked(
        login: Login, db: Database) -> None:
    item, woman = _buffered(db), _young(db)
    for who, clear in (("oper", False), ("pd", True)):
        client = login(who)
        page = _approve(client, item, enp=woman, check="1").text
        side = page.split(f'id="identity-{item}"')[1].split("</table>")[0]
        assert side.count('class="bad mismatch"') == 4
        assert ("Сидорова" in side, "Петрова" in side, "09.05.1941" in side) == (
            clear, clear, clear)
        assert ("555555" in side) == clear  # the person's passport number
    assert _status(db, item).status == buffer.PENDING


def test_the_handler_tells_nobody_of_an_unconfirmed_mismatched_approval(
        db: Database) -> None:
    """Where the decision is followed up: an ``erz.buffer.decided`` for a mismatched
    approval that did not go through buffer.approve's check sends no STOPLIST or notice:
    the handler fails (the runner then sends nothing of it) and changes nothing."""
    item, woman = _buffered(db), _young(db)
    with db.transaction() as conn:
        conn.execute(sa.update(buffer_table()).where(buffer_table().c.id == item)
                     .values(status=buffer.APPLIED, enp=woman))
    decided = BufferDecidedV1(item_id=item, kind=zags.KIND, status="applied", enp=woman,
                              decided_by="intruder")
    with pytest.raises(identity.IdentityMismatch):
        worker(ErzHandler, db).call(decided, source="console")
    with db.read() as conn:
        outcome = conn.execute(sa.select(zags.records.c.outcome).where(
            zags.records.c.buffer_id == item)).scalar_one()
    assert outcome != "applied"


def buffer_table() -> sa.Table:
    """The buffer's table (written directly to stand for a decision made elsewhere)."""
    from handlers.erz.models import buffer as table
    return table
