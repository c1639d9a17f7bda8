"""What every console endpoint needs: the hub's services, templates, and page rendering."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from admin.csrf import csrf_token
from admin.privacy import Privacy
from admin.throttle import LoginThrottle
from admin.times import show
from admin.users import Role, User
from contracts.registry import TypeRegistry
from hub.bus import QueueStats
from storage.db import Database

if TYPE_CHECKING:
    from hub.operations import Operations

TEMPLATES = Path(__file__).parent / "templates"

HealthProbe = Callable[[], dict[str, Any]]
T = TypeVar("T")
QueueDepths = Callable[[], dict[str, int | None]]
"""Ready messages per queue (None: no such queue): the older, narrower probe."""
QueueProbe = Callable[[], dict[str, QueueStats | None]]
"""What the broker says about each queue (None: no such queue)."""

BADGE_SECONDS = 5.0
"""The menu's count of open dead letters is read at most this often per process."""


class Readings:
    """Readings kept a few seconds per console, by key: a room of open dashboards costs one
    reading of the tables, not one each."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: dict[str, tuple[float, Any]] = {}

    def get(self, key: str, seconds: float, make: Callable[[], T]) -> T:
        """The value kept under ``key`` if younger than ``seconds``, else ``make()`` kept."""
        with self._lock:
            found = self._kept.get(key)
            if found is not None and time.monotonic() - found[0] < seconds:
                kept: T = found[1]
                return kept
        value = make()
        with self._lock:
            self._kept[key] = (time.monotonic(), value)
        return value


class Badge:
    """A count for the menu on every page, read at most every ``BADGE_SECONDS``; a failed
    read shows nothing rather than failing the page."""

    def __init__(self, read: Callable[[], int], seconds: float = BADGE_SECONDS) -> None:
        self._read = read
        self._seconds = seconds
        self._lock = threading.Lock()
        self._at = -seconds
        self._value: int | None = None

    def value(self) -> int | None:
        """The count (cached), or None when it could not be read."""
        with self._lock:
            if time.monotonic() - self._at >= self._seconds:
                try:
                    self._value = self._read()
                except Exception:  # noqa: BLE001 - the menu must not break a page
                    self._value = None
                self._at = time.monotonic()
            return self._value


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
    queue_stats: QueueProbe | None = None
    """Ready, consumers and unacknowledged per queue; preferred over ``queue_depths``."""
    failed: Badge | None = None
    """The open dead letters' count in the menu."""
    readings: Readings = field(default_factory=Readings)
    """Readings of the tables pages share for a few seconds (the dashboard's)."""


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
    c = console(request)
    ctx.setdefault("tzname", str(c.tz))
    if user is not None and c.failed is not None:
        ctx.setdefault("failed_count", c.failed.value())
    default = ctx.get("refresh_default", REFRESHING.get(request.url.path))
    seconds = refresh_seconds(request, default)
    if seconds is not None:
        ctx.setdefault("refresh", seconds)
        ctx.setdefault("refresh_stop", _with_refresh(request, "0"))
        ctx.setdefault("refresh_start", _with_refresh(request, None))
    return console(request).templates.TemplateResponse(
        request, name, ctx, status_code=status_code
    )


REFRESHING: dict[str, int] = {
    "/dashboard": 30,
    "/components": 30,
    "/journal": 60,
    "/dead-letters": 60,
}
"""Pages that reload themselves every so many seconds (``static/refresh.js``, which holds
off while a form holds unsent input; without scripts ``<meta http-equiv="refresh">``); a page
may set ``refresh_default`` in its context instead."""


def _with_refresh(request: Request, value: str | None) -> str:
    """This page's address with ``refresh`` set to ``value`` (or taken out)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "refresh"]
    if value is not None:
        params.append(("refresh", value))
    query = urlencode(params)
    return request.url.path + (f"?{query}" if query else "")


def refresh_seconds(request: Request, default: int | None) -> int | None:
    """How often a refreshing list reloads itself: ``default`` seconds unless the address
    says ``?refresh=0`` (stopped) or another number of seconds (at least 5); None for a
    page that does not refresh."""
    if default is None:
        return None
    asked = request.query_params.get("refresh")
    if asked is None or not asked.strip().isdigit():
        return default
    seconds = int(asked)
    return 0 if seconds == 0 else min(max(seconds, 5), 3600)


def error_page(request: Request, status_code: int, message: str) -> Response:
    """An error page with a clear message."""
    return render(request, "error.html", {"status": status_code, "message": message},
                  status_code=status_code)
