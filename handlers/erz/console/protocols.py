"""Exchange protocols in the console (ERZ-7): each processed file and what answered it.

A row of ``erz_exchange_files`` is one file an insurer or a clinic sent (OPLIST, ATT…)
with its counts; ``message_id`` is the ``files.received`` message it came in. What the
register sent back (FLK_P, REPLIST, CONFLICTLIST, FATM…) are the ``files.send`` messages
that message caused, found in the journal; an FLK_P's entries are read from its stored
bytes, so the page shows the protocol the organisation received.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

import sqlalchemy as sa
from openpyxl import Workbook
from sqlalchemy.engine import Connection

from admin.privacy import Privacy
from admin.xlsx import append_row
from contracts.erz.names import BadFileName, parse_name
from contracts.xmlsafe import parse
from handlers.erz import models as m
from handlers.erz.console.export import append_dated_row
from storage.journal import load_blob
from storage.models import journal_messages

jm = journal_messages.c
PAGE_SIZE = 50
EXPORT_ROWS = 10000
"""At most this many files in one export (narrow the period for more)."""


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


def _day_of(text: str, name: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        if len(text) == 10 and text[2] == "." and text[5] == ".":
            return date(int(text[6:]), int(text[3:5]), int(text[:2]))
        return date.fromisoformat(text)
    except ValueError:
        raise BadPeriod(f"{name}: «{text[:20]}» — не дата (ДД.ММ.ГГГГ)") from None


def period(start: str, end: str, tz: tzinfo) -> tuple[datetime | None, datetime | None]:
    """``[since, until)`` of files received from day ``start`` to day ``end`` inclusive
    (``ДД.ММ.ГГГГ`` or ``ГГГГ-ММ-ДД`` in the console's time zone; either may be empty)."""
    first, last = _day_of(start, "с"), _day_of(end, "по")
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


@dataclass(frozen=True)
class StoredFile:
    """A file as the hub received or sent it: its real name, media type and exact bytes."""

    name: str
    media_type: str
    data: bytes


def _attached(conn: Connection, message_id: str, type_: str) -> StoredFile | None:
    """The file a ``files.received`` or ``files.send`` message carries (by its name)."""
    row = conn.execute(sa.select(jm.envelope).where(jm.message_id == message_id,
                                                    jm.type == type_)).first()
    if row is None:
        return None
    env = json.loads(row.envelope)
    name = (env.get("payload") or {}).get("file_name", "")
    found = next((a for a in env.get("attachments") or [] if a.get("name") == name), None)
    data = load_blob(conn, found["blob_id"]) if found else None
    if found is None or data is None:
        return None
    return StoredFile(name, found.get("media_type") or "application/octet-stream", data)


def received_file(conn: Connection, file_id: int) -> StoredFile | None:
    """The file an organisation sent, as received (None: no such file, or not kept)."""
    message_id = conn.execute(sa.select(m.exchange_files.c.message_id)
                              .where(m.exchange_files.c.id == file_id)).scalar()
    return _attached(conn, message_id, "files.received") if message_id else None


def answer_file(conn: Connection, file_id: int, message_id: str) -> StoredFile | None:
    """One file the register sent in answer to exchange file ``file_id``."""
    received = conn.execute(sa.select(m.exchange_files.c.message_id)
                            .where(m.exchange_files.c.id == file_id)).scalar()
    if not received or conn.execute(sa.select(jm.message_id).where(
            jm.message_id == message_id, jm.causation_id == received)).first() is None:
        return None
    return _attached(conn, message_id, "files.send")


EXPORT_COLUMNS = ("Получен", "Организация", "Файл", "Формат", "Итог", "Записей",
                  "Применено", "Отказано", "В буфер", "Ответные файлы", "Ошибок ФЛК")


def workbook(rows: list[dict[str, Any]], tz: tzinfo, described: str, total: int) -> bytes:
    """The files as one sheet (real times and numbers); the filter in a second."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Протоколы обмена"
    append_row(sheet, list(EXPORT_COLUMNS))
    for r in rows:
        append_dated_row(sheet, [
            r["received_at"], r["organisation"], r["file_name"],
            FORMATS.get(r["format"], r["format"]),
            OUTCOMES.get(r["outcome"], r["outcome"]), r["records"], r["applied"],
            r["refused"], r["buffered"], ", ".join(a["file_name"] for a in r["answers"]),
            sum(len(a["errors"]) for a in r["answers"])], tz)
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHIJK", (17, 13, 30, 12, 14, 9, 11, 9, 9, 60, 11),
                             strict=True):
        sheet.column_dimensions[column].width = width
    about = book.create_sheet("Запрос")
    append_row(about, ["Отбор", described or "все файлы"])
    append_row(about, ["Найдено", total])
    append_row(about, ["Выгружено", len(rows)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


OUTCOMES = {"processed": "обработан", "refused": "отклонён"}
"""The outcome of an exchange file in words."""
FORMATS = {"erz.oplist": "OPLIST", "erz.att": "ATT"}
"""Format keys as the formats name their files."""
