"""``[plugins.erz]``: how the register works with ФЕРЗЛ.

Nothing of the register reaches ФЕРЗЛ until ``ferzl`` is on: the daily federal changes, the
monthly reconciliation (and its console start), identification's federal step and the
posting of attachments all send ``ferzl.call``, which only a configured ФЕРЗЛ adapter (the
API's schemas installed, an address and a token) can answer. The embedded demo has no ФЕРЗЛ
schemas: there the register answers from itself and counts attachments at once.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

OFF = "ФЕРЗЛ не подключён к РС ЕРЗ"
"""Why the register did not ask ФЕРЗЛ, in the fund's words (the pages add how an
administrator turns it on: ``[plugins.erz] ferzl = true``)."""


class FederalSettings(BaseModel):
    """The register's settings of its work with ФЕРЗЛ."""

    model_config = {"extra": "ignore"}

    ferzl: bool = Field(
        default=False, description="РС ЕРЗ работает с ФЕРЗЛ: идентификация, изменения ФЕРЗЛ, "
        "сверка, регистрация прикреплений (нужен настроенный адаптер ФЕРЗЛ).")
    ferzl_territory: str = Field(
        default="78000", pattern=r"^\d{5}$",
        description="ОКАТО территории страхования региона для ФЕРЗЛ (демо: 78000, "
        "Ярославская область, как у симулятора ФЕРЗЛ).")
    ferzl_max_checks: int = Field(
        default=20000, ge=0, description="Сколько лиц сверка уточняет в ФЕРЗЛ поштучно "
        "(getPersonData) за один запуск; остальные сомнения записываются без уточнения.")
    ferzl_attachments: bool = Field(
        default=False, description="Прикрепление действует только после регистрации в ФЕРЗЛ "
        "(registerAttach); действует при включённом ferzl.")
    clinic_oids: dict[str, str] = Field(
        default_factory=dict, description="Код МО (F032) → OID головной МО в ФРМО (moId).")

    @property
    def posting(self) -> bool:
        """Whether a clinic's attachments wait for ФЕРЗЛ's registerAttach."""
        return self.ferzl and self.ferzl_attachments


def settings_of(plugins: dict[str, Any]) -> FederalSettings:
    """The settings from ``[plugins.erz]``."""
    return FederalSettings.model_validate(plugins.get("erz", {}))
