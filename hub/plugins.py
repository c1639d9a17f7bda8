"""Plug-in discovery through entry points (HUB-6, invariant 4).

Three groups: ``omshub.message_types`` (a decorated pydantic model, or a module holding
some), ``omshub.adapters`` and ``omshub.handlers`` (a :class:`~hub.component.Component`
subclass). Built-in plug-ins register through the very same groups. A plug-in that fails to
load is reported with its error and does not take the hub down.
"""

from __future__ import annotations

import difflib
import inspect
import logging
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, distributions, entry_points
from types import ModuleType

from pydantic import BaseModel

import contracts.hub as hub_types
from contracts.registry import TypeRegistry
from hub.component import Adapter, Component, Handler

log = logging.getLogger(__name__)

GROUPS: dict[str, type[Component] | None] = {
    "omshub.message_types": None,
    "omshub.adapters": Adapter,
    "omshub.handlers": Handler,
}


@dataclass
class Plugin:
    """One entry point and what became of loading it."""

    group: str
    name: str
    value: str
    distribution: str
    error: str | None = None
    provides: list[str] = field(default_factory=list)


@dataclass
class Plugins:
    """What the installed packages provide."""

    types: TypeRegistry = field(default_factory=TypeRegistry)
    components: dict[str, type[Component]] = field(default_factory=dict)
    found: list[Plugin] = field(default_factory=list)

    def component(self, name: str) -> type[Component]:
        """A component class by ``kind.name``, with a suggestion on a typo."""
        try:
            return self.components[name]
        except KeyError:
            close = difflib.get_close_matches(name, list(self.components), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            known = ", ".join(sorted(self.components)) or "none"
            raise LookupError(f"no component {name!r} (installed: {known}){hint}") from None

    def add_component(self, cls: type[Component]) -> None:
        """Register a component class and the message types it handles."""
        name = cls.component_name()
        if name in self.components and self.components[name] is not cls:
            raise ValueError(f"component {name} is provided twice")
        self.components[name] = cls
        for mt in cls.message_types():
            self.types.add(mt.model)


def _models_in(module: ModuleType) -> list[type[BaseModel]]:
    return [obj for _, obj in inspect.getmembers(module, inspect.isclass)
            if issubclass(obj, BaseModel) and hasattr(obj, "__omshub_type__")
            and obj.__module__ == module.__name__]


def _load(ep: EntryPoint, plugins: Plugins) -> list[str]:
    obj = ep.load()
    expected = GROUPS[ep.group]
    if expected is None:
        models = _models_in(obj) if isinstance(obj, ModuleType) else [obj]
        if not models:
            raise TypeError(f"{ep.value} declares no @message_type model")
        return [plugins.types.add(m).key for m in models]
    if not (inspect.isclass(obj) and issubclass(obj, expected)):
        raise TypeError(f"{ep.value} is not a {expected.__name__} subclass")
    if not obj.name:
        obj.name = ep.name
    plugins.add_component(obj)
    return [obj.component_name()]


def discover() -> Plugins:
    """Load every installed plug-in."""
    plugins = Plugins()
    plugins.types.add(hub_types.JobRunV1)
    for group in GROUPS:
        for ep in sorted(entry_points(group=group), key=lambda e: e.name):
            dist = ep.dist.name if ep.dist else "?"
            plugin = Plugin(group, ep.name, ep.value, dist)
            try:
                plugin.provides = _load(ep, plugins)
            except Exception as exc:  # noqa: BLE001 - one broken plug-in must not stop the hub
                plugin.error = f"{type(exc).__name__}: {exc}"
                log.error("plug-in %s (%s) failed to load: %s", ep.name, dist, plugin.error)
            plugins.found.append(plugin)
    plugins.found += _other_groups()
    return plugins


def _other_groups() -> list[Plugin]:
    """Entry points of the other ``omshub.*`` groups, listed, not loaded: their owners
    (the СМЭВ adapter's information types, console extensions, CLI commands) load them."""
    found = {}
    for dist in distributions():
        for ep in dist.entry_points:
            if ep.group.startswith("omshub.") and ep.group not in GROUPS:
                found[(ep.group, ep.name)] = Plugin(ep.group, ep.name, ep.value,
                                                    dist.name, provides=[ep.value])
    return [found[k] for k in sorted(found)]
