"""A ЗАГС act that changes names renames its person with history, or waits for an operator
(SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from contracts.erz.register import Document, PersonData, Reason, Source
from contracts.erz_register import BufferDecidedV1
from contracts.files import FileSendV1
from contracts.pfr import SnilsLookupV1
from handlers.erz import models as m
from handlers.erz.buffer import store as buffer
from handlers.erz.register import queries
from handlers.erz.register.core import Register
from handlers.erz.zags import names
from storage.db import Database
from tests.handlers.erz.zags.acts_data import MARRIED, MOTHER, acts, handler, renamed, snils
from tests.handlers.erz.zags.conftest import CLINIC, INSURER, Clock, insured

HUSBAND = PersonData("Кузнецов", "Павел", "Игоревич", "1", date(1993, 8, 2))


def test_a_marriage_changes_the_wifes_surname_with_history(db: Database,
                                                           clock: Clock) -> None:
    with db.transaction() as conn:
        wife = insured(conn, 1, MOTHER, clock=clock)
        husband = insured(conn, 2, HUSBAND, Document("14", "78 01", "222222"), clock=clock)
    sent = handler(db, clock).call(acts(renamed(MOTHER, surname="Кузнецова"),
                                        renamed(HUSBAND, role="husband")))
    with db.read() as conn:
        before = queries.person_as_of(conn, wife, MARRIED - timedelta(days=1))
        after = queries.person_as_of(conn, wife, MARRIED)
        [change] = [c for c in queries.timeline(conn, wife) if c.op == "change_data"]
        by_old, _ = queries.search(conn, queries.PersonFilter(surname="Смирнова"))
        by_new, _ = queries.search(conn, queries.PersonFilter(surname="Кузнецова"))
        husbands = [c.op for c in queries.timeline(conn, husband)]
        kept = conn.execute(sa.select(m.zags_acts.c.kind, m.zags_acts.c.outcome)).all()
    assert before.data is not None and before.data.surname == "Смирнова"
    assert after.data is not None and after.data.surname == "Кузнецова"
    assert change.detail == {"old": {"surname": "Смирнова"}, "new": {"surname": "Кузнецова"}}
    assert (change.reason_code, change.effective_date) == ("П061", MARRIED)
    # The act's number is personal data: the change log's free text names the act by date.
    assert change.reason_text == "заключение брака (сведения ЗАГС): запись акта от 20.05.2024"
    assert by_old == [wife] and by_new == [wife]
    assert "change_data" not in husbands
    assert [tuple(k) for k in kept] == [("marriage:wife", "applied")]
    # Told at once: the insurer's RECLIST and the clinic's PRK delta; ПФР asked for her СНИЛС.
    assert sorted(f.recipient for f in sent.of(FileSendV1)) == sorted([INSURER, CLINIC])
    assert sent.one(SnilsLookupV1).surname == "Кузнецова"


def test_a_name_change_finds_its_person_by_snils(db: Database, clock: Clock) -> None:
    number = snils("112233445")
    with db.transaction() as conn:
        person = insured(conn, 1, MOTHER, clock=clock)
        Register(conn, Source("test"), clock=clock).set_snils(person, number, MOTHER.birth_date,
                                                              Reason())
    # ЗАГС writes her name otherwise, but the СНИЛС is hers.
    typo = PersonData("Смирнова", "Алёна", "Викторовна", "2", MOTHER.birth_date)
    sent = handler(db, clock).call(acts(renamed(typo, name="Елизавета", role="person",
                                                snils_number=number), kind="name_change"))
    with db.read() as conn:
        state = queries.person_as_of(conn, person, MARRIED)
    assert state.data is not None and state.data.name == "Елизавета"
    assert sent.of(SnilsLookupV1) == []  # she has a СНИЛС


def test_namesakes_wait_for_an_operator_who_approves_onto_one(db: Database,
                                                              clock: Clock) -> None:
    with db.transaction() as conn:
        first = insured(conn, 1, MOTHER, clock=clock)
        insured(conn, 2, MOTHER, Document("14", "78 05", "333333"), clock=clock)
    erz = handler(db, clock)
    assert len(erz.call(acts(renamed(MOTHER, surname="Кузнецова")))) == 0
    with db.transaction() as conn:
        [item] = buffer.pending(conn, names.KIND)
        assert "несколько ЗЛ (2)" in item.why
        untouched = queries.person_as_of(conn, first, MARRIED).data
        assert untouched is not None and untouched.surname == "Смирнова"
        decision = buffer.approve(conn, item.id, "olga", enp=first, clock=clock)
    assert decision.applied
    sent = erz.call(BufferDecidedV1(item_id=item.id, kind=names.KIND, status="applied",
                                    enp=first, decided_by="olga",
                                    change_ids=[c.id for c in decision.changes]))
    with db.read() as conn:
        state = queries.person_as_of(conn, first, MARRIED)
        outcome = conn.execute(sa.select(m.zags_acts.c.outcome)).scalar()
    assert state.data is not None and state.data.surname == "Кузнецова"
    assert outcome == "applied"
    assert INSURER in [f.recipient for f in sent.of(FileSendV1)]
    assert sent.one(SnilsLookupV1).surname == "Кузнецова"


def test_nobody_found_waits_with_why(db: Database, clock: Clock) -> None:
    handler(db, clock).call(acts(renamed(MOTHER, surname="Кузнецова")))
    with db.read() as conn:
        [item] = buffer.pending(conn, names.KIND)
    assert "не найдено" in item.why
    assert item.payload["data"] == {"surname": "Кузнецова"}
    assert item.payload["act"]["act_kind"] == "marriage"


def test_a_repeat_is_a_duplicate_and_names_already_new_change_nothing(
        db: Database, clock: Clock) -> None:
    with db.transaction() as conn:
        wife = insured(conn, 1, MOTHER, clock=clock)
    erz = handler(db, clock)
    delivery = acts(renamed(MOTHER, surname="Кузнецова"))
    erz.call(delivery)
    with db.read() as conn:
        changes = len(queries.timeline(conn, wife))
    again = erz.call(delivery)
    # Another act (a second copy ЗАГС numbered anew) finds her by her former surname, already
    # changed: nothing to do.
    other = erz.call(acts(renamed(MOTHER, surname="Кузнецова"), act="210240020000000000999"))
    with db.read() as conn:
        assert len(queries.timeline(conn, wife)) == changes
        kept = conn.execute(sa.select(m.zags_acts.c.act_number, m.zags_acts.c.outcome)
                            .order_by(m.zags_acts.c.id)).all()
    assert len(again) == 0 and other.of(FileSendV1) == []
    assert [k.outcome for k in kept] == ["applied", "unchanged"]


def test_the_buffer_page_says_what_a_waiting_name_change_and_birth_are(
        db: Database, clock: Clock) -> None:
    from admin.privacy import Privacy
    from handlers.erz.console import proposals
    from tests.handlers.erz.zags.acts_data import birth

    erz = handler(db, clock)
    erz.call(acts(renamed(MOTHER, surname="Кузнецова")))
    erz.call(birth())
    with db.read() as conn:
        change, born = buffer.pending(conn)
    seen = Privacy(unmasked=True)
    assert proposals.kind_text(change.kind) == "смена ФИО по сведениям ЗАГС"
    assert proposals.sentence(change.kind, change.payload, seen) == (
        "Смена ФИО (фамилия): заключение брака, запись акта ЗАГС № 210240020000000000201 "
        "от 20.05.2024, с 20.05.2024")
    # A viewer without the right to personal data reads the proposal without the number.
    hidden = Privacy(unmasked=False)
    for text in (proposals.sentence(change.kind, change.payload, hidden),
                 proposals.reason_text(change.payload, hidden)):
        assert "210240020000000000201" not in text and "20.05.2024" in text
    [row] = proposals.differences(change.kind, change.payload, None, seen)
    assert (row["label"], row["proposed"]) == ("Фамилия", "Кузнецова")
    assert proposals.kind_text(born.kind) == "рождение по сведениям ЗАГС"
    assert proposals.sentence(born.kind, born.payload, seen).startswith(
        "Рождение: запись акта ЗАГС № 110240020000000000101 от 15.05.2024")
    assert proposals.source_text(born.source.component, born.source.user or "") == (
        "сведения ЗАГС (СМЭВ)")
