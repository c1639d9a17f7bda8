"""ФНС extract from ЕГРИП: request whole, answer as a subset that reads any valid extract."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from adapters.smev3.scaffold import scaffold
from adapters.smev3.vs.fns_egrip import samples
from adapters.smev3.vs.fns_egrip.messages import NS, EgripRequestV1, EgripResponseV1
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

SCHEMA = "fns-vipip-tosmv-ru.xsd"


def test_installed_as_a_consumer_type() -> None:
    info = installed("fns.egrip")
    assert info.role == "consumer" and info.request_namespace == NS
    assert info.request_schema == info.response_schema == SCHEMA


def test_request_by_ogrn_and_by_inn(store: SchemaStore) -> None:
    info = installed("fns.egrip")
    round_trip_request(store, info, samples.request())
    by_ogrnip = EgripRequestV1(id="1", case_number="А07-1234/2024", ogrnip=samples.OGRNIP)
    round_trip_request(store, info, by_ogrnip)
    element = info.request_to_xml(by_ogrnip)
    assert [etree.QName(e).localname for e in element.iter()] == [
        "FNSVipIPRequest", "ЗапросИП", "ОГРНИП"]
    with pytest.raises(ValueError, match="is required"):
        EgripRequestV1(id="1")
    with pytest.raises(ValueError, match="alternatives"):
        EgripRequestV1(id="1", inn=samples.INN, ogrnip=samples.OGRNIP)


def test_extract_and_not_found_validate_and_round_trip(store: SchemaStore) -> None:
    info = installed("fns.egrip")
    request = info.sample_request()
    assert isinstance(request, EgripRequestV1)
    answer = info.sample_response(request)
    assert isinstance(answer, EgripResponseV1) and answer.id == request.id
    round_trip_response(store, info, answer)
    round_trip_response(store, info, samples.not_found("x1"))


def test_a_full_extract_reads_into_the_subset(store: SchemaStore, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Every optional part of СвИП present (made by the scaffold's models): the unmapped
    ones are skipped, the mapped ones read faithfully, and the subset writes back valid."""
    made = scaffold(FIXTURES / "vs" / "fns-egrip-vipip-311-15-4.0.5" / SCHEMA, "consumer",
                    "fns.fullip", tmp_path)
    package = made.directory / made.package
    models = load_module(package / "messages.py", "fns_fullip_messages", monkeypatch)
    data = load_module(package / "samples.py", "fns_fullip_samples", monkeypatch).RESPONSE
    full = to_xml(models.FnsFullipResponseV1.model_validate(data))
    assert_valid(store, SCHEMA, full)
    assert len(full[0]) > 12  # a rich extract: more parts than the subset maps

    answer = installed("fns.egrip").response_from_xml(parse(etree.tostring(full,
                                                                           encoding="utf-8")))
    assert isinstance(answer, EgripResponseV1) and answer.entrepreneur is not None
    source = data["sv_ip"]
    entity = answer.entrepreneur
    assert entity.ogrnip == source["ogrnip"] and entity.inn == source["innfl"]
    assert entity.person.name.family == source["sv_fl"]["fiorus"]["familiya"]
    assert entity.residence.area.region.name == (
        source["sv_adr_mzh"]["adres_rf"]["region"]["naim_region"])
    assert entity.records[0].kind.code == source["sv_zap_egrip"][0]["vid_zap"]["kod_spvz"]
    assert entity.extract_date == date.fromisoformat(source["data_vyp"])
    round_trip_response(store, installed("fns.egrip"), answer)


def test_missing_required_element_and_wrong_namespace() -> None:
    info = installed("fns.egrip")
    answer = samples.extract("r1")
    element = drop_element(info.response_to_xml(answer), "СвРегИП")
    with pytest.raises(MappingError, match="СвИП: required element СвРегИП"):
        info.response_from_xml(element)
    xml = etree.tostring(info.request_to_xml(samples.request()), encoding="utf-8")
    with pytest.raises(MappingError, match="FNSVipIPRequest is in namespace"):
        info.request_from_xml(parse(rename_namespace(xml, NS, "urn://x-artefacts-fns-vipip"
                                                              "-tosmv-ru/311-15/4.0.4")))
    with pytest.raises(MappingError, match="expected root element FNSVipIPResponse"):
        info.response_from_xml(info.request_to_xml(samples.request()))
