"""Components that are neither adapters nor handlers, such as the console, found by name.

A package declares one under the entry point group ``omshub.components``::

    [project.entry-points."omshub.components"]
    console = "admin.server:ConsoleServer"

The value is a factory that takes the :class:`~hub.runtime.HubProcess` running it and
returns a :class:`Service`. Such a component consumes no queue and has no ``<kind>.``
prefix: it runs under its entry point's name (``omshub run console``), is started after the
process's adapters and handlers and stopped before them. The hub names none of them and
imports none of them: the console is the ``admin`` package's plug-in, as an adapter is its
own package's.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from hub.runtime import HubProcess

GROUP = "omshub.components"


class Service(Protocol):
    """What a process runs for an ``omshub.components`` entry point."""

    def start(self) -> None:
        """Start serving; return once it serves (raise if it cannot)."""

    def stop(self) -> None:
        """Stop serving; must return promptly."""

    def health(self) -> dict[str, Any]:
        """``{"status": "ok" | "degraded" | "down", ...}``, like a component's."""


ServiceFactory = Callable[["HubProcess"], Service]


def service_names() -> list[str]:
    """The names of the installed ``omshub.components``, without importing them."""
    return sorted({ep.name for ep in entry_points(group=GROUP)})


def load_service(name: str) -> ServiceFactory:
    """The factory of the component ``name`` (its code is imported only now)."""
    for ep in entry_points(group=GROUP, name=name):
        factory: ServiceFactory = ep.load()
        return factory
    raise LookupError(f"no component {name!r} under {GROUP}")
