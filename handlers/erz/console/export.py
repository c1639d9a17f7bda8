"""Excel export of the person search (.xlsx through openpyxl), masked like the screen."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook

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
    sheet.append([title for _, title in COLUMNS])
    for row in rows:
        sheet.append([row.get(key, "") for key, _ in COLUMNS])
    sheet.freeze_panes = "A2"
    about = book.create_sheet("Запрос")
    about.append(["Критерии", criteria])
    about.append(["Состояние на", on])
    about.append(["Найдено", len(rows)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
