"""The ЕГР ЗАГС 4.0.6 family's common types, in the 112-03 types namespace.

The ЗАГС formats of version 4.0.6 (112-03 перемена имени, 112-08 установление отцовства)
share one ``commons/*-types-4.0.6.xsd`` that differs from format to format only by its
namespace (and by what one format adds: 112-08's ``СведРодитТип``). These are the types
both formats use, in 112-03's namespace: those every ЗАГС format declares alike are
:mod:`adapters.smev3.vs.zags_common.types` subclassed with it, the rest are the family's
own; :mod:`adapters.smev3.vs.zags_parent.commons` re-declares in its own namespace those with
child elements (an attribute-only type has no namespace to change and is used as it is).

Not mapped: ``СведЕГРРазд2Тип`` (a foreign state's document entered in section 2 of the
register) and the types only it uses (``СвФЛТип``, ``ЗасвидТип``): the records that carry
it are read without it (see ``xml_partial`` on the records).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Generic, Literal

from pydantic import Field

from adapters.smev3.vs.zags_common import types as common
from adapters.smev3.vs.zags_common.types import (
    CountryCode,
    Guid,
    Oktmo,
    Region,
    RegistryOffice,
)
from contracts.xmlbind.binding import Attr, Elem, XmlModel
from contracts.xmlbind.fields import PERSONAL, digits, exact, text

__all__ = ["TYPES_NS", "ActRecord", "Basis", "Certificate", "CountryCode", "Document",
           "FiasAddress", "ForeignAddress", "FullName", "GarAddress", "GarPart",
           "IdentityDocument", "PartialDate", "Place", "RecordChange", "RecordHead",
           "RegistryOffice", "Residence", "RussianAddress"]

TYPES_NS = "urn://x-artefacts-zags-pername/types/4.0.6"


class FullName(common.FullName):
    """Surname, name, patronymic, each possibly absent (ФИОПрТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS


class PartialDate(common.PartialDate):
    """A date as the documents give it, day or month possibly unknown (ДатаДокТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS


class Place(XmlModel):
    """A place of birth (МестоТип); kind 1 in Russia, 2 abroad, 3 as the documents say."""

    kind: Annotated[Literal["1", "2", "3"], Attr("ПризнМесто")]
    description: Annotated[str, text(512), Attr("МестоТекст")] = Field(
        json_schema_extra=PERSONAL)
    fias_id: Annotated[Guid | None, Attr("ИдНом")] = None
    country_code: Annotated[CountryCode | None, Attr("КодСтраны")] = None
    country_name: Annotated[str | None, text(255), Attr("НаимСтраны")] = None
    region: Annotated[Region | None, Attr("Регион")] = None
    region_name: Annotated[str | None, text(50), Attr("НаимСубъект")] = None
    district: Annotated[str | None, text(200), Attr("Район")] = Field(
        default=None, json_schema_extra=PERSONAL)
    settlement_area: Annotated[str | None, text(200), Attr("Поселен")] = Field(
        default=None, json_schema_extra=PERSONAL)
    city: Annotated[str | None, text(50), Attr("Город")] = Field(
        default=None, json_schema_extra=PERSONAL)
    settlement: Annotated[str | None, text(50), Attr("НаселПункт")] = Field(
        default=None, json_schema_extra=PERSONAL)
    oktmo: Annotated[Oktmo | None, Attr("ОКТМО")] = None


class FiasAddress(XmlModel):
    """An address in Russia by ФИАС, or its nearest ФИАС analogue (АдрРФТип)."""

    address_text: Annotated[str, text(512), Attr("АдрТекст")] = Field(json_schema_extra=PERSONAL)
    fias_id: Annotated[str | None, text(36), Attr("ИдНом")] = Field(
        default=None, json_schema_extra=PERSONAL)
    oktmo: Annotated[Oktmo | None, Attr("ОКТМО")] = None
    postcode: Annotated[str | None, digits(6), Attr("Индекс")] = Field(
        default=None, json_schema_extra=PERSONAL)
    region: Annotated[Region, Attr("КодРегион")]
    region_name: Annotated[str, text(50), Attr("НаимРегион")]
    district: Annotated[str | None, text(50), Attr("Район")] = Field(
        default=None, json_schema_extra=PERSONAL)
    settlement_area: Annotated[str | None, text(200), Attr("Поселен")] = Field(
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


class GarPart(XmlModel):
    """One level of a ГАР address: its type and name (НаимТипГАР), e.g. ``ул.`` Ленина."""

    name: Annotated[str, text(250), Attr("Наим")] = Field(json_schema_extra=PERSONAL)
    type: Annotated[str, text(50), Attr("Тип")]


class GarAddress(XmlModel):
    """An address in Russia in the municipal structure of ГАР, or its analogue (АдрГАРТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS

    address_text: Annotated[str, text(512), Attr("АдрТекст")] = Field(json_schema_extra=PERSONAL)
    guid: Annotated[str | None, text(36), Attr("ИдНом")] = Field(
        default=None, json_schema_extra=PERSONAL)
    gar_id: Annotated[int | None, Field(ge=0, lt=10**19), Attr("ИдГАР")] = Field(
        default=None, json_schema_extra=PERSONAL)
    oktmo: Annotated[Oktmo | None, Attr("ОКТМО")] = None
    postcode: Annotated[str | None, exact(6), Attr("Индекс")] = Field(
        default=None, json_schema_extra=PERSONAL)
    region: Annotated[Region, Attr("КодРегион")]
    region_name: Annotated[str, text(50), Attr("НаимРегион")]
    municipality: Annotated[GarPart | None, Elem("Муницип")] = None
    settlement_area: Annotated[GarPart | None, Elem("Поселен")] = None
    settlement: Annotated[GarPart | None, Elem("НаселПункт")] = None
    planning_element: Annotated[GarPart | None, Elem("ЭлПланСтруктур")] = None
    street: Annotated[GarPart | None, Elem("Улица")] = None
    house: Annotated[GarPart | None, Elem("Дом")] = None
    flat: Annotated[GarPart | None, Elem("Кварт")] = None
    room: Annotated[GarPart | None, Elem("ПомещКвартиры")] = None


class RussianAddress(common.AddressInRussia):
    """An address in Russia (АдрМЖРФ): by ФИАС, by ГАР, an analogue of either, or text."""

    xml_namespace: ClassVar[str] = TYPES_NS
    xml_required_choices: ClassVar[frozenset[str]] = frozenset({"form"})

    fias: Annotated[FiasAddress | None, Elem("АдрРФФИАС", choice="form")] = None
    fias_like: Annotated[FiasAddress | None, Elem("АналогФИАС", choice="form")] = None
    gar: Annotated[GarAddress | None, Elem("АдрРФГАР", choice="form")] = None
    gar_like: Annotated[GarAddress | None, Elem("АналогГАР", choice="form")] = None
    address_text: Annotated[str | None, text(512), Elem("АдрТекст", choice="form")] = Field(
        default=None, json_schema_extra=PERSONAL)


class ForeignAddress(common.ForeignAddress):
    """An address abroad (АдрМЖИн): the country (or its flag) and the text."""

    xml_namespace: ClassVar[str] = TYPES_NS


class Residence(common.Residence[RussianAddress, ForeignAddress]):
    """Place of residence (АдрМЖТип): in Russia, abroad, or not classified."""

    xml_namespace: ClassVar[str] = TYPES_NS


class IdentityDocument(common.IdentityDocument[PartialDate]):
    """An identity document, each detail possibly absent (УдЛичнФЛПрТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS


class Document(XmlModel):
    """A document other than a civil-status record (СведДокТип), each detail possibly absent."""

    xml_namespace: ClassVar[str] = TYPES_NS

    code: Annotated[str | None, exact(5), Elem("КодДок", absent="ПрКодДок")] = None
    name: Annotated[str | None, text(500), Elem("НаимДок", absent="ПрНаимДок")] = None
    series_number: Annotated[str | None, text(25), Elem(
        "СерНомДок", absent="ПрСерНомДок")] = Field(default=None, json_schema_extra=PERSONAL)
    issued_on: Annotated[date | None, Elem("ДатаДокКаленд", absent="ПрДатаДок")] = Field(
        default=None, json_schema_extra=PERSONAL)
    issued_on_partial: Annotated[PartialDate | None, Elem(
        "ДатаДокНеполн", absent="ПрДатаДок")] = Field(default=None, json_schema_extra=PERSONAL)
    organisation: Annotated[str | None, text(1000), Elem("НаимОрг", absent="ПрНаимОрг")] = None


class ActRecord(common.ActRecord[PartialDate]):
    """Another civil-status record referred to, e.g. the birth record (ЗапАктТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS


class Basis(common.Basis[ActRecord, Document]):
    """A basis: a civil-status record or another document (СведДокОснТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS


class RecordChange(common.RecordChange[Basis]):
    """A correction, restoration or annulment of the record (СведИзмАГСТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS


class Certificate(common.Certificate[PartialDate]):
    """A certificate issued (СведСвидетТип): type 1 first issue, 2 repeated."""

    xml_namespace: ClassVar[str] = TYPES_NS


class RecordHead(XmlModel, Generic[common.PD]):
    """What a record of either format begins with (СведРегПерИмя, СведРегОтцов), in the
    root's namespace that each format's record sets.

    ``number`` is the record's number in ЕГР ЗАГС (21 characters); ``legacy_number`` the
    number printed in a certificate of a record made before 01.10.2018. ``status_code``
    is by the СОСТАГС classifier (0101: a first record, entered).
    """

    xml_required_choices: ClassVar[frozenset[str]] = frozenset({"recorded"})
    xml_partial: ClassVar[bool] = True  # СведЕГРРазд2 is not mapped: skipped when read

    section: Annotated[Literal["1", "2"], Attr("РазделЕГР")]
    number: Annotated[str, exact(21), Attr("НомерЗаписЕГР")] = Field(
        json_schema_extra=PERSONAL)
    legacy_number: Annotated[str | None, text(10), Attr("НомАГССвид")] = Field(
        default=None, json_schema_extra=PERSONAL)
    version_date: Annotated[date, Attr("ДатаВерс")]
    version: Annotated[str, text(3), Attr("НомерВерс")]
    status_code: Annotated[str, exact(4), Attr("КодСостСтат")]
    incidents: Annotated[list[Annotated[str, text(50)]], Elem("ИнцНом")] = []
    recorded_on_partial: Annotated[common.PD | None, Elem(
        "ДатаЗаписДок", choice="recorded")] = None
    recorded_on: Annotated[date | None, Elem("ДатаЗапис", choice="recorded")] = None
    registry_office: Annotated[RegistryOffice, Elem("ОрганЗАГС")]
