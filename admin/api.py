"""The console's JSON API under ``/api``: the journal, dead letters, audit and schedules.

Authentication, one of:

* **HTTP Basic** (``Authorization: Basic base64(user:password)``) for machine clients:
  every request carries the credentials of a console account; no CSRF token is needed,
  because browsers never send these credentials on their own (the API does not answer with
  a ``WWW-Authenticate: Basic`` challenge, so a browser never caches them). Failed attempts
  count towards the same lockout as the login form.
* **The console session** (the cookie set by ``/login``), for scripts in a logged-in
  browser: every POST must carry the session's CSRF token in the ``X-CSRF-Token`` header;
  ``GET /api/me`` returns it.

Roles are the console's: any account reads; ``operator`` replays, discards and runs
schedules; ``administrator`` reads the audit log and edits schedules. Personal data is
masked unless the account has the ``personal_data`` permission.

Errors are JSON ``{"error": "…", "status": N}`` with 400 (bad input), 401 (no or wrong
credentials), 403 (role or CSRF), 404 (unknown id), 409 (already replayed or discarded) and
429 (too many failed logins). Request bodies are JSON objects; every replay and discard
requires a non-empty ``reason``, which goes to the audit log with the user.

Each endpoint declares its description (``doc=``) for ``/api/openapi.json`` and the page
``/api/docs`` (:mod:`admin.openapi`); the schemas of its answers are :mod:`admin.apischemas`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from admin import apischemas as S
from admin import auditlog, bulkreplay, deadletters, journal, listing, openapi, schedules, viewaudit
from admin.apiplumbing import ApiError, endpoint, error, reply
from admin.auth import page
from admin.context import console, privacy, remote_addr, render
from admin.csrf import csrf_token
from admin.openapi import INTEGER, Doc, Param, Reply, text
from admin.users import Role, User
from admin.views import catalogue, progress


def _reason(body: dict[str, Any]) -> str:
    reason = body.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise ApiError(400, "нужна причина (поле reason): она попадёт в журнал аудита")
    return reason.strip()


def _payload(body: dict[str, Any]) -> dict[str, Any] | None:
    payload = body.get("payload")
    if payload is not None and not isinstance(payload, dict):
        raise ApiError(400, "данные (payload) должны быть JSON-объектом")
    return payload


EDIT_NEEDS_PERSONAL_DATA = ("изменять эти данные можно только с допуском к персональным данным "
                            "(personal_data)")
DEAD_LETTER_STATES = {"replayed": "уже повторена", "discarded": "уже отброшена"}


def already(letter: dict[str, Any]) -> str:
    """Why a dead letter cannot be replayed or discarded again."""
    state = DEAD_LETTER_STATES.get(letter["state"], f"в состоянии {letter['state']}")
    return f"ошибка доставки {letter['id']} {state}"


def _operation(call: Callable[[], Any]) -> Any:
    """Run an Operations call, its exceptions turned into API errors."""
    try:
        return call()
    except LookupError as exc:
        raise ApiError(404, str(exc)) from None
    except ValueError as exc:
        raise ApiError(400, str(exc)) from None


JOURNAL = "Журнал"
DEAD = "Ошибки доставки"
ADMIN = "Аудит и расписания"
SESSION = "Сеанс и описание API"
MESSAGE_ID = {"message_id": "Идентификатор сообщения (UUID)."}
LETTER_ID = {"id": "Номер ошибки доставки."}
SCHEDULE_NAME = {"name": "Имя расписания (компонент:задание)."}
PERIOD = (Param("from", "С момента: ДД.ММ.ГГГГ [ЧЧ:ММ] или ISO 8601, время консоли."),
          Param("to", "До момента: ДД.ММ.ГГГГ [ЧЧ:ММ] или ISO 8601, время консоли."))


# -- journal ---------------------------------------------------------------------------------


@endpoint(doc=Doc(
    "Поиск в журнале", JOURNAL,
    "Сообщения журнала, новые первыми. Следующая страница — тот же запрос с cursor из "
    "ответа. Поиск по человеку записывается в журнал аудита.",
    query=(Param("type", "Тип сообщения или начало его имени (erz., erz.person); "
                 "с версией — точно (erz.person.changed.v1)."),
           Param("status", "Состояние сообщения (неизвестное — ошибка 400)."),
           Param("system", "Компонент: отправитель или получатель."),
           Param("person", "Человек: СНИЛС, ЕНП и т. п. (маскированным — только целиком)."),
           Param("correlation_id", "Переписка."), Param("message_id", "Сообщение."),
           Param("routine", "1 — показать и служебные сообщения (такты планировщика); "
                 "без него они скрыты, если не указаны type, message_id или correlation_id."),
           *PERIOD, Param("cursor", "Курсор следующей страницы из прошлого ответа."),
           Param("limit", "Размер страницы.", INTEGER)),
    replies={200: Reply("Страница журнала.", S.JOURNAL_PAGE)}))
def messages(request: Request, user: User, body: dict[str, Any]) -> Response:
    """GET /api/messages: journal search, newest first (``cursor`` for the next page)."""
    c = console(request)
    q = request.query_params
    try:
        flt = journal.JournalFilter.from_params(q, c.tz, c.types)
        page = journal.search(c.db, flt, privacy(request), cursor=q.get("cursor") or None,
                              limit=listing.page_size(q.get("limit"), journal.DEFAULT_LIMIT,
                                                      journal.MAX_LIMIT))
    except ValueError as exc:
        viewaudit.journal_search(request, user, q.get("person", "").strip(), None, str(exc))
        raise ApiError(400, str(exc)) from None
    viewaudit.journal_search(request, user, flt.person, len(page.rows), "")
    return reply({"items": page.rows, "next_cursor": page.next_cursor})


@endpoint(doc=Doc(
    "Сообщение журнала", JOURNAL,
    "Конверт, данные, путь по компонентам, переписка, принятые и отправленные байты, "
    "ошибки доставки. Просмотр без маскирования записывается в аудит.",
    path=MESSAGE_ID, replies={200: Reply("Сообщение.", S.MESSAGE),
                              404: "Нет такого сообщения в журнале."}))
def message(request: Request, user: User, body: dict[str, Any]) -> Response:
    """GET /api/messages/{id}: envelope, payload, trail, conversation and raw bytes."""
    c = console(request)
    found = journal.detail(c.db, c.types, request.path_params["message_id"], privacy(request))
    if found is None:
        raise ApiError(404, "нет такого сообщения в журнале")
    viewaudit.unmasked_view(request, user, viewaudit.MESSAGE_VIEW,
                            request.path_params["message_id"], privacy(request).unmasked)
    return reply(
        {
            "message": found.summary,
            "envelope": found.envelope,
            "payload": found.payload,
            "trail": found.events,
            "conversation": found.conversation,
            "raw": [asdict(r) for r in found.raw],
            "dead_letters": found.dead_letters,
        }
    )


@endpoint(Role.operator, doc=Doc(
    "Повторить сообщение", JOURNAL,
    "Отправляет копию сообщения (с исправленными данными, если они даны) с новым "
    "идентификатором; причина попадает в аудит.",
    path=MESSAGE_ID, body=S.REPLAY_BODY,
    replies={202: Reply("Копия принята.", openapi.obj(
        ["message_id", "replay_of"], message_id=text("Идентификатор копии."),
        replay_of=text("Идентификатор исходного сообщения."))),
        404: "Нет такого сообщения в журнале."}))
def replay_message(request: Request, user: User, body: dict[str, Any]) -> Response:
    """POST /api/messages/{id}/replay: send a copy (optionally with an edited payload)."""
    c = console(request)
    message_id = request.path_params["message_id"]
    reason, payload = _reason(body), _payload(body)
    if payload is not None and not user.personal_data:
        found = journal.detail(c.db, c.types, message_id, privacy(request))
        if found is not None and found.payload_edit is None:
            raise ApiError(403, EDIT_NEEDS_PERSONAL_DATA)
    new_id = _operation(lambda: c.ops.replay_message(
        message_id, user=user.username, reason=reason, payload=payload,
        remote_addr=remote_addr(request)))
    return reply({"message_id": new_id, "replay_of": message_id}, 202)


# -- dead letters ----------------------------------------------------------------------------


@endpoint(doc=Doc(
    "Ошибки доставки", DEAD,
    "view=grouped (по умолчанию) — открытые ошибки, сгруппированные по причине; view=flat — "
    "список ошибок по фильтру.",
    query=(Param("view", "grouped или flat.", text("Вид.", enum=["grouped", "flat"])),
           Param("state", "open, replayed, discarded (по умолчанию open)."),
           Param("cause_type", "Класс причины."), Param("queue", "Очередь."),
           Param("type", "Тип сообщения."), *PERIOD,
           Param("group", "Ключ группы (view=flat)."),
           Param("limit", "Размер страницы (view=flat), до 1000.", INTEGER),
           Param("offset", "Сдвиг (view=flat).", INTEGER)),
    replies={200: Reply("Группы или список.", S.DEAD_LETTER_LIST)}))
def dead_letter_list(request: Request, user: User, body: dict[str, Any]) -> Response:
    """GET /api/dead-letters: ``view=grouped`` (default: groups by cause) or ``view=flat``."""
    c = console(request)
    q = request.query_params
    try:
        flt = deadletters.DeadLetterFilter.from_params(q, c.tz)
        limit = listing.number(q.get("limit"), "limit", 200)
        offset = listing.number(q.get("offset"), "offset", 0)
    except ValueError as exc:
        raise ApiError(400, str(exc)) from None
    view = q.get("view", "grouped")
    if view == "grouped":
        groups, cut = deadletters.grouped(c.db, flt, privacy(request))
        return reply({"groups": [g.as_json() for g in groups], "cut": cut})
    if view == "flat":
        group = q.get("group", "")
        items = deadletters.listing(c.db, flt, privacy(request), group=group,
                                    limit=max(1, min(limit, 1000)), offset=max(0, offset))
        total = deadletters.total(c.db, flt, group=group)
        return reply({"items": items, "total": total.count, "total_cut": total.cut})
    raise ApiError(400, "вид (view) — grouped или flat")


def _open_letter(request: Request) -> dict[str, Any]:
    c = console(request)
    letter = deadletters.get(c.db, c.types, request.path_params["id"], privacy(request))
    if letter is None:
        raise ApiError(404, "нет такой ошибки доставки")
    return letter


@endpoint(doc=Doc(
    "Ошибка доставки", DEAD, "Ошибка с конвертом и данными сообщения.", path=LETTER_ID,
    replies={200: Reply("Ошибка доставки.", S.DEAD_LETTER_DETAIL),
             404: "Нет такой ошибки доставки."}))
def dead_letter(request: Request, user: User, body: dict[str, Any]) -> Response:
    """GET /api/dead-letters/{id}: one dead letter with its envelope and payload."""
    letter = _open_letter(request)
    letter.pop("payload_edit", None)
    return reply(letter)


@endpoint(Role.operator, doc=Doc(
    "Повторить ошибку доставки", DEAD,
    "Отправляет сообщение снова (с исправленными данными, если они даны).",
    path=LETTER_ID, body=S.REPLAY_BODY,
    replies={200: Reply("Повторено.", S.RESOLVED), 404: "Нет такой ошибки доставки.",
             409: "Ошибка уже повторена или закрыта."}))
def replay_dead_letter(request: Request, user: User, body: dict[str, Any]) -> Response:
    """POST /api/dead-letters/{id}/replay: replay, optionally with an edited payload."""
    c = console(request)
    letter = _open_letter(request)
    reason, payload = _reason(body), _payload(body)
    if letter["state"] != "open":
        raise ApiError(409, already(letter))
    if payload is not None and letter["payload_edit"] is None:
        raise ApiError(403, EDIT_NEEDS_PERSONAL_DATA)
    _operation(lambda: c.ops.replay_dead_letter(
        letter["id"], user=user.username, reason=reason, payload=payload,
        remote_addr=remote_addr(request)))
    return reply({"id": letter["id"], "message_id": letter["message_id"], "state": "replayed"})


@endpoint(Role.operator, doc=Doc(
    "Закрыть ошибку доставки", DEAD, "Отказ от сообщения с причиной; оно не будет доставлено.",
    path=LETTER_ID, body=S.DISCARD_BODY,
    replies={200: Reply("Закрыто.", S.RESOLVED), 404: "Нет такой ошибки доставки.",
             409: "Ошибка уже повторена или закрыта."}))
def discard_dead_letter(request: Request, user: User, body: dict[str, Any]) -> Response:
    """POST /api/dead-letters/{id}/discard: give up on a dead letter, with a reason."""
    c = console(request)
    letter = _open_letter(request)
    reason = _reason(body)
    if letter["state"] != "open":
        raise ApiError(409, already(letter))
    _operation(lambda: c.ops.discard_dead_letter(
        letter["id"], user=user.username, reason=reason, remote_addr=remote_addr(request)))
    return reply({"id": letter["id"], "message_id": letter["message_id"], "state": "discarded"})


@endpoint(Role.operator, doc=Doc(
    "Повторить ошибки по фильтру", DEAD,
    "Повторяет открытые ошибки доставки по фильтру, по группе причины или все. С rate "
    "и/или batch — в фоне, пачками по batch сообщений со скоростью rate в секунду (ответ 202 "
    "с идентификатором задачи; ход, пауза и отмена — /api/progress); без них — сразу.",
    body=S.BULK_REPLAY_BODY, replies={
        200: Reply("Сколько повторено.", S.BULK_REPLAYED),
        202: Reply("Задача запущена (или, если ничего не подошло, replayed: 0).",
                   S.BULK_REPLAY_STARTED)}))
def replay_dead_letters(request: Request, user: User, body: dict[str, Any]) -> Response:
    """POST /api/dead-letters/replay: bulk replay of open dead letters by filter.

    Body: ``reason`` and at least one of ``cause_type``, ``queue``, ``type``, ``since``,
    ``until`` (ISO times), or ``group`` (a cause group key), or ``"all": true``.
    """
    c = console(request)
    reason = _reason(body)
    params = {k: str(v) for k, v in body.items() if k in
              ("cause_type", "queue", "type", "since", "until") and v}
    try:
        flt = deadletters.DeadLetterFilter.from_params({**params, "state": "open"}, c.tz)
    except ValueError as exc:
        raise ApiError(400, str(exc)) from None
    addr = remote_addr(request)
    group = body.get("group")
    if "rate" in body or "batch" in body:  # a task at a rate, followed on /api/progress
        if not (isinstance(group, str) and group) and not flt.narrowed \
                and body.get("all") is not True:
            raise ApiError(400, "укажите хотя бы один фильтр (cause_type, queue, type, since, "
                                "until, group) или \"all\": true")
        task = _operation(lambda: bulkreplay.start(
            c.db, c.ops, flt, group=group if isinstance(group, str) else "",
            pace=bulkreplay.pace_of(body), user=user.username, reason=reason,
            remote_addr=addr))
        return reply({"replayed": 0} if task is None else
                     {"task": task, "progress": f"/api/progress/{task}"}, 202)
    if isinstance(group, str) and group:
        done, failed = deadletters.replay_group(c.db, c.ops, flt, group, user=user.username,
                                                reason=reason, remote_addr=addr)
        return reply({"replayed": done, "failed": [{"id": i, "error": e} for i, e in failed]})
    if not flt.narrowed and body.get("all") is not True:
        raise ApiError(400, "укажите хотя бы один фильтр (cause_type, queue, type, since, "
                            "until, group) или \"all\": true")
    count = _operation(lambda: deadletters.replay_matching(
        c.db, c.ops, flt, user=user.username, reason=reason, remote_addr=addr))
    return reply({"replayed": count})


# -- audit, schedules, session ---------------------------------------------------------------


@endpoint(Role.administrator, doc=Doc(
    "Журнал аудита", ADMIN,
    "Действия пользователей, новые первыми; следующая страница — before из ответа.",
    query=(Param("username", "Пользователь."), Param("action", "Действие."),
           Param("target", "Объект действия."), *PERIOD,
           Param("before", "id: записи до него (следующая страница).", INTEGER),
           Param("limit", "Размер страницы.", INTEGER)),
    replies={200: Reply("Страница аудита.", S.AUDIT_PAGE)}))
def audit(request: Request, user: User, body: dict[str, Any]) -> Response:
    """GET /api/audit: the audit log, newest first (``before`` = id for the next page)."""
    c = console(request)
    q = request.query_params
    try:
        flt = auditlog.AuditFilter.from_params(q, c.tz)
        before = listing.whole_number(q.get("before"), "before")
        rows, next_before = auditlog.entries(c.db, flt, privacy(request), before_id=before,
                                             limit=listing.page_size(q.get("limit"), 100,
                                                                     auditlog.MAX_LIMIT))
    except ValueError as exc:
        raise ApiError(400, str(exc)) from None
    return reply({"items": rows, "next_before": next_before})


@endpoint(doc=Doc(
    "Расписания", ADMIN, "Все расписания заданий с их состоянием.",
    replies={200: Reply("Расписания.", openapi.obj(["items"], items=openapi.array(S.SCHEDULE)))}))
def schedule_list(request: Request, user: User, body: dict[str, Any]) -> Response:
    """GET /api/schedules: every schedule with its state."""
    return reply({"items": schedules.all_schedules(console(request).db)})


@endpoint(Role.operator, doc=Doc(
    "Запустить задание сейчас", ADMIN, "Просит планировщик выполнить задание один раз, сейчас.",
    path=SCHEDULE_NAME, body=openapi.ANY_OBJECT, body_required=False,
    replies={202: Reply("Запуск запрошен.", openapi.obj(
        ["name", "run_requested"], name=openapi.STRING, run_requested=openapi.BOOLEAN)),
        404: "Нет такого расписания."}))
def run_schedule(request: Request, user: User, body: dict[str, Any]) -> Response:
    """POST /api/schedules/{name}/run: ask the scheduler to run the job once, now."""
    c = console(request)
    name = request.path_params["name"]
    _operation(lambda: schedules.request_run(c.db, name, user=user.username))
    c.ops.audit(user.username, "schedule-run", target=name, remote_addr=remote_addr(request))
    return reply({"name": name, "run_requested": True}, 202)


@endpoint(Role.administrator, doc=Doc(
    "Изменить расписание", ADMIN, "Меняет выражение cron и/или включает и выключает расписание.",
    path=SCHEDULE_NAME, body=S.SCHEDULE_EDIT_BODY,
    replies={200: Reply("Расписание после изменения.", S.SCHEDULE),
             404: "Нет такого расписания."}))
def edit_schedule(request: Request, user: User, body: dict[str, Any]) -> Response:
    """POST /api/schedules/{name}: change ``cron`` and/or ``enabled``."""
    c = console(request)
    name = request.path_params["name"]
    if schedules.get_schedule(c.db, name) is None:
        raise ApiError(404, f"нет расписания «{name}»")
    changes: dict[str, Any] = {}
    if "cron" in body:
        cron = str(body["cron"])
        _operation(lambda: schedules.set_cron(c.db, name, cron, user=user.username))
        changes["cron"] = cron
    if "enabled" in body:
        if not isinstance(body["enabled"], bool):
            raise ApiError(400, "enabled — true или false")
        schedules.set_enabled(c.db, name, body["enabled"], user=user.username)
        changes["enabled"] = body["enabled"]
    if not changes:
        raise ApiError(400, "нечего менять: укажите cron и/или enabled")
    c.ops.audit(user.username, "schedule-edit", target=name, details=changes,
                remote_addr=remote_addr(request))
    return reply(schedules.get_schedule(c.db, name))


@endpoint(doc=Doc(
    "Каталог сообщений шины (AsyncAPI)", SESSION,
    "Документ AsyncAPI 3.0: каналы шины и типы сообщений установленных плагинов.",
    replies={200: Reply("Документ AsyncAPI 3.0.", openapi.obj(["asyncapi"],
                                                             asyncapi=openapi.STRING))}))
def asyncapi(request: Request, user: User, body: dict[str, Any]) -> Response:
    """GET /api/asyncapi.json: the AsyncAPI 3.0 document of the bus's channels and message
    types (any account: it holds schemas and made-up examples, no personal data)."""
    return reply(catalogue.asyncapi(request))


@endpoint(doc=Doc(
    "Текущая учётная запись", SESSION,
    "Имя, роль, право на персональные данные и CSRF-токен для POST с cookie сеанса.",
    replies={200: Reply("Учётная запись.", S.ME)}))
def me(request: Request, user: User, body: dict[str, Any]) -> Response:
    """GET /api/me: the account, and the CSRF token for POSTs made with the session."""
    return reply({"username": user.username, "role": user.role.name,
                  "personal_data": user.personal_data, "csrf_token": csrf_token(request)})


@endpoint(doc=Doc(
    "Описание API (OpenAPI)", SESSION,
    "Этот документ: OpenAPI 3.1 всех методов /api, включая разделы плагинов. Страница "
    "для чтения — /api/docs.",
    replies={200: Reply("Документ OpenAPI 3.1.", openapi.obj(
        ["openapi", "info", "paths"], openapi=openapi.STRING, info=openapi.ANY_OBJECT,
        paths=openapi.ANY_OBJECT))}))
def openapi_json(request: Request, user: User, body: dict[str, Any]) -> Response:
    """GET /api/openapi.json: read off the routes this console mounts (:mod:`admin.openapi`)."""
    return reply(openapi.document(request.app.routes))


@page()
def docs_page(request: Request, user: User, form: FormData) -> Response:
    """GET /api/docs: the same document as a page of the console (no script, no CDN)."""
    return render(request, "openapi.html", {
        "api": openapi.outline(request.app.routes), "api_text": openapi.api_text,
        "role_labels": {r.name: r.label for r in Role}})


openapi.describe(docs_page, Doc(
    "Описание API (страница)", SESSION, "Это описание в виде страницы консоли.",
    security=False, replies={200: Reply("Страница HTML.", openapi.STRING, "text/html"),
                             303: Reply("Нет сеанса: переход на страницу входа.")}))


async def not_found(request: Request) -> Response:
    """Unknown API paths answer JSON, not the HTML error page."""
    return error(404, f"в API нет метода {request.method} {request.url.path}")


routes = [
    Route("/me", me),
    Route("/asyncapi.json", asyncapi),
    Route("/openapi.json", openapi_json),
    Route("/docs", docs_page),
    Route("/messages", messages),
    Route("/messages/{message_id}", message),
    Route("/messages/{message_id}/replay", replay_message, methods=["POST"]),
    Route("/dead-letters", dead_letter_list),
    Route("/dead-letters/replay", replay_dead_letters, methods=["POST"]),
    Route("/progress", progress.api_list),
    Route("/progress/{id}", progress.api_task),
    Route("/progress/{id}/{action}", progress.api_action, methods=["POST"]),
    Route("/dead-letters/{id:int}", dead_letter),
    Route("/dead-letters/{id:int}/replay", replay_dead_letter, methods=["POST"]),
    Route("/dead-letters/{id:int}/discard", discard_dead_letter, methods=["POST"]),
    Route("/audit", audit),
    Route("/schedules", schedule_list),
    Route("/schedules/{name}", edit_schedule, methods=["POST"]),
    Route("/schedules/{name}/run", run_schedule, methods=["POST"]),
    Route("/{rest:path}", not_found, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
]
"""Routes mounted under ``/api``."""
