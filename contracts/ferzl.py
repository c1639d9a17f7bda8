"""A ФЕРЗЛ (ЦС ЕРЗ) message in the fund's terms: what any release's request or answer says.

ФЕРЗЛ's services nest the same facts under different names per operation and per release
(``pd/policy/policyItems`` in getPersonData, ``status`` in getInsuranceStatus, ``createdPcy``
in submitPolicyApplication, ``NR/legalPerson`` for a newborn's mother…). The reader
(``adapters/ferzl/reader.py``) walks any message into this one general form, so a handler,
the console and ``omshub ferzl read`` need not know the operation's tree:

- :class:`FerzlMessage`: the operation, the release, the direction, ``externalRequestId``,
  the ФЛК errors (:class:`FlkError`) and warnings, a SOAP Fault (:class:`SoapFault`), the
  asynchronous token, status and MTOM reference, and every person the message names;
- :class:`FerzlPerson` (ЗЛ): ЕНП, ОИП, СНИЛС, names, dates, sex, statuses, with the
  person's policies, identity documents, attachments, addresses, events.

Identifiers are kept as ФЕРЗЛ sends them except СНИЛС, which the fund keeps as 11 digits
(``156-975-661 29`` → ``15697566129``). This is a read form, not a bus message itself; it
travels in :class:`FerzlAnswerV1` (``ferzl.answer``), the answer to a :class:`FerzlCallV1`
(``ferzl.call``) any handler may send.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from contracts.registry import message_type
from contracts.zags import PERSONAL

Direction = Literal["request", "answer"]
"""``request``: what a ТФОМС sends (``…Request``); ``answer``: what ФЕРЗЛ answers
(``…Response``, or a SOAP Fault)."""


class FlkError(BaseModel):
    """One error (or warning) of ФЕРЗЛ's format and logic control (ФЛК), ``errorItem``."""

    code: str = Field(description="Код ошибки.")
    message: str = Field(default="", description="Текст ошибки.")
    tag: str | None = Field(default=None, description="Путь к полю с ошибкой.")
    value: str | None = Field(default=None, json_schema_extra=PERSONAL,
                              description="Значение поля с ошибкой (может быть персональным).")


class SoapFault(BaseModel):
    """A SOAP 1.1 Fault in place of the answer."""

    code: str = Field(description="faultcode.")
    message: str = Field(default="", description="faultstring.")
    actor: str | None = Field(default=None, description="faultactor.")
    detail: str | None = Field(default=None, description="Текст detail, если он есть.")


class Document(BaseModel):
    """An identity or other document (ДУДЛ, the newborn's medical certificate, a
    representative's voucher)."""

    type: str | None = Field(default=None, description="Тип документа (код справочника).")
    series: str | None = Field(default=None, json_schema_extra=PERSONAL, description="Серия.")
    number: str | None = Field(default=None, json_schema_extra=PERSONAL, description="Номер.")
    issued_on: date | None = Field(default=None, json_schema_extra=PERSONAL,
                                   description="Дата выдачи.")
    valid_to: date | None = Field(default=None, json_schema_extra=PERSONAL,
                                  description="Дата окончания действия.")
    issuer: str | None = Field(default=None, json_schema_extra=PERSONAL,
                               description="Кем выдан.")
    division_code: str | None = Field(default=None, description="Код подразделения.")
    citizenship: str | None = Field(default=None, description="Гражданство (ОКСМ).")
    status: str | None = Field(default=None, description="Статус записи (ДПП, НАП…).")


class Policy(BaseModel):
    """A policy of ОМС (полис), a temporary certificate included."""

    type: str | None = Field(default=None, description="Тип полиса (П, Э, В, С, К, Ц…).")
    enp: str | None = Field(default=None, description="ЕНП.")
    series: str | None = Field(default=None, description="Серия полиса старого образца.")
    number: str | None = Field(default=None, description="Номер полиса.")
    blank_number: str | None = Field(default=None, description="Номер бланка.")
    temporary_certificate: str | None = Field(default=None,
                                              description="Номер временного свидетельства.")
    starts_on: date | None = Field(default=None, description="Дата начала действия.")
    ends_on: date | None = Field(default=None, description="Дата окончания действия.")
    terminated_on: date | None = Field(default=None, description="Дата прекращения (pcyDateT).")
    status: str | None = Field(default=None, description="Статус (ДНП, ДПП, НАП…).")
    territory: str | None = Field(default=None, description="ОКАТО территории страхования.")
    insurer_code: str | None = Field(default=None, description="Код СМО (или филиала).")
    insurer_ogrn: str | None = Field(default=None, description="ОГРН СМО (или филиала).")
    insurer_name: str | None = Field(default=None, description="Наименование СМО.")
    category: str | None = Field(default=None, description="Категория застрахованного.")


class Attachment(BaseModel):
    """An attachment (прикрепление) to a clinic (МО)."""

    mo_id: str | None = Field(default=None, description="ФРМО OID головной МО.")
    mo_code: str | None = Field(default=None, description="Реестровый код МО (F032).")
    mo_branch_id: str | None = Field(default=None, description="ФРМО OID филиала (moFId).")
    department_id: str | None = Field(default=None, description="Подразделение (moDepId, depId).")
    mo_okato: str | None = Field(default=None, description="ОКАТО МО.")
    area_type: str | None = Field(default=None, description="Тип участка 1..5.")
    area_id: str | None = Field(default=None, description="Идентификатор участка.")
    method: str | None = Field(default=None, description="Способ прикрепления 1..4.")
    starts_on: date | None = Field(default=None, description="Дата прикрепления.")
    ends_on: date | None = Field(default=None, description="Дата открепления.")
    doctor_id: str | None = Field(default=None, description="Идентификатор врача.")
    doctor_snils: str | None = Field(default=None, json_schema_extra=PERSONAL,
                                     description="СНИЛС врача (11 цифр).")
    doctor_since: date | None = Field(default=None, description="Прикреплён к врачу с.")
    status: str | None = Field(default=None, description="Статус (ДПП, НАП, НПП…).")
    capitation: str | None = Field(default=None, description="Метка подушевого финансирования.")


class Address(BaseModel):
    """An address of registration or stay."""

    type: str | None = Field(default=None, description="Тип адреса.")
    okato: str | None = Field(default=None, description="ОКАТО.")
    country: str | None = Field(default=None, description="Страна (ОКСМ).")
    fias_object: str | None = Field(default=None, json_schema_extra=PERSONAL,
                                    description="ФИАС: адресный объект (aoguid).")
    fias_house: str | None = Field(default=None, json_schema_extra=PERSONAL,
                                   description="ФИАС: дом (hsguid).")
    apartment: str | None = Field(default=None, json_schema_extra=PERSONAL,
                                  description="Квартира.")
    text: str | None = Field(default=None, json_schema_extra=PERSONAL,
                             description="Адрес текстом.")
    valid_from: date | None = Field(default=None, description="Действует с.")
    valid_to: date | None = Field(default=None, description="Действует по.")
    status: str | None = Field(default=None, description="Статус записи.")


class IdentifierRecord(BaseModel):
    """One record of a person's identifier with its status (``snilsItems``, ``ernItems``)."""

    kind: Literal["snils", "ern"] = Field(description="СНИЛС или ЕРН.")
    value: str = Field(json_schema_extra=PERSONAL, description="Значение.")
    status: str | None = Field(default=None, description="Статус записи.")


class SocialStatus(BaseModel):
    """A social status (работающий / неработающий) as registered."""

    code: str = Field(description="Код социального статуса.")
    registered_on: date | None = Field(default=None, description="Дата регистрации.")


class ChangeEvent(BaseModel):
    """An event that changed a person's insurance (``enpChangedEvent``)."""

    code: str = Field(description="Код события (1П, ЗСМО, ЗДАДРС…).")
    at: datetime | None = Field(default=None, description="Когда.")
    group: str | None = Field(default=None,
                              description="Список события (enpArrived, enpChanged…).")


class NilDecision(BaseModel):
    """A decision about an unidentified person (НИЛ)."""

    code: str | None = Field(default=None, description="Код решения.")
    decided_on: date | None = Field(default=None, description="Дата решения.")
    enp: str | None = Field(default=None, description="ЕНП, признанный за НИЛ.")
    oip: str | None = Field(default=None, description="ОИП, признанный за НИЛ.")


PersonRole = Literal["person", "legal_representative", "legal_representation",
                     "accompanying", "merge_ancestor"]
"""Whom a person is in the message: ``person`` the subject; ``legal_representative`` a
newborn's or a searched person's legal representative (``legalPerson``);
``legal_representation`` a party of a representation (``legalRepresentationItem``);
``accompanying`` a person who accompanied a НИЛ; ``merge_ancestor`` the record a person
was merged from (getMergeAncessorOip)."""


class FerzlPerson(BaseModel):
    """A person (ЗЛ, НИЛ, НР) as a ФЕРЗЛ message names them; what it does not say is absent."""

    role: PersonRole = Field(default="person", description="Кто это в сообщении.")
    related_oip: str | None = Field(default=None,
                                    description="ОИП лица, к которому относится (для "
                                    "представителей и сопровождающих).")
    oip: str | None = Field(default=None, description="ОИП (идентификатор персоны в ЕРЗЛ).")
    enp: str | None = Field(default=None, description="ЕНП.")
    snils: str | None = Field(default=None, json_schema_extra=PERSONAL,
                              description="СНИЛС (11 цифр).")
    ern: str | None = Field(default=None, description="ЕРН.")
    nil_number: str | None = Field(default=None, description="Номер записи НИЛ.")
    surname: str | None = Field(default=None, json_schema_extra=PERSONAL,
                                description="Фамилия.")
    name: str | None = Field(default=None, json_schema_extra=PERSONAL, description="Имя.")
    patronymic: str | None = Field(default=None, json_schema_extra=PERSONAL,
                                   description="Отчество.")
    full_name: str | None = Field(default=None, json_schema_extra=PERSONAL,
                                  description="ФИО одной строкой (fio, fioEstim).")
    birth_date: date | None = Field(default=None, json_schema_extra=PERSONAL,
                                    description="Дата рождения.")
    sex: str | None = Field(default=None, description="Пол (1 м, 2 ж, 0 не указан).")
    death_date: date | None = Field(default=None, json_schema_extra=PERSONAL,
                                    description="Дата смерти.")
    status: str | None = Field(default=None,
                               description="Статус страхования/записи (ДПП, НСД, ДНП…).")
    territory: str | None = Field(default=None, description="ОКАТО территории страхования.")
    insurer_code: str | None = Field(default=None, description="Код СМО.")
    merged_on: date | None = Field(default=None, description="Дата слияния записей.")
    mo_code: str | None = Field(default=None,
                                description="МО, зарегистрировавшая НИЛ/НР (реестровый код).")
    mo_id: str | None = Field(default=None, description="ФРМО OID той МО.")
    decision: NilDecision | None = Field(default=None, description="Решение по НИЛ.")
    policies: list[Policy] = Field(default_factory=list, description="Полисы.")
    documents: list[Document] = Field(default_factory=list, json_schema_extra=PERSONAL,
                                      description="Документы.")
    attachments: list[Attachment] = Field(default_factory=list, description="Прикрепления.")
    addresses: list[Address] = Field(default_factory=list, json_schema_extra=PERSONAL,
                                     description="Адреса.")
    identifiers: list[IdentifierRecord] = Field(default_factory=list,
                                                description="История СНИЛС и ЕРН (значения "
                                                "персональные, вид — нет).")
    social_statuses: list[SocialStatus] = Field(default_factory=list,
                                                description="Социальный статус.")
    events: list[ChangeEvent] = Field(default_factory=list, description="События.")


class FerzlMessage(BaseModel):
    """One ФЕРЗЛ request or answer, any release, in the fund's terms."""

    operation: str | None = Field(description="Операция (getPersonData, registerAttachStart…);"
                                  " нет у SOAP Fault без detail.")
    release: str | None = Field(description="Выпуск API по пространству имён (24.2.6).")
    direction: Direction = Field(description="Запрос или ответ.")
    external_request_id: str | None = Field(default=None, description="externalRequestId.")
    errors: list[FlkError] = Field(default_factory=list, description="Ошибки ФЛК.")
    warnings: list[str] = Field(default_factory=list, description="Предупреждения.")
    fault: SoapFault | None = Field(default=None, description="SOAP Fault вместо ответа.")
    op_token: str | None = Field(default=None, description="Токен асинхронной операции.")
    processing_status: str | None = Field(default=None,
                                          description="Статус асинхронной операции.")
    content: str | None = Field(default=None,
                                description="Ссылка на вложение MTOM (cid:…) с результатом.")
    total: int | None = Field(default=None, description="Всего найдено (pagination/count).")
    persons: list[FerzlPerson] = Field(default_factory=list, description="Лица.")

    @property
    def rejected(self) -> bool:
        """ФЕРЗЛ refused the request: a Fault or ФЛК errors in a 200 answer."""
        return self.fault is not None or bool(self.errors)


# -- on the bus: a call of ФЕРЗЛ and its answer ------------------------------------------------


@message_type("ferzl.call", 1, title="Запрос в ФЕРЗЛ")
class FerzlCallV1(BaseModel):
    """A handler asks ФЕРЗЛ one operation; the ФЕРЗЛ adapter answers with ``ferzl.answer``.

    ``params`` are the operation's request model's fields as ``adapters/ferzl/requests``
    names them (``{"params": {"search": {"policy": {"enp": "…"}}}}``); a field's name alone
    (``{"enp": "…"}``) stands for the one place it fills. An asynchronous operation is asked
    by its ``…Start``: the adapter polls it and answers once with the result."""

    operation: str = Field(min_length=1, max_length=80,
                           description="Операция ФЕРЗЛ (getPersonData, getAllCurrentEnpStart…).")
    release: str | None = Field(default=None, max_length=20,
                                description="Выпуск API; по умолчанию — выбранный в настройках.")
    params: dict[str, Any] = Field(default_factory=dict, json_schema_extra=PERSONAL,
                                   description="Поля запроса (могут быть персональными).")
    purpose: str = Field(default="", max_length=500,
                         description="Зачем фонд спрашивает (для журнала запросов).")


@message_type("ferzl.answer", 1, title="Ответ ФЕРЗЛ")
class FerzlAnswerV1(BaseModel):
    """What ФЕРЗЛ answered a ``ferzl.call`` (caused by it): the read form with its
    deviations, or why there is no answer. The exact request and answer are the message's
    raw bytes and attachments; an asynchronous result's zipped CSV is attached too."""

    operation: str = Field(description="Операция ФЕРЗЛ.")
    release: str | None = Field(default=None, description="Выпуск API.")
    state: str = Field(description="ok, или состояние журнала (ferzl.forbidden, "
                                   "ferzl.flk_rejected…).")
    message: FerzlMessage | None = Field(default=None, description="Ответ в терминах фонда.")
    deviations: list[str] = Field(default_factory=list,
                                  description="Отклонения ответа от схемы выпуска.")
    error: str = Field(default="", description="Почему ответа нет или он отрицательный.")

    @property
    def ok(self) -> bool:
        """Whether ФЕРЗЛ answered without refusing."""
        return self.state == "ok"
