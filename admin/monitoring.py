"""``/healthz`` and ``/metrics``: unauthenticated, for load balancers and Prometheus."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from admin.context import Console, console
from admin.journal_stats import JournalStats, families, read_stats
from admin.views.components import is_healthy, read_health, read_queues
from hub.bus import QueueStats
from hub.masking import mask_text

CACHE_SECONDS = 10.0
"""Journal counts are cached this long: a scrape must not scan the journal every time."""


def _database(c: Console) -> dict[str, Any]:
    try:
        with c.db.read() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return {"status": "error", "detail": type(exc).__name__}
    return {"status": "ok"}


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value if isinstance(value, int | float | bool) or value is None else str(value)


def health_report(c: Console) -> tuple[bool, dict[str, Any]]:
    """Whether everything is healthy, and each component's state (database included)."""
    components: dict[str, Any] = {"database": _database(c)}
    components.update(_clean(read_health(c)))
    healthy = all(is_healthy(v) for v in components.values())
    return healthy, {"status": "ok" if healthy else "unhealthy", "components": components}


async def healthz(request: Request) -> Response:
    """200 with the components when all are healthy, else 503."""
    healthy, report = await run_in_threadpool(health_report, console(request))
    return JSONResponse(report, status_code=200 if healthy else 503)


class JournalCollector(Collector):
    """The hub's tables (:mod:`admin.journal_stats`, cached), queue depths and every
    component instance's health as the console sees them."""

    def __init__(self, c: Console) -> None:
        self._console = c
        self._lock = threading.Lock()
        self._at = 0.0
        self._stats = JournalStats()

    def _read(self) -> JournalStats:
        with self._lock:
            if time.monotonic() - self._at > CACHE_SECONDS:
                self._stats = read_stats(self._console.db)
                self._at = time.monotonic()
            return self._stats

    def collect(self) -> Iterator[Metric]:
        """Yield the gauges."""
        yield from families(self._read())
        c = self._console
        if c.queue_stats is not None or c.queue_depths is not None:
            yield from _queue_families(read_queues(c))
        if c.health is not None:
            yield from _health_families(read_health(c))


def _queue_families(stats: dict[str, QueueStats | None]) -> Iterator[Metric]:
    """Ready, consumers and unacknowledged per queue, each where the broker tells it."""
    families = [
        ("ready", GaugeMetricFamily("omshub_console_queue_depth",
                                    "Messages ready per queue, as the console sees it",
                                    labels=["queue"])),
        ("consumers", GaugeMetricFamily("omshub_console_queue_consumers",
                                        "Consumers per queue, as the console sees it",
                                        labels=["queue"])),
        ("unacked", GaugeMetricFamily("omshub_console_queue_unacked",
                                      "Messages delivered and not yet acknowledged per queue",
                                      labels=["queue"])),
    ]
    for attribute, family in families:
        for queue, found in sorted(stats.items()):
            value = None if found is None else getattr(found, attribute)
            if value is not None:
                family.add_metric([queue], value)
        yield family


STATUSES = ("ok", "degraded", "down")
"""Statuses every instance has a series for (1 at its own), so that rules can compare."""


def _health_families(health: dict[str, dict[str, Any]]) -> Iterator[Metric]:
    up = GaugeMetricFamily(
        "omshub_console_component_healthy", "1 when the component reports healthy",
        labels=["component"],
    )
    status = GaugeMetricFamily(
        "omshub_console_component_status",
        "1 at the status each component instance reports (down: no heartbeat either)",
        labels=["component", "status"],
    )
    for name, state in sorted(health.items()):
        up.add_metric([name], 1.0 if is_healthy(state) else 0.0)
        current = str(state.get("status", "")).lower()
        for s in sorted({*STATUSES, current} - {""}):
            status.add_metric([name, s], 1.0 if s == current else 0.0)
    yield up
    yield status


def metrics_endpoint(c: Console) -> Any:
    """The ``/metrics`` endpoint: the process's default registry plus the journal gauges."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(JournalCollector(c))

    def render() -> bytes:
        return generate_latest(REGISTRY) + generate_latest(registry)

    async def metrics(request: Request) -> Response:
        body = await run_in_threadpool(render)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return metrics
