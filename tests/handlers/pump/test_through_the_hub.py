"""PUMP-1 end to end on both footprints: packages dropped in a clinic's folder reach
handler.pump through the files adapter; the good one is stored whole, the bad ones dropped
with it are refused each with its reason, and nothing else is lost."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from handlers.pump.intake import problems as p
from handlers.pump.models import pump_cases, pump_packages, pump_persons
from handlers.pump.synth.packages import Break, PackageSpec
from hub.testing import TestHub, running_hub, wait_for
from tests.adapters.files.conftest import poll_now
from tests.conftest import Footprint
from tests.handlers.pump.conftest import REGISTRY, entries, package

COMPONENTS = ["hub.router", "hub.scheduler", "adapter.files", "handler.pump"]
MO = "020101"


@pytest.fixture
def hub(footprint: Footprint, tmp_path: Path, schemas: object) -> Iterator[TestHub]:
    """Router, scheduler, files adapter and the ПУМП handler; the clinic's folder."""
    inbound = tmp_path / MO / "in"
    inbound.mkdir(parents=True)
    drop = {"name": f"mo-{MO}", "kind": "folder", "inbound": str(inbound),
            "archive": str(tmp_path / MO / "archive"), "errors": str(tmp_path / MO / "errors"),
            "outbound": {MO: str(tmp_path / MO / "out")}, "stable_seconds": 0.3,
            "masks": [{"pattern": "*.zip", "format": "pump.package"}], "sender": MO}
    settings = footprint.settings(tmp_path, schemas_dir=REGISTRY, plugins={
        "files": {"drops": [drop], "pass_wait_seconds": 2}})
    with running_hub(settings, COMPONENTS) as running:
        yield running


def test_a_good_package_is_stored_and_bad_ones_beside_it_refused(hub: TestHub,
                                                                 tmp_path: Path) -> None:
    inbound = tmp_path / MO / "in"
    good = PackageSpec(mo=MO, year=2024, month=3, cases=250, number="1")
    invalid = PackageSpec(mo=MO, year=2024, month=3, cases=5, number="2",
                          breaks=(Break("Z_SL/SL/DS1", "ГРИПП", record=3),))
    files = entries(package(PackageSpec(mo=MO, year=2024, month=3, cases=5, number="3")))
    alone = io.BytesIO()
    with zipfile.ZipFile(alone, "w") as zf:
        zf.writestr("HM020101T02_24033.xml", files["HM020101T02_24033.xml"])
    (inbound / "HM020101T02_24031.zip").write_bytes(package(good))
    (inbound / "HM020101T02_24032.zip").write_bytes(package(invalid))
    (inbound / "HM020101T02_24033.zip").write_bytes(alone.getvalue())
    poll_now(hub)

    wait_for(lambda: hub.count(pump_packages) >= 3, timeout=60, message="three packages")
    with hub.db.read() as conn:
        rows = {r.name: r for r in conn.execute(sa.select(pump_packages)).all()}
        cases = conn.execute(sa.select(pump_cases.c.n_zap, pump_cases.c.package_id)).all()
        persons = conn.execute(sa.select(sa.func.count()).select_from(pump_persons)).scalar()
    taken = rows["HM020101T02_24031"]
    assert (taken.status, taken.cases, taken.sender) == ("accepted", 250, MO)
    assert sorted(n for n, pid in cases if pid == taken.id) == list(range(1, 251))
    assert len(cases) == 250 and persons == taken.persons == 200
    assert rows["HM020101T02_24032"].status == "refused"
    assert rows["HM020101T02_24032"].problems[0]["code"] == p.SCHEMA
    assert "не соответствует схеме XSD" in rows["HM020101T02_24032"].reason
    assert rows["HM020101T02_24033"].problems[0]["code"] == p.CONTENT

    # The same bytes under the same name the files adapter refuses itself; the same
    # package name with other content reaches the handler and is refused as a duplicate.
    again = PackageSpec(mo=MO, year=2024, month=3, cases=250, number="1", seed=2)
    (inbound / "HM020101T02_24031.zip").write_bytes(package(again))
    poll_now(hub)
    wait_for(lambda: hub.count(pump_packages) >= 4, timeout=60, message="the duplicate")
    with hub.db.read() as conn:
        last = conn.execute(sa.select(pump_packages).order_by(pump_packages.c.id.desc())).first()
    assert last is not None and last.problems[0]["code"] == p.DUPLICATE
    assert "с тем же именем" in last.reason
    assert hub.count(pump_cases) == 250
