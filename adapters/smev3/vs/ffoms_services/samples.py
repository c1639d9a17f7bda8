"""Realistic test data of the ФОМС services request and answer (fictitious insured person)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from adapters.smev3.vs.ffoms_services.messages import (
    RenderedService,
    ServicesRequestV1,
    ServicesResponseV1,
)


def request() -> ServicesRequestV1:
    """A request about one insured person for the first half of 2024."""
    return ServicesRequestV1(
        region_okato="80000", family_name="Иванова", first_name="Мария", patronymic="Петровна",
        birth_date=date(1980, 4, 12), policy_number="0254310845000123",
        date_from=date(2024, 1, 1), date_to=date(2024, 6, 30))


def answer() -> ServicesResponseV1:
    """Two services: a hospital stay and an outpatient visit."""
    return ServicesResponseV1(services=[
        RenderedService(date_from=date(2024, 2, 5), date_to=date(2024, 2, 14),
                        care_regimen="стационарно", care_type="специализированная",
                        name="Лечение пневмонии", cost=Decimal("48210.50"),
                        clinic_name="ГБУЗ РБ ГКБ № 21 г. Уфа",
                        region_name="Республика Башкортостан"),
        RenderedService(date_from=date(2024, 3, 1), care_regimen="амбулаторно",
                        care_type="первичная медико-санитарная", name="Приём терапевта",
                        cost=Decimal("612"), clinic_name="ГБУЗ РБ Поликлиника № 43",
                        region_name="Республика Башкортостан"),
    ])
