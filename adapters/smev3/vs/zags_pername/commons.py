"""The ЕГР ЗАГС 4.0.6 family's common types, in the 112-03 types namespace.

The ЗАГС formats of version 4.0.6 (112-03 перемена имени, 112-08 установление отцовства)
share one ``commons/*-types-4.0.6.xsd`` that differs from format to format only by its
namespace (and by what one format adds: 112-08's ``СведРодитТип``). These are the types
both formats use, declared once here in 112-03's namespace;
:mod:`adapters.smev3.vs.zags_parent.commons` re-declares in its own namespace those with
child elements (an attribute-only type has no namespace to change and is used as it is).

A ``Пр…`` flag element ("no data") written instead of a value is a ``None`` value here: the
binding writes and reads the flag (``Elem(absent=...)``).

Not mapped: ``СведЕГРРазд2Тип`` (a foreign state's document entered in section 2 of the
register) and the types only it uses (``СвФЛТип``, ``ЗасвидТип``): the records that carry
it are read without it (see ``xml_partial`` on the records).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from contracts.xmlbind.binding import Attr, Elem, XmlModel
from contracts.xmlbind.fields import G_YEAR, PERSONAL, digits, exact, pattern, text

TYPES_NS = "urn://x-artefacts-zags-pername/types/4.0.6"

CountryCode = Annotated[str, digits(3)]
"""A country by ОКСМ (ОКСМТип): 643 for Russia."""
Region = Annotated[str, digits(2)]
"""A subject of the Russian Federation (ССРФТип): 02 for Bashkortostan."""
Oktmo = Annotated[str, pattern(r"[0-9]{8,11}")]
Guid = Annotated[str, pattern(r"[\da-fA-F]{8}-[\da-fA-F]{4}-[\da-fA-F]{4}-[\da-fA-F]{4}"
                              r"-[\da-fA-F]{12}")]


class FullName(XmlModel):
    """Surname, name, patronymic, each possibly absent (ФИОПрТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS

    family: Annotated[str | None, text(60), Elem("Фамилия", absent="ПрФамилия")] = Field(
        default=None, json_schema_extra=PERSONAL)
    given: Annotated[str | None, text(60), Elem("Имя", absent="ПрИмя")] = Field(
        default=None, json_schema_extra=PERSONAL)
    patronymic: Annotated[str | None, text(60), Elem("Отчество", absent="ПрОтчество")] = Field(
        default=None, json_schema_extra=PERSONAL)


class PartialDate(XmlModel):
    """A date as the documents give it, day or month possibly unknown (ДатаДокТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS

    day: Annotated[int | None, Field(ge=0, le=99), Elem("День", absent="ПрДень")] = None
    month: Annotated[int | None, Field(ge=0, le=99), Elem("Месяц", absent="ПрМесяц")] = None
    year: Annotated[str, G_YEAR, Elem("Год")]


class RegistryOffice(XmlModel):
    """The registry office (орган ЗАГС, ОрганЗАГСТип): its name and code."""

    name: Annotated[str, text(1000), Attr("НаимЗАГС")]
    code: Annotated[str, exact(8), Attr("КодЗАГС")]


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


class RussianAddress(XmlModel):
    """An address in Russia (АдрМЖРФ): by ФИАС, by ГАР, an analogue of either, or text."""

    xml_namespace: ClassVar[str] = TYPES_NS
    xml_required_choices: ClassVar[frozenset[str]] = frozenset({"form"})

    fias: Annotated[FiasAddress | None, Elem("АдрРФФИАС", choice="form")] = None
    fias_like: Annotated[FiasAddress | None, Elem("АналогФИАС", choice="form")] = None
    gar: Annotated[GarAddress | None, Elem("АдрРФГАР", choice="form")] = None
    gar_like: Annotated[GarAddress | None, Elem("АналогГАР", choice="form")] = None
    address_text: Annotated[str | None, text(512), Elem("АдрТекст", choice="form")] = Field(
        default=None, json_schema_extra=PERSONAL)

    def as_text(self) -> str:
        """The address as the certificate and the act record print it."""
        form = self.fias or self.fias_like or self.gar or self.gar_like
        return form.address_text if form is not None else self.address_text or ""


class ForeignAddress(XmlModel):
    """An address abroad (АдрМЖИн): the country (or its flag) and the text."""

    xml_namespace: ClassVar[str] = TYPES_NS

    address_text: Annotated[str, text(512), Attr("АдрТекст")] = Field(json_schema_extra=PERSONAL)
    country_code: Annotated[CountryCode | None, Elem("ОКСМ", absent="ПрОКСМ")] = None


class Residence(XmlModel):
    """Place of residence (АдрМЖТип): in Russia, abroad, or not classified."""

    xml_namespace: ClassVar[str] = TYPES_NS
    xml_required_choices: ClassVar[frozenset[str]] = frozenset({"where"})

    russia: Annotated[RussianAddress | None, Elem("АдрМЖРФ", choice="where")] = None
    abroad: Annotated[ForeignAddress | None, Elem("АдрМЖИн", choice="where")] = None
    unclassified: Annotated[str | None, text(512), Elem("АдрМЖКонв", choice="where")] = Field(
        default=None, json_schema_extra=PERSONAL)

    def as_text(self) -> str:
        """The address as text, whichever form ЗАГС gave."""
        if self.russia is not None:
            return self.russia.as_text()
        if self.abroad is not None:
            return self.abroad.address_text
        return self.unclassified or ""


class IdentityDocument(XmlModel):
    """An identity document, each detail possibly absent (УдЛичнФЛПрТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS

    kind_code: Annotated[str | None, digits(2), Elem("КодВидДок", absent="ПрКодВидДок")] = None
    series: Annotated[str | None, text(40), Elem("СерДок", absent="ПрСерДок")] = Field(
        default=None, json_schema_extra=PERSONAL)
    number: Annotated[str | None, text(40), Elem("НомДок", absent="ПрНомДок")] = Field(
        default=None, json_schema_extra=PERSONAL)
    issued_on: Annotated[date | None, Elem("ДатаДокКаленд", absent="ПрДатаДок")] = Field(
        default=None, json_schema_extra=PERSONAL)
    issued_on_partial: Annotated[PartialDate | None, Elem(
        "ДатаДокНеполн", absent="ПрДатаДок")] = Field(default=None, json_schema_extra=PERSONAL)
    issued_by: Annotated[str | None, text(1000), Elem("ВыдДок", absent="ПрВыдДок")] = None
    issuer_code: Annotated[str | None, text(10), Elem("КодВыдДок", absent="ПрКодВыдДок")] = None


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


class ActRecord(XmlModel):
    """Another civil-status record referred to, e.g. the birth record (ЗапАктТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS

    act_type: Annotated[str, exact(2), Attr("ТипАГС")]
    type_name: Annotated[str, text(100), Attr("НаимТипЗапис")]
    number: Annotated[str, text(22), Attr("НомерЗапис")] = Field(json_schema_extra=PERSONAL)
    recorded_on: Annotated[date | None, Elem("ДатаЗапис", absent="ПрДатаЗапис")] = None
    recorded_on_partial: Annotated[PartialDate | None, Elem(
        "ДатаЗаписДок", absent="ПрДатаЗапис")] = None
    registry_office: Annotated[RegistryOffice, Elem("ОрганЗАГС")]


class Basis(XmlModel):
    """A basis: a civil-status record or another document (СведДокОснТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS
    xml_required_choices: ClassVar[frozenset[str]] = frozenset({"basis"})

    act: Annotated[ActRecord | None, Elem("ЗапАктОсн", choice="basis")] = None
    document: Annotated[Document | None, Elem("ДокОсн", choice="basis")] = None


class RecordChange(XmlModel):
    """A correction, restoration or annulment of the record (СведИзмАГСТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS

    kind_code: Annotated[str | None, digits(4), Attr("КодВидСвед")] = None
    changed_on: Annotated[date, Attr("ДатаВнесИспр")]
    content: Annotated[str | None, text(4000), Attr("СодержИспр")] = Field(
        default=None, json_schema_extra=PERSONAL)
    basis: Annotated[Basis | None, Elem("СведДокИспрАГС", absent="ПрСведДокИспрАГС")] = None


class Certificate(XmlModel):
    """A certificate issued (СведСвидетТип): type 1 first issue, 2 repeated."""

    xml_namespace: ClassVar[str] = TYPES_NS

    kind: Annotated[Literal["1", "2"], Attr("ТипСвидет")]
    series: Annotated[str | None, text(10), Elem("СерияСвидет", absent="ПрСерияСвидет")] = (
        Field(default=None, json_schema_extra=PERSONAL))
    number: Annotated[str | None, text(8), Elem("НомерСвидет", absent="ПрНомерСвидет")] = (
        Field(default=None, json_schema_extra=PERSONAL))
    issued_on: Annotated[date | None, Elem("ДатаВыдСвидет", absent="ПрДатаВыдСвидет")] = Field(
        default=None, json_schema_extra=PERSONAL)
    issued_on_partial: Annotated[PartialDate | None, Elem(
        "ДатаВыдСвидетДок", absent="ПрДатаВыдСвидет")] = Field(
        default=None, json_schema_extra=PERSONAL)
