"""The spyne service: five operations, SOAP 1.1 document/literal (wrapped), ``urn:omshub:erz:1``.

Each operation is thin: it finds the authenticated caller (put in the WSGI environ by
server.py) and the :class:`Calls` of the adapter, calls it, and turns a
:class:`ServiceFault` into a SOAP Fault with its code. Anything unexpected becomes
``Server.Internal`` without details (they may hold personal data) and is logged masked.
Every call is written to the call protocol (soap_calls) with its outcome.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar, cast

from lxml import etree
from lxml.builder import ElementMaker
from spyne import Application, Array, Date, DateTime, Fault, Integer, ServiceBase, Unicode
from spyne import rpc as _spyne_rpc
from spyne.protocol.soap import Soap11

from adapters.soap import wire
from adapters.soap.calls import Caller, Calls, ServiceFault
from contracts.erz_commands import OperationSubmittedV1
from hub.masking import mask_text

log = logging.getLogger("omshub.soap")
T = TypeVar("T")
_E = ElementMaker(namespace=wire.TNS, nsmap={"erz": wire.TNS})
F = TypeVar("F", bound=Callable[..., Any])
CALLER = "omshub.caller"
RAW = "omshub.raw"


class SafeSoap11(Soap11):  # type: ignore[misc]
    """SOAP 1.1 that refuses any document with a DTD: no entities, no XXE, no bombs.

    spyne's parser already neither loads DTDs nor resolves entities nor goes to the
    network; we pin those settings explicitly and refuse a DOCTYPE outright, as
    contracts/xmlsafe.py does for every other channel.
    """

    def __init__(self, **kw: Any) -> None:
        super().__init__(resolve_entities=False, load_dtd=False, no_network=True,
                         dtd_validation=False, huge_tree=False, **kw)

    def create_in_document(self, ctx: Any, charset: str | None = None) -> None:
        """Parse the request, then refuse it if it declares a DTD."""
        super().create_in_document(ctx, charset)
        root = ctx.in_document[0]
        docinfo = root.getroottree().docinfo
        if docinfo.doctype or docinfo.internalDTD is not None:
            raise Fault("Client.UnsafeXml",
                        "XML с DTD (DOCTYPE) не принимается: сущности запрещены")


def rpc(*params: Any, **options: Any) -> Callable[[F], F]:
    """spyne's ``@rpc``, typed (spyne has no type hints)."""
    return cast(Callable[[F], F], _spyne_rpc(*params, **options))


def _detail(fault: ServiceFault) -> etree._Element | None:
    if not fault.failures:
        return None
    return _E.failures(*[_E.failure(f.message, code=f.code, field=f.field)
                         for f in fault.failures])


def _serve(ctx: Any, operation: str, enp: str | None, call: Callable[[Calls, Caller], T]) -> T:
    calls: Calls = ctx.app.omshub_calls
    caller: Caller = ctx.transport.req_env[CALLER]
    try:
        result = call(calls, caller)
    except ServiceFault as exc:
        calls.journal(caller, operation, enp, exc.code)
        raise Fault(exc.code, exc.text, detail=_detail(exc)) from None
    except Exception as exc:  # noqa: BLE001 - the caller gets a bare fault, we the cause
        log.error("%s of %s failed: %s", operation, caller.org.code, mask_text(repr(exc)))
        calls.journal(caller, operation, enp, "Server.Internal")
        raise Fault("Server.Internal", "внутренняя ошибка сервиса; обратитесь в ТФОМС") from None
    calls.journal(caller, operation, enp, "ok")
    return result


class ErzService(ServiceBase):  # type: ignore[misc]
    """РС ЕРЗ for clinics and insurers: search, state as of a date, deltas, operations."""

    @rpc(wire.PersonQuery, Date, _returns=Array(wire.FoundPerson))
    def findPersons(ctx: Any, query: wire.PersonQuery | None,  # noqa: N802, N805
                    on: date | None) -> list[wire.FoundPerson]:
        """Persons in the caller's scope on ``on`` (default today) matching one criterion."""
        criteria = wire.criteria(query)
        found = _serve(ctx, "findPersons", criteria.enp,
                       lambda calls, caller: calls.find(caller, criteria, on))
        return [wire.found(s) for s in found]

    @rpc(Unicode(max_len=16, min_occurs=1), Date, _returns=wire.Person)
    def getPerson(ctx: Any, enp: str, on: date | None) -> wire.Person:  # noqa: N802, N805
        """The person's state on ``on`` (default today), if in the caller's scope."""
        state = _serve(ctx, "getPerson", enp,
                       lambda calls, caller: calls.person(caller, enp or "", on))
        return wire.person(state)

    @rpc(DateTime, Unicode(max_len=64), Integer, _returns=wire.ChangesPage)
    def getChanges(ctx: Any, since: datetime | None, cursor: str | None,  # noqa: N802, N805
                   pageSize: int | None) -> wire.ChangesPage:  # noqa: N803
        """Changes concerning the caller recorded since ``since``, a page at a time."""
        page = _serve(ctx, "getChanges", None,
                      lambda calls, caller: calls.changes(caller, since, cursor, pageSize))
        return wire.ChangesPage(change=[wire.change(c) for c in page.changes],
                                more=page.more, next=page.next)

    @rpc(wire.Operation, _returns=wire.Ticket)
    def submitOperation(ctx: Any, operation: wire.Operation | None  # noqa: N802, N805
                        ) -> wire.Ticket:
        """Check an operation now (ФЛК, scope); if valid, queue it and return its ticket."""
        op = operation or wire.Operation()

        def submit(calls: Calls, caller: Caller) -> str:
            return calls.submit(caller, _submitted(caller, op), ctx.transport.req_env.get(RAW))

        ticket = _serve(ctx, "submitOperation", op.enp, submit)
        return wire.Ticket(ticket=ticket, status="pending")

    @rpc(Unicode(max_len=64, min_occurs=1), _returns=wire.OperationResult)
    def getOperationResult(ctx: Any, ticket: str) -> wire.OperationResult:  # noqa: N802, N805
        """pending, applied, or refused with the register's code and text."""
        row = _serve(ctx, "getOperationResult", None,
                     lambda calls, caller: calls.result(caller, ticket or ""))
        return wire.OperationResult(
            ticket=row.ticket, status=row.status, code=row.code, text=row.text or None,
            enp=row.enp, submittedAt=row.submitted_at, completedAt=row.completed_at)


def _submitted(caller: Caller, op: wire.Operation) -> OperationSubmittedV1:
    from pydantic import ValidationError

    try:
        return OperationSubmittedV1.model_validate({
            "organisation": caller.org.code, "organisation_kind": caller.org.kind,
            "user": caller.org.username, "kind": op.kind or "", "enp": op.enp or "",
            "on": op.date, "reason_code": op.reasonCode or None,
            "reason_text": op.reasonText or "", "department": op.department,
            "district": op.district, "from_district": op.fromDistrict,
            "doctor_snils": op.doctorSnils, "method": op.method,
            "policy_type": op.policyType, "policy_number": op.policyNumber,
            "policy_series": op.policySeries or "", "policy_end": op.policyEnd,
            "phone": op.phone or None, "email": op.email or None})
    except ValidationError as exc:
        kinds = [e for e in exc.errors() if e["loc"] == ("kind",)]
        if kinds:
            raise ServiceFault("Client.UnknownOperation",
                               f"неизвестная операция {op.kind!r}") from None
        fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors())
        raise ServiceFault("Client.BadRequest", f"неверные поля: {fields}") from None


def application(calls: Calls) -> Application:
    """The spyne application over ``calls``."""
    app = Application([ErzService], tns=wire.TNS, name="OmsHubErz",
                      in_protocol=SafeSoap11(validator="soft"), out_protocol=Soap11())
    app.omshub_calls = calls
    return app
