"""The daily job detaches exactly the persons turning 18 from children's clinics (fixed clock)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from contracts.erz.register import Source
from handlers.erz.mo import adulthood
from handlers.erz.register import queries
from handlers.erz.register.core import Register
from handlers.erz.service import ErzHandler
from hub.testing import running_hub, wait_for
from storage.db import Database
from storage.models import journal_messages, schedules
from tests.conftest import Footprint
from tests.handlers.erz.mo.conftest import clinic_settings, person

CHILDREN = "760101"
ADULTS = "760001"
TODAY = date(2026, 6, 1)


def _population(db: Database) -> dict[str, str]:
    since = date(2010, 1, 1)
    with db.transaction() as conn:
        return {
            "turns 18 today": person(conn, 1, date(2008, 6, 1), attached=(CHILDREN, since)),
            "turns 18 tomorrow": person(conn, 2, date(2008, 6, 2), attached=(CHILDREN, since)),
            "adult clinic": person(conn, 3, date(2008, 6, 1), attached=(ADULTS, since)),
            "missed in 2023": person(conn, 4, date(2005, 3, 15), attached=(CHILDREN, since)),
            "leap day": person(conn, 5, date(2008, 2, 29), attached=(CHILDREN, since)),
            "not attached": person(conn, 6, date(2008, 6, 1)),
        }


def _run(db: Database, today: date) -> list[str]:
    with db.transaction() as conn:
        register = Register(conn, Source("test"))
        return adulthood.detach_adults(register, [CHILDREN], today)


def test_exactly_the_persons_turning_18_are_detached_on_their_birthday(db: Database) -> None:
    people = _population(db)
    done = _run(db, TODAY)
    assert sorted(done) == sorted([people["turns 18 today"], people["missed in 2023"],
                                   people["leap day"]])
    with db.read() as conn:
        def mo(key: str, on: date) -> str | None:
            att = queries.person_as_of(conn, people[key], on).attachment
            return att.mo if att else None

        assert (mo("turns 18 today", date(2026, 5, 31)), mo("turns 18 today", TODAY)) == (
            CHILDREN, None)
        assert mo("turns 18 tomorrow", TODAY) == CHILDREN
        assert mo("adult clinic", TODAY) == ADULTS
        assert (mo("missed in 2023", date(2023, 3, 14)),
                mo("missed in 2023", date(2023, 3, 15))) == (CHILDREN, None)
        assert mo("leap day", date(2026, 2, 28)) == CHILDREN
        assert mo("leap day", date(2026, 3, 1)) is None
    assert _run(db, TODAY) == [], "a second run changes nothing"


def test_a_leap_day_baby_turns_18_on_the_first_of_march(db: Database) -> None:
    with db.transaction() as conn:
        born = person(conn, 1, date(2008, 2, 29), attached=(CHILDREN, date(2010, 1, 1)))
    assert _run(db, date(2026, 2, 28)) == []
    assert _run(db, date(2026, 3, 1)) == [born]


def test_the_scheduled_job_reads_the_children_clinics_from_settings(
        footprint: Footprint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fixed = datetime(2026, 6, 1, 1, 30, tzinfo=UTC)
    monkeypatch.setattr(ErzHandler, "clock", staticmethod(lambda: fixed))
    settings = clinic_settings(footprint, tmp_path, erz={"children_clinics": [CHILDREN]})
    with running_hub(settings, ["hub.router", "hub.scheduler", "handler.erz"]) as hub:
        people = _population(hub.db)
        name = "handler.erz:detach_adults"
        wait_for(lambda: hub.count(schedules, schedules.c.name == name), message="schedule")
        with hub.db.transaction() as conn:
            conn.execute(schedules.update().where(schedules.c.name == name)
                         .values(run_requested_at=fixed, updated_by="test"))
        wait_for(lambda: hub.count(schedules, schedules.c.name == name,
                                   schedules.c.last_status == "ok"), timeout=60,
                 message="the job ran")
        with hub.db.read() as conn:
            detached = sorted(k for k, v in people.items()
                              if queries.person_as_of(conn, v, TODAY).attachment is None)
        wait_for(lambda: hub.count(journal_messages,
                                   journal_messages.c.type == "erz.person.changed") >= 3,
                 message="the detachments published")
    assert detached == ["leap day", "missed in 2023", "not attached", "turns 18 today"]
