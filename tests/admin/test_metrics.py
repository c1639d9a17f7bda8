"""The console's ``/metrics``: what the Grafana dashboard and the alert rules read from the
hub's tables — messages journaled per type and sender, open dead letters by cause, the
outbox's backlog and age (relay lag), and each component instance's status. On SQLite and
on PostgreSQL (the ``db`` fixture)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from contracts.envelope import utcnow
from storage.models import dead_letters, outbox


def _samples(app: Any) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    with TestClient(app) as client:
        r = client.get("/metrics")
    assert r.status_code == 200
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for f in text_string_to_metric_families(r.text) for s in f.samples}


def test_metrics_count_journaled_messages_by_type_and_sender(app: Any, seed: Any) -> None:
    seed.message(status="handled")
    seed.message(status="routed")
    seed.person_message(status="failed")
    samples = _samples(app)
    journaled = {labels: v for (name, labels), v in samples.items()
                 if name == "omshub_journaled_total"}
    assert journaled == {(("source", "adapter.probe"), ("type", "hub.probe")): 2.0,
                         (("source", "adapter.soap"), ("type", "test.person.query")): 1.0}
    assert samples[("omshub_journal_messages", (("status", "failed"),))] == 1.0


def test_metrics_count_open_dead_letters_by_component_and_cause(app: Any, seed: Any) -> None:
    seed.dead_letter(seed.message(), cause_type="LookupError")
    seed.dead_letter(seed.message(), cause_type="LookupError")
    seed.dead_letter(seed.message(), queue="omshub.router", cause_type="DeliveryLimitExceeded")
    resolved = seed.dead_letter(seed.message(), cause_type="ValueError")
    with seed.db.transaction() as conn:
        conn.execute(dead_letters.update().where(dead_letters.c.id == resolved)
                     .values(state="replayed"))
    samples = _samples(app)
    by_cause = {labels: v for (name, labels), v in samples.items()
                if name == "omshub_dead_letters_open_by_cause"}
    assert by_cause == {
        (("cause", "LookupError"), ("component", "handler.probe")): 2.0,
        (("cause", "DeliveryLimitExceeded"), ("component", "omshub.router")): 1.0,
    }
    assert samples[("omshub_dead_letters_open", ())] == 3.0


def test_metrics_show_the_outbox_backlog_and_its_age(app: Any, seed: Any) -> None:
    samples = _samples(app)
    assert samples[("omshub_outbox_rows", ())] == 0.0
    assert samples[("omshub_outbox_oldest_age_seconds", ())] == 0.0


def test_metrics_show_the_age_of_the_oldest_outbox_row(app: Any, seed: Any) -> None:
    now = utcnow()
    with seed.db.transaction() as conn:
        for age in (300, 20):
            conn.execute(outbox.insert().values(
                producer="adapter.probe", queue="omshub.router", message_id=f"m{age}",
                body=b"{}", headers="{}", created_at=now - timedelta(seconds=age)))
    samples = _samples(app)
    assert samples[("omshub_outbox_rows", ())] == 2.0
    assert 300 <= samples[("omshub_outbox_oldest_age_seconds", ())] < 360


def test_metrics_give_each_component_its_status(app: Any,
                                                health_state: dict[str, Any]) -> None:
    health_state["handler.probe"] = {"status": "degraded", "outage": "database"}
    samples = _samples(app)
    status = {labels: v for (name, labels), v in samples.items()
              if name == "omshub_console_component_status"}
    assert status[(("component", "router"), ("status", "ok"))] == 1.0
    assert status[(("component", "handler.probe"), ("status", "degraded"))] == 1.0
    assert status[(("component", "handler.probe"), ("status", "ok"))] == 0.0
    assert status[(("component", "handler.probe"), ("status", "down"))] == 0.0
    assert samples[("omshub_console_component_healthy", (("component", "handler.probe"),))] \
        == 0.0
