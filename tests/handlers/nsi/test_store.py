"""Loading ФФОМС dictionaries: in place, from a zip, again, a newer version, bad input."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from contracts.nsi_reader import BadDictionary
from contracts.xmlsafe import UnsafeXml
from handlers.nsi.diff import compare, rows_of
from handlers.nsi.models import nsi_dictionaries, nsi_rows, nsi_versions
from handlers.nsi.store import Loaded, load, sources
from storage.db import Database
from tests.handlers.nsi.conftest import changed_v009

AT = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)


def load_all(db: Database, paths: list[Path]) -> list[Loaded]:
    done = []
    for source in sources(paths):
        with db.transaction() as conn:
            done.append(load(conn, source, by="тест", at=AT))
    return done


def counts(db: Database) -> tuple[int, int]:
    with db.read() as conn:
        versions = conn.execute(sa.select(sa.func.count()).select_from(nsi_versions)).scalar()
        rows = conn.execute(sa.select(sa.func.count()).select_from(nsi_rows)).scalar()
    return int(versions or 0), int(rows or 0)


def test_the_four_dictionaries_load_in_place_with_their_keys_and_periods(
        db: Database, dicts: Path) -> None:
    done = load_all(db, [dicts])
    assert {(d.code, d.version, d.rows, d.added) for d in done} == {
        ("F006", "3.1", 25, True), ("N002", "2.5", 311, True),
        ("V002", "3.0", 155, True), ("V009", "3.1", 106, True)}
    with db.read() as conn:
        keys = dict(conn.execute(sa.select(nsi_dictionaries.c.code,
                                           nsi_dictionaries.c.key_column)).all())
        version = conn.execute(sa.select(nsi_versions).where(nsi_versions.c.code == "F006")).one()
        row = conn.execute(sa.select(nsi_rows).where(nsi_rows.c.version_id == version.id,
                                                     nsi_rows.c.key == "2")).one()
    assert keys == {"F006": "IDVID", "N002": "ID_St", "V002": "IDPR", "V009": "IDRMP"}
    assert version.issued == datetime(2018, 4, 4).date()
    assert version.sha256 == __import__("hashlib").sha256(
        (dicts / "F006.xml").read_bytes()).hexdigest()
    assert version.source.endswith("F006.xml") and version.loaded_by == "тест"
    assert row.datebeg.isoformat() == "2011-01-01" and row.dateend.isoformat() == "2018-03-31"
    assert row.data["VIDNAME"] == "МЭЭ (медико-экономическая экспертиза)"


def test_a_zip_loads_and_loading_it_again_changes_nothing(
        db: Database, dicts: Path, tmp_path: Path) -> None:
    archive = tmp_path / "nsi.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for name in ("V002.xml", "V009.xml", "F006.xml", "N002.xml"):
            z.write(dicts / name, name)
    assert sum(d.rows for d in load_all(db, [archive])) == 597
    before = counts(db)
    again = load_all(db, [archive, dicts / "V002.xml"])
    assert [d.added for d in again] == [False] * 5
    assert counts(db) == before == (4, 597)


def test_a_newer_version_is_added_beside_the_old_and_the_difference_is_shown(
        db: Database, dicts: Path, tmp_path: Path) -> None:
    load_all(db, [dicts / "V009.xml"])
    [newer] = load_all(db, [changed_v009(dicts, tmp_path)])
    assert (newer.code, newer.version, newer.rows, newer.added) == ("V009", "3.2", 106, True)
    with db.read() as conn:
        ids = dict(conn.execute(sa.select(nsi_versions.c.version, nsi_versions.c.id)).all())
        changes = compare(conn, ids["3.1"], ids["3.2"])
        old_102 = rows_of(conn, ids["3.1"], "102")
    assert changes.added == ["999"] and changes.removed == ["101"]
    assert changes.changed == ["102", "104"]
    assert old_102[0]["RMPNAME"] == "Переведён в др. ЛПУ", "the old version is kept as it was"


def test_the_same_version_with_other_contents_is_refused(
        db: Database, dicts: Path, tmp_path: Path) -> None:
    load_all(db, [dicts / "V009.xml"])
    forged = changed_v009(dicts, tmp_path, version="3.1", issued="13.04.2018")
    with pytest.raises(BadDictionary, match="уже загружена с другим содержимым"):
        load_all(db, [forged])
    assert counts(db) == (1, 106)


@pytest.mark.parametrize(("content", "refused"), [
    (b"<packet><zglv><type>Rezult</type><version>1</version><date>01.01.2020</date></zglv>"
     b"<zap><IDRMP>1</IDRMP>", "XML повреждён или неполон"),
    (b'<?xml version="1.0"?><!DOCTYPE packet [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
     b"<packet><zglv><type>Rezult</type><version>1</version><date>01.01.2020</date></zglv>"
     b"<zap><IDRMP>&x;</IDRMP></zap></packet>", r"DTD \(DOCTYPE\) не принимается"),
    (b"<html><body/></html>", "не справочник ФФОМС"),
    (b"<packet><zglv><type>Rezult</type><version>1</version><date>32.01.2020</date></zglv>"
     b"</packet>", "не дата ДД.ММ.ГГГГ"),
])
def test_bad_input_is_refused_with_a_russian_reason_and_nothing_written(
        db: Database, tmp_path: Path, content: bytes, refused: str) -> None:
    path = tmp_path / "V009.xml"
    path.write_bytes(content)
    with pytest.raises((UnsafeXml, BadDictionary), match=refused):
        load_all(db, [path])
    assert counts(db) == (0, 0)


def test_a_file_without_an_encoding_declaration_is_read_as_windows_1251(
        db: Database, tmp_path: Path) -> None:
    path = tmp_path / "V006.xml"
    path.write_bytes("<packet><zglv><type>UslMp</type><version>1.0</version><date>01.01.2020"
                     "</date></zglv><zap><IDUMP>1</IDUMP><UMPNAME>Стационарно</UMPNAME>"
                     "<DATEBEG>01.01.2011</DATEBEG><DATEEND/></zap></packet>".encode("cp1251"))
    [done] = load_all(db, [path])
    with db.read() as conn:
        data = conn.execute(sa.select(nsi_rows.c.data)).scalar_one()
    assert done.code == "V006" and data["UMPNAME"] == "Стационарно"


def test_an_unknown_dictionary_takes_its_first_column_as_the_key_and_keeps_unknown_columns(
        db: Database, tmp_path: Path) -> None:
    path = tmp_path / "X123.xml"
    path.write_bytes(b"<?xml version='1.0' encoding='utf-8'?><packet><zglv><type>Xx</type>"
                     b"<version>1</version><date>01.01.2020</date></zglv><zap><CODE>A1</CODE>"
                     b"<NEW_COL>q</NEW_COL><grp><a>1</a><b>2</b></grp><DATEBEG>01.01.2020"
                     b"</DATEBEG><DATEEND/></zap></packet>")
    load_all(db, [path])
    with db.read() as conn:
        row = conn.execute(sa.select(nsi_rows)).one()
    assert row.key == "A1"
    assert row.data == {"CODE": "A1", "NEW_COL": "q", "grp/a": "1", "grp/b": "2",
                        "DATEBEG": "01.01.2020", "DATEEND": ""}
