"""Cron-like schedules stored in the database (HUB-7).

Components declare jobs with ``@job(cron)``; the scheduler seeds a schedule row for each
(operators edit cron and enabled in the console) and, when one is due or an operator asked
to "run now", claims it and sends a ``hub.job.run`` message addressed to the component — in
the same transaction as the claim, so a schedule fires once even with several schedulers.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import ClassVar

import sqlalchemy as sa
from croniter import croniter

from contracts.envelope import utcnow
from contracts.hub import JobRunV1
from hub import progress
from hub.component import Component
from hub.outbox import envelope_for, stage
from storage.journal import JournalBatch
from storage.models import inbox, schedules

log = logging.getLogger(__name__)


def next_run(cron: str, after: datetime) -> datetime:
    """The first time after ``after`` that ``cron`` fires (UTC)."""
    result: datetime = croniter(cron, after).get_next(datetime)
    return result


def schedule_name(component: str, job: str) -> str:
    """The default name of a component job's schedule."""
    return f"{component}:{job}"


class Scheduler(Component):
    """Fires due schedules; safe to run in more than one process."""

    kind: ClassVar[str] = "hub"
    name: ClassVar[str] = "scheduler"

    def __init__(self, components: Iterable[type[Component]] = (), tick: float = 1.0) -> None:
        super().__init__()
        self.components = list(components)
        self.tick = tick
        self._thread: threading.Thread | None = None
        self.fired = 0

    def seed(self) -> None:
        """Create a schedule row for each declared job that has none yet; a job whose
        description changed (a new release) gets the new one, its cron and state kept."""
        now = utcnow()
        with self.ctx.db.transaction() as conn:
            existing = dict(conn.execute(
                sa.select(schedules.c.name, schedules.c.description)).all())
            for comp in self.components:
                for spec in comp.jobs():
                    name = schedule_name(comp.component_name(), spec.name)
                    if name in existing:
                        if existing[name] != spec.description:
                            conn.execute(schedules.update().where(
                                schedules.c.name == name).values(description=spec.description))
                        continue
                    conn.execute(schedules.insert().values(
                        name=name, component=comp.component_name(), job=spec.name,
                        cron=spec.cron, enabled=True, description=spec.description,
                        next_run_at=next_run(spec.cron, now)))

    def start(self) -> None:
        """Seed schedules and start ticking."""
        self.seed()
        self._thread = threading.Thread(target=self._loop, name="scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop ticking."""
        super().stop()
        if self._thread:
            self._thread.join(10)

    def _loop(self) -> None:
        last_pruned = 0.0
        while not self._stopping.wait(self.tick):
            try:
                self.fire_due()
                if time.monotonic() - last_pruned > 3600:
                    self.prune_inbox()
                    progress.prune(self.ctx.db)
                    last_pruned = time.monotonic()
            except Exception:
                log.exception("scheduler tick failed")

    def prune_inbox(self) -> int:
        """Forget inbox records older than the retention: no redelivery comes that late."""
        cutoff = utcnow() - timedelta(days=self.ctx.settings.inbox_retention_days)
        with self.ctx.db.transaction() as conn:
            n = conn.execute(inbox.delete().where(inbox.c.handled_at < cutoff)).rowcount
        if n:
            log.info("pruned %d inbox record(s) older than %s", n, cutoff.date())
        return int(n)

    def fire_due(self, now: datetime | None = None) -> int:
        """Fire every due or requested schedule once; returns how many fired."""
        now = now or utcnow()
        c = schedules.c
        due_q = sa.select(schedules).where(
            sa.or_(c.run_requested_at.is_not(None),
                   sa.and_(c.enabled.is_(True), c.next_run_at <= now)))
        fired = 0
        with self.ctx.db.read() as conn:
            due = conn.execute(due_q).all()
        for row in due:
            fired += self._fire(row, now)
        self.fired += fired
        if fired:
            self.ctx.relay.notify()
        return fired

    def _fire(self, row: sa.Row[object], now: datetime) -> int:
        c = schedules.c
        journal = JournalBatch(self.component_name())
        requested = row.run_requested_at is not None
        with self.ctx.db.transaction() as conn:
            # Claim: only the scheduler whose UPDATE still sees the old values fires it.
            claim = schedules.update().where(c.name == row.name)
            if requested:
                claim = claim.where(c.run_requested_at == row.run_requested_at)
            else:
                claim = claim.where(c.next_run_at == row.next_run_at)
            values: dict[str, object] = {"run_requested_at": None}
            if not requested or (row.next_run_at is not None and row.next_run_at <= now):
                values["next_run_at"] = next_run(row.cron, now)
            if conn.execute(claim.values(**values)).rowcount != 1:
                return 0
            request = JobRunV1(component=row.component, job=row.job, schedule=row.name,
                               scheduled_for=now,
                               requested_by=row.updated_by if requested and row.updated_by
                               else "scheduler")
            env = envelope_for(request, source=self.component_name(), destination=row.component)
            stage(conn, journal, [(env, "", None)])
            journal.write(conn)
        log.info("schedule %s fired (%s)", row.name, "run now" if requested else "cron")
        return 1
