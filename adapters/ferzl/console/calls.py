"""A console search and what came back: the call's criteria, its state, and the answer's
persons as a table — masked for an account without the personal-data permission exactly as
the journal masks the ``ferzl.answer`` (its type declares the names, СНИЛС and dates
personal) — with the answer's original XML, its ФЛК errors and deviations, or the error.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from adapters.ferzl.console.journal import xml_of
from adapters.ferzl.console.models import calls
from adapters.ferzl.console.words import SEX_WORDS
from admin.privacy import Privacy
from admin.times import as_utc
from contracts.registry import TypeRegistry
from storage.models import journal_messages

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
RECENT = 20


def ru_date(value: Any) -> str:
    """An ISO date as ДД.ММ.ГГГГ; a masked one (``****-**-**``) as it is; empty for none."""
    if not value:
        return ""
    text = str(value)
    if _ISO_DATE.fullmatch(text):
        return date.fromisoformat(text).strftime("%d.%m.%Y")
    return text


def _message(conn: Connection, message_id: str) -> Any:
    jm = journal_messages.c
    return conn.execute(sa.select(jm.message_id, jm.type, jm.version, jm.status, jm.envelope,
                                  jm.raw_blob_id, jm.last_error)
                        .where(jm.message_id == message_id)).first()


def _payload(row: Any) -> dict[str, Any]:
    if row is None:
        return {}
    try:
        payload = json.loads(row.envelope).get("payload")
    except (ValueError, AttributeError):
        return {}
    return payload if isinstance(payload, dict) else {}


def _shown(payload: dict[str, Any], type_key: str, privacy: Privacy,
           types: TypeRegistry) -> dict[str, Any]:
    return privacy.payload(payload, types.get(type_key) if type_key in types else None)


def person_row(p: dict[str, Any]) -> dict[str, Any]:
    """One person of an answer as the table shows it (already masked as the viewer may)."""
    names = " ".join(str(p[k]) for k in ("surname", "name", "patronymic") if p.get(k))
    policies = p.get("policies") or []
    policy = next((x for x in policies if x.get("status") == "ДПП"), None) or (
        policies[0] if policies else {})
    number = policy.get("enp") or " ".join(
        str(policy[k]) for k in ("series", "number") if policy.get(k)) or policy.get(
        "temporary_certificate") or ""
    attachments = p.get("attachments") or []
    attach = next((a for a in attachments if not a.get("ends_on")), None) or (
        attachments[0] if attachments else {})
    insurer = policy.get("insurer_name") or policy.get("insurer_code") or p.get(
        "insurer_code") or ""
    return {
        "enp": p.get("enp") or "", "oip": p.get("oip") or "",
        "names": names or p.get("full_name") or "", "birth_date": ru_date(p.get("birth_date")),
        "sex": SEX_WORDS.get(str(p.get("sex") or ""), ""), "status": p.get("status") or "",
        "insurer": insurer, "policy": " ".join(x for x in (
            str(policy.get("type") or ""), str(number),
            f"с {ru_date(policy['starts_on'])}" if policy.get("starts_on") else "",
            f"по {ru_date(policy['ends_on'])}" if policy.get("ends_on") else "") if x),
        "policy_status": policy.get("status") or "",
        "attachment": " ".join(x for x in (
            str(attach.get("mo_code") or attach.get("mo_id") or ""),
            f"с {ru_date(attach['starts_on'])}" if attach.get("starts_on") else "") if x),
        "death_date": ru_date(p.get("death_date")), "role": p.get("role") or "person",
    }


def view(conn: Connection, call_id: str, privacy: Privacy,
         types: TypeRegistry) -> dict[str, Any] | None:
    """Everything the search's page shows, or None for a call the console did not ask."""
    row = conn.execute(sa.select(calls).where(calls.c.call_id == call_id)).first()
    if row is None:
        return None
    asked = _message(conn, call_id)
    call = _shown(_payload(asked), "ferzl.call.v1", privacy, types)
    found: dict[str, Any] = {
        "call_id": call_id, "kind": row.kind, "operation": row.operation,
        "asked_by": row.asked_by, "asked_at": as_utc(row.asked_at),
        "purpose": privacy.text(str(call.get("purpose") or "")),
        "params": call.get("params") or {},
        "call_status": asked.status if asked is not None else "",
        "call_error": privacy.text(asked.last_error) if asked is not None else "",
        "answer_id": row.answer_id, "answered_at": as_utc(row.answered_at)
        if row.answered_at else None, "state": row.state or "", "answer": None}
    if not row.answer_id:
        return found
    message = _message(conn, row.answer_id)
    answer = _shown(_payload(message), "ferzl.answer.v1", privacy, types)
    read = answer.get("message") or {}
    found["answer"] = {
        "release": answer.get("release") or "", "error": privacy.text(answer.get("error")),
        "deviations": [privacy.text(d) for d in answer.get("deviations") or []],
        "errors": [{"code": e.get("code", ""), "message": privacy.text(e.get("message")),
                    "tag": e.get("tag") or "", "value": e.get("value") or ""}
                   for e in read.get("errors") or []],
        "fault": read.get("fault"), "total": read.get("total"),
        "persons": [person_row(p) for p in read.get("persons") or []],
        "xml": xml_of(conn, message.raw_blob_id, privacy, types) if message else None}
    return found


def recent(conn: Connection, username: str) -> list[dict[str, Any]]:
    """The account's latest searches, newest first."""
    c = calls.c
    rows = conn.execute(sa.select(calls).where(c.asked_by == username)
                        .order_by(c.asked_at.desc()).limit(RECENT)).all()
    return [{"call_id": r.call_id, "kind": r.kind, "asked_at": as_utc(r.asked_at),
             "state": r.state or "", "answered": r.answer_id is not None} for r in rows]
