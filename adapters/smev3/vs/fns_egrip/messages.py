"""Canonical models of the ФНС extract from ЕГРИП, 311-15 v4.0.5 (выписка из ЕГРИП).

The request is mapped whole (its ЗапросИП wrapper flattened). The extract (``СвИП``) keeps
the subset a fund needs to identify an individual entrepreneur (ИП) — identifiers (ОГРНИП,
ИНН), kind, the person's name and sex, citizenship, region of residence, e-mail,
registration, the registering authority, status, termination, tax registration, activities
(ОКВЭД) and the registry records — and skips the rest on reading (licences, pension and
social insurance registration, documents presented, …). Every mapped part carries the
registry record (ГРНИП and date) the schema requires, so a mapped answer written back is
still valid. The whole extract stays reachable: the hub keeps the received bytes.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from contracts import message_type
from contracts.xmlbind.binding import Attr, Elem, XmlModel
from contracts.xmlbind.fields import PERSONAL, digits, exact, pattern, text

NS = "urn://x-artefacts-fns-vipip-tosmv-ru/311-15/4.0.5"
TYPES_NS = "urn://x-artefacts-fns/vipip-types/4.0.5"
SCHEMA = "fns-vipip-tosmv-ru.xsd"

Ogrnip = Annotated[str, pattern(r"[0-9]{15}")]
PersonInn = Annotated[str, pattern(r"([0-9]{1}[1-9]{1}|[1-9]{1}[0-9]{1})[0-9]{10}")]
TaxOfficeCode = Annotated[str, digits(4)]
Okved = Annotated[str, pattern(r"[0-9]{2}(\.[0-9]{1,2})?|[0-9]{2}\.[0-9]{2}\.[0-9]{1,2}",
                               max_length=8)]


@message_type("smev3.fns.egrip.request", 1, person_fields=("inn", "ogrnip"),
    title="СМЭВ: запрос выписки из ЕГРИП")
class EgripRequestV1(XmlModel):
    """A request for an extract from ЕГРИП by ОГРНИП or ИНН (FNSVipIPRequest)."""

    xml_namespace: ClassVar[str] = NS
    xml_root: ClassVar[str] = "FNSVipIPRequest"
    xml_within: ClassVar[tuple[str, ...]] = ("ЗапросИП",)
    xml_prefixes: ClassVar[dict[str, str]] = {"ns1": NS}
    xml_required_choices: ClassVar[frozenset[str]] = frozenset({"key"})

    id: Annotated[str, text(36), Attr("ИдДок")]
    case_number: Annotated[str | None, text(50), Attr("НомерДела")] = None
    ogrnip: Annotated[Ogrnip | None, Elem("ОГРНИП", choice="key")] = None
    inn: Annotated[PersonInn | None, Elem("ИНН", choice="key")] = Field(
        default=None, json_schema_extra=PERSONAL)


class RecordRef(XmlModel):
    """The ЕГРИП record that entered a piece of data: ГРНИП and its date (ГРНИПДатаТип)."""

    grnip: Annotated[Ogrnip | None, Attr("ГРНИП")] = None
    recorded_on: Annotated[date, Attr("ДатаЗаписи")]


class FullName(XmlModel):
    """The entrepreneur's name in Russian (ФИОРус); each part optional in the schema."""

    family: Annotated[str | None, text(60), Attr("Фамилия")] = Field(
        default=None, json_schema_extra=PERSONAL)
    given: Annotated[str | None, text(60), Attr("Имя")] = Field(
        default=None, json_schema_extra=PERSONAL)
    patronymic: Annotated[str | None, text(60), Attr("Отчество")] = Field(
        default=None, json_schema_extra=PERSONAL)


class Person(XmlModel):
    """The person registered as entrepreneur (СвФЛ); the Latin spelling is not mapped."""

    xml_namespace: ClassVar[str] = NS
    xml_partial: ClassVar[bool] = True

    sex: Annotated[Literal["1", "2"], Attr("Пол")] = Field(json_schema_extra=PERSONAL)
    name: Annotated[FullName, Elem("ФИОРус")]
    record: Annotated[RecordRef, Elem("ГРНИПДата")]


class Citizenship(XmlModel):
    """Citizenship (СвГражд): 1 Russian, 2 foreign, 3 stateless."""

    xml_namespace: ClassVar[str] = NS
    xml_partial: ClassVar[bool] = True

    kind: Annotated[Literal["1", "2", "3"], Attr("ВидГражд")]
    country_code: Annotated[str | None, digits(3), Attr("ОКСМ")] = None
    country_name: Annotated[str | None, text(255), Attr("НаимСтран")] = None
    record: Annotated[RecordRef, Elem("ГРНИПДата")]


class RegionPart(XmlModel):
    """Region (РегионТип)."""

    kind: Annotated[str, text(36), Attr("ТипРегион")]
    name: Annotated[str, text(50), Attr("НаимРегион")]


class DistrictPart(XmlModel):
    """District (РайонТип)."""

    kind: Annotated[str, text(36), Attr("ТипРайон")]
    name: Annotated[str, text(50), Attr("НаимРайон")]


class CityPart(XmlModel):
    """City (ГородТип)."""

    kind: Annotated[str, text(36), Attr("ТипГород")]
    name: Annotated[str, text(50), Attr("НаимГород")]


class SettlementPart(XmlModel):
    """Settlement (НаселПунктТип)."""

    kind: Annotated[str | None, text(36), Attr("ТипНаселПункт")] = None
    name: Annotated[str, text(255), Attr("НаимНаселПункт")]


class ResidenceArea(XmlModel):
    """Where the entrepreneur lives, to the settlement (АдресРФ: the extract stops there)."""

    xml_namespace: ClassVar[str] = TYPES_NS
    xml_partial: ClassVar[bool] = True

    region_code: Annotated[str, digits(2), Attr("КодРегион")]
    region: Annotated[RegionPart, Elem("Регион")]
    district: Annotated[DistrictPart | None, Elem("Район")] = None
    city: Annotated[CityPart | None, Elem("Город")] = None
    settlement: Annotated[SettlementPart | None, Elem("НаселПункт")] = None


class Residence(XmlModel):
    """Place of residence (СвАдрМЖ)."""

    xml_namespace: ClassVar[str] = NS
    xml_partial: ClassVar[bool] = True

    area: Annotated[ResidenceArea, Elem("АдресРФ")]
    record: Annotated[RecordRef, Elem("ГРНИПДата")]


class Email(XmlModel):
    """E-mail (СвАдрЭлПочты)."""

    xml_namespace: ClassVar[str] = NS
    xml_partial: ClassVar[bool] = True

    address: Annotated[str, text(50), Attr("E-mail")]
    record: Annotated[RecordRef, Elem("ГРНИПДата")]


class Registration(XmlModel):
    """Registration as entrepreneur (СвРегИП); peasant farm details are not mapped."""

    xml_namespace: ClassVar[str] = NS
    xml_partial: ClassVar[bool] = True

    ogrnip: Annotated[Ogrnip, Attr("ОГРНИП")]
    ogrnip_date: Annotated[date, Attr("ДатаОГРНИП")]
    registration_number: Annotated[str | None, text(255), Attr("РегНом")] = None
    registered_on: Annotated[date | None, Attr("ДатаРег")] = None
    registrar_name: Annotated[str | None, text(255), Attr("НаимРО")] = None


class TaxOffice(XmlModel):
    """A tax office: code and name (СвРегОргТип, СвНО)."""

    code: Annotated[TaxOfficeCode, Attr("КодНО")]
    name: Annotated[str, text(255), Attr("НаимНО")]


class Registrar(XmlModel):
    """The registering authority (СвРегОрг)."""

    xml_namespace: ClassVar[str] = NS

    code: Annotated[TaxOfficeCode, Attr("КодНО")]
    name: Annotated[str, text(255), Attr("НаимНО")]
    address: Annotated[str | None, text(255), Attr("АдрРО")] = None
    record: Annotated[RecordRef, Elem("ГРНИПДата")]


class Status(XmlModel):
    """A status of an active entrepreneur (101…104)."""

    code: Annotated[Literal["101", "102", "103", "104"], Attr("КодСтатус")]
    name: Annotated[str, text(500), Attr("НаимСтатус")]


class StatusEntry(XmlModel):
    """The status with its record (СвСтатус)."""

    xml_namespace: ClassVar[str] = NS

    status: Annotated[Status, Elem("СвСтатус")]
    record: Annotated[RecordRef, Elem("ГРНИПДата")]


class TerminationStatus(XmlModel):
    """How and when the activity ceased."""

    code: Annotated[str, exact(3), Attr("КодСтатус")]
    name: Annotated[str, text(500), Attr("НаимСтатус")]
    terminated_on: Annotated[date, Attr("ДатаПрекращ")]


class Termination(XmlModel):
    """Termination of the activity as entrepreneur (СвПрекращ)."""

    xml_namespace: ClassVar[str] = NS
    xml_partial: ClassVar[bool] = True

    status: Annotated[TerminationStatus, Elem("СвСтатус")]
    record: Annotated[RecordRef, Elem("ГРНИПДата")]


class TaxRegistration(XmlModel):
    """Registration with a tax office (СвУчетНО)."""

    xml_namespace: ClassVar[str] = NS
    xml_partial: ClassVar[bool] = True

    inn: Annotated[PersonInn, Attr("ИННФЛ")] = Field(json_schema_extra=PERSONAL)
    registered_on: Annotated[date, Attr("ДатаПостУч")]
    tax_office: Annotated[TaxOffice, Elem("СвНО")]
    record: Annotated[RecordRef, Elem("ГРНИПДата")]


class Activity(XmlModel):
    """An economic activity by ОКВЭД (СвОКВЭДТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS
    xml_partial: ClassVar[bool] = True

    code: Annotated[Okved, Attr("КодОКВЭД")]
    name: Annotated[str, text(1000), Attr("НаимОКВЭД")]
    version: Annotated[Literal["2001", "2014"] | None, Attr("ПрВерсОКВЭД")] = None
    record: Annotated[RecordRef, Elem("ГРНИПДата")]


class Activities(XmlModel):
    """Main and additional activities (СвОКВЭД)."""

    xml_namespace: ClassVar[str] = NS

    main: Annotated[Activity | None, Elem("СвОКВЭДОсн")] = None
    additional: Annotated[list[Activity], Elem("СвОКВЭДДоп")] = []


class RecordKind(XmlModel):
    """Kind of a registry record by the СПВЗ code list (ВидЗап)."""

    code: Annotated[str, exact(5), Attr("КодСПВЗ")]
    name: Annotated[str, text(500), Attr("НаимВидЗап")]


class RegistryRecord(XmlModel):
    """One record of ЕГРИП (СвЗапЕГРИП); documents presented are not mapped."""

    xml_namespace: ClassVar[str] = NS
    xml_partial: ClassVar[bool] = True

    id: Annotated[int, Field(ge=0, lt=10**19), Attr("ИдЗап")]
    grnip: Annotated[Ogrnip | None, Attr("ГРНИП")] = None
    recorded_on: Annotated[date, Attr("ДатаЗап")]
    kind: Annotated[RecordKind, Elem("ВидЗап")]
    registrar: Annotated[TaxOffice, Elem("СвРегОрг")]


class Entrepreneur(XmlModel):
    """The mapped subset of a ЕГРИП extract about one entrepreneur (СвИП)."""

    xml_namespace: ClassVar[str] = NS
    xml_partial: ClassVar[bool] = True

    extract_date: Annotated[date, Attr("ДатаВып")]
    ogrnip: Annotated[Ogrnip, Attr("ОГРНИП")]
    ogrnip_date: Annotated[date, Attr("ДатаОГРНИП")]
    inn: Annotated[PersonInn | None, Attr("ИННФЛ")] = Field(
        default=None, json_schema_extra=PERSONAL)
    kind_code: Annotated[Literal["1", "2"], Attr("КодВидИП")]
    """1 individual entrepreneur, 2 head of a peasant farm (глава КФХ)."""
    kind_name: Annotated[str, text(50), Attr("НаимВидИП")]
    person: Annotated[Person, Elem("СвФЛ")]
    citizenship: Annotated[Citizenship, Elem("СвГражд")]
    residence: Annotated[Residence, Elem("СвАдрМЖ")]
    email: Annotated[Email | None, Elem("СвАдрЭлПочты")] = None
    registration: Annotated[Registration, Elem("СвРегИП")]
    registrar: Annotated[Registrar, Elem("СвРегОрг")]
    status: Annotated[StatusEntry | None, Elem("СвСтатус")] = None
    termination: Annotated[Termination | None, Elem("СвПрекращ")] = None
    tax_registration: Annotated[TaxRegistration | None, Elem("СвУчетНО")] = None
    activities: Annotated[Activities | None, Elem("СвОКВЭД")] = None
    records: Annotated[list[RegistryRecord], Field(min_length=1), Elem("СвЗапЕГРИП")]


@message_type("smev3.fns.egrip.response", 1, title="СМЭВ: выписка из ЕГРИП")
class EgripResponseV1(XmlModel):
    """An extract from ЕГРИП (FNSVipIPResponse): the entrepreneur, or a processing code."""

    xml_namespace: ClassVar[str] = NS
    xml_root: ClassVar[str] = "FNSVipIPResponse"
    xml_prefixes: ClassVar[dict[str, str]] = {"ns1": NS, "fnst": TYPES_NS}
    xml_required_choices: ClassVar[frozenset[str]] = frozenset({"result"})

    id: Annotated[str, text(36), Attr("ИдДок")]
    entrepreneur: Annotated[Entrepreneur | None, Elem("СвИП", choice="result")] = None
    processing_code: Annotated[str | None, exact(2), Elem("КодОбр", choice="result")] = None
    """Код обработки when there is no extract (e.g. nothing found)."""
