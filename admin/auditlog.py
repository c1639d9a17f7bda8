"""Reading the audit log: who did what, when and why, newest first."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

import sqlalchemy as sa

from admin.privacy import Privacy
from admin.times import as_utc, parse_when
from storage.db import Database
from storage.models import audit_log

al = audit_log.c


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
    stmt = sa.select(audit_log)
    if flt.username:
        stmt = stmt.where(al.username == flt.username)
    if flt.action:
        stmt = stmt.where(action_condition(flt.action))
    if flt.target:
        stmt = stmt.where(al.target.startswith(flt.target, autoescape=True))
    if flt.since is not None:
        stmt = stmt.where(al.at >= flt.since)
    if flt.until is not None:
        stmt = stmt.where(al.at < flt.until)
    if before_id is not None:
        stmt = stmt.where(al.id < before_id)
    limit = max(1, min(limit, 500))
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
                "target": r.target,
                "reason": privacy.text(r.reason),
                # Details may hold an edited payload: shown as masked text for most users.
                "details": privacy.text(json.dumps(details, ensure_ascii=False, default=str)),
                "remote_addr": r.remote_addr,
            }
        )
    more = len(rows) > limit
    return out, (out[-1]["id"] if more and out else None)
