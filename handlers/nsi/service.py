"""The НСИ handler: owns the dictionaries' tables and refreshes them on a schedule."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, ClassVar

import sqlalchemy as sa

from contracts.envelope import utcnow
from handlers.nsi.models import metadata, nsi_versions
from handlers.nsi.refresh import PortalError, Report, refresh
from handlers.nsi.settings import NsiSettings
from hub.component import Handler, job

log = logging.getLogger(__name__)
TITLE = "Обновление справочников НСИ с портала ФФОМС"


class RefreshIncomplete(RuntimeError):
    """Some listed versions could not be loaded; the others were."""


class NsiHandler(Handler):
    """``handler.nsi``: the store of ФФОМС dictionaries (EXT-7)."""

    health_labels: ClassVar[Mapping[str, str]] = {
        "dictionaries": "Справочников загружено", "versions": "Версий справочников",
        "last_refresh": "Последнее обновление", "source": "Источник обновлений"}

    name: ClassVar[str] = "nsi"
    metadata: ClassVar[sa.MetaData | None] = metadata
    last_refresh: str | None = None

    def settings(self) -> NsiSettings:
        """``[plugins.nsi]``."""
        return NsiSettings.model_validate(self.ctx.settings.plugins.get(self.name, {}))

    @job("0 6 * * *", title=TITLE)
    def refresh(self) -> Report | None:
        """Take the versions the configured portal lists and we have not loaded, daily."""
        conf = self.settings()
        if not conf.source:
            self.last_refresh = "источник не настроен ([plugins.nsi] source)"
            return None
        try:
            report = refresh(self.ctx.db, conf.source, by=f"{self.component_name()}: {TITLE}",
                             at=utcnow(), codes=conf.codes or None, timeout=conf.timeout)
        except PortalError as exc:
            self.last_refresh = f"{utcnow():%d.%m.%Y %H:%M}: не удалось — {exc}"
            log.error("НСИ refresh failed: %s", exc)
            raise
        added = [f"{d.code} {d.version}" for d in report.loaded if d.added]
        self.last_refresh = (f"{utcnow():%d.%m.%Y %H:%M}: новых версий {len(added)}"
                             + (f" ({', '.join(added)})" if added else "")
                             + (f"; ошибок {len(report.failed)}" if report.failed else ""))
        for failure in report.failed:
            log.error("НСИ refresh: %s", failure)
        if report.failed:  # the schedule shows the job failed, and why (the others are loaded)
            raise RefreshIncomplete("не загружены: " + "; ".join(report.failed))
        return report

    def health(self) -> dict[str, Any]:
        """How many dictionaries and versions are loaded, the last refresh."""
        with self.ctx.db.read() as conn:
            row = conn.execute(sa.select(sa.func.count(sa.distinct(nsi_versions.c.code)),
                                         sa.func.count())).one()
        return {"status": "ok", "dictionaries": int(row[0]), "versions": int(row[1]),
                "source": self.settings().source or "не настроен",
                "last_refresh": self.last_refresh}
