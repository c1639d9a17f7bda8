"""``/api/openapi.json``: every route under ``/api`` described, a valid OpenAPI 3.1 document,
its page in the console, and schemathesis run against it on the demo.

The schemathesis run is the console as ``omshub up`` first shows it: the installed plug-ins'
message types and console extensions, every ``omshub.demo`` plug-in's data, plus a journaled
message, a dead letter and a schedule, an administrator with the personal-data permission
logged in through the form (cookie and ``X-CSRF-Token``, as a script in the browser does).
Every operation, POSTs included: on this throw-away database a replay or a schedule run
wrecks nothing, and random ids mostly meet 404. Five examples per operation, derandomised.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok

# schemathesis imports its OpenAPI loader lazily, inside the test; pytest then rewrites and
# parses that large module in the middle of a worker's run, with the earlier tests' threads
# about, where CPython 3.11 can fail with "SystemError: AST constructor recursion depth
# mismatch" (python/cpython#106905, seen in CI). Imported here, it is parsed at collection.
from schemathesis.specs.openapi import schemas as _openapi_schemas  # noqa: F401
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from admin import openapi
from admin.apiplumbing import endpoint, reply
from admin.app import create_app
from admin.openapi import SESSION_COOKIE
from hub.operations import Operations
from hub.plugins import discover
from hub.settings import Settings
from storage.db import Database
from storage.migrate import upgrade
from tests.admin.conftest import SECRET, Seed, basic_auth, form_logins, router_bus, seed_user


def _document(client: TestClient) -> dict[str, Any]:
    r = client.get("/api/openapi.json")
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_every_route_under_api_is_in_the_document(app: Any, accounts: None) -> None:
    """The console's routes and the extensions' (``/api/erz``, ``/api/smev3``) alike."""
    assert app.state.extension_errors == {}
    assert openapi.undocumented(app.routes) == []
    with TestClient(app) as client:
        doc = client.get("/api/openapi.json", headers=basic_auth("viewer")).json()
    mounted = {(op.method.lower(), openapi._openapi_path(op.path))
               for op in openapi.operations(app.routes)}
    described = {(m, p) for p, item in doc["paths"].items() for m in item}
    assert mounted == described
    assert {"/api/me", "/api/messages/{message_id}/replay", "/api/erz/persons",
            "/api/smev3/requests/{type_key}", "/api/openapi.json"} <= set(doc["paths"])
    for path, item in doc["paths"].items():
        for method, op in item.items():
            assert op["summary"] and op["description"], f"{method} {path}"
            assert any("а" <= ch <= "я" for ch in op["summary"].lower()), op["summary"]
            assert "200" in op["responses"] or "202" in op["responses"], f"{method} {path}"


def test_a_route_without_a_description_is_found() -> None:
    """An extension adding an endpoint without ``doc=`` is caught, as a bare route is."""

    @endpoint()
    def bare(request: Any, user: Any, body: dict[str, Any]) -> Any:
        return reply({})

    async def plain(request: Any) -> JSONResponse:
        return JSONResponse({})

    routes = [Mount("/api/x", routes=[Route("/bare", bare), Route("/plain", plain,
                                                                    methods=["POST"])]),
              Route("/pages", plain)]
    assert openapi.undocumented(routes) == ["GET /api/x/bare", "POST /api/x/plain"]


def test_the_document_is_valid_openapi_3_1(app: Any, accounts: None) -> None:
    with TestClient(app) as client:
        r = client.get("/api/openapi.json", headers=basic_auth("viewer"))
        anonymous = client.get("/api/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    validate(doc)  # raises on any violation of the OpenAPI 3.1 schema
    assert doc["openapi"] == "3.1.0"
    assert set(doc["components"]["securitySchemes"]) == {"basic", "session", "csrf"}
    assert doc["components"]["securitySchemes"]["csrf"]["name"] == "X-CSRF-Token"
    replay = doc["paths"]["/api/dead-letters/{id}/replay"]["post"]
    assert {"session": [], "csrf": []} in replay["security"]
    assert {"401", "403", "404", "409"} <= set(replay["responses"])
    assert replay["x-role"] == "operator"
    assert anonymous.status_code == 401


def test_the_page_shows_every_operation_and_is_in_the_menu(app: Any, login: Any) -> None:
    client = login("viewer")
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert 'href="/api/docs"' in page.text  # the menu
    doc = _document(client)
    for path, item in doc["paths"].items():
        for method, op in item.items():
            assert f'data-operation="{op["operationId"]}"' in page.text, f"{method} {path}"
            assert op["summary"] in page.text
    assert "<script" not in page.text
    assert "Описание API" in page.text and "X-CSRF-Token" in page.text
    with TestClient(app) as anonymous:
        assert anonymous.get("/api/docs", follow_redirects=False).status_code == 303


# -- schemathesis on the demo --------------------------------------------------------------------


class Demo:
    """The demo console and the logged-in administrator's cookie and CSRF header."""

    def __init__(self, app: Any, cookies: dict[str, str], headers: dict[str, str]) -> None:
        self.app, self.cookies, self.headers = app, cookies, headers


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The demo console on a SQLite file, logged in as an administrator with ПДн."""
    path: Path = tmp_path_factory.mktemp("openapi") / "hub.db"
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    for ep in entry_points(group="omshub.demo"):
        ep.load()(db, Settings(data_dir=path.parent / "var"))
    seed_user(db, "admin", "administrator", personal_data=True)
    seed = Seed(db)
    seed.dead_letter(seed.message())
    seed.schedule("adapter.probe:emit")
    types = discover().types
    with router_bus() as bus:
        app = create_app(db, Operations(db, bus, types), types, secret_key=SECRET,
                         settings=Settings())
        assert app.state.extension_errors == {}
        with form_logins(app) as login:
            client = login("admin")
            csrf = client.get("/api/me").json()["csrf_token"]
            yield Demo(app, dict(client.cookies.items()), {"X-CSRF-Token": csrf})
    db.dispose()


def _run(operation: Any, demo: Demo) -> None:
    """Five derandomised examples of one operation, each response checked."""

    @given(case=operation.as_strategy())
    @settings(max_examples=5, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case: Any) -> None:
        # The demo's session, not credentials schemathesis makes up from the security schemes
        # (made-up Basic credentials would only meet 401 and then the login lockout's 429).
        case.headers.pop("Authorization", None)
        case.headers.pop("X-CSRF-Token", None)
        case.cookies.pop(SESSION_COOKIE, None)
        case.call_and_validate(
            headers=demo.headers, cookies=demo.cookies,
            checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                    response_schema_conformance])

    check()


def test_schemathesis_on_the_demo(demo: Demo) -> None:
    """No 500; every status, content type and body as the document says, for every
    operation the document lists (the plug-ins' too)."""
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", demo.app,
                                            headers=demo.headers, cookies=demo.cookies)
    failures, labels = [], []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result  # a broken operation in the document fails here
        operation = result.ok()
        labels.append(operation.label)
        try:
            _run(operation, demo)
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure, then report
            failures.append(f"{operation.label}: {exc}")
    assert "POST /api/erz/buffer/{item_id}/approve" in labels
    assert "GET /api/smev3/types" in labels
    assert not failures, "\n\n".join(failures)
