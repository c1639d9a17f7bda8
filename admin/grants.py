"""Four eyes on the strongest grants: the administrator role and personal-data access.

With the setting ``four_eyes_grants`` (on by default), one administrator only *requests*
such a grant; it takes effect when a second administrator approves it. Nobody may request
a grant for himself, and the requester cannot approve his own request (he may withdraw it
by rejecting it). Taking a right away needs no second approval. Requests are kept in the
table ``grant_requests``; the console audits each step.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from admin.users import Role, User, change_account
from contracts.envelope import utcnow
from storage.db import Database
from storage.models import grant_requests

gr = grant_requests.c


class Grant(enum.StrEnum):
    """What a request would grant."""

    administrator = "administrator"
    personal_data = "personal_data"

    @property
    def label(self) -> str:
        """The grant as the console names it."""
        return {"administrator": "роль administrator",
                "personal_data": "допуск к персональным данным"}[self.value]


@dataclass(frozen=True)
class GrantRequest:
    """A request for a grant, pending or decided."""

    id: int
    username: str
    grant: Grant
    requested_by: str
    requested_at: datetime
    state: str
    decided_by: str | None = None


def needed(user: User, grant: Grant) -> bool:
    """Whether ``user`` lacks what ``grant`` gives."""
    if grant is Grant.administrator:
        return user.role < Role.administrator
    return not user.personal_data


def request(db: Database, username: str, grant: Grant, requested_by: str) -> GrantRequest:
    """Record a pending request; raises ValueError for a grant to oneself or a duplicate."""
    if username == requested_by:
        raise ValueError("Нельзя выдать права самому себе: попросите другого администратора.")
    with db.transaction() as conn:
        open_one = conn.execute(sa.select(gr.id).where(gr.username == username)
                                .where(gr.grant == grant.value)
                                .where(gr.state == "pending")).first()
        if open_one is not None:
            raise ValueError(f"Запрос «{grant.label}» для {username} уже ждёт подтверждения.")
        now = utcnow()
        result = conn.execute(grant_requests.insert().values(
            username=username, grant=grant.value, requested_by=requested_by,
            requested_at=now, state="pending"))
    pk = result.inserted_primary_key
    assert pk is not None
    return GrantRequest(int(pk[0]), username, grant, requested_by, now, "pending")


def pending(db: Database) -> list[GrantRequest]:
    """Requests awaiting a decision, oldest first."""
    with db.read() as conn:
        rows = conn.execute(sa.select(grant_requests).where(gr.state == "pending")
                            .order_by(gr.id)).all()
    return [GrantRequest(int(r.id), str(r.username), Grant(r.grant), str(r.requested_by),
                         r.requested_at, str(r.state)) for r in rows]


def decide(db: Database, request_id: int, decided_by: str, approve: bool) -> GrantRequest:
    """Approve (apply) or reject a pending request, in one transaction.

    Raises LookupError for an unknown or already decided request, ValueError when
    ``decided_by`` requested it or would receive it and approves.
    """
    with db.transaction() as conn:
        row = conn.execute(sa.select(grant_requests).where(gr.id == request_id)).first()
        if row is None or row.state != "pending":
            raise LookupError(f"Запрос №{request_id} не найден или уже рассмотрен.")
        if approve and decided_by == row.requested_by:
            raise ValueError("Свой запрос подтверждает другой администратор.")
        if approve and decided_by == row.username:
            raise ValueError("Нельзя подтвердить выдачу прав самому себе.")
        state = "approved" if approve else "rejected"
        decided = conn.execute(grant_requests.update().where(gr.id == request_id)
                               .where(gr.state == "pending")  # a concurrent decision wins
                               .values(state=state, decided_by=decided_by,
                                       decided_at=utcnow())).rowcount
        if not decided:
            raise LookupError(f"Запрос №{request_id} не найден или уже рассмотрен.")
        grant = Grant(row.grant)
        if approve and grant is Grant.administrator:
            change_account(conn, row.username, "role-changed", role=Role.administrator.name)
        elif approve:
            change_account(conn, row.username, "personal-data-changed", personal_data=True)
    return GrantRequest(int(row.id), str(row.username), grant, str(row.requested_by),
                        row.requested_at, state, decided_by)

