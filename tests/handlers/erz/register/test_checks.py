"""ФЛК checks: check digits, policy numbers by type, codes by the ФФОМС dictionaries."""

from __future__ import annotations

from datetime import date

import pytest

from contracts.erz.failures import ERROR_CODES, Failure
from contracts.erz.register import Document, Reason
from handlers.erz.register import checks
from handlers.erz.register.dictionaries import DOC_TYPES, POLICY_FORMS, Dictionaries
from handlers.erz.register.errors import ErzError
from storage.db import Database
from tests.handlers.erz.register.conftest import ANNA, Clock, enp, register


def codes(failures: list[Failure]) -> list[str]:
    return [f.code for f in failures]


@pytest.mark.parametrize(("value", "expected"), [
    ("112-233-445 95", []),  # weights 9…1 give 95
    ("11223344595", []),
    ("001-001-998 00", []),  # at or below 001-001-998: issued without a check number
    ("001-001-999 00", ["104"]),  # the sum is 65
    ("112-233-445 96", ["104"]),
    ("1122334459", ["103"]),
    ("1122334459X", ["103"]),
])
def test_snils(value: str, expected: list[str]) -> None:
    assert codes(checks.check_snils(value)) == expected


def test_snils_check_number_edges() -> None:
    assert checks.snils_check_number("123456789") == "64"  # 165 mod 101
    assert checks.snils_check_number("000000100") == "03"  # below 100: the sum itself
    assert checks.snils_check_number("900000000") == "81"


@pytest.mark.parametrize(("value", "expected"), [
    ("7600000000000017", []),  # 1·2 + 7·2→14→5 + 6 = 13, completed to 20 by 7
    ("7600000000000018", ["102"]),
    ("7600000000000071", ["102"]),  # two digits swapped
    (enp(123456789), []),
    ("760000000000001", ["101"]),
    ("76000000000000AB", ["101"]),
])
def test_enp(value: str, expected: list[str]) -> None:
    assert codes(checks.check_enp(value)) == expected


@pytest.mark.parametrize(("kind", "number", "series", "expected"), [
    ("Э", "7600000000000017", "", []),
    ("П", "7600000000000018", "", ["102"]),
    ("К", "7600000000000017", "ЯР", ["105"]),
    ("В", "760000123", "", []),
    ("В", "76000012", "", ["105"]),
    ("С", "123456", "ЯРО", []),
    ("С", "123456", "", ["105"]),
    ("Ж", "123", "", ["202"]),
])
def test_policy_number_by_type(kind: str, number: str, series: str,
                               expected: list[str]) -> None:
    assert codes(checks.check_policy_number(kind, number, series)) == expected


def test_dictionaries_are_read_from_the_operators_directory(dictionaries: Dictionaries) -> None:
    assert dictionaries.names(DOC_TYPES)["14"] == "Паспорт гражданина Российской Федерации"
    assert set(dictionaries.names(POLICY_FORMS)) >= {"С", "В", "П", "Э", "К"}
    assert set(dictionaries.names("xsd:Polis_type_Enum")) == {"С", "В", "П", "Э", "К"}
    assert "П034" in dictionaries.names("R001")


def test_codes_are_checked_against_the_dictionaries(dictionaries: Dictionaries) -> None:
    assert codes(checks.check_document("14", "78 04", "123456", dictionaries)) == []
    assert codes(checks.check_document("3", "I-ГР", "123456", dictionaries)) == []
    assert codes(checks.check_document("99", "", "1", dictionaries)) == ["201"]
    assert codes(checks.check_document("14", "7804", "123456", dictionaries)) == ["107"]
    assert codes(checks.check_policy("Э", "7600000000000017", "", date(2020, 1, 1), None,
                                     dictionaries)) == []
    assert codes(checks.check_policy("В", "760000123", "", date(2020, 1, 1), None,
                                     dictionaries)) == ["305"]
    assert codes(checks.check_reason("П034", dictionaries)) == []
    assert codes(checks.check_reason("П17", dictionaries)) == []  # an event code
    assert codes(checks.check_reason("П999", dictionaries)) == ["204"]
    assert codes(checks.check_person("Иванов", "Иван", "3", date(1990, 1, 1),
                                     date(2024, 1, 1), dictionaries)) == ["203"]


def test_the_register_refuses_unknown_codes_with_every_failure(
        db: Database, clock: Clock, dictionaries: Dictionaries) -> None:
    person = enp(5)
    with db.transaction() as conn:
        register(conn, clock, dictionaries).create_person(person, ANNA)
    with pytest.raises(ErzError) as err, db.transaction() as conn:
        register(conn, clock, dictionaries).set_document(
            person, Document("99", "", " "), date(2020, 1, 1), Reason())
    assert [f.code for f in err.value.failures] == ["201", "106"]
    assert err.value.failures[0].message == ERROR_CODES["201"]


def test_names_are_normalised_for_search() -> None:
    assert checks.name_key("  Семёнова-Тян-Шанская ") == "СЕМЕНОВА-ТЯН-ШАНСКАЯ"
    assert checks.name_key("ёлкин  пётр") == "ЕЛКИН ПЕТР"
