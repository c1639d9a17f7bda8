"""Types of the ЕГР ЗАГС marriage and divorce formats (112-46, 112-48 v4.0.2), as 112-46 names them.

Both formats ship the same ``commons/zags-brak?-types-4.0.2.xsd`` (the spouses, partial dates,
addresses, documents, corrections), each in a namespace of its own. The models here are the
112-46 ones; :mod:`adapters.smev3.vs.zags_brakr.messages` subclasses every model whose child
elements are namespaced with 112-48's namespace, and reuses the attribute-only ones as they are.

Not mapped: the section-2 details of a foreign state's document (``СведЕГРРазд2``, with
``СвФЛТип`` and ``ЗасвидТип``) are read past (:class:`ForeignSection` only records that the
record has them). The format writes a ``Пр…`` flag element ("no data") instead of a value it
lacks: here such a value is ``None`` and the binding writes and reads the flag.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from contracts.xmlbind.binding import Attr, Elem, XmlModel
from contracts.xmlbind.fields import G_YEAR, PERSONAL, digits, exact, pattern, text

TYPES_NS = "urn://x-artefacts-zags-brakz/types/4.0.2"

CountryCode = Annotated[str, digits(3)]
Region = Annotated[str, digits(2)]
Oktmo = Annotated[str, pattern(r"[0-9]{8,11}")]
Guid = Annotated[str, pattern(r"[\da-fA-F]{8}-[\da-fA-F]{4}-[\da-fA-F]{4}-[\da-fA-F]{4}"
                              r"-[\da-fA-F]{12}")]


class PartialDate(XmlModel):
    """A date as the documents give it, day or month possibly unknown (ДатаДокТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS

    day: Annotated[int | None, Field(ge=0, le=99), Elem("День", absent="ПрДень")] = None
    month: Annotated[int | None, Field(ge=0, le=99), Elem("Месяц", absent="ПрМесяц")] = None
    year: Annotated[str, G_YEAR, Elem("Год")]


class RegistryOffice(XmlModel):
    """The registry office (орган ЗАГС, ОрганЗАГСТип) by the СОЗАГС directory."""

    name: Annotated[str, text(1000), Attr("НаимЗАГС")]
    code: Annotated[str, exact(8), Attr("КодЗАГС")]


class Place(XmlModel):
    """A place of birth (МестоТип); kind 1 in Russia, 2 abroad, 3 unclassified."""

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
    municipality: Annotated[str | None, text(200), Attr("Поселен")] = Field(
        default=None, json_schema_extra=PERSONAL)
    city: Annotated[str | None, text(50), Attr("Город")] = Field(
        default=None, json_schema_extra=PERSONAL)
    settlement: Annotated[str | None, text(50), Attr("НаселПункт")] = Field(
        default=None, json_schema_extra=PERSONAL)
    oktmo: Annotated[Oktmo | None, Attr("ОКТМО")] = None


class Certificate(XmlModel):
    """A certificate issued (СведСвидетТип): kind 1 first, 2 repeated."""

    xml_namespace: ClassVar[str] = TYPES_NS

    kind: Annotated[Literal["1", "2"], Attr("ТипСвидет")]
    series: Annotated[str | None, text(10), Elem("СерияСвидет", absent="ПрСерияСвидет")] = (
        Field(default=None, json_schema_extra=PERSONAL))
    number: Annotated[str | None, text(8), Elem("НомерСвидет", absent="ПрНомерСвидет")] = (
        Field(default=None, json_schema_extra=PERSONAL))
    issued_on: Annotated[date | None, Elem("ДатаВыдСвидет", absent="ПрДатаВыдСвидет")] = None
    issued_on_partial: Annotated[PartialDate | None, Elem(
        "ДатаВыдСвидетДок", absent="ПрДатаВыдСвидет")] = None


class IdentityDocument(XmlModel):
    """An identity document, each part possibly unknown (УдЛичнФЛПрТип)."""

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


class FiasAddress(XmlModel):
    """An address in Russia by ФИАС, as attributes (АдрРФТип)."""

    address_text: Annotated[str, text(512), Attr("АдрТекст")] = Field(
        json_schema_extra=PERSONAL)
    fias_id: Annotated[str | None, text(36), Attr("ИдНом")] = Field(
        default=None, json_schema_extra=PERSONAL)
    oktmo: Annotated[Oktmo | None, Attr("ОКТМО")] = None
    postcode: Annotated[str | None, digits(6), Attr("Индекс")] = None
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

    name: Annotated[str, text(250), Attr("Наим")]
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
    postcode: Annotated[str | None, exact(6), Attr("Индекс")] = None
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


class RussianResidence(XmlModel):
    """A residence in Russia (АдрМЖРФ): by ФИАС or ГАР (exact or nearest), or as text."""

    xml_namespace: ClassVar[str] = TYPES_NS
    xml_required_choices: ClassVar[frozenset[str]] = frozenset({"address"})

    fias: Annotated[FiasAddress | None, Elem("АдрРФФИАС", choice="address")] = None
    fias_nearest: Annotated[FiasAddress | None, Elem("АналогФИАС", choice="address")] = None
    gar: Annotated[GarAddress | None, Elem("АдрРФГАР", choice="address")] = None
    gar_nearest: Annotated[GarAddress | None, Elem("АналогГАР", choice="address")] = None
    address_text: Annotated[str | None, text(512), Elem("АдрТекст", choice="address")] = Field(
        default=None, json_schema_extra=PERSONAL)


class ForeignAddress(XmlModel):
    """A residence abroad (АдрМЖИн): the text and the country, when known."""

    xml_namespace: ClassVar[str] = TYPES_NS

    address_text: Annotated[str, text(512), Attr("АдрТекст")] = Field(
        json_schema_extra=PERSONAL)
    country_code: Annotated[CountryCode | None, Elem("ОКСМ", absent="ПрОКСМ")] = None


class Residence(XmlModel):
    """Place of residence (АдрМЖТип): in Russia, abroad, or unclassified text."""

    xml_namespace: ClassVar[str] = TYPES_NS
    xml_required_choices: ClassVar[frozenset[str]] = frozenset({"where"})

    russia: Annotated[RussianResidence | None, Elem("АдрМЖРФ", choice="where")] = None
    abroad: Annotated[ForeignAddress | None, Elem("АдрМЖИн", choice="where")] = None
    unclassified: Annotated[str | None, text(512), Elem("АдрМЖКонв", choice="where")] = Field(
        default=None, json_schema_extra=PERSONAL)

    def as_text(self) -> str:
        """The address as written, whichever form it has."""
        if self.abroad is not None:
            return self.abroad.address_text
        if self.russia is not None:
            russia = self.russia
            for form in (russia.fias, russia.fias_nearest, russia.gar, russia.gar_nearest):
                if form is not None:
                    return form.address_text
            return russia.address_text or ""
        return self.unclassified or ""


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


class ActRecord(XmlModel):
    """A civil-status act record named as a basis (ЗапАктТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS

    act_type: Annotated[str, exact(2), Attr("ТипАГС")]
    type_name: Annotated[str, text(100), Attr("НаимТипЗапис")]
    number: Annotated[str, text(22), Attr("НомерЗапис")] = Field(json_schema_extra=PERSONAL)
    recorded_on: Annotated[date | None, Elem("ДатаЗапис", absent="ПрДатаЗапис")] = None
    recorded_on_partial: Annotated[PartialDate | None, Elem(
        "ДатаЗаписДок", absent="ПрДатаЗапис")] = None
    registry_office: Annotated[RegistryOffice, Elem("ОрганЗАГС")]


class ChangeBasis(XmlModel):
    """A basis: an act record or another document (СведДокОснТип)."""

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
    basis: Annotated[ChangeBasis | None, Elem("СведДокИспрАГС", absent="ПрСведДокИспрАГС")] = (
        None)


class Spouse(XmlModel):
    """A spouse as the record names them (СупругТип): the surname before and after the act."""

    xml_namespace: ClassVar[str] = TYPES_NS

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
    birth_date_partial: Annotated[PartialDate | None, Elem(
        "ДатаРождДок", absent="ПрДатаРожд")] = Field(default=None, json_schema_extra=PERSONAL)
    birth_place: Annotated[Place | None, Elem("МестоРожден", absent="ПрМестоРожден")] = None
    residence: Annotated[Residence | None, Elem("АдрМЖ", absent="ПрАдрМЖ")] = None
    identity_document: Annotated[IdentityDocument | None, Elem(
        "УдЛичнФЛ", absent="ПрУдЛичнФЛ")] = None


class ForeignSection(XmlModel):
    """That the record holds a foreign state's document (СведЕГРРазд2): not mapped further."""

    xml_partial: ClassVar[bool] = True


class RecordHead(XmlModel):
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
    recorded_on_partial: Annotated[PartialDate | None, Elem(
        "ДатаЗаписДок", choice="recorded")] = None
    recorded_on: Annotated[date | None, Elem("ДатаЗапис", choice="recorded")] = None
    registry_office: Annotated[RegistryOffice, Elem("ОрганЗАГС")]
