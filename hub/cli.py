"""The ``omshub`` command line."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from datetime import date
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

from hub import logs, migrate, official
from hub.settings import Settings, load_settings

if TYPE_CHECKING:
    from hub.plugins import Plugins
    from hub.runtime import HubProcess
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
    from hub.runtime import stop_signals

    settings = settings_from(args)
    logs.configure(settings.log_level, args.log_format or "text", "hub")
    with stop_signals() as stop:
        process = start_up(settings)
        process.wait(stop)
    return 0


def start_up(settings: Settings) -> HubProcess:
    """What ``omshub up`` starts (tests of the assembled demo call it too): migrate, on the
    first start the demo data and the first-start steps, every component running."""
    from hub.runtime import HubProcess

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    process = HubProcess(settings, migrate=True)
    first = _first_start(process.db)
    if first and _embedded(settings, process.db):
        # Before the components start: a simulator reads what the demo leaves (the persons
        # its agency names, contracts/demo.py), and a handler starts on a loaded register.
        _demo_data(process.db, settings)
    process.start()
    url = f"http://{settings.admin_host}:{settings.admin_port}"
    log.info("OMS Hub is up: %s (broker %s, database %s)", url, settings.broker_url,
             process.db.engine.url.render_as_string())
    if first:
        _first_start_hooks(process.db, settings)
    return process


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
    """One component in this process (production: one process per component).

    Only that component's plug-in is imported (with the hub), not every installed one.
    """
    from hub.runtime import HubProcess, stop_signals

    settings = settings_from(args)
    plugins = _plugins_with("run", args.component)
    if plugins is None:
        return 2
    logs.configure(settings.log_level, args.log_format or settings.log_format, args.component)
    with stop_signals() as stop:
        process = HubProcess(settings, [args.component], plugins=plugins, migrate=False)
        process.start()
        if args.metrics_port:
            from hub.metrics import serve

            serve(args.metrics_port, process.health)  # /metrics and this process's /healthz
        process.wait(stop)
    return 0


def _plugins_with(command: str, component: str) -> Plugins | None:
    """The installed plug-ins with ``component`` loaded, or None when it is not installed
    (or fails to load): the user is told why, in Russian, with what is close."""
    from hub.plugins import BrokenPlugin, UnknownComponent, discover
    from hub.runtime import check_names

    plugins = discover()
    try:
        check_names(plugins, [component])
    except (UnknownComponent, BrokenPlugin) as exc:
        print(f"omshub {command}: {exc}", file=sys.stderr)
        return None
    return plugins


def cmd_plugins(args: argparse.Namespace) -> int:
    """The installed plug-ins by entry point, imported by none; ``--check`` loads each (of
    the message-type and component groups) and shows what it provides or why it fails."""
    from hub.plugins import discover

    plugins = discover()
    found = plugins.check() if args.check else plugins.found
    if args.json:
        print(json.dumps([vars(p) for p in found], ensure_ascii=False, indent=2))
    else:
        for p in found:
            state = f"ERROR {p.error}" if p.error else ", ".join(p.provides) or p.value
            print(f"{p.group:22} {p.name:20} {p.distribution:20} {state}")
    return 1 if any(p.error for p in found) else 0


def cmd_catalogue(args: argparse.Namespace) -> int:
    """The catalogue of every installed message type with its JSON schema; with
    ``--asyncapi``, the AsyncAPI 3.0 document of the bus's channels and message types."""
    from contracts.catalogue import as_json, as_markdown
    from hub.plugins import discover

    plugins = discover()
    types = list(plugins.types)
    if args.asyncapi:
        from hub.asyncapi import catalogue

        text = json.dumps(catalogue(plugins, settings_from(args)), ensure_ascii=False,
                          indent=2) + "\n"
    else:
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
    """A counterpart's simulator alone: `omshub sim NAME` runs the adapter's plug-in
    component ``adapter.NAME-simulator``."""
    from hub.runtime import HubProcess, stop_signals

    settings = settings_from(args)
    plugins = _plugins_with("sim", f"adapter.{args.name}-simulator")
    if plugins is None:
        return 2
    if args.port:
        name = f"{args.name}-simulator"
        conf = dict(settings.plugins.get(name, {}), port=args.port)
        settings = settings.model_copy(update={"plugins": {**settings.plugins, name: conf}})
    logs.configure(settings.log_level, args.log_format or "text", f"{args.name}-simulator")
    with stop_signals() as stop:
        process = HubProcess(settings, [f"adapter.{args.name}-simulator"], plugins=plugins,
                             migrate=True)
        process.start()
        process.wait(stop)
    return 0


def parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser of ``omshub``, for ``argv`` when given.

    Plug-ins add commands (:func:`add_plugin_commands`): only the one ``argv`` names is
    imported. Without ``argv``, or when ``argv`` names no command (``omshub --help``), every
    plug-in's commands are.
    """
    # No abbreviated global options: the command word is then found as argparse finds it.
    p = argparse.ArgumentParser(prog="omshub", allow_abbrev=False,
                                description="OMS Hub: integration hub of a ТФОМС")
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
    official.register(sub)

    plugins = sub.add_parser("plugins", help="list installed plug-ins (without importing them)")
    plugins.add_argument("--json", action="store_true")
    plugins.add_argument("--check", action="store_true",
                         help="load each one: what it provides, or why it fails")
    plugins.set_defaults(func=cmd_plugins)

    cat = sub.add_parser("catalogue", help="print the catalogue of message types")
    form = cat.add_mutually_exclusive_group()
    form.add_argument("--markdown", action="store_true", help="as a Markdown document")
    form.add_argument("--asyncapi", action="store_true",
                      help="the AsyncAPI 3.0 document of every channel and message type")
    cat.add_argument("-o", "--output", help="write to this file")
    cat.set_defaults(func=cmd_catalogue)

    sim = sub.add_parser("sim", help="run an adapter's simulator of its counterpart alone")
    sim.add_argument("name", help="the adapter's name (runs component adapter.NAME-simulator)")
    sim.add_argument("--port", type=int, help="where it listens")
    sim.add_argument("--log-format", choices=("json", "text"))
    sim.set_defaults(func=cmd_sim)

    parts = sub.add_parser("journal-partitions", help="create monthly journal partitions")
    parts.add_argument("--months", type=int, default=3, help="months ahead (default 3)")
    parts.set_defaults(func=cmd_partitions)

    add_plugin_commands(sub, None if argv is None else command_word(argv))
    return p


CLI_GROUP = "omshub.cli"
"""Plug-ins' commands: each a callable ``register(subparsers)``, named as its command."""
GLOBAL_OPTIONS = ("--broker-url", "--database-url")


def command_word(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names (its first word that is not a global option), if any."""
    words = iter(argv)
    for word in words:
        if word in GLOBAL_OPTIONS:
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def add_plugin_commands(sub: Any, command: str | None) -> None:
    """Add the ``omshub.cli`` plug-ins' commands: the one named ``command`` for real, the
    others as names only (argparse lists them; their code is not imported). With no
    ``command``, every plug-in's commands for real (the full help)."""
    for ep in sorted(entry_points(group=CLI_GROUP), key=lambda e: e.name):
        if command is not None and ep.name != command:
            _unloaded(sub, ep.name, f"plug-in commands ({ep.value})")
            continue
        try:
            ep.load()(sub)
        except Exception as exc:  # a broken plug-in must not take the whole CLI down
            print(f"omshub: plug-in commands {ep.name!r} not loaded: {exc}", file=sys.stderr)
            if command is not None:
                _unloaded(sub, ep.name, f"not loaded: {exc}")


def _unloaded(sub: Any, name: str, description: str) -> None:
    """A command by name only: chosen after all (it was not loaded), it says so."""

    def refuse(_args: argparse.Namespace) -> int:
        print(f"omshub: команды плагина {name!r} не загружены", file=sys.stderr)
        return 2

    if name in sub.choices:  # a command of the hub's own, or of another plug-in
        return
    placeholder = sub.add_parser(name, help=description, add_help=False)
    placeholder.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    placeholder.set_defaults(func=refuse)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``omshub`` script."""
    words = sys.argv[1:] if argv is None else list(argv)
    args = parser(words).parse_args(words)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
