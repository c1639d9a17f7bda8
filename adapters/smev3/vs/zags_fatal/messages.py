"""Canonical models of ЕГР ЗАГС death records, format 112-04 version 4.0.2.

Death records (сведения о записях актов о смерти) as the registry offices (ЗАГС) deliver them
in ``FATALRequest``. Every element and attribute of the schema is mapped; field order is the
schema's element order.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from adapters.smev3.vs.zags_common.types import RegistryOffice as RegistryOffice  # re-exported
from contracts import message_type
from contracts.xmlbind.binding import Attr, Elem, XmlModel
from contracts.xmlbind.fields import G_YEAR, G_YEAR_MONTH, PERSONAL, digits, exact, text

NS = "urn://x-artefacts-zags-fatal/root/112-04/4.0.2"
TYPES_NS = "urn://x-artefacts-zags-fatal/types/4.0.2"
SCHEMA = "zags-fatal-ru-root.xsd"

Region = Annotated[str, digits(2)]
CountryCode = Annotated[str, digits(3)]


class FullName(XmlModel):
    """Surname, name and patronymic (ФИОТип)."""

    family: Annotated[str, text(60), Attr("Фамилия")] = Field(json_schema_extra=PERSONAL)
    given: Annotated[str, text(60), Attr("Имя")] = Field(json_schema_extra=PERSONAL)
    patronymic: Annotated[str | None, text(60), Attr("Отчество")] = Field(
        default=None, json_schema_extra=PERSONAL)


class Place(XmlModel):
    """A place of birth or death (МестоТип)."""

    description: Annotated[str, text(512), Attr("МестоТекст")] = Field(json_schema_extra=PERSONAL)
    country_code: Annotated[CountryCode | None, Attr("КодСтраны")] = None
    country_name: Annotated[str | None, text(255), Attr("НаимСтраны")] = None
    region: Annotated[Region | None, Attr("Регион")] = None
    region_name: Annotated[str | None, text(50), Attr("НаимСубъект")] = None
    district: Annotated[str | None, text(50), Attr("Район")] = Field(
        default=None, json_schema_extra=PERSONAL)
    city: Annotated[str | None, text(50), Attr("Город")] = Field(
        default=None, json_schema_extra=PERSONAL)
    settlement: Annotated[str | None, text(50), Attr("НаселПункт")] = Field(
        default=None, json_schema_extra=PERSONAL)


class KladrAddress(XmlModel):
    """An address by the КЛАДР classifier (АдрКЛАДРТип)."""

    postcode: Annotated[str | None, digits(6), Attr("Индекс")] = Field(
        default=None, json_schema_extra=PERSONAL)
    region: Annotated[Region, Attr("КодРегион")]
    region_name: Annotated[str, text(50), Attr("НаимРегион")]
    district: Annotated[str | None, text(50), Attr("Район")] = Field(
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


class CodedName(XmlModel):
    """A kind code and a name (ВидНаимКодТип)."""

    kind: Annotated[str, exact(1), Attr("ВидКод")]
    name: Annotated[str, text(255), Attr("Наим")]


class KindName(XmlModel):
    """A kind and a name (ВидНаимТип)."""

    kind: Annotated[str, text(50), Attr("Вид")]
    name: Annotated[str, text(255), Attr("Наим")]


class TypeName(XmlModel):
    """A type and a name (ТипНаимТип)."""

    type: Annotated[str, text(50), Attr("Тип")]
    name: Annotated[str, text(255), Attr("Наим")]


class Numbered(XmlModel):
    """A type and a number: building, premises (НомерТип)."""

    type: Annotated[str, text(50), Attr("Тип")]
    number: Annotated[str, text(255), Attr("Номер")]


class FiasAddress(XmlModel):
    """An address by the ФИАС register (АдрФИАСТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS

    fias_id: Annotated[str, text(36), Attr("ИдНом")] = Field(json_schema_extra=PERSONAL)
    postcode: Annotated[str | None, digits(6), Attr("Индекс")] = Field(
        default=None, json_schema_extra=PERSONAL)
    region: Annotated[Region, Elem("Регион")]
    municipal_district: Annotated[CodedName, Elem("МуниципРайон")]
    urban_rural_settlement: Annotated[CodedName | None, Elem("ГородСелПоселен")] = None
    settlement: Annotated[KindName | None, Elem("НаселенПункт")] = Field(
        default=None, json_schema_extra=PERSONAL)
    planning_element: Annotated[TypeName | None, Elem("ЭлПланСтруктур")] = Field(
        default=None, json_schema_extra=PERSONAL)
    street: Annotated[TypeName | None, Elem("ЭлУлДорСети")] = Field(
        default=None, json_schema_extra=PERSONAL)
    land_plot: Annotated[str | None, text(50), Elem("ЗемелУчасток")] = Field(
        default=None, json_schema_extra=PERSONAL)
    buildings: Annotated[list[Numbered], Elem("Здание")] = Field(
        default=[], json_schema_extra=PERSONAL)
    premises: Annotated[Numbered | None, Elem("ПомещЗдания")] = Field(
        default=None, json_schema_extra=PERSONAL)
    flat: Annotated[Numbered | None, Elem("ПомещКвартиры")] = Field(
        default=None, json_schema_extra=PERSONAL)


class IdentityDocument(XmlModel):
    """An identity document (УдЛичнФЛТип)."""

    kind_code: Annotated[str, digits(2), Attr("КодВидДок")]
    name: Annotated[str, text(120), Attr("НаимДок")]
    series_number: Annotated[str, text(25), Attr("СерНомДок")] = Field(
        json_schema_extra=PERSONAL)
    issued_on: Annotated[date | None, Attr("ДатаДок")] = Field(
        default=None, json_schema_extra=PERSONAL)
    issued_by: Annotated[str | None, text(255), Attr("ВыдДок")] = None
    issuer_code: Annotated[str | None, exact(7), Attr("КодВыдДок")] = None


class RussianResidence(XmlModel):
    """The last place of residence in Russia (МЖПослРФ): text and КЛАДР or ФИАС address."""

    xml_namespace: ClassVar[str] = NS
    xml_required_choices: ClassVar[frozenset[str]] = frozenset({"address"})

    address_text: Annotated[str, text(512), Attr("АдрРФТекст")] = Field(json_schema_extra=PERSONAL)
    kladr: Annotated[KladrAddress | None, Elem("АдрКЛАДР", choice="address")] = None
    fias: Annotated[FiasAddress | None, Elem("АдрФИАС", choice="address")] = None


class ForeignResidence(XmlModel):
    """The last place of residence abroad (МЖПослИн)."""

    country_code: Annotated[CountryCode, Attr("ОКСМ")]
    country_name: Annotated[str, text(255), Attr("НаимСтраны")]
    address_text: Annotated[str, text(512), Attr("АдрТекст")] = Field(json_schema_extra=PERSONAL)


class DeathCause(XmlModel):
    """A cause of death (СведПричСмерт)."""

    code: Annotated[str | None, text(10), Attr("КодПричСмерт")] = Field(
        default=None, json_schema_extra=PERSONAL)
    name: Annotated[str | None, text(255), Attr("ПричСмерт")] = Field(
        default=None, json_schema_extra=PERSONAL)


class Deceased(XmlModel):
    """The deceased person (СведУмер)."""

    xml_namespace: ClassVar[str] = NS
    xml_required_choices: ClassVar[frozenset[str]] = frozenset({"death"})

    sex: Annotated[Literal["1", "2"] | None, Attr("Пол")] = None
    citizenship_code: Annotated[CountryCode | None, Attr("ОКСМ")] = None
    citizenship_name: Annotated[str | None, text(255), Attr("НаимСтраны")] = None
    causes: Annotated[list[DeathCause], Elem("СведПричСмерт")] = []
    name: Annotated[FullName, Elem("ФИОУмер")]
    birth_date: Annotated[date | None, Elem("ДатаРожд", choice="birth")] = Field(
        default=None, json_schema_extra=PERSONAL)
    birth_month: Annotated[str | None, G_YEAR_MONTH, Elem("МесГодРожд", choice="birth")] = Field(
        default=None, json_schema_extra=PERSONAL)
    birth_year: Annotated[str | None, G_YEAR, Elem("ГодРожд", choice="birth")] = Field(
        default=None, json_schema_extra=PERSONAL)
    birth_place: Annotated[Place | None, Elem("МестоРожден")] = None
    residence_russia: Annotated[RussianResidence | None, Elem("МЖПослРФ", choice="residence")] = (
        None)
    residence_abroad: Annotated[ForeignResidence | None, Elem("МЖПослИн", choice="residence")] = (
        None)
    identity_document: Annotated[IdentityDocument | None, Elem("УдЛичнФЛ")] = None
    death_date: Annotated[date | None, Elem("ДатаСмерт", choice="death")] = Field(
        default=None, json_schema_extra=PERSONAL)
    death_month: Annotated[str | None, G_YEAR_MONTH, Elem("МесГодСмерт", choice="death")] = Field(
        default=None, json_schema_extra=PERSONAL)
    death_year: Annotated[str | None, G_YEAR, Elem("ГодСмерт", choice="death")] = Field(
        default=None, json_schema_extra=PERSONAL)
    death_place: Annotated[Place, Elem("МестоСмерт")]


class DeathDocument(XmlModel):
    """The document confirming the death (СведДокСмерт) and who issued or presented it."""

    xml_namespace: ClassVar[str] = NS

    code: Annotated[str | None, digits(5), Attr("КодДок")] = None
    name: Annotated[str, text(500), Attr("НаимДок")]
    series_number: Annotated[str | None, text(25), Attr("СерНомДок")] = Field(
        default=None, json_schema_extra=PERSONAL)
    issued_on: Annotated[date | None, Attr("ДатаДок")] = Field(
        default=None, json_schema_extra=PERSONAL)
    organisation: Annotated[str | None, text(255), Elem("НаимОрг", choice="issuer")] = None
    entrepreneur: Annotated[FullName | None, Elem("ФИОИП", choice="issuer")] = None
    applicant: Annotated[FullName | None, Elem("ФИОФЛ", choice="issuer")] = None


class Registered(XmlModel):
    """What was registered (ПрдСведРег): the deceased and the document of death."""

    xml_namespace: ClassVar[str] = NS

    deceased: Annotated[Deceased, Elem("СведУмер")]
    death_document: Annotated[DeathDocument | None, Elem("СведДокСмерт")] = None


class RecordStatus(XmlModel):
    """Status of the death record (СтатусЗаписи): code and name as ЗАГС gives them."""

    since: Annotated[date, Attr("ДатаНачСтатус")]
    code: Annotated[Literal["01", "02", "03", "04", "07"], Attr("КодСтатус")]
    name: Annotated[str, text(255), Attr("НаимСтатус")]


class Certificate(XmlModel):
    """The death certificate issued (СведСвидет)."""

    series: Annotated[str, text(6, 2), Attr("СерияСвидет")] = Field(json_schema_extra=PERSONAL)
    number: Annotated[str, text(7, 6), Attr("НомерСвидет")] = Field(json_schema_extra=PERSONAL)
    issued_on: Annotated[date, Attr("ДатаВыдСвидет")] = Field(json_schema_extra=PERSONAL)


class DeathRecord(XmlModel):
    """One death record (запись акта о смерти, СведРегСмерт)."""

    xml_namespace: ClassVar[str] = NS

    number: Annotated[str, text(22), Attr("НомерЗапис")] = Field(json_schema_extra=PERSONAL)
    recorded_on: Annotated[date, Attr("ДатаЗапис")]
    registry_office: Annotated[RegistryOffice, Elem("ОрганЗАГС")]
    status: Annotated[RecordStatus, Elem("СтатусЗаписи")]
    certificate: Annotated[Certificate | None, Elem("СведСвидет")] = None
    registered: Annotated[Registered, Elem("ПрдСведРег")]


@message_type("smev3.zags.fatal.request", 1, title="СМЭВ: сведения о смерти из ЕГР ЗАГС (112-04)")
class FatalRequestV1(XmlModel):
    """Death records from ЕГР ЗАГС, 112-04 v4.0.2 (FATALRequest: сведения о смерти)."""

    xml_namespace: ClassVar[str] = NS
    xml_root: ClassVar[str] = "FATALRequest"
    xml_prefixes: ClassVar[dict[str, str]] = {"tns": NS, "fns": TYPES_NS}

    id: Annotated[str, text(36), Attr("ИдСвед")]
    as_of: Annotated[date, Attr("ДатаСвед")]
    records: Annotated[list[DeathRecord], Field(min_length=1), Elem("СведРегСмерт")]
