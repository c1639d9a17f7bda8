"""The register's operations as a user of it notices them, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
from datetime import date

import pytest

from contracts.erz.register import Address, Attachment, Death, Document, Policy, Reason, Source
from handlers.erz.register import queries as q
from handlers.erz.register.core import Register
from handlers.erz.register.errors import ErzError
from handlers.erz.register.history import new_fact_id
from storage.db import Database
from tests.handlers.erz.register.conftest import ANNA, Clock, enp, register

ENP = enp(1)
SMO_A, SMO_B = "76001", "76002"


def _insured(db: Database, clock: Clock) -> None:
    with db.transaction() as conn:
        reg = register(conn, clock, user="operator1", file="OP76001_240601.xml")
        reg.create_person(ENP, ANNA, snils="112-233-445 95",
                          document=Document("14", "78 04", "123456", date(2000, 6, 1)),
                          reason=Reason("П010", "первичный выбор СМО"))
        reg.issue_policy(ENP, Policy("Э", ENP, SMO_A, date(2015, 1, 1)), Reason("П010"))
        reg.attach(ENP, Attachment("760101", date(2016, 3, 1), district="7"), Reason())


def test_state_as_of_dates_before_and_after_a_change(db: Database, clock: Clock) -> None:
    _insured(db, clock)
    with db.transaction() as conn:
        register(conn, clock).change_data(ENP, date(2021, 6, 1), Reason("П040", "брак"),
                                          surname="Петрова")
    with db.read() as conn:
        before = q.person_as_of(conn, ENP, date(2021, 5, 31))
        after = q.person_as_of(conn, ENP, date(2021, 6, 1))
        unborn = q.person_as_of(conn, ENP, date(1970, 1, 1))
    assert before.data is not None and before.data.surname == "Семёнова"
    assert after.data is not None and after.data.surname == "Петрова"
    assert after.data.birth_date == date(1980, 5, 1)
    assert after.policy is not None and after.policy.smo == SMO_A
    assert after.attachment is not None and after.attachment.district == "7"
    assert after.snils == "11223344595" and after.alive
    assert unborn.data is None and unborn.policy is None


def test_a_correction_of_the_past_keeps_the_old_value_and_later_changes(
        db: Database, clock: Clock) -> None:
    _insured(db, clock)
    with db.transaction() as conn:
        reg = register(conn, clock)
        reg.change_data(ENP, date(2021, 6, 1), Reason("П040"), surname="Петрова")
        known_before_fix = clock.now
        # The birth name was misspelt from the start: corrected, the marriage name stays.
        reg.change_data(ENP, date(1980, 5, 1), Reason(event="П17", text="ошибка ввода"),
                        surname="Семенова")
    with db.read() as conn:
        assert q.person_as_of(conn, ENP, date(2000, 1, 1)).data.surname == "Семенова"  # type: ignore[union-attr]
        assert q.person_as_of(conn, ENP, date(2022, 1, 1)).data.surname == "Петрова"  # type: ignore[union-attr]
        as_known = q.person_as_of(conn, ENP, date(2000, 1, 1), known_at=known_before_fix)
        assert as_known.data is not None and as_known.data.surname == "Семёнова"
        names = [(r["surname"], r["superseded_at"] is None)
                 for r in q.versions(conn, ENP, "person")]
    assert ("Семёнова", False) in names and ("Семенова", True) in names


def test_timeline_lists_every_change_with_who_and_why(db: Database, clock: Clock) -> None:
    _insured(db, clock)
    with db.transaction() as conn:
        Register(conn, Source("adapter.soap", user="smo-operator", message_id="m-42"),
                 clock=clock).set_snils(ENP, "123-456-789 64", date(2024, 1, 10),
                                        Reason("П040", "актуализация ПФР"))
    with db.read() as conn:
        line = q.timeline(conn, ENP)
    assert [c.op for c in line] == ["create_person", "set_snils", "set_document",
                                    "issue_policy", "attach", "set_snils"]
    assert [c.at for c in line] == sorted(c.at for c in line)
    first, last = line[0], line[-1]
    assert (first.user, first.source_file, first.reason_text) == (
        "operator1", "OP76001_240601.xml", "первичный выбор СМО")
    assert (last.component, last.user, last.source_message_id) == (
        "adapter.soap", "smo-operator", "m-42")
    assert last.detail == {"old": {"snils": "11223344595"}, "new": {"snils": "12345678964"}}
    assert last.reason_code == "П040" and last.smo == SMO_A and last.mo == "760101"


def test_death_closes_policy_and_attachment_as_of_its_date(db: Database, clock: Clock) -> None:
    _insured(db, clock)
    with db.transaction() as conn:
        register(conn, clock).register_death(ENP, Death(date(2023, 3, 3), "170012", date(
            2023, 3, 4)), Reason(event="П02", text="сведения ЗАГС"))
    with db.read() as conn:
        eve = q.person_as_of(conn, ENP, date(2023, 3, 2))
        day = q.person_as_of(conn, ENP, date(2023, 3, 3))
        ops = [c.op for c in q.timeline(conn, ENP)][-3:]
    assert eve.alive and eve.policy is not None and eve.attachment is not None
    assert eve.policy.date_stop == date(2023, 3, 3) and eve.policy.status == "stopped"
    assert not day.alive and day.death is not None and day.death.act_number == "170012"
    assert day.policy is None and day.attachment is None
    assert ops == ["register_death", "stop_policy", "detach"]
    with db.transaction() as conn, pytest.raises(ErzError) as err:
        register(conn, clock).issue_policy(ENP, Policy("Э", ENP, SMO_B, date(2023, 4, 1)),
                                           Reason("П010"))
    assert err.value.code == "304"


@pytest.mark.parametrize(("action", "code"), [
    (lambda r: r.issue_policy(ENP, Policy("Э", ENP, SMO_B, date(2020, 1, 1)), Reason()), "403"),
    (lambda r: r.attach(ENP, Attachment("760102", date(2020, 1, 1)), Reason()), "404"),
    (lambda r: r.issue_policy(ENP, Policy("Э", ENP, SMO_B, date(1979, 1, 1)), Reason()), "303"),
    (lambda r: r.issue_policy(ENP, Policy("Э", "1234", SMO_B, date(2020, 1, 1)), Reason()),
     "101"),
    (lambda r: r.issue_temporary_certificate(ENP, "12345", SMO_B, date(2020, 1, 1),
                                             date(2019, 1, 1), Reason()), "105"),
    (lambda r: r.stop_policy(ENP, date(2010, 1, 1), Reason()), "405"),
    (lambda r: r.detach(ENP, date(2010, 1, 1), Reason()), "406"),
    (lambda r: r.annul_policy(ENP, "000000000", Reason()), "408"),
    (lambda r: r.create_person(ENP, ANNA), "402"),
    (lambda r: r.stop_policy(enp(999), date(2020, 1, 1), Reason()), "401"),
    (lambda r: r.register_death(ENP, Death(date(2030, 1, 1)), Reason()), "301"),
])
def test_refusals_carry_codes_and_change_nothing(db: Database, clock: Clock, action: object,
                                                  code: str) -> None:
    _insured(db, clock)
    with db.read() as conn:
        entries = len(q.timeline(conn, ENP))
    with pytest.raises(ErzError) as err, db.transaction() as conn:
        action(register(conn, clock))  # type: ignore[operator]
    assert err.value.code == code
    with db.read() as conn:
        assert len(q.timeline(conn, ENP)) == entries


def test_reinsurance_temporary_certificate_annulment_and_moves(db: Database,
                                                                clock: Clock) -> None:
    _insured(db, clock)
    with db.transaction() as conn:
        reg = register(conn, clock)
        reg.reinsure(ENP, Policy("В", "760000123", SMO_B, date(2024, 1, 15),
                                 date(2024, 2, 28)), Reason("П034"))
        reg.move(ENP, date(2024, 2, 1), Reason(text="перераспределение участков"),
                 district="12", doctor_snils="123-456-789 64")
    with db.read() as conn:
        old = q.person_as_of(conn, ENP, date(2024, 1, 14))
        temp = q.person_as_of(conn, ENP, date(2024, 2, 28))
        lapsed = q.person_as_of(conn, ENP, date(2024, 2, 29))
    assert old.policy is not None and old.policy.smo == SMO_A
    assert temp.policy is not None and (temp.policy.policy_type, temp.policy.smo) == ("В", SMO_B)
    assert lapsed.policy is None
    assert temp.attachment is not None and temp.attachment.district == "12"
    assert old.attachment is not None and old.attachment.district == "7"
    with db.transaction() as conn:
        register(conn, clock).annul_policy(ENP, "760000123", Reason(text="выдан ошибочно"))
    with db.read() as conn:
        assert q.person_as_of(conn, ENP, date(2024, 2, 1)).policy is None
        assert q.find_by_policy(conn, "760000123") == [ENP]  # the record stays findable
    with db.transaction() as conn, pytest.raises(ErzError) as err:
        register(conn, clock).annul_policy(ENP, "760000123", Reason())
    assert err.value.code == "409"


def test_search_by_each_key(db: Database, clock: Clock) -> None:
    _insured(db, clock)
    with db.transaction() as conn:
        register(conn, clock).change_data(ENP, date(2021, 6, 1), Reason(), surname="Петрова")
    with db.read() as conn:
        assert q.find_by_enp(conn, ENP) == [ENP]
        assert q.find_by_snils(conn, "11223344595") == [ENP]
        assert q.find_by_snils(conn, "112-233-445 95") == [ENP]
        assert q.find_by_policy(conn, ENP) == [ENP]
        assert q.find_by_document(conn, "123456", "78 04", "14") == [ENP]
        assert q.find_by_names(conn, "СЕМЕНОВА", "анна", date(1980, 5, 1)) == [ENP]
        assert q.find_by_names(conn, "петрова", "Анна", date(1980, 5, 1), "петровна") == [ENP]
        assert q.find_by_names(conn, "Петрова", "Анна", date(1980, 5, 2)) == []
        assert q.find_by_snils(conn, "12345678964") == []


def test_changes_since_for_an_insurer_and_a_clinic(db: Database, clock: Clock) -> None:
    _insured(db, clock)
    since = clock()  # later than every change so far
    with db.transaction() as conn:
        reg = register(conn, clock)
        reg.reinsure(ENP, Policy("Э", ENP, SMO_B, date(2024, 5, 1)), Reason("П031"))
        reg.set_address(ENP, Address("reg", "г. Ярославль, ул. Свободы, д. 1"),
                        date(2024, 5, 20), Reason())
    with db.read() as conn:
        to_a = q.changes_since(conn, since, smo=SMO_A)
        to_b = q.changes_since(conn, since, smo=SMO_B)
        to_mo = q.changes_since(conn, since, mo="760101")
        nothing = q.changes_since(conn, clock())
    assert [c.op for c in to_a] == ["stop_policy"]
    assert [c.op for c in to_b] == ["issue_policy", "set_address"]
    assert [c.op for c in to_mo] == ["set_address"]
    assert nothing == []


def test_fact_ids_are_unique_and_follow_the_time_they_were_made() -> None:
    made = [new_fact_id() for _ in range(200_000)]
    assert len(set(made)) == len(made)  # two policies never share the history of one
    assert all(len(x) == 32 and int(x, 16) >= 0 for x in made[:1000])
    stamps = [int(x[:12], 16) for x in made]
    assert stamps == sorted(stamps)  # a later fact sorts after: the index grows at its end


def test_a_forked_process_makes_other_fact_ids_than_its_parent() -> None:
    # production runs components as processes; a child must not repeat its parent's ids
    read, write = os.pipe()
    child = os.fork()
    if child == 0:
        os.write(write, new_fact_id()[12:].encode())
        os._exit(0)
    os.waitpid(child, 0)
    assert os.read(read, 64).decode() != new_fact_id()[12:]
