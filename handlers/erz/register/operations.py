"""Replayable register operations: a kind and a JSON payload, applied through Register.

The OPLIST flow applies an insurer's record at once, or stores the very same ``(kind,
payload)`` in the buffer (ERZ-6) to be applied when an operator approves it — so a buffered
operation is replayed by the code that would have applied it directly. Payloads are plain
JSON (dates as ISO strings): build them with :func:`dump` from the register's values.

Kinds (each payload carries ``enp`` and may carry ``reason``: ``{code, text, event}``):

- ``issue_policy`` / ``reinsure`` / ``temporary_certificate``: ``policy``; with ``person``
  (and ``snils``, ``document``, ``addresses``) the person is registered first when the ЕНП
  is unknown; ``reinsure`` stops the policy in force on the new one's first day;
- ``edit``: ``on`` and any of ``data`` (fields of PersonData), ``snils``, ``document``,
  ``addresses``;
- ``annul_policy``: ``number``; ``stop_policy``: ``on``;
- ``death``: ``death`` (``death_date``, ``act_number``, ``act_date``);
- ``attach``: ``attachment`` (fields of Attachment; ``date_attach`` defaults to ``on``);
  ``detach``: ``on``; ``move``: ``on``, ``district`` and optionally ``department``,
  ``doctor_snils``, ``method``, ``mo``; ``move_district``: ``mo``, ``from_district``,
  ``to_district``, ``on`` and optionally ``department``, ``doctor_snils``;
- ``contacts``: ``on`` and ``contacts`` (each ``kind`` phone or email, and ``value``).

A policy's ``date_begin`` defaults to ``on`` likewise. A required value that is missing is
refused 106 with its field, as the register refuses any other.

SOAP submissions (handlers/erz/register/commands.py) are turned into these payloads too, so an
operation applied at once and one replayed from the buffer run the same code.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from contracts.erz.register import (
    Address,
    Attachment,
    Contact,
    Death,
    Document,
    PersonData,
    Policy,
    Reason,
)
from handlers.erz import models as m
from handlers.erz.register.core import Register
from handlers.erz.register.errors import ErzError
from handlers.erz.register.plain import plain
from handlers.erz.register.rows import field_names, to_values

T = TypeVar("T")

DATE_FIELDS = frozenset({"birth_date", "issue_date", "date_begin", "date_end", "date_stop",
                         "date_attach", "date_detach", "death_date", "act_date", "on"})
"""Payload keys holding dates (ISO strings in JSON)."""


def dump(value: Any) -> Any:
    """A register value (dataclass, date, dict, list) as plain JSON data."""
    if hasattr(value, "__dataclass_fields__"):
        value = to_values(value)
    if isinstance(value, list | tuple):
        value = [to_values(v) if hasattr(v, "__dataclass_fields__") else v for v in value]
    return plain(value)


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def load(cls: type[T], data: dict[str, Any]) -> T:
    """A register value dataclass from its JSON form (dates parsed back)."""
    names = field_names(cls)
    return cls(**{k: _date(v) if k in DATE_FIELDS else v
                  for k, v in data.items() if k in names})


def _reason(payload: dict[str, Any]) -> Reason:
    raw = payload.get("reason") or {}
    return Reason(raw.get("code"), raw.get("text") or "", raw.get("event"))


def _enp(payload: dict[str, Any]) -> str:
    enp = payload.get("enp")
    if not enp:
        raise ErzError("106", "enp")
    return str(enp)


def _on(payload: dict[str, Any]) -> date:
    on = _date(payload.get("on"))
    if on is None:
        raise ErzError("106", "on")
    return on


def _need(data: dict[str, Any], key: str, field: str) -> str:
    value = data.get(key)
    if not value:
        raise ErzError("106", field)
    return str(value)


def _dated(payload: dict[str, Any], key: str, start: str) -> dict[str, Any]:
    """The value under ``key`` with its ``start`` date defaulting to the payload's ``on``."""
    value = dict(payload.get(key) or {})
    if not value.get(start):
        value[start] = _on(payload)
    return value


def _register_person(register: Register, payload: dict[str, Any], on: date) -> None:
    """Register the person of the payload when the ЕНП is unknown (a first policy)."""
    enp = _enp(payload)
    exists = register.conn.execute(
        m.persons.select().where(m.persons.c.enp == enp)).first()
    if exists is not None or not payload.get("person"):
        return
    document = payload.get("document")
    register.create_person(
        enp, load(PersonData, payload["person"]), reason=_reason(payload),
        snils=payload.get("snils"),
        document=load(Document, document) if document else None,
        addresses=[load(Address, a) for a in payload.get("addresses", [])],
        on=_date(payload.get("on")) or on)


def _issue(register: Register, payload: dict[str, Any], *, replace: bool) -> None:
    raw = payload.get("policy") or {}
    _need(raw, "policy_type", "policy.type")
    _need(raw, "number", "policy.number")
    policy = load(Policy, _dated(payload, "policy", "date_begin"))
    _register_person(register, payload, policy.date_begin)
    register.issue_policy(_enp(payload), policy, _reason(payload), replace=replace)


def _edit(register: Register, payload: dict[str, Any]) -> None:
    enp, on, reason = _enp(payload), _on(payload), _reason(payload)
    if payload.get("data"):
        data = {k: _date(v) if k in DATE_FIELDS else v for k, v in payload["data"].items()}
        register.change_data(enp, on, reason, **data)
    if payload.get("snils"):
        register.set_snils(enp, payload["snils"], on, reason)
    if payload.get("document"):
        register.set_document(enp, load(Document, payload["document"]), on, reason)
    for address in payload.get("addresses", []):
        register.set_address(enp, load(Address, address), on, reason)


def _attach(register: Register, payload: dict[str, Any]) -> None:
    enp, attachment = _enp(payload), _dated(payload, "attachment", "date_attach")
    _need(attachment, "mo", "attachment.mo")
    register.attach(enp, load(Attachment, attachment), _reason(payload))


def _contacts(register: Register, payload: dict[str, Any]) -> None:
    contacts = payload.get("contacts") or []
    if not contacts:
        raise ErzError("106", "contacts")
    for contact in contacts:
        register.set_contact(_enp(payload), load(Contact, contact), _on(payload),
                             _reason(payload))


def _move(register: Register, payload: dict[str, Any]) -> None:
    register.move(_enp(payload), _on(payload), _reason(payload),
                  district=_need(payload, "district", "district"),
                  department=payload.get("department"),
                  doctor_snils=payload.get("doctor_snils"), mo=payload.get("mo"),
                  method=payload.get("method"))


def _move_district(register: Register, payload: dict[str, Any]) -> None:
    register.move_district(_need(payload, "mo", "mo"), payload.get("from_district") or "",
                           payload.get("to_district") or "", _on(payload), _reason(payload),
                           department=payload.get("department"),
                           doctor_snils=payload.get("doctor_snils"))


OPERATIONS: dict[str, Callable[[Register, dict[str, Any]], None]] = {
    "issue_policy": lambda r, p: _issue(r, p, replace=False),
    "temporary_certificate": lambda r, p: _issue(r, p, replace=False),
    "reinsure": lambda r, p: _issue(r, p, replace=True),
    "edit": _edit,
    "annul_policy": lambda r, p: r.annul_policy(_enp(p), _need(p, "number", "policy.number"),
                                                _reason(p)),
    "stop_policy": lambda r, p: r.stop_policy(_enp(p), _on(p), _reason(p)),
    "death": lambda r, p: r.register_death(_enp(p), load(Death, p["death"]), _reason(p)),
    "attach": _attach,
    "contacts": _contacts,
    "detach": lambda r, p: r.detach(_enp(p), _on(p), _reason(p)),
    "move": _move,
    "move_district": _move_district,
}
"""Operation kinds → how to apply their payload; other modules may add kinds."""


def apply_operation(register: Register, kind: str, payload: dict[str, Any]) -> None:
    """Apply one operation to the register (ErzError when it is refused)."""
    try:
        operation = OPERATIONS[kind]
    except KeyError:
        raise ErzError("106", "kind", f"неизвестный вид операции {kind}") from None
    operation(register, payload)
