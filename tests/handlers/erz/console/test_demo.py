"""The small region ``omshub up`` loads on its first start (``omshub.demo``)."""

from __future__ import annotations

from importlib.metadata import entry_points

from handlers.erz.demo import DEMO_PERSONS, DEMO_SEED, load_region
from handlers.erz.register import queries
from handlers.erz.synth.population import person
from hub.settings import Settings
from storage.db import Database


def test_the_demo_region_loads_once_and_the_same_people_every_time(db: Database) -> None:
    assert "erz" in {ep.name for ep in entry_points(group="omshub.demo")}
    assert str(DEMO_PERSONS) in load_region(db, Settings())
    assert "nothing loaded" in load_region(db, Settings())  # never twice
    first = person(0, seed=DEMO_SEED)
    with db.read() as conn:
        assert queries.find_by_snils(conn, first.snils) == [first.enp]
        assert queries.person_as_of(conn, first.enp, first.policy.date_begin).policy is not None
