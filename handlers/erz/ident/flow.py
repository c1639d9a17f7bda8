"""The identification service: ``person.identify`` answered by ``person.identified``.

:func:`on_identify` searches the regional register on the asked date: one person found is
the answer (``register``); several are ``ambiguous``; none — and ``federal`` allowed — asks
ФЕРЗЛ (:mod:`.federal`) and remembers the question in ``erz_identifications`` by the
``ferzl.call``'s envelope id. :func:`on_answer` takes the ``ferzl.answer`` caused by that call:
a search by names that found exactly one person asks for that person's data (a second call,
the same row), anything else answers the question (``ferzl``). An answer to no question of
ours (the console's calls, another handler's) changes nothing. ФЕРЗЛ unreachable or refusing
after the adapter's retries is ``failed`` with its reason in Russian: the asker may ask again.

The register itself is not changed by what ФЕРЗЛ says here: the federal changes and the
reconciliation do that, with history.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

import sqlalchemy as sa

from contracts.ferzl import FerzlAnswerV1
from contracts.identification import (
    IdentifiedPerson,
    IdentifyPersonV1,
    Outcome,
    PersonIdentifiedV1,
    Source,
)
from handlers.erz import models as m
from handlers.erz.federal.settings import OFF
from handlers.erz.ident import federal, regional
from hub.component import Message
from hub.tx import Tx
from storage.models import TS

log = logging.getLogger(__name__)

identifications = sa.Table(
    "erz_identifications", m.metadata,
    sa.Column("id", m.BigId, primary_key=True, autoincrement=True),
    sa.Column("request_id", sa.String(64), nullable=False, unique=True,
              comment="id of the person.identify envelope"),
    sa.Column("call_id", sa.String(64), nullable=False, unique=True,
              comment="id of the ferzl.call now awaited (its answer's causation_id)"),
    sa.Column("step", sa.String(8), nullable=False,
              comment="find (a search by names) or data (getPersonData)"),
    sa.Column("on_date", sa.Date, nullable=False, comment="the date asked about"),
    sa.Column("status", sa.String(10), nullable=False, comment="pending, answered"),
    sa.Column("outcome", sa.String(10), comment="found, not_found, ambiguous, failed"),
    sa.Column("requested_at", TS, nullable=False),
    sa.Column("answered_at", TS),
    sa.Column("note", sa.Text),
    comment="Identifications the regional register could not answer, asked of ФЕРЗЛ.",
)
PENDING, ANSWERED = "pending", "answered"


def _answer(tx: Tx, request_id: str, on: date, outcome: Outcome, source: Source | None,
            persons: list[IdentifiedPerson], note: str = "") -> None:
    tx.send(PersonIdentifiedV1(request_id=request_id, outcome=outcome, source=source, on=on,
                               persons=persons, note=note[:1000]))


def on_identify(tx: Tx, message: Message[IdentifyPersonV1], now: datetime, *,
                ferzl: bool = True) -> None:
    """Answer from the register, or ask ФЕРЗЛ (see the module's docstring); ``ferzl``:
    whether the register works with ФЕРЗЛ at all (``[plugins.erz] ferzl``)."""
    asked, conn = message.payload, tx.conn
    on = asked.on or now.date()
    found = regional.identify(conn, asked, on, now.date())
    if len(found) == 1:
        _answer(tx, message.id, on, "found", "register", found)
    elif found:
        _answer(tx, message.id, on, "ambiguous", "register", found,
                f"в РС ЕРЗ подходят {len(found)} ЗЛ: уточните критерии")
    elif not asked.federal:
        _answer(tx, message.id, on, "not_found", "register", [], "в РС ЕРЗ не найден")
    elif not ferzl:
        _answer(tx, message.id, on, "not_found", "register", [],
                f"в РС ЕРЗ не найден; {OFF}")
    else:
        call = federal.first_call(asked, on)
        sent = tx.send(call)
        conn.execute(identifications.insert(), {
            "request_id": message.id, "call_id": sent.id,
            "step": "find" if call.operation == federal.FIND else "data", "on_date": on,
            "status": PENDING, "requested_at": now})


def on_answer(tx: Tx, message: Message[FerzlAnswerV1], now: datetime) -> bool:
    """ФЕРЗЛ's answer to an identification's call; False when it answers none of ours."""
    conn, answer = tx.conn, message.payload
    t = identifications.c
    row = conn.execute(sa.select(identifications).where(
        t.call_id == (message.envelope.causation_id or ""), t.status == PENDING)
        .with_for_update()).mappings().first()
    if row is None:
        return False
    on: date = row["on_date"]
    if not answer.ok:
        why = f"ФЕРЗЛ не ответил: {answer.error or answer.state}"
        return _close(tx, row, on, "failed", [], why, now)
    persons = [federal.person(p, on) for p in federal.subjects(answer.message)]
    if row["step"] == "find" and len(persons) == 1 and persons[0].enp:
        sent = tx.send(federal.person_data({"policy": {"enp": persons[0].enp}}, on,
                                           "идентификация ЗЛ: сведения найденного по ФИО"))
        conn.execute(identifications.update().where(t.id == row["id"]).values(
            call_id=sent.id, step="data"))
        return True
    if not persons:
        return _close(tx, row, on, "not_found", [], "не найден ни в РС ЕРЗ, ни в ФЕРЗЛ", now)
    if len(persons) > 1:
        return _close(tx, row, on, "ambiguous", persons,
                      f"в ФЕРЗЛ подходят {len(persons)} ЗЛ: уточните критерии", now)
    return _close(tx, row, on, "found", persons, "", now)


def _close(tx: Tx, row: sa.RowMapping, on: date, outcome: Outcome,
           persons: list[IdentifiedPerson], note: str, now: datetime) -> bool:
    _answer(tx, row["request_id"], on, outcome, "ferzl", persons, note)
    tx.conn.execute(identifications.update().where(identifications.c.id == row["id"]).values(
        status=ANSWERED, outcome=outcome, answered_at=now, note=note or None))
    return True
