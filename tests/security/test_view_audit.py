"""Who saw what: unmasked views of a message and every search by person are audited.

Each record names the account, the time, the client's address and what was seen or searched
(the message id; the query and how many were found), so that the fund can answer "who saw
this person's data, and when". The register's person card is in test_register_privacy.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from admin.viewaudit import MESSAGE_VIEW, PERSON_SEARCH
from tests.admin.conftest import (
    ENP,
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


def test_opening_a_message_unmasked_is_audited(login: Login, seed: Any) -> None:
    message_id = seed.person_message()
    pd, viewer = login("pd"), login("viewer")
    assert pd.get(f"/journal/{message_id}").status_code == 200
    assert pd.get(f"/api/messages/{message_id}").status_code == 200
    assert viewer.get(f"/journal/{message_id}").status_code == 200  # masked: not recorded
    assert viewer.get(f"/api/messages/{message_id}").status_code == 200
    rows = seed.audit(MESSAGE_VIEW)
    assert [(r.username, r.target) for r in rows] == [("pd", message_id)] * 2
    assert all(r.remote_addr == "testclient" and r.at is not None for r in rows)


def test_every_person_search_is_audited_with_what_was_searched(login: Login,
                                                               seed: Any) -> None:
    seed.person_message()
    viewer, pd = login("viewer"), login("pd")
    viewer.get("/journal", params={"person": ENP})
    viewer.get("/api/messages", params={"person": ENP[:6]})  # refused: a partial one
    pd.get("/api/messages", params={"person": ENP[:6]})
    viewer.get("/journal", params={"type": "hub.probe"})  # no person: not a person search
    rows = seed.audit(PERSON_SEARCH)
    found = [(r.username, r.target, r.remote_addr) for r in rows]
    assert found == [("viewer", "journal", "testclient")] * 2 + [("pd", "journal", "testclient")]
    details = [r.details for r in rows]
    assert f'"person": "{ENP}"' in details[0] and '"found": 1' in details[0]
    assert '"unmasked": false' in details[0]
    assert f'"person": "{ENP[:6]}"' in details[1] and '"refused"' in details[1]
    assert '"unmasked": true' in details[2] and '"found": 1' in details[2]
