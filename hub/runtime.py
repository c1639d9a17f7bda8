"""Running components: one process with several (embedded) or one each (production).

:class:`HubProcess` owns what a process shares — the database engine, the bus connection,
the outbox relay — and the lifecycle of its components: setup, declare queues, start
consumers and the relay, heartbeat into the database, and stop gracefully on SIGTERM
(stop taking work, finish the batch in hand, publish what was committed, disconnect).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from contracts.envelope import utcnow
from hub import headers as H
from hub import tracing
from hub.bus import DEAD_LETTER_QUEUE, Bus, QueueStats, connect
from hub.component import Component
from hub.context import Context
from hub.metrics import COMPONENT_UP, record_queue
from hub.outbox import ROUTER_QUEUE, Relay, outbox_row
from hub.plugins import Plugins, UnknownComponent, discover
from hub.router import Router
from hub.routing import RoutingTable
from hub.runner import Runner
from hub.scheduler import Scheduler
from hub.services import Service, load_service, service_names
from hub.settings import Settings
from storage.bulk import insert_rows
from storage.db import Database
from storage.journal import JournalBatch
from storage.migrate import unmigrated, upgrade
from storage.models import (
    dead_letters,
    heartbeats,
    inbox,
    journal_events,
    journal_messages,
    outbox,
)

log = logging.getLogger(__name__)

ROUTER = Router.component_name()
SCHEDULER = Scheduler.component_name()
BUILTIN = (ROUTER, SCHEDULER)


def all_component_names(plugins: Plugins) -> list[str]:
    """Every component this installation can run, built-in ones first, then the
    ``omshub.components`` (the console), then adapters and handlers (none is loaded)."""
    return [*BUILTIN, *service_names(), *plugins.names()]


def check_names(plugins: Plugins, names: Sequence[str]) -> None:
    """Load the named components; :class:`UnknownComponent` (with what is close) on a typo."""
    services = set(service_names())
    for name in names:
        if name in BUILTIN or name in services:
            continue
        try:
            plugins.component(name)
        except UnknownComponent:
            raise UnknownComponent(name, all_component_names(plugins)) from None


class HubProcess:
    """The components of one OS process and what they share."""

    def __init__(
        self,
        settings: Settings,
        names: Sequence[str] | None = None,
        *,
        plugins: Plugins | None = None,
        migrate: bool = False,
    ) -> None:
        self.settings = settings
        self.plugins = plugins or discover()
        self.names = list(names) if names else (settings.components or [
            *BUILTIN, *service_names(), *sorted(self.plugins.components)])
        self._services = [name for name in self.names if name in service_names()]
        check_names(self.plugins, self.names)
        if not settings.database_url:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        # Before the engine exists, so that its statements are traced when tracing is on.
        tracing.setup(self.names[0] if len(self.names) == 1 else "omshub")
        self.db = Database(settings.resolved_database_url())
        if migrate:
            upgrade(self.db)
        elif state := unmigrated(self.db):  # every head, the hub's and each plug-in's
            raise RuntimeError(f"database {self.db.engine.url.render_as_string()} {state}: "
                               "run `omshub migrate` first")
        self.bus: Bus = connect(settings.broker_url)
        self.table = RoutingTable.build(self._served(), settings.routes)
        self.relay = Relay(self.db, self.bus)
        self.components: dict[str, Component] = {}
        self.runners: dict[str, Runner] = {}
        self.services: dict[str, Service] = {}
        self.instance_host = socket.gethostname()
        self.started_at = utcnow()
        self._stop = threading.Event()
        self._heartbeat: threading.Thread | None = None

    def _served(self) -> list[type[Component]]:
        """The components whose queues this process declares (and routes to).

        The router, the scheduler and the console serve every installed component, so a
        process running one of them loads them all; any other process loads only its own
        (``omshub run handler.probe`` imports no other plug-in).
        """
        if set(self.names) & {*BUILTIN, *self._services}:
            return list(self.plugins.components.values())
        return [self.plugins.component(name) for name in self.names]

    def components_context(self, name: str) -> Context:
        """A context for publishing as component ``name`` (tools, tests, the CLI)."""
        return self._context(name)

    def _context(self, name: str) -> Context:
        return Context(self.settings, self.db, self.bus, self.plugins.types, self.relay, name,
                       logging.getLogger(f"omshub.{name}"))

    def _build(self) -> None:
        for name in self.names:
            if name in self._services:
                continue
            comp: Component
            if name == ROUTER:
                comp = Router(self.table)
            elif name == SCHEDULER:
                comp = Scheduler(self.plugins.components.values())
            else:
                comp = self.plugins.component(name)()
            comp.setup(self._context(name))
            self.components[name] = comp
            if name not in (ROUTER, SCHEDULER):
                self.runners[name] = Runner(comp, comp.ctx)

    def start(self) -> None:
        """Declare queues, start relay, consumers, components, console and heartbeats."""
        self._build()
        router = Router(self.table)
        router.setup(self._context(ROUTER))
        self.bus.declare(router.queue_specs())
        self.relay.start()
        for runner in self.runners.values():
            runner.start()
        for name, comp in self.components.items():
            comp.start()
            log.info("component %s started", name)
        for name in self._services:
            self._start_service(name)
        self._forget_dead_instances()
        if self.bus.url.startswith("memory://"):
            recover_in_flight(self.db, self.relay)
        self._heartbeat = threading.Thread(target=self._beat, name="heartbeat", daemon=True)
        self._heartbeat.start()

    def _start_service(self, name: str) -> None:
        """Start an ``omshub.components`` component (the console), made from this process."""
        service = load_service(name)(self)
        service.start()
        self.services[name] = service

    def stop(self) -> None:
        """Graceful stop: stop producing, finish batches, flush the outbox, disconnect."""
        if self._stop.is_set():
            return
        self._stop.set()
        for service in reversed(list(self.services.values())):
            service.stop()
        for comp in reversed(list(self.components.values())):
            comp.stop()
        for runner in self.runners.values():
            runner.stop()
        try:
            while self.relay.pass_once():
                pass
        except Exception:  # noqa: BLE001 - what stays in the outbox is sent on next start
            log.warning("outbox not flushed at stop; it is published on next start")
        self.relay.stop()
        if self._heartbeat:
            self._heartbeat.join(5)
        self._forget_instances()
        self.bus.close()
        self.db.dispose()
        log.info("stopped")

    def health(self) -> dict[str, dict[str, Any]]:
        """Health of each component of this process, plus the bus and the relay."""
        report: dict[str, dict[str, Any]] = {}
        parts: dict[str, Component | Service] = {**self.components, **self.services}
        for name, comp in parts.items():
            try:
                h = dict(comp.health())
            except Exception as exc:  # noqa: BLE001
                h = {"status": "down", "detail": str(exc)}
            runner = self.runners.get(name)
            if runner is not None:
                h.update(handled=runner.handled, failed=runner.failed,
                         last_error=runner.last_error, queue=runner.queue)
                if runner.outage:
                    h.update(status="degraded", outage=runner.outage)
            report[name] = h
        report["bus"] = {"status": "ok" if self.bus.healthy() else "down",
                         "url": _redact(self.settings.broker_url)}
        report["outbox-relay"] = {"status": "ok" if self.relay.last_error is None else "degraded",
                                  "published": self.relay.published,
                                  "last_error": self.relay.last_error}
        for name, h in report.items():
            COMPONENT_UP.labels(name).set(1 if h.get("status") == "ok" else 0)
        return report

    def queues(self) -> list[str]:
        """Every queue the hub uses: the router's, the dead letters' and each subscriber's."""
        return sorted({ROUTER_QUEUE, DEAD_LETTER_QUEUE, *self.table.queues()})

    def queue_stats(self, queues: Iterable[str] | None = None) -> dict[str, QueueStats | None]:
        """What the broker says about each queue (default: :meth:`queues`), None for a queue
        that does not exist; the figures are also kept as the process's gauges."""
        stats: dict[str, QueueStats | None] = {}
        for name in self.queues() if queues is None else queues:
            found = self.bus.queue_stats(name)
            stats[name] = found
            if found is not None:
                record_queue(found)
        return stats

    def queue_depths(self) -> dict[str, int | None]:
        """Messages ready in each queue the hub uses."""
        return {name: None if found is None else found.ready
                for name, found in self.queue_stats().items()}

    def _instance(self, name: str) -> str:
        return f"{name}@{self.instance_host}:{os.getpid()}"

    def _beat(self) -> None:
        while not self._stop.is_set():
            try:
                self._write_heartbeats()
            except Exception:  # noqa: BLE001 - health reporting must not kill the process
                log.warning("heartbeat failed", exc_info=True)
            self._stop.wait(self.settings.heartbeat_seconds)

    def _forget_dead_instances(self) -> None:
        """Drop heartbeats of this host's earlier processes that are no longer running."""
        with self.db.transaction() as conn:
            rows = conn.execute(sa.select(heartbeats.c.instance, heartbeats.c.pid).where(
                heartbeats.c.host == self.instance_host)).all()
            gone = [r.instance for r in rows if r.pid != os.getpid() and not _alive(r.pid)]
            if gone:
                conn.execute(heartbeats.delete().where(heartbeats.c.instance.in_(gone)))

    def _write_heartbeats(self) -> None:
        now = utcnow()
        report = self.health()
        with self.db.transaction() as conn:
            for name in self.names:
                h = report.get(name, {"status": "ok"})
                instance = self._instance(name)
                row = {"component": name, "host": self.instance_host, "pid": os.getpid(),
                       "last_seen_at": now, "status": str(h.get("status", "ok")),
                       "detail": json.dumps(h, default=str)}
                updated = conn.execute(
                    heartbeats.update().where(heartbeats.c.instance == instance).values(**row)
                ).rowcount
                if not updated:
                    conn.execute(heartbeats.insert().values(instance=instance,
                                                            started_at=self.started_at, **row))

    def _forget_instances(self) -> None:
        try:
            with self.db.transaction() as conn:
                conn.execute(heartbeats.delete().where(
                    heartbeats.c.instance.in_([self._instance(n) for n in self.names])))
        except Exception:  # noqa: BLE001
            log.warning("could not remove heartbeats at stop", exc_info=True)

    def wait(self, stop: threading.Event | None = None) -> None:
        """Block until ``stop`` is set (or, without it, until SIGTERM or SIGINT), then stop
        gracefully. A command passes the event of :func:`stop_signals`, in place before the
        components started, so a signal that comes while they start is not lost."""
        if stop is None:
            with stop_signals() as stop:
                self.wait(stop)
            return
        try:
            while not stop.wait(1.0):
                pass
        finally:
            self.stop()


@contextmanager
def stop_signals() -> Iterator[threading.Event]:
    """An event SIGTERM or SIGINT sets, for the block; the previous handlers come back after.

    A command enters it before it starts anything: a process signalled while its
    components start then stops gracefully instead of dying with the signal's default.
    """
    stop = threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        log.info("signal %s: stopping", signal.Signals(signum).name)
        stop.set()

    previous: dict[signal.Signals, Callable[..., Any] | int | None] = {}
    for signum in (signal.SIGTERM, signal.SIGINT):
        previous[signum] = signal.signal(signum, on_signal)
    try:
        yield stop
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


RECOVERY_WINDOW = timedelta(days=7)


def _unfinished(conn: sa.Connection, since: datetime) -> list[str]:
    """Ids of messages taken in since ``since`` that some subscriber has not finished.

    A message is unfinished when it was never routed, or when one of the queues it was
    routed to has neither handled it (inbox) nor dead-lettered it. Its latest status alone
    cannot tell: with several subscribers it reads "handled" once the first one is done.
    """
    jm, je = journal_messages.c, journal_events.c
    pending = set(conn.execute(sa.select(jm.message_id).where(
        jm.first_seen_at >= since, jm.status == "received")).scalars())
    done = {(r.consumer, r.message_id) for r in conn.execute(
        sa.select(inbox.c.consumer, inbox.c.message_id).where(inbox.c.handled_at >= since))}
    dead = {(r.queue, r.message_id) for r in conn.execute(
        sa.select(dead_letters.c.queue, dead_letters.c.message_id).where(
            dead_letters.c.at >= since))}
    routed = conn.execute(sa.select(je.message_id, je.detail).where(
        je.status == "routed", je.at >= since))
    for mid, detail in routed:
        for queue in detail.split():
            if (queue.removeprefix("omshub."), mid) not in done and (queue, mid) not in dead:
                pending.add(mid)
                break
    return sorted(pending)


def recover_in_flight(db: Database, relay: Relay) -> int:
    """Embedded footprint: send again what the in-process broker held when it last stopped.

    The in-process broker keeps nothing across restarts; the journal does. Messages that
    some subscriber had not finished are sent through the router once more; subscribers
    that had handled them already skip them (inbox).
    """
    journal = JournalBatch("hub.recovery")
    with db.transaction() as conn:
        ids = _unfinished(conn, utcnow() - RECOVERY_WINDOW)
        rows = conn.execute(sa.select(journal_messages.c.message_id,
                                      journal_messages.c.envelope)
                            .where(journal_messages.c.message_id.in_(ids))).all() if ids else []
        for row in rows:
            journal.event(row.message_id, "received", queue=ROUTER_QUEUE,
                          detail="sent again: the embedded hub restarted before it was handled")
        insert_rows(conn, outbox, [
            outbox_row("hub.recovery", r.message_id, r.envelope.encode("utf-8"),
                       headers={H.JOURNALED: "1"}) for r in rows])
        journal.write(conn)
    if rows:
        log.warning("re-sent %d message(s) that were in flight when the hub last stopped",
                    len(rows))
        relay.notify()
    return len(rows)


def _redact(url: str) -> str:
    """A URL without its password."""
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"
