"""The buffer queue in the console (ERZ-6): what waits for the fund, and the decisions.

An approval applies the stored operation through :func:`handlers.erz.buffer.approve`, and
the ``erz.person.changed`` events of what it changed and one ``erz.buffer.decided`` (what
the ERZ handler follows up: a death approved from a ЗАГС record sends the STOPLIST and the
clinic's notice) are taken in by the console in the same transaction, together with the
audit row: the decision, its events and its audit
commit together or not at all. A refused approval stays pending with its error code (the
attempt is audited too); a rejection leaves the register untouched.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel

from admin.extensions import ConsoleContext
from admin.privacy import Privacy
from contracts.erz_register import BufferDecidedV1
from handlers.erz import buffer
from handlers.erz import models as m
from handlers.erz.console.views import ref, shown
from handlers.erz.service import changed_events

APPROVE, REJECT = "erz-buffer-approve", "erz-buffer-reject"
"""Audit actions of the decisions."""
KINDS = {
    "issue_policy": "выдача полиса", "temporary_certificate": "временное свидетельство",
    "reinsure": "смена СМО", "edit": "изменение данных", "annul_policy": "аннулирование полиса",
    "stop_policy": "прекращение полиса", "death": "смерть (ЗАГС)",
}


def masked(value: Any, privacy: Privacy, key: str = "") -> Any:
    """A stored operation (nested JSON) with every personal field masked by its name."""
    if isinstance(value, Mapping):
        return {k: masked(v, privacy, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v, privacy, key) for v in value]
    if isinstance(value, str | int) and not isinstance(value, bool) and key:
        return shown(privacy, key, value) if value != "" else value
    return value


def item_view(item: buffer.BufferItem, privacy: Privacy,
              person_id: int | None = None) -> dict[str, Any]:
    """One buffer item as the queue shows it (``person_id``: the link to the card)."""
    return {
        "id": item.id, "kind": item.kind, "kind_text": KINDS.get(item.kind, item.kind),
        "ref": ref(person_id, item.enp or "", privacy) if person_id is not None else "",
        "enp": shown(privacy, "enp", item.enp),
        "organisation": item.organisation or "", "why": item.why, "status": item.status,
        "created_at": item.created_at, "component": item.source.component,
        "source_user": item.source.user or "", "source_file": item.source.file or "",
        "source_message_id": item.source.message_id or "",
        "operation": masked(item.payload, privacy),
        "candidate": masked(item.candidate, privacy) if item.candidate else None,
        "last_error": item.last_error, "decided_by": item.decided_by or "",
        "note": item.note or "",
    }


def pending(ctx: ConsoleContext, privacy: Privacy) -> list[dict[str, Any]]:
    """Items waiting for a decision, oldest first."""
    with ctx.db.read() as conn:
        items = buffer.pending(conn)
        enps = {i.enp for i in items if i.enp}
        ids = {str(r.enp): int(r.id) for r in conn.execute(
            sa.select(m.persons.c.enp, m.persons.c.id).where(m.persons.c.enp.in_(enps)))}
    return [item_view(i, privacy, ids.get(i.enp or "")) for i in items]


@dataclass(frozen=True)
class Outcome:
    """What a decision did: the item's new status, the refusal, the events sent."""

    item_id: int
    status: str
    error_code: str | None = None
    error_text: str = ""
    events: int = 0


def decide(ctx: ConsoleContext, item_id: int, approve: bool, *, user: str, note: str,
           remote_addr: str = "", enp: str | None = None) -> Outcome:
    """Approve or reject one pending item on behalf of ``user`` (audited).

    Raises :class:`handlers.erz.buffer.NotPending` when the item is not pending, and
    ValueError when a rejection comes without a note.
    """
    note = note.strip()
    if not approve and not note:
        raise ValueError("Укажите, почему изменение отклонено: это попадёт в журнал аудита.")
    with ctx.db.transaction() as conn:
        if approve:
            decision = buffer.approve(conn, item_id, user, note, enp=enp or None)
        else:
            decision = buffer.reject(conn, item_id, user, note)
        events: list[BaseModel] = list(changed_events(decision.changes))
        if decision.status != buffer.PENDING:
            item = buffer.get(conn, item_id)
            events.append(BufferDecidedV1(
                item_id=item_id, kind=item.kind, status=decision.status, enp=item.enp,
                decided_by=user, change_ids=[c.id for c in decision.changes]))
        sent = ctx.publish_in(conn, events)
        error = decision.error
        ctx.audit_in(conn, user, APPROVE if approve else REJECT, target=f"erz.buffer/{item_id}",
                     reason=note, details={
                         "status": decision.status, "changes": len(decision.changes),
                         "events": [e.id for e in sent],
                         **({"error": error.code, "detail": str(error)} if error else {})},
                     remote_addr=remote_addr)
    ctx.flush()
    return Outcome(item_id, decision.status, error.code if error else None,
                   str(error) if error else "", len(sent))
