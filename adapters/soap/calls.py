"""What each SOAP call does, apart from spyne: reads in scope, ФЛК, submission, protocol.

Reads go to the register's published read model (handlers/erz/queries.py) in the hub
database, read-only. Writes never touch the register: a submitted operation becomes an
``erz.operation.submitted`` message, taken in together with its ticket row in one
transaction, and the ERZ handler applies it.

Scope: a clinic sees the persons attached to it, an insurer the persons it insures, on
the date asked. An unknown ЕНП and a person out of scope get the same fault, so that the
services do not tell who else is on the register.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NoReturn

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from adapters.soap.models import calls, operations
from adapters.soap.settings import Organisation, SoapSettings
from contracts.envelope import utcnow
from contracts.erz_commands import MO_OPERATIONS, SMO_OPERATIONS, OperationSubmittedV1
from handlers.erz import checks, queries
from handlers.erz.dictionaries import Dictionaries
from handlers.erz.domain import Change, PersonState
from handlers.erz.errors import ErzError, Failure
from hub.context import Context, Inbound
from hub.masking import mask_policy
from storage.models import audit_log

log = logging.getLogger("omshub.soap")
_LOGIN_REFUSALS = {"soap-login-failed": "SOAP: неверные имя или пароль организации",
                   "soap-login-locked": "SOAP: вход заблокирован после неудачных попыток"}


class ServiceFault(Exception):
    """A refusal the caller receives as a SOAP Fault with ``code`` (``Client.OutOfScope``)."""

    def __init__(self, code: str, text: str, failures: tuple[Failure, ...] = ()) -> None:
        super().__init__(f"{code}: {text}")
        self.code = code
        self.text = text
        self.failures = failures


def flk_fault(failures: list[Failure]) -> ServiceFault:
    """The fault of failed ФЛК checks: ``Client.Flk.<first code>``, every failure listed."""
    first = failures[0]
    text = "; ".join(f"{f.code} {f.field}: {f.message}" for f in failures)
    return ServiceFault(f"Client.Flk.{first.code}", text, tuple(failures))


@dataclass(frozen=True)
class Caller:
    """An authenticated organisation and where its request came from."""

    org: Organisation
    remote_addr: str = ""


def in_scope(org: Organisation, state: PersonState) -> bool:
    """A clinic's attached person, an insurer's insured person, on the state's date."""
    if org.kind == "mo":
        return state.attachment is not None and state.attachment.mo == org.code
    return state.policy is not None and state.policy.smo == org.code


@dataclass(frozen=True)
class Page:
    """One page of changes and the cursor of the next."""

    changes: list[Change]
    more: bool
    next: str | None


class Calls:
    """The operations of the services for one adapter: database, settings, dictionaries."""

    def __init__(self, ctx: Context, settings: SoapSettings, dicts: Dictionaries,
                 today: Callable[[], date]) -> None:
        self.ctx = ctx
        self.settings = settings
        self.dicts = dicts
        self.today = today

    # -- reads ---------------------------------------------------------------------------

    def person(self, caller: Caller, enp: str, on: date | None) -> PersonState:
        """A person in the caller's scope as of ``on`` (default today), or Client.OutOfScope."""
        on = on or self.today()
        with self.ctx.db.read() as conn:
            state = self._state(conn, enp, on)
        if state is None or not in_scope(caller.org, state):
            self.out_of_scope(caller, "getPerson", enp, on)
        assert state is not None
        return state

    def find(self, caller: Caller, criteria: dict[str, Any], on: date | None
             ) -> list[PersonState]:
        """Persons matching the criteria who are in the caller's scope on ``on``."""
        on = on or self.today()
        with self.ctx.db.read() as conn:
            enps = self._candidates(conn, criteria)
            found: list[PersonState] = []
            for enp in enps:
                state = self._state(conn, enp, on)
                if state is not None and in_scope(caller.org, state):
                    found.append(state)
                    if len(found) >= self.settings.max_found:
                        break
        return found

    def changes(self, caller: Caller, since: datetime | None, cursor: str | None,
                page_size: int | None) -> Page:
        """Changes concerning the caller from ``since`` (or from a cursor), one page."""
        size = min(page_size or self.settings.page_size, self.settings.page_size)
        start, skip = _parse_cursor(cursor) if cursor else (since, 0)
        if start is None:
            raise ServiceFault("Client.BadRequest", "since или cursor обязательны")
        org = caller.org
        with self.ctx.db.read() as conn:
            rows = queries.changes_since(
                conn, start, limit=skip + size + 1, mo=org.code if org.kind == "mo" else None,
                smo=org.code if org.kind == "smo" else None)
        rows = rows[skip:]
        more, rows = len(rows) > size, rows[:size]
        if not more or not rows:
            return Page(rows, False, None)
        last = rows[-1].at
        same = sum(1 for r in rows if r.at == last) + (skip if last == start else 0)
        return Page(rows, True, f"{last.isoformat()}~{same}")

    def result(self, caller: Caller, ticket: str) -> sa.Row[Any]:
        """The state of a ticket the caller's organisation holds."""
        with self.ctx.db.read() as conn:
            row = conn.execute(sa.select(operations).where(
                operations.c.ticket == ticket,
                operations.c.organisation == caller.org.code)).first()
        if row is None:
            raise ServiceFault("Client.UnknownTicket", "нет такой заявки у вашей организации")
        return row

    # -- submission -------------------------------------------------------------------------

    def submit(self, caller: Caller, op: OperationSubmittedV1, raw: bytes | None) -> str:
        """ФЛК and scope now; if it passes, hand it to the register. Returns the ticket."""
        self.check(caller, op)
        with self.ctx.db.transaction() as conn:
            env = self.ctx.publish_in(conn, [Inbound(op, raw=raw, raw_name="submitOperation.xml")
                                             ])[0]
            conn.execute(operations.insert().values(
                ticket=env.id, organisation=caller.org.code, username=caller.org.username,
                kind=op.kind, enp=op.enp, submitted_at=utcnow(), status="pending", text=""))
        self.ctx.relay.notify()
        log.info("operation %s of %s submitted for %s: ticket %s", op.kind, caller.org.code,
                 mask_policy(op.enp), env.id)
        return env.id

    def check(self, caller: Caller, op: OperationSubmittedV1) -> None:
        """ФЛК of an operation (handlers/erz/checks.py) and the caller's right to make it."""
        allowed = MO_OPERATIONS if caller.org.kind == "mo" else SMO_OPERATIONS
        if op.kind not in MO_OPERATIONS | SMO_OPERATIONS:
            raise ServiceFault("Client.UnknownOperation",
                               f"неизвестная операция {op.kind!r}: одна из "
                               + ", ".join(sorted(allowed)))
        if op.kind not in allowed:
            raise ServiceFault("Client.NotPermitted",
                               f"операция {op.kind} недоступна организации вида "
                               f"{caller.org.kind.upper()}")
        failures = checks.check_reason(op.reason_code or "", self.dicts)
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
            failures += self._policy_failures(op)
        if op.kind == "annul_policy" and not op.policy_number:
            failures.append(Failure("106", "policyNumber"))
        if op.kind == "contacts":
            if not (op.phone or op.email):
                failures.append(Failure("106", "phone"))
            for kind, value in (("phone", op.phone), ("email", op.email)):
                if value:
                    failures += checks.check_contact(kind, value)
        if failures:
            raise flk_fault(failures)
        self._check_scope(caller, op)

    def _policy_failures(self, op: OperationSubmittedV1) -> list[Failure]:
        missing = [Failure("106", f) for f, v in (("policyType", op.policy_type),
                                                   ("policyNumber", op.policy_number)) if not v]
        if missing or op.on is None:
            return missing
        return checks.check_policy(op.policy_type or "", op.policy_number or "",
                                   op.policy_series, op.on, op.policy_end, self.dicts,
                                   "policy")

    def _check_scope(self, caller: Caller, op: OperationSubmittedV1) -> None:
        # attach and issue bring a person into the caller's scope, move_district moves only
        # the caller's own district (the handler takes the clinic from the submitter); the
        # rest act on a person already in it (on the day before the operation takes effect).
        if op.kind in ("attach", "issue_policy", "reinsure", "move_district"):
            return
        with self.ctx.db.read() as conn:
            if op.kind == "annul_policy":
                mine = self._holds_policy(conn, caller, op.enp, op.policy_number or "")
            else:
                assert op.on is not None
                state = self._state(conn, op.enp, date.fromordinal(op.on.toordinal() - 1))
                mine = state is not None and in_scope(caller.org, state)
        if not mine:
            self.out_of_scope(caller, f"submitOperation:{op.kind}", op.enp, op.on)

    @staticmethod
    def _holds_policy(conn: Connection, caller: Caller, enp: str, number: str) -> bool:
        try:
            rows = queries.versions(conn, enp, "policy")
        except ErzError:
            return False
        return any(r["number"] == number and r["smo"] == caller.org.code
                   and r["superseded_at"] is None for r in rows)

    # -- protocol ---------------------------------------------------------------------------

    def out_of_scope(self, caller: Caller, operation: str, enp: str, on: date | None
                     ) -> NoReturn:
        """Journal the attempt in the audit log, then refuse it with Client.OutOfScope."""
        masked = mask_policy(enp)
        with self.ctx.db.transaction() as conn:
            conn.execute(audit_log.insert().values(
                at=utcnow(), username=f"soap:{caller.org.username}", action="soap.out_of_scope",
                target=f"enp {masked}", reason=f"{operation} on {on}",
                details=json.dumps({"organisation": caller.org.code, "kind": caller.org.kind}),
                remote_addr=caller.remote_addr))
        log.warning("out of scope: %s (%s) asked %s for %s on %s", caller.org.code,
                    caller.org.kind, operation, masked, on)
        raise ServiceFault("Client.OutOfScope",
                           f"ЗЛ с ЕНП {masked} нет в зоне ответственности организации "
                           f"{caller.org.code} на {on}")

    def login_refused(self, username: str, action: str, remote_addr: str,
                      details: dict[str, Any]) -> None:
        """Audit a refused login (``soap-login-failed``, ``soap-login-locked``): the name
        tried, when, from where; the password never."""
        with self.ctx.db.transaction() as conn:
            conn.execute(audit_log.insert().values(
                at=utcnow(), username=f"soap:{username}"[:100], action=action,
                target=username[:300], reason=_LOGIN_REFUSALS.get(action, action),
                details=json.dumps(details, ensure_ascii=False),
                remote_addr=remote_addr[:100]))

    def journal(self, caller: Caller, operation: str, enp: str | None, outcome: str) -> None:
        """One row of the call protocol (soap_calls)."""
        with self.ctx.db.transaction() as conn:
            conn.execute(calls.insert().values(
                at=utcnow(), organisation=caller.org.code, username=caller.org.username,
                operation=operation, enp=enp if enp and len(enp) <= 16 else None,
                outcome=outcome[:40], remote_addr=caller.remote_addr[:100]))

    # -- internals -------------------------------------------------------------------------

    @staticmethod
    def _state(conn: Connection, enp: str, on: date) -> PersonState | None:
        try:
            return queries.person_as_of(conn, enp, on)
        except ErzError:
            return None

    @staticmethod
    def _candidates(conn: Connection, c: dict[str, Any]) -> list[str]:
        if c.get("enp"):
            return queries.find_by_enp(conn, c["enp"])
        if c.get("snils"):
            return queries.find_by_snils(conn, c["snils"])
        if c.get("policyNumber"):
            return queries.find_by_policy(conn, c["policyNumber"], c.get("policySeries"))
        if c.get("docNumber"):
            return queries.find_by_document(conn, c["docNumber"], c.get("docSeries"),
                                            c.get("docType"))
        if c.get("surname") and c.get("name") and c.get("birthDate"):
            return queries.find_by_names(conn, c["surname"], c["name"], c["birthDate"],
                                         c.get("patronymic"))
        raise ServiceFault("Client.BadRequest", "укажите ЕНП, СНИЛС, номер полиса, номер "
                           "документа или фамилию, имя и дату рождения")


def _parse_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        at, skip = cursor.rsplit("~", 1)
        return datetime.fromisoformat(at), int(skip)
    except ValueError as exc:
        raise ServiceFault("Client.BadRequest", "cursor не из ответа getChanges") from exc
