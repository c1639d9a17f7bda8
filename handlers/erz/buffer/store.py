"""The buffer (ERZ-6): changes that wait for the fund's approval, then are applied or not.

A flow that meets a change the fund must decide (an insurer taking a person insured
elsewhere, an identity edit, an unmatched ЗАГС death…) calls :func:`propose` with the
replayable operation (:mod:`handlers.erz.register.operations`) instead of applying it. An operator
sees :func:`pending` items and calls :func:`approve` — the stored operation is applied
through :class:`Register` in the caller's transaction and the item becomes ``applied`` —
or :func:`reject`, which leaves the register untouched. Nothing here commits.

An item that names its person only by the record's keys (``candidate``) is approved onto
a ЕНП only when the person's surname, name, patronymic and birth date agree with the
record, or the operator confirms the difference with a reason
(:mod:`handlers.erz.buffer.identity`): the confirmation and the differences are kept in the
item's payload (``identity_confirmed``).

Statuses: ``pending`` → ``applied`` (approved and applied) or ``rejected``. An approval the
register refuses leaves the item ``pending`` with ``last_error`` (code, field, message) so
the operator can reject it or approve it again once the cause is gone. ``approved`` is
reserved for an approval whose application is deferred.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from contracts.envelope import utcnow
from contracts.erz.register import Change, Source
from handlers.erz import models as m
from handlers.erz.buffer import identity
from handlers.erz.register.core import Register
from handlers.erz.register.dictionaries import Dictionaries
from handlers.erz.register.errors import ErzError
from handlers.erz.register.operations import apply_operation

PENDING, APPROVED, REJECTED, APPLIED = "pending", "approved", "rejected", "applied"
COMPONENT = "erz.buffer"


@dataclass(frozen=True)
class BufferItem:
    """One proposed change: what, for whom, from where, why it waits, what was decided."""

    id: int
    kind: str
    enp: str | None
    candidate: dict[str, Any] | None
    payload: dict[str, Any]
    organisation: str | None
    source: Source
    why: str
    status: str
    created_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None
    note: str | None = None
    last_error: dict[str, Any] | None = None


@dataclass(frozen=True)
class Decision:
    """The outcome of :func:`approve`: applied with its changes, or refused with a code."""

    id: int
    status: str
    changes: list[Change] = field(default_factory=list)
    error: ErzError | None = None
    mismatches: list[identity.Mismatch] = field(default_factory=list)
    """Differences between the record and the person the operator confirmed."""

    @property
    def applied(self) -> bool:
        """The operation is in the register now."""
        return self.status == APPLIED


class NotPending(LookupError):
    """The item does not exist or was already decided."""


def _item(row: RowMapping) -> BufferItem:
    return BufferItem(
        id=int(row["id"]), kind=row["kind"], enp=row["enp"], candidate=row["candidate"],
        payload=row["payload"], organisation=row["organisation"],
        source=Source(row["component"], row["user_name"], row["source_message_id"],
                      row["source_file"]),
        why=row["why"], status=row["status"], created_at=row["created_at"],
        decided_by=row["decided_by"], decided_at=row["decided_at"], note=row["note"],
        last_error=row["last_error"])


def propose(conn: Connection, kind: str, payload: dict[str, Any], why: str, source: Source,
            organisation: str | None, *, candidate: dict[str, Any] | None = None,
            clock: Callable[[], datetime] = utcnow) -> int:
    """Put an operation in the buffer as ``pending``; returns the item's id."""
    key = conn.execute(m.buffer.insert(), {
        "kind": kind, "enp": payload.get("enp"), "candidate": candidate, "payload": payload,
        "organisation": organisation, "component": source.component,
        "user_name": source.user, "source_message_id": source.message_id,
        "source_file": source.file, "why": why, "status": PENDING,
        "created_at": clock()}).inserted_primary_key
    assert key is not None
    return int(key[0])


def revise(conn: Connection, item_id: int, payload: dict[str, Any], why: str, *,
           candidate: dict[str, Any] | None = None) -> int:
    """Replace a pending item's operation, keys and why (its record was corrected at the
    source); returns the item's id (NotPending when it was decided meanwhile)."""
    _lock_pending(conn, item_id)
    conn.execute(m.buffer.update().where(m.buffer.c.id == item_id).values(
        enp=payload.get("enp"), payload=payload, candidate=candidate, why=why,
        last_error=None))
    return item_id


def settle(conn: Connection, item_id: int, user: str, note: str, enp: str | None, *,
           clock: Callable[[], datetime] = utcnow) -> None:
    """Mark a pending item ``applied`` by the flow that proposed it (its corrected record
    applied at once), so that no operator applies it a second time."""
    _lock_pending(conn, item_id)
    conn.execute(m.buffer.update().where(m.buffer.c.id == item_id).values(
        status=APPLIED, enp=enp, decided_by=user, decided_at=clock(), note=note,
        last_error=None))


def get(conn: Connection, item_id: int) -> BufferItem:
    """One item (LookupError when there is none)."""
    row = conn.execute(sa.select(m.buffer).where(m.buffer.c.id == item_id)).mappings().first()
    if row is None:
        raise NotPending(f"изменения № {item_id} в буфере нет")
    return _item(row)


def pending(conn: Connection, kind: str | None = None, *,
            organisation: str | None = None) -> list[BufferItem]:
    """Items waiting for a decision, oldest first."""
    query = sa.select(m.buffer).where(m.buffer.c.status == PENDING)
    if kind is not None:
        query = query.where(m.buffer.c.kind == kind)
    if organisation is not None:
        query = query.where(m.buffer.c.organisation == organisation)
    return [_item(r) for r in conn.execute(query.order_by(m.buffer.c.id)).mappings()]


STATUSES = (PENDING, APPLIED, REJECTED, APPROVED)
STATE_WORDS = {PENDING: "ждёт решения", APPLIED: "применено", REJECTED: "отклонено",
               APPROVED: "одобрено"}
"""An item's state in words (what the console says)."""


@dataclass(frozen=True)
class BufferFilter:
    """Which items a listing shows; an empty value does not narrow."""

    kind: str = ""
    status: str = PENDING
    organisation: str = ""
    enp: str = ""
    since: datetime | None = None
    """Proposed at or after."""
    until: datetime | None = None
    """Proposed before."""

    def where(self) -> list[Any]:
        """The filter as SQL conditions on the buffer table."""
        t = m.buffer.c
        found: list[Any] = []
        for column, value in ((t.kind, self.kind), (t.status, self.status),
                              (t.organisation, self.organisation), (t.enp, self.enp)):
            if value:
                found.append(column == value)
        if self.since is not None:
            found.append(t.created_at >= self.since)
        if self.until is not None:
            found.append(t.created_at < self.until)
        return found


def listing(conn: Connection, chosen: BufferFilter, *, offset: int = 0,
            limit: int = 50) -> tuple[list[BufferItem], int]:
    """One page of the items a filter matches, and how many it matches: waiting items
    oldest first (a queue), decided ones newest first."""
    where = chosen.where()
    total = int(conn.execute(sa.select(sa.func.count()).select_from(m.buffer).where(*where))
                .scalar() or 0)
    order = m.buffer.c.id if chosen.status == PENDING else m.buffer.c.id.desc()
    rows = conn.execute(sa.select(m.buffer).where(*where).order_by(order)
                        .offset(max(offset, 0)).limit(limit)).mappings()
    return [_item(r) for r in rows], total


def choices(conn: Connection) -> tuple[list[str], list[str]]:
    """The kinds and the organisations the buffer holds items of (for a filter's lists)."""
    kinds = conn.execute(sa.select(m.buffer.c.kind).distinct().order_by(m.buffer.c.kind))
    orgs = conn.execute(sa.select(m.buffer.c.organisation).distinct()
                        .where(m.buffer.c.organisation.is_not(None))
                        .order_by(m.buffer.c.organisation))
    return [str(k) for k in kinds.scalars()], [str(o) for o in orgs.scalars()]


def _lock_pending(conn: Connection, item_id: int) -> BufferItem:
    row = conn.execute(sa.select(m.buffer).where(m.buffer.c.id == item_id)
                       .with_for_update()).mappings().first()
    if row is None or row["status"] != PENDING:
        raise NotPending(f"изменения № {item_id} в буфере нет" if row is None else
                         f"изменение № {item_id} уже не ждёт решения (состояние: "
                         f"{STATE_WORDS.get(row['status'], row['status'])})")
    return _item(row)


def approve(conn: Connection, item_id: int, user: str, note: str = "", *,
            enp: str | None = None, confirm_mismatch: str = "",
            dictionaries: Dictionaries | None = None,
            clock: Callable[[], datetime] = utcnow) -> Decision:
    """Apply the item's operation on behalf of ``user`` and mark it ``applied``.

    ``enp`` names the person when the proposal had only candidate keys (an unmatched
    record). A person who differs from those keys raises
    :class:`handlers.erz.buffer.identity.IdentityMismatch` (nothing written) unless
    ``confirm_mismatch`` gives the operator's reason. A refusal of the register rolls back
    what the operation wrote, keeps the item pending with its ``last_error`` and is
    returned, not raised.
    """
    item = _lock_pending(conn, item_id)
    payload = dict(item.payload) | ({"enp": enp} if enp else {})
    payload.pop(identity.CONFIRMED, None)
    found = identity.check(conn, item.candidate, payload.get("enp"), confirm_mismatch,
                           record_date(payload))
    if found:
        payload[identity.CONFIRMED] = {
            "by": user, "reason": confirm_mismatch.strip(),
            "mismatches": [x.as_dict() for x in found]}
    register = Register(conn, Source(COMPONENT, user, item.source.message_id,
                                     item.source.file), dictionaries=dictionaries,
                        clock=clock)
    try:
        with conn.begin_nested():
            apply_operation(register, item.kind, payload)
    except ErzError as exc:
        conn.execute(m.buffer.update().where(m.buffer.c.id == item_id).values(last_error={
            "code": exc.code, "failures": [{"code": f.code, "field": f.field,
                                            "message": f.message} for f in exc.failures]}))
        return Decision(item_id, PENDING, error=exc, mismatches=found)
    conn.execute(m.buffer.update().where(m.buffer.c.id == item_id).values(
        status=APPLIED, enp=payload.get("enp"), payload=payload, decided_by=user,
        decided_at=clock(), note=note or None, last_error=None))
    return Decision(item_id, APPLIED, list(register.changes), mismatches=found)


def record_date(payload: dict[str, Any]) -> date | None:
    """The date the record speaks of (a death's), to compare the person's data as of it."""
    raw = (payload.get("death") or {}).get("death_date")
    return date.fromisoformat(raw) if isinstance(raw, str) else None


def reject(conn: Connection, item_id: int, user: str, note: str = "", *,
           clock: Callable[[], datetime] = utcnow) -> Decision:
    """Mark the item ``rejected``; the register is not touched."""
    _lock_pending(conn, item_id)
    conn.execute(m.buffer.update().where(m.buffer.c.id == item_id).values(
        status=REJECTED, decided_by=user, decided_at=clock(), note=note or None))
    return Decision(item_id, REJECTED)
