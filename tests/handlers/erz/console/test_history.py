"""The timeline reads removals the right way round; a card before birth is no living person;
a masked viewer sees the card of today only."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from starlette.testclient import TestClient

from contracts.erz.register import Attachment, Reason, Source
from handlers.erz.console.views import UNBORN
from handlers.erz.register.core import Register
from tests.handlers.erz.console.conftest import Login, Region, basic


def test_a_detachment_reads_from_the_district_left_to_none(login: Login, region: Region,
                                                          app: Any) -> None:
    p = region.insured()
    with region.db.transaction() as conn:
        reg = Register(conn, Source("test.loader", user="загрузка"))
        reg.attach(p.enp, Attachment(mo="760001", date_attach=date(2024, 1, 10), method="1",
                                     district="16"), Reason("П040"))
        reg.detach(p.enp, date(2024, 9, 1), Reason("П041", "открепление"))
    page = login("pd").get(f"/erz/person/{p.enp}").text
    detach = page.split('data-op="detach">')[1].split("</tr>")[0]
    assert re.search(r"участок</span>: 16 → —", detach), detach
    assert "— → 16" not in detach
    assert "открепление от МО" in detach  # operations and fields in words
    attach = page.split('data-op="attach">')[1].split("</tr>")[0]
    assert re.search(r"участок</span>: — → 16", attach), attach
    with TestClient(app) as api:
        body = api.get(f"/api/erz/persons/{p.enp}/timeline", headers=basic("pd")).json()
    ended = next(c for c in body["changes"] if c["op"] == "detach")
    assert ended["changes"] == [{"field": "district", "old": "16", "new": ""}]


def test_a_card_before_birth_says_so_and_never_alive(login: Login, region: Region) -> None:
    p = region.insured()
    before = (p.data.birth_date - timedelta(days=1)).isoformat()
    pd = login("pd").get(f"/erz/person/{p.enp}", params={"on": before}).text
    life = re.search(r'id="life">([^<]*)<', pd)
    assert life is not None and life.group(1).strip() == UNBORN
    born = login("pd").get(f"/erz/person/{p.enp}",
                           params={"on": p.data.birth_date.isoformat()}).text
    assert 'id="life">жив' in born


def test_a_masked_viewer_sees_the_card_of_today_only(login: Login, region: Region,
                                                      app: Any) -> None:
    # Stepping the card's date would find the day its data begins: a newborn's birth date.
    p = region.insured()
    viewer = login("viewer")
    for day in ((p.data.birth_date - timedelta(days=1)).isoformat(),
                p.data.birth_date.isoformat(), "2024-06-01"):
        for path in (f"/erz/person/{p.enp}", f"/erz/person/{p.enp}/print",
                     f"/erz/person/{p.enp}/card.pdf", "/erz"):
            refused = viewer.get(path, params={"on": day, "enp": p.enp})
            assert refused.status_code == 400, (path, day)
            assert "с допуском к персональным данным" in refused.text
        with TestClient(app) as api:
            body = api.get(f"/api/erz/persons/{p.enp}", params={"on": day},
                           headers=basic("viewer"))
        assert body.status_code == 400 and "допуском" in body.json()["error"]
    today = viewer.get(f"/erz/person/{p.enp}")
    assert today.status_code == 200 and 'name="on"' not in today.text
    assert "Состояние на сегодня" in today.text
    assert 'name="on"' not in viewer.get("/erz").text
    assert 'name="on"' in login("pd").get(f"/erz/person/{p.enp}").text
