"""Fixtures of the exchange-file tests: the fixture directories and complete list models.

The samples and XSDs are read in place from ``../shared/fixtures/ferzl`` (never copied);
where absent the tests that need them are skipped, and fail under ``CI=true``. The lists
have no public sample files, so :func:`operation_list` and friends build complete ones
(every optional element filled) that the tests validate against the XSDs.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from contracts.erz import common as c
from contracts.erz import lists
from contracts.erz.files import erz_schemas
from contracts.schemas import SchemaStore
from tests.conftest import SHARED, unavailable

FERZL = SHARED / "fixtures" / "ferzl"
LISTS = FERZL / "rs-erz-smo-exchange"
SAMPLES = FERZL / "attachment-vologda-samples"


@pytest.fixture(scope="session")
def samples() -> Path:
    """The Vologda attachment samples."""
    if not SAMPLES.is_dir():
        unavailable(f"attachment samples are not at {SAMPLES}")
    return SAMPLES


@pytest.fixture(scope="session")
def list_schemas() -> SchemaStore:
    """rt.srz's list XSDs, read in place with the FPOLIS repair."""
    if not (LISTS / "TargetClass.xsd").is_file():
        unavailable(f"РС ЕРЗ list schemas are not at {LISTS}")
    return erz_schemas(LISTS)


def document() -> c.Document:
    """A passport with every element."""
    return c.Document(type=c.DocumentType.RUSSIAN_PASSPORT, series="19 19", series_right="01",
                      number="191919", issued=date(2004, 7, 27), expires=date(2030, 1, 1),
                      issuer="УВД г. Энск", birth_place="г. Энск")


def person(patronymic: str | None = "Иванович") -> c.Person:
    """A person with every element, a representative included."""
    return c.Person(
        family_name="Иванов", given_name="Иван", patronymic=patronymic, sex=c.Sex.MALE,
        birth_date=date(1990, 1, 1), birth_date_accuracy=c.BirthDateAccuracy.EXACT,
        snils="123-456-789 01", phone="+7 817 000-00-00", work_phone="1", email="a@b.ru",
        representative_name="Иванова Мария", representative_contact="+7 900",
        representative=c.Representative(family_name="Иванова", given_name="Мария",
                                        relation="мать", document=document(), phone="1",
                                        work_phone="2"),
        death_date=None, history_id=7, register_state=1)


def address() -> c.Address:
    """An address with every element."""
    return c.Address(homeless=0, region="35", postcode="160000", okato="19401000000",
                     district="Вологодский", settlement="Вологда", street="Ленина", house="1",
                     building="А", flat="2", registered=date(2010, 5, 1), kind="р",
                     unstructured="Вологда, Ленина 1А-2", house_id=42, kladr_code="3500000100000",
                     address_ref="x")


def insurance() -> c.Insurance:
    """An insurance event with a policy and an order."""
    return c.Insurance(
        territory="19000", enp="3551110111001111", insurer_ogrn="1027739008440",
        policy=c.Policy(record_id="1", type="П", number="3551110111001111", series=None,
                        issued=date(2024, 1, 10), expires=date(2099, 12, 31),
                        stopped=date(2099, 12, 31)),
        enp_registered=1,
        order=c.PolicyOrder(number="N1", ordered=date(2024, 1, 9), production_number="P1"),
        employed=0, office="001", mfc_ogrn="1023500000000")


def operation_list(count: int = 2) -> lists.OperationList:
    """An OPLIST of ``count`` operations, every optional element filled."""
    ops = [lists.OperationRecord(
        record=str(n), register_id=100 + n, operation=c.Operation.ISSUE_POLICY,
        changed=datetime(2025, 1, 15, 10, 30), operator="оператор", person=person(),
        former_persons=[c.FormerPerson(family_name="Петров", given_name="Иван", patronymic=None,
                                       sex=c.Sex.MALE, birth_date=date(1990, 1, 1),
                                       enp="3551110111001110",
                                       birth_date_accuracy=c.BirthDateAccuracy.EXACT)],
        document=document(), former_documents=[document()],
        registration_address=address(), residence_address=address(),
        visit=c.Visit(visited=date(2025, 1, 15), method=c.ApplicationMethod.IN_PERSON,
                      petition=0, insurer_reason=c.InsurerChoiceReason.FIRST_CHOICE,
                      policy_reason=c.PolicyReason.FIRST_POLICY, policy_form="Э"),
        insurance=insurance(), biometrics=[c.Biometrics(type="1", photo="AAAA")],
        attachments=[c.Attachment(clinic_id=352530, zone=c.AttachmentZone.ADULT_SOMATIC)])
        for n in range(1, count + 1)]
    return lists.OperationList(file_name="OPS35003T35_2501151", insurer="35003", office="001",
                               count=count, operations=ops)
