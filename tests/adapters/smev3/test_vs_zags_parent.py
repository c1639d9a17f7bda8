"""ЕГР ЗАГС paternity records 112-08 v4.0.6: schema validity, flags, the bus, bad input."""

from __future__ import annotations

import typing
from collections.abc import Iterator
from datetime import date

import pytest
from lxml import etree

from adapters.smev3.vs.zags_parent import samples
from adapters.smev3.vs.zags_parent.commons import TYPES_NS, FullName, PartialDate
from adapters.smev3.vs.zags_parent.messages import NS, ParentRequestV1
from adapters.smev3.vs.zags_pername.commons import TYPES_NS as PERNAME_TYPES_NS
from contracts.registry import type_of
from contracts.schemas import SchemaStore
from contracts.xmlbind.binding import Elem, MappingError, XmlModel
from contracts.xmlsafe import parse
from contracts.zags_acts import NameChangeRecordsV1
from tests.adapters.smev3.vs_helpers import (
    drop_element,
    installed,
    rename_namespace,
    round_trip_request,
)

SCHEMA = "zags-parent-4.0.6.xsd"


def flags(element: etree._Element) -> set[str]:
    """The local names of the ``Пр…`` "no data" flags written."""
    return {etree.QName(e).localname for e in element.iter() if isinstance(e.tag, str)
            and etree.QName(e).localname.startswith("Пр") and e.text == "1"}


def bare(child_before: samples.Names | None = ("Морозова", "Ева", "Павловна"),
         mother: samples.Names | None = None) -> ParentRequestV1:
    """A delivery of one bare record built as the simulator's demo builds it."""
    rec = samples.paternity_record(
        child_before, ("Лебедева", "Ева", "Константиновна"), date(2022, 1, 17), "2",
        father=("Лебедев", "Константин", "Олегович"), act_number="150200001202400000310",
        act_date=date(2024, 4, 2), office_code="R0200001",
        office_name="Отдел ЗАГС Кировского района г. Уфы", mother=mother)
    return samples.delivery_of([rec], delivery_id="d-2", as_of=date(2024, 4, 3))


def nested(model: type[XmlModel]) -> Iterator[type[XmlModel]]:
    """The bound models ``model``'s fields hold (optional or repeated)."""
    for field in model.model_fields.values():
        for arg in typing.get_args(field.annotation) or (field.annotation,):
            for inner in typing.get_args(arg) or (arg,):
                if isinstance(inner, type) and issubclass(inner, XmlModel):
                    yield inner


def test_installed() -> None:
    info = installed("zags.parent")
    # ЗАГС sends the records; the fund takes them in (GetRequest) and answers nothing.
    assert info.role == "provider" and info.request_namespace == NS and info.protocol == "1.3"
    assert info.one_way and info.response_model is None
    assert info.request_schema == SCHEMA
    assert (info.bus_request, info.bus_response) == (NameChangeRecordsV1, None)
    assert type_of(ParentRequestV1).key == "smev3.zags.parent.request.v1"
    assert FullName.model_json_schema()["properties"]["family"].get("personal") is True
    assert info.sample_request() == samples.delivery()
    with pytest.raises(MappingError, match="one-way type"):
        info.response_from_xml(info.request_to_xml(samples.delivery()))


def test_every_type_with_elements_is_in_this_formats_namespaces() -> None:
    # The shared types are 112-03's re-declared: one left behind would write its elements
    # in 112-03's namespace wherever the sample does not happen to reach.
    seen: set[type[XmlModel]] = set()
    pending: list[type[XmlModel]] = [ParentRequestV1]
    while pending:
        model = pending.pop()
        if model in seen:
            continue
        seen.add(model)
        if any(isinstance(m, Elem) for f in model.model_fields.values() for m in f.metadata):
            assert model.xml_namespace in (NS, TYPES_NS), model.__qualname__
        pending.extend(nested(model))
    assert len(seen) > 15


def test_the_sample_validates_and_reads_back_equal(store: SchemaStore) -> None:
    round_trip_request(store, installed("zags.parent"), samples.delivery())


def test_no_mother_and_no_names_before_are_flags(store: SchemaStore) -> None:
    request = bare(child_before=None)
    element = installed("zags.parent").request_to_xml(request)
    assert {"ПрФИОДо", "ПрСведМать", "ПрМестоРожден", "ПрСведРегРожд"} <= flags(element)
    round_trip_request(store, installed("zags.parent"), request)
    delivery = installed("zags.parent").to_canonical(request)
    assert isinstance(delivery, NameChangeRecordsV1)
    [change] = delivery.records[0].persons
    # Nothing known before: every name after is given.
    assert change.before.surname is None and change.before.sex == "2"
    assert (change.surname, change.name, change.patronymic) == (
        "Лебедева", "Ева", "Константиновна")


def test_a_partial_birth_date_of_the_child(store: SchemaStore) -> None:
    request = bare(mother=("Морозова", "Анна", "Игоревна"))
    child = request.records[0].registered.child
    child.birth_date, child.birth_date_partial = None, PartialDate(year="2022")
    element = installed("zags.parent").request_to_xml(request)
    assert {"ПрДень", "ПрМесяц"} <= flags(element) and "ПрСведМать" not in flags(element)
    round_trip_request(store, installed("zags.parent"), request)
    delivery = installed("zags.parent").to_canonical(request)
    assert isinstance(delivery, NameChangeRecordsV1)
    before = delivery.records[0].persons[0].before
    assert before.birth_date is None and before.birth_date_partial is not None
    assert before.birth_date_partial.text() == "2022"


def test_on_the_bus_the_child_alone_with_the_names_that_changed() -> None:
    info = installed("zags.parent")
    request = samples.delivery()
    delivery = info.to_canonical(request)
    assert isinstance(delivery, NameChangeRecordsV1)
    assert (delivery.delivery_id, delivery.as_of, delivery.source_format,
            delivery.act_kind) == (request.id, date(2024, 3, 13), "112-08", "paternity")
    [record] = delivery.records
    assert (record.act_number, record.act_date, record.office_code, record.version) == (
        "150200003202400000045", date(2024, 3, 12), "R0200003", "0")
    assert record.changed_on == date(2024, 3, 12) and not record.annulled
    [change] = record.persons  # the father's and the mother's names do not change
    assert change.role == "child"
    assert (change.before.surname, change.before.name, change.before.patronymic) == (
        "Сафин", "Тимур", "Русланович")
    assert (change.surname, change.name, change.patronymic) == ("Гарипов", None, "Ильдарович")
    assert change.before.sex == "1" and change.before.birth_date == date(2023, 6, 5)
    assert change.before.identity_document is None


def test_bad_input_is_refused_naming_the_path() -> None:
    info = installed("zags.parent")
    element = info.request_to_xml(samples.delivery())
    with pytest.raises(MappingError, match="ПрдСведРег: required element СведОтец"):
        info.request_from_xml(drop_element(element, "СведОтец"))
    with pytest.raises(MappingError, match="СведРебенок: neither Пол nor the flag ПрПол"):
        info.request_from_xml(drop_element(element, "Пол"))
    xml = etree.tostring(element, encoding="utf-8")
    # 112-03's types namespace in a 112-08 delivery: the same names, another format.
    with pytest.raises(MappingError, match="Фамилия in namespace "
                                           f"'{PERNAME_TYPES_NS}'"):
        info.request_from_xml(parse(rename_namespace(xml, TYPES_NS, PERNAME_TYPES_NS)))
    with pytest.raises(MappingError, match="expected a ParentRequestV1"):
        info.to_canonical(info.to_canonical(samples.delivery()))
