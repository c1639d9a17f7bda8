"""Loading many persons at once (the synthetic population, an initial import).

Rows go in with storage.bulk's ``insert_rows``: COPY on PostgreSQL, ``executemany`` on
SQLite. Each person gets one ``load`` entry in the change log that every version row
refers to; ids of persons and changes are assigned here, and PostgreSQL's sequences are
moved past them afterwards so that the register's own inserts continue after the load.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from contracts.erz.register import Source
from handlers.erz import models as m
from handlers.erz.register.checks import name_key
from handlers.erz.register.rows import to_values
from handlers.erz.synth.population import SynthPerson
from storage.bulk import insert_rows


def _next_id(conn: Connection, table: sa.Table) -> int:
    return int(conn.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0) + 1


def _version(pid: int, cid: int, start: Any, end: Any, at: datetime,
             values: dict[str, Any]) -> dict[str, Any]:
    return {**values, "person_id": pid, "valid_from": start, "valid_to": end,
            "recorded_at": at, "change_id": cid}


def load_persons(conn: Connection, people: Iterable[SynthPerson], *, source: Source,
                 at: datetime) -> int:
    """Insert ``people`` in the current transaction; returns how many were inserted."""
    pid, cid = _next_id(conn, m.persons), _next_id(conn, m.changes)
    rows: dict[sa.Table, list[dict[str, Any]]] = {t: [] for t in (
        m.persons, m.changes, m.person_data, m.snils, m.documents, m.addresses, m.contacts,
        m.policies, m.attachments)}
    for p in people:
        start = p.data.birth_date
        rows[m.persons].append({"id": pid, "enp": p.enp, "created_at": at})
        rows[m.changes].append({
            "id": cid, "person_id": pid, "at": at, "op": "load", "aspect": "person",
            "effective_date": start, "event_code": None, "reason_code": None,
            "reason_text": "начальная загрузка", "component": source.component,
            "user_name": source.user, "source_message_id": source.message_id,
            "source_file": source.file, "smo": p.policy.smo, "mo": p.attachment.mo})
        data = to_values(p.data) | {"surname_key": name_key(p.data.surname),
                                    "name_key": name_key(p.data.name),
                                    "patronymic_key": name_key(p.data.patronymic)}
        rows[m.person_data].append(_version(pid, cid, start, None, at, data))
        rows[m.snils].append(_version(pid, cid, start, None, at, {"snils": p.snils}))
        rows[m.documents].append(_version(pid, cid, p.document.issue_date or start, None, at,
                                          to_values(p.document)))
        for address in p.addresses:
            rows[m.addresses].append(_version(pid, cid, start, None, at, to_values(address)))
        for contact in p.contacts:
            rows[m.contacts].append(_version(pid, cid, start, None, at, to_values(contact)))
        pol = p.policy
        end = pol.date_end + timedelta(days=1) if pol.date_end else None
        rows[m.policies].append(_version(pid, cid, pol.date_begin, end, at, to_values(pol) | {
            "fact_id": f"{pid:032x}"}))
        rows[m.attachments].append(_version(pid, cid, p.attachment.date_attach, None, at,
                                            to_values(p.attachment) | {"fact_id": f"{pid:032x}"}))
        pid, cid = pid + 1, cid + 1
    for table, batch in rows.items():
        insert_rows(conn, table, batch)
    if conn.dialect.name == "postgresql":
        for table in (m.persons, m.changes):
            conn.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"(SELECT max(id) FROM {table.name}))"))
    return len(rows[m.persons])
