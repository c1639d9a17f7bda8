"""Excel export of the person search (.xlsx through openpyxl), masked like the screen.

Rows go through :func:`admin.xlsx.append_row`: a value from outside (a surname sent in an
insurer's OPLIST) is written as text, never as a live formula.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook

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
