"""A ЗАГС birth completes the child's record or has the newborn wait for its ЕНП with the
mother's insurer; approved, the newborn is registered with history (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from contracts.erz.register import PersonData, Policy, Reason, Source
from contracts.erz_register import BufferDecidedV1
from contracts.files import FileSendV1
from contracts.pfr import SnilsLookupV1
from handlers.erz import models as m
from handlers.erz.buffer import store as buffer
from handlers.erz.register import queries
from handlers.erz.register.core import Register
from handlers.erz.zags import births
from handlers.erz.zags.snils import lookups
from storage.db import Database
from tests.handlers.erz.zags.acts_data import BORN, MOTHER, birth, handler
from tests.handlers.erz.zags.conftest import INSURER, Clock, enp, insured


def test_an_unregistered_newborn_waits_for_its_enp_with_the_mothers_insurer(
        db: Database, clock: Clock) -> None:
    with db.transaction() as conn:
        insured(conn, 1, MOTHER, clock=clock)
    sent = handler(db, clock).call(birth())
    with db.read() as conn:
        [item] = buffer.pending(conn, births.KIND)
        persons = conn.execute(sa.select(sa.func.count()).select_from(m.persons)).scalar()
    assert persons == 1 and len(sent) == 0
    assert "ЕНП присваивает ФЕРЗЛ" in item.why and f"СМО матери {INSURER}" in item.why
    assert item.payload["smo"] == INSURER and item.payload["mother_enp"] == enp(1)
    assert item.candidate is not None and item.candidate["surname"] == "Смирнов"


def test_approved_the_newborn_is_registered_insured_by_the_mothers_insurer(
        db: Database, clock: Clock) -> None:
    with db.transaction() as conn:
        insured(conn, 1, MOTHER, clock=clock)
    erz = handler(db, clock)
    erz.call(birth())
    child = enp(7)
    with db.transaction() as conn:
        [item] = buffer.pending(conn, births.KIND)
        decision = buffer.approve(conn, item.id, "olga", enp=child, clock=clock)
    assert decision.applied
    sent = erz.call(BufferDecidedV1(item_id=item.id, kind=births.KIND, status="applied",
                                    enp=child, decided_by="olga",
                                    change_ids=[c.id for c in decision.changes]))
    with db.read() as conn:
        state = queries.person_as_of(conn, child, BORN)
        history = queries.timeline(conn, child)
        act = conn.execute(sa.select(m.zags_acts)).one()
        lookup = conn.execute(sa.select(lookups)).one()
    assert state.data == PersonData("Смирнов", "Артём", "Сергеевич", "1", BORN,
                                    "г. Ярославль")
    assert state.policy is not None and (state.policy.smo, state.policy.number) == (INSURER,
                                                                                     child)
    assert [c.op for c in history] == ["create_person", "issue_policy"]
    assert history[0].reason_text == ("рождение (сведения ЗАГС): запись акта о рождении "
                                      "от 15.05.2024")
    assert (history[1].reason_code, history[1].smo) == ("П010", INSURER)
    assert (act.kind, act.outcome, act.enp) == ("birth", "applied", child)
    # The insurer gets the newborn in a RECLIST; ПФР is asked for the child's СНИЛС.
    assert [f.recipient for f in sent.of(FileSendV1)] == [INSURER]
    assert sent.of(FileSendV1)[0].file_name.startswith("REC")
    asked = sent.one(SnilsLookupV1)
    assert (asked.surname, asked.birth_date, asked.sex) == ("Смирнов", BORN, "1")
    assert (lookup.enp, lookup.status, lookup.why) == (child, "pending", "birth")


def test_a_birth_whose_mother_is_unknown_says_so_in_the_buffer(db: Database,
                                                                clock: Clock) -> None:
    handler(db, clock).call(birth())
    with db.read() as conn:
        [item] = buffer.pending(conn, births.KIND)
    assert "мать не найдена в регистре" in item.why and item.payload["smo"] is None


def test_a_child_registered_by_the_insurer_is_completed_not_duplicated(
        db: Database, clock: Clock) -> None:
    child = enp(3)
    with db.transaction() as conn:
        register = Register(conn, Source("test"), clock=clock)
        register.create_person(child, PersonData("Смирнов", "Артём", "", "1", BORN))
        register.issue_policy(child, Policy("П", child, INSURER, BORN), Reason("П010"))
    sent = handler(db, clock).call(birth())
    with db.read() as conn:
        state = queries.person_as_of(conn, child, BORN)
        persons = conn.execute(sa.select(sa.func.count()).select_from(m.persons)).scalar()
        [changed] = [c for c in queries.timeline(conn, child) if c.op == "change_data"]
        pending = buffer.pending(conn)
    assert persons == 1 and pending == []
    assert state.data is not None
    assert (state.data.patronymic, state.data.birth_place) == ("Сергеевич", "г. Ярославль")
    assert changed.detail["old"] == {"patronymic": "", "birth_place": ""}
    assert "от 15.05.2024" in (changed.reason_text or "") and "110240020000000000101" not in (
        changed.reason_text or ""), "the act by its date: its number is personal data"
    assert [f.recipient for f in sent.of(FileSendV1)] == [INSURER]
    assert sent.one(SnilsLookupV1).patronymic == "Сергеевич"


def test_a_stillbirth_is_recorded_and_a_repeat_is_a_duplicate(db: Database,
                                                               clock: Clock) -> None:
    with db.transaction() as conn:
        insured(conn, 1, MOTHER, clock=clock)
    erz = handler(db, clock)
    assert len(erz.call(birth(stillborn=True))) == 0
    erz.call(birth(act="110240020000000000102"))
    again = erz.call(birth(act="110240020000000000102"))
    with db.read() as conn:
        kept = conn.execute(sa.select(m.zags_acts.c.act_number, m.zags_acts.c.outcome)
                            .order_by(m.zags_acts.c.id)).all()
        waiting = buffer.pending(conn, births.KIND)
    assert [tuple(k) for k in kept] == [("110240020000000000101", "stillborn"),
                                        ("110240020000000000102", "buffered")]
    assert len(waiting) == 1 and len(again) == 0


def test_a_birth_act_and_a_death_act_of_one_number_do_not_collide(db: Database,
                                                                  clock: Clock) -> None:
    from handlers.erz.zags import acts

    with db.transaction() as conn:
        insured(conn, 1, MOTHER, clock=clock)
        acts.remember(conn, ("76000010", "110240020000000000101", date(2024, 5, 15)),
                      "112-41", "", "x", {}, "applied", enp(1), None, "m-0", clock())
    handler(db, clock).call(birth())
    with db.read() as conn:
        kinds = conn.execute(sa.select(m.zags_acts.c.kind).order_by(m.zags_acts.c.id))
        assert list(kinds.scalars()) == ["death", "birth"]
        assert len(buffer.pending(conn, births.KIND)) == 1
