"""Canonical models of the ФНС extract from ЕГРЮЛ, 311-14 v4.0.6 (выписка из ЕГРЮЛ).

The request is mapped whole. The extract (``СвЮЛ``) is a large document; the canonical
answer keeps the subset a fund needs to identify a legal entity — identifiers (ОГРН, ИНН,
КПП), organisational form, names, address (parts and ФНС record), e-mail, how and when it was
formed, the registering authority, statuses, termination, tax registration, main and other
activities (ОКВЭД) and the list of registry records — and skips the rest on reading
(founders, officials, capital, licences, reorganisation, branches, …). Every mapped part
carries the registry record (ГРН and date) the schema requires, so a mapped answer written
back is still valid. The whole extract stays reachable: the hub keeps the received bytes.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from contracts import message_type
from contracts.xmlbind.binding import Attr, Elem, XmlModel
from contracts.xmlbind.fields import digits, exact, pattern, text

NS = "urn://x-artefacts-fns-vipul-tosmv-ru/311-14/4.0.6"
TYPES_NS = "urn://x-artefacts-fns/vipul-types/4.0.6"
SCHEMA = "fns-vipul-tosmv-ru.xsd"

Ogrn = Annotated[str, pattern(r"[0-9]{13}")]
Inn = Annotated[str, pattern(r"([0-9]{1}[1-9]{1}|[1-9]{1}[0-9]{1})[0-9]{8}")]
Kpp = Annotated[str, pattern(
    r"([0-9]{1}[1-9]{1}|[1-9]{1}[0-9]{1})([0-9]{2})([0-9A-F]{2})([0-9]{3})")]
TaxOfficeCode = Annotated[str, digits(4)]
Okved = Annotated[str, pattern(r"[0-9]{2}(\.[0-9]{1,2})?|[0-9]{2}\.[0-9]{2}\.[0-9]{1,2}",
                               max_length=8)]


class EgrulQuery(XmlModel):
    """Whom the extract is asked for: by ОГРН or by ИНН of the legal entity (ЗапросЮЛ)."""

    xml_namespace: ClassVar[str] = NS
    xml_required_choices: ClassVar[frozenset[str]] = frozenset({"key"})

    ogrn: Annotated[Ogrn | None, Elem("ОГРН", choice="key")] = None
    inn: Annotated[Inn | None, Elem("ИННЮЛ", choice="key")] = None


@message_type("smev3.fns.egrul.request", 1, title="СМЭВ: запрос выписки из ЕГРЮЛ")
class EgrulRequestV1(XmlModel):
    """A request for an extract from ЕГРЮЛ (FNSVipULRequest)."""

    xml_namespace: ClassVar[str] = NS
    xml_root: ClassVar[str] = "FNSVipULRequest"
    xml_prefixes: ClassVar[dict[str, str]] = {"ns1": NS}

    id: Annotated[str, text(36), Attr("ИдДок")]
    case_number: Annotated[str | None, text(50), Attr("НомерДела")] = None
    query: Annotated[EgrulQuery, Elem("ЗапросЮЛ")]


class RecordRef(XmlModel):
    """The ЕГРЮЛ record that entered a piece of data: ГРН and its date (ГРНДатаТип)."""

    grn: Annotated[Ogrn | None, Attr("ГРН")] = None
    recorded_on: Annotated[date, Attr("ДатаЗаписи")]


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


class StreetPart(XmlModel):
    """Street (УлицаТип)."""

    kind: Annotated[str | None, text(36), Attr("ТипУлица")] = None
    name: Annotated[str, text(255), Attr("НаимУлица")]


class RussianAddress(XmlModel):
    """The address in Russia (АдресРФ), as parts; house, building and flat as written."""

    xml_namespace: ClassVar[str] = TYPES_NS
    xml_partial: ClassVar[bool] = True

    postcode: Annotated[str | None, digits(6), Attr("Индекс")] = None
    region_code: Annotated[str, digits(2), Attr("КодРегион")]
    kladr_code: Annotated[str | None, pattern(r"[0-9]{11}|[0-9]{15}|[0-9]{19}|[0-9]{23}"),
                          Attr("КодАдрКладр")] = None
    house: Annotated[str | None, text(50), Attr("Дом")] = None
    building: Annotated[str | None, text(50), Attr("Корпус")] = None
    flat: Annotated[str | None, text(50), Attr("Кварт")] = None
    region: Annotated[RegionPart, Elem("Регион")]
    district: Annotated[DistrictPart | None, Elem("Район")] = None
    city: Annotated[CityPart | None, Elem("Город")] = None
    settlement: Annotated[SettlementPart | None, Elem("НаселПункт")] = None
    street: Annotated[StreetPart | None, Elem("Улица")] = None
    record: Annotated[RecordRef, Elem("ГРНДата")]


class EntityName(XmlModel):
    """Full and short names of the legal entity (СвНаимЮЛ)."""

    xml_namespace: ClassVar[str] = NS
    xml_partial: ClassVar[bool] = True

    full: Annotated[str, text(1000), Attr("НаимЮЛПолн")]
    short: Annotated[str | None, text(510), Attr("НаимЮЛСокр")] = None
    record: Annotated[RecordRef, Elem("ГРНДата")]


class EntityAddress(XmlModel):
    """The legal address (СвАдресЮЛ); notes of unreliability are not mapped."""

    xml_namespace: ClassVar[str] = NS
    xml_partial: ClassVar[bool] = True

    russian: Annotated[RussianAddress, Elem("АдресРФ")]


class Email(XmlModel):
    """E-mail of the legal entity (СвАдрЭлПочты)."""

    xml_namespace: ClassVar[str] = NS
    xml_partial: ClassVar[bool] = True

    address: Annotated[str, text(50), Attr("E-mail")]
    record: Annotated[RecordRef, Elem("ГРНДата")]


class FormationMethod(XmlModel):
    """How the entity was formed (СпОбрЮЛ)."""

    code: Annotated[str, exact(2), Attr("КодСпОбрЮЛ")]
    name: Annotated[str | None, text(255), Attr("НаимСпОбрЮЛ")] = None


class Formation(XmlModel):
    """Formation of the legal entity (СвОбрЮЛ)."""

    xml_namespace: ClassVar[str] = NS
    xml_partial: ClassVar[bool] = True

    ogrn: Annotated[Ogrn, Attr("ОГРН")]
    ogrn_date: Annotated[date, Attr("ДатаОГРН")]
    registration_number: Annotated[str | None, text(255), Attr("РегНом")] = None
    registered_on: Annotated[date | None, Attr("ДатаРег")] = None
    registrar_name: Annotated[str | None, text(255), Attr("НаимРО")] = None
    method: Annotated[FormationMethod, Elem("СпОбрЮЛ")]
    record: Annotated[RecordRef, Elem("ГРНДата")]


class TaxOffice(XmlModel):
    """A tax office (налоговый орган): code and name (СвРегОргТип, СвНОТип)."""

    code: Annotated[TaxOfficeCode, Attr("КодНО")]
    name: Annotated[str, text(255), Attr("НаимНО")]


class Registrar(XmlModel):
    """The registering authority holding the entity's file (СвРегОрг)."""

    xml_namespace: ClassVar[str] = NS

    code: Annotated[TaxOfficeCode, Attr("КодНО")]
    name: Annotated[str, text(255), Attr("НаимНО")]
    address: Annotated[str | None, text(255), Attr("АдрРО")] = None
    record: Annotated[RecordRef, Elem("ГРНДата")]


class Status(XmlModel):
    """A status code and name (СвСтатус: e.g. being liquidated)."""

    code: Annotated[str, exact(3), Attr("КодСтатусЮЛ")]
    name: Annotated[str, text(500), Attr("НаимСтатусЮЛ")]


class StatusEntry(XmlModel):
    """A status of the entity with its record (СвСтатус)."""

    xml_namespace: ClassVar[str] = NS
    xml_partial: ClassVar[bool] = True

    status: Annotated[Status, Elem("СвСтатус")]
    record: Annotated[RecordRef, Elem("ГРНДата")]


class TerminationMethod(XmlModel):
    """How the entity ceased (СпПрекрЮЛ)."""

    code: Annotated[str, exact(3), Attr("КодСпПрекрЮЛ")]
    name: Annotated[str, text(255), Attr("НаимСпПрекрЮЛ")]


class Termination(XmlModel):
    """Termination of the legal entity (СвПрекрЮЛ)."""

    xml_namespace: ClassVar[str] = NS

    terminated_on: Annotated[date, Attr("ДатаПрекрЮЛ")]
    method: Annotated[TerminationMethod, Elem("СпПрекрЮЛ")]
    registrar: Annotated[TaxOffice, Elem("СвРегОрг")]
    record: Annotated[RecordRef, Elem("ГРНДата")]


class TaxRegistration(XmlModel):
    """Registration with a tax office (СвУчетНО)."""

    xml_namespace: ClassVar[str] = NS
    xml_partial: ClassVar[bool] = True

    inn: Annotated[Inn, Attr("ИНН")]
    kpp: Annotated[Kpp, Attr("КПП")]
    registered_on: Annotated[date, Attr("ДатаПостУч")]
    tax_office: Annotated[TaxOffice, Elem("СвНО")]
    record: Annotated[RecordRef, Elem("ГРНДата")]


class Activity(XmlModel):
    """An economic activity by ОКВЭД (СвОКВЭДТип)."""

    xml_namespace: ClassVar[str] = TYPES_NS
    xml_partial: ClassVar[bool] = True

    code: Annotated[Okved, Attr("КодОКВЭД")]
    name: Annotated[str, text(1000), Attr("НаимОКВЭД")]
    version: Annotated[Literal["2001", "2014"] | None, Attr("ПрВерсОКВЭД")] = None
    record: Annotated[RecordRef, Elem("ГРНДата")]


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
    """One record of ЕГРЮЛ about the entity (СвЗапЕГРЮЛ); documents presented not mapped."""

    xml_namespace: ClassVar[str] = NS
    xml_partial: ClassVar[bool] = True

    id: Annotated[int, Field(ge=0, lt=10**19), Attr("ИдЗап")]
    grn: Annotated[Ogrn | None, Attr("ГРН")] = None
    recorded_on: Annotated[date, Attr("ДатаЗап")]
    kind: Annotated[RecordKind, Elem("ВидЗап")]
    registrar: Annotated[TaxOffice, Elem("СвРегОрг")]


class LegalEntity(XmlModel):
    """The mapped subset of a ЕГРЮЛ extract about one legal entity (СвЮЛ)."""

    xml_namespace: ClassVar[str] = NS
    xml_partial: ClassVar[bool] = True

    extract_date: Annotated[date, Attr("ДатаВып")]
    ogrn: Annotated[Ogrn, Attr("ОГРН")]
    ogrn_date: Annotated[date, Attr("ДатаОГРН")]
    inn: Annotated[Inn | None, Attr("ИНН")] = None
    kpp: Annotated[Kpp | None, Attr("КПП")] = None
    form_catalogue: Annotated[Literal["ОКОПФ", "КОПФ"] | None, Attr("СпрОПФ")] = None
    form_code: Annotated[str | None, text(10), Attr("КодОПФ")] = None
    form_name: Annotated[str | None, text(255), Attr("ПолнНаимОПФ")] = None
    name: Annotated[EntityName, Elem("СвНаимЮЛ")]
    address: Annotated[EntityAddress, Elem("СвАдресЮЛ")]
    email: Annotated[Email | None, Elem("СвАдрЭлПочты")] = None
    formation: Annotated[Formation, Elem("СвОбрЮЛ")]
    registrar: Annotated[Registrar, Elem("СвРегОрг")]
    statuses: Annotated[list[StatusEntry], Elem("СвСтатус")] = []
    termination: Annotated[Termination | None, Elem("СвПрекрЮЛ")] = None
    tax_registration: Annotated[TaxRegistration | None, Elem("СвУчетНО")] = None
    activities: Annotated[Activities | None, Elem("СвОКВЭД")] = None
    records: Annotated[list[RegistryRecord], Field(min_length=1), Elem("СвЗапЕГРЮЛ")]


@message_type("smev3.fns.egrul.response", 1, title="СМЭВ: выписка из ЕГРЮЛ")
class EgrulResponseV1(XmlModel):
    """An extract from ЕГРЮЛ (FNSVipULResponse): the entity, or a processing code."""

    xml_namespace: ClassVar[str] = NS
    xml_root: ClassVar[str] = "FNSVipULResponse"
    xml_prefixes: ClassVar[dict[str, str]] = {"ns1": NS, "fnst": TYPES_NS}
    xml_partial: ClassVar[bool] = True
    xml_required_choices: ClassVar[frozenset[str]] = frozenset({"result"})

    id: Annotated[str, text(36), Attr("ИдДок")]
    entity: Annotated[LegalEntity | None, Elem("СвЮЛ", choice="result")] = None
    processing_code: Annotated[str | None, exact(2), Elem("КодОбр", choice="result")] = None
    """Код обработки when there is no extract (e.g. nothing found); attachments not mapped."""
