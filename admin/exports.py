"""Excel exports of the hub's own lists: the journal (current filter) and the audit log.

Rows are masked exactly as the screen masks them (the caller's :class:`Privacy`); times are
real date-time cells in the fund's zone, numbers numbers, texts text with the formula guard
of :mod:`admin.xlsx`. An export holds at most :data:`EXPORT_LIMIT` rows and says so on its
first sheet and its «Запрос» sheet when the filter matches more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any
from urllib.parse import quote

from openpyxl import Workbook

from admin import auditlog, journal
from admin.listing import grouped
from admin.privacy import Privacy
from admin.times import show
from admin.xlsx import append_record, append_row, header_row, to_bytes
from contracts.envelope import utcnow
from storage.db import Database

EXPORT_LIMIT = 10_000
"""Rows in one export at most: a larger set is narrowed by the filter first."""

JOURNAL_COLUMNS = (
    ("Получено хабом", 20), ("Тип", 30), ("Версия", 8), ("Источник", 18),
    ("Получатель", 18), ("Статус", 26), ("Код статуса", 12), ("Персона", 22),
    ("Id сообщения", 38), ("Корреляция", 38), ("Последнее изменение", 20),
    ("Последняя ошибка", 60),
)
AUDIT_COLUMNS = (
    ("Время", 20), ("Пользователь", 16), ("Действие", 36), ("Код действия", 22),
    ("Объект", 30), ("Причина", 40), ("Подробности", 60), ("Адрес", 16),
)


@dataclass(frozen=True)
class Export:
    """A finished export: the file's bytes and how many rows it holds."""

    data: bytes
    rows: int
    cut: bool


def _book(title: str, columns: Sequence[tuple[str, int]]) -> tuple[Workbook, Any]:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    header_row(sheet, [c for c, _ in columns], [w for _, w in columns])
    return book, sheet


def _about(book: Workbook, criteria: Sequence[tuple[str, str]], rows: int, cut: bool,
           who: str, tz: tzinfo, now: datetime) -> None:
    """The «Запрос» sheet: the filter, who exported when, and whether the list is cut."""
    about = book.create_sheet("Запрос")
    header_row(about, ["Параметр", "Значение"], [28, 70])
    for name, value in criteria:
        append_row(about, [name, value])
    append_row(about, ["Выгрузил", who])
    append_row(about, ["Когда", show(now, tz)])
    append_row(about, ["Часовой пояс времени в файле", str(tz)])
    append_record(about, ["Строк в выгрузке", rows], tz)
    if cut:
        append_row(about, ["Внимание", cut_note()])


def cut_note() -> str:
    """What an export says when the filter matched more rows than it holds."""
    return (f"Выгружены только первые {grouped(EXPORT_LIMIT)} строк (самые новые): "
            "под фильтр попадает больше. Сузьте фильтр, чтобы выгрузить остальное.")


def journal_rows(db: Database, flt: journal.JournalFilter,
                 privacy: Privacy) -> tuple[list[dict[str, Any]], bool]:
    """Up to :data:`EXPORT_LIMIT` messages matching ``flt``, newest first, and whether
    there were more."""
    rows: list[dict[str, Any]] = []
    cursor: str | None = None
    while len(rows) < EXPORT_LIMIT:
        page = journal.search(db, flt, privacy, cursor=cursor, limit=journal.MAX_LIMIT)
        rows.extend(page.rows)
        cursor = page.next_cursor
        if cursor is None:
            return rows[:EXPORT_LIMIT], len(rows) > EXPORT_LIMIT
    return rows[:EXPORT_LIMIT], cursor is not None or len(rows) > EXPORT_LIMIT


def journal_workbook(db: Database, flt: journal.JournalFilter, privacy: Privacy,
                     criteria: Sequence[tuple[str, str]], who: str, tz: tzinfo,
                     now: datetime) -> Export:
    """The journal list under ``flt`` as an .xlsx file."""
    rows, cut = journal_rows(db, flt, privacy)
    book, sheet = _book("Журнал", JOURNAL_COLUMNS)
    labels = journal.STATUS_LABELS
    for r in rows:
        append_record(sheet, [
            r["first_seen_at"], r["type"], r["version"], r["source"], r["destination"],
            labels.get(r["status"], r["status"]), r["status"], r["person"], r["message_id"],
            r["correlation_id"], r["last_at"], r["last_error"],
        ], tz)
    if cut:
        append_row(sheet, [cut_note()])
    _about(book, criteria, len(rows), cut, who, tz, now)
    return Export(to_bytes(book), len(rows), cut)


def audit_workbook(db: Database, flt: auditlog.AuditFilter, privacy: Privacy,
                   criteria: Sequence[tuple[str, str]], who: str, tz: tzinfo,
                   now: datetime) -> Export:
    """The audit log under ``flt`` as an .xlsx file (reasons and details masked like the
    page's)."""
    rows: list[dict[str, Any]] = []
    before: int | None = None
    while len(rows) <= EXPORT_LIMIT:
        page, before = auditlog.entries(db, flt, privacy, before_id=before,
                                        limit=auditlog.MAX_LIMIT)
        rows.extend(page)
        if before is None:
            break
    cut = len(rows) > EXPORT_LIMIT or before is not None
    rows = rows[:EXPORT_LIMIT]
    book, sheet = _book("Аудит", AUDIT_COLUMNS)
    for r in rows:
        details = r["details"] if r["details"] != "{}" else ""
        append_record(sheet, [r["at"], r["username"], r["action_label"], r["action"],
                              r["target"], r["reason"], details, r["remote_addr"]], tz)
    if cut:
        append_row(sheet, [cut_note()])
    _about(book, criteria, len(rows), cut, who, tz, now)
    return Export(to_bytes(book), len(rows), cut)


def attachment(name: str) -> str:
    """``Content-Disposition`` for a download under ``name`` (RFC 6266: an ASCII fallback
    and the real name, Cyrillic included, as UTF-8)."""
    plain = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._-") else "_"
                    for ch in name) or "file"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


def download(what: str, tz: tzinfo) -> str:
    """``Content-Disposition`` of an export: ``journal-07.12.2026_20-05-01.xlsx``, what and
    when in the fund's time."""
    return attachment(f"{what}-{show(utcnow(), tz).replace(' ', '_').replace(':', '-')}.xlsx")
