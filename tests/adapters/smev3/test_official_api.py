"""An internal system written for the official «Адаптер СМЭВ 3» works with ours (issue 12,
item 4): a zeep client built on a WSDL composed from the adapter's published schemas (the
official WSDL is not public) sends a request of a shipped consumer type through our
interface, the hub and the СМЭВ adapter to the simulator, and reads the answer with Get and
Find; a call in a later revision's shape is taken with its deviation kept; strangers are
refused; every call is audited."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
import requests
import sqlalchemy as sa
from lxml import etree

from adapters.smev3.models import outgoing, received
from adapters.smev3.official_api.credentials import Systems
from adapters.smev3.official_api.models import calls, messages
from adapters.smev3.official_api.service import OfficialApi
from adapters.smev3.official_api.wsdl import BINDING, FAULTS_XSD, TYPES_NS, TYPES_XSD, compose
from adapters.smev3.service import catalogue
from adapters.smev3.simulator.service import SimulatorServer
from hub.testing import TestHub, running_hub, wait_for
from storage.models import dead_letters, journal_events
from tests.adapters.smev3.conftest import SMEV3_FIXTURES
from tests.adapters.smev3.test_exchange import _poll_now
from tests.conftest import Footprint

zeep = pytest.importorskip("zeep")
from zeep.exceptions import Fault  # noqa: E402

SYSTEM, PASSWORD = "IS_FOND_76", "system-password-1"


def _client(tmp_path: Path, url: str, password: str = PASSWORD) -> Any:
    """The internal system's client: its own WSDL over the published XSDs, HTTP Basic."""
    session = requests.Session()
    session.auth = (SYSTEM, password)
    return service_of(tmp_path, url, session)


def service_of(tmp_path: Path, url: str, session: requests.Session) -> Any:
    """A zeep service on a WSDL composed from the published XSDs, kept beside it."""
    adapter = SMEV3_FIXTURES / "adapter"
    for name in (TYPES_XSD, FAULTS_XSD):  # the schemas as the system keeps them, beside
        (tmp_path / name).write_bytes((adapter / name).read_bytes())  # its WSDL
    wsdl = tmp_path / "adapter.wsdl"
    wsdl.write_text(compose("http://unused/", TYPES_XSD, FAULTS_XSD), "utf-8")
    client = zeep.Client(str(wsdl), transport=zeep.transports.Transport(session=session))
    return client.create_service(BINDING, url)


def _request(client_id: str) -> dict[str, Any]:
    info = catalogue().get("fns.egrul")
    sample = info.sample_request()
    assert sample is not None
    root = info.request_to_xml(info.from_canonical(sample))
    return {"itSystem": SYSTEM, "RequestMessage": {
        "RequestMetadata": {"clientId": client_id, "testMessage": False},
        "RequestContent": {"content": {"MessagePrimaryContent": {"_value_1": root}}}}}


@pytest.fixture
def hub(footprint: Footprint, tmp_path: Path, simulator: SimulatorServer) -> Any:
    settings = footprint.settings(tmp_path, schemas_dir=SMEV3_FIXTURES, plugins={
        "smev3": {"url": simulator.url, "types": ["fns.egrul", "ffoms.services"],
                  "retry_delays": [1, 1]},
        "smev3-api": {"port": 0}})
    with running_hub(settings, ["hub.router", "hub.scheduler", "adapter.smev3"],
                     extra=[OfficialApi]) as running:
        Systems(running.db).save(SYSTEM, name="ИС фонда", password=PASSWORD, by="olga")
        yield running


def _message_id(result: Any) -> str | None:
    """The СМЭВ MessageID of a QueryResult; None for the empty result of an empty queue."""
    return result.smevMetadata.MessageId if result.smevMetadata is not None else None


def _url(hub: TestHub) -> str:
    api = hub.process.components["adapter.smev3-api"]
    assert isinstance(api, OfficialApi) and api.server is not None, api.health()
    return api.url


def test_a_zeep_client_of_the_official_adapter_sends_and_gets_its_answer(
        hub: TestHub, tmp_path: Path) -> None:
    service = _client(tmp_path, _url(hub))
    client_id = uuid.uuid4().hex
    result = service.Send(**_request(client_id))
    assert result.itSystem == SYSTEM
    request_id = result.MessageId
    wait_for(lambda: "sent" in hub.trail(request_id), message="the СМЭВ adapter sent it")
    # Nothing has come back yet: Get answers an empty result, as the official adapter does.
    empty = service.Get(itSystem=SYSTEM, specificQuery={"messageTypeCriteria": "RESPONSE"})
    assert _message_id(empty) is None
    _poll_now(hub)
    got: list[Any] = []

    def answered() -> bool:
        answer = service.Get(itSystem=SYSTEM,
                             specificQuery={"messageTypeCriteria": "RESPONSE"})
        if _message_id(answer):
            got.append(answer)
        return bool(got)

    wait_for(answered, message="Get returned the answer")
    answer = got[0]
    with hub.db.read() as conn:
        sent = conn.execute(sa.select(outgoing).where(
            outgoing.c.envelope_id == request_id)).one()
        taken = conn.execute(sa.select(received).where(received.c.kind == "response")).one()
    assert answer.Message.ResponseMetadata.replyToClientId == client_id
    assert answer.smevMetadata.MessageId == taken.message_id
    assert answer.smevMetadata.OriginalMessageID == sent.message_id
    content = answer.Message.ResponseContent.content.MessagePrimaryContent._value_1
    assert etree.QName(content).localname == "FNSVipULResponse"
    # Get took it from the queue; Find still reads it, and the request, by clientId.
    again = service.Get(itSystem=SYSTEM, specificQuery={"messageTypeCriteria": "RESPONSE"})
    assert _message_id(again) is None
    found = service.Find(itSystem=SYSTEM, specificQuery={"messageClientIdCriteria": {
        "clientId": client_id, "clientIdCriteria": "GET_RESPONSE_BY_REQUEST_CLIENTID"}})
    assert [f.smevMetadata.MessageId for f in found] == [taken.message_id]
    asked = service.Find(itSystem=SYSTEM, specificQuery={"messageClientIdCriteria": {
        "clientId": client_id, "clientIdCriteria": "GET_REQUEST_BY_REQUEST_CLIENTID"}})
    assert [a.Message.RequestMetadata.clientId for a in asked] == [client_id]
    with hub.db.read() as conn:
        audited = conn.execute(sa.select(calls.c.operation, calls.c.system, calls.c.outcome)
                               .order_by(calls.c.id)).all()
    assert {(o, s, r) for o, s, r in audited} == {
        ("Send", SYSTEM, "ok"), ("Get", SYSTEM, "ok"), ("Find", SYSTEM, "ok")}


def test_a_client_id_is_sent_once_and_strangers_are_refused(
        hub: TestHub, tmp_path: Path) -> None:
    url = _url(hub)
    service = _client(tmp_path, url)
    service.Send(**_request("once-1"))
    with pytest.raises(Fault) as twice:
        service.Send(**_request("once-1"))
    assert "уже отправлен" in twice.value.message
    assert etree.QName(twice.value.detail[0]).localname == "ValidationFault"
    with pytest.raises(Fault) as wrong:
        _client(tmp_path, url, password="not-that-one").Send(**_request("once-2"))
    assert "пароль неверен" in wrong.value.message
    with hub.db.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(messages)).scalar() == 1
        outcomes = [r.outcome for r in conn.execute(sa.select(calls).order_by(calls.c.id))]
    assert outcomes == ["ok", "ValidationFault: DUPLICATE_CLIENT_ID",
                        "ValidationFault: ACCESS_DENIED"]


_LATER = """<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
<soap:Body><ClientMessage xmlns="{ns}"><itSystem>{system}</itSystem><RequestMessage>
<RequestMetadata><clientId>later-1</clientId><testMessage>false</testMessage>
<TransactionCode>tx-0001</TransactionCode></RequestMetadata>
<RequestContent><content><MessagePrimaryContent>{content}</MessagePrimaryContent>
</content></RequestContent></RequestMessage></ClientMessage></soap:Body></soap:Envelope>"""


def test_a_later_revisions_request_is_taken_and_its_deviation_kept(
        hub: TestHub) -> None:
    info = catalogue().get("fns.egrul")
    sample = info.sample_request()
    assert sample is not None
    content = etree.tostring(info.request_to_xml(info.from_canonical(sample)),
                             encoding="unicode")
    body = _LATER.format(ns=TYPES_NS, system=SYSTEM, content=content).encode()
    reply = requests.post(_url(hub), data=body, auth=(SYSTEM, PASSWORD),
                          headers={"Content-Type": "text/xml; charset=utf-8"}, timeout=30)
    assert reply.status_code == 200, reply.text
    answer = etree.fromstring(reply.content)
    message_id = answer.findtext(f".//{{{TYPES_NS}}}MessageId")
    wait_for(lambda: "sent" in hub.trail(message_id), message="sent to СМЭВ")
    with hub.db.read() as conn:
        call = conn.execute(sa.select(calls)).one()
    assert call.outcome == "ok" and "TransactionCode" in call.deviations
    with hub.db.read() as conn:
        details = conn.execute(sa.select(journal_events.c.detail).where(
            journal_events.c.message_id == message_id)).scalars().all()
    assert any("отличается от схемы" in d and "TransactionCode" in d for d in details)


def test_systems_are_managed_from_the_command_line(
        hub: TestHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from hub.cli import main
    from storage.models import audit_log

    monkeypatch.setenv("OMSHUB_DATABASE_URL",
                       hub.db.engine.url.render_as_string(hide_password=False))
    url = _url(hub)

    def omshub(*args: str) -> str:
        assert main(["smev3", "api-system", *args, "--user", "olga",
                     "--reason", "заявка 12"]) == 0
        return capsys.readouterr().out

    printed = omshub("add", "IS_LK", "--name", "Личный кабинет")
    password = printed.rsplit(": ", 1)[1].strip()
    session = requests.Session()
    session.auth = ("IS_LK", password)
    assert service_of(tmp_path, url, session).Send(
        **{**_request("lk-1"), "itSystem": "IS_LK"}).itSystem == "IS_LK"
    omshub("disable", "IS_LK")
    with pytest.raises(Fault) as refused:
        service_of(tmp_path, url, session).Send(**{**_request("lk-2"), "itSystem": "IS_LK"})
    assert "отключена" in refused.value.message
    # A system of the official adapter's kind: known by its itSystem, no password at all.
    omshub("add", "IS_OLD", "--no-password")
    bare = service_of(tmp_path, url, requests.Session())
    assert bare.Send(**{**_request("old-1"), "itSystem": "IS_OLD"}).itSystem == "IS_OLD"
    listed = omshub("list")
    assert "IS_LK\tЛичный кабинет\tпароль (HTTP Basic)\tотключена" in listed
    assert "IS_OLD\t\tпо itSystem, без пароля\tвключена" in listed
    with hub.db.read() as conn:
        actions = [r.action for r in conn.execute(sa.select(audit_log).where(
            audit_log.c.action.like("smev3-api-system-%")).order_by(audit_log.c.id))]
    assert actions == ["smev3-api-system-add", "smev3-api-system-disable",
                       "smev3-api-system-add"]


def test_the_wsdl_is_served_with_the_published_schemas(hub: TestHub) -> None:
    url = _url(hub)
    session = requests.Session()
    session.auth = (SYSTEM, PASSWORD)
    client = zeep.Client(f"{url}?wsdl", transport=zeep.transports.Transport(session=session))
    service = client.bind("SMEVServiceAdapterService", "SMEVServiceAdapterEndpoint")
    assert {"Send", "Get", "Find"} <= {op for op in dir(service) if op[0].isupper()}
    empty = service.Get(itSystem=SYSTEM)  # nothing sent: the empty result
    assert _message_id(empty) is None
    missing = requests.get(f"{url}/other.xsd", timeout=10)
    assert missing.status_code == 404 and "?wsdl" in missing.text


def test_the_migration_builds_the_tables_the_models_declare(
        footprint: Footprint, tmp_path: Path) -> None:
    from storage import migrate
    from storage.autogen import all_metadata, schema_diff
    from storage.db import Database

    assert migrate.Branch("smev3_api", "adapters.smev3.official_api.migrations") in \
        migrate.branches(), "installed under omshub.migrations"
    db = Database(footprint.settings(tmp_path).resolved_database_url())  # type: ignore[attr-defined]
    try:
        migrate.upgrade(db)
        assert migrate.unmigrated(db) is None
        assert schema_diff(db, all_metadata()) == []
    finally:
        db.dispose()


def test_the_console_lists_the_systems_and_their_calls(
        hub: TestHub, tmp_path: Path) -> None:
    from adapters.smev3.official_api.console import extension
    from admin.app import create_app
    from hub.operations import Operations
    from tests.admin.conftest import form_logins, seed_user

    url = _url(hub)
    _client(tmp_path, url).Send(**_request("seen-1"))
    with pytest.raises(Fault):
        _client(tmp_path, url, password="not-that-one").Get(itSystem=SYSTEM)
    Systems(hub.db).save("IS_OLD", no_password=True, enabled=False, by="olga")
    process = hub.process
    app = create_app(hub.db, Operations(hub.db, process.bus, process.plugins.types),
                     process.plugins.types, secret_key="test-secret-key-0123456789",
                     settings=process.settings, extensions=[("smev3-api", extension)])
    assert app.state.extension_errors == {}
    seed_user(hub.db, "boss", "administrator")
    seed_user(hub.db, "oper", "operator")
    with form_logins(app) as login:
        page = login("boss").get("/smev3/api-systems")
        assert login("oper").get("/smev3/api-systems").status_code == 403
    assert page.status_code == 200
    text = page.text
    (tmp_path / "api-systems.html").write_text(text, "utf-8")
    assert 'data-system="IS_FOND_76"' in text and "ИС фонда" in text
    assert "по паролю" in text and "только по коду" in text and "отключена" in text
    assert "отправка" in text and "seen-1" in text and "выполнено" in text
    assert "отказ (ошибка запроса): ACCESS_DENIED" in text


def test_a_rejection_from_the_provider_comes_back_as_rejects(
        hub: TestHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The simulated ФНС has no data for this request: it answers with a NO_DATA rejection.
    monkeypatch.setattr(catalogue().get("fns.egrul"), "sample_response", lambda request: None)
    service = _client(tmp_path, _url(hub))
    sent = service.Send(**_request("nodata-1"))
    wait_for(lambda: "sent" in hub.trail(sent.MessageId), message="sent to СМЭВ")
    _poll_now(hub)
    got: list[Any] = []

    def answered() -> bool:
        answer = service.Get(itSystem=SYSTEM)
        if _message_id(answer):
            got.append(answer)
        return bool(got)

    wait_for(answered, message="Get returned the rejection")
    answer = got[0]
    assert answer.Message.ResponseMetadata.replyToClientId == "nodata-1"
    rejects = answer.Message.ResponseContent.rejects
    assert [r.code for r in rejects] == ["NO_DATA"]
    assert "нет тестовых данных" in rejects[0].description
    with hub.db.read() as conn:
        rejection = conn.execute(sa.select(received.c.message_id).where(
            received.c.kind == "reject")).scalar_one()
    assert _message_id(answer) == rejection
    assert _message_id(service.Get(itSystem=SYSTEM)) is None, "handed over once"
    found = service.Find(itSystem=SYSTEM, specificQuery={"messageClientIdCriteria": {
        "clientId": "nodata-1", "clientIdCriteria": "GET_RESPONSE_BY_REQUEST_CLIENTID"}})
    assert [f.Message.ResponseContent.rejects[0].code for f in found] == ["NO_DATA"]


def test_an_answer_that_would_not_validate_is_not_sent(
        hub: TestHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from adapters.smev3.official_api.interface import Interface

    def broken(self: Interface, conn: Any, row: Any, tag: str) -> etree._Element:
        result = etree.Element(tag)
        etree.SubElement(result, f"{{{TYPES_NS}}}unexpected")
        return result

    monkeypatch.setattr(Interface, "_result", broken)
    with pytest.raises(Fault) as fault:
        _client(tmp_path, _url(hub)).Get(itSystem=SYSTEM)
    assert "не проходит проверку схемы" in fault.value.message
    assert etree.QName(fault.value.detail[0]).localname == "SystemFault"
    with hub.db.read() as conn:
        assert conn.execute(sa.select(calls.c.outcome)).scalar_one() == "SystemFault: SCHEMA"


def test_a_failure_reads_as_the_schemas_error_message() -> None:
    from datetime import UTC, datetime
    from types import SimpleNamespace

    from adapters.smev3.official_api.interface import XSI_NS, Interface
    from contracts.schemas import SchemaStore

    schema = SchemaStore(SMEV3_FIXTURES).schema(TYPES_XSD)
    result = etree.Element(f"{{{TYPES_NS}}}QueryResult", nsmap={None: TYPES_NS, "xsi": XSI_NS})
    etree.SubElement(result, f"{{{TYPES_NS}}}smevMetadata")
    message = etree.SubElement(result, f"{{{TYPES_NS}}}Message")
    row = SimpleNamespace(client_id="c-2", reply_to_client_id="c-1",
                          created_at=datetime(2026, 12, 7, 12, 0, tzinfo=UTC),
                          content="FAILURE: сервис поставщика недоступен".encode())
    Interface._error(message, row)  # type: ignore[arg-type]
    assert schema.validate(result), schema.error_log
    ns = {"t": TYPES_NS, "f": "urn://x-artefacts-smev-gov-ru/services/service-adapter/types/faults"}
    assert result.findtext("t:Message/t:fault/f:code", namespaces=ns) == "FAILURE"
    assert result.findtext("t:Message/t:statusMetadata/t:originalClientId",
                           namespaces=ns) == "c-1"


def test_a_system_answers_a_request_smev_brings_for_its_type(
        footprint: Footprint, tmp_path: Path, simulator: SimulatorServer) -> None:
    info = catalogue().get("ffoms.services")
    request_id = simulator.smev.offer_request(info)  # the simulated ФОМС asks the fund
    settings = footprint.settings(tmp_path, schemas_dir=SMEV3_FIXTURES, plugins={
        "smev3": {"url": simulator.url, "types": ["fns.egrul", "ffoms.services"],
                  "retry_delays": [1, 1]},
        "smev3-api": {"port": 0, "providers": {"ffoms.services": SYSTEM}}})
    with running_hub(settings, ["hub.router", "hub.scheduler", "adapter.smev3"],
                     extra=[OfficialApi]) as hub:
        Systems(hub.db).save(SYSTEM, password=PASSWORD, by="olga")
        service = _client(tmp_path, _url(hub))
        _poll_now(hub)
        got: list[Any] = []

        def asked() -> bool:
            query = service.Get(itSystem=SYSTEM, specificQuery={"messageTypeCriteria": "REQUEST"})
            if _message_id(query):
                got.append(query)
            return bool(got)

        wait_for(asked, message="Get REQUEST returned the request СМЭВ brought")
        request = got[0].Message
        root = request.RequestContent.content.MessagePrimaryContent._value_1
        assert etree.QName(root).namespace == info.request_namespace
        answer = info.sample_response(info.request_from_xml(root))
        assert answer is not None
        result = service.Send(itSystem=SYSTEM, ResponseMessage={
            "ResponseMetadata": {"clientId": "answer-1",
                                 "replyToClientId": request.RequestMetadata.clientId},
            "ResponseContent": {"content": {
                "MessagePrimaryContent": {"_value_1": info.response_to_xml(answer)}}}})
        assert result.itSystem == SYSTEM
        wait_for(lambda: f"sim:{request_id}" in simulator.smev.answers, timeout=30,
                 message="the system's answer reached the simulated ФОМС")
        assert simulator.smev.answers[f"sim:{request_id}"].tag.startswith(
            "{" + info.response_namespace)
        with pytest.raises(Fault) as twice:
            service.Send(itSystem=SYSTEM, ResponseMessage={
                "ResponseMetadata": {"clientId": "answer-2",
                                     "replyToClientId": request.RequestMetadata.clientId},
                "ResponseContent": {"content": {
                    "MessagePrimaryContent": {"_value_1": info.response_to_xml(answer)}}}})
        assert "уже ответили" in twice.value.message


def test_a_request_no_system_answers_waits_in_the_dead_letters_with_the_reason(
        footprint: Footprint, tmp_path: Path, simulator: SimulatorServer) -> None:
    """The interface takes the requests of provider types; one for a type no system is
    assigned to is not swallowed: it is dead-lettered with why, for an operator to see."""
    info = catalogue().get("ffoms.services")
    simulator.smev.offer_request(info)
    settings = footprint.settings(tmp_path, schemas_dir=SMEV3_FIXTURES, retry_delays=(1,),
                                  plugins={"smev3": {"url": simulator.url,
                                                     "types": ["ffoms.services"],
                                                     "retry_delays": [1, 1]},
                                           "smev3-api": {"port": 0}})
    with running_hub(settings, ["hub.router", "hub.scheduler", "adapter.smev3"],
                     extra=[OfficialApi]) as hub:
        _poll_now(hub)

        def causes() -> list[str]:
            with hub.db.read() as conn:
                return [str(c) for c in conn.execute(sa.select(dead_letters.c.cause_message))
                        .scalars()]

        wait_for(lambda: any("некому ответить" in c for c in causes()), timeout=60,
                 message="the unanswerable request dead-lettered with its reason")
        assert any("providers в [plugins.smev3-api]" in c for c in causes())
