"""The broker objects the bus declares, and their arguments: one list for every backend.

Both RabbitMQ backends (pika, and kombu over ``kombu+amqp://``) declare the same queues on
the same broker, so they must ask for exactly the same arguments: RabbitMQ refuses a
redeclaration with different ones (PRECONDITION_FAILED). This module is the one place that
says what they are; each backend only translates the declarations into its client's calls.

* Work queues: durable quorum queues with a delivery limit and a dead-letter exchange, each
  also bound (routing key = its name) to the return exchange ``omshub.return``.
* ``omshub.dead``: a fanout exchange and a quorum queue bound to it. The queue has no
  delivery limit, so reading dead letters back (requeueing those a reader does not want)
  can never drop one.
* Retry delay tiers: for each tier of T seconds, a fanout exchange and a quorum queue
  ``omshub.delay.{T}s`` whose messages expire after T seconds and are dead-lettered to
  ``omshub.return`` with their original routing key, i.e. back to the queue they were
  published for. Quorum queues support message TTL and at-least-once dead-lettering from
  RabbitMQ 3.10 on (checked on 3.10.8); at-least-once needs ``x-overflow=reject-publish``.
* ``omshub.return``: a direct exchange whose alternate exchange is ``omshub.dead``. Expired
  messages could go back through the default exchange instead, but an at-least-once
  dead-letterer retries an unroutable message forever, and a few dozen such messages (a
  retry for a queue deleted in the meantime) stall the whole tier: on 3.10.8, 100 of them
  kept a valid message from coming back at all. Through ``omshub.return``, a message whose
  queue is gone lands in ``omshub.dead`` instead, and the tier keeps flowing. (So a queue
  gets delayed messages only if it was declared through the bus, which binds it there.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hub.bus import DELAY_TIERS, tier_for
from hub.bus.base import DEAD_LETTER_EXCHANGE, DEAD_LETTER_QUEUE, QueueSpec

DELAY_PREFIX = "omshub.delay."
RETURN_EXCHANGE = "omshub.return"

BROKER_HEADERS = ("x-delivery-count",)
"""Headers the broker owns: stripped on publish so a copied header cannot fake a count."""


@dataclass(frozen=True)
class Exchange:
    """A durable exchange."""

    name: str
    type: str
    arguments: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Queue:
    """A durable queue."""

    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class Binding:
    """A binding of a queue to an exchange."""

    queue: str
    exchange: str
    routing_key: str = ""


Declaration = Exchange | Queue | Binding


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
        "x-dead-letter-exchange": RETURN_EXCHANGE,
        "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish",
    }


def infrastructure() -> list[Declaration]:
    """The dead-letter queue, the return exchange and the delay tiers, in declaring order."""
    decls: list[Declaration] = [
        Exchange(DEAD_LETTER_EXCHANGE, "fanout"),
        Queue(DEAD_LETTER_QUEUE, queue_arguments(DEAD_SPEC)),
        Binding(DEAD_LETTER_QUEUE, DEAD_LETTER_EXCHANGE),
        Exchange(RETURN_EXCHANGE, "direct", {"alternate-exchange": DEAD_LETTER_EXCHANGE}),
    ]
    for seconds in DELAY_TIERS:
        name = delay_name(seconds)
        decls += [Exchange(name, "fanout"), Queue(name, tier_arguments(seconds)),
                  Binding(name, name)]
    return decls


def work_queue(spec: QueueSpec) -> list[Declaration]:
    """A work queue and its binding to the return exchange (for delayed messages)."""
    return [Queue(spec.name, queue_arguments(spec)),
            Binding(spec.name, RETURN_EXCHANGE, spec.name)]


def declarations(specs: list[QueueSpec], *, infra: bool) -> list[Declaration]:
    """What to declare for ``specs``, preceded by the infrastructure if asked."""
    decls = infrastructure() if infra else []
    for spec in specs:
        decls += work_queue(spec)
    return decls


def clean_headers(headers: Mapping[str, Any]) -> dict[str, Any]:
    """Outgoing headers without the ones the broker owns."""
    return {k: v for k, v in headers.items() if k not in BROKER_HEADERS}
