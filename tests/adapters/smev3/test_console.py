"""СМЭВ 3 in the console (SMEV-6): per-type overview, lists and details, compose, poll now.

The console is built by ``admin.app.create_app`` over a real SQLite database (the hub's
migrations plus the adapter's tables) and the in-process bus; the СМЭВ screens come in
through the ``omshub.console`` entry point, as in production, and the information types
through theirs. Of those, the fund *requests* the ФНС extracts (ЕГРЮЛ, ЕГРИП: consumer
types, the only ones an operator composes) and *takes in* the ЗАГС death records (sent by
ЗАГС; 112-04 one-way, nothing answered) and the ФОМС medical services requests (which it
answers): provider types. Schemas are the fixture XSDs, used in place.
"""

from __future__ import annotations

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

from adapters.smev3.models import outgoing, received
from adapters.smev3.monitor import POLL_SCHEDULE
from adapters.smev3.vs.ffoms_services.messages import ServicesRequestV1
from adapters.smev3.vs.fns_egrip.messages import EgripRequestV1
from adapters.smev3.vs.fns_egrul.mapping import FnsEgrul
from adapters.smev3.vs.fns_egrul.messages import EgrulRequestV1
from adapters.smev3.vs.zags_fatal.messages import FatalRequestV1
from admin.app import create_app
from contracts.envelope import Envelope, utcnow
from contracts.registry import TypeRegistry
from hub.bus import Bus
from hub.context import Context, Inbound
from hub.operations import Operations
from hub.outbox import ROUTER_QUEUE, Relay
from hub.settings import Settings
from storage.db import Database
from storage.migrate import upgrade
from storage.models import audit_log, journal_messages, schedules
from tests.adapters.smev3.vs_helpers import FIXTURES, installed, schema_store
from tests.admin.conftest import (
    SECRET,
    basic_auth,
    console_logins,
    form_token,
    page_token,
    router_bus,
    seed_user,
)

SNILS = "123-456-789 01"
ENP = "3541111111111111"
OGRN = "1020202555555"
PERSON_INN = "027412345678"
"""An individual entrepreneur's ИНН: personal data (a person_field of the ЕГРИП request)."""

# A request for the ЕГРЮЛ extract of a company by ОГРН: valid against the model and the XSD.
EGRUL: dict[str, Any] = {"id": "7a1c2e90-5b6d-4f3e-8a9b-0c1d2e3f4a5b", "query": {"ogrn": OGRN}}
# A request for the ЕГРИП extract of an entrepreneur by ИНН.
EGRIP: dict[str, Any] = {"id": "3f2b1c0d-9e8f-4a7b-6c5d-4e3f2a1b0c9d", "inn": PERSON_INN}

# A death record as ЗАГС sends it to the fund: valid against the model and the fixture XSD.
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
basic = basic_auth


# -- the console around the adapter's tables ---------------------------------------------------


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """The hub's tables at head and the adapter's own."""
    database = Database(f"sqlite:///{tmp_path / 'hub.db'}")
    upgrade(database)
    yield database
    database.dispose()


@pytest.fixture
def bus() -> Iterator[Bus]:
    """The in-process bus with the router's queue (where taken-in messages go)."""
    with router_bus() as memory:
        yield memory


@pytest.fixture
def types() -> TypeRegistry:
    """The canonical types of the information types used here."""
    registry = TypeRegistry()
    for model in (EgrulRequestV1, EgripRequestV1, FatalRequestV1, ServicesRequestV1):
        registry.add(model)
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
    with console_logins(app, db) as make:
        yield make


def token(client: TestClient, url: str = "/smev3") -> str:
    """The CSRF token of the forms on a page (the overview by default)."""
    return page_token(client, url)


def type_row(page: str, key: str) -> str:
    """The overview's table row of one information type."""
    found = re.search(rf'<tr data-type="{re.escape(key)}">.*?</tr>', page, re.S)
    assert found is not None, key
    return found.group(0)


def xml_shown(page: str) -> str:
    """The XML a detail page shows, as text."""
    return html.unescape(page.split('id="content">')[1].split("</pre>")[0])


# -- rows as the adapter writes them -----------------------------------------------------------


class AdapterRows:
    """What ``adapter.smev3`` leaves behind: canonical messages and its own rows."""

    def __init__(self, db: Database, bus: Bus, types: TypeRegistry) -> None:
        self.db = db
        self.requests: dict[str, Envelope] = {}
        self.ctx = Context(Settings(), db, bus, types, Relay(db, bus), "adapter.smev3")
        self.sent = 0

    def _journal(self, model: BaseModel, raw: bytes | None = None,
                 cause: Envelope | None = None) -> Envelope:
        with self.db.transaction() as conn:
            (env,) = self.ctx.publish_in(conn, [Inbound(model, raw=raw, raw_media_type="text/xml",
                                                        cause=cause)])
        return env

    def outgoing(self, key: str = "fns.egrul", payload: dict[str, Any] | None = None, *,
                 status: str = "pending", last_error: str | None = None,
                 days_ago: int = 0) -> int:
        """A canonical request of consumer type ``key`` and the row that sends it; its id."""
        info = installed(key)
        assert info.role == "consumer"
        model = info.request_model.model_validate(
            payload or {"fns.egrul": EGRUL, "fns.egrip": EGRIP}[key])
        env = self._journal(model)
        at = utcnow() - timedelta(days=days_ago)
        self.sent += 1
        with self.db.transaction() as conn:
            result = conn.execute(outgoing.insert().values(
                kind="request", type_key=key, envelope_id=env.id,
                message_id=f"0d3c2b1a-{self.sent:04d}-11ee-8000-000000000001",
                content=etree.tostring(info.request_to_xml(model), encoding="utf-8"),
                status=status, attempts=1, next_attempt_at=at, last_error=last_error,
                created_at=at, updated_at=at))
        pk = result.inserted_primary_key
        assert pk is not None
        return int(pk[0])

    def _take_in(self, key: str, model: BaseModel, message_id: str, *,
                 bound: bool = False) -> Envelope:
        """Journal ``model`` as the adapter takes it in: as its bus type with the XML as raw
        bytes (``bound``: as the bound model, as rows journaled before a canonical type)."""
        info = installed(key)
        assert info.role == "provider"
        raw = etree.tostring(info.request_to_xml(model), encoding="utf-8", xml_declaration=True)
        env = self._journal(model if bound else info.to_canonical(model), raw)
        with self.db.transaction() as conn:
            conn.execute(received.insert().values(
                message_id=message_id, kind="request", type_key=key,
                envelope_id=env.id, outcome="taken", received_at=utcnow(),
                acked_at=utcnow()))
        return env

    def received(self, message_id: str = "6a1b2c3d-0000-11ee-8000-000000000002") -> str:
        """A ФОМС services request taken in from СМЭВ, with its bytes; returns its MessageID."""
        model = ServicesRequestV1(region_okato="80401", family_name="Иванова",
                                  first_name="Мария", birth_date=date(1980, 5, 17),
                                  policy_number=ENP, date_from=date(2024, 1, 1),
                                  date_to=date(2024, 3, 31))
        self.requests[message_id] = self._take_in("ffoms.services", model, message_id)
        return message_id

    def delivery(self, message_id: str = "6a1b2c3d-0000-11ee-8000-000000000004", *,
                 bound: bool = False) -> str:
        """A ЗАГС death record delivery taken in (112-04: nothing answers it); its MessageID."""
        self._take_in("zags.fatal", FatalRequestV1.model_validate(DEATH), message_id,
                      bound=bound)
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
    rows.delivery()
    page = login("viewer").get("/smev3")
    assert page.status_code == 200
    assert '<a href="/smev3" class="active">СМЭВ 3</a>' in page.text
    egrul = type_row(page.text, "fns.egrul")
    assert "потребитель" in egrul and "поставщик" not in egrul and "1.3" in egrul
    assert "fns-vipul-tosmv-ru.xsd" in egrul and 'status-ok">найдена' in egrul
    # СМЭВ's states in words, the code in the tooltip
    assert 'title="smev.queued">СМЭВ: в очереди на проверку</span></a> 2' in egrul
    assert "smev3.fns.egrul.response" in egrul and "без ответа" not in egrul
    # ЗАГС sends the death records to the fund: a provider type, and 112-04 is one-way.
    zags = type_row(page.text, "zags.fatal")
    assert "поставщик" in zags and "потребитель" not in zags
    assert "без ответа" in zags
    assert "zags-fatal-ru-root.xsd" in zags and 'status-ok">найдена' in zags
    assert 'title="taken">принято хабом</span></a> 1' in zags
    oiv = type_row(page.text, "zags.fataloiv")
    assert "поставщик" in oiv and "без ответа" not in oiv  # 112-41 is answered
    services = type_row(page.text, "ffoms.services")
    assert "поставщик" in services and "без ответа" not in services
    assert 'title="taken">принято хабом</span></a> 1' in services
    assert 'id="poll-now"' not in page.text and 'id="compose-' not in page.text
    oper = login("oper").get("/smev3").text
    assert 'id="poll-now"' in oper and 'id="compose-fns.egrul"' in oper
    assert 'id="compose-fns.egrip"' in oper
    # Provider types come to us; there is nothing to compose.
    for key in ("zags.fatal", "zags.fataloiv", "ffoms.services"):
        assert f'id="compose-{key}"' not in oper


def test_viewer_can_neither_compose_nor_poll(login: Login, rows: AdapterRows,
                                             app: Any) -> None:
    rows.poll_schedule()
    viewer = login("viewer")
    assert viewer.get("/smev3/compose/fns.egrul").status_code == 403
    r = viewer.post("/smev3/compose/fns.egrul", data={
        "csrf_token": token(viewer), "payload": json.dumps(EGRUL), "reason": "проверка"})
    assert r.status_code == 403
    assert viewer.post("/smev3/poll", data={"csrf_token": token(viewer)}).status_code == 403
    with TestClient(app) as api:
        r = api.post("/api/smev3/requests/fns.egrul", headers=basic("viewer"),
                     json={"payload": EGRUL, "reason": "проверка"})
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
    form = oper.get("/smev3/compose/fns.egrul")
    assert form.status_code == 200
    text = re.search(r'<textarea id="payload" name="payload"[^>]*>(.*?)</textarea>',
                     form.text, re.S)
    assert text is not None
    # The prefilled example is a request the model accepts.
    EgrulRequestV1.model_validate(json.loads(html.unescape(text.group(1))))
    r = oper.post("/smev3/compose/fns.egrul", data={
        "csrf_token": form_token(form.text), "payload": json.dumps(EGRUL, ensure_ascii=False),
        "reason": "проверка страхователя по обращению СМО"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    [message] = rows.journal()
    assert r.headers["location"] == f"/journal/{message.message_id}"
    assert (message.type, message.status) == ("smev3.fns.egrul.request", "received")
    assert json.loads(message.envelope)["payload"] == EgrulRequestV1.model_validate(
        EGRUL).model_dump(mode="json")
    [audit] = rows.audit("smev3-request")
    assert (audit.username, audit.target) == ("oper", message.message_id)
    assert audit.reason == "проверка страхователя по обращению СМО"
    assert json.loads(audit.details)["information_type"] == "fns.egrul"
    assert bus.queue_depth(ROUTER_QUEUE) == 1  # on its way to the router, like any request
    page = oper.get(r.headers["location"])
    assert "Запрос fns.egrul принят хабом" in page.text


def test_api_sends_a_request_with_basic_auth_or_session_and_csrf(app: Any, login: Login,
                                                                 rows: AdapterRows) -> None:
    schema_store()
    with TestClient(app) as api:
        r = api.post("/api/smev3/requests/fns.egrul", headers=basic("oper"),
                     json={"payload": EGRUL, "reason": "сверка"})
        assert r.status_code == 202, r.text
        assert r.json()["type"] == "smev3.fns.egrul.request.v1"
        assert [m.message_id for m in rows.journal()] == [r.json()["message_id"]]
        r = api.post("/api/smev3/requests/fns.egrul", headers=basic("oper"),
                     json={"payload": EGRUL})
        assert r.status_code == 400 and "reason" in r.json()["error"]
        # Provider types come to the fund: neither the answered nor the one-way ones are sent.
        for key, payload in (("ffoms.services", {}), ("zags.fatal", DEATH)):
            r = api.post(f"/api/smev3/requests/{key}", headers=basic("oper"),
                         json={"payload": payload, "reason": "x"})
            assert r.status_code == 400 and "provider" in r.json()["error"], key
        r = api.post("/api/smev3/requests/fns.egrl", headers=basic("oper"),
                     json={"payload": EGRUL, "reason": "x"})
        assert r.status_code == 404 and "fns.egrul" in r.json()["error"]
    browser = login("oper")
    r = browser.post("/api/smev3/requests/fns.egrul", json={"payload": EGRUL, "reason": "x"})
    assert r.status_code == 403 and "X-CSRF-Token" in r.json()["error"]
    csrf = browser.get("/api/me").json()["csrf_token"]
    r = browser.post("/api/smev3/requests/fns.egrul", json={"payload": EGRUL, "reason": "x"},
                     headers={"X-CSRF-Token": csrf})
    assert r.status_code == 202
    assert len(rows.audit("smev3-request")) == 2
    assert len(rows.journal()) == 2


def test_a_provider_type_has_no_compose_form(login: Login, rows: AdapterRows) -> None:
    oper = login("oper")
    for key in ("zags.fatal", "ffoms.services"):
        assert oper.get(f"/smev3/compose/{key}").status_code == 400, key
        r = oper.post(f"/smev3/compose/{key}", data={
            "csrf_token": token(oper), "payload": json.dumps(DEATH), "reason": "проверка"})
        assert r.status_code == 400 and "provider" in r.text, key
    assert rows.journal() == [] and rows.audit("smev3-request") == []


def test_a_request_the_model_refuses_names_the_field(app: Any, login: Login,
                                                     rows: AdapterRows) -> None:
    bad = copy.deepcopy(EGRUL)
    del bad["id"]
    bad["query"]["ogrn"] = "10202"
    oper = login("oper")
    r = oper.post("/smev3/compose/fns.egrul", data={
        "csrf_token": token(oper), "payload": json.dumps(bad), "reason": "проверка"})
    assert r.status_code == 422
    errors = r.text.split('id="compose-errors"')[1].split("</div>")[0]
    assert "id" in errors and "Field required" in errors
    assert "query.ogrn" in errors
    assert "10202" in r.text  # the operator's input stays in the form
    r = oper.post("/smev3/compose/fns.egrul", data={
        "csrf_token": token(oper), "payload": "{not json", "reason": "проверка"})
    assert r.status_code == 422 and "не JSON" in r.text
    with TestClient(app) as api:
        r = api.post("/api/smev3/requests/fns.egrul", headers=basic("oper"),
                     json={"payload": bad, "reason": "проверка"})
    assert r.status_code == 422
    body = r.json()
    assert body["stage"] == "model"
    assert {e["location"] for e in body["errors"]} == {"id", "query.ogrn"}
    # A control character passes the model but XML cannot hold it: a clear 422, not a 500.
    control = copy.deepcopy(EGRUL)
    control["id"] = "a\u0001b"
    with TestClient(app) as api:
        r = api.post("/api/smev3/requests/fns.egrul", headers=basic("oper"),
                     json={"payload": control, "reason": "проверка"})
    assert r.status_code == 422 and r.json()["stage"] == "mapping"
    assert "XML compatible" in r.json()["errors"][0]["message"]
    assert rows.journal() == [] and rows.audit("smev3-request") == []


def test_a_request_the_xsd_refuses_is_not_sent(app: Any, login: Login, rows: AdapterRows,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    schema_store()
    # The ЕГРЮЛ and ЕГРИП request models carry every facet of their XSD, so no payload the
    # model accepts is refused by the schema; the XSD is the last check against a mapping
    # that drifts from it. Here the mapping drops the ОГРН's check digit.
    written = FnsEgrul.request_to_xml

    def drifting(self: FnsEgrul, request: BaseModel) -> etree._Element:
        element = written(self, request)
        for ogrn in element.iter("{*}ОГРН"):
            ogrn.text = (ogrn.text or "")[:-1]
        return element

    monkeypatch.setattr(FnsEgrul, "request_to_xml", drifting)
    EgrulRequestV1.model_validate(EGRUL)
    oper = login("oper")
    r = oper.post("/smev3/compose/fns.egrul", data={
        "csrf_token": token(oper), "payload": json.dumps(EGRUL), "reason": "проверка"})
    assert r.status_code == 422
    assert "не соответствует XSD" in r.text and "ОГРН" in r.text
    shown = html.unescape(r.text.split('id="request-xml">')[1].split("</pre>")[0])
    assert f">{OGRN[:-1]}<" in shown
    with TestClient(app) as api:
        r = api.post("/api/smev3/requests/fns.egrul", headers=basic("oper"),
                     json={"payload": EGRUL, "reason": "проверка"})
    assert r.status_code == 422
    body = r.json()
    assert body["stage"] == "schema"
    assert body["errors"]  # the length and the pattern facets, both of ОГРН
    for problem in body["errors"]:
        assert problem["location"].startswith("line ") and "ОГРН" in problem["message"]
        line = int(problem["location"].split()[1])
        assert f">{OGRN[:-1]}<" in body["xml"].splitlines()[line - 1]
    assert rows.journal() == [] and rows.audit("smev3-request") == []


def test_without_a_schema_directory_nothing_is_sent(db: Database, bus: Bus,
                                                    types: TypeRegistry) -> None:
    app = create_app(db, Operations(db, bus, types), types, secret_key=SECRET,
                     settings=Settings())
    seed_user(db, "oper", "operator")
    with TestClient(app) as api:
        r = api.post("/api/smev3/requests/fns.egrul", headers=basic("oper"),
                     json={"payload": EGRUL, "reason": "проверка"})
    assert r.status_code == 422 and "OMSHUB_SCHEMAS_DIR" in r.json()["error"]
    with db.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(journal_messages)).scalar() == 0


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
    failed = rows.outgoing("fns.egrip", status="failed",
                           last_error=f"smev.invalid: СНИЛС {SNILS} неверен")
    answer = rows.answer(rows.received())
    outgoing_rows = r'class="outgoing-row" data-id="(\d+)"'
    page = login("viewer").get("/smev3/outgoing").text
    assert re.findall(outgoing_rows, page) == [str(answer), str(failed), str(old)]
    assert "***-***-*** 01" in page and SNILS not in page
    assert PERSON_INN not in page  # the entrepreneur's ИНН, the failed request's person
    person = re.search(rf'data-id="{failed}".*?<td class="person mono">([^<]*)</td>', page,
                       re.S)
    assert person is not None and person.group(1).strip() not in ("", PERSON_INN)
    page = login("pd").get("/smev3/outgoing").text
    assert SNILS in page and PERSON_INN in page
    viewer = login("viewer")
    assert re.findall(outgoing_rows, viewer.get(
        "/smev3/outgoing", params={"status": "smev.queued"}).text) == [str(old)]
    since = (utcnow() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    assert re.findall(outgoing_rows, viewer.get(
        "/smev3/outgoing", params={"from": since}).text) == [str(answer), str(failed)]
    assert re.findall(outgoing_rows, viewer.get(
        "/smev3/outgoing", params={"from": since, "type": "fns.egrip"}).text) == [str(failed)]
    assert re.findall(outgoing_rows, viewer.get(
        "/smev3/outgoing", params={"kind": "response"}).text) == [str(answer)]
    r = viewer.get("/smev3/outgoing", params={"from": "вчера"})
    assert r.status_code == 400 and "не удаётся прочитать" in r.text
    with TestClient(app) as api:
        r = api.get("/api/smev3/outgoing", params={"status": "failed"}, headers=basic("viewer"))
        [item] = r.json()["items"]
        assert item["id"] == failed and item["last_error"].endswith("***-***-*** 01 неверен")
        assert item["person"] and PERSON_INN not in item["person"]
        r = api.get("/api/smev3/outgoing", params={"status": "failed"}, headers=basic("pd"))
        [item] = r.json()["items"]
        assert SNILS in item["last_error"] and PERSON_INN in item["person"]


def test_outgoing_detail_shows_the_xml_masked_and_links_the_journal(
        login: Login, rows: AdapterRows, app: Any) -> None:
    row = rows.outgoing("fns.egrip")  # by the entrepreneur's ИНН: personal data
    page = login("viewer").get(f"/smev3/outgoing/{row}").text
    [envelope_id] = [m.message_id for m in rows.journal("adapter.smev3")]
    assert f'<a href="/journal/{envelope_id}" id="journal-link">' in page
    content = xml_shown(page)
    assert "FNSVipIPRequest" in content and "\n  <ns1:ЗапросИП" in content  # indented
    assert PERSON_INN not in page
    assert re.search(r"<ns1:ИНН>[^<]*\*[^<]*</ns1:ИНН>", content)  # there, but masked
    assert EGRIP["id"] in content  # not personal: the request's own id stays
    unmasked = login("pd").get(f"/smev3/outgoing/{row}").text
    assert f"<ns1:ИНН>{PERSON_INN}</ns1:ИНН>" in xml_shown(unmasked)
    with TestClient(app) as api:
        body = api.get(f"/api/smev3/outgoing/{row}", headers=basic("viewer")).json()
        assert body["content"]["is_xml"] and PERSON_INN not in json.dumps(body)
        assert body["payload"]["inn"] != PERSON_INN and body["payload"]["id"] == EGRIP["id"]
        body = api.get(f"/api/smev3/outgoing/{row}", headers=basic("pd")).json()
        assert body["payload"]["inn"] == PERSON_INN
    # A company's ОГРН is no personal data: a viewer reads the ЕГРЮЛ request as sent.
    company = rows.outgoing()
    assert f"<ns1:ОГРН>{OGRN}</ns1:ОГРН>" in xml_shown(
        login("viewer").get(f"/smev3/outgoing/{company}").text)
    assert login("viewer").get("/smev3/outgoing/999").status_code == 404


def test_an_answer_is_shown_masked_with_the_request_it_answers(
        login: Login, rows: AdapterRows, app: Any) -> None:
    message_id = rows.received()
    row = rows.answer(message_id)
    page = login("viewer").get(f"/smev3/outgoing/{row}").text
    assert f'<a href="/smev3/received/{message_id}" id="answers">' in page
    assert "smev.resp_accepted" in page and "ns1:" in page
    content = xml_shown(page)
    assert "OutputData" in content and "Лечение пневмонии" in content  # no one's name
    # The person it is about is the request's: open it from here, masked for a viewer.
    request = login("viewer").get(f"/smev3/received/{message_id}").text
    assert ENP not in request and "Иванова" not in request and "1980-05-17" not in request
    unmasked = login("pd").get(f"/smev3/received/{message_id}").text
    assert ENP in unmasked and "Иванова" in unmasked and "1980-05-17" in unmasked


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
    content = xml_shown(detail)
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
    by_key = {t["key"]: t for t in types["types"]}
    assert (by_key["zags.fatal"]["role"], by_key["zags.fatal"]["response_type"]) == (
        "provider", None)
    assert by_key["zags.fataloiv"]["role"] == "provider"
    assert by_key["zags.fataloiv"]["request_type"] == "zags.deaths.v1"
    assert by_key["zags.fataloiv"]["response_type"] == "zags.deaths.processed.v1"
    assert by_key["fns.egrul"]["role"] == "consumer"
    assert by_key["fns.egrul"]["response_type"] == "smev3.fns.egrul.response.v1"
    assert by_key["ffoms.services"]["role"] == "provider"
    assert types["poll"] is None


@pytest.mark.parametrize("bound", [False, True], ids=["zags.deaths", "journaled-before"])
def test_a_death_record_taken_in_is_shown_masked(login: Login, rows: AdapterRows,
                                                 app: Any, bound: bool) -> None:
    """The canonical ``zags.deaths`` carries less than the XML (no place of death): the XML
    is masked by what the bound model declares, for a row journaled before as well."""
    message_id = rows.delivery(bound=bound)
    viewer = login("viewer")
    page = viewer.get("/smev3/received", params={"type": "zags.fatal"}).text
    assert re.findall(r'class="received-row" data-id="([^"]+)"', page) == [message_id]
    detail = viewer.get(f"/smev3/received/{message_id}").text
    content = xml_shown(detail)
    assert "FATALRequest" in content and "\n  <tns:СведРегСмерт" in content  # indented
    assert "Сидорова" not in detail and "1941-05-09" not in detail
    assert "г. Уфа" not in detail  # the place of death, in the XML only
    assert re.search(r'Фамилия="С?\*{7,8}"', content), content
    assert "R0200001" in content  # not personal: the registry office's code stays
    unmasked = login("pd").get(f"/smev3/received/{message_id}").text
    assert "Сидорова" in unmasked and "1941-05-09" in unmasked and "г. Уфа" in unmasked
    with TestClient(app) as api:
        body = api.get(f"/api/smev3/received/{message_id}", headers=basic("viewer")).json()
    assert body["content"]["is_xml"] and "Сидорова" not in json.dumps(body, ensure_ascii=False)
    [record] = body["payload"]["records"]
    if bound:
        assert record["registered"]["deceased"]["name"]["family"] == "********"
        assert record["registry_office"]["code"] == "R0200001"
    else:
        assert re.fullmatch(r"С?\*{7,8}", record["surname"]) and record["office_code"] == "R0200001"


def test_the_journal_masks_a_death_record_kept_in_its_soap_envelope(
        login: Login, rows: AdapterRows) -> None:
    """The raw bytes of a ``zags.deaths`` are the SOAP envelope СМЭВ sent: its content is
    masked as the model bound to it declares (hub.xmlmask), not by the canonical type."""
    info = installed("zags.fatal")
    model = FatalRequestV1.model_validate(DEATH)
    content = etree.tostring(info.request_to_xml(model), encoding="unicode")
    raw = ('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
           f'<GetRequestResponse>{content}</GetRequestResponse></s:Body></s:Envelope>')
    env = rows._journal(info.to_canonical(model), raw.encode())
    [masked] = login("viewer").get(f"/api/messages/{env.id}").json()["raw"]
    [clear] = login("pd").get(f"/api/messages/{env.id}").json()["raw"]
    for value in ("Сидорова", "Ивановна", "2024-02-25", "Республика Башкортостан, г. Уфа"):
        assert value in clear["text"] and value not in masked["text"], value
    assert "R0200001" in masked["text"]


def test_a_request_shows_its_answer_or_that_none_came_yet(
        login: Login, rows: AdapterRows, db: Database) -> None:
    row = rows.outgoing(status="requestIsQueued")  # as SendRequest's answer leaves it
    page = login("viewer").get(f"/smev3/outgoing/{row}").text
    assert 'id="no-reply"' in page and "Ответа пока нет" in page
    assert 'title="requestIsQueued">СМЭВ: в очереди на проверку<' in page
    with db.transaction() as conn:
        sent = conn.execute(sa.select(outgoing.c.message_id).where(outgoing.c.id == row)).scalar()
        conn.execute(received.insert().values(
            message_id="answer-0001", kind="response", type_key="fns.egrul",
            envelope_id="env-answer-0001", reference_message_id=sent, outcome="taken",
            received_at=utcnow(), acked_at=utcnow()))
    page = login("viewer").get(f"/smev3/outgoing/{row}").text
    replies = page[page.index('id="replies"'):]
    assert "Ответа пока нет" not in page
    assert "ответ" in replies and "принято хабом" in replies
    assert '<a href="/smev3/received/answer-0001">' in replies
    assert '<a href="/journal/env-answer-0001">' in replies
