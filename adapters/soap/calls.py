"""What each SOAP call does, apart from spyne: reads in scope, ФЛК, submission, protocol.

Reads and the ФЛК go to the register's published port
(:class:`~contracts.erz.port.RegisterReader`, found by name at the adapter's setup): the
register's committed state, read-only, in the fund's terms. Writes never touch the
register: a submitted operation becomes an ``erz.operation.submitted`` message, taken in
together with its ticket row in one transaction, and the ERZ handler applies it.

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

from adapters.soap.models import calls, operations
from adapters.soap.settings import Organisation, SoapSettings
from contracts.envelope import utcnow
from contracts.erz.failures import Failure
from contracts.erz.port import Criteria, RegisterReader
from contracts.erz.register import Change, PersonState
from contracts.erz_commands import MO_OPERATIONS, SMO_OPERATIONS, OperationSubmittedV1
from contracts.oms import mask_policy
from hub.context import Context, Inbound
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
    """The operations of the services for one adapter: database, settings, the register."""

    def __init__(self, ctx: Context, settings: SoapSettings, register: RegisterReader,
                 today: Callable[[], date]) -> None:
        self.ctx = ctx
        self.settings = settings
        self.register = register
        self.today = today

    # -- reads ---------------------------------------------------------------------------

    def person(self, caller: Caller, enp: str, on: date | None) -> PersonState:
        """A person in the caller's scope as of ``on`` (default today), or Client.OutOfScope."""
        on = on or self.today()
        state = self.register.person(enp, on)
        if state is None or not in_scope(caller.org, state):
            self.out_of_scope(caller, "getPerson", enp, on)
        assert state is not None
        return state

    def find(self, caller: Caller, criteria: Criteria, on: date | None) -> list[PersonState]:
        """Persons matching the criteria who are in the caller's scope on ``on``."""
        on = on or self.today()
        if not criteria.given:
            raise ServiceFault("Client.BadRequest", "укажите ЕНП, СНИЛС, номер полиса, номер "
                               "документа или фамилию, имя и дату рождения")
        found: list[PersonState] = []
        for enp in self.register.candidates(criteria):
            state = self.register.person(enp, on)
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
        rows = self.register.changes_since(
            start, limit=skip + size + 1, mo=org.code if org.kind == "mo" else None,
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
        """The caller's right to the operation, the register's ФЛК of it, then its scope."""
        allowed = MO_OPERATIONS if caller.org.kind == "mo" else SMO_OPERATIONS
        if op.kind not in MO_OPERATIONS | SMO_OPERATIONS:
            raise ServiceFault("Client.UnknownOperation",
                               f"неизвестная операция {op.kind!r}: одна из "
                               + ", ".join(sorted(allowed)))
        if op.kind not in allowed:
            raise ServiceFault("Client.NotPermitted",
                               f"операция {op.kind} недоступна организации вида "
                               f"{caller.org.kind.upper()}")
        failures = self.register.check(op)
        if failures:
            raise flk_fault(failures)
        self._check_scope(caller, op)

    def _check_scope(self, caller: Caller, op: OperationSubmittedV1) -> None:
        # attach and issue bring a person into the caller's scope, move_district moves only
        # the caller's own district (the handler takes the clinic from the submitter); the
        # rest act on a person already in it (on the day before the operation takes effect).
        if op.kind in ("attach", "issue_policy", "reinsure", "move_district"):
            return
        if op.kind == "annul_policy":
            mine = self.register.holds_policy(caller.org.code, op.enp, op.policy_number or "")
        else:
            assert op.on is not None
            state = self.register.person(op.enp, date.fromordinal(op.on.toordinal() - 1))
            mine = state is not None and in_scope(caller.org, state)
        if not mine:
            self.out_of_scope(caller, f"submitOperation:{op.kind}", op.enp, op.on)

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


def _parse_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        at, skip = cursor.rsplit("~", 1)
        return datetime.fromisoformat(at), int(skip)
    except ValueError as exc:
        raise ServiceFault("Client.BadRequest", "cursor не из ответа getChanges") from exc
