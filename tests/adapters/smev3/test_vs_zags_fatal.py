"""ЕГР ЗАГС death records 112-04 v4.0.2: samples, schema validity, round trip, bad input."""

from __future__ import annotations

from datetime import date

import pytest
from lxml import etree

from adapters.smev3.vs.zags_fatal import samples
from adapters.smev3.vs.zags_fatal.messages import (
    NS,
    Deceased,
    FatalRequestV1,
    FullName,
    Place,
)
from contracts.registry import type_of
from contracts.schemas import SchemaStore
from contracts.xmlbind.binding import MappingError
from contracts.xmlsafe import parse
from contracts.zags import DeathRecordsV1
from tests.adapters.smev3.vs_helpers import (
    assert_valid,
    drop_element,
    fill_attributes,
    installed,
    rename_namespace,
    round_trip_request,
    sample,
)

SAMPLES = "zags-fatal-112-04-4.0.2/samples/"
# The samples are IDE skeletons with empty values; these fill them in.
VALUES = {
    "ИдСвед": "5f0c7a52-1d3e-4c1b-9a54-0e6f1b2c3d4e", "НомерЗапис": "170219590001200001",
    "КодЗАГС": "R0200001", "НаимЗАГС": "Отдел ЗАГС Кировского района г. Уфы",
    "НаимСтатус": "запись акта первичная", "НомерСвидет": "654321", "СерияСвидет": "IV-АР",
    "НаимСтраны": "Российская Федерация", "ОКСМ": "643", "Фамилия": "Петров", "Имя": "Пётр",
    "Отчество": "Петрович", "Город": "Уфа", "КодСтраны": "643",
    "МестоТекст": "Российская Федерация, Республика Башкортостан, г. Уфа",
    "НаимСубъект": "Республика Башкортостан", "НаселПункт": "Уфа", "Район": "Кировский",
    "Регион": "02",
}


def full_record() -> FatalRequestV1:
    """A request using every part of the schema at least once."""
    return samples.delivery()


def test_installed_through_the_entry_point() -> None:
    info = installed("zags.fatal")
    # ЗАГС sends the records; the fund takes them in (GetRequest) and answers nothing.
    assert info.role == "provider" and info.request_namespace == NS
    assert info.one_way and info.response_model is None
    assert info.request_schema == "zags-fatal-ru-root.xsd"
    assert type_of(FatalRequestV1).key == "smev3.zags.fatal.request.v1"
    personal = FullName.model_json_schema()["properties"]["family"]
    assert personal.get("personal") is True
    assert info.sample_request() == samples.delivery()
    assert info.sample_response(samples.delivery()) is None


@pytest.mark.parametrize("name", ["zags-fatal-ru-root.xml", "zags-fatal-ru-root1.xml"])
def test_skeleton_samples_are_refused_as_the_schema_refuses_them(
        store: SchemaStore, name: str) -> None:
    element = parse(sample(SAMPLES + name))
    assert store.validate("zags-fatal-ru-root.xsd", element)  # empty values: invalid
    with pytest.raises(MappingError, match="String should have at least 1 character"):
        installed("zags.fatal").request_from_xml(element)


def test_sample_with_values_parses(store: SchemaStore) -> None:
    element = parse(fill_attributes(sample(SAMPLES + "zags-fatal-ru-root.xml"), VALUES))
    assert_valid(store, "zags-fatal-ru-root.xsd", element)
    request = installed("zags.fatal").request_from_xml(element)
    assert isinstance(request, FatalRequestV1)
    assert request.as_of == date(2001, 1, 1) and request.id == VALUES["ИдСвед"]
    record = request.records[0]
    assert record.registry_office.code == "R0200001" and record.status.code == "01"
    assert record.certificate is not None and record.certificate.series == "IV-АР"
    deceased = record.registered.deceased
    assert (deceased.name.family, deceased.name.given, deceased.name.patronymic) == (
        "Петров", "Пётр", "Петрович")
    assert deceased.sex == "1" and deceased.citizenship_code == "643"
    assert deceased.death_date == date(2001, 1, 1) and deceased.death_place.region == "02"
    round_trip_request(store, installed("zags.fatal"), request)


def test_minimal_sample_with_values_parses(store: SchemaStore) -> None:
    element = parse(fill_attributes(sample(SAMPLES + "zags-fatal-ru-root1.xml"), VALUES))
    request = installed("zags.fatal").request_from_xml(element)
    assert isinstance(request, FatalRequestV1)
    deceased = request.records[0].registered.deceased
    assert deceased.name.patronymic is None and deceased.sex is None
    assert request.records[0].certificate is None
    round_trip_request(store, installed("zags.fatal"), request)


def test_every_part_validates_and_round_trips(store: SchemaStore) -> None:
    round_trip_request(store, installed("zags.fatal"), full_record())


def test_alternatives_are_exclusive_and_death_date_required() -> None:
    with pytest.raises(ValueError, match="alternatives"):
        Deceased(name=FullName(family="А", given="Б"), birth_date=date(1950, 1, 1),
                 birth_year="1950", death_date=date(2020, 1, 1),
                 death_place=Place(description="x"))
    with pytest.raises(ValueError, match="is required"):
        Deceased(name=FullName(family="А", given="Б"), death_place=Place(description="x"))


def test_missing_required_element_is_a_clear_mapping_error() -> None:
    info = installed("zags.fatal")
    element = drop_element(info.request_to_xml(full_record()), "ОрганЗАГС")
    with pytest.raises(MappingError, match="СведРегСмерт: required element ОрганЗАГС"):
        info.request_from_xml(element)


def test_wrong_namespace_is_a_clear_mapping_error() -> None:
    info = installed("zags.fatal")
    xml = etree.tostring(info.request_to_xml(full_record()), encoding="utf-8")
    with pytest.raises(MappingError, match="FATALRequest is in namespace 'urn:other'"):
        info.request_from_xml(parse(rename_namespace(xml, NS, "urn:other")))


def test_there_is_no_answer_to_map() -> None:
    info = installed("zags.fatal")
    with pytest.raises(MappingError, match="one-way type: its schema defines no answer"):
        info.response_to_xml(full_record())
    with pytest.raises(MappingError, match="one-way type"):
        info.response_from_xml(info.request_to_xml(full_record()))


def test_on_the_bus_a_delivery_is_zags_deaths_with_no_answer_expected() -> None:
    info = installed("zags.fatal")
    assert (info.bus_request, info.bus_response) == (DeathRecordsV1, None)
    request = full_record()
    deceased = request.records[0].registered.deceased
    deceased.death_date, deceased.death_month = None, "2024-02"
    deceased.birth_date, deceased.birth_year = None, "1941"
    delivery = info.to_canonical(request)
    assert isinstance(delivery, DeathRecordsV1)
    assert (delivery.delivery_id, delivery.source_format, delivery.answer_expected) == (
        request.id, "112-04", False)
    [record] = delivery.records
    assert (record.act_number, record.office_code, record.version) == (
        "170219590001200001", "R0200001", None)
    assert (record.surname, record.name, record.patronymic) == ("Сидорова", "Анна", "Ивановна")
    assert record.birth_date_partial is not None and record.birth_date_partial.text() == "1941"
    assert record.death_date_partial is not None
    assert record.death_date_partial.text() == "2024-02"
    assert record.identity_document is not None
    assert record.identity_document.series_number == "8003 123456"
    assert not (record.unidentified or record.annulled)
    with pytest.raises(MappingError, match="expected a FatalRequestV1"):
        info.to_canonical(delivery)
