"""The dashboard «Обзор» (HUB-9), the failed-message count in the menu, refreshing lists and
the queues' three figures on the components page."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from admin.app import create_app
from contracts.envelope import utcnow
from contracts.registry import TypeRegistry
from hub.bus import Bus, Delivery, Disposition, Outgoing, QueueStats, Unknown
from hub.bus.testing import wait_until
from hub.operations import Operations
from storage.db import Database
from tests.admin.conftest import PERSON_QUEUE, SECRET, Seed, form_logins

Login = Callable[[str], TestClient]


def _section(page: str, marker: str) -> str:
    return page.split(marker, 1)[1].split("</section>", 1)[0]


def test_home_leads_to_the_dashboard_first_in_the_menu(login: Login) -> None:
    client = login("viewer")
    r = client.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/dashboard"
    page = client.get("/dashboard").text
    nav = page.split("<nav>", 1)[1].split("</nav>", 1)[0]
    assert nav.index(">Обзор<") < nav.index(">Журнал<")


def test_dashboard_shows_the_flow_failures_and_dead_letters(login: Login, seed: Seed) -> None:
    now = utcnow()
    for i in range(3):
        seed.message(type="erz.person.changed", source="handler.erz",
                     at=now - timedelta(minutes=i))
    seed.message(type="hub.probe", source="adapter.probe", status="rejected",
                 at=now - timedelta(minutes=5))
    dead = seed.message(type="hub.probe", source="adapter.probe", at=now - timedelta(minutes=2))
    seed.dead_letter(dead, cause_type="LookupError")
    seed.message(type="erz.person.changed", source="handler.erz",
                 at=now - timedelta(hours=3))  # out of the last hour

    page = login("viewer").get("/dashboard").text

    flow = _section(page, 'id="flow"')
    assert "erz.person.changed" in flow and "handler.erz" in flow
    # the flow's chart says its totals in its accessible description
    assert re.search(r"<desc[^>]*>Всего 5 сообщений в минуту .*erz\.person\.changed: 3", flow)
    assert 'id="tile-flow"' in page
    assert re.search(r'id="tile-flow">\s*<span class="figure">5</span>', page)
    statuses = page.split('id="statuses"', 1)[1].split("</table>", 1)[0]
    assert re.search(r'data-status="dead">.*?недоставлено.*?<td class="num">1</td>', statuses,
                     re.S)
    assert re.search(r'data-status="rejected">.*?отклонено', statuses, re.S)
    assert re.search(r'id="tile-failing">\s*<span class="figure">2</span>', page)
    causes = page.split('id="dead-causes"', 1)[1].split("</table>", 1)[0]
    assert re.search(r'data-cause="LookupError">.*?Ошибка обработчика: не найдено.*?'
                     r'<td class="num">1</td>', causes, re.S)
    assert re.search(r'id="tile-dead">\s*<span class="figure">1</span>', page)
    assert "<script" not in page.split("</head>", 1)[1]  # the charts are drawn on the server


def test_the_day_counts_what_the_hour_leaves_out(login: Login, seed: Seed) -> None:
    seed.message(type="erz.person.changed", source="handler.erz",
                 at=utcnow() - timedelta(hours=3))
    client = login("viewer")
    assert re.search(r'id="tile-flow">\s*<span class="figure">0</span>',
                     client.get("/dashboard").text)
    day = client.get("/dashboard?period=day").text
    assert re.search(r'id="tile-flow">\s*<span class="figure">1</span>', day)
    assert 'id="period-day" class="active"' in day
    assert "сообщений в час" in day


def test_relay_lag_and_component_health_in_words(login: Login,
                                                  health_state: dict[str, Any]) -> None:
    health_state["adapter.files"] = {"status": "down", "failing": {},
                                     "detail": "папка обмена недоступна"}
    page = login("viewer").get("/dashboard").text
    assert "нет задержки: все записанные сообщения опубликованы" in page
    health = _section(page, 'id="health"')
    assert re.search(r'class="bad" data-component="adapter.files">.*?не работает.*?'
                     r"Подробности: папка обмена недоступна", health, re.S)
    assert "{}" not in health
    assert re.search(r'data-component="router">.*?работает', health, re.S)
    assert re.search(r'id="tile-health">\s*<span class="figure">2 из 3</span>', page)


def test_the_menu_counts_open_dead_letters_on_every_page(login: Login, seed: Seed) -> None:
    for _ in range(2):
        seed.dead_letter(seed.message())
    client = login("viewer")
    for url in ("/dashboard", "/journal", "/components", "/catalogue"):
        badge = re.search(r'id="failed-count"[^>]*>(\d+)<', client.get(url).text)
        assert badge is not None and badge.group(1) == "2", url


def test_no_badge_without_open_dead_letters(login: Login) -> None:
    assert 'id="failed-count"' not in login("viewer").get("/journal").text


@pytest.mark.parametrize("url,seconds", [("/dashboard", 30), ("/components", 30),
                                         ("/journal", 60), ("/dead-letters", 60)])
def test_lists_refresh_and_can_be_stopped(login: Login, url: str, seconds: int) -> None:
    client = login("viewer")
    page = client.get(url).text
    assert f'<meta http-equiv="refresh" content="{seconds}">' in page
    assert f"Обновляется каждые {seconds} с" in page
    stop = re.search(r'id="refresh-stop" href="([^"]+)"|href="([^"]+)" id="refresh-stop"',
                     page)
    assert stop is not None
    stopped = client.get((stop.group(1) or stop.group(2)).replace("&amp;", "&")).text
    assert 'http-equiv="refresh"' not in stopped
    assert "Автообновление остановлено" in stopped and 'id="refresh-start"' in stopped


def test_a_page_that_is_not_a_list_does_not_refresh(login: Login) -> None:
    page = login("viewer").get("/catalogue").text
    assert 'http-equiv="refresh"' not in page and "Обновляется" not in page


# -- queues: ready, consumers, unacknowledged -------------------------------------------------


@pytest.fixture
def held(bus: Bus) -> Iterator[threading.Event]:
    """Two messages in the person queue, one held by a consumer that does not finish."""
    release = threading.Event()

    def handler(batch: list[Delivery]) -> list[Disposition]:
        release.wait(20)
        return [Disposition.ACK] * len(batch)

    bus.publish([Outgoing(PERSON_QUEUE, b"{}", f"m{i}") for i in range(3)])
    sub = bus.consume(PERSON_QUEUE, handler, prefetch=1, max_wait=0.01)
    yield release
    release.set()
    sub.cancel()


@pytest.fixture
def stats_login(db: Database, ops: Operations, types: TypeRegistry, bus: Bus,
                health_state: dict[str, Any], accounts: None) -> Iterator[Login]:
    """A console whose queue figures come from the in-process broker, as ``omshub up``'s."""

    def probe() -> dict[str, QueueStats | None]:
        return {q: bus.queue_stats(q) for q in (PERSON_QUEUE, "handler.probe", "gone")}

    app = create_app(db, ops, types, secret_key=SECRET, health=lambda: health_state,
                     queue_stats=probe)
    with form_logins(app) as make:
        yield make


def _queue_row(page: str, name: str) -> list[str]:
    row = re.search(rf'<tr data-queue="{re.escape(name)}"[^>]*>(.*?)</tr>', page, re.S)
    assert row is not None, name
    return [re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]


def test_embedded_broker_queue_figures_are_exact(stats_login: Login, bus: Bus,
                                                 held: threading.Event) -> None:
    wait_until(lambda: (s := bus.queue_stats(PERSON_QUEUE)) and s.unacked == 1,
               what="one delivery held")
    client = stats_login("viewer")
    for url in ("/components", "/dashboard"):
        page = client.get(url).text
        assert _queue_row(page, PERSON_QUEUE) == [PERSON_QUEUE, "2", "1", "1"], url
        assert _queue_row(page, "handler.probe") == ["handler.probe", "0", "0", "0"]
        assert "нет очереди" in _queue_row(page, "gone")[1]
        assert "нет данных" not in page.split('id="queues"', 1)[1].split("</table>")[0]


def test_a_figure_the_broker_does_not_tell_is_explained(login: Login) -> None:
    """The conftest's console has ready counts only: the other two read «нет данных», why."""
    page = login("viewer").get("/components").text
    assert _queue_row(page, PERSON_QUEUE) == [PERSON_QUEUE, "3", "нет данных*", "нет данных*"]
    assert "Нет данных: источник сведений об очередях сообщает только число готовых" in page


def test_amqp_unacked_is_explained_as_rabbitmq_management(
        db: Database, ops: Operations, types: TypeRegistry, accounts: None) -> None:
    def probe() -> dict[str, QueueStats | None]:
        return {"omshub.router": QueueStats("omshub.router", 7, 2,
                                            unknown=Unknown.AMQP_UNACKED)}

    app = create_app(db, ops, types, secret_key=SECRET, health=dict, queue_stats=probe)
    with form_logins(app) as make:
        page = make("viewer").get("/components").text
    assert _queue_row(page, "omshub.router") == ["omshub.router", "7", "2", "нет данных*"]
    assert "rabbitmq_management" in page


def test_components_page_prints_no_python_values(stats_login: Login,
                                                 health_state: dict[str, Any]) -> None:
    health_state.update({
        "hub.router": {"status": "ok", "outage": None, "routed": 5},
        "adapter.files": {"status": "degraded", "failing": {}, "drops": [], "last_error": None},
        "handler.greeter": {"status": "ok", "last_error": "GreeterOutOfOrder: out of order"},
    })
    page = stats_login("viewer").get("/components").text
    # an exception's own text is shown as written, marked technical, under a Russian label
    assert ('Последняя ошибка</b>: <span class="mono">GreeterOutOfOrder: out of order</span>'
            in page)
    main = page.split("<main>", 1)[1].split("</main>", 1)[0]
    for python in ("None", "{}", "[]", "True", "False", "{'", "':"):
        assert python not in main, python


def test_metrics_export_the_three_figures(stats_login: Login, bus: Bus,
                                          held: threading.Event) -> None:
    wait_until(lambda: (s := bus.queue_stats(PERSON_QUEUE)) and s.unacked == 1,
               what="one delivery held")
    text = stats_login("viewer").get("/metrics").text
    assert f'omshub_console_queue_depth{{queue="{PERSON_QUEUE}"}} 2.0' in text
    assert f'omshub_console_queue_consumers{{queue="{PERSON_QUEUE}"}} 1.0' in text
    assert f'omshub_console_queue_unacked{{queue="{PERSON_QUEUE}"}} 1.0' in text
