"""ЗАГС death records reach a handler through the hub, signed, over HTTP, on both footprints.

The official schemas make ЗАГС the sender: the simulator, playing ЗАГС, puts a death record
in the fund's GetRequest queue. The adapter fetches it, verifies ЗАГС's signature, commits
it to the hub (journal with the exact SOAP bytes, outbox) and only then acknowledges it; a
handler receives the canonical ``zags.deaths`` whichever the format. For 112-41 the
handler's ``zags.deaths.processed`` goes back as FATALOIVResponse with SendResponse, and
the statuses СМЭВ reports on that answer come in with GetStatus and land on the answer's
trail. 112-04 defines no answer: the record is acknowledged and nothing is sent back.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
import sqlalchemy as sa
from lxml import etree

from adapters.smev3.keying import document_verifier, element_signer
from adapters.smev3.models import outgoing, received
from adapters.smev3.service import catalogue
from adapters.smev3.simulator.service import SimulatedSmev, SimulatorServer
from adapters.smev3.vs.zags_fataloiv.messages import FatalOivRequestV1
from contracts.schemas import SchemaStore
from contracts.zags import DeathRecordsProcessedV1, DeathRecordsV1
from hub.component import Handler, Message, handles
from hub.testing import TestHub, running_hub, wait_for
from hub.tx import Tx
from storage.models import blobs, journal_messages
from tests.adapters.smev3.keys import TestKey, make, make_lapsed
from tests.adapters.smev3.test_exchange import SMEV3_FIXTURES, _poll_now
from tests.conftest import Footprint

PROVIDER = "gostcrypto"

deaths = sa.Table("test_zags_deaths", sa.MetaData(),
                  sa.Column("message_id", sa.String(64), primary_key=True),
                  sa.Column("schema", sa.String(10)),
                  sa.Column("family", sa.String(60)),
                  sa.Column("death_date", sa.String(10)))


class DeathRecords(Handler):
    """The register's side: keeps each death record, confirms processing when asked to."""

    name: ClassVar[str] = "death-records"
    metadata: ClassVar[sa.MetaData | None] = deaths.metadata

    @handles(DeathRecordsV1)
    def on_deaths(self, message: Message[DeathRecordsV1], tx: Tx) -> None:
        """A delivery in either format: keep it; answer 112-41 (112-04 has no answer)."""
        delivery, record = message.payload, message.payload.records[0]
        tx.insert(deaths, message_id=message.id, schema=delivery.source_format,
                  family=record.surname, death_date=str(record.death_date))
        if delivery.answer_expected:
            tx.send(DeathRecordsProcessedV1(delivery_id=delivery.delivery_id))


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, TestKey]:
    base = tmp_path_factory.mktemp("keys")
    return {"ours": make(base / "ours", "256-A"), "zags": make(base / "zags", "256-B"),
            "lapsed": make_lapsed(base / "lapsed", "256-B")}


@pytest.fixture
def simulator(keys: dict[str, TestKey]) -> Iterator[SimulatorServer]:
    smev = SimulatedSmev(catalogue(), schemas=SchemaStore(SMEV3_FIXTURES),
                         signer=element_signer(keys["zags"].key, keys["zags"].cert, PROVIDER),
                         verifier=document_verifier(PROVIDER, require=True))
    server = SimulatorServer(smev, port=0)
    server.start()
    yield server
    server.stop()


def _hub(footprint: Footprint, tmp_path: Path, server: SimulatorServer,
         keys: dict[str, TestKey]) -> Any:
    settings = footprint.settings(tmp_path, schemas_dir=SMEV3_FIXTURES, plugins={"smev3": {
        "url": server.url, "types": ["zags.fatal", "zags.fataloiv"],
        "key": str(keys["ours"].key), "certificate": str(keys["ours"].cert),
        "crypto_provider": PROVIDER, "retry_delays": [1, 1]}})
    return running_hub(settings, ["hub.router", "hub.scheduler", "adapter.smev3"],
                       extra=[DeathRecords])


def _raw(hub: TestHub, message_id: str) -> bytes:
    with hub.db.read() as conn:
        data: bytes = conn.execute(sa.select(blobs.c.data).join(
            journal_messages, journal_messages.c.raw_blob_id == blobs.c.id).where(
            journal_messages.c.message_id == message_id)).scalar_one()
    return data


def test_a_death_record_from_zags_reaches_the_handler_and_is_answered(
        footprint: Footprint, tmp_path: Path, simulator: SimulatorServer,
        keys: dict[str, TestKey]) -> None:
    info = catalogue().get("zags.fataloiv")
    record = info.sample_request()
    assert isinstance(record, FatalOivRequestV1)
    smev_id = simulator.smev.offer_request(info, record)
    with _hub(footprint, tmp_path, simulator, keys) as hub:
        _poll_now(hub)
        wait_for(lambda: hub.count(deaths) == 1, message="the handler got the death record")
        wait_for(lambda: f"sim:{smev_id}" in simulator.smev.answers, timeout=30,
                 message="our FATALOIVResponse reached the simulated ЗАГС")
        answer = simulator.smev.answers[f"sim:{smev_id}"]
        assert etree.QName(answer).localname == "FATALOIVResponse"
        assert answer.get("КодОбр") == "01" and answer.get("ИдСвед") == record.id
        # The delivery status of our answer comes with the next GetStatus.
        _poll_now(hub)
        wait_for(lambda: hub.count(outgoing, outgoing.c.status == "smev.delivered") == 1,
                 timeout=30, message="GetStatus: our answer delivered")
        with hub.db.read() as conn:
            death = conn.execute(sa.select(deaths)).one()
            taken = conn.execute(sa.select(received)).one()
            sent = conn.execute(sa.select(outgoing)).one()
        deceased = record.records[0].registered.deceased
        assert (death.schema, death.family) == ("112-41", deceased.name.family)
        assert taken.kind == "request" and taken.outcome == "taken"
        assert taken.acked_at is not None, "acknowledged after the commit"
        # The exact signed SOAP response is journaled, and its ЗАГС signature still verifies.
        raw = _raw(hub, death.message_id)
        assert b"GetRequestResponse" in raw and b"FATALOIVRequest" in raw
        assert document_verifier(PROVIDER, require=True)(raw) == []
        assert sent.kind == "response" and sent.reply_to == f"sim:{smev_id}"
        trail = hub.trail(sent.envelope_id)
        assert "sent" in trail and "smev.delivered" in trail
        assert all(q["waiting"] == 0 and q["delivered"] == 0
                   for q in simulator.smev.depth().values())


def test_a_one_way_record_is_acknowledged_and_nothing_goes_back(
        footprint: Footprint, tmp_path: Path, simulator: SimulatorServer,
        keys: dict[str, TestKey]) -> None:
    info = catalogue().get("zags.fatal")
    assert info.one_way
    simulator.smev.offer_request(info)
    with _hub(footprint, tmp_path, simulator, keys) as hub:
        _poll_now(hub)
        wait_for(lambda: hub.count(received, received.c.acked_at.is_not(None)) == 1,
                 message="the 112-04 record taken in and acknowledged")
        wait_for(lambda: hub.count(deaths) == 1, message="the handler got it")
        with hub.db.read() as conn:
            death = conn.execute(sa.select(deaths)).one()
        assert death.schema == "112-04"
        assert hub.count(outgoing) == 0 and simulator.smev.answers == {}


def test_a_record_signed_with_an_expired_certificate_is_refused_and_polling_goes_on(
        tmp_path: Path, keys: dict[str, TestKey]) -> None:
    """СМЭВ's signature made with a certificate that lapsed in 2020: the record is refused
    with the reason, journaled with its bytes, acknowledged as not accepted; the next record,
    signed with a valid certificate, reaches the handler."""
    from hub.testing import reset_memory_broker

    good = element_signer(keys["zags"].key, keys["zags"].cert, PROVIDER)
    lapsed = element_signer(keys["lapsed"].key, keys["lapsed"].cert, PROVIDER)
    stale_name = "Просроченный".encode()

    def signer(element: etree._Element) -> etree._Element:
        stale = stale_name in etree.tostring(element, encoding="utf-8")
        return (lapsed if stale else good)(element)

    smev = SimulatedSmev(catalogue(), schemas=SchemaStore(SMEV3_FIXTURES), signer=signer,
                         verifier=document_verifier(PROVIDER, require=True))
    server = SimulatorServer(smev, port=0)
    server.start()
    info = catalogue().get("zags.fataloiv")
    stale = info.sample_request()
    assert isinstance(stale, FatalOivRequestV1)
    stale.records[0].registered.deceased.name.family = "Просроченный"
    smev.offer_request(info, stale)
    smev.offer_request(info)
    reset_memory_broker()
    try:
        embedded = Footprint("embedded", "memory://", f"sqlite:///{tmp_path / 'hub.db'}")
        with _hub(embedded, tmp_path, server, keys) as hub:
            _poll_now(hub)
            wait_for(lambda: hub.count(deaths) == 1, message="the valid record got through")
            wait_for(lambda: hub.count(received, received.c.acked_at.is_not(None)) == 2,
                     message="both records acknowledged")
            with hub.db.read() as conn:
                refused = conn.execute(sa.select(received).where(
                    received.c.outcome == "rejected")).one()
                stub = conn.execute(sa.select(journal_messages).where(
                    journal_messages.c.type == "smev3.refused")).one()
                family = conn.execute(sa.select(deaths.c.family)).scalar()
            assert family == "Хабибуллин"
            assert refused.envelope_id is None
            reason = stub.last_error or ""
            assert "certificate expired on 2020-02-01" in reason, reason
            assert stale_name in _raw(hub, stub.message_id), "the refused bytes are kept"
            assert all(q["waiting"] == 0 and q["delivered"] == 0
                       for q in smev.depth().values())
    finally:
        server.stop()
        reset_memory_broker()
