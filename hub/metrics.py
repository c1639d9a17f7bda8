"""Prometheus metrics of a hub process, and the port that serves them with its ``/healthz``."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from hub.bus.base import QueueStats
from hub.httpserve import BackgroundServer

MESSAGES = Counter(
    "omshub_messages_total", "Messages by component and outcome", ["component", "outcome"]
)
HANDLE_SECONDS = Histogram(
    "omshub_batch_seconds", "Time to handle one batch", ["component"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
QUEUE_DEPTH = Gauge("omshub_queue_depth", "Messages ready in a queue", ["queue"])
QUEUE_CONSUMERS = Gauge("omshub_queue_consumers", "Consumers of a queue", ["queue"])
QUEUE_UNACKED = Gauge(
    "omshub_queue_unacked", "Messages delivered from a queue and not yet acknowledged", ["queue"])
COMPONENT_UP = Gauge("omshub_component_up", "1 when the component reports ok", ["component"])


def record_queue(stats: QueueStats) -> None:
    """Keep one reading of a queue as gauges (a figure the backend cannot know is left out)."""
    for gauge, value in ((QUEUE_DEPTH, stats.ready), (QUEUE_CONSUMERS, stats.consumers),
                         (QUEUE_UNACKED, stats.unacked)):
        if value is not None:
            gauge.labels(stats.queue).set(value)


HealthReport = Callable[[], Mapping[str, Mapping[str, Any]]]
"""A process's health: each of its parts (components, bus, relay) with a ``status``."""

ALIVE = frozenset({"ok", "degraded"})
"""Statuses of a part that still works: ``degraded`` retries an outage or reports a stuck
file, and recovers by itself; anything else (``down``) makes the process unhealthy."""


def process_health(health: HealthReport) -> tuple[bool, dict[str, str]]:
    """Whether no part of the process is down, and each part's status (details left out)."""
    try:
        statuses = {str(k): str(v.get("status", "ok")) for k, v in health().items()}
    except Exception as exc:  # noqa: BLE001 - a failing probe is an unhealthy process
        return False, {"health": f"error: {type(exc).__name__}"}
    return all(s in ALIVE for s in statuses.values()), statuses


def serve(port: int, health: HealthReport, host: str = "0.0.0.0") -> BackgroundServer:
    """Serve ``/metrics`` and ``/healthz`` of this process on ``port`` (started).

    ``/healthz`` answers 200 while no part of the process is down, else 503, with the
    statuses as JSON: the liveness and readiness probe of one component's process (the
    console's own ``/healthz`` sums up the whole hub).
    """

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/metrics":
                self._send(200, generate_latest(REGISTRY), CONTENT_TYPE_LATEST)
            elif path == "/healthz":
                ok, statuses = process_health(health)
                body = json.dumps({"status": "ok" if ok else "unhealthy",
                                   "components": statuses}).encode()
                self._send(200 if ok else 503, body, "application/json")
            else:
                self._send(404, b"not found\n", "text/plain; charset=utf-8")

        def _send(self, code: int, body: bytes, content_type: str) -> None:
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            """Probes and scrapes every few seconds are not worth a log line."""

    httpd = ThreadingHTTPServer((host, port), Handler)
    httpd.daemon_threads = True
    server = BackgroundServer(httpd, "metrics")
    server.start()
    return server
