"""Signed attachments end to end: the hub, the adapter, the simulator over HTTP and its FTP.

The simulated ФНС answers with files signed (SignaturePKCS7, one inline, one through the
file exchange): they reach the handler. Signed over other bytes than it sends, the answer
is refused, journaled with the file and the reason, acknowledged as not accepted, and on
the trail of our request. Unsigned, it is taken with a note on the journal for each file.
Our own files go out signed with the attachment key: a simulator that insists on
signatures takes them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from adapters.smev3.attachments import Attachment, Limits, cms_signer
from adapters.smev3.models import outgoing, received
from adapters.smev3.service import catalogue
from adapters.smev3.simulator.files import SimulatedFileExchange
from adapters.smev3.simulator.service import SimulatedSmev, SimulatorServer
from contracts.schemas import SchemaStore
from hub.testing import TestHub, reset_memory_broker, running_hub, wait_for
from storage.models import journal_events, journal_messages
from tests.adapters.smev3.conftest import SMEV3_FIXTURES
from tests.adapters.smev3.keys import TestKey, make
from tests.adapters.smev3.test_exchange import _poll_now
from tests.adapters.smev3.test_exchange_attachments import (
    ARCHIVE,
    EXTRACT,
    INLINE,
    LARGE,
    MAX,
    SMALL,
    ExtractReader,
    _files,
    _refusals,
    _settings,
)
from tests.conftest import Footprint, unavailable


@pytest.fixture(scope="module")
def key(tmp_path_factory: pytest.TempPathFactory) -> TestKey:
    return make(tmp_path_factory.mktemp("pkcs7-keys"), "256-A")


@pytest.fixture
def simulator(ftp: SimulatedFileExchange, key: TestKey) -> Iterator[SimulatorServer]:
    if not SMEV3_FIXTURES.is_dir():
        unavailable(f"СМЭВ 3 schemas are not at {SMEV3_FIXTURES}")
    smev = SimulatedSmev(catalogue(), schemas=SchemaStore(SMEV3_FIXTURES), files=ftp,
                         limits=Limits(inline_total=INLINE, max_size=10 * MAX),
                         attachment_signer=cms_signer(key.key.read_bytes(),
                                                      key.cert.read_bytes()))
    server = SimulatorServer(smev, port=0)
    server.start()
    yield server
    server.stop()


def _notes(hub: TestHub, message_ids: list[str]) -> list[str]:
    """The journal's notes on unsigned files of these messages."""
    with hub.db.read() as conn:
        return list(conn.execute(sa.select(journal_events.c.detail).where(
            journal_events.c.message_id.in_(message_ids),
            journal_events.c.detail.like("%без подписи%"))).scalars())


def test_signed_files_in_and_out_and_what_fails(tmp_path: Path, simulator: SimulatorServer,
                                                key: TestKey) -> None:
    reset_memory_broker()
    embedded = Footprint("embedded", "memory://", f"sqlite:///{tmp_path / 'hub.db'}")
    settings = _settings(embedded, tmp_path, simulator)
    settings.plugins["smev3"].update(attachment_key=str(key.key),
                                     attachment_certificate=str(key.cert))
    smev = simulator.smev
    good_signer = smev.transfer.sign
    assert good_signer is not None
    # The simulated agency insists on signed files: ours must come signed to be taken.
    smev.transfer = dataclasses.replace(smev.transfer, require_signatures=True)
    info = catalogue().get("fns.egrul")
    with running_hub(settings, ["hub.router", "hub.scheduler", "adapter.smev3"],
                     extra=[ExtractReader]) as hub:

        def answered_files(files: list[Attachment]) -> str:
            """Ask ФНС with our files; it answers with ``files``. The request's id."""
            smev.answer_files["fns.egrul"] = files
            request = hub.publish(info.sample_request(), attachments=[SMALL, LARGE])
            wait_for(lambda: "sent" in hub.trail(request.id), message="SendRequest sent")
            _poll_now(hub)
            return request.id

        # Signed files, inline and through the file exchange, both ways.
        first = answered_files([EXTRACT, ARCHIVE])
        wait_for(lambda: len(_files(hub)) == 2, timeout=30,
                 message="the answer's signed files reached the handler")
        assert _files(hub) == {EXTRACT.name: EXTRACT.data, ARCHIVE.name: ARCHIVE.data}
        with hub.db.read() as conn:
            sent_id = conn.execute(sa.select(outgoing.c.message_id)).scalar()
        assert {f.name for f in smev.received_files[sent_id]} == {SMALL.name, LARGE.name}
        assert _notes(hub, [first]) == []

        # The agency signed other bytes than it sent: refused, the file named.
        assert good_signer is not None
        smev.transfer = dataclasses.replace(
            smev.transfer, sign=lambda data: good_signer(data + b" (edited)"))
        answered_files([EXTRACT])
        wait_for(lambda: len(_refusals(hub)) == 1, timeout=30, message="bad signature refused")
        (why,) = _refusals(hub)
        assert f"подпись ЭП-СП вложения «{EXTRACT.name}»" in why and "файл изменён" in why
        wait_for(lambda: hub.count(received, received.c.outcome == "rejected",
                                   received.c.acked_at.is_not(None)) == 1,
                 timeout=30, message="the refusal acknowledged as not accepted")
        with hub.db.read() as conn:
            trail = conn.execute(sa.select(journal_events.c.detail).where(
                journal_events.c.status == "rejected")).scalars().all()
            refused_raw = conn.execute(sa.select(journal_messages.c.raw_blob_id).where(
                journal_messages.c.type == "smev3.refused")).scalar()
        assert any("refused: attachments" in d and "ЭП-СП" in d for d in trail)
        assert refused_raw is not None, "the SOAP bytes as received are kept"

        # Unsigned: taken, each file noted on the journal.
        smev.transfer = dataclasses.replace(smev.transfer, sign=None)
        answered_files([ARCHIVE])
        wait_for(lambda: hub.count(received, received.c.outcome == "taken") == 2,
                 timeout=30, message="the unsigned answer taken")
        with hub.db.read() as conn:
            answer = conn.execute(sa.select(received.c.envelope_id).where(
                received.c.outcome == "taken").order_by(received.c.received_at.desc())
            ).scalars().first()
        assert answer is not None
        assert _notes(hub, [answer]) == [
            f"вложение «{ARCHIVE.name}» без подписи ЭП-СП (SignaturePKCS7)"]
    reset_memory_broker()
