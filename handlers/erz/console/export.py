"""Excel export of the person search (.xlsx through openpyxl), masked like the screen.

Rows go through :func:`admin.xlsx.append_row`: a value from outside (a surname sent in an
insurer's OPLIST) is written as text, never as a live formula.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from admin.xlsx import append_row

COLUMNS: tuple[tuple[str, str], ...] = (
    ("enp", "ЕНП"), ("surname", "Фамилия"), ("name", "Имя"),
    ("patronymic", "Отчество"), ("birth_date", "Дата рождения"), ("sex", "Пол"),
    ("snils", "СНИЛС"), ("policy", "Полис"), ("smo", "СМО"), ("mo", "МО прикрепления"),
    ("status", "Статус"),
)
MAX_ROWS = 10000
"""At most this many persons in one export (the search narrows a larger set first)."""


def workbook(rows: Sequence[dict[str, str]], criteria: str, on: str) -> bytes:
    """The results as one sheet with a header row; the criteria and date in a second."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Поиск ЗЛ"
    append_row(sheet, [title for _, title in COLUMNS])
    for row in rows:
        append_row(sheet, [row.get(key, "") for key, _ in COLUMNS])
    sheet.freeze_panes = "A2"
    about = book.create_sheet("Запрос")
    append_row(about, ["Критерии", criteria])
    append_row(about, ["Состояние на", on])
    append_row(about, ["Найдено", len(rows)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


DATE_FORMAT = "DD.MM.YYYY"
TIME_FORMAT = "DD.MM.YYYY HH:MM"
"""Excel number formats of a date and of a time, as the fund writes them."""


def append_dated_row(sheet: Worksheet, values: Iterable[Any], tz: tzinfo) -> None:
    """:func:`admin.xlsx.append_row` with dates and times as real Excel dates.

    An aware time is written as the fund's wall-clock time in ``tz`` (Excel cells have no
    zone), a naive one as UTC taken to ``tz``; a date as a date (ДД.ММ.ГГГГ).
    """
    append_row(sheet, [_local(v, tz) for v in values], _format)


def _format(value: Any) -> str | None:
    if isinstance(value, datetime):
        return TIME_FORMAT
    return DATE_FORMAT if isinstance(value, date) else None


def _local(value: Any, tz: tzinfo) -> Any:
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.astimezone(tz).replace(tzinfo=None)
    return value
