"""The demo's file exchange (adapters/files/demo.py): with no drop configured and the demo's
file in the data directory, each organisation of the demo region gets a folder drop under
``exchange/<code>/``; with drops configured (production) the demo's file changes nothing and
a file for an organisation without a drop is still dead-lettered."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from adapters.files.demo import demo_drops
from contracts.demo import DemoOrganisation, DemoPerson, DemoPersons
from hub.testing import running_hub, wait_for
from tests.adapters.files.conftest import FileReceiver, files_received, poll_now
from tests.adapters.files.test_folder import COMPONENTS, XML, drop, send
from tests.conftest import Footprint

OPLIST_NAME = "OPS76001T76_2612071.xml"


def _demo_file(data_dir: Path) -> None:
    DemoPersons(region="Ярославская обл.", region_code="76", persons=[DemoPerson(
        surname="Иванов", name="Иван", sex="1", birth_date=date(1950, 1, 1))],
        organisations=[DemoOrganisation(code="76001", kind="СМО", title="СМО 76001"),
                       DemoOrganisation(code="760101", kind="МО", title="МО 760101")],
    ).write(data_dir)


def _embedded(tmp: Path) -> Footprint:
    return Footprint("embedded", "memory://", f"sqlite:///{tmp / 'hub.db'}")


def test_no_demo_file_no_demo_drops(tmp_path: Path) -> None:
    assert demo_drops(tmp_path) == []
    assert not (tmp_path / "exchange").exists()


def test_each_organisation_of_the_demo_gets_its_folders_and_its_files_masks(
        tmp_path: Path) -> None:
    _demo_file(tmp_path)
    smo, mo = demo_drops(tmp_path)
    base = (tmp_path / "exchange" / "76001").resolve()
    assert smo.name == "demo-76001" and smo.sender == "76001"
    assert smo.inbound == str(base / "in") and smo.outbound == {"76001": str(base / "out")}
    assert smo.archive == str(base / "archive") and smo.errors == str(base / "errors")
    for folder in ("in", "out", "archive", "errors"):
        assert (base / folder).is_dir(), folder
        assert (tmp_path / "exchange" / "760101" / folder).is_dir(), folder
    assert smo.mask_for(OPLIST_NAME) is not None
    assert smo.mask_for(OPLIST_NAME).format == "erz.oplist"  # type: ignore[union-attr]
    assert smo.mask_for("ATM760101T76_261207.xml") is None
    assert mo.mask_for("ATM760101T76_261207.xml").format == "erz.att"  # type: ignore[union-attr]


def test_in_the_demo_answers_land_in_out_and_an_inbound_file_is_taken(tmp_path: Path) -> None:
    fp = _embedded(tmp_path)
    settings = fp.settings(tmp_path, plugins={"files": {"pass_wait_seconds": 5}})
    _demo_file(settings.data_dir)
    with running_hub(settings, COMPONENTS, extra=[FileReceiver]) as hub:
        mid = send(hub, "FOPS76001T76_2612071.xml", XML, recipient="76001")
        wait_for(lambda: "delivered" in hub.trail(mid), message="delivered to the demo's out")
        exchange = settings.data_dir / "exchange"
        assert (exchange / "76001" / "out" / "FOPS76001T76_2612071.xml").read_bytes() == XML
        assert hub.dead_letters() == []

        (exchange / "76001" / "in" / OPLIST_NAME).write_bytes(XML)
        poll_now(hub)
        wait_for(lambda: len(files_received(hub)) == 1, message="the OPLIST taken in")
        (got,) = files_received(hub)
        assert (got.drop, got.file_name, got.format_key, got.sender, got.data) == (  # type: ignore[attr-defined]
            "demo-76001", OPLIST_NAME, "erz.oplist", "76001", XML)
        assert list((exchange / "76001" / "in").iterdir()) == []
        assert [p.name for p in (exchange / "76001" / "archive").rglob("*.xml")] == [OPLIST_NAME]


def test_with_drops_configured_the_demo_file_changes_nothing(tmp_path: Path) -> None:
    fp = _embedded(tmp_path)
    (tmp_path / "in").mkdir()
    settings = fp.settings(tmp_path, plugins={"files": {"drops": [drop(tmp_path)]}})
    _demo_file(settings.data_dir)
    with running_hub(settings, COMPONENTS) as hub:
        mid = send(hub, "FOPS76001T76_2612071.xml", XML, recipient="76001")
        wait_for(lambda: hub.status_of(mid) == "dead", message="dead-lettered")
        (dead,) = hub.dead_letters()
        assert "нет точки обмена" in dead.cause_message and "76001" in dead.cause_message
    assert not (settings.data_dir / "exchange").exists()
