"""The console's command line and first start, plugged into ``omshub`` like any plug-in's.

``omshub user add NAME`` (entry point ``omshub.cli: user``) creates a console user from the
server's shell; :func:`first_administrator` (entry point ``omshub.first_start: admin``)
creates the administrator of a new installation when ``omshub up`` first starts it.
"""

from __future__ import annotations

import argparse
import getpass
import secrets
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hub.settings import Settings
    from storage.db import Database


def cmd_user_add(args: argparse.Namespace) -> int:
    """Create a console user (password asked for, or read from stdin with --password-stdin)."""
    from admin.users import add_user
    from hub.cli import settings_from
    from hub.operations import record_audit
    from storage.db import Database
    from storage.migrate import upgrade

    settings = settings_from(args)
    if not settings.database_url:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.resolved_database_url())
    upgrade(db)
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("password: ")
        if password != getpass.getpass("again: "):
            print("passwords differ", file=sys.stderr)
            return 2
    # The shell of the hub's server is trusted with everything (it can read the database):
    # no second administrator is asked, but the grant is audited like the console's.
    try:
        add_user(db, args.username, password, args.role, personal_data=args.personal_data)
        record_audit(db, f"cli:{getpass.getuser()}", "user-add", target=args.username,
                     details={"role": args.role, "personal_data": args.personal_data,
                              "via": "cli"})
    finally:
        db.dispose()
    print(f"user {args.username} ({args.role}) created")
    return 0


def register(subparsers: Any) -> None:
    """Add ``user`` and its subcommands to the ``omshub`` parser."""
    user = subparsers.add_parser("user", help="console users")
    sub = user.add_subparsers(dest="user_cmd", required=True)
    add = sub.add_parser("add", help="create a console user")
    add.add_argument("username")
    add.add_argument("--role", choices=("viewer", "operator", "administrator"), default="viewer")
    add.add_argument("--personal-data", action="store_true", help="may see personal data")
    add.add_argument("--password-stdin", action="store_true")
    add.set_defaults(func=cmd_user_add)


def first_administrator(db: Database, settings: Settings) -> str:
    """A newcomer's first login: an administrator with a one-time password, printed once."""
    from admin.users import add_user

    password = secrets.token_urlsafe(12)
    add_user(db, "admin", password, "administrator")
    print(f"\n  First start: console user 'admin' created with password {password}\n"
          "  (shown only now; change it under Users, or add your own with "
          "`omshub user add`)\n", flush=True)
    return "console user 'admin' created"
