"""ЗАГС act records the register has taken, so that each act is taken once (ERZ-5).

An act record is identified as ЗАГС identifies it: the registry office (``КодЗАГС`` of
``ОрганЗАГС``), the record's number (``НомерЗапис``) and its date (``ДатаЗапис``) — the
same in every format — and, since births and name changes are taken too, by what the act
is to the register (``kind``: ``death``, ``birth``, or a name-changing act with the role
of the person it renamed, ``marriage:wife``), so that acts of different kinds, or two
persons of one marriage, never collide. ``erz_zags_acts`` keeps one row per act with a
digest of the content last taken: of the canonical record (``contracts.zags.DeathRecord``,
``contracts.zags_acts.BirthRecord``…), what the fund uses of any format.
:func:`handlers.erz.zags.deaths.process_all` asks :func:`lookup` first:

- an act never seen is taken as before and :func:`remember`-ed;
- the same act with the same digest (a delivery repeated: a СМЭВ redelivery, a simulator
  restarted) is a repeat — nothing is applied, buffered or sent again;
- the same act with another digest is a correction (112-41 says so with a new
  ``НомерВерс`` and ``СведИспрАГС``): the pending buffer item is revised, an applied death
  corrected (:func:`correct_death`), and the person's change log says what changed.

Births and name changes take their acts through :func:`take_once`: the same three cases,
a correction processed again (its pending buffer item revised, and settled when it now
applies).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.engine import Connection

from contracts.erz.register import Death, Reason
from handlers.erz import models as m
from handlers.erz.buffer import identity
from handlers.erz.buffer import store as buffer
from handlers.erz.register import history
from handlers.erz.register.core import Register
from handlers.erz.register.errors import ErzError
from handlers.erz.register.rows import to_values

acts = m.zags_acts
DEATH = "death"
"""The kind of a death act (the one kind before births and name changes were taken)."""
CORRECTION = Reason("П022", "исправление записи акта о смерти (сведения ЗАГС)", "П02")
"""The reason written in the change log for a correction."""


def digest(record: BaseModel) -> str:
    """SHA-256 of the canonical record's JSON (``contracts.zags.DeathRecord``): the same for
    a repeat, another when anything the fund uses of the record changed, its version too."""
    return hashlib.sha256(record.model_dump_json().encode()).hexdigest()


@dataclass(frozen=True)
class Known:
    """An act already taken: what it said and what became of it."""

    id: int
    digest: str
    content: dict[str, Any]
    outcome: str
    enp: str | None
    buffer_id: int | None
    received_at: datetime
    version: str | None


def lookup(conn: Connection, office: str, number: str, on: date, *,
           kind: str = DEATH) -> Known | None:
    """The act, locked for this transaction (FOR UPDATE on PostgreSQL), or None."""
    row = conn.execute(sa.select(acts).where(
        acts.c.kind == kind, acts.c.office_code == office, acts.c.act_number == number,
        acts.c.act_date == on).with_for_update()).mappings().first()
    if row is None:
        return None
    return Known(int(row["id"]), row["digest"], dict(row["content"]), row["outcome"],
                 row["enp"], row["buffer_id"], row["received_at"], row["version"])


def remember(conn: Connection, key: tuple[str, str, date], schema: str, version: str,
             sha: str, content: dict[str, Any], outcome: str, enp: str | None,
             buffer_id: int | None, message_id: str, now: datetime, *,
             kind: str = DEATH) -> None:
    """Record an act taken for the first time."""
    office, number, on = key
    conn.execute(acts.insert(), {
        "kind": kind, "office_code": office, "act_number": number, "act_date": on,
        "schema": schema,
        "version": version or None, "digest": sha, "content": content, "outcome": outcome,
        "enp": enp, "buffer_id": buffer_id, "first_message_id": message_id,
        "last_message_id": message_id, "received_at": now, "updated_at": now})


def seen_again(conn: Connection, known: Known, message_id: str, now: datetime) -> None:
    """A repeat: only which message brought it last changes."""
    conn.execute(acts.update().where(acts.c.id == known.id).values(
        last_message_id=message_id, updated_at=now))


def corrected(conn: Connection, known: Known, version: str, sha: str,
              content: dict[str, Any], outcome: str, enp: str | None,
              buffer_id: int | None, message_id: str, now: datetime) -> None:
    """A correction taken: the act now holds the corrected content and its outcome."""
    conn.execute(acts.update().where(acts.c.id == known.id).values(
        version=version or None, digest=sha, content=content, outcome=outcome, enp=enp,
        buffer_id=buffer_id, corrections=acts.c.corrections + 1,
        last_message_id=message_id, updated_at=now))


def changed_keys(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """``{key: {"old": …, "new": …}}`` of the keys whose values differ."""
    return {k: {"old": before.get(k), "new": after.get(k)}
            for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)}


def log_correction(register: Register, enp: str, on: date | None,
                   changes: dict[str, Any], note: str) -> int:
    """An entry of the person's change log for a correction that changes no value the
    register holds (names, the document, a version of the record): what changed, and why
    nothing else was done."""
    return register.log(enp, "zags_correction", "death", on, CORRECTION,
                        {"changed": changes, "note": note})


def correct_death(register: Register, enp: str, death: Death, changes: dict[str, Any]) -> None:
    """Move a registered death to its corrected date: the death's version, and the ends
    of the policy and the attachment the death closed, move with it. Refused (ErzError)
    when the new date is in the future or before birth, or a policy or an attachment
    begins on or after it; nothing is written then."""
    conn = register.conn
    pid = int(conn.execute(sa.select(m.persons.c.id).where(m.persons.c.enp == enp)).scalar_one())
    deaths = history.current(conn, m.deaths, pid)
    if not deaths:
        raise ErzError("106", "death_date", "смерть ЗЛ не зарегистрирована")
    dead = deaths[0]
    old, new = dead["death_date"], death.death_date
    if new > register.clock().date():
        raise ErzError("301", "death_date")
    born = conn.execute(sa.select(sa.func.min(m.person_data.c.birth_date)).where(
        m.person_data.c.person_id == pid, m.person_data.c.superseded_at.is_(None))).scalar()
    if born is not None and new < born:
        raise ErzError("303", "death_date")
    closed = []
    for table, ended in ((m.policies, "date_stop"), (m.attachments, "date_detach")):
        for row in history.current(conn, table, pid):
            if row["valid_to"] == old and row[ended] == old:
                closed.append((table, ended, row))
            elif row["valid_from"] >= min(old, new) and row["valid_from"] != row["valid_to"]:
                raise ErzError("304", f"{table.name}.valid_from",
                               "есть период, начатый после исправленной даты смерти")
    if any(row["valid_from"] >= new for _, _, row in closed):
        raise ErzError("304", "death_date", "период начат в исправленный день смерти или позже")
    cid = register.log(enp, "correct_death", "death", new, CORRECTION,
                       {"old": {"death_date": old}, "new": to_values(death),
                        "changed": changes})
    at = register.changes[-1].at
    history.supersede(conn, m.deaths, [dead["id"]], at, cid)
    history.insert(conn, m.deaths, pid, to_values(death), new, None, at, cid)
    for table, ended, row in closed:
        history.replace_version(conn, table, row, {ended: new}, new, at, cid)


def correct_applied(register: Register, enp: str, keys: dict[str, Any], problem: str,
                    death: Death | None, changes: dict[str, Any]) -> tuple[str, bool]:
    """A correction of a death already registered: a new date of death moves it
    (:func:`correct_death`); a record that no longer names the person (``keys``), or that
    cannot be applied as it is (``problem``: annulled, a partial date), changes nothing and
    says so in the person's change log. Returns the note and whether the death moved."""
    conn = register.conn
    person = identity.person_keys(conn, enp, death.death_date if death else None)
    differ = identity.mismatches(keys, person) if person else []
    doubt = problem or (
        "сведения не совпадают с ЗЛ: " + ", ".join(x.label for x in differ) if differ else "")
    pid = int(conn.execute(sa.select(m.persons.c.id).where(m.persons.c.enp == enp)).scalar_one())
    on_record = [r["death_date"] for r in history.current(conn, m.deaths, pid)]
    if doubt or death is None or [death.death_date] == on_record:
        note = f"регистр не изменён, нужна проверка: {doubt}" if doubt else "дата смерти прежняя"
        log_correction(register, enp, death.death_date if death else None, changes, note)
        return note, False
    done = len(register.changes)
    try:
        with conn.begin_nested():
            correct_death(register, enp, death, changes)
    except ErzError as exc:
        del register.changes[done:]
        note = f"дата смерти не исправлена: регистр отказал {exc.code} ({exc})"
        log_correction(register, enp, death.death_date, changes, note)
        return note, False
    return f"дата смерти исправлена на {death.death_date:%d.%m.%Y}", True


@dataclass(frozen=True)
class Taken:
    """What became of one act (of one person of it) taken by :func:`take_once`."""

    status: str
    """applied, buffered, unchanged, duplicate or corrected."""
    enp: str | None = None
    note: str = ""
    buffer_id: int | None = None


@dataclass(frozen=True)
class ActKey:
    """An act as :func:`take_once` keeps it: its kind and identity, format, content."""

    kind: str
    office: str
    number: str
    on: date
    schema: str
    version: str
    digest: str
    content: dict[str, Any]


def take_once(conn: Connection, act: ActKey, process: Callable[[int | None], Taken],
              message_id: str, now: datetime) -> Taken:
    """Take an act once: ``process(None)`` for a new one; nothing for a repeat (same digest);
    a correction is processed again, ``process(item)`` given its buffer item when that is
    still pending (to revise it), and the item settled when the corrected act now applies."""
    known = lookup(conn, act.office, act.number, act.on, kind=act.kind)
    if known is None:
        out = process(None)
        remember(conn, (act.office, act.number, act.on), act.schema, act.version, act.digest,
                 act.content, out.status, out.enp, out.buffer_id, message_id, now,
                 kind=act.kind)
        return out
    if known.digest == act.digest:
        seen_again(conn, known, message_id, now)
        return Taken("duplicate", known.enp, "повтор записи акта, полученной "
                     f"{known.received_at:%d.%m.%Y}: не применяется повторно", known.buffer_id)
    changes = changed_keys(known.content, act.content)
    why = (f"исправление записи акта{f' (версия {act.version})' if act.version else ''}"
           f": изменено {', '.join(changes) or 'прочее содержание записи'}")
    item = buffer.get(conn, known.buffer_id) if known.buffer_id else None
    waiting = item.id if item is not None and item.status == buffer.PENDING else None
    out = process(waiting)
    note = f"{why}; {out.note or out.status}"
    if waiting is not None and out.status != "buffered":
        buffer.settle(conn, waiting, "zags", note, out.enp, clock=lambda: now)
    corrected(conn, known, act.version, act.digest, act.content, out.status, out.enp,
              out.buffer_id or waiting, message_id, now)
    return replace(out, status="corrected", note=note)
