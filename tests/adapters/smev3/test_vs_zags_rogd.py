"""ЕГР ЗАГС birth records 112-01 v4.0.7: samples, flags, the canonical births, bad input."""

from __future__ import annotations

from datetime import date

import pytest
from lxml import etree

from adapters.smev3.vs.zags_fatal.messages import RegistryOffice
from adapters.smev3.vs.zags_rogd import samples
from adapters.smev3.vs.zags_rogd.commons import TYPES_NS, Parent, PartialDate
from adapters.smev3.vs.zags_rogd.messages import NS, RogdRequestV1
from contracts.demo import DemoPerson
from contracts.registry import type_of
from contracts.schemas import SchemaStore
from contracts.xmlbind.binding import MappingError
from contracts.xmlsafe import parse
from contracts.zags_acts import BirthRecordsV1
from handlers.erz.register.checks import check_snils
from tests.adapters.smev3.vs_helpers import (
    assert_valid,
    drop_element,
    installed,
    rename_namespace,
    round_trip_request,
    sample,
)

SCHEMA = "zags-rogd-ru-root.xsd"


def xml_of(request: RogdRequestV1) -> bytes:
    return etree.tostring(installed("zags.rogd").request_to_xml(request), encoding="utf-8")


def flags(element: etree._Element) -> set[str]:
    """The "no data" flags written in ``element``."""
    return {etree.QName(e).localname for e in element.iter() if isinstance(e.tag, str)
            and etree.QName(e).localname.startswith("Пр") and e.text == "1"}


def test_installed_through_the_entry_point() -> None:
    info = installed("zags.rogd")
    # ЗАГС sends the records; the fund takes them in (GetRequest) and answers nothing.
    assert info.role == "provider" and info.protocol == "1.3"
    assert info.request_namespace == NS and info.request_schema == SCHEMA
    assert info.one_way and info.response_model is None
    assert (info.bus_request, info.bus_response) == (BirthRecordsV1, None)
    assert type_of(RogdRequestV1).key == "smev3.zags.rogd.request.v1"
    assert Parent.model_json_schema()["properties"]["snils"].get("personal") is True
    assert info.sample_request() == samples.delivery()
    with pytest.raises(MappingError, match="one-way type"):
        info.response_to_xml(samples.delivery())


def test_the_sample_is_valid_against_the_xsd_and_reads_back_equal(store: SchemaStore) -> None:
    info = installed("zags.rogd")
    request = info.sample_request()
    assert isinstance(request, RogdRequestV1)
    assert store.validate(SCHEMA, info.request_to_xml(request)) == []
    round_trip_request(store, info, request)
    # The sample's parents have СНИЛС the register accepts (check number right).
    for record in request.records:
        for parent in (record.registered.mother, record.registered.father):
            if parent is not None:
                assert parent.snils is not None and check_snils(parent.snils) == []


def test_on_the_bus_a_delivery_is_zags_births() -> None:
    info = installed("zags.rogd")
    births = info.to_canonical(samples.delivery())
    assert isinstance(births, BirthRecordsV1)
    assert (births.delivery_id, births.as_of, births.source_format) == (
        "8b1d4c2e-6f0a-4e1b-9c3d-2a7e5f9b0c14", date(2024, 2, 28), "112-01")
    first, second = births.records
    assert (first.act_number, first.act_date, first.office_code, first.version) == (
        "112024022700000001234", date(2024, 2, 27), "R0200005", "1")
    assert not first.stillborn and not first.annulled
    child = first.child
    assert (child.surname, child.name, child.patronymic, child.sex, child.birth_date) == (
        "Сафина", "Амина", "Тимуровна", "2", date(2024, 2, 20))
    assert child.birth_place == samples.UFA and child.snils is None
    mother, father = first.mother, first.father
    assert mother is not None and father is not None
    assert (mother.surname, mother.name, mother.patronymic, mother.sex, mother.birth_date) == (
        "Сафина", "Алина", "Рустемовна", "2", date(1994, 8, 17))
    assert (mother.snils, father.snils) == ("14530287140", "15671402966")  # digits only
    assert mother.identity_document is not None
    document = mother.identity_document
    assert (document.kind_code, document.series_number, document.issued_on) == (
        "21", "80 14 562318", date(2014, 9, 2))
    assert document.issuer is not None and document.issuer.startswith("Отделом УФМС")
    assert father.identity_document is not None
    assert father.identity_document.issued_on is None  # ПрДатаДок
    assert mother.address == samples.MOTHER.address  # from the ФИАС address's text
    assert (father.surname, father.name, father.sex) == ("Сафин", "Тимур", "1")
    assert father.address == samples.MOTHER.address  # given as text only
    assert second.father is None and second.mother is not None
    assert second.mother.snils == "16702835470" and second.child.sex == "1"
    with pytest.raises(MappingError, match="expected a RogdRequestV1"):
        info.to_canonical(births)


def test_a_stillborn_child(store: SchemaStore) -> None:
    record = samples.birth_record(
        surname="Сафин", name=None, patronymic=None, sex="1", born=date(2024, 3, 1),
        mother=samples.MOTHER, father=None,
        act_number=samples.record_number(date(2024, 3, 2), 7), act_date=date(2024, 3, 2),
        stillborn=True)
    request = samples.delivery_of([record], delivery_id="x-1", as_of=date(2024, 3, 2))
    element = installed("zags.rogd").request_to_xml(request)
    assert_valid(store, SCHEMA, element)
    assert element.findtext(f".//{{{NS}}}ЖивМертв") == "1"
    assert "ПрИмя" in flags(element) and not record.certificates
    births = installed("zags.rogd").to_canonical(request)
    assert isinstance(births, BirthRecordsV1)
    assert births.records[0].stillborn and births.records[0].child.name is None
    round_trip_request(store, installed("zags.rogd"), request)


def test_a_partial_birth_date_and_act_date(store: SchemaStore) -> None:
    request = samples.delivery()
    record = request.records[0]
    child = record.registered.child
    child.birth_date, child.birth_date_partial = None, PartialDate(month=2, year="2024")
    record.recorded_on, record.recorded_on_partial = None, PartialDate(month=5, year="1962")
    element = installed("zags.rogd").request_to_xml(request)
    assert {"ПрДень"} <= flags(element) and "ПрДатаРожд" not in flags(element)
    round_trip_request(store, installed("zags.rogd"), request)
    births = installed("zags.rogd").to_canonical(request)
    assert isinstance(births, BirthRecordsV1)
    born = births.records[0].child
    assert born.birth_date is None and born.birth_date_partial is not None
    assert born.birth_date_partial.text() == "2024-02"
    assert births.records[0].act_date == date(1962, 5, 1)  # the first day of what is known


def test_no_data_flags_are_written_and_read(store: SchemaStore) -> None:
    request = samples.delivery()
    registered = request.records[1].registered
    registered.mother, registered.child.sex, registered.birth_order = None, None, None
    element = installed("zags.rogd").request_to_xml(request)
    assert {"ПрМать", "ПрОтец", "ПрПол", "ПрСчетМатер", "ПрСведДокОснОтец",
            "ПрМестоРожден", "ПрВыдДок"} <= flags(element)
    round_trip_request(store, installed("zags.rogd"), request)
    births = installed("zags.rogd").to_canonical(request)
    assert isinstance(births, BirthRecordsV1)
    assert births.records[1].mother is None and births.records[1].child.sex is None


def test_a_record_of_given_persons(store: SchemaStore) -> None:
    # What the simulator's demo does: a birth to persons of the demo register.
    mother = DemoPerson(surname="Лебедева", name="Ольга", patronymic="Ивановна", sex="2",
                        birth_date=date(1990, 6, 1), snils="112-233-445 95",
                        passport="7805123456", address="г. Ярославль, ул. Свободы, д. 1")
    father = DemoPerson(surname="Лебедев", name="Павел", sex="1", birth_date=date(1988, 1, 9))
    record = samples.birth_record(
        surname="Лебедев", name="Иван", patronymic="Павлович", sex="1",
        born=date(2024, 5, 3), mother=mother, father=father,
        act_number=samples.record_number(date(2024, 5, 6), 42), act_date=date(2024, 5, 6),
        office=RegistryOffice(name="Отдел ЗАГС Кировского района г. Ярославля",
                                      code="R7600001"),
        birth_place="Российская Федерация, Ярославская область, г. Ярославль",
        region_code="76")
    request = samples.delivery_of([record], delivery_id="demo-1", as_of=date(2024, 5, 6))
    round_trip_request(store, installed("zags.rogd"), request)
    births = installed("zags.rogd").to_canonical(request)
    assert isinstance(births, BirthRecordsV1)
    [birth] = births.records
    assert (birth.act_number, birth.office_code) == ("112024050600000000042", "R7600001")
    assert birth.mother is not None and birth.father is not None
    assert birth.mother.snils == "11223344595" and birth.mother.address == mother.address
    assert birth.mother.identity_document is not None
    assert birth.mother.identity_document.series_number == "78 05 123456"
    assert (birth.father.surname, birth.father.patronymic, birth.father.snils,
            birth.father.identity_document) == ("Лебедев", None, None, None)
    with pytest.raises(ValueError, match="11 digits"):
        samples.parent_of(mother.model_copy(update={"snils": "112"}))


# A foreign authority's document entered in section 2 (not mapped: skipped on read).
SECTION2 = f"""<tns:СведЕГРРазд2 xmlns:tns="{NS}" xmlns:fnst="{TYPES_NS}">
  <fnst:ПрСвУведомл>1</fnst:ПрСвУведомл>
  <fnst:СвДокИн><fnst:КодОКСМ>398</fnst:КодОКСМ><fnst:НаимСтраны>Казахстан</fnst:НаимСтраны>
    <fnst:РеквизИнДок ТипДок="16001"><fnst:НаимДокТекст>Свидетельство о рождении
      </fnst:НаимДокТекст><fnst:Номер>1234567</fnst:Номер>
      <fnst:ДатаКаленд>2024-02-21</fnst:ДатаКаленд><fnst:ПрНаимОрган>1</fnst:ПрНаимОрган>
    </fnst:РеквизИнДок>
    <fnst:ЮрЗначДок СвОттискПеч="1" СвЛегал="1"><fnst:ПрПодпИн>1</fnst:ПрПодпИн>
      <fnst:ПрЗасвидДок>1</fnst:ПрЗасвидДок><fnst:ПрЗасвидПеревод>1</fnst:ПрЗасвидПеревод>
    </fnst:ЮрЗначДок>
  </fnst:СвДокИн>
</tns:СведЕГРРазд2>"""


def test_what_is_not_mapped_and_zoned_dates_are_still_read(store: SchemaStore) -> None:
    info = installed("zags.rogd")
    text = xml_of(samples.delivery()).decode("utf-8")
    # Dates with a time zone, as ЗАГС's 4.0.5 sample writes them (xs:date allows it).
    text = text.replace('ДатаСвед="2024-02-28"', 'ДатаСвед="2024-02-28+05:00"').replace(
        ">2024-02-20<", ">2024-02-20Z<")
    element = parse(text.encode("utf-8"))
    record = element[0]
    record.insert(len(record), parse(SECTION2.encode("utf-8")))
    assert store.validate(SCHEMA, element) == []
    request = info.request_from_xml(element)
    assert request == samples.delivery()
    # An element the schema does not know is a deviation, yet the record is still read.
    etree.SubElement(record, f"{{{NS}}}Примечание").text = "x"
    assert store.validate(SCHEMA, element)
    assert info.request_from_xml(element) == samples.delivery()


def test_the_older_format_is_another_type() -> None:
    # 4.0.5 has another namespace (and other element names): not read as 4.0.7.
    element = parse(sample("zags-rogd-112-01-4.0.5/samples/request.xml"))
    with pytest.raises(MappingError, match="ROGDRequest is in namespace"):
        installed("zags.rogd").request_from_xml(element)


def test_bad_input_is_refused_naming_the_path() -> None:
    info = installed("zags.rogd")
    element = info.request_to_xml(samples.delivery())
    with pytest.raises(MappingError, match="ROGDRequest/СведРегРожд/ПрдСведРег/СведРодившемся: "
                                           "required element ФИОРожд"):
        info.request_from_xml(drop_element(element, "ФИОРожд"))
    with pytest.raises(MappingError, match="neither СведОтец nor the flag ПрОтец"):
        info.request_from_xml(drop_element(element, "ПрОтец"))
    wrong = parse(etree.tostring(element, encoding="utf-8"))
    sex = wrong.find(f".//{{{NS}}}Пол")
    assert sex is not None
    sex.text = "3"
    with pytest.raises(MappingError) as refused:
        info.request_from_xml(wrong)
    assert [i.names for i in refused.value.issues] == [
        ("ROGDRequest", "СведРегРожд", "ПрдСведРег", "СведРодившемся", "Пол")]
    with pytest.raises(MappingError, match="Фамилия in namespace 'urn:other'"):
        info.request_from_xml(parse(rename_namespace(xml_of(samples.delivery()), TYPES_NS,
                                                     "urn:other")))


def test_an_act_date_that_cannot_exist_is_refused_naming_the_record() -> None:
    request = samples.delivery()
    request.records[1].recorded_on = None
    request.records[1].recorded_on_partial = PartialDate(day=31, month=2, year="1962")
    with pytest.raises(MappingError, match=r"ROGDRequest/СведРегРожд\[2\]/ДатаЗаписДок"):
        installed("zags.rogd").to_canonical(request)
