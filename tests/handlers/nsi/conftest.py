"""Fixtures of the НСИ tests: the real ФФОМС dictionaries read in place, a database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from handlers.nsi.models import metadata
from storage.db import Database
from tests.conftest import SHARED, unavailable

DICTS = SHARED / "fixtures" / "nsi" / "ffoms" / "dict-xml-2018"


@pytest.fixture
def dicts() -> Path:
    """The folder of the four real dictionaries (V002, V009, F006, N002 of 2018)."""
    if not (DICTS / "V009.xml").exists():
        unavailable(f"the ФФОМС dictionaries are not at {DICTS}")
    return DICTS


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """The dictionaries' tables on SQLite and on PostgreSQL (create_all)."""
    url = (f"sqlite:///{tmp_path / 'nsi.db'}" if request.param == "sqlite"
           else request.getfixturevalue("pg_url"))
    database = Database(url)
    metadata.create_all(database.engine)
    yield database
    database.dispose()


def changed_v009(dicts: Path, tmp_path: Path, version: str = "3.2",
                 issued: str = "01.01.2020") -> Path:
    """V009 as a newer version: 101 gone, 102 renamed, 999 added, 104 closed on 31.12.2019."""
    text = (dicts / "V009.xml").read_bytes().decode("cp1251")
    text = text.replace("<version>3.1</version>", f"<version>{version}</version>")
    text = text.replace("<date>13.04.2018</date>", f"<date>{issued}</date>")
    text = re.sub(r"<zap>\s*<IDRMP>101</IDRMP>.*?</zap>", "", text, count=1, flags=re.S)
    text = text.replace("Переведён в др. ЛПУ", "Переведён в другую медицинскую организацию", 1)
    text = re.sub(r"(<IDRMP>104</IDRMP>.*?)<DATEEND/>", r"\1<DATEEND>31.12.2019</DATEEND>",
                  text, count=1, flags=re.S)
    text = text.replace("</packet>", "<zap><IDRMP>999</IDRMP><RMPNAME>Новый</RMPNAME>"
                        "<DL_USLOV>1</DL_USLOV><DATEBEG>01.01.2020</DATEBEG><DATEEND/></zap>"
                        "</packet>")
    path = tmp_path / f"V009_{version}.xml"
    path.write_bytes(text.encode("cp1251"))
    return path
