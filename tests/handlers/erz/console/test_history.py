"""The timeline reads removals the right way round; a card before birth is no living person."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from starlette.testclient import TestClient

from contracts.erz.register import Attachment, Reason, Source
from handlers.erz.console.views import NO_DATA, UNBORN
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
    masked = login("viewer").get(f"/erz/person/{p.enp}", params={"on": before}).text
    life = re.search(r'id="life">([^<]*)<', masked)
    assert life is not None and life.group(1).strip() == NO_DATA
    born = login("pd").get(f"/erz/person/{p.enp}",
                           params={"on": p.data.birth_date.isoformat()}).text
    assert 'id="life">жив' in born
