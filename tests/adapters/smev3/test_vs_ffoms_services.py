"""ФОМС medical services and their cost: schema validity, round trip, bad input."""

from __future__ import annotations

from datetime import date

import pytest
from lxml import etree
from pydantic import ValidationError

from adapters.smev3.vs.ffoms_services import samples
from adapters.smev3.vs.ffoms_services.messages import (
    COMMONS_NS,
    NS,
    ServicesRequestV1,
    ServicesResponseV1,
)
from contracts.registry import type_of
from contracts.schemas import SchemaStore
from contracts.xmlbind.binding import MappingError
from contracts.xmlsafe import parse
from tests.adapters.smev3.vs_helpers import (
    drop_element,
    installed,
    rename_namespace,
    round_trip_request,
    round_trip_response,
)


def request() -> ServicesRequestV1:
    return samples.request()


def response() -> ServicesResponseV1:
    return samples.answer()


def test_installed_as_a_provider_type() -> None:
    info = installed("ffoms.services")
    assert info.role == "provider"
    assert info.request_namespace == info.response_namespace == NS
    assert info.request_schema == "GetInsuredRenderedMedicalServices.xsd"
    assert type_of(ServicesRequestV1).person_fields[0] == "policy_number"
    assert type_of(ServicesResponseV1).key == "smev3.ffoms.services.response.v1"
    assert info.sample_response(request()) == response()


def test_request_validates_and_round_trips(store: SchemaStore) -> None:
    info = installed("ffoms.services")
    round_trip_request(store, info, request())
    element = info.request_to_xml(request())
    first = element[0][1]
    assert etree.QName(first).namespace == COMMONS_NS and first.text == "Иванова"


def test_response_validates_and_round_trips(store: SchemaStore) -> None:
    info = installed("ffoms.services")
    round_trip_response(store, info, response())
    element = info.response_to_xml(response())
    costs = [e.text for e in element.iter(f"{{{NS}}}MedServicesSum")]
    assert costs == ["48210.50", "612"]


def test_request_from_foreign_xml() -> None:
    xml = f"""<InputData xmlns="{NS}" xmlns:c="{COMMONS_NS}"><InsuredRenderingListRequest>
      <RegionCode>80000</RegionCode><c:FamilyName>Сидоров</c:FamilyName>
      <c:FirstName>Олег</c:FirstName><BirthDate>1975-11-30</BirthDate>
      <UnitedPolicyNumber>0250000000000001</UnitedPolicyNumber>
      <DateFrom>2023-01-01</DateFrom><DateTo>2023-12-31</DateTo>
    </InsuredRenderingListRequest></InputData>""".encode()
    parsed = installed("ffoms.services").request_from_xml(parse(xml))
    assert isinstance(parsed, ServicesRequestV1)
    assert parsed.family_name == "Сидоров" and parsed.patronymic is None
    assert parsed.birth_date == date(1975, 11, 30) and parsed.date_to == date(2023, 12, 31)


def test_code_lists_and_patterns_are_checked() -> None:
    with pytest.raises(ValidationError):
        ServicesRequestV1.model_validate({**request().model_dump(), "policy_number": "12345"})
    with pytest.raises(ValidationError):
        ServicesRequestV1.model_validate({**request().model_dump(), "family_name": "Smith"})
    with pytest.raises(ValidationError):
        ServicesResponseV1(services=[])


def test_missing_required_element() -> None:
    info = installed("ffoms.services")
    element = drop_element(info.request_to_xml(request()), "UnitedPolicyNumber")
    with pytest.raises(MappingError, match="required element UnitedPolicyNumber"):
        info.request_from_xml(element)
    element = drop_element(info.response_to_xml(response()), "InsuredRenderingList")
    with pytest.raises(MappingError, match="required element InsuredRenderingList"):
        info.response_from_xml(element)


def test_wrong_namespace() -> None:
    info = installed("ffoms.services")
    xml = etree.tostring(info.request_to_xml(request()), encoding="utf-8")
    with pytest.raises(MappingError, match="InputData is in namespace"):
        info.request_from_xml(parse(rename_namespace(xml, NS, "http://ffoms.ru/other")))
    xml = etree.tostring(info.request_to_xml(request()), encoding="utf-8")
    with pytest.raises(MappingError, match="FamilyName in namespace 'urn:x'"):
        info.request_from_xml(parse(rename_namespace(xml, COMMONS_NS, "urn:x")))
