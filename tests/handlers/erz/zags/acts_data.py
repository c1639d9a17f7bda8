"""Canonical ЗАГС births and name changes, as the СМЭВ adapter puts them on the bus, and a
handler to take them: shared by the birth, name-change and СНИЛС tests.

Built from ``contracts.zags_acts`` directly (the register never sees the adapters' XML);
the people are fictitious and the СНИЛС valid by their check number.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from contracts.erz.register import PersonData
from contracts.zags_acts import (
    BirthRecord,
    BirthRecordsV1,
    NameChange,
    NameChangeRecord,
    NameChangeRecordsV1,
    Person,
)
from handlers.erz.register.checks import snils_check_number
from handlers.erz.service import ErzHandler
from hub.testing import Worker, worker
from storage.db import Database
from storage.models import metadata as hub_metadata
from tests.handlers.erz.register.conftest import Clock

OFFICE = "76000010"
MOTHER = PersonData("Смирнова", "Елена", "Викторовна", "2", date(1995, 3, 14),
                    "г. Ярославль")
BORN = date(2024, 5, 10)
MARRIED = date(2024, 5, 20)


def snils(first9: str) -> str:
    """A СНИЛС with the right check number."""
    return first9 + snils_check_number(first9)


def person(data: PersonData, *, snils_number: str | None = None) -> Person:
    """A person of a record as ЗАГС names them."""
    return Person(surname=data.surname, name=data.name, patronymic=data.patronymic or None,
                  sex="1" if data.sex == "1" else "2", birth_date=data.birth_date,
                  snils=snils_number)


def birth(*, surname: str = "Смирнов", name: str = "Артём", patronymic: str = "Сергеевич",
          sex: Literal["1", "2"] = "1", born: date = BORN,
          act: str = "110240020000000000101", mother: Person | None = None,
          stillborn: bool = False, place: str = "г. Ярославль") -> BirthRecordsV1:
    """A 112-01 delivery of one birth (the mother MOTHER unless another is given)."""
    child = Person(surname=surname, name=name, patronymic=patronymic, sex=sex,
                   birth_date=born, birth_place=place)
    record = BirthRecord(act_number=act, act_date=date(2024, 5, 15), office_code=OFFICE,
                         child=child, stillborn=stillborn,
                         mother=mother if mother is not None else person(MOTHER))
    return BirthRecordsV1(delivery_id="b-" + act[-6:], as_of=date(2024, 5, 15),
                          source_format="112-01", records=[record])


def renamed(before: PersonData, *, surname: str | None = None, name: str | None = None,
            role: Literal["person", "husband", "wife", "child"] = "wife",
            snils_number: str | None = None) -> NameChange:
    """One person of an act: as the register knows them, and the names after."""
    return NameChange(role=role, before=person(before, snils_number=snils_number),
                      surname=surname, name=name)


def acts(*changes: NameChange, kind: Literal["name_change", "marriage", "divorce",
                                             "paternity"] = "marriage",
         act: str = "210240020000000000201", on: date = MARRIED) -> NameChangeRecordsV1:
    """A delivery of one act of ``kind`` renaming the persons given."""
    formats = {"name_change": "112-03", "marriage": "112-46", "divorce": "112-48",
               "paternity": "112-08"}
    record = NameChangeRecord(act_number=act, act_date=on, office_code=OFFICE, changed_on=on,
                              persons=list(changes))
    return NameChangeRecordsV1(delivery_id="n-" + act[-6:], as_of=on,
                               source_format=formats[kind], act_kind=kind, records=[record])


def handler(db: Database, clock: Clock) -> Worker[ErzHandler]:
    """The register's handler on ``db`` (with the hub's tables, for the files it sends),
    its clock the test's."""
    hub_metadata.create_all(db.engine)
    instance = ErzHandler()
    instance.clock = clock
    return worker(instance, db)
