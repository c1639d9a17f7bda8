"""Administration: console accounts and the audit log."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from admin import auditlog, users
from admin.auth import page
from admin.context import console, error_page, flash, privacy, remote_addr, render
from admin.users import Role, User
from storage.db import Database


@page(Role.administrator)
def audit_page(request: Request, user: User, form: FormData) -> Response:
    """The audit log with filters, newest first."""
    c = console(request)
    fields = ("username", "action", "target", "from", "to")
    params = {k: request.query_params[k] for k in fields if request.query_params.get(k)}
    try:
        flt = auditlog.AuditFilter.from_params(params, c.tz)
        before = request.query_params.get("before")
        rows, next_before = auditlog.entries(
            c.db, flt, privacy(request), before_id=int(before) if before else None
        )
    except ValueError as exc:
        return error_page(request, 400, str(exc))
    next_url = f"/audit?{urlencode({**params, 'before': next_before})}" if next_before else ""
    return render(request, "audit.html", {"rows": rows, "params": params, "next_url": next_url})


@page(Role.administrator)
def users_page(request: Request, user: User, form: FormData) -> Response:
    """Accounts, with the forms to add and change them."""
    return render(request, "users.html", {"accounts": users.list_users(console(request).db),
                                          "roles": [r.name for r in Role]})


def _back(request: Request, text: str, level: str = "info") -> Response:
    flash(request, text, level)
    return RedirectResponse("/users", status_code=303)


@page(Role.administrator)
def add_user(request: Request, user: User, form: FormData) -> Response:
    """Create an account."""
    c = console(request)
    name = str(form.get("username", "")).strip()
    role = str(form.get("role", "viewer"))
    personal = form.get("personal_data") == "1"
    try:
        users.add_user(c.db, name, str(form.get("password", "")), role, personal)
    except ValueError as exc:
        return _back(request, str(exc), "error")
    c.ops.audit(user.username, "user-add", target=name, remote_addr=remote_addr(request),
                details={"role": role, "personal_data": personal})
    return _back(request, f"Пользователь {name} создан.")


@page(Role.administrator)
def change_user(request: Request, user: User, form: FormData) -> Response:
    """Change an account: role, personal-data permission, disabled flag or password."""
    c = console(request)
    name = request.path_params["username"]
    action = str(form.get("action", ""))
    target = users.get_user(c.db, name)
    if target is None:
        return error_page(request, 404, f"Нет пользователя {name}.")
    details: dict[str, object] = {}
    try:
        if action == "role":
            role = Role.parse(str(form.get("role", "")))
            _keep_an_administrator(c.db, target, demoted=role < Role.administrator)
            users.set_role(c.db, name, role.name)
            details = {"role": role.name, "previous": target.role.name}
        elif action == "personal_data":
            allowed = form.get("personal_data") == "1"
            users.set_personal_data(c.db, name, allowed)
            details = {"personal_data": allowed}
        elif action == "disabled":
            disabled = form.get("disabled") == "1"
            if disabled:
                _keep_an_administrator(c.db, target, demoted=True)
            users.set_disabled(c.db, name, disabled)
            details = {"disabled": disabled}
        elif action == "password":
            users.set_password(c.db, name, str(form.get("password", "")))
        else:
            return error_page(request, 400, f"Неизвестное действие {action!r}.")
    except (LookupError, ValueError) as exc:
        return _back(request, str(exc), "error")
    c.ops.audit(user.username, "user-" + action.replace("_", "-"), target=name,
                remote_addr=remote_addr(request), details=details)
    return _back(request, f"Пользователь {name} изменён.")


def _keep_an_administrator(db: Database, target: User, *, demoted: bool) -> None:
    """Refuse a change that would leave the console without an enabled administrator."""
    if (
        demoted
        and target.role == Role.administrator
        and not target.disabled
        and users.active_administrators(db) == [target.username]
    ):
        raise ValueError("Нельзя отключить или понизить последнего администратора.")
