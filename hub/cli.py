"""The ``omshub`` command line."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from datetime import date
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

from hub import logs, migrate
from hub.settings import Settings, load_settings

if TYPE_CHECKING:
    from storage.db import Database

log = logging.getLogger("omshub")


def settings_from(args: argparse.Namespace) -> Settings:
    """The settings a command runs with: the configuration, then the global options
    (``--broker-url``, ``--database-url``) and a command's ``--host``/``--port``.

    Plug-ins' commands (``omshub.cli``) call it too.
    """
    overrides = {k: getattr(args, k, None) for k in ("broker_url", "database_url")}
    if getattr(args, "port", None):
        overrides["admin_port"] = args.port
    if getattr(args, "host", None):
        overrides["admin_host"] = args.host
    return load_settings(**overrides)


def cmd_up(args: argparse.Namespace) -> int:
    """Every installed component and the console in this one process."""
    from hub.runtime import HubProcess

    settings = settings_from(args)
    logs.configure(settings.log_level, args.log_format or "text", "hub")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    process = HubProcess(settings, migrate=True)
    process.start()
    url = f"http://{settings.admin_host}:{settings.admin_port}"
    log.info("OMS Hub is up: %s (broker %s, database %s)", url, settings.broker_url,
             process.db.engine.url.render_as_string())
    if _first_start(process.db):
        if _embedded(settings, process.db):
            _demo_data(process.db, settings)
        _first_start_hooks(process.db, settings)
    process.wait()
    return 0


DEMO_GROUP = "omshub.demo"
"""Plug-ins' ``(db, settings) -> str`` called on the first start of the embedded hub."""
FIRST_START_GROUP = "omshub.first_start"
"""Plug-ins' ``(db, settings) -> str`` called on the first start of any hub, after the demo
data: the console's creates the first administrator (``admin.cli:first_administrator``)."""


def _embedded(settings: Settings, db: Database) -> bool:
    """The embedded default: the in-process broker and SQLite."""
    return settings.broker_url.startswith("memory") and db.engine.dialect.name == "sqlite"


def _demo_data(db: Database, settings: Settings) -> None:
    """Each ``omshub.demo`` plug-in loads its demo data; one that fails is logged, skipped."""
    for ep in sorted(entry_points(group=DEMO_GROUP), key=lambda e: e.name):
        try:
            done = ep.load()(db, settings)
        except Exception:  # noqa: BLE001 - demo data must not keep the hub from starting
            log.exception("demo data of %s failed; the hub starts without it", ep.name)
        else:
            log.info("demo data (%s): %s", ep.name, done)


def _first_start_hooks(db: Database, settings: Settings) -> None:
    """Each ``omshub.first_start`` plug-in in turn; one that fails is logged, skipped."""
    for ep in sorted(entry_points(group=FIRST_START_GROUP), key=lambda e: e.name):
        try:
            done = ep.load()(db, settings)
        except Exception:  # noqa: BLE001 - a first-start step must not keep the hub down
            log.exception("first-start step %s failed; the hub starts without it", ep.name)
        else:
            log.info("first start (%s): %s", ep.name, done)


def _first_start(db: Database) -> bool:
    """A new installation: nobody can log in to the console yet."""
    import sqlalchemy as sa

    from storage.models import users

    with db.read() as conn:
        return not conn.execute(sa.select(sa.func.count()).select_from(users)).scalar()


def cmd_run(args: argparse.Namespace) -> int:
    """One component in this process (production: one process per component)."""
    from hub.runtime import HubProcess

    settings = settings_from(args)
    logs.configure(settings.log_level, args.log_format or settings.log_format, args.component)
    process = HubProcess(settings, [args.component], migrate=False)
    process.start()
    if args.metrics_port:
        from hub.metrics import serve

        serve(args.metrics_port, process.health)  # /metrics and this process's /healthz
    process.wait()
    return 0


def cmd_plugins(args: argparse.Namespace) -> int:
    """What the installed packages provide."""
    from hub.plugins import discover

    plugins = discover()
    if args.json:
        print(json.dumps([vars(p) for p in plugins.found], ensure_ascii=False, indent=2))
        return 0
    for p in plugins.found:
        state = f"ERROR {p.error}" if p.error else ", ".join(p.provides)
        print(f"{p.group:22} {p.name:20} {p.distribution:20} {state}")
    return 1 if any(p.error for p in plugins.found) else 0


def cmd_catalogue(args: argparse.Namespace) -> int:
    """The catalogue of every installed message type with its JSON schema."""
    from contracts.catalogue import as_json, as_markdown
    from hub.plugins import discover

    types = list(discover().types)
    text = as_markdown(types) if args.markdown else json.dumps(
        as_json(types), ensure_ascii=False, indent=2) + "\n"
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text)
        print(f"wrote {len(types)} types to {args.output}")
    else:
        sys.stdout.write(text)
    return 0


def cmd_partitions(args: argparse.Namespace) -> int:
    """Create monthly partitions of the journal ahead of time (PostgreSQL)."""
    from storage.db import Database
    from storage.partitions import ensure_monthly_partitions

    settings = settings_from(args)
    db = Database(settings.resolved_database_url())
    made = ensure_monthly_partitions(db, date.today(), months_ahead=args.months)
    print("\n".join(made) if made else "partitions already exist")
    return 0


def cmd_sim(args: argparse.Namespace) -> int:
    """A counterpart's simulator alone, e.g. `omshub sim smev3` (an adapter's plug-in)."""
    from hub.runtime import HubProcess

    settings = settings_from(args)
    if args.port:
        name = f"{args.name}-simulator"
        conf = dict(settings.plugins.get(name, {}), port=args.port)
        settings = settings.model_copy(update={"plugins": {**settings.plugins, name: conf}})
    logs.configure(settings.log_level, args.log_format or "text", f"{args.name}-simulator")
    process = HubProcess(settings, [f"adapter.{args.name}-simulator"], migrate=True)
    process.start()
    process.wait()
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser of ``omshub``."""
    p = argparse.ArgumentParser(prog="omshub", description="OMS Hub: integration hub of a ТФОМС")
    p.add_argument("--broker-url", help="overrides OMSHUB_BROKER_URL")
    p.add_argument("--database-url", help="overrides OMSHUB_DATABASE_URL")
    sub = p.add_subparsers(dest="command", required=True)

    up = sub.add_parser("up", help="run everything in one process (embedded default)")
    up.add_argument("--port", type=int, help="console port (default 8080)")
    up.add_argument("--host", help="console address (default 127.0.0.1)")
    up.add_argument("--log-format", choices=("json", "text"))
    up.set_defaults(func=cmd_up)

    run = sub.add_parser("run", help="run one component (production)")
    run.add_argument("component", help="e.g. hub.router, hub.scheduler, console, handler.probe")
    run.add_argument("--port", type=int, help="console port, for `run console`")
    run.add_argument("--host", help="console address, for `run console`")
    run.add_argument("--metrics-port", type=int,
                     help="serve Prometheus metrics and /healthz on this port")
    run.add_argument("--log-format", choices=("json", "text"))
    run.set_defaults(func=cmd_run)

    migrate.register(sub)

    plugins = sub.add_parser("plugins", help="list installed plug-ins")
    plugins.add_argument("--json", action="store_true")
    plugins.set_defaults(func=cmd_plugins)

    cat = sub.add_parser("catalogue", help="print the catalogue of message types")
    cat.add_argument("--markdown", action="store_true", help="as a Markdown document")
    cat.add_argument("-o", "--output", help="write to this file")
    cat.set_defaults(func=cmd_catalogue)

    sim = sub.add_parser("sim", help="run an adapter's simulator of its counterpart alone")
    sim.add_argument("name", help="e.g. smev3 (runs component adapter.smev3-simulator)")
    sim.add_argument("--port", type=int, help="where it listens")
    sim.add_argument("--log-format", choices=("json", "text"))
    sim.set_defaults(func=cmd_sim)

    parts = sub.add_parser("journal-partitions", help="create monthly journal partitions")
    parts.add_argument("--months", type=int, default=3, help="months ahead (default 3)")
    parts.set_defaults(func=cmd_partitions)

    # Plug-ins add subcommands: entry point group omshub.cli, each a callable register(sub).
    for ep in sorted(entry_points(group="omshub.cli"), key=lambda e: e.name):
        try:
            ep.load()(sub)
        except Exception as exc:  # a broken plug-in must not take the whole CLI down
            print(f"omshub: plug-in commands {ep.name!r} not loaded: {exc}", file=sys.stderr)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``omshub`` script."""
    args = parser().parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
