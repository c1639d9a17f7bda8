"""Every criterion of the person search, through the console: a surname's beginning with
е/ё and case folded, narrowed by name, patronymic, birth date or year; ЕНП, СНИЛС in any
writing, a policy (an old one with its series) or a document's number; paged with totals."""

from __future__ import annotations

import re
from datetime import date

import pytest

from contracts.erz.register import Document, PersonData, Policy, Reason, Source
from handlers.erz.register.core import Register
from handlers.erz.synth.population import person
from tests.handlers.erz.console.conftest import SMO, Login, Region

ALYONA, ANNA, PYOTR = (person(n, seed=11).enp for n in (1, 2, 3))
"""Valid ЕНП of the demo's generator (the register checks the control digit)."""


def _people(region: Region) -> None:
    """Королёва Алёна Петровна (1980), Королева Анна Петровна (1985), Королев Пётр
    Иванович (1980, an old policy with a series)."""
    with region.db.transaction() as conn:
        reg = Register(conn, Source("test.loader"))
        for enp, data, snils, doc in (
                (ALYONA, PersonData("Королёва", "Алёна", "Петровна", "2", date(1980, 5, 17)),
                 "11223344595", Document("14", "76 04", "111222")),
                (ANNA, PersonData("Королева", "Анна", "Петровна", "2", date(1985, 1, 2)),
                 None, Document("14", "76 05", "333444")),
                (PYOTR, PersonData("Королев", "Пётр", "Иванович", "1", date(1980, 7, 1)),
                 None, Document("14", "76 06", "555666"))):
            reg.create_person(enp, data, snils=snils, document=doc)
        reg.issue_policy(ALYONA, Policy("Э", ALYONA, SMO, date(2020, 1, 1)), Reason("П010"))
        reg.issue_policy(PYOTR, Policy("С", "123456", SMO, date(2010, 1, 1), series="7601"),
                         Reason("П010"))


def _found(page: str) -> set[str]:
    return set(re.findall(r'<tr class="person-row">\s*<td class="mono"><a href="/erz/person/'
                          r'(\d+)"', page))


@pytest.mark.parametrize(("params", "expected"), [
    ({"surname": "королё"}, {ALYONA, ANNA, PYOTR}),        # ё typed, е stored too
    ({"surname": "КОРОЛЕВА"}, {ALYONA, ANNA}),              # case and ё folded
    ({"surname": "Королёва", "name": "але"}, {ALYONA}),     # name's beginning, ё folded
    ({"surname": "Корол", "patronymic": "петр"}, {ALYONA, ANNA}),
    ({"surname": "Корол", "patronymic": "Иван"}, {PYOTR}),
    ({"surname": "Корол", "birth_date": "17.05.1980"}, {ALYONA}),
    ({"surname": "Корол", "birth_date": "1980-05-17"}, {ALYONA}),
    ({"surname": "Корол", "birth_year": "1980"}, {ALYONA, PYOTR}),
    ({"surname": "Корол", "name": "Пётр", "birth_year": "1985"}, set()),
    ({"enp": ANNA}, {ANNA}),
    ({"snils": "112-233-445 95"}, {ALYONA}),
    ({"snils": "11223344595"}, {ALYONA}),
    ({"snils": "112 233 445 95"}, {ALYONA}),
    ({"policy": ALYONA}, {ALYONA}),
    ({"policy": "7601 123456"}, {PYOTR}),                   # an old policy: series number
    ({"policy": "123456"}, {PYOTR}),
    ({"policy": "7602 123456"}, set()),                     # another series
    ({"policy": " ".join(re.findall("....", ALYONA))}, {ALYONA}),  # a number in groups
    ({"document": "76 05 333444"}, {ANNA}),
    ({"document": "7605 333444"}, {ANNA}),
    ({"document": "555666"}, {PYOTR}),                      # the number alone (ПДн account)
    ({"surname": "Корол", "snils": "11223344595"}, {ALYONA}),  # criteria combine
])
def test_each_criterion_finds_whom_it_should(login: Login, region: Region,
                                             params: dict[str, str],
                                             expected: set[str]) -> None:
    _people(region)
    page = login("pd").get("/erz", params=params)
    assert page.status_code == 200, page.text
    assert _found(page.text) == expected
    assert f"Найдено: {len(expected)}" in page.text


def test_a_masked_account_finds_by_whole_identifiers_only(login: Login,
                                                          region: Region) -> None:
    _people(region)
    viewer = login("viewer")
    page = viewer.get("/erz", params={"snils": "112-233-445 95"})
    assert page.status_code == 200 and "Найдено: 1" in page.text
    assert ALYONA not in page.text  # masked: the link names the internal id
    for params in ({"document": "555666"}, {"surname": "Корол"}):
        assert viewer.get("/erz", params=params).status_code == 400
