"""Fixtures of the ЗАГС death tests: the register on both footprints, persons, death records."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Connection

from adapters.smev3.vs.zags_fataloiv.mapping import canonical
from adapters.smev3.vs.zags_fataloiv.messages import FatalOivRequestV1, IdentityDocument
from adapters.smev3.vs.zags_fataloiv.samples import delivery
from contracts.erz.register import Attachment, Document, PersonData, Policy, Reason, Source
from contracts.zags import DeathRecordsV1
from handlers.erz.register.core import Register
from handlers.erz.zags import deaths as zags
from tests.handlers.erz.register.conftest import Clock, clock, db, enp

__all__ = ["Clock", "clock", "db", "enp"]

INSURER = "76002"
CLINIC = "760001"
IVAN = PersonData("Хабибуллин", "Рамиль", "Фаритович", "1", date(1940, 7, 3), "г. Уфа")
PASSPORT = Document("14", "80 03", "123456", date(2003, 9, 1), "ОВД")


def insured(conn: Connection, serial: int, data: PersonData = IVAN,
            document: Document = PASSPORT, *, clock: object = None) -> str:
    """A person with a policy of INSURER and an attachment to CLINIC since 2020; the ЕНП."""
    number = enp(serial)
    register = Register(conn, Source("test"), **({"clock": clock} if clock else {}))  # type: ignore[arg-type]
    register.create_person(number, data, document=document)
    register.issue_policy(number, Policy("П", number, INSURER, date(2020, 1, 10)),
                          Reason("П010"))
    register.attach(number, Attachment(CLINIC, date(2020, 2, 1), "2", "1", "12"), Reason())
    return number


def record(*, family: str = "Хабибуллин", birth: date | None = date(1940, 7, 3),
           death: date | None = date(2024, 2, 26), document: str | None = "80 03 123456",
           act: str = "170240020000123456789") -> FatalOivRequestV1:
    """The 112-41 sample delivery, about the person given."""
    request = delivery()
    rec = request.records[0]
    rec.number = act
    person = rec.registered.deceased
    person.name.family = family
    person.birth_date = birth
    person.death_date = death
    person.identity_document = None if document is None else IdentityDocument(
        kind_code="21", name="Паспорт гражданина Российской Федерации",
        series_number=document)
    return request


def on_the_bus(request: FatalOivRequestV1) -> DeathRecordsV1:
    """The delivery as the СМЭВ adapter puts it on the bus (``zags.deaths``)."""
    return canonical(request)


def deaths(*requests: FatalOivRequestV1) -> list[zags.DeathRecord]:
    """The records of 112-41 deliveries as the register reads them off the bus."""
    return [r for request in requests for r in zags.from_delivery(on_the_bus(request))]
