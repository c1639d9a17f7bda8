"""The routing table (HUB-2): which component queues receive which message types.

Built from what installed components declare with ``@handles``, extended by configuration
(``routes`` in settings). Nothing in it is hard-wired per subsystem.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from hub.component import Component


def queue_of(component_name: str) -> str:
    """The queue of a component named ``<kind>.<name>``."""
    return f"omshub.{component_name}"


@dataclass
class RoutingTable:
    """Message type key → subscriber queues, and component name → its queue."""

    routes: dict[str, list[str]] = field(default_factory=dict)
    components: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        components: Iterable[type[Component]],
        extra: Mapping[str, Iterable[str]] | None = None,
    ) -> RoutingTable:
        """From components' subscriptions plus configured routes (type key → component names)."""
        table = cls()
        for comp in components:
            name = comp.component_name()
            table.components[name] = comp.queue_name()
            for mt in comp.message_types():
                table.add(mt.key, comp.queue_name())
        for key, names in (extra or {}).items():
            for name in names:
                table.add(key, queue_of(name))
                table.components.setdefault(name, queue_of(name))
        return table

    def add(self, key: str, queue: str) -> None:
        """Subscribe ``queue`` to ``key`` (idempotent)."""
        queues = self.routes.setdefault(key, [])
        if queue not in queues:
            queues.append(queue)

    def destinations(self, key: str, destination: str | None) -> list[str]:
        """Queues for a message: its addressed component's, or every subscriber of its type."""
        if destination:
            queue = self.components.get(destination)
            return [queue] if queue else []
        return list(self.routes.get(key, ()))

    def queues(self) -> list[str]:
        """Every queue the table delivers to."""
        found = set(self.components.values())
        for queues in self.routes.values():
            found.update(queues)
        return sorted(found)
