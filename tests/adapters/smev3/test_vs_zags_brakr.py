"""ЕГР ЗАГС divorce records 112-48 v4.0.2: samples, schema validity, flags, mapping, bad input."""

from __future__ import annotations

import typing
from datetime import date

import pytest
from lxml import etree

from adapters.smev3.vs.zags_brakr import samples
from adapters.smev3.vs.zags_brakr.messages import (
    NS,
    TYPES_NS,
    ActRecord,
    BrakrRequestV1,
    ChangeBasis,
    Document,
    GarAddress,
    PartialDate,
    RecordChange,
    Residence,
    RussianResidence,
)
from adapters.smev3.vs.zags_brakz import commons
from adapters.smev3.vs.zags_brakz.commons import RegistryOffice
from adapters.smev3.vs.zags_brakz.messages import NS as MARRIAGE_NS
from contracts.registry import type_of
from contracts.schemas import SchemaStore
from contracts.xmlbind.binding import MappingError, XmlModel
from contracts.xmlsafe import parse
from contracts.zags_acts import NameChangeRecordsV1
from tests.adapters.smev3.vs_helpers import (
    drop_element,
    installed,
    rename_namespace,
    round_trip_request,
)

SCHEMA = "zags-brakr-4.0.2.xsd"
KEY = "zags.brakr"


def canonical(request: BrakrRequestV1) -> NameChangeRecordsV1:
    delivery = installed(KEY).to_canonical(request)
    assert isinstance(delivery, NameChangeRecordsV1)
    return delivery


def models_under(model: type[XmlModel]) -> set[type[XmlModel]]:
    """``model`` and every bound model its fields nest, recursively."""
    found = {model}
    for info in model.model_fields.values():
        for arg in [info.annotation, *typing.get_args(info.annotation)]:
            for inner in [arg, *typing.get_args(arg)]:
                if isinstance(inner, type) and issubclass(inner, XmlModel) \
                        and inner not in found:
                    found |= models_under(inner)
    return found


def test_installed_through_the_entry_point() -> None:
    info = installed(KEY)
    assert info.role == "provider" and info.protocol == "1.3"
    assert info.request_namespace == NS and info.request_schema == SCHEMA
    assert info.one_way and info.response_model is None
    assert info.bus_request is NameChangeRecordsV1
    assert type_of(BrakrRequestV1).key == "smev3.zags.brakr.request.v1"


def test_no_model_of_112_48_writes_in_112_46_namespaces() -> None:
    # The types are 112-46's subclassed: a nested model left unsubclassed would write its
    # children in the marriage format's namespace.
    namespaces = {m.xml_namespace for m in models_under(BrakrRequestV1)}
    assert namespaces <= {"", NS, TYPES_NS}
    assert commons.TYPES_NS not in namespaces and MARRIAGE_NS not in namespaces


def test_the_sample_is_valid_and_reads_back(store: SchemaStore) -> None:
    info = installed(KEY)
    request = info.sample_request()
    assert isinstance(request, BrakrRequestV1)
    round_trip_request(store, info, request)
    element = info.request_to_xml(request)
    # Each spouse has a certificate of divorce; the dissolved marriage is named.
    assert len(element.findall(f".//{{{TYPES_NS}}}СведСвидет")) == 2
    assert element.find(f".//{{{NS}}}СведДокЗаклБрак/{{{TYPES_NS}}}ЗапАктОсн") is not None


def test_every_alternative_of_the_schema_round_trips(store: SchemaStore) -> None:
    request = samples.delivery()
    rec = request.records[0]
    rec.recorded_on, rec.recorded_on_partial = None, PartialDate(month=5, year="2024")
    husband, wife = rec.registered.husband, rec.registered.wife
    husband.birth_date, husband.birth_date_partial = None, PartialDate(month=11, year="1988")
    husband.residence = Residence(russia=RussianResidence(gar_nearest=GarAddress(
        address_text="Республика Башкортостан, г.о. город Уфа, ул. Менделеева, д. 130",
        region="02", region_name="Республика Башкортостан")))
    assert wife.identity_document is not None
    wife.identity_document.issued_on_partial = PartialDate(year="2010")
    wife.certificates[0].issued_on = None
    wife.certificates[0].issued_on_partial = PartialDate(day=20, month=5, year="2024")
    rec.registered.marriage = ChangeBasis(document=Document(
        code="02001", name="Свидетельство о заключении брака", series_number="I-АР 123456",
        issued_on_partial=PartialDate(year="2012")))
    rec.corrections = [RecordChange(changed_on=date(2024, 6, 1), basis=ChangeBasis(
        act=ActRecord(act_type="02", type_name="запись акта о заключении брака",
                      number="120120020000100001987",
                      recorded_on_partial=PartialDate(month=8, year="2012"),
                      registry_office=RegistryOffice(name="Отдел ЗАГС г. Уфы",
                                                     code="R0200001"))))]
    rec.annulment = RecordChange(changed_on=date(2024, 7, 1))
    round_trip_request(store, installed(KEY), request)
    assert canonical(request).records[0].annulled


def test_canonical_divorce_names_both_spouses_and_the_surname_taken_back() -> None:
    delivery = canonical(samples.delivery())
    assert (delivery.source_format, delivery.act_kind) == ("112-48", "divorce")
    [record] = delivery.records
    assert (record.act_number, record.act_date, record.office_code) == (
        "130240020000100004321", date(2024, 5, 20), "R0200001")
    assert record.changed_on == date(2024, 5, 20)
    husband, wife = record.persons
    assert (wife.role, wife.before.surname, wife.surname) == ("wife", "Валиева", "Кузнецова")
    assert (husband.role, husband.before.surname, husband.surname) == (
        "husband", "Валиев", None)
    assert husband.before.birth_place is None  # ПрМестоРожден
    assert wife.before.birth_place is not None and "Стерлитамак" in wife.before.birth_place
    assert husband.before.identity_document is not None
    assert husband.before.identity_document.series_number == "80 09 117245"


def test_a_partial_divorce_date_takes_effect_on_the_act_date() -> None:
    request = samples.delivery()
    rec = request.records[0]
    rec.registered.divorced_on = None
    rec.registered.divorced_on_partial = PartialDate(year="2024")
    [record] = canonical(request).records
    assert record.changed_on == record.act_date == date(2024, 5, 20)


def test_no_data_flags_are_written_read_and_mapped(store: SchemaStore) -> None:
    info = installed(KEY)
    request = samples.delivery()
    divorce = request.records[0].registered
    divorce.divorced_on, divorce.marriage = None, None
    divorce.wife.surname_after = None
    element = info.request_to_xml(request)
    flags = {etree.QName(e).localname for e in element.iter() if isinstance(e.tag, str)
             and etree.QName(e).localname.startswith("Пр") and e.text == "1"}
    assert {"ПрДатаРастБрак", "ПрСведДокЗаклБрак", "ПрФамилияПосле"} <= flags
    round_trip_request(store, info, request)
    wife = canonical(request).records[0].persons[1]
    assert wife.surname is None and wife.changes() == {}


def test_the_builders_make_a_valid_delivery(store: SchemaStore) -> None:
    rec = samples.divorce_record(
        ("Иванов", "Олег", "Петрович", date(1980, 7, 7), None),
        ("Иванова", "Мария", None, date(1982, 12, 1), "80 05 765432"),
        divorced_on=date(2024, 10, 1), act_number="130240020000100009999",
        act_date=date(2024, 10, 3), office_code="R0200001", office_name="Отдел ЗАГС г. Уфы",
        wife_surname_after="Петрова")
    request = samples.delivery_of([rec], delivery_id="demo-2", as_of=date(2024, 10, 4))
    round_trip_request(store, installed(KEY), request)
    [record] = canonical(request).records
    assert record.changed_on == date(2024, 10, 1) and record.act_date == date(2024, 10, 3)
    assert record.persons[1].surname == "Петрова" and record.persons[1].before.patronymic is None


def test_bad_input_is_refused_naming_the_element() -> None:
    info = installed(KEY)
    element = info.request_to_xml(samples.delivery())
    with pytest.raises(MappingError, match="BRAKRRequest/СведРастБрак/ПрдСведРег/Супруг: "
                                           "neither ФамилияДо nor the flag ПрФамилияДо"):
        info.request_from_xml(drop_element(element, "ФамилияДо"))
    with pytest.raises(MappingError, match="BRAKRRequest/СведРастБрак: required element "
                                           "ОрганЗАГС"):
        info.request_from_xml(drop_element(element, "ОрганЗАГС"))
    xml = etree.tostring(element, encoding="utf-8")
    # A 112-48 root holding 112-46's types is refused, not read as a divorce.
    with pytest.raises(MappingError, match="ФамилияДо in namespace"):
        info.request_from_xml(parse(rename_namespace(xml, TYPES_NS, commons.TYPES_NS)))
