"""An organisation's file uploaded through the console (adapters.files.console) is taken in
like a dropped one, processed by the register, and its answers are downloadable from the
register's exchange protocols."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from adapters.files import console as files_console
from adapters.files.upload import REFUSED, TAKEN
from admin.app import create_app
from contracts.envelope import Envelope
from contracts.erz import common as c
from contracts.erz.files import write_file
from contracts.erz_register import BufferDecidedV1, PersonChangedV1
from contracts.files import FileReceivedV1, FileSendV1
from contracts.registry import TypeRegistry
from handlers.erz import console as erz_console
from handlers.erz.service import ErzHandler
from handlers.erz.synth.population import person
from hub.bus import Bus
from hub.operations import Operations
from hub.settings import Settings
from hub.testing import worker
from storage.db import Database
from storage.journal import load_blob
from storage.models import journal_messages
from tests.admin.conftest import SECRET
from tests.handlers.erz.console.conftest import Login, Region, token
from tests.handlers.erz.smo.builders import oplist, record

STEM = "OPS76002T76_2412205"


@pytest.fixture
def app(db: Database, bus: Bus) -> Any:
    """The console with the register's screens and the files adapter's upload page."""
    types = TypeRegistry()
    for model in (PersonChangedV1, BufferDecidedV1, FileReceivedV1, FileSendV1):
        types.add(model)
    settings = Settings(plugins={"files": {"upload": {"max_size": 200_000}}})
    console = create_app(db, Operations(db, bus, types), types, secret_key=SECRET,
                         settings=settings,
                         extensions=[("erz", erz_console.extension),
                                     ("files", files_console.extension)])
    assert console.state.extension_errors == {}
    return console


def _oplist(region: Region, stem: str = STEM) -> bytes:
    ops = [record(1, region.boris, c.Operation.ISSUE_POLICY),
           record(2, person(3, seed=7), c.Operation.ISSUE_POLICY, snils="123-456-789 00")]
    return write_file(oplist(stem, ops))


def _upload(client: TestClient, name: str, data: bytes, organisation: str = "76002",
            note: str = "письмо СМО № 15") -> Any:
    form = token(client, "/files/upload?back=/erz/files")
    return client.post("/files/upload", data={"csrf_token": form, "organisation": organisation,
                                              "note": note, "back": "/erz/files"},
                       files={"file": (name, data, "text/xml")}, follow_redirects=False)


def _journaled(db: Database, kind: str) -> list[Any]:
    with db.read() as conn:
        return list(conn.execute(sa.select(journal_messages)
                                 .where(journal_messages.c.type == kind)))


def test_an_uploaded_oplist_is_journaled_audited_processed_and_its_answers_downloadable(
        login: Login, region: Region, db: Database) -> None:
    data = _oplist(region)
    oper = login("oper")
    r = _upload(oper, f"{STEM}.xml", data)
    assert r.status_code == 303, r.text
    page = oper.get(r.headers["location"]).text
    assert f"Файл {STEM}.xml (OPLIST СМО) принят от имени организации 76002" in page
    (row,) = _journaled(db, "files.received")
    env = Envelope.model_validate(json.loads(row.envelope))
    assert row.source == "console"
    assert env.payload["sender"] == "76002" and env.payload["format_key"] == "erz.oplist"
    assert env.payload["drop"] == "console"
    assert env.payload["sha256"] == hashlib.sha256(data).hexdigest()
    with db.read() as conn:
        assert load_blob(conn, env.attachments[0].blob_id) == data  # the exact bytes
    (audit,) = region.audit(TAKEN)
    assert audit.username == "oper" and audit.target == env.id
    assert audit.reason == "письмо СМО № 15"
    assert STEM in page and f'href="/journal/{env.id}"' in page  # the latest uploads

    # The register processes it exactly as a dropped one, and answers.
    worker(ErzHandler, db, bus=region.bus, stage=True).call(env)
    files = login("pd").get("/erz/files").text
    assert f'data-file="{STEM}"' in files and 'href="/files/upload?back=/erz/files"' in files
    row_html = files.split(f'data-file="{STEM}">')[1].split("</tr>")[0]
    assert f"F{STEM}.xml" in row_html
    links = [part.split('"')[0] for part in row_html.split('href="')[1:]
             if "/download" in part.split('"')[0]]
    assert len(links) >= 3  # the received file, FLK_P, REPLIST
    got = login("pd").get(links[0])
    assert got.status_code == 200 and got.content == data
    assert f'filename="{STEM}.xml"' in got.headers["content-disposition"]
    flk = login("pd").get(next(u for u in links if "answer" in u))
    assert flk.status_code == 200 and b"FLK_P" in flk.content


@pytest.mark.parametrize(("name", "data", "organisation", "says"), [
    ("report.xml", b"<a/>", "76002", "не подходит ни под один формат обмена"),
    (f"{STEM}.xml", b"not xml at all", "76002", "не XML"),
    (f"{STEM}.xml", b"<OPLIST/>", "76005", "отправитель — 76002, а выбрана организация 76005"),
    (f"{STEM}.xml", b"<" + b"x" * 200_001 + b"/>", "76002", "не более 0,2 МБ"),
])
def test_a_bad_upload_is_explained_journaled_and_nothing_else_happens(
        login: Login, region: Region, db: Database, name: str, data: bytes,
        organisation: str, says: str) -> None:
    r = _upload(login("oper"), name, data, organisation)
    assert r.status_code == 400 and says in r.text
    assert 'id="upload-error"' in r.text and "Ничего больше не сделано" in r.text
    assert f'value="{organisation}"' in r.text  # the form keeps what was typed
    assert _journaled(db, "files.received") == []
    (refusal,) = _journaled(db, "files.refused")
    assert refusal.status == "rejected"
    assert refusal.message_id in r.text
    (audit,) = region.audit(REFUSED)
    assert audit.username == "oper" and says in audit.details


def test_the_same_file_twice_is_refused_the_second_time(login: Login, region: Region,
                                                       db: Database) -> None:
    oper = login("oper")
    data = _oplist(region)
    assert _upload(oper, f"{STEM}.xml", data).status_code == 303
    again = _upload(oper, f"{STEM}.xml", data)
    assert again.status_code == 400 and "повтор" in again.text
    assert len(_journaled(db, "files.received")) == 1


def test_a_viewer_cannot_upload(login: Login, region: Region, db: Database) -> None:
    viewer = login("viewer")
    assert viewer.get("/files/upload").status_code == 403
    assert _journaled(db, "files.received") == []
