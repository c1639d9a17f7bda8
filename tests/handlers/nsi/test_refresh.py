"""The scheduled refresh over HTTP against the simulated ФФОМС portal."""

from __future__ import annotations

import json
import urllib.request
import zipfile
from collections.abc import Iterator
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
import sqlalchemy as sa

from contracts.envelope import utcnow
from contracts.hub import JobRunV1
from handlers.nsi.check import Checker
from handlers.nsi.models import nsi_versions
from handlers.nsi.service import NsiHandler
from handlers.nsi.simulator.portal import build
from handlers.nsi.simulator.service import NsiPortalServer
from hub.settings import Settings
from hub.testing import running_hub, wait_for, worker
from storage.db import Database
from tests.conftest import Footprint, free_port
from tests.handlers.nsi.conftest import DICTS

CATALOG = DICTS.parent / "ffoms_nsi_catalog.csv"
SYNTHETIC = {"F002", "F003", "F032", "V006", "V008", "V010", "V012", "V014", "V021", "M001"}


@pytest.fixture
def portal(dicts: Path) -> Iterator[NsiPortalServer]:
    server = NsiPortalServer(build(dicts, CATALOG), port=free_port())
    server.start()
    yield server
    server.stop()


def versions(db: Database) -> set[tuple[str, str]]:
    with db.read() as conn:
        return set(conn.execute(sa.select(nsi_versions.c.code, nsi_versions.c.version)).all())


def test_the_portal_lists_and_serves_zips_as_nsi_ffoms_ru(portal: NsiPortalServer) -> None:
    with urllib.request.urlopen(f"{portal.url}/data?pageId=refbookList&containerId=refbookList"
                                "&size=110", timeout=10) as response:
        items = json.load(response)["list"]
    listed = {i["d"]["code"]: i for i in items}
    assert set(listed) == SYNTHETIC | {"V002", "V009", "F006", "N002"}
    assert listed["V009"]["user_version"] == "3.1"
    assert listed["F002"]["user_version"] == "1.2701", "the synthetic F002 has the catalogue's"
    ident, version = listed["V009"]["providerParam"].split("v")
    with urllib.request.urlopen(f"{portal.url}/refbook?type=XML&id={ident}&version={version}",
                                timeout=10) as response:
        archive = zipfile.ZipFile(BytesIO(response.read()))
    assert archive.read("V009.xml") == (DICTS / "V009.xml").read_bytes(), "served as it is"


def test_the_scheduled_refresh_takes_new_versions_only(
        db: Database, portal: NsiPortalServer) -> None:
    settings = Settings(plugins={"nsi": {"source": portal.url}})
    nsi = worker(NsiHandler, db, settings=settings).component
    first = nsi.refresh()
    assert first is not None and not first.failed
    assert {d.code for d in first.loaded} == SYNTHETIC | {"V002", "V009", "F006", "N002"}
    loaded = versions(db)
    checker = Checker(db, max_age=0)
    assert checker.valid("F002", "78001", date(2024, 6, 1))
    assert not checker.valid("F002", "78003", date(2019, 1, 1)), "insInclude/d_end 31.12.2018"
    assert not checker.valid("V006", "4", date(2019, 1, 1))

    again = nsi.refresh()
    assert again is not None and again.loaded == [] and versions(db) == loaded

    request = urllib.request.Request(f"{portal.url}/control", method="POST",
                                     data=json.dumps({"publish": "V009"}).encode())
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.load(response)["V009"] == ["3.1", "3.2"]
    third = nsi.refresh()
    assert third is not None
    assert [(d.code, d.version, d.added) for d in third.loaded] == [("V009", "3.2", True)]
    assert versions(db) == loaded | {("V009", "3.2")}
    assert checker.valid("V009", "4179", date.today()), "the row the new version added"
    assert "новых версий 1 (V009 3.2)" in (nsi.health()["last_refresh"] or "")


def test_without_a_source_the_job_does_nothing_and_says_so(db: Database) -> None:
    nsi = worker(NsiHandler, db).component
    assert nsi.refresh() is None
    assert nsi.health()["source"] == "не настроен"


def test_the_simulator_runs_in_the_hub_and_the_handler_refreshes_from_it(
        footprint: Footprint, tmp_path: Path, dicts: Path) -> None:
    port = free_port()
    settings = footprint.settings(tmp_path, plugins={
        "nsi-simulator": {"port": port, "dictionaries": str(dicts)},
        "nsi": {"source": f"http://127.0.0.1:{port}", "codes": ["V002", "F006"]}})
    with running_hub(settings, ["hub.router", "handler.nsi", "adapter.nsi-simulator"]) as hub:
        simulator = hub.process.components["adapter.nsi-simulator"]
        wait_for(lambda: simulator.health()["status"] == "ok")
        hub.publish(JobRunV1(component="handler.nsi", job="refresh",
                             schedule="handler.nsi.refresh", scheduled_for=utcnow(),
                             requested_by="oper"), destination="handler.nsi")
        loaded = wait_for(lambda: versions(hub.db) if len(versions(hub.db)) >= 2 else None,
                          timeout=60,
                          message="the refresh loaded the dictionaries")
        assert loaded == {("V002", "3.0"), ("F006", "3.1")}
        nsi = hub.process.components["handler.nsi"]
        assert nsi.health()["versions"] == 2


def test_a_broken_dictionary_on_the_portal_fails_the_job_and_the_others_load(
        db: Database, portal: NsiPortalServer) -> None:
    from datetime import date as day

    from handlers.nsi.service import RefreshIncomplete
    from handlers.nsi.simulator.portal import Published

    portal.portal.add(Published("V099", 5000, "1.0", day(2025, 1, 1), "Bad", "", "zap", [],
                                raw=b"<packet><zglv><type>Bad</type>"))
    nsi = worker(NsiHandler, db, settings=Settings(plugins={"nsi": {"source": portal.url}})
                 ).component
    with pytest.raises(RefreshIncomplete, match="V099 1.0: V099.xml: XML повреждён"):
        nsi.refresh()
    assert ("V099", "1.0") not in versions(db) and ("V009", "3.1") in versions(db)
    assert "ошибок 1" in (nsi.health()["last_refresh"] or "")


def test_an_unreachable_portal_fails_the_job_in_russian(db: Database) -> None:
    from handlers.nsi.refresh import PortalError

    source = f"http://127.0.0.1:{free_port()}"
    nsi = worker(NsiHandler, db, settings=Settings(plugins={"nsi": {"source": source}})
                 ).component
    with pytest.raises(PortalError, match="портал недоступен"):
        nsi.refresh()
    assert "не удалось — портал недоступен" in (nsi.health()["last_refresh"] or "")
