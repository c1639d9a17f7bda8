"""A masked viewer sees no personal value anywhere, for every sample of every shipped type.

Every СМЭВ information type installed (``omshub.smev3.types``) gives its sample request and
answer; each is taken in by the hub's own path (``Context.publish_in``: journal, raw XML as
the exact bytes) as the adapter puts it on the bus — the ЗАГС ones as the canonical
``zags.deaths`` and ``zags.deaths.processed``, whose raw XML is masked as the bound models
declare — and also under the bound model's type, as the journal held them before. The ЗАГС
deliveries go on into the register: one record finds its person (the card shows the death),
one waits in the buffer.
A file named after a person comes in as ``files.received`` with the file attached.

The personal values are collected from the samples by their declarations (fields declared
personal, nested models included, and ``person_fields``) plus the values the security
review found shown in clear. A viewer without the personal-data permission then reads every
place a person's data is shown — journal list and detail (page and API), raw XML, the
buffer (page and API), the person card and timeline (page and API) and the Excel export —
and none of the values may appear.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from pydantic import BaseModel
from starlette.testclient import TestClient

from adapters.smev3.types import discover as discover_vs
from admin.app import create_app
from contracts.envelope import utcnow
from contracts.erz.register import Source
from contracts.files import FileReceivedV1
from contracts.pfr import SnilsFoundV1, SnilsLookupV1
from contracts.registry import type_of
from contracts.xmlbind.binding import XmlModel
from contracts.zags import DeathRecordsProcessedV1, DeathRecordsV1
from contracts.zags_acts import (
    BirthRecordsV1,
    NameChangeRecordsV1,
    ZagsInquiryAnswerV1,
    ZagsInquiryV1,
)
from handlers.erz.zags import deaths as zags
from hub.bus import Bus
from hub.context import Attachment, Context, Inbound
from hub.masking import personal_paths
from hub.operations import Operations
from hub.outbox import Relay
from hub.plugins import discover
from hub.settings import Settings
from storage.db import Database
from storage.models import journal_messages
from tests.admin.conftest import SECRET, console_logins
from tests.handlers.erz.console.conftest import bus, db
from tests.handlers.erz.zags.conftest import insured

__all__ = ["bus", "db"]

PERSON_FILE = "Заявление Петров Пётр Ильич 12.04.1980 СНИЛС 123-456-789 01.pdf"
FOUND_IN_CLEAR = ("450077", "Ленина", "1940-07-03", "2003-09-01", "2024-02-26", "80 03 123456",
                  "80 № 123456", "Хабибуллин")
"""What the review saw in clear in a 112-41 record: postcode, street, birth, passport issue
and certificate dates, the passport, the certificate, the surname."""


def shown_in(secret: str, text: str) -> bool:
    """Whether ``secret`` appears in ``text`` as a value of its own (HTML-escaped or not).

    Not inside a longer word or number: a six-digit postcode of random test data turns up
    inside a blob's sha256 or a message id now and then, which is no leak.
    """
    return any(re.search(rf"(?<!\w){re.escape(form)}(?!\w)", text)
               for form in {secret, html.escape(secret)})


def _leaves(value: Any) -> Iterator[str]:
    if isinstance(value, Mapping):
        for v in value.values():
            yield from _leaves(v)
    elif isinstance(value, list):
        for v in value:
            yield from _leaves(v)
    elif value is not None and not isinstance(value, bool):
        yield str(value)


def declared_values(model: BaseModel) -> set[str]:
    """The values a payload's type declares personal (nested models included), less those
    the same payload also carries in a field not declared personal (an act's date equal to
    a certificate's: which one a page shows cannot be told) and values too short to find
    by themselves (a flat "4")."""
    mt = type_of(type(model))
    data = model.model_dump(mode="json", by_alias=True)
    paths = personal_paths(type(model)) | frozenset(mt.person_fields)
    personal: set[str] = set()
    other: set[str] = set()

    def walk(value: Any, path: str) -> None:
        if isinstance(value, list):
            for v in value:
                walk(v, path)
        elif isinstance(value, Mapping):
            for k, v in value.items():
                sub = f"{path}.{k}" if path else str(k)
                if sub in paths:
                    personal.update(_leaves(v))
                else:
                    walk(v, sub)
        elif value is not None and not isinstance(value, bool):
            other.add(str(value))

    walk(data, "")
    return {v for v in personal - other if len(v) >= 5 or len(v) >= 4 and not v.isdigit()}


def samples() -> list[tuple[BaseModel, bytes]]:
    """Every sample of every installed information type, with its XML as СМЭВ carries it:
    as the bus carries it and, where that is a canonical model, as bound to the XML too."""
    catalogue = discover_vs()
    assert not catalogue.errors, catalogue.errors
    found: list[tuple[BaseModel, bytes]] = []
    for info in catalogue.types.values():
        request = info.sample_request()
        assert request is not None, f"{info.key} ships no sample"
        pairs = [(request, info.request_to_xml(request))]
        answer = info.sample_response(request)
        if answer is not None:
            pairs.append((answer, info.response_to_xml(answer)))
        for bound, xml in pairs:
            on_the_bus = info.to_canonical(bound)
            found.append((on_the_bus, _xml(xml)))
            if on_the_bus is not bound:
                found.append((bound, _xml(xml)))
    return found


def _xml(element: Any) -> bytes:
    from lxml import etree

    return bytes(etree.tostring(element, xml_declaration=True, encoding="UTF-8"))


class World:
    """The hub's journal, the register and the console, filled from the samples."""

    def __init__(self, db: Database, bus: Bus) -> None:
        self.db, self.bus = db, bus
        self.plugins = discover()
        self.ctx = Context(Settings(), db, bus, self.plugins.types, Relay(db, bus),
                           "adapter.smev3")
        self.owned: dict[str, set[str]] = {}
        self.register_secrets: set[str] = set()
        self.message_ids: list[str] = []
        self.enps: list[str] = []

    def take_in(self) -> None:
        """Journal every sample and a file named after a person; the ЗАГС ones to the
        register (a person found, a person not found)."""
        items = [Inbound(model, raw=raw, raw_name="request.xml") for model, raw in samples()]
        owned = [declared_values(model) for model, _ in samples()]
        data = b"%PDF-1.4 fictitious"
        received = FileReceivedV1(drop="citizens", file_name=PERSON_FILE, size=len(data),
                                  sha256=hashlib.sha256(data).hexdigest(), format_key="any",
                                  received_at=utcnow())
        items.append(Inbound(received, attachments=[Attachment(PERSON_FILE, "application/pdf",
                                                               data)]))
        owned.append({"Заявление", "Петров", "Пётр", "Ильич", "12.04.1980", "123-456-789"})
        with self.db.transaction() as conn:
            self.message_ids = [e.id for e in self.ctx.publish_in(conn, items)]
            self.owned = dict(zip(self.message_ids, owned, strict=True))
            self.enps.append(insured(conn, 1))  # the 112-41 sample's deceased
            deaths = [r for m, _ in samples() if isinstance(m, DeathRecordsV1)
                      for r in zags.from_delivery(m)]
            _, outcomes = zags.process_all(conn, Source("handler.erz", user="zags"), deaths)
        assert sorted(o.status for o in outcomes) == ["applied", "buffered"], outcomes
        zags_types = ("smev3.zags.", "zags.")
        self.register_secrets = set().union(*(
            found for message_id, found in self.owned.items()
            if self._type(message_id).startswith(zags_types)))

    def _type(self, message_id: str) -> str:
        with self.db.read() as conn:
            return str(conn.execute(sa.select(journal_messages.c.type).where(
                journal_messages.c.message_id == message_id)).scalar_one())

    def secrets_of(self, where: str) -> set[str]:
        """The values that must not show on a page: a message's own on its detail, the
        ЗАГС records' on the register's pages, every one on the journal's list."""
        for message_id, found in self.owned.items():
            if message_id in where:
                return found | set(FOUND_IN_CLEAR) if "zags" in self._type(message_id) \
                    else found
        if where.startswith(("/erz", "/api/erz", "export")):
            return self.register_secrets | set(FOUND_IN_CLEAR)
        return set().union(*self.owned.values())

    def app(self) -> Any:
        """The console with every installed type and extension."""
        ops = Operations(self.db, self.bus, self.plugins.types)
        console = create_app(self.db, ops, self.plugins.types, secret_key=SECRET,
                             settings=Settings())
        assert console.state.extension_errors == {}
        return console


@pytest.fixture
def world(db: Database, bus: Bus) -> World:
    """Every sample taken in by the hub and the register."""
    w = World(db, bus)
    w.take_in()
    return w


def _pages(viewer: TestClient, world: World) -> dict[str, str]:
    """Every place a person's data is shown, as the viewer gets it."""
    shown: dict[str, str] = {}

    def get(url: str, **params: str) -> None:
        r = viewer.get(url, params=params)
        assert r.status_code == 200, (url, r.status_code, r.text[:300])
        shown[url + (f"?{params}" if params else "")] = r.text

    get("/journal")
    get("/api/messages")
    for message_id in world.message_ids:
        get(f"/journal/{message_id}")
        get(f"/api/messages/{message_id}")
    get("/erz/buffer")
    get("/api/erz/buffer")
    for enp in world.enps:
        found = viewer.get("/api/erz/persons", params={"enp": enp}).json()["items"]
        ref = found[0]["ref"]
        get(f"/erz/person/{ref}")
        get(f"/api/erz/persons/{ref}")
        get(f"/api/erz/persons/{ref}/timeline")
        get("/erz", enp=enp)
        export = viewer.get("/erz/export.xlsx", params={"enp": enp})
        book = load_workbook(io.BytesIO(export.content))
        shown[f"export {enp}"] = json.dumps(
            [[c for c in row] for sheet in book for row in sheet.iter_rows(values_only=True)],
            ensure_ascii=False, default=str)
    return shown


def test_a_masked_viewer_sees_no_personal_value_anywhere(world: World, db: Database) -> None:
    with console_logins(world.app(), db) as login:
        shown = _pages(login("viewer"), world)
    leaks = {(secret, where) for where, text in shown.items()
             for secret in world.secrets_of(where)
             if shown_in(secret, text)}
    assert not leaks, sorted(leaks)[:20]


def test_the_declared_values_are_shown_to_a_personal_data_account(world: World,
                                                                   db: Database) -> None:
    # The check above is no vacuous one: the same places show the values when permitted.
    with console_logins(world.app(), db) as login:
        shown = _pages(login("pd"), world)
    every = "\n".join(shown.values())
    expected = set().union(*world.owned.values()) | world.register_secrets
    missing = {s for s in expected if s not in every and html.escape(s) not in every}
    assert not missing, sorted(missing)


def test_samples_cover_the_zags_fields_the_review_found(world: World) -> None:
    secrets = world.register_secrets
    for value in ("450077", "Ленина", "2003-09-01", "80 № 123456", "2024-02-26"):
        assert value in secrets, value
    # Raw XML by the binding: a canonical message's by the model bound to its XML.
    assert {type(m) for m, _ in samples() if not isinstance(m, XmlModel)} == {
        DeathRecordsV1, DeathRecordsProcessedV1, BirthRecordsV1, NameChangeRecordsV1,
        ZagsInquiryV1, ZagsInquiryAnswerV1, SnilsLookupV1, SnilsFoundV1}
