"""The register's person search takes only whole identifiers from a masked account.

A name and a birth date, or a document number without its series, answer "is this person
insured here" to an account that may not see personal data: an oracle to guess with. Such
an account searches by a whole ЕНП, СНИЛС, policy number, or document series and number;
an account with the personal-data permission searches by name and birth date as before.
"""

from __future__ import annotations

from tests.erz_console.conftest import Login, Region, app, bus, db, login, region

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
