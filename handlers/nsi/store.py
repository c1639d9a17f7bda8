"""Loading dictionaries: a version is added once, beside the versions already there.

:func:`sources` turns paths (files, zips, folders) into the XML files they hold; a zip is
read member by member, never extracted. :func:`load` writes one version in one transaction:
the same version again (the same code, version and bytes) changes nothing; the same version
with other bytes is refused, because a published version does not change.
"""

from __future__ import annotations

import itertools
import zipfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from contracts.nsi_reader import BadDictionary, DictionaryFile
from handlers.nsi.models import nsi_dictionaries, nsi_rows, nsi_versions

BATCH = 2000
"""Rows inserted per statement."""
MAX_MEMBER = 512 * 1024 * 1024
"""A zip member larger than this uncompressed is refused (a zip bomb)."""

Opener = Callable[[], AbstractContextManager[IO[bytes]]]


@dataclass(frozen=True)
class Source:
    """One dictionary XML to load: where it is told to the user, how to open it."""

    where: str
    name: str
    open: Opener


@dataclass(frozen=True)
class Loaded:
    """What loading one file did."""

    code: str
    version: str
    rows: int
    added: bool
    """False: that version was already there, nothing changed."""


def _file(path: Path) -> Opener:
    return lambda: path.open("rb")


def _member(path: Path, member: str) -> Opener:
    @contextmanager
    def opened() -> Iterator[IO[bytes]]:
        with zipfile.ZipFile(path) as archive, archive.open(member) as stream:
            yield stream
    return opened


def from_zip(path: Path, where: str | None = None) -> list[Source]:
    """Every XML member of a zip archive."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [i for i in archive.infolist()
                       if not i.is_dir() and i.filename.lower().endswith(".xml")]
    except zipfile.BadZipFile as exc:
        raise BadDictionary(f"{path}: повреждённый zip-архив ({exc})") from exc
    for info in members:
        if info.file_size > MAX_MEMBER:
            raise BadDictionary(f"{path}!{info.filename}: распакованный файл больше "
                                f"{MAX_MEMBER // 2**20} МБ — архив не принят")
    return [Source(f"{where or path}!{i.filename}", i.filename, _member(path, i.filename))
            for i in members]


def sources(paths: list[Path]) -> list[Source]:
    """The dictionary files in ``paths``: XML files, zips of them, folders of both."""
    found: list[Source] = []
    for path in paths:
        if path.is_dir():
            found += sources(sorted(p for p in path.iterdir()
                                    if p.suffix.lower() in (".xml", ".zip")))
        elif not path.exists():
            raise BadDictionary(f"{path}: файла нет")
        elif zipfile.is_zipfile(path):
            found += from_zip(path)
        else:
            found.append(Source(str(path), path.name, _file(path)))
    return found


class LoadedMeanwhile(BadDictionary):
    """Another process loaded the same version at the same moment (the unique constraint)."""


def load(conn: Connection, source: Source, *, by: str, at: datetime,
         code: str | None = None) -> Loaded:
    """Load one dictionary file as one version; nothing written when it is already there."""
    with source.open() as stream:
        reader = DictionaryFile(stream, source.name, code)
        rows = reader.rows()
        first = next(rows, None)
        header = reader.header
        if header is None:  # no row and no header: rows() has raised already
            raise BadDictionary(f"{source.where}: нет заголовка zglv")
        known = conn.execute(sa.select(nsi_versions.c.sha256, nsi_versions.c.rows)
                             .where(nsi_versions.c.code == header.code,
                                    nsi_versions.c.version == header.version)).first()
        if known is not None:
            for _ in rows:
                pass
            if known.sha256 != reader.sha256:
                raise BadDictionary(
                    f"{source.where}: версия {header.version} справочника {header.code} уже "
                    "загружена с другим содержимым — опубликованная версия не меняется, "
                    "файл не принят")
            return Loaded(header.code, header.version, int(known.rows), added=False)
        try:
            _dictionary(conn, header.code, header.short_name, header.key_column)
            version_id = conn.execute(nsi_versions.insert().values(
                code=header.code, version=header.version, issued=header.issued, sha256="",
                source=source.where[:512], rows=0, loaded_at=at, loaded_by=by[:128])
            ).inserted_primary_key[0]  # type: ignore[index]
        except sa.exc.IntegrityError as exc:
            raise LoadedMeanwhile(f"{source.where}: версию {header.version} справочника "
                                  f"{header.code} в это же время загрузил другой процесс; "
                                  "повторите — она будет пропущена") from exc
        count, batch = 0, []
        for row in itertools.chain([first] if first is not None else [], rows):
            batch.append({"version_id": version_id, "key": row.key[:128],
                          "datebeg": row.datebeg, "dateend": row.dateend, "data": row.data})
            if len(batch) >= BATCH:
                conn.execute(nsi_rows.insert(), batch)
                count, batch = count + len(batch), []
        if batch:
            conn.execute(nsi_rows.insert(), batch)
            count += len(batch)
        conn.execute(nsi_versions.update().where(nsi_versions.c.id == version_id)
                     .values(sha256=reader.sha256, rows=count))
        return Loaded(header.code, header.version, count, added=True)


def _dictionary(conn: Connection, code: str, short_name: str, key_column: str) -> None:
    exists = conn.execute(sa.select(nsi_dictionaries.c.code)
                          .where(nsi_dictionaries.c.code == code)).first()
    values = {"short_name": short_name[:64], "key_column": key_column[:64]}
    if exists is None:
        conn.execute(nsi_dictionaries.insert().values(code=code, **values))
    else:
        conn.execute(nsi_dictionaries.update().where(nsi_dictionaries.c.code == code)
                     .values(**values))
