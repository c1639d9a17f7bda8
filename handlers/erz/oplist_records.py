"""One OPLIST record: ФЛК, then applied, refused, buffered or in conflict (ERZ-1, -6, -7).

A record becomes one replayable operation (:mod:`handlers.erz.operations`) by its TIP_OP:

- 1 temporary certificate, 6 issue, 8 reissue: an unknown person is registered and the
  policy issued; a person insured by this insurer (or not insured) gets the policy, which
  replaces the one in force; a person insured by **another** insurer is a conflict (502,
  CONFLICTLIST to both insurers);
- 7 reinsurance: as above, but a person insured by another insurer waits in the **buffer**;
- 4 edit: the person must exist (401); names, sex, birth date, СНИЛС and the document that
  differ from the register are changed from CHANGE_DATE; an identity change (not the
  document alone) of a person insured by another insurer waits in the **buffer**;
- 2 annul: the policy of that number is annulled; another insurer's policy is refused (503).

Each record is applied under its own savepoint, so a refusal leaves nothing of it behind —
except the file's plain new persons (a first policy to an ЕНП unknown to the register and
named once in the file, passing every check), which :func:`apply_new` writes all at once
beforehand, the same rows and change-log entries (:mod:`handlers.erz.oplist_bulk`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Container
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from contracts.erz import common as c
from contracts.erz import lists
from handlers.erz import buffer, checks, flk, oplist_bulk, queries
from handlers.erz import models as m
from handlers.erz.dictionaries import Dictionaries
from handlers.erz.domain import (
    Address,
    Change,
    Document,
    PersonData,
    PersonState,
    Policy,
    Reason,
    Source,
)
from handlers.erz.errors import ErzError, Failure
from handlers.erz.list_views import FAR
from handlers.erz.operations import DATE_FIELDS, _date, _reason, apply_operation, dump
from handlers.erz.register import Register

APPLIED, REFUSED, BUFFERED, CONFLICT = "applied", "refused", "buffered", "conflict"
ISSUING = {c.Operation.TEMPORARY_CERTIFICATE: "temporary_certificate",
           c.Operation.ISSUE_POLICY: "issue_policy", c.Operation.REISSUE_POLICY: "reinsure",
           c.Operation.REINSURANCE: "reinsure"}
IDENTITY = ("surname", "name", "patronymic", "sex", "birth_date")


@dataclass
class Outcome:
    """What became of a record."""

    status: str
    person_id: int | None = None
    error: ErzError | None = None
    buffer_id: int | None = None
    other_smo: str | None = None
    state: PersonState | None = None
    changes: list[Change] = field(default_factory=list)
    note: str = ""


def enp_of(op: lists.OperationRecord) -> str:
    """The record's ЕНП: INSURANCE/ENP, else the number of a П/Э/К policy (which is it)."""
    pol = op.insurance.policy
    return op.insurance.enp or (pol.number or "" if pol.type in "ПЭК" else "")


def _document(op: lists.OperationRecord) -> Document:
    d = op.document
    return Document(str(int(d.type)), d.series or "", d.number, d.issued, d.issuer or "")


def _person(op: lists.OperationRecord) -> PersonData:
    p = op.person
    return PersonData(p.family_name, p.given_name, p.patronymic or "", str(int(p.sex)),
                      p.birth_date, op.document.birth_place or "")


def _address(kind: str, a: c.Address) -> Address | None:
    text = a.unstructured or ", ".join(x for x in (a.postcode, a.settlement, a.street, a.house,
                                                   a.building, a.flat) if x)
    if not text:
        return None
    return Address(kind, text, fias_guid=a.address_ref, kladr=a.kladr_code, okato=a.okato,
                   postcode=a.postcode)


def _policy(op: lists.OperationRecord, smo: str) -> Policy:
    pol = op.insurance.policy
    end = pol.expires if pol.type == "В" and pol.expires < FAR else None
    return Policy(pol.type, pol.number or enp_of(op), smo, pol.issued, end, pol.series or "")


def _reason_text(op: lists.OperationRecord) -> str:
    return f"OPLIST TIP_OP={int(op.operation)} N_REC={op.record}"


def check_record(op: lists.OperationRecord, dicts: Dictionaries) -> list[Failure]:
    """ФЛК of the record's ЕНП, СНИЛС and document before any decision."""
    enp = enp_of(op)
    failures = checks.check_enp(enp) if enp else [Failure("106", "enp")]
    if op.person.snils:
        failures += checks.check_snils(op.person.snils, "person.snils")
    d = op.document
    failures += checks.check_document(str(int(d.type)), d.series or "", d.number, dicts)
    return failures


PLAN_ASPECTS = (m.person_data, m.snils, m.documents, m.policies)
"""The version tables :func:`plan` reads of a person."""
Known = dict[tuple[str, date], PersonState | None]
"""States read beforehand for the file (:func:`known_states`), by ``(enp, on)``."""


def _state(conn: Connection, enp: str, on: date, absent: bool = False,
           known: Known | None = None) -> PersonState | None:
    if absent:
        return None
    if known is not None and (enp, on) in known:
        return known[enp, on]
    exists = conn.execute(sa.select(m.persons.c.id).where(m.persons.c.enp == enp)).first()
    return queries.person_as_of(conn, enp, on) if exists else None


def plan(conn: Connection, op: lists.OperationRecord, smo: str, *, absent: bool = False,
         known: Known | None = None) -> tuple[str, dict[str, Any], str, PersonState | None]:
    """``(kind, payload, why it waits or "" , the register's state)`` of a record.

    ``kind`` is an operation kind, or ``conflict``; ``why`` non-empty means the buffer.
    ``absent``: the caller knows the ЕНП is not in the register (no query for it);
    ``known``: states read beforehand (used when the record's ``(enp, on)`` is there).
    """
    enp = enp_of(op)
    reason = {"code": None, "text": _reason_text(op)}
    base: dict[str, Any] = {"enp": enp, "reason": reason}
    if op.operation in ISSUING:
        policy = _policy(op, smo)
        state = _state(conn, enp, policy.date_begin, absent, known)
        holder = state.policy.smo if state and state.policy else None
        addresses = [a for a in (_address("reg", op.registration_address),
                                 _address("live", op.residence_address)) if a]
        payload = base | {"policy": dump(policy), "person": dump(_person(op)),
                          "snils": checks.digits_only(op.person.snils or "") or None,
                          "document": dump(_document(op)), "addresses": dump(addresses)}
        if holder is not None and holder != smo:
            if op.operation == c.Operation.REINSURANCE:
                return "reinsure", payload, f"ЗЛ застраховано СМО {holder}", state
            return "conflict", payload, "", state
        kind = "reinsure" if holder == smo else ISSUING[op.operation]
        if kind == "reinsure" and holder is None:
            kind = "issue_policy"
        return kind, payload, "", state
    on = op.changed.date()
    state = _state(conn, enp, on, absent, known)
    if state is None:
        raise ErzError("401", "enp")
    holder = state.policy.smo if state.policy else None
    if op.operation == c.Operation.ANNUL:
        number = op.insurance.policy.number or enp
        if holder is not None and holder != smo and state.policy and \
                state.policy.number == number:
            raise ErzError("503", "policy.number", "полис выдан другой СМО")
        return "annul_policy", base | {"number": number}, "", state
    if op.operation != c.Operation.EDIT:
        raise ErzError("504", "TIP_OP", "тип операции не поддерживается")
    return _plan_edit(op, smo, state, base | {"on": on.isoformat()}, holder)


def _plan_edit(op: lists.OperationRecord, smo: str, state: PersonState,
               payload: dict[str, Any], holder: str | None
               ) -> tuple[str, dict[str, Any], str, PersonState | None]:
    new = _person(op)
    old = state.data
    data = {k: getattr(new, k) for k in IDENTITY
            if old is None or getattr(new, k) != getattr(old, k)}
    snils = checks.digits_only(op.person.snils or "")
    if snils and snils != state.snils:
        payload["snils"] = snils
    doc = _document(op)
    if state.document is None or (doc.doc_type, doc.series, doc.number) != (
            state.document.doc_type, state.document.series, state.document.number):
        payload["document"] = dump(doc)
    if data:
        payload["data"] = dump(data)
    identity = bool(data) or "snils" in payload
    if identity and holder is not None and holder != smo:
        return "edit", payload, f"изменение личных данных ЗЛ, застрахованного СМО {holder}", \
            state
    return "edit", payload, "", state


def new_values(op: lists.OperationRecord, smo: str) -> oplist_bulk.NewValues:
    """A record that issues a policy, read as :func:`plan` reads it for an unknown person."""
    addresses = [a for a in (_address("reg", op.registration_address),
                             _address("live", op.residence_address)) if a]
    return oplist_bulk.NewValues(
        data=_person(op), snils=checks.digits_only(op.person.snils or "") or None,
        document=_document(op), addresses=addresses, policy=_policy(op, smo),
        reason=Reason(None, _reason_text(op)))


def apply_new(conn: Connection, ops: list[lists.OperationRecord], smo: str, source: Source,
              dicts: Dictionaries) -> dict[int, Outcome]:
    """The file's new persons written at once (:mod:`handlers.erz.oplist_bulk`): the
    outcome of each record so applied, by its index; the others go through :func:`process`.
    """
    written = oplist_bulk.apply_new_persons(
        conn, ops, source, dicts, values=lambda op: new_values(op, smo),
        failures=lambda op: check_record(op, dicts), enp_of=enp_of)
    return {i: Outcome(APPLIED, pid, changes=changes) for i, (pid, changes) in written.items()}


def apply_edits(conn: Connection, ops: list[lists.OperationRecord], smo: str, source: Source,
                dicts: Dictionaries, known: Known, skip: Container[int] = ()
                ) -> dict[int, Outcome]:
    """The file's edits that change only personal data (no СНИЛС or document) of a person
    read beforehand (``known``: named by no other record of the file), applied at once
    (:func:`handlers.erz.oplist_bulk.apply_edits`, the rows and entries of
    ``Register.change_data``); the outcome of each, by its index. Edits that wait in the
    buffer, would be refused, or change more go through :func:`process`."""
    edits: list[oplist_bulk.Edit] = []
    for i, op in enumerate(ops):
        if i in skip or op.operation != c.Operation.EDIT or check_record(op, dicts):
            continue
        enp = enp_of(op)
        if (enp, op.changed.date()) not in known:
            continue
        try:
            kind, payload, why, state = plan(conn, op, smo, known=known)
        except ErzError:
            continue
        if kind != "edit" or why or state is None or set(payload) - {
                "enp", "reason", "on", "data"} or not payload.get("data"):
            continue
        fields = {k: _date(v) if k in DATE_FIELDS else v for k, v in payload["data"].items()}
        edits.append(oplist_bulk.Edit(i, state.id, enp, _date(payload["on"]) or state.on,
                                      _reason(payload), fields))
    written = oplist_bulk.apply_edits(conn, edits, dicts, source)
    return {i: Outcome(APPLIED, pid, changes=changes) for i, (pid, changes) in written.items()}


def known_states(conn: Connection, ops: list[lists.OperationRecord],
                 skip: Container[int] = ()) -> Known:
    """The register's state of the persons of the file's records (not those in ``skip``) as
    :func:`plan` reads them, in a few queries for the whole file. Only records whose ЕНП no
    other record of the file names: no other record can change the person before theirs.

    Only what :func:`plan` decides on is read (:data:`PLAN_ASPECTS`: personal data, СНИЛС,
    document, policy); a conflict, which lists the person whole, reads the person again.
    """
    seen = Counter(enp_of(op) for op in ops)
    wanted: dict[str, date] = {}
    for i, op in enumerate(ops):
        enp = enp_of(op)
        if i in skip or not enp or seen[enp] != 1:
            continue
        wanted[enp] = (op.insurance.policy.issued if op.operation in ISSUING
                       else op.changed.date())
    return oplist_bulk.states_as_of(conn, wanted, PLAN_ASPECTS) if wanted else {}


def process(conn: Connection, op: lists.OperationRecord, smo: str, source: Source,
            dicts: Dictionaries, known: Known | None = None) -> Outcome:
    """ФЛК, decide and apply (or buffer) one record inside its own savepoint."""
    failures = check_record(op, dicts)
    if failures:
        return Outcome(REFUSED, error=ErzError.of(failures))
    register = Register(conn, source, dictionaries=dicts)
    try:
        with conn.begin_nested():
            kind, payload, why, state = plan(conn, op, smo, known=known)
            if kind == "conflict":
                assert state is not None and state.policy is not None
                whole = queries.person_as_of(conn, state.enp, state.on)  # for CONFLICTLIST
                return Outcome(CONFLICT, state.id, ErzError("502", "enp", flk.text("502")),
                               other_smo=state.policy.smo, state=whole)
            if why:
                item = buffer.propose(conn, kind, payload, why, source, smo)
                return Outcome(BUFFERED, state.id if state else None, buffer_id=item,
                               note=why)
            apply_operation(register, kind, payload)
    except ErzError as exc:
        return Outcome(REFUSED, error=exc)
    pid = state.id if state is not None else queries.person_id(conn, enp_of(op))
    return Outcome(APPLIED, pid, changes=list(register.changes))
