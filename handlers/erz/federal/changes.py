"""«Изменения ФЕРЗЛ» (ERZ-4): the federal register's changes of a period applied to ours.

A run (:func:`start`: the daily job for the days since the last run, or an operator) sends
``getInsuranceStatusChangesStart`` for the region's territory and the period, remembered in
``erz_ferzl_change_runs`` by the call's envelope id. The ФЕРЗЛ adapter polls it and answers
once: the events of the period (a person arrived, departed or changed: a change of insurer, a
death…). :func:`on_answer` then asks ``getPersonData`` of every person an event names (one call
a person, whatever the number of their events: ``erz_ferzl_change_items``) and, as each
answer comes, applies what ФЕРЗЛ says of the person with history — who: ФЕРЗЛ, why: the
event — or puts it into the buffer for an operator (:mod:`.apply` says which). When no person
of the run waits any longer, the run is ``done`` with its counts; a period ФЕРЗЛ refused is
``failed`` with the cause, and the next run asks for it again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from contracts.envelope import Envelope
from contracts.erz.register import Change, PersonState, Source
from contracts.ferzl import FerzlAnswerV1, FerzlCallV1, FerzlPerson
from handlers.erz import models as m
from handlers.erz.federal import apply
from handlers.erz.register import queries
from handlers.erz.register.core import Register
from handlers.erz.register.errors import ErzError
from hub.tx import Tx
from storage.models import TS

log = logging.getLogger(__name__)

TITLE = "Изменения ФЕРЗЛ за прошедший день"
CHANGES_CALL, PERSON_CALL = "getInsuranceStatusChangesStart", "getPersonData"
REQUESTED, CHECKING, DONE, FAILED = "requested", "checking", "done", "failed"
PENDING, APPLIED, BUFFERED, UNCHANGED, REFUSED = (
    "pending", "applied", "buffered", "unchanged", "failed")
STATE_WORDS = {REQUESTED: "ждёт ответа ФЕРЗЛ", CHECKING: "запрашивает сведения о ЗЛ",
               DONE: "завершено", FAILED: "не удалось"}
ITEM_WORDS = {PENDING: "ждёт сведений", APPLIED: "применено", BUFFERED: "в буфере",
              UNCHANGED: "без изменений", REFUSED: "ФЕРЗЛ не ответил"}
GROUP_WORDS = {"enpArrived": "прибыл", "enpDeparted": "выбыл", "enpChanged": "изменён"}
SOURCE_USER = "ФЕРЗЛ"
STALE_AFTER = timedelta(days=1)
"""How long a run may wait for ФЕРЗЛ's answers before the next day's run fails it."""

runs = sa.Table(
    "erz_ferzl_change_runs", m.metadata,
    sa.Column("id", m.BigId, primary_key=True, autoincrement=True),
    sa.Column("date_from", sa.Date, nullable=False),
    sa.Column("date_to", sa.Date, nullable=False),
    sa.Column("territory", sa.String(5), nullable=False),
    sa.Column("call_id", sa.String(64), nullable=False, unique=True,
              comment="id of the getInsuranceStatusChangesStart ferzl.call"),
    sa.Column("state", sa.String(10), nullable=False,
              comment="requested, checking, done, failed"),
    sa.Column("started_by", sa.String(120), nullable=False),
    sa.Column("started_at", TS, nullable=False),
    sa.Column("finished_at", TS),
    sa.Column("events", sa.Integer, nullable=False, server_default="0"),
    sa.Column("error", sa.Text),
    comment="Runs applying ФЕРЗЛ's changes of a period to the register (ERZ-4).",
)

items = sa.Table(
    "erz_ferzl_change_items", m.metadata,
    sa.Column("id", m.BigId, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.BigInteger, sa.ForeignKey("erz_ferzl_change_runs.id"),
              nullable=False, index=True),
    sa.Column("enp", sa.String(16), nullable=False),
    sa.Column("oip", sa.String(40)),
    sa.Column("events", sa.Text, nullable=False,
              comment="the person's events of the period: code, group and time, in words"),
    sa.Column("event_on", sa.Date, comment="the day of the person's last event"),
    sa.Column("call_id", sa.String(64), unique=True,
              comment="id of the getPersonData ferzl.call"),
    sa.Column("status", sa.String(10), nullable=False,
              comment="pending, applied, buffered, unchanged, failed"),
    sa.Column("note", sa.Text),
    sa.Column("answered_at", TS),
    comment="Each person a run's events name, and what became of ФЕРЗЛ's data of them.",
)

Send = Callable[[Sequence[FerzlCallV1]], list[str]]
"""Sends calls in the caller's transaction; returns their envelope ids."""


def period(conn: Connection, today: date) -> tuple[date, date] | None:
    """The days a daily run asks for: from the day after the last run that did not fail (or
    yesterday, the first time) to yesterday; None when they are asked already."""
    last = conn.execute(sa.select(sa.func.max(runs.c.date_to)).where(
        runs.c.state != FAILED)).scalar()
    since = last + timedelta(days=1) if last else today - timedelta(days=1)
    till = today - timedelta(days=1)
    return (since, till) if since <= till else None


def running(conn: Connection, now: datetime | None = None) -> int | None:
    """A run not finished yet, if any (one at a time); with ``now``, a run that waited
    longer than :data:`STALE_AFTER` is failed first — an answer lost for good (a call
    dead-lettered) must not stop every later run, and the next run asks its days again."""
    if now is not None:
        conn.execute(runs.update().where(
            runs.c.state.in_((REQUESTED, CHECKING)), runs.c.started_at < now - STALE_AFTER)
            .values(state=FAILED, finished_at=now,
                    error=f"ФЕРЗЛ не ответил за {STALE_AFTER.days} сут.: запуск прерван, "
                          "его дни будут запрошены снова"))
    return conn.execute(sa.select(runs.c.id).where(runs.c.state.in_((REQUESTED, CHECKING)))
                        .order_by(runs.c.id.desc()).limit(1)).scalar()


def start(conn: Connection, send: Send, *, territory: str, since: date, till: date,
          by: str, at: datetime) -> int:
    """Open a run for ``since``…``till`` and send its call (in the caller's transaction)."""
    call = FerzlCallV1(operation=CHANGES_CALL, purpose=f"{TITLE}: {since:%d.%m.%Y}–"
                       f"{till:%d.%m.%Y}, территория {territory}", params={
                           "date_from": since.isoformat(), "date_to": till.isoformat(),
                           "territory": territory})
    [call_id] = send([call])
    key = conn.execute(runs.insert().values(
        date_from=since, date_to=till, territory=territory, call_id=call_id,
        state=REQUESTED, started_by=by, started_at=at)).inserted_primary_key
    assert key is not None
    return int(key[0])


def on_answer(tx: Tx, envelope: Envelope, answer: FerzlAnswerV1,
              at: datetime) -> list[Change] | None:
    """ФЕРЗЛ's answer to a run's call or to one of its persons' calls: the changes it made
    to the register; None when it answers neither."""
    cause = envelope.causation_id or ""
    run = tx.conn.execute(sa.select(runs).where(runs.c.call_id == cause)
                          .with_for_update()).mappings().first()
    if run is not None:
        if run["state"] == REQUESTED:
            _events(tx, run, answer, at)
        return []
    item = tx.conn.execute(sa.select(items).where(items.c.call_id == cause)
                           .with_for_update()).mappings().first()
    if item is None:
        return None
    if item["status"] != PENDING:
        return []
    changes = _person(tx, envelope, item, answer, at)
    _finish_if_done(tx.conn, item["run_id"], at)
    return changes


def _events(tx: Tx, run: sa.RowMapping, answer: FerzlAnswerV1, at: datetime) -> None:
    conn = tx.conn
    if not answer.ok:
        conn.execute(runs.update().where(runs.c.id == run["id"]).values(
            state=FAILED, finished_at=at,
            error=f"ФЕРЗЛ не ответил: {answer.error or answer.state}"[:2000]))
        return
    by_person: dict[str, list[str]] = {}
    oips: dict[str, str | None] = {}
    last: dict[str, date | None] = {}
    message = answer.message
    for p in message.persons if message else []:
        if not p.enp or not p.events:
            continue
        oips.setdefault(p.enp, p.oip)
        days = [e.at.date() for e in p.events if e.at] + [d for d in [last.get(p.enp)] if d]
        last[p.enp] = max(days) if days else None
        by_person.setdefault(p.enp, []).extend(
            f"{e.code} ({GROUP_WORDS.get(e.group or '', e.group or 'событие')}"
            + (f", {e.at:%d.%m.%Y}" if e.at else "") + ")" for e in p.events)
    for enp, said in by_person.items():
        sent = tx.send(FerzlCallV1(operation=PERSON_CALL, purpose=f"{TITLE}: сведения о ЗЛ",
                                   params={"params": {"search": {"policy": {"enp": enp}}}}))
        conn.execute(items.insert().values(run_id=run["id"], enp=enp, oip=oips[enp],
                                           events="; ".join(said)[:4000], event_on=last[enp],
                                           call_id=sent.id, status=PENDING))
    conn.execute(runs.update().where(runs.c.id == run["id"]).values(
        state=CHECKING, events=sum(len(v) for v in by_person.values())))
    _finish_if_done(conn, run["id"], at)


def _subject(answer: FerzlAnswerV1, enp: str) -> FerzlPerson | None:
    persons = [p for p in (answer.message.persons if answer.message else [])
               if p.role == "person"]
    return next((p for p in persons if p.enp == enp), persons[0] if persons else None)


def _person(tx: Tx, envelope: Envelope, item: sa.RowMapping, answer: FerzlAnswerV1,
            at: datetime) -> list[Change]:
    conn, done = tx.conn, {"answered_at": at}
    federal = _subject(answer, item["enp"]) if answer.ok else None
    if federal is None:
        note = (f"ФЕРЗЛ не ответил: {answer.error or answer.state}" if not answer.ok
                else "ФЕРЗЛ не нашёл ЗЛ по ЕНП")
        conn.execute(items.update().where(items.c.id == item["id"]).values(
            status=REFUSED, note=note, **done))
        return []
    run = conn.execute(sa.select(runs).where(runs.c.id == item["run_id"])).mappings().one()
    state: PersonState | None
    try:
        state = queries.person_as_of(conn, item["enp"], at.date())
    except ErzError:
        state = None  # a person the region does not hold (an arrival)
    why = f"событие {item['events']}"
    found = apply.proposals(federal, state, item["event_on"] or at.date(), why,
                            territory=run["territory"])
    source = Source("handler.erz", user=SOURCE_USER, message_id=envelope.id)
    register = Register(conn, source, clock=lambda: at)
    outcomes = apply.apply(conn, register, found, source)
    status = (BUFFERED if any(o.status == "buffered" for o in outcomes)
              else APPLIED if outcomes else UNCHANGED)
    note = "; ".join(o.note for o in outcomes) or "РС ЕРЗ уже совпадает с ФЕРЗЛ"
    conn.execute(items.update().where(items.c.id == item["id"]).values(
        status=status, note=note[:4000], **done))
    return register.changes


def _finish_if_done(conn: Connection, run_id: int, at: datetime) -> None:
    waiting = conn.execute(sa.select(items.c.id).where(
        items.c.run_id == run_id, items.c.status == PENDING).limit(1)).first()
    if waiting is None:
        conn.execute(runs.update().where(runs.c.id == run_id, runs.c.state == CHECKING)
                     .values(state=DONE, finished_at=at))


def counts(conn: Connection, run_id: int) -> dict[str, int]:
    """How many persons of a run ended each way."""
    rows = conn.execute(sa.select(items.c.status, sa.func.count()).where(
        items.c.run_id == run_id).group_by(items.c.status)).all()
    return {str(status): int(n) for status, n in rows}
