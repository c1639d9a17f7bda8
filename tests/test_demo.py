"""The embedded demo hangs together (issue 11, item 8): ``omshub up`` as a newcomer runs it.

The hub is assembled as ``omshub up`` assembles it (:func:`hub.cli.start_up`: the embedded
footprint, every installed component, the demo data of the first start). The СМЭВ 3
simulator, playing ЗАГС, reports the deaths of persons of the demo region
(:mod:`adapters.smev3.simulator.demo`) and its own two samples, planted as unmatched. The
records flow through the real adapter over HTTP into the register: every demo person's
record finds that person and registers the death, the planted ones wait in the buffer as
not found, and nothing in the journal is parked.

The register's answers to the region's insurers and clinics (STOPLIST, ZL_DEATH, FLK_P…)
land in the demo's file exchange (``var/exchange/<code>/out``, :mod:`adapters.files.demo`)
instead of being dead-lettered, and an OPLIST a newcomer drops into an insurer's ``in``
folder is processed and answered there.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from adapters.smev3.simulator.demo import PLANTED, dying
from contracts.demo import EXCHANGE, DemoPersons
from contracts.envelope import utcnow
from handlers.erz import models as erz
from handlers.erz.zags.deaths import records as zags_records
from hub.runtime import HubProcess
from hub.testing import wait_for
from storage.models import dead_letters, journal_events, journal_messages, schedules
from tests.demo_kit import newcomers_oplist, running_demo

POLL = "adapter.smev3:poll"
FILES_POLL = "adapter.files:poll"
INSURER = "76002"
STEM = f"OPS{INSURER}T76_2612071"


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[HubProcess]:
    """``omshub up`` on a fresh directory, every port free."""
    with running_demo(tmp_path / "var") as process:
        yield process


def _poll(process: HubProcess, job: str = POLL) -> None:
    """«Опросить сейчас», as the console's button asks the scheduler."""
    with process.db.transaction() as conn:
        conn.execute(schedules.update().where(schedules.c.name == job)
                     .values(run_requested_at=utcnow(), updated_by="demo test"))


def _scheduled(process: HubProcess, job: str = POLL) -> bool:
    with process.db.read() as conn:
        return conn.execute(sa.select(schedules.c.name).where(
            schedules.c.name == job)).first() is not None


def _sends(process: HubProcess) -> dict[str, set[str]]:
    """Each files.send of the journal with the statuses of its trail."""
    with process.db.read() as conn:
        rows = conn.execute(sa.select(journal_messages.c.message_id, journal_events.c.status)
                            .join(journal_events, journal_events.c.message_id
                                  == journal_messages.c.message_id)
                            .where(journal_messages.c.type == "files.send")).all()
    trails: dict[str, set[str]] = {}
    for row in rows:
        trails.setdefault(row.message_id, set()).add(row.status)
    return trails


def _out_files(data_dir: Path) -> set[str]:
    """What the demo's organisations find in their out folders, as ``<code>/<name>``."""
    return {f"{p.parent.parent.name}/{p.name}"
            for p in (data_dir / EXCHANGE).glob("*/out/*") if not p.name.startswith(".")}


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

    def sends_settled() -> bool:
        trails = _sends(demo)
        return bool(trails) and all({"delivered", "dead"} & t for t in trails.values())

    wait_for(sends_settled, timeout=60, message="the register's files delivered or given up")
    with demo.db.read() as conn:
        dead = conn.execute(sa.select(dead_letters.c.message_id, dead_letters.c.component)).all()
    assert dead == [], "nothing of the demo is dead-lettered"
    out = _out_files(demo.settings.data_dir)
    assert len(out) == len(_sends(demo)), "every file the register sent is in an out folder"
    # Each in the folder of the organisation its name addresses: an insurer's STOPLIST
    # (STOPT76S<СМО>_…), a clinic's notice of deaths (UMRT76M<МО>_…).
    for name in out:
        code, file_name = name.split("/")
        assert (f"T76S{code}_" in file_name if len(code) == 5
                else f"T76M{code}_" in file_name), out
    assert {len(n.split("/")[0]) for n in out} == {5, 6}, "insurers and clinics answered"


def test_an_oplist_dropped_into_an_insurers_folder_is_answered_in_its_out_folder(
        demo: HubProcess) -> None:
    folder = demo.settings.data_dir / EXCHANGE / INSURER
    assert (folder / "in").is_dir(), "the demo set up the insurer's exchange folders"
    wait_for(lambda: _scheduled(demo, FILES_POLL), message="the scheduler knows the files poll")
    # As a newcomer's file manager would: copied under another name, then renamed.
    (folder / "in" / f"{STEM}.xml.part").write_bytes(newcomers_oplist(STEM, INSURER, 23))
    (folder / "in" / f"{STEM}.xml.part").rename(folder / "in" / f"{STEM}.xml")
    answer = folder / "out" / f"F{STEM}.xml"

    def answered() -> bool:
        _poll(demo, FILES_POLL)
        return answer.is_file()

    wait_for(answered, timeout=90, message=f"{answer.name} in the insurer's out folder")
    assert b"FLK_P" in answer.read_bytes()
    assert not (folder / "in" / f"{STEM}.xml").exists(), "taken out of the inbound folder"
    assert [p.name for p in (folder / "archive").rglob("*.xml")] == [f"{STEM}.xml"]
    assert list((folder / "errors").iterdir()) == []
