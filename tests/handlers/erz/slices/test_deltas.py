"""A delta since T holds exactly the persons of the organisation's changes after T."""

from __future__ import annotations

from datetime import date, timedelta

from contracts.erz import lists
from contracts.erz.attachment import AttachedList
from contracts.erz.files import read_file
from contracts.erz.register import Policy, Reason
from handlers.erz.slices import monthly as slices
from storage.db import Database
from tests.handlers.erz.register.conftest import register
from tests.handlers.erz.slices.conftest import (
    MO_1,
    MO_2,
    SMO_A,
    SMO_B,
    Clock,
    names,
    population,
    schemas,
    set_clock,
)


def test_a_delta_holds_exactly_the_changes_after_t(db: Database, clock: Clock) -> None:
    store = schemas()
    with db.transaction() as conn:
        enps = population(conn, set_clock(clock))
    since = clock.now + timedelta(seconds=1)
    with db.transaction() as conn:
        reg = register(conn, clock)
        reg.change_data(enps["both"], date(2025, 1, 25), Reason("П034"), surname="Новикова")
        reg.detach(enps["stays"], date(2025, 1, 25), Reason())
        reg.reinsure(enps["attached later"], Policy("Э", enps["attached later"], SMO_A,
                                                    date(2025, 1, 25)), Reason("П010"))
    until = clock.now + timedelta(seconds=1)
    with db.read() as conn:
        [rec] = slices.delta_for(conn, "smo", SMO_A, since, until, store)
        # Who left SMO_B is in its STOPLIST, not in a RECLIST of people it no longer insures.
        assert slices.delta_for(conn, "smo", SMO_B, since, until, store) == []
        mo1 = slices.delta_for(conn, "mo", MO_1, since, until)
        [mo2] = slices.delta_for(conn, "mo", MO_2, since, until)
        everything = slices.delta_for(conn, "smo", SMO_A, since - timedelta(days=1), until,
                                      store)
    got = read_file(rec.data, lists.RecordList, schemas=store)
    assert isinstance(got, lists.RecordList)
    assert names(enps, {r.insurance.enp for r in got.records}) == {"both", "attached later"}
    assert {r.person.family_name for r in got.records} >= {"Новикова"}
    assert (got.period_start, got.period_end) == (since, until)
    [prk] = [read_file(f.data, AttachedList) for f in mo1]
    assert isinstance(prk, AttachedList)
    assert names(enps, {p.enp for p in prk.persons}) == {"both"}
    detached = read_file(mo2.data, AttachedList)
    assert isinstance(detached, AttachedList)
    [gone] = detached.persons
    assert (gone.enp, gone.attached_to) == (enps["stays"], date(2025, 1, 25))
    # Since a day earlier, the whole population's changes for SMO_A.
    [whole] = everything
    assert whole.count > got.count
