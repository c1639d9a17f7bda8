"""Analytics of the СМЭВ 3 exchange per information type (SMEV-6): figures and metrics.

The figures of a period (an hour, a day or a week up to now) are read from the adapter's
tables, each query bounded by the period and served by an index (``smev3_0002``):

- requests (``запросы``): what we sent (``smev3_outgoing``, kind ``request``) and what
  agencies asked of us (``smev3_received``, kind ``request``);
- answers (``ответы``): what came back and what we answered, likewise;
- rejections (``отказы``): a provider's ``RequestRejected`` (kind ``reject``) and a message
  СМЭВ rejected at its asynchronous check (``smev.rejected``, ``smev.resp_rejected``);
- faults (``сбои``): what we could not send (a SOAP fault of СМЭВ, given up or retried) and
  what we refused to take in (unreadable, bad signature or content);
- the time from our request to its answer (p50, p95), the backlog (rows waiting to be sent,
  of them retried after a fault) and the certificate problems of adapters/smev3/trust/.

Prometheus metrics are counted where the events happen, in the adapter's process
(:func:`count_sent`, :func:`count_received`): counters and a histogram that ``rate()`` and
``histogram_quantile()`` read exactly, without a scan of the tables at each scrape; the
backlog is a state, read from the table at scrape time by :class:`BacklogCollector`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

import sqlalchemy as sa
from prometheus_client import REGISTRY, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from adapters.smev3.models import outgoing, received
from adapters.smev3.protocol.policy import FAULT_POLICY
from admin.charts import Series
from admin.times import as_utc
from storage.db import Database

KINDS = ("requests", "answers", "rejections", "faults")
KIND_TITLES = {"requests": "Запросы", "answers": "Ответы", "rejections": "Отказы",
               "faults": "Сбои"}
"""What is counted, in the words of the page, the charts and the export."""

REJECTED_STATES = frozenset({"smev.rejected", "smev.resp_rejected"})
"""Statuses of СМЭВ that reject a message of ours at its asynchronous check."""
FAULT_STATES = frozenset({"failed", "smev.server_fault", "smev.client_fault",
                          "smev.unknown_fault"} | {p.state for p in FAULT_POLICY.values()})
"""States of an outgoing row that mean СМЭВ refused it with a fault (retried or not)."""
DURATION_LIMIT = 50_000
"""Answers whose waiting time one period reads at most (the newest ones)."""


@dataclass(frozen=True)
class Period:
    """A period to look back over, cut into buckets of the charts."""

    key: str
    title: str
    span: timedelta
    bucket: timedelta


PERIODS = {p.key: p for p in (
    Period("hour", "час", timedelta(hours=1), timedelta(minutes=5)),
    Period("day", "сутки", timedelta(days=1), timedelta(hours=1)),
    Period("week", "неделя", timedelta(days=7), timedelta(hours=6)),
)}


@dataclass
class TypeFigures:
    """One information type over the period."""

    key: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    seconds: list[float] = field(default_factory=list)
    pending: int = 0
    retrying: int = 0
    buckets: list[int] = field(default_factory=list)
    """Messages of the type (of all four kinds) per bucket of the period."""

    @property
    def p50(self) -> float | None:
        """The median time from our request to its answer, in seconds."""
        return percentile(self.seconds, 50)

    @property
    def p95(self) -> float | None:
        """The 95th percentile of that time, in seconds."""
        return percentile(self.seconds, 95)


@dataclass
class Analytics:
    """The figures of a period: per type, per bucket, and what waits."""

    period: Period
    since: datetime
    until: datetime
    times: list[datetime]
    types: dict[str, TypeFigures]
    buckets: dict[str, list[int]]
    warnings: list[str] = field(default_factory=list)

    def series(self) -> list[Series]:
        """The four counts over time, for :func:`admin.charts.bars`."""
        return [Series(KIND_TITLES[k], self.buckets[k]) for k in KINDS]

    def type_series(self) -> list[Series]:
        """Messages of each type that had any over time, for :func:`admin.charts.lines`."""
        return [Series(t.key, t.buckets) for t in self.types.values() if any(t.buckets)]

    def total(self) -> TypeFigures:
        """All types together."""
        out = TypeFigures("")
        for t in self.types.values():
            for k in KINDS:
                out.counts[k] += t.counts[k]
            out.seconds += t.seconds
            out.pending += t.pending
            out.retrying += t.retrying
        return out


def percentile(values: Sequence[float], q: float) -> float | None:
    """The nearest-rank percentile ``q`` of ``values`` (None when there are none)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def window(period: Period, now: datetime) -> tuple[datetime, datetime]:
    """The period's start and end: the end is the bucket boundary after ``now``."""
    epoch = datetime(2000, 1, 1, tzinfo=now.tzinfo)
    until = epoch + ((now - epoch) // period.bucket + 1) * period.bucket
    return until - period.span, until


def read(db: Database, period: Period, now: datetime, type_keys: Sequence[str] = ()) -> Analytics:
    """The figures of ``period`` up to ``now``; ``type_keys`` are listed even without any."""
    since, until = window(period, as_utc(now))
    n = int(period.span / period.bucket)
    times = [since + i * period.bucket for i in range(n)]
    types = {k: TypeFigures(k) for k in type_keys}
    buckets = {k: [0] * n for k in KINDS}

    def add(key: str, kind: str, at: datetime) -> None:
        figures = types.setdefault(key, TypeFigures(key))
        figures.counts[kind] += 1
        i = int((as_utc(at) - since) / period.bucket)
        if 0 <= i < n:
            buckets[kind][i] += 1
            if not figures.buckets:
                figures.buckets = [0] * n
            figures.buckets[i] += 1

    o, r = outgoing.c, received.c
    with db.read() as conn:
        for row in conn.execute(sa.select(o.type_key, o.kind, o.status, o.created_at).where(
                o.created_at >= since, o.created_at < until)):
            add(row.type_key, "requests" if row.kind == "request" else "answers",
                row.created_at)
            if row.status in FAULT_STATES:
                add(row.type_key, "faults", row.created_at)
            elif row.status in REJECTED_STATES:
                add(row.type_key, "rejections", row.created_at)
        for got in conn.execute(sa.select(r.type_key, r.kind, r.outcome, r.received_at).where(
                r.received_at >= since, r.received_at < until)):
            if got.outcome == "rejected":
                add(got.type_key, "faults", got.received_at)
            elif got.kind in ("request", "response"):
                add(got.type_key, "requests" if got.kind == "request" else "answers",
                    got.received_at)
            elif got.kind == "reject":
                add(got.type_key, "rejections", got.received_at)
        answered = conn.execute(
            sa.select(r.type_key, r.received_at, o.created_at)
            .select_from(received.join(outgoing, o.message_id == r.reference_message_id))
            .where(r.received_at >= since, r.received_at < until,
                   r.kind.in_(("response", "reject")))
            .order_by(r.received_at.desc()).limit(DURATION_LIMIT))
        for pair in answered:
            seconds = (as_utc(pair.received_at) - as_utc(pair.created_at)).total_seconds()
            types.setdefault(pair.type_key, TypeFigures(pair.type_key)).seconds.append(
                max(seconds, 0.0))
        for key, waiting, retried in conn.execute(
                sa.select(o.type_key, sa.func.count(), sa.func.sum(
                    sa.case((o.attempts > 0, 1), else_=0)))
                .where(o.status == "pending").group_by(o.type_key)):
            figures = types.setdefault(key, TypeFigures(key))
            figures.pending, figures.retrying = int(waiting), int(retried or 0)
    return Analytics(period, since, until, times, dict(sorted(types.items())), buckets)


def seconds_text(value: float | None) -> str:
    """A duration as the page reads it: ``4,2 с``, ``3 мин 5 с``; a dash when unknown."""
    if value is None:
        return "—"
    if value < 60:
        return f"{value:.1f}".replace(".", ",") + " с"
    minutes, seconds = divmod(round(value), 60)
    if minutes < 60:
        return f"{minutes} мин {seconds} с"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} ч {minutes} мин"


# -- Prometheus ----------------------------------------------------------------------------

MESSAGES = Counter("omshub_smev3_messages_total",
                   "СМЭВ 3 messages per information type, direction and kind "
                   "(request, response, reject, status, fault, refused)",
                   ["type", "direction", "kind"])
ANSWER_SECONDS = Histogram("omshub_smev3_answer_seconds",
                           "Time from our request to its answer or rejection, per type",
                           ["type"], buckets=(1, 5, 15, 30, 60, 120, 300, 900, 1800, 3600,
                                              3 * 3600, 12 * 3600, 24 * 3600))


def count_sent(type_key: str, kind: str, fault: bool) -> None:
    """One send attempt of the adapter: a request or response sent, or refused by a fault."""
    MESSAGES.labels(type_key, "out", "fault" if fault else kind).inc()


def count_received(type_key: str, kind: str, outcome: str,
                   asked_at: datetime | None, now: datetime) -> None:
    """One message taken in (or refused: ``outcome`` rejected); for an answer or rejection
    of our request asked at ``asked_at``, the time it took."""
    MESSAGES.labels(type_key, "in", "refused" if outcome == "rejected" else kind).inc()
    if asked_at is not None and kind in ("response", "reject") and outcome != "rejected":
        ANSWER_SECONDS.labels(type_key).observe(
            max((as_utc(now) - as_utc(asked_at)).total_seconds(), 0.0))


class BacklogCollector(Collector):
    """Rows waiting to be sent to СМЭВ per type, read from the table at each scrape (an
    indexed count by status), and how many certificate problems the adapter sees."""

    def __init__(self, db: Database, warnings: Callable[[], list[str]] | None = None) -> None:
        self.db = db
        self.warnings = warnings

    def describe(self) -> Iterator[Metric]:
        """The gauges without figures: registering reads no table."""
        yield GaugeMetricFamily("omshub_smev3_backlog", "", labels=["type"])
        yield GaugeMetricFamily("omshub_smev3_backlog_retrying", "", labels=["type"])
        if self.warnings is not None:
            yield GaugeMetricFamily("omshub_smev3_certificate_problems", "")

    def collect(self) -> Iterator[Metric]:
        """Yield the gauges."""
        waiting = GaugeMetricFamily("omshub_smev3_backlog",
                                    "Outgoing СМЭВ 3 messages waiting to be sent, per type",
                                    labels=["type"])
        retrying = GaugeMetricFamily("omshub_smev3_backlog_retrying",
                                     "Of them, waiting for a retry after a fault",
                                     labels=["type"])
        o = outgoing.c
        with self.db.read() as conn:
            rows = conn.execute(sa.select(o.type_key, sa.func.count(), sa.func.sum(
                sa.case((o.attempts > 0, 1), else_=0)))
                .where(o.status == "pending").group_by(o.type_key)).all()
        for key, n, retried in rows:
            waiting.add_metric([key], float(n))
            retrying.add_metric([key], float(retried or 0))
        yield waiting
        yield retrying
        if self.warnings is not None:
            yield GaugeMetricFamily("omshub_smev3_certificate_problems",
                                    "Certificates in use expiring soon, expired or untrusted",
                                    value=float(len(self.warnings())))


def register_backlog(db: Database,
                     warnings: Callable[[], list[str]] | None = None) -> Collector | None:
    """Serve the backlog gauges from the process's registry (None if another instance of
    the adapter in this process already does)."""
    collector = BacklogCollector(db, warnings)
    try:
        REGISTRY.register(collector)
    except ValueError:
        return None
    return collector


def unregister(collector: Collector | None) -> None:
    """Stop serving what :func:`register_backlog` registered."""
    if collector is not None:
        REGISTRY.unregister(collector)


COLUMNS = (("Вид сведений", 30), ("Запросы", 10), ("Ответы", 10), ("Отказы", 10),
           ("Сбои", 10), ("Ответов с замером", 12), ("Ответ p50, с", 12), ("Ответ p95, с", 12),
           ("Ждут отправки", 12), ("Из них повтор", 12))


def workbook(a: Analytics, tz: tzinfo, who: str, now: datetime) -> bytes:
    """The period's figures as an .xlsx file: per type, per bucket, and what was asked."""
    from openpyxl import Workbook

    from admin.xlsx import append_record, append_row, header_row, to_bytes

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "По видам сведений"
    header_row(sheet, [c for c, _ in COLUMNS], [w for _, w in COLUMNS])
    for t in [*a.types.values(), a.total()]:
        append_record(sheet, [t.key or "Итого", *(t.counts[k] for k in KINDS), len(t.seconds),
                              _round(t.p50), _round(t.p95), t.pending, t.retrying], tz)
    times = book.create_sheet("По времени")
    header_row(times, ["Начало интервала", *(KIND_TITLES[k] for k in KINDS)],
               [20, 10, 10, 10, 10])
    for i, moment in enumerate(a.times):
        append_record(times, [moment, *(a.buckets[k][i] for k in KINDS)], tz)
    about = book.create_sheet("Запрос")
    header_row(about, ["Параметр", "Значение"], [28, 70])
    append_record(about, ["Период", a.period.title], tz)
    append_record(about, ["С", a.since], tz)
    append_record(about, ["По", a.until], tz)
    append_row(about, ["Часовой пояс времени в файле", str(tz)])
    append_row(about, ["Выгрузил", who])
    append_record(about, ["Когда", now], tz)
    for w in a.warnings:
        append_row(about, ["Сертификаты", w])
    return to_bytes(book)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
