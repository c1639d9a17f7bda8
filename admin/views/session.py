"""Login and logout."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from admin.auth import audit_refusal, end_session, page, resolve_user, safe_next, start_session
from admin.context import console, flash, remote_addr, render
from admin.csrf import FORM_FIELD, csrf_ok
from admin.users import User, verify


async def home(request: Request) -> Response:
    """The dashboard is the console's first page."""
    return RedirectResponse("/dashboard", status_code=303)


def _form(request: Request, error: str = "", status: int = 200, username: str = "") -> Response:
    return render(
        request,
        "login.html",
        {"error": error, "username": username,
         "next": safe_next(request.query_params.get("next"))},
        status_code=status,
    )


async def login(request: Request) -> Response:
    """GET: the login form; POST: check the password, start a session, audit the login."""
    form = await request.form() if request.method == "POST" else FormData()
    return await run_in_threadpool(_login, request, form)


def _login(request: Request, form: FormData) -> Response:
    if request.method != "POST":
        if resolve_user(request) is not None:
            return RedirectResponse(safe_next(request.query_params.get("next")), 303)
        return _form(request)
    c = console(request)
    username = str(form.get("username", "")).strip()[:100]
    password = str(form.get("password", ""))
    addr = remote_addr(request)
    if not csrf_ok(request, form.get(FORM_FIELD)):
        audit_refusal(request, username, "csrf-failed", form="login")
        return _form(request, "Сеанс формы истёк. Повторите вход.", 403, username)
    wait = c.throttle.retry_after(username, addr)
    if wait > 0:
        c.ops.audit(username or "-", "login-locked", target=username, remote_addr=addr,
                    details={"retry_after": int(wait) + 1})
        return _form(
            request,
            f"Слишком много неудачных попыток. Повторите через {int(wait) + 1} с.",
            429,
            username,
        )
    user = verify(c.db, username, password) if username and password else None
    if user is None:
        c.throttle.failed(username, addr)
        c.ops.audit(username or "-", "login-failed", target=username, remote_addr=addr)
        return _form(request, "Неверное имя пользователя или пароль.", 401, username)
    c.throttle.succeeded(username, addr)
    start_session(request, user)
    c.ops.audit(user.username, "login", remote_addr=addr)
    return RedirectResponse(safe_next(str(form.get("next", ""))), status_code=303)


@page()
def logout(request: Request, user: User, form: FormData) -> Response:
    """End the session (POST with the CSRF token, so that a link cannot log anyone out)."""
    console(request).ops.audit(user.username, "logout", remote_addr=remote_addr(request))
    end_session(request)
    flash(request, "Вы вышли из консоли.")
    return RedirectResponse("/login", status_code=303)
