"""Reading the audit log: who did what, when and why, newest first."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

import sqlalchemy as sa

from admin.listing import Total, count
from admin.privacy import Privacy
from admin.times import as_utc, parse_when
from storage.db import Database
from storage.models import audit_log

al = audit_log.c
MAX_LIMIT = 500
"""Rows per page at most."""


@dataclass(frozen=True)
class AuditFilter:
    """Filters of the audit page: user, action, target (prefix) and period."""

    username: str = ""
    action: str = ""
    target: str = ""
    since: datetime | None = None
    until: datetime | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, str], tz: tzinfo) -> AuditFilter:
        """Read the query string; raises ValueError for a bad date."""
        return cls(
            username=params.get("username", "").strip(),
            action=params.get("action", "").strip(),
            target=params.get("target", "").strip(),
            since=parse_when(params.get("from"), tz),
            until=parse_when(params.get("to"), tz),
        )


    def conditions(self) -> list[sa.ColumnElement[bool]]:
        """SQL conditions for the given fields."""
        where: list[sa.ColumnElement[bool]] = []
        if self.username:
            where.append(al.username == self.username)
        if self.action:
            where.append(action_condition(self.action))
        if self.target:
            where.append(al.target.startswith(self.target, autoescape=True))
        if self.since is not None:
            where.append(al.at >= self.since)
        if self.until is not None:
            where.append(al.at < self.until)
        return where


def total(db: Database, flt: AuditFilter) -> Total:
    """How many audit records match ``flt`` (counted up to a bound)."""
    with db.read() as conn:
        return count(conn, sa.select(al.id).where(*flt.conditions()))


KNOWN_ACTIONS = (
    "login", "logout", "login-failed", "login-locked", "access-denied", "csrf-failed",
    "user-add", "user-role", "user-personal-data", "user-disabled", "user-password",
    "grant-requested", "grant-approved", "grant-rejected",
    "replay", "edit-and-replay", "replay-message", "discard", "replay-matched-nothing",
    "replay-failed", "discard-failed", "replay-group-failed", "bulk-replay-failed",
    "schedule-run", "schedule-enable", "schedule-disable", "schedule-cron", "schedule-edit",
    "person-view", "message-view", "person-search", "blob-download", "erz-export",
    "soap-login-failed", "soap-login-locked", "*-failed",
)
"""Suggestions of the action filter (any action name, ``*`` or a comma list is accepted)."""

PRESETS = (
    ("Отказы", "access-denied,csrf-failed,login-locked,login-failed"),
    ("Неудачные действия", "*-failed"),
    ("Повтор без совпадений", "replay-matched-nothing"),
    ("Права", "user-*,grant-*"),
    ("Кто видел ПДн", "person-view,message-view,person-search,blob-download,erz-export"),
    ("Вход в SOAP", "soap-login-*"),
)
"""Ready-made filters of the audit page: title and action filter."""


ACTION_LABELS: dict[str, str] = {
    "login": "Вход в консоль",
    "logout": "Выход из консоли",
    "login-failed": "Неудачный вход",
    "login-locked": "Вход заблокирован после неудачных попыток",
    "access-denied": "Отказ в доступе",
    "csrf-failed": "Отказ: форма устарела (CSRF)",
    "user-add": "Создание пользователя",
    "user-role": "Смена роли",
    "user-personal-data": "Допуск к персональным данным",
    "user-disabled": "Отключение или включение пользователя",
    "user-password": "Смена пароля",
    "grant-requested": "Запрос прав (второй администратор)",
    "grant-approved": "Права подтверждены",
    "grant-rejected": "Запрос прав отклонён",
    "grant-approve": "Подтверждение прав",
    "grant-reject": "Отклонение запроса прав",
    "replay": "Повтор ошибки доставки",
    "edit-and-replay": "Повтор ошибки доставки с изменёнными данными",
    "replay-message": "Повторная отправка сообщения",
    "edit-and-replay-message": "Повторная отправка сообщения с изменёнными данными",
    "discard": "Ошибка доставки отброшена",
    "replay-matched-nothing": "Повтор по фильтру: ничего не найдено",
    "replay-group": "Повтор группы ошибок",
    "bulk-replay": "Повтор ошибок по фильтру",
    "replay-dead-letter": "Повтор ошибки доставки (API)",
    "replay-dead-letters": "Повтор ошибок по фильтру (API)",
    "discard-dead-letter": "Ошибка доставки отброшена (API)",
    "schedule-run": "Запуск задания вручную",
    "run-schedule": "Запуск задания вручную (API)",
    "schedule-enable": "Расписание включено",
    "schedule-disable": "Расписание выключено",
    "schedule-cron": "Изменено время запуска (cron)",
    "schedule-edit": "Изменено расписание",
    "edit-schedule": "Изменение расписания (API)",
    "person-view": "Просмотр карточки человека без маскирования",
    "message-view": "Просмотр сообщения без маскирования",
    "person-search": "Поиск человека",
    "blob-download": "Скачивание исходных данных",
    "journal-export": "Выгрузка журнала в Excel",
    "audit-export": "Выгрузка журнала аудита в Excel",
}
"""The hub's own audit actions in words (extensions add theirs: :func:`register_labels`);
a ``…-failed`` action is its action's label with «не удалось»."""

_FAILED = "-failed"


def register_labels(labels: Mapping[str, str]) -> None:
    """Add an extension's audit actions in words (call it when the extension is built)."""
    ACTION_LABELS.update(labels)


def action_label(action: str) -> str:
    """What an audit action is called on the page; an unknown one keeps its name."""
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    if action.endswith(_FAILED) and action[: -len(_FAILED)] in ACTION_LABELS:
        return f"{ACTION_LABELS[action[: -len(_FAILED)]]}: не удалось"
    return action


def action_condition(text: str) -> sa.ColumnElement[bool]:
    """Rows whose action is one of the comma-separated names; ``*`` matches any characters."""
    conditions: list[sa.ColumnElement[bool]] = []
    for name in (n.strip() for n in text.split(",")):
        if not name:
            continue
        if "*" in name:
            pattern = (name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                       .replace("*", "%"))
            conditions.append(al.action.like(pattern, escape="\\"))
        else:
            conditions.append(al.action == name)
    return sa.or_(*conditions) if conditions else sa.true()


def entries(
    db: Database,
    flt: AuditFilter,
    privacy: Privacy,
    *,
    before_id: int | None = None,
    limit: int = 100,
) -> tuple[list[dict[str, Any]], int | None]:
    """A page of audit records and the ``before_id`` of the next (older) page."""
    stmt = sa.select(audit_log).where(*flt.conditions())
    if before_id is not None:
        stmt = stmt.where(al.id < before_id)
    limit = max(1, min(limit, MAX_LIMIT))
    with db.read() as conn:
        rows = conn.execute(stmt.order_by(al.id.desc()).limit(limit + 1)).all()
    out = []
    for r in rows[:limit]:
        try:
            details = json.loads(r.details or "{}")
        except ValueError:
            details = {"text": r.details}
        out.append(
            {
                "id": int(r.id),
                "at": as_utc(r.at),
                "username": r.username,
                "action": r.action,
                "action_label": action_label(r.action),
                "target": r.target,
                "reason": privacy.text(r.reason),
                # Details may hold an edited payload: shown as masked text for most users.
                "details": privacy.text(json.dumps(details, ensure_ascii=False, default=str)),
                "remote_addr": r.remote_addr,
            }
        )
    more = len(rows) > limit
    return out, (out[-1]["id"] if more and out else None)
