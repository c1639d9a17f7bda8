"""Scenarios of the hub on both footprints: the path, fan-out, failures, replays, bad input."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from omshub_sample.messages import GreetingV1
from omshub_sample.models import greetings
from omshub_sample.service import FAULT_FILE_ENV

from contracts.envelope import Envelope, utcnow
from contracts.probe import ProbeV1
from handlers.probe.models import probe_receipts
from hub.bus import Outgoing
from hub.context import Attachment
from hub.operations import Operations
from hub.outbox import ROUTER_QUEUE
from hub.plugins import discover
from hub.testing import TestHub, running_hub, wait_for
from storage.journal import load_blob
from storage.models import audit_log, blobs, journal_messages
from tests.conftest import Footprint
from tests.hub.components import Counter, FactV1, OrphanV1, seen

CORE = ["hub.router", "handler.probe", "adapter.probe"]


def _ops(hub: TestHub) -> Operations:
    p = hub.process
    return Operations(p.db, p.bus, p.plugins.types, relay=p.relay)


def test_messages_cross_the_hub_with_a_complete_trail(footprint: Footprint, tmp_path: Path):
    raw = b'<?xml version="1.0" encoding="UTF-8"?>\r\n<Probe  a="1">&#1040;</Probe>'
    with running_hub(footprint.settings(tmp_path), CORE) as hub:
        sent = hub.publish_many([ProbeV1(seq=i, sent_at=utcnow()) for i in range(300)])
        scan = Attachment("скан.pdf", "application/pdf", b"%PDF-1.4 scan")
        with_raw = hub.publish(ProbeV1(seq=999, sent_at=utcnow()), raw=raw, raw_name="in.xml",
                               attachments=[scan])
        wait_for(lambda: hub.count(probe_receipts) == 301, message="301 probes handled")
        for env in (sent[0], sent[-1], with_raw):
            assert hub.trail(env.id) == ["received", "routed", "handled"]
            assert hub.status_of(env.id) == "handled"
        # The exact bytes received are kept, referenced from the envelope.
        assert with_raw.attachments[0].name == "in.xml"
        with hub.db.read() as conn:
            stored = conn.execute(sa.select(blobs.c.data).where(
                blobs.c.id == with_raw.attachments[0].blob_id)).scalar()
        assert stored == raw
        # Files that came with it are stored too, listed after the raw bytes.
        ref = with_raw.attachments[1]
        assert (ref.name, ref.media_type, ref.size) == ("скан.pdf", "application/pdf", 13)
        with hub.db.read() as conn:
            assert load_blob(conn, ref.blob_id) == scan.data
        assert hub.count(probe_receipts, probe_receipts.c.message_id == sent[0].id) == 1


def test_fan_out_delivers_one_copy_to_each_subscriber(footprint: Footprint, tmp_path: Path):
    with running_hub(footprint.settings(tmp_path), CORE, extra=[Counter]) as hub:
        envs = hub.publish_many([ProbeV1(seq=i, sent_at=utcnow()) for i in range(50)])
        wait_for(lambda: hub.count(seen) == 50 and hub.count(probe_receipts) == 50)
        routed = [e for e in hub.events(envs[0].id) if e.status == "routed"][0]
        assert set(routed.detail.split()) == {"omshub.handler.probe", "omshub.handler.counter"}
        assert [e.status for e in hub.events(envs[0].id)].count("handled") == 2


def test_poison_message_is_retried_dead_lettered_and_replayed(
    footprint: Footprint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    flag = tmp_path / "greeter-fault"
    flag.touch()
    monkeypatch.setenv(FAULT_FILE_ENV, str(flag))
    settings = footprint.settings(tmp_path, retry_delays=(1, 5))
    with running_hub(settings, ["hub.router", "handler.greeter"]) as hub:
        env = hub.publish(GreetingV1(name="Иванов Иван", snils="112-233-445 95"))
        wait_for(lambda: hub.status_of(env.id) == "dead", timeout=30, message="dead-lettered")

        failures = [e for e in hub.events(env.id) if e.status in ("failed", "dead")]
        assert [e.attempt for e in failures] == [1, 2, 3]
        gaps = [(b.at - a.at).total_seconds() for a, b in zip(failures, failures[1:], strict=False)]
        assert gaps[0] >= 0.9 and gaps[1] >= 4.5 and gaps[1] > gaps[0]  # growing delay
        (dead,) = hub.dead_letters()
        assert dead.cause_type == "GreeterOutOfOrder"
        assert "out of order" in dead.cause_message and dead.attempts == 3
        assert hub.count(greetings) == 0

        with pytest.raises(ValueError, match="причина"):
            _ops(hub).replay_dead_letter(dead.id, user="olga", reason="  ")
        flag.unlink()  # the fault is fixed
        _ops(hub).replay_dead_letter(dead.id, user="olga", reason="СМО ответила, повтор")
        wait_for(lambda: hub.status_of(env.id) == "handled", message="handled after replay")
        assert hub.count(greetings) == 1
        assert hub.trail(env.id)[-2:] == ["replayed", "handled"]
        assert hub.dead_letters() == [] and len(hub.dead_letters("replayed")) == 1
        with hub.db.read() as conn:
            audit = conn.execute(sa.select(audit_log)).one()
        assert (audit.username, audit.action, audit.target) == ("olga", "replay", env.id)
        assert audit.reason == "СМО ответила, повтор"


def test_edit_and_replay_validates_the_edit(
    footprint: Footprint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    flag = tmp_path / "greeter-fault"
    flag.touch()
    monkeypatch.setenv(FAULT_FILE_ENV, str(flag))
    with running_hub(footprint.settings(tmp_path, retry_delays=()),
                     ["hub.router", "handler.greeter"]) as hub:
        env = hub.publish(GreetingV1(name="Петров"))
        wait_for(lambda: hub.status_of(env.id) == "dead")
        (dead,) = hub.dead_letters()
        with pytest.raises(ValueError, match="snils"):
            _ops(hub).replay_dead_letter(dead.id, user="olga", reason="fix",
                                         payload={"name": "Петров", "snils": "12345"})
        flag.unlink()
        _ops(hub).replay_dead_letter(dead.id, user="olga", reason="имя исправлено",
                                     payload={"name": "Петров Пётр", "text": "Добрый день"})
        wait_for(lambda: hub.count(greetings) == 1)
        with hub.db.read() as conn:
            row = conn.execute(sa.select(greetings)).one()
            action = conn.execute(sa.select(audit_log.c.action)).scalar()
        assert (row.message_id, row.name, row.text) == (env.id, "Петров Пётр", "Добрый день")
        assert action == "edit-and-replay"


def test_any_journaled_message_can_be_replayed_as_a_new_copy(
    footprint: Footprint, tmp_path: Path
):
    with running_hub(footprint.settings(tmp_path), ["hub.router", "handler.greeter"]) as hub:
        env = hub.publish(GreetingV1(name="Сидорова"))
        wait_for(lambda: hub.count(greetings) == 1)
        copy_id = _ops(hub).replay_message(env.id, user="anna", reason="СМО потеряла ответ")
        wait_for(lambda: hub.count(greetings) == 2)
        assert copy_id != env.id and hub.status_of(copy_id) == "handled"
        with hub.db.read() as conn:
            copy = Envelope.model_validate_json(conn.execute(
                sa.select(journal_messages.c.envelope)
                .where(journal_messages.c.message_id == copy_id)).scalar())
        assert copy.causation_id == env.id and copy.correlation_id == env.correlation_id
        assert "replayed" in hub.trail(env.id)


def test_bad_input_is_journaled_with_its_cause_and_does_not_stop_the_router(
    footprint: Footprint, tmp_path: Path
):
    with running_hub(footprint.settings(tmp_path), CORE) as hub:
        good = Envelope(type="hub.probe", version=1, source="test",
                        payload={"seq": 1, "sent_at": utcnow().isoformat()})
        unknown = good.model_copy(update={"id": "unknown-type-1", "type": "hub.prob"})
        invalid = good.model_copy(update={"id": "bad-payload-1", "payload": {"seq": -5}})
        hub.process.bus.publish([
            Outgoing(ROUTER_QUEUE, b"{not json at all", "garbage-1"),
            Outgoing(ROUTER_QUEUE, unknown.to_bytes(), unknown.id),
            Outgoing(ROUTER_QUEUE, invalid.to_bytes(), invalid.id),
            Outgoing(ROUTER_QUEUE, good.to_bytes(), good.id),
        ])
        wait_for(lambda: hub.status_of(good.id) == "handled", message="good message handled")
        for mid, cause in (("garbage-1", "конверт не читается"),
                           ("unknown-type-1", "неизвестный тип сообщения «hub.prob.v1» "
                                              "(возможно, hub.probe.v1"),
                           ("bad-payload-1",
                            "данные не проходят проверку схемы hub.probe.v1: seq:")):
            wait_for(lambda mid=mid: hub.status_of(mid) == "rejected", message=f"{mid} rejected")
            (event,) = [e for e in hub.events(mid) if e.status == "rejected"]
            assert cause in event.detail
        with hub.db.read() as conn:
            raw = conn.execute(sa.select(blobs.c.data).join(
                journal_messages, journal_messages.c.raw_blob_id == blobs.c.id).where(
                journal_messages.c.message_id == "garbage-1")).scalar()
        assert raw == b"{not json at all"


def test_unroutable_messages_are_parked_and_visible(footprint: Footprint, tmp_path: Path):
    plugins = discover()
    plugins.types.add(OrphanV1)
    with running_hub(footprint.settings(tmp_path), CORE, plugins=plugins) as hub:
        orphan = hub.publish(OrphanV1(n=1))
        addressed = hub.publish(ProbeV1(seq=1, sent_at=utcnow()), destination="handler.nobody")
        for env, why in ((orphan, "no subscriber for test.orphan.v1"),
                         (addressed, "no component 'handler.nobody' for hub.probe.v1")):
            wait_for(lambda env=env: hub.status_of(env.id) == "parked")
            assert [e.detail for e in hub.events(env.id) if e.status == "parked"] == [why]
        # Parked messages keep their envelope in the journal, to be replayed later.
        copy = _ops(hub).replay_message(orphan.id, user="olga", reason="no subscriber yet")
        wait_for(lambda: hub.status_of(copy) == "parked")


def test_an_event_nobody_listens_to_is_published_not_parked(footprint: Footprint,
                                                            tmp_path: Path):
    plugins = discover()
    plugins.types.add(FactV1)
    with running_hub(footprint.settings(tmp_path), CORE, plugins=plugins) as hub:
        fact = hub.publish(FactV1(n=1))
        addressed = hub.publish(FactV1(n=2), destination="handler.nobody")
        wait_for(lambda: hub.status_of(fact.id) == "published")
        assert hub.trail(fact.id) == ["received", "published"]
        assert [e.detail for e in hub.events(fact.id) if e.status == "published"] == [
            "событие test.fact.v1: подписчиков нет"]
        with hub.db.read() as conn:
            error = conn.execute(sa.select(journal_messages.c.last_error).where(
                journal_messages.c.message_id == fact.id)).scalar()
        assert error is None  # nothing failed
        # Sent to a component that is not there, even an event is a configuration fault.
        wait_for(lambda: hub.status_of(addressed.id) == "parked")
        copy = _ops(hub).replay_message(fact.id, user="olga", reason="a subscriber now")
        wait_for(lambda: hub.status_of(copy) == "published")
        router = hub.process.health()["hub.router"]
        assert (router["unheard"], router["parked"]) == (2, 1)


def test_duplicate_deliveries_have_one_effect(footprint: Footprint, tmp_path: Path):
    with running_hub(footprint.settings(tmp_path), ["handler.probe"]) as hub:
        env = Envelope(type="hub.probe", version=1, source="test",
                       payload={"seq": 7, "sent_at": utcnow().isoformat()})
        copies = [Outgoing("omshub.handler.probe", env.to_bytes(), env.id) for _ in range(5)]
        hub.process.bus.publish(copies)
        hub.process.bus.publish(copies[:2])
        wait_for(lambda: hub.process.bus.queue_depth("omshub.handler.probe") == 0)
        time.sleep(0.5)
        assert hub.count(probe_receipts) == 1


def test_run_now_fires_a_schedule_once(footprint: Footprint, tmp_path: Path):
    from storage.models import schedules

    with running_hub(footprint.settings(tmp_path), [*CORE, "hub.scheduler"]) as hub:
        with hub.db.transaction() as conn:
            conn.execute(schedules.update().where(schedules.c.name == "adapter.probe:emit")
                         .values(run_requested_at=utcnow(), updated_by="olga"))
        wait_for(lambda: hub.count(probe_receipts) == 1, message="the job's probe handled")
        with hub.db.read() as conn:
            row = conn.execute(sa.select(schedules).where(
                schedules.c.name == "adapter.probe:emit")).one()
        assert row.run_requested_at is None and row.last_status == "ok"
        assert row.next_run_at is not None and row.cron == "*/5 * * * *"
        time.sleep(1.5)
        assert hub.count(probe_receipts) == 1


def test_catalogue_lists_every_installed_type_with_its_schema(capsys: pytest.CaptureFixture):
    from hub.cli import main

    assert main(["catalogue"]) == 0
    catalogue = {t["key"]: t for t in json.loads(capsys.readouterr().out)}
    assert {"hub.probe.v1", "hub.job.run.v1", "sample.greeting.v1"} <= set(catalogue)
    assert catalogue["sample.greeting.v1"]["schema"]["properties"]["snils"]["pattern"]


def test_a_failing_bulk_effect_fails_only_its_own_message(footprint: Footprint, tmp_path: Path):
    from tests.hub.components import Ledger, ledger

    with running_hub(footprint.settings(tmp_path, retry_delays=()), ["hub.router"],
                     extra=[Ledger]) as hub:
        envs = hub.publish_many([ProbeV1(seq=s, sent_at=utcnow()) for s in (1, 2, 2, 3)])
        wait_for(lambda: len(hub.dead_letters()) == 1 and hub.count(ledger) == 3)
        statuses = sorted(hub.status_of(e.id) or "" for e in envs)
        assert statuses == ["dead", "handled", "handled", "handled"]
        assert hub.dead_letters()[0].cause_type == "IntegrityError"
        # Counted once, although the batch ran twice (in bulk, then message by message).
        health = hub.process.health()["handler.ledger"]
        assert (health["handled"], health["failed"]) == (3, 1)
        assert "IntegrityError" in health["last_error"]


def test_catalogue_writes_a_markdown_document(tmp_path: Path):
    from hub.cli import main

    out = tmp_path / "catalogue.md"
    assert main(["catalogue", "--markdown", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Catalogue of message types")
    assert "| `hub.probe.v1` | contracts |" in text
    assert "## `sample.greeting.v1`" in text and "Person identifiers: snils" in text
