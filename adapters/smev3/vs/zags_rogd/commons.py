"""Bound types of the 112-01 v4.0.7 commons schema (``commons/zags-rogd-types.xsd``).

What the record of a birth (:mod:`adapters.smev3.vs.zags_rogd.messages`) is built from:
names, dates as the documents give them, places, addresses, identity documents, a parent,
certificates, documents and the changes of a record. Their child elements are in the
types namespace (:data:`TYPES_NS`). A ``Пр…`` flag ("no data") stands for a value the
format lacks: the field is ``None`` and the binding writes and reads the flag.

Dates are ``xs:date``, which may carry a time zone (``2000-04-21+04:00``, as ЗАГС's own
4.0.5 sample writes them): :data:`XsDate` reads such a date and drops the zone, which a
calendar date does not need; we write plain dates.

Shared with the family (:mod:`adapters.smev3.vs.zags_common.types`, in this namespace):
the names (ФИОПрТип), partial dates, the registry office (ОрганЗАГСТип, attributes only),
identity documents, certificates, a basis and a change of the record, each date read
with or without a zone.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, ClassVar

from pydantic import BeforeValidator, Field

from adapters.smev3.vs.zags_common import types as common
from adapters.smev3.vs.zags_common.types import (
    CountryCode,
    ErnId,
    Oktmo,
    Region,
    RegistryOffice,
)
from adapters.smev3.vs.zags_common.types import Place as Place  # re-exported: МестоТип
from contracts.xmlbind.binding import Attr, Elem, XmlModel
from contracts.xmlbind.fields import G_YEAR, PERSONAL, digits, exact, pattern, text

TYPES_NS = "urn://x-artefacts-zags-rogd/types/4.0.7"

_ZONE = re.compile(r"(?:Z|[+-]\d{2}:\d{2})$")


def without_zone(value: Any) -> Any:
    """An ``xs:date`` or ``xs:gYear`` text without its time zone (and surrounding blanks)."""
    if isinstance(value, str):
        return _ZONE.sub("", value.strip())
    return value


XsDate = Annotated[date, BeforeValidator(without_zone)]
"""A calendar date, read with or without a time zone."""
Year = Annotated[str, G_YEAR, BeforeValidator(without_zone)]
"""A year (``xs:gYear``), read with or without a time zone."""
Snils = Annotated[str, pattern(r"\d{3}-\d{3}-\d{3}[- ]\d{2}|\d{3} \d{3} \d{3} \d{2}")]
"""СНИЛС as the format writes it: ``112-233-445 95``, ``112-233-445-95`` or ``112 233 445 95``."""


class FullName(common.FullName):
    """Surname, name, patronymic, each possibly absent (ФИОПрТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS


class PartialDate(common.PartialDate):
    """A date as the document gives it, day or month possibly unknown (ДатаДокТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS

    year: Annotated[Year, Elem("Год")]


class FiasAddress(XmlModel):
    """An address in Russia by ФИАС, or its analogue, in attributes (АдрРФТип)."""

    address_text: Annotated[str, text(512), Attr("АдрТекст")] = Field(
        json_schema_extra=PERSONAL)
    fias_id: Annotated[str | None, text(36), Attr("ИдНом")] = Field(
        default=None, json_schema_extra=PERSONAL)
    oktmo: Annotated[Oktmo | None, Attr("ОКТМО")] = None
    postcode: Annotated[str | None, digits(6), Attr("Индекс")] = Field(
        default=None, json_schema_extra=PERSONAL)
    region: Annotated[Region, Attr("КодРегион")]
    region_name: Annotated[str, text(50), Attr("НаимРегион")]
    district: Annotated[str | None, text(50), Attr("Район")] = Field(
        default=None, json_schema_extra=PERSONAL)
    municipality: Annotated[str | None, text(200), Attr("Поселен")] = Field(
        default=None, json_schema_extra=PERSONAL)
    city: Annotated[str | None, text(50), Attr("Город")] = Field(
        default=None, json_schema_extra=PERSONAL)
    settlement: Annotated[str | None, text(50), Attr("НаселПункт")] = Field(
        default=None, json_schema_extra=PERSONAL)
    street: Annotated[str | None, text(50), Attr("Улица")] = Field(
        default=None, json_schema_extra=PERSONAL)
    house: Annotated[str | None, text(20), Attr("Дом")] = Field(
        default=None, json_schema_extra=PERSONAL)
    building: Annotated[str | None, text(20), Attr("Корпус")] = Field(
        default=None, json_schema_extra=PERSONAL)
    flat: Annotated[str | None, text(20), Attr("Кварт")] = Field(
        default=None, json_schema_extra=PERSONAL)


class GarName(XmlModel):
    """A part of a ГАР address: its name and kind (НаимТипГАР)."""

    name: Annotated[str, text(250), Attr("Наим")] = Field(json_schema_extra=PERSONAL)
    kind: Annotated[str, text(50), Attr("Тип")]


class GarAddress(XmlModel):
    """An address in Russia by ГАР, or its analogue, in parts (АдрГАРТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS

    address_text: Annotated[str, text(512), Attr("АдрТекст")] = Field(
        json_schema_extra=PERSONAL)
    fias_id: Annotated[str | None, text(36), Attr("ИдНом")] = Field(
        default=None, json_schema_extra=PERSONAL)
    gar_id: Annotated[str | None, exact(19), Attr("ИдГАР")] = Field(
        default=None, json_schema_extra=PERSONAL)
    oktmo: Annotated[Oktmo | None, Attr("ОКТМО")] = None
    postcode: Annotated[str | None, digits(6), Attr("Индекс")] = Field(
        default=None, json_schema_extra=PERSONAL)
    region: Annotated[Region, Attr("КодРегион")]
    region_name: Annotated[str, text(50), Attr("НаимРегион")]
    municipal_district: Annotated[GarName | None, Elem("Муницип")] = None
    municipality: Annotated[GarName | None, Elem("Поселен")] = None
    settlement: Annotated[GarName | None, Elem("НаселПункт")] = None
    planning_element: Annotated[GarName | None, Elem("ЭлПланСтруктур")] = None
    street: Annotated[GarName | None, Elem("Улица")] = None
    houses: Annotated[list[GarName], Elem("Дом")] = []
    flat: Annotated[GarName | None, Elem("Кварт")] = None
    room: Annotated[GarName | None, Elem("ПомещКвартиры")] = None


class RussianResidence(XmlModel):
    """Place of residence in Russia (АдрМЖРФ): by ФИАС, ГАР, their analogues, or as text."""

    xml_namespace: ClassVar[str] = TYPES_NS
    xml_required_choices: ClassVar[frozenset[str]] = frozenset({"address"})

    fias: Annotated[FiasAddress | None, Elem("АдрРФФИАС", choice="address")] = None
    fias_like: Annotated[FiasAddress | None, Elem("АналогФИАС", choice="address")] = None
    gar: Annotated[GarAddress | None, Elem("АдрРФГАР", choice="address")] = None
    gar_like: Annotated[GarAddress | None, Elem("АналогГАР", choice="address")] = None
    address_text: Annotated[str | None, text(512), Elem("АдрТекст", choice="address")] = Field(
        default=None, json_schema_extra=PERSONAL)


class ForeignResidence(XmlModel):
    """Place of residence abroad (АдрМЖИн)."""

    xml_namespace: ClassVar[str] = TYPES_NS

    country_code: Annotated[CountryCode | None, Elem("ОКСМ", absent="ПрОКСМ")] = None
    address_text: Annotated[str, text(512), Elem("АдрТекст")] = Field(
        json_schema_extra=PERSONAL)


class Residence(XmlModel):
    """Place of residence (АдрМЖТип): in Russia, abroad, or converted from old records."""

    xml_namespace: ClassVar[str] = TYPES_NS
    xml_required_choices: ClassVar[frozenset[str]] = frozenset({"where"})

    russia: Annotated[RussianResidence | None, Elem("АдрМЖРФ", choice="where")] = None
    abroad: Annotated[ForeignResidence | None, Elem("АдрМЖИн", choice="where")] = None
    converted: Annotated[str | None, text(512), Elem("АдрМЖКонв", choice="where")] = Field(
        default=None, json_schema_extra=PERSONAL)


class IdentityDocument(common.IdentityDocument[PartialDate]):
    """An identity document, each part possibly absent (УдЛичнФЛПрТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS

    issued_on: Annotated[XsDate | None, Elem("ДатаДокКаленд", absent="ПрДатаДок")] = Field(
        default=None, json_schema_extra=PERSONAL)


class Parent(XmlModel):
    """The mother or the father as the record names them (СведРодитТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS

    snils: Annotated[Snils | None, Attr("СНИЛС")] = Field(default=None,
                                                          json_schema_extra=PERSONAL)
    ern_id: Annotated[ErnId | None, Attr("ИдЕРН")] = Field(default=None,
                                                           json_schema_extra=PERSONAL)
    citizenship_text: Annotated[str | None, text(255), Elem(
        "ГраждТекст", absent="ПрГражданство")] = None
    citizenship_code: Annotated[CountryCode | None, Elem(
        "ГраждОКСМ", absent="ПрГражданство")] = None
    name: Annotated[FullName, Elem("ФИО")]
    birth_date: Annotated[XsDate | None, Elem("ДатаРождКаленд", absent="ПрДатаРожд")] = Field(
        default=None, json_schema_extra=PERSONAL)
    birth_date_partial: Annotated[PartialDate | None, Elem(
        "ДатаРождДок", absent="ПрДатаРожд")] = Field(default=None, json_schema_extra=PERSONAL)
    birth_place: Annotated[Place | None, Elem("МестоРожден", absent="ПрМестоРожден")] = None
    identity_document: Annotated[IdentityDocument | None, Elem(
        "УдЛичнФЛ", absent="ПрУдЛичнФЛ")] = None
    residence: Annotated[Residence | None, Elem("АдрМЖ", absent="ПрАдрМЖ")] = None


class Certificate(common.Certificate[PartialDate]):
    """A birth certificate issued (СведСвидетТип); kind 1 the first, 2 a repeated one."""

    xml_namespace: ClassVar[str] = TYPES_NS

    issued_on: Annotated[XsDate | None, Elem(
        "ДатаВыдСвидет", absent="ПрДатаВыдСвидет")] = Field(
        default=None, json_schema_extra=PERSONAL)


class Document(XmlModel):
    """A document and who issued it (СведДокРождТип): the proof of the birth, or a basis."""

    xml_namespace: ClassVar[str] = TYPES_NS

    code: Annotated[str | None, exact(5), Elem("КодДок", absent="ПрКодДок")] = None
    name: Annotated[str | None, text(500), Elem("НаимДок", absent="ПрНаимДок")] = None
    series_number: Annotated[str | None, text(25), Elem(
        "СерНомДок", absent="ПрСерНомДок")] = Field(default=None, json_schema_extra=PERSONAL)
    issued_on: Annotated[XsDate | None, Elem("ДатаДокКаленд", absent="ПрДатаДок")] = Field(
        default=None, json_schema_extra=PERSONAL)
    issued_on_partial: Annotated[PartialDate | None, Elem(
        "ДатаДокНеполн", absent="ПрДатаДок")] = Field(default=None, json_schema_extra=PERSONAL)
    organisation: Annotated[str | None, text(1000), Elem(
        "НаимОрг", absent="ПрНаимОргФИО")] = None
    entrepreneur: Annotated[FullName | None, Elem("ФИОИП", absent="ПрНаимОргФИО")] = None
    person: Annotated[FullName | None, Elem("ФИОФЛРод", absent="ПрНаимОргФИО")] = None


class ActRecord(XmlModel):
    """Another civil-status record as a basis (ЗапАктТип), e.g. the parents' marriage."""

    xml_namespace: ClassVar[str] = TYPES_NS

    act_type: Annotated[str, exact(2), Attr("ТипАГС")]
    record_type_name: Annotated[str, text(100), Attr("НаимТипЗапис")]
    number: Annotated[str, text(22), Attr("НомерЗапис")] = Field(json_schema_extra=PERSONAL)
    recorded_on: Annotated[XsDate | None, Elem("ДатаЗапис", absent="ПрДатаЗапис")] = None
    recorded_on_partial: Annotated[PartialDate | None, Elem(
        "ДатаЗаписДок", absent="ПрДатаЗапис")] = None
    registry_office: Annotated[RegistryOffice, Elem("ОрганЗАГС")]


class DocumentBasis(common.Basis[ActRecord, Document]):
    """The basis of some data: a civil-status record or a document (СведДокОснТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS


class RecordChange(common.RecordChange[DocumentBasis]):
    """A correction, restoration or annulment of the record (СведИзмАГСТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS

    changed_on: Annotated[XsDate, Attr("ДатаВнесИспр")]
