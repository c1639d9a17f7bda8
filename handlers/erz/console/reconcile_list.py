"""«Сверка с ФЕРЗЛ» in the console: runs, a run's discrepancies as rows, and their Excel.

A discrepancy's values are shown side by side, masked for an account without the
personal-data permission as the register masks them: ЕНП (of the person, and the values of
``merged`` and ``absent``) to the last four digits, СНИЛС to its check number, a death date
entirely. Filters: kind, status, ЕНП (a whole one: a masked account finds no one by part).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date, datetime, tzinfo
from typing import Any

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from sqlalchemy.engine import Connection

from admin.privacy import Privacy
from admin.xlsx import is_risky, local_time
from contracts.oms import mask_policy, mask_snils
from handlers.erz import models as m
from handlers.erz.console.export import DATE_FORMAT, TIME_FORMAT
from handlers.erz.console.views import ref
from handlers.erz.federal.reconcile import STATE_TEXT
from handlers.erz.federal.reconcile_resolve import KINDS, STATUSES, Filter
from handlers.erz.federal.reconcile_tables import discrepancies, runs
from handlers.erz.register.checks import digits_only
from hub.masking import mask_date

EXPORT_ROWS = 100000
"""At most this many discrepancies in one export."""
MASKS = {"snils": mask_snils, "death": mask_date, "merged": mask_policy,
         "absent": mask_policy}
"""How each kind's values are masked (the others are codes of insurers and clinics)."""


def read_filter(run_id: int, query: Mapping[str, str]) -> tuple[Filter, dict[str, str]]:
    """The filter of a run's list and its non-empty parameters; ValueError in Russian."""
    kind = str(query.get("kind", "")).strip()
    status = str(query.get("status", "")).strip()
    raw_enp = str(query.get("enp", "")).strip()
    if kind and kind not in KINDS:
        raise ValueError("Вид расхождения: выберите из списка.")
    if status and status not in STATUSES:
        raise ValueError("Состояние: выберите из списка.")
    enp = digits_only(raw_enp)
    if raw_enp and len(enp) != 16:
        raise ValueError("ЕНП: 16 цифр.")
    params = {k: v for k, v in (("kind", kind), ("status", status), ("enp", enp)) if v}
    return Filter(run_id, kind, status, enp), params


def run_view(row: Any) -> dict[str, Any]:
    """A run as the pages show it."""
    counts = row["counts"] or {}
    return {"id": row["id"], "started_at": row["started_at"], "finished_at": row["finished_at"],
            "on_date": row["on_date"], "territory": row["territory"],
            "started_by": row["started_by"], "state": row["state"],
            "state_text": STATE_TEXT.get(row["state"], row["state"]),
            "rows_read": row["rows_read"], "broken_rows": row["broken_rows"],
            "broken": row["broken"] or [], "error": row["error"] or "",
            "counts": [(KINDS.get(k, k), n) for k, n in sorted(counts.items())],
            "total": sum(counts.values())}


def run_list(conn: Connection, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """Runs, newest first, and how many there are."""
    total = int(conn.execute(sa.select(sa.func.count()).select_from(runs)).scalar() or 0)
    rows = conn.execute(sa.select(runs).order_by(runs.c.id.desc()).offset(offset)
                        .limit(limit)).mappings()
    return [run_view(r) for r in rows], total


def get_run(conn: Connection, run_id: int) -> dict[str, Any] | None:
    """One run, None when there is none."""
    row = conn.execute(sa.select(runs).where(runs.c.id == run_id)).mappings().first()
    return run_view(row) if row is not None else None


def _value(kind: str, value: str, privacy: Privacy) -> str:
    mask = MASKS.get(kind)
    return value if privacy.unmasked or mask is None or not value else mask(value)


def row_view(row: Any, privacy: Privacy) -> dict[str, Any]:
    """A discrepancy with its values masked as the account must see them."""
    return {"id": row["id"], "kind": row["kind"], "kind_text": KINDS.get(row["kind"], row["kind"]),
            "enp": row["enp"] if privacy.unmasked else mask_policy(row["enp"]),
            "federal": _value(row["kind"], row["federal"], privacy),
            "regional": _value(row["kind"], row["regional"], privacy),
            "status": row["status"], "status_text": STATUSES.get(row["status"], row["status"]),
            "reason": row["reason"] or "", "decided_by": row["decided_by"] or "",
            "decided_at": row["decided_at"]}


def listing(conn: Connection, chosen: Filter, privacy: Privacy, offset: int,
            limit: int) -> tuple[list[dict[str, Any]], int]:
    """A page of a run's discrepancies and how many the filter finds."""
    where = chosen.where()
    total = int(conn.execute(sa.select(sa.func.count()).select_from(discrepancies)
                             .where(*where)).scalar() or 0)
    rows = conn.execute(sa.select(discrepancies, m.persons.c.id.label("person_id"))
                        .select_from(discrepancies.outerjoin(
                            m.persons, m.persons.c.enp == discrepancies.c.enp))
                        .where(*where).order_by(discrepancies.c.kind, discrepancies.c.id)
                        .offset(offset).limit(limit)).mappings()
    return [row_view(r, privacy) | {"ref": ref(r["person_id"], r["enp"], privacy)
                                    if r["person_id"] is not None else ""}
            for r in rows], total


def totals(conn: Connection, run_id: int) -> list[dict[str, Any]]:
    """Counts of a run's discrepancies by kind and status."""
    c = discrepancies.c
    found: dict[str, dict[str, int]] = {}
    for kind, status, n in conn.execute(sa.select(c.kind, c.status, sa.func.count()).where(
            c.run_id == run_id).group_by(c.kind, c.status)):
        found.setdefault(kind, {})[status] = int(n)
    return [{"kind": k, "kind_text": KINDS.get(k, k), "total": sum(v.values()),
             **{s: v.get(s, 0) for s in STATUSES}} for k, v in sorted(found.items())]


COLUMNS = ("№", "Вид расхождения", "ЕНП", "ФЕРЗЛ", "Регион", "Состояние", "Основание",
           "Решение принял", "Решение принято")
WIDTHS = (9, 24, 19, 22, 22, 24, 50, 16, 17)


def _cells(sheet: Any, values: list[Any], tz: tzinfo) -> list[WriteOnlyCell]:
    """A row of typed cells: times and dates real Excel dates (ДД.ММ.ГГГГ), strings text
    (a formula's first character quoted, as :func:`admin.xlsx.append_row` does it)."""
    cells = []
    for value in values:
        if isinstance(value, datetime):
            cell = WriteOnlyCell(sheet, local_time(value, tz))
            cell.number_format = TIME_FORMAT
        elif isinstance(value, date):
            cell = WriteOnlyCell(sheet, value)
            cell.number_format = DATE_FORMAT
        else:
            cell = WriteOnlyCell(sheet, value)
            if isinstance(value, str):
                cell.data_type = "s"
                cell.quotePrefix = is_risky(value)
        cells.append(cell)
    return cells


def workbook(run: dict[str, Any], rows: list[dict[str, Any]], tz: tzinfo, described: str,
             total: int) -> bytes:
    """The discrepancies (masked as shown) as one sheet with real dates; the run on a second.

    Written in openpyxl's write-only mode, row by row (a hundred thousand rows in seconds,
    not the quadratic time of appending to a normal sheet)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Расхождения с ФЕРЗЛ")
    sheet.freeze_panes = "A2"
    for index, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.append(_cells(sheet, list(COLUMNS), tz))
    for r in rows:
        sheet.append(_cells(sheet, [r["id"], r["kind_text"], r["enp"], r["federal"],
                                    r["regional"], r["status_text"], r["reason"],
                                    r["decided_by"], r["decided_at"]], tz))
    about = book.create_sheet("Сверка")
    for label, value in (("Сверка №", run["id"]), ("Начата", run["started_at"]),
                         ("Регистр на дату", run["on_date"]),
                         ("Территория (ОКАТО)", run["territory"]),
                         ("Состояние", run["state_text"]), ("Отбор", described or "все"),
                         ("Найдено", total), ("Выгружено", len(rows))):
        about.append(_cells(about, [label, value], tz))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
