"""``adapter.nsi``: the daily refresh of the ФФОМС dictionaries from the НСИ portal.

The job reads the portal's list, downloads each version not loaded yet and publishes it as
``nsi.version.published`` with the zip attached; ``handler.nsi`` loads it. Which versions are
loaded it asks the handler's port ``nsi.dictionaries`` (``loaded()``), afresh on every run —
it keeps no list of its own that could disagree with the store (docs/nsi.md, "The refresh").
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from adapters.nsi.portal import Listed, PortalError, download, listing
from adapters.nsi.settings import NsiSettings
from contracts.envelope import Envelope, utcnow
from contracts.nsi import NSI_PORT, Dictionaries, NsiVersionPublishedV1
from hub.component import Adapter, job
from hub.context import Attachment
from hub.ports import PortUnavailable, port

log = logging.getLogger(__name__)
TITLE = "Обновление справочников НСИ с портала ФФОМС"


class RefreshIncomplete(RuntimeError):
    """Some listed versions could not be downloaded; the others were published."""


@dataclass
class Report:
    """What one refresh did."""

    listed: int = 0
    published: list[Envelope] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def versions(self) -> list[str]:
        """``CODE VERSION`` of each version published."""
        return [f"{e.payload['code']} {e.payload['version']}" for e in self.published]


class NsiAdapter(Adapter):
    """``adapter.nsi``: new versions of the ФФОМС dictionaries from the portal (EXT-7)."""

    health_labels: ClassVar[Mapping[str, str]] = {
        "last_refresh": "Последнее обновление", "source": "Источник обновлений"}

    name: ClassVar[str] = "nsi"
    last_refresh: str | None = None

    def settings(self) -> NsiSettings:
        """``[plugins.nsi]``."""
        return NsiSettings.model_validate(self.ctx.settings.plugins.get(self.name, {}))

    @job("0 6 * * *", title=TITLE)
    def refresh(self) -> Report | None:
        """Publish the versions the configured portal lists and the store lacks, daily."""
        conf = self.settings()
        if not conf.source:
            self.last_refresh = "источник не настроен ([plugins.nsi] source)"
            return None
        try:
            report = self.take(conf.source, conf.codes, conf.timeout)
        except (PortalError, PortUnavailable) as exc:
            self.last_refresh = f"{utcnow():%d.%m.%Y %H:%M}: не удалось — {exc}"
            log.error("НСИ refresh failed: %s", exc)
            raise
        added = report.versions
        self.last_refresh = (f"{utcnow():%d.%m.%Y %H:%M}: новых версий {len(added)}"
                             + (f" ({', '.join(added)})" if added else "")
                             + (f"; ошибок {len(report.failed)}" if report.failed else ""))
        for failure in report.failed:
            log.error("НСИ refresh: %s", failure)
        if report.failed:  # the schedule shows the job failed, and why (the others went on)
            raise RefreshIncomplete("не загружены: " + "; ".join(report.failed))
        return report

    def loaded(self) -> set[tuple[str, str]]:
        """(code, version) of every version in the store, asked through the port now."""
        dictionaries = port(NSI_PORT, self.ctx)
        if not isinstance(dictionaries, Dictionaries):
            raise PortUnavailable(f"порт {NSI_PORT} не отвечает на вопросы о справочниках")
        return {(code, v) for code, versions in dictionaries.loaded().items() for v in versions}

    def take(self, base: str, codes: list[str], timeout: float) -> Report:
        """Download and publish each listed version (of ``codes`` if any) not loaded yet;
        one failing does not stop the others."""
        listed = [i for i in listing(base, timeout) if not codes or i.code in codes]
        report = Report(listed=len(listed))
        have = self.loaded()
        for item in listed:
            if (item.code, item.version) in have:
                continue
            try:
                report.published.append(self.publish(base, item, timeout))
            except PortalError as exc:
                report.failed.append(f"{item.code} {item.version}: {exc}")
        return report

    def publish(self, base: str, item: Listed, timeout: float) -> Envelope:
        """One version downloaded and published with its zip attached."""
        data, url = download(base, item, timeout)
        message = NsiVersionPublishedV1(
            code=item.code, version=item.version, issued=item.issued, source=url,
            sha256=hashlib.sha256(data).hexdigest(), size=len(data))
        return self.ctx.publish(message, attachments=(
            Attachment(message.file_name, "application/zip", data),))

    def health(self) -> dict[str, Any]:
        """Where it refreshes from, the last refresh."""
        return {"status": "ok", "source": self.settings().source or "не настроен",
                "last_refresh": self.last_refresh}
