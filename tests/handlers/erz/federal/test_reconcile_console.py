"""«Сверка с ФЕРЗЛ» in the console: a run's discrepancies side by side, masked by role, in the
page and the Excel export; decisions one by one and in bulk, keeping the regional value only
with a reason; a run started by an operator sends its calls.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from admin.app import create_app
from contracts.erz_register import BufferDecidedV1, PersonChangedV1
from contracts.ferzl import FerzlCallV1
from contracts.registry import TypeRegistry
from handlers.erz.federal import reconcile_compare as compare
from handlers.erz.federal.reconcile_tables import calls, discrepancies, runs
from hub.bus import Bus
from hub.operations import Operations
from hub.settings import Settings
from storage.db import Database
from storage.migrate import upgrade
from storage.models import audit_log
from tests.admin.conftest import SECRET
from tests.handlers.erz.console.conftest import Login, bus, login, token
from tests.handlers.erz.federal.conftest import AT, ON, OTHER_SNILS, REGION_DIED, World, build

__all__ = ["bus", "login"]  # the console's fixtures, used here by name
FEDERAL_DEATH = date(2024, 12, 10)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """The hub's tables at head and the register's own, in one SQLite file (the console's)."""
    database = Database(f"sqlite:///{tmp_path / 'hub.db'}")
    upgrade(database)
    yield database
    database.dispose()


def _console(db: Database, bus: Bus, ferzl: bool) -> Any:
    types = TypeRegistry()
    for model in (PersonChangedV1, BufferDecidedV1, FerzlCallV1):
        types.add(model)
    console = create_app(db, Operations(db, bus, types), types, secret_key=SECRET,
                         settings=Settings(plugins={"erz": {"ferzl": ferzl}}))
    assert console.state.extension_errors == {}
    return console


@pytest.fixture
def app(db: Database, bus: Bus) -> Any:
    """The console with its extensions; it may send ФЕРЗЛ calls and the register's events."""
    return _console(db, bus, ferzl=True)


@pytest.fixture
def world(db: Database) -> tuple[World, int]:
    """A run compared, and a federal death judged from a getPersonData answer."""
    built = build(db)
    with db.transaction() as conn:
        key = conn.execute(runs.insert().values(
            started_at=AT, on_date=ON, territory="78000", started_by="расписание",
            state="done")).inserted_primary_key
        assert key is not None
        compare.compare(conn, int(key[0]), ON, dict(built.files))
        dead = next(e for e, d in built.doubts if d == "not_current")
        conn.execute(discrepancies.insert().values(
            run_id=int(key[0]), kind="death", enp=dead, federal="10.12.2024", regional="",
            federal_on=FEDERAL_DEATH, status="open"))
    return built, int(key[0])


def _secrets(built: World) -> list[str]:
    snils = next(r for r in built.expected if r[0] == "snils")
    return [OTHER_SNILS, snils[3], "10.12.2024", REGION_DIED.strftime("%d.%m.%Y"), snils[1]]


def _sheet_text(data: bytes) -> str:
    book = load_workbook(io.BytesIO(data))
    return " ".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows()
                    for c in row if c.value is not None)


def test_a_masked_viewer_sees_no_snils_nor_death_date(login: Login,
                                                      world: tuple[World, int]) -> None:
    built, run_id = world
    viewer = login("viewer")
    page = viewer.get(f"/erz/ferzl/{run_id}")
    assert page.status_code == 200
    assert "Сверка с ФЕРЗЛ № " in page.text and "СНИЛС" in page.text
    exported = viewer.get(f"/erz/ferzl/{run_id}/export.xlsx")
    assert exported.status_code == 200
    text = _sheet_text(exported.content)
    for secret in _secrets(built):
        assert secret not in page.text
        assert secret not in text
    assert 'href="/erz/person/id' in page.text  # the card, linked without the ЕНП
    pd = login("pd").get(f"/erz/ferzl/{run_id}")
    for secret in _secrets(built):
        assert secret in pd.text
    assert f'href="/erz/person/{_secrets(built)[-1]}"' in pd.text
    pd_export = _sheet_text(login("pd").get(f"/erz/ferzl/{run_id}/export.xlsx").content)
    assert OTHER_SNILS in pd_export


def test_the_list_filters_and_totals(login: Login, world: tuple[World, int]) -> None:
    built, run_id = world
    viewer = login("viewer")
    snils = viewer.get(f"/erz/ferzl/{run_id}?kind=snils")
    assert 'data-kind="snils"' in snils.text and 'data-kind="insurer"' not in \
        snils.text.split('id="discrepancies"')[1]
    assert "Найдено: 1 " in snils.text
    bad = viewer.get(f"/erz/ferzl/{run_id}?enp=7600")
    assert bad.status_code == 400 and "ЕНП: 16 цифр." in bad.text
    runs_page = viewer.get("/erz/ferzl")
    assert runs_page.status_code == 200 and "расписание" in runs_page.text


def test_keep_regional_needs_a_reason_and_resolve_takes_the_federal_value(
        login: Login, db: Database, world: tuple[World, int]) -> None:
    built, run_id = world
    oper = login("oper")
    url = f"/erz/ferzl/{run_id}"
    with db.read() as conn:
        ids = {r.kind: r.id for r in conn.execute(sa.select(discrepancies))}
    r = oper.post(f"{url}/decide", data={"csrf_token": token(oper, url), "action": "keep",
                                         "ids": [str(ids["snils"])], "reason": " "},
                  follow_redirects=True)
    assert "Укажите причину" in r.text
    r = oper.post(f"{url}/decide", data={"csrf_token": token(oper, url), "action": "keep",
                                         "ids": [str(ids["snils"])],
                                         "reason": "СНИЛС подтверждён СФР"},
                  follow_redirects=True)
    assert "Оставлено региональное значение: 1." in r.text
    r = oper.post(f"{url}/decide", data={
        "csrf_token": token(oper, url), "action": "resolve", "scope": "filter",
        "listing": "kind=insurer", "reason": ""}, follow_redirects=True)
    assert "Принято значение ФЕРЗЛ: 1; в буфер: 0; не применено: 0" in r.text
    with db.read() as conn:
        status = {r.kind: r.status for r in conn.execute(sa.select(discrepancies))}
        audits = [a.action for a in conn.execute(sa.select(audit_log.c.action))]
    assert status["snils"] == "kept" and status["insurer"] == "resolved"
    assert status["attachment"] == "open"
    assert {"erz-ferzl-keep", "erz-ferzl-resolve"} <= set(audits)
    viewer = login("viewer")
    refused = viewer.post(f"{url}/decide", data={
        "csrf_token": token(viewer, url), "action": "resolve", "scope": "filter"})
    assert refused.status_code == 403


def test_an_operator_starts_a_run_and_its_calls_go_out(login: Login, db: Database,
                                                       app: Any) -> None:
    oper = login("oper")
    r = oper.post("/erz/ferzl/start", data={"csrf_token": token(oper, "/erz/ferzl")},
                  follow_redirects=True)
    assert r.status_code == 200 and "начата: запросы отправлены в ФЕРЗЛ" in r.text
    with db.read() as conn:
        run = conn.execute(sa.select(runs)).mappings().one()
        sent = sorted(conn.execute(sa.select(calls.c.operation)).scalars())
    assert (run["started_by"], run["state"], run["territory"]) == ("oper", "requested", "78000")
    assert sent == ["getAllCurrentEnpStart", "getViewDataAttachStart",
                    "getViewDataInsuranceStart"]
    again = oper.post("/erz/ferzl/start", data={"csrf_token": token(oper, "/erz/ferzl")},
                      follow_redirects=True)
    assert "ещё не завершена" in again.text


def test_without_ferzl_no_run_starts_and_the_page_says_why(db: Database, bus: Bus) -> None:
    # The embedded demo: no ФЕРЗЛ adapter to answer, so nothing is sent that would only die.
    from tests.admin.conftest import console_logins

    with console_logins(_console(db, bus, ferzl=False), db) as make:
        oper = make("oper")
        page = oper.get("/erz/ferzl")
        assert 'id="ferzl-off"' in page.text and "ferzl = true" in page.text
        assert 'id="start-run"' not in page.text
        r = oper.post("/erz/ferzl/start", data={"csrf_token": token(oper, "/erz/ferzl")},
                      follow_redirects=True)
    assert "Сверка не начата: ФЕРЗЛ не подключён" in r.text
    with db.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(runs)).scalar() == 0
