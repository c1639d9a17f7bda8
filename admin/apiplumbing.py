"""The API's plumbing: JSON replies and errors, Basic or session authentication, roles.

See :mod:`admin.api` for what clients must send.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from admin.auth import audit_refusal, resolve_user
from admin.context import console, remote_addr
from admin.csrf import HEADER, csrf_ok
from admin.openapi import Doc, describe
from admin.users import Role, User, role_label, verify

Handler = Callable[[Request, User, dict[str, Any]], Response]
MAX_ID = 2**63 - 1
"""The largest id a BIGINT column holds (SQLite's INTEGER too)."""


class ApiError(Exception):
    """An error answered as JSON with its status code."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def reply(data: Any, status: int = 200) -> Response:
    """A JSON response (datetimes as ISO 8601)."""
    body = json.dumps(data, ensure_ascii=False, default=_default)
    return Response(body, status_code=status, media_type="application/json")


def error(status: int, message: str) -> Response:
    """A JSON error: ``{"error": message, "status": status}`` (the message in Russian)."""
    return reply({"error": message, "status": status}, status)


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "basic" or not token:
        return None
    try:
        decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise ApiError(401, "неверный формат заголовка Basic") from None
    username, sep, password = decoded.partition(":")
    if not sep:
        raise ApiError(401, "неверный формат заголовка Basic: нужно имя:пароль")
    return username, password


def _authenticate(request: Request) -> tuple[User, bool]:
    """The account and whether it came from the session (then CSRF applies)."""
    creds = _basic_credentials(request)
    if creds is None:
        user = resolve_user(request)
        if user is None:
            raise ApiError(401, "нужна аутентификация: войдите в консоль или передайте HTTP Basic")
        return user, True
    c = console(request)
    username, password = creds
    addr = remote_addr(request)
    wait = c.throttle.retry_after(username, addr)
    if wait > 0:
        c.ops.audit(username[:100] or "-", "login-locked", target=username[:300],
                    details={"via": "api", "retry_after": int(wait) + 1}, remote_addr=addr)
        raise ApiError(429, f"слишком много неудачных входов; повторите через {int(wait) + 1} с")
    found = verify(c.db, username, password)
    if found is None:
        c.throttle.failed(username, addr)
        c.ops.audit(username[:100] or "-", "login-failed", target=username[:300],
                    details={"via": "api"}, remote_addr=addr)
        raise ApiError(401, "неверное имя пользователя или пароль")
    c.throttle.succeeded(username, addr)
    request.state.user = found
    return found, False


Endpoint = Callable[[Request], Awaitable[Response]]


def endpoint(role: Role = Role.viewer, doc: Doc | None = None) -> Callable[[Handler], Endpoint]:
    """Decorate an API handler: authentication, role, CSRF for session POSTs, JSON body.

    The handler runs in the thread pool and gets the request, the user and the body.
    ``doc`` describes it in ``/api/openapi.json`` (:mod:`admin.openapi`); a test fails on a
    route under ``/api`` without one.
    """

    def wrap(handler: Handler) -> Endpoint:
        @functools.wraps(handler)
        async def run(request: Request) -> Response:
            body: dict[str, Any] = {}
            user: User | None = None  # set once authenticated and allowed
            try:
                raw = await request.body() if request.method == "POST" else b""
                found, from_session = await run_in_threadpool(_authenticate, request)
                await run_in_threadpool(_check, request, found, from_session, role)
                user = found
                _ids_in_range(request)
                if raw.strip():
                    body = _json_object(raw)
                return await run_in_threadpool(handler, request, user, body)
            except ApiError as exc:
                if user is not None and (request.method == "POST" or exc.status == 403):
                    await run_in_threadpool(_audit_failure, request, user, handler, exc)
                return error(exc.status, exc.message)

        if doc is not None:
            describe(run, doc, role)
        return run

    return wrap


def _check(request: Request, user: User, from_session: bool, role: Role) -> None:
    """CSRF (for a session's POST) and role; a refusal is audited and raised."""
    if from_session and request.method == "POST" and not csrf_ok(
            request, request.headers.get(HEADER)):
        audit_refusal(request, user.username, "csrf-failed", via="api")
        raise ApiError(403, f"нет заголовка {HEADER} или он неверен")
    if not user.can(role):
        audit_refusal(request, user.username, "access-denied", via="api", required=role.name)
        raise ApiError(403, f"нужна роль «{role_label(role)}» ({role.name}) или выше")


def _ids_in_range(request: Request) -> None:
    """A numeric id in the path (``{id:int}`` takes any digits) beyond what a database
    column holds names nothing: 404, not the database's overflow as a 500."""
    if any(isinstance(v, int) and v > MAX_ID for v in request.path_params.values()):
        raise ApiError(404, "Нет такого объекта: номер вне допустимого диапазона.")


def _audit_failure(request: Request, user: User, handler: Handler, exc: ApiError) -> None:
    """A refusal inside a handler (``access-denied``) or a failed state-changing call
    (``<handler>-failed``, e.g. ``edit-schedule-failed``), with the error."""
    action = ("access-denied" if exc.status == 403
              else handler.__name__.strip("_").replace("_", "-") + "-failed")
    console(request).ops.audit(
        user.username, action, target=request.url.path[:300], remote_addr=remote_addr(request),
        details={"via": "api", "method": request.method, "status": exc.status,
                 "error": exc.message[:500]})


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(raw)
    except UnicodeDecodeError:
        raise ApiError(400, "тело запроса — не текст UTF-8") from None
    except json.JSONDecodeError as exc:
        raise ApiError(400, f"тело запроса — не JSON: {exc.msg} (строка {exc.lineno}, "
                            f"позиция {exc.colno})") from None
    if not isinstance(parsed, dict):
        raise ApiError(400, "тело запроса должно быть JSON-объектом ({…})")
    return parsed
