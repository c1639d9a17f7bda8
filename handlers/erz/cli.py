"""``omshub erz …``: the register's command line (registered through ``omshub.cli``).

``generate --persons N [--seed S]`` loads a synthetic population into the configured
database (creating the register's tables when missing), in batches, and prints the rate.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import sqlalchemy as sa

from contracts.erz.register import Source
from handlers.erz import models
from handlers.erz.register.bulk import load_persons
from handlers.erz.synth import population as synth


def cmd_generate(args: argparse.Namespace) -> int:
    """Generate and load ``--persons`` persons."""
    from contracts.envelope import utcnow
    from hub.settings import load_settings
    from storage.db import Database
    from storage.migrate import upgrade

    overrides = {"database_url": args.database_url} if args.database_url else {}
    settings = load_settings(**overrides)
    db = Database(settings.database_url)
    upgrade(db)  # the hub's tables and every plug-in's, the register's among them
    source = Source("handler.erz", user="omshub erz generate")
    started, done = time.monotonic(), 0
    with db.read() as conn:
        already = int(conn.execute(sa.select(sa.func.count()).select_from(models.persons))
                      .scalar() or 0)
    while done < args.persons:
        size = min(args.batch, args.persons - done)
        people = synth.population(size, args.seed, start=already + done)
        with db.transaction() as conn:
            done += load_persons(conn, people, source=source, at=utcnow())
        rate = done / max(time.monotonic() - started, 1e-6)
        print(f"\r{done}/{args.persons} persons, {rate:.0f}/s", end="", flush=True)
    print()
    db.dispose()
    return 0


def register(subparsers: Any) -> None:
    """Add ``erz`` and its subcommands to the ``omshub`` parser."""
    erz = subparsers.add_parser("erz", help="register of insured persons (РС ЕРЗ)")
    sub = erz.add_subparsers(dest="erz_command", required=True)
    gen = sub.add_parser("generate", help="load a synthetic population")
    gen.add_argument("--persons", type=int, required=True, help="how many persons")
    gen.add_argument("--seed", type=int, default=0, help="the same seed, the same people")
    gen.add_argument("--batch", type=int, default=10000, help="persons per transaction")
    gen.add_argument("--database-url", help="instead of the configured database")
    gen.set_defaults(func=cmd_generate)
