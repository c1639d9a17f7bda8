"""A person left without СНИЛС by a ЗАГС act is looked up through ПФР; the answer sets the
СНИЛС with history, or waits for an operator (SQLite and PostgreSQL)."""

from __future__ import annotations

import dataclasses
from datetime import date

import sqlalchemy as sa

from contracts.envelope import Envelope
from contracts.erz.register import PersonData, Reason, Source
from contracts.erz_register import BufferDecidedV1
from contracts.pfr import SnilsFoundV1, SnilsLookupV1
from contracts.refusal import RequestRefusedV1
from handlers.erz.buffer import store as buffer
from handlers.erz.register import queries
from handlers.erz.register.core import Register
from handlers.erz.service import ErzHandler
from handlers.erz.zags import snils as pfr
from hub.outbox import envelope_for
from hub.testing import Worker
from storage.db import Database
from tests.handlers.erz.zags.acts_data import MOTHER, acts, handler, renamed, snils
from tests.handlers.erz.zags.conftest import INSURER, Clock, insured

NUMBER = snils("112233445")


def _asked(db: Database, clock: Clock) -> tuple[Worker[ErzHandler], str, Envelope]:
    """A married woman without СНИЛС: the register asks ПФР; the handler, her ЕНП, the ask."""
    with db.transaction() as conn:
        wife = insured(conn, 1, MOTHER, clock=clock)
    erz = handler(db, clock)
    sent = erz.call(acts(renamed(MOTHER, surname="Кузнецова")))
    [lookup] = [e for e in sent if e.type == "pfr.snils.lookup"]
    return erz, wife, lookup


def _answer(lookup: Envelope, *, surname: str = "Кузнецова", number: str = NUMBER,
            birth: date = MOTHER.birth_date) -> Envelope:
    """ПФР's answer as the СМЭВ adapter puts it on the bus: caused by the lookup."""
    return envelope_for(SnilsFoundV1(surname=surname, name="Елена", patronymic="Викторовна",
                                     birth_date=birth, sex="2", snils=number),
                        source="adapter.smev3", cause=lookup)


def test_the_answer_sets_the_snils_with_history(db: Database, clock: Clock) -> None:
    erz, wife, lookup = _asked(db, clock)
    asked = SnilsLookupV1.model_validate(lookup.payload)
    assert (asked.surname, asked.name, asked.birth_date) == ("Кузнецова", "Елена",
                                                             MOTHER.birth_date)
    sent = erz.call(_answer(lookup))
    with db.read() as conn:
        state = queries.person_as_of(conn, wife, clock.now.date())
        [change] = [c for c in queries.timeline(conn, wife) if c.op == "set_snils"]
        row = conn.execute(sa.select(pfr.lookups)).one()
    assert state.snils == NUMBER
    assert (change.reason_code, change.smo) == ("П040", INSURER)
    assert (row.status, row.snils, row.enp) == ("set", NUMBER, wife)
    assert [e.type for e in sent if e.type == "erz.person.changed"] == ["erz.person.changed"]
    # The same answer again (a redelivery) changes nothing.
    erz.call(_answer(lookup))
    with db.read() as conn:
        assert len([c for c in queries.timeline(conn, wife) if c.op == "set_snils"]) == 1


def test_a_mismatched_answer_waits_and_an_approval_sets_it(db: Database,
                                                           clock: Clock) -> None:
    erz, wife, lookup = _asked(db, clock)
    erz.call(_answer(lookup, surname="Смирнова", birth=date(1995, 3, 15)))
    with db.transaction() as conn:
        assert queries.person_as_of(conn, wife, clock.now.date()).snils is None
        [item] = buffer.pending(conn, pfr.KIND)
        assert item.why == "ответ ПФР не совпадает с ЗЛ: фамилия, дата рождения"
        assert conn.execute(sa.select(pfr.lookups.c.status)).scalar() == "buffered"
        decision = buffer.approve(conn, item.id, "olga", confirm_mismatch="ПФР не знает "
                                  "о браке; дата рождения в ПФР ошибочна", clock=clock)
    assert decision.applied
    erz.call(BufferDecidedV1(item_id=item.id, kind=pfr.KIND, status="applied", enp=wife,
                             decided_by="olga", change_ids=[c.id for c in decision.changes]))
    with db.read() as conn:
        assert queries.person_as_of(conn, wife, clock.now.date()).snils == NUMBER
        assert conn.execute(sa.select(pfr.lookups.c.status)).scalar() == "set"


def test_a_snils_another_person_holds_waits(db: Database, clock: Clock) -> None:
    erz, wife, lookup = _asked(db, clock)
    with db.transaction() as conn:
        other = insured(conn, 2, PersonData("Орлова", "Ирина", "", "2", date(1980, 1, 1)),
                        clock=clock)
        Register(conn, Source("test"), clock=clock).set_snils(other, NUMBER, date(1980, 1, 1),
                                                              Reason())
    erz.call(_answer(lookup))
    with db.read() as conn:
        [item] = buffer.pending(conn, pfr.KIND)
        assert queries.person_as_of(conn, wife, clock.now.date()).snils is None
    assert "уже есть у другого ЗЛ" in item.why


def test_a_snils_with_a_wrong_check_number_waits(db: Database, clock: Clock) -> None:
    erz, wife, lookup = _asked(db, clock)
    erz.call(_answer(lookup, number="11223344500"))
    with db.read() as conn:
        [item] = buffer.pending(conn, pfr.KIND)
        assert queries.person_as_of(conn, wife, clock.now.date()).snils is None
    assert "контрольного числа" in item.why


def test_an_answer_to_no_lookup_of_ours_changes_nothing(db: Database, clock: Clock) -> None:
    erz, wife, lookup = _asked(db, clock)
    stray = lookup.model_copy(update={"id": "not-ours"})
    sent = erz.call(_answer(stray))
    with db.read() as conn:
        assert queries.person_as_of(conn, wife, clock.now.date()).snils is None
        assert buffer.pending(conn, pfr.KIND) == []
    assert len(sent) == 0


def test_a_refusal_closes_the_lookup_not_found_and_a_later_act_asks_again(
        db: Database, clock: Clock) -> None:
    erz, wife, lookup = _asked(db, clock)
    refused = envelope_for(RequestRefusedV1(
        request_type="pfr.snils.lookup.v1", outcome="no_data",
        reason="сведения о лице не найдены", by="СМЭВ 3: pfr.snils"),
        source="adapter.smev3", cause=lookup)
    assert len(erz.call(refused)) == 0
    with db.read() as conn:
        row = conn.execute(sa.select(pfr.lookups)).one()
        state = queries.person_as_of(conn, wife, clock.now.date())
    assert (row.status, row.snils) == ("not_found", None)
    assert row.note == "ПФР: сведения не найдены (сведения о лице не найдены)"
    assert state.snils is None
    # The lookup is no longer pending: the next act leaving her without СНИЛС asks again.
    married = dataclasses.replace(MOTHER, surname="Кузнецова")
    sent = erz.call(acts(renamed(married, surname=MOTHER.surname), kind="divorce",
                         act="210240020000000000999"))
    assert [e.type for e in sent].count("pfr.snils.lookup") == 1
    # A refusal of nothing of ours (another handler's request) changes nothing.
    assert len(erz.call(envelope_for(RequestRefusedV1(
        request_type="zags.inquiry.v1", outcome="denied"), source="adapter.smev3"))) == 0
