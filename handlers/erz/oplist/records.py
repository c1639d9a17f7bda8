"""One OPLIST record: ФЛК, then applied, refused, buffered or in conflict (ERZ-1, -6, -7).

A record becomes one replayable operation (:mod:`handlers.erz.register.operations`) by its TIP_OP:

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
named once in the file, passing every check) and plain edits (personal data only), which
:func:`take_file` decides in Python and writes at once, the same rows and change-log entries
(:mod:`handlers.erz.oplist.bulk`, :mod:`handlers.erz.oplist.edits`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Container
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from contracts.envelope import utcnow
from contracts.erz import common as c
from contracts.erz import lists
from contracts.erz.failures import Failure
from contracts.erz.register import (
    Address,
    Change,
    Document,
    PersonData,
    PersonState,
    Policy,
    Reason,
    Source,
)
from handlers.erz import models as m
from handlers.erz.buffer import store as buffer
from handlers.erz.oplist import bulk as oplist_bulk
from handlers.erz.oplist import edits as oplist_edits
from handlers.erz.oplist import read as oplist_read
from handlers.erz.register import checks, flk, queries
from handlers.erz.register.core import Register
from handlers.erz.register.dictionaries import Dictionaries
from handlers.erz.register.errors import ErzError
from handlers.erz.register.operations import DATE_FIELDS, _date, _reason, apply_operation, dump
from handlers.erz.smo.list_views import FAR
from storage.lane import Lane

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
"""States read beforehand for the file (:func:`take_file`), by ``(enp, on)``."""


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


BATCH = 5000
"""New persons per batch written."""
READ_TABLES = (*PLAN_ASPECTS, m.attachments)
"""What is read of the persons a file names: what :func:`plan` decides on, and the
attachments (the clinic a bulk edit's change-log entry names)."""


@dataclass
class Taken:
    """What became of a file's records (:func:`take_file`), some of it still being written."""

    outcomes: dict[int, Outcome]
    """The outcome of each record the bulk path took, by its index — as it will be once
    its batch is written."""
    rest: Future[dict[int, Outcome]]
    """The outcomes of the other records, applied one by one (:func:`process`)."""
    writes: list[tuple[Future[bool], oplist_bulk.Batch]]
    """The batches submitted to the lane: False from a future means the database refused
    that batch, and its records must go through :func:`process` after all."""


def take_file(lane: Lane, ops: list[lists.OperationRecord], smo: str, source: Source,
              dicts: Dictionaries, clock: Callable[[], datetime] = utcnow) -> Taken:
    """Take every record of a file: the plain new persons and plain edits decided in
    Python and their rows submitted to ``lane`` (:mod:`handlers.erz.oplist.bulk`,
    :mod:`handlers.erz.oplist.edits`), the rest submitted to be applied one by one.

    The persons every record named once in the file names are locked and read at once
    (:mod:`handlers.erz.oplist.read`) while the records are checked; a record that issues a
    policy to an ЕНП the register does not know becomes a new person, an edit of personal
    data only a bulk edit; the others go through :func:`process` with the states read (they
    name other persons than the bulk's, so the order between the two does not matter).
    Returns before the rows are written: the caller builds the answers meanwhile and
    waits for the lane before it uses the connection itself.
    """
    conn = lane.conn
    enps = [enp_of(op) for op in ops]
    seen = Counter(enps)
    once = [i for i, enp in enumerate(enps) if enp and seen[enp] == 1]
    reading = lane.submit(oplist_read.read_persons, conn, [enps[i] for i in once],
                          READ_TABLES)
    early = _reserve_early(lane, [ops[i] for i in once])
    now = clock()
    candidates = [new for i in once if ops[i].operation in ISSUING
                  and not check_record(ops[i], dicts)
                  and (new := oplist_bulk.prepare(i, enps[i], new_values(ops[i], smo),
                                                  now.date(), dicts)) is not None]
    read = reading.result()
    fresh = fresh_persons(candidates, read)
    taken = {p.index for p in fresh}
    known = oplist_read.states_of(read, {
        enps[i]: (ops[i].insurance.policy.issued if ops[i].operation in ISSUING
                  else ops[i].changed.date()) for i in once if i not in taken})
    planned = oplist_edits.plan(_edits(conn, ops, smo, dicts, known, taken), read, dicts,
                                now)
    taken |= {p.edit.index for p in planned}
    # The rest before the bulk rows (on SQLite the ids reserved next follow the rows it
    # inserts), and waited for: its statements would crawl while this thread builds rows.
    rest = lane.submit(one_by_one, conn, ops, [i for i in range(len(ops)) if i not in taken],
                       smo, source, dicts, known)
    rest.exception()
    entries = sum(len(p.entries) for p in fresh)
    ids = early.result() if early is not None else lane.submit(oplist_bulk.reserve, conn, {
        m.persons: len(fresh), m.changes: entries + len(planned)}).result()
    outcomes, writes = _submit_batches(lane, fresh, planned, ids, source, now)
    return Taken(outcomes, rest, writes)


def _reserve_early(lane: Lane, once: list[lists.OperationRecord]
                   ) -> Future[dict[sa.Table, list[int]]] | None:
    """On PostgreSQL, ids for every record (named once in the file) that may go the bulk
    way, reserved on the lane at once: sequences stand outside transactions, and those
    left unused are gaps, as after any rollback. None on SQLite, where ids follow the
    table's largest and are reserved only once the rest is applied."""
    if not lane.threaded:
        return None
    issuing = sum(1 for op in once if op.operation in ISSUING)
    edits = sum(1 for op in once if op.operation == c.Operation.EDIT)
    return lane.submit(oplist_bulk.reserve, lane.conn, {
        m.persons: issuing, m.changes: issuing * oplist_bulk.ENTRIES_AT_MOST + edits})


def _submit_batches(lane: Lane, fresh: list[oplist_bulk.NewPerson],
                    planned: list[oplist_edits.PlannedEdit], ids: dict[sa.Table, list[int]],
                    source: Source, now: datetime
                    ) -> tuple[dict[int, Outcome], list[tuple[Future[bool], oplist_bulk.Batch]]]:
    """Submit the new persons' rows in batches of :data:`BATCH` (the first is written while
    the next are built), then the edits'; the outcome of each record taken, by its index."""
    pids, cids = ids[m.persons], ids[m.changes]
    outcomes: dict[int, Outcome] = {}
    writes: list[tuple[Future[bool], oplist_bulk.Batch]] = []

    def submit(made: tuple[oplist_bulk.Batch, dict[int, tuple[int, list[Change]]]]) -> None:
        batch, written = made
        if batch.records:
            writes.append((lane.submit(oplist_bulk.write, lane.conn, batch), batch))
            outcomes.update({i: Outcome(APPLIED, pid, changes=changes)
                             for i, (pid, changes) in written.items()})

    k = 0
    for start in range(0, len(fresh), BATCH):
        part = fresh[start:start + BATCH]
        n = sum(len(p.entries) for p in part)
        submit(oplist_bulk.new_batch(part, pids[start:start + len(part)], cids[k:k + n],
                                     source, now))
        k += n
    submit(oplist_edits.edit_batch(planned, cids[k:k + len(planned)], source, now))
    return outcomes, writes


def fresh_persons(candidates: list[oplist_bulk.NewPerson], read: oplist_read.FileRead
                  ) -> list[oplist_bulk.NewPerson]:
    """The candidates whose ЕНП the register does not know: new persons indeed."""
    return [p for p in candidates if p.enp not in read.ids]


def one_by_one(conn: Connection, ops: list[lists.OperationRecord], indexes: list[int],
                smo: str, source: Source, dicts: Dictionaries, known: Known | None = None
                ) -> dict[int, Outcome]:
    """:func:`process` of the records at ``indexes``, in their order."""
    return {i: process(conn, ops[i], smo, source, dicts, known) for i in indexes}


def _edits(conn: Connection, ops: list[lists.OperationRecord], smo: str, dicts: Dictionaries,
           known: Known, skip: Container[int]) -> list[oplist_edits.Edit]:
    """The file's edits that change only personal data (no СНИЛС or document) of a person
    read beforehand (``known``: named by no other record of the file). Edits that wait in
    the buffer, would be refused, or change more go through :func:`process`."""
    edits: list[oplist_edits.Edit] = []
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
        edits.append(oplist_edits.Edit(i, state.id, enp, _date(payload["on"]) or state.on,
                                       _reason(payload), fields))
    return edits


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
