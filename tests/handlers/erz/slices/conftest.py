"""Fixtures of the slice and delta tests: a small register of two insurers and two clinics.

``population`` registers, as of the slice date 2025-02-01 (:data:`ON`), persons who are and
are not insured and attached then — in force, starting later, stopped, annulled, dead — and
returns their ЕНП by role; :data:`EXPECTED` says who each slice must hold.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime

from sqlalchemy.engine import Connection

from contracts.erz.files import erz_schemas
from contracts.erz.register import Attachment, Death, Policy, Reason
from contracts.schemas import SchemaStore
from handlers.erz.register.core import Register
from tests.conftest import SHARED, unavailable
from tests.handlers.erz.register.conftest import Clock, clock, db, register
from tests.handlers.erz.smo.builders import people

__all__ = ["Clock", "clock", "db"]

LISTS = SHARED / "fixtures" / "ferzl" / "rs-erz-smo-exchange"
ON = date(2025, 2, 1)
SMO_A, SMO_B = "76002", "76001"
MO_1, MO_2 = "760101", "760102"
EXPECTED = {
    SMO_A: {"both", "stays"},
    SMO_B: {"reinsured later", "attached later"},
    MO_1: {"both", "reinsured later"},
    MO_2: {"stays"},
}
"""Who is insured by each insurer / attached to each clinic on :data:`ON`."""


def schemas() -> SchemaStore:
    """The РС ЕРЗ list XSDs (FPOLIS repaired)."""
    if not (LISTS / "RECLIST.xsd").is_file():
        unavailable(f"РС ЕРЗ list schemas are not at {LISTS}")
    return erz_schemas(LISTS)


def set_clock(clock: Clock, at: datetime = datetime(2025, 1, 25, 9, 0, tzinfo=UTC)) -> Clock:
    """The clock moved to ``at`` (deaths cannot be recorded before they happen)."""
    clock.now = at
    return clock


def _policy(reg: Register, enp: str, smo: str, begin: date = date(2020, 1, 1)) -> None:
    reg.issue_policy(enp, Policy("Э", enp, smo, begin), Reason("П010"))


def _attach(reg: Register, enp: str, mo: str, on: date = date(2021, 3, 1)) -> None:
    reg.attach(enp, Attachment(mo, on, "1", "", "7"), Reason())


def population(conn: Connection, clock: Clock) -> dict[str, str]:
    """Persons (synthetic, seed 7) as the module docstring says; role → ЕНП."""
    roles = ["both", "reinsured later", "stopped", "stays", "annulled", "dead",
             "attached later"]
    reg = register(conn, clock)
    enps = {}
    for role, p in zip(roles, people(*range(10, 10 + len(roles))), strict=True):
        reg.create_person(p.enp, p.data, snils=p.snils, document=p.document,
                          addresses=p.addresses, contacts=p.contacts)
        enps[role] = p.enp
    e = enps
    _policy(reg, e["both"], SMO_A)
    _attach(reg, e["both"], MO_1)
    _policy(reg, e["reinsured later"], SMO_B)
    reg.reinsure(e["reinsured later"], Policy("Э", e["reinsured later"], SMO_A,
                                              date(2025, 2, 2)), Reason("П010"))
    _attach(reg, e["reinsured later"], MO_1, ON)
    _policy(reg, e["stopped"], SMO_A)
    reg.stop_policy(e["stopped"], date(2025, 1, 15), Reason("П021"))
    _attach(reg, e["stopped"], MO_1)
    reg.detach(e["stopped"], date(2025, 1, 15), Reason())
    _policy(reg, e["stays"], SMO_A)
    _attach(reg, e["stays"], MO_2)
    _policy(reg, e["annulled"], SMO_A)
    reg.annul_policy(e["annulled"], e["annulled"], Reason("П010"))
    _policy(reg, e["dead"], SMO_B)
    _attach(reg, e["dead"], MO_2)
    reg.register_death(e["dead"], Death(date(2025, 1, 20)), Reason("П022"))
    _policy(reg, e["attached later"], SMO_B)
    _attach(reg, e["attached later"], MO_1, date(2025, 2, 2))
    return enps


def names(enps: dict[str, str], found: Collection[str | None]) -> set[str]:
    """The roles of the ЕНП found."""
    return {role for role, enp in enps.items() if enp in found}
