"""The small region ``omshub up`` loads on its first start (``omshub.demo``)."""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path

from contracts.demo import DemoPersons
from handlers.erz.demo import DEMO_PERSONS, DEMO_SEED, load_region
from handlers.erz.register import queries
from handlers.erz.synth.population import person
from hub.settings import Settings
from storage.db import Database


def test_the_demo_region_loads_once_and_the_same_people_every_time(db: Database,
                                                                    tmp_path: Path) -> None:
    assert "erz" in {ep.name for ep in entry_points(group="omshub.demo")}
    settings = Settings(data_dir=tmp_path)
    assert str(DEMO_PERSONS) in load_region(db, settings)
    assert "nothing loaded" in load_region(db, settings)  # never twice
    # The persons it leaves for the simulators are people of the register.
    region = DemoPersons.read(tmp_path)
    assert region is not None and region.persons
    with db.read() as conn:
        for p in region.persons:
            assert len(queries.find_by_names(conn, p.surname, p.name, p.birth_date,
                                             p.patronymic)) == 1
            assert len(queries.find_by_snils(conn, p.snils)) == 1
    first = person(0, seed=DEMO_SEED)
    with db.read() as conn:
        assert queries.find_by_snils(conn, first.snils) == [first.enp]
        assert queries.person_as_of(conn, first.enp, first.policy.date_begin).policy is not None
