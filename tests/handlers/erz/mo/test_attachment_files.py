"""An ATT file dropped in a clinic's folder: attachments in the register, FATM in its outbound
folder with every refused record — through the hub on both footprints."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlalchemy as sa

from contracts.erz.attachment import AttachmentProtocol
from contracts.erz.files import read_file
from handlers.erz import models as m
from handlers.erz.register import queries
from hub.testing import TestHub, running_hub, wait_for
from tests.adapters.files.conftest import poll_now
from tests.conftest import Footprint
from tests.handlers.erz.mo.conftest import (
    CLINIC,
    DOCTOR,
    OTHER_CLINIC,
    SAMPLE,
    att_file,
    clinic_settings,
    enp,
    person,
)

COMPONENTS = ["hub.router", "hub.scheduler", "adapter.files", "handler.erz"]
ON = date(2025, 10, 13)


def _protocol(tmp: Path) -> tuple[Path, AttachmentProtocol]:
    [found] = wait_for(lambda: sorted((tmp / "out").glob("FATM*.xml"))
                       if (tmp / "out").is_dir() else [], timeout=60,
                       message="FATM in the clinic's outbound folder")
    protocol = read_file(found.read_bytes(), AttachmentProtocol)
    assert isinstance(protocol, AttachmentProtocol)
    return found, protocol


def _attachment(hub: TestHub, number: str, on: date) -> tuple[str, str, str | None] | None:
    with hub.db.read() as conn:
        att = queries.person_as_of(conn, number, on).attachment
    return None if att is None else (att.mo, att.department, att.doctor_snils)


def test_a_clinics_att_file_is_applied_and_answered_with_fatm(
        footprint: Footprint, tmp_path: Path) -> None:
    with running_hub(clinic_settings(footprint, tmp_path), COMPONENTS) as hub:
        with hub.db.transaction() as conn:
            fresh = person(conn, 1)
            clash = person(conn, 2, attached=(OTHER_CLINIC, ON))
            moving = person(conn, 3, attached=(OTHER_CLINIC, date(2020, 2, 1)))
            bad = enp(4)[:15] + str((int(enp(4)[15]) + 1) % 10)
            last = person(conn, 5)
        (tmp_path / "in" / SAMPLE.name).write_bytes(att_file([fresh, clash, moving, bad, last]))
        poll_now(hub)
        found, protocol = _protocol(tmp_path)
        department = "1.2.643.5.1.13.13.12.2.35.3294.0.368692"
        for number in (fresh, moving, last):
            assert _attachment(hub, number, ON) == (CLINIC, department, DOCTOR), number
        assert _attachment(hub, clash, ON) == (OTHER_CLINIC, "", None)
        assert _attachment(hub, moving, date(2025, 10, 12))[0] == OTHER_CLINIC  # type: ignore[index]
        with hub.db.read() as conn:
            [change] = [c for c in queries.timeline(conn, fresh) if c.op == "attach"]
            row = conn.execute(sa.select(m.exchange_files)).one()
        assert change.source_file == SAMPLE.name and change.mo == CLINIC
        assert (row.organisation, row.records, row.applied, row.refused) == (CLINIC, 5, 3, 2)

    assert found.name == "F" + SAMPLE.name
    assert found.read_bytes().startswith(b"<?xml version='1.0' encoding='windows-1251'?>")
    assert protocol.header.source_file == SAMPLE.stem and protocol.header.result == 3
    errors = {(e.record, e.code, e.tag) for e in protocol.errors}
    assert errors == {(2, "404", "ATT\\REC\\DATE_ATTACH_B"), (4, "102", "ATT\\REC\\ENP")}
    assert all(e.message for e in protocol.errors)


def test_a_malformed_or_foreign_file_is_answered_and_nothing_applied(
        footprint: Footprint, tmp_path: Path) -> None:
    with running_hub(clinic_settings(footprint, tmp_path), COMPONENTS) as hub:
        with hub.db.transaction() as conn:
            number = person(conn, 1)
        data = att_file([number] + [enp(i) for i in range(2, 6)], clinic=OTHER_CLINIC)
        (tmp_path / "in" / SAMPLE.name).write_bytes(data)
        poll_now(hub)
        _, foreign = _protocol(tmp_path)
        assert _attachment(hub, number, ON) is None
        for old in (tmp_path / "out").glob("*.xml"):
            old.unlink()
        broken = b"<?xml version='1.0'?><ATT><ZGLV><VERSION>1.3</VERSION></ZGLV>"
        (tmp_path / "in" / "ATM352530T35351_251029.xml").write_bytes(broken)
        poll_now(hub)
        _, malformed = _protocol(tmp_path)
        assert _attachment(hub, number, ON) is None
    assert foreign.header.result == 2 and [(e.code, e.tag) for e in foreign.errors] == [
        ("909", "ATT\\ZGLV\\CODE_MO")]
    assert malformed.header.result == 2 and malformed.errors
    assert malformed.errors[0].code == "901"
