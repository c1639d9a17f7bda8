"""Identification of an insured person (идентификация ЗЛ): who is this, and are they insured?

Any handler that meets a person by what a document says of them — a case of care in a
clinic's registry (ПУМП), a request of another territory — sends ``person.identify``
(:class:`IdentifyPersonV1`) and receives ``person.identified`` (:class:`PersonIdentifiedV1`)
naming its request by ``request_id``. The register answers: first from the regional register
(РС ЕРЗ), then, when the region does not know the person and ``federal`` allows it, from ФЕРЗЛ
(ЦС ЕРЗ). The asker needs to know neither.

Criteria are taken as the register's own search takes them (:class:`contracts.erz.port.
Criteria`): the first one given counts — ЕНП; СНИЛС; policy number (and series); identity
document number (and series, type); surname, name and birth date together (and patronymic).
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from contracts.registry import message_type
from contracts.zags import PERSONAL

Outcome = Literal["found", "not_found", "ambiguous", "failed"]
"""``found``: exactly one person; ``not_found``: nobody, in the region nor (when asked) in
ФЕРЗЛ; ``ambiguous``: several persons fit and the criteria cannot tell them apart;
``failed``: the question could not be answered (ФЕРЗЛ unreachable or refusing): ask again."""

Source = Literal["register", "ferzl"]
"""Where the answer comes from: the regional register or the federal one."""

OUTCOME_WORDS: dict[str, str] = {
    "found": "найден", "not_found": "не найден", "ambiguous": "найдено несколько",
    "failed": "не удалось определить",
}
"""Each outcome in the fund's words."""
SOURCE_WORDS: dict[str, str] = {"register": "РС ЕРЗ", "ferzl": "ФЕРЗЛ"}
"""Each source in the fund's words."""


@message_type("person.identify", 1, title="Запрос идентификации ЗЛ")
class IdentifyPersonV1(BaseModel):
    """Who is the person these criteria describe, and how insured on ``on``?"""

    enp: str | None = Field(default=None, pattern=r"^\d{16}$", description="ЕНП.")
    snils: str | None = Field(default=None, max_length=14, json_schema_extra=PERSONAL,
                              description="СНИЛС (11 цифр, с разделителями или без).")
    policy_series: str | None = Field(default=None, max_length=10,
                                      description="Серия полиса старого образца.")
    policy_number: str | None = Field(default=None, max_length=20,
                                      description="Номер полиса.")
    document_type: str | None = Field(default=None, max_length=2,
                                      description="Вид документа, удостоверяющего личность "
                                                  "(код F011).")
    document_series: str | None = Field(default=None, max_length=20,
                                        json_schema_extra=PERSONAL,
                                        description="Серия документа.")
    document_number: str | None = Field(default=None, max_length=20,
                                        json_schema_extra=PERSONAL,
                                        description="Номер документа.")
    surname: str | None = Field(default=None, max_length=40, json_schema_extra=PERSONAL,
                                description="Фамилия.")
    name: str | None = Field(default=None, max_length=40, json_schema_extra=PERSONAL,
                             description="Имя.")
    patronymic: str | None = Field(default=None, max_length=40, json_schema_extra=PERSONAL,
                                   description="Отчество.")
    birth_date: date | None = Field(default=None, json_schema_extra=PERSONAL,
                                    description="Дата рождения.")
    on: date | None = Field(default=None, description="На какую дату (дата оказания помощи); "
                                                       "по умолчанию — сегодня.")
    federal: bool = Field(default=True, description="Спрашивать ФЕРЗЛ, если в регионе не "
                                                    "нашлось.")
    purpose: str = Field(default="", max_length=500,
                         description="Зачем фонд идентифицирует (для журнала запросов ФЕРЗЛ).")

    @model_validator(mode="after")
    def _one_criterion(self) -> IdentifyPersonV1:
        if not (self.enp or self.snils or self.policy_number or self.document_number
                or (self.surname and self.name and self.birth_date)):
            raise ValueError("нужен хотя бы один критерий: ЕНП, СНИЛС, номер полиса, номер "
                             "документа или фамилия, имя и дата рождения")
        return self


class IdentifiedPerson(BaseModel):
    """A person as identified: identifiers, names and the insurance on the asked date."""

    enp: str | None = Field(default=None, description="ЕНП.")
    oip: str | None = Field(default=None, description="ОИП в ФЕРЗЛ (если ответ ФЕРЗЛ).")
    snils: str | None = Field(default=None, json_schema_extra=PERSONAL,
                              description="СНИЛС (11 цифр).")
    surname: str | None = Field(default=None, json_schema_extra=PERSONAL,
                                description="Фамилия.")
    name: str | None = Field(default=None, json_schema_extra=PERSONAL, description="Имя.")
    patronymic: str | None = Field(default=None, json_schema_extra=PERSONAL,
                                   description="Отчество.")
    birth_date: date | None = Field(default=None, json_schema_extra=PERSONAL,
                                    description="Дата рождения.")
    sex: str | None = Field(default=None, description="Пол (1 — м, 2 — ж).")
    death_date: date | None = Field(default=None, json_schema_extra=PERSONAL,
                                    description="Дата смерти.")
    insured: bool | None = Field(default=None, description="Застрахован на дату (None — "
                                                           "источник не сказал).")
    insurer: str | None = Field(default=None, description="Код СМО (или филиала).")
    policy_number: str | None = Field(default=None, description="Номер полиса (ЕНП для "
                                                                "полиса единого образца).")
    policy_status: str | None = Field(default=None, description="Статус полиса по источнику.")
    territory: str | None = Field(default=None, description="ОКАТО территории страхования.")
    clinic: str | None = Field(default=None, description="МО прикрепления (реестровый код).")


@message_type("person.identified", 1, title="Результат идентификации ЗЛ")
class PersonIdentifiedV1(BaseModel):
    """The answer to one ``person.identify``."""

    request_id: str = Field(min_length=1, max_length=64,
                            description="id конверта запроса person.identify.")
    outcome: Outcome = Field(description="found, not_found, ambiguous или failed.")
    source: Source | None = Field(default=None, description="Откуда ответ: register или "
                                                            "ferzl.")
    on: date = Field(description="На какую дату.")
    persons: list[IdentifiedPerson] = Field(default_factory=list,
                                            description="Найденные лица (одно при found).")
    note: str = Field(default="", max_length=1000,
                      description="Пояснение по-русски (почему не найден, ошибка ФЕРЗЛ).")

    @property
    def person(self) -> IdentifiedPerson | None:
        """The one person found, or None."""
        return self.persons[0] if self.outcome == "found" and self.persons else None
