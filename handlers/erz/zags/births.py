"""ЗАГС birth records (ERZ-5): complete the child's record, or have the newborn insured.

The СМЭВ adapter delivers births (112-01) as ``zags.births``
(:class:`contracts.zags_acts.BirthRecordsV1`). Each act record, taken once
(:func:`handlers.erz.zags.acts.take_once`, kind ``birth``):

- a stillborn child (ЖивМертв 1) → recorded, nothing else (``stillborn``);
- an annulled record, a partial date of birth, a child without a name → the buffer;
- the child found (:mod:`handlers.erz.zags.matching`: already registered, say, by an
  insurer's application) → completed: a patronymic or a birth place the register lacks is
  filled in with history (``change_data`` from the birth date, R001 П061, the act in the
  change log's text); nothing is duplicated; a sex that differs → the buffer;
- several children found → the buffer;
- the child not registered → the buffer (kind ``zags.birth``), always: the register
  creates a person only under an ЕНП, and assigning an ЕНП is ФЕРЗЛ's, not the region's
  (docs/erz-exchange.md). The mother is looked for as the child is: found, her insurer on
  the date of birth goes into the item (a newborn is insured by the mother's insurer,
  326-ФЗ art. 16) and ``why`` says so; not found, several, or not named → ``why`` says that.
  An operator approves the item naming the child's ЕНП: :func:`apply_birth` registers the
  child (``create_person``) and, when the mother's insurer is known, issues a policy of
  that insurer from the date of birth (type П, the number the ЕНП, R001 П010, event П01);
  an ЕНП already registered is completed instead.

The insurer and the clinic are told of the changes (:mod:`handlers.erz.zags.inform`), and a
child left without СНИЛС is looked up through ПФР (:mod:`handlers.erz.zags.snils`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from contracts.erz.register import PersonData, Policy, Reason
from contracts.erz_register import BufferDecidedV1
from contracts.zags_acts import BirthRecord, BirthRecordsV1
from handlers.erz import models as m
from handlers.erz.buffer import store as buffer
from handlers.erz.register import queries
from handlers.erz.register.core import Register
from handlers.erz.register.errors import ErzError
from handlers.erz.register.operations import OPERATIONS, _date, _enp, dump, load
from handlers.erz.zags import acts
from handlers.erz.zags.acts import ActKey, Taken
from handlers.erz.zags.matching import candidates, data_now, keys

KIND = "zags.birth"
"""Buffer kind of a birth record that waits for an operator."""
ACT = "birth"
"""The kind of a birth act in ``erz_zags_acts``."""
ORGANISATION = "ZAGS"


def _act_text(rec: BirthRecord | dict[str, Any]) -> str:
    """The act in the change log's words: its date, not its number (personal data that free
    text would not mask; it stays in ``erz_zags_acts`` and the journal)."""
    on = _date(rec.get("act_date")) if isinstance(rec, dict) else rec.act_date
    return f"запись акта о рождении от {on:%d.%m.%Y}" if on else "запись акта о рождении"


def completion_reason(act: BirthRecord | dict[str, Any]) -> Reason:
    """R001 П061 (names, birth data changed without a new insurer), the act in the text."""
    return Reason("П061", f"дополнение сведений о ЗЛ (сведения ЗАГС): {_act_text(act)}")


def newborn_reason(act: BirthRecord | dict[str, Any]) -> Reason:
    """Why the newborn is registered: the act of birth (no R001 code fits a registration)."""
    return Reason(None, f"рождение (сведения ЗАГС): {_act_text(act)}")


def insured_reason(act: BirthRecord | dict[str, Any]) -> Reason:
    """R001 П010 «первичный выбор СМО», event П01: the newborn insured by the mother's."""
    return Reason("П010", f"новорождённый застрахован в СМО матери: {_act_text(act)}",
                  "П01")


def act_key(rec: BirthRecord, schema: str) -> ActKey:
    """The act as ``erz_zags_acts`` keeps it."""
    content = rec.model_dump(mode="json")
    return ActKey(ACT, rec.office_code, rec.act_number, rec.act_date, schema,
                  rec.version or "", acts.digest(rec), content)


def person_data(rec: BirthRecord) -> PersonData | None:
    """The child's data as the register would hold them (None when a key is missing)."""
    c = rec.child
    if not (c.surname or c.name) or c.birth_date is None or c.sex is None:
        return None
    return PersonData(c.surname or "", c.name or "", c.patronymic or "", c.sex,
                      c.birth_date, c.birth_place or "")


def problem(rec: BirthRecord) -> str:
    """Why the record cannot be taken without an operator, whatever the register holds."""
    found = []
    if rec.annulled:
        found.append("запись акта аннулирована")
    if rec.child.birth_date is None:
        part = rec.child.birth_date_partial
        found.append("дата рождения неполная: " + (part.text() if part else "нет"))
    elif person_data(rec) is None:
        found.append("в записи акта нет имени или пола ребёнка")
    return "; ".join(found)


def complete(register: Register, enp: str, data: PersonData, reason: Reason) -> list[str]:
    """Fill what the person's record lacks from the act (patronymic, birth place) as of
    the birth date; the fields filled. ErzError when the sex differs (a doubt)."""
    today = register.clock().date()
    held = data_now(register.conn, enp, today)
    if held is None:
        raise ErzError("303", "person", "нет персональных данных ЗЛ")
    if held.sex != data.sex:
        raise ErzError("106", "sex", "пол в записи акта не совпадает с регистром")
    fill = {k: getattr(data, k) for k in ("patronymic", "birth_place")
            if getattr(data, k) and not getattr(held, k)}
    if fill:
        register.change_data(enp, held.birth_date, reason, **fill)
    return list(fill)


def _mother(conn: Connection, rec: BirthRecord) -> tuple[str | None, str | None, str]:
    """The mother's ЕНП and her insurer on the date of birth, and what ``why`` says."""
    if rec.mother is None:
        return None, None, "мать в записи акта не указана"
    found = candidates(conn, rec.mother)
    if not found:
        return None, None, "мать не найдена в регистре"
    if len(found) > 1:
        return None, None, f"найдено несколько ЗЛ — возможных матерей ({len(found)})"
    assert rec.child.birth_date is not None
    policy = queries.person_as_of(conn, found[0], rec.child.birth_date).policy
    if policy is None:
        return found[0], None, "у матери нет полиса на дату рождения"
    return found[0], policy.smo, f"будет застрахован в СМО матери {policy.smo}"


def payload(rec: BirthRecord, data: PersonData | None, mother: str | None,
            smo: str | None, enp: str | None = None) -> dict[str, Any]:
    """The replayable operation (kind ``zags.birth``, :func:`apply_birth`)."""
    return {"enp": enp, "person": dump(data) if data else None, "mother_enp": mother,
            "smo": smo, "birth": dump({"act_number": rec.act_number,
                                        "act_date": rec.act_date,
                                        "office_code": rec.office_code})}


def process(register: Register, rec: BirthRecord, schema: str, revise: int | None, *,
            clock: Callable[[], datetime]) -> Taken:
    """Take one birth record (see the module's docstring); nothing is committed."""
    conn = register.conn
    data = person_data(rec)

    def wait(why: str, enp: str | None = None, mother: str | None = None,
             smo: str | None = None) -> Taken:
        body, candidate = payload(rec, data, mother, smo, enp), keys(rec.child,
                                                                     rec.act_number, schema)
        item = (buffer.revise(conn, revise, body, why, candidate=candidate) if revise
                else buffer.propose(conn, KIND, body, why, register.source, ORGANISATION,
                                    candidate=candidate, clock=clock))
        return Taken("buffered", enp, why, item)

    if rec.stillborn:
        return Taken("stillborn", note="мертворождение: в регистр не вносится")
    doubt = problem(rec)
    if doubt:
        return wait(doubt)
    assert data is not None
    found = candidates(conn, rec.child)
    if len(found) > 1:
        return wait(f"найдено несколько ЗЛ ({len(found)}): нужен выбор оператора")
    if found:
        done = len(register.changes)
        try:
            with conn.begin_nested():
                filled = complete(register, found[0], data, completion_reason(rec))
        except ErzError as exc:
            del register.changes[done:]
            return wait(f"ребёнок найден, но {exc.failures[0].message}", found[0])
        if not filled:
            return Taken("unchanged", found[0], "ребёнок уже в регистре, сведения полные")
        return Taken("applied", found[0], "дополнено: " + ", ".join(filled))
    mother, smo, said = _mother(conn, rec)
    return wait("новорождённый не найден в регистре: ЕНП присваивает ФЕРЗЛ — укажите ЕНП "
                f"ребёнка при одобрении; {said}", mother=mother, smo=smo)


def on_delivery(register: Register, delivery: BirthRecordsV1,
                clock: Callable[[], datetime]) -> list[Taken]:
    """Take each record of a delivery once; nothing is committed."""
    message, now = register.source.message_id or "", clock()
    return [acts.take_once(register.conn, act_key(rec, delivery.source_format),
                           partial(process, register, rec, delivery.source_format,
                                   clock=clock), message, now)
            for rec in delivery.records]


def apply_birth(register: Register, body: dict[str, Any]) -> None:
    """An approved ``zags.birth`` item: the child under the ЕНП the operator named —
    registered (with the mother's insurer's policy, when known) or completed."""
    enp, raw = _enp(body), body.get("person")
    if not raw:
        raise ErzError("106", "person", "в записи акта нет сведений о ребёнке")
    data, act = load(PersonData, raw), body.get("birth") or {}
    if register.conn.execute(sa.select(m.persons.c.id).where(m.persons.c.enp == enp)).first():
        complete(register, enp, data, completion_reason(act))
        return
    register.create_person(enp, data, reason=newborn_reason(act), on=data.birth_date)
    if body.get("smo"):
        register.issue_policy(enp, Policy("П", enp, str(body["smo"]), data.birth_date),
                              insured_reason(act))


def after_approval(conn: Connection, decided: BufferDecidedV1) -> bool:
    """A ``zags.birth`` item decided: its act's outcome follows; whether it was one."""
    if decided.kind != KIND:
        return False
    outcome = "applied" if decided.status == "applied" else "rejected"
    conn.execute(m.zags_acts.update().where(m.zags_acts.c.buffer_id == decided.item_id)
                 .values(outcome=outcome, enp=decided.enp))
    return True


OPERATIONS.setdefault(KIND, apply_birth)
