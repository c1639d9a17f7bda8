"""Components: health, queue depths, schedules; /healthz and /metrics."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

Login = Callable[[str], TestClient]
Token = Callable[[TestClient, str], str]


def test_components_page_shows_health_and_queues(login: Login,
                                                 health_state: dict[str, Any]) -> None:
    health_state["handler.erz"] = {"status": "down", "detail": "no heartbeat for 40 s"}
    page = login("viewer").get("/components").text
    assert 'data-component="router"' in page
    row = re.search(r'<tr class="bad" data-component="handler.erz">.*?</tr>', page, re.S)
    assert row is not None and "no heartbeat for 40 s" in row.group(0)
    queues = page.split('id="queues"')[1].split("</table>")[0]
    assert "handler.person" in queues and ">3<" in queues and "нет очереди" in queues



def test_components_are_shown_in_words(login: Login, health_state: dict[str, Any]) -> None:
    """Statuses and facts read as Russian words and figures: no Python value on the page."""
    health_state.clear()
    health_state.update({
        "hub.router": {"status": "ok", "routed": 1200, "parked": 0, "rejected": 3,
                       "outage": None, "dead_letters_kept": 0},
        "handler.erz": {"status": "ok", "persons": 2000, "handled": 15, "failed": 0,
                        "last_error": None, "queue": "omshub.handler.erz"},
        "handler.probe": {"status": "degraded", "last_probe": "2026-12-07T09:05:01+00:00",
                          "latency_ms": 12.5, "outage": "брокер недоступен"},
        "adapter.files": {"status": "down", "drops": ["smo-76001", "mo-760101"],
                          "failing": {}, "files": {}},
    })
    page = login("viewer").get("/components").text
    table = page.split('id="health"')[1].split("</table>")[0]

    def row(name: str) -> str:
        found = re.search(rf'data-component="{re.escape(name)}">.*?</tr>', table, re.S)
        assert found is not None, name
        return found.group(0)

    assert "работает" in row("hub.router") and "Направлено получателям</b>: 1 200" in row(
        "hub.router")
    assert "Лиц в регистре</b>: 2 000" in row("handler.erz")
    assert "Последняя ошибка" not in row("handler.erz")  # nothing to say is not said
    probe = row("handler.probe")
    assert "работает с ограничениями" in probe and "Задержка пробы, мс</b>: 12,5" in probe
    assert re.search(r"Последняя проба</b>: 07\.12\.2026 \d\d:05:01", probe), probe
    files = row("adapter.files")
    assert "не работает" in files and "Папки обмена</b>: smo-76001, mo-760101" in files
    for python in ("None", "{}", "[]", "True", "False", "'"):
        assert python not in table, python


def test_run_now_sets_the_request_and_is_audited(login: Login, seed: Any,
                                                 token: Token) -> None:
    seed.schedule("probe.hourly")
    viewer = login("viewer")
    assert 'id="run-probe.hourly"' not in viewer.get("/components").text
    r = viewer.post("/schedules/probe.hourly/run",
                    data={"csrf_token": token(viewer, "/components")})
    assert r.status_code == 403
    client = login("oper")
    page = client.get("/components").text
    assert 'id="run-probe.hourly"' in page and 'id="save-cron-probe.hourly"' not in page
    r = client.post("/schedules/probe.hourly/run",
                    data={"csrf_token": token(client, "/components")})
    assert r.status_code == 200 and "Запуск «probe.hourly» запрошен" in r.text
    assert re.search(r"запрошен \d\d\.\d\d\.20\d\d \d\d:\d\d", r.text)  # run_requested_at
    assert seed.audit("schedule-run")[0].username == "oper"


def test_cron_edit_is_validated_and_for_administrators(login: Login, seed: Any,
                                                       token: Token) -> None:
    seed.schedule("probe.hourly")
    oper = login("oper")
    r = oper.post("/schedules/probe.hourly/cron",
                  data={"csrf_token": token(oper, "/components"), "cron": "*/5 * * * *"})
    assert r.status_code == 403
    admin = login("admin")
    r = admin.post("/schedules/probe.hourly/cron",
                   data={"csrf_token": token(admin, "/components"), "cron": "every hour"})
    assert "неверное расписание «every hour»: нужно пять полей cron" in r.text
    assert 'value="0 * * * *"' in r.text
    r = admin.post("/schedules/probe.hourly/cron",
                   data={"csrf_token": token(admin, "/components"), "cron": "*/5 * * * *"})
    assert 'value="*/5 * * * *"' in r.text
    [row] = seed.audit("schedule-cron")
    assert '"previous": "0 * * * *"' in row.details


def test_enable_and_disable(login: Login, seed: Any, token: Token) -> None:
    seed.schedule("probe.hourly")
    admin = login("admin")
    r = admin.post("/schedules/probe.hourly/enabled",
                   data={"csrf_token": token(admin, "/components"), "enabled": "0"})
    assert "выключено" in r.text and 'id="toggle-probe.hourly">Включить' in r.text
    assert [a.action for a in seed.audit("schedule-disable")] == ["schedule-disable"]


def test_healthz_needs_no_login_and_reports_failures(app: Any,
                                                     health_state: dict[str, Any]) -> None:
    with TestClient(app) as client:
        r = client.get("/healthz")
        assert r.status_code == 200
        assert r.json()["status"] == "ok"
        assert r.json()["components"]["database"] == {"status": "ok"}
        health_state["router"] = {"status": "down", "detail": "no heartbeat"}
        r = client.get("/healthz")
        assert r.status_code == 503 and r.json()["status"] == "unhealthy"
        assert r.json()["components"]["router"]["status"] == "down"


def test_metrics_count_messages_by_status_and_open_dead_letters(app: Any, seed: Any) -> None:
    seed.message(status="handled")
    seed.message(status="handled")
    seed.dead_letter(seed.message())
    with TestClient(app) as client:
        r = client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    text = r.text
    assert 'omshub_journal_messages{status="handled"} 2.0' in text
    assert 'omshub_journal_messages{status="dead"} 1.0' in text
    assert "omshub_dead_letters_open 1.0" in text
    assert 'omshub_console_queue_depth{queue="handler.person"} 3.0' in text
    assert 'omshub_console_component_healthy{component="router"} 1.0' in text
