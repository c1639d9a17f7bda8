"""СМЭВ 3 in the console (SMEV-6): per-type overview, lists and details, compose, poll now.

The console is built by ``admin.app.create_app`` over a real SQLite database (the hub's
migrations plus the adapter's tables) and the in-process bus; the СМЭВ screens come in
through the ``omshub.console`` entry point, as in production, and the information types
through theirs (ЗАГС death records, ФОМС medical services). Schemas are the fixture XSDs,
used in place.
"""

from __future__ import annotations

import base64
import copy
import html
import json
import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from lxml import etree
from pydantic import BaseModel
from starlette.testclient import TestClient

from adapters.smev3.models import metadata as smev3_metadata
from adapters.smev3.models import outgoing, received
from adapters.smev3.monitor import POLL_SCHEDULE
from adapters.smev3.vs.ffoms_services.messages import ServicesRequestV1
from adapters.smev3.vs.zags_fatal.messages import FatalRequestV1
from admin.app import create_app
from contracts.envelope import Envelope, utcnow
from contracts.registry import TypeRegistry
from hub.bus import Bus, QueueSpec, connect
from hub.context import Context, Inbound
from hub.operations import Operations
from hub.outbox import ROUTER_QUEUE, Relay
from hub.settings import Settings
from hub.testing import reset_memory_broker
from storage.db import Database
from storage.migrate import upgrade
from storage.models import audit_log, journal_messages, schedules
from tests.admin.conftest import PASSWORD, SECRET, form_logins, form_token, seed_user
from tests.smev3.vs_helpers import FIXTURES, installed, schema_store

SNILS = "123-456-789 01"
ENP = "3541111111111111"

# A death record as ЗАГС would register it: valid against the model and the fixture XSD.
DEATH: dict[str, Any] = {
    "id": "5f0c7a52-1d3e-4c1b-9a54-0e6f1b2c3d4e",
    "as_of": "2024-03-01",
    "records": [{
        "number": "170219590001200001",
        "recorded_on": "2024-02-27",
        "registry_office": {"name": "Отдел ЗАГС Кировского района г. Уфы", "code": "R0200001"},
        "status": {"since": "2024-02-27", "code": "01", "name": "запись акта первичная"},
        "registered": {"deceased": {
            "name": {"family": "Сидорова", "given": "Анна", "patronymic": "Ивановна"},
            "birth_date": "1941-05-09",
            "death_date": "2024-02-25",
            "death_place": {"description": "Республика Башкортостан, г. Уфа"},
        }},
    }],
}

Login = Callable[[str], TestClient]


# -- the console around the adapter's tables ---------------------------------------------------


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """The hub's tables at head and the adapter's own."""
    database = Database(f"sqlite:///{tmp_path / 'hub.db'}")
    upgrade(database, [smev3_metadata])
    yield database
    database.dispose()


@pytest.fixture
def bus() -> Iterator[Bus]:
    """The in-process bus with the router's queue (where taken-in messages go)."""
    reset_memory_broker()
    memory = connect("memory://")
    memory.declare([QueueSpec(ROUTER_QUEUE)])
    yield memory
    memory.close()
    reset_memory_broker()


@pytest.fixture
def types() -> TypeRegistry:
    """The canonical types of the information types used here."""
    registry = TypeRegistry()
    registry.add(FatalRequestV1)
    registry.add(ServicesRequestV1)
    return registry


@pytest.fixture
def settings() -> Settings:
    """Official schemas: the fixture copies in place."""
    return Settings(schemas_dir=FIXTURES)


@pytest.fixture
def app(db: Database, bus: Bus, types: TypeRegistry, settings: Settings) -> Any:
    """The console with its installed extensions (the СМЭВ one among them)."""
    console = create_app(db, Operations(db, bus, types), types, secret_key=SECRET,
                         settings=settings)
    assert console.state.extension_errors == {}
    return console


@pytest.fixture
def login(app: Any, db: Database) -> Iterator[Login]:
    """A client logged in through the form: viewer, oper (operator), pd (operator + ПДн)."""
    seed_user(db, "viewer", "viewer")
    seed_user(db, "oper", "operator")
    seed_user(db, "pd", "operator", personal_data=True)
    with form_logins(app) as make:
        yield make


def basic(username: str) -> dict[str, str]:
    """HTTP Basic credentials of a seeded account."""
    return {"Authorization": "Basic "
            + base64.b64encode(f"{username}:{PASSWORD}".encode()).decode()}


def token(client: TestClient, url: str = "/smev3") -> str:
    """The CSRF token of the forms on a page."""
    page = client.get(url)
    assert page.status_code == 200, page.text
    return form_token(page.text)


# -- rows as the adapter writes them -----------------------------------------------------------


class AdapterRows:
    """What ``adapter.smev3`` leaves behind: canonical messages and its own rows."""

    def __init__(self, db: Database, bus: Bus, types: TypeRegistry) -> None:
        self.db = db
        self.requests: dict[str, Envelope] = {}
        self.ctx = Context(Settings(), db, bus, types, Relay(db, bus), "adapter.smev3")

    def _journal(self, model: BaseModel, raw: bytes | None = None,
                 cause: Envelope | None = None) -> Envelope:
        with self.db.transaction() as conn:
            (env,) = self.ctx.publish_in(conn, [Inbound(model, raw=raw, raw_media_type="text/xml",
                                                        cause=cause)])
        return env

    def outgoing(self, payload: dict[str, Any] | None = None, *, status: str = "pending",
                 last_error: str | None = None, days_ago: int = 0) -> int:
        """A canonical ЗАГС request and the row that sends it; returns the row's id."""
        info = installed("zags.fatal")
        model = FatalRequestV1.model_validate(payload or DEATH)
        env = self._journal(model)
        at = utcnow() - timedelta(days=days_ago)
        with self.db.transaction() as conn:
            result = conn.execute(outgoing.insert().values(
                kind="request", type_key="zags.fatal", envelope_id=env.id,
                message_id=f"0d3c2b1a-{env.id[:4]}-11ee-8000-000000000001",
                content=etree.tostring(info.request_to_xml(model), encoding="utf-8"),
                status=status, attempts=1, next_attempt_at=at, last_error=last_error,
                created_at=at, updated_at=at))
        pk = result.inserted_primary_key
        assert pk is not None
        return int(pk[0])

    def received(self, message_id: str = "6a1b2c3d-0000-11ee-8000-000000000002") -> str:
        """A ФОМС services request taken in from СМЭВ, with its bytes; returns its MessageID."""
        info = installed("ffoms.services")
        model = ServicesRequestV1(region_okato="80401", family_name="Иванова",
                                  first_name="Мария", birth_date=date(1980, 5, 17),
                                  policy_number=ENP, date_from=date(2024, 1, 1),
                                  date_to=date(2024, 3, 31))
        raw = etree.tostring(info.request_to_xml(model), encoding="utf-8", xml_declaration=True)
        env = self._journal(model, raw)
        with self.db.transaction() as conn:
            conn.execute(received.insert().values(
                message_id=message_id, kind="request", type_key="ffoms.services",
                envelope_id=env.id, outcome="taken", received_at=utcnow(),
                acked_at=utcnow()))
        self.requests[message_id] = env
        return message_id

    def answer(self, message_id: str) -> int:
        """The fund's answer to a received request, queued for СМЭВ; returns the row's id."""
        info = installed("ffoms.services")
        request = self.requests[message_id]
        answer = info.sample_response(ServicesRequestV1.model_validate(request.payload))
        assert answer is not None
        env = self._journal(answer, cause=request)
        now = utcnow()
        with self.db.transaction() as conn:
            result = conn.execute(outgoing.insert().values(
                kind="response", type_key="ffoms.services", envelope_id=env.id,
                message_id="7b2c3d4e-0000-11ee-8000-000000000003",
                content=etree.tostring(info.response_to_xml(answer), encoding="utf-8"),
                status="smev.resp_accepted", attempts=1, next_attempt_at=now,
                created_at=now, updated_at=now))
        pk = result.inserted_primary_key
        assert pk is not None
        return int(pk[0])

    def poll_schedule(self) -> None:
        """The polling job's schedule, as the scheduler seeds it."""
        with self.db.transaction() as conn:
            conn.execute(schedules.insert().values(
                name=POLL_SCHEDULE, component="adapter.smev3", job="poll", cron="* * * * *",
                enabled=True, description="poll СМЭВ"))

    def audit(self, action: str) -> list[Any]:
        """Audit rows of one action."""
        with self.db.read() as conn:
            return list(conn.execute(sa.select(audit_log).where(audit_log.c.action == action)))

    def journal(self, source: str = "console") -> list[Any]:
        """Journaled messages from ``source``."""
        with self.db.read() as conn:
            return list(conn.execute(sa.select(journal_messages)
                                     .where(journal_messages.c.source == source)))


@pytest.fixture
def rows(db: Database, bus: Bus, types: TypeRegistry) -> AdapterRows:
    """Row builders bound to the test database."""
    return AdapterRows(db, bus, types)


# -- overview, roles -----------------------------------------------------------------------------


def test_overview_lists_installed_types_with_counts(login: Login, rows: AdapterRows) -> None:
    rows.outgoing(status="smev.queued")
    rows.outgoing(status="smev.queued")
    rows.received()
    page = login("viewer").get("/smev3")
    assert page.status_code == 200
    assert '<a href="/smev3" class="active">СМЭВ 3</a>' in page.text
    zags = re.search(r'<tr data-type="zags.fatal">.*?</tr>', page.text, re.S)
    assert zags is not None
    assert "потребитель" in zags.group(0) and "1.3" in zags.group(0)
    assert "zags-fatal-ru-root.xsd" in zags.group(0) and "найдена" in zags.group(0)
    assert "smev.queued</span></a> 2" in zags.group(0)
    services = re.search(r'<tr data-type="ffoms.services">.*?</tr>', page.text, re.S)
    assert services is not None and "поставщик" in services.group(0)
    assert "taken</span></a> 1" in services.group(0)
    assert 'id="poll-now"' not in page.text and 'id="compose-zags.fatal"' not in page.text
    oper = login("oper").get("/smev3").text
    assert 'id="poll-now"' in oper and 'id="compose-zags.fatal"' in oper
    assert 'id="compose-ffoms.services"' not in oper  # we answer those, we do not ask


def test_viewer_can_neither_compose_nor_poll(login: Login, rows: AdapterRows,
                                             app: Any) -> None:
    rows.poll_schedule()
    viewer = login("viewer")
    assert viewer.get("/smev3/compose/zags.fatal").status_code == 403
    r = viewer.post("/smev3/compose/zags.fatal", data={
        "csrf_token": token(viewer), "payload": json.dumps(DEATH), "reason": "проверка"})
    assert r.status_code == 403
    assert viewer.post("/smev3/poll", data={"csrf_token": token(viewer)}).status_code == 403
    with TestClient(app) as api:
        r = api.post("/api/smev3/requests/zags.fatal", headers=basic("viewer"),
                     json={"payload": DEATH, "reason": "проверка"})
        assert r.status_code == 403 and "operator" in r.json()["error"]
        assert api.post("/api/smev3/poll", headers=basic("viewer")).status_code == 403
    assert rows.journal() == [] and rows.audit("smev3-request") == []
    with rows.db.read() as conn:
        assert conn.execute(sa.select(schedules.c.run_requested_at)).scalar() is None


# -- compose -----------------------------------------------------------------------------------


def test_operator_composes_a_request_that_goes_into_the_hub(login: Login, rows: AdapterRows,
                                                            bus: Bus) -> None:
    schema_store()
    oper = login("oper")
    form = oper.get("/smev3/compose/zags.fatal")
    assert form.status_code == 200
    text = re.search(r'<textarea id="payload" name="payload"[^>]*>(.*?)</textarea>',
                     form.text, re.S)
    assert text is not None
    # The prefilled example is a request the model accepts.
    FatalRequestV1.model_validate(json.loads(html.unescape(text.group(1))))
    r = oper.post("/smev3/compose/zags.fatal", data={
        "csrf_token": form_token(form.text), "payload": json.dumps(DEATH, ensure_ascii=False),
        "reason": "повторный запрос по обращению СМО"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    [message] = rows.journal()
    assert r.headers["location"] == f"/journal/{message.message_id}"
    assert (message.type, message.status) == ("smev3.zags.fatal.request", "received")
    assert json.loads(message.envelope)["payload"] == FatalRequestV1.model_validate(
        DEATH).model_dump(mode="json")
    [audit] = rows.audit("smev3-request")
    assert (audit.username, audit.target) == ("oper", message.message_id)
    assert audit.reason == "повторный запрос по обращению СМО"
    assert json.loads(audit.details)["information_type"] == "zags.fatal"
    assert bus.queue_depth(ROUTER_QUEUE) == 1  # on its way to the router, like any request
    page = oper.get(r.headers["location"])
    assert "Запрос zags.fatal принят хабом" in page.text


def test_api_sends_a_request_with_basic_auth_or_session_and_csrf(app: Any, login: Login,
                                                                 rows: AdapterRows) -> None:
    schema_store()
    with TestClient(app) as api:
        r = api.post("/api/smev3/requests/zags.fatal", headers=basic("oper"),
                     json={"payload": DEATH, "reason": "сверка"})
        assert r.status_code == 202, r.text
        assert r.json()["type"] == "smev3.zags.fatal.request.v1"
        assert [m.message_id for m in rows.journal()] == [r.json()["message_id"]]
        r = api.post("/api/smev3/requests/zags.fatal", headers=basic("oper"),
                     json={"payload": DEATH})
        assert r.status_code == 400 and "reason" in r.json()["error"]
        r = api.post("/api/smev3/requests/ffoms.services", headers=basic("oper"),
                     json={"payload": {}, "reason": "x"})
        assert r.status_code == 400 and "provider" in r.json()["error"]
        r = api.post("/api/smev3/requests/zags.fatl", headers=basic("oper"),
                     json={"payload": DEATH, "reason": "x"})
        assert r.status_code == 404 and "zags.fatal" in r.json()["error"]
    browser = login("oper")
    r = browser.post("/api/smev3/requests/zags.fatal", json={"payload": DEATH, "reason": "x"})
    assert r.status_code == 403 and "X-CSRF-Token" in r.json()["error"]
    csrf = browser.get("/api/me").json()["csrf_token"]
    r = browser.post("/api/smev3/requests/zags.fatal", json={"payload": DEATH, "reason": "x"},
                     headers={"X-CSRF-Token": csrf})
    assert r.status_code == 202
    assert len(rows.audit("smev3-request")) == 2


def test_a_request_the_model_refuses_names_the_field(app: Any, login: Login,
                                                     rows: AdapterRows) -> None:
    bad = copy.deepcopy(DEATH)
    del bad["as_of"]
    bad["records"][0]["registry_office"]["code"] = "R02"
    oper = login("oper")
    r = oper.post("/smev3/compose/zags.fatal", data={
        "csrf_token": token(oper), "payload": json.dumps(bad), "reason": "проверка"})
    assert r.status_code == 422
    errors = r.text.split('id="compose-errors"')[1].split("</div>")[0]
    assert "as_of" in errors and "Field required" in errors
    assert "records.0.registry_office.code" in errors
    assert "R02" in r.text  # the operator's input stays in the form
    r = oper.post("/smev3/compose/zags.fatal", data={
        "csrf_token": token(oper), "payload": "{not json", "reason": "проверка"})
    assert r.status_code == 422 and "не JSON" in r.text
    with TestClient(app) as api:
        r = api.post("/api/smev3/requests/zags.fatal", headers=basic("oper"),
                     json={"payload": bad, "reason": "проверка"})
    assert r.status_code == 422
    body = r.json()
    assert body["stage"] == "model"
    assert {e["location"] for e in body["errors"]} == {"as_of", "records.0.registry_office.code"}
    assert rows.journal() == [] and rows.audit("smev3-request") == []


def test_a_request_the_xsd_refuses_is_not_sent(app: Any, login: Login,
                                               rows: AdapterRows) -> None:
    schema_store()
    # A month 13 fits the model's pattern for xs:gYearMonth; the XSD itself knows better.
    bad = copy.deepcopy(DEATH)
    deceased = bad["records"][0]["registered"]["deceased"]
    del deceased["death_date"]
    deceased["death_month"] = "2024-13"
    FatalRequestV1.model_validate(bad)
    oper = login("oper")
    r = oper.post("/smev3/compose/zags.fatal", data={
        "csrf_token": token(oper), "payload": json.dumps(bad), "reason": "проверка"})
    assert r.status_code == 422
    assert "не соответствует XSD" in r.text and "МесГодСмерт" in r.text
    shown = html.unescape(r.text.split('id="request-xml">')[1].split("</pre>")[0])
    assert "2024-13" in shown
    with TestClient(app) as api:
        r = api.post("/api/smev3/requests/zags.fatal", headers=basic("oper"),
                     json={"payload": bad, "reason": "проверка"})
    assert r.status_code == 422
    body = r.json()
    assert body["stage"] == "schema"
    [problem] = body["errors"]
    assert problem["location"].startswith("line ") and "МесГодСмерт" in problem["message"]
    line = int(problem["location"].split()[1])
    assert "МесГодСмерт" in body["xml"].splitlines()[line - 1]
    assert rows.journal() == [] and rows.audit("smev3-request") == []


def test_without_a_schema_directory_nothing_is_sent(db: Database, bus: Bus,
                                                    types: TypeRegistry) -> None:
    app = create_app(db, Operations(db, bus, types), types, secret_key=SECRET,
                     settings=Settings())
    seed_user(db, "oper", "operator")
    with TestClient(app) as api:
        r = api.post("/api/smev3/requests/zags.fatal", headers=basic("oper"),
                     json={"payload": DEATH, "reason": "проверка"})
    assert r.status_code == 422 and "OMSHUB_SCHEMAS_DIR" in r.json()["error"]


# -- poll now --------------------------------------------------------------------------------


def test_poll_now_requests_a_run_and_is_audited(app: Any, login: Login,
                                                rows: AdapterRows) -> None:
    oper = login("oper")
    r = oper.post("/smev3/poll", data={"csrf_token": token(oper)})
    assert "ещё не запускался" in r.text  # no schedule before the adapter's first start
    rows.poll_schedule()
    r = oper.post("/smev3/poll", data={"csrf_token": token(oper)})
    assert r.status_code == 200 and "Опрос СМЭВ запрошен" in r.text
    assert 'id="poll-requested"' in r.text
    with rows.db.read() as conn:
        requested = conn.execute(sa.select(schedules.c.run_requested_at)).scalar()
    assert requested is not None
    [audit] = rows.audit("schedule-run")
    assert (audit.username, audit.target) == ("oper", POLL_SCHEDULE)
    with TestClient(app) as api:
        r = api.post("/api/smev3/poll", headers=basic("pd"))
    assert r.status_code == 202 and r.json() == {"name": POLL_SCHEDULE, "run_requested": True}
    assert [a.username for a in rows.audit("schedule-run")] == ["oper", "pd"]


# -- lists and details -------------------------------------------------------------------------


def test_outgoing_list_filters_and_masks(login: Login, rows: AdapterRows, app: Any) -> None:
    old = rows.outgoing(status="smev.queued", days_ago=10)
    failed = rows.outgoing(status="failed", last_error=f"smev.invalid: СНИЛС {SNILS} неверен")
    page = login("viewer").get("/smev3/outgoing").text
    assert re.findall(r'class="outgoing-row" data-id="(\d+)"', page) == [str(failed), str(old)]
    assert "***-***-*** 01" in page and SNILS not in page
    page = login("pd").get("/smev3/outgoing").text
    assert SNILS in page
    viewer = login("viewer")
    assert re.findall(r'data-id="(\d+)"', viewer.get(
        "/smev3/outgoing", params={"status": "smev.queued"}).text) == [str(old)]
    since = (utcnow() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    assert re.findall(r'class="outgoing-row" data-id="(\d+)"', viewer.get(
        "/smev3/outgoing", params={"from": since, "type": "zags.fatal"}).text) == [str(failed)]
    r = viewer.get("/smev3/outgoing", params={"from": "вчера"})
    assert r.status_code == 400 and "cannot read" in r.text
    with TestClient(app) as api:
        r = api.get("/api/smev3/outgoing", params={"status": "failed"}, headers=basic("viewer"))
    [item] = r.json()["items"]
    assert item["id"] == failed and item["last_error"].endswith("***-***-*** 01 неверен")


def test_outgoing_detail_shows_the_xml_masked_and_links_the_journal(
        login: Login, rows: AdapterRows, app: Any) -> None:
    row = rows.outgoing()
    page = login("viewer").get(f"/smev3/outgoing/{row}").text
    [envelope_id] = [m.message_id for m in rows.journal("adapter.smev3")]
    assert f'<a href="/journal/{envelope_id}" id="journal-link">' in page
    content = html.unescape(page.split('id="content">')[1].split("</pre>")[0])
    assert "FATALRequest" in content and "\n  <tns:СведРегСмерт" in content  # indented
    assert "Сидорова" not in page and "1941-05-09" not in page
    assert 'Фамилия="********"' in content
    assert "R0200001" in content  # not personal: the registry office's code stays
    unmasked = login("pd").get(f"/smev3/outgoing/{row}").text
    assert "Сидорова" in unmasked and "1941-05-09" in unmasked
    with TestClient(app) as api:
        body = api.get(f"/api/smev3/outgoing/{row}", headers=basic("viewer")).json()
    assert body["content"]["is_xml"] and "Сидорова" not in json.dumps(body, ensure_ascii=False)
    assert body["payload"]["records"][0]["registered"]["deceased"]["name"]["family"] == "********"
    assert login("viewer").get("/smev3/outgoing/999").status_code == 404


def test_received_list_and_detail_masked(login: Login, rows: AdapterRows, app: Any) -> None:
    message_id = rows.received()
    viewer = login("viewer")
    page = viewer.get("/smev3/received").text
    assert f'data-id="{message_id}"' in page
    person = re.search(r'<td class="person mono">([^<]*)</td>', page)
    assert person is not None and "************1111" in person.group(1)
    assert ENP not in page and "Иванова" not in page
    assert viewer.get("/smev3/received", params={"outcome": "rejected"}).text.count(
        'class="received-row"') == 0
    detail = viewer.get(f"/smev3/received/{message_id}").text
    content = html.unescape(detail.split('id="content">')[1].split("</pre>")[0])
    assert "UnitedPolicyNumber" in content and "80401" in content
    assert ENP not in detail and "Иванова" not in detail and "1980-05-17" not in detail
    unmasked = login("pd").get(f"/smev3/received/{message_id}").text
    assert ENP in unmasked and "Иванова" in unmasked
    with TestClient(app) as api:
        r = api.get("/api/smev3/received", headers=basic("viewer"))
        [item] = r.json()["items"]
        assert item["message_id"] == message_id and ENP not in item["person"]
        body = api.get(f"/api/smev3/received/{message_id}", headers=basic("viewer")).json()
        assert body["payload"]["policy_number"] == "************1111"
        types = api.get("/api/smev3/types", headers=basic("viewer")).json()
    assert {t["key"]: t["role"] for t in types["types"]}["zags.fatal"] == "consumer"
    assert types["poll"] is None


def test_an_answer_links_the_request_it_answers(login: Login, rows: AdapterRows) -> None:
    message_id = rows.received()
    row = rows.answer(message_id)
    page = login("viewer").get(f"/smev3/outgoing/{row}").text
    assert f'<a href="/smev3/received/{message_id}" id="answers">' in page
    assert "smev.resp_accepted" in page and "ns1:" in page
