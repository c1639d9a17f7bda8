"""Attachments end to end: the hub, the adapter, the simulator over HTTP and its FTP server.

A handler's request to ФНС carries a small file (it goes inline, by MTOM) and a large one
(it goes through the file exchange); the simulated ФНС receives both intact and answers
with two files of its own, which reach the handler as blobs listed in the canonical
answer's envelope. A ФОМС request with files is answered with a file the other way round.
A file too large, a file whose hash does not match its signed header, and one missing
from the FTP server are refused, journaled with the reason, acknowledged as not accepted,
and the next good message still gets through.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
import sqlalchemy as sa

from adapters.smev3.attachments import Attachment, Limits
from adapters.smev3.models import outgoing, received
from adapters.smev3.service import catalogue
from adapters.smev3.simulator.files import SimulatedFileExchange
from adapters.smev3.simulator.service import SimulatedSmev, SimulatorServer
from adapters.smev3.vs.ffoms_services.mapping import FfomsServices
from adapters.smev3.vs.fns_egrul.messages import EgrulResponseV1
from contracts.envelope import AttachmentRef
from contracts.schemas import SchemaStore
from hub.component import Handler, Message, handles
from hub.testing import TestHub, running_hub, wait_for
from hub.tx import Tx
from storage.journal import load_blob, store_blob
from storage.models import journal_events, journal_messages
from tests.adapters.smev3.conftest import SMEV3_FIXTURES
from tests.adapters.smev3.test_exchange import _poll_now
from tests.conftest import Footprint, unavailable

INLINE, MAX = 2_000, 50_000
SMALL = Attachment("заявление.xml", "text/xml", b"<zayavlenie>1</zayavlenie>")
LARGE = Attachment("scan.pdf", "application/pdf", b"%PDF-1.4\n" + bytes(range(256)) * 20)
EXTRACT = Attachment("выписка.pdf", "application/pdf", b"%PDF-1.4 extract\n%%EOF")
ARCHIVE = Attachment("archive.zip", "application/zip", b"PK\x03\x04" + b"z" * 4_000)

files_seen = sa.Table("test_smev3_files", sa.MetaData(),
                      sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                      sa.Column("message_id", sa.String(64)),
                      sa.Column("name", sa.String(200)),
                      sa.Column("data", sa.LargeBinary))


def _keep_files(message: Message[Any], tx: Tx) -> None:
    """What a handler does with the files: read them from the blob store by reference."""
    for ref in message.envelope.attachments:
        if not ref.name.startswith("smev3-"):  # the SOAP bytes as received, not a file
            tx.conn.execute(files_seen.insert().values(
                message_id=message.id, name=ref.name, data=load_blob(tx.conn, ref.blob_id)))


class ExtractReader(Handler):
    """Asked ФНС for an extract; keeps the files that came with the answer."""

    name: ClassVar[str] = "extract-reader"
    metadata: ClassVar[sa.MetaData | None] = files_seen.metadata

    @handles(EgrulResponseV1)
    def on_answer(self, message: Message[EgrulResponseV1], tx: Tx) -> None:
        """Keep the answer's files."""
        _keep_files(message, tx)


class ServicesWithFiles(Handler):
    """Answers ФОМС medical-services requests, keeping their files and attaching a report."""

    name: ClassVar[str] = "services-with-files"
    metadata: ClassVar[sa.MetaData | None] = files_seen.metadata

    @handles(FfomsServices.request_model)
    def on_request(self, message: Message[object], tx: Tx) -> None:
        """Answer with the sample answer and a report file."""
        _keep_files(message, tx)
        answer = FfomsServices().sample_response(message.payload)  # type: ignore[arg-type]
        assert answer is not None
        blob = store_blob(tx.conn, ARCHIVE.data, ARCHIVE.media_type)
        tx.send(answer, attachments=[AttachmentRef(blob_id=blob, name=ARCHIVE.name,
                                                   media_type=ARCHIVE.media_type,
                                                   size=ARCHIVE.size)])


@pytest.fixture
def simulator(ftp: SimulatedFileExchange) -> Iterator[SimulatorServer]:
    if not SMEV3_FIXTURES.is_dir():
        unavailable(f"СМЭВ 3 schemas are not at {SMEV3_FIXTURES}")
    smev = SimulatedSmev(catalogue(), schemas=SchemaStore(SMEV3_FIXTURES), files=ftp,
                         limits=Limits(inline_total=INLINE, max_size=10 * MAX))
    server = SimulatorServer(smev, port=0)
    server.start()
    yield server
    server.stop()


def _settings(footprint: Footprint, tmp_path: Path, server: SimulatorServer) -> Any:
    assert server.smev.files is not None
    return footprint.settings(tmp_path, schemas_dir=SMEV3_FIXTURES, plugins={
        "smev3": {"url": server.url, "types": ["fns.egrul", "ffoms.services"],
                  "retry_delays": [1, 1], "attachments_inline_limit": INLINE,
                  "attachments_max_size": MAX, "ftp_port": server.smev.files.port,
                  "ftp_timeout": 10}})


def _files(hub: TestHub) -> dict[str, bytes]:
    with hub.db.read() as conn:
        return {r.name: r.data for r in conn.execute(sa.select(files_seen)).all()}


def test_files_go_to_an_agency_and_come_back_with_its_answer(
        footprint: Footprint, tmp_path: Path, simulator: SimulatorServer) -> None:
    simulator.smev.answer_files["fns.egrul"] = [EXTRACT, ARCHIVE]
    with running_hub(_settings(footprint, tmp_path, simulator),
                     ["hub.router", "hub.scheduler", "adapter.smev3"],
                     extra=[ExtractReader]) as hub:
        request = hub.publish(catalogue().get("fns.egrul").sample_request(),
                              attachments=[SMALL, LARGE])
        wait_for(lambda: "sent" in hub.trail(request.id), message="SendRequest sent")
        with hub.db.read() as conn:
            message_id = conn.execute(sa.select(outgoing.c.message_id)).scalar()
        # The simulated ФНС got both: the small one inline, the large one from its FTP.
        got = simulator.smev.received_files[message_id]
        assert {(f.name, f.data) for f in got} == {(SMALL.name, SMALL.data),
                                                   (LARGE.name, LARGE.data)}
        assert any(simulator.smev.files.root.iterdir())  # type: ignore[union-attr]
        _poll_now(hub)
        wait_for(lambda: len(_files(hub)) == 2, message="the answer's files reached the handler")
        assert _files(hub) == {EXTRACT.name: EXTRACT.data, ARCHIVE.name: ARCHIVE.data}
        with hub.db.read() as conn:
            raw = conn.execute(sa.select(received.c.outcome)).scalars().all()
        assert "taken" in raw


def test_a_request_with_files_is_answered_with_a_file(
        footprint: Footprint, tmp_path: Path, simulator: SimulatorServer) -> None:
    info = catalogue().get("ffoms.services")
    request_id = simulator.smev.offer_request(info, attachments=[SMALL, LARGE])
    with running_hub(_settings(footprint, tmp_path, simulator),
                     ["hub.router", "hub.scheduler", "adapter.smev3"],
                     extra=[ServicesWithFiles]) as hub:
        _poll_now(hub)
        to = f"sim:{request_id}"
        wait_for(lambda: to in simulator.smev.answers, timeout=30,
                 message="our answer reached the simulated ФОМС")
        assert _files(hub) == {SMALL.name: SMALL.data, LARGE.name: LARGE.data}
        # 4 KB is above the inline limit: the answer's file went through the file exchange.
        assert [(f.name, f.data) for f in simulator.smev.received_files[to]] == [
            (ARCHIVE.name, ARCHIVE.data)]


def _refusals(hub: TestHub) -> list[str]:
    with hub.db.read() as conn:
        return list(conn.execute(sa.select(journal_messages.c.last_error).where(
            journal_messages.c.type == "smev3.refused")).scalars())


def test_bad_files_are_refused_journaled_and_polling_goes_on(
        tmp_path: Path, simulator: SimulatorServer) -> None:
    from hub.testing import reset_memory_broker

    reset_memory_broker()
    embedded = Footprint("embedded", "memory://", f"sqlite:///{tmp_path / 'hub.db'}")
    smev, ftp = simulator.smev, simulator.smev.files
    assert ftp is not None
    info = catalogue().get("fns.egrul")
    with running_hub(_settings(embedded, tmp_path, simulator),
                     ["hub.router", "hub.scheduler", "adapter.smev3"],
                     extra=[ExtractReader]) as hub:

        def ask_and_poll(*, tamper: bool = False) -> None:
            request = hub.publish(info.sample_request())
            wait_for(lambda: "sent" in hub.trail(request.id), message="SendRequest sent")
            if tamper:  # the file on the FTP server no longer matches its signed hash
                for path in ftp.root.glob("*/*"):
                    path.write_bytes(b"tampered" + path.read_bytes())
            _poll_now(hub)

        # Larger than our attachments_max_size: refused on receipt.
        smev.answer_files["fns.egrul"] = [Attachment("huge.bin", "application/octet-stream",
                                                     bytes(MAX + 1))]
        ask_and_poll()
        wait_for(lambda: len(_refusals(hub)) == 1, timeout=30, message="oversized refused")
        # A hash that does not match the file.
        smev.answer_files["fns.egrul"] = [ARCHIVE]
        ask_and_poll(tamper=True)
        wait_for(lambda: len(_refusals(hub)) == 2, timeout=30, message="bad hash refused")
        too_big, bad_hash = _refusals(hub)
        assert "attachments:" in too_big and f"more than the allowed {MAX}" in too_big
        assert "hash is" in bad_hash and "the signed header says" in bad_hash
        # Each is acknowledged to СМЭВ as not accepted (recorded just after the refusal).
        wait_for(lambda: hub.count(received, received.c.outcome == "rejected",
                                   received.c.acked_at.is_not(None)) == 2,
                 timeout=30, message="both refusals acknowledged")
        with hub.db.read() as conn:
            trail = conn.execute(sa.select(journal_events.c.detail).where(
                journal_events.c.status == "rejected")).scalars().all()
        assert hub.count(received, received.c.outcome == "rejected") == 2
        assert any("refused: attachments" in d for d in trail), "on the request's trail too"
        assert _files(hub) == {}

        # Polling goes on: the next answer with a good file gets through.
        smev.answer_files["fns.egrul"] = [EXTRACT]
        ask_and_poll()
        wait_for(lambda: _files(hub) == {EXTRACT.name: EXTRACT.data}, timeout=30,
                 message="a good file after the refusals")

        # A file too large to send: refused at once, with the reason, never sent.
        big = hub.publish(info.sample_request(), attachments=[
            Attachment("big.bin", "application/octet-stream", bytes(MAX + 1))])
        wait_for(lambda: "dead" in hub.trail(big.id), message="oversized request refused")
        with hub.db.read() as conn:
            error = conn.execute(sa.select(journal_messages.c.last_error).where(
                journal_messages.c.message_id == big.id)).scalar()
        assert error and f"more than the allowed {MAX}" in error
    reset_memory_broker()
