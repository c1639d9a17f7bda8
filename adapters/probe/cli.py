"""``omshub probe``: hand canary messages to the running hub (registered through ``omshub.cli``).

The probes are staged in the hub's journal and outbox and published by the running hub's
relays: this command starts no broker and no relay of its own (:mod:`hub.handoff`).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def cmd_probe(args: argparse.Namespace) -> int:
    """Hand ``--count`` probe messages to the running hub."""
    from adapters.probe.service import ProbeAdapter
    from hub.cli import settings_from
    from hub.handoff import NotMigrated, handoff

    settings = settings_from(args)
    try:
        with handoff(settings, ProbeAdapter.component_name()) as ctx:
            adapter = ProbeAdapter()
            adapter.setup(ctx)
            sent = adapter.send(args.count, note=args.note)
    except NotMigrated as exc:
        print(f"omshub probe: {exc}", file=sys.stderr)
        return 2
    print(f"передано проб: {len(sent)}; первая {sent[0].id if sent else '-'} "
          "(их опубликует запущенный хаб)")
    return 0


def register(subparsers: Any) -> None:
    """Add ``probe`` to the ``omshub`` parser."""
    probe = subparsers.add_parser("probe", help="send probe messages through the hub")
    probe.add_argument("--count", type=int, default=1)
    probe.add_argument("--note", default="")
    probe.set_defaults(func=cmd_probe)
