"""Plug-in discovery through entry points (HUB-6, invariant 4), lazy as kombu's transports.

Three groups: ``omshub.message_types`` (a decorated pydantic model, or a module holding
some), ``omshub.adapters`` and ``omshub.handlers`` (a :class:`~hub.component.Component`
subclass). Built-in plug-ins register through the very same groups.

:func:`discover` reads the names of the entry points and imports none of them. A name
resolves to its code when it is used: a component when it is asked for by name
(:meth:`Plugins.component`), every component when the whole set is (:attr:`Plugins.components`:
the router's table, the scheduler, the console, migrations), the message-type modules the
first time a type key is not known yet or the whole registry is read. So ``omshub run
handler.probe`` imports the probe handler and the hub, not another plug-in's protocol stack
(spyne, paramiko, a GOST crypto library). A component's entry point is named as the
component: ``probe`` in ``omshub.handlers`` is ``handler.probe``. A plug-in that fails to
load is reported with its error and does not take the hub down; a component asked for by
name that fails is an error.
"""

from __future__ import annotations

import difflib
import inspect
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, distributions, entry_points
from types import ModuleType

from pydantic import BaseModel

import contracts.hub as hub_types
from contracts.registry import MessageType, TypeRegistry
from hub.component import Adapter, Component, Handler

log = logging.getLogger(__name__)

GROUPS: dict[str, type[Component] | None] = {
    "omshub.message_types": None,
    "omshub.adapters": Adapter,
    "omshub.handlers": Handler,
}
KINDS = {"omshub.adapters": "adapter", "omshub.handlers": "handler"}
"""The kind of component each group provides: its entry point ``x`` is component ``kind.x``."""


class UnknownComponent(LookupError):
    """No installed component has this name; the message (for the CLI) names the close ones."""

    def __init__(self, name: str, known: Iterable[str]) -> None:
        names = sorted(known)
        close = difflib.get_close_matches(name, names, n=3)
        hint = (f"возможно, {', '.join(close)}" if close
                else f"установлены: {', '.join(names) or 'никакие'}")
        super().__init__(f"нет компонента {name}; {hint}")
        self.name = name


class BrokenPlugin(RuntimeError):
    """A component asked for by name is installed but fails to load."""


@dataclass
class Plugin:
    """One entry point and, once it is loaded, what it provides or why it fails."""

    group: str
    name: str
    value: str
    distribution: str
    error: str | None = None
    provides: list[str] = field(default_factory=list)


class LazyTypeRegistry(TypeRegistry):
    """A :class:`TypeRegistry` that loads the message-type plug-ins on first need: a key it
    does not know yet, or a look at the whole registry. Until then it holds what was added
    (the hub's own types, the types of the components loaded)."""

    def __init__(self, resolve: Callable[[], None]) -> None:
        super().__init__()
        self._resolve: Callable[[], None] | None = resolve
        self._lock = threading.Lock()

    def complete(self) -> None:
        """Load every message-type plug-in not loaded yet (once; thread-safe)."""
        with self._lock:
            if self._resolve is not None:
                try:
                    self._resolve()
                finally:
                    self._resolve = None

    def get(self, key: str) -> MessageType:
        """The type for ``name.vN``, loading the plug-ins when it is not known yet."""
        if not super().__contains__(key):
            self.complete()
        return super().get(key)

    def __contains__(self, key: object) -> bool:
        if not super().__contains__(key):
            self.complete()
        return super().__contains__(key)

    def __iter__(self) -> Iterator[MessageType]:
        self.complete()
        return super().__iter__()

    def __len__(self) -> int:
        self.complete()
        return super().__len__()


class Plugins:
    """What the installed packages provide, each loaded when first used."""

    def __init__(self) -> None:
        self.found: list[Plugin] = []
        self.types = LazyTypeRegistry(self._load_types)
        self.types.add(hub_types.JobRunV1)
        self._loaded: dict[str, type[Component]] = {}
        self._pending: dict[str, tuple[EntryPoint, Plugin]] = {}
        self._broken: dict[str, Plugin] = {}
        self._pending_types: list[tuple[EntryPoint, Plugin]] = []
        self._lock = threading.RLock()

    def names(self) -> list[str]:
        """Every installed component's name, without loading any."""
        return sorted({*self._loaded, *self._pending, *self._broken})

    def component(self, name: str) -> type[Component]:
        """A component class by ``kind.name``, loaded now if need be.

        Raises :class:`UnknownComponent` (with a suggestion on a typo) or
        :class:`BrokenPlugin`.
        """
        with self._lock:
            if name in self._pending:
                self._load_component(name)
            if name in self._loaded:
                return self._loaded[name]
            if name in self._broken:
                raise BrokenPlugin(f"компонент {name} не загружается: "
                                   f"{self._broken[name].error}")
            raise UnknownComponent(name, self.names())

    @property
    def components(self) -> dict[str, type[Component]]:
        """Every installed component that loads, each loaded now if it was not yet."""
        with self._lock:
            for name in list(self._pending):
                self._load_component(name)
            return self._loaded

    def add_component(self, cls: type[Component]) -> None:
        """Register a component class and the message types it handles."""
        name = cls.component_name()
        with self._lock:
            if name in self._pending:
                self._load_component(name)
            if name in self._loaded and self._loaded[name] is not cls:
                raise ValueError(f"component {name} is provided twice")
            self._loaded[name] = cls
        for mt in cls.message_types():
            self.types.add(mt.model)

    def check(self) -> list[Plugin]:
        """Load every plug-in of the three groups; every entry point with its outcome."""
        _ = self.components
        self.types.complete()
        return self.found

    def _load_component(self, name: str) -> None:
        ep, plugin = self._pending.pop(name)
        try:
            self.add_component(_component_class(ep, name))
        except Exception as exc:  # noqa: BLE001 - one broken plug-in must not stop the hub
            self._failed(plugin, exc)
            self._broken[name] = plugin
        else:
            plugin.provides = [name]

    def _load_types(self) -> None:
        pending, self._pending_types = self._pending_types, []
        for ep, plugin in pending:
            try:
                plugin.provides = [self.types.add(m).key for m in _models_of(ep)]
            except Exception as exc:  # noqa: BLE001 - one broken plug-in must not stop the hub
                self._failed(plugin, exc)

    @staticmethod
    def _failed(plugin: Plugin, exc: Exception) -> None:
        plugin.error = f"{type(exc).__name__}: {exc}"
        log.error("plug-in %s (%s) failed to load: %s", plugin.name, plugin.distribution,
                  plugin.error)

    def _list(self, ep: EntryPoint) -> None:
        plugin = Plugin(ep.group, ep.name, ep.value, ep.dist.name if ep.dist else "?")
        self.found.append(plugin)
        kind = KINDS.get(ep.group)
        if kind is None:
            self._pending_types.append((ep, plugin))
            return
        name = f"{kind}.{ep.name}"
        if name in self._pending:
            plugin.error = f"ValueError: component {name} is provided twice"
            log.error("plug-in %s (%s): %s", ep.name, plugin.distribution, plugin.error)
            return
        self._pending[name] = (ep, plugin)


def _models_of(ep: EntryPoint) -> list[type[BaseModel]]:
    obj = ep.load()
    if not isinstance(obj, ModuleType):
        return [obj]
    models = [o for _, o in inspect.getmembers(obj, inspect.isclass)
              if issubclass(o, BaseModel) and hasattr(o, "__omshub_type__")
              and o.__module__ == obj.__name__]
    if not models:
        raise TypeError(f"{ep.value} declares no @message_type model")
    return models


def _component_class(ep: EntryPoint, name: str) -> type[Component]:
    """The class an entry point names, checked to be the component ``name``."""
    obj = ep.load()
    expected = GROUPS[ep.group]
    assert expected is not None
    if not (inspect.isclass(obj) and issubclass(obj, expected)):
        raise TypeError(f"{ep.value} is not a {expected.__name__} subclass")
    if not obj.name:
        obj.name = ep.name
    if obj.component_name() != name:
        raise TypeError(f"{ep.value} is component {obj.component_name()}: its entry point "
                        f"must be named {obj.name!r} (entry points name their components)")
    return obj


def discover() -> Plugins:
    """The installed plug-ins, listed by name: none is imported until it is used."""
    plugins = Plugins()
    for group in GROUPS:
        for ep in sorted(entry_points(group=group), key=lambda e: e.name):
            plugins._list(ep)
    plugins.found += _other_groups()
    return plugins


def _other_groups() -> list[Plugin]:
    """Entry points of the other ``omshub.*`` groups, listed, not loaded: their owners
    (an adapter's own sub-plug-ins, console extensions, CLI commands) load them."""
    found = {}
    for dist in distributions():
        for ep in dist.entry_points:
            if ep.group.startswith("omshub.") and ep.group not in GROUPS:
                found[(ep.group, ep.name)] = Plugin(ep.group, ep.name, ep.value,
                                                    dist.name, provides=[ep.value])
    return [found[k] for k in sorted(found)]
