"""ЗАГС acts that change names (ERZ-5): перемена имени, брак, развод, отцовство.

The СМЭВ adapter delivers 112-03, 112-46, 112-48 and 112-08 as ``zags.name_changes``
(:class:`contracts.zags_acts.NameChangeRecordsV1`): each act with the persons it concerns,
as known before and as named after. Every person whose surname, name or patronymic the act
changed is taken once (:func:`handlers.erz.zags.acts.take_once`, kind ``<act>:<role>``, so
that the wife and the husband of one marriage, or a marriage and a birth of one number,
never collide); a person the act leaves as they were (a husband keeping his surname) is
not looked for at all.

- an annulled record, a partial date of birth → the buffer (kind ``zags.name_change``);
- found (:mod:`handlers.erz.zags.matching`: by СНИЛС, else by the names **before** and the
  birth date, narrowed by the document) exactly once → the names change with history
  (``change_data`` from the date the change took effect, R001 П061 «изменение ФИО без смены
  СМО»; the change log's text names the act: its kind, number and date). The old names stay
  a version of the person's data, so a search by them still finds the person;
- a person whose names already are the new ones → nothing (``unchanged``: applied before,
  by this act or by an insurer's edit);
- nobody, several persons, or a change the register refuses → the buffer with why; an
  operator's approval applies the stored ``edit`` onto the ЕНП named.

The insurer and the clinic are told (:mod:`handlers.erz.zags.inform`); a person renamed
without СНИЛС is looked up through ПФР (:mod:`handlers.erz.zags.snils`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from typing import Any

from sqlalchemy.engine import Connection

from contracts.erz.register import Reason
from contracts.erz_register import BufferDecidedV1
from contracts.zags_acts import ACT_TITLES, NameChange, NameChangeRecord, NameChangeRecordsV1
from handlers.erz import models as m
from handlers.erz.buffer import store as buffer
from handlers.erz.register.core import Register
from handlers.erz.register.errors import ErzError
from handlers.erz.register.operations import OPERATIONS, dump
from handlers.erz.zags import acts
from handlers.erz.zags.acts import ActKey, Taken
from handlers.erz.zags.matching import candidates, data_now, keys, same_name

KIND = "zags.name_change"
"""Buffer kind of a name change that waits for an operator."""
ORGANISATION = "ZAGS"
LABELS = {"surname": "фамилия", "name": "имя", "patronymic": "отчество"}


def reason(kind: str, rec: NameChangeRecord) -> Reason:
    """R001 П061 «изменение ФИО без смены СМО», the act in words in the change log: its
    kind and date — not its number, personal data that free text would not mask (the
    number stays in ``erz_zags_acts`` and the journal)."""
    return Reason("П061", f"{ACT_TITLES.get(kind, kind)} (сведения ЗАГС): запись акта "
                  f"от {rec.act_date:%d.%m.%Y}")


def act_key(kind: str, rec: NameChangeRecord, change: NameChange, schema: str) -> ActKey:
    """One person of one act as ``erz_zags_acts`` keeps it."""
    content = rec.model_dump(mode="json", exclude={"persons"}) | {
        "person": change.model_dump(mode="json")}
    sha = hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False)
                         .encode()).hexdigest()
    return ActKey(f"{kind}:{change.role}", rec.office_code, rec.act_number, rec.act_date,
                  schema, rec.version or "", sha, content)


def effective(rec: NameChangeRecord) -> date:
    """When the new names hold: the date the change took effect, else the act's date."""
    return rec.changed_on or rec.act_date


def payload(kind: str, rec: NameChangeRecord, change: NameChange,
            enp: str | None) -> dict[str, Any]:
    """The replayable ``edit`` (kind ``zags.name_change``) and the act it comes from."""
    new = {k: after for k, (_, after) in change.changes().items()}
    return {"enp": enp, "on": effective(rec).isoformat(), "data": new,
            "reason": dump(reason(kind, rec).__dict__),
            "act": dump({"act_kind": kind, "role": change.role, "act_number": rec.act_number,
                         "act_date": rec.act_date, "office_code": rec.office_code})}


def process(register: Register, kind: str, rec: NameChangeRecord, change: NameChange,
            schema: str, revise: int | None, *, clock: Callable[[], datetime]) -> Taken:
    """Take one person of one act (see the module's docstring); nothing is committed."""
    conn = register.conn

    def wait(why: str, enp: str | None = None) -> Taken:
        body = payload(kind, rec, change, enp)
        candidate = keys(change.before, rec.act_number, schema)
        item = (buffer.revise(conn, revise, body, why, candidate=candidate) if revise
                else buffer.propose(conn, KIND, body, why, register.source, ORGANISATION,
                                    candidate=candidate, clock=clock))
        return Taken("buffered", enp, why, item)

    if rec.annulled:
        return wait("запись акта аннулирована")
    if change.before.birth_date is None:
        part = change.before.birth_date_partial
        return wait("дата рождения неполная: " + (part.text() if part else "нет"))
    found = candidates(conn, change.before)
    if not found:
        return wait("ЗЛ не найдено в регистре по прежним ФИО и дате рождения")
    if len(found) > 1:
        return wait(f"найдено несколько ЗЛ ({len(found)}): нужен выбор оператора")
    enp, new = found[0], {k: after for k, (_, after) in change.changes().items()}
    held = data_now(conn, enp, register.clock().date())
    if held is not None and all(same_name(getattr(held, k), v) for k, v in new.items()):
        return Taken("unchanged", enp, "новые ФИО уже в регистре: изменение внесено ранее")
    done = len(register.changes)
    try:
        with conn.begin_nested():
            register.change_data(enp, effective(rec), reason(kind, rec), **new)
    except ErzError as exc:
        del register.changes[done:]
        first = exc.failures[0]
        return wait(f"регистр отказал: {exc.code} {first.field}: {first.message}", enp)
    # Which names, not their values: the note may reach a buffer item's decision, which free
    # text shows to every viewer (the values are in the person's masked change log).
    said = ", ".join(LABELS[k] for k in change.changes())
    return Taken("applied", enp, f"изменено: {said}")


def on_delivery(register: Register, delivery: NameChangeRecordsV1,
                clock: Callable[[], datetime]) -> list[Taken]:
    """Take each changed person of each act of a delivery once; nothing is committed."""
    message, now, kind = register.source.message_id or "", clock(), delivery.act_kind
    taken = []
    for rec in delivery.records:
        for change in rec.persons:
            if not change.changes():
                continue
            taken.append(acts.take_once(
                register.conn, act_key(kind, rec, change, delivery.source_format),
                partial(process, register, kind, rec, change, delivery.source_format,
                        clock=clock), message, now))
    return taken


def after_approval(conn: Connection, decided: BufferDecidedV1) -> bool:
    """A ``zags.name_change`` item decided: its act's outcome follows; whether it was one."""
    if decided.kind != KIND:
        return False
    outcome = "applied" if decided.status == "applied" else "rejected"
    conn.execute(m.zags_acts.update().where(m.zags_acts.c.buffer_id == decided.item_id)
                 .values(outcome=outcome, enp=decided.enp))
    return True


# An approved ``zags.name_change`` item is an edit of the person's names like any other.
OPERATIONS.setdefault(KIND, OPERATIONS["edit"])
