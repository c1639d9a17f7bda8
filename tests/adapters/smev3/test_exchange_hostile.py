"""What СМЭВ should never send, sent anyway: each gets a clear journal entry and polling goes on.

The simulator serves, in the fund's ЗАГС queue, a malformed reply, a reply with a DTD whose
entities point at a local file and expand a billion laughs, a reply with no MessageID at all,
and a well-formed delivery of another information type. Each is refused with its reason and
its exact bytes in the journal, acknowledged as not accepted where it can be, and the good
death record behind them reaches the handler.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from adapters.smev3.models import received
from adapters.smev3.service import catalogue
from adapters.smev3.simulator.service import SimulatorServer
from hub.testing import TestHub, running_hub, wait_for
from storage.models import blobs, journal_messages
from tests.adapters.smev3.test_exchange import _poll_now, _settings
from tests.adapters.smev3.test_exchange_zags import DeathRecords, deaths
from tests.conftest import Footprint

MALFORMED_ID = "0b7c1f52-e650-11f1-9000-000000000001"
HOSTILE_ID = "0b7c1f52-e650-11f1-9000-000000000002"

SOAP = ('<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
        '<ns2:GetRequestResponse xmlns:ns2="urn://x-artefacts-smev-gov-ru/services/'
        'message-exchange/types/1.3" xmlns="urn://x-artefacts-smev-gov-ru/services/'
        'message-exchange/types/basic/1.3"><ns2:RequestMessage><ns2:Request Id="SIGNED_BY_SMEV">'
        '<ns2:SenderProvidedRequestData Id="SIGNED_BY_CONSUMER"><ns2:MessageID>{mid}'
        '</ns2:MessageID>{body}')


def _hostile(secret: Path) -> bytes:
    """XXE and entity expansion: a DTD with an external entity and nested internal ones."""
    dtd = ('<?xml version="1.0"?>\n<!DOCTYPE soap:Envelope [\n'
           f'  <!ENTITY secret SYSTEM "file://{secret}">\n'
           '  <!ENTITY lol "lol">\n'
           '  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
           '  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n'
           ']>\n')
    body = ('<MessagePrimaryContent>&secret;&lol3;</MessagePrimaryContent>'
            '</ns2:SenderProvidedRequestData></ns2:Request></ns2:RequestMessage>'
            '</ns2:GetRequestResponse></soap:Body></soap:Envelope>')
    return (dtd + SOAP.format(mid=HOSTILE_ID, body=body)).encode()


def _refusals(hub: TestHub) -> dict[str, tuple[str, bytes]]:
    """Refused stubs by the СМЭВ MessageID in their payload: (reason, exact bytes)."""
    with hub.db.read() as conn:
        rows = conn.execute(sa.select(journal_messages.c.envelope,
                                      journal_messages.c.last_error, blobs.c.data).join(
            blobs, blobs.c.id == journal_messages.c.raw_blob_id).where(
            journal_messages.c.type == "smev3.refused")).all()
    import json

    return {json.loads(r.envelope)["payload"]["smev_message_id"]: (r.last_error or "", r.data)
            for r in rows}


def test_hostile_replies_are_refused_journaled_and_polling_goes_on(
        footprint: Footprint, tmp_path: Path, simulator: SimulatorServer) -> None:
    zags = catalogue().get("zags.fataloiv")
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    malformed = SOAP.format(mid=MALFORMED_ID, body="<MessagePrimaryContent><unclosed>").encode()
    hostile = _hostile(secret)
    smev = simulator.smev
    smev.offer_raw(zags, malformed, MALFORMED_ID)
    smev.offer_raw(zags, hostile, HOSTILE_ID)
    # Misrouted: a ФНС ЕГРЮЛ request delivered in the ЗАГС queue.
    egrul = catalogue().get("fns.egrul")
    stray = smev.offer_content(zags, egrul.request_to_xml(egrul.sample_request()))
    good = smev.offer_request(zags)
    settings = _settings(footprint, tmp_path, simulator)
    settings.plugins["smev3"]["types"] = ["zags.fataloiv"]  # type: ignore[attr-defined]
    with running_hub(settings, ["hub.router", "hub.scheduler", "adapter.smev3"],  # type: ignore[arg-type]
                     extra=[DeathRecords]) as hub:
        _poll_now(hub)
        wait_for(lambda: hub.count(deaths) == 1, message="the good record got through")
        wait_for(lambda: hub.count(received, received.c.acked_at.is_not(None)) == 4,
                 message="all four acknowledged")
        refused = _refusals(hub)
        with hub.db.read() as conn:
            outcomes = dict(conn.execute(sa.select(received.c.message_id,
                                                   received.c.outcome)).all())
    assert outcomes == {MALFORMED_ID: "rejected", HOSTILE_ID: "rejected", stray: "rejected",
                        good: "taken"}
    reason, raw = refused[MALFORMED_ID]
    assert "unreadable reply" in reason and raw == malformed
    reason, raw = refused[HOSTILE_ID]
    assert "unreadable reply" in reason and "DTD" in reason, reason
    assert raw == hostile  # kept as received, never expanded
    everything = b"".join(r for _, r in refused.values())
    assert b"TOP-SECRET-MARKER" not in everything and b"lollollol" not in everything
    reason, _ = refused[stray]
    assert reason.startswith("content:") and "FNSVipULRequest" in reason, reason
    # The ЗАГС queue is empty: each refused reply was acknowledged as not accepted. (The
    # status of our answer to the good record may still wait in the response queue.)
    request_queue = f"{zags.request_namespace}:{zags.request_model.xml_root}"
    assert smev.depth()[request_queue] == {"waiting": 0, "delivered": 0}


def test_a_reply_without_a_message_id_is_journaled_and_stops_only_that_run(
        tmp_path: Path, simulator: SimulatorServer, caplog: pytest.LogCaptureFixture) -> None:
    from hub.testing import reset_memory_broker

    zags = catalogue().get("zags.fataloiv")
    junk = b"<html><body>502 Bad Gateway</body></html>"
    simulator.smev.offer_raw(zags, junk)
    simulator.smev.redeliver_after = 0  # never acknowledged: served again at every poll
    reset_memory_broker()
    embedded = Footprint("embedded", "memory://", f"sqlite:///{tmp_path / 'hub.db'}")
    settings = _settings(embedded, tmp_path, simulator)
    settings.plugins["smev3"]["types"] = ["zags.fataloiv"]  # type: ignore[attr-defined]
    try:
        with running_hub(settings, ["hub.router", "hub.scheduler", "adapter.smev3"],  # type: ignore[arg-type]
                         extra=[DeathRecords]) as hub:
            _poll_now(hub)
            wait_for(lambda: "" in _refusals(hub), message="the junk reply journaled")
            reason, raw = _refusals(hub)[""]
            assert "zags.fataloiv" in reason and "unreadable reply" in reason
            assert raw == junk
            assert hub.count(received) == 0  # nothing to acknowledge it with
            # The poll job itself succeeded: the next run is scheduled as usual.
            with hub.db.read() as conn:
                from storage.models import schedules

                last = conn.execute(sa.select(schedules).where(
                    schedules.c.name == "adapter.smev3:poll")).one()
            assert last.run_requested_at is None
            # The same junk at the next poll is logged again but not journaled again.
            def polls() -> int:
                return sum("unreadable reply without a MessageID" in r.getMessage()
                           for r in caplog.records)
            _poll_now(hub)
            wait_for(lambda: polls() >= 2, message="the junk reply served again")
            assert hub.count(journal_messages,
                             journal_messages.c.type == "smev3.refused") == 1
    finally:
        reset_memory_broker()
