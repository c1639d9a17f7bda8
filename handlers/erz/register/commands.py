"""Operations submitted by clinics and insurers (``erz.operation.submitted`` v1), applied.

The handler applies each as a JSON payload of :mod:`handlers.erz.register.operations` (the code the
OPLIST flow and the buffer use) inside its batch transaction, under a savepoint: a refusal
(:class:`ErzError`) rolls back whatever the operation had written and becomes an
``erz.operation.result`` ``refused`` with the register's code — an answer, not a retry.
Anything else raises, and the hub retries and dead-letters as usual. An applied operation
is answered ``applied`` and its change-log entries go out as ``erz.person.changed`` events.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from contracts.erz.register import Source
from contracts.erz_commands import OperationFailure, OperationResultV1, OperationSubmittedV1
from contracts.schemas import SchemaNotFound
from handlers.erz.register.core import Register
from handlers.erz.register.dictionaries import Dictionaries
from handlers.erz.register.errors import ErzError
from handlers.erz.register.operations import apply_operation, dump
from hub.component import Message
from hub.tx import Tx


@cache
def dictionaries(schemas_dir: Path | None) -> Dictionaries:
    """The ФФОМС dictionaries under the operator's directory; none (formats only) without."""
    if schemas_dir is None:
        return Dictionaries()
    try:
        return Dictionaries.load(schemas_dir)
    except SchemaNotFound:
        return Dictionaries()


def payload(op: OperationSubmittedV1) -> dict[str, Any]:
    """The operation as a JSON payload of :mod:`handlers.erz.register.operations` (its ``kind``)."""
    org = op.organisation
    out: dict[str, Any] = {"enp": op.enp, "on": op.on,
                           "reason": {"code": op.reason_code, "text": op.reason_text}}
    if op.kind == "attach":
        out["attachment"] = {"mo": org, "method": op.method or "1",
                             "department": op.department or "",
                             "district": op.district or "", "doctor_snils": op.doctor_snils}
    elif op.kind == "move":
        out |= {"district": op.district, "department": op.department,
                "doctor_snils": op.doctor_snils, "method": op.method}
    elif op.kind == "move_district":
        out |= {"mo": org, "from_district": op.from_district, "to_district": op.district,
                "department": op.department, "doctor_snils": op.doctor_snils}
    elif op.kind in ("issue_policy", "reinsure"):
        out["policy"] = {"policy_type": op.policy_type, "number": op.policy_number,
                         "smo": org, "date_end": op.policy_end, "series": op.policy_series}
    elif op.kind == "annul_policy":
        out["number"] = op.policy_number
    elif op.kind == "contacts":
        out["contacts"] = [{"kind": kind, "value": value} for kind, value in
                           (("phone", op.phone), ("email", op.email)) if value]
    dumped: dict[str, Any] = dump(out)
    return dumped


def apply(register: Register, op: OperationSubmittedV1) -> None:
    """Apply one submitted operation to the register (ErzError when it is refused), by the
    same :func:`~handlers.erz.register.operations.apply_operation` the OPLIST flow and the
    buffer use."""
    apply_operation(register, op.kind, payload(op))


def on_submitted(message: Message[OperationSubmittedV1], tx: Tx,
                 dicts: Dictionaries) -> Register:
    """Apply the operation and send its result; returns the register (its ``changes``)."""
    op = message.payload
    register = Register(tx.conn, Source("handler.erz", user=f"{op.organisation}/{op.user}",
                                        message_id=message.id), dictionaries=dicts)
    try:
        with tx.conn.begin_nested():
            apply(register, op)
    except ErzError as exc:
        register.changes.clear()
        first = exc.failures[0]
        tx.send(OperationResultV1(
            ticket=message.id, organisation=op.organisation, outcome="refused",
            code=exc.code, text=f"{first.field}: {first.message}" if first.field
            else first.message,
            failures=[OperationFailure(code=f.code, field=f.field, message=f.message)
                      for f in exc.failures]))
        return register
    moved = len({c.enp for c in register.changes})
    tx.send(OperationResultV1(
        ticket=message.id, organisation=op.organisation, outcome="applied",
        enp=op.enp or None,
        text=f"перемещено ЗЛ: {moved}" if op.kind == "move_district" else ""))
    return register
