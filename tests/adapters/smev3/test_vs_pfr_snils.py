"""ПФР/СФР «СНИЛС по дополнительным сведениям» 1.0.1: XML, canonical mapping, simulated ПФР."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import ClassVar

import pytest
import sqlalchemy as sa
from lxml import etree

from adapters.smev3.simulator.service import SimulatorServer
from adapters.smev3.vs.pfr_snils import samples
from adapters.smev3.vs.pfr_snils.messages import (
    NS,
    SMEV_NS,
    PassportRF,
    SnilsRequestV1,
    SnilsResponseV1,
)
from contracts.envelope import utcnow
from contracts.pfr import SnilsFoundV1, SnilsLookupV1, snils_valid
from contracts.refusal import RequestRefusedV1
from contracts.schemas import SchemaStore
from contracts.xmlbind.binding import MappingError
from contracts.xmlsafe import parse
from contracts.zags import IdentityDocument
from hub.component import Handler, Message, handles
from hub.testing import running_hub, wait_for
from hub.tx import Tx
from storage.models import schedules
from tests.adapters.smev3.conftest import SMEV3_FIXTURES
from tests.adapters.smev3.vs_helpers import (
    assert_valid,
    drop_element,
    installed,
    rename_namespace,
    round_trip_request,
    round_trip_response,
)
from tests.conftest import Footprint

SCHEMA = "snils-by-additionalData-1.0.1.xsd"


def lookup(**changes: object) -> SnilsLookupV1:
    """The register's lookup of a man born in 1987 with his passport."""
    values: dict[str, object] = {
        "surname": "Сафин", "name": "Ринат", "patronymic": "Ильдарович",
        "birth_date": date(1987, 6, 2), "sex": "1", "birth_place": "г. Стерлитамак",
        "identity_document": IdentityDocument(
            kind_code="21", series_number="80 07 123456", issued_on=date(2007, 7, 10),
            issuer="Отделом УФМС России по Республике Башкортостан в г. Стерлитамак")}
    return SnilsLookupV1.model_validate({**values, **changes})


def test_installed() -> None:
    info = installed("pfr.snils")
    assert info.role == "consumer" and info.protocol == "1.3"
    assert info.request_namespace == info.response_namespace == NS
    assert info.request_schema == SCHEMA and not info.one_way
    assert (info.bus_request, info.bus_response) == (SnilsLookupV1, SnilsFoundV1)


def test_simulator_samples_are_valid_and_read_back(store: SchemaStore) -> None:
    info = installed("pfr.snils")
    request = info.sample_request()
    assert isinstance(request, SnilsRequestV1)
    round_trip_request(store, info, request)
    answer = info.sample_response(request)
    assert isinstance(answer, SnilsResponseV1)
    round_trip_response(store, info, answer)


def test_a_lookup_becomes_the_official_request(store: SchemaStore) -> None:
    info = installed("pfr.snils")
    request = info.from_canonical(lookup())
    assert isinstance(request, SnilsRequestV1)
    assert (request.family_name, request.first_name, request.patronymic) == (
        "Сафин", "Ринат", "Ильдарович")
    assert request.gender == "Male" and request.birth_date == date(1987, 6, 2)
    assert request.birth_place is not None and request.birth_place.settlement == "г. Стерлитамак"
    assert request.passport_rf == PassportRF(
        series="8007", number="123456", issued_on=date(2007, 7, 10),
        issuer="Отделом УФМС России по Республике Башкортостан в г. Стерлитамак")
    element = info.request_to_xml(request)
    assert_valid(store, SCHEMA, element)
    assert element.findtext(f"{{{SMEV_NS}}}PassportRF/{{{SMEV_NS}}}Series") == "8007"
    # Read back (the simulated ПФР's side), it is the same lookup.
    again = info.to_canonical(info.request_from_xml(element))
    assert again == lookup(identity_document=IdentityDocument(
        kind_code="21", series_number="8007 123456", issued_on=date(2007, 7, 10),
        issuer="Отделом УФМС России по Республике Башкортостан в г. Стерлитамак"))


def test_documents_go_where_the_schema_can_hold_them(store: SchemaStore) -> None:
    info = installed("pfr.snils")
    certificate = IdentityDocument(kind_code="03", series_number="IV-АР № 512345",
                                   issued_on=date(2024, 3, 20), issuer="Отдел ЗАГС г. Уфы")
    request = info.from_canonical(lookup(identity_document=certificate, sex="2"))
    assert isinstance(request, SnilsRequestV1) and request.gender == "Female"
    assert request.birth_certificate is not None
    assert (request.birth_certificate.series, request.birth_certificate.number) == (
        "IV-АР", "512345")
    # A kind without its own element goes as ПФР's document, named in words.
    refugee = IdentityDocument(kind_code="13", series_number="РБ 0012345",
                               issued_on=date(2020, 1, 9), issuer="ГУ МВД России")
    other = info.from_canonical(lookup(identity_document=refugee))
    assert isinstance(other, SnilsRequestV1) and other.pfr_document is not None
    assert other.pfr_document.kind == "Документ с кодом вида 13"
    assert other.pfr_document.document.series == "РБ"
    # Without the date of issue no element of the schema can hold it: the lookup goes
    # by the person alone; a place of birth longer than the schema's 50 characters too.
    bare = info.from_canonical(lookup(
        identity_document=IdentityDocument(kind_code="21", series_number="8007123456"),
        birth_place="Российская Федерация, Республика Башкортостан, г. Стерлитамак"))
    assert isinstance(bare, SnilsRequestV1)
    assert bare.passport_rf is None and bare.pfr_document is None and bare.birth_place is None
    for message in (request, other, bare):
        assert_valid(store, SCHEMA, info.request_to_xml(message))


def test_the_answer_is_pfr_snils_found_with_eleven_digits(store: SchemaStore) -> None:
    info = installed("pfr.snils")
    answer = SnilsResponseV1(family_name="Сафин", first_name="Ринат", patronymic="Ильдарович",
                             snils="112-233-445 95", birth_date=date(1987, 6, 2),
                             gender="Male")
    found = info.to_canonical(answer)
    assert found == SnilsFoundV1(surname="Сафин", name="Ринат", patronymic="Ильдарович",
                                 birth_date=date(1987, 6, 2), sex="1", snils="11223344595")
    # The way back writes the 11 digits the schema wants.
    official = info.from_canonical(found)
    assert isinstance(official, SnilsResponseV1) and official.snils == "11223344595"
    round_trip_response(store, info, official)


def test_the_simulated_pfr_names_the_person_asked_with_a_valid_snils() -> None:
    info = installed("pfr.snils")
    asked = info.from_canonical(lookup())
    answer = info.sample_response(asked)
    assert isinstance(answer, SnilsResponseV1)
    found = info.to_canonical(answer)
    assert isinstance(found, SnilsFoundV1)
    assert (found.surname, found.name, found.patronymic, found.birth_date, found.sex) == (
        "Сафин", "Ринат", "Ильдарович", date(1987, 6, 2), "1")
    assert snils_valid(found.snils)
    # The same person always gets the same number; another person another one.
    again = info.sample_response(info.from_canonical(lookup()))
    other = info.sample_response(info.from_canonical(lookup(name="Руслан")))
    assert isinstance(again, SnilsResponseV1) and isinstance(other, SnilsResponseV1)
    assert again.snils == answer.snils != other.snils and snils_valid(other.snils)


@pytest.mark.parametrize("birth_date", [date(1950, 1, 1), date(2024, 12, 31), date(2001, 9, 9)])
def test_derived_snils_pass_the_check(birth_date: date) -> None:
    snils = samples.snils_for("Иванова", "Мария", None, birth_date)
    assert len(snils) == 11 and snils_valid(snils)
    assert not snils_valid(snils[:9] + f"{(int(snils[9:]) + 1) % 100:02d}")


def test_bad_input_is_refused_with_its_path() -> None:
    info = installed("pfr.snils")
    with pytest.raises(MappingError, match="family_name") as refused:
        info.from_canonical(lookup(surname="Safin"))
    assert "pfr.snils.lookup" in str(refused.value)
    answer = info.response_to_xml(samples.answer(samples.request()))
    with pytest.raises(MappingError, match="SnilsByAdditionalDataResponse: required element "
                                           "Snils") as missing:
        info.response_from_xml(drop_element(answer, "Snils"))
    assert missing.value.issues[0].names == ("SnilsByAdditionalDataResponse", "Snils")
    xml = etree.tostring(answer, encoding="utf-8")
    with pytest.raises(MappingError, match="birth_certificate/series") as wrong:
        info.response_from_xml(parse(xml.replace("IV-АР".encode(), b"IV-XX")))
    assert wrong.value.issues[0].names == ("SnilsByAdditionalDataResponse", "BirthCertificate",
                                           "Series")
    with pytest.raises(MappingError, match="FamilyName in namespace 'urn:other'"):
        info.response_from_xml(parse(rename_namespace(xml, SMEV_NS, "urn:other")))


# -- through the hub, against the simulated ПФР over HTTP ---------------------------------

answers = sa.Table("test_snils_answers", sa.MetaData(),
                   sa.Column("message_id", sa.String(64), primary_key=True),
                   sa.Column("causation_id", sa.String(64)),
                   sa.Column("snils", sa.String(11)), sa.Column("surname", sa.String(60)))


class SnilsAsker(Handler):
    """The register's part that asked ПФР for a СНИЛС and now receives it."""

    name: ClassVar[str] = "snils-asker"
    metadata: ClassVar[sa.MetaData | None] = answers.metadata

    @handles(SnilsFoundV1)
    def on_found(self, message: Message[SnilsFoundV1], tx: Tx) -> None:
        """Keep the answer."""
        tx.insert(answers, message_id=message.id, causation_id=message.envelope.causation_id,
                  snils=message.payload.snils, surname=message.payload.surname)


def test_a_lookup_is_answered_through_the_hub(
    footprint: Footprint, tmp_path: Path, simulator: SimulatorServer
) -> None:
    settings = footprint.settings(tmp_path, schemas_dir=SMEV3_FIXTURES, plugins={
        "smev3": {"url": simulator.url, "types": ["pfr.snils"], "retry_delays": [1, 1]}})
    with running_hub(settings, ["hub.router", "hub.scheduler", "adapter.smev3"],
                     extra=[SnilsAsker]) as hub:
        asked = hub.publish(lookup())
        wait_for(lambda: "sent" in hub.trail(asked.id), message="SendRequest sent")
        with hub.db.transaction() as conn:
            conn.execute(schedules.update().where(schedules.c.name == "adapter.smev3:poll")
                         .values(run_requested_at=utcnow(), updated_by="olga"))
        wait_for(lambda: hub.count(answers) == 1, message="ПФР's answer reached the register")
        with hub.db.read() as conn:
            row = conn.execute(sa.select(answers)).one()
    assert row.causation_id == asked.id and row.surname == "Сафин"
    assert snils_valid(row.snils)
    assert row.snils == samples.snils_for("Сафин", "Ринат", "Ильдарович", date(1987, 6, 2))


refusals = sa.Table("test_pfr_refusals", sa.MetaData(),
                    sa.Column("message_id", sa.String(64), primary_key=True),
                    sa.Column("causation_id", sa.String(64)),
                    sa.Column("outcome", sa.String(20)), sa.Column("reason", sa.Text))


class RefusalAsker(Handler):
    """The register's part that asked ПФР and learns that no answer will come."""

    name: ClassVar[str] = "refusal-asker"
    metadata: ClassVar[sa.MetaData | None] = refusals.metadata

    @handles(RequestRefusedV1)
    def on_refused(self, message: Message[RequestRefusedV1], tx: Tx) -> None:
        """Keep the refusal."""
        tx.insert(refusals, message_id=message.id, causation_id=message.envelope.causation_id,
                  outcome=message.payload.outcome, reason=message.payload.reason)


def test_pfr_finding_nobody_is_told_to_the_asker_as_a_refusal(
    footprint: Footprint, tmp_path: Path, simulator: SimulatorServer
) -> None:
    simulator.smev.no_data.add("pfr.snils")
    settings = footprint.settings(tmp_path, schemas_dir=SMEV3_FIXTURES, plugins={
        "smev3": {"url": simulator.url, "types": ["pfr.snils"], "retry_delays": [1, 1]}})
    with running_hub(settings, ["hub.router", "hub.scheduler", "adapter.smev3"],
                     extra=[RefusalAsker]) as hub:
        asked = hub.publish(lookup())
        wait_for(lambda: "sent" in hub.trail(asked.id), message="SendRequest sent")
        with hub.db.transaction() as conn:
            conn.execute(schedules.update().where(schedules.c.name == "adapter.smev3:poll")
                         .values(run_requested_at=utcnow(), updated_by="olga"))
        wait_for(lambda: hub.count(refusals) == 1, message="ПФР's refusal reached the asker")
        with hub.db.read() as conn:
            row = conn.execute(sa.select(refusals)).one()
        assert "smev.answer_no_data" in hub.trail(asked.id)
    assert (row.causation_id, row.outcome) == (asked.id, "no_data")
    assert "сведения о лице не найдены" in row.reason
