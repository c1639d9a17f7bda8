"""`omshub smev3 send`: one request, checked to its XSD, handed to the hub from the shell.

The request is committed to the hub's journal and outbox with an audit row, exactly as
the console's compose screen does; the relay of any running hub process publishes it (the
outbox is shared through the database), so the command needs no broker of its own — and is
right on the embedded default too, whose broker lives inside the running hub
(:mod:`hub.handoff`: the rule for every command that hands messages to the hub).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from adapters.smev3.compose import Refused, check, parse_payload
from adapters.smev3.service import catalogue
from contracts.registry import type_of
from contracts.schemas import SchemaStore
from hub.handoff import NotMigrated, open_database
from hub.operations import Operations
from hub.outbox import envelope_for, stage
from hub.settings import load_settings
from storage.journal import JournalBatch

SOURCE = "cli"


def cmd_send(args: argparse.Namespace) -> int:
    """Check a request of a consumer type and hand it to the hub; prints its message id."""
    settings = load_settings()
    info = catalogue().get(args.type)
    if info.role != "consumer":
        print(f"omshub smev3: {info.key} is a type the fund answers, not one it asks",
              file=sys.stderr)
        return 2
    text = sys.stdin.read() if args.payload == "-" else Path(args.payload).read_text("utf-8")
    schemas = SchemaStore(settings.schemas_dir) if settings.schemas_dir else None
    try:
        checked = check(info, parse_payload(text), schemas)
    except Refused as refused:
        for problem in refused.problems:
            print(f"refused: {problem}", file=sys.stderr)
        return 1
    try:
        db = open_database(settings)
    except NotMigrated as exc:
        print(f"omshub smev3: {exc}", file=sys.stderr)
        return 2
    env = envelope_for(checked.model, source=SOURCE)
    person = type_of(type(checked.model)).person_of(env.payload)
    journal = JournalBatch(SOURCE)
    with db.transaction() as conn:
        stage(conn, journal, [(env, person, None)])
        journal.write(conn)
        Operations._audit(conn, args.user, "smev3-request", env.id, args.reason,
                          {"type": info.key, "via": "omshub smev3 send"}, "")
    db.dispose()
    print(env.id)
    return 0


def add_send_command(sub: Any) -> None:
    """Add ``send`` to the ``omshub smev3`` subcommands."""
    send = sub.add_parser("send", help="check a request to its XSD and hand it to the hub")
    send.add_argument("type", help="information type, e.g. fns.egrul")
    send.add_argument("--payload", required=True,
                      help="the canonical request as JSON: a file, or - for stdin")
    send.add_argument("--reason", required=True, help="why (kept in the audit log)")
    send.add_argument("--user", default=getpass.getuser(), help="who (default: you)")
    send.set_defaults(func=cmd_send)
