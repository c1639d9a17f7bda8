"""Federal changes applied (issue 13, ERZ-4; done when: "a day's federal changes are applied
with history"): the daily job asks ФЕРЗЛ (the simulator, over HTTP through adapter.ferzl)
for the changes of the days since its last run; every person an event names is asked for and
what ФЕРЗЛ says of them is applied with history — who: ФЕРЗЛ, why: the event — or waits in
the buffer: the simulator's events are the planted changes of insurer, deaths and arrivals
of 10.12.2024."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from handlers.erz import models as m
from handlers.erz.federal import changes
from handlers.erz.register import queries
from handlers.erz.service import ErzHandler
from hub.testing import TestHub, wait_for
from storage.models import journal_messages
from tests.conftest import Footprint
from tests.handlers.erz.ferzl_hub import ferzl_hub, planted

DAY = date(2024, 12, 10)
NEXT_MORNING = datetime(2024, 12, 11, 2, 0, tzinfo=UTC)


@pytest.fixture
def federal(footprint: Footprint, tmp_path: Path) -> Iterator[tuple[TestHub, Any]]:
    with ferzl_hub(footprint, tmp_path) as running:
        yield running


def _erz(hub: TestHub) -> ErzHandler:
    erz = hub.process.components["handler.erz"]
    assert isinstance(erz, ErzHandler)
    return erz


def _run(hub: TestHub) -> dict[str, Any]:
    def finished() -> dict[str, Any] | None:
        with hub.db.read() as conn:
            row = conn.execute(sa.select(changes.runs).order_by(changes.runs.c.id.desc())
                               .limit(1)).mappings().first()
        return dict(row) if row and row["state"] in (changes.DONE, changes.FAILED) else None
    found = wait_for(finished, timeout=90, message="the run of federal changes finished")
    assert found is not None
    return found


def _items(hub: TestHub, run_id: int) -> dict[str, dict[str, Any]]:
    with hub.db.read() as conn:
        rows = conn.execute(sa.select(changes.items).where(changes.items.c.run_id == run_id))
        return {r["enp"]: dict(r) for r in rows.mappings()}


def test_a_days_federal_changes_are_applied_with_history(
        federal: tuple[TestHub, Any]) -> None:
    hub, simulator = federal
    erz = _erz(hub)
    with hub.db.read() as conn:
        before = {d.enp: queries.person_as_of(conn, d.enp, DAY)
                  for d in planted(simulator, "insurer") + planted(simulator, "death")}
    erz.clock = lambda: NEXT_MORNING
    erz.ferzl_changes()
    run = _run(hub)
    assert (run["state"], run["date_from"], run["date_to"]) == (changes.DONE, DAY, DAY), \
        run["error"]
    items = _items(hub, run["id"])
    insurer, death, absent = (planted(simulator, k) for k in ("insurer", "death", "absent"))
    assert set(items) == {d.enp for d in insurer + death + absent}
    assert run["events"] == len(items)
    with hub.db.read() as conn:
        for d in insurer:
            assert items[d.enp]["status"] == changes.APPLIED, items[d.enp]["note"]
            state = queries.person_as_of(conn, d.enp, DAY)
            assert state.policy is not None and state.policy.smo == d.federal != d.regional
            assert before[d.enp].policy.smo == d.regional  # type: ignore[union-attr]
            assert items[d.enp]["status"] == changes.APPLIED
            assert "ЗСМО" in items[d.enp]["events"]
        for d in death:
            state = queries.person_as_of(conn, d.enp, DAY)
            assert state.death is not None and before[d.enp].death is None
            assert items[d.enp]["status"] == changes.APPLIED
        # The history says who and why.
        entry = queries.timeline(conn, insurer[0].enp)[-1]
        assert (entry.user, entry.reason_code) == ("ФЕРЗЛ", "П031")
        assert "ЗСМО" in (entry.reason_text or "")
        # A person only ФЕРЗЛ holds is proposed to an operator, not registered on its own.
        for d in absent:
            assert queries.find_by_enp(conn, d.enp) == []
            assert items[d.enp]["status"] == changes.BUFFERED
        proposed = conn.execute(sa.select(m.buffer.c.kind, m.buffer.c.enp).where(
            m.buffer.c.organisation == "FERZL")).all()
    assert sorted(proposed) == sorted(("issue_policy", d.enp) for d in absent)


def test_the_next_days_run_asks_from_the_day_after_and_applies_nothing_twice(
        federal: tuple[TestHub, Any]) -> None:
    hub, _ = federal
    erz = _erz(hub)
    erz.clock = lambda: NEXT_MORNING
    erz.ferzl_changes()
    first = _run(hub)
    erz.ferzl_changes()  # the same morning: that day is asked already
    with hub.db.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(changes.runs)).scalar() == 1
        logged = conn.execute(sa.select(sa.func.count()).select_from(m.changes)).scalar()
    erz.clock = lambda: datetime(2024, 12, 13, 2, 0, tzinfo=UTC)
    erz.ferzl_changes()
    second = _run(hub)
    assert second["id"] != first["id"]
    assert (second["date_from"], second["date_to"]) == (date(2024, 12, 11), date(2024, 12, 12))
    assert (second["state"], second["events"]) == (changes.DONE, 0)
    with hub.db.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(m.changes)).scalar() \
            == logged


def test_a_period_ferzl_refuses_fails_the_run_and_is_asked_again(
        federal: tuple[TestHub, Any]) -> None:
    hub, simulator = federal
    erz = _erz(hub)
    simulator.server.ferzl.controls.forbidden.add("getInsuranceStatusChangesStart")
    erz.clock = lambda: NEXT_MORNING
    erz.ferzl_changes()
    failed = _run(hub)
    assert failed["state"] == changes.FAILED and "ФЕРЗЛ не ответил" in failed["error"]
    simulator.server.ferzl.controls.forbidden.clear()
    erz.ferzl_changes()
    again = _run(hub)
    assert (again["state"], again["date_from"]) == (changes.DONE, DAY)


def test_without_ferzl_the_jobs_ask_nothing(footprint: Footprint, tmp_path: Path) -> None:
    from handlers.erz.federal.reconcile_tables import runs as reconcile_runs

    with ferzl_hub(footprint, tmp_path, erz={"ferzl": False}) as (hub, _):
        erz = _erz(hub)
        erz.clock = lambda: NEXT_MORNING
        erz.ferzl_changes()
        erz.reconcile_ferzl()
        assert hub.count(changes.runs) == 0 and hub.count(reconcile_runs) == 0
        assert hub.count(journal_messages, journal_messages.c.type == "ferzl.call") == 0


def test_a_run_that_never_got_its_answers_does_not_stop_the_next(
        federal: tuple[TestHub, Any]) -> None:
    hub, _ = federal
    erz = _erz(hub)
    with hub.db.transaction() as conn:  # a run whose call was lost (dead-lettered) two days ago
        conn.execute(changes.runs.insert().values(
            date_from=date(2024, 12, 10), date_to=date(2024, 12, 10), territory="78000",
            call_id="lost", state=changes.REQUESTED, started_by="расписание",
            started_at=NEXT_MORNING - timedelta(days=2)))
    erz.clock = lambda: NEXT_MORNING
    erz.ferzl_changes()
    again = _run(hub)
    with hub.db.read() as conn:
        lost = conn.execute(sa.select(changes.runs).where(
            changes.runs.c.call_id == "lost")).mappings().one()
    assert lost["state"] == changes.FAILED and "не ответил за 1 сут." in lost["error"]
    # Its day is asked again, and applied.
    assert (again["state"], again["date_from"], again["date_to"]) == (changes.DONE, DAY, DAY)
    assert again["events"] > 0
