"""The dashboard «Обзор» (HUB-9): what the hub does now, on one page operators keep open.

Flow per message type and per sending component over the last hour (by minute) or the last
24 hours (by hour), failures, open dead letters by cause, queues (ready, consumers,
unacknowledged), the relay's lag and every component's health in words. Everything comes
from what the console already reads: the journal, the dead letters, the outbox, the health
and queue probes.

The queries stay cheap on a big journal: the flow is one grouped query over an indexed range
of ``journal_messages.first_seen_at`` (the window only, bucketed in the database), the dead
letters' over indexed ``at`` and ``state``; the outbox is small by design. A reading is
kept for :data:`CACHE_SECONDS` per process, so a room of open dashboards costs one reading.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from admin import charts
from admin.auth import page
from admin.context import Console, console, render
from admin.deadletters import explain
from admin.health_words import lines, queue_rows, status_text
from admin.journal import STATUS_LABELS, routine_names
from admin.users import User
from admin.views.components import is_healthy, read_health, read_queues
from contracts.envelope import utcnow
from storage.db import Database
from storage.models import dead_letters, journal_messages, outbox

CACHE_SECONDS = 10.0
TOP = 6
"""Series a chart names; the rest are summed as «прочие»."""
FAILING = ("failed", "dead", "rejected", "parked")
"""Statuses that need someone's attention (``published``, an event nobody takes, does not)."""


@dataclass(frozen=True)
class Period:
    """A window of the dashboard: ``count`` buckets of ``seconds`` each, ending now."""

    key: str
    title: str
    seconds: int
    count: int
    unit: str


PERIODS: dict[str, Period] = {
    "hour": Period("hour", "последний час, по минутам", 60, 60, "сообщений в минуту"),
    "day": Period("day", "последние 24 часа, по часам", 3600, 24, "сообщений в час"),
}


@dataclass
class Reading:
    """One reading of the hub's tables for a period."""

    times: list[datetime]
    by_type: list[charts.Series]
    by_source: list[charts.Series]
    failures: list[charts.Series]
    statuses: list[tuple[str, str, int]]
    """(status, its words, messages first seen in the period now in it), most first."""
    total: int
    dead_open: list[tuple[str, str, int]] = field(default_factory=list)
    """Open dead letters by (component, cause type), most first."""
    outbox_rows: int = 0
    outbox_oldest: datetime | None = None


def _bucket(db: Database, column: Any, seconds: int) -> Any:
    """The bucket number (Unix time // ``seconds``) of a time column, computed in SQL."""
    if db.dialect == "postgresql":
        return sa.func.floor(sa.extract("epoch", column) / seconds)
    return sa.cast(sa.func.strftime("%s", column), sa.Integer) / seconds


def _top(counts: dict[str, list[int]]) -> list[charts.Series]:
    """The :data:`TOP` largest series by total, the rest as one «прочие»."""
    ranked = sorted(counts.items(), key=lambda kv: (-sum(kv[1]), kv[0]))
    named = [charts.Series(k, v) for k, v in ranked[:TOP]]
    rest = [v for _, v in ranked[TOP:]]
    if rest:
        named.append(charts.Series(f"прочие ({len(rest)})",
                                   [sum(col) for col in zip(*rest, strict=True)]))
    return named


def read(db: Database, period: Period, routine: Sequence[str], now: datetime) -> Reading:
    """Count the period's flow, failures, open dead letters and the outbox."""
    last = int(now.timestamp()) // period.seconds
    first = last - period.count + 1
    since = datetime.fromtimestamp(first * period.seconds, UTC)
    times = [datetime.fromtimestamp((first + i) * period.seconds, UTC)
             for i in range(period.count)]
    j, d, o = journal_messages.c, dead_letters.c, outbox.c
    bucket = _bucket(db, j.first_seen_at, period.seconds).label("bucket")
    flow = (sa.select(j.type, j.source, j.status, bucket, sa.func.count())
            .where(j.first_seen_at >= since)
            .group_by(j.type, j.source, j.status, bucket))
    if routine:
        flow = flow.where(j.type.not_in(list(routine)))
    dead_bucket = _bucket(db, d.at, period.seconds).label("bucket")
    with db.read() as conn:
        rows = conn.execute(flow).all()
        dead_rows = conn.execute(
            sa.select(dead_bucket, sa.func.count()).where(d.at >= since)
            .group_by(dead_bucket)).all()
        dead_open = conn.execute(
            sa.select(d.component, d.cause_type, sa.func.count()).where(d.state == "open")
            .group_by(d.component, d.cause_type)).all()
        out_rows, oldest = conn.execute(
            sa.select(sa.func.count(), sa.func.min(o.created_at))).one()

    def slot() -> list[int]:
        return [0] * period.count

    types: dict[str, list[int]] = defaultdict(slot)
    sources: dict[str, list[int]] = defaultdict(slot)
    failing, dead_in = slot(), slot()
    statuses: Counter[str] = Counter()
    for type_, source, status, b, n in rows:
        i = int(b) - first
        if not 0 <= i < period.count:
            continue
        types[str(type_)][i] += int(n)
        sources[str(source)][i] += int(n)
        statuses[str(status)] += int(n)
        if status in FAILING:
            failing[i] += int(n)
    for b, n in dead_rows:
        i = int(b) - first
        if 0 <= i < period.count:
            dead_in[i] += int(n)
    return Reading(
        times=times,
        by_type=_top(types),
        by_source=_top(sources),
        failures=[charts.Series("с ошибкой сейчас (по времени поступления)", failing),
                  charts.Series("ушло в «Ошибки доставки»", dead_in)],
        statuses=[(s, STATUS_LABELS.get(s, s), n) for s, n in statuses.most_common()],
        total=sum(statuses.values()),
        dead_open=sorted(((str(c), str(t), int(n)) for c, t, n in dead_open),
                         key=lambda r: (-r[2], r[0], r[1])),
        outbox_rows=int(out_rows or 0),
        outbox_oldest=oldest,
    )


def relay_lag(rows: int, oldest: datetime | None, now: datetime) -> tuple[str, bool]:
    """The relay's lag in words, and whether it is worth a look (older than a minute)."""
    if not rows or oldest is None:
        return "нет задержки: все записанные сообщения опубликованы", False
    age = max(0, int((now - oldest).total_seconds()))
    return (f"ждут публикации: {charts.number(rows)}; старейшее записано "
            f"{_duration(age)} назад", age > 60)


def _duration(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} с"
    if seconds < 3600:
        return f"{seconds // 60} мин {seconds % 60} с"
    return f"{seconds // 3600} ч {seconds % 3600 // 60} мин"


def _journal_link(since: datetime, tz: tzinfo, **params: str) -> str:
    start = since.astimezone(tz).strftime("%d.%m.%Y %H:%M")
    return "/journal?" + urlencode({**params, "from": start})


def dashboard(c: Console, key: str, now: datetime) -> dict[str, Any]:
    """The dashboard's context for the period ``key``."""
    period = PERIODS.get(key) or PERIODS["hour"]
    reading = c.readings.get(f"dashboard.{period.key}", CACHE_SECONDS,
                             lambda: read(c.db, period, routine_names(c.types), now))
    health = read_health(c)
    healthy = sum(1 for v in health.values() if is_healthy(v))
    lag, lag_bad = relay_lag(reading.outbox_rows, reading.outbox_oldest, now)
    since = reading.times[0] if reading.times else now
    failing_total = sum(n for s, _, n in reading.statuses if s in FAILING)
    return {
        "period": period,
        "periods": list(PERIODS.values()),
        "reading": reading,
        "since": since,
        "failing_total": failing_total,
        "failing": FAILING,
        "dead_total": sum(n for _, _, n in reading.dead_open),
        "cause_words": {t: explain(t, "", 1) for _, t, _ in reading.dead_open},
        "chart_types": charts.bars("Поток по типам сообщений", reading.times,
                                   reading.by_type, c.tz, unit=period.unit),
        "chart_sources": charts.bars("Поток по компонентам-отправителям", reading.times,
                                     reading.by_source, c.tz, unit=period.unit),
        "chart_failures": charts.lines("Ошибки", reading.times, reading.failures, c.tz,
                                       unit=period.unit),
        "status_links": {s: _journal_link(since, c.tz, status=s)
                         for s, _, _ in reading.statuses},
        "lag": lag,
        "lag_bad": lag_bad,
        "health": [{"name": k, "healthy": is_healthy(v),
                    "status": status_text(v.get("status")),
                    # what is wrong, said where it shows: the healthy need no details here
                    "lines": [] if is_healthy(v) else lines(k, v, c.tz)[:4]}
                   for k, v in sorted(health.items(), key=lambda kv: (is_healthy(kv[1]),
                                                                       kv[0]))],
        "healthy": healthy,
        "has_health": c.health is not None,
        "queues": queue_rows(read_queues(c)),
        "has_queues": c.queue_stats is not None or c.queue_depths is not None,
    }


@page()
def dashboard_page(request: Request, user: User, form: FormData) -> Response:
    """«Обзор»: the hub's flow, failures, queues, relay and components on one page."""
    c = console(request)
    key = request.query_params.get("period", "hour")
    return render(request, "dashboard.html", dashboard(c, key, utcnow()))
