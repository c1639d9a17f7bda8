"""ЗАГС death records (ERZ-5): find the person, register the death, inform insurer and clinic.

The СМЭВ adapter delivers death records as the canonical ``zags.deaths``
(:class:`contracts.zags.DeathRecordsV1`), whichever official format they came in (112-41,
answered with ``zags.deaths.processed``; 112-04, one-way). Each record, reduced by
:func:`from_delivery` to a :class:`DeathRecord`, is matched against the register:

- by СНИЛС when the record has one — neither published format carries it today, so the
  field stays for a future format;
- else by surname, name, patronymic and birth date; several candidates are narrowed by the
  identity document (series and number compared as digits: ЗАГС writes ``80 03 123456``).

Exactly one person → :meth:`Register.register_death` as of the date of death (the policy
and the attachment in force end then, П022), and the insurer and the clinic are told (a
STOPLIST by :func:`handlers.erz.smo.lists.send_stoplists`, a ZL_DEATH notice by
:mod:`handlers.erz.mo.notices`). No match, several, a partial date (only the year or month
of death or birth), an unidentified person, an annulled record or a death the register
refuses (a date before birth, a policy begun after the death) → the record waits in the
buffer (kind ``zags.death``) with why, for an operator. A person already dead → nothing
changes. Every record and what became of it is kept in ``erz_zags_records``.

Each act record is taken once (:mod:`handlers.erz.zags.acts`: ЗАГС code, act number and
date): the same act again with the same content is a ``duplicate`` — nothing applied,
buffered or sent, the delivery answered as processed all the same; with changed content it
is ``corrected`` (:func:`take`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from contracts.envelope import utcnow
from contracts.erz.register import Death, Reason, Source
from contracts.erz_register import BufferDecidedV1
from contracts.zags import DeathRecordsV1
from handlers.erz import models as m
from handlers.erz.buffer import identity
from handlers.erz.buffer import store as buffer
from handlers.erz.mo import notices
from handlers.erz.register import checks, history, queries
from handlers.erz.register.core import Register
from handlers.erz.register.dictionaries import Dictionaries
from handlers.erz.register.errors import ErzError
from handlers.erz.register.operations import OPERATIONS, dump
from handlers.erz.smo import lists as smo_lists
from handlers.erz.zags import acts as zags_acts
from hub.tx import Tx
from storage.models import TS

KIND = "zags.death"
"""Buffer kind of a death record that waits for an operator."""
ORGANISATION = "ZAGS"
DEATH_REASON = Reason("П022", "смерть (сведения ЗАГС)", "П02")
"""R001 П022 «снятие с учёта в связи со смертью»; event П02 «снятие с учёта»."""

Status = Literal["applied", "buffered", "already_dead", "duplicate", "corrected"]

records = sa.Table(
    "erz_zags_records", m.metadata,
    sa.Column("id", m.BigId, primary_key=True, autoincrement=True),
    sa.Column("message_id", sa.String(64), nullable=False, index=True),
    sa.Column("schema", sa.String(8), nullable=False, comment="112-41 or 112-04"),
    sa.Column("act_number", sa.String(22), nullable=False, comment="номер записи акта"),
    sa.Column("act_date", sa.Date, nullable=False),
    sa.Column("death_date", sa.Date),
    sa.Column("outcome", sa.String(16), nullable=False,
              comment="applied, buffered, already_dead, duplicate, corrected"),
    sa.Column("enp", sa.String(16)),
    sa.Column("buffer_id", sa.BigInteger),
    sa.Column("note", sa.Text),
    sa.Column("received_at", TS, nullable=False),
    comment="ЗАГС death records received and what became of each (ERZ-5).",
)


@dataclass(frozen=True)
class DeathRecord:
    """One ЗАГС death record, reduced to what finding the person and the death need."""

    schema: str
    act_number: str
    act_date: date
    surname: str | None
    name: str | None
    patronymic: str | None
    birth_date: date | None
    death_date: date | None
    document: str | None = None
    """Series and number of the identity document, digits only."""
    snils: str | None = None
    problem: str = ""
    """Why the record cannot be applied without an operator, whatever the register holds."""
    office: str = ""
    """КодЗАГС of the registry office that made the act record."""
    version: str = ""
    """НомерВерс of the record (112-41; 112-04 has none)."""
    digest: str = ""
    """SHA-256 of the canonical record (:func:`handlers.erz.zags.acts.digest`)."""

    @property
    def act(self) -> tuple[str, str, date]:
        """How ЗАГС identifies the act: its office's code, the number and the date."""
        return self.office, self.act_number, self.act_date

    def content(self) -> dict[str, Any]:
        """What the register takes from the record, to tell what a correction changed."""
        content: dict[str, Any] = self.keys() | dump({
            "death_date": self.death_date, "problem": self.problem or None})
        return content

    def payload(self, enp: str | None) -> dict[str, Any]:
        """The replayable operation (kind ``zags.death``) and the record's own keys."""
        return {"enp": enp, "reason": dump(DEATH_REASON.__dict__),
                "death": {"death_date": self.death_date.isoformat() if self.death_date
                          else None, "act_number": self.act_number,
                          "act_date": self.act_date.isoformat()}}

    def keys(self) -> dict[str, Any]:
        """What identifies the person in the record (the buffer item's ``candidate``)."""
        keys: dict[str, Any] = dump({"surname": self.surname, "name": self.name,
                     "patronymic": self.patronymic, "birth_date": self.birth_date,
                     "document": self.document, "snils": self.snils,
                     "act_number": self.act_number, "schema": self.schema})
        return keys


@dataclass(frozen=True)
class Outcome:
    """What became of one record."""

    record: DeathRecord
    status: Status
    enp: str | None = None
    note: str = ""
    buffer_id: int | None = None
    moved: bool = False
    """A correction moved a registered death to another date (the clinic is told again)."""


def from_delivery(delivery: DeathRecordsV1) -> list[DeathRecord]:
    """The records of a delivery, each with why it cannot be applied without an operator."""
    found = []
    for rec in delivery.records:
        problems = []
        if rec.unidentified:
            problems.append("лицо не установлено (ПрНеустанЛицо)")
        if rec.death_date is None:
            problems.append("дата смерти неполная: " + (
                rec.death_date_partial.text() if rec.death_date_partial else "нет"))
        if rec.birth_date is None:
            problems.append("дата рождения неполная: " + (
                rec.birth_date_partial.text() if rec.birth_date_partial else "нет"))
        if rec.annulled:
            problems.append("запись акта аннулирована")
        doc = rec.identity_document
        found.append(DeathRecord(
            delivery.source_format, rec.act_number, rec.act_date, rec.surname, rec.name,
            rec.patronymic, rec.birth_date, rec.death_date,
            checks.digits_only(doc.series_number) if doc else None, snils=rec.snils,
            problem="; ".join(problems), office=rec.office_code, version=rec.version or "",
            digest=zags_acts.digest(rec)))
    return found


def candidates(conn: Connection, record: DeathRecord) -> list[str]:
    """ЕНП of the persons the record may concern (see the module's docstring)."""
    if record.snils:
        return queries.find_by_snils(conn, record.snils)
    if not (record.surname and record.name and record.birth_date):
        return []
    found = queries.find_by_names(conn, record.surname, record.name, record.birth_date,
                                  record.patronymic)
    if len(found) > 1 and record.document:
        by_document = [enp for enp in found if _document_digits(conn, enp) == record.document]
        found = by_document or found
    return found


def _document_digits(conn: Connection, enp: str) -> str | None:
    rows = history.current(conn, m.documents, queries.person_id(conn, enp))
    digits = {checks.digits_only(f"{r['series']}{r['number']}") for r in rows}
    return next(iter(digits)) if len(digits) == 1 else None


def _death_on_record(conn: Connection, enp: str) -> date | None:
    rows = history.current(conn, m.deaths, queries.person_id(conn, enp))
    return rows[0]["death_date"] if rows else None


def process(register: Register, record: DeathRecord, *, clock: Any = utcnow,
            revise: tuple[int, str] | None = None) -> Outcome:
    """Apply one record to the register, or put it in the buffer (``revise``: the pending
    item of its earlier version, revised instead of a new one, and what the correction
    changed); nothing is committed."""
    conn = register.conn

    def wait(why: str, enp: str | None = None) -> Outcome:
        if revise is not None:
            item = buffer.revise(conn, revise[0], record.payload(enp),
                                 f"{revise[1]}; {why}", candidate=record.keys())
        else:
            item = buffer.propose(conn, KIND, record.payload(enp), why, register.source,
                                  ORGANISATION, candidate=record.keys(), clock=clock)
        return Outcome(record, "buffered", enp, why, item)

    if record.problem:
        return wait(record.problem)
    found = candidates(conn, record)
    if not found:
        return wait("ЗЛ не найдено в регистре")
    if len(found) > 1:
        return wait(f"найдено несколько ЗЛ ({len(found)}): нужен выбор оператора")
    enp = found[0]
    assert record.death_date is not None
    dead_on = _death_on_record(conn, enp)
    if dead_on is not None:
        note = f"смерть уже зарегистрирована ({dead_on.isoformat()})"
        if dead_on != record.death_date:
            note += f", ЗАГС сообщает {record.death_date.isoformat()}"
        return Outcome(record, "already_dead", enp, note)
    done = len(register.changes)
    try:
        with conn.begin_nested():
            register.register_death(enp, Death(record.death_date, record.act_number,
                                               record.act_date), DEATH_REASON)
    except ErzError as exc:
        del register.changes[done:]
        first = exc.failures[0]
        return wait(f"регистр отказал: {exc.code} {first.field}: {first.message}", enp)
    return Outcome(record, "applied", enp)


def take(register: Register, record: DeathRecord, *, clock: Any = utcnow) -> Outcome:
    """One record, once per act: a new act is processed, a repeat does nothing, a changed
    one is a correction; the act is kept in ``erz_zags_acts`` (nothing is committed)."""
    conn, now, message = register.conn, clock(), register.source.message_id or ""
    known = zags_acts.lookup(conn, *record.act)
    if known is None:
        out = process(register, record, clock=clock)
        zags_acts.remember(conn, record.act, record.schema, record.version, record.digest,
                           record.content(), out.status, out.enp, out.buffer_id, message, now)
        return out
    if known.digest == record.digest:
        zags_acts.seen_again(conn, known, message, now)
        return Outcome(record, "duplicate", known.enp, "повтор записи акта, полученной "
                       f"{known.received_at:%d.%m.%Y}: не применяется повторно",
                       known.buffer_id)
    changes = zags_acts.changed_keys(known.content, record.content())
    why = (f"исправление записи акта{f' (версия {record.version})' if record.version else ''}"
           f": изменено {', '.join(changes) or 'прочее содержание записи'}")
    item = buffer.get(conn, known.buffer_id) if known.buffer_id else None
    dead = item.enp if item is not None and item.status == buffer.APPLIED else (
        known.enp if known.outcome == "applied" else None)
    if item is not None and item.status == buffer.PENDING:
        out = process(register, record, clock=clock, revise=(item.id, why))
        if out.status == "applied":
            buffer.settle(conn, item.id, "zags", why + "; применено", out.enp, clock=clock)
        state, out = out.status, replace(out, buffer_id=item.id)
    elif dead is not None:
        death = Death(record.death_date, record.act_number, record.act_date) \
            if record.death_date else None
        note, moved = zags_acts.correct_applied(register, dead, record.keys(), record.problem,
                                                death, changes)
        state, out = "applied", Outcome(record, "corrected", dead, note, moved=moved)
    else:
        out = process(register, record, clock=clock)
        state = out.status
    zags_acts.corrected(conn, known, record.version, record.digest, record.content(), state,
                        out.enp, out.buffer_id, message, now)
    return replace(out, status="corrected", note=f"{why}; {out.note or state}")


def process_all(conn: Connection, source: Source, found: list[DeathRecord], *,
                register: Register | None = None,
                clock: Any = utcnow) -> tuple[Register, list[Outcome]]:
    """Process the records of one delivery and keep each outcome in ``erz_zags_records``."""
    register = register or Register(conn, source, clock=clock)
    outcomes = [take(register, record, clock=clock) for record in found]
    now: datetime = clock()
    for out in outcomes:
        conn.execute(records.insert(), {
            "message_id": source.message_id or "", "schema": out.record.schema,
            "act_number": out.record.act_number, "act_date": out.record.act_date,
            "death_date": out.record.death_date, "outcome": out.status, "enp": out.enp,
            "buffer_id": out.buffer_id, "note": out.note or None, "received_at": now})
    return register, outcomes


def on_delivery(tx: Tx, records_in: list[DeathRecord], dictionaries: Dictionaries, *,
                clock: Any = utcnow) -> tuple[Register, list[Outcome]]:
    """Handle one delivery inside the handler's transaction: apply or buffer each record,
    then send the STOPLISTs and clinic notices of the deaths applied."""
    source = Source("handler.erz", user="zags", message_id=tx.cause.id)
    register = Register(tx.conn, source, dictionaries=dictionaries, clock=clock)
    register, outcomes = process_all(tx.conn, source, records_in, register=register,
                                     clock=clock)
    applied = []
    for out in outcomes:
        if out.status == "applied" or out.moved:
            assert out.enp is not None and out.record.death_date is not None
            seq = min(c.id for c in register.changes if c.enp == out.enp)
            applied.append((out.enp, out.record.death_date, out.record.act_number,
                            out.record.act_date, seq))
    if applied:
        at: datetime = clock()
        smo_lists.send_stoplists(tx, register.changes, at)
        notices.inform_clinics(tx, notices.deaths_of(tx.conn, applied), at.date())
    return register, outcomes


def after_approval(tx: Tx, decided: BufferDecidedV1, at: datetime) -> list[str]:
    """A ``zags.death`` item an operator approved: its record is ``applied`` now, and the
    insurer gets its STOPLIST and the clinic its notice, as when the record matched at
    once; returns the names of the files sent (none for other items)."""
    if decided.kind != KIND or decided.status != "applied" or not decided.enp:
        return []
    item = buffer.get(tx.conn, decided.item_id)
    if not item.payload.get(identity.CONFIRMED):
        # Applied by buffer.approve, which checks; a decision that reached the register
        # some other way tells nobody of a death the record does not prove (the message
        # fails with the differences, and the journal shows it).
        identity.check(tx.conn, item.candidate, decided.enp, "", buffer.record_date(item.payload))
    death = item.payload.get("death") or {}
    if not death.get("death_date"):
        return []
    changes = queries.changes_by_id(tx.conn, decided.change_ids)
    tx.conn.execute(records.update().where(records.c.buffer_id == decided.item_id).values(
        outcome="applied", enp=decided.enp,
        note=f"одобрено оператором {decided.decided_by}"))
    on, act_on = date.fromisoformat(death["death_date"]), death.get("act_date")
    seq = min((c.id for c in changes), default=decided.item_id)
    sent = smo_lists.send_stoplists(tx, changes, at)
    sent += notices.inform_clinics(tx, notices.deaths_of(tx.conn, [(
        decided.enp, on, death.get("act_number"),
        date.fromisoformat(act_on) if act_on else None, seq)]), at.date())
    return sent


# An approved ``zags.death`` item is a death like any other once the operator named the ЕНП.
OPERATIONS.setdefault(KIND, OPERATIONS["death"])
