"""The on-request ЕГР ЗАГС formats 112-51, 112-53…112-56: one suite for the five."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from lxml import etree

from adapters.smev3.service import Smev3Adapter, catalogue
from adapters.smev3.vs.zags_inf.mapping import BASIS_CODE, ZagsInquiryType
from adapters.smev3.vs.zags_inf.samples import inquiry
from contracts.envelope import Envelope
from contracts.schemas import SchemaStore
from contracts.xmlbind.binding import MappingError
from contracts.xmlsafe import parse
from contracts.zags import IdentityDocument
from contracts.zags_acts import InquiryKind, Person, ZagsInquiryAnswerV1, ZagsInquiryV1
from hub.component import Message, PermanentError
from tests.adapters.smev3.vs_helpers import (
    drop_element,
    installed,
    round_trip_request,
    round_trip_response,
)

TYPES: dict[InquiryKind, tuple[str, str, str]] = {
    "birth": ("zags.rogdinf", "112-51", "01"),
    "name_change": ("zags.pernameinf", "112-53", "06"),
    "marriage": ("zags.brakzakinf", "112-54", "02"),
    "divorce": ("zags.brakrastinf", "112-55", "03"),
    "paternity": ("zags.parentinf", "112-56", "04"),
}
KINDS = list(TYPES)


def info_of(kind: InquiryKind) -> ZagsInquiryType:
    info = installed(TYPES[kind][0])
    assert isinstance(info, ZagsInquiryType)
    return info


@pytest.mark.parametrize("kind", KINDS)
def test_installed_as_a_consumer_of_zags_inquiry(kind: InquiryKind) -> None:
    info = info_of(kind)
    assert info.role == "consumer" and not info.one_way
    assert (info.bus_request, info.bus_response) == (ZagsInquiryV1, ZagsInquiryAnswerV1)
    assert info.source_format == TYPES[kind][1]


@pytest.mark.parametrize("kind", KINDS)
def test_samples_are_valid_and_read_back_equal(kind: InquiryKind, store: SchemaStore) -> None:
    info = info_of(kind)
    request = info.sample_request()
    assert request is not None
    round_trip_request(store, info, request)
    answer = info.sample_response(request)
    assert answer is not None
    round_trip_response(store, info, answer)
    module = __import__(type(info).__module__.replace(".mapping", ".samples"),
                        fromlist=["not_found"])
    round_trip_response(store, info, module.not_found(request))


@pytest.mark.parametrize("kind", KINDS)
def test_an_inquiry_becomes_the_request_of_its_format(kind: InquiryKind) -> None:
    info = info_of(kind)
    asked = inquiry(kind).model_copy(update={
        "act_number": "110200010019100123456", "act_date": date(1991, 4, 20),
        "office_code": "R0200001"})
    request: Any = info.from_canonical(asked)
    element = info.request_to_xml(request)
    assert etree.QName(element).localname == info.request_model.xml_root
    assert element.get("ТипАГС") == TYPES[kind][2] and element.get("КолДок") == "1"
    assert len(element.get("ИдЗапрос") or "") == 36
    [query] = request.queries
    assert request.basis.code == BASIS_CODE and "326-ФЗ" in (request.basis.document or "")
    assert (query.person.name.family, query.person.name.given,
            query.person.name.patronymic) == ("Галиева", "Алсу", "Ринатовна")
    assert query.person.birth_date == date(1991, 4, 12)
    assert query.person.snils == "112-233-445 95"
    document = query.person.identity_document
    assert (document.kind_code, document.series, document.number) == ("21", "80 11", "654321")
    assert query.act.number == "110200010019100123456"
    assert query.act.recorded_on == date(1991, 4, 20) and query.act.office.code == "R0200001"
    assert query.region == "02"
    # without an act nor an office: no СведАГС, the region flag instead
    bare: Any = info.from_canonical(inquiry(kind))
    element = info.request_to_xml(bare)
    names = {etree.QName(e).localname for e in element.iter() if isinstance(e.tag, str)}
    assert "СведАГС" not in names and "ПрРегионРегАГС" in names
    assert info.to_canonical(bare) == inquiry(kind).model_copy(update={"person": Person(
        surname="Галиева", name="Алсу", patronymic="Ринатовна", birth_date=date(1991, 4, 12),
        snils="112-233-445 95")})


@pytest.mark.parametrize("kind", KINDS)
def test_another_kind_is_refused(kind: InquiryKind) -> None:
    info = info_of(kind)
    other: InquiryKind = "birth" if kind != "birth" else "marriage"
    assert info.sends(inquiry(kind)) and not info.sends(inquiry(other))
    with pytest.raises(MappingError, match=f"acts of kind {kind}, not {other}"):
        info.from_canonical(inquiry(other))


@pytest.mark.parametrize("kind", KINDS)
def test_the_adapter_sends_an_inquiry_as_the_type_of_its_kind(kind: InquiryKind) -> None:
    adapter = Smev3Adapter.__new__(Smev3Adapter)
    adapter.types = catalogue()
    payload = inquiry(kind)
    envelope = Envelope(type="zags.inquiry", version=1, source="test",
                        payload=payload.model_dump(mode="json"))
    assert adapter._info_for(Message(envelope=envelope, payload=payload)).key == TYPES[kind][0]


def test_an_inquiry_no_installed_type_sends_is_refused() -> None:
    adapter = Smev3Adapter.__new__(Smev3Adapter)
    adapter.types = SimpleNamespace(types={  # type: ignore[assignment]
        k: v for k, v in catalogue().types.items() if k != "zags.brakzakinf"})
    payload = inquiry("marriage")
    envelope = Envelope(type="zags.inquiry", version=1, source="test",
                        payload=payload.model_dump(mode="json"))
    with pytest.raises(PermanentError, match="no information type sends zags.inquiry"):
        adapter._info_for(Message(envelope=envelope, payload=payload))


def test_a_birth_answer_maps_to_birth_records() -> None:
    info = info_of("birth")
    answer = info.to_canonical(info.sample_response(info.sample_request()))  # type: ignore[arg-type]
    assert isinstance(answer, ZagsInquiryAnswerV1)
    assert (answer.act_kind, answer.source_format, answer.not_found) == ("birth", "112-51", "")
    [record] = answer.births
    assert (record.act_number, record.office_code, record.version) == (
        "110200010019100123456", "R0200001", "1")
    assert (record.child.surname, record.child.name, record.child.sex) == (
        "Галиева", "Алсу", "2")
    assert record.child.birth_date == date(1991, 4, 12) and not record.stillborn
    assert record.mother is not None and record.mother.name == "Гульшат"
    assert record.mother.identity_document == IdentityDocument(
        kind_code="21", series_number="80 02 112233", issued_on=date(2002, 10, 1))
    assert record.father is not None and record.father.surname == "Галиев"


@pytest.mark.parametrize(("kind", "changes"), [
    ("name_change", [("person", "Галиева", {"surname": ("Галиева", "Рахимова")})]),
    ("marriage", [("husband", "Сафин", {}), ("wife", "Галиева",
                                           {"surname": ("Галиева", "Сафина")})]),
    ("divorce", [("husband", "Сафин", {}), ("wife", "Сафина",
                                          {"surname": ("Сафина", "Галиева")})]),
    ("paternity", [("child", "Юсупова", {"surname": ("Юсупова", "Галиева"),
                                         "patronymic": ("Олеговна", "Ринатовна")})]),
])
def test_other_answers_map_to_name_changes(kind: InquiryKind, changes: list[Any]) -> None:
    info = info_of(kind)
    answer = info.to_canonical(info.sample_response(info.sample_request()))  # type: ignore[arg-type]
    assert isinstance(answer, ZagsInquiryAnswerV1)
    assert answer.births == [] and answer.not_found == ""
    [record] = answer.name_changes
    assert record.changed_on is not None and record.office_code == "R0200001"
    assert [(p.role, p.before.surname, p.changes()) for p in record.persons] == changes


@pytest.mark.parametrize("kind", KINDS)
def test_nothing_found_maps_to_not_found(kind: InquiryKind) -> None:
    info = info_of(kind)
    request = info.sample_request()
    module = __import__(type(info).__module__.replace(".mapping", ".samples"),
                        fromlist=["not_found"])
    answer = info.to_canonical(info.response_from_xml(
        info.response_to_xml(module.not_found(request))))
    assert isinstance(answer, ZagsInquiryAnswerV1)
    assert answer.births == [] and answer.name_changes == []
    assert answer.not_found == "ЕГР ЗАГС: сведения не найдены (РезОбраб 3)"


@pytest.mark.parametrize("kind", KINDS)
def test_bad_input_is_refused_naming_the_path(kind: InquiryKind) -> None:
    info = info_of(kind)
    request = info.sample_request()
    assert request is not None
    answer = info.response_to_xml(info.sample_response(request))  # type: ignore[arg-type]
    with pytest.raises(MappingError, match="ПрдСведРег: required element ОрганЗАГС|"
                       "СведОтветАГС/.*: required element ОрганЗАГС"):
        info.response_from_xml(drop_element(answer, "ОрганЗАГС"))
    broken = parse(etree.tostring(answer, encoding="utf-8"))
    broken.find("{*}СведОтветАГС").set("РезОбраб", "9")
    with pytest.raises(MappingError) as caught:
        info.response_from_xml(broken)
    assert any(i.names[-2:] == ("СведОтветАГС", "@РезОбраб") for i in caught.value.issues)
    bad = inquiry(kind).model_copy(update={"person": Person(surname="Галиева", snils="12345")})
    with pytest.raises(MappingError, match="СНИЛС"):
        info.from_canonical(bad)
    bad = inquiry(kind).model_copy(update={"act_number": "1"})
    with pytest.raises(MappingError, match="СведАГС/ДатаЗапис"):
        info.from_canonical(bad)
    bad = inquiry(kind).model_copy(update={"person": Person(
        surname="Галиева", identity_document=IdentityDocument(kind_code="П", series_number="1"))})
    with pytest.raises(MappingError) as doc:
        info.from_canonical(bad)
    assert doc.value.issues[0].names[-2:] == ("УдЛичнФЛ", "@КодВидДок")

