"""The ФЕРЗЛ request journal as the console reads it: rows of ``ferzl_exchanges`` with why the
fund asked, filtered and paged; one exchange with its request and answer; an Excel export.

Every call is a row (``adapters/ferzl/client.py``'s ``record``); why it was asked is the
``purpose`` of the ``ferzl.call`` it served (``call_id``), read from the journal. The exact
request and answer are blobs, shown as indented XML — for an account without the
personal-data permission with the values ФЕРЗЛ's vocabulary declares personal hidden
(``adapters/ferzl/personal.py``, the hub's masking), as the journal's message page does.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

import sqlalchemy as sa
from lxml import etree
from openpyxl import Workbook
from sqlalchemy.engine import Connection

from adapters.ferzl.console.words import STATE_WORDS
from adapters.ferzl.models import exchanges
from adapters.ferzl.reader import ReadError, read_message
from adapters.ferzl.releases import Releases
from admin.exports import EXPORT_LIMIT, Export, cut_note
from admin.privacy import Privacy
from admin.times import as_utc, parse_when, show
from admin.xlsx import append_record, append_row, header_row, to_bytes
from admin.xmlview import DISPLAY_LIMIT, pretty
from contracts.registry import TypeRegistry
from hub.xmlmask import mask_tree, of_document
from storage.models import blobs, journal_messages

ex = exchanges.c
PAGE_SIZES = (20, 50, 100, 200)
PAGE_SIZE = 50
COLUMNS = (
    ("Когда", 20), ("Операция", 30), ("Выпуск", 9), ("Зачем", 40), ("HTTP", 7),
    ("Состояние", 28), ("Код состояния", 20), ("Длительность, мс", 12),
    ("Отклонений от схемы", 12), ("externalRequestId", 38), ("Сообщение хаба", 38),
    ("Ошибка", 60),
)


@dataclass(frozen=True)
class Filter:
    """What the journal's list shows: an operation, a state, a period."""

    operation: str = ""
    state: str = ""
    since: datetime | None = None
    until: datetime | None = None

    @classmethod
    def read(cls, query: Mapping[str, str], tz: tzinfo) -> tuple[Filter, dict[str, str]]:
        """From a query string (ValueError in Russian), and the parameters it kept."""
        params = {k: query[k].strip() for k in ("operation", "state", "from", "to")
                  if query.get(k, "").strip()}
        since = parse_when(params.get("from"), tz)
        until = parse_when(params.get("to"), tz)
        if since and until and since > until:
            raise ValueError("Начало периода позже его конца.")
        return cls(params.get("operation", ""), params.get("state", ""), since, until), params

    def where(self, stmt: sa.Select[Any]) -> sa.Select[Any]:
        """``stmt`` narrowed to the filter."""
        if self.operation:
            stmt = stmt.where(ex.operation == self.operation)
        if self.state:
            stmt = stmt.where(ex.state == self.state)
        if self.since:
            stmt = stmt.where(ex.at >= self.since)
        if self.until:
            stmt = stmt.where(ex.at <= self.until)
        return stmt

    def criteria(self, tz: tzinfo) -> list[tuple[str, str]]:
        """The filter in words, for an export's «Запрос» sheet."""
        return [("Операция", self.operation or "любая"),
                ("Состояние", STATE_WORDS.get(self.state, self.state) or "любое"),
                ("С", show(self.since, tz) or "—"), ("По", show(self.until, tz) or "—")]


def page_size(raw: str | None) -> int:
    """The ``size`` parameter: one of :data:`PAGE_SIZES` (ValueError otherwise)."""
    if not raw:
        return PAGE_SIZE
    if not raw.isdigit() or int(raw) not in PAGE_SIZES:
        raise ValueError("Строк на странице: " + ", ".join(map(str, PAGE_SIZES)) + ".")
    return int(raw)


def choices(conn: Connection) -> tuple[list[str], list[str]]:
    """The operations and states the journal holds (for the filter's lists)."""
    operations = conn.execute(sa.select(ex.operation).distinct().order_by(ex.operation))
    states = conn.execute(sa.select(ex.state).distinct().order_by(ex.state))
    return list(operations.scalars()), list(states.scalars())


def purposes(conn: Connection, call_ids: Sequence[str]) -> dict[str, str]:
    """Why each call was asked: the ``purpose`` of its ``ferzl.call`` in the journal."""
    wanted = sorted({c for c in call_ids if c})
    found: dict[str, str] = {}
    jm = journal_messages.c
    for start in range(0, len(wanted), 500):
        rows = conn.execute(sa.select(jm.message_id, jm.envelope).where(
            jm.message_id.in_(wanted[start:start + 500])))
        for message_id, envelope in rows:
            try:
                payload = json.loads(envelope).get("payload") or {}
            except (ValueError, AttributeError):
                continue
            purpose = payload.get("purpose") if isinstance(payload, dict) else None
            if isinstance(purpose, str):
                found[message_id] = purpose
    return found


def _row(r: sa.Row[Any], purpose: str, privacy: Privacy) -> dict[str, Any]:
    return {"id": r.id, "at": as_utc(r.at), "operation": r.operation, "release": r.release,
            "purpose": privacy.text(purpose), "http_status": r.http_status, "state": r.state,
            "state_words": STATE_WORDS.get(r.state, r.state), "duration_ms": r.duration_ms,
            "deviations": r.deviations, "external_request_id": r.external_request_id,
            "call_id": r.call_id or "", "error": privacy.text(r.error)}


def listing(conn: Connection, flt: Filter, privacy: Privacy, *, offset: int = 0,
            limit: int = PAGE_SIZE) -> tuple[list[dict[str, Any]], int]:
    """A page of the journal, newest first, and how many rows the filter matches."""
    total = int(conn.execute(flt.where(sa.select(sa.func.count()).select_from(exchanges)))
                .scalar() or 0)
    rows = conn.execute(flt.where(sa.select(exchanges)).order_by(ex.at.desc(), ex.id.desc())
                        .offset(offset).limit(limit)).all()
    why = purposes(conn, [r.call_id for r in rows])
    return [_row(r, why.get(r.call_id or "", ""), privacy) for r in rows], total


def xml_of(conn: Connection, blob_id: str | None, privacy: Privacy,
           types: TypeRegistry) -> dict[str, Any] | None:
    """A stored message ready to show: indented XML, masked for a masked account."""
    if not blob_id:
        return None
    b = blobs.c
    head = conn.execute(sa.select(b.size, sa.func.substr(b.data, 1, DISPLAY_LIMIT)
                                  .label("data")).where(b.id == blob_id)).first()
    if head is None:
        return None
    data = bytes(head.data)

    def hide(root: etree._Element) -> None:
        mask_tree(root, of_document(types, root))

    if int(head.size) > len(data):
        text, is_xml = data.decode("utf-8", "replace"), False
    else:
        text, is_xml = pretty(data, None if privacy.unmasked else hide)
    return {"blob_id": blob_id, "size": int(head.size), "text": privacy.text(text),
            "is_xml": is_xml, "truncated": int(head.size) > len(data)}


def deviations_of(conn: Connection, blob_id: str | None, releases: Releases | None,
                  privacy: Privacy) -> list[str]:
    """The answer's deviations from its release's schema, read again from its exact bytes
    (the table keeps their number; the reader says what they are)."""
    if not blob_id or releases is None:
        return []
    data = conn.execute(sa.select(blobs.c.data).where(blobs.c.id == blob_id)).scalar()
    if data is None:
        return []
    try:
        found = list(read_message(bytes(data), releases).deviations)
    except ReadError as exc:
        found = [f"ответ не прочитан: {exc}"]
    return [privacy.text(d) for d in found]


def detail(conn: Connection, exchange_id: int, privacy: Privacy, types: TypeRegistry,
           releases: Releases | None = None) -> dict[str, Any] | None:
    """One exchange: its row, the request and answer as XML, the answer's deviations, the
    other calls of its message."""
    r = conn.execute(sa.select(exchanges).where(ex.id == exchange_id)).first()
    if r is None:
        return None
    found = _row(r, purposes(conn, [r.call_id or ""]).get(r.call_id or "", ""), privacy)
    found["request"] = xml_of(conn, r.request_blob_id, privacy, types)
    found["answer"] = xml_of(conn, r.answer_blob_id, privacy, types)
    found["deviation_list"] = deviations_of(conn, r.answer_blob_id, releases, privacy) \
        if r.deviations else []
    found["siblings"] = [
        {"id": s.id, "at": as_utc(s.at), "operation": s.operation, "state": s.state}
        for s in conn.execute(sa.select(ex.id, ex.at, ex.operation, ex.state).where(
            ex.call_id == r.call_id, ex.id != r.id).order_by(ex.at, ex.id).limit(100))
    ] if r.call_id else []
    return found


def workbook(conn: Connection, flt: Filter, privacy: Privacy, who: str, tz: tzinfo,
             now: datetime) -> Export:
    """The journal under ``flt`` as an .xlsx file: real date cells, states in words."""
    rows, total = listing(conn, flt, privacy, limit=EXPORT_LIMIT)
    cut = total > len(rows)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Журнал ФЕРЗЛ"
    header_row(sheet, [c for c, _ in COLUMNS], [w for _, w in COLUMNS])
    for r in rows:
        append_record(sheet, [
            r["at"], r["operation"], r["release"], r["purpose"], r["http_status"],
            r["state_words"], r["state"], r["duration_ms"], r["deviations"],
            r["external_request_id"], r["call_id"], r["error"]], tz)
    if cut:
        append_row(sheet, [cut_note()])
    about = book.create_sheet("Запрос")
    header_row(about, ["Параметр", "Значение"], [28, 70])
    for name, value in [*flt.criteria(tz), ("Выгрузил", who), ("Когда", show(now, tz)),
                        ("Часовой пояс времени в файле", str(tz))]:
        append_row(about, [name, value])
    append_record(about, ["Строк в выгрузке", len(rows)], tz)
    if cut:
        append_row(about, ["Внимание", cut_note()])
    return Export(to_bytes(book), len(rows), cut)
