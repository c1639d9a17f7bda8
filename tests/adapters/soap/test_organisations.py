"""Organisations of the SOAP services managed in the console and by ``omshub soap add-org``,
taking effect at the next call of the running service (issue 11, item 8).

The running hub serves the SOAP services over HTTP (zeep clients, as МО and СМО call them);
the console with the SOAP extension works on the same database, as the console process of
an installation does.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import sqlalchemy as sa
import zeep
from starlette.testclient import TestClient
from zeep.exceptions import Fault
from zeep.transports import Transport

from adapters.soap.console import extension
from adapters.soap.models import organisations
from admin.app import create_app
from hub.cli import main
from hub.operations import Operations
from hub.passwords import verify_password
from storage.models import audit_log
from tests.adapters.soap.conftest import ANNA, Services, serving
from tests.adapters.soap.test_services import _fault
from tests.admin.conftest import form_logins, form_token, seed_user
from tests.conftest import Footprint

Login = Callable[[str], TestClient]
SECRET = "test-secret-key-0123456789"


@pytest.fixture
def running(footprint: Footprint, tmp_path: Path) -> Iterator[Services]:
    with serving(footprint, tmp_path) as services:
        yield services


@pytest.fixture
def login(running: Services) -> Iterator[Login]:
    """The console with the SOAP extension: an administrator (boss) and an operator."""
    db, process = running.hub.db, running.hub.process
    app = create_app(db, Operations(db, process.bus, process.plugins.types),
                     process.plugins.types, secret_key=SECRET, settings=process.settings,
                     extensions=[("soap", extension)])
    assert app.state.extension_errors == {}
    seed_user(db, "boss", "administrator")
    seed_user(db, "oper", "operator")
    with form_logins(app) as make:
        yield make


def _post(client: TestClient, url: str, data: dict[str, str]) -> Any:
    token = form_token(client.get("/soap/organisations").text)
    return client.post(url, data={"csrf_token": token, **data}, follow_redirects=True)


def _password(page: str) -> str:
    found = re.search(r'id="password">([^<]+)<', page)
    assert found, "the password is shown once"
    return html.unescape(found.group(1))


def _authenticated(services: Services, user: str, password: str | None = None) -> bool:
    """Whether a call as ``user`` gets past the login (an answer or an out-of-scope fault)."""
    client = services.client(user) if password is None else _client(services, user, password)
    try:
        client.service.getPerson(enp=ANNA)
    except Fault as fault:
        return not str(fault.code).endswith("Client.Unauthenticated")
    return True


def _client(services: Services, user: str, password: str) -> Any:
    session = requests.Session()
    session.auth = (user, password)
    return zeep.Client(f"{services.url}?wsdl", transport=Transport(session=session))


def test_only_an_administrator_manages_organisations(running: Services, login: Login) -> None:
    assert login("oper").get("/soap/organisations").status_code == 403
    page = login("boss").get("/soap/organisations").text
    for user in ("mo-a", "mo-b", "smo-a", "smo-b"):
        assert f'data-org="{user}"' in page
    assert "файл настроек" in page and "действует" in page


def test_an_organisation_added_in_the_console_calls_at_once(running: Services,
                                                            login: Login) -> None:
    boss = login("boss")
    assert not _authenticated(running, "mo-c", "anything")
    refused = _post(boss, "/soap/organisations", {
        "code": "760103", "kind": "mo", "username": "mo-c", "name": "ГП № 3", "reason": ""})
    assert refused.status_code == 400 and "Укажите причину" in refused.text
    page = _post(boss, "/soap/organisations", {
        "code": "760103", "kind": "mo", "username": "mo-c", "name": "ГП № 3",
        "reason": "договор № 17"})
    assert page.status_code == 200
    password = _password(page.text)
    assert 'data-org="mo-c"' in page.text and "ГП № 3" in page.text
    # No restart: the running service accepts it at the next call.
    assert _authenticated(running, "mo-c", password)
    with running.hub.db.read() as conn:
        row = conn.execute(sa.select(organisations).where(
            organisations.c.username == "mo-c")).one()
        audit = conn.execute(sa.select(audit_log).where(
            audit_log.c.action == "soap-org-add")).one()
    assert verify_password(password, row.password_hash) and password not in row.password_hash
    assert (audit.username, audit.target, audit.reason) == ("boss", "mo-c", "договор № 17")
    assert password not in str(audit.details)
    assert "SOAP: организация добавлена" in boss.get("/audit").text  # in words
    # The same code again is refused, saying why.
    again = _post(boss, "/soap/organisations", {
        "code": "760103", "kind": "mo", "username": "mo-d", "reason": "ошибка"})
    assert again.status_code == 409 and "уже заняты" in again.text


def test_disable_enable_and_reset_take_effect_at_the_next_call(running: Services,
                                                               login: Login) -> None:
    boss = login("boss")
    assert _authenticated(running, "mo-a")  # configured in [plugins.soap]
    _post(boss, "/soap/organisations/mo-a", {"action": "disable", "reason": "договор истёк"})
    assert _fault(running.client("mo-a").service.getPerson, enp=ANNA).code.endswith(
        "Client.Unauthenticated")
    page = boss.get("/soap/organisations").text
    assert re.search(r'data-org="mo-a" class="disabled">.*?отключена', page, re.S)
    _post(boss, "/soap/organisations/mo-a", {"action": "enable", "reason": "продлён"})
    assert running.client("mo-a").service.getPerson(enp=ANNA) is not None
    reset = _post(boss, "/soap/organisations/mo-a", {"action": "password",
                                                     "reason": "пароль скомпрометирован"})
    password = _password(reset.text)
    assert not _authenticated(running, "mo-a")  # the old password: refused at once
    assert _client(running, "mo-a", password).service.getPerson(enp=ANNA) is not None
    with running.hub.db.read() as conn:
        actions = conn.execute(sa.select(audit_log.c.action).where(
            audit_log.c.target == "mo-a").order_by(audit_log.c.id)).scalars().all()
    assert [a for a in actions if a.startswith("soap-org")] == [
        "soap-org-disable", "soap-org-enable", "soap-org-password"]


def test_add_org_writes_the_database_and_the_service_accepts_it_at_once(
        running: Services, capsys: pytest.CaptureFixture[str]) -> None:
    url = running.hub.db.engine.url.render_as_string(hide_password=False)
    assert main(["--database-url", url, "soap", "add-org", "76009", "--kind", "smo",
                 "--user", "smo-z"]) == 0
    out = capsys.readouterr().out
    assert "added to the database" in out
    password = out.strip().rsplit(" ", 1)[1]
    assert _authenticated(running, "smo-z", password)
    assert main(["--database-url", url, "soap", "add-org", "76009", "--kind", "smo",
                 "--user", "smo-y"]) == 1
    assert "уже заняты" in capsys.readouterr().err
