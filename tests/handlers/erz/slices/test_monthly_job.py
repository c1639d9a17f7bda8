"""The monthly job delivers every organisation's slice into its folder through the hub:
insurers and one clinic by the files adapter, a ViPNet abonent clinic by ViPNet mail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from contracts.erz import lists
from contracts.erz.attachment import AttachedList
from contracts.erz.files import read_file
from handlers.erz.service import ErzHandler
from hub import progress
from hub.testing import running_hub, wait_for
from storage.models import schedules
from tests.conftest import Footprint
from tests.handlers.erz.slices.conftest import (
    EXPECTED,
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

COMPONENTS = ["hub.router", "hub.scheduler", "adapter.files", "adapter.vipnet", "handler.erz"]
JOB = "handler.erz:monthly_slices"
FIRST = datetime(2025, 2, 1, 3, 0, tzinfo=UTC)


def _settings(tmp: Path) -> object:
    (tmp / "in").mkdir()
    drop = {"name": "orgs", "kind": "folder", "inbound": str(tmp / "in"),
            "archive": str(tmp / "archive"), "errors": str(tmp / "errors"),
            "outbound": {code: str(tmp / "out" / code) for code in (SMO_A, SMO_B, MO_1)},
            "stable_seconds": 0.5, "masks": []}
    vipnet = {"root": str(tmp / "share"), "stable_seconds": 0.5, "pass_wait_seconds": 3,
              "abonents": [{"organisation": MO_2, "inbound": f"from_MO/{MO_2}",
                            "outbound": f"to_MO/{MO_2}"}]}
    fp = Footprint("embedded", "memory://", f"sqlite:///{tmp / 'hub.db'}")
    return fp.settings(tmp, plugins={"files": {"drops": [drop], "pass_wait_seconds": 3},
                                     "vipnet": vipnet})


def _files_in(folder: Path, count: int) -> Callable[[], bool]:
    return lambda: folder.is_dir() and len(list(folder.glob("*.xml"))) >= count


def test_the_job_sends_each_organisation_its_slice(tmp_path: Path, clock: Clock,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    store = schemas()
    monkeypatch.setattr(ErzHandler, "clock", staticmethod(lambda: FIRST))
    folders = {SMO_A: tmp_path / "out" / SMO_A, SMO_B: tmp_path / "out" / SMO_B,
               MO_1: tmp_path / "out" / MO_1, MO_2: tmp_path / "share" / "to_MO" / MO_2}
    with running_hub(_settings(tmp_path), COMPONENTS) as hub:  # type: ignore[arg-type]
        with hub.db.transaction() as conn:
            enps = population(conn, set_clock(clock))
        wait_for(lambda: hub.count(schedules, schedules.c.name == JOB), message="schedule")
        with hub.db.transaction() as conn:
            conn.execute(schedules.update().where(schedules.c.name == JOB)
                         .values(run_requested_at=FIRST, updated_by="test"))
        expected = {SMO_A: 1, SMO_B: 1, MO_1: 2, MO_2: 1}
        for code, count in expected.items():
            wait_for(_files_in(folders[code], count), timeout=60,
                     message=f"{count} files for {code}")
        # its progress, as «Выполнение» shows it: every organisation done
        wait_for(lambda: any(t.state == "finished" for t in progress.recent(hub.db)),
                 message="the job's progress finished")
        [task] = progress.recent(hub.db, kind="job")
        assert task.title == "Ежемесячный срез регистра для СМО и МО"
        assert (task.done, task.total) == (4, 4) and task.component == "handler.erz"
        assert task.outcome == "Срезы отправлены организациям: 4"
    found = {code: sorted(folders[code].glob("*.xml")) for code in folders}
    assert {code: len(files) for code, files in found.items()} == expected
    for smo in (SMO_A, SMO_B):
        [path] = found[smo]
        rec = read_file(path.read_bytes(), lists.RecordList, schemas=store)
        assert isinstance(rec, lists.RecordList) and path.name.startswith(f"RECT76S{smo}_2502")
        assert names(enps, {r.insurance.enp for r in rec.records}) == EXPECTED[smo]
    for mo in (MO_1, MO_2):
        attached = set()
        for path in found[mo]:
            prk = read_file(path.read_bytes(), AttachedList)
            assert isinstance(prk, AttachedList) and path.name.startswith(f"PRKT76M{mo}_2502")
            attached |= {p.enp for p in prk.persons}
        assert names(enps, attached) == EXPECTED[mo]


def test_the_daily_job_sends_each_insurer_its_changes_and_stops(
        tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    job, night = "handler.erz:daily_deltas", datetime(2025, 1, 26, 2, 0, tzinfo=UTC)
    monkeypatch.setattr(ErzHandler, "clock", staticmethod(lambda: night))
    folder = tmp_path / "out" / SMO_A
    with running_hub(_settings(tmp_path), COMPONENTS) as hub:  # type: ignore[arg-type]
        with hub.db.transaction() as conn:
            enps = population(conn, set_clock(clock))  # recorded the day before
        wait_for(lambda: hub.count(schedules, schedules.c.name == job), message="schedule")
        with hub.db.transaction() as conn:
            conn.execute(schedules.update().where(schedules.c.name == job)
                         .values(run_requested_at=night, updated_by="test"))
        wait_for(_files_in(folder, 2), timeout=60, message="RECLIST and STOPLIST")
    by_kind = {p.name[:4]: read_file(p.read_bytes(), schemas=schemas())
               for p in folder.glob("*.xml")}
    assert sorted(by_kind) == ["RECT", "STOP"]
    stops = by_kind["STOP"]
    assert isinstance(stops, lists.StopList)
    assert names(enps, {s.enp for s in stops.stops}) == {"stopped"}
