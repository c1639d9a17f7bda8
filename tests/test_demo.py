"""The embedded demo hangs together (issue 11, item 8): ``omshub up`` as a newcomer runs it.

The hub is assembled as ``omshub up`` assembles it (:func:`hub.cli.start_up`: the embedded
footprint, every installed component, the demo data of the first start). The СМЭВ 3
simulator, playing ЗАГС, reports the deaths of persons of the demo region
(:mod:`adapters.smev3.simulator.demo`) and its own two samples, planted as unmatched. The
records flow through the real adapter over HTTP into the register: every demo person's
record finds that person and registers the death, the planted ones wait in the buffer as
not found, and nothing in the journal is parked.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from adapters.smev3.simulator.demo import PLANTED, dying
from contracts.demo import DemoPersons
from contracts.envelope import utcnow
from handlers.erz import models as erz
from handlers.erz.zags.deaths import records as zags_records
from hub.cli import start_up
from hub.runtime import HubProcess
from hub.settings import load_settings
from hub.testing import reset_memory_broker, wait_for
from storage.models import dead_letters, journal_events, journal_messages, schedules
from tests.conftest import free_port

POLL = "adapter.smev3:poll"


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[HubProcess]:
    """``omshub up`` on a fresh directory, every port free."""
    reset_memory_broker()
    sim = free_port()
    settings = load_settings(env={}, data_dir=tmp_path / "var", admin_port=free_port(),
                             heartbeat_seconds=0.5, plugins={
                                 "smev3-simulator": {"port": sim, "ftp_port": free_port()},
                                 "smev3": {"url": f"http://127.0.0.1:{sim}/smev3"},
                                 "soap": {"port": free_port()}})
    process = start_up(settings)
    try:
        yield process
    finally:
        process.stop()
        reset_memory_broker()


def _poll(process: HubProcess) -> None:
    """«Опросить сейчас», as the console's button asks the scheduler."""
    with process.db.transaction() as conn:
        conn.execute(schedules.update().where(schedules.c.name == POLL)
                     .values(run_requested_at=utcnow(), updated_by="demo test"))


def _scheduled(process: HubProcess) -> bool:
    with process.db.read() as conn:
        return conn.execute(sa.select(schedules.c.name).where(
            schedules.c.name == POLL)).first() is not None


def _outcomes(process: HubProcess) -> list[sa.Row[tuple[str, str | None, str | None, int]]]:
    with process.db.read() as conn:
        return list(conn.execute(sa.select(zags_records.c.outcome, zags_records.c.enp,
                                           zags_records.c.note, zags_records.c.buffer_id)))


def test_zags_records_of_the_demo_name_its_people_and_nothing_is_parked(
        demo: HubProcess) -> None:
    region = DemoPersons.read(demo.settings.data_dir)
    assert region is not None and len(region.persons) >= 2, "the demo left its persons"
    dead = dying(region)
    expected = len(dead) + len(PLANTED)
    wait_for(lambda: _scheduled(demo), message="the scheduler knows the poll job")

    def all_taken() -> bool:
        _poll(demo)
        return len(_outcomes(demo)) >= expected

    wait_for(all_taken, timeout=90, message=f"{expected} ЗАГС records processed")
    outcomes = _outcomes(demo)
    assert len(outcomes) == expected
    applied = [r for r in outcomes if r.outcome == "applied"]
    buffered = [r for r in outcomes if r.outcome == "buffered"]
    assert len(applied) == len(dead), outcomes
    assert [r.note for r in buffered] == ["ЗЛ не найдено в регистре"] * len(PLANTED)
    assert all(r.buffer_id for r in buffered), "the planted ones wait in the buffer"
    with demo.db.read() as conn:
        registered = {row.enp for row in conn.execute(
            sa.select(erz.persons.c.enp).join(erz.deaths,
                                             erz.deaths.c.person_id == erz.persons.c.id))}
        names = {(p.surname, p.name, p.patronymic, p.birth_date) for p in conn.execute(
            sa.select(erz.person_data.c.surname, erz.person_data.c.name,
                      erz.person_data.c.patronymic, erz.person_data.c.birth_date)
            .join(erz.persons, erz.persons.c.id == erz.person_data.c.person_id)
            .where(erz.persons.c.enp.in_([r.enp for r in applied])))}
    assert registered == {r.enp for r in applied}, "each matched record registered a death"
    assert names == {(p.surname, p.name, p.patronymic, p.birth_date) for p in dead}

    # The 112-41 delivery is answered; let it travel before reading the journal.
    smev = demo.components["adapter.smev3-simulator"].server.smev  # type: ignore[attr-defined]
    wait_for(lambda: len(smev.answers) >= 2, timeout=60,
             message="the register's answers to both 112-41 deliveries reached ЗАГС")
    with demo.db.read() as conn:
        parked = conn.execute(sa.select(journal_messages.c.type, journal_events.c.detail).join(
            journal_messages, journal_messages.c.message_id == journal_events.c.message_id)
            .where(journal_events.c.status == "parked")).all()
    assert parked == [], "nothing a user would take for a fault is parked"


@pytest.mark.xfail(strict=True, reason=(
    "the embedded demo configures no files drop: the deaths the register applies send "
    "STOPLIST and ZL_DEATH files that adapter.files dead-letters ('no drop of adapter.files "
    "delivers to …'); a default drop of the demo is the files adapter's to add"))
def test_the_demo_dead_letters_nothing(demo: HubProcess) -> None:
    region = DemoPersons.read(demo.settings.data_dir)
    assert region is not None
    expected = len(dying(region)) + len(PLANTED)
    wait_for(lambda: _scheduled(demo), message="the scheduler knows the poll job")

    def all_taken() -> bool:
        _poll(demo)
        return len(_outcomes(demo)) >= expected

    wait_for(all_taken, timeout=90, message=f"{expected} ЗАГС records processed")
    smev = demo.components["adapter.smev3-simulator"].server.smev  # type: ignore[attr-defined]
    wait_for(lambda: len(smev.answers) >= 2, timeout=60, message="the answers reached ЗАГС")
    with demo.db.read() as conn:
        dead = conn.execute(sa.select(dead_letters.c.message_id, dead_letters.c.component)).all()
    assert dead == [], "nothing of the demo is dead-lettered"
