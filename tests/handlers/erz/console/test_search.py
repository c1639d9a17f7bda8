"""The console's person search: a surname's beginning for personal-data accounts, whole
identifiers in any writing for everyone, pages with a total and a page size, each row a
link to the card; dates ДД.ММ.ГГГГ; the API takes the same parameters."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime

from contracts.erz.register import Source
from handlers.erz.console.criteria import NEED_SURNAME, WHOLE_ONLY
from handlers.erz.register.bulk import load_persons
from handlers.erz.synth import population as synth
from tests.handlers.erz.console.conftest import Login, Region


def _rows(page: str) -> list[str]:
    return re.findall(r'<tr class="person-row">\s*<td class="mono"><a href="([^"]+)"', page)


def test_an_operator_finds_a_person_by_the_beginning_of_a_surname(login: Login,
                                                                  region: Region) -> None:
    p = region.insured()
    pd = login("pd")
    page = pd.get("/erz", params={"surname": p.data.surname[:3].lower().replace("ё", "е")})
    assert page.status_code == 200 and f"/erz/person/{p.enp}" in _rows(page.text)
    assert p.data.birth_date.strftime("%d.%m.%Y") in page.text
    narrowed = pd.get("/erz", params={"surname": p.data.surname[:2], "name": p.data.name[:2],
                                      "birth_date": p.data.birth_date.strftime("%d.%m.%Y")})
    assert _rows(narrowed.text) == [f"/erz/person/{p.enp}"]
    by_year = pd.get("/erz", params={"surname": p.data.surname,
                                     "birth_year": str(p.data.birth_date.year)})
    assert _rows(by_year.text) == [f"/erz/person/{p.enp}"]
    assert "Найдено: 0" in pd.get("/erz", params={
        "surname": p.data.surname, "birth_year": str(p.data.birth_date.year - 1)}).text
    nameless = pd.get("/erz", params={"name": p.data.name})
    assert nameless.status_code == 400 and NEED_SURNAME in nameless.text
    assert pd.get("/erz", params={"surname": "Ив", "birth_year": "80"}).status_code == 400


def test_identifiers_in_any_writing_find_the_person_for_a_masked_viewer(
        login: Login, region: Region) -> None:
    p = region.insured()
    viewer = login("viewer")
    s = p.snils
    series, number = p.document.series, p.document.number
    for params in ({"snils": s}, {"snils": f"{s[:3]}-{s[3:6]}-{s[6:9]} {s[9:]}"},
                   {"snils": f"{s[:3]} {s[3:6]} {s[6:9]} {s[9:]}"}, {"enp": p.enp},
                   {"policy": p.enp}, {"document": f"{series} {number}"},
                   {"document": f"{series.replace(' ', '')} {number}"}):
        page = viewer.get("/erz", params=params)
        assert page.status_code == 200 and len(_rows(page.text)) == 1, params
        assert _rows(page.text)[0].startswith("/erz/person/id"), params  # no ЕНП in links
    refused = viewer.get("/erz", params={"surname": p.data.surname[:3]})
    assert refused.status_code == 400 and WHOLE_ONLY in refused.text


def test_results_come_in_pages_with_a_total_and_a_page_size(login: Login,
                                                            region: Region) -> None:
    people = list(synth.population(400, seed=9))
    with region.db.transaction() as conn:
        load_persons(conn, people, source=Source("test"), at=datetime(2025, 1, 1, tzinfo=UTC))
    ((initial, expected),) = Counter(p.data.surname[0] for p in people).most_common(1)
    assert expected > 20
    pd = login("pd")
    first = pd.get("/erz", params={"surname": initial, "size": "20"})
    assert f"Найдено: {expected}." in first.text
    assert "Показаны 1–20, по 20 на странице." in first.text and len(_rows(first.text)) == 20
    link = re.search(r'href="([^"]+)" id="next-page"', first.text)
    assert link is not None
    second = pd.get(link.group(1).replace("&amp;", "&"))
    assert "Показаны 21–" in second.text and 'id="prev-page"' in second.text
    assert not set(_rows(first.text)) & set(_rows(second.text))
    assert pd.get("/erz", params={"surname": initial, "size": "7"}).status_code == 400
    api = pd.get("/api/erz/persons", params={"surname": initial.lower(), "size": "100",
                                             "page": "1"})
    body = api.json()
    assert api.status_code == 200 and body["total"] == expected
    assert body["page_size"] == 100 and len(body["items"]) == min(expected, 100)
    assert pd.get("/api/erz/persons", params={"name": "Анна"}).status_code == 400
