"""Information types the seeds name that await a public schema (ожидают публичной схемы).

The seeds (``../shared/guide/mission.md``, SMEV-5) list more СМЭВ types than are installed.
For these no official XSD could be found in public (see
``../shared/fixtures/smev3/SOURCES.md``, "Searched but not found"), and schemas are not
invented, so none is implemented. The list is data so that the console's page of types and
the generated ``docs/smev3-types.md`` say the same; each entry leaves it the day its package
is installed (``omshub smev3 new-type`` scaffolds one from the official XSD). Every word
here is shown to users, hence Russian.
"""

from __future__ import annotations

from dataclasses import dataclass

from adapters.smev3.types import Role

AWAITING_SCHEMA = "ожидает публичной схемы"


@dataclass(frozen=True)
class AwaitingType:
    """One type the seeds name with no public schema yet."""

    title: str
    """What the type is, as the seeds and the registry of types name it."""
    role: Role
    """The fund's expected side of it (to be confirmed against the official description)."""
    searched: str
    """What was looked for and what was found instead."""
    status: str = AWAITING_SCHEMA


_ZAGS_SEARCHED = ("XSD не найдена; в открытом доступе только классы C#, сгенерированные из "
                  "неё (NesTeRDGIT/TfomsSmev)")

AWAITING: tuple[AwaitingType, ...] = (
    AwaitingType("Обращения граждан о медицинской помощи", "provider",
                 "ffoms.ru/FeedbackOnMedicalService, ffoms.ru/ListOfMedicalServicesProvided: "
                 "только сгенерированные классы, XSD нет"),
    AwaitingType("Заявление о выборе (замене) страховой медицинской организации и его "
                 "события (ЕПГУ)", "provider",
                 "ffoms.ru/ExecutionMedicalInsurancePolicy, ЕГИСЗ …/order/event/1.0.1: только "
                 "сгенерированные классы, XSD нет"),
    AwaitingType("Временное свидетельство, подтверждающее оформление полиса ОМС", "provider",
                 "ffoms.ru/ExecutionMedicalInsurancePolicy: только сгенерированные классы, "
                 "XSD нет"),
    AwaitingType("ФНС: закрытые сведения ЕГРИП (рассылка)", "consumer",
                 "открытая копия схемы не найдена"),
    AwaitingType("ФНС: закрытые сведения ЕГРЮЛ (рассылка)", "consumer",
                 "открытая копия схемы не найдена"),
    AwaitingType("ПФР (СФР): сведения о работающих застрахованных лицах", "consumer",
                 "XSD в открытом доступе не найдена"),
    AwaitingType("ПФР (СФР): данные лицевого счёта застрахованного лица по СНИЛС", "consumer",
                 "XSD в открытом доступе не найдена"),
    AwaitingType("ЕГР ЗАГС по подписке ТФОМС: сведения о рождении (112-23, rogdzp)",
                 "provider", _ZAGS_SEARCHED),
    AwaitingType("ЕГР ЗАГС по подписке ТФОМС: сведения о перемене имени (112-24, pernamezp)",
                 "provider", _ZAGS_SEARCHED),
    AwaitingType("ЕГР ЗАГС по подписке ТФОМС: сведения о смерти (112-25, fatalzp)",
                 "provider", _ZAGS_SEARCHED),
    AwaitingType("ЕГР ЗАГС по подписке ТФОМС: сведения о заключении и расторжении брака "
                 "(112-26, brakzrzp)", "provider", _ZAGS_SEARCHED),
    AwaitingType("ЕГР ЗАГС по подписке ТФОМС: сведения об установлении отцовства "
                 "(112-27, parent)", "provider", _ZAGS_SEARCHED),
    AwaitingType("ЕГР ЗАГС по подписке ТФОМС: сведения о заключении брака (112-47, brakzzp)",
                 "provider", _ZAGS_SEARCHED),
    AwaitingType("ЕГР ЗАГС по подписке ТФОМС: сведения о расторжении брака (112-49, brakrzp)",
                 "provider", _ZAGS_SEARCHED),
)
"""In the order the console and the document show them."""

ROLE_WORDS: dict[Role, str] = {"consumer": "потребитель (запрашиваем мы)",
                               "provider": "поставщик (отвечаем мы)"}
"""The fund's side in words, as the console's list of installed types puts it."""
