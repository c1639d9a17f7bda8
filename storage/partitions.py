"""Monthly partitions of the journal on PostgreSQL (created ahead by a scheduled command)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from storage.db import Database


def _month(d: date, add: int) -> date:
    index = d.year * 12 + d.month - 1 + add
    return date(index // 12, index % 12 + 1, 1)


def ensure_monthly_partitions(db: Database, today: date, months_ahead: int = 3) -> list[str]:
    """Create partitions of ``journal_events`` for this month and the next ones.

    Rows already sitting in the default partition for such a month would block the
    creation; they are moved into the new partition in the same transaction.
    """
    if db.dialect != "postgresql":
        return []
    made = []
    with db.transaction() as conn:
        for i in range(months_ahead + 1):
            start, end = _month(today, i), _month(today, i + 1)
            name = f"journal_events_{start:%Y_%m}"
            exists = conn.execute(sa.text("SELECT to_regclass(:n)"), {"n": name}).scalar()
            if exists:
                continue
            bounds = {"s": start.isoformat(), "e": end.isoformat()}
            conn.execute(sa.text(f"CREATE TABLE {name} (LIKE journal_events INCLUDING DEFAULTS)"))
            conn.execute(sa.text(
                f"INSERT INTO {name} SELECT * FROM journal_events_default "
                "WHERE at >= CAST(:s AS timestamptz) AND at < CAST(:e AS timestamptz)"), bounds)
            conn.execute(sa.text(
                "DELETE FROM journal_events_default "
                "WHERE at >= CAST(:s AS timestamptz) AND at < CAST(:e AS timestamptz)"), bounds)
            conn.execute(sa.text(
                f"ALTER TABLE journal_events ATTACH PARTITION {name} "
                f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"))
            made.append(name)
    return made
