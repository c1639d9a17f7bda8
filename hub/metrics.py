"""Prometheus metrics of a hub process."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

MESSAGES = Counter(
    "omshub_messages_total", "Messages by component and outcome", ["component", "outcome"]
)
HANDLE_SECONDS = Histogram(
    "omshub_batch_seconds", "Time to handle one batch", ["component"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
QUEUE_DEPTH = Gauge("omshub_queue_depth", "Messages ready in a queue", ["queue"])
COMPONENT_UP = Gauge("omshub_component_up", "1 when the component reports ok", ["component"])
