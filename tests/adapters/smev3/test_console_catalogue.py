"""The СМЭВ console's page of types: the types awaiting a schema, and an incomplete schema."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.smev3.vs.awaiting import AWAITING
from admin.app import create_app
from contracts.registry import TypeRegistry
from hub.operations import Operations
from hub.settings import Settings
from storage.db import Database
from storage.migrate import upgrade
from tests.adapters.smev3.vs_helpers import FIXTURES, schema_store
from tests.admin.conftest import SECRET, console_logins, router_bus


@pytest.fixture
def page(tmp_path: Path) -> Iterator[str]:
    """The page of types as a viewer sees it, with the fixture schemas as the schema dir."""
    schema_store()  # skipped where the fixtures are absent
    database = Database(f"sqlite:///{tmp_path / 'hub.db'}")
    upgrade(database)
    types = TypeRegistry()
    try:
        with router_bus() as bus:
            app = create_app(database, Operations(database, bus, types), types,
                             secret_key=SECRET, settings=Settings(schemas_dir=FIXTURES))
            with console_logins(app, database) as login:
                response = login("viewer").get("/smev3")
                assert response.status_code == 200
                yield response.text
    finally:
        database.dispose()


def section(text: str, ident: str) -> str:
    """The table with ``id=ident``."""
    found = re.search(rf'<table class="grid" id="{ident}">.*?</table>', text, re.S)
    assert found is not None, ident
    return html.unescape(found.group(0))


def test_the_types_awaiting_a_schema_are_listed_in_russian(page: str) -> None:
    assert "<h2>Ожидают публичной схемы</h2>" in page
    awaiting = section(page, "awaiting")
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td>", awaiting)
    assert [r[0] for r in rows] == [e.title for e in AWAITING]
    assert rows[0] == ("Обращения граждан о медицинской помощи", "поставщик (отвечаем мы)",
                       "ожидает публичной схемы")
    assert ("ФНС: закрытые сведения ЕГРЮЛ (рассылка)", "потребитель (запрашиваем мы)",
            "ожидает публичной схемы") in rows
    assert "NesTeRDGIT/TfomsSmev" in awaiting  # what was searched for the ЕГР ЗАГС registries
    # What is installed is not awaited.
    assert "СНИЛС по дополнительным сведениям" not in awaiting and "инвалид" not in awaiting


def test_an_incomplete_schema_is_marked_on_its_type(page: str) -> None:
    row = re.search(r'<tr data-type="fri.invalid">.*?</tr>', page, re.S)
    assert row is not None
    text = html.unescape(row.group(0))
    assert 'status-failed">неполная' in text and "status-ok" not in text
    assert "extraction-invalid-data-attachments-1.0.0.xsd" in text
    snils = re.search(r'<tr data-type="pfr.snils">.*?</tr>', page, re.S)
    assert snils is not None and 'status-ok">найдена' in snils.group(0)
