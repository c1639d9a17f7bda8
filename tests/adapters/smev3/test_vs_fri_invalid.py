"""ФРИ «выписка сведений об инвалиде» 1.0.3: an incomplete root schema, a readable extract."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from lxml import etree

from adapters.smev3 import monitor
from adapters.smev3.compose import Refused, check
from adapters.smev3.types import TypeCatalogue
from adapters.smev3.vs.fri_invalid import samples
from adapters.smev3.vs.fri_invalid.extract import EXTRACT_SCHEMA, Extract, read_extract
from adapters.smev3.vs.fri_invalid.mapping import FriInvalid
from adapters.smev3.vs.fri_invalid.messages import (
    MISSING_SCHEMA,
    NS,
    ExtractionRequestV1,
    ExtractionResponseV1,
)
from contracts.schemas import SchemaIncomplete, SchemaStore
from contracts.xmlbind.binding import MappingError
from contracts.xmlsafe import parse
from storage.db import Database
from storage.migrate import upgrade
from tests.adapters.smev3.vs_helpers import FIXTURES, installed, sample

DIR = "fri-extraction-invalid-data-1.0.3"
SCHEMA = "extraction-invalid-data-1.0.3.xsd"

# What the unpublished file declares, as far as classes generated from it by another
# project show; written here only to play the operator who installs the real file.
STAND_IN = """<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tns="http://kvs.fri.com/extraction-invalid-data/attachments/1.0.0"
    xmlns:smev="urn://x-artefacts-smev-gov-ru/supplementary/commons/1.0.1"
    targetNamespace="http://kvs.fri.com/extraction-invalid-data/attachments/1.0.0"
    elementFormDefault="qualified">
  <xs:import namespace="urn://x-artefacts-smev-gov-ru/supplementary/commons/1.0.1"
      schemaLocation="smev-supplementary-commons-1.0.1.xsd"/>
  <xs:complexType name="_AttachmentDescriptionType"><xs:sequence>
    <xs:choice><xs:element name="AttachmentFSLink" type="xs:string"/>
      <xs:element name="IsMTOMAttachmentContent" type="xs:boolean"/></xs:choice>
    <xs:element name="AttachmentFormat1" type="tns:_StructuredAttachmentFormatType1"/>
    <xs:element name="AttachmentSignatureFSLink" type="xs:string" minOccurs="0"/>
  </xs:sequence></xs:complexType>
  <xs:complexType name="_StructuredAttachmentFormatType1"><xs:sequence>
    <xs:element name="IsUnstructuredFormat" type="xs:boolean"/>
    <xs:element name="IsZippedPacket" type="xs:boolean"/>
    <xs:element name="DocumentType" type="xs:string"/>
    <xs:group ref="smev:PhysicalPersonQualifiedName-ModelGroup"/>
    <xs:element name="Snils" type="smev:SNILSType"/>
  </xs:sequence></xs:complexType>
</xs:schema>"""


def test_installed() -> None:
    info = installed("fri.invalid")
    assert info.role == "consumer" and info.protocol == "1.3"
    assert info.request_namespace == NS and info.request_schema == SCHEMA
    assert (info.bus_request, info.bus_response) == (ExtractionRequestV1, ExtractionResponseV1)


def test_the_attached_extract_reads_with_its_values_and_validates(store: SchemaStore) -> None:
    extract, deviations = read_extract(sample(f"{DIR}/samples/RequestExtract.xml"), store)
    assert deviations == []
    assert isinstance(extract, Extract)
    assert extract.id == "599ad71e-e2b1-47fb-b898-4ed0d10be51f" and extract.kind == "FIXED"
    assert extract.formed_at == datetime(2018, 4, 16, 13, 28, 24)
    assert extract.consumer == "EGISSO.ACT.EGISSO"
    person = extract.person
    assert (person.snils, person.surname, person.name, person.patronymic) == (
        "000-000-600 01", "ПРЕСНЯКОВ", "РОМАН", "ЕВГЕНЬЕВИЧ")
    assert person.birth_date == "2003-09-01" and person.sex == "M"
    disability = person.disability
    assert (disability.since, disability.until) == (date(2004, 11, 11), date(2021, 6, 20))
    assert disability.group == 4 and disability.child and disability.primary
    assert (disability.cause_code, disability.cause) == (5, "Инвалидность с детства")
    assert disability.certificate_number == "889-009"
    [file] = extract.all_files.files
    assert file.properties.source.code == "MSE" and file.properties.file_type.code == "ACT"
    assert file.properties.parent is None  # <РодительскийФайл/>: nillable, empty
    assert file.properties.valid_until == date(2021, 6, 20)


def test_an_extract_that_departs_from_its_schema_is_read_and_the_deviation_told(
    store: SchemaStore,
) -> None:
    extra = sample(f"{DIR}/samples/RequestExtract.xml").replace(
        "</fri:Потребитель>".encode(), "</fri:Потребитель><fri:Лишнее>1</fri:Лишнее>".encode())
    extract, deviations = read_extract(extra, store)
    assert extract.person.surname == "ПРЕСНЯКОВ"
    assert len(deviations) == 1 and "Лишнее" in deviations[0]
    # What the fund needs and cannot understand is refused, naming where it is.
    unreadable = sample(f"{DIR}/samples/RequestExtract.xml").replace(
        "<fri:ГруппаИнвалидности>4".encode(), "<fri:ГруппаИнвалидности>IV".encode())
    with pytest.raises(MappingError) as refused:
        read_extract(unreadable, store)
    assert refused.value.issues[0].names == (
        "ВыпискаФРИ", "ПерсональныеДанные", "АктуальныеСведенияОбИнвалидности",
        "ГруппаИнвалидности")


def test_the_root_schema_is_incomplete_and_says_which_file_is_missing(
    store: SchemaStore,
) -> None:
    assert store.schema(EXTRACT_SCHEMA) is not None  # the attachment's schema compiles
    with pytest.raises(SchemaIncomplete) as refused:
        store.schema(SCHEMA)
    message = str(refused.value)
    assert "неполная" in message and f"commons/{MISSING_SCHEMA}" in message
    assert "каталог официальных схем" in message


def test_our_request_is_refused_for_sending_while_the_schema_is_incomplete(
    store: SchemaStore,
) -> None:
    info = installed("fri.invalid")
    payload = samples.request().model_dump(mode="json", exclude_none=True)
    with pytest.raises(Refused) as refused:
        check(info, payload, store)
    assert refused.value.stage == "schema"
    [problem] = refused.value.problems
    assert problem.location == SCHEMA
    assert "неполная" in problem.message and MISSING_SCHEMA in problem.message
    assert "ExtractionInvalidDataRequest" in refused.value.xml  # what would have gone


def test_once_the_operator_installs_the_missing_file_requests_go(tmp_path: Path) -> None:
    if not (FIXTURES / "vs" / DIR).is_dir():
        pytest.skip("fixture absent")
    shutil.copytree(FIXTURES / "vs" / DIR, tmp_path / DIR)
    (tmp_path / DIR / "commons" / MISSING_SCHEMA).write_text(STAND_IN, encoding="utf-8")
    operator = SchemaStore(tmp_path)
    assert operator.problem(SCHEMA) is None
    info = installed("fri.invalid")
    request = samples.request()
    checked = check(info, request.model_dump(mode="json", exclude_none=True), operator)
    assert checked.model == request
    answer = info.sample_response(request)
    assert isinstance(answer, ExtractionResponseV1)
    element = info.response_to_xml(answer)
    assert operator.validate(SCHEMA, element) == []
    again = info.response_from_xml(parse(etree.tostring(element, encoding="utf-8")))
    assert again == answer and answer.attachments.format is not None
    assert answer.attachments.format.snils == request.snils


def test_the_listing_says_the_schema_is_incomplete(tmp_path: Path, store: SchemaStore) -> None:
    database = Database(f"sqlite:///{tmp_path / 'hub.db'}")
    upgrade(database)
    try:
        types = TypeCatalogue()
        types.add(FriInvalid())
        listing = monitor.overview(database, types, store, None)
    finally:
        database.dispose()
    [row] = listing["types"]
    [schema] = row["schemas"]
    assert schema["found"] == f"vs/{DIR}/{SCHEMA}"
    assert schema["error"].startswith(f"схема {SCHEMA} неполная: нет файла")
