"""Exchange protocols in the console (ERZ-7): each processed file and what answered it.

A row of ``erz_exchange_files`` is one file an insurer or a clinic sent (OPLIST, ATT…)
with its counts; ``message_id`` is the ``files.received`` message it came in. What the
register sent back (FLK_P, REPLIST, CONFLICTLIST, FATM…) are the ``files.send`` messages
that message caused, found in the journal; an FLK_P's entries are read from its stored
bytes, so the page shows the protocol the organisation received.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from admin.privacy import Privacy
from contracts.erz.names import BadFileName, parse_name
from contracts.xmlsafe import parse
from handlers.erz import models as m
from storage.journal import load_blob
from storage.models import journal_messages

jm = journal_messages.c
PAGE_SIZE = 50


def file_name(privacy: Privacy, name: str | None) -> str:
    """An exchange file's name as the console shows it: in clear when it is a name of the
    formats' convention (``OPS76002T76_2412201.xml``: kind, sender, receiver, stamp — no
    person in it), else masked whole like any file name (people name files after people)."""
    if not name:
        return ""
    try:
        parse_name(name)
    except BadFileName:
        return privacy.file_name(name)
    return name


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _entries(data: bytes) -> tuple[str, list[dict[str, str]]]:
    """The root element and, for an FLK_P, its PR entries."""
    try:
        root = parse(data)
    except Exception:  # noqa: BLE001 - a broken answer is shown as such, not as a 500
        return "?", []
    out: list[dict[str, str]] = []
    if _local(root.tag) != "FLK_P":  # PR of a CONFLICTLIST or a RECLIST is a representative
        return _local(root.tag), out
    for pr in root.iter():
        if _local(pr.tag) == "PR":
            out.append({_local(el.tag): (el.text or "").strip() for el in pr})
    return _local(root.tag), out


def answers(conn: Connection, message_id: str | None,
            privacy: Privacy) -> list[dict[str, Any]]:
    """The files the register sent in answer to one received message, oldest first."""
    if not message_id:
        return []
    rows = conn.execute(sa.select(jm.message_id, jm.envelope, jm.status, jm.created_at)
                        .where(jm.causation_id == message_id, jm.type == "files.send")
                        .order_by(jm.created_at, jm.message_id)).all()
    out = []
    for r in rows:
        env = json.loads(r.envelope)
        payload, attached = env.get("payload", {}), env.get("attachments") or []
        data = load_blob(conn, attached[0]["blob_id"]) if attached else None
        root, entries = _entries(data) if data else ("", [])
        for entry in entries:  # a comment may quote a value of the record
            entry["COMMENT"] = privacy.text(entry.get("COMMENT", ""))
        out.append({"message_id": r.message_id,
                    "file_name": file_name(privacy, payload.get("file_name", "")),
                    "recipient": payload.get("recipient", ""), "status": r.status,
                    "kind": root, "errors": entries})
    return out


class BadPeriod(ValueError):
    """A period the console cannot read (not a date, or ending before it begins)."""


def period(start: str, end: str, tz: tzinfo) -> tuple[datetime | None, datetime | None]:
    """``[since, until)`` of files received from day ``start`` to day ``end`` inclusive
    (``YYYY-MM-DD`` in the console's time zone; either may be empty)."""
    def day(text: str, name: str) -> date | None:
        text = text.strip()
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise BadPeriod(f"{name}: «{text[:20]}» — не дата (ГГГГ-ММ-ДД)") from None

    first, last = day(start, "с"), day(end, "по")
    if first and last and last < first:
        raise BadPeriod("Конец периода раньше его начала.")
    since = datetime.combine(first, time.min, tz) if first else None
    until = datetime.combine(last + timedelta(days=1), time.min, tz) if last else None
    return since, until


def files(conn: Connection, privacy: Privacy, *, organisation: str = "", page: int = 1,
          size: int = PAGE_SIZE, since: datetime | None = None,
          until: datetime | None = None) -> tuple[list[dict[str, Any]], int]:
    """One page of processed exchange files, newest first, with their answers; the total.

    ``since``/``until``: received at or after, and before (see :func:`period`)."""
    t = m.exchange_files
    where = [t.c.organisation == organisation] if organisation else []
    if since is not None:
        where.append(t.c.received_at >= since)
    if until is not None:
        where.append(t.c.received_at < until)
    total = int(conn.execute(sa.select(sa.func.count()).select_from(t).where(*where))
                .scalar() or 0)
    rows = conn.execute(sa.select(t).where(*where).order_by(t.c.received_at.desc(),
                                                            t.c.id.desc())
                        .offset((max(page, 1) - 1) * size).limit(size)).mappings().all()
    return [{"id": int(r["id"]), "organisation": r["organisation"],
             "file_name": file_name(privacy, r["file_name"]), "format": r["format_key"],
             "received_at": r["received_at"], "outcome": r["outcome"],
             "records": r["records"], "applied": r["applied"], "refused": r["refused"],
             "buffered": r["buffered"], "message_id": r["message_id"] or "",
             "answers": answers(conn, r["message_id"], privacy)} for r in rows], total
