"""Riding out outages of the database or the broker without burning delivery attempts.

When the hub's own writes fail because PostgreSQL or RabbitMQ is unreachable, requeueing
the batch at once would spin through the queue's delivery limit in a second and send
healthy messages to the dead-letter queue. Instead the batch is held (unacknowledged) and
run again with growing pauses; it is handed back to the broker only after a long outage
or when the component stops. Re-running is safe: the inbox makes it idempotent.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import sqlalchemy as sa

from hub.bus import BusError, Delivery, Disposition

log = logging.getLogger(__name__)

INFRASTRUCTURE_ERRORS: tuple[type[BaseException], ...] = (sa.exc.DBAPIError, BusError)


class Steadfast:
    """Wraps a batch handler: retries it while infrastructure errors last."""

    def __init__(self, name: str, stopping: threading.Event, *, attempts: int = 12,
                 first: float = 0.5, cap: float = 30.0) -> None:
        self.name = name
        self.stopping = stopping
        self.attempts = attempts
        self.first = first
        self.cap = cap
        self.outage: str | None = None
        """The error of the outage in progress, for health reports."""

    def wrap(self, fn: Callable[[list[Delivery]], list[Disposition]]
             ) -> Callable[[list[Delivery]], list[Disposition]]:
        """A batch handler that holds its batch through an outage."""

        def steadfast(deliveries: list[Delivery]) -> list[Disposition]:
            delay = self.first
            for attempt in range(1, self.attempts + 1):
                try:
                    result = fn(deliveries)
                    self.outage = None
                    return result
                except INFRASTRUCTURE_ERRORS as exc:
                    self.outage = f"{type(exc).__name__}: {exc}".splitlines()[0][:500]
                    log.warning("%s: batch of %d held, attempt %d failed: %s", self.name,
                                len(deliveries), attempt, self.outage)
                    if attempt == self.attempts or self.stopping.wait(delay):
                        break
                    delay = min(delay * 2, self.cap)
            return [Disposition.REQUEUE] * len(deliveries)

        return steadfast
