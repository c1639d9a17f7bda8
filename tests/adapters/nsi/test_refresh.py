"""The scheduled refresh over HTTP against the simulated ФФОМС portal: ``adapter.nsi``
publishes each new version with its zip, ``handler.nsi`` loads it."""

from __future__ import annotations

import json
import urllib.request
import zipfile
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
import sqlalchemy as sa

from adapters.nsi.portal import PortalError
from adapters.nsi.service import NsiAdapter, Report
from adapters.nsi.simulator.portal import Published
from adapters.nsi.simulator.service import NsiPortalServer
from contracts.envelope import utcnow
from contracts.hub import JobRunV1
from contracts.nsi import NsiVersionPublishedV1
from handlers.nsi.check import Checker
from handlers.nsi.models import nsi_versions
from handlers.nsi.service import NsiHandler
from hub.component import PermanentError
from hub.settings import Settings
from hub.testing import Worker, running_hub, wait_for, worker
from storage.db import Database
from tests.conftest import Footprint, free_port
from tests.handlers.nsi.conftest import DICTS

SYNTHETIC = {"F002", "F003", "F032", "V006", "V008", "V010", "V012", "V014", "V021", "M001"}
ALL = SYNTHETIC | {"V002", "V009", "F006", "N002"}


def versions(db: Database) -> set[tuple[str, str]]:
    with db.read() as conn:
        return set(conn.execute(sa.select(nsi_versions.c.code, nsi_versions.c.version)).all())


def pair(db: Database, source: str | None) -> tuple[NsiAdapter, Worker[NsiHandler]]:
    """adapter.nsi pointed at ``source`` and handler.nsi, on one migrated database."""
    settings = Settings(plugins={"nsi": {"source": source}} if source else {})
    adapter = worker(NsiAdapter, db, settings=settings, migrate=True).component
    return adapter, worker(NsiHandler, db)


def deliver(handler: Worker[NsiHandler], report: Report | None) -> dict[str, str]:
    """Hand each published message to the handler as the router would; the refusals."""
    refused = {}
    for envelope in report.published if report else []:
        try:
            handler.call(envelope)
        except PermanentError as exc:
            refused[envelope.payload["code"]] = str(exc)
    return refused


def test_the_portal_lists_and_serves_zips_as_nsi_ffoms_ru(portal: NsiPortalServer) -> None:
    with urllib.request.urlopen(f"{portal.url}/data?pageId=refbookList&containerId=refbookList"
                                "&size=110", timeout=10) as response:
        items = json.load(response)["list"]
    listed = {i["d"]["code"]: i for i in items}
    assert set(listed) == ALL
    assert listed["V009"]["user_version"] == "3.1"
    assert listed["F002"]["user_version"] == "1.2701", "the synthetic F002 has the catalogue's"
    ident, version = listed["V009"]["providerParam"].split("v")
    with urllib.request.urlopen(f"{portal.url}/refbook?type=XML&id={ident}&version={version}",
                                timeout=10) as response:
        archive = zipfile.ZipFile(BytesIO(response.read()))
    assert archive.read("V009.xml") == (DICTS / "V009.xml").read_bytes(), "served as it is"


def test_the_scheduled_refresh_takes_new_versions_only(
        db: Database, portal: NsiPortalServer) -> None:
    adapter, handler = pair(db, portal.url)
    first = adapter.refresh()
    assert first is not None and not first.failed
    assert {e.payload["code"] for e in first.published} == ALL
    v009 = next(e for e in first.published if e.payload["code"] == "V009")
    published = NsiVersionPublishedV1.model_validate(v009.payload)
    assert published.file(v009).size == published.size and published.issued is not None
    assert deliver(handler, first) == {}
    loaded = versions(db)
    assert {code for code, _ in loaded} == ALL
    checker = Checker(db, max_age=0)
    assert checker.valid("F002", "78001", date(2024, 6, 1))
    assert not checker.valid("F002", "78003", date(2019, 1, 1)), "insInclude/d_end 31.12.2018"
    assert not checker.valid("V006", "4", date(2019, 1, 1))

    again = adapter.refresh()
    assert again is not None and again.published == [] and versions(db) == loaded

    request = urllib.request.Request(f"{portal.url}/control", method="POST",
                                     data=json.dumps({"publish": "V009"}).encode())
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.load(response)["V009"] == ["3.1", "3.2"]
    third = adapter.refresh()
    assert third is not None and third.versions == ["V009 3.2"]
    assert deliver(handler, third) == {}
    assert versions(db) == loaded | {("V009", "3.2")}
    assert checker.valid("V009", "4179", date.today()), "the row the new version added"
    assert "новых версий 1 (V009 3.2)" in (adapter.health()["last_refresh"] or "")
    assert "V009 3.2" in (handler.component.health()["last_loaded"] or "")


def test_a_version_delivered_twice_is_loaded_once(db: Database, portal: NsiPortalServer) -> None:
    adapter, handler = pair(db, portal.url)
    report = adapter.refresh()
    assert report is not None
    v002 = next(e for e in report.published if e.payload["code"] == "V002")
    first, second = handler.call(v002), handler.call(v002)
    assert first is not None and second is not None
    assert versions(db) == {("V002", "3.0")}


def test_without_a_source_the_job_does_nothing_and_says_so(db: Database) -> None:
    adapter, _ = pair(db, None)
    assert adapter.refresh() is None
    assert adapter.health()["source"] == "не настроен"


def test_a_broken_dictionary_on_the_portal_is_refused_and_the_others_load(
        db: Database, portal: NsiPortalServer) -> None:
    portal.portal.add(Published("V099", 5000, "1.0", date(2025, 1, 1), "Bad", "", "zap", [],
                                raw=b"<packet><zglv><type>Bad</type>"))
    adapter, handler = pair(db, portal.url)
    report = adapter.refresh()
    assert report is not None and not report.failed
    refused = deliver(handler, report)
    assert set(refused) == {"V099"}
    assert "версия 1.0 справочника V099 не загружена" in refused["V099"]
    assert "XML повреждён" in refused["V099"]
    assert ("V099", "1.0") not in versions(db) and ("V009", "3.1") in versions(db)


def test_an_unreachable_portal_fails_the_job_in_russian(db: Database) -> None:
    adapter, _ = pair(db, f"http://127.0.0.1:{free_port()}")
    with pytest.raises(PortalError, match="портал недоступен"):
        adapter.refresh()
    assert "не удалось — портал недоступен" in (adapter.health()["last_refresh"] or "")


def test_the_simulator_runs_in_the_hub_and_a_refresh_reaches_the_store(
        footprint: Footprint, tmp_path: Path, dicts: Path) -> None:
    port = free_port()
    settings = footprint.settings(tmp_path, plugins={
        "nsi-simulator": {"port": port, "dictionaries": str(dicts)},
        "nsi": {"source": f"http://127.0.0.1:{port}", "codes": ["V002", "F006", "V099"]}})
    components = ["hub.router", "handler.nsi", "adapter.nsi", "adapter.nsi-simulator"]
    with running_hub(settings, components) as hub:
        simulator = hub.process.components["adapter.nsi-simulator"]
        wait_for(lambda: simulator.health()["status"] == "ok")
        simulator.server.portal.add(Published("V099", 5000, "1.0", date(2025, 1, 1), "Bad", "",
                                              "zap", [], raw=b"<packet><zglv><type>Bad</type>"))
        hub.publish(JobRunV1(component="adapter.nsi", job="refresh",
                             schedule="adapter.nsi.refresh", scheduled_for=utcnow(),
                             requested_by="oper"), destination="adapter.nsi")
        loaded = wait_for(lambda: versions(hub.db) if len(versions(hub.db)) >= 2 else None,
                          timeout=60, message="the refresh loaded the dictionaries")
        assert loaded == {("V002", "3.0"), ("F006", "3.1")}
        assert hub.process.components["handler.nsi"].health()["versions"] == 2
        dead = wait_for(lambda: hub.dead_letters() or None, timeout=60,
                        message="the broken version dead-lettered")
        assert [d.component for d in dead] == ["handler.nsi"]
        assert "версия 1.0 справочника V099 не загружена" in dead[0].cause_message
        assert "XML повреждён" in dead[0].cause_message

        request = urllib.request.Request(f"http://127.0.0.1:{port}/control", method="POST",
                                          data=json.dumps({"publish": "V002"}).encode())
        urllib.request.urlopen(request, timeout=10).close()
        hub.publish(JobRunV1(component="adapter.nsi", job="refresh",
                             schedule="adapter.nsi.refresh", scheduled_for=utcnow(),
                             requested_by="oper"), destination="adapter.nsi")
        wait_for(lambda: ("V002", "3.1") in versions(hub.db), timeout=60,
                 message="the newly published version reached the store")
        assert versions(hub.db) == loaded | {("V002", "3.1")}
