"""The СМЭВ 3 JSON API under ``/api/smev3`` (SMEV-6): send a request, poll now, find messages.

Authentication, roles, CSRF and error bodies are the console API's (see :mod:`admin.api`):
HTTP Basic for machines, the console session plus ``X-CSRF-Token`` for browsers. Any account
reads; ``operator`` sends requests and polls. Personal data is masked unless the account
has the ``personal_data`` permission.

=====================================  =========================================================
``GET /types``                         installed types: role, protocol, schemas, counts; the
                                       polling schedule; types that failed to load
``GET /outgoing``                      what we send, newest first: ``type``, ``status``,
                                       ``kind``, ``from``, ``to``; ``before`` = next page
``GET /outgoing/{id}``                 one, with its content XML and canonical payload
``GET /received``                      what we took in: ``type``, ``outcome``, ``kind``,
                                       ``from``, ``to``; ``cursor`` = next page
``GET /received/{message_id}``         one, with the canonical payload and the bytes received
``POST /requests/{type}``              ``{"payload": {…}, "reason": "…"}``: checked against
                                       the canonical model and the XSD, then taken in as the
                                       canonical request; 202 ``{"message_id": …}``, or 422
                                       ``{"errors": [{"stage", "location", "message"}], "xml"}``
``POST /poll``                         poll now (a run of ``adapter.smev3:poll``); 202
=====================================  =========================================================
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from adapters.smev3 import monitor
from adapters.smev3.compose import Refused
from adapters.smev3.console.openapi import (
    ITEM,
    LIMIT,
    OUTGOING_PAGE,
    PERIOD,
    POLLED,
    RECEIVED_PAGE,
    REFUSED,
    SEND_BODY,
    SENT,
    TAG,
    TYPES,
)
from admin.apiplumbing import ApiError, endpoint, reply
from admin.context import console, privacy, remote_addr
from admin.openapi import Doc, Param, Reply
from admin.users import Role, User

if TYPE_CHECKING:
    from adapters.smev3.console.pages import Smev3Console


def _filter(request: Request, state: str) -> monitor.Filter:
    try:
        return monitor.Filter.from_params(request.query_params, console(request).tz, state)
    except ValueError as exc:
        raise ApiError(400, str(exc)) from None


def _limit(request: Request) -> int:
    try:
        return int(request.query_params.get("limit", monitor.DEFAULT_LIMIT))
    except ValueError:
        raise ApiError(400, "'limit' must be a number") from None


def _shown(item: dict[str, Any]) -> dict[str, Any]:
    content = item.get("content")
    return {**item, "content": asdict(content) if content is not None else None}


def refused(exc: Refused) -> Response:
    """422 with every problem found, and the XML the request maps to (when it got there)."""
    return reply({"error": f"the request fails its {exc.stage} check: {exc}", "status": 422,
                  "stage": exc.stage, "errors": [p.as_json() for p in exc.problems],
                  "xml": exc.xml or None}, 422)


def api_routes(screens: Smev3Console) -> list[BaseRoute]:
    """The API's routes, bound to the console's view of the adapter."""

    @endpoint(doc=Doc("Виды сведений", TAG,
                      "Установленные виды сведений: роль, протокол, схемы, счётчики; "
                      "расписание опроса; виды, которые не загрузились.",
                      replies={200: Reply("Обзор.", TYPES)}))
    def types(request: Request, user: User, body: dict[str, Any]) -> Response:
        """GET /api/smev3/types."""
        return reply(monitor.overview(screens.ctx.db, screens.types, screens.schemas,
                                      screens.polled()))

    @endpoint(doc=Doc(
        "Исходящие сообщения", TAG, "Что мы отправляем, новые первыми; дальше — before.",
        query=(Param("type", "Вид сведений."), Param("status", "Состояние отправки."),
               Param("kind", "Запрос или ответ."), *PERIOD,
               Param("before", "id: сообщения до него (следующая страница)."), LIMIT),
        replies={200: Reply("Страница.", OUTGOING_PAGE)}))
    def outgoing_list(request: Request, user: User, body: dict[str, Any]) -> Response:
        """GET /api/smev3/outgoing."""
        before = request.query_params.get("before")
        if before is not None and not before.isdigit():
            raise ApiError(400, "'before' must be an outgoing id")
        items, more = monitor.outgoing_list(
            screens.ctx.db, _filter(request, "status"), privacy(request),
            before=int(before) if before else None, limit=_limit(request))
        return reply({"items": items, "next_before": more})

    @endpoint(doc=Doc("Исходящее сообщение", TAG, "С XML содержимого и каноническими данными.",
                      path={"id": "Номер исходящего сообщения."},
                      replies={200: Reply("Сообщение.", ITEM),
                               404: "Нет такого исходящего сообщения."}))
    def outgoing_item(request: Request, user: User, body: dict[str, Any]) -> Response:
        """GET /api/smev3/outgoing/{id}."""
        found = monitor.outgoing_detail(screens.ctx.db, screens.types,
                                        request.path_params["id"], privacy(request))
        if found is None:
            raise ApiError(404, "no such outgoing СМЭВ message")
        return reply(_shown(found))

    @endpoint(doc=Doc(
        "Принятые сообщения", TAG, "Что мы приняли, новые первыми; дальше — cursor.",
        query=(Param("type", "Вид сведений."), Param("outcome", "Итог приёма."),
               Param("kind", "Запрос или ответ."), *PERIOD,
               Param("cursor", "Курсор следующей страницы."), LIMIT),
        replies={200: Reply("Страница.", RECEIVED_PAGE)}))
    def received_list(request: Request, user: User, body: dict[str, Any]) -> Response:
        """GET /api/smev3/received."""
        try:
            items, more = monitor.received_list(
                screens.ctx.db, _filter(request, "outcome"), privacy(request),
                cursor=request.query_params.get("cursor") or None, limit=_limit(request))
        except ValueError as exc:
            raise ApiError(400, str(exc)) from None
        return reply({"items": items, "next_cursor": more})

    @endpoint(doc=Doc("Принятое сообщение", TAG, "С каноническими данными и принятыми байтами.",
                      path={"message_id": "Идентификатор сообщения СМЭВ."},
                      replies={200: Reply("Сообщение.", ITEM),
                               404: "Нет такого принятого сообщения."}))
    def received_item(request: Request, user: User, body: dict[str, Any]) -> Response:
        """GET /api/smev3/received/{message_id}."""
        found = monitor.received_detail(screens.ctx.db, screens.types,
                                        request.path_params["message_id"], privacy(request))
        if found is None:
            raise ApiError(404, "no such received СМЭВ message")
        return reply(_shown(found))

    @endpoint(Role.operator, doc=Doc(
        "Отправить запрос", TAG,
        "Канонический запрос проверяется моделью и XSD и принимается в хаб как сообщение "
        "консоли; ответ СМЭВ придёт в журнал.",
        path={"type_key": "Ключ вида сведений (потребитель)."}, body=SEND_BODY,
        replies={202: Reply("Запрос принят.", SENT), 404: "Нет такого вида сведений.",
                 422: Reply("Запрос не прошёл проверку.", REFUSED)}))
    def send_request(request: Request, user: User, body: dict[str, Any]) -> Response:
        """POST /api/smev3/requests/{type_key}."""
        try:
            info = screens.consumer(request.path_params["type_key"])
        except LookupError as exc:
            raise ApiError(404, str(exc)) from None
        except ValueError as exc:
            raise ApiError(400, str(exc)) from None
        payload, reason = body.get("payload"), body.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise ApiError(400, "a non-empty 'reason' is required (it goes to the audit log)")
        if not isinstance(payload, dict):
            raise ApiError(400, "'payload' must be a JSON object: the canonical request")
        try:
            env = screens.send(info, payload, user=user.username, reason=reason,
                               remote_addr=remote_addr(request))
        except Refused as exc:
            return refused(exc)
        return reply({"message_id": env.id, "type": env.routing_key, "information_type":
                      info.key, "journal": f"/journal/{env.id}"}, 202)

    @endpoint(Role.operator, doc=Doc("Опросить СМЭВ сейчас", TAG,
                                     "Запуск задания adapter.smev3:poll один раз, сейчас.",
                                     replies={202: Reply("Запуск запрошен.", POLLED),
                                              404: "Расписание опроса не найдено."}))
    def poll(request: Request, user: User, body: dict[str, Any]) -> Response:
        """POST /api/smev3/poll."""
        try:
            screens.poll_now(user=user.username, remote_addr=remote_addr(request))
        except LookupError as exc:
            raise ApiError(404, str(exc)) from None
        return reply({"name": monitor.POLL_SCHEDULE, "run_requested": True}, 202)

    return [
        Route("/types", types),
        Route("/outgoing", outgoing_list),
        Route("/outgoing/{id:int}", outgoing_item),
        Route("/received", received_list),
        Route("/received/{message_id}", received_item),
        Route("/requests/{type_key}", send_request, methods=["POST"]),
        Route("/poll", poll, methods=["POST"]),
    ]
