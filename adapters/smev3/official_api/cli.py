"""``omshub smev3 api-system …``: the internal systems allowed to call the interface.

``add CODE`` registers a system by its itSystem code and prints a generated password once
(only its scrypt hash is kept); ``--no-password`` registers one identified by itSystem
alone, as the official adapter identifies its clients (closed networks only). ``password``
gives a new password, ``disable``/``enable`` stop and restore its access, ``list`` shows
them. Every change is written to the audit log; the running interface sees it at the next
call.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from adapters.smev3.official_api.credentials import Systems, generate_password
from hub.handoff import NotMigrated, open_database
from hub.operations import audit_row
from hub.settings import load_settings


def cmd_api_system(args: argparse.Namespace) -> int:
    """Manage one system, or list them."""
    try:
        db = open_database(load_settings())
    except NotMigrated as exc:
        print(f"omshub smev3: {exc}", file=sys.stderr)
        return 2
    try:
        registry = Systems(db)
        if args.action == "list":
            for s in registry.listed():
                access = ("по itSystem, без пароля" if s.password_hash is None else
                          "пароль (HTTP Basic)")
                state = "включена" if s.enabled else "отключена"
                print(f"{s.code}\t{s.name}\t{access}\t{state}")
            return 0
        if not args.code:
            print("omshub smev3: name the system's itSystem code", file=sys.stderr)
            return 2
        existing = registry.get(args.code)
        if args.action == "add" and existing is not None:
            print(f"omshub smev3: system {args.code} exists (use password, enable, disable)",
                  file=sys.stderr)
            return 1
        if args.action != "add" and existing is None:
            print(f"omshub smev3: no system {args.code}", file=sys.stderr)
            return 1
        password = None
        if args.action == "add" and not args.no_password or args.action == "password":
            password = generate_password()
        registry.save(args.code, name=args.name if args.action == "add" else None,
                      password=password, no_password=args.action == "add" and args.no_password,
                      enabled={"add": True, "enable": True, "disable": False}.get(args.action),
                      by=args.user)
        with db.transaction() as conn:
            audit_row(conn, args.user, f"smev3-api-system-{args.action}", args.code,
                      args.reason, {"password": password is not None}, "")
        if password is not None:
            print(f"password for {args.code} (shown once, give it to the system's "
                  f"administrator): {password}")
        else:
            print(f"{args.code}: {args.action} done")
        return 0
    finally:
        db.dispose()


def add_api_system_command(sub: Any) -> None:
    """Add ``api-system`` to the ``omshub smev3`` subcommands."""
    cmd = sub.add_parser("api-system", help="internal systems allowed to call the official "
                                            "adapter's interface (Send, Get, Find)")
    cmd.add_argument("action", choices=["add", "password", "disable", "enable", "list"])
    cmd.add_argument("code", nargs="?", help="the system's itSystem code")
    cmd.add_argument("--name", default="", help="what the system is (shown in lists)")
    cmd.add_argument("--no-password", action="store_true",
                     help="identify it by itSystem alone, as the official adapter does")
    cmd.add_argument("--reason", default="", help="why (kept in the audit log)")
    cmd.add_argument("--user", default=getpass.getuser(), help="who (default: you)")
    cmd.set_defaults(func=cmd_api_system)
