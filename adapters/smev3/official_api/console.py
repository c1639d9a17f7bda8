"""The console's page of the official adapter's interface: systems and their calls.

``[project.entry-points."omshub.console"] smev3-api =
"adapters.smev3.official_api.console:extension"``.

``/smev3/api-systems`` (administrator): the internal systems allowed to call (code, name,
how they sign in, state, last change) and the latest calls of the interface with their
outcome and the deviations from the schema found in them. Systems are managed with
``omshub smev3 api-system`` (every change audited).
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from adapters.smev3.official_api.models import calls, systems
from admin.auditlog import register_labels
from admin.auth import page
from admin.context import render
from admin.extensions import ConsoleContext, ConsoleExtension, NavEntry
from admin.users import Role, User

TEMPLATES = Path(__file__).parent / "templates"
LAST_CALLS = 100
ACTION_WORDS = {
    "smev3-api-system-add": "СМЭВ: система добавлена в интерфейс адаптера",
    "smev3-api-system-password": "СМЭВ: системе выдан новый пароль",
    "smev3-api-system-disable": "СМЭВ: система отключена от интерфейса адаптера",
    "smev3-api-system-enable": "СМЭВ: система включена в интерфейс адаптера",
}
OPERATIONS = {"Send": "отправка", "Get": "получение", "Find": "поиск"}


def outcome_words(outcome: str) -> str:
    """An audit row's outcome in words."""
    if outcome == "ok":
        return "выполнено"
    kind, _, code = outcome.partition(": ")
    side = {"ValidationFault": "отказ (ошибка запроса)",
            "SystemFault": "сбой адаптера"}.get(kind, kind)
    return f"{side}: {code}" if code else side


class ApiConsole:
    """Read-only screens of the interface."""

    def __init__(self, ctx: ConsoleContext) -> None:
        self.ctx = ctx

    def list_page(self, request: Request, user: User, form: FormData) -> Response:
        """The systems and the latest calls."""
        with self.ctx.db.read() as conn:
            found = conn.execute(sa.select(systems).order_by(systems.c.code)).all()
            latest = conn.execute(sa.select(calls).order_by(calls.c.id.desc())
                                  .limit(LAST_CALLS)).all()
        return render(request, "smev3_api_systems.html", {
            "systems": found, "calls": latest, "operations": OPERATIONS,
            "outcome": outcome_words, "last": LAST_CALLS})

    def routes(self) -> list[BaseRoute]:
        """The page (administrator only)."""
        return [Route("/smev3/api-systems", page(Role.administrator)(self.list_page))]


def extension(ctx: ConsoleContext) -> ConsoleExtension:
    """The interface's console extension."""
    register_labels(ACTION_WORDS)
    return ConsoleExtension(name="smev3-api", routes=ApiConsole(ctx).routes(),
                            nav=[NavEntry("Адаптер СМЭВ", "/smev3/api-systems",
                                          Role.administrator)],
                            template_dirs=[TEMPLATES])
