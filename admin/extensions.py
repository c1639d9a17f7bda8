"""Console extensions: screens and API routes a plug-in adds to the console (ADM-5).

An extension is a callable registered under the entry point group ``omshub.console``::

    [project.entry-points."omshub.console"]
    smev3 = "adapters.smev3.console.pages:extension"

It is called once per console with a :class:`ConsoleContext` and returns a
:class:`ConsoleExtension`: Starlette routes (pages, and JSON routes under ``/api/...``),
navigation entries and template directories. Its pages use the console's own helpers —
``admin.auth.page`` and ``admin.apiplumbing.endpoint`` for login, roles and CSRF,
``admin.context.render`` / ``privacy`` for templates and masking — so they behave exactly
like the built-in ones. Built-in routes come first (an extension cannot shadow them);
built-in templates too (an extension's ``base.html`` cannot replace the console's).

An extension that fails to load or to build is logged and left out: the console starts
without it, and ``app.state.extension_errors`` says why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from pydantic import BaseModel
from sqlalchemy.engine import Connection
from starlette.routing import BaseRoute
from starlette.templating import Jinja2Templates

from admin.users import Role
from contracts.envelope import Envelope
from contracts.registry import TypeRegistry
from hub.context import Context, Inbound
from hub.outbox import Relay
from hub.settings import Settings
from storage.db import Database

if TYPE_CHECKING:
    from hub.operations import Operations

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "omshub.console"
COMPONENT = "console"
"""The source of every message the console takes in."""


@dataclass(frozen=True)
class NavEntry:
    """A link in the console's top navigation, shown to ``role`` and higher."""

    title: str
    path: str
    role: Role = Role.viewer


@dataclass
class ConsoleExtension:
    """What one extension adds to the console."""

    name: str
    routes: list[BaseRoute] = field(default_factory=list)
    nav: list[NavEntry] = field(default_factory=list)
    template_dirs: list[Path] = field(default_factory=list)


@dataclass
class ConsoleContext:
    """The hub's services as an extension sees them inside the console process."""

    db: Database
    ops: Operations
    types: TypeRegistry
    settings: Settings
    tz: tzinfo
    relay: Relay | None = None
    """The process's outbox relay (nudged after a commit); None: publish synchronously."""

    def __post_init__(self) -> None:
        self._own_relay = self.relay is None
        self._hub = Context(self.settings, self.db, self.ops.bus, self.types,
                            self.relay or Relay(self.db, self.ops.bus), COMPONENT,
                            logging.getLogger(f"omshub.{COMPONENT}"))

    def publish(self, model: BaseModel, *, user: str, reason: str, action: str = "publish",
                details: dict[str, Any] | None = None, remote_addr: str = "") -> Envelope:
        """Take a canonical message in as the console, on behalf of ``user``.

        The journal entry, the outbox row and one audit row (``action``, who, why, the new
        message's id as target) commit together; then the message goes to the router like
        any adapter's. Raises ValueError without a reason.
        """
        if not reason or not reason.strip():
            raise ValueError("a reason is required (it goes to the audit log)")
        with self.db.transaction() as conn:
            (env,) = self._hub.publish_in(conn, [Inbound(model)])
            # Operations' own in-transaction audit writer: the row commits with the message.
            self.ops._audit(conn, user, action, env.id, reason.strip(),
                            {"type": env.routing_key, **(details or {})}, remote_addr)
        self._flush()
        return env

    def publish_in(self, conn: Connection, models: Sequence[BaseModel]) -> list[Envelope]:
        """Take messages in as the console inside the caller's transaction.

        For an extension whose own writes (a decision in its tables) must commit together
        with the messages they cause; call :meth:`flush` after the commit.
        """
        return self._hub.publish_in(conn, [Inbound(model) for model in models])

    def audit_in(self, conn: Connection, user: str, action: str, *, target: str = "",
                 reason: str = "", details: dict[str, Any] | None = None,
                 remote_addr: str = "") -> int:
        """One audit row written in the caller's transaction; returns its id."""
        return self.ops._audit(conn, user, action, target, reason, details, remote_addr)

    def flush(self) -> None:
        """After a commit of :meth:`publish_in`: send what it took in."""
        self._flush()

    def _flush(self) -> None:
        if self._own_relay:  # no process relay: publish now, as Operations does
            while self._hub.relay.pass_once():
                pass
        else:
            self._hub.relay.notify()


Extension = Callable[[ConsoleContext], ConsoleExtension]
"""The callable an ``omshub.console`` entry point names."""


@dataclass
class Loaded:
    """The extensions that loaded, and why the others did not."""

    extensions: list[ConsoleExtension] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def routes(self) -> list[BaseRoute]:
        """Every extension's routes, in load order."""
        return [r for ext in self.extensions for r in ext.routes]

    @property
    def nav(self) -> list[NavEntry]:
        """Every extension's navigation entries, in load order."""
        return [n for ext in self.extensions for n in ext.nav]


def installed() -> list[tuple[str, Extension]]:
    """The extensions registered under ``omshub.console``, loaded lazily by name."""

    def lazy(ep: Any) -> Extension:
        return lambda ctx: ep.load()(ctx)

    return [(ep.name, lazy(ep))
            for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name)]


def _check(name: str, ext: object) -> ConsoleExtension:
    if not isinstance(ext, ConsoleExtension):
        raise TypeError(f"returned {type(ext).__name__}, not a ConsoleExtension")
    for route in ext.routes:
        if not isinstance(route, BaseRoute):
            raise TypeError(f"route {route!r} is not a Starlette route")
    for entry in ext.nav:
        if not isinstance(entry, NavEntry) or not entry.path.startswith("/"):
            raise TypeError(f"navigation entry {entry!r} is not a NavEntry with a local path")
    for d in ext.template_dirs:
        if not Path(d).is_dir():
            raise FileNotFoundError(f"template directory {d} does not exist")
    return ext


def load(ctx: ConsoleContext,
         extensions: Iterable[tuple[str, Extension]] | None = None) -> Loaded:
    """Build each extension (the installed ones by default); failures are logged, left out."""
    loaded = Loaded()
    for name, factory in installed() if extensions is None else extensions:
        try:
            loaded.extensions.append(_check(name, factory(ctx)))
        except Exception as exc:  # noqa: BLE001 - one broken extension must not stop the console
            loaded.errors[name] = f"{type(exc).__name__}: {exc}"
            log.exception("console extension %s failed to load; the console runs without it",
                          name)
    return loaded


def install_templates(templates: Jinja2Templates, loaded: Loaded) -> None:
    """Extension template directories after the console's own, and the navigation entries."""
    env = templates.env
    dirs = [d for ext in loaded.extensions for d in ext.template_dirs]
    if dirs:
        env.loader = jinja2.ChoiceLoader(
            [loader for loader in (env.loader,) if loader is not None]
            + [jinja2.FileSystemLoader([str(d) for d in dirs])])
    env.globals["extension_nav"] = loaded.nav

