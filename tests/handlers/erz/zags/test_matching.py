"""A ЗАГС death record finds its person or waits for an operator (on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from adapters.smev3.vs.zags_fataloiv.messages import FatalOivRequestV1
from contracts.erz.register import Document, PersonData, Source
from contracts.zags import DeathRecordsProcessedV1
from handlers.erz.buffer import store as buffer
from handlers.erz.register import queries
from handlers.erz.zags import deaths as zags
from hub.testing import worker
from storage.db import Database
from tests.handlers.erz.zags.conftest import deaths, insured, on_the_bus, record

SOURCE = Source("handler.erz", user="zags", message_id="m-1")


def _process(db: Database, *requests: FatalOivRequestV1) -> list[zags.Outcome]:
    with db.transaction() as conn:
        _, outcomes = zags.process_all(conn, SOURCE, deaths(*requests))
    return outcomes


def test_one_match_closes_policy_and_attachment_as_of_the_date_of_death(db: Database) -> None:
    with db.transaction() as conn:
        number = insured(conn, 1)
    [outcome] = _process(db, record())
    assert (outcome.status, outcome.enp) == ("applied", number)
    with db.read() as conn:
        before = queries.person_as_of(conn, number, date(2024, 2, 25))
        after = queries.person_as_of(conn, number, date(2024, 2, 26))
        kept = conn.execute(sa.select(zags.records)).one()
    assert before.policy is not None and before.attachment is not None and before.alive
    assert before.policy.date_stop == date(2024, 2, 26)
    assert after.policy is None and after.attachment is None and not after.alive
    assert after.death is not None and after.death.act_number == "170240020000123456789"
    assert (kept.outcome, kept.enp) == ("applied", number)


def test_an_unmatched_record_waits_in_the_buffer(db: Database) -> None:
    with db.transaction() as conn:
        number = insured(conn, 1)
    [outcome] = _process(db, record(family="Неизвестный"))
    assert outcome.status == "buffered"
    with db.read() as conn:
        [item] = buffer.pending(conn, zags.KIND)
        assert queries.person_as_of(conn, number, date(2024, 3, 1)).alive
    assert item.enp is None and "не найдено" in item.why
    assert item.candidate is not None and item.candidate["surname"] == "Неизвестный"
    assert item.payload["death"]["death_date"] == "2024-02-26"


def test_namesakes_are_told_apart_by_the_document_or_wait(db: Database) -> None:
    twin = Document("14", "80 05", "654321", date(2005, 1, 1))
    with db.transaction() as conn:
        first = insured(conn, 1)
        second = insured(conn, 2, document=twin)
    [by_document] = _process(db, record(document="80 05 654321"))
    assert (by_document.status, by_document.enp) == ("applied", second)
    with db.transaction() as conn:
        insured(conn, 3, document=Document("14", "80 07", "111111", date(2007, 1, 1)))
    [ambiguous] = _process(db, record(document=None, act="2"))
    assert ambiguous.status == "buffered"
    with db.read() as conn:
        [item] = buffer.pending(conn, zags.KIND)
        assert queries.person_as_of(conn, first, date(2024, 3, 1)).alive
    assert "несколько" in item.why


def test_an_operator_names_the_person_of_a_waiting_record(db: Database) -> None:
    with db.transaction() as conn:
        number = insured(conn, 1, PersonData("Хабибуллин", "Рамиль", "", "1",
                                             date(1940, 7, 3)))
    _process(db, record(birth=date(1940, 7, 4)))
    with db.transaction() as conn:
        [item] = buffer.pending(conn, zags.KIND)
        # The record's birth date and patronymic differ: the operator confirms why.
        decision = buffer.approve(conn, item.id, "olga", enp=number,
                                  confirm_mismatch="дата рождения в записи акта ошибочна")
    assert decision.applied
    assert [x.field for x in decision.mismatches] == ["patronymic", "birth_date"]
    with db.read() as conn:
        assert not queries.person_as_of(conn, number, date(2024, 3, 1)).alive


def test_a_person_already_dead_is_left_as_is_and_the_record_noted(db: Database) -> None:
    with db.transaction() as conn:
        number = insured(conn, 1)
    _process(db, record())
    with db.read() as conn:
        changes = len(queries.timeline(conn, number))
    [again] = _process(db, record(death=date(2024, 2, 27), act="3"))
    assert again.status == "already_dead" and "2024-02-26" in again.note
    with db.read() as conn:
        assert len(queries.timeline(conn, number)) == changes
        assert buffer.pending(conn) == []
        outcomes = conn.execute(sa.select(zags.records.c.outcome)
                                .order_by(zags.records.c.id)).scalars().all()
    assert outcomes == ["applied", "already_dead"]


def test_a_partial_date_of_death_waits_in_the_buffer(db: Database) -> None:
    from adapters.smev3.vs.zags_fataloiv.messages import PartialDate

    with db.transaction() as conn:
        number = insured(conn, 1)
    partial = record(death=None)
    partial.records[0].registered.deceased.death_date_partial = PartialDate(year="2024",
                                                                            month=2)
    [outcome] = _process(db, partial)
    assert outcome.status == "buffered" and "неполная" in outcome.note
    with db.read() as conn:
        assert queries.person_as_of(conn, number, date(2024, 3, 1)).alive


def test_a_112_04_record_is_applied_the_same_way(db: Database) -> None:
    from adapters.smev3.service import catalogue
    from adapters.smev3.vs.zags_fatal.mapping import canonical
    from adapters.smev3.vs.zags_fatal.messages import FatalRequestV1

    request = catalogue().get("zags.fatal").sample_request()
    assert isinstance(request, FatalRequestV1)
    with db.transaction() as conn:
        number = insured(conn, 1, PersonData("Сидорова", "Анна", "Ивановна", "2",
                                             date(1941, 5, 9)))
        _, [outcome] = zags.process_all(conn, SOURCE, zags.from_delivery(canonical(request)))
    assert (outcome.status, outcome.enp, outcome.record.schema) == ("applied", number,
                                                                    "112-04")
    with db.read() as conn:
        state = queries.person_as_of(conn, number, date(2024, 2, 26))
    assert state.policy is None and state.attachment is None and not state.alive


def test_the_register_answers_a_delivery_that_expects_an_answer_and_no_other(
        db: Database) -> None:
    from handlers.erz.service import ErzHandler

    handler = worker(ErzHandler, db)
    # Nobody to match: the record waits in the buffer, and the delivery is processed all the same.
    delivery = on_the_bus(record(family="Неизвестный"))  # 112-41: ЗАГС expects the code
    sent = handler.call(delivery, source="adapter.smev3")
    assert sent.one(DeathRecordsProcessedV1) == DeathRecordsProcessedV1(
        delivery_id=delivery.delivery_id, code="01")
    one_way = delivery.model_copy(update={"answer_expected": False, "source_format": "112-04"})
    assert len(handler.call(one_way, source="adapter.smev3")) == 0
    with db.read() as conn:
        kept = conn.execute(sa.select(zags.records.c.schema, zags.records.c.outcome)
                            .order_by(zags.records.c.id)).all()
    assert [tuple(k) for k in kept] == [("112-41", "buffered"), ("112-04", "duplicate")]
