"""Fixtures of the НСИ portal tests: the fixture dictionaries, the simulated portal, a hub's
database (migrated: the adapter journals what it publishes, the handler stores versions)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.nsi.simulator.portal import build
from adapters.nsi.simulator.service import NsiPortalServer
from storage.db import Database
from tests.conftest import free_port
from tests.handlers.nsi.conftest import DICTS
from tests.handlers.nsi.conftest import dicts as dicts  # noqa: F401 - the fixture, re-exported

CATALOG = DICTS.parent / "ffoms_nsi_catalog.csv"


@pytest.fixture
def portal(dicts: Path) -> Iterator[NsiPortalServer]:
    """The simulated portal serving the fixture dictionaries and the synthetic ones."""
    server = NsiPortalServer(build(dicts, CATALOG), port=free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty database on SQLite and on PostgreSQL; ``worker(…, migrate=True)`` fills it."""
    url = (f"sqlite:///{tmp_path / 'hub.db'}" if request.param == "sqlite"
           else request.getfixturevalue("pg_url"))
    database = Database(url)
    yield database
    database.dispose()
