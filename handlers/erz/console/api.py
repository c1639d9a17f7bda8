"""The register's JSON API under ``/api/erz``: search, person, timeline, buffer, files.

Authentication, roles, CSRF and error bodies are the console API's (:mod:`admin.api`):
HTTP Basic for machines, the console session plus ``X-CSRF-Token`` for browsers. Any
account reads; ``operator`` decides buffer items. Personal data is masked unless the
account has the personal-data permission — the same masking as the pages.

=====================================  =========================================================
``GET /persons``                       search: ``enp``, ``snils``, ``policy``, ``document``,
                                       or ``surname`` (a prefix) narrowed by ``name``,
                                       ``patronymic``, ``birth_date`` or ``birth_year``;
                                       ``on``, ``page``, ``size`` → ``{items, total}``
``GET /persons/{enp}``                 the person as of ``on`` (default today); ``{enp}`` may
                                       be the ``ref`` a masked result gives (``id42``)
``GET /persons/{enp}/timeline``        every change, newest first: who, why, from where
``GET /buffer``                        items in words, pending oldest first by default;
                                       filters kind, status, organisation, enp, from, to;
                                       paged (size, page) with the total
``POST /buffer/{id}/approve``          ``{"note": "…", "enp": "…"?, "confirm_mismatch": bool?,
                                       "mismatch_reason": "…"?}``: apply (200), or 409 with
                                       the register's error code (the item stays pending),
                                       or 409 ``identity_mismatch`` when the record and the
                                       person differ (name, birth date) unconfirmed
``POST /buffer/{id}/reject``           ``{"note": "…"}`` (required): 200, register untouched
``GET /files``                         processed exchange files and the protocols sent back
                                       (``organisation``, days received ``from``/``to``)
=====================================  =========================================================
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from admin.apiplumbing import ApiError, endpoint, reply
from admin.context import privacy, remote_addr
from admin.openapi import Doc, Param, Reply
from admin.users import Role, User
from handlers.erz.buffer import identity
from handlers.erz.buffer import store as buffer
from handlers.erz.console import buffer_list as buffer_filter
from handlers.erz.console import decisions, protocols, views
from handlers.erz.console.criteria import Criteria, page_size
from handlers.erz.console.openapi import (
    BUFFER,
    DECIDED,
    DECISION,
    FILES,
    ON,
    PAGE,
    PERSON,
    PERSON_KEY,
    PERSONS,
    TAG,
    TIMELINE,
)
from handlers.erz.console.pages import ErzScreens, audit_card, audit_search


def _page(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    if not raw.isdigit() or int(raw) < 1:
        raise ApiError(400, "page: номер страницы — целое число от 1")
    return int(raw)


def api_routes(screens: ErzScreens) -> list[BaseRoute]:
    """The API's routes, bound to the register's screens."""
    db = screens.ctx.db

    def on(request: Request) -> Any:
        try:
            return screens.as_of(request.query_params.get("on"), privacy(request))
        except ValueError as exc:
            raise ApiError(400, f"on: {exc}") from None

    @endpoint(doc=Doc(
        "Поиск застрахованных", TAG,
        "По идентификатору целиком или по началу фамилии (регистр и е/ё не важны), "
        "сужая по началу имени и отчества, дате или году рождения (только с допуском к "
        "персональным данным); состояние на дату on. Поиск записывается в журнал аудита.",
        query=(Param("enp", "ЕНП."), Param("snils", "СНИЛС в любой записи."),
               Param("policy", "Номер полиса (старого — серия и номер)."),
               Param("document", "Документ: серия и номер."),
               Param("surname", "Фамилия или её начало."), Param("name", "Имя или его начало."),
               Param("patronymic", "Отчество или его начало."),
               Param("birth_date", "Дата рождения, ДД.ММ.ГГГГ или ГГГГ-ММ-ДД."),
               Param("birth_year", "Год рождения, ГГГГ."),
               Param("size", "Строк на странице: 20, 50, 100 или 200."), ON, PAGE),
        replies={200: Reply("Страница найденных.", PERSONS)}))
    def search(request: Request, user: User, body: dict[str, Any]) -> Response:
        """GET /api/erz/persons."""
        try:
            criteria = Criteria.from_params(request.query_params)
            size = page_size(request.query_params.get("size"))
        except ValueError as exc:
            raise ApiError(400, str(exc)) from None
        if criteria.empty:
            raise ApiError(400, "Укажите ЕНП, СНИЛС, полис, документ или фамилию (её начало).")
        page = _page(request)
        try:
            with db.read() as conn:
                items, total = views.search(conn, criteria, privacy(request), on(request),
                                            page=page, size=size)
        except ValueError as exc:
            audit_search(request, user, criteria, None, str(exc))
            raise ApiError(400, str(exc)) from None
        audit_search(request, user, criteria, total)
        return reply({"items": items, "total": total, "page": page, "page_size": size})

    @endpoint(doc=Doc(
        "Карточка застрахованного", TAG, "Человек на дату on; просмотр записывается в аудит.",
        path=PERSON_KEY, query=(ON,),
        replies={200: Reply("Карточка.", PERSON), 404: "Нет человека с этим ЕНП."}))
    def person(request: Request, user: User, body: dict[str, Any]) -> Response:
        """GET /api/erz/persons/{enp}."""
        with db.read() as conn:
            found = views.person(conn, request.path_params["enp"], on(request),
                                 privacy(request))
        if found is None:
            raise ApiError(404, "В регистре нет ЗЛ с таким ЕНП.")
        audit_card(request, user, found, privacy(request).unmasked)
        return reply(found)

    @endpoint(doc=Doc(
        "История изменений", TAG, "Все изменения человека, новые первыми: кто, почему, откуда.",
        path=PERSON_KEY,
        replies={200: Reply("История.", TIMELINE), 404: "Нет человека с этим ЕНП."}))
    def timeline(request: Request, user: User, body: dict[str, Any]) -> Response:
        """GET /api/erz/persons/{enp}/timeline."""
        key = request.path_params["enp"]
        with db.read() as conn:
            found = views.person(conn, key, screens.today(), privacy(request))
            if found is None:
                raise ApiError(404, "В регистре нет ЗЛ с таким ЕНП.")
            audit_card(request, user, found, privacy(request).unmasked)
            return reply({"enp": found["enp"], "ref": found["ref"],
                          "changes": views.timeline(conn, key, privacy(request))})

    @endpoint(doc=Doc(
        "Отложенные записи", TAG, "Записи буфера словами, рядом с текущими сведениями ЗЛ: "
        "по умолчанию ждущие решения ТФОМС, старые первыми; с отбором и по страницам.",
        query=(Param("kind", "Вид операции (ключ, например zags.death)."),
               Param("status", "Состояние: pending (по умолчанию), applied, rejected или all."),
               Param("organisation", "Источник: код СМО, МО или ZAGS."),
               Param("enp", "ЕНП ЗЛ."), Param("from", "Поступили с, ДД.ММ.ГГГГ."),
               Param("to", "Поступили по, ДД.ММ.ГГГГ."),
               Param("size", "Строк на странице: 20, 50, 100 или 200."), PAGE),
        replies={200: Reply("Отложенные записи.", BUFFER)}))
    def buffer_list(request: Request, user: User, body: dict[str, Any]) -> Response:
        """GET /api/erz/buffer?kind=&status=&organisation=&enp=&from=&to=&size=&page=."""
        page = _page(request)
        try:
            wanted, _ = buffer_filter.read(request.query_params, screens.ctx.tz)
            size = page_size(request.query_params.get("size"))
        except ValueError as exc:
            raise ApiError(400, str(exc)) from None
        items, total = decisions.listed(screens.ctx, privacy(request), wanted,
                                        offset=(page - 1) * size, limit=size,
                                        today=screens.today())
        return reply({"items": items, "total": total, "page": page, "page_size": size})

    def decide(request: Request, user: User, body: dict[str, Any], approve: bool) -> Response:
        note, enp = body.get("note", ""), body.get("enp")
        confirm, reason = body.get("confirm_mismatch", False), body.get("mismatch_reason", "")
        if not isinstance(note, str) or (enp is not None and not isinstance(enp, str)):
            raise ApiError(400, "note и enp — строки")
        if not isinstance(confirm, bool) or not isinstance(reason, str):
            raise ApiError(400, "confirm_mismatch — true или false, mismatch_reason — строка")
        item_id = request.path_params["item_id"]
        try:
            out = decisions.decide(screens.ctx, item_id, approve,
                                   user=user.username, note=note, enp=enp,
                                   remote_addr=remote_addr(request),
                                   confirm_mismatch=confirm, mismatch_reason=reason)
        except buffer.NotPending as exc:
            raise ApiError(409, str(exc)) from None
        except identity.IdentityMismatch as exc:
            return reply({"id": item_id, "status": buffer.PENDING, "error": str(exc),
                          "code": "identity_mismatch", "status_code": 409,
                          "mismatches": [x.field for x in exc.mismatches]}, 409)
        except ValueError as exc:
            raise ApiError(400, str(exc)) from None
        result = {"id": out.item_id, "status": out.status, "events": out.events}
        if out.error_code is not None:
            return reply(result | {"error": out.error_text, "code": out.error_code,
                                   "status_code": 409}, 409)
        return reply(result)

    @endpoint(Role.operator, doc=Doc(
        "Применить отложенную запись", TAG,
        "Применяет запись к регистру. 409 — регистр отказал (запись остаётся в ожидании) или "
        "запись расходится с человеком (фамилия, дата рождения) без подтверждения.",
        path={"item_id": "Номер отложенной записи."}, body=DECISION, body_required=False,
        replies={200: Reply("Решение принято.", DECIDED),
                 409: Reply("Отказ регистра или расхождение.", DECIDED)}))
    def approve(request: Request, user: User, body: dict[str, Any]) -> Response:
        """POST /api/erz/buffer/{id}/approve."""
        return decide(request, user, body, True)

    @endpoint(Role.operator, doc=Doc(
        "Отклонить отложенную запись", TAG, "Регистр не меняется; нужна заметка note.",
        path={"item_id": "Номер отложенной записи."}, body=DECISION,
        replies={200: Reply("Решение принято.", DECIDED),
                 409: Reply("Запись уже решена.", DECIDED)}))
    def reject(request: Request, user: User, body: dict[str, Any]) -> Response:
        """POST /api/erz/buffer/{id}/reject."""
        return decide(request, user, body, False)

    @endpoint(doc=Doc(
        "Файлы обмена", TAG, "Принятые файлы организаций и отправленные им протоколы.",
        query=(Param("organisation", "Код организации."),
               Param("from", "Получены с, ДД.ММ.ГГГГ или ГГГГ-ММ-ДД."),
               Param("to", "Получены по, ДД.ММ.ГГГГ или ГГГГ-ММ-ДД."),
               Param("size", "Строк на странице: 20, 50, 100 или 200."), PAGE),
        replies={200: Reply("Страница файлов.", FILES)}))
    def files(request: Request, user: User, body: dict[str, Any]) -> Response:
        """GET /api/erz/files?organisation=&from=YYYY-MM-DD&to=YYYY-MM-DD&page=."""
        query = request.query_params
        try:
            since, until = protocols.period(query.get("from", ""), query.get("to", ""),
                                            screens.ctx.tz)
            size = page_size(query.get("size"))
        except protocols.BadPeriod as exc:
            raise ApiError(400, f"from/to: {exc}") from None
        except ValueError as exc:
            raise ApiError(400, str(exc)) from None
        page = _page(request)
        with db.read() as conn:
            items, total = protocols.files(
                conn, privacy(request), organisation=query.get("organisation", ""),
                page=page, size=size, since=since, until=until)
        return reply({"items": items, "total": total, "page": page, "page_size": size})

    return [
        Route("/persons", search),
        Route("/persons/{enp}", person),
        Route("/persons/{enp}/timeline", timeline),
        Route("/buffer", buffer_list),
        Route("/buffer/{item_id:int}/approve", approve, methods=["POST"]),
        Route("/buffer/{item_id:int}/reject", reject, methods=["POST"]),
        Route("/files", files),
    ]
