"""Is a code valid on a date: the version in force, the row's DATEBEG/DATEEND, not loaded."""

from __future__ import annotations

import time
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from contracts.nsi import NSI_PORT, Dictionaries, DictionaryNotLoaded
from handlers.nsi.check import Checker
from hub.ports import port
from storage.db import Database
from tests.handlers.nsi.conftest import changed_v009
from tests.handlers.nsi.test_store import load_all


def day(text: str) -> date:
    return datetime.strptime(text, "%d.%m.%Y").date()


@pytest.mark.parametrize(("key", "on", "valid"), [
    ("2", "31.12.2010", False),  # the day before DATEBEG 01.01.2011
    ("2", "01.01.2011", True),   # DATEBEG itself
    ("2", "31.03.2018", True),   # DATEEND itself
    ("2", "01.04.2018", False),  # the day after DATEEND
    ("1", "31.12.2099", True),   # an empty DATEEND is open-ended
])
def test_a_code_is_valid_only_within_its_rows_period(
        db: Database, dicts: Path, key: str, on: str, valid: bool) -> None:
    load_all(db, [dicts / "F006.xml"])
    checker = Checker(db)
    verdict = checker.check("F006", key, day(on))
    assert checker.valid("F006", key, day(on)) is valid
    assert verdict.valid is valid and verdict.version == "3.1"
    assert verdict.row is not None and verdict.row["IDVID"] == key


def test_a_code_not_in_the_dictionary_is_invalid_without_a_row(db: Database, dicts: Path) -> None:
    load_all(db, [dicts / "F006.xml"])
    verdict = Checker(db).check("F006", "77", day("01.01.2015"))
    assert not verdict.valid and verdict.row is None


def test_a_dictionary_not_loaded_is_reported_as_such_never_valid_or_invalid(
        db: Database, dicts: Path) -> None:
    load_all(db, [dicts / "F006.xml"])
    checker = Checker(db)
    with pytest.raises(DictionaryNotLoaded, match="справочник V010 не загружен"):
        checker.valid("V010", "1", day("01.01.2020"))
    with pytest.raises(DictionaryNotLoaded):
        checker.check("V010", "1", day("01.01.2020"))


def test_the_version_in_force_on_the_date_answers(
        db: Database, dicts: Path, tmp_path: Path) -> None:
    load_all(db, [dicts / "V009.xml"])
    checker = Checker(db, max_age=0)
    assert checker.valid("V009", "101", day("15.06.2019"))
    load_all(db, [changed_v009(dicts, tmp_path)])  # 3.2 of 01.01.2020: 101 removed, 999 added
    assert checker.check("V009", "101", day("31.12.2019")).version == "3.1"
    assert checker.valid("V009", "101", day("31.12.2019"))
    assert checker.check("V009", "101", day("01.01.2020")).version == "3.2"
    assert not checker.valid("V009", "101", day("01.01.2020"))
    assert checker.valid("V009", "999", day("01.01.2020"))
    assert not checker.valid("V009", "104", day("01.01.2020")), "closed in 3.2 on 31.12.2019"
    assert checker.valid("V009", "104", day("31.12.2019"))
    # Before every version: the oldest, whose rows carry their own periods.
    assert checker.check("V009", "101", day("01.01.2012")).version == "3.1"
    assert checker.loaded() == {"V009": ["3.1", "3.2"]}


def test_the_port_is_found_by_name_and_answers_from_memory_fast(
        db: Database, dicts: Path) -> None:
    load_all(db, [dicts])
    found = port(NSI_PORT, SimpleNamespace(db=db))  # type: ignore[arg-type]
    assert isinstance(found, Dictionaries)
    keys = [str(k) for k in range(1, 400)]
    on = day("01.06.2018")
    found.valid("N002", "1", on)  # the version's keys read once
    started, n = time.perf_counter(), 0
    while n < 200_000:
        for key in keys:
            found.valid("N002", key, on)
        n += len(keys)
    rate = n / (time.perf_counter() - started)
    assert rate > 100_000, f"{rate:.0f} checks/s"
