"""The adapter, through the hub, against the simulator over HTTP (SOAP on the wire).

A handler asks for a ФНС ЕГРЮЛ extract: the canonical request crosses the hub to the
adapter, which sends SendRequest; the simulated ФНС queues a status and the answer; a
forced poll fetches both, the answer is taken in (journal with the exact SOAP bytes, hub
outbox) before it is acknowledged, and the handler receives the canonical answer.
A provider type is answered the other way round.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import sqlalchemy as sa

from adapters.smev3.models import outgoing, received
from adapters.smev3.service import catalogue
from adapters.smev3.simulator.service import SimulatorServer
from adapters.smev3.vs.ffoms_services.mapping import FfomsServices
from adapters.smev3.vs.fns_egrul.messages import EgrulResponseV1
from contracts.envelope import utcnow
from hub.component import Handler, Message, handles
from hub.testing import TestHub, running_hub, wait_for
from hub.tx import Tx
from storage.models import blobs, journal_messages, schedules
from tests.adapters.smev3.conftest import SMEV3_FIXTURES
from tests.conftest import Footprint

answers = sa.Table("test_egrul_answers", sa.MetaData(),
                   sa.Column("message_id", sa.String(64), primary_key=True),
                   sa.Column("causation_id", sa.String(64)),
                   sa.Column("found", sa.Boolean))


class EgrulAsker(Handler):
    """A subsystem that asked ФНС for an extract and now receives the answer."""

    name: ClassVar[str] = "egrul-asker"
    metadata: ClassVar[sa.MetaData | None] = answers.metadata

    @handles(EgrulResponseV1)
    def on_answer(self, message: Message[EgrulResponseV1], tx: Tx) -> None:
        """Keep the answer."""
        tx.insert(answers, message_id=message.id, causation_id=message.envelope.causation_id,
                  found=message.payload.entity is not None)


class ServicesProvider(Handler):
    """The fund's subsystem that answers ФОМС medical-services requests."""

    name: ClassVar[str] = "services-provider"

    @handles(FfomsServices.request_model)
    def on_request(self, message: Message[object], tx: Tx) -> None:
        """Answer with the type's sample answer."""
        info = FfomsServices()
        answer = info.sample_response(message.payload)  # type: ignore[arg-type]
        assert answer is not None
        tx.send(answer)


def _settings(footprint: Footprint, tmp_path: Path, server: SimulatorServer) -> object:
    return footprint.settings(tmp_path, schemas_dir=SMEV3_FIXTURES, plugins={
        "smev3": {"url": server.url, "types": ["fns.egrul", "ffoms.services"],
                  "retry_delays": [1, 1]}})


def _poll_now(hub: TestHub) -> None:
    with hub.db.transaction() as conn:
        conn.execute(schedules.update().where(schedules.c.name == "adapter.smev3:poll")
                     .values(run_requested_at=utcnow(), updated_by="olga"))


def test_a_consumer_request_completes_through_the_hub(
    footprint: Footprint, tmp_path: Path, simulator: SimulatorServer
):
    info = catalogue().get("fns.egrul")
    settings = _settings(footprint, tmp_path, simulator)
    with running_hub(settings, ["hub.router", "hub.scheduler", "adapter.smev3"],  # type: ignore[arg-type]
                     extra=[EgrulAsker]) as hub:
        request = hub.publish(info.sample_request())
        # The adapter sends SendRequest; the simulated ФНС accepts it and queues its answer.
        wait_for(lambda: "sent" in hub.trail(request.id), message="SendRequest sent")
        _poll_now(hub)
        wait_for(lambda: hub.count(answers) == 1, message="the answer reached the handler")
        # The acknowledgement to СМЭВ is recorded just after the commit that took each in.
        wait_for(lambda: hub.count(received, received.c.acked_at.is_not(None)) == 2,
                 message="status and answer acknowledged")
        with hub.db.read() as conn:
            row = conn.execute(sa.select(answers)).one()
            sent = conn.execute(sa.select(outgoing)).one()
            taken = conn.execute(sa.select(received).order_by(received.c.received_at)).all()
            raw = conn.execute(sa.select(blobs.c.data).join(
                journal_messages, journal_messages.c.raw_blob_id == blobs.c.id).where(
                journal_messages.c.message_id == row.message_id)).scalar()
        assert row.causation_id == request.id and row.found
        assert sent.status == "answered" and sent.envelope_id == request.id
        assert [t.kind for t in taken] == ["status", "response"]
        assert all(t.acked_at is not None for t in taken), "acknowledged after the commit"
        assert b"GetResponseResponse" in raw and b"FNSVipULResponse" in raw
        trail = hub.trail(request.id)
        assert "sent" in trail and any("accepted" in s or "queued" in s for s in trail)
        assert simulator.smev.depth() and all(
            q["waiting"] == 0 and q["delivered"] == 0 for q in simulator.smev.depth().values())


def test_a_provider_request_is_answered_through_the_hub(
    footprint: Footprint, tmp_path: Path, simulator: SimulatorServer
):
    info = catalogue().get("ffoms.services")
    request_id = simulator.smev.offer_request(info)
    settings = _settings(footprint, tmp_path, simulator)
    with running_hub(settings, ["hub.router", "hub.scheduler", "adapter.smev3"],  # type: ignore[arg-type]
                     extra=[ServicesProvider]) as hub:
        _poll_now(hub)
        wait_for(lambda: f"sim:{request_id}" in simulator.smev.answers, timeout=30,
                 message="our answer reached the simulated ФОМС")
        answer = simulator.smev.answers[f"sim:{request_id}"]
        assert answer.tag.startswith("{" + info.response_namespace)
        with hub.db.read() as conn:
            sent = conn.execute(sa.select(outgoing)).one()
        assert sent.kind == "response" and sent.reply_to == f"sim:{request_id}"


def test_omshub_smev3_send_hands_a_checked_request_to_a_running_hub(
    tmp_path: Path, simulator: SimulatorServer
):
    import json
    import os
    import subprocess
    import sys

    from hub.testing import reset_memory_broker
    from storage.models import audit_log

    reset_memory_broker()
    embedded = Footprint("embedded", "memory://", f"sqlite:///{tmp_path / 'hub.db'}")
    settings = _settings(embedded, tmp_path, simulator)
    info = catalogue().get("fns.egrul")
    good = tmp_path / "request.json"
    good.write_text(json.dumps(info.sample_request().model_dump(mode="json")))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"id": "1", "query": {}}))
    env = {**os.environ, "OMSHUB_DATABASE_URL": embedded.database_url,
           "OMSHUB_SCHEMAS_DIR": str(SMEV3_FIXTURES)}

    def send(path: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "hub.cli", "smev3", "send", "fns.egrul",
                               "--payload", str(path), "--reason", "проверка ИНН",
                               "--user", "olga"], env=env, capture_output=True, text=True,
                              timeout=60)

    with running_hub(settings, ["hub.router", "adapter.smev3"]) as hub:  # type: ignore[arg-type]
        refused = send(bad)
        assert refused.returncode == 1 and "refused" in refused.stderr
        done = send(good)
        assert done.returncode == 0, done.stderr
        message_id = done.stdout.strip()
        # The running hub's relay publishes what the command committed to the outbox.
        wait_for(lambda: "sent" in hub.trail(message_id), message="sent to СМЭВ")
        with hub.db.read() as conn:
            audit = conn.execute(sa.select(audit_log)).one()
        assert (audit.username, audit.action, audit.target) == ("olga", "smev3-request",
                                                                message_id)
    reset_memory_broker()


def test_a_request_its_official_schema_cannot_check_is_not_sent(
    footprint: Footprint, tmp_path: Path, simulator: SimulatorServer
):
    # ФРИ's root schema imports a file that was never published: the adapter cannot tell
    # whether the request is valid, so it does not send it and the letter says why.
    info = catalogue().get("fri.invalid")
    settings = footprint.settings(tmp_path, schemas_dir=SMEV3_FIXTURES, plugins={
        "smev3": {"url": simulator.url, "types": ["fri.invalid"], "retry_delays": [1, 1]}})
    with running_hub(settings, ["hub.router", "adapter.smev3"]) as hub:  # type: ignore[arg-type]
        request = hub.publish(info.sample_request())
        [letter] = wait_for(hub.dead_letters, message="the request dead-lettered")
        assert letter.message_id == request.id
        assert "extraction-invalid-data-attachments-1.0.0.xsd" in letter.cause_message
        assert "схема" in letter.cause_message
        assert hub.count(outgoing) == 0, "nothing went to СМЭВ"
