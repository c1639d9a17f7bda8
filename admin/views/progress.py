"""«Выполнение» (/progress): long work running and recently ended, with its progress.

Jobs, large messages and bulk replays report through hub/progress.py; this page reads the
table (and this process's live tasks) and reloads itself every few seconds while anything
runs (``admin/static/refresh.js``; ``<meta http-equiv="refresh">`` without scripts). A bulk
replay's row has Пауза / Продолжить / Отменить (operators). ``/api/progress`` gives the same
as JSON.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from admin import bulkreplay
from admin.apiplumbing import ApiError, endpoint, reply
from admin.auth import page
from admin.context import console, error_page, flash, remote_addr, render
from admin.openapi import INTEGER, TIME, Doc, Param, Reply, array, nullable, obj, text
from admin.users import Role, User
from hub import progress
from hub.progress import Snapshot

REFRESH_SECONDS = 5
"""How often the page reloads itself while a task runs."""

STATE_WORDS = {"running": "выполняется", "paused": "приостановлено", "finished": "завершено",
               "failed": "ошибка", "cancelled": "отменено"}
KIND_WORDS = {"job": "задание", "message": "обработка сообщения",
              "replay": "повторная отправка"}
ACTIONS = {"pause": "Пауза", "resume": "Продолжить", "cancel": "Отменить"}
ACTION_DONE = {"pause": "Пауза запрошена", "resume": "Продолжение запрошено",
               "cancel": "Отмена запрошена"}


def number(n: float, digits: int = 0) -> str:
    """A number as Russian texts write it: thousands apart, a decimal comma."""
    text_ = f"{n:,.{digits}f}".replace(",", "\u00a0").replace(".", ",")
    return text_


def rate_words(rate: float | None) -> str:
    """«12,5 в с» (items per second); empty when unknown."""
    if rate is None:
        return ""
    return f"{number(rate, 1 if rate < 10 else 0)} в с"


def left_words(seconds: float | None) -> str:
    """«осталось ~3 мин», «осталось ~1 ч 20 мин», «осталось ~40 с»; empty when unknown."""
    if seconds is None:
        return ""
    if seconds < 60:
        return f"осталось ~{max(1, round(seconds))} с"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"осталось ~{minutes} мин"
    return f"осталось ~{minutes // 60} ч {minutes % 60} мин"


def state_words(snap: Snapshot) -> str:
    """The task's state in words; an active task whose process is silent is «прервано»."""
    if snap.stale:
        return "прервано: процесс не отвечает"
    return STATE_WORDS.get(snap.state, snap.state)


def row(snap: Snapshot) -> dict[str, Any]:
    """One task as the page shows it."""
    fraction = snap.fraction
    return {
        "t": snap,
        "state": "stale" if snap.stale else snap.state,
        "state_words": state_words(snap),
        "kind_words": KIND_WORDS.get(snap.kind, snap.kind),
        "percent": None if fraction is None else round(fraction * 100),
        "done": number(snap.done),
        "total": None if snap.total is None else number(snap.total),
        "rate": rate_words(snap.rate) if snap.state == "running" and not snap.stale else "",
        "left": left_words(snap.seconds_left) if not snap.stale else "",
        "actions": _actions(snap),
    }


def _actions(snap: Snapshot) -> list[tuple[str, str]]:
    if snap.kind != bulkreplay.KIND or not snap.active:
        return []
    if snap.stale:
        return [("resume", ACTIONS["resume"]), ("cancel", ACTIONS["cancel"])]
    if snap.state == "paused":
        return [("resume", ACTIONS["resume"]), ("cancel", ACTIONS["cancel"])]
    return [("pause", ACTIONS["pause"]), ("cancel", ACTIONS["cancel"])]


@page()
def progress_page(request: Request, user: User, form: FormData) -> Response:
    """Running and recent tasks; reloads itself while anything runs."""
    c = console(request)
    kind = request.query_params.get("kind", "")
    tasks = progress.recent(c.db, kind=kind if kind in KIND_WORDS else "")
    rows = [row(t) for t in tasks]
    running = any(r["state"] in ("running", "paused") for r in rows)
    ctx: dict[str, Any] = {"rows": rows, "kinds": KIND_WORDS, "kind": kind,
                           "running": running}
    if running:
        ctx["refresh_default"] = REFRESH_SECONDS
    return render(request, "progress.html", ctx)


@page(Role.operator)
def task_action(request: Request, user: User, form: FormData) -> Response:
    """Пауза / Продолжить / Отменить of a bulk replay."""
    c = console(request)
    task_id, action = request.path_params["id"], request.path_params["action"]
    if action not in ACTIONS:
        return error_page(request, 404, "Нет такого действия.")
    try:
        active = bulkreplay.control(c.db, c.ops, task_id, action, user=user.username,
                                    remote_addr=remote_addr(request))
    except LookupError as exc:
        return error_page(request, 404, str(exc).capitalize() + ".")
    if active:
        flash(request, f"{ACTION_DONE[action]}.")
    else:
        flash(request, "Задача уже завершена.", "error")
    return RedirectResponse("/progress", status_code=303)


TASK = obj(
    ["id", "kind", "title", "state", "done"], "Задача и её ход.",
    id=text("Идентификатор задачи."),
    kind=text("job — задание, message — обработка сообщения, replay — повторная отправка.",
              enum=list(KIND_WORDS)),
    title=text("Что выполняется."), component=text("Компонент."), stage=text("Этап."),
    done={**INTEGER, "description": "Сделано."},
    total=nullable({**INTEGER, "description": "Всего (если известно)."}),
    rate=nullable({"type": "number", "description": "Скорость, единиц в секунду."}),
    seconds_left=nullable({"type": "number", "description": "Осталось секунд (оценка)."}),
    fraction=nullable({"type": "number", "description": "Доля сделанного, 0…1."}),
    state=text("running, paused, finished, failed, cancelled.", enum=list(STATE_WORDS)),
    state_words=text("Состояние словами."),
    stale={"type": "boolean", "description": "true — процесс задачи не отвечает."},
    control=nullable(text("Запрошенное оператором: pause, resume, cancel.")),
    outcome=text("Итог."), started_by=text("Кто запустил."), owner=text("Процесс."),
    started_at=TIME, updated_at=TIME, finished_at=nullable(TIME))


def _json(snap: Snapshot) -> dict[str, Any]:
    return {**snap.as_json(), "state_words": state_words(snap)}


@endpoint(doc=Doc(
    "Выполнение", "Выполнение",
    "Идущие и недавно завершённые длительные задачи (задания, обработка больших сообщений, "
    "повторная отправка ошибок): этап, сделано/всего, скорость, оценка оставшегося времени.",
    query=(Param("kind", "job, message или replay.", text("Вид.", enum=list(KIND_WORDS))),),
    replies={200: Reply("Задачи: сначала идущие.", obj(["items"], items=array(TASK)))}))
def api_list(request: Request, user: User, body: dict[str, Any]) -> Response:
    """GET /api/progress: running tasks first, then recent ones."""
    kind = request.query_params.get("kind", "")
    if kind and kind not in KIND_WORDS:
        raise ApiError(400, f"вид задачи «{kind}» неизвестен (job, message, replay)")
    return reply({"items": [_json(t) for t in progress.recent(console(request).db,
                                                               kind=kind)]})


@endpoint(doc=Doc(
    "Задача", "Выполнение", "Одна задача и её ход.", path={"id": "Идентификатор задачи."},
    replies={200: Reply("Задача.", TASK), 404: "Нет такой задачи."}))
def api_task(request: Request, user: User, body: dict[str, Any]) -> Response:
    """GET /api/progress/{id}: one task."""
    snap = progress.get(console(request).db, request.path_params["id"])
    if snap is None:
        raise ApiError(404, "нет такой задачи")
    return reply(_json(snap))


@endpoint(Role.operator, doc=Doc(
    "Пауза, продолжение или отмена повторной отправки", "Выполнение",
    "action — pause, resume или cancel; действует между пачками.",
    path={"id": "Идентификатор задачи.", "action": "pause, resume или cancel."},
    body=obj(), body_required=False,
    replies={200: Reply("Запрос принят.", obj(["id", "active"], id=text("Задача."),
                                                active={"type": "boolean",
                                                        "description": "Шла ли задача."})),
             404: "Нет такой повторной отправки или действия."}))
def api_action(request: Request, user: User, body: dict[str, Any]) -> Response:
    """POST /api/progress/{id}/{action}: pause, resume or cancel a bulk replay."""
    c = console(request)
    task_id, action = request.path_params["id"], request.path_params["action"]
    if action not in ACTIONS:
        raise ApiError(404, "действие — pause, resume или cancel")
    try:
        active = bulkreplay.control(c.db, c.ops, task_id, action, user=user.username,
                                    remote_addr=remote_addr(request))
    except LookupError as exc:
        raise ApiError(404, str(exc)) from None
    return reply({"id": task_id, "active": active})
