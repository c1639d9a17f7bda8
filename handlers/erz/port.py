"""The register's read port (:class:`~contracts.erz.port.RegisterReader`) over its tables.

Provided under the entry point group ``omshub.ports`` as ``erz.register`` and built by the
hub's loader when a channel asks for it (the SOAP services, at their setup): each read is
one read-only transaction of the hub database through :mod:`handlers.erz.register.queries`; the ФЛК
of a submitted operation is :mod:`handlers.erz.register.checks` against the operator's dictionaries,
loaded as the handler loads them (:func:`handlers.erz.register.commands.dictionaries`).
"""

from __future__ import annotations

from datetime import date, datetime

from contracts.erz.failures import Failure
from contracts.erz.port import Criteria
from contracts.erz.register import Change, PersonState
from contracts.erz_commands import OperationSubmittedV1
from handlers.erz.register import checks, queries
from handlers.erz.register.commands import dictionaries
from handlers.erz.register.dictionaries import Dictionaries
from handlers.erz.register.errors import ErzError
from hub.context import Context
from storage.db import Database


class RegisterPort:
    """:class:`~contracts.erz.port.RegisterReader` of the register in the hub database."""

    def __init__(self, ctx: Context) -> None:
        self.db: Database = ctx.db
        self.dicts = dictionaries(ctx.settings.schemas_dir)

    def person(self, enp: str, on: date) -> PersonState | None:
        """The person as of ``on``; None for an unknown ЕНП."""
        with self.db.read() as conn:
            try:
                return queries.person_as_of(conn, enp, on)
            except ErzError:
                return None

    def candidates(self, criteria: Criteria) -> list[str]:
        """The ЕНП the first given criterion finds."""
        c = criteria
        with self.db.read() as conn:
            if c.enp:
                return queries.find_by_enp(conn, c.enp)
            if c.snils:
                return queries.find_by_snils(conn, c.snils)
            if c.policy_number:
                return queries.find_by_policy(conn, c.policy_number, c.policy_series)
            if c.doc_number:
                return queries.find_by_document(conn, c.doc_number, c.doc_series, c.doc_type)
            if c.surname and c.name and c.birth_date:
                return queries.find_by_names(conn, c.surname, c.name, c.birth_date,
                                             c.patronymic)
        return []

    def changes_since(self, since: datetime, *, smo: str | None = None,
                      mo: str | None = None, limit: int = 10000) -> list[Change]:
        """Changes recorded at or after ``since`` concerning ``smo`` or ``mo``."""
        with self.db.read() as conn:
            return queries.changes_since(conn, since, smo=smo, mo=mo, limit=limit)

    def holds_policy(self, smo: str, enp: str, number: str) -> bool:
        """The insurer holds the person's policy ``number`` now."""
        with self.db.read() as conn:
            try:
                rows = queries.versions(conn, enp, "policy")
            except ErzError:
                return False
        return any(r["number"] == number and r["smo"] == smo and r["superseded_at"] is None
                   for r in rows)

    def check(self, op: OperationSubmittedV1) -> list[Failure]:
        """The ФЛК of a submitted operation (:func:`submitted_failures`)."""
        return submitted_failures(op, self.dicts)


def submitted_failures(op: OperationSubmittedV1, dicts: Dictionaries) -> list[Failure]:
    """Every ФЛК failure of a submitted operation, in the order a fault lists them: the
    reason code by R001, the ЕНП, the date, the doctor's СНИЛС, the districts, the policy by
    type and dictionary, the contacts. Whether the submitter may make the operation at all,
    and on whom, is the channel's check."""
    failures = checks.check_reason(op.reason_code or "", dicts)
    if op.kind != "move_district":  # a district, not a person
        failures = checks.check_enp(op.enp) + failures
    if op.on is None and op.kind != "annul_policy":
        failures.append(Failure("106", "date"))
    if op.doctor_snils:
        failures += checks.check_snils(op.doctor_snils, "doctorSnils")
    if op.kind in ("move", "move_district") and not op.district:
        failures.append(Failure("106", "district"))
    if op.kind == "move_district":
        if not op.from_district:
            failures.append(Failure("106", "fromDistrict"))
        elif op.from_district == op.district:
            failures.append(Failure("410", "district"))
    if op.kind in ("issue_policy", "reinsure"):
        failures += _policy_failures(op, dicts)
    if op.kind == "annul_policy" and not op.policy_number:
        failures.append(Failure("106", "policyNumber"))
    if op.kind == "contacts":
        if not (op.phone or op.email):
            failures.append(Failure("106", "phone"))
        for kind, value in (("phone", op.phone), ("email", op.email)):
            if value:
                failures += checks.check_contact(kind, value)
    return failures


def _policy_failures(op: OperationSubmittedV1, dicts: Dictionaries) -> list[Failure]:
    missing = [Failure("106", f) for f, v in (("policyType", op.policy_type),
                                               ("policyNumber", op.policy_number)) if not v]
    if missing or op.on is None:
        return missing
    return checks.check_policy(op.policy_type or "", op.policy_number or "",
                               op.policy_series, op.on, op.policy_end, dicts, "policy")
