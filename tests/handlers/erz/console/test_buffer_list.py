"""The buffer read as words beside the register's person, filtered, paged and exported."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta
from typing import Any

from openpyxl import load_workbook

from contracts.envelope import utcnow
from contracts.erz.register import Source
from handlers.erz.buffer import store as buffer
from handlers.erz.console.pages import BUFFER_EXPORT
from tests.handlers.erz.console.conftest import SMO, Login, Region


def _death(region: Region, enp: str | None, act: str = "170") -> int:
    """A ЗАГС death record waiting for the fund, as the ЗАГС flow proposes it."""
    with region.db.transaction() as conn:
        return buffer.propose(
            conn, "zags.death", {"enp": enp, "reason": {"code": "П040", "text": "смерть"},
                                 "death": {"death_date": "2024-03-10", "act_number": act,
                                           "act_date": "2024-03-12"}},
            "найдено несколько ЗЛ (2): нужен выбор оператора",
            Source("handler.erz", "zags", "m-z"), "ZAGS",
            candidate=None if enp else {"surname": "Иванова", "name": "Анна",
                                        "patronymic": "Петровна", "birth_date": "1950-01-02"})


def _move(region: Region, created: datetime | None = None) -> int:
    """The insurer proposes Anna's new registration address from 01.02.2025."""
    at = created or utcnow()
    with region.db.transaction() as conn:
        return buffer.propose(
            conn, "edit", {"enp": region.anna.enp, "on": "2025-02-01",
                           "reason": {"code": "П031", "text": "смена адреса"},
                           "addresses": [{"kind": "reg", "text": "г. Ярославль, ул. Новая, 1"}]},
            "изменение данных ЗЛ другой СМО требует решения ТФОМС",
            Source("handler.erz", "76002/OPLIST", "m-3", "OPS76002T76_2502011.xml"), SMO,
            clock=lambda: at)


def _section(page: str, item: int) -> str:
    return page.split(f'data-id="{item}">')[1].split("</section>")[0]


def test_a_proposal_reads_in_words_beside_the_persons_current_state(login: Login,
                                                                     region: Region) -> None:
    region.insured()
    death, move = _death(region, region.anna.enp), _move(region)
    page = login("pd").get("/erz/buffer").text
    shown = re.sub(r"<[^>]+>", " ", page)  # what the operator reads, not the markup
    assert "zags.death" not in shown  # no key where words belong, nor twice
    row = _section(page, death)
    assert "Смерть по записи акта ЗАГС № 170 от 12.03.2024; дата смерти 10.03.2024" in row
    assert "сведения ЗАГС (СМЭВ)" in row and "П040 смерть" in row
    assert re.search(r'class="changed" data-key="death_date"><td>Дата смерти</td>'
                     r'<td class="mono">—</td><td class="mono">10.03.2024</td>', row)
    row = _section(page, move)
    assert "Смена адреса регистрации с 01.02.2025" in row
    current = region.anna.addresses[0].text
    assert re.search(r'class="changed" data-key="text"><td>Адрес регистрации</td>'
                     rf'<td class="mono">{re.escape(current)}</td>'
                     r'<td class="mono">г. Ярославль, ул. Новая, 1</td>', row)
    assert "{" not in row and "&#34;" not in row  # no JSON
    masked = login("oper").get("/erz/buffer").text
    row = _section(masked, death)
    assert "10.03.2024" not in row and "№ 170" not in row and "Смерть по записи акта" in row
    assert current not in _section(masked, move) and "Ярославль" not in _section(masked, move)


def test_filters_totals_and_paging(login: Login, region: Region) -> None:
    region.insured()
    old = utcnow() - timedelta(days=40)
    moves = [_move(region, old) for _ in range(3)]
    deaths = [_death(region, None, str(n)) for n in range(2)]
    viewer = login("viewer")

    def ids(query: str) -> tuple[list[int], str]:
        page = viewer.get(f"/erz/buffer?{query}")
        assert page.status_code == 200, page.text
        found = [int(x) for x in re.findall(r'data-id="(\d+)"', page.text)]
        total = re.search(r'id="buffer-total">Найдено: (\d+)', page.text)
        assert total is not None
        return found, total.group(1)

    assert ids("") == (moves + deaths, "5")
    assert ids("kind=zags.death") == (deaths, "2")
    assert ids(f"organisation={SMO}") == (moves, "3")
    assert ids(f"enp={region.anna.enp}") == (moves, "3")
    today = date.today()
    assert ids(f"from={today:%d.%m.%Y}") == (deaths, "2")
    assert ids(f"to={today - timedelta(days=1):%d.%m.%Y}") == (moves, "3")
    first, total = ids("size=20&organisation=76002")
    assert total == "3"
    with region.db.transaction() as conn:
        buffer.reject(conn, moves[0], "oper", "дубль")
    assert ids("") == (moves[1:] + deaths, "4")
    assert ids("status=rejected") == ([moves[0]], "1")
    assert ids("status=all")[1] == "5"
    for n in range(20):  # paging keeps the filter
        _death(region, None, f"9{n}")
    page = viewer.get("/erz/buffer?kind=zags.death&size=20").text
    assert "Найдено: 22 (показаны 1–20)" in page
    nxt = re.search(r'href="([^"]+)" id="next-page"', page)
    assert nxt is not None and "kind=zags.death" in nxt.group(1) and "size=20" in nxt.group(1)
    second = viewer.get(nxt.group(1).replace("&amp;", "&")).text
    assert "Найдено: 22 (показаны 21–22)" in second and 'id="prev-page"' in second
    bad = viewer.get("/erz/buffer?enp=123")
    assert bad.status_code == 400 and "ЕНП: 16 цифр" in bad.text


def test_the_export_has_words_and_real_dates(login: Login, region: Region) -> None:
    region.insured()
    move, death = _move(region), _death(region, region.anna.enp)
    pd = login("pd")
    page = pd.get("/erz/buffer").text
    assert 'href="/erz/buffer/export.xlsx?"' in page
    r = pd.get("/erz/buffer/export.xlsx?status=all")
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    rows: list[tuple[Any, ...]] = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("№", "Поступило", "Операция", "Предлагается", "Дата изменения")
    by_id = {row[0]: row for row in rows[1:]}
    assert isinstance(by_id[move][1], datetime)
    assert by_id[move][4] == datetime(2025, 2, 1) and by_id[death][4] == datetime(2024, 3, 10)
    assert sheet.cell(row=2, column=5).number_format == "DD.MM.YYYY"
    assert sheet.cell(row=2, column=2).number_format == "DD.MM.YYYY HH:MM"
    assert by_id[death][2] == "смерть по сведениям ЗАГС"
    assert by_id[move][3] == "Смена адреса регистрации с 01.02.2025"
    (audit,) = region.audit(BUFFER_EXPORT)
    assert audit.username == "pd"
    masked = load_workbook(io.BytesIO(login("viewer").get(
        "/erz/buffer/export.xlsx").content)).active
    assert masked is not None
    values = [v for row in masked.iter_rows(values_only=True) for v in row]
    assert region.anna.enp not in values and datetime(2024, 3, 10) not in values


def test_the_api_lists_the_buffer_as_the_page_does(app: Any, login: Login,
                                                   region: Region) -> None:
    from starlette.testclient import TestClient

    from tests.handlers.erz.console.conftest import basic

    login("viewer")  # the accounts exist
    region.insured()
    move, death = _move(region), _death(region, region.anna.enp)
    with TestClient(app) as api:
        body = api.get("/api/erz/buffer", headers=basic("viewer"),
                       params={"kind": "zags.death", "size": "20"}).json()
        assert body["total"] == 1 and body["page_size"] == 20
        (item,) = body["items"]
        assert item["id"] == death and item["sentence"].startswith("Смерть по записи акта")
        assert item["kind_text"] == "смерть по сведениям ЗАГС"
        assert [i["id"] for i in api.get("/api/erz/buffer", headers=basic("viewer")).json()[
            "items"]] == [move, death]
        bad = api.get("/api/erz/buffer", headers=basic("viewer"), params={"status": "x"})
        assert bad.status_code == 400 and "Состояние" in bad.json()["error"]
