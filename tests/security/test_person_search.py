"""Searches by personal data are no oracle for an account that may not see personal data.

A masked viewer recovered a whole ЕНП from ``/api/messages?person=…`` by growing a prefix one
digit at a time (54 requests), and surnames and birth dates the same way. Now a masked
account's query must be a whole identifier (its other parts whole values too); an account
with the personal-data permission keeps prefix search. The register's person search takes
only whole identifiers from a masked account as well (test_register_search.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from tests.admin.conftest import (
    ENP,
    SNILS,
    accounts,
    app,
    bus,
    db,
    health_state,
    login,
    ops,
    pg_schema_url,
    seed,
    types,
)

__all__ = ["accounts", "app", "bus", "db", "health_state", "login", "ops", "pg_schema_url",
           "seed", "types"]

Login = Callable[[str], TestClient]
SERVICES_PERSON = "3541111111111111 Иванов Иван Иванович 1980-05-17"
"""The person column of a ФОМС services request: ЕНП, surname, name, patronymic, birth date."""


def _found(client: TestClient, query: str) -> list[str]:
    r = client.get("/api/messages", params={"person": query})
    if r.status_code == 400:
        return []
    assert r.status_code == 200, r.text
    return [item["message_id"] for item in r.json()["items"]]


def _grow(client: TestClient, alphabet: str, length: int, start: str = "") -> str:
    """The prefix attack: extend a prefix by the first symbol that still finds something."""
    known = start
    for _ in range(length):
        for symbol in alphabet:
            if _found(client, known + symbol):
                known += symbol
                break
        else:
            return known
    return known


def test_the_prefix_attack_recovers_nothing_for_a_masked_viewer(login: Login, seed: Any) -> None:
    seed.person_message()
    seed.message(type="smev3.ffoms.services.request", person=SERVICES_PERSON)
    viewer = login("viewer")
    assert _grow(viewer, "0123456789", 16) == ""
    assert _grow(viewer, "0123456789", 14, start="35") == "35"  # the region's code is known
    assert _grow(viewer, "0123456789-", 14) == ""  # the СНИЛС, as journaled
    for partial in ("Ив", "Иванов", "1980", "1980-05-17", "Иванов 1980-05-17", "354111111111",
                    "123-456-789", "3541111111111111 Ив", "%", "_"):
        assert _found(viewer, partial) == [], partial
    refused = viewer.get("/api/messages", params={"person": "3541"})
    assert refused.status_code == 400 and "целиком" in refused.json()["error"]
    page = viewer.get("/journal", params={"person": "3541"})
    assert page.status_code == 400 and "только по полному идентификатору" in page.text


def test_a_whole_identifier_still_finds_the_person(login: Login, seed: Any) -> None:
    person = seed.person_message()
    services = seed.message(type="smev3.ffoms.services.request", person=SERVICES_PERSON)
    viewer = login("viewer")
    assert _found(viewer, ENP) == [services, person]
    for snils in (SNILS, "12345678901", "123-456-789-01"):
        assert _found(viewer, snils) == [person], snils
    assert _found(viewer, f"{ENP} Иванов 17.05.1980") == [services]
    assert _found(viewer, f"{ENP} Петров") == []


def test_prefix_search_stays_for_personal_data_accounts(login: Login, seed: Any) -> None:
    person = seed.person_message()
    services = seed.message(type="smev3.ffoms.services.request", person=SERVICES_PERSON)
    pd = login("pd")
    assert _grow(pd, "0123456789", 14, start="35") == ENP
    assert _found(pd, "Ив") == [services]
    assert _found(pd, "123-456") == [person]
