"""The РС ЕРЗ ↔ СМО lists: complete files validate against rt.srz's XSDs and read back equal."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from lxml import etree
from pydantic import ValidationError

from contracts.erz import common as c
from contracts.erz import lists
from contracts.erz.files import FileRefused, read_file, schema_errors, write_file
from contracts.schemas import SchemaStore
from tests.contracts.erz.conftest import LISTS, document, insurance, operation_list, person


def reply_list() -> lists.ReplyList:
    """A REPLIST answering two operations, one refused."""
    return lists.ReplyList(
        file_name="REPT35S35003_2501151", insurer="35003", office="001", count=2, errors=1,
        replies=[lists.Reply(record="1", register_id=101, result="AA", insurance=insurance()),
                 lists.Reply(record="2", result="AE", comment="ЕНП уже выдан",
                             insurance=insurance())])


def record_list() -> lists.RecordList:
    """A RECLIST with one complete record."""
    op = operation_list(1).operations[0]
    record = lists.RegisterRecord(
        register_id=101, operation=c.Operation.EDIT, state=c.RecordState.ACTIVE,
        changed=datetime(2025, 1, 15, 10, 30), valid_from=datetime(2025, 1, 15),
        valid_to=datetime(2099, 12, 31), error_code="0", error_text="нет", operator="x",
        person=op.person, document=op.document, registration_address=op.registration_address,
        residence_address=op.residence_address, visit=op.visit, insurance=op.insurance,
        biometrics=op.biometrics, attachments=op.attachments,
        federal=c.FederalStatus(code="1", description="принят"))
    return lists.RecordList(file_name="RECT35S35003_2501", insurer="35003",
                            period_start=datetime(2025, 1, 1), period_end=datetime(2025, 1, 31),
                            count=1, records=[record])


def stop_list() -> lists.StopList:
    """A STOPLIST with one stopped policy."""
    stop = lists.StoppedPolicy(version="2.0", register_id=5, reason=1, enp="3551110111001111",
                               policy=insurance().policy, insurance=insurance(),
                               person=person(), document=document(),
                               current_person=person(None), current_document=document())
    return lists.StopList(file_name="STOPT35S35003_2501", insurer="35003", office="001",
                          count=1, stops=[stop])


def conflict_list() -> lists.ConflictList:
    """A CONFLICTLIST with one conflict."""
    conflict = lists.Conflict(version="2.0", register_id=5, reason=2, person=person(),
                              document=document(), insurance=insurance(),
                              current_person=person(), current_document=document(),
                              current_insurance=insurance())
    return lists.ConflictList(file_name="CONFT35S35003_2501", insurer="35003", office="001",
                              count=1, conflicts=[conflict])


def protocol() -> lists.ListProtocol:
    """An FLK_P of a list."""
    return lists.ListProtocol(file_name="FOPS35003T35_2501151", source_file="OPS35003T35_2501151",
                              errors=[lists.ListError(code="904", field_name="DR",
                                                      base_element="PERSON", record="2",
                                                      comment="дата рождения в будущем")])


BUILDERS = [operation_list, reply_list, record_list, stop_list, conflict_list, protocol]


@pytest.mark.parametrize("build", BUILDERS, ids=lambda b: b.__name__)
def test_a_complete_list_validates_against_its_xsd_and_reads_back_equal(
        build: object, list_schemas: SchemaStore) -> None:
    model = build()  # type: ignore[operator]
    data = write_file(model)
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    assert schema_errors(model, list_schemas) == []
    assert read_file(data, type(model), schemas=list_schemas) == model


def test_dates_of_a_day_are_written_as_the_xsd_datetime() -> None:
    data = write_file(operation_list(1))
    assert b"<DR>1990-01-01T00:00:00</DR>" in data
    assert b"<CHANGE_DATE>2025-01-15T10:30:00</CHANGE_DATE>" in data
    assert b'<OPLIST xmlns="http://tempuri.org/XMLSchema.xsd">' in data


def test_an_empty_patronymic_is_an_empty_element_the_schema_accepts(
        list_schemas: SchemaStore) -> None:
    model = stop_list()
    assert b"<OT/>" in write_file(model)
    assert schema_errors(model, list_schemas) == []


def test_the_fixture_target_class_does_not_compile_without_the_fpolis_repair() -> None:
    if not LISTS.is_dir():
        pytest.skip("no list schemas")
    with pytest.raises(etree.XMLSchemaParseError, match="The value '0' is not an element"):
        SchemaStore(LISTS).schema("OPLIST.xsd")
    assert b'name="FPOLIS" type="Form_polis_Enum" minOccurs="1" maxOccurs="1" default="0"' in (
        LISTS / "TargetClass.xsd").read_bytes()  # the published file is left as it is


def test_a_file_the_xsd_refuses_names_element_record_and_line(
        list_schemas: SchemaStore) -> None:
    data = write_file(operation_list(2)).replace(b"<TIP_OP>6</TIP_OP>", b"<TIP_OP>5</TIP_OP>")
    with pytest.raises(FileRefused) as caught:
        read_file(data, schemas=list_schemas)
    first = caught.value.problems[0]
    assert (first.code, first.tag, first.record) == ("XSD", "OPLIST\\OP\\TIP_OP", "1")
    assert first.line is not None and "'5' is not an element of the set" in first.message


def test_models_refuse_bad_values_with_clear_messages() -> None:
    with pytest.raises(ValidationError, match="NRECORDS is 3 but the file holds 2 records"):
        lists.OperationList(**{**operation_list(2).model_dump(), "count": 3})
    with pytest.raises(ValidationError, match="NERR is 0 but 1 replies are not AA"):
        lists.ReplyList(**{**reply_list().model_dump(), "errors": 0})
    with pytest.raises(ValidationError, match="String should match pattern"):
        c.Insurance(**{**insurance().model_dump(), "enp": "12345"})
    with pytest.raises(ValidationError, match="Input should be 'П', 'Э' or 'К'"):
        c.Visit.model_validate({"visited": date(2025, 1, 1), "method": 1, "insurer_reason": 1,
                                "policy_reason": 1, "policy_form": "0"})


def test_values_refused_in_a_list_are_reported_per_record() -> None:
    data = write_file(operation_list(2))
    second = data.index(b"<N_REC>2</N_REC>")
    data = data[:second] + data[second:].replace(b"<W>1</W>", b"<W>3</W>", 1)
    with pytest.raises(FileRefused) as caught:
        read_file(data)
    assert [(p.code, p.tag, p.record) for p in caught.value.problems] == [
        ("VALUE", "OPLIST\\OP\\PERSON\\W", "2")]
