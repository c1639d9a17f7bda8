"""Schedules in the console (HUB-7, ADM-4): list, enable, change the cron, request a run.

The scheduler owns running jobs; the console only edits the rows it reads. "Run now" sets
``run_requested_at``, which the scheduler picks up and clears.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from croniter import croniter

from admin.times import as_utc
from contracts.envelope import utcnow
from storage.db import Database
from storage.models import schedules

sc = schedules.c


def all_schedules(db: Database) -> list[dict[str, Any]]:
    """Every schedule, by name."""
    with db.read() as conn:
        rows = conn.execute(sa.select(schedules).order_by(sc.name)).all()
    out = []
    for r in rows:
        item = dict(r._mapping)
        for k in ("next_run_at", "last_run_at", "run_requested_at"):
            item[k] = as_utc(item[k]) if item[k] is not None else None
        out.append(item)
    return out


def get_schedule(db: Database, name: str) -> dict[str, Any] | None:
    """One schedule by name."""
    found = [s for s in all_schedules(db) if s["name"] == name]
    return found[0] if found else None


def next_run(cron: str, after: datetime | None = None) -> datetime:
    """The next time ``cron`` fires after ``after`` (now); raises ValueError if invalid."""
    cron = cron.strip()
    if not cron or not croniter.is_valid(cron):
        raise ValueError(
            f"неверное расписание «{cron}»: нужно пять полей cron — минута, час, день месяца, "
            "месяц, день недели (например, «*/15 * * * *» — каждые 15 минут, «0 2 * * *» — "
            "ежедневно в 02:00)"
        )
    result = croniter(cron, as_utc(after or utcnow())).get_next(datetime)
    assert isinstance(result, datetime)
    return result


def _update(db: Database, name: str, **values: Any) -> None:
    with db.transaction() as conn:
        done = conn.execute(schedules.update().where(sc.name == name).values(**values)).rowcount
    if not done:
        raise LookupError(f"нет расписания «{name}»")


def set_cron(db: Database, name: str, cron: str, *, user: str) -> None:
    """Change a schedule's cron; the next run is recomputed so the change applies at once."""
    _update(db, name, cron=cron.strip(), next_run_at=next_run(cron), updated_by=user)


def set_enabled(db: Database, name: str, enabled: bool, *, user: str) -> None:
    """Enable or disable a schedule."""
    _update(db, name, enabled=enabled, updated_by=user)


def request_run(db: Database, name: str, *, user: str) -> None:
    """Ask the scheduler to run the job once, now."""
    _update(db, name, run_requested_at=utcnow(), updated_by=user)
