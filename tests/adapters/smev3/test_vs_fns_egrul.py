"""ФНС extract from ЕГРЮЛ: request whole, answer as a subset that reads any valid extract."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from adapters.smev3.scaffold import scaffold
from adapters.smev3.vs.fns_egrul import samples
from adapters.smev3.vs.fns_egrul.messages import NS, EgrulRequestV1, EgrulResponseV1
from contracts.schemas import SchemaStore
from contracts.xmlbind.binding import MappingError, to_xml
from contracts.xmlsafe import parse
from tests.adapters.smev3.vs_helpers import (
    FIXTURES,
    assert_valid,
    drop_element,
    installed,
    load_module,
    rename_namespace,
    round_trip_request,
    round_trip_response,
)

SCHEMA = "fns-vipul-tosmv-ru.xsd"


def test_installed_as_a_consumer_type() -> None:
    info = installed("fns.egrul")
    assert info.role == "consumer" and info.request_namespace == NS
    assert info.request_schema == info.response_schema == SCHEMA


def test_request_by_ogrn_and_by_inn(store: SchemaStore) -> None:
    info = installed("fns.egrul")
    round_trip_request(store, info, samples.request())
    by_inn = EgrulRequestV1.model_validate({"id": "1", "case_number": "А07-1234/2024",
                                            "query": {"inn": samples.INN}})
    round_trip_request(store, info, by_inn)
    with pytest.raises(ValueError, match="is required"):
        EgrulRequestV1.model_validate({"id": "1", "query": {}})


def test_extract_and_not_found_validate_and_round_trip(store: SchemaStore) -> None:
    info = installed("fns.egrul")
    request = info.sample_request()
    assert isinstance(request, EgrulRequestV1)
    answer = info.sample_response(request)
    assert isinstance(answer, EgrulResponseV1) and answer.id == request.id
    round_trip_response(store, info, answer)
    round_trip_response(store, info, samples.not_found("x1"))


def test_a_full_extract_reads_into_the_subset(store: SchemaStore, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Every optional part of СвЮЛ present (made by the scaffold's models): the unmapped
    ones are skipped, the mapped ones read faithfully, and the subset writes back valid."""
    made = scaffold(FIXTURES / "vs" / "fns-egrul-vipul-311-14-4.0.6" / SCHEMA, "consumer",
                    "fns.full", tmp_path)
    package = made.directory / made.package
    models = load_module(package / "messages.py", "fns_full_messages", monkeypatch)
    data = load_module(package / "samples.py", "fns_full_samples", monkeypatch).RESPONSE
    full = to_xml(models.FnsFullResponseV1.model_validate(data))
    assert_valid(store, SCHEMA, full)
    assert len(full[0]) > 20  # a rich extract: far more parts than the subset maps

    answer = installed("fns.egrul").response_from_xml(parse(etree.tostring(full,
                                                                           encoding="utf-8")))
    assert isinstance(answer, EgrulResponseV1) and answer.entity is not None
    source = data["sv_yu_l"]
    entity = answer.entity
    assert entity.ogrn == source["ogrn"] and entity.inn == source["inn"]
    assert entity.name.full == source["sv_naim_yu_l"]["naim_yu_lpoln"]
    assert entity.address.russian.region.name == (
        source["sv_adres_yu_l"]["adres_rf"]["region"]["naim_region"])
    assert entity.records[0].kind.code == source["sv_zap_egryu_l"][0]["vid_zap"]["kod_spvz"]
    assert entity.extract_date == date.fromisoformat(source["data_vyp"])
    round_trip_response(store, installed("fns.egrul"), answer)


def test_missing_required_element_and_wrong_namespace() -> None:
    info = installed("fns.egrul")
    answer = samples.extract("r1")
    element = drop_element(info.response_to_xml(answer), "СвОбрЮЛ")
    with pytest.raises(MappingError, match="СвЮЛ: required element СвОбрЮЛ"):
        info.response_from_xml(element)
    xml = etree.tostring(info.request_to_xml(samples.request()), encoding="utf-8")
    with pytest.raises(MappingError, match="FNSVipULRequest is in namespace"):
        info.request_from_xml(parse(rename_namespace(xml, NS, "urn://x-artefacts-fns-vipul"
                                                              "-tosmv-ru/311-14/4.0.5")))
    with pytest.raises(MappingError, match="expected root element FNSVipULResponse"):
        info.response_from_xml(info.request_to_xml(samples.request()))
