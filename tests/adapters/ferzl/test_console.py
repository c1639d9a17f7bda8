"""The ФЕРЗЛ screens of the console (issue 13, item 5) through its HTTP, on both footprints,
against the simulated ФЕРЗЛ with the published schemas.

The console is ``admin.app.create_app`` over the running hub's database and bus with the
ФЕРЗЛ extension; the hub runs the router, ``adapter.ferzl`` (pointed at the simulator) and
``adapter.ferzl-console``, which brings a console search's answer back to its page. The
accounts are ``pd`` (operator with the personal-data permission), ``oper`` (operator
without it) and ``viewer``.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from starlette.testclient import TestClient

from adapters.ferzl.console.models import calls
from adapters.ferzl.console.pages import SEARCH_ACTION, extension
from adapters.ferzl.models import exchanges, operations
from adapters.ferzl.releases import Releases
from adapters.ferzl.simulator.asyncops import AsyncOperations
from adapters.ferzl.simulator.register import FederalPerson, generated
from adapters.ferzl.simulator.server import SimulatedFerzl
from adapters.ferzl.simulator.service import FerzlSimulatorServer
from admin.app import create_app
from contracts.ferzl import FerzlCallV1
from hub.operations import Operations
from hub.testing import TestHub, running_hub, wait_for
from storage.models import audit_log, journal_events
from tests.adapters.ferzl.conftest import FERZL_FIXTURES, ferzl_fixtures
from tests.admin.conftest import basic_auth, console_logins, page_token
from tests.conftest import Footprint

Login = Callable[[str], TestClient]
PURPOSE = "проверка страховой принадлежности по обращению"


@pytest.fixture(scope="module")
def simulator(releases: Releases) -> Iterator[FerzlSimulatorServer]:
    """The simulated ФЕРЗЛ over HTTP: a small register, operations that take a minute."""
    ferzl = SimulatedFerzl(releases, generated(12), asynchronous=AsyncOperations(delay=60))
    server = FerzlSimulatorServer(ferzl, port=0)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def person(simulator: FerzlSimulatorServer) -> FederalPerson:
    """A living person of the simulated federal register."""
    return next(p for p in simulator.ferzl.register if p.death_date is None and p.snils)


@pytest.fixture
def hub(footprint: Footprint, tmp_path: Path,
        simulator: FerzlSimulatorServer) -> Iterator[TestHub]:
    """The router, the ФЕРЗЛ adapter and the console's answers component."""
    ferzl_fixtures()
    simulator.ferzl.controls.forbidden.clear()
    settings = footprint.settings(tmp_path, schemas_dir=FERZL_FIXTURES, plugins={"ferzl": {
        "base_url": simulator.url, "token": "jwt-test", "poll_first": 0.2, "poll_factor": 1.0,
        "poll_cap": 0.5}})
    with running_hub(settings, ["hub.router", "adapter.ferzl", "adapter.ferzl-console"]) as hub:
        yield hub


@pytest.fixture
def app(hub: TestHub) -> Any:
    """The console over the hub's database and bus, with the ФЕРЗЛ extension."""
    process = hub.process
    console = create_app(hub.db, Operations(hub.db, process.bus, process.plugins.types),
                         process.plugins.types, secret_key="test-secret-key-0123456789",
                         settings=process.settings, extensions=[("ferzl", extension)])
    assert console.state.extension_errors == {}
    return console


@pytest.fixture
def login(app: Any, hub: TestHub) -> Iterator[Login]:
    """Clients logged in through the form: viewer, oper (operator), pd (operator + ПДн)."""
    with console_logins(app, hub.db) as make:
        yield make


def search(client: TestClient, **form: str) -> Any:
    """Post the search form (CSRF token from the form's page)."""
    token = page_token(client, "/ferzl/search")
    return client.post("/ferzl/search", data={"csrf_token": token, **form},
                       follow_redirects=False)


def answered(client: TestClient, url: str) -> str:
    """The search's page once the answer is on it."""
    def shown() -> str | None:
        page = client.get(url)
        assert page.status_code == 200, page.text
        return page.text if 'id="answer"' in page.text else None
    text = wait_for(shown, message="the answer reached the search's page")
    assert text is not None
    return text


def ask_by_enp(client: TestClient, enp: str) -> tuple[str, str]:
    """A search by ЕНП; the search's address and its page with the answer."""
    sent = search(client, kind="enp", enp=enp, purpose=PURPOSE)
    assert sent.status_code == 303, sent.text
    url = sent.headers["location"]
    return url, answered(client, url)


def shown_xml(page: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}">(.*?)</pre>', page, re.S)
    assert found is not None, element_id
    return html.unescape(found.group(1))


def test_a_search_by_enp_shows_the_simulators_person(
        hub: TestHub, login: Login, person: FederalPerson) -> None:
    pd = login("pd")
    url, page = ask_by_enp(pd, person.enp)
    row = re.search(r'<tr class="person-row".*?</tr>', page, re.S)
    assert row is not None, page
    cells = html.unescape(row.group(0))
    assert person.enp in cells and person.oip in cells
    assert f"{person.surname} {person.name} {person.patronymic}" in cells
    assert person.birth_date.strftime("%d.%m.%Y") in cells
    assert person.policy.status in cells and person.policy.insurer in cells
    assert person.attachment is not None and person.attachment.mo_code in cells
    xml = shown_xml(page, "answer-xml")
    assert person.surname in xml and person.enp in xml and "getPersonDataResponse" in xml
    assert "ответ получен" in page
    call_id = url.rsplit("/", 1)[1]
    with hub.db.read() as conn:
        audit = conn.execute(sa.select(audit_log).where(
            audit_log.c.action == SEARCH_ACTION)).one()
        parked = conn.execute(sa.select(journal_events.c.message_id).where(
            journal_events.c.status == "parked")).all()
        row_of_call = conn.execute(sa.select(calls).where(calls.c.call_id == call_id)).one()
    assert (audit.username, audit.target, audit.reason) == ("pd", call_id, PURPOSE)
    assert parked == [], "the answer is delivered, not parked"
    assert row_of_call.state == "ok" and row_of_call.answer_id


def test_a_search_needs_a_purpose_and_a_whole_identifier(
        hub: TestHub, login: Login) -> None:
    pd = login("pd")
    no_purpose = search(pd, kind="enp", enp="7899000130000390", purpose=" ")
    half = search(pd, kind="enp", enp="78990001", purpose=PURPOSE)
    assert no_purpose.status_code == half.status_code == 400
    assert "Укажите, зачем фонд спрашивает ФЕРЗЛ" in no_purpose.text
    assert "ЕНП: 16 цифр." in half.text
    assert hub.count(calls) == 0
    assert login("viewer").get("/ferzl/search").status_code == 403


def test_a_masked_viewer_sees_no_personal_data_and_cannot_search_by_names(
        hub: TestHub, login: Login, person: FederalPerson) -> None:
    oper = login("oper")
    form = oper.get("/ferzl/search").text
    assert 'value="names"' not in form and 'id="surname"' not in form
    refused = search(oper, kind="names", surname=person.surname, name=person.name,
                     birth_date=person.birth_date.strftime("%d.%m.%Y"), purpose=PURPOSE)
    assert refused.status_code == 400
    assert "только по идентификатору целиком" in refused.text
    assert hub.count(calls) == 0, "nothing was sent"
    url, page = ask_by_enp(oper, person.enp)
    text = html.unescape(page)
    for secret in (person.surname, person.name, person.patronymic, person.snils,
                   person.birth_date.isoformat(), person.birth_date.strftime("%d.%m.%Y"),
                   person.document_number):
        assert secret not in text, secret
    assert 'class="person-row"' in page and "*" in shown_xml(page, "answer-xml")
    assert "getPersonDataResponse" in shown_xml(page, "answer-xml")
    # the same search's page for the account that may see personal data shows them
    assert person.surname in html.unescape(login("pd").get(url).text)
    with hub.db.read() as conn:
        refusals = conn.execute(sa.select(audit_log).where(
            audit_log.c.action == "person-search")).all()
    assert [r.username for r in refusals] == ["oper"]


def test_a_names_search_finds_the_person(login: Login, person: FederalPerson) -> None:
    pd = login("pd")
    sent = search(pd, kind="names", surname=person.surname, name=person.name,
                  patronymic=person.patronymic, purpose=PURPOSE,
                  birth_date=person.birth_date.strftime("%d.%m.%Y"))
    assert sent.status_code == 303, sent.text
    page = html.unescape(answered(pd, sent.headers["location"]))
    assert "findPersonsByPersCriteria" in page
    assert person.enp in page and f"{person.surname} {person.name}" in page


def test_the_journal_lists_the_exchange_with_its_state_and_exports_it(
        hub: TestHub, login: Login, person: FederalPerson,
        simulator: FerzlSimulatorServer) -> None:
    pd = login("pd")
    ask_by_enp(pd, person.enp)
    simulator.ferzl.controls.forbidden.add("getPersonData")
    ask_by_enp(pd, person.enp)
    simulator.ferzl.controls.forbidden.clear()
    page = pd.get("/ferzl")
    assert page.status_code == 200
    rows = re.findall(r'<tr class="exchange-row".*?</tr>', page.text, re.S)
    assert len(rows) == 2 and "Найдено: 2" in page.text
    forbidden, ok = rows  # newest first
    assert "нет прав на метод (403)" in forbidden and ">403<" in forbidden
    assert "ответ получен" in ok and "getPersonData" in ok and ">200<" in ok
    assert PURPOSE in ok and re.search(r"\d+ мс", ok)
    only_ok = pd.get("/ferzl", params={"state": "ferzl.answered"}).text
    assert "Найдено: 1" in only_ok
    assert "Найдено: 0" in pd.get("/ferzl", params={"operation": "registerAttach"}).text
    exchange_id = re.search(r'data-id="(\d+)"', ok)
    assert exchange_id is not None
    detail = pd.get(f"/ferzl/exchanges/{exchange_id.group(1)}").text
    assert person.enp in shown_xml(detail, "request-xml")
    assert person.surname in shown_xml(detail, "answer-xml")
    masked = login("viewer").get(f"/ferzl/exchanges/{exchange_id.group(1)}").text
    assert person.surname not in html.unescape(masked)
    export = pd.get("/ferzl/export.xlsx")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(values) == 2
    assert all(isinstance(v[0], datetime) for v in values)
    assert {v[6] for v in values} == {"ferzl.answered", "ferzl.forbidden"}
    assert {v[5] for v in values} == {"ответ получен", "нет прав на метод (403)"}
    with hub.db.read() as conn:
        stored = conn.execute(sa.select(exchanges.c.duration_ms)).scalars().all()
    assert sorted(v[7] for v in values) == sorted(stored)


def test_an_operation_in_flight_shows_with_its_polls(hub: TestHub, login: Login) -> None:
    call = hub.publish(FerzlCallV1(operation="getAllCurrentEnpStart",
                                   params={"territory": "78000"}, purpose="сверка"))

    def polled() -> bool:
        with hub.db.read() as conn:
            row = conn.execute(sa.select(operations)).first()
        return row is not None and row.status == "polling" and row.polls >= 1
    wait_for(polled, message="the operation is being polled")
    page = login("viewer").get("/ferzl/operations")
    assert page.status_code == 200
    row = re.search(r'<tr class="operation-row active".*?</tr>', page.text, re.S)
    assert row is not None, page.text
    assert "getAllCurrentEnpStart" in row.group(0) and "опрашивается" in row.group(0)
    assert call.id in row.group(0)
    assert "опрос:" in row.group(0), "the worker's progress is shown"
    assert 'data-refresh="5"' in page.text, "the page reloads while an operation runs"


def test_the_api_searches_and_reads_the_answer_masked_by_role(
        app: Any, login: Login, person: FederalPerson) -> None:
    client = TestClient(app)  # HTTP Basic of the accounts login's fixture seeded
    sent = client.post("/api/ferzl/searches", headers=basic_auth("oper"), json={
        "kind": "snils", "snils": person.snils, "purpose": PURPOSE})
    assert sent.status_code == 202, sent.text
    call_id = sent.json()["call_id"]

    def answer(user: str) -> dict[str, Any] | None:
        got = client.get(f"/api/ferzl/searches/{call_id}", headers=basic_auth(user))
        assert got.status_code == 200, got.text
        return got.json() if got.json()["answer"] is not None else None
    masked = wait_for(lambda: answer("oper"), message="the API shows the answer")
    assert masked is not None
    [found] = masked["answer"]["persons"]
    assert found["oip"] == person.oip and person.surname not in str(masked)
    assert person.snils not in str(masked)
    plain = answer("pd")
    assert plain is not None and plain["answer"]["persons"][0]["names"].startswith(
        person.surname)
    refused = client.post("/api/ferzl/searches", headers=basic_auth("oper"), json={
        "kind": "names", "surname": person.surname, "name": person.name,
        "birth_date": person.birth_date.isoformat(), "purpose": PURPOSE})
    assert refused.status_code == 400 and "по ФИО недоступен" in refused.json()["error"]
    listed = client.get("/api/ferzl/exchanges", headers=basic_auth("viewer")).json()
    assert listed["total"] == 1 and listed["items"][0]["state"] == "ferzl.answered"
    assert client.get("/api/ferzl/operations", headers=basic_auth("viewer")).json() == {
        "items": []}


def test_a_flk_rejection_is_shown_in_russian(
        login: Login, person: FederalPerson, simulator: FerzlSimulatorServer) -> None:
    simulator.ferzl.controls.fail_next["getPersonData"] = "flk"
    try:
        _, page = ask_by_enp(login("pd"), person.enp)
    finally:
        simulator.ferzl.controls.fail_next.clear()
    assert "отказ ФЛК" in page and 'id="answer-error"' in page
    assert 'id="flk"' in page and 'id="persons"' not in page
    error = re.search(r'id="answer-error"[^>]*>(.*?)</p>', page, re.S)
    assert error is not None and re.search("[А-Яа-я]{4,}", html.unescape(error.group(1)))


def test_a_search_the_adapter_cannot_send_says_so(
        footprint: Footprint, tmp_path: Path) -> None:
    settings = footprint.settings(tmp_path)  # no schema directory: ФЕРЗЛ «не настроен»
    with running_hub(settings, ["hub.router", "adapter.ferzl", "adapter.ferzl-console"]) as hub:
        process = hub.process
        app = create_app(hub.db, Operations(hub.db, process.bus, process.plugins.types),
                         process.plugins.types, secret_key="test-secret-key-0123456789",
                         settings=process.settings, extensions=[("ferzl", extension)])
        with console_logins(app, hub.db) as login:
            pd = login("pd")
            sent = search(pd, kind="enp", enp="7899000130000390", purpose=PURPOSE)
            assert sent.status_code == 303
            url = sent.headers["location"]
            wait_for(lambda: 'id="call-error"' in pd.get(url).text,
                     message="the undelivered call is on its page")
            page = pd.get(url).text
    assert "Запрос не доставлен в ФЕРЗЛ" in page and "не настроен" in page
    assert "data-refresh" not in page, "nothing to wait for"


def test_the_migration_builds_the_console_table(footprint: Footprint, tmp_path: Path) -> None:
    from adapters.ferzl.console.models import metadata
    from storage import migrate
    from storage.autogen import schema_diff
    from storage.db import Database

    assert migrate.Branch("ferzl_console", "adapters.ferzl.console.migrations") in \
        migrate.branches(), "installed under omshub.migrations"
    db = Database(footprint.settings(tmp_path).resolved_database_url())
    try:
        migrate.upgrade(db)
        assert migrate.versions(db)["ferzl_console"] == "ferzl_console_0001"
        assert schema_diff(db, [metadata], only_models=True) == []
    finally:
        db.dispose()
