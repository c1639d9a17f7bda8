"""The НСИ handler: owns the dictionaries' tables and refreshes them on a schedule."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import sqlalchemy as sa

from handlers.nsi.models import metadata, nsi_versions
from hub.component import Handler


class NsiHandler(Handler):
    """``handler.nsi``: the store of ФФОМС dictionaries (EXT-7)."""

    health_labels: ClassVar[Mapping[str, str]] = {
        "dictionaries": "Справочников загружено", "versions": "Версий справочников"}

    name: ClassVar[str] = "nsi"
    metadata: ClassVar[sa.MetaData | None] = metadata

    def health(self) -> dict[str, Any]:
        """How many dictionaries and versions are loaded."""
        with self.ctx.db.read() as conn:
            row = conn.execute(sa.select(sa.func.count(sa.distinct(nsi_versions.c.code)),
                                         sa.func.count())).one()
        return {"status": "ok", "dictionaries": int(row[0]), "versions": int(row[1])}
