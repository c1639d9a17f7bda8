"""Moving a whole district of a clinic (ERZ-8), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from contracts.erz.register import Attachment, PersonData, Reason
from handlers.erz.register import queries as q
from handlers.erz.register.errors import ErzError
from storage.db import Database
from tests.handlers.erz.register.conftest import Clock, enp, register

MO, OTHER_MO = "760101", "760102"
ON = date(2024, 3, 1)
MOVED = [enp(1), enp(2), enp(3)]
LATE, ELSEWHERE, OTHER_CLINIC, GONE = enp(4), enp(5), enp(6), enp(7)


def _clinic(db: Database, clock: Clock) -> None:
    """Three persons in district 7 of MO; others it must leave alone."""
    since = date(2020, 1, 1)
    with db.transaction() as conn:
        reg = register(conn, clock)
        for serial in range(1, 8):
            reg.create_person(enp(serial), PersonData(f"Иванов{serial}", "Иван", "", "1",
                                                      date(1980, 1, serial)))
        for person in MOVED:
            reg.attach(person, Attachment(MO, since, method="2", department="1",
                                          district="7", doctor_snils="123-456-789 64"),
                       Reason())
        reg.attach(LATE, Attachment(MO, ON, district="7"), Reason())  # begins on the day
        reg.attach(ELSEWHERE, Attachment(MO, since, district="8"), Reason())
        reg.attach(OTHER_CLINIC, Attachment(OTHER_MO, since, district="7"), Reason())
        reg.attach(GONE, Attachment(MO, since, district="7", date_detach=ON), Reason())


def test_everyone_of_the_district_moves_by_the_per_person_move(db: Database,
                                                               clock: Clock) -> None:
    _clinic(db, clock)
    with db.transaction() as conn:
        reg = register(conn, clock, user="operator1")
        moved = reg.move_district(MO, "7", "12", ON, Reason(text="перераспределение участков"),
                                  department="3")
    assert moved == MOVED
    # Each person's history is that of a move: a detach and an attach, in the change log.
    assert [(c.enp, c.op) for c in reg.changes] == [
        (p, op) for p in MOVED for op in ("detach", "attach")]
    assert {c.mo for c in reg.changes} == {MO}
    with db.read() as conn:
        for person in MOVED:
            before = q.person_as_of(conn, person, date(2024, 2, 29)).attachment
            after = q.person_as_of(conn, person, ON).attachment
            assert before is not None and before.district == "7"
            assert after is not None
            assert (after.mo, after.district, after.department, after.method,
                    after.date_attach, after.doctor_snils) == (MO, "12", "3", "2", ON, None)
            assert [c.op for c in q.timeline(conn, person)][-2:] == ["detach", "attach"]
        unchanged = {p: q.person_as_of(conn, p, ON).attachment for p in
                     (LATE, ELSEWHERE, OTHER_CLINIC)}
        assert {p: a.district if a else None for p, a in unchanged.items()} == {
            LATE: "7", ELSEWHERE: "8", OTHER_CLINIC: "7"}
        assert q.person_as_of(conn, GONE, ON).attachment is None


@pytest.mark.parametrize(("args", "code", "field"), [
    ((MO, "7", "7"), "410", "district"),
    ((MO, "9", "12"), "406", "from_district"),
    ((OTHER_MO, "8", "12"), "406", "from_district"),
    ((MO, "7", ""), "106", "district"),
    ((MO, "", "12"), "106", "from_district"),
])
def test_an_empty_or_the_same_district_is_refused_and_nothing_moves(
        db: Database, clock: Clock, args: tuple[str, str, str], code: str,
        field: str) -> None:
    _clinic(db, clock)
    with pytest.raises(ErzError) as err, db.transaction() as conn:
        register(conn, clock).move_district(*args, ON, Reason())
    assert (err.value.code, err.value.failures[0].field) == (code, field)
    with db.read() as conn:
        assert [len(q.timeline(conn, p)) for p in MOVED] == [2, 2, 2]


def test_a_refusal_of_one_person_moves_nobody(db: Database, clock: Clock) -> None:
    _clinic(db, clock)
    with pytest.raises(ErzError) as err, db.transaction() as conn:
        # The new doctor's СНИЛС is checked by each person's attach: the first one fails.
        register(conn, clock).move_district(MO, "7", "12", ON, Reason(),
                                            doctor_snils="123-456-789 00")
    assert err.value.code == "104"
    with db.read() as conn:
        districts = [q.person_as_of(conn, p, ON).attachment for p in MOVED]
    assert [a.district if a else None for a in districts] == ["7", "7", "7"]
