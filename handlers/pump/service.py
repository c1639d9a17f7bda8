"""The ПУМП handler: takes clinics' packages in (PUMP-1); the next items check them."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, ClassVar

import sqlalchemy as sa

from contracts.files import FileReceivedV1
from contracts.schemas import SchemaNotFound, SchemaStore
from handlers.pump.intake.store import Outcome, Received, take
from handlers.pump.models import ACCEPTED, metadata, pump_packages
from handlers.pump.settings import PumpSettings
from handlers.pump.xml import H_SCHEMA
from hub.component import Handler, Message, handles
from hub.tx import Tx
from storage.journal import load_blob

log = logging.getLogger(__name__)
FORMAT_KEY = "pump.package"
"""The format key a drop's mask table gives a package (``HM*.zip`` → ``pump.package``)."""


class PumpHandler(Handler):
    """``handler.pump``: registries of accounts from clinics."""

    health_labels: ClassVar[Mapping[str, str]] = {
        "accepted": "Пакетов принято", "refused": "Пакетов отклонено",
        "schemas": "Схемы XSD реестров"}

    name: ClassVar[str] = "pump"
    metadata: ClassVar[sa.MetaData | None] = metadata

    def settings(self) -> PumpSettings:
        """``[plugins.pump]``."""
        return PumpSettings.model_validate(self.ctx.settings.plugins.get(self.name, {}))

    _store: SchemaStore | None = None

    def schemas(self) -> SchemaStore | None:
        """The registry XSDs under the configured schema directory (compiled once)."""
        root = self.ctx.settings.schemas_dir
        if root is None:
            return None
        if self._store is None or self._store.root != root:
            self._store = SchemaStore(root)
        return self._store

    @handles(FileReceivedV1)
    def on_file(self, message: Message[FileReceivedV1], tx: Tx) -> None:
        """A package (format ``pump.package``) taken in; other files are not ours."""
        if message.payload.format_key == FORMAT_KEY:
            self.take(message, tx)

    def take(self, message: Message[FileReceivedV1], tx: Tx) -> Outcome:
        """Check the package attached to ``message`` and store it or its refusal."""
        p = message.payload
        data = load_blob(tx.conn, p.file(message.envelope).blob_id) or b""
        got = Received(p.file_name, p.sender, p.drop, message.id, p.sha256, p.size,
                       p.received_at)
        outcome = take(tx.conn, data, got, self.schemas(), self.settings())
        if outcome.accepted:
            log.info("ПУМП: пакет %s принят, случаев %d", outcome.package_id, outcome.cases)
        else:
            log.warning("ПУМП: пакет %s отклонён: %s", outcome.package_id,
                        outcome.problems[0].code)
        return outcome

    def health(self) -> dict[str, Any]:
        """Packages accepted and refused, whether the XSDs are found."""
        t = pump_packages
        with self.ctx.db.read() as conn:
            counts: dict[str, int] = {str(k): int(v) for k, v in conn.execute(
                sa.select(t.c.status, sa.func.count()).group_by(t.c.status)).all()}
        store, found = self.schemas(), False
        if store is not None:
            try:
                found = store.problem(H_SCHEMA) is None
            except SchemaNotFound:
                found = False
        return {"status": "ok", "accepted": counts.get(ACCEPTED, 0),
                "refused": sum(v for k, v in counts.items() if k != ACCEPTED),
                "schemas": "найдены" if found else "не найдены: пакеты не проверяются по XSD"}
