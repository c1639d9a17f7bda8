"""RECLIST and STOPLIST of an insurer since T: built from the register, valid against the XSDs."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from contracts.erz.files import erz_schemas, schema_errors
from contracts.erz.register import Death, Reason, Source
from contracts.schemas import SchemaStore
from handlers.erz.register.core import Register
from handlers.erz.smo import lists as smo_lists
from storage.db import Database
from tests.conftest import SHARED, unavailable
from tests.handlers.erz.smo.builders import SMO_A, SMO_B, load, people

LISTS = SHARED / "fixtures" / "ferzl" / "rs-erz-smo-exchange"
T0 = datetime(2000, 1, 1, tzinfo=UTC)


@pytest.fixture
def schemas() -> SchemaStore:
    """rt.srz's list XSDs."""
    if not (LISTS / "TargetClass.xsd").is_file():
        unavailable(f"РС ЕРЗ list schemas are not at {LISTS}")
    return erz_schemas(LISTS)


def test_reclist_and_stoplist_of_an_insurer(db: Database, schemas: SchemaStore) -> None:
    a, b, d = people(21, 22, 23)
    with db.engine.begin() as conn:
        load(conn, [(a, SMO_A), (b, SMO_B), (d, SMO_A)])
        Register(conn, Source("test")).register_death(d.enp, Death(date(2024, 11, 3)),
                                                      Reason())
    with db.engine.connect() as conn:
        rec = smo_lists.reclist_for(conn, SMO_A, T0, on=date(2024, 12, 1))
        stop = smo_lists.stoplist_for(conn, SMO_A, T0)
        assert smo_lists.stoplist_for(conn, SMO_B, T0) is None
    assert rec is not None and stop is not None
    # the dead person's policy is no longer in force: only A is the insurer's record now
    assert [r.insurance.enp for r in rec.records] == [a.enp]
    assert [(s.enp, s.reason, s.policy.stopped) for s in stop.stops] == [
        (d.enp, 2, date(2024, 11, 3))]
    assert rec.file_name.startswith("RECT76S76002_")
    assert stop.file_name.startswith("STOPT76S76002_")
    assert schema_errors(rec, schemas) == []
    assert schema_errors(stop, schemas) == []
