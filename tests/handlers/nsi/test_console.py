"""The dictionaries in the console: the list, a version's rows, what changed. Nothing is
masked (dictionaries hold no personal data); every word is Russian."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from admin.app import create_app
from contracts.registry import TypeRegistry
from handlers.nsi.models import nsi_versions
from hub.operations import Operations
from hub.settings import Settings
from storage.db import Database
from storage.migrate import upgrade
from tests.admin.conftest import SECRET, console_logins, router_bus
from tests.handlers.nsi.conftest import changed_v009
from tests.handlers.nsi.test_store import load_all

Login = Callable[[str], TestClient]


@pytest.fixture
def hub_db(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'hub.db'}")
    upgrade(database)
    yield database
    database.dispose()


@pytest.fixture
def login(hub_db: Database) -> Iterator[Login]:
    with router_bus() as bus:
        console = create_app(hub_db, Operations(hub_db, bus, TypeRegistry()), TypeRegistry(),
                             secret_key=SECRET, settings=Settings())
        assert console.state.extension_errors == {}
        with console_logins(console, hub_db) as make:
            yield make


def ids(db: Database) -> dict[str, int]:
    with db.read() as conn:
        return {f"{c} {v}": i for c, v, i in conn.execute(
            sa.select(nsi_versions.c.code, nsi_versions.c.version, nsi_versions.c.id))}


def test_the_list_shows_every_dictionary_and_version(
        login: Login, hub_db: Database, dicts: Path, tmp_path: Path) -> None:
    viewer = login("viewer")
    empty = viewer.get("/nsi")
    assert empty.status_code == 200 and "Справочники ещё не загружены" in empty.text
    load_all(hub_db, [dicts, changed_v009(dicts, tmp_path)])
    page = viewer.get("/nsi").text
    for code in ("V002", "V009", "F006", "N002"):
        assert f'id="nsi-{code}"' in page
    assert "Rezult, ключ — IDRMP" in page and "13.04.2018" in page and "01.01.2020" in page
    version = ids(hub_db)["V009 3.2"]
    assert f'href="/nsi/versions/{version}/diff"' in page
    assert "Справочники НСИ" in page, "the menu entry"


def test_a_versions_rows_are_paged_and_searched_by_key(
        login: Login, hub_db: Database, dicts: Path) -> None:
    load_all(hub_db, [dicts / "N002.xml", dicts / "F006.xml"])
    viewer = login("viewer")
    n002 = ids(hub_db)["N002 2.5"]
    first = viewer.get(f"/nsi/versions/{n002}")
    assert "Найдено строк: 311; страница 1 из 7" in first.text
    assert first.text.count("<tr>") - 1 == 50
    last = viewer.get(f"/nsi/versions/{n002}?page=7").text
    assert "страница 7 из 7" in last and 'id="next"' not in last
    found = viewer.get(f"/nsi/versions/{ids(hub_db)['F006 3.1']}?key=2").text
    assert "Найдено строк: 8;" in found, "2, then 20…26: the keys starting with 2"
    assert "МЭЭ (медико-экономическая экспертиза)" in found and "31.03.2018" in found
    assert "Строк с таким кодом нет" in viewer.get(f"/nsi/versions/{n002}?key=нет").text
    assert viewer.get("/nsi/versions/999999").status_code == 404


def test_the_difference_between_two_versions(
        login: Login, hub_db: Database, dicts: Path, tmp_path: Path) -> None:
    load_all(hub_db, [dicts / "V009.xml", changed_v009(dicts, tmp_path)])
    viewer = login("viewer")
    version = ids(hub_db)
    page = viewer.get(f"/nsi/versions/{version['V009 3.2']}/diff").text
    assert "что изменилось с версии 3.1 (13.04.2018) по версию 3.2 (01.01.2020)" in page
    assert "Добавлено: <strong>1</strong>, удалено: <strong>1</strong>, изменено: " \
           "<strong>2</strong>" in page
    assert "Переведён в др. ЛПУ" in page and "Переведён в другую медицинскую организацию" in page
    oldest = f"/nsi/versions/{version['V009 3.1']}/diff"
    assert "Более ранней версии нет" in viewer.get(oldest).text
    backwards = viewer.get(f"{oldest}?from={version['V009 3.2']}").text
    assert "что изменилось с версии 3.2 (01.01.2020) по версию 3.1" in backwards
    assert "Добавлено: <strong>1</strong>, удалено: <strong>1</strong>" in backwards


def test_an_anonymous_visitor_is_sent_to_log_in(login: Login) -> None:
    anonymous = login("viewer")
    anonymous.cookies.clear()
    response = anonymous.get("/nsi", follow_redirects=False)
    assert response.status_code in (302, 303) and "/login" in response.headers["location"]


def test_the_pages_speak_russian(login: Login, hub_db: Database) -> None:
    from lxml import html

    from handlers.nsi.demo import load_dictionaries
    from tests.admin.test_language import english_in, visible_texts

    load_dictionaries(hub_db, Settings())
    viewer = login("viewer")
    version = ids(hub_db)
    urls = ["/nsi", *(f"/nsi/versions/{i}" for i in version.values()),
            f"/nsi/versions/{version['V012 1.1']}/diff",
            f"/nsi/versions/{version['F002 1.0']}/diff"]
    for url in urls:
        response = viewer.get(url)
        assert response.status_code == 200, url
        english = [t for t in visible_texts(html.fromstring(response.text))
                   if english_in(t) and "Наблюдатель" not in t]  # the login's name is data
        assert not english, (url, english)
