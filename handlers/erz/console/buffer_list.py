"""The buffer as a list: its filter read from the query string, and its Excel export.

Filters: kind, state (waiting by default; ``all``), source (the proposing organisation:
an insurer's code, ``ZAGS``), period proposed (ДД.ММ.ГГГГ, the fund's days) and the
person's ЕНП; the page shows totals, a page size and paging with the filter kept.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date, tzinfo
from typing import Any

from openpyxl import Workbook

from admin.xlsx import append_row
from handlers.erz.buffer import store as buffer
from handlers.erz.console.export import append_dated_row
from handlers.erz.console.protocols import BadPeriod, period
from handlers.erz.register.checks import digits_only

KEYS = ("kind", "status", "organisation", "enp", "from", "to")
ALL = "all"
EXPORT_ROWS = 10000
"""At most this many items in one export."""


def read(query: Mapping[str, str], tz: tzinfo) -> tuple[buffer.BufferFilter, dict[str, str]]:
    """The filter and its non-empty parameters (to keep in links); ValueError in Russian."""
    typed = {k: " ".join(str(query.get(k, "")).split()) for k in KEYS}
    status = typed["status"] or buffer.PENDING
    if status != ALL and status not in buffer.STATUSES:
        raise ValueError("Состояние: ждёт решения, применено, отклонено или все.")
    enp = digits_only(typed["enp"])
    if typed["enp"] and len(enp) != 16:
        raise ValueError("ЕНП: 16 цифр.")
    try:
        since, until = period(typed["from"], typed["to"], tz)
    except BadPeriod as exc:
        raise ValueError(f"Период: {exc}") from None
    wanted = buffer.BufferFilter(kind=typed["kind"], status="" if status == ALL else status,
                                 organisation=typed["organisation"], enp=enp, since=since,
                                 until=until)
    params = {k: v for k, v in typed.items() if v}
    if "status" in params and params["status"] == buffer.PENDING:
        del params["status"]
    return wanted, params


COLUMNS = ("№", "Поступило", "Операция", "Предлагается", "Дата изменения", "ЕНП",
           "Организация", "Источник", "Файл", "Почему ждёт", "Состояние", "Решение принял",
           "Решение принято", "Примечание")
WIDTHS = (7, 17, 24, 60, 14, 19, 12, 24, 28, 50, 15, 15, 17, 30)


def effective(payload: Mapping[str, Any]) -> date | None:
    """The date the proposal takes effect (a death's date, a policy's first day, ``on``)."""
    raw = ((payload.get("death") or {}).get("death_date")
           or (payload.get("policy") or {}).get("date_begin") or payload.get("on"))
    try:
        return date.fromisoformat(str(raw)[:10]) if raw else None
    except ValueError:
        return None


def workbook(items: list[dict[str, Any]], raw: list[buffer.BufferItem], tz: tzinfo,
             described: str, total: int, masked: bool) -> bytes:
    """The items as one sheet (real dates), the filter on a second."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Буфер изменений"
    append_row(sheet, list(COLUMNS))
    for view, item in zip(items, raw, strict=True):
        when = None if masked and item.kind in ("death", "zags.death") else \
            effective(item.payload)
        append_dated_row(sheet, [
            view["id"], item.created_at, view["kind_text"], view["sentence"], when,
            view["enp"], view["organisation"], view["source_text"], view["source_file"],
            view["why"], view["status_text"], view["decided_by"], item.decided_at,
            view["note"]], tz)
    sheet.freeze_panes = "A2"
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    about = book.create_sheet("Запрос")
    append_row(about, ["Отбор", described or "ждут решения"])
    append_row(about, ["Найдено", total])
    append_row(about, ["Выгружено", len(items)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
