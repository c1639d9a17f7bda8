"""The buffer queue in the console (ERZ-6): what waits for the fund, and the decisions.

An approval applies the stored operation through :func:`handlers.erz.buffer.store.approve`, and
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
from datetime import date
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.engine import Connection

from admin.extensions import ConsoleContext
from admin.privacy import Privacy
from contracts.erz.register import PersonState
from contracts.erz_register import BufferDecidedV1
from handlers.erz import models as m
from handlers.erz.buffer import identity
from handlers.erz.buffer import store as buffer
from handlers.erz.console import proposals
from handlers.erz.console.protocols import file_name
from handlers.erz.console.views import ref, shown
from handlers.erz.register import queries
from handlers.erz.register.errors import ErzError
from handlers.erz.service import changed_events

APPROVE, REJECT = "erz-buffer-approve", "erz-buffer-reject"
"""Audit actions of the decisions."""
KINDS = proposals.KINDS
"""Kinds of buffered operations in words."""
STATUSES = buffer.STATE_WORDS
"""An item's state in words."""


NOT_PERSONAL = frozenset({"reason"})
"""Keys of a stored operation whose values are the register's dictionaries, not personal
data: a reason's ``text`` is "смерть (сведения ЗАГС)", not an address."""


def masked(value: Any, privacy: Privacy, key: str = "") -> Any:
    """A stored operation (nested JSON) with every personal field masked by its name, and
    identifiers (СНИЛС, ЕНП) masked in every other text."""
    if isinstance(value, Mapping):
        return {k: privacy_free(v, privacy) if k in NOT_PERSONAL else masked(v, privacy, str(k))
                for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v, privacy, key) for v in value]
    if isinstance(value, str | int) and not isinstance(value, bool) and key:
        if value == "":
            return value
        text = shown(privacy, key, value)
        return privacy.text(text) if text == str(value) and isinstance(value, str) else text
    return value


def privacy_free(value: Any, privacy: Privacy) -> Any:
    """A non-personal part of an operation: only identifiers in its text are masked."""
    if isinstance(value, Mapping):
        return {k: privacy_free(v, privacy) for k, v in value.items()}
    if isinstance(value, list):
        return [privacy_free(v, privacy) for v in value]
    return privacy.text(value) if isinstance(value, str) else value


def item_view(item: buffer.BufferItem, privacy: Privacy, person_id: int | None = None,
              state: PersonState | None = None) -> dict[str, Any]:
    """One buffer item as the queue shows it: in words, beside the person's current state
    (``state``), masked (``person_id``: the link to the card)."""
    return {
        "id": item.id, "kind": item.kind, "kind_text": proposals.kind_text(item.kind),
        "sentence": proposals.sentence(item.kind, item.payload, privacy),
        "reason": proposals.reason_text(item.payload, privacy),
        "differences": proposals.differences(item.kind, item.payload, state, privacy)
        if item.enp else [],
        "ref": ref(person_id, item.enp or "", privacy) if person_id is not None else "",
        "enp": shown(privacy, "enp", item.enp),
        "organisation": item.organisation or "", "why": privacy.text(item.why),
        "status": item.status, "status_text": STATUSES.get(item.status, item.status),
        "created_at": item.created_at, "component": item.source.component,
        "source_user": item.source.user or "",
        "source_text": proposals.source_text(item.source.component, item.source.user or ""),
        "source_file": file_name(privacy, item.source.file),
        "source_message_id": item.source.message_id or "",
        "operation": masked(item.payload, privacy),
        "candidate": masked(item.candidate, privacy) if item.candidate else None,
        "last_error": item.last_error, "decided_by": item.decided_by or "",
        "decided_at": item.decided_at, "note": privacy.text(item.note or ""),
    }


def pending(ctx: ConsoleContext, privacy: Privacy,
            chosen: Mapping[int, str] | None = None) -> list[dict[str, Any]]:
    """Items waiting for a decision, oldest first, each with its record and person side
    by side (``identity``; ``chosen``: the ЕНП an operator typed for an item, by its id)."""
    with ctx.db.read() as conn:
        items = buffer.pending(conn)
        return views_of(conn, items, privacy, chosen)


def listed(ctx: ConsoleContext, privacy: Privacy, wanted: buffer.BufferFilter, *,
           offset: int = 0, limit: int = 50, today: date | None = None,
           chosen: Mapping[int, str] | None = None) -> tuple[list[dict[str, Any]], int]:
    """One page of the items a filter matches, in words and side by side; the total."""
    with ctx.db.read() as conn:
        items, total = buffer.listing(conn, wanted, offset=offset, limit=limit)
        return views_of(conn, items, privacy, chosen, today), total


def views_of(conn: Connection, items: list[buffer.BufferItem], privacy: Privacy,
             chosen: Mapping[int, str] | None = None,
             today: date | None = None) -> list[dict[str, Any]]:
    """The items as the queue shows them, each with its person's current state."""
    enps = {i.enp for i in items if i.enp}
    ids = {str(r.enp): int(r.id) for r in conn.execute(
        sa.select(m.persons.c.enp, m.persons.c.id).where(m.persons.c.enp.in_(enps)))}
    on = today or date.today()
    states = {enp: _state(conn, enp, on) for enp in enps if enp in ids}
    sides = {i.id: comparison(conn, i, privacy, (chosen or {}).get(i.id))
             for i in items if i.status == buffer.PENDING}
    return [item_view(i, privacy, ids.get(i.enp or ""), states.get(i.enp or ""))
            | {"identity": sides.get(i.id)} for i in items]


def _state(conn: Connection, enp: str, on: date) -> PersonState | None:
    try:
        return queries.person_as_of(conn, enp, on)
    except ErzError:
        return None


_SHOWN_AS = {"document": "number"}
"""The mask of a compared key that is not a register column of the same name."""


def _day(value: str | None) -> str | None:
    """``1941-05-09`` → ``09.05.1941``; any other text as it is."""
    if value and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return f"{value[8:]}.{value[5:7]}.{value[:4]}"
    return value


def comparison(conn: Connection, item: buffer.BufferItem, privacy: Privacy,
               enp: str | None = None) -> dict[str, Any] | None:
    """The record (the item's candidate keys) and the person it would be applied to
    (``enp``, else the item's own) side by side, differences marked, values masked as
    everywhere; None for an item that names its person without a record to compare."""
    if not item.candidate:
        return None
    chosen = (enp or item.enp or "").strip()
    record = identity.record_keys(item.candidate)
    person = identity.person_keys(conn, chosen, buffer.record_date(item.payload)) \
        if chosen else None
    differ = {x.field for x in identity.mismatches(item.candidate, person)} if person else set()
    rows = [{"key": key, "label": label, "differs": key in differ,
             "record": shown(privacy, _SHOWN_AS.get(key, key), _day(record[key])),
             "person": shown(privacy, _SHOWN_AS.get(key, key), _day((person or {}).get(key)))}
            for key, label in identity.SHOWN]
    return {"chosen": shown(privacy, "enp", chosen), "typed": bool(enp), "found": bool(person),
            "unknown": bool(chosen) and person is None, "differs": bool(differ), "rows": rows}


@dataclass(frozen=True)
class Outcome:
    """What a decision did: the item's new status, the refusal, the events sent."""

    item_id: int
    status: str
    error_code: str | None = None
    error_text: str = ""
    events: int = 0


def decide(ctx: ConsoleContext, item_id: int, approve: bool, *, user: str, note: str,
           remote_addr: str = "", enp: str | None = None, confirm_mismatch: bool = False,
           mismatch_reason: str = "") -> Outcome:
    """Approve or reject one pending item on behalf of ``user`` (audited).

    Raises :class:`handlers.erz.buffer.store.NotPending` when the item is not pending,
    :class:`handlers.erz.buffer.identity.IdentityMismatch` (a ValueError; the refusal audited,
    nothing applied) when the record and the chosen person differ and the operator did not
    confirm it with ``confirm_mismatch`` and a ``mismatch_reason``, and ValueError when a
    rejection comes without a note or a confirmation without its reason.
    """
    note = note.strip()
    reason = mismatch_reason.strip() if confirm_mismatch else ""
    if not approve and not note:
        raise ValueError("Укажите, почему изменение отклонено: это попадёт в журнал аудита.")
    if approve and confirm_mismatch and not reason:
        raise ValueError("Укажите причину, по которой вы подтверждаете несовпадение сведений "
                         "записи и ЗЛ: она попадёт в журнал аудита.")
    try:
        with ctx.db.transaction() as conn:
            if approve:
                decision = buffer.approve(conn, item_id, user, note, enp=enp or None,
                                          confirm_mismatch=reason)
            else:
                decision = buffer.reject(conn, item_id, user, note)
            sent = ctx.publish_in(conn, _events(conn, decision, user, reason))
            error = decision.error
            ctx.audit_in(conn, user, APPROVE if approve else REJECT,
                         target=f"erz.buffer/{item_id}", reason=note, details={
                             "status": decision.status, "changes": len(decision.changes),
                             "events": [e.id for e in sent],
                             **_confirmed(decision.mismatches, reason),
                             **({"error": error.code, "detail": str(error)} if error else {})},
                         remote_addr=remote_addr)
    except identity.IdentityMismatch as exc:
        ctx.ops.audit(user, APPROVE, target=f"erz.buffer/{item_id}", reason=note, details={
            "status": "refused", "enp": exc.enp, "error": "identity_mismatch",
            "mismatches": [x.as_dict() for x in exc.mismatches]}, remote_addr=remote_addr)
        raise
    ctx.flush()
    return Outcome(item_id, decision.status, error.code if error else None,
                   str(error) if error else "", len(sent))


def _events(conn: Connection, decision: buffer.Decision, user: str,
            reason: str) -> list[BaseModel]:
    """What a decision publishes: the register's changes, then ``erz.buffer.decided``."""
    events: list[BaseModel] = list(changed_events(decision.changes))
    if decision.status != buffer.PENDING:
        item = buffer.get(conn, decision.id)
        events.append(BufferDecidedV1(
            item_id=decision.id, kind=item.kind, status=decision.status, enp=item.enp,
            decided_by=user, change_ids=[c.id for c in decision.changes],
            identity_mismatches=[x.field for x in decision.mismatches],
            mismatch_reason=reason if decision.mismatches else None))
    return events


def _confirmed(found: list[identity.Mismatch], reason: str) -> dict[str, Any]:
    """Audit details of an approval confirmed despite differences (none without them)."""
    if not found:
        return {}
    return {"identity_confirmed": True, "mismatch_reason": reason,
            "mismatches": [x.as_dict() for x in found]}
