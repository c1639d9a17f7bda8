"""The router: validates every new message and delivers it to its subscribers (HUB-2).

It reads ``omshub.router``, checks the envelope and the payload against the message type,
journals the outcome and publishes one copy to each subscriber queue with confirms, and
only then acknowledges. Bad input never stops it:

* a malformed envelope, a message of an unknown type, or a payload failing its schema is
  **rejected**: journaled with the cause and the exact bytes received;
* a valid message that no component subscribes to (or addressed to a component that does
  not exist) is **parked**: journaled with its envelope and the reason, to be replayed from
  the console once a subscriber exists — a configuration fault;
* except an **event** (a type declared ``kind="event"``: a fact for whoever listens) that
  nobody subscribes to: that is normal, and it is journaled as **published** — its final
  state, no failure — and can still be replayed once a subscriber exists. An event
  addressed to a missing component is parked like any message.

The router process also keeps ``omshub.dead`` (see :mod:`hub.dead_letters`).
"""

from __future__ import annotations

import logging
import time
from typing import ClassVar

from pydantic import ValidationError
from sqlalchemy.engine import Connection

from contracts.envelope import Envelope, new_id
from contracts.registry import UnknownMessageType
from hub import headers as H
from hub import tracing
from hub.bus import DEAD_LETTER_QUEUE, Delivery, Disposition, Outgoing, QueueSpec, Subscription
from hub.component import Component
from hub.context import Context
from hub.dead_letters import DeadLetterKeeper
from hub.metrics import HANDLE_SECONDS, MESSAGES
from hub.outbox import ROUTER_QUEUE
from hub.resilience import Steadfast
from hub.routing import RoutingTable
from hub.runner import _summary
from storage.journal import JournalBatch, store_blob

log = logging.getLogger(__name__)

UNKNOWN_SOURCE = "неизвестен"
"""The source journaled for bytes that are not an envelope (nobody can be named)."""

class Router(Component):
    """The central router; run one or several (competing consumers on one queue)."""

    kind: ClassVar[str] = "hub"
    name: ClassVar[str] = "router"

    def __init__(self, table: RoutingTable | None = None) -> None:
        super().__init__()
        self.table = table or RoutingTable()
        self._sub: Subscription | None = None
        self._dead_sub: Subscription | None = None
        self._steadfast: Steadfast | None = None
        self.routed = 0
        self.unheard = 0
        self.parked = 0
        self.rejected = 0

    def setup(self, ctx: Context) -> None:
        """Also prepare the keeper of the broker's dead letters."""
        super().setup(ctx)
        self.keeper = DeadLetterKeeper(ctx.db)

    def queue_specs(self) -> list[QueueSpec]:
        """The router's queue and every subscriber queue."""
        limit = self.ctx.settings.delivery_limit
        names = [ROUTER_QUEUE, *self.table.queues()]
        return [QueueSpec(n, delivery_limit=limit) for n in names]

    def start(self) -> None:
        """Consume the router queue."""
        steadfast = Steadfast(self.component_name(), self._stopping)
        self._steadfast = steadfast
        batch = self.ctx.settings.prefetch
        self._sub = self.ctx.bus.consume(
            ROUTER_QUEUE, steadfast.wrap(self.route_batch), prefetch=2 * batch,
            batch_size=batch)
        self._dead_sub = self.ctx.bus.consume(
            DEAD_LETTER_QUEUE, steadfast.wrap(self.keeper.keep_batch), prefetch=50
        )

    def stop(self) -> None:
        """Stop consuming; the batch in progress finishes first."""
        super().stop()
        for sub in (self._sub, self._dead_sub):
            if sub is not None:
                sub.cancel()
        self._sub = self._dead_sub = None

    def health(self) -> dict[str, object]:
        """Counts since start."""
        outage = self._steadfast.outage if self._steadfast else None
        return {"status": "degraded" if outage else "ok", "outage": outage,
                "routed": self.routed, "unheard": self.unheard,
                "parked": self.parked, "rejected": self.rejected,
                "dead_letters_kept": self.keeper.kept}

    def route_batch(self, deliveries: list[Delivery]) -> list[Disposition]:
        """Validate, journal and forward a batch; ack only after the copies are confirmed."""
        started = time.perf_counter()
        journal = JournalBatch(self.component_name())
        out: list[Outgoing] = []
        rejects: list[tuple[Delivery, str, Envelope | None]] = []
        with tracing.batch("route", ROUTER_QUEUE, len(deliveries)):
            for d in deliveries:
                try:
                    env = Envelope.from_bytes(d.body)
                except ValidationError as exc:
                    rejects.append((d, f"конверт не читается: {_summary(exc)}", None))
                    continue
                if tracing.recording():
                    with tracing.following(f"route {env.routing_key}", d.headers, env.headers,
                                           attributes={"messaging.message.id": env.id}):
                        self._route(d, env, journal, out, rejects)
                else:
                    self._route(d, env, journal, out, rejects)
            with self.ctx.db.transaction() as conn:
                for d, cause, maybe_env in rejects:
                    self._reject(conn, journal, d, cause, maybe_env)
                journal.write(conn)
            # Journal first, then forward: a message is never handled before it is journaled.
            self.ctx.bus.publish(out)
        MESSAGES.labels(self.component_name(), "routed").inc(len(deliveries) - len(rejects))
        HANDLE_SECONDS.labels(self.component_name()).observe(time.perf_counter() - started)
        return [Disposition.ACK] * len(deliveries)

    def _route(self, d: Delivery, env: Envelope, journal: JournalBatch, out: list[Outgoing],
               rejects: list[tuple[Delivery, str, Envelope | None]]) -> None:
        """Check one message and add its copies to ``out`` (or it to ``rejects``)."""
        key = env.routing_key
        try:
            mt = self.ctx.types.get(key)
            mt.validate(env.payload)
        except UnknownMessageType as exc:
            rejects.append((d, str(exc), env))
            return
        except ValidationError as exc:
            rejects.append((d, f"данные не проходят проверку схемы {key}: {_summary(exc)}", env))
            return
        if not d.headers.get(H.JOURNALED):
            # Published straight to the router, not through an outbox: journal it here.
            journal.message(env, "received", person=mt.person_of(env.payload),
                            body=d.body.decode("utf-8"))
            journal.event(env.id, "received", queue=ROUTER_QUEUE, new=True)
        queues = self.table.destinations(key, env.destination)
        if not queues and mt.is_event and not env.destination:
            journal.event(env.id, "published", detail=f"событие {key}: подписчиков нет")
            self.unheard += 1
            return
        if not queues:
            whom = f"component {env.destination!r}" if env.destination else "subscriber"
            journal.event(env.id, "parked", detail=f"no {whom} for {key}",
                          error=f"unroutable: {key}")
            self.parked += 1
            return
        journal.event(env.id, "routed", detail=" ".join(queues))
        # Traced, the copies carry the route span as their parent in the bus headers.
        headers = tracing.inject(d.headers) if tracing.recording() else d.headers
        out.extend(Outgoing(q, d.body, env.id, headers) for q in queues)
        self.routed += 1

    def _reject(self, conn: Connection, journal: JournalBatch, d: Delivery, cause: str,
                env: Envelope | None) -> str:
        """Journal bad input with its exact bytes; returns the id it is journaled under."""
        self.rejected += 1
        message_id = env.id if env else (d.message_id or new_id())
        log.warning("rejected message %s: %s", message_id, cause)
        blob = store_blob(conn, d.body, "application/octet-stream")
        if env is None:
            # Not an envelope at all: journal it under a stub so that it can be found.
            # The sender is unknown; the journal says so in the staff's words.
            env = Envelope(id=message_id, type="hub.malformed", version=1,
                           source=UNKNOWN_SOURCE)
        journal.message(env, "rejected", raw_blob_id=blob,
                        body=d.body.decode("utf-8", "replace"))
        journal.event(message_id, "rejected", detail=cause, error=cause)
        return message_id
