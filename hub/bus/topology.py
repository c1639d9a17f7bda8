"""Names and arguments of the broker objects the bus declares, shared by every backend.

Both RabbitMQ backends (pika, and kombu over ``kombu+amqp://``) declare the same queues on
the same broker, so they must ask for exactly the same arguments: RabbitMQ refuses a
redeclaration with different ones (PRECONDITION_FAILED). This module is the one place that
says what they are.

* Work queues: durable quorum queues with a delivery limit and a dead-letter exchange.
* ``omshub.dead``: a fanout exchange and a quorum queue bound to it; the queue has no
  delivery limit, so reading dead letters back (and requeueing the ones a reader does not
  want) can never drop one.
* Retry delay tiers: for each tier of T seconds, a fanout exchange and a quorum queue
  ``omshub.delay.{T}s`` whose messages expire after T seconds and are dead-lettered to the
  default exchange, i.e. back to the queue named by their original routing key. Quorum
  queues support message TTL and at-least-once dead-lettering from RabbitMQ 3.10 on
  (checked on 3.10.8); at-least-once needs ``x-overflow=reject-publish``.
"""

from __future__ import annotations

from typing import Any

from hub.bus import DELAY_TIERS, tier_for
from hub.bus.base import DEAD_LETTER_EXCHANGE, DEAD_LETTER_QUEUE, QueueSpec

DELAY_PREFIX = "omshub.delay."

BROKER_HEADERS = ("x-delivery-count",)
"""Headers the broker owns: stripped on publish so a copied header cannot fake a count."""


def delay_name(seconds: int) -> str:
    """Name of the exchange and queue of the delay tier of ``seconds``."""
    return f"{DELAY_PREFIX}{seconds}s"


def delay_exchange(delay: float) -> str:
    """The exchange to publish a message to so that it waits ``delay`` seconds (a tier)."""
    return delay_name(tier_for(delay))


def delivery_limit(spec: QueueSpec) -> int | None:
    """The delivery limit of ``spec`` (None: unlimited, for the dead-letter queue)."""
    return None if spec.name == DEAD_LETTER_QUEUE else spec.delivery_limit


def queue_arguments(spec: QueueSpec) -> dict[str, Any]:
    """RabbitMQ arguments of a work queue (or of the dead-letter queue)."""
    args: dict[str, Any] = {"x-queue-type": "quorum"}
    limit = delivery_limit(spec)
    if limit is not None:
        args["x-delivery-limit"] = limit
    if spec.dead_letter_exchange and spec.name != DEAD_LETTER_QUEUE:
        args["x-dead-letter-exchange"] = spec.dead_letter_exchange
    if spec.message_ttl_ms is not None:
        args["x-message-ttl"] = spec.message_ttl_ms
    return args


DEAD_SPEC = QueueSpec(DEAD_LETTER_QUEUE, dead_letter_exchange=None)


def tier_arguments(seconds: int) -> dict[str, Any]:
    """RabbitMQ arguments of the delay queue of the tier of ``seconds``."""
    return {
        "x-queue-type": "quorum",
        "x-message-ttl": seconds * 1000,
        "x-dead-letter-exchange": "",
        "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish",
    }


def infrastructure() -> list[tuple[str, str, dict[str, Any]]]:
    """(exchange, queue, queue arguments) of the dead-letter queue and of every delay tier.

    Each is declared as a durable fanout exchange, a durable queue and a binding between
    the two.
    """
    items = [(DEAD_LETTER_EXCHANGE, DEAD_LETTER_QUEUE, queue_arguments(DEAD_SPEC))]
    items += [(delay_name(t), delay_name(t), tier_arguments(t)) for t in DELAY_TIERS]
    return items


def clean_headers(headers: Any) -> dict[str, Any]:
    """Outgoing headers without the ones the broker owns."""
    return {k: v for k, v in dict(headers).items() if k not in BROKER_HEADERS}
