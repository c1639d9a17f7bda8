"""Who is asking: sessions of the console's pages, roles, and CSRF checks on every form.

A session lives on the server (:mod:`admin.sessions`); the cookie (signed, see
``SessionMiddleware``) carries its random token, the CSRF token and flashed messages. The
session and the account are re-read on every request, so logout, disabling the account,
changing its role, its personal-data access or its password take effect at once, also for
a copy of the cookie. Refusals (role, CSRF) are audited.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from admin import sessions
from admin.context import console, current_user, error_page, remote_addr
from admin.csrf import FORM_FIELD, csrf_ok, csrf_token
from admin.users import Role, User, get_user

SESSION_TOKEN = "sid"
"""The cookie's key holding the server-side session's token."""

Endpoint = Callable[[Request], Awaitable[Response]]
PageHandler = Callable[[Request, User, FormData], Response]
"""A page: runs in the thread pool (database calls block), gets the user and the form."""


def resolve_user(request: Request) -> User | None:
    """The session's account if session and account are still valid; forgets it otherwise."""
    if hasattr(request.state, "user"):
        return current_user(request)
    user: User | None = None
    token = request.session.get(SESSION_TOKEN)
    if isinstance(token, str) and token:
        db = console(request).db
        name = sessions.session_user(db, token)
        found = get_user(db, name) if name is not None else None
        if found is not None and not found.disabled:
            user = found
        else:
            if name is not None:  # the account is gone or disabled: the session too
                sessions.end_session(db, token, "disabled")
            request.session.clear()
    request.state.user = user
    return user


def start_session(request: Request, user: User) -> None:
    """Begin a server-side session for ``user`` with a new CSRF token (no fixation)."""
    db = console(request).db
    old = request.session.get(SESSION_TOKEN)
    if isinstance(old, str) and old:
        sessions.end_session(db, old, "replaced")
    request.session.clear()
    request.session[SESSION_TOKEN] = sessions.open_session(db, user.username,
                                                           remote_addr(request))
    csrf_token(request)
    request.state.user = user


def end_session(request: Request, reason: str = "logout") -> None:
    """End the session on the server and forget the cookie's contents."""
    token = request.session.get(SESSION_TOKEN)
    if isinstance(token, str) and token:
        sessions.end_session(console(request).db, token, reason)
    request.session.clear()
    request.state.user = None


def audit_refusal(request: Request, username: str, action: str, **details: object) -> None:
    """Audit a refused request (``access-denied``, ``csrf-failed``…): who, what, where from."""
    console(request).ops.audit(username or "-", action, target=request.url.path[:300],
                               remote_addr=remote_addr(request),
                               details={"method": request.method, **details})


HOME = "/dashboard"
"""Where the console starts: the overview (HUB-9)."""


def safe_next(target: str | None) -> str:
    """A local path to return to after login (never another site)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return HOME


def login_redirect(request: Request) -> Response:
    """Send an anonymous visitor to the login form, remembering where they were going."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET":  # a form posted after the session ended: start over
        target = HOME
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
                    await run_in_threadpool(audit_refusal, request, user.username,
                                            "csrf-failed")
                    return error_page(
                        request, 403,
                        "Форма устарела или отправлена с другого сайта (нет CSRF-токена). "
                        "Обновите страницу и повторите.",
                    )
            if not user.can(role):
                await run_in_threadpool(audit_refusal, request, user.username,
                                        "access-denied", required=role.name)
                return error_page(
                    request, 403, f"Недостаточно прав: нужна роль «{role.name}» или выше."
                )
            return await run_in_threadpool(handler, request, user, form)

        return endpoint

    return wrap
