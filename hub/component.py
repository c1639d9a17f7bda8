"""Components: the unit the runtime starts, stops and watches (HUB-6, HUB-8).

An adapter or a handler is a :class:`Component` subclass registered under an entry point.
Its lifecycle is ``setup(ctx)`` → ``start()`` → ``stop()``; ``health()`` reports on it.
Methods decorated with :func:`handles` receive canonical messages of the given types,
methods decorated with :func:`job` run on a schedule; the runtime wires both.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

import sqlalchemy as sa
from pydantic import BaseModel

from contracts.envelope import AttachmentRef, Envelope
from contracts.registry import MessageType, type_of

if TYPE_CHECKING:
    from hub.context import Context

P = TypeVar("P", bound=BaseModel)


class PermanentError(Exception):
    """A failure that no retry can fix (bad data): the message is dead-lettered at once."""


@dataclass(frozen=True)
class Message(Generic[P]):
    """A received canonical message: the envelope and its validated payload."""

    envelope: Envelope
    payload: P

    @property
    def id(self) -> str:
        """The message id."""
        return self.envelope.id


@dataclass
class Outbound:
    """A message a component sends, collected until its transaction commits."""

    model: BaseModel
    destination: str | None = None
    attachments: tuple[AttachmentRef, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Subscription:
    """One ``@handles`` method: the types it accepts."""

    method: str
    types: tuple[MessageType, ...]


@dataclass(frozen=True)
class JobSpec:
    """One ``@job`` method and its default schedule."""

    method: str
    name: str
    cron: str
    description: str


def handles(*models: type[BaseModel]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a method as the handler of the given message types.

    The method is called as ``method(message, tx)`` inside the batch's transaction; what it
    writes through ``tx.conn`` and sends through ``tx.send`` commits with the inbox record.
    """
    types = tuple(type_of(m) for m in models)

    def mark(fn: Callable[..., Any]) -> Callable[..., Any]:
        fn.__omshub_handles__ = types  # type: ignore[attr-defined]
        return fn

    return mark


def job(cron: str, *, name: str = "", title: str = ""
        ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a method as a scheduled job with a default cron expression (editable later).

    ``title`` says what the job does to the fund's staff, in Russian (the console's
    schedules show it); without one, the first line of the docstring is shown.
    """

    def mark(fn: Callable[..., Any]) -> Callable[..., Any]:
        doc = (fn.__doc__ or "").strip()
        fn.__omshub_job__ = JobSpec(  # type: ignore[attr-defined]
            method=fn.__name__,
            name=name or fn.__name__,
            cron=cron,
            description=title or (doc.splitlines()[0] if doc else ""),
        )
        return fn

    return mark


class Component:
    """Base of adapters, handlers and the hub's own components."""

    kind: ClassVar[str] = "component"
    name: ClassVar[str] = ""
    metadata: ClassVar[sa.MetaData | None] = None
    """The component's own tables, created by ``omshub migrate``."""
    prefetch: ClassVar[int | None] = None
    """Deliveries per batch; None = the hub's setting."""
    health_labels: ClassVar[Mapping[str, str]] = {}
    """What the console calls each key :meth:`health` reports, in Russian (``{"persons":
    "Лиц в регистре"}``); a key not named here is shown as it is."""

    ctx: Context

    def __init__(self) -> None:
        self._stopping = threading.Event()

    @classmethod
    def component_name(cls) -> str:
        """``<kind>.<name>``, e.g. ``handler.sample``: unique across the installation."""
        return f"{cls.kind}.{cls.name or cls.__name__.lower()}"

    @classmethod
    def queue_name(cls) -> str:
        """The component's own queue on the bus."""
        return f"omshub.{cls.component_name()}"

    @classmethod
    def subscriptions(cls) -> list[Subscription]:
        """The ``@handles`` methods of the class."""
        subs = []
        for attr in dir(cls):
            types = getattr(getattr(cls, attr, None), "__omshub_handles__", None)
            if types:
                subs.append(Subscription(attr, types))
        return subs

    @classmethod
    def jobs(cls) -> list[JobSpec]:
        """The ``@job`` methods of the class."""
        found = []
        for attr in dir(cls):
            spec = getattr(getattr(cls, attr, None), "__omshub_job__", None)
            if isinstance(spec, JobSpec):
                found.append(spec)
        return found

    @classmethod
    def message_types(cls) -> Iterator[MessageType]:
        """Every type the component subscribes to."""
        for sub in cls.subscriptions():
            yield from sub.types

    def setup(self, ctx: Context) -> None:
        """Receive the context (settings, database, bus, journal); no I/O loops yet."""
        self.ctx = ctx

    def start(self) -> None:
        """Start own work (servers, pollers). Message consumption is started by the runtime."""

    def stop(self) -> None:
        """Stop own work; must return promptly."""
        self._stopping.set()

    @property
    def stopping(self) -> bool:
        """Whether ``stop`` was called: long loops check it."""
        return self._stopping.is_set()

    def health(self) -> dict[str, Any]:
        """``{"status": "ok" | "degraded" | "down", ...}`` for the console and /healthz."""
        return {"status": "ok"}


class Adapter(Component):
    """A component that turns an external channel's traffic into canonical messages."""

    kind: ClassVar[str] = "adapter"


class Handler(Component):
    """A component that implements a subsystem's domain logic over canonical messages."""

    kind: ClassVar[str] = "handler"
