"""The bus: one interface, backends looked up by URL scheme.

``amqp://`` and ``amqps://`` select the pika backend (RabbitMQ, production);
``memory://`` the in-process kombu backend (embedded default); ``kombu+<transport>://``
any other kombu transport (``kombu+amqp://`` talks to RabbitMQ through py-amqp).
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Callable

from hub.bus.base import (
    DEAD_LETTER_QUEUE,
    BatchHandler,
    Bus,
    BusError,
    Delivery,
    Disposition,
    Outgoing,
    PublishError,
    QueueSpec,
    QueueStats,
    Subscription,
    Unknown,
)

# Delays (seconds) of the retry tiers: a retry waits in the smallest tier at least as long as
# the delay asked for (or the longest tier).
DELAY_TIERS: tuple[int, ...] = (1, 5, 30, 120, 600)

_BACKENDS: dict[str, str] = {
    "amqp": "hub.bus.pika_backend:PikaBus",
    "amqps": "hub.bus.pika_backend:PikaBus",
    "memory": "hub.bus.kombu_backend:KombuBus",
    "kombu": "hub.bus.kombu_backend:KombuBus",
}


def connect(url: str) -> Bus:
    """A bus for ``url``; the backend module is imported only when used."""
    scheme = url.split("://", 1)[0].split("+", 1)[0]
    target = _BACKENDS.get(scheme)
    if target is None:
        close = difflib.get_close_matches(scheme, list(_BACKENDS), n=1)
        hint = f" (did you mean {close[0]}://?)" if close else ""
        raise BusError(f"no bus backend for {scheme}://{hint}")
    module, _, name = target.partition(":")
    factory: Callable[[str], Bus] = getattr(importlib.import_module(module), name)
    return factory(url)


def tier_for(delay: float) -> int:
    """The retry tier (seconds) that holds a message for ``delay`` seconds."""
    for tier in DELAY_TIERS:
        if delay <= tier:
            return tier
    return DELAY_TIERS[-1]


__all__ = [
    "DEAD_LETTER_QUEUE",
    "DELAY_TIERS",
    "BatchHandler",
    "Bus",
    "BusError",
    "Delivery",
    "Disposition",
    "Outgoing",
    "PublishError",
    "QueueSpec",
    "QueueStats",
    "Subscription",
    "Unknown",
    "connect",
    "tier_for",
]
