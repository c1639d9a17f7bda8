"""Outages and leftovers: database down, broker dead letters, restarts, stale heartbeats."""

from __future__ import annotations

import time
import urllib.parse
from datetime import timedelta
from pathlib import Path

import pytest

from contracts.envelope import Envelope, utcnow
from contracts.probe import ProbeV1
from handlers.probe.models import probe_receipts
from hub.bus import Disposition, QueueSpec
from hub.health import health_from_heartbeats
from hub.settings import load_settings
from hub.testing import running_hub, wait_for
from storage.models import heartbeats
from tests.conftest import Footprint
from tests.netproxy import Proxy

CORE = ["hub.router", "handler.probe", "adapter.probe"]


def test_a_database_outage_is_ridden_out_without_dead_letters(
    production: Footprint, tmp_path: Path
):
    parts = urllib.parse.urlsplit(production.database_url)
    proxy = Proxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    via_proxy = urllib.parse.urlunsplit(parts._replace(netloc=f"{parts.username}@127.0.0.1:"
                                                               f"{proxy.port}"))
    settings = production.settings(tmp_path, delivery_limit=3)
    settings = settings.model_copy(update={"database_url": via_proxy})
    try:
        with running_hub(settings, CORE) as hub:
            first = hub.publish_many([ProbeV1(seq=i, sent_at=utcnow()) for i in range(200)])
            wait_for(lambda: hub.count(probe_receipts) == 200)
            second = hub.publish_many([ProbeV1(seq=i, sent_at=utcnow()) for i in range(200)])
            # The router and the handler are mid-stream when PostgreSQL goes away for 6 s:
            # longer than a delivery limit of 3 would survive if batches were requeued.
            proxy.cut()
            time.sleep(6)
            proxy.restore()
            wait_for(lambda: hub.count(probe_receipts) == 400, timeout=90,
                     message="all handled after the outage")
            assert hub.dead_letters() == []
            assert {hub.status_of(e.id) for e in first + second} == {"handled"}
    finally:
        proxy.close()


def test_the_brokers_dead_letters_are_kept_and_shown(footprint: Footprint, tmp_path: Path):
    with running_hub(footprint.settings(tmp_path), ["hub.router"]) as hub:
        bus = hub.process.bus
        bus.declare([QueueSpec("omshub.handler.crashy", delivery_limit=2)])
        env = Envelope(type="hub.probe", version=1, source="test",
                       payload={"seq": 1, "sent_at": utcnow().isoformat()})
        from hub.bus import Outgoing

        bus.publish([Outgoing("omshub.handler.crashy", env.to_bytes(), env.id)])
        # A consumer that never manages to finish (as one crashing on the message would).
        sub = bus.consume("omshub.handler.crashy",
                          lambda batch: [Disposition.REQUEUE] * len(batch), prefetch=1)
        try:
            (dead,) = wait_for(lambda: hub.dead_letters(), message="kept from omshub.dead")
        finally:
            sub.cancel()
        assert dead.message_id == env.id and dead.queue == "omshub.handler.crashy"
        assert dead.cause_type == "DeliveryLimitExceeded"
        assert Envelope.from_bytes(dead.body).id == env.id
        assert "dead" in hub.trail(env.id)


def test_the_embedded_hub_resends_what_was_in_flight_when_it_stopped(tmp_path: Path):
    from hub.testing import reset_memory_broker

    reset_memory_broker()
    settings = Footprint("embedded", "memory://",
                         f"sqlite:///{tmp_path / 'hub.db'}").settings(tmp_path)
    with running_hub(settings, ["adapter.probe"]) as hub:  # no router: nothing moves on
        env = hub.publish(ProbeV1(seq=1, sent_at=utcnow()))
        wait_for(lambda: hub.process.relay.published == 1)
    reset_memory_broker()  # the in-process broker's contents die with the process
    with running_hub(settings, CORE) as hub:
        wait_for(lambda: hub.status_of(env.id) == "handled", message="handled after restart")
        assert hub.count(probe_receipts) == 1
    reset_memory_broker()


def test_heartbeats_of_dead_processes_expire(tmp_path: Path):
    from hub.testing import reset_memory_broker

    reset_memory_broker()
    settings = Footprint("embedded", "memory://",
                         f"sqlite:///{tmp_path / 'hub.db'}").settings(tmp_path)
    with running_hub(settings, ["hub.router"]) as hub:
        wait_for(lambda: hub.count(heartbeats) == 1)
        long_ago = utcnow() - timedelta(hours=2)
        with hub.db.transaction() as conn:
            for instance, seen in (("handler.x@otherhost:1", utcnow() - timedelta(minutes=2)),
                                   ("handler.y@otherhost:2", long_ago)):
                conn.execute(heartbeats.insert().values(
                    instance=instance, component=instance.split("@")[0], host="otherhost",
                    pid=1, started_at=long_ago, last_seen_at=seen, status="ok", detail="{}"))
        report = health_from_heartbeats(hub.db)
        assert report["handler.x@otherhost:1"]["status"] == "down"
        assert "handler.y@otherhost:2" not in report
        assert any(k.startswith("hub.router@") and v["status"] == "ok"
                   for k, v in report.items())
    reset_memory_broker()


def test_list_and_map_settings_come_from_the_environment():
    settings = load_settings(env={
        "OMSHUB_COMPONENTS": "hub.router, handler.probe",
        "OMSHUB_ROUTES": '{"hub.probe.v1": ["handler.audit"]}',
        "OMSHUB_RETRY_DELAYS": "1,5,30",
    })
    assert settings.components == ["hub.router", "handler.probe"]
    assert settings.routes == {"hub.probe.v1": ["handler.audit"]}
    assert settings.retry_delays == (1, 5, 30) and settings.max_attempts == 4
    with pytest.raises(ValueError):
        load_settings(env={"OMSHUB_ROUTES": "handler.audit"})


def test_recovery_resends_a_copy_one_subscriber_had_not_handled(tmp_path: Path):
    from hub.plugins import discover
    from hub.testing import reset_memory_broker
    from tests.hub.components import Counter, seen

    reset_memory_broker()
    settings = Footprint("embedded", "memory://",
                         f"sqlite:///{tmp_path / 'hub.db'}").settings(tmp_path)
    plugins = discover()
    plugins.add_component(Counter)  # subscribed, but not running this time
    with running_hub(settings, CORE, plugins=plugins) as hub:
        env = hub.publish(ProbeV1(seq=1, sent_at=utcnow()))
        wait_for(lambda: hub.status_of(env.id) == "handled")  # by handler.probe only
    reset_memory_broker()  # handler.counter's copy is lost with the in-process broker
    with running_hub(settings, [*CORE, "handler.counter"], plugins=plugins) as hub:
        wait_for(lambda: hub.count(seen) == 1, message="the counter got its copy after all")
        time.sleep(0.5)
        assert hub.count(probe_receipts) == 1  # handler.probe did not handle it twice
    reset_memory_broker()


def test_the_keeper_records_the_latest_death_not_an_earlier_delay():
    from hub.dead_letters import _death

    headers = {
        "x-first-death-queue": "omshub.delay.1s", "x-first-death-reason": "expired",
        "x-death": [
            {"queue": "omshub.handler.erz", "reason": "delivery_limit", "count": 1},
            {"queue": "omshub.delay.1s", "reason": "expired", "count": 2},
        ],
    }
    assert _death(headers) == ("omshub.handler.erz", "delivery_limit", 1)
    assert _death({"x-omshub-queue": "omshub.handler.erz"}) == ("omshub.handler.erz", "", 0)


def test_a_component_refuses_a_database_that_is_not_migrated(tmp_path: Path):
    from hub.runtime import HubProcess
    from storage.db import Database
    from storage.migrate import alembic_config, head_revision

    url = f"sqlite:///{tmp_path / 'old.db'}"
    settings = Footprint("embedded", "memory://", url).settings(tmp_path)
    with pytest.raises(RuntimeError, match="has no hub tables: run `omshub migrate` first"):
        HubProcess(settings, ["hub.router"])
    from alembic import command

    db = Database(url)
    with db.engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0002")
    with pytest.raises(RuntimeError, match=f"is at revision 0002, not {head_revision()}"):
        HubProcess(settings, ["hub.router"])
    db.dispose()
