"""Issue 9, finding 14: a ЗАГС act record is taken once — a repeat (a redelivery, a
simulator or handler restarted) has no second effect, a changed record with the same act
is a correction — and the СМЭВ simulator remembers what was acknowledged across restarts.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from adapters.smev3.service import catalogue
from adapters.smev3.simulator.service import SimulatedSmev, SimulatorServer
from adapters.smev3.simulator.state import SimulatorState
from adapters.smev3.vs.zags_fataloiv.messages import FatalOivRequestV1
from contracts.erz.register import Source
from contracts.schemas import SchemaStore
from handlers.erz import models as m
from handlers.erz.buffer import store as buffer
from handlers.erz.register import queries
from handlers.erz.zags import deaths as zags
from hub.testing import running_hub, wait_for
from storage.db import Database
from tests.adapters.smev3.conftest import SMEV3_FIXTURES
from tests.adapters.smev3.test_exchange import _poll_now
from tests.conftest import Footprint
from tests.handlers.erz.zags.conftest import CLINIC, INSURER, db, deaths, insured, record
from tests.handlers.erz.zags.test_through_the_hub import COMPONENTS, _files

__all__ = ["db"]

NAME = "sample:zags.fataloiv"


def _take(db: Database, request: FatalOivRequestV1, message_id: str) -> list[zags.Outcome]:
    with db.transaction() as conn:
        _, outcomes = zags.process_all(conn, Source("handler.erz", "zags", message_id),
                                       deaths(request))
    return outcomes


def _count(db: Database, table: sa.Table, *where: sa.ColumnElement[bool]) -> int:
    with db.read() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)
                                .where(*where)).scalar_one())


def test_the_same_record_twice_is_applied_once(db: Database) -> None:
    with db.transaction() as conn:
        number = insured(conn, 1)
    [first] = _take(db, record(), "m-1")
    with db.read() as conn:
        changes = len(queries.timeline(conn, number))
    [again] = _take(db, record(), "m-2")
    assert (first.status, again.status) == ("applied", "duplicate")
    assert "повтор записи акта" in again.note and again.enp == number
    with db.read() as conn:
        assert len(queries.timeline(conn, number)) == changes
    assert _count(db, m.deaths) == 1 and _count(db, m.zags_acts) == 1
    assert _count(db, m.buffer) == 0


def test_an_unmatched_record_twice_waits_once(db: Database) -> None:
    [first] = _take(db, record(family="Неизвестный"), "m-1")
    [again] = _take(db, record(family="Неизвестный"), "m-2")
    assert (first.status, again.status) == ("buffered", "duplicate")
    assert again.buffer_id == first.buffer_id
    assert _count(db, m.buffer) == 1


def test_a_corrected_date_of_death_moves_the_death_and_its_closings(db: Database) -> None:
    with db.transaction() as conn:
        number = insured(conn, 1)
    _take(db, record(), "m-1")
    corrected = record(death=date(2024, 2, 25))
    corrected.records[0].version = "2"
    [out] = _take(db, corrected, "m-2")
    assert out.status == "corrected" and out.moved and "death_date" in out.note
    with db.read() as conn:
        before = queries.person_as_of(conn, number, date(2024, 2, 24))
        after = queries.person_as_of(conn, number, date(2024, 2, 25))
        ops = [c.op for c in queries.timeline(conn, number)]
        act = conn.execute(sa.select(m.zags_acts)).one()
    assert before.alive and before.policy is not None and before.attachment is not None
    assert not after.alive and after.policy is None and after.attachment is None
    assert after.death is not None and after.death.death_date == date(2024, 2, 25)
    assert "correct_death" in ops and ops.count("register_death") == 1
    assert (act.corrections, act.version, act.outcome) == (1, "2", "applied")


def test_a_corrected_name_is_noted_in_the_change_log_without_a_second_death(
        db: Database) -> None:
    with db.transaction() as conn:
        number = insured(conn, 1)
    _take(db, record(), "m-1")
    [out] = _take(db, record(family="Хабибулин"), "m-2")
    assert out.status == "corrected" and "surname" in out.note
    assert "нужна проверка" in out.note  # the corrected name no longer names the person
    with db.read() as conn:
        [entry] = [c for c in queries.timeline(conn, number) if c.op == "zags_correction"]
    assert entry.detail is not None and "surname" in entry.detail["changed"]
    assert _count(db, m.deaths) == 1


def test_a_corrected_waiting_record_revises_its_buffer_item(db: Database) -> None:
    with db.transaction() as conn:
        number = insured(conn, 1)
    [first] = _take(db, record(birth=None), "m-1")  # a partial birth date: it waits
    assert first.status == "buffered"
    [out] = _take(db, record(), "m-2")  # the full date now: it matches and applies
    assert out.status == "corrected" and out.buffer_id == first.buffer_id
    with db.read() as conn:
        item = buffer.get(conn, first.buffer_id)  # type: ignore[arg-type]
        assert not queries.person_as_of(conn, number, date(2024, 3, 1)).alive
    assert item.status == buffer.APPLIED and _count(db, m.buffer) == 1
    unmatched = _take(db, record(family="Иванов", birth=None, act="9"), "m-3")[0]
    revised = _take(db, record(family="Петров", birth=None, act="9"), "m-4")[0]
    assert revised.buffer_id == unmatched.buffer_id
    with db.read() as conn:
        [waiting] = buffer.pending(conn, zags.KIND)
    assert waiting.candidate is not None and waiting.candidate["surname"] == "Петров"
    assert "исправление записи акта" in waiting.why


@pytest.fixture
def state_path(tmp_path: Path) -> Path:
    """Where the simulated СМЭВ keeps its memory."""
    return tmp_path / "sim" / "state.json"


def _simulator(state: Path) -> SimulatorServer:
    """The simulated СМЭВ, unsigned (as tests/adapters/smev3/conftest.py's), remembering in
    ``state``."""
    smev = SimulatedSmev(catalogue(), schemas=SchemaStore(SMEV3_FIXTURES),
                         state=SimulatorState(state))
    server = SimulatorServer(smev, port=0)
    server.start()
    return server


@pytest.fixture
def simulator(state_path: Path) -> Iterator[SimulatorServer]:
    """The simulated СМЭВ with its memory in ``state_path``."""
    server = _simulator(state_path)
    yield server
    server.stop()


def _hub(footprint: Footprint, tmp: Path, server: SimulatorServer) -> Any:
    """The hub of tests/handlers/erz/zags/test_through_the_hub.py, unsigned (no GOST engine
    needed)."""
    settings = footprint.settings(tmp, schemas_dir=SMEV3_FIXTURES, plugins={
        "smev3": {"url": server.url, "types": ["zags.fataloiv"], "retry_delays": [1, 1]},
        "files": {"drops": [{
            "name": "erz", "kind": "folder", "inbound": str(tmp / "in"),
            "archive": str(tmp / "archive"), "errors": str(tmp / "errors"),
            "outbound": {INSURER: str(tmp / "out" / INSURER), CLINIC: str(tmp / "out" / CLINIC)},
            "masks": []}]}})
    (tmp / "in").mkdir(exist_ok=True)
    return running_hub(settings, COMPONENTS)


def test_a_record_sent_again_and_after_restarts_has_one_effect(
        footprint: Footprint, tmp_path: Path, simulator: SimulatorServer,
        state_path: Path) -> None:
    info = catalogue().get("zags.fataloiv")
    with _hub(footprint, tmp_path, simulator) as hub:
        with hub.db.transaction() as conn:
            number = insured(conn, 1)
        first = simulator.smev.offer_request(info, record(), name=NAME)
        again = simulator.smev.offer_request(info, record())  # ЗАГС sends it twice
        _poll_now(hub)
        wait_for(lambda: {f"sim:{first}", f"sim:{again}"} <= set(simulator.smev.answers),
                 timeout=60, message="both deliveries answered")
        assert [simulator.smev.answers[f"sim:{x}"].get("КодОбр") for x in (first, again)] \
            == ["01", "01"]
        wait_for(lambda: _files(tmp_path / "out" / CLINIC), message="the clinic's notice")
        wait_for(lambda: simulator.smev.state is not None
                 and simulator.smev.state.is_acknowledged(first), message="acknowledged")
    # The hub restarts, and so does the simulator: the acknowledged record is not re-sent;
    # ЗАГС sending it once more is recognised all the same.
    simulator.stop()
    restarted = _simulator(state_path)
    try:
        assert restarted.smev.offer_request(info, record(), name=NAME) == first
        assert all(q["waiting"] == 0 for q in restarted.smev.depth().values())
        with _hub(footprint, tmp_path, restarted) as hub:
            once_more = restarted.smev.offer_request(info, record())
            _poll_now(hub)
            wait_for(lambda: f"sim:{once_more}" in restarted.smev.answers, timeout=60,
                     message="the third delivery answered")
            wait_for(lambda: hub.count(zags.records) == 3, message="three records noted")
            with hub.db.read() as conn:
                outcomes = sorted(conn.execute(sa.select(zags.records.c.outcome)).scalars())
                deaths = conn.execute(sa.select(sa.func.count()).select_from(m.deaths)
                                      ).scalar_one()
                alive = queries.person_as_of(conn, number, date(2024, 3, 1)).alive
            assert outcomes == ["applied", "duplicate", "duplicate"]
            assert (deaths, alive) == (1, False)
            assert hub.count(m.buffer) == 0
    finally:
        restarted.stop()
    assert len(_files(tmp_path / "out" / INSURER)) == 1
    assert len(_files(tmp_path / "out" / CLINIC)) == 1


def test_an_unacknowledged_offer_goes_out_again_under_its_id(state_path: Path) -> None:
    info = catalogue().get("zags.fataloiv")
    server = _simulator(state_path)
    try:
        first = server.smev.offer_request(info, name=NAME)
    finally:
        server.stop()
    again = _simulator(state_path)
    try:
        assert again.smev.offer_request(info, name=NAME) == first
        assert sum(q["waiting"] for q in again.smev.depth().values()) == 1
    finally:
        again.stop()
