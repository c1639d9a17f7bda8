"""Fixtures of the register's console tests: the console over a real SQLite database.

The hub's tables and the register's are migrated into one SQLite file; the console is
built by ``admin.app.create_app`` and finds the register's screens through the
``omshub.console`` entry point, as in production. Persons, buffer items and exchange
files are made by the register's own code (Register, buffer.propose, the OPLIST flow).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from admin.app import create_app
from contracts.envelope import utcnow
from contracts.erz import common as c
from contracts.erz.files import write_file
from contracts.erz.register import Policy, Reason, Source
from contracts.erz_register import BufferDecidedV1, PersonChangedV1
from contracts.files import FileReceivedV1, FileSendV1
from contracts.registry import TypeRegistry
from handlers.erz.buffer import store as buffer
from handlers.erz.register.core import Register
from handlers.erz.service import ErzHandler
from handlers.erz.synth.population import SynthPerson, person
from hub.bus import Bus
from hub.context import Attachment
from hub.operations import Operations
from hub.settings import Settings
from hub.testing import worker
from storage.db import Database
from storage.journal import JournalBatch
from storage.migrate import upgrade
from storage.models import audit_log, journal_messages
from tests.admin.conftest import SECRET, basic_auth, console_logins, page_token, router_bus
from tests.handlers.erz.smo.builders import oplist, record

Login = Callable[[str], TestClient]
basic = basic_auth
token = page_token
SMO = "76002"
BORN_NAME = "Кузнецова"
"""The surname the first person was registered with (she changes it in 2024)."""
RENAMED_ON = date(2024, 6, 1)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """The hub's tables at head and the register's own, in one SQLite file."""
    database = Database(f"sqlite:///{tmp_path / 'hub.db'}")
    upgrade(database)
    yield database
    database.dispose()


@pytest.fixture
def bus() -> Iterator[Bus]:
    """The in-process bus with the router's queue (where the console's events go)."""
    with router_bus() as memory:
        yield memory


@pytest.fixture
def app(db: Database, bus: Bus) -> Any:
    """The console with its installed extensions (the register's among them)."""
    types = TypeRegistry()
    for model in (PersonChangedV1, BufferDecidedV1, FileReceivedV1, FileSendV1):
        types.add(model)
    console = create_app(db, Operations(db, bus, types), types, secret_key=SECRET,
                         settings=Settings())
    assert console.state.extension_errors == {}
    return console


@pytest.fixture
def login(app: Any, db: Database) -> Iterator[Login]:
    """Clients logged in through the form: viewer, oper (operator), pd (operator + ПДн)."""
    with console_logins(app, db) as make:
        yield make


class Region:
    """Persons, buffer items and exchange files made by the register's own code."""

    def __init__(self, db: Database, bus: Bus) -> None:
        self.db = db
        self.bus = bus
        self.anna, self.boris = person(1, seed=7), person(2, seed=7)

    def insured(self) -> SynthPerson:
        """Anna: registered as Кузнецова with a policy of 76002, renamed from 2024-06-01."""
        p = self.anna
        data = type(p.data)(BORN_NAME, p.data.name, p.data.patronymic, p.data.sex,
                            p.data.birth_date, p.data.birth_place)
        with self.db.transaction() as conn:
            reg = Register(conn, Source("test.loader", user="загрузка"))
            reg.create_person(p.enp, data, snils=p.snils, document=p.document,
                              addresses=p.addresses)
            reg.issue_policy(p.enp, Policy("Э", p.enp, SMO, date(2020, 1, 1)), Reason("П010"))
            Register(conn, Source("handler.erz", user="76002/OPLIST", message_id="m-1",
                                  file="OPS76002T76_2406011.xml")).change_data(
                p.enp, RENAMED_ON, Reason("П034", "смена фамилии при вступлении в брак"),
                surname=p.data.surname)
        return p

    def proposed_stop(self) -> int:
        """A buffer item: the insurer asks to stop Anna's policy from 2024-09-01."""
        with self.db.transaction() as conn:
            return buffer.propose(
                conn, "stop_policy", {"enp": self.anna.enp, "on": "2024-09-01",
                                      "reason": {"code": "П021", "text": "выезд"}},
                "прекращение полиса по заявлению СМО требует решения ТФОМС",
                Source("handler.erz", "76002/OPLIST", "m-2", "OPS76002T76_2409011.xml"),
                SMO)

    def proposed_refusal(self) -> int:
        """A buffer item the register will refuse: the stop is before the policy began."""
        with self.db.transaction() as conn:
            return buffer.propose(
                conn, "stop_policy", {"enp": self.anna.enp, "on": "2010-01-01",
                                      "reason": {"code": "П021", "text": "выезд"}},
                "прекращение полиса требует решения ТФОМС",
                Source("handler.erz", "76002/OPLIST"), SMO)

    def oplist_processed(self) -> str:
        """An OPLIST of 76002 processed by the real flow: Boris applied, one bad record."""
        ops = [record(1, self.boris, c.Operation.ISSUE_POLICY),
               record(2, person(3, seed=7), c.Operation.ISSUE_POLICY, snils="123-456-789 00")]
        stem = "OPS76002T76_2412201"
        data = write_file(oplist(stem, ops))
        received = FileReceivedV1(drop="smo-76002", file_name=f"{stem}.xml", size=len(data),
                                  sha256=hashlib.sha256(data).hexdigest(),
                                  format_key="erz.oplist", sender=SMO, received_at=utcnow())
        # What the handler sends is journaled as the runner journals it (the answers).
        sent = worker(ErzHandler, self.db, bus=self.bus, stage=True).call(
            received, source="adapter.files",
            attachments=[Attachment(f"{stem}.xml", "application/xml", data)])
        journal = JournalBatch("adapter.files")  # as the adapter journaled what it took in
        journal.message(sent.cause, "handled", fresh=True)
        with self.db.transaction() as conn:
            journal.write(conn)
        return sent.cause.id

    def audit(self, action: str) -> list[Any]:
        """Audit rows of one action."""
        with self.db.read() as conn:
            return list(conn.execute(sa.select(audit_log).where(audit_log.c.action == action)))

    def journal(self, source: str = "console") -> list[Any]:
        """Journaled messages from ``source``."""
        with self.db.read() as conn:
            return list(conn.execute(sa.select(journal_messages)
                                     .where(journal_messages.c.source == source)))


@pytest.fixture
def region(db: Database, bus: Bus) -> Region:
    """Builders bound to the test database."""
    return Region(db, bus)
