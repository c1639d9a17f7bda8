"""Types of the ЕГР ЗАГС marriage and divorce formats (112-46, 112-48 v4.0.2), as 112-46 names them.

Both formats ship the same ``commons/zags-brak?-types-4.0.2.xsd`` (the spouses, partial dates,
addresses, documents, corrections), each in a namespace of its own. The models here are the
112-46 ones: those every ЗАГС format declares alike are
:mod:`adapters.smev3.vs.zags_common.types` parametrised and subclassed with 112-46's
namespace, the rest are the family's own (a spouse as :class:`SpouseType`, generic over
what it nests); :mod:`adapters.smev3.vs.zags_brakr.messages` declares with 112-48's
namespace every model whose child elements are namespaced, and reuses the attribute-only
ones as they are.

Not mapped: the section-2 details of a foreign state's document (``СведЕГРРазд2``, with
``СвФЛТип`` and ``ЗасвидТип``) are read past (:class:`ForeignSection` only records that the
record has them). The format writes a ``Пр…`` flag element ("no data") instead of a value it
lacks: here such a value is ``None`` and the binding writes and reads the flag.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Generic, Literal, TypeVar

from pydantic import Field

from adapters.smev3.vs.zags_common import types as common
from adapters.smev3.vs.zags_common.types import (
    CountryCode,
    Oktmo,
    Place,
    Region,
    RegistryOffice,
)
from contracts.xmlbind.binding import Attr, Elem, XmlModel
from contracts.xmlbind.fields import PERSONAL, digits, exact, text

__all__ = ["TYPES_NS", "ActRecord", "Certificate", "ChangeBasis", "CountryCode", "Document",
           "FiasAddress", "ForeignAddress", "ForeignSection", "GarAddress", "GarPart",
           "IdentityDocument", "PartialDate", "Place", "RecordChange", "RecordHead",
           "RegistryOffice", "Residence", "RussianResidence", "Spouse", "SpouseType"]

TYPES_NS = "urn://x-artefacts-zags-brakz/types/4.0.2"


class PartialDate(common.PartialDate):
    """A date as the documents give it, day or month possibly unknown (ДатаДокТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS


class FiasAddress(XmlModel):
    """An address in Russia by ФИАС, as attributes (АдрРФТип)."""

    address_text: Annotated[str, text(512), Attr("АдрТекст")] = Field(
        json_schema_extra=PERSONAL)
    fias_id: Annotated[str | None, text(36), Attr("ИдНом")] = Field(
        default=None, json_schema_extra=PERSONAL)
    oktmo: Annotated[Oktmo | None, Attr("ОКТМО")] = None
    postcode: Annotated[str | None, digits(6), Attr("Индекс")] = Field(
        default=None, json_schema_extra=PERSONAL)
    region: Annotated[Region, Attr("КодРегион")]
    region_name: Annotated[str, text(50), Attr("НаимРегион")]
    district: Annotated[str | None, text(50), Attr("Район")] = None
    municipality: Annotated[str | None, text(200), Attr("Поселен")] = None
    city: Annotated[str | None, text(50), Attr("Город")] = None
    settlement: Annotated[str | None, text(50), Attr("НаселПункт")] = None
    street: Annotated[str | None, text(50), Attr("Улица")] = Field(
        default=None, json_schema_extra=PERSONAL)
    house: Annotated[str | None, text(20), Attr("Дом")] = Field(
        default=None, json_schema_extra=PERSONAL)
    building: Annotated[str | None, text(20), Attr("Корпус")] = Field(
        default=None, json_schema_extra=PERSONAL)
    flat: Annotated[str | None, text(20), Attr("Кварт")] = Field(
        default=None, json_schema_extra=PERSONAL)


class GarPart(XmlModel):
    """A part of a ГАР address: its name and type (НаимТипГАР)."""

    name: Annotated[str, text(250), Attr("Наим")] = Field(json_schema_extra=PERSONAL)
    type: Annotated[str, text(50), Attr("Тип")]


class GarAddress(XmlModel):
    """An address in Russia by municipal division from ГАР (АдрГАРТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS

    address_text: Annotated[str, text(512), Attr("АдрТекст")] = Field(
        json_schema_extra=PERSONAL)
    fias_id: Annotated[str | None, text(36), Attr("ИдНом")] = Field(
        default=None, json_schema_extra=PERSONAL)
    gar_id: Annotated[int | None, Field(ge=0, lt=10**19), Attr("ИдГАР")] = Field(
        default=None, json_schema_extra=PERSONAL)
    oktmo: Annotated[Oktmo | None, Attr("ОКТМО")] = None
    postcode: Annotated[str | None, exact(6), Attr("Индекс")] = Field(
        default=None, json_schema_extra=PERSONAL)
    region: Annotated[Region, Attr("КодРегион")]
    region_name: Annotated[str, text(50), Attr("НаимРегион")]
    municipal: Annotated[GarPart | None, Elem("Муницип")] = None
    municipality: Annotated[GarPart | None, Elem("Поселен")] = None
    settlement: Annotated[GarPart | None, Elem("НаселПункт")] = None
    planning_element: Annotated[GarPart | None, Elem("ЭлПланСтруктур")] = None
    street: Annotated[GarPart | None, Elem("Улица")] = Field(
        default=None, json_schema_extra=PERSONAL)
    house: Annotated[GarPart | None, Elem("Дом")] = Field(
        default=None, json_schema_extra=PERSONAL)
    flat: Annotated[GarPart | None, Elem("Кварт")] = Field(
        default=None, json_schema_extra=PERSONAL)
    room: Annotated[GarPart | None, Elem("ПомещКвартиры")] = Field(
        default=None, json_schema_extra=PERSONAL)


class RussianResidence(common.AddressInRussia):
    """A residence in Russia (АдрМЖРФ): by ФИАС or ГАР (exact or nearest), or as text."""

    xml_namespace: ClassVar[str] = TYPES_NS
    xml_required_choices: ClassVar[frozenset[str]] = frozenset({"address"})

    fias: Annotated[FiasAddress | None, Elem("АдрРФФИАС", choice="address")] = None
    fias_nearest: Annotated[FiasAddress | None, Elem("АналогФИАС", choice="address")] = None
    gar: Annotated[GarAddress | None, Elem("АдрРФГАР", choice="address")] = None
    gar_nearest: Annotated[GarAddress | None, Elem("АналогГАР", choice="address")] = None
    address_text: Annotated[str | None, text(512), Elem("АдрТекст", choice="address")] = Field(
        default=None, json_schema_extra=PERSONAL)


class ForeignAddress(common.ForeignAddress):
    """A residence abroad (АдрМЖИн): the text and the country, when known."""

    xml_namespace: ClassVar[str] = TYPES_NS


class Residence(common.Residence[RussianResidence, ForeignAddress]):
    """Place of residence (АдрМЖТип): in Russia, abroad, or unclassified text."""

    xml_namespace: ClassVar[str] = TYPES_NS


class IdentityDocument(common.IdentityDocument[PartialDate]):
    """An identity document, each part possibly unknown (УдЛичнФЛПрТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS


class Certificate(common.Certificate[PartialDate]):
    """A certificate issued (СведСвидетТип): kind 1 first, 2 repeated."""

    xml_namespace: ClassVar[str] = TYPES_NS


class Document(XmlModel):
    """A document, each part possibly unknown (СведДокТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS

    code: Annotated[str | None, exact(5), Elem("КодДок", absent="ПрКодДок")] = None
    name: Annotated[str | None, text(500), Elem("НаимДок", absent="ПрНаимДок")] = None
    series_number: Annotated[str | None, text(25), Elem("СерНомДок", absent="ПрСерНомДок")] = (
        Field(default=None, json_schema_extra=PERSONAL))
    issued_on: Annotated[date | None, Elem("ДатаДокКаленд", absent="ПрДатаДок")] = None
    issued_on_partial: Annotated[PartialDate | None, Elem(
        "ДатаДокНеполн", absent="ПрДатаДок")] = None
    issued_by: Annotated[str | None, text(1000), Elem("НаимОрг", absent="ПрНаимОрг")] = None


class ActRecord(common.ActRecord[PartialDate]):
    """A civil-status act record named as a basis (ЗапАктТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS


class ChangeBasis(common.Basis[ActRecord, Document]):
    """A basis: an act record or another document (СведДокОснТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS


class RecordChange(common.RecordChange[ChangeBasis]):
    """A correction, restoration or annulment of the record (СведИзмАГСТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS


RS = TypeVar("RS", bound=common.Residence)  # type: ignore[type-arg]
ID = TypeVar("ID", bound=common.IdentityDocument)  # type: ignore[type-arg]


class SpouseType(XmlModel, Generic[common.PD, RS, ID]):
    """A spouse as the record names them (СупругТип): the surname before and after the act;
    each format sets its namespace and its nested types (:class:`Spouse` is 112-46's)."""

    ern_id: Annotated[str | None, exact(12), Attr("ИдЕРН")] = Field(
        default=None, json_schema_extra=PERSONAL)
    surname_before: Annotated[str | None, text(60), Elem("ФамилияДо", absent="ПрФамилияДо")] = (
        Field(default=None, json_schema_extra=PERSONAL))
    surname_after: Annotated[str | None, text(60), Elem(
        "ФамилияПосле", absent="ПрФамилияПосле")] = Field(default=None, json_schema_extra=PERSONAL)
    name: Annotated[str | None, text(60), Elem("Имя", absent="ПрИмя")] = Field(
        default=None, json_schema_extra=PERSONAL)
    patronymic: Annotated[str | None, text(60), Elem("Отчество", absent="ПрОтчество")] = Field(
        default=None, json_schema_extra=PERSONAL)
    citizenship_name: Annotated[str | None, text(255), Elem(
        "ГраждТекст", absent="ПрГражданство")] = None
    citizenship_code: Annotated[CountryCode | None, Elem(
        "ГраждОКСМ", absent="ПрГражданство")] = None
    birth_date: Annotated[date | None, Elem("ДатаРождКаленд", absent="ПрДатаРожд")] = Field(
        default=None, json_schema_extra=PERSONAL)
    birth_date_partial: Annotated[common.PD | None, Elem(
        "ДатаРождДок", absent="ПрДатаРожд")] = Field(default=None, json_schema_extra=PERSONAL)
    birth_place: Annotated[Place | None, Elem("МестоРожден", absent="ПрМестоРожден")] = None
    residence: Annotated[RS | None, Elem("АдрМЖ", absent="ПрАдрМЖ")] = None
    identity_document: Annotated[ID | None, Elem("УдЛичнФЛ", absent="ПрУдЛичнФЛ")] = None


class Spouse(SpouseType[PartialDate, Residence, IdentityDocument]):
    """A spouse of 112-46 (СупругТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS


class ForeignSection(XmlModel):
    """That the record holds a foreign state's document (СведЕГРРазд2): not mapped further."""

    xml_partial: ClassVar[bool] = True


class RecordHead(XmlModel, Generic[common.PD]):
    """What every act record of both formats begins with (СведРегБрак, СведРастБрак).

    Its attributes and first elements are the same in both roots; each root's record adds
    the rest in its own namespace (:mod:`.messages`)."""

    xml_required_choices: ClassVar[frozenset[str]] = frozenset({"recorded"})

    section: Annotated[Literal["1", "2"], Attr("РазделЕГР")]
    number: Annotated[str, exact(21), Attr("НомерЗаписЕГР")] = Field(json_schema_extra=PERSONAL)
    old_number: Annotated[str | None, text(10), Attr("НомАГССвид")] = Field(
        default=None, json_schema_extra=PERSONAL)
    version_date: Annotated[date, Attr("ДатаВерс")]
    version: Annotated[str, text(3), Attr("НомерВерс")]
    status_code: Annotated[str, exact(4), Attr("КодСостСтат")]
    incidents: Annotated[list[Annotated[str, text(50)]], Elem("ИнцНом")] = []
    recorded_on_partial: Annotated[common.PD | None, Elem(
        "ДатаЗаписДок", choice="recorded")] = None
    recorded_on: Annotated[date | None, Elem("ДатаЗапис", choice="recorded")] = None
    registry_office: Annotated[RegistryOffice, Elem("ОрганЗАГС")]
