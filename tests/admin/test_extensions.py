"""Console extensions: pages, API routes, navigation and templates from plug-ins.

A broken extension is left out and the console starts; a working one uses the console's own
login, roles, CSRF and rendering; ``publish`` takes a canonical message in as the console,
journaled, queued for the router and audited in one transaction.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from admin.apiplumbing import endpoint, reply
from admin.app import create_app
from admin.auth import page
from admin.context import render
from admin.extensions import ConsoleContext, ConsoleExtension, NavEntry
from admin.users import Role, User
from contracts.probe import ProbeV1
from contracts.registry import TypeRegistry
from hub.bus import Bus
from hub.operations import Operations
from hub.outbox import ROUTER_QUEUE
from hub.settings import Settings
from storage.db import Database
from storage.models import audit_log, journal_messages

Login = Callable[[str], TestClient]
Token = Callable[[TestClient, str], str]
SECRET = "test-secret-key-0123456789abcdef"
SENT_AT = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def demo(template_dir: Path) -> Any:
    """An extension with a page for operators, an API route and a template of its own."""

    def extension(ctx: ConsoleContext) -> ConsoleExtension:
        @page(Role.operator)
        def screen(request: Request, user: User, form: FormData) -> Response:
            if request.method == "POST":
                env = ctx.publish(ProbeV1(seq=7, sent_at=SENT_AT),
                                  user=user.username, reason=str(form.get("reason", "")),
                                  action="demo-publish")
                return render(request, "demo.html", {"published": env.id})
            return render(request, "demo.html", {"published": ""})

        @endpoint()
        def api(request: Request, user: User, body: dict[str, Any]) -> Response:
            return reply({"user": user.username, "types": len(ctx.types)})

        return ConsoleExtension(
            name="demo",
            routes=[Route("/demo", screen, methods=["GET", "POST"]),
                    Route("/api/demo/whoami", api),
                    Route("/journal", screen)],  # cannot shadow a built-in page
            nav=[NavEntry("Демо", "/demo", Role.operator)],
            template_dirs=[template_dir])

    return extension


def broken(ctx: ConsoleContext) -> ConsoleExtension:
    """An extension whose package is broken."""
    raise ImportError("No module named 'demo_vs'")


def not_an_extension(ctx: ConsoleContext) -> Any:
    """A callable that returns something else."""
    return object()


@pytest.fixture
def template_dir(tmp_path: Path) -> Path:
    """An extension's templates: its page extends the console's base."""
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "demo.html").write_text(
        '{% extends "base.html" %}{% block content %}<h1 id="demo">Демо</h1>'
        '<form method="post"><input type="hidden" name="csrf_token" value="{{ csrf_token }}">'
        '</form><p id="published">{{ published }}</p>{% endblock %}', encoding="utf-8")
    return folder


@pytest.fixture
def app(db: Database, ops: Operations, types: TypeRegistry, template_dir: Path) -> Any:
    """The console with a broken extension, one that is not an extension, and a working one."""
    return create_app(db, ops, types, secret_key=SECRET, extensions=[
        ("broken", broken), ("wrong", not_an_extension),
        ("demo", demo(template_dir))])


def test_a_broken_extension_is_left_out_and_the_console_starts(app: Any,
                                                               login: Login) -> None:
    assert set(app.state.extension_errors) == {"broken", "wrong"}
    assert "No module named 'demo_vs'" in app.state.extension_errors["broken"]
    assert "not a ConsoleExtension" in app.state.extension_errors["wrong"]
    viewer = login("viewer")
    journal = viewer.get("/journal")
    assert journal.status_code == 200 and 'id="demo"' not in journal.text
    assert 'href="/demo"' not in journal.text  # the entry is for operators
    assert viewer.get("/demo").status_code == 403
    assert viewer.get("/api/demo/whoami").json() == {"user": "viewer", "types": 2}
    r = viewer.get("/api/demo/nothing")
    assert r.status_code == 404 and r.json()["status"] == 404


def test_extension_pages_use_the_console_login_csrf_and_audit(
        app: Any, login: Login, token: Token, db: Database, bus: Bus) -> None:
    with TestClient(app) as anonymous:
        r = anonymous.get("/demo", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login?next=/demo"
        assert anonymous.get("/api/demo/whoami").status_code == 401
    oper = login("oper")
    assert '<a href="/demo" class="active">Демо</a>' in oper.get("/demo").text
    assert oper.post("/demo", data={"reason": "x"}).status_code == 403  # no CSRF token
    r = oper.post("/demo", data={"csrf_token": token(oper, "/demo"),
                                 "reason": "проверка расширения"})
    assert r.status_code == 200
    published = re.search(r'<p id="published">([^<]+)</p>', r.text)
    assert published is not None
    with db.read() as conn:
        message = conn.execute(sa.select(journal_messages)).one()
        audit = conn.execute(sa.select(audit_log).where(
            audit_log.c.action == "demo-publish")).one()
    assert (message.message_id, message.source, message.status) == (
        published.group(1), "console", "received")
    assert (audit.username, audit.target, audit.reason) == (
        "oper", message.message_id, "проверка расширения")
    assert bus.queue_depth(ROUTER_QUEUE) == 1


def test_publish_needs_a_reason(db: Database, ops: Operations, types: TypeRegistry) -> None:
    ctx = ConsoleContext(db, ops, types, Settings(), ZoneInfo("UTC"))
    with pytest.raises(ValueError, match="reason"):
        ctx.publish(ProbeV1(seq=1, sent_at=SENT_AT), user="oper", reason=" ")
    with db.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(journal_messages)).scalar() == 0
