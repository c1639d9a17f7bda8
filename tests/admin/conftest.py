"""Fixtures of the console tests: a migrated database (SQLite file, or a fresh PostgreSQL
schema), the real Operations over the in-process bus, seeded accounts, and builders that
insert journal rows, dead letters and schedules directly into the hub's tables.

Every test that takes ``db`` runs twice: on SQLite and on PostgreSQL
(``OMSHUB_TEST_DATABASE_URL``, default the local server). PostgreSQL unreachable skips
those runs with the reason — except under ``CI=true``, where it fails.
"""

from __future__ import annotations

import base64
import functools
import os
import re
import socket
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from pydantic import BaseModel, Field
from starlette.testclient import TestClient

from admin.app import create_app
from contracts.envelope import Envelope, utcnow
from contracts.probe import ProbeV1
from contracts.registry import TypeRegistry, message_type
from hub.bus import Bus, QueueSpec, connect
from hub.operations import Operations
from hub.outbox import ROUTER_QUEUE
from storage.db import Database, normalise_url
from storage.journal import store_blob
from storage.migrate import upgrade
from storage.models import (
    audit_log,
    dead_letters,
    journal_events,
    journal_messages,
    metadata,
    schedules,
    users,
)

CI = os.environ.get("CI", "").lower() == "true"
PG_URL = os.environ.get("OMSHUB_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
PASSWORD = "correct horse battery"
SECRET = "test-secret-key-0123456789abcdef"
PERSON_QUEUE = "handler.person"
SNILS = "123-456-789 01"
ENP = "3541111111111111"


@message_type("test.person.query", 1, person_fields=("snils", "enp"))
class PersonQueryV1(BaseModel):
    """A request about an insured person (a test type carrying personal data)."""

    snils: str = Field(pattern=r"^\d{3}-\d{3}-\d{3} \d{2}$")
    enp: str = ""
    family_name: str = Field(default="", json_schema_extra={"personal": True})
    region: str = ""


# -- databases ---------------------------------------------------------------------------------


def _pg_reachable() -> bool:
    parts = urllib.parse.urlsplit(PG_URL)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), 2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def pg_schema_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema of this test session."""
    if not _pg_reachable():
        reason = f"PostgreSQL is unreachable at {PG_URL}"
        if CI:
            pytest.fail(f"{reason} (CI=true: required)")
        pytest.skip(reason)
    schema = f"omshub_admin_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(normalise_url(PG_URL), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    db = Database(url)
    upgrade(db)
    db.dispose()
    try:
        yield url
    finally:
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty hub database: a SQLite file, or the session's PostgreSQL schema."""
    if request.param == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'hub.db'}")
        upgrade(database)
    else:
        database = Database(request.getfixturevalue("pg_schema_url"), pool_size=2)
        with database.transaction() as conn:
            names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    yield database
    database.dispose()


# -- the hub around the console ----------------------------------------------------------------


@pytest.fixture
def types() -> TypeRegistry:
    """The probe type and the personal test type."""
    registry = TypeRegistry()
    registry.add(ProbeV1)
    registry.add(PersonQueryV1)
    return registry


@pytest.fixture
def bus() -> Iterator[Bus]:
    """The in-process bus with the queues replays go to."""
    from hub.testing import reset_memory_broker

    reset_memory_broker()
    memory_bus = connect("memory://")
    memory_bus.declare([QueueSpec(ROUTER_QUEUE), QueueSpec("handler.probe"),
                        QueueSpec(PERSON_QUEUE)])
    yield memory_bus
    memory_bus.close()
    reset_memory_broker()


@pytest.fixture
def ops(db: Database, bus: Bus, types: TypeRegistry) -> Operations:
    """The real Operations over the test database and bus."""
    return Operations(db, bus, types)


@pytest.fixture
def health_state() -> dict[str, dict[str, Any]]:
    """What the health probe reports; tests change it."""
    return {"router": {"status": "ok", "detail": "1 instance"},
            "handler.probe": {"status": "ok"}}


@pytest.fixture
def app(db: Database, ops: Operations, types: TypeRegistry,
        health_state: dict[str, dict[str, Any]]) -> Any:
    """The console app."""
    return create_app(db, ops, types, secret_key=SECRET, health=lambda: health_state,
                      queue_depths=lambda: {ROUTER_QUEUE: 0, PERSON_QUEUE: 3, "gone": None})


# -- accounts --------------------------------------------------------------------------------


@functools.cache
def _password_hash() -> str:
    return PasswordHasher().hash(PASSWORD)


def seed_user(db: Database, username: str, role: str, personal_data: bool = False) -> None:
    """An account with the test password (hashed once per session: argon2 is slow)."""
    with db.transaction() as conn:
        conn.execute(users.insert().values(
            username=username, password_hash=_password_hash(), role=role,
            personal_data=personal_data, disabled=False, created_at=utcnow()))


@pytest.fixture
def accounts(db: Database) -> None:
    """admin (administrator, personal data), oper (operator), viewer, pd (operator + ПДн)."""
    seed_user(db, "admin", "administrator", personal_data=True)
    seed_user(db, "oper", "operator")
    seed_user(db, "viewer", "viewer")
    seed_user(db, "pd", "operator", personal_data=True)


def form_token(html: str) -> str:
    """The CSRF token of the forms on a page (every form must carry the same one)."""
    tokens: set[str] = set(re.findall(r'name="csrf_token" value="([^"]*)"', html))
    assert len(tokens) == 1 and "" not in tokens, f"forms carry tokens {tokens}"
    return tokens.pop()


def page_token(client: TestClient, url: str) -> str:
    """The CSRF token of the forms on a page the client opens."""
    page = client.get(url)
    assert page.status_code == 200, page.text
    return form_token(page.text)


@pytest.fixture
def token() -> Callable[[TestClient, str], str]:
    """The CSRF token of the form on a page (``token(client, "/journal")``)."""
    return page_token


def basic_auth(username: str, password: str = PASSWORD) -> dict[str, str]:
    """HTTP Basic credentials header of an account."""
    return {"Authorization": "Basic " + base64.b64encode(f"{username}:{password}".encode())
            .decode()}


@contextmanager
def form_logins(app: Any) -> Iterator[Callable[[str], TestClient]]:
    """Make clients logged in through the form as named accounts; closed at the end."""
    clients: list[TestClient] = []

    def make(username: str) -> TestClient:
        client = TestClient(app)
        clients.append(client)
        token = form_token(client.get("/login").text)
        r = client.post("/login", data={"username": username, "password": PASSWORD,
                                        "csrf_token": token}, follow_redirects=False)
        assert r.status_code == 303, r.text
        return client

    try:
        yield make
    finally:
        for c in clients:
            c.close()


@contextmanager
def console_logins(app: Any, db: Database) -> Iterator[Callable[[str], TestClient]]:
    """:func:`form_logins` for the accounts an extension's screens are tested with: viewer,
    oper (operator) and pd (operator + ПДн)."""
    seed_user(db, "viewer", "viewer")
    seed_user(db, "oper", "operator")
    seed_user(db, "pd", "operator", personal_data=True)
    with form_logins(app) as make:
        yield make


@contextmanager
def router_bus() -> Iterator[Bus]:
    """The in-process bus with the router's queue, where a console's messages go."""
    from hub.testing import reset_memory_broker

    reset_memory_broker()
    memory = connect("memory://")
    memory.declare([QueueSpec(ROUTER_QUEUE)])
    try:
        yield memory
    finally:
        memory.close()
        reset_memory_broker()


@pytest.fixture
def login(app: Any, accounts: None) -> Iterator[Callable[[str], TestClient]]:
    """A client logged in through the form as the named account."""
    with form_logins(app) as make:
        yield make


# -- journal builders --------------------------------------------------------------------------


class Seed:
    """Builders that insert rows straight into the hub's tables, as the hub would."""

    password = PASSWORD
    snils = SNILS
    enp = ENP

    def __init__(self, db: Database) -> None:
        self.db = db

    def message(
        self,
        *,
        payload: dict[str, Any] | None = None,
        type: str = "hub.probe",
        version: int = 1,
        source: str = "adapter.probe",
        destination: str | None = None,
        status: str = "handled",
        person: str = "",
        correlation_id: str = "",
        causation_id: str | None = None,
        at: datetime | None = None,
        raw: bytes | None = None,
        events: list[tuple[str, str, str, int, str]] | None = None,
        last_error: str | None = None,
    ) -> str:
        """A journaled message (and its trail); returns its id."""
        at = at or utcnow()
        if payload is None:
            payload = {"seq": 1, "sent_at": at.isoformat(), "note": ""}
        env = Envelope(type=type, version=version, source=source, destination=destination,
                       correlation_id=correlation_id, causation_id=causation_id,
                       created_at=at, payload=payload)
        with self.db.transaction() as conn:
            blob_id = store_blob(conn, raw, "application/xml") if raw is not None else None
            conn.execute(journal_messages.insert().values(
                message_id=env.id, type=type, version=version, source=source,
                destination=destination, correlation_id=env.correlation_id,
                causation_id=causation_id, created_at=at, first_seen_at=at, last_at=at,
                status=status, person=person, envelope=env.model_dump_json(),
                raw_blob_id=blob_id, last_error=last_error))
            trail = events if events is not None else [("received", "adapter.probe", "", 0, "")]
            for i, (st, component, queue, attempt, detail) in enumerate(trail):
                conn.execute(journal_events.insert().values(
                    at=at + timedelta(milliseconds=i), message_id=env.id, status=st,
                    component=component, queue=queue, attempt=attempt, detail=detail))
        return env.id

    def person_message(self, **kw: Any) -> str:
        """A journaled person query with SNILS, ЕНП and a family name, and its raw XML."""
        payload = {"snils": SNILS, "enp": ENP, "family_name": "Иванов", "region": "35"}
        raw = (f"<?xml version='1.0' encoding='UTF-8'?><Request><Person><FAM>Иванов</FAM>"
               f"<IM>Иван</IM><SNILS>{SNILS}</SNILS><ENP>{ENP}</ENP></Person>"
               "<Region>35</Region></Request>").encode()
        kw.setdefault("raw", raw)
        kw.setdefault("person", f"{SNILS} {ENP}")
        return self.message(type="test.person.query", payload=payload, source="adapter.soap",
                            **kw)

    def dead_letter(
        self,
        message_id: str,
        *,
        queue: str = "handler.probe",
        cause_type: str = "LookupError",
        cause_message: str = "person 123 not found",
        at: datetime | None = None,
        attempts: int = 6,
    ) -> int:
        """An open dead letter whose body is the journaled envelope of ``message_id``."""
        with self.db.transaction() as conn:
            body = conn.execute(sa.select(journal_messages.c.envelope).where(
                journal_messages.c.message_id == message_id)).scalar_one()
            result = conn.execute(dead_letters.insert().values(
                message_id=message_id, queue=queue, component=queue, cause_type=cause_type,
                cause_message=cause_message, attempts=attempts, body=body.encode(),
                at=at or utcnow(), state="open"))
            conn.execute(journal_messages.update().where(
                journal_messages.c.message_id == message_id).values(status="dead"))
        pk = result.inserted_primary_key
        assert pk is not None
        return int(pk[0])

    def schedule(self, name: str, cron: str = "0 * * * *", enabled: bool = True) -> None:
        """A schedule row as the scheduler keeps it."""
        with self.db.transaction() as conn:
            conn.execute(schedules.insert().values(
                name=name, component="adapter.probe", job="emit", cron=cron, enabled=enabled,
                description="probe every hour"))

    def audit(self, action: str) -> list[Any]:
        """Audit rows of one action, oldest first."""
        with self.db.read() as conn:
            return list(conn.execute(sa.select(audit_log).where(audit_log.c.action == action)
                                     .order_by(audit_log.c.id)).all())

    def letter_state(self, letter_id: int) -> str:
        """The state of a dead letter."""
        with self.db.read() as conn:
            return str(conn.execute(sa.select(dead_letters.c.state)
                                    .where(dead_letters.c.id == letter_id)).scalar_one())


@pytest.fixture
def seed(db: Database) -> Seed:
    """Row builders bound to the test database."""
    return Seed(db)
