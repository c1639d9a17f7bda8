"""The register's person search takes only whole identifiers from a masked account, and
who saw a card unmasked or searched for a person is audited.

A name and a birth date, or a document number without its series, answer "is this person
insured here" to an account that may not see personal data: an oracle to guess with. Such
an account searches by a whole ЕНП, СНИЛС, policy number, or document series and number;
an account with the personal-data permission searches by name and birth date as before.
"""

from __future__ import annotations

from admin.viewaudit import PERSON_SEARCH, PERSON_VIEW
from tests.handlers.erz.console.conftest import Login, Region, app, bus, db, login, region

__all__ = ["app", "bus", "db", "login", "region"]


def test_the_register_search_takes_only_whole_identifiers_from_a_masked_viewer(
        login: Login, region: Region) -> None:
    p = region.insured()
    viewer = login("viewer")
    named = {"surname": p.data.surname, "name": p.data.name,
             "birth_date": p.data.birth_date.isoformat()}
    r = viewer.get("/api/erz/persons", params=named)
    assert r.status_code == 400 and "целиком" in r.json()["error"]
    assert viewer.get("/erz", params=named).status_code == 400
    assert viewer.get("/erz/export.xlsx", params=named).status_code == 400
    number_only = viewer.get("/api/erz/persons", params={"document": p.document.number})
    assert number_only.status_code == 400
    for whole in ({"enp": p.enp}, {"snils": p.snils}, {"policy": p.enp}):
        found = viewer.get("/api/erz/persons", params=whole)
        assert found.status_code == 200 and found.json()["total"] == 1, whole
    assert viewer.get("/api/erz/persons", params={"enp": p.enp[:12]}).json()["total"] == 0
    pd = login("pd").get("/api/erz/persons", params=named)
    assert pd.status_code == 200 and pd.json()["total"] == 1


def test_a_card_seen_unmasked_and_every_register_search_are_audited(
        login: Login, region: Region) -> None:
    p = region.insured()
    pd, viewer = login("pd"), login("viewer")
    assert pd.get(f"/erz/person/{p.enp}").status_code == 200
    assert pd.get(f"/api/erz/persons/{p.enp}").status_code == 200
    assert pd.get(f"/api/erz/persons/{p.enp}/timeline").status_code == 200
    assert viewer.get(f"/erz/person/{p.enp}").status_code == 200  # masked: not recorded
    views = region.audit(PERSON_VIEW)
    assert [(r.username, r.target) for r in views] == [("pd", f"erz.person/{p.enp}")] * 3
    assert all(r.remote_addr == "testclient" for r in views)
    viewer.get("/erz", params={"snils": p.snils})
    viewer.get("/api/erz/persons", params={"surname": p.data.surname, "name": p.data.name,
                                           "birth_date": p.data.birth_date.isoformat()})
    searches = region.audit(PERSON_SEARCH)
    assert [(r.username, r.target) for r in searches] == [("viewer", "erz/search")] * 2
    assert p.snils in searches[0].details and '"found": 1' in searches[0].details
    assert p.data.surname in searches[1].details and '"refused"' in searches[1].details
