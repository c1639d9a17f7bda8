"""Administration: console accounts, grants awaiting four eyes, and the audit log."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from admin import auditlog, exports, grants, listing, users
from admin.auth import page
from admin.context import Console, console, error_page, flash, privacy, remote_addr, render
from admin.grants import Grant
from admin.users import Role, User
from admin.xlsx import XLSX_MEDIA_TYPE
from contracts.envelope import utcnow
from storage.db import Database

AUDIT_FIELDS = {"username": "Пользователь", "action": "Действие", "target": "Объект",
                "from": "С", "to": "По"}
AUDIT_PAGE_SIZE = 100


def _audit_params(request: Request) -> dict[str, str]:
    return {k: request.query_params[k] for k in AUDIT_FIELDS if request.query_params.get(k)}


@page(Role.administrator)
def audit_page(request: Request, user: User, form: FormData) -> Response:
    """The audit log with filters, the count, newest first, pages and export."""
    c = console(request)
    params = _audit_params(request)
    try:
        size = listing.page_size(request.query_params.get("limit"), AUDIT_PAGE_SIZE)
        flt = auditlog.AuditFilter.from_params(params, c.tz)
        before = listing.whole_number(request.query_params.get("before"), "страница (before)")
        rows, next_before = auditlog.entries(c.db, flt, privacy(request), before_id=before,
                                             limit=size)
        total = auditlog.total(c.db, flt)
    except ValueError as exc:
        return error_page(request, 400, str(exc))
    kept = {**params, "limit": str(size)} if size != AUDIT_PAGE_SIZE else params
    next_url = f"/audit?{urlencode({**kept, 'before': next_before})}" if next_before else ""
    first_url = f"/audit?{urlencode(kept)}" if before is not None else ""
    return render(request, "audit.html", {
        "rows": rows, "params": params, "next_url": next_url, "first_url": first_url,
        "total": total, "size": size, "sizes": listing.size_links("/audit", params),
        "limit": size if size != AUDIT_PAGE_SIZE else None,
        "export_url": "/audit/export?" + urlencode(params),
        "known_actions": [(a, auditlog.action_label(a)) for a in auditlog.KNOWN_ACTIONS],
        "presets": auditlog.PRESETS})


@page(Role.administrator)
def audit_export(request: Request, user: User, form: FormData) -> Response:
    """The audit log under the current filter as an Excel file; audited itself."""
    c = console(request)
    params = _audit_params(request)
    try:
        flt = auditlog.AuditFilter.from_params(params, c.tz)
        criteria = [(AUDIT_FIELDS[k], v) for k, v in params.items()] or [("Фильтр", "нет")]
        done = exports.audit_workbook(c.db, flt, privacy(request), criteria, user.username,
                                      c.tz, utcnow())
    except ValueError as exc:
        return error_page(request, 400, str(exc))
    c.ops.audit(user.username, "audit-export", target="audit", remote_addr=remote_addr(request),
                details={"filter": params, "rows": done.rows, "cut": done.cut})
    return Response(done.data, media_type=XLSX_MEDIA_TYPE,
                    headers={"Content-Disposition": exports.download("audit", c.tz)})


USERS_PAGE_SIZE = 50


@page(Role.administrator)
def users_page(request: Request, user: User, form: FormData) -> Response:
    """Accounts (counted, a page at a time), grants awaiting a second administrator, and
    the forms to change them."""
    c = console(request)
    try:
        size = listing.page_size(request.query_params.get("limit"), USERS_PAGE_SIZE)
        offset = max(0, listing.number(request.query_params.get("offset"), "сдвиг", 0))
    except ValueError as exc:
        return error_page(request, 400, str(exc))
    accounts = users.list_users(c.db)
    shown = accounts[offset:offset + size]
    kept = {"limit": str(size)} if size != USERS_PAGE_SIZE else {}
    more = offset + size < len(accounts)
    return render(request, "users.html", {
        "accounts": shown, "total": listing.Total(len(accounts)), "size": size,
        "sizes": listing.size_links("/users", {}),
        "next_url": f"/users?{urlencode({**kept, 'offset': offset + size})}" if more else "",
        "first_url": f"/users?{urlencode(kept)}" if offset else "",
        "roles": [(r.name, r.label) for r in Role],
        "grants": grants.pending(c.db),
        "four_eyes": c.four_eyes})


def _back(request: Request, text: str, level: str = "info") -> Response:
    flash(request, text, level)
    return RedirectResponse("/users", status_code=303)


def _failed(request: Request, user: User, action: str, target: str, exc: Exception) -> Response:
    """Audit a failed administrative action (``<action>-failed``) and say why."""
    console(request).ops.audit(user.username, f"{action}-failed", target=target,
                               remote_addr=remote_addr(request), details={"error": str(exc)})
    return _back(request, str(exc), "error")


@dataclass(frozen=True)
class _Done:
    """What a change did: its audit action and details, and the message for the page."""

    action: str
    details: dict[str, object]
    message: str


def _ask(c: Console, user: User, target: str, grant: Grant) -> _Done:
    """Request ``grant`` for ``target``: a second administrator will approve it."""
    grants.request(c.db, target, grant, user.username)
    message = (f"Запрошено: {grant.label} для {target}. Права будут выданы, когда запрос "
               "подтвердит другой администратор.")
    if not set(users.active_administrators(c.db)) - {user.username, target}:
        message += (" Другого администратора сейчас нет: создайте его в командной строке "
                    "сервера (omshub user add ИМЯ --role administrator) или, если консолью "
                    "управляет один человек, выключите настройку four_eyes_grants.")
    return _Done("grant-requested", {"grant": grant.value}, message)


@page(Role.administrator)
def add_user(request: Request, user: User, form: FormData) -> Response:
    """Create an account; the administrator role and personal-data access are only requested
    (four eyes), the account starts as an operator without personal data meanwhile."""
    c = console(request)
    name = str(form.get("username", "")).strip()
    personal = form.get("personal_data") == "1"
    try:
        wanted = Role.parse(str(form.get("role", "viewer")))
        role = min(wanted, Role.operator) if c.four_eyes else wanted
        users.add_user(c.db, name, str(form.get("password", "")), role.name,
                       personal and not c.four_eyes)
    except ValueError as exc:
        return _failed(request, user, "user-add", name, exc)
    c.ops.audit(user.username, "user-add", target=name, remote_addr=remote_addr(request),
                details={"role": role.name, "personal_data": personal and not c.four_eyes})
    asked = [g for g, wanted_it in ((Grant.administrator, role < wanted),
                                    (Grant.personal_data, personal and c.four_eyes))
             if wanted_it]
    messages = [f"Пользователь {name} создан (роль «{role.label}»)."]
    for grant in asked:
        done = _ask(c, user, name, grant)
        c.ops.audit(user.username, done.action, target=name, remote_addr=remote_addr(request),
                    details=done.details)
        messages.append(done.message)
    return _back(request, " ".join(messages))


def _role(c: Console, user: User, target: User, form: FormData) -> _Done:
    role = Role.parse(str(form.get("role", "")))
    _keep_an_administrator(c.db, target, demoted=role < Role.administrator)
    if c.four_eyes and role == Role.administrator and target.role < role:
        return _ask(c, user, target.username, Grant.administrator)
    users.set_role(c.db, target.username, role.name)
    return _Done("user-role", {"role": role.name, "previous": target.role.name},
                 f"Пользователь {target.username} изменён.")


def _personal_data(c: Console, user: User, target: User, form: FormData) -> _Done:
    allowed = form.get("personal_data") == "1"
    if c.four_eyes and allowed and not target.personal_data:
        return _ask(c, user, target.username, Grant.personal_data)
    users.set_personal_data(c.db, target.username, allowed)
    return _Done("user-personal-data", {"personal_data": allowed},
                 f"Пользователь {target.username} изменён.")


def _disabled(c: Console, user: User, target: User, form: FormData) -> _Done:
    disabled = form.get("disabled") == "1"
    if disabled:
        _keep_an_administrator(c.db, target, demoted=True)
    users.set_disabled(c.db, target.username, disabled)
    return _Done("user-disabled", {"disabled": disabled},
                 f"Пользователь {target.username} изменён.")


def _password(c: Console, user: User, target: User, form: FormData) -> _Done:
    users.set_password(c.db, target.username, str(form.get("password", "")))
    return _Done("user-password", {}, f"Пользователь {target.username} изменён.")


_CHANGES: dict[str, Callable[[Console, User, User, FormData], _Done]] = {
    "role": _role, "personal_data": _personal_data, "disabled": _disabled,
    "password": _password,
}


@page(Role.administrator)
def change_user(request: Request, user: User, form: FormData) -> Response:
    """Change an account: role, personal-data permission, disabled flag or password.

    A change ends the account's sessions at once. Under four eyes, granting the
    administrator role or personal-data access is only requested (see :mod:`admin.grants`).
    """
    c = console(request)
    name = request.path_params["username"]
    action = str(form.get("action", ""))
    audited = "user-" + action.replace("_", "-")[:40]
    target = users.get_user(c.db, name)
    change = _CHANGES.get(action)
    if target is None or change is None:
        problem = f"Нет пользователя {name}." if target is None else \
            f"Неизвестное действие {action!r}."
        _failed(request, user, audited, name, LookupError(problem))
        return error_page(request, 404 if target is None else 400, problem)
    try:
        done = change(c, user, target, form)
    except (LookupError, ValueError) as exc:
        return _failed(request, user, audited, name, exc)
    c.ops.audit(user.username, done.action, target=name, remote_addr=remote_addr(request),
                details=done.details)
    return _back(request, done.message)


@page(Role.administrator)
def decide_grant(request: Request, user: User, form: FormData) -> Response:
    """Approve (the grant takes effect) or reject a grant requested by another administrator."""
    c = console(request)
    request_id = int(request.path_params["id"])
    if request.path_params["decision"] not in ("approve", "reject"):
        return error_page(request, 404, "Нет такой страницы.")
    approve = request.path_params["decision"] == "approve"
    verb = "approve" if approve else "reject"
    try:
        done = grants.decide(c.db, request_id, user.username, approve)
    except (LookupError, ValueError) as exc:
        return _failed(request, user, f"grant-{verb}", str(request_id), exc)
    c.ops.audit(user.username, "grant-approved" if approve else "grant-rejected",
                target=done.username, remote_addr=remote_addr(request),
                details={"grant": done.grant.value, "request_id": done.id,
                         "requested_by": done.requested_by})
    if approve:
        return _back(request, f"Подтверждено: {done.grant.label} для {done.username}.")
    return _back(request, f"Отклонено: {done.grant.label} для {done.username}.")


def _keep_an_administrator(db: Database, target: User, *, demoted: bool) -> None:
    """Refuse a change that would leave the console without an enabled administrator."""
    if (
        demoted
        and target.role == Role.administrator
        and not target.disabled
        and users.active_administrators(db) == [target.username]
    ):
        raise ValueError("Нельзя отключить или понизить последнего администратора.")
