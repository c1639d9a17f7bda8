"""The journal's default view and filters: scheduler ticks hidden unless asked for, type
prefixes without ``*``, every status in the list with its Russian label (issue 11, item 7)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from contracts.hub import JobRunV1
from contracts.probe import ProbeV1
from contracts.registry import TypeRegistry
from tests.admin.conftest import PersonQueryV1
from tests.admin.conftest import basic_auth as basic
from tests.admin.test_journal import ids_on

Login = Callable[[str], TestClient]
T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def types() -> TypeRegistry:
    """The console's types, with the scheduler's routine tick."""
    registry = TypeRegistry()
    for model in (ProbeV1, PersonQueryV1, JobRunV1):
        registry.add(model)
    return registry


@pytest.fixture
def api(app: Any, accounts: None) -> Iterator[TestClient]:
    """A client without a session (Basic auth)."""
    with TestClient(app) as client:
        yield client


@pytest.fixture
def traffic(seed: Any) -> dict[str, str]:
    """A probe, a person query and two scheduler ticks."""
    return {
        "probe": seed.message(at=T0),
        "person": seed.person_message(at=T0 + timedelta(minutes=1)),
        "tick": seed.message(at=T0 + timedelta(minutes=2), type="hub.job.run",
                             payload={}, source="hub.scheduler",
                             destination="handler.probe", correlation_id="c-tick"),
        "tick2": seed.message(at=T0 + timedelta(minutes=3), type="hub.job.run",
                              payload={}, source="hub.scheduler"),
    }


def test_the_default_journal_shows_no_scheduler_tick(login: Login,
                                                     traffic: dict[str, str]) -> None:
    page = login("viewer").get("/journal")
    assert page.status_code == 200
    assert ids_on(page.text) == [traffic["person"], traffic["probe"]]
    assert "показать служебные" in page.text


def test_ticks_are_shown_when_asked_for(login: Login, traffic: dict[str, str]) -> None:
    client = login("viewer")

    def found(query: str) -> set[str]:
        r = client.get("/journal?" + query)
        assert r.status_code == 200, r.text
        return set(ids_on(r.text))

    everything = set(traffic.values())
    assert found("routine=1") == everything
    assert found("type=hub.job.run") == {traffic["tick"], traffic["tick2"]}
    assert found("type=hub.") == {traffic["probe"], traffic["tick"], traffic["tick2"]}
    assert found(f"message_id={traffic['tick']}") == {traffic["tick"]}
    assert found("correlation_id=c-tick") == {traffic["tick"]}
    # The checkbox stays ticked on the next page's links and the form.
    page = client.get("/journal?routine=1").text
    assert re.search(r'id="f-routine"[^>]*checked', page)


def test_the_api_hides_ticks_by_default_too(api: TestClient, traffic: dict[str, str]) -> None:
    def found(**params: str) -> set[str]:
        r = api.get("/api/messages", params=params, headers=basic("viewer"))
        assert r.status_code == 200, r.text
        return {m["message_id"] for m in r.json()["items"]}

    assert found() == {traffic["probe"], traffic["person"]}
    assert found(routine="1") == set(traffic.values())
    assert found(type="hub.job.run.v1") == {traffic["tick"], traffic["tick2"]}


def test_the_type_filter_finds_a_prefix_without_a_star(login: Login, seed: Any) -> None:
    changed = seed.message(at=T0, type="erz.person.changed", payload={})
    decided = seed.message(at=T0 + timedelta(minutes=1), type="erz.buffer.decided",
                           payload={})
    probe = seed.message(at=T0 + timedelta(minutes=2))
    client = login("viewer")

    def found(value: str) -> set[str]:
        r = client.get("/journal", params={"type": value})
        assert r.status_code == 200, r.text
        return set(ids_on(r.text))

    assert found("erz.") == {changed, decided}
    assert found("erz.person") == {changed}
    assert found("erz.person.changed") == {changed}
    assert found("erz.person.changed.v1") == {changed}
    assert found("erz.person.changed.v2") == set()
    assert found("erz.*") == {changed, decided}
    assert found("hub.probe") == {probe}
    assert found("erz%") == set()  # a LIKE wildcard is a character like any other


def test_the_status_list_offers_every_status_in_words(login: Login, seed: Any) -> None:
    published = seed.message(at=T0, status="published")
    accepted = seed.message(at=T0 + timedelta(minutes=1), status="smev.accepted")
    client = login("viewer")
    page = client.get("/journal").text
    options = dict(re.findall(r'<option value="([^"]+)"\s*>([^<]+)</option>', page))
    for status in ("received", "routed", "published", "parked", "rejected", "handled",
                   "failed", "retried", "dead", "replayed", "discarded", "sent", "delivered"):
        assert status in options, status
        assert re.fullmatch(r"[а-яё ,:]+", options[status]), options[status]
    assert options["published"] == "опубликовано, подписчиков нет"
    assert options["smev.accepted"] == "smev.accepted"  # a plug-in's state, as shown
    # The table says the state in words too.
    assert "опубликовано, подписчиков нет</span>" in page
    assert ids_on(client.get("/journal?status=published").text) == [published]
    assert ids_on(client.get("/journal?status=smev.accepted").text) == [accepted]
    bad = client.get("/journal?status=lost")
    assert bad.status_code == 400 and "неизвестный статус" in bad.text
