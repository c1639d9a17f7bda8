"""The exchange with GOST signatures on the wire: ours verified by the simulator, its by us.

A simulator that signs and then alters what it signed stands for a forged or damaged
delivery: the answer is refused, journaled with its exact bytes and acknowledged as not
accepted, and polling goes on.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from lxml import etree

from adapters.smev3.keying import document_verifier, element_signer
from adapters.smev3.models import outgoing, received
from adapters.smev3.service import catalogue
from adapters.smev3.simulator.service import SimulatedSmev, SimulatorServer
from contracts.schemas import SchemaStore
from hub.testing import running_hub, wait_for
from storage.models import blobs, journal_events, journal_messages
from tests.adapters.smev3.keys import TestKey, make
from tests.adapters.smev3.test_exchange import SMEV3_FIXTURES, EgrulAsker, _poll_now, answers
from tests.conftest import Footprint

PROVIDER = "gostcrypto"


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, TestKey]:
    base = tmp_path_factory.mktemp("keys")
    return {"ours": make(base / "ours", "256-A"), "smev": make(base / "smev", "256-B")}


def _simulator(keys: dict[str, TestKey], *, tamper: bool = False) -> SimulatorServer:
    sign = element_signer(keys["smev"].key, keys["smev"].cert, PROVIDER)

    def signer(element: etree._Element) -> etree._Element:
        signature = sign(element)
        if tamper and etree.QName(element).localname == "Response":
            element.set("Id", element.get("Id", "") + "-forged")  # breaks the reference
        return signature

    smev = SimulatedSmev(catalogue(), schemas=SchemaStore(SMEV3_FIXTURES), signer=signer,
                         verifier=document_verifier(PROVIDER, require=True))
    server = SimulatorServer(smev, port=0)
    server.start()
    return server


@pytest.fixture
def signed_settings(tmp_path: Path, keys: dict[str, TestKey]) -> Iterator[object]:
    yield lambda server: Footprint("embedded", "memory://",
                                   f"sqlite:///{tmp_path / 'hub.db'}").settings(
        tmp_path, schemas_dir=SMEV3_FIXTURES, plugins={"smev3": {
            "url": server.url, "types": ["fns.egrul"], "key": str(keys["ours"].key),
            "certificate": str(keys["ours"].cert), "crypto_provider": PROVIDER}})


def test_signed_both_ways(keys: dict[str, TestKey], signed_settings) -> None:  # type: ignore[no-untyped-def]
    from hub.testing import reset_memory_broker

    reset_memory_broker()
    server = _simulator(keys)
    try:
        with running_hub(signed_settings(server), ["hub.router", "hub.scheduler",
                                                   "adapter.smev3"], extra=[EgrulAsker]) as hub:
            request = hub.publish(catalogue().get("fns.egrul").sample_request())
            wait_for(lambda: "sent" in hub.trail(request.id), message="SendRequest accepted "
                     "by the simulator, which verified our signature")
            _poll_now(hub)
            wait_for(lambda: hub.count(answers) == 1, timeout=60)
            with hub.db.read() as conn:
                message_id = conn.execute(sa.select(answers.c.message_id)).scalar()
                raw = conn.execute(sa.select(blobs.c.data).join(
                    journal_messages, journal_messages.c.raw_blob_id == blobs.c.id).where(
                    journal_messages.c.message_id == message_id)).scalar()
        # What we journaled is the exact signed envelope: its signatures still verify.
        assert b"Signature" in raw
        assert document_verifier(PROVIDER, require=True)(raw) == []
    finally:
        server.stop()
        reset_memory_broker()


def test_a_forged_answer_is_refused_journaled_and_polling_goes_on(
        keys: dict[str, TestKey], signed_settings) -> None:  # type: ignore[no-untyped-def]
    from hub.testing import reset_memory_broker

    reset_memory_broker()
    server = _simulator(keys, tamper=True)
    try:
        with running_hub(signed_settings(server), ["hub.router", "hub.scheduler",
                                                   "adapter.smev3"], extra=[EgrulAsker]) as hub:
            request = hub.publish(catalogue().get("fns.egrul").sample_request())
            wait_for(lambda: "sent" in hub.trail(request.id))
            _poll_now(hub)
            wait_for(lambda: "rejected" in hub.trail(request.id), timeout=60,
                     message="the forged answer refused on the request's trail")
            # The forged answer: refused, then acknowledged as not accepted.
            wait_for(lambda: hub.count(received, received.c.acked_at.is_not(None)) == 1,
                     timeout=60, message="the refused answer acknowledged")
            with hub.db.read() as conn:
                refused = conn.execute(sa.select(received).where(
                    received.c.outcome == "rejected")).all()
                detail = conn.execute(sa.select(journal_events.c.detail).where(
                    journal_events.c.message_id == request.id,
                    journal_events.c.status == "rejected")).scalar()
                stub = conn.execute(sa.select(journal_messages).where(
                    journal_messages.c.type == "smev3.refused")).all()
                status = conn.execute(sa.select(outgoing.c.status)).scalar()
            assert [r.kind for r in refused] == ["response"]
            assert "signature" in detail
            # The status came intact through GetStatus (the simulator forges only answers).
            wait_for(lambda: "smev.accepted" in hub.trail(request.id), timeout=30,
                     message="GetStatus: the request accepted by СМЭВ")
            assert stub and stub[0].raw_blob_id, "the refused bytes are kept"
            assert hub.count(answers) == 0 and status != "answered"
            # Polling goes on: nothing is left waiting or unacknowledged in the simulator.
            assert all(q["waiting"] == 0 and q["delivered"] == 0
                       for q in server.smev.depth().values())
    finally:
        server.stop()
        reset_memory_broker()
