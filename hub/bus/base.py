"""The bus interface every backend implements.

The hub addresses queues directly (default exchange, routing key = queue name): the router
decides destinations from the routing table, so routing is the same code on every backend
and is journaled. What a backend must provide:

* ``declare``: durable queues (quorum on RabbitMQ) with an explicit delivery limit and a
  dead-letter exchange;
* ``publish``: a batch of messages, returning only when the broker confirmed every one
  (publisher confirms), or raising :class:`PublishError`; a message may carry a ``delay``
  (retries with growing delay), which the backend implements its own way;
* ``consume``: deliveries handed to a batch handler, at most ``prefetch`` unacknowledged at
  once, acknowledged only after the handler returned its dispositions (manual acks);
* ``queue_stats``: what the broker says about a queue (ready, consumers, unacknowledged),
  each figure None where this backend cannot know it, with ``unknown`` saying why.
"""

from __future__ import annotations

import enum
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

DEAD_LETTER_EXCHANGE = "omshub.dead"
DEAD_LETTER_QUEUE = "omshub.dead"
DEFAULT_DELIVERY_LIMIT = 20


class BusError(Exception):
    """Base of bus failures."""


class PublishError(BusError):
    """The broker did not confirm a publish (nack, unroutable, timeout or connection lost)."""


@dataclass(frozen=True)
class QueueSpec:
    """A durable queue with its delivery limit and dead-letter exchange."""

    name: str
    delivery_limit: int = DEFAULT_DELIVERY_LIMIT
    dead_letter_exchange: str | None = DEAD_LETTER_EXCHANGE
    message_ttl_ms: int | None = None


@dataclass(frozen=True)
class Outgoing:
    """One message to publish straight to a queue."""

    queue: str
    body: bytes
    message_id: str
    headers: Mapping[str, Any] = field(default_factory=dict)
    delay: float = 0.0
    """Seconds to hold the message before it reaches ``queue`` (0 = now)."""


@dataclass
class Delivery:
    """One message received from a queue."""

    queue: str
    body: bytes
    message_id: str
    headers: dict[str, Any]
    redelivered: bool
    delivery_count: int
    """How many times the broker delivered it before (x-delivery-count on quorum queues)."""
    tag: Any = None


class Disposition(enum.Enum):
    """What to do with a delivery once its batch was handled."""

    ACK = "ack"
    """Done (handled, retried elsewhere, or dead-lettered by the hub): remove it."""
    REQUEUE = "requeue"
    """Could not handle now (e.g. database down): deliver again; counts against the limit."""
    REJECT = "reject"
    """Give up: the broker dead-letters it to the queue's dead-letter exchange."""


class Unknown(enum.Enum):
    """Why a backend leaves a queue figure out (the console words each)."""

    AMQP_UNACKED = "amqp-unacked"
    """AMQP's passive declare counts ready messages and consumers only; RabbitMQ tells
    unacknowledged counts through its management HTTP API, which the broker URL does not
    name (:mod:`hub.bus.management`)."""
    MANAGEMENT_UNAVAILABLE = "management-unavailable"
    """The broker URL names RabbitMQ's management API, and it did not answer."""
    NOT_REPORTED = "not-reported"
    """The backend reports ready messages only."""


@dataclass(frozen=True)
class QueueStats:
    """One reading of a queue: ready messages, consumers and messages delivered but not yet
    acknowledged; a figure is None when the backend cannot know it (``unknown`` says why)."""

    queue: str
    ready: int | None
    consumers: int | None = None
    unacked: int | None = None
    unknown: Unknown | None = None


BatchHandler = Callable[[list[Delivery]], Sequence[Disposition]]


class Subscription(ABC):
    """A running consumer of one queue."""

    @abstractmethod
    def cancel(self, timeout: float = 10.0) -> None:
        """Stop consuming; waits for the batch in progress, unacknowledged rest is requeued."""


class Bus(ABC):
    """A connection to a message broker, shared by the threads of one component."""

    url: str

    @abstractmethod
    def declare(self, queues: Sequence[QueueSpec]) -> None:
        """Declare queues (idempotent), plus the dead-letter and delay machinery."""

    @abstractmethod
    def publish(self, messages: Sequence[Outgoing], timeout: float = 30.0) -> None:
        """Publish persistently; return when all are confirmed, else raise PublishError."""

    @abstractmethod
    def consume(
        self,
        queue: str,
        handler: BatchHandler,
        *,
        prefetch: int = 200,
        max_wait: float = 0.02,
        batch_size: int | None = None,
    ) -> Subscription:
        """Start delivering batches from ``queue`` to ``handler`` on a worker thread.

        At most ``prefetch`` deliveries are unacknowledged at once (basic.qos). A batch holds
        what arrived within ``max_wait`` seconds of its first delivery, up to ``batch_size``
        deliveries (default: ``prefetch``). A window larger than a batch lets the next batch
        arrive while one is being handled. The handler returns one disposition per delivery.
        """

    @abstractmethod
    def queue_depth(self, queue: str) -> int | None:
        """Messages ready in ``queue``, or None when the queue does not exist."""

    def queue_stats(self, queue: str) -> QueueStats | None:
        """What the broker says about ``queue``, or None when it does not exist.

        Backends override this with what they know; by default only the ready count."""
        ready = self.queue_depth(queue)
        if ready is None:
            return None
        return QueueStats(queue, ready, unknown=Unknown.NOT_REPORTED)

    @abstractmethod
    def purge(self, queue: str) -> None:
        """Drop every ready message of ``queue`` (tests and operators only; no-op if missing)."""

    @abstractmethod
    def delete(self, queue: str) -> None:
        """Delete ``queue`` and its messages; no-op when it does not exist (tests, operators)."""

    @abstractmethod
    def healthy(self) -> bool:
        """Whether the connection to the broker is up."""

    @abstractmethod
    def close(self) -> None:
        """Cancel consumers and close connections."""
