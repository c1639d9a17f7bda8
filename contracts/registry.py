"""The registry of message types.

A message type is a pydantic model decorated with :func:`message_type`. It names itself
(``erz.person.changed``), its version, and optionally which payload fields identify a person
(for the journal's masked person search) and what the raw external form is.

It also says what kind of message it is (:data:`MessageKind`): a **document** — a command, a
request, an answer, a file — must reach someone, so the router parks one nobody subscribes to
(a configuration fault); an **event** is a fact published for whoever is interested, and
nobody listening is no fault. A **routine** type (the scheduler's ticks) is the hub's own
chatter, kept out of the journal's default view.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=type[BaseModel])

MessageKind = Literal["document", "event"]
"""``document``: must reach a subscriber (none is a fault); ``event``: a fact for whoever
listens (none is normal)."""


class UnknownMessageType(LookupError):
    """Raised for a type key nobody registered; suggests the closest known keys."""

    def __init__(self, key: str, known: Iterable[str]) -> None:
        close = difflib.get_close_matches(key, list(known), n=3)
        hint = f" (возможно, {', '.join(close)}?)" if close else ""
        super().__init__(f"неизвестный тип сообщения «{key}»{hint}")
        self.key = key


@dataclass(frozen=True)
class MessageType:
    """One registered, versioned message type."""

    name: str
    version: int
    model: type[BaseModel]
    description: str = ""
    title: str = ""
    """What the fund's staff call it, in Russian («Сведения ЗАГС о смерти»)."""
    person_fields: tuple[str, ...] = ()
    package: str = ""
    kind: MessageKind = "document"
    routine: bool = False
    """Hub chatter (the scheduler's ticks): out of the journal's default view."""

    @property
    def is_event(self) -> bool:
        """A fact published for whoever listens: no subscriber is not a fault."""
        return self.kind == "event"

    @property
    def key(self) -> str:
        """Routing key and registry key: ``name.vN``."""
        return f"{self.name}.v{self.version}"

    def validate(self, payload: dict[str, Any]) -> BaseModel:
        """Validate a payload; raises :class:`pydantic.ValidationError`."""
        return self.model.model_validate(payload)

    def person_of(self, payload: dict[str, Any]) -> str:
        """The person identifiers in a payload, joined, for the journal's person search."""
        values = [str(payload[f]) for f in self.person_fields if payload.get(f)]
        return " ".join(values)

    def json_schema(self) -> dict[str, Any]:
        """The payload's JSON schema."""
        return self.model.model_json_schema()


def message_type(
    name: str, version: int = 1, *, person_fields: Iterable[str] = (),
    kind: MessageKind = "document", routine: bool = False, title: str = "",
) -> Callable[[M], M]:
    """Class decorator declaring a pydantic model a canonical message type.

    ``title``: the type's name as the console shows it to the fund's staff, in Russian (the
    docstring's first line is the developers' description).

    ``kind="event"`` for a fact published for whoever is interested (see the module's
    docstring); ``routine=True`` for the hub's own chatter hidden from the journal's default
    view.
    """
    if kind not in ("document", "event"):
        raise ValueError(f"kind must be 'document' or 'event', not {kind!r}")

    def mark(model: M) -> M:
        doc = (model.__doc__ or "").strip()
        model.__omshub_type__ = MessageType(  # type: ignore[attr-defined]
            name=name,
            version=version,
            model=model,
            description=doc.splitlines()[0] if doc else "",
            title=title,
            person_fields=tuple(person_fields),
            package=model.__module__.split(".")[0],
            kind=kind,
            routine=routine,
        )
        return model

    return mark


def type_of(model: type[BaseModel]) -> MessageType:
    """The :class:`MessageType` declared on a model by :func:`message_type`."""
    declared = getattr(model, "__omshub_type__", None)
    if not isinstance(declared, MessageType):
        raise TypeError(f"{model.__qualname__} is not decorated with @message_type")
    return declared


@dataclass
class TypeRegistry:
    """Every message type known to this process, keyed by ``name.vN``."""

    _types: dict[str, MessageType] = field(default_factory=dict)

    def add(self, model: type[BaseModel]) -> MessageType:
        """Register a decorated model; re-registering the same model is harmless."""
        mt = type_of(model)
        existing = self._types.get(mt.key)
        if existing is not None and existing.model is not model:
            raise ValueError(
                f"message type {mt.key} is declared twice: by {existing.model.__module__} "
                f"and by {model.__module__}"
            )
        self._types[mt.key] = mt
        return mt

    def get(self, key: str) -> MessageType:
        """The type for ``name.vN``; raises :class:`UnknownMessageType`."""
        try:
            return self._types[key]
        except KeyError:
            raise UnknownMessageType(key, self._types) from None

    def __contains__(self, key: object) -> bool:
        return key in self._types

    def __iter__(self) -> Iterator[MessageType]:
        return iter(sorted(self._types.values(), key=lambda t: t.key))

    def __len__(self) -> int:
        return len(self._types)
