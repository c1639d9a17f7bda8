"""Records of an OPLIST decided in Python and written at once (ERZ-1).

:func:`handlers.erz.oplist.records.process` applies a record through ``Register`` under its
own savepoint, about 25 statements for a new person. Most records of a file need none of
that: a record that issues a policy to an ЕНП the register does not know — and that no
other record of the file names — touches nobody else, and what ``Register.create_person`` +
``issue_policy`` would refuse can be decided without the database (the same checks, in the
same order of decision); likewise an edit of personal data only of a person read beforehand
(:mod:`handlers.erz.oplist.edits`). Such records become a :class:`Batch`: the persons and
the change-log entries with ids reserved from the sequences beforehand (:func:`reserve`),
and the version rows — the very rows and entries the record-by-record path writes (ids and
timestamps aside) — written by :func:`write` with :func:`storage.bulk.copy_rows` (COPY on
PostgreSQL) under one savepoint. Because the ids are known before the rows are written, the
records' outcomes and the file's answers can be built while the database writes
(:class:`storage.lane.Lane`).

A record that any check would refuse, or that is not plainly such a record, is left to the
record-by-record path, which refuses or applies it exactly as before. Should the database
refuse a batch (a concurrent transaction registered one of the ЕНП meanwhile), its savepoint
is rolled back and its records go the record-by-record way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from contracts.erz.register import Address, Change, Document, PersonData, Policy, Reason, Source
from handlers.erz import models as m
from handlers.erz.register import checks, history
from handlers.erz.register.core import DAY, Register
from handlers.erz.register.dictionaries import Dictionaries
from handlers.erz.register.plain import plain
from handlers.erz.register.rows import to_values
from storage.bulk import copy_rows

LOG_COLUMNS = ("person_id", "at", "op", "aspect", "effective_date", "event_code",
               "reason_code", "reason_text", "component", "user_name", "source_message_id",
               "source_file", "smo", "mo", "detail")
"""The change log's columns as a batch gives them (after the id)."""
VERSION_COLUMNS = ("person_id", "valid_from", "valid_to", "recorded_at", "change_id")
"""The columns every version row starts with (its values follow)."""


@dataclass
class Batch:
    """Rows of records decided in Python, to be written together (:func:`write`)."""

    records: list[int] = field(default_factory=list)
    """The indexes of the file's records whose rows these are."""
    persons: list[tuple[Any, ...]] = field(default_factory=list)
    """New persons: (id, enp, created_at)."""
    log: list[tuple[Any, ...]] = field(default_factory=list)
    """Change-log entries: (id, *:data:`LOG_COLUMNS`)."""
    superseded: dict[sa.Table, list[dict[str, Any]]] = field(default_factory=dict)
    """Version rows no longer current knowledge: ``{"_id": row id, "_at": when,
    "_by": change id}``."""
    versions: dict[sa.Table, dict[tuple[str, ...], list[tuple[Any, ...]]]] = field(
        default_factory=dict)
    """New version rows by table and by their columns (:data:`VERSION_COLUMNS` first)."""

    def version(self, table: sa.Table, base: tuple[Any, ...], values: dict[str, Any]) -> None:
        """Add a version row: :data:`VERSION_COLUMNS` values, then the row's own values."""
        by_keys = self.versions.setdefault(table, {})
        by_keys.setdefault(tuple(values), []).append((*base, *values.values()))


def reserve(conn: Connection, wanted: Mapping[sa.Table, int]) -> dict[sa.Table, list[int]]:
    """New ids for ``n`` rows of each table, ascending: from the table's sequence on
    PostgreSQL (one query each); on SQLite, which has one writer at a time, the ids after
    the table's largest (the caller inserts its rows before any other row of the table)."""
    out: dict[sa.Table, list[int]] = {}
    for table, n in wanted.items():
        if n <= 0:
            out[table] = []
        elif conn.dialect.name == "postgresql":
            # one array, not a row per id: the ids of a large file come back in one value
            out[table] = sorted(conn.execute(sa.text(
                f"SELECT array_agg(nextval(pg_get_serial_sequence('{table.name}', 'id'))) "
                "FROM generate_series(1, :n)"), {"n": n}).scalar_one())
        else:
            top = int(conn.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0)
            out[table] = list(range(top + 1, top + n + 1))
    return out


def write(conn: Connection, batch: Batch) -> bool:
    """Write the batch under one savepoint; False (nothing of it written) when the database
    refuses it."""
    # COPY goes through the driver's cursor: its errors are the driver's, not SQLAlchemy's.
    refused = (sa.exc.DBAPIError, conn.dialect.loaded_dbapi.Error)
    try:
        with conn.begin_nested():
            copy_rows(conn, m.persons, ("id", "enp", "created_at"), batch.persons)
            copy_rows(conn, m.changes, ("id", *LOG_COLUMNS), batch.log)
            for table, rows in batch.superseded.items():
                conn.execute(table.update().where(
                    table.c.id == sa.bindparam("_id"), table.c.superseded_at.is_(None))
                    .values(superseded_at=sa.bindparam("_at"),
                            superseded_by=sa.bindparam("_by")), rows)
            for table, by_keys in batch.versions.items():
                for keys, values in by_keys.items():
                    copy_rows(conn, table, (*VERSION_COLUMNS, *keys), values)
    except refused:
        return False
    return True


def log_row(cid: int, pid: int, at: datetime, source: Source, entry: dict[str, Any]
            ) -> tuple[Any, ...]:
    """A change-log row (id, *:data:`LOG_COLUMNS`) of an entry (op, aspect, …, detail)."""
    return (cid, pid, at, entry["op"], entry["aspect"], entry["effective_date"],
            entry["event_code"], entry["reason_code"], entry["reason_text"],
            source.component, source.user, source.message_id, source.file,
            entry.get("smo"), entry.get("mo"), entry["detail"])


def change(cid: int, enp: str, at: datetime, source: Source, entry: dict[str, Any]) -> Change:
    """The :class:`Change` of a change-log entry written by a batch."""
    return Change(
        id=cid, enp=enp, at=at, op=entry["op"], aspect=entry["aspect"],
        effective_date=entry["effective_date"], event_code=entry["event_code"],
        reason_code=entry["reason_code"], reason_text=entry["reason_text"],
        component=source.component, user=source.user, source_message_id=source.message_id,
        source_file=source.file, smo=entry.get("smo"), mo=entry.get("mo"),
        detail=entry["detail"])


# -- new persons (a first policy to an unknown ЕНП) ------------------------------------------

ENTRIES_AT_MOST = 6
"""Change-log entries of a new person at most (:func:`prepare`): its data, СНИЛС, document,
two addresses (registration, residence) and the policy."""


@dataclass(frozen=True)
class NewValues:
    """What a record that issues a first policy says of its person (no database read)."""

    data: PersonData
    snils: str | None
    document: Document | None
    addresses: list[Address]
    policy: Policy
    reason: Reason


@dataclass
class NewPerson:
    """What ``create_person`` + ``issue_policy`` would write for one record."""

    index: int
    enp: str
    entries: list[tuple[sa.Table, dict[str, Any], dict[str, Any]]] = field(
        default_factory=list)
    """(version table, change-log values, version values) in the order of the log; the
    first entry (``create_person``) has the person_data row."""
    policy: tuple[dict[str, Any], date, date | None] | None = None


def prepare(index: int, enp: str, v: NewValues, today: date, dicts: Dictionaries
            ) -> NewPerson | None:
    """The rows of a new person's record, or None when any check of the register would
    refuse it: then the record goes the usual way.

    The record has passed the ФЛК of its ЕНП, СНИЛС and document
    (:func:`handlers.erz.oplist.records.check_record`, the very checks ``create_person``
    makes of them); the others are made here."""
    data, document, addresses, policy, reason = (v.data, v.document, v.addresses, v.policy,
                                                 v.reason)
    if not policy.policy_type or not policy.number:
        return None
    start = policy.date_begin
    # create_person
    if checks.check_person(data.surname, data.name, data.sex, data.birth_date, today, dicts):
        return None
    snils = v.snils
    if sorted(a.kind for a in addresses) not in ([], ["reg"], ["live"], ["live", "reg"]):
        return None  # one address of each kind at most (ENTRIES_AT_MOST)
    if (snils is not None or document is not None or addresses) and start < data.birth_date:
        return None
    # issue_policy (replace or not: a new person has no policy to stop, none to overlap)
    if checks.check_policy(policy.policy_type, policy.number, policy.series,
                           policy.date_begin, policy.date_end, dicts) + \
            checks.check_reason(reason.code or "", dicts):
        return None
    if policy.date_begin < data.birth_date:
        return None
    out = NewPerson(index, enp)
    log = {"event_code": reason.event, "reason_code": reason.code,
           "reason_text": reason.text or None}
    person = to_values(data)
    out.entries.append((m.person_data, log | {
        "op": "create_person", "aspect": "person", "effective_date": start,
        "detail": plain({"new": person})}, Register._data_values(data)))
    aspects: list[tuple[sa.Table, str, dict[str, Any]]] = []
    if snils is not None:
        aspects.append((m.snils, "snils", {"snils": snils}))
    if document is not None:
        aspects.append((m.documents, "document", to_values(document)))
    aspects += [(m.addresses, "address", to_values(a)) for a in addresses]
    for table, aspect, values in aspects:
        out.entries.append((table, log | {
            "op": f"set_{aspect}", "aspect": aspect, "effective_date": start,
            "detail": plain({"old": None, "new": values})}, values))
    values = to_values(policy) | {"fact_id": history.new_fact_id(), "status": "active",
                                  "reason_code": policy.reason_code or reason.code}
    end = policy.date_end + DAY if policy.date_end else None
    out.entries.append((m.policies, log | {
        "op": "issue_policy", "aspect": "policy", "effective_date": policy.date_begin,
        "detail": plain({"new": values}), "smo": policy.smo}, values))
    out.policy = (values, policy.date_begin, end)
    return out


def new_batch(prepared: Sequence[NewPerson], pids: Sequence[int], cids: Sequence[int],
              source: Source, at: datetime
              ) -> tuple[Batch, dict[int, tuple[int, list[Change]]]]:
    """The batch of new persons (ids reserved: one per person, one per entry) and what each
    record did: ``{index: (person id, changes)}``."""
    batch = Batch()
    out: dict[int, tuple[int, list[Change]]] = {}
    k = 0
    for p, pid in zip(prepared, pids, strict=True):
        batch.records.append(p.index)
        batch.persons.append((pid, p.enp, at))
        changes = []
        for table, entry, values in p.entries:
            cid = cids[k]
            k += 1
            batch.log.append(log_row(cid, pid, at, source, entry))
            start, end = entry["effective_date"], None
            if table is m.policies and p.policy is not None:
                start, end = p.policy[1], p.policy[2]
            batch.version(table, (pid, start, end, at, cid), values)
            changes.append(change(cid, p.enp, at, source, entry))
        out[p.index] = (pid, changes)
    return batch, out
