"""Check, or regenerate, definitions.json from what the hub itself declares.

RabbitMQ refuses a redeclaration with different arguments (PRECONDITION_FAILED), so the
objects pre-declared by ``definitions.json`` must match ``hub/bus/topology.py`` argument for
argument. The file is derived from the code: the infrastructure of ``topology.py`` (the
dead-letter exchange and queue, the return exchange, the delay tiers) plus the queues the
router declares whatever is installed (``omshub.router``) and their bindings to
``omshub.return``. Component queues are left to the processes: they depend on the plug-ins
installed. Run it with the project's interpreter:

    .venv/bin/python deploy/rabbitmq/check_definitions.py            # check
    .venv/bin/python deploy/rabbitmq/check_definitions.py --write    # regenerate

``--delivery-limit N`` for an installation that sets ``OMSHUB_DELIVERY_LIMIT`` to N (the
default is the hub's default). Check: exit status 0 when file and code agree, 1 (with the
differences printed) when they do not.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

from hub.bus import QueueSpec, topology
from hub.context import Context
from hub.router import Router
from hub.routing import RoutingTable
from hub.settings import Settings

VHOST = "omshub"
HERE = Path(__file__).resolve().parent
DEFAULT_PATH = HERE / "definitions.json"


def router_queues(delivery_limit: int) -> list[QueueSpec]:
    """The queues the router declares when no plug-in is installed (its own)."""
    router = Router(RoutingTable())
    # queue_specs() reads only the settings of the router's context.
    router.ctx = cast(Context, SimpleNamespace(settings=Settings(delivery_limit=delivery_limit)))
    return router.queue_specs()


def declarations(delivery_limit: int) -> list[topology.Declaration]:
    """Everything the file pre-declares, in the order the hub declares it."""
    return topology.declarations(router_queues(delivery_limit), infra=True)


def render(decls: Sequence[topology.Declaration]) -> dict[str, Any]:
    """A RabbitMQ definitions document (vhost ``omshub``, no users) declaring ``decls``."""
    queues: list[dict[str, Any]] = []
    exchanges: list[dict[str, Any]] = []
    bindings: list[dict[str, Any]] = []
    for d in decls:
        if isinstance(d, topology.Exchange):
            exchanges.append({"name": d.name, "vhost": VHOST, "type": d.type, "durable": True,
                              "auto_delete": False, "internal": False,
                              "arguments": dict(d.arguments)})
        elif isinstance(d, topology.Queue):
            queues.append({"name": d.name, "vhost": VHOST, "durable": True,
                           "auto_delete": False, "arguments": dict(d.arguments)})
        else:
            bindings.append({"source": d.exchange, "vhost": VHOST, "destination": d.queue,
                             "destination_type": "queue", "routing_key": d.routing_key,
                             "arguments": {}})
    return {"vhosts": [{"name": VHOST}], "users": [], "permissions": [],
            "topic_permissions": [], "parameters": [], "global_parameters": [],
            "policies": [], "queues": queues, "exchanges": exchanges, "bindings": bindings}


def text(decls: Sequence[topology.Declaration]) -> str:
    """The file's text, as ``--write`` writes it."""
    return json.dumps(render(decls), indent=2, ensure_ascii=False) + "\n"


def summary(defs: dict[str, Any]) -> dict[str, Any]:
    """Queues, exchanges and bindings of vhost ``omshub`` in a definitions document, with
    the problems found in it (objects that are not durable, users in the file...)."""
    ours = {kind: [o for o in defs.get(kind, ()) if o.get("vhost") == VHOST]
            for kind in ("queues", "exchanges", "bindings")}
    problems = [f"queue {q['name']} is not durable or is auto-delete"
                for q in ours["queues"] if not q.get("durable") or q.get("auto_delete")]
    problems += [f"exchange {e['name']} is not durable or is auto-delete/internal"
                 for e in ours["exchanges"]
                 if not e.get("durable") or e.get("auto_delete") or e.get("internal")]
    problems += [f"binding {b['source']} -> {b['destination']} is not to a queue"
                 for b in ours["bindings"] if b.get("destination_type") != "queue"]
    if VHOST not in [v.get("name") for v in defs.get("vhosts", ())]:
        problems.append(f"vhost {VHOST} is not declared")
    if defs.get("users") or defs.get("permissions"):
        problems.append("users/permissions belong in rabbitmqctl, not in this file")
    return {
        "queues": {q["name"]: q.get("arguments", {}) for q in ours["queues"]},
        "exchanges": {e["name"]: {"type": e.get("type"), "arguments": e.get("arguments", {})}
                      for e in ours["exchanges"]},
        "bindings": {(b["source"], b["destination"], b.get("routing_key", ""))
                     for b in ours["bindings"]},
        "problems": problems,
    }


def differences(want: dict[str, Any], have: dict[str, Any]) -> list[str]:
    """What the file (``have``) gets wrong compared with the code (``want``)."""
    diffs: list[str] = list(have["problems"])
    for kind in ("queues", "exchanges"):
        for name in sorted(set(want[kind]) | set(have[kind])):
            w, h = want[kind].get(name), have[kind].get(name)
            if w != h:
                diffs.append(f"{kind[:-1]} {name}: code declares {w!r}, file has {h!r}")
    for b in sorted(want["bindings"] ^ have["bindings"]):
        side = "code only" if b in want["bindings"] else "file only"
        diffs.append(f"binding {b[0]} -> {b[1]} (routing key {b[2]!r}): {side}")
    return diffs


def check(path: Path, delivery_limit: int) -> list[str]:
    """Differences between the definitions file at ``path`` and the code ([] if none)."""
    if not path.exists():
        return [f"{path} does not exist (run with --write)"]
    try:
        defs = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        return [f"{path} is not JSON: {exc}"]
    return differences(summary(render(declarations(delivery_limit))), summary(defs))


def main(argv: Sequence[str] | None = None) -> int:
    """Check (default) or write the definitions file."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH,
                   help="definitions file (default: definitions.json next to this script)")
    p.add_argument("--write", action="store_true", help="regenerate the file from the code")
    p.add_argument("--delivery-limit", type=int, default=Settings().delivery_limit,
                   help="x-delivery-limit of the work queues (default: the hub's default)")
    args = p.parse_args(argv)
    decls = declarations(args.delivery_limit)
    if args.write:
        args.path.write_text(text(decls), encoding="utf-8")
        print(f"wrote {args.path}")
    diffs = check(args.path, args.delivery_limit)
    for line in diffs:
        print(line)
    if not diffs:
        s = summary(render(decls))
        print(f"{args.path.name} matches the hub's topology: {len(s['queues'])} queues, "
              f"{len(s['exchanges'])} exchanges, {len(s['bindings'])} bindings")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
