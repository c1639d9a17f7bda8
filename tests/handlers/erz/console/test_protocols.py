"""The exchange protocols as a list: totals, page size, paging with the filter, the Excel
export with real times and numbers, downloads of the received file and its answers."""

from __future__ import annotations

import io
import re
from datetime import datetime

import sqlalchemy as sa
from openpyxl import load_workbook

from handlers.erz import models as m
from handlers.erz.console.pages import FILE_DOWNLOAD, FILES_EXPORT
from tests.handlers.erz.console.conftest import Login, Region


def _copies(region: Region, n: int) -> None:
    """``n`` more rows of the processed file, for paging (other insurers, other names)."""
    with region.db.transaction() as conn:
        row = conn.execute(sa.select(m.exchange_files)).mappings().first()
        assert row is not None
        for i in range(n):
            copy = {k: v for k, v in row.items() if k != "id"}
            copy |= {"file_name": f"OPS76005T76_24122{i:02d}", "organisation": "76005",
                     "message_id": None}
            conn.execute(m.exchange_files.insert().values(**copy))


def test_totals_page_size_and_paging_keep_the_filter(login: Login, region: Region) -> None:
    region.oplist_processed()
    _copies(region, 25)
    viewer = login("viewer")
    page = viewer.get("/erz/files?organisation=76005&size=20").text
    assert "Файлов: 25 (показаны 1–20)" in page and page.count('class="file-row"') == 20
    nxt = re.search(r'href="([^"]+)" id="next-page"', page)
    assert nxt is not None
    link = nxt.group(1).replace("&amp;", "&")
    assert "organisation=76005" in link and "size=20" in link and "page=2" in link
    second = viewer.get(link).text
    assert "Файлов: 25 (показаны 21–25)" in second and second.count('class="file-row"') == 5
    assert viewer.get("/erz/files").text.count('class="file-row"') == 26
    assert viewer.get("/erz/files?size=7").status_code == 400


def test_the_export_has_real_times_and_numbers(login: Login, region: Region) -> None:
    region.oplist_processed()
    r = login("viewer").get("/erz/files/export.xlsx?organisation=76002")
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    head, row = list(sheet.iter_rows(values_only=True))[:2]
    assert head[:5] == ("Получен", "Организация", "Файл", "Формат", "Итог")
    assert isinstance(row[0], datetime) and sheet["A2"].number_format == "DD.MM.YYYY HH:MM"
    assert row[1:5] == ("76002", "OPS76002T76_2412201", "OPLIST", "обработан")
    assert row[5:9] == (2, 1, 1, 0)  # numbers, not text
    assert "FOPS76002T76_2412201.xml" in str(row[9]) and row[10] == 1
    (audit,) = region.audit(FILES_EXPORT)
    assert audit.username == "viewer"


def test_files_are_downloaded_by_accounts_with_personal_data_only(login: Login,
                                                                  region: Region) -> None:
    region.oplist_processed()
    with region.db.read() as conn:
        file_id = conn.execute(sa.select(m.exchange_files.c.id)).scalar_one()
    masked = login("oper")
    page = masked.get("/erz/files").text
    assert "/download" not in page and "допуском к персональным данным" in page
    refused = masked.get(f"/erz/files/{file_id}/download")
    assert refused.status_code == 403 and region.audit(FILE_DOWNLOAD) == []
    assert region.audit("access-denied")
    pd = login("pd")
    got = pd.get(f"/erz/files/{file_id}/download")
    assert got.status_code == 200 and got.content.startswith(b"<?xml")
    assert 'filename="OPS76002T76_2412201.xml"' in got.headers["content-disposition"]
    (audit,) = region.audit(FILE_DOWNLOAD)
    assert audit.username == "pd" and "OPS76002T76_2412201.xml" in audit.details
    assert pd.get(f"/erz/files/{file_id + 1}/download").status_code == 404
    other = pd.get(f"/erz/files/{file_id}/answer/not-an-answer/download")
    assert other.status_code == 404
