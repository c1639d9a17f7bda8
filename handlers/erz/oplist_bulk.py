"""New persons of an OPLIST written in bulk (the common case of a file: first policies).

:func:`handlers.erz.oplist_records.process` applies a record through ``Register`` under its
own savepoint, about 25 statements for a new person. A record that issues a policy to an
ЕНП the register does not know — and that no other record of the file names — touches
nobody else, and what ``Register.create_person`` + ``issue_policy`` would refuse can be
decided without the database (the same checks, in the same order of decision). Such
records are taken here, checked, and written all at once: the persons and the change-log
entries by one multi-row INSERT … RETURNING each, the version rows by
:func:`storage.bulk.copy_rows` (COPY on PostgreSQL) — the very rows and entries the
record-by-record path writes (ids and timestamps aside).

A record that any check would refuse, or that is not plainly a new person, is left to the
record-by-record path, which refuses or applies it exactly as before. The bulk write runs
in one savepoint; should the database refuse it (a concurrent transaction registered one of
the ЕНП meanwhile), it is rolled back and every record goes the record-by-record way.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from contracts.envelope import utcnow
from contracts.erz import common as c
from contracts.erz import lists
from handlers.erz import checks, history
from handlers.erz import models as m
from handlers.erz.dictionaries import Dictionaries
from handlers.erz.domain import (
    Address,
    Attachment,
    Change,
    Contact,
    Death,
    Document,
    PersonData,
    PersonState,
    Policy,
    Reason,
    Source,
    from_row,
    to_values,
)
from handlers.erz.plain import plain
from handlers.erz.register import DAY, Register
from storage.bulk import among, copy_rows

CHUNK = 5000
ASPECTS = (m.person_data, m.snils, m.documents, m.policies, m.attachments, m.deaths,
           m.addresses, m.contacts)
ISSUING_OPS = frozenset({c.Operation.TEMPORARY_CERTIFICATE, c.Operation.ISSUE_POLICY,
                         c.Operation.REISSUE_POLICY, c.Operation.REINSURANCE})


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


def states_as_of(conn: Connection, wanted: dict[str, date],
                 aspects: Sequence[sa.Table] = ASPECTS
                 ) -> dict[tuple[str, date], PersonState | None]:
    """``queries.person_as_of`` of many persons at once (a few queries per aspect table, not
    nine per person): ``{(enp, on): state, or None when the ЕНП is unknown}``. Only the
    ``aspects`` named are read; the others are left empty in the states."""
    ids: dict[str, int] = {}
    enps = list(wanted)
    for start in range(0, len(enps), CHUNK):
        ids.update({r.enp: int(r.id) for r in conn.execute(
            sa.select(m.persons.c.id, m.persons.c.enp)
            .where(among(conn, m.persons.c.enp, enps[start:start + CHUNK])))})
    pids = list(ids.values())
    rows: dict[sa.Table, dict[int, list[RowMapping]]] = {table: {} for table in ASPECTS}
    for table in aspects:
        by_person: dict[int, list[RowMapping]] = defaultdict(list)
        for start in range(0, len(pids), CHUNK):
            t = table.c
            for row in conn.execute(sa.select(table).where(
                    among(conn, t.person_id, pids[start:start + CHUNK]),
                    t.superseded_at.is_(None))
                    .order_by(t.valid_from, t.id)).mappings():
                by_person[row["person_id"]].append(row)
        rows[table] = by_person
    out: dict[tuple[str, date], PersonState | None] = {}
    for enp, on in wanted.items():
        pid = ids.get(enp)
        if pid is None:
            out[enp, on] = None
            continue

        def valid(table: sa.Table, pid: int = pid, on: date = on) -> list[RowMapping]:
            return [r for r in rows[table].get(pid, ()) if r["valid_from"] <= on
                    and (r["valid_to"] is None or r["valid_to"] > on)]

        def one(table: sa.Table) -> RowMapping | None:
            found = valid(table)
            return found[-1] if found else None

        data, sn, doc = one(m.person_data), one(m.snils), one(m.documents)
        pol, att, death = one(m.policies), one(m.attachments), one(m.deaths)
        out[enp, on] = PersonState(
            id=pid, enp=enp, on=on,
            data=from_row(PersonData, data) if data else None,
            snils=sn["snils"] if sn else None,
            document=from_row(Document, doc) if doc else None,
            policy=from_row(Policy, pol) if pol else None,
            attachment=from_row(Attachment, att) if att else None,
            death=from_row(Death, death) if death else None,
            addresses={r["kind"]: from_row(Address, r) for r in valid(m.addresses)},
            contacts={r["kind"]: from_row(Contact, r) for r in valid(m.contacts)})
    return out


def _known(conn: Connection, enps: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(enps), CHUNK):
        chunk = list(enps[start:start + CHUNK])
        found.update(conn.execute(sa.select(m.persons.c.enp)
                                  .where(among(conn, m.persons.c.enp, chunk))).scalars())
    return found


def _prepare(index: int, enp: str, v: NewValues, today: date, dicts: Dictionaries
             ) -> NewPerson | None:
    """The rows of a new person's record, or None when any check of the register would
    refuse it: then the record goes the usual way."""
    data, document, addresses, policy, reason = (v.data, v.document, v.addresses, v.policy,
                                                 v.reason)
    if not policy.policy_type or not policy.number:
        return None
    start = policy.date_begin
    # create_person
    if checks.check_enp(enp) + checks.check_person(data.surname, data.name, data.sex,
                                                   data.birth_date, today, dicts):
        return None
    snils = v.snils
    if snils is not None:
        snils = checks.digits_only(snils)
        if checks.check_snils(snils):
            return None
    if document is not None and checks.check_document(document.doc_type, document.series,
                                                      document.number, dicts):
        return None
    if any(a.kind not in ("reg", "live") for a in addresses):
        return None
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
    values = to_values(policy) | {"fact_id": uuid.uuid4().hex, "status": "active",
                                  "reason_code": policy.reason_code or reason.code}
    end = policy.date_end + DAY if policy.date_end else None
    out.entries.append((m.policies, log | {
        "op": "issue_policy", "aspect": "policy", "effective_date": policy.date_begin,
        "detail": plain({"new": values}), "smo": policy.smo}, values))
    out.policy = (values, policy.date_begin, end)
    return out


def apply_new_persons(conn: Connection, ops: Sequence[lists.OperationRecord],
                      source: Source, dicts: Dictionaries,
                      values: Callable[[lists.OperationRecord], NewValues | None],
                      failures: Callable[[lists.OperationRecord], list[Any]],
                      enp_of: Callable[[lists.OperationRecord], str],
                      clock: Callable[[], datetime] = utcnow,
                      ) -> dict[int, tuple[int, list[Change]]]:
    """Write the file's new persons at once; ``{index of the record: (person id, changes)}``
    for the records written (the others are left to the record-by-record path).

    ``values`` reads a record that issues a first policy to an unknown person as
    :func:`handlers.erz.oplist_records.plan` does (None: not plainly such a record)."""
    enps = [enp_of(op) for op in ops]
    seen = Counter(enps)
    issuing = [i for i, op in enumerate(ops) if enps[i] and seen[enps[i]] == 1
               and op.operation in ISSUING_OPS and not failures(op)]
    if not issuing:
        return {}
    known = _known(conn, [enps[i] for i in issuing])
    now = clock()
    prepared: list[NewPerson] = []
    for i in issuing:
        if enps[i] in known:
            continue
        read = values(ops[i])
        new = None if read is None else _prepare(i, enps[i], read, now.date(), dicts)
        if new is not None:
            prepared.append(new)
    if not prepared:
        return {}
    # COPY goes through the driver's cursor: its errors are the driver's, not SQLAlchemy's.
    refused = (sa.exc.DBAPIError, conn.dialect.loaded_dbapi.Error)
    try:
        with conn.begin_nested():
            return _write(conn, prepared, source, now)
    except refused:
        return {}


LOG_COLUMNS = ("person_id", "at", "op", "aspect", "effective_date", "event_code",
               "reason_code", "reason_text", "component", "user_name", "source_message_id",
               "source_file", "smo", "mo", "detail")
"""The change log's columns as :func:`_write` and :func:`_write_edits` give them."""
VERSION_COLUMNS = ("person_id", "valid_from", "valid_to", "recorded_at", "change_id")
"""The columns every version row starts with (its values follow)."""


def _ids(conn: Connection, table: sa.Table, columns: Sequence[str],
         rows: list[tuple[Any, ...]]) -> list[int]:
    """Insert ``rows`` (values of ``columns``) and return their new ids, in order: on
    PostgreSQL the ids are taken from the table's sequence in one query and the rows go in
    by COPY; elsewhere by one multi-row INSERT … RETURNING."""
    if conn.dialect.name != "postgresql":
        return [int(x) for x in conn.execute(
            table.insert().returning(table.c.id, sort_by_parameter_order=True),
            [dict(zip(columns, r, strict=True)) for r in rows]).scalars()]
    ids = sorted(int(x) for x in conn.execute(sa.text(
        f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) "
        "FROM generate_series(1, :n)"), {"n": len(rows)}).scalars())
    copy_rows(conn, table, ("id", *columns), [(i, *r) for i, r in zip(ids, rows, strict=True)])
    return ids


def _log_row(pid: int, at: datetime, who: tuple[Any, ...], entry: dict[str, Any]
             ) -> tuple[Any, ...]:
    """A change log row (:data:`LOG_COLUMNS`)."""
    return (pid, at, entry["op"], entry["aspect"], entry["effective_date"],
            entry["event_code"], entry["reason_code"], entry["reason_text"], *who,
            entry.get("smo"), entry.get("mo"), entry["detail"])


def _change(cid: int, enp: str, at: datetime, source: Source, entry: dict[str, Any]) -> Change:
    return Change(
        id=cid, enp=enp, at=at, op=entry["op"], aspect=entry["aspect"],
        effective_date=entry["effective_date"], event_code=entry["event_code"],
        reason_code=entry["reason_code"], reason_text=entry["reason_text"],
        component=source.component, user=source.user, source_message_id=source.message_id,
        source_file=source.file, smo=entry.get("smo"), mo=entry.get("mo"),
        detail=entry["detail"])


def _insert_versions(conn: Connection, table: sa.Table,
                     rows: list[tuple[tuple[Any, ...], dict[str, Any]]]) -> None:
    """Version rows of one table: (:data:`VERSION_COLUMNS` values, the row's values)."""
    by_keys: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
    for base, values in rows:
        by_keys.setdefault(tuple(values), []).append((*base, *values.values()))
    for keys, same in by_keys.items():
        copy_rows(conn, table, (*VERSION_COLUMNS, *keys), same)


def _write(conn: Connection, prepared: list[NewPerson], source: Source,
           at: datetime) -> dict[int, tuple[int, list[Change]]]:
    pids = _ids(conn, m.persons, ("enp", "created_at"), [(p.enp, at) for p in prepared])
    who = (source.component, source.user, source.message_id, source.file)
    cids = _ids(conn, m.changes, LOG_COLUMNS, [
        _log_row(pid, at, who, entry)
        for p, pid in zip(prepared, pids, strict=True) for _, entry, _ in p.entries])
    versions: dict[sa.Table, list[tuple[tuple[Any, ...], dict[str, Any]]]] = defaultdict(list)
    out: dict[int, tuple[int, list[Change]]] = {}
    k = 0
    for p, pid in zip(prepared, pids, strict=True):
        changes = []
        for table, entry, values in p.entries:
            cid = cids[k]
            k += 1
            start, end = entry["effective_date"], None
            if table is m.policies and p.policy is not None:
                start, end = p.policy[1], p.policy[2]
            versions[table].append(((pid, start, end, at, cid), values))
            changes.append(_change(cid, p.enp, at, source, entry))
        out[p.index] = (pid, changes)
    for table, rows in versions.items():
        _insert_versions(conn, table, rows)
    return out


# -- record edits (TIP_OP 4) -------------------------------------------------------------------

@dataclass
class Edit:
    """A record's ``Register.change_data(enp, on, reason, **fields)`` to do in bulk."""

    index: int
    pid: int
    enp: str
    on: date
    reason: Reason
    fields: dict[str, Any]


def apply_edits(conn: Connection, edits: Sequence[Edit], dicts: Dictionaries,
                source: Source, clock: Callable[[], datetime] = utcnow,
                ) -> dict[int, tuple[int, list[Change]]]:
    """``Register.change_data`` of many persons (each named once in the file) at once.

    The persons are locked (FOR UPDATE, as ``change_data`` does) and, under the lock, their
    current personal-data rows and their insurers and clinics are read in one query each;
    every check ``change_data`` makes (303 without data on the date, the person's checks)
    is decided in Python — an edit that would be refused is left out, for the record path to
    refuse. The superseding updates, the version rows and the change-log entries of all the
    others are written together under one savepoint; should the database refuse, nothing
    of it stays and ``{}`` is returned (every edit goes the record way)."""
    if not edits:
        return {}
    pids = sorted({e.pid for e in edits})
    data: dict[int, list[RowMapping]] = defaultdict(list)
    parties: dict[int, list[tuple[date, int, date | None, str, str | None]]] = defaultdict(list)
    pd, pol, att = m.person_data.c, m.policies.c, m.attachments.c
    for start in range(0, len(pids), CHUNK):
        chunk = pids[start:start + CHUNK]
        conn.execute(sa.select(m.persons.c.id).where(among(conn, m.persons.c.id, chunk))
                     .with_for_update()).all()
        for row in conn.execute(sa.select(m.person_data).where(
                among(conn, pd.person_id, chunk), pd.superseded_at.is_(None))
                .order_by(pd.valid_from, pd.id)).mappings():
            data[row["person_id"]].append(row)
        union = sa.union_all(
            sa.select(pol.person_id, pol.valid_from, pol.id, pol.valid_to,
                      sa.literal("smo").label("kind"), pol.smo.label("party"))
            .where(among(conn, pol.person_id, chunk), pol.superseded_at.is_(None)),
            sa.select(att.person_id, att.valid_from, att.id, att.valid_to,
                      sa.literal("mo").label("kind"), att.mo.label("party"))
            .where(among(conn, att.person_id, chunk), att.superseded_at.is_(None)))
        for r in conn.execute(union):
            parties[r.person_id].append((r.valid_from, r.id, r.valid_to, r.kind, r.party))
    now = clock()
    planned = []
    for e in edits:
        rows = data.get(e.pid, [])
        found = [r for r in rows if r["valid_from"] <= e.on
                 and (r["valid_to"] is None or r["valid_to"] > e.on)]
        if not found:
            continue  # 303: refused by the record path
        old = history.values_of(m.person_data, found[0])
        new = PersonData(**{k: old[k] for k in PersonData.__dataclass_fields__} | e.fields)
        if checks.check_person(new.surname, new.name, new.sex, new.birth_date, now.date(),
                               dicts):
            continue
        # Register._parties: the first version valid on the date of each (history.as_of)
        party: dict[str, str | None] = {"smo": None, "mo": None}
        for kind in ("smo", "mo"):
            valid = sorted(p for p in parties.get(e.pid, ()) if p[3] == kind
                           and p[0] <= e.on and (p[2] is None or p[2] > e.on))
            if valid:
                party[kind] = valid[0][4]
        # history.overwrite(…, on, None, until_next=True)
        later = [r["valid_from"] for r in rows if r["valid_from"] > e.on]
        end = min(later) if later else None
        hit = [r for r in rows if (end is None or r["valid_from"] < end)
               and (r["valid_to"] is None or r["valid_to"] > e.on)]
        log = {"person_id": e.pid, "at": now, "op": "change_data", "aspect": "person",
               "effective_date": e.on, "event_code": e.reason.event,
               "reason_code": e.reason.code, "reason_text": e.reason.text or None,
               "component": source.component, "user_name": source.user,
               "source_message_id": source.message_id, "source_file": source.file,
               "smo": party["smo"], "mo": party["mo"],
               "detail": plain({"old": {k: old[k] for k in e.fields}, "new": e.fields})}
        planned.append((e, log, hit, end, Register._data_values(new)))
    if not planned:
        return {}
    refused = (sa.exc.DBAPIError, conn.dialect.loaded_dbapi.Error)
    try:
        with conn.begin_nested():
            return _write_edits(conn, planned, source, now)
    except refused:
        return {}


def _write_edits(conn: Connection, planned: list[Any], source: Source, at: datetime
                 ) -> dict[int, tuple[int, list[Change]]]:
    cids = _ids(conn, m.changes, LOG_COLUMNS, [
        tuple(log[c] for c in LOG_COLUMNS) for _, log, _, _, _ in planned])
    superseded: list[dict[str, Any]] = []
    versions: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    out: dict[int, tuple[int, list[Change]]] = {}
    for (e, log, hit, end, values), cid in zip(planned, cids, strict=True):
        for r in hit:
            superseded.append({"_id": r["id"], "_by": cid})
            old = history.values_of(m.person_data, r)
            if r["valid_from"] < e.on:
                versions.append(((e.pid, r["valid_from"], e.on, at, cid), old))
            if end is not None and (r["valid_to"] is None or r["valid_to"] > end):
                versions.append(((e.pid, end, r["valid_to"], at, cid), old))
        versions.append(((e.pid, e.on, end, at, cid), values))
        out[e.index] = (e.pid, [_change(cid, e.enp, at, source, log)])
    if superseded:
        t = m.person_data
        conn.execute(t.update().where(t.c.id == sa.bindparam("_id"), t.c.superseded_at.is_(None))
                     .values(superseded_at=at, superseded_by=sa.bindparam("_by")), superseded)
    _insert_versions(conn, m.person_data, versions)
    return out
