"""The Starlette application of the admin console: pages, JSON API, health and metrics."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from admin import api, sessions
from admin import journal as journal_words
from admin.apiplumbing import error
from admin.context import (
    Badge,
    Console,
    HealthProbe,
    QueueDepths,
    QueueProbe,
    error_page,
    make_templates,
)
from admin.deadletters import open_count
from admin.extensions import ConsoleContext, Extension, install_templates, load
from admin.monitoring import healthz, metrics_endpoint
from admin.throttle import LoginThrottle
from admin.views import (
    accounts,
    catalogue,
    components,
    dashboard,
    dead_letters,
    journal,
    progress,
    session,
)
from contracts.registry import TypeRegistry
from hub.proxies import ForwardedFor, TrustedProxies
from hub.settings import Settings
from storage.db import Database

if TYPE_CHECKING:
    from hub.operations import Operations
    from hub.outbox import Relay

STATIC = Path(__file__).parent / "static"
SESSION_MAX_AGE = int(sessions.IDLE_TIMEOUT.total_seconds())
"""The cookie's life, renewed on every response; the server ends the session itself too."""

SECURITY_HEADERS = [
    # Nothing from other origins, never inside a frame; the one script is the console's own
    # static/refresh.js (no inline script, no eval): lists that reload themselves.
    (b"content-security-policy",
     b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
     b"form-action 'self'; "
     b"frame-ancestors 'none'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]


class SecurityHeaders:
    """Adds the security headers, and ``Cache-Control: no-store`` to every dynamic page."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.extend(SECURITY_HEADERS)
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _routes(metrics: Callable[[Request], Awaitable[Response]],
            extra: list[BaseRoute]) -> list[BaseRoute]:
    return [
        Route("/", session.home),
        Route("/dashboard", dashboard.dashboard_page),
        Route("/login", session.login, methods=["GET", "POST"]),
        Route("/logout", session.logout, methods=["POST"]),
        Route("/journal", journal.journal_page),
        Route("/journal/export", journal.journal_export),
        Route("/journal/{message_id}", journal.message_page),
        Route("/journal/{message_id}/replay", journal.replay_message, methods=["POST"]),
        Route("/journal/{message_id}/blobs/{blob_id}", journal.blob_download),
        Route("/dead-letters", dead_letters.groups_page),
        Route("/dead-letters/replay", dead_letters.replay_filtered, methods=["POST"]),
        Route("/dead-letters/groups/{key}", dead_letters.group_page),
        Route("/dead-letters/groups/{key}/replay", dead_letters.replay_group,
              methods=["POST"]),
        Route("/dead-letters/export.xlsx", dead_letters.export_page),
        Route("/dead-letters/{id:int}", dead_letters.letter_page),
        Route("/dead-letters/{id:int}/replay", dead_letters.replay_letter, methods=["POST"]),
        Route("/dead-letters/{id:int}/discard", dead_letters.discard_letter, methods=["POST"]),
        Route("/progress", progress.progress_page),
        Route("/progress/{id}/{action}", progress.task_action, methods=["POST"]),
        Route("/components", components.components_page),
        Route("/catalogue", catalogue.catalogue_page),
        Route("/schedules/{name}/run", components.run_now, methods=["POST"]),
        Route("/schedules/{name}/enabled", components.set_enabled, methods=["POST"]),
        Route("/schedules/{name}/cron", components.set_cron, methods=["POST"]),
        Route("/audit", accounts.audit_page),
        Route("/audit/export", accounts.audit_export),
        Route("/users", accounts.users_page),
        Route("/users/add", accounts.add_user, methods=["POST"]),
        Route("/users/grants/{id:int}/{decision:str}", accounts.decide_grant,
              methods=["POST"]),
        Route("/users/{username}", accounts.change_user, methods=["POST"]),
        Route("/healthz", healthz),
        Route("/metrics", metrics),
        *extra,  # extensions: after the built-in pages, before /api's catch-all
        Mount("/api", routes=api.routes),
        Mount("/static", StaticFiles(directory=str(STATIC)), name="static"),
    ]


HTTP_ERRORS = {
    400: "Неверный запрос.",
    403: "Доступ запрещён.",
    404: "Нет такой страницы.",
    405: "Этот адрес так не открывается: метод запроса не поддерживается.",
}
"""What the console says for Starlette's own errors (its texts are English)."""


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    detail = str(exc.detail)
    if detail == _phrase(exc.status_code):  # Starlette's own English phrase
        detail = HTTP_ERRORS.get(exc.status_code, f"Ошибка {exc.status_code}.")
    if request.url.path.startswith("/api/"):
        return error(exc.status_code, detail)
    return error_page(request, exc.status_code, detail)


def _type_title(types: TypeRegistry, name: str, version: int) -> str:
    """A message type's Russian name (``@message_type(title=…)``), '' when it has none."""
    key = f"{name}.v{version}"
    return types.get(key).title if key in types else ""


def create_app(
    db: Database,
    ops: Operations,
    types: TypeRegistry,
    *,
    secret_key: str,
    health: HealthProbe | None = None,
    queue_depths: QueueDepths | None = None,
    queue_stats: QueueProbe | None = None,
    secure_cookies: bool = False,
    timezone: str = "UTC",
    settings: Settings | None = None,
    relay: Relay | None = None,
    asyncapi: Callable[[], dict[str, Any]] | None = None,
    extensions: list[tuple[str, Extension]] | None = None,
) -> Starlette:
    """The console.

    ``health`` returns each component's state (``{name: {"status": "ok", ...}}``) and
    ``queue_depths`` the ready messages per queue, ``queue_stats`` ready, consumers and
    unacknowledged per queue (preferred when given); all are optional. ``secure_cookies``
    marks the session cookie HTTPS-only (set it whenever the console is served over TLS).
    ``timezone`` is the zone in which staff read and enter times (storage stays in UTC).
    ``settings`` and ``relay`` (the process's) are handed to console extensions, which are
    the installed ``omshub.console`` entry points unless ``extensions`` names them; from
    ``settings`` the console takes ``trusted_proxies`` (whose ``X-Forwarded-For`` names the
    client) and ``four_eyes_grants``. ``asyncapi`` gives the AsyncAPI document of the bus
    (``/api/asyncapi.json`` and the catalogue page; built once, on first use); by default
    the catalogue of the installed plug-ins, as ``omshub catalogue --asyncapi`` prints it.
    """
    if len(secret_key) < 16:
        raise ValueError("secret_key must have at least 16 characters")
    tz = ZoneInfo(timezone)
    settings = settings or Settings()
    loaded = load(ConsoleContext(db, ops, types, settings, tz, relay), extensions)
    templates = make_templates(tz)
    templates.env.globals["type_title"] = functools.partial(_type_title, types)
    templates.env.globals["status_labels"] = journal_words.STATE_LABELS
    install_templates(templates, loaded)
    c = Console(db=db, ops=ops, types=types, templates=templates, tz=tz,
                throttle=LoginThrottle(), health=health, queue_depths=queue_depths,
                four_eyes=settings.four_eyes_grants, queue_stats=queue_stats,
                failed=Badge(lambda: open_count(db)))
    app = Starlette(
        routes=_routes(metrics_endpoint(c), loaded.routes),
        middleware=[
            Middleware(ForwardedFor, proxies=TrustedProxies(settings.trusted_proxies)),
            Middleware(SecurityHeaders),
            Middleware(SessionMiddleware, secret_key=secret_key, session_cookie="omshub_session",
                       max_age=SESSION_MAX_AGE, same_site="lax", https_only=secure_cookies),
        ],
        exception_handlers={HTTPException: _http_error},
    )
    app.state.console = c
    app.state.extension_errors = loaded.errors
    app.state.asyncapi = functools.cache(asyncapi or catalogue.installed(settings))
    return app
