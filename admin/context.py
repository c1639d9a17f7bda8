"""What every console endpoint needs: the hub's services, templates, and page rendering."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from admin.csrf import csrf_token
from admin.privacy import Privacy
from admin.throttle import LoginThrottle
from admin.times import show
from admin.users import Role, User
from contracts.registry import TypeRegistry
from storage.db import Database

if TYPE_CHECKING:
    from hub.operations import Operations

TEMPLATES = Path(__file__).parent / "templates"

HealthProbe = Callable[[], dict[str, Any]]
QueueDepths = Callable[[], dict[str, int | None]]


@dataclass
class Console:
    """The console's dependencies, kept in ``app.state.console``."""

    db: Database
    ops: Operations
    types: TypeRegistry
    templates: Jinja2Templates
    tz: tzinfo
    throttle: LoginThrottle
    health: HealthProbe | None = None
    queue_depths: QueueDepths | None = None
    four_eyes: bool = True
    """Granting the administrator role or personal-data access needs a second administrator."""


def console(request: Request) -> Console:
    """The console serving ``request``."""
    found: Console = request.app.state.console
    return found


def current_user(request: Request) -> User | None:
    """The logged-in account, as resolved by the auth layer for this request."""
    user: User | None = getattr(request.state, "user", None)
    return user


def privacy(request: Request) -> Privacy:
    """What the current user may see unmasked."""
    user = current_user(request)
    return Privacy(unmasked=bool(user and user.personal_data and not user.disabled))


def remote_addr(request: Request) -> str:
    """The client's address, for the audit log and throttling.

    ``X-Forwarded-For`` counts only from the operator's ``trusted_proxies``: the app's
    :class:`hub.proxies.ForwardedFor` has already put the client's address in the scope.
    """
    return request.client.host if request.client else ""


def flash(request: Request, text: str, level: str = "info") -> None:
    """A message shown once on the next page (after a redirect)."""
    messages = list(request.session.get("flash", []))
    messages.append([level, text])
    request.session["flash"] = messages[-5:]


def make_templates(tz: tzinfo) -> Jinja2Templates:
    """The Jinja2 environment with the console's filters."""
    templates = Jinja2Templates(directory=str(TEMPLATES))
    env = templates.env
    env.autoescape = True  # every template, whatever its extension

    def when(value: datetime | None, seconds: bool = True) -> str:
        return show(value, tz, seconds=seconds)

    def to_json(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, indent=2, default=str, sort_keys=False)

    env.filters["when"] = when
    env.filters["to_json"] = to_json
    env.globals["Role"] = Role
    return templates


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> Response:
    """Render a page with the common context (user, CSRF token, flashed messages)."""
    ctx = dict(context or {})
    user = current_user(request)
    ctx.setdefault("user", user)
    ctx.setdefault("csrf_token", csrf_token(request))
    ctx.setdefault("flashes", request.session.pop("flash", []))
    ctx.setdefault("tzname", str(console(request).tz))
    return console(request).templates.TemplateResponse(
        request, name, ctx, status_code=status_code
    )


def error_page(request: Request, status_code: int, message: str) -> Response:
    """An error page with a clear message."""
    return render(request, "error.html", {"status": status_code, "message": message},
                  status_code=status_code)
