"""Canonical models of GetInsuredRenderedMedicalServices 1.0.0 (ФОМС).

A request (InputData) asks for the medical services rendered to one insured person in a
period, and their cost (сведения об оказанных медицинских услугах и их стоимости); the fund
answers with the list (OutputData). Every element of the schema is mapped; the single
wrapper elements (InsuredRenderingListRequest, InsuredRenderingList) are kept out of the
canonical payloads.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, ClassVar

from pydantic import Field

from contracts import message_type
from contracts.xmlbind.binding import Elem, XmlModel
from contracts.xmlbind.fields import PERSONAL, pattern

NS = "http://ffoms.ru/GetInsuredRenderedMedicalServices/1.0.0"
COMMONS_NS = "urn://x-artefacts-smev-gov-ru/supplementary/commons/1.2"
SCHEMA = "GetInsuredRenderedMedicalServices.xsd"

RussianName = Annotated[str, pattern(r"[а-яА-ЯёЁ\-\s,.]{1,100}", max_length=100)]


@message_type("smev3.ffoms.services.request", 1, person_fields=(
    "policy_number", "family_name", "first_name", "patronymic", "birth_date"),
    title="СМЭВ: запрос об оказанных медицинских услугах")
class ServicesRequestV1(XmlModel):
    """A request for the services rendered to an insured person (ЗЛ) and their cost."""

    xml_namespace: ClassVar[str] = NS
    xml_root: ClassVar[str] = "InputData"
    xml_within: ClassVar[tuple[str, ...]] = ("InsuredRenderingListRequest",)
    xml_prefixes: ClassVar[dict[str, str]] = {"ns1": NS, "q1": COMMONS_NS}

    region_okato: Annotated[str, pattern(r"\d{5}"), Elem("RegionCode")]
    """Five-digit ОКАТО code of the region."""
    family_name: Annotated[RussianName, Elem("FamilyName", ns=COMMONS_NS)] = Field(
        json_schema_extra=PERSONAL)
    first_name: Annotated[RussianName, Elem("FirstName", ns=COMMONS_NS)] = Field(
        json_schema_extra=PERSONAL)
    patronymic: Annotated[RussianName | None, Elem("Patronymic", ns=COMMONS_NS)] = Field(
        default=None, json_schema_extra=PERSONAL)
    birth_date: Annotated[date, Elem("BirthDate")] = Field(json_schema_extra=PERSONAL)
    policy_number: Annotated[str, pattern(r"\d{16}"), Elem("UnitedPolicyNumber")] = Field(
        json_schema_extra=PERSONAL)
    """The unified policy number (ЕНП)."""
    date_from: Annotated[date, Elem("DateFrom")]
    date_to: Annotated[date, Elem("DateTo")]


class RenderedService(XmlModel):
    """One medical service rendered and its cost (InsuredRenderingInfo)."""

    xml_namespace: ClassVar[str] = NS

    date_from: Annotated[date, Elem("DateRenderingFrom")]
    date_to: Annotated[date | None, Elem("DateRenderingTo")] = None
    care_regimen: Annotated[str, Elem("CareRegimen")]
    """Conditions of care (условия оказания: outpatient, day hospital, hospital, emergency)."""
    care_type: Annotated[str, Elem("CareType")]
    """Kind of care (вид медицинской помощи)."""
    name: Annotated[str, Elem("Name")]
    cost: Annotated[Decimal, Elem("MedServicesSum")]
    """Cost in roubles."""
    clinic_name: Annotated[str, Elem("ClinicName")]
    """The medical organisation (МО) that rendered it."""
    region_name: Annotated[str, Elem("RegionName")]


@message_type("smev3.ffoms.services.response", 1,
    title="СМЭВ: сведения об оказанных медицинских услугах")
class ServicesResponseV1(XmlModel):
    """The services rendered to the insured person and their cost (OutputData)."""

    xml_namespace: ClassVar[str] = NS
    xml_root: ClassVar[str] = "OutputData"
    xml_within: ClassVar[tuple[str, ...]] = ("InsuredRenderingList",)
    xml_prefixes: ClassVar[dict[str, str]] = {"ns1": NS}

    services: Annotated[list[RenderedService], Field(min_length=1),
                        Elem("InsuredRenderingInfo")]
