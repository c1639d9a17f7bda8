"""Person search, the card as of a date, the timeline and the Excel export (console)."""

from __future__ import annotations

import io
import re
from typing import Any

from openpyxl import load_workbook
from starlette.testclient import TestClient

from handlers.erz.console.pages import EXPORT
from hub.masking import mask_name
from tests.handlers.erz.console.conftest import BORN_NAME, Login, Region, basic


def test_search_is_masked_for_a_viewer_and_plain_for_personal_data(login: Login,
                                                                  region: Region) -> None:
    p = region.insured()
    viewer = login("viewer").get("/erz", params={"snils": p.snils})
    assert viewer.status_code == 200
    assert 'class="active">Регистр ЗЛ</a>' in viewer.text
    assert re.findall(r'class="person-row"', viewer.text) == ['class="person-row"']
    assert "Найдено: 1 (персональные данные скрыты)" in viewer.text
    for secret in (p.data.surname, p.data.name, p.enp, p.data.birth_date.isoformat()):
        assert secret not in viewer.text
    assert mask_name(p.data.surname) in viewer.text and p.enp[-4:] in viewer.text
    pd = login("pd").get("/erz", params={"surname": p.data.surname.upper(),
                                         "name": p.data.name,
                                         "birth_date": p.data.birth_date.isoformat()})
    assert p.data.surname in pd.text and p.enp in pd.text
    assert p.data.birth_date.strftime("%d.%m.%Y") in pd.text
    # the name she was born with still finds her
    before = login("pd").get("/erz", params={"surname": BORN_NAME, "name": p.data.name,
                                             "birth_date": p.data.birth_date.isoformat()})
    assert p.enp in before.text
    nobody = login("viewer").get("/erz", params={"enp": "7600000000000000"})
    assert "Никого не найдено" in nobody.text
    half = login("viewer").get("/erz", params={"surname": "Иванов"})
    assert half.status_code == 400 and "только по идентификатору целиком" in half.text
    nameless = login("pd").get("/erz", params={"name": "Анна"})
    assert nameless.status_code == 400 and "укажите фамилию или её начало" in nameless.text


def test_the_card_shows_the_state_as_of_each_date(login: Login, region: Region) -> None:
    p = region.insured()
    pd = login("pd")
    before = pd.get(f"/erz/person/{p.enp}", params={"on": "2024-05-31"})
    after = pd.get(f"/erz/person/{p.enp}", params={"on": "2024-06-01"})
    assert before.status_code == after.status_code == 200

    def fio(page: str) -> str:
        found = re.search(r'id="fio">([^<]*)<', page)
        assert found is not None
        return found.group(1).split()[0]

    assert fio(before.text) == BORN_NAME and fio(after.text) == p.data.surname
    assert 'data-on="2024-05-31"' in before.text
    assert "76002" in after.text and "жив" in after.text
    today = pd.get(f"/erz/person/{p.enp}")
    assert fio(today.text) == p.data.surname
    masked = login("viewer").get(f"/erz/person/{p.enp}", params={"on": "2024-05-31"})
    assert BORN_NAME not in masked.text and p.snils not in masked.text
    assert p.enp not in masked.text
    assert login("viewer").get("/erz/person/7600000000000000").status_code == 404


def test_the_timeline_says_who_changed_what_and_why(login: Login, region: Region,
                                                    app: Any) -> None:
    p = region.insured()
    page = login("pd").get(f"/erz/person/{p.enp}").text
    rows = re.findall(r'<tr class="change-row" data-op="([^"]+)">', page)
    assert rows[0] == "change_data" and "create_person" in rows and "issue_policy" in rows
    rename = page.split('data-op="change_data">')[1].split("</tr>")[0]
    assert f"{BORN_NAME} → {p.data.surname}" in rename
    assert "handler.erz / 76002/OPLIST" in rename
    assert "П034 смена фамилии при вступлении в брак" in rename
    assert "OPS76002T76_2406011.xml" in rename and 'href="/journal/m-1"' in rename
    assert "01.06.2024" in rename
    viewer = login("viewer").get(f"/erz/person/{p.enp}").text
    assert f"{mask_name(BORN_NAME)} → {mask_name(p.data.surname)}" in viewer
    with TestClient(app) as api:
        body = api.get(f"/api/erz/persons/{p.enp}/timeline", headers=basic("viewer")).json()
        assert body["changes"][0]["reason"].startswith("П034")
        assert body["changes"][0]["changes"] == [{"field": "surname",
                                                  "old": mask_name(BORN_NAME),
                                                  "new": mask_name(p.data.surname)}]
        state = api.get(f"/api/erz/persons/{p.enp}", params={"on": "2024-05-31"},
                        headers=basic("pd")).json()
        assert state["surname"] == BORN_NAME and state["policy_detail"]["smo"] == "76002"
        found = api.get("/api/erz/persons", params={"enp": p.enp}, headers=basic("viewer"))
        assert found.json()["total"] == 1
        assert found.json()["items"][0]["surname"] == mask_name(p.data.surname)
        assert api.get("/api/erz/persons", params={"enp": p.enp}).status_code == 401


def test_the_excel_export_holds_the_masked_rows_and_is_audited(login: Login,
                                                               region: Region) -> None:
    p = region.insured()
    viewer = login("viewer")
    page = viewer.get("/erz", params={"policy": p.enp}).text
    link = re.search(r'href="(/erz/export\.xlsx\?[^"]+)" id="export"', page)
    assert link is not None
    r = viewer.get(link.group(1).replace("&amp;", "&"))
    assert r.status_code == 200 and r.headers["content-type"].startswith(
        "application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(r.content))
    rows = list(book["Поиск ЗЛ"].iter_rows(values_only=True))
    assert rows[0][:3] == ("ЕНП", "Фамилия", "Имя") and len(rows) == 2
    assert rows[1][1] == mask_name(p.data.surname) and p.enp not in str(rows[1])
    assert str(rows[1][0]).endswith(p.enp[-4:])
    (audited,) = region.audit(EXPORT)
    assert audited.username == "viewer" and '"rows": 1' in audited.details
    plain = load_workbook(io.BytesIO(login("pd").get(
        "/erz/export.xlsx", params={"policy": p.enp}).content))
    assert list(plain["Поиск ЗЛ"].iter_rows(values_only=True))[1][0] == p.enp
