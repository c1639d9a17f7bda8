"""Components (ADM-3): health, queue depths and schedules with their controls."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from admin import schedules
from admin.auth import page
from admin.context import Console, console, flash, remote_addr, render
from admin.health_words import lines, queue_rows, status_text
from admin.users import Role, User
from hub.bus import QueueStats, Unknown

HEALTHY = frozenset({"ok", "healthy", "up", "running", "pass", "disabled"})
"""Statuses that are no failure; ``disabled``: installed, left unconfigured on purpose."""


def is_healthy(state: Any) -> bool:
    """Whether a component's health entry reports it healthy."""
    if isinstance(state, dict):
        return str(state.get("status", "")).lower() in HEALTHY
    return str(state).lower() in HEALTHY


def read_health(c: Console) -> dict[str, dict[str, Any]]:
    """Each component's health, a failing probe reported as such rather than raised."""
    if c.health is None:
        return {}
    try:
        raw = c.health()
    except Exception as exc:  # noqa: BLE001 - the page must show the failure, not crash
        return {"health": {"status": "error", "detail": f"состояние не получено: {exc}"}}
    return {
        str(name): dict(state) if isinstance(state, dict) else {"status": str(state)}
        for name, state in raw.items()
    }


def read_queues(c: Console) -> dict[str, QueueStats | None]:
    """What the broker says about each queue: the console's ``queue_stats`` probe, else the
    ready counts of ``queue_depths`` (the other figures then unknown); empty when the probe
    failed (a broker outage)."""
    if c.queue_stats is not None:
        try:
            return dict(c.queue_stats())
        except Exception:  # noqa: BLE001 - a broker outage shows as no figures
            return {}
    return {q: None if d is None else QueueStats(q, d, unknown=Unknown.NOT_REPORTED)
            for q, d in read_depths(c).items()}


def read_depths(c: Console) -> dict[str, int | None]:
    """Ready messages per queue (None when a queue is missing or the probe failed)."""
    if c.queue_stats is not None:
        return {q: None if s is None else s.ready for q, s in read_queues(c).items()}
    if c.queue_depths is None:
        return {}
    try:
        return dict(c.queue_depths())
    except Exception:  # noqa: BLE001 - a broker outage shows as unknown depths
        return {}


@page()
def components_page(request: Request, user: User, form: FormData) -> Response:
    """Health of every component, queue depths and the schedules."""
    c = console(request)
    health = read_health(c)
    return render(
        request,
        "components.html",
        {
            "health": [
                {"name": k, "healthy": is_healthy(v), "status": status_text(v.get("status")),
                 "lines": lines(k, v, c.tz)}
                for k, v in sorted(health.items())],
            "queues": queue_rows(read_queues(c)),
            "schedules": schedules.all_schedules(c.db),
            "has_health": c.health is not None,
            "has_queues": c.queue_stats is not None or c.queue_depths is not None,
        },
    )


def _done(request: Request, text: str, level: str = "info") -> Response:
    flash(request, text, level)
    return RedirectResponse("/components#schedules", status_code=303)


def _failed(request: Request, user: User, action: str, name: str, exc: Exception,
            **details: object) -> Response:
    """Audit a schedule change that failed (``<action>-failed``) and say why."""
    console(request).ops.audit(user.username, f"{action}-failed", target=name,
                               remote_addr=remote_addr(request),
                               details={**details, "error": str(exc)})
    return _done(request, str(exc), "error")


@page(Role.operator)
def run_now(request: Request, user: User, form: FormData) -> Response:
    """Ask the scheduler to run a job once, now."""
    c = console(request)
    name = request.path_params["name"]
    try:
        schedules.request_run(c.db, name, user=user.username)
    except LookupError as exc:
        return _failed(request, user, "schedule-run", name, exc)
    c.ops.audit(user.username, "schedule-run", target=name, remote_addr=remote_addr(request))
    return _done(request, f"Запуск «{name}» запрошен.")


@page(Role.administrator)
def set_enabled(request: Request, user: User, form: FormData) -> Response:
    """Enable or disable a schedule."""
    c = console(request)
    name = request.path_params["name"]
    enabled = form.get("enabled") == "1"
    try:
        schedules.set_enabled(c.db, name, enabled, user=user.username)
    except LookupError as exc:
        return _failed(request, user, "schedule-enable" if enabled else "schedule-disable",
                       name, exc)
    c.ops.audit(user.username, "schedule-enable" if enabled else "schedule-disable",
                target=name, remote_addr=remote_addr(request))
    return _done(request, f"Расписание «{name}» {'включено' if enabled else 'выключено'}.")


@page(Role.administrator)
def set_cron(request: Request, user: User, form: FormData) -> Response:
    """Change a schedule's cron expression (validated)."""
    c = console(request)
    name = request.path_params["name"]
    cron = str(form.get("cron", "")).strip()
    before = schedules.get_schedule(c.db, name)
    try:
        schedules.set_cron(c.db, name, cron, user=user.username)
    except (LookupError, ValueError) as exc:
        return _failed(request, user, "schedule-cron", name, exc, cron=cron)
    c.ops.audit(user.username, "schedule-cron", target=name, remote_addr=remote_addr(request),
                details={"cron": cron, "previous": before["cron"] if before else None})
    return _done(request, f"Расписание «{name}»: {cron}.")
