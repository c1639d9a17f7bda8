"""The shared types of the РС ЕРЗ ↔ СМО lists (``TargetClass.xsd`` of rt.srz).

Every complex type of ``TargetClass.xsd`` is a model here, with every element in schema
order; the integer enumerations are :class:`~enum.IntEnum`, the string ones ``Literal``.
The schema types its dates as ``xs:dateTime``; dates of a day (birth, issue, expiry) are
``date`` here and written at midnight (:data:`~contracts.xmlbind.fields.DateTimeDate`).
Strings the schema requires but real files leave empty (a patronymic, a phone) are
``Elem(blank=True)``: ``None`` is written as an empty element, which the schema accepts.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Annotated, ClassVar, Literal

from annotated_types import Ge, Le
from pydantic import Field

from contracts.xmlbind.binding import Elem, XmlModel
from contracts.xmlbind.fields import PERSONAL, DateTimeDate, digits, pattern, text

NS = "http://tempuri.org/XMLSchema.xsd"
"""rt.srz's placeholder namespace: every element of the lists is qualified with it."""

Enp = Annotated[str, digits(16)]
"""Единый номер полиса (ЕНП): 16 digits."""
Snils = Annotated[str, pattern(r"\d{11}|\d{3}-\d{3}-\d{3} \d{2}")]
"""СНИЛС: 11 digits, bare or in the printed form ``123-456-789 01``."""
Okato = Annotated[str, pattern(r"\d{2,11}")]
Bit = Annotated[int, Ge(0), Le(1)]
"""0 or 1 (Bit)."""


class Operation(IntEnum):
    """Тип операции (Operation_Enum)."""

    TEMPORARY_CERTIFICATE = 1  # выдача временного свидетельства
    ANNUL = 2  # аннулировать запись
    EDIT = 4  # редактировать запись
    ISSUE_POLICY = 6  # выдача утвержденного полиса
    REINSURANCE = 7  # перестрахование
    REISSUE_POLICY = 8  # переоформление полиса


class Sex(IntEnum):
    """Пол (Sex_Enum)."""

    MALE = 1
    FEMALE = 2


class BirthDateAccuracy(IntEnum):
    """Признак достоверности даты рождения (True_date_Enum)."""

    EXACT = 1
    MONTH_AND_YEAR = 2
    YEAR_ONLY = 3


class DocumentType(IntEnum):
    """Тип документа, удостоверяющего личность (Doc_type_Enum, 1–18)."""

    USSR_PASSPORT = 1
    USSR_FOREIGN_PASSPORT = 2
    BIRTH_CERTIFICATE = 3
    OFFICER_ID = 4
    PRISON_RELEASE_CERTIFICATE = 5
    MERCHANT_FLEET_PASSPORT = 6
    MILITARY_ID = 7
    DIPLOMATIC_PASSPORT = 8
    FOREIGN_PASSPORT = 9
    REFUGEE_APPLICATION_CERTIFICATE = 10
    RESIDENCE_PERMIT = 11
    REFUGEE_ID = 12
    TEMPORARY_ID = 13
    RUSSIAN_PASSPORT = 14
    RUSSIAN_FOREIGN_PASSPORT = 15
    SEAMAN_PASSPORT = 16
    RESERVE_OFFICER_MILITARY_ID = 17
    OTHER_INTERIOR_MINISTRY_DOCUMENT = 18


class ApplicationMethod(IntEnum):
    """Способ подачи заявления (Choosing_way_Enum)."""

    IN_PERSON = 1
    BY_REPRESENTATIVE = 2
    FUND_WEBSITE = 3
    PUBLIC_SERVICES_PORTAL = 4


class InsurerChoiceReason(IntEnum):
    """Повод подачи заявления о выборе (замене) СМО (Smo_choise_Enum)."""

    FIRST_CHOICE = 1
    YEARLY_RIGHT = 2
    MOVED = 3
    INSURER_STOPPED = 4


class PolicyReason(IntEnum):
    """Повод подачи заявления о выдаче (переоформлении) полиса (Polis_choise_Enum)."""

    FIRST_POLICY = 1
    DETAILS_CHANGED = 2
    DETAILS_WRONG = 3
    WORN_OUT = 4
    LOST = 5
    EXPIRED = 6


class AttachmentZone(IntEnum):
    """Тип прикрепления (Zone_type_Enum)."""

    ADULT_SOMATIC = 1
    CHILD_SOMATIC = 3
    ADULT_DENTAL = 4
    CHILD_DENTAL = 5
    ONCOLOGY = 6
    ADULT_TRAUMA = 7
    CHILD_TRAUMA = 8
    ADULT_DERMATOLOGY = 11
    CHILD_DERMATOLOGY = 12
    CHILD_GYNAECOLOGY = 13


class RecordState(IntEnum):
    """Признак активности записи (Active_Enum)."""

    INACTIVE = 0
    ACTIVE = 1
    BUFFER = 2


PolicyType = Literal["С", "В", "П", "Э", "К"]
"""Тип полиса (Polis_type_Enum): old-style, temporary certificate, paper, electronic, card."""
PolicyForm = Literal["П", "Э", "К"]
"""Выбранная форма изготовления полиса (Form_polis_Enum)."""
AddressType = Literal["г", "о", "р", "и"]
"""Тип адреса: городской, областной, российский, иностранный (Adress_type_Enum)."""
Acknowledgement = Literal["AA", "AE", "AR"]
"""Результат обработки записи (MSA1): accepted, error, rejected."""


class ListModel(XmlModel):
    """Base of every model of the lists: elements in rt.srz's namespace."""

    xml_namespace: ClassVar[str] = NS


class Policy(ListModel):
    """Документ, подтверждающий факт страхования по ОМС (PolisType)."""

    record_id: Annotated[str | None, Elem("ID_POLIS")] = None
    type: Annotated[PolicyType, Elem("VPOLIS")]
    number: Annotated[str | None, text(20), Elem("NPOLIS", blank=True)] = None
    series: Annotated[str | None, text(12), Elem("SPOLIS", blank=True)] = None
    issued: Annotated[DateTimeDate, Elem("DBEG")]
    expires: Annotated[DateTimeDate, Elem("DEND")]
    stopped: Annotated[DateTimeDate, Elem("DSTOP")]
    """Both required by the XSD, even for a policy in force (a far date is written then)."""


class PolicyOrder(ListModel):
    """Заявка на изготовление полиса (OrderType)."""

    number: Annotated[str, Elem("NORDER")]
    ordered: Annotated[DateTimeDate, Elem("DORDER")]
    production_number: Annotated[str | None, Elem("PRORDER")] = None


class Document(ListModel):
    """Документ, удостоверяющий личность (DocType)."""

    type: Annotated[DocumentType, Elem("DOCTYPE")]
    series: Annotated[str | None, Elem("DOCSER", blank=True)] = Field(
        default=None, json_schema_extra=PERSONAL)
    series_right: Annotated[str | None, Elem("DOCSER_R")] = Field(
        default=None, json_schema_extra=PERSONAL)
    number: Annotated[str, text(20), Elem("DOCNUM")] = Field(json_schema_extra=PERSONAL)
    issued: Annotated[DateTimeDate, Elem("DOCDATE")] = Field(json_schema_extra=PERSONAL)
    expires: Annotated[DateTimeDate | None, Elem("DOCEXP")] = None
    issuer: Annotated[str | None, Elem("NAME_VP", blank=True)] = None
    birth_place: Annotated[str | None, Elem("MR", blank=True)] = Field(
        default=None, json_schema_extra=PERSONAL)


class Representative(ListModel):
    """Представитель застрахованного лица (AssigneeType)."""

    family_name: Annotated[str, text(40), Elem("FAM")] = Field(json_schema_extra=PERSONAL)
    given_name: Annotated[str, text(40), Elem("IM")] = Field(json_schema_extra=PERSONAL)
    patronymic: Annotated[str | None, Elem("OT", blank=True)] = Field(
        default=None, json_schema_extra=PERSONAL)
    relation: Annotated[str, Elem("RELATION")]
    document: Annotated[Document, Elem("DOC")]
    phone: Annotated[str | None, Elem("PHONE", blank=True)] = Field(
        default=None, json_schema_extra=PERSONAL)
    work_phone: Annotated[str | None, Elem("PHONE_WORK", blank=True)] = Field(
        default=None, json_schema_extra=PERSONAL)


class Person(ListModel):
    """Застрахованное лицо, ЗЛ (PersonType)."""

    family_name: Annotated[str, text(40), Elem("FAM")] = Field(json_schema_extra=PERSONAL)
    given_name: Annotated[str, text(40), Elem("IM")] = Field(json_schema_extra=PERSONAL)
    patronymic: Annotated[str | None, text(40), Elem("OT", blank=True)] = Field(
        default=None, json_schema_extra=PERSONAL)
    sex: Annotated[Sex, Elem("W")]
    birth_date: Annotated[DateTimeDate, Elem("DR")] = Field(json_schema_extra=PERSONAL)
    birth_date_accuracy: Annotated[BirthDateAccuracy | None, Elem("TRUE_DR")] = None
    citizenship: Annotated[str, text(3), Elem("C_OKSM")] = "RUS"
    snils: Annotated[Snils | None, Elem("SS", blank=True)] = Field(
        default=None, json_schema_extra=PERSONAL)
    phone: Annotated[str | None, Elem("PHONE", blank=True)] = Field(
        default=None, json_schema_extra=PERSONAL)
    work_phone: Annotated[str | None, Elem("PHONE_WORK")] = Field(
        default=None, json_schema_extra=PERSONAL)
    email: Annotated[str | None, Elem("EMAIL", blank=True)] = Field(
        default=None, json_schema_extra=PERSONAL)
    representative_name: Annotated[str | None, Elem("FIOPR", blank=True)] = Field(
        default=None, json_schema_extra=PERSONAL)
    representative_contact: Annotated[str | None, Elem("CONTACT", blank=True)] = Field(
        default=None, json_schema_extra=PERSONAL)
    representative: Annotated[Representative | None, Elem("PR")] = None
    death_date: Annotated[DateTimeDate | None, Elem("DDEATH")] = Field(
        default=None, json_schema_extra=PERSONAL)
    history_id: Annotated[int | None, Elem("ID_HISTORY")] = None
    register_state: Annotated[int | None, Elem("ID_HUMAN_TYPE")] = None


class FormerPerson(ListModel):
    """Прежние (до смены) персональные данные ЗЛ (OldPersonType)."""

    family_name: Annotated[str, text(40), Elem("FAM")] = Field(json_schema_extra=PERSONAL)
    given_name: Annotated[str, text(40), Elem("IM")] = Field(json_schema_extra=PERSONAL)
    patronymic: Annotated[str | None, Elem("OT", blank=True)] = Field(
        default=None, json_schema_extra=PERSONAL)
    sex: Annotated[Sex, Elem("W")]
    birth_date: Annotated[DateTimeDate, Elem("DR")] = Field(json_schema_extra=PERSONAL)
    enp: Annotated[Enp | None, Elem("OLD_ENP", blank=True)] = None
    birth_date_accuracy: Annotated[BirthDateAccuracy | None, Elem("TRUE_DR")] = None


class Address(ListModel):
    """Адрес регистрации или проживания (AddressType): below the region, personal."""

    homeless: Annotated[Bit | None, Elem("BOMG")] = None
    region: Annotated[str | None, Elem("SUBJ", blank=True)] = None
    postcode: Annotated[str | None, pattern(r"\d{6}"), Elem("INDX", blank=True)] = Field(
        default=None, json_schema_extra=PERSONAL)
    okato: Annotated[Okato | None, Elem("OKATO", blank=True)] = None
    district: Annotated[str | None, Elem("RNNAME", blank=True)] = Field(
        default=None, json_schema_extra=PERSONAL)
    settlement: Annotated[str | None, Elem("NPNAME", blank=True)] = Field(
        default=None, json_schema_extra=PERSONAL)
    street: Annotated[str | None, Elem("UL", blank=True)] = Field(
        default=None, json_schema_extra=PERSONAL)
    house: Annotated[str | None, Elem("DOM", blank=True)] = Field(
        default=None, json_schema_extra=PERSONAL)
    building: Annotated[str | None, Elem("KORP", blank=True)] = Field(
        default=None, json_schema_extra=PERSONAL)
    flat: Annotated[str | None, Elem("KV", blank=True)] = Field(
        default=None, json_schema_extra=PERSONAL)
    registered: Annotated[DateTimeDate | None, Elem("DREG")] = None
    kind: Annotated[AddressType | None, Elem("TYPE_ADRESS")] = None
    unstructured: Annotated[str | None, Elem("UNSTRUCT_ADDRESS", blank=True)] = Field(
        default=None, json_schema_extra=PERSONAL)
    house_id: Annotated[int, Elem("ID_HOUSE")] = 0
    kladr_code: Annotated[str | None, Elem("C_ADS")] = None
    address_ref: Annotated[str | None, Elem("REF_ADS")] = None


class Visit(ListModel):
    """Обращение ЗЛ или его представителя (VizitType)."""

    visited: Annotated[DateTimeDate, Elem("DVIZIT")]
    method: Annotated[ApplicationMethod, Elem("METHOD")]
    petition: Annotated[Bit, Elem("PETITION")] = 0
    insurer_reason: Annotated[InsurerChoiceReason, Elem("RSMO")]
    policy_reason: Annotated[PolicyReason, Elem("RPOLIS")]
    policy_form: Annotated[PolicyForm, Elem("FPOLIS")]


class Insurance(ListModel):
    """Событие страхования (InsuranceType)."""

    territory: Annotated[Okato, Elem("TER_ST")]
    enp: Annotated[Enp | None, Elem("ENP", blank=True)] = None
    insurer_ogrn: Annotated[str, pattern(r"\d{13}"), Elem("OGRNSMO")]
    policy: Annotated[Policy, Elem("POLIS")]
    enp_registered: Annotated[Bit, Elem("ERP")] = 0
    order: Annotated[PolicyOrder | None, Elem("ORDERZ")] = None
    employed: Annotated[Bit | None, Elem("EMPLOYMENT")] = None
    office: Annotated[str, Elem("PUNKT")]
    mfc_ogrn: Annotated[str | None, pattern(r"\d{13}"), Elem("OGRNMFC")] = None


class Biometrics(ListModel):
    """Биометрическая информация о ЗЛ (PersonBType): a base64 photo."""

    type: Annotated[str, Elem("TYPE")]
    photo: Annotated[str, Elem("PHOTO")] = Field(json_schema_extra=PERSONAL)


class Attachment(ListModel):
    """Прикрепление к медицинской организации (AttachmentType)."""

    clinic_id: Annotated[int, Elem("ID_LPU")]
    zone: Annotated[AttachmentZone, Elem("ID_ZTYPE")]


class FederalStatus(ListModel):
    """Результат обработки записи в ЕРП, ФОМС (FederalType)."""

    code: Annotated[str | None, Elem("FEDERAL_CODE")] = None
    description: Annotated[str | None, Elem("FEDERAL_DESC")] = None

