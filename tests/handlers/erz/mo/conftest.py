"""Fixtures of the МО attachment tests: clinics' folders, the Vologda-shaped ATT file, persons."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.engine import Connection

from contracts.erz.attachment import AttachmentFile
from contracts.erz.files import read_file, write_file
from contracts.erz.register import Attachment, PersonData, Reason, Source
from handlers.erz.register.core import Register
from handlers.erz.synth.population import make_snils
from hub.settings import Settings
from tests.conftest import SHARED, Footprint
from tests.handlers.erz.register.conftest import Clock, clock, db, enp

__all__ = ["Clock", "clock", "db", "enp"]

SAMPLES = SHARED / "fixtures" / "ferzl" / "attachment-vologda-samples"
SAMPLE = SAMPLES / "ATM352530T35351_251028.xml"
CLINIC = "352530"
OTHER_CLINIC = "352531"
DOCTOR = make_snils(7)


def person(conn: Connection, serial: int, born: date = date(1990, 1, 1), *,
           attached: tuple[str, date] | None = None) -> str:
    """A registered person (optionally attached to a clinic from a date); the ЕНП."""
    number = enp(serial)
    register = Register(conn, Source("test"))
    register.create_person(number, PersonData(f"Тестова{serial}", "Анна", "Ивановна", "2",
                                              born))
    if attached:
        register.attach(number, Attachment(attached[0], attached[1], "1", "", "7"), Reason())
    return number


def att_file(enps: list[str], *, clinic: str = CLINIC, on: date = date(2025, 10, 13)) -> bytes:
    """The Vologda sample ATT with our persons' ЕНП, a valid doctor's СНИЛС, and ``on``."""
    sample = read_file(SAMPLE.read_bytes(), AttachmentFile)
    assert isinstance(sample, AttachmentFile)
    records = [rec.model_copy(update={"enp": e, "attached_from": on, "doctor_snils": DOCTOR})
               for rec, e in zip(sample.records, enps, strict=True)]
    header = sample.header.model_copy(update={"clinic_code": clinic})
    return write_file(sample.model_copy(update={"header": header, "records": records}))


def clinic_settings(fp: Footprint, tmp: Path, **plugins: object) -> Settings:
    """A hub whose files adapter has the clinic's folder pair (ATM* in, FATM out)."""
    (tmp / "in").mkdir(exist_ok=True)
    drop = {"name": f"mo-{CLINIC}", "kind": "folder", "inbound": str(tmp / "in"),
            "archive": str(tmp / "archive"), "errors": str(tmp / "errors"),
            "outbound": {CLINIC: str(tmp / "out")}, "stable_seconds": 0.5,
            "sender": CLINIC, "masks": [{"pattern": "ATM*.xml", "format": "erz.att"}]}
    return fp.settings(tmp, plugins={"files": {"drops": [drop], "pass_wait_seconds": 3},
                                     **plugins})
