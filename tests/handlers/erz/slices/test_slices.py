"""A slice as of the 1st holds exactly the persons insured / attached on that day."""

from __future__ import annotations

from datetime import UTC, datetime

from contracts.erz import lists
from contracts.erz.attachment import AttachedList
from contracts.erz.files import read_file
from contracts.erz.names import parse_name
from handlers.erz.slices import monthly as slices
from storage.db import Database
from tests.handlers.erz.slices.conftest import (
    EXPECTED,
    MO_1,
    MO_2,
    ON,
    SMO_A,
    SMO_B,
    Clock,
    names,
    population,
    schemas,
    set_clock,
)

AT = datetime(2025, 2, 1, 3, 0, tzinfo=UTC)


def test_an_insurers_slice_holds_exactly_its_insured_and_validates(db: Database,
                                                                   clock: Clock) -> None:
    store = schemas()
    with db.transaction() as conn:
        enps = population(conn, set_clock(clock))
    with db.read() as conn:
        assert slices.insurers_on(conn, ON) == [SMO_B, SMO_A]
        for smo in (SMO_A, SMO_B):
            [file] = slices.slice_for(conn, "smo", smo, ON, AT, store)
            got = read_file(file.data, lists.RecordList, schemas=store)
            assert isinstance(got, lists.RecordList)
            assert names(enps, {r.insurance.enp for r in got.records}) == EXPECTED[smo]
            assert (file.recipient, got.insurer, got.count, file.count) == (
                smo, smo, len(EXPECTED[smo]), len(EXPECTED[smo]))
            assert file.name == f"{got.file_name}.xml" and parse_name(got.file_name)
            # Each person as of the 1st: the policy then (the insurer's), not a later one.
            assert {r.insurance.insurer_ogrn for r in got.records} == {"0" * 13}


def test_a_clinics_slice_holds_exactly_its_attached_one_prk_per_insurer(db: Database,
                                                                       clock: Clock) -> None:
    with db.transaction() as conn:
        enps = population(conn, set_clock(clock))
    with db.read() as conn:
        assert slices.clinics_on(conn, ON) == [MO_1, MO_2]
        files = slices.slice_for(conn, "mo", MO_1, ON, AT)
        [other] = slices.slice_for(conn, "mo", MO_2, ON, AT)
    by_insurer = {}
    for file in files:
        prk = read_file(file.data, AttachedList)
        assert isinstance(prk, AttachedList) and file.recipient == MO_1
        assert prk.header.file_name + ".xml" == file.name
        assert {p.clinic_code for p in prk.persons} == {MO_1}
        assert all(p.attached_to is None for p in prk.persons)
        by_insurer[prk.header.insurer] = names(enps, {p.enp for p in prk.persons})
    assert by_insurer == {SMO_A: {"both"}, SMO_B: {"reinsured later"}}
    prk = read_file(other.data, AttachedList)
    assert isinstance(prk, AttachedList)
    assert names(enps, {p.enp for p in prk.persons}) == EXPECTED[MO_2]
    assert other.data.startswith(b"<?xml version='1.0' encoding='windows-1251'?>")


def test_nobody_insured_means_no_file(db: Database) -> None:
    with db.read() as conn:
        assert slices.monthly(conn, AT) == []
