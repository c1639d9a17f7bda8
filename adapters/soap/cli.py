"""``omshub soap add-org CODE --kind mo|smo --user U``: give an organisation access.

Generates a password and prints it once (it is not kept anywhere). The organisation, with
the password's scrypt hash, goes into the hub's database (``soap_organisations``, as the
console's page «Организации SOAP» writes it): the running services see it at the next call,
in every process, with nothing to restart (adapters/soap/organisations.py). When
``--config`` (or ``OMSHUB_CONFIG``) names a configuration file, the
``[[plugins.soap.organisations]]`` entry is appended to it too, after checking that the
file still reads and that the code and the username are not taken; a database not yet
migrated leaves only the file, and a restart of ``adapter.soap`` applies it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tomllib
from pathlib import Path
from typing import Any

from adapters.soap.settings import (
    PLUGIN,
    Organisation,
    SoapSettings,
    generate_password,
)
from hub.passwords import hash_password


def entry(org: Organisation) -> str:
    """The TOML of one organisation."""
    name = f'name = "{org.name}"\n' if org.name else ""
    return (f"\n[[plugins.{PLUGIN}.organisations]]\n"
            f'code = "{org.code}"\nkind = "{org.kind}"\nusername = "{org.username}"\n'
            f'password_hash = "{org.password_hash}"\n{name}')


def _check_config(path: Path, org: Organisation, text: str) -> str | None:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return f"{path} would not read as TOML any more: {exc}"
    settings = SoapSettings.model_validate(data.get("plugins", {}).get(PLUGIN, {}))
    if sum(1 for o in settings.organisations if o.code == org.code) > 1:
        return f"{path} already has an organisation {org.code}"
    return None


def cmd_add_org(args: argparse.Namespace) -> int:
    """Create credentials for an organisation; print the password once."""
    password = generate_password()
    try:
        org = Organisation(code=args.code, kind=args.kind, username=args.user or args.code,
                           password_hash=hash_password(password), name=args.name or "")
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    block = entry(org)
    config = args.config or os.environ.get("OMSHUB_CONFIG")
    stored, problem = _store(args, org)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    if config:
        path = Path(config)
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        try:
            problem = _check_config(path, org, old + block)
        except ValueError as exc:
            problem = f"{path}: {exc}"
        if problem:
            print(f"error: {problem}", file=sys.stderr)
            return 1
        with path.open("a", encoding="utf-8") as fh:
            fh.write(block)
        print(f"added to {path}" + ("" if stored else "; restart adapter.soap to apply"))
    elif not stored:
        print(f"add to the config file:{block}")
    if stored:
        print(f"added to the database ({stored}): the services accept it from the next call")
    print(f"password for {org.username} (shown once, give it to the organisation): {password}")
    return 0


def _store(args: argparse.Namespace, org: Organisation) -> tuple[str, str | None]:
    """Write ``org`` into the hub's database: (where, None), or ("", why not) when it is
    taken; ("", None) when the database is not migrated yet (the file alone then)."""
    from adapters.soap.organisations import Organisations, OrganisationTaken
    from hub.cli import settings_from
    from storage.db import Database
    from storage.migrate import unmigrated

    settings = settings_from(args)
    db = Database(settings.resolved_database_url())
    try:
        if unmigrated(db):
            return "", None
        soap = SoapSettings.model_validate(settings.plugins.get(PLUGIN, {}))
        try:
            Organisations(db, soap).store(org, by="omshub soap add-org")
        except OrganisationTaken as exc:
            return "", str(exc)
        return db.engine.url.render_as_string(), None
    finally:
        db.engine.dispose()


def register(subparsers: Any) -> None:
    """Add ``soap`` and its subcommands to the ``omshub`` parser."""
    soap = subparsers.add_parser("soap", help="SOAP services for МО and СМО (EXT-1)")
    sub = soap.add_subparsers(dest="soap_command", required=True)
    add = sub.add_parser("add-org", help="give a clinic or an insurer access")
    add.add_argument("code", help="реестровый код МО or СМО")
    add.add_argument("--kind", choices=["mo", "smo"], required=True)
    add.add_argument("--user", help="username (default: the code)")
    add.add_argument("--name", help="the organisation's name, for people")
    add.add_argument("--config", help="config file to append to (default: OMSHUB_CONFIG)")
    add.set_defaults(func=cmd_add_org)
