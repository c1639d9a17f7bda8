"""The catalogue of messages in the console: ``/api/asyncapi.json`` and the page."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from admin.app import create_app
from contracts.registry import TypeRegistry
from hub.asyncapi import document
from hub.operations import Operations
from hub.routing import RoutingTable
from hub.settings import Settings
from storage.db import Database
from tests.admin.conftest import PERSON_QUEUE, SECRET, basic_auth, form_logins, seed_user
from tests.hub.asyncapi_spec import official_validator

Login = Callable[[str], TestClient]


def test_the_api_serves_a_valid_asyncapi_document_to_any_account(app: Any,
                                                                 accounts: None) -> None:
    client = TestClient(app)
    assert client.get("/api/asyncapi.json").status_code == 401
    r = client.get("/api/asyncapi.json", headers=basic_auth("viewer"))
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    doc = r.json()
    assert doc["asyncapi"] == "3.0.0"
    # by default, the installed plug-ins' catalogue, as `omshub catalogue --asyncapi` has it
    assert {"hub.probe.v1", "sample.greeting.v1"} <= set(doc["components"]["messages"])
    assert {"omshub.router", "omshub.dead", "omshub.return"} <= set(doc["channels"])
    assert list(official_validator().iter_errors(doc)) == []


def test_the_page_shows_channels_types_and_schemas(login: Login) -> None:
    viewer = login("viewer")
    page = viewer.get("/journal").text
    assert '<a href="/catalogue"' in page  # in the navigation of every account
    r = viewer.get("/catalogue")
    assert r.status_code == 200
    page = r.text
    assert "<h1>Каталог сообщений</h1>" in page and 'href="/api/asyncapi.json"' in page
    channels = page.split('id="channels"')[1].split("</table>")[0]
    for name in ("omshub.router", "omshub.dead", "omshub.delay.5s", "omshub.return"):
        assert f'<span class="mono">{name}</span>' in channels
    assert "x-queue-type=quorum" in channels and "x-message-ttl=5000" in channels
    probe = re.search(r'<details class="type" id="type-hub.probe.v1">.*?</details>', page,
                      re.S)
    assert probe is not None
    assert "ProbeV1" in probe.group(0) and "&#34;seq&#34;" in probe.group(0)  # the schema
    greeting = page.split('id="type-sample.greeting.v1"')[1].split("</details>")[0]
    assert "handler.greeter" in greeting  # its receiver
    assert '<span class="mono">snils</span>' in greeting  # the field that identifies a person
    assert 'id="schema-Envelope"' in page and "<script" not in page


def test_the_page_needs_a_login(app: Any) -> None:
    r = TestClient(app).get("/catalogue", follow_redirects=False)
    assert r.status_code in (302, 303) and "/login" in r.headers["location"]


def test_the_console_shows_the_processs_routing(db: Database, ops: Operations,
                                                types: TypeRegistry) -> None:
    table = RoutingTable()
    table.add("test.person.query.v1", f"omshub.{PERSON_QUEUE}")
    table.components[PERSON_QUEUE] = f"omshub.{PERSON_QUEUE}"
    settings = Settings(broker_url="amqp://hub:pa55word@rabbit:5672/%2F")
    built: list[int] = []

    def provide() -> dict[str, Any]:
        built.append(1)
        return document(types, table, settings)

    app = create_app(db, ops, types, secret_key=SECRET, settings=settings, asyncapi=provide)
    seed_user(db, "viewer", "viewer")
    with form_logins(app) as login:
        viewer = login("viewer")
        page = viewer.get("/catalogue").text
        row = page.split(f'data-channel="omshub.{PERSON_QUEUE}"')[1].split("</tr>")[0]
        assert PERSON_QUEUE in row and "test.person.query.v1" in row
        person = page.split('id="type-test.person.query.v1"')[1].split("</details>")[0]
        assert PERSON_QUEUE in person  # its receiver
        api = viewer.get("/api/asyncapi.json").text
        assert "pa55word" not in page and "pa55word" not in api
        assert json.loads(api)["servers"]["rabbitmq"]["host"] == "rabbit:5672"
    assert len(built) == 1  # built once per console, not per request
