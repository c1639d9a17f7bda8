"""Ports: what one plug-in offers another, found by name through an entry point.

Adapters and handlers never import each other (docs/design.md, "Layers"). When one needs
to read what another owns synchronously (a read model, a lookup), the interface is a
``typing.Protocol`` declared in ``contracts/``, and the owner provides it under the entry
point group ``omshub.ports``::

    [project.entry-points."omshub.ports"]
    "sample.lookup" = "sample_plugin.lookup:Lookup"

The value is a factory that takes the asking component's
:class:`~hub.context.Context` and returns the object implementing the protocol. It is
imported only when :func:`port` asks for it — at the asking component's setup —, so a
process that never asks imports none of the provider's code. The hub knows no port by name.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from importlib.metadata import entry_points

from hub.context import Context

GROUP = "omshub.ports"

PortFactory = Callable[[Context], object]


class PortUnavailable(LookupError):
    """No installed package provides the port, or its provider fails to load."""


def port(name: str, ctx: Context, *, group: str = GROUP) -> object:
    """The port ``name`` built for the component of ``ctx``; its provider loaded now.

    Raises :class:`PortUnavailable` (in Russian, for health and the operator) when nothing
    provides it — naming the close names on a typo — or when its provider fails to load.
    """
    found = {ep.name: ep for ep in entry_points(group=group)}
    ep = found.get(name)
    if ep is None:
        close = difflib.get_close_matches(name, list(found), n=3)
        hint = (f"возможно, {', '.join(close)}" if close
                else f"установлены: {', '.join(sorted(found)) or 'никакие'}")
        raise PortUnavailable(f"порт {name} не предоставлен ни одним установленным модулем "
                              f"(группа {group}); {hint}")
    try:
        factory: PortFactory = ep.load()
        return factory(ctx)
    except Exception as exc:  # noqa: BLE001 - the asking component reports it, the hub goes on
        raise PortUnavailable(f"порт {name} ({ep.value}) не загружается: "
                              f"{type(exc).__name__}: {exc}") from exc
