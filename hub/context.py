"""What a component receives at setup: settings, storage, bus, types, and a way to publish."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from opentelemetry.trace import SpanKind
from pydantic import BaseModel
from sqlalchemy.engine import Connection

from contracts.envelope import AttachmentRef, Envelope
from contracts.registry import TypeRegistry, type_of
from hub import progress, tracing
from hub.bus import Bus
from hub.outbox import Relay, envelope_for, stage
from hub.settings import Settings
from storage.db import Database
from storage.journal import JournalBatch, store_blob


@dataclass(frozen=True)
class Attachment:
    """A file that travels with a message (an external message's attachment, a registry in a
    mail, …)."""

    name: str
    media_type: str
    data: bytes = field(repr=False)

    @property
    def size(self) -> int:
        """Length in bytes."""
        return len(self.data)


@dataclass(frozen=True)
class Inbound:
    """A message an adapter takes in from outside, with the exact bytes it came as.

    ``attachments`` are the files that came with it: each is stored as a blob and listed
    in the envelope's ``attachments`` after the raw bytes, so that a handler finds them.
    """

    model: BaseModel
    raw: bytes | None = None
    raw_media_type: str = "application/xml"
    raw_name: str = ""
    destination: str | None = None
    correlation_id: str | None = None
    cause: Envelope | None = None
    attachments: Sequence[Attachment] = ()


@dataclass
class Context:
    """Shared services of one component inside its process."""

    settings: Settings
    db: Database
    bus: Bus
    types: TypeRegistry
    relay: Relay
    component: str
    log: logging.Logger = field(default_factory=lambda: logging.getLogger("omshub"))

    def progress(self, title: str, *, total: int | None = None, stage: str = "",
                 kind: str = "job", params: dict[str, Any] | None = None) -> progress.Progress:
        """Report the progress of long work (a job's run) to the console: hub/progress.py;
        ``params`` say what the task works on (a screen finds its task by them)."""
        return progress.start(self.db, title, kind=kind, component=self.component,
                              total=total, stage=stage, params=params)

    def publish(self, model: BaseModel, **kw: object) -> Envelope:
        """Take one message in: journal it (with its raw bytes) and queue it for the router."""
        return self.publish_many([Inbound(model, **kw)])[0]  # type: ignore[arg-type]

    def publish_many(self, items: Sequence[Inbound]) -> list[Envelope]:
        """Take many messages in within one transaction; returns their envelopes."""
        with self.db.transaction() as conn:
            envelopes = self.publish_in(conn, items)
        self.relay.notify()
        return envelopes

    def publish_in(self, conn: Connection, items: Sequence[Inbound]) -> list[Envelope]:
        """Take messages in inside the caller's transaction (with the caller's own writes).

        The relay is not nudged: call ``ctx.relay.notify()`` after the commit.
        """
        journal = JournalBatch(self.component)
        staged: list[tuple[Envelope, str, str | None]] = []
        for item in items:
            mt = type_of(type(item.model))
            # A message's trace starts here (or goes on from its cause, or the current span).
            with tracing.span(f"intake {mt.key}", kind=SpanKind.PRODUCER,
                              parent=item.cause.headers if item.cause else None,
                              attributes={"omshub.component": self.component}) as span:
                env = self._envelope(conn, item)
                span.set_attribute("messaging.message.id", env.id)
            staged.append((env, mt.person_of(env.payload), env.attachments[0].blob_id
                           if item.raw is not None else None))
        stage(conn, journal, staged)
        journal.write(conn)
        return [env for env, _, _ in staged]

    def _envelope(self, conn: Connection, item: Inbound) -> Envelope:
        """The envelope of one message taken in, its raw bytes and files stored as blobs."""
        attachments: list[AttachmentRef] = []
        if item.raw is not None:
            attachments.append(AttachmentRef(
                blob_id=store_blob(conn, item.raw, item.raw_media_type),
                name=item.raw_name or "raw", media_type=item.raw_media_type,
                size=len(item.raw)))
        for file in item.attachments:
            attachments.append(AttachmentRef(
                blob_id=store_blob(conn, file.data, file.media_type), name=file.name,
                media_type=file.media_type, size=file.size))
        return envelope_for(item.model, source=self.component, cause=item.cause,
                            destination=item.destination, attachments=attachments,
                            correlation_id=item.correlation_id)
