"""Who is asking: sessions of the console's pages, roles, and CSRF checks on every form.

A session (a signed cookie, see ``SessionMiddleware``) holds the user name, a fingerprint of
the password hash and a CSRF token. The account is re-read on every request, so disabling
it, changing its role or resetting its password takes effect at once.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from admin.context import console, current_user, error_page
from admin.csrf import FORM_FIELD, csrf_ok, csrf_token
from admin.users import Role, User, load_session_user

SESSION_USER = "user"
SESSION_STAMP = "stamp"
SESSION_STARTED = "started"
SESSION_LIFETIME = 12 * 3600
"""A session ends this many seconds after login, however active."""

Endpoint = Callable[[Request], Awaitable[Response]]
PageHandler = Callable[[Request, User, FormData], Response]
"""A page: runs in the thread pool (database calls block), gets the user and the form."""


def resolve_user(request: Request) -> User | None:
    """The session's account if it is still valid; ends the session otherwise."""
    if hasattr(request.state, "user"):
        return current_user(request)
    user: User | None = None
    name = request.session.get(SESSION_USER)
    if isinstance(name, str):
        loaded = load_session_user(console(request).db, name)
        started = request.session.get(SESSION_STARTED, 0)
        fresh = isinstance(started, int | float) and time.time() - started < SESSION_LIFETIME
        if (
            loaded is not None
            and not loaded[0].disabled
            and loaded[1] == request.session.get(SESSION_STAMP)
            and fresh
        ):
            user = loaded[0]
        else:
            request.session.clear()
    request.state.user = user
    return user


def start_session(request: Request, user: User, stamp: str) -> None:
    """Begin a session for ``user`` with a new CSRF token (no fixation of an old session)."""
    request.session.clear()
    request.session[SESSION_USER] = user.username
    request.session[SESSION_STAMP] = stamp
    request.session[SESSION_STARTED] = int(time.time())
    csrf_token(request)
    request.state.user = user


def end_session(request: Request) -> None:
    """Forget the session."""
    request.session.clear()
    request.state.user = None


def safe_next(target: str | None) -> str:
    """A local path to return to after login (never another site)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/journal"


def login_redirect(request: Request) -> Response:
    """Send an anonymous visitor to the login form, remembering where they were going."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET":  # a form posted after the session ended: start over
        target = "/journal"
    return RedirectResponse(f"/login?next={quote(target, safe='/')}", status_code=303)


def page(role: Role = Role.viewer) -> Callable[[PageHandler], Endpoint]:
    """Decorate a page: login required, ``role`` or higher, CSRF token checked on POST.

    The page is a plain function run in the thread pool, so that its database work does
    not block the event loop; it receives the request, the logged-in :class:`User` and the
    submitted form (empty for GET).
    """

    def wrap(handler: PageHandler) -> Endpoint:
        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            user = await run_in_threadpool(resolve_user, request)
            if user is None:
                return login_redirect(request)
            form = FormData()
            if request.method not in ("GET", "HEAD"):
                form = await request.form()
                if not csrf_ok(request, form.get(FORM_FIELD)):
                    return error_page(
                        request, 403,
                        "Форма устарела или отправлена с другого сайта (нет CSRF-токена). "
                        "Обновите страницу и повторите.",
                    )
            if not user.can(role):
                return error_page(
                    request, 403, f"Недостаточно прав: нужна роль «{role.name}» или выше."
                )
            return await run_in_threadpool(handler, request, user, form)

        return endpoint

    return wrap
