"""The console's side of requests composed by hand: it takes their answers (SMEV-6).

A request composed on ``/smev3/compose/{type}`` is published by the console; no handler
asked for it, so before this component its answer — the canonical response the adapter
takes in from СМЭВ — had no subscriber and the router parked it («unroutable»), as if
something were misconfigured. :class:`ConsoleAnswers` (``adapter.smev3-console``)
subscribes to the responses of every type we consume: the answer is delivered, and the
operator reads it on the request's page (``/smev3/outgoing/{id}``, «Ответ»), which joins
the request's row to what СМЭВ sent back on it. A handler that asks for a type itself
subscribes as well and gets its own copy; this one changes nothing in the hub's state, it
is the console's receipt.

``[project.entry-points."omshub.adapters"] smev3-console =
"adapters.smev3.console.answers:ConsoleAnswers"``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from adapters.smev3.service import catalogue
from contracts.registry import type_of
from hub.component import Adapter, Message, Subscription
from hub.tx import Tx


class ConsoleAnswers(Adapter):
    """Takes the answers to the requests of every type we consume, for the console."""

    name: ClassVar[str] = "smev3-console"

    @classmethod
    def subscriptions(cls) -> list[Subscription]:
        """The canonical responses of the consumer types (bus type and bound model)."""
        models = [m for t in catalogue().types.values() if t.role == "consumer"
                  for m in (t.bus_response, t.response_model) if m is not None]
        types = tuple(dict.fromkeys(type_of(m) for m in models))
        return [Subscription("on_answer", types)] if types else []

    def on_answer(self, message: Message[Any], tx: Tx) -> None:
        """Nothing to change: the answer is kept in the journal and ``smev3_received``,
        and the request's page shows it."""
