"""Check that definitions.json declares exactly what the hub itself declares.

RabbitMQ refuses a redeclaration with different arguments (PRECONDITION_FAILED), so the
queues pre-declared by ``definitions.json`` must match ``hub/bus/topology.py`` argument for
argument. Run it with the project's interpreter after changing either side:

    .venv/bin/python deploy/rabbitmq/check_definitions.py

Exit status 0 when they match, 1 (with the differences printed) when they do not.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from hub.bus.base import QueueSpec
from hub.bus.topology import infrastructure, queue_arguments
from hub.outbox import ROUTER_QUEUE
from hub.router import PARKED_QUEUE
from hub.settings import Settings

VHOST = "omshub"
HERE = Path(__file__).resolve().parent


def expected() -> dict[str, Any]:
    """Queues, exchanges and bindings the hub declares, with the default settings."""
    limit = Settings().delivery_limit
    queues: dict[str, dict[str, Any]] = {}
    exchanges: dict[str, str] = {}
    bindings: set[tuple[str, str, str]] = set()
    for exchange, queue, args in infrastructure():
        queues[queue] = args
        exchanges[exchange] = "fanout"
        bindings.add((exchange, queue, ""))
    for name in (ROUTER_QUEUE, PARKED_QUEUE):
        queues[name] = queue_arguments(QueueSpec(name, delivery_limit=limit))
    return {"queues": queues, "exchanges": exchanges, "bindings": bindings}


def actual(path: Path) -> dict[str, Any]:
    """The same, read from a definitions file (objects of the ``omshub`` vhost only)."""
    defs = json.loads(path.read_text(encoding="utf-8"))
    problems = [f"queue {q['name']} is not durable or is auto-delete"
                for q in defs.get("queues", ())
                if q["vhost"] == VHOST and (not q["durable"] or q["auto_delete"])]
    problems += [f"exchange {e['name']} is not durable or is auto-delete/internal"
                 for e in defs.get("exchanges", ())
                 if e["vhost"] == VHOST and (not e["durable"] or e["auto_delete"]
                                             or e["internal"])]
    if {"name": VHOST} not in [{"name": v["name"]} for v in defs.get("vhosts", ())]:
        problems.append(f"vhost {VHOST} is not declared")
    if defs.get("users") or defs.get("permissions"):
        problems.append("users/permissions belong in rabbitmqctl, not in this file")
    return {
        "queues": {q["name"]: q["arguments"] for q in defs.get("queues", ())
                   if q["vhost"] == VHOST},
        "exchanges": {e["name"]: e["type"] for e in defs.get("exchanges", ())
                      if e["vhost"] == VHOST},
        "bindings": {(b["source"], b["destination"], b["routing_key"])
                     for b in defs.get("bindings", ()) if b["vhost"] == VHOST
                     and b["destination_type"] == "queue"},
        "problems": problems,
    }


def main(argv: list[str]) -> int:
    """Compare and report."""
    path = Path(argv[1]) if len(argv) > 1 else HERE / "definitions.json"
    want, have = expected(), actual(path)
    diffs: list[str] = list(have["problems"])
    for kind in ("queues", "exchanges"):
        for name in sorted(set(want[kind]) | set(have[kind])):
            w, h = want[kind].get(name), have[kind].get(name)
            if w != h:
                diffs.append(f"{kind[:-1]} {name}: code declares {w!r}, file has {h!r}")
    for b in sorted(want["bindings"] ^ have["bindings"]):
        side = "code only" if b in want["bindings"] else "file only"
        diffs.append(f"binding {b[0]} -> {b[1]} ({side})")
    for line in diffs:
        print(line)
    if not diffs:
        print(f"{path.name} matches the hub's topology: {len(want['queues'])} queues, "
              f"{len(want['exchanges'])} exchanges, {len(want['bindings'])} bindings")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
