"""The ФЕРЗЛ JSON API under ``/api/ferzl``: the request journal, searches, operations.

Authentication, roles, CSRF and error bodies are the console API's (:mod:`admin.api`):
HTTP Basic for machines, the console session plus ``X-CSRF-Token`` for browsers. Any
account reads; ``operator`` sends a search. Personal data are masked unless the account has
the ``personal_data`` permission, and an unmasked view is audited as on the pages.

==============================  ===============================================================
``GET /exchanges``              the journal, newest first: ``operation``, ``state``, ``from``,
                                ``to``, ``page``, ``size``; ``total``
``GET /exchanges/{id}``         one call with its request and answer (XML) and deviations
``POST /searches``              ``{"kind": "enp", "enp": "…", "purpose": "…"}``: sent as a
                                ``ferzl.call``; 202 ``{"call_id": …}``, 400 with the reason
``GET /searches/{call_id}``     that search; ``answer`` is null until ФЕРЗЛ answers
``GET /operations``             asynchronous operations in flight and recent, with progress
==============================  ===============================================================
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from adapters.ferzl.console import calls, journal, operations
from adapters.ferzl.console.openapi import (
    EXCHANGE_DETAIL,
    EXCHANGES,
    FILTER,
    OPERATIONS,
    SEARCH,
    SEARCH_BODY,
    SENT,
    TAG,
)
from adapters.ferzl.console.search import Search, SearchError
from admin import viewaudit
from admin.apiplumbing import ApiError, endpoint, reply
from admin.context import privacy, remote_addr
from admin.openapi import Doc, Reply
from admin.users import Role, User

if TYPE_CHECKING:
    from adapters.ferzl.console.pages import FerzlConsole


def api_routes(screens: FerzlConsole) -> list[BaseRoute]:
    """The API's routes, bound to the console's view of the adapter."""
    ctx = screens.ctx

    @endpoint(doc=Doc("Журнал запросов ФЕРЗЛ", TAG, "Обращения к ФЕРЗЛ, новые первыми.",
                      query=FILTER, replies={200: Reply("Страница.", EXCHANGES)}))
    def exchanges(request: Request, user: User, body: dict[str, Any]) -> Response:
        """GET /api/ferzl/exchanges."""
        q = request.query_params
        try:
            flt, _ = journal.Filter.read(q, ctx.tz)
            size = journal.page_size(q.get("size"))
        except ValueError as exc:
            raise ApiError(400, str(exc)) from None
        page_no = int(q["page"]) if q.get("page", "").isdigit() else 1
        page_no = max(page_no, 1)
        with ctx.db.read() as conn:
            items, total = journal.listing(conn, flt, privacy(request),
                                           offset=(page_no - 1) * size, limit=size)
        return reply({"items": items, "total": total, "page": page_no, "size": size})

    @endpoint(doc=Doc("Обращение к ФЕРЗЛ", TAG, "Запрос и ответ (XML), отклонения от схемы.",
                      path={"id": "Номер обращения."},
                      replies={200: Reply("Обращение.", EXCHANGE_DETAIL),
                               404: "Нет такого обращения."}))
    def exchange(request: Request, user: User, body: dict[str, Any]) -> Response:
        """GET /api/ferzl/exchanges/{id}."""
        shown = privacy(request)
        exchange_id = request.path_params["id"]
        with ctx.db.read() as conn:
            found = journal.detail(conn, exchange_id, shown, ctx.types, screens.releases())
        if found is None:
            raise ApiError(404, "Нет такого обращения к ФЕРЗЛ.")
        viewaudit.unmasked_view(request, user, viewaudit.MESSAGE_VIEW,
                                f"ferzl_exchanges/{exchange_id}", shown.unmasked)
        return reply(found)

    @endpoint(Role.operator, doc=Doc(
        "Поиск в ФЕРЗЛ", TAG, "Поиск по ЕНП, полису, СНИЛС, документу или ФИО с датой "
        "рождения (ФИО — только с допуском к персональным данным) уходит в ФЕРЗЛ как "
        "ferzl.call; ответ — по адресу api.", body=SEARCH_BODY,
        replies={202: Reply("Запрос принят хабом.", SENT), 400: "Поиск не составлен."}))
    def send(request: Request, user: User, body: dict[str, Any]) -> Response:
        """POST /api/ferzl/searches."""
        shown = privacy(request)
        search = Search.read(body)
        try:
            call = search.call(unmasked=shown.unmasked)
        except SearchError as exc:
            if search.kind == "names" and not shown.unmasked:
                viewaudit.person_search(request, user, "ferzl/search", {"kind": search.kind},
                                        unmasked=False, found=None, refused=str(exc))
            raise ApiError(400, str(exc)) from None
        env = screens.ask(call, search, user=user.username, remote_addr=remote_addr(request))
        return reply({"call_id": env.id, "operation": call.operation,
                      "page": f"/ferzl/search/{env.id}",
                      "api": f"/api/ferzl/searches/{env.id}"}, 202)

    @endpoint(doc=Doc("Поиск в ФЕРЗЛ и ответ", TAG, "Поиск из консоли; answer — null, пока "
                      "ФЕРЗЛ не ответил.", path={"call_id": "Сообщение ferzl.call."},
                      replies={200: Reply("Поиск.", SEARCH), 404: "Такого поиска не было."}))
    def searched(request: Request, user: User, body: dict[str, Any]) -> Response:
        """GET /api/ferzl/searches/{call_id}."""
        shown = privacy(request)
        with ctx.db.read() as conn:
            found = calls.view(conn, request.path_params["call_id"], shown, ctx.types)
        if found is None:
            raise ApiError(404, "Такого поиска в ФЕРЗЛ из консоли не было.")
        if found["answer"] is not None:
            viewaudit.unmasked_view(request, user, viewaudit.MESSAGE_VIEW,
                                    str(found["answer_id"]), shown.unmasked)
        return reply(found)

    @endpoint(doc=Doc("Асинхронные операции ФЕРЗЛ", TAG, "В работе и за двое суток, с ходом.",
                      replies={200: Reply("Операции.", OPERATIONS)}))
    def in_flight(request: Request, user: User, body: dict[str, Any]) -> Response:
        """GET /api/ferzl/operations."""
        return reply({"items": operations.listing(ctx.db, privacy(request))})

    return [
        Route("/exchanges", exchanges),
        Route("/exchanges/{id:int}", exchange),
        Route("/searches", send, methods=["POST"]),
        Route("/searches/{call_id}", searched),
        Route("/operations", in_flight),
    ]
