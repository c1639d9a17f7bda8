"""``omshub nsi …``: dictionaries against the configured database, without a running hub.

``load PATH…`` (XML files, zips of them, folders) adds each version not loaded yet;
``list`` shows the dictionaries and their versions; ``check CODE KEY --on ДД.ММ.ГГГГ``
says whether the code is valid on that date (exit 0 valid, 1 not, 2 when the dictionary is
not loaded or the input is wrong).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from contracts.nsi import DictionaryNotLoaded
from contracts.nsi_reader import BadDictionary
from contracts.xmlsafe import UnsafeXml
from handlers.nsi.check import Checker
from handlers.nsi.models import nsi_versions
from handlers.nsi.store import load, sources
from storage.db import Database


def _database(args: argparse.Namespace) -> Database:
    from hub.settings import load_settings
    from storage.migrate import upgrade

    overrides = {"database_url": args.database_url} if args.database_url else {}
    settings = load_settings(**overrides)
    if not settings.database_url:  # the embedded default: SQLite under the data directory
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.resolved_database_url())
    upgrade(db)  # the hub's tables and every plug-in's, the dictionaries' among them
    return db


def cmd_load(args: argparse.Namespace) -> int:
    """Load every dictionary file under the paths given."""
    from contracts.envelope import utcnow

    try:
        found = sources([Path(p) for p in args.paths])
    except BadDictionary as exc:
        print(f"ошибка: {exc}", file=sys.stderr)
        return 2
    db, failed = _database(args), 0
    by = f"omshub nsi load ({getpass.getuser()})"
    for source in found:
        try:
            with db.transaction() as conn:
                done = load(conn, source, by=by, at=utcnow(), code=args.code)
        except (BadDictionary, UnsafeXml) as exc:
            print(f"не загружен: {exc}", file=sys.stderr)
            failed += 1
            continue
        state = "загружена" if done.added else "уже была загружена, ничего не изменено"
        print(f"{done.code} версия {done.version}: {done.rows} строк — {state} ({source.where})")
    db.dispose()
    return 1 if failed else 0


def cmd_list(args: argparse.Namespace) -> int:
    """Each dictionary with its versions."""
    db = _database(args)
    with db.read() as conn:
        versions = conn.execute(sa.select(nsi_versions).order_by(
            nsi_versions.c.code, nsi_versions.c.issued, nsi_versions.c.id)).all()
    db.dispose()
    if not versions:
        print("справочники не загружены")
    for v in versions:
        print(f"{v.code}\t{v.version}\tот {v.issued:%d.%m.%Y}\t{v.rows} строк\t"
              f"загружена {v.loaded_at:%d.%m.%Y %H:%M} ({v.loaded_by})\t{v.source}")
    return 0


def _day(text: str) -> date:
    try:
        return datetime.strptime(text, "%d.%m.%Y").date()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"«{text}» — не дата ДД.ММ.ГГГГ") from exc


def cmd_check(args: argparse.Namespace) -> int:
    """Whether a code is valid on a date: exit 0 valid, 1 not, 2 not loaded."""
    db = _database(args)
    try:
        verdict = Checker(db).check(args.code, args.key, args.on)
    except DictionaryNotLoaded as exc:
        print(f"{exc}", file=sys.stderr)
        return 2
    finally:
        db.dispose()
    on = f"{args.on:%d.%m.%Y}"
    where = f"{args.code} версии {verdict.version}"
    if verdict.valid:
        print(f"{args.key} действует на {on} ({where}): {verdict.row}")
        return 0
    if verdict.row is None:
        print(f"{args.key} нет в справочнике {where}")
    else:
        row = verdict.row
        print(f"{args.key} не действует на {on} ({where}): действует с "
              f"{row.get('DATEBEG') or '—'} по {row.get('DATEEND') or '—'}")
    return 1


def register(subparsers: Any) -> None:
    """Add ``nsi`` and its subcommands to the ``omshub`` parser."""
    nsi = subparsers.add_parser("nsi", help="ФФОМС reference dictionaries (НСИ)")
    sub = nsi.add_subparsers(dest="nsi_command", required=True)
    ld = sub.add_parser("load", help="load dictionary XML files, zips of them, folders")
    ld.add_argument("paths", nargs="+", help="files, zips, folders")
    ld.add_argument("--code", help="the dictionary's code when the file names do not say it")
    ls = sub.add_parser("list", help="dictionaries and their versions")
    ck = sub.add_parser("check", help="is a code valid on a date (exit 0 yes, 1 no)")
    ck.add_argument("code", help="the dictionary: V002, F006…")
    ck.add_argument("key", help="the code to check")
    ck.add_argument("--on", type=_day, required=True, help="the date, ДД.ММ.ГГГГ")
    for parser, func in ((ld, cmd_load), (ls, cmd_list), (ck, cmd_check)):
        parser.add_argument("--database-url", help="instead of the configured database")
        parser.set_defaults(func=func)
