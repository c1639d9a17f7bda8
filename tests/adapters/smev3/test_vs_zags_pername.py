"""ЕГР ЗАГС change-of-name records 112-03 v4.0.6: schema validity, flags, the bus, bad input."""

from __future__ import annotations

from datetime import date

import pytest
from lxml import etree

from adapters.smev3.vs.zags_pername import samples
from adapters.smev3.vs.zags_pername.commons import (
    TYPES_NS,
    FullName,
    PartialDate,
    RecordChange,
    Residence,
    RussianAddress,
)
from adapters.smev3.vs.zags_pername.messages import NS, PerNameRequestV1
from contracts.registry import type_of
from contracts.schemas import SchemaStore
from contracts.xmlbind.binding import MappingError
from contracts.xmlsafe import parse
from contracts.zags_acts import NameChangeRecordsV1
from tests.adapters.smev3.vs_helpers import (
    drop_element,
    installed,
    rename_namespace,
    round_trip_request,
    sample,
)

OLD_SAMPLE = "zags-pername-112-03-4.0.4/samples/request.xml"
OLD_NS = "urn://x-artefacts-zags-pername/root/112-03/4.0.4"
SCHEMA = "zags-pername-ru-4.0.6.xsd"
UFA_OFFICE = ("R0200003", "Отдел ЗАГС Октябрьского района г. Уфы")


def flags(element: etree._Element) -> set[str]:
    """The local names of the ``Пр…`` "no data" flags written."""
    return {etree.QName(e).localname for e in element.iter() if isinstance(e.tag, str)
            and etree.QName(e).localname.startswith("Пр") and e.text == "1"}


def one_record(document: str | None = None) -> PerNameRequestV1:
    """A delivery of one bare record built as the simulator's demo builds it: a woman whose
    patronymic changes."""
    rec = samples.name_change_record(
        ("Петрова", "Ольга", "Викторовна"), ("Петрова", "Ольга", "Андреевна"),
        date(1988, 9, 30), act_number="160200003202400000777", act_date=date(2024, 5, 6),
        office_code=UFA_OFFICE[0], office_name=UFA_OFFICE[1], document=document)
    return samples.delivery_of([rec], delivery_id="d-1", as_of=date(2024, 5, 7))


def child(element: etree._Element, *names: str) -> etree._Element:
    """The descendant of ``element`` along ``names`` (local names, first of each)."""
    for name in names:
        found = next((c for c in element if etree.QName(c).localname == name), None)
        assert found is not None, name
        element = found
    return element


def test_installed() -> None:
    info = installed("zags.pername")
    # ЗАГС sends the records; the fund takes them in (GetRequest) and answers nothing.
    assert info.role == "provider" and info.request_namespace == NS and info.protocol == "1.3"
    assert info.one_way and info.response_model is None
    assert info.request_schema == SCHEMA
    assert (info.bus_request, info.bus_response) == (NameChangeRecordsV1, None)
    assert type_of(PerNameRequestV1).key == "smev3.zags.pername.request.v1"
    assert FullName.model_json_schema()["properties"]["family"].get("personal") is True
    assert info.sample_request() == samples.delivery()
    with pytest.raises(MappingError, match="one-way type"):
        info.response_to_xml(samples.delivery())


def test_the_4_0_4_sample_is_not_read_but_its_values_make_a_valid_4_0_6_record(
        store: SchemaStore) -> None:
    old = parse(sample(OLD_SAMPLE))
    assert store.validate("zags-pername-ru-4.0.4.xsd", old) == []
    info = installed("zags.pername")
    with pytest.raises(MappingError, match=f"PERNAMERequest is in namespace '{OLD_NS}'"):
        info.request_from_xml(old)
    # 4.0.6 moved the status into КодСостСтат, the number into НомерЗаписЕГР, split the
    # document into elements: the same person is built anew.
    person = child(old, "СведРегПерИмя", "ПрдСведРег")

    def names(element: str) -> samples.Names:
        family, given, patronymic = (child(person, element, part).text
                                     for part in ("Фамилия", "Имя", "Отчество"))
        return family, given, patronymic

    rec = samples.name_change_record(
        names("ФИОДо"), names("ФИОПосле"),
        date.fromisoformat(child(person, "ДатаРождКаленд").text or ""),
        act_number="160200003201900000001", act_date=date(2019, 3, 13),
        office_code="R0000000", office_name="Федеральное Управление ЗАГС",
        document="80 01 123456", birth_place=child(person, "МестоРожден").get("МестоТекст"),
        address=child(person, "АдрМЖ", "АдрМЖРФ").get("АдрРФТекст"))
    request = samples.delivery_of([rec], delivery_id="a", as_of=date(2019, 3, 13))
    round_trip_request(store, info, request)
    delivery = info.to_canonical(request)
    assert isinstance(delivery, NameChangeRecordsV1)
    [change] = delivery.records[0].persons
    assert (change.before.surname, change.surname, change.name, change.patronymic) == (
        "Иванов", "Петров", None, None)
    assert change.before.birth_date == date(1985, 1, 1)


def test_the_sample_validates_and_reads_back_equal(store: SchemaStore) -> None:
    round_trip_request(store, installed("zags.pername"), samples.delivery())


def test_what_the_builder_is_not_given_is_written_as_flags(store: SchemaStore) -> None:
    request = one_record()
    element = installed("zags.pername").request_to_xml(request)
    assert {"ПрМестоРожден", "ПрАдрМЖ", "ПрУдЛичнФЛ", "ПрСведРегРожд"} <= flags(element)
    assert "ПрГражданство" not in flags(element)
    round_trip_request(store, installed("zags.pername"), request)


def test_a_partial_birth_date_and_a_record_dated_by_old_documents(store: SchemaStore) -> None:
    request = one_record(document="80 05 765432")
    rec = request.records[0]
    rec.registered.birth_date = None
    rec.registered.birth_date_partial = PartialDate(year="1988", month=9)
    rec.recorded_on, rec.recorded_on_partial = None, PartialDate(year="1996", month=2)
    element = installed("zags.pername").request_to_xml(request)
    assert "ПрДень" in flags(element) and "ПрМесяц" not in flags(element)
    round_trip_request(store, installed("zags.pername"), request)
    delivery = installed("zags.pername").to_canonical(request)
    assert isinstance(delivery, NameChangeRecordsV1)
    [record] = delivery.records
    before = record.persons[0].before
    assert before.birth_date is None and before.birth_date_partial is not None
    assert before.birth_date_partial.text() == "1988-09"
    # The act's identity needs a date: the first day of what the documents give.
    assert record.act_date == record.changed_on == date(1996, 2, 1)


def test_on_the_bus_only_the_changed_names_are_set() -> None:
    info = installed("zags.pername")
    request = samples.delivery()
    request.records[0].annulment = RecordChange(changed_on=date(2024, 3, 1),
                                                content="запись аннулирована по решению суда")
    delivery = info.to_canonical(request)
    assert isinstance(delivery, NameChangeRecordsV1)
    assert (delivery.delivery_id, delivery.as_of, delivery.source_format,
            delivery.act_kind) == (request.id, date(2024, 2, 21), "112-03", "name_change")
    [record] = delivery.records
    assert (record.act_number, record.act_date, record.office_code, record.version) == (
        "160200003202400000123", date(2024, 2, 20), "R0200003", "0")
    assert record.changed_on == date(2024, 2, 20) and record.annulled
    [change] = record.persons
    assert change.role == "person"
    assert (change.before.surname, change.before.name, change.before.patronymic) == (
        "Иванова", "Мария", "Сергеевна")
    assert (change.surname, change.name, change.patronymic) == ("Ковалёва", None, None)
    assert change.changes() == {"surname": ("Иванова", "Ковалёва")}
    assert change.before.birth_date == date(1990, 4, 12) and change.before.sex is None
    assert change.before.identity_document is not None
    assert (change.before.identity_document.kind_code,
            change.before.identity_document.series_number) == ("21", "8010 123456")
    assert change.before.address is not None and "ул. Ленина" in change.before.address
    assert change.before.birth_place is not None and "г. Уфа" in change.before.birth_place
    patronymic_only = info.to_canonical(one_record())
    assert isinstance(patronymic_only, NameChangeRecordsV1)
    [change] = patronymic_only.records[0].persons
    assert (change.surname, change.name, change.patronymic) == (None, None, "Андреевна")
    assert change.before.identity_document is None and change.before.address is None


def test_a_section_2_record_is_read_without_what_is_not_mapped(store: SchemaStore) -> None:
    info = installed("zags.pername")
    element = info.request_to_xml(samples.delivery())
    record = element[0]
    extra = etree.SubElement(record, f"{{{NS}}}СведЕГРРазд2")
    etree.SubElement(extra, f"{{{TYPES_NS}}}ПрСвУведомл").text = "1"
    assert info.request_from_xml(parse(etree.tostring(element, encoding="utf-8"))) == (
        samples.delivery())


def test_bad_input_is_refused_naming_the_path() -> None:
    info = installed("zags.pername")
    element = info.request_to_xml(samples.delivery())
    with pytest.raises(MappingError, match="СведРегПерИмя: required element ПрдСведРег"):
        info.request_from_xml(drop_element(element, "ПрдСведРег"))
    with pytest.raises(MappingError, match="ПрдСведРег: neither АдрМЖ nor the flag ПрАдрМЖ"):
        info.request_from_xml(drop_element(info.request_to_xml(one_record()), "ПрАдрМЖ"))
    child(element, "СведРегПерИмя", "ОрганЗАГС").set("КодЗАГС", "R02")
    with pytest.raises(MappingError) as refused:
        info.request_from_xml(element)
    assert refused.value.issues[0].names == (
        "PERNAMERequest", "СведРегПерИмя", "ОрганЗАГС", "@КодЗАГС")
    xml = etree.tostring(info.request_to_xml(samples.delivery()), encoding="utf-8")
    with pytest.raises(MappingError, match="Фамилия in namespace 'urn:other'"):
        info.request_from_xml(parse(rename_namespace(xml, TYPES_NS, "urn:other")))
    with pytest.raises(MappingError, match="expected a PerNameRequestV1"):
        info.to_canonical(info.to_canonical(samples.delivery()))


def test_alternatives_are_exclusive_and_one_is_required() -> None:
    with pytest.raises(ValueError, match="alternatives"):
        Residence(unclassified="г. Уфа", russia=RussianAddress(address_text="г. Уфа"))
    with pytest.raises(ValueError, match="is required"):
        Residence()
