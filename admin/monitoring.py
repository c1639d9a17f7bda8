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
from admin.views.components import is_healthy, read_depths, read_health
from hub.masking import mask_text
from storage.models import dead_letters, journal_messages

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
    """Messages by status and open dead letters, read from the journal (cached)."""

    def __init__(self, c: Console) -> None:
        self._console = c
        self._lock = threading.Lock()
        self._at = 0.0
        self._counts: tuple[dict[str, int], int] = ({}, 0)

    def _read(self) -> tuple[dict[str, int], int]:
        with self._lock:
            if time.monotonic() - self._at > CACHE_SECONDS:
                with self._console.db.read() as conn:
                    by_status = {
                        str(s): int(n)
                        for s, n in conn.execute(
                            sa.select(journal_messages.c.status, sa.func.count())
                            .group_by(journal_messages.c.status)
                        ).all()
                    }
                    dead = conn.execute(
                        sa.select(sa.func.count()).select_from(dead_letters)
                        .where(dead_letters.c.state == "open")
                    ).scalar()
                self._counts = (by_status, int(dead or 0))
                self._at = time.monotonic()
            return self._counts

    def collect(self) -> Iterator[Metric]:
        """Yield the gauges."""
        by_status, dead = self._read()
        messages = GaugeMetricFamily(
            "omshub_journal_messages", "Journaled messages by latest status", labels=["status"]
        )
        for status, count in sorted(by_status.items()):
            messages.add_metric([status], count)
        yield messages
        yield GaugeMetricFamily(
            "omshub_dead_letters_open", "Dead letters waiting for an operator", value=dead
        )
        c = self._console
        if c.queue_depths is not None:
            depths = GaugeMetricFamily(
                "omshub_console_queue_depth", "Messages ready per queue, as the console sees it",
                labels=["queue"],
            )
            for queue, depth in sorted(read_depths(c).items()):
                if depth is not None:
                    depths.add_metric([queue], depth)
            yield depths
        if c.health is not None:
            up = GaugeMetricFamily(
                "omshub_console_component_healthy", "1 when the component reports healthy",
                labels=["component"],
            )
            for name, state in sorted(read_health(c).items()):
                up.add_metric([name], 1.0 if is_healthy(state) else 0.0)
            yield up


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
