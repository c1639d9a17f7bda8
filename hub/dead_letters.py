"""Keeping the broker's dead letters: what RabbitMQ dead-lettered becomes visible and replayable.

The runner dead-letters what it gives up on itself (with the cause). The broker
dead-letters too — a message over its queue's delivery limit (a consumer crashed on it
again and again), or rejected, or with nowhere to go back to — into ``omshub.dead``.
This keeper reads that queue and records each one like the runner does, so the console
shows every dead letter, whoever made it.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError

from contracts.envelope import Envelope, utcnow
from hub import headers as H
from hub.bus import Delivery, Disposition
from storage.db import Database
from storage.journal import JournalBatch
from storage.models import dead_letters, inbox

log = logging.getLogger(__name__)

KEEPER = "hub.dead-letters"

_CAUSES = {
    "delivery_limit": ("DeliveryLimitExceeded",
                       "the broker gave up after the queue's delivery limit; the consumer "
                       "failed or crashed on it every time"),
    "rejected": ("RejectedByConsumer", "a consumer rejected it"),
    "expired": ("Expired", "it expired in its queue"),
    "maxlen": ("QueueOverflow", "its queue was full"),
}


BROKER_DEATH_HEADERS = ("x-death", "x-first-death-queue", "x-first-death-reason",
                        "x-first-death-exchange", "x-last-death-queue", "x-last-death-reason",
                        "x-last-death-exchange")
"""Headers the broker writes when it dead-letters; a copy sent on again must not carry them."""


def _death(headers: dict[str, Any]) -> tuple[str, str, int]:
    """(queue, reason, count) of the latest death the broker recorded.

    ``x-death`` lists the most recent death first; a retried message may have passed
    through a delay tier (an earlier, harmless "expired" death) before it died for good.
    """
    deaths = headers.get("x-death") or []
    if isinstance(deaths, list) and deaths and isinstance(deaths[0], dict):
        latest = deaths[0]
        return (str(latest.get("queue") or ""), str(latest.get("reason") or ""),
                int(latest.get("count", 0) or 0))
    queue = str(headers.get("x-first-death-queue") or headers.get(H.ORIGIN_QUEUE) or "")
    return queue, str(headers.get("x-first-death-reason") or ""), 0


class DeadLetterKeeper:
    """Records messages from ``omshub.dead`` in ``dead_letters`` and the journal."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.kept = 0

    def keep_batch(self, deliveries: list[Delivery]) -> list[Disposition]:
        """Record a batch (idempotent through the inbox) and acknowledge it."""
        journal = JournalBatch(KEEPER)
        rows: list[dict[str, Any]] = []
        keys: list[str] = []
        for d in deliveries:
            queue, reason, count = _death(d.headers)
            # The same death delivered again (after a crash) has the same key; a new death of
            # the same message (after a replay) has a new replay id or a higher count.
            replay = d.headers.get(H.REPLAY, "")
            key = hashlib.sha1(
                f"{d.message_id}|{queue}|{reason}|{count}|{replay}".encode()).hexdigest()
            try:
                message_id = Envelope.from_bytes(d.body).id
            except ValidationError:
                message_id = d.message_id or key
            cause_type, cause = _CAUSES.get(reason, ("DeadLettered", f"dead-lettered: {reason}"))
            rows.append({"message_id": message_id, "queue": queue or "?",
                         "component": queue.removeprefix("omshub.") or "?",
                         "cause_type": cause_type, "cause_message": cause,
                         "attempts": max(count, int(d.headers.get(H.ATTEMPT, 0) or 0)),
                         "body": d.body, "at": utcnow(), "state": "open", "key": key})
            keys.append(key)
        with self.db.transaction() as conn:
            seen = set(conn.execute(sa.select(inbox.c.message_id).where(
                inbox.c.consumer == KEEPER, inbox.c.message_id.in_(keys))).scalars())
            fresh = [r for r in rows if r["key"] not in seen]
            for r in fresh:
                journal.event(r["message_id"], "dead", queue=r["queue"], attempt=r["attempts"],
                              detail=f"{r['cause_type']}: {r['cause_message']}",
                              error=r["cause_type"])
                conn.execute(inbox.insert().values(consumer=KEEPER, message_id=r.pop("key"),
                                                   handled_at=utcnow()))
                conn.execute(dead_letters.insert().values(**r))
            journal.write(conn)
        self.kept += len(fresh)
        for r in fresh:
            log.warning("broker dead-lettered %s from %s: %s", r["message_id"], r["queue"],
                        r["cause_type"])
        return [Disposition.ACK] * len(deliveries)
