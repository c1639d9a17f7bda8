"""ЗАГС death records for executive authorities 112-41 v4.0.0: samples, flags, bad input."""

from __future__ import annotations

from datetime import date, time

import pytest
from lxml import etree

from adapters.smev3.vs.zags_fataloiv import samples
from adapters.smev3.vs.zags_fataloiv.mapping import registry_contents
from adapters.smev3.vs.zags_fataloiv.messages import (
    NS,
    TYPES_NS,
    FatalOivRequestV1,
    FatalOivResponseV1,
    FiasAddressOiv,
    PartialDate,
    Residence,
    RussianAddress,
)
from contracts.schemas import SchemaStore
from contracts.xmlbind.binding import MappingError
from contracts.xmlsafe import parse
from contracts.zags import DeathRecordsProcessedV1, DeathRecordsV1
from tests.adapters.smev3.vs_helpers import (
    drop_element,
    installed,
    rename_namespace,
    round_trip_request,
    round_trip_response,
    sample,
)

SAMPLES = "zags-fataloiv-112-41-4.0.0/samples/"
SCHEMA = "zags-fataloiv-ru-root.xsd"


def test_installed() -> None:
    info = installed("zags.fataloiv")
    # ЗАГС sends the records; the fund takes them in and answers FATALOIVResponse.
    assert info.role == "provider" and info.request_namespace == NS
    assert not info.one_way
    assert info.request_schema == SCHEMA


def test_request_sample_parses_with_its_values(store: SchemaStore) -> None:
    element = parse(sample(SAMPLES + "smevRequest0.xml"))
    assert store.validate(SCHEMA, element) == []
    request = installed("zags.fataloiv").request_from_xml(element)
    assert isinstance(request, FatalOivRequestV1)
    assert (request.id, request.as_of) == ("a", date(2019, 3, 13))
    record = request.records[0]
    assert record.number == "111111111111111111111" and record.version == "1"
    assert record.registry_office.code == "R0000000" and record.status.code == "01"
    deceased = record.registered.deceased
    assert (deceased.name.family, deceased.name.given, deceased.name.patronymic) == (
        "Иванов", "Иван", "Иванович")
    assert deceased.birth_date == date(1950, 12, 13) and deceased.death_date == date(2018, 12, 14)
    assert deceased.death_time == time(9, 0)
    assert deceased.birth_place is not None and deceased.birth_place.region == "02"
    assert deceased.residence is not None and deceased.residence.russia is not None
    kladr = deceased.residence.russia.kladr
    assert kladr is not None and kladr.street == "Ленина" and kladr.postcode == "111111"
    assert deceased.identity_document is not None
    assert deceased.identity_document.kind_code == "21"
    assert deceased.road_accident_term is None and deceased.doctor is None  # Пр… flags
    assert deceased.causes[0].icd is not None and deceased.causes[0].icd.code == "G93.6"
    assert record.registered.death_document.code == "17002"
    assert record.applicant_person is not None
    assert record.applicant_person.name.family == "Иванова"
    round_trip_request(store, installed("zags.fataloiv"), request)


def test_a_registry_wrapper_of_one_record(store: SchemaStore) -> None:
    element = parse(sample(SAMPLES + "smevRequest1.xml"))
    assert store.validate(SCHEMA, element) == []
    contents = registry_contents(element)
    assert len(contents) == 1
    request = installed("zags.fataloiv").request_from_xml(element)
    assert isinstance(request, FatalOivRequestV1)
    assert request.records[0].registered.deceased.name.family == "Иванов"


def test_response_sample(store: SchemaStore) -> None:
    element = parse(sample(SAMPLES + "smevResponse0.xml"))
    answer = installed("zags.fataloiv").response_from_xml(element)
    assert answer == FatalOivResponseV1(id="а", code="01")
    round_trip_response(store, installed("zags.fataloiv"), answer)


def test_simulator_samples_round_trip(store: SchemaStore) -> None:
    info = installed("zags.fataloiv")
    request = info.sample_request()
    assert request is not None
    round_trip_request(store, info, request)
    answer = info.sample_response(request)
    assert isinstance(answer, FatalOivResponseV1) and answer.code == "01"
    round_trip_response(store, info, answer)


def test_no_data_flags_are_written_and_read(store: SchemaStore) -> None:
    request = samples.delivery()
    deceased = request.records[0].registered.deceased
    deceased.nationality = None
    deceased.birth_date = None
    deceased.birth_date_partial = PartialDate(year="1940")
    record = request.records[0]
    assert record.applicant_person is not None
    record.applicant_person.residence = Residence(russia=RussianAddress(
        address_text="г. Уфа, ул. Ленина, д. 15", kind="1", fias=FiasAddressOiv.model_validate({
            "fias_id": "0c5b2444-70a0-4932-980c-b4dc0d3f02b5", "region": "02",
            "municipal_district": {"kind": "2", "name": "г.о. город Уфа"},
            "street": {"type": "ул.", "name": "Ленина"},
            "buildings": [{"type": "д.", "number": "15"}]})))
    element = installed("zags.fataloiv").request_to_xml(request)
    flags = {etree.QName(e).localname for e in element.iter() if isinstance(e.tag, str)
             and etree.QName(e).localname.startswith("Пр") and e.text == "1"}
    assert {"ПрНациональность", "ПрДень", "ПрМесяц", "ПрОбразование"} <= flags
    assert "ПрДатаРожд" not in flags
    round_trip_request(store, installed("zags.fataloiv"), request)


def test_missing_required_element_and_missing_flag() -> None:
    info = installed("zags.fataloiv")
    element = info.request_to_xml(samples.delivery())
    with pytest.raises(MappingError, match="СведРегСмертОИВ: required element ПрдСведРег"):
        info.request_from_xml(drop_element(element, "ПрдСведРег"))
    with pytest.raises(MappingError, match="neither Национальность nor the flag "
                                           "ПрНациональность"):
        info.request_from_xml(drop_element(element, "ПрНациональность"))


def test_wrong_namespaces() -> None:
    info = installed("zags.fataloiv")
    xml = etree.tostring(info.request_to_xml(samples.delivery()), encoding="utf-8")
    with pytest.raises(MappingError, match="FATALOIVRequest is in namespace"):
        info.request_from_xml(parse(rename_namespace(xml, NS, "urn:other")))
    with pytest.raises(MappingError, match="Фамилия in namespace 'urn:other'"):
        info.request_from_xml(parse(rename_namespace(xml, TYPES_NS, "urn:other")))


def test_on_the_bus_a_delivery_is_zags_deaths_and_the_answer_zags_deaths_processed() -> None:
    info = installed("zags.fataloiv")
    assert (info.bus_request, info.bus_response) == (DeathRecordsV1, DeathRecordsProcessedV1)
    request = samples.delivery()
    deceased = request.records[0].registered.deceased
    deceased.birth_date, deceased.birth_date_partial = None, PartialDate(year="1940", month=7)
    deceased.unidentified = "1"
    request.records[0].version = "2"
    delivery = info.to_canonical(request)
    assert isinstance(delivery, DeathRecordsV1)
    assert (delivery.delivery_id, delivery.as_of, delivery.source_format,
            delivery.answer_expected) == (request.id, date(2024, 3, 1), "112-41", True)
    [record] = delivery.records
    assert (record.act_number, record.act_date, record.office_code, record.version) == (
        "170240020000123456789", date(2024, 2, 28), "R0200001", "2")
    assert (record.surname, record.name, record.patronymic) == (
        "Хабибуллин", "Рамиль", "Фаритович")
    assert record.birth_date is None and record.birth_date_partial is not None
    assert record.birth_date_partial.text() == "1940-07"
    assert record.death_date == date(2024, 2, 26) and record.death_date_partial is None
    assert record.identity_document is not None
    assert (record.identity_document.kind_code,
            record.identity_document.series_number) == ("21", "80 03 123456")
    assert record.unidentified and not record.annulled and record.snils is None
    answer = info.from_canonical(DeathRecordsProcessedV1(delivery_id=request.id))
    assert answer == FatalOivResponseV1(id=request.id, code="01")
    assert info.to_canonical(answer) == DeathRecordsProcessedV1(delivery_id=request.id)
    assert info.from_canonical(answer) is answer  # a bound answer (an old journal row) as is
    with pytest.raises(MappingError, match="expected a FATALOIVRequest or FATALOIVResponse"):
        info.to_canonical(DeathRecordsProcessedV1(delivery_id="x"))
