"""What a handler method is given with each message: the transaction and a way to send.

:class:`Tx` is the plug-ins' side of the runner (hub/runner.py): a ``@handles`` method
gets one per message, writes its effects through ``conn`` or :meth:`Tx.insert` and sends
messages with :meth:`Tx.send`; all of it commits with the batch. ``hub.testing.worker``
builds the same ``Tx`` for a test (:func:`handler_methods`, :func:`write_deferred`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.engine import Connection

from contracts.envelope import AttachmentRef, Envelope
from contracts.registry import MessageType
from hub import progress
from hub.component import Component
from hub.outbox import envelope_for
from storage.bulk import insert_rows
from storage.db import Database


class Tx:
    """What a handler method works with: the transaction and a way to send messages."""

    def __init__(self, conn: Connection, cause: Envelope, component: str,
                 deferred: dict[sa.Table, list[dict[str, Any]]] | None = None,
                 db: Database | None = None) -> None:
        self.conn = conn
        self.cause = cause
        self.component = component
        self.sent: list[Envelope] = []
        self._deferred = deferred
        self._db = db

    def progress(self, title: str, *, total: int | None = None,
                 stage: str = "") -> progress.Progress:
        """Report the progress of handling a large message to the console.

        Written in its own transaction, not this one (hub/progress.py): the console sees it
        while the batch runs. Without a database (a bare test ``Tx``) it stays in memory.
        """
        return progress.start(self._db, title, kind="message", component=self.component,
                              total=total, stage=stage,
                              params={"message_id": self.cause.id})

    def insert(self, table: sa.Table, **row: Any) -> None:
        """Insert a row as part of this message's effect, written with the batch's rows.

        Rows are written in bulk at the end of the batch, in the same transaction (so a
        handler must not expect to read them back before then; use ``conn`` for that).
        Every call for one table must give the same columns.
        """
        if self._deferred is None:
            self.conn.execute(table.insert(), row)
        else:
            self._deferred.setdefault(table, []).append(row)

    def send(
        self,
        model: BaseModel,
        *,
        destination: str | None = None,
        attachments: Sequence[AttachmentRef] = (),
        headers: dict[str, str] | None = None,
    ) -> Envelope:
        """Send a message caused by the one being handled; it leaves when the batch commits."""
        env = envelope_for(model, source=self.component, cause=self.cause,
                           destination=destination, attachments=attachments, headers=headers)
        self.sent.append(env)
        return env


def handler_methods(component: Component) -> dict[str, tuple[Callable[..., Any], MessageType]]:
    """The component's bound ``@handles`` methods by the routing key of each type."""
    methods: dict[str, tuple[Callable[..., Any], MessageType]] = {}
    for sub in component.subscriptions():
        for mt in sub.types:
            methods[mt.key] = (getattr(component, sub.method), mt)
    return methods


def write_deferred(conn: Connection, deferred: dict[sa.Table, list[dict[str, Any]]]) -> None:
    """Write the rows handlers gave :meth:`Tx.insert`, in bulk, one statement per table."""
    for table, rows in deferred.items():
        insert_rows(conn, table, rows)
