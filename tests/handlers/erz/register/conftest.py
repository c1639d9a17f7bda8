"""Fixtures of the register tests: a database on both footprints, dictionaries, a clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from contracts.erz.register import PersonData, Source
from handlers.erz import models
from handlers.erz.register.checks import enp_check_digit
from handlers.erz.register.core import Register
from handlers.erz.register.dictionaries import Dictionaries
from storage.db import Database
from tests.conftest import SHARED, unavailable

FERZL = SHARED / "fixtures" / "ferzl"


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """The register's tables on SQLite (embedded) and on PostgreSQL (production)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'erz.db'}"
    else:
        url = request.getfixturevalue("pg_url")
    database = Database(url)
    models.metadata.create_all(database.engine)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def dictionaries() -> Dictionaries:
    """The ФФОМС dictionaries and TargetClass.xsd, read in place from ../shared/fixtures."""
    if not (FERZL / "erz-dictionaries" / "concept.xml").is_file():
        unavailable(f"ERZ dictionaries are not at {FERZL}")
    return Dictionaries.load(FERZL)


class Clock:
    """A settable clock: the register's recording time is explicit in tests."""

    def __init__(self) -> None:
        self.now = datetime(2024, 6, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def clock() -> Clock:
    """A clock at 2024-06-01 that ticks one second per reading."""
    return Clock()


def enp(serial: int) -> str:
    """A valid ЕНП of the Yaroslavl region."""
    first15 = f"76{serial:013d}"
    return first15 + enp_check_digit(first15)


def register(conn: object, clock: Clock, dicts: Dictionaries | None = None,
             **source: str) -> Register:
    """A Register on ``conn`` on behalf of the test (or the given source)."""
    src = Source(**({"component": "test"} | source))
    return Register(conn, src, dictionaries=dicts, clock=clock)  # type: ignore[arg-type]


ANNA = PersonData("Семёнова", "Анна", "Петровна", "2", date(1980, 5, 1), "г. Ярославль")
