"""handler.nsi loads the versions published to it (``nsi.version.published``, zip attached)."""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
import sqlalchemy as sa

from contracts.nsi import NsiVersionPublishedV1
from handlers.nsi.models import nsi_versions
from handlers.nsi.service import NsiHandler
from hub.component import PermanentError
from hub.context import Attachment
from hub.testing import Worker, worker
from storage.db import Database
from tests.handlers.nsi.conftest import changed_v009


@pytest.fixture(params=["sqlite", "postgres"])
def handler(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Worker[NsiHandler]]:
    """handler.nsi on a migrated hub database (messages and their blobs are journaled)."""
    url = (f"sqlite:///{tmp_path / 'hub.db'}" if request.param == "sqlite"
           else request.getfixturevalue("pg_url"))
    database = Database(url)
    yield worker(NsiHandler, database, migrate=True)
    database.dispose()


def published(code: str, version: str, members: dict[str, bytes]) -> tuple[
        NsiVersionPublishedV1, Attachment]:
    """The message adapter.nsi would publish for a zip of ``members``."""
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    data = out.getvalue()
    message = NsiVersionPublishedV1(
        code=code, version=version, source=f"http://portal/refbook?id=1&version={version}",
        sha256=hashlib.sha256(data).hexdigest(), size=len(data))
    return message, Attachment(message.file_name, "application/zip", data)


def versions(db: Database) -> set[tuple[str, str]]:
    with db.read() as conn:
        return set(conn.execute(sa.select(nsi_versions.c.code, nsi_versions.c.version)).all())


def test_a_published_version_is_loaded_with_its_source(
        handler: Worker[NsiHandler], dicts: Path, tmp_path: Path) -> None:
    message, zip_file = published("V009", "3.2", {
        "V009.xml": changed_v009(dicts, tmp_path).read_bytes()})
    handler.call(message, attachments=[zip_file], source="adapter.nsi")
    assert versions(handler.db) == {("V009", "3.2")}
    with handler.db.read() as conn:
        row = conn.execute(sa.select(nsi_versions)).one()
    assert row.source == f"{message.source}!V009.xml" and row.rows > 0
    assert row.loaded_by.startswith("adapter.nsi")
    assert handler.component.health()["versions"] == 1


def test_a_version_refused_fails_the_message_for_good_in_russian(
        handler: Worker[NsiHandler]) -> None:
    message, zip_file = published("V099", "1.0", {
        "V099.xml": b"<packet><zglv><type>Bad</type>"})
    with pytest.raises(PermanentError, match="версия 1.0 справочника V099 не загружена: "
                                             ".*XML повреждён"):
        handler.call(message, attachments=[zip_file])
    empty, no_xml = published("V010", "2.0", {"readme.txt": b"nothing"})
    with pytest.raises(PermanentError, match="нет XML-файла справочника"):
        handler.call(empty, attachments=[no_xml])
    assert versions(handler.db) == set()
