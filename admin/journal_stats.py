"""What the hub's tables say about its traffic, as Prometheus metric families.

Read by the console for ``/metrics`` (cached by :class:`admin.monitoring.JournalCollector`):
messages journaled per type and producing component, the journal by status, open dead
letters by component and cause, and the outbox — rows waiting for a relay and the age of
the oldest one, which is how far publishing lags behind the commits that wrote them.
The labels are bounded: message types, component names, statuses and exception class
names, never a message's text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from contracts.envelope import utcnow
from storage.db import Database
from storage.models import dead_letters, journal_messages, outbox


@dataclass(frozen=True)
class JournalStats:
    """One reading of the hub's tables."""

    messages: dict[tuple[str, str, str], int] = field(default_factory=dict)
    """Journaled messages by (type, source component, latest status)."""
    dead_open: dict[tuple[str, str], int] = field(default_factory=dict)
    """Open dead letters by (component, cause type)."""
    outbox_rows: int = 0
    outbox_oldest: datetime | None = None
    """When the oldest row still in the outbox was written (None: the outbox is empty)."""

    def by_status(self) -> dict[str, int]:
        """Journaled messages by latest status."""
        counts: Counter[str] = Counter()
        for (_, _, status), n in self.messages.items():
            counts[status] += n
        return dict(counts)

    def by_type(self) -> dict[tuple[str, str], int]:
        """Journaled messages by (type, source component), whatever their status."""
        counts: Counter[tuple[str, str]] = Counter()
        for (type_, source, _), n in self.messages.items():
            counts[(type_, source)] += n
        return dict(counts)


def read_stats(db: Database) -> JournalStats:
    """Count the journal, the open dead letters and the outbox (three grouped queries)."""
    j, d, o = journal_messages.c, dead_letters.c, outbox.c
    with db.read() as conn:
        messages = {
            (str(t), str(s), str(st)): int(n)
            for t, s, st, n in conn.execute(
                sa.select(j.type, j.source, j.status, sa.func.count())
                .group_by(j.type, j.source, j.status)
            ).all()
        }
        dead = {
            (str(comp), str(cause)): int(n)
            for comp, cause, n in conn.execute(
                sa.select(d.component, d.cause_type, sa.func.count())
                .where(d.state == "open").group_by(d.component, d.cause_type)
            ).all()
        }
        rows, oldest = conn.execute(sa.select(sa.func.count(), sa.func.min(o.created_at))).one()
    return JournalStats(messages, dead, int(rows or 0), oldest)


def families(stats: JournalStats, now: datetime | None = None) -> Iterator[Metric]:
    """The metric families of one reading (``now`` dates the outbox's age)."""
    status = GaugeMetricFamily(
        "omshub_journal_messages", "Journaled messages by latest status", labels=["status"])
    for name, count in sorted(stats.by_status().items()):
        status.add_metric([name], count)
    yield status
    journaled = CounterMetricFamily(
        "omshub_journaled", "Messages journaled, by type and the component that sent them",
        labels=["type", "source"])
    for (type_, source), count in sorted(stats.by_type().items()):
        journaled.add_metric([type_, source], count)
    yield journaled
    yield GaugeMetricFamily(
        "omshub_dead_letters_open", "Dead letters waiting for an operator",
        value=sum(stats.dead_open.values()))
    causes = GaugeMetricFamily(
        "omshub_dead_letters_open_by_cause",
        "Dead letters waiting for an operator, by component and cause (exception type)",
        labels=["component", "cause"])
    for (component, cause), count in sorted(stats.dead_open.items()):
        causes.add_metric([component, cause], count)
    yield causes
    yield GaugeMetricFamily(
        "omshub_outbox_rows", "Messages committed but not yet published by a relay",
        value=stats.outbox_rows)
    age = 0.0
    if stats.outbox_oldest is not None:
        age = max(0.0, ((now or utcnow()) - stats.outbox_oldest).total_seconds())
    yield GaugeMetricFamily(
        "omshub_outbox_oldest_age_seconds",
        "Age of the oldest outbox row (relay lag); 0 when the outbox is empty", value=age)
