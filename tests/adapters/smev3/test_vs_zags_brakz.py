"""ЕГР ЗАГС marriage records 112-46 v4.0.2: samples, schema validity, flags, mapping, bad input."""

from __future__ import annotations

from datetime import date

import pytest
from lxml import etree

from adapters.smev3.vs.zags_brakz import samples
from adapters.smev3.vs.zags_brakz.commons import (
    TYPES_NS,
    ActRecord,
    ChangeBasis,
    Document,
    ForeignAddress,
    GarAddress,
    GarPart,
    PartialDate,
    RecordChange,
    RegistryOffice,
    Residence,
    RussianResidence,
    Spouse,
)
from adapters.smev3.vs.zags_brakz.messages import NS, BrakzRequestV1
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
)

SCHEMA = "zags-brakz-4.0.2.xsd"
KEY = "zags.brakz"


def canonical(request: BrakzRequestV1) -> NameChangeRecordsV1:
    delivery = installed(KEY).to_canonical(request)
    assert isinstance(delivery, NameChangeRecordsV1)
    return delivery


def flags(element: etree._Element) -> set[str]:
    """The "no data" flags written in ``element``."""
    return {etree.QName(e).localname for e in element.iter() if isinstance(e.tag, str)
            and etree.QName(e).localname.startswith("Пр") and e.text == "1"}


def test_installed_through_the_entry_point() -> None:
    info = installed(KEY)
    # ЗАГС delivers the records; the fund takes them in (GetRequest) and answers nothing.
    assert info.role == "provider" and info.protocol == "1.3"
    assert info.request_namespace == NS and info.request_schema == SCHEMA
    assert info.one_way and info.response_model is None and info.bus_response is None
    assert info.bus_request is NameChangeRecordsV1
    assert type_of(BrakzRequestV1).key == "smev3.zags.brakz.request.v1"
    assert Spouse.model_json_schema()["properties"]["surname_before"].get("personal") is True
    with pytest.raises(MappingError, match="one-way"):
        info.response_to_xml(samples.delivery())


def test_the_sample_is_valid_and_reads_back(store: SchemaStore) -> None:
    info = installed(KEY)
    request = info.sample_request()
    assert isinstance(request, BrakzRequestV1)
    round_trip_request(store, info, request)
    element = info.request_to_xml(request)
    after = element.findall(f".//{{{NS}}}Супруга/{{{TYPES_NS}}}ФамилияПосле")
    assert [e.text for e in after] == ["Галиева"]


def test_every_alternative_of_the_schema_round_trips(store: SchemaStore) -> None:
    request = samples.delivery()
    rec = request.records[0]
    rec.incidents = ["INC-2024-000137"]
    rec.recorded_on, rec.recorded_on_partial = None, PartialDate(day=15, month=6, year="2024")
    rec.old_number = "1234"
    husband, wife = rec.registered.husband, rec.registered.wife
    husband.birth_date, husband.birth_date_partial = None, PartialDate(year="1996")
    husband.citizenship_code, husband.citizenship_name = None, "Республика Казахстан"
    husband.residence = Residence(russia=RussianResidence(gar=GarAddress(
        address_text="Республика Башкортостан, г.о. город Уфа, ул. Гафури, д. 27",
        region="02", region_name="Республика Башкортостан", gar_id=123456789012,
        municipal=GarPart(name="город Уфа", type="г.о."),
        street=GarPart(name="Гафури", type="ул."), house=GarPart(name="27", type="д."))))
    wife.residence = Residence(abroad=ForeignAddress(address_text="Казахстан, г. Алматы"))
    wife.ern_id = "000012345678"
    office = RegistryOffice(name="Отдел ЗАГС Кировского района г. Уфы", code="R0200001")
    rec.corrections = [RecordChange(
        kind_code="0101", changed_on=date(2024, 7, 1), content="Исправлено отчество супруги",
        basis=ChangeBasis(act=ActRecord(act_type="01", type_name="запись акта о рождении",
                                        number="110199800020000012345",
                                        recorded_on_partial=PartialDate(year="1998"),
                                        registry_office=office)))]
    rec.restoration = RecordChange(changed_on=date(2024, 7, 2), basis=ChangeBasis(
        document=Document(name="Решение суда", issued_on_partial=PartialDate(
            month=7, year="2024"))))
    rec.annulment = RecordChange(changed_on=date(2024, 8, 1))
    round_trip_request(store, installed(KEY), request)


def test_canonical_marriage_names_both_spouses_and_the_new_surname() -> None:
    delivery = canonical(samples.delivery())
    assert (delivery.source_format, delivery.act_kind, delivery.as_of) == (
        "112-46", "marriage", date(2024, 6, 17))
    [record] = delivery.records
    assert (record.act_number, record.act_date, record.office_code, record.version) == (
        "120240020000200034567", date(2024, 6, 15), "R0200002", "1")
    assert record.changed_on == date(2024, 6, 15) and not record.annulled
    husband, wife = record.persons
    # The wife took the husband's surname; the husband kept his: no change for him.
    assert (wife.role, wife.before.surname, wife.surname) == ("wife", "Смирнова", "Галиева")
    assert wife.changes() == {"surname": ("Смирнова", "Галиева")}
    assert (husband.role, husband.before.surname, husband.surname) == (
        "husband", "Галиев", None)
    assert husband.changes() == {}
    assert (wife.before.name, wife.before.patronymic, wife.before.sex,
            wife.before.birth_date) == ("Екатерина", "Андреевна", "2", date(1998, 9, 30))
    assert husband.before.sex == "1"
    assert wife.before.identity_document is not None
    assert (wife.before.identity_document.kind_code,
            wife.before.identity_document.series_number) == ("21", "80 18 305577")
    assert wife.before.birth_place == "Российская Федерация, Республика Башкортостан, г. Уфа"
    assert wife.before.address is not None and "ул. Гафури" in wife.before.address


def test_a_partial_marriage_date_takes_effect_on_the_act_date() -> None:
    request = samples.delivery()
    rec = request.records[0]
    rec.registered.married_on = None
    rec.registered.married_on_partial = PartialDate(month=6, year="2024")  # day unknown
    rec.recorded_on = date(2024, 6, 20)
    [record] = canonical(request).records
    assert record.changed_on == date(2024, 6, 20) == record.act_date
    # A documented date with every part known is a whole date.
    rec.registered.married_on_partial = PartialDate(day=14, month=6, year="2024")
    assert canonical(request).records[0].changed_on == date(2024, 6, 14)
    # A record dated only by documents is dated by its version.
    rec.recorded_on, rec.recorded_on_partial = None, PartialDate(year="2024")
    assert canonical(request).records[0].act_date == rec.version_date


def test_no_data_flags_are_written_read_and_mapped(store: SchemaStore) -> None:
    info = installed(KEY)
    request = samples.delivery()
    marriage = request.records[0].registered
    marriage.married_on = None
    marriage.husband.patronymic = None
    marriage.wife.identity_document = None
    marriage.wife.birth_place = None
    element = info.request_to_xml(request)
    assert {"ПрДатаБрак", "ПрОтчество", "ПрУдЛичнФЛ", "ПрМестоРожден"} <= flags(element)
    round_trip_request(store, info, request)
    [record] = canonical(request).records
    husband, wife = record.persons
    assert husband.before.patronymic is None and husband.before.name == "Тимур"
    assert wife.before.identity_document is None and wife.before.birth_place is None
    assert record.changed_on == record.act_date


def test_the_builders_make_a_valid_delivery(store: SchemaStore) -> None:
    rec = samples.marriage_record(
        ("Ахметов", "Ильдар", None, date(1990, 1, 5), None),
        samples.Party("Ахметова", "Алсу", "Ильдаровна", date(1992, 2, 29), "80 12 000111"),
        married_on=date(2024, 9, 7), act_number="120240020000300012345",
        act_date=date(2024, 9, 7), office_code="R0200003", office_name="Отдел ЗАГС г. Уфы",
        husband_surname_after="Ахметов-Хасанов")
    request = samples.delivery_of([rec], delivery_id="demo-1", as_of=date(2024, 9, 9))
    round_trip_request(store, installed(KEY), request)
    husband, wife = canonical(request).records[0].persons
    assert husband.before.identity_document is None and husband.before.patronymic is None
    assert husband.surname == "Ахметов-Хасанов" and wife.surname is None


def test_a_foreign_document_section_is_read_past(store: SchemaStore) -> None:
    info = installed(KEY)
    element = info.request_to_xml(samples.delivery())
    record = element.find(f"{{{NS}}}СведРегБрак")
    assert record is not None
    record.set("РазделЕГР", "2")
    section = etree.SubElement(record, f"{{{NS}}}СведЕГРРазд2")
    etree.SubElement(section, f"{{{TYPES_NS}}}ПрСвУведомл").text = "1"
    read = info.request_from_xml(parse(etree.tostring(element, encoding="utf-8")))
    assert isinstance(read, BrakzRequestV1)
    assert read.records[0].section == "2" and read.records[0].foreign_section is not None
    assert canonical(read).records[0].persons[1].surname == "Галиева"


def test_bad_input_is_refused_naming_the_element() -> None:
    info = installed(KEY)
    element = info.request_to_xml(samples.delivery())
    with pytest.raises(MappingError, match="BRAKZRequest/СведРегБрак/ПрдСведРег: required "
                                           "element Супруга"):
        info.request_from_xml(drop_element(element, "Супруга"))
    with pytest.raises(MappingError, match="Супруг: neither ФамилияПосле nor the flag "
                                           "ПрФамилияПосле is present"):
        info.request_from_xml(drop_element(element, "ФамилияПосле"))
    short = etree.tostring(element, encoding="utf-8").replace(b"120240020000200034567", b"12024002")
    with pytest.raises(MappingError) as refused:
        info.request_from_xml(parse(short))
    assert refused.value.issues[0].names == ("BRAKZRequest", "СведРегБрак", "@НомерЗаписЕГР")
    xml = etree.tostring(element, encoding="utf-8")
    with pytest.raises(MappingError, match="ФамилияДо in namespace 'urn:other'"):
        info.request_from_xml(parse(rename_namespace(xml, TYPES_NS, "urn:other")))
    with pytest.raises(MappingError, match="expected a BrakzRequestV1"):
        info.to_canonical(canonical(samples.delivery()))


def test_exclusive_alternatives_are_refused_before_anything_is_written() -> None:
    # ГраждТекст and ГраждОКСМ are a choice: a spouse with both could not be written.
    with pytest.raises(ValueError, match="citizenship_name, citizenship_code are alternatives"):
        Spouse(citizenship_name="Россия", citizenship_code="643")
