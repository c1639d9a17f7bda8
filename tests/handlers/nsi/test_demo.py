"""The embedded demo's dictionaries: the synthetic ones, loaded once, V012 in two versions."""

from __future__ import annotations

from datetime import date

from handlers.nsi.check import Checker
from handlers.nsi.demo import load_dictionaries
from hub.settings import Settings
from storage.db import Database


def test_the_demo_loads_the_synthetic_dictionaries_once(db: Database) -> None:
    said = load_dictionaries(db, Settings())
    assert "not the ФФОМС contents" in said
    checker = Checker(db)
    loaded = checker.loaded()
    assert set(loaded) == {"F002", "F003", "F032", "M001", "V006", "V008", "V010", "V012",
                           "V014", "V021"}
    assert loaded["V012"] == ["1.0", "1.1"]
    assert checker.valid("V014", "1", date(2024, 5, 1))
    assert checker.valid("V014", "3", date(2018, 12, 31))
    assert not checker.valid("V014", "3", date(2019, 1, 1)), "its last row closed on 31.12.2018"
    assert checker.valid("V012", "3019", date(2025, 2, 1)), "the row the second version added"
    assert load_dictionaries(db, Settings()) == "dictionaries already loaded: nothing loaded"
