"""Information types (виды сведений) of СМЭВ 3 as plug-ins (SMEV-5).

Each type is its own package exposing an :class:`InformationType` under the entry point
group ``omshub.smev3.types``. It names its official schemas (file names looked up under the
operator's schema directory, never vendored), its canonical message types and its mapping
between the XML СМЭВ carries and the canonical payloads. Adding a type touches no file of
the adapter.

Roles are the fund's side of the СМЭВ exchange. A *consumer* type is one the fund requests
from another agency (ФНС ЕГРЮЛ extracts: we send the request, we receive the answer). A
*provider* type is one whose requests come to the fund (ФОМС medical services: the agency
sends the request, we send the answer). The ЗАГС death records are provider types too: the
registry offices *send* them (``FATALRequest``, ``FATALOIVRequest``) to their subscribers
and the fund takes them in with GetRequest, as the official schemas define; 112-41 is
answered with ``FATALOIVResponse``, while 112-04 defines no answer at all — a *one-way*
type (``response_model = None``): the adapter acknowledges it and sends nothing back.

A type's ``request_model`` and ``response_model`` are bound to the official XML. Where other
components should not depend on that shape, the type also names canonical models in the
fund's terms (``canonical_request``, ``canonical_response``, from ``contracts/``) and maps
between the two (:meth:`InformationType.to_canonical`, :meth:`InformationType.from_canonical`):
the ЗАГС types put one ``zags.deaths`` on the bus for 112-41 and 112-04 alike.
"""

from __future__ import annotations

import difflib
import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import ClassVar, Literal

from lxml import etree
from pydantic import BaseModel

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "omshub.smev3.types"

Role = Literal["consumer", "provider"]
ProtocolVersion = Literal["1.1", "1.2", "1.3"]


class InformationType(ABC):
    """One СМЭВ 3 information type: schemas, role, protocol version and mapping."""

    key: ClassVar[str]
    """Short stable name, e.g. ``zags.fatal``; also the plug-in's entry point name."""
    title: ClassVar[str]
    """Human title in Russian, as the registry of types names it."""
    role: ClassVar[Role]
    protocol: ClassVar[ProtocolVersion] = "1.3"
    request_namespace: ClassVar[str]
    """Namespace of the request's root element (the MessageTypeSelector of polling)."""
    response_namespace: ClassVar[str]
    request_schema: ClassVar[str]
    """File name (or path tail) of the request's XSD under the schema directory."""
    response_schema: ClassVar[str]
    request_model: ClassVar[type[BaseModel]]
    """The canonical message type of a request (a ``@message_type`` model)."""
    response_model: ClassVar[type[BaseModel] | None]
    """The canonical message type of a response; ``None`` for a one-way type."""
    canonical_request: ClassVar[type[BaseModel] | None] = None
    """The message type the hub carries for a request, when it is not ``request_model``:
    a model of ``contracts/`` in the fund's terms that ``request_model`` maps to
    (:meth:`to_canonical`, :meth:`from_canonical`); ``None``: the bound model travels."""
    canonical_response: ClassVar[type[BaseModel] | None] = None
    """The same for a response."""

    @property
    def one_way(self) -> bool:
        """True when the type's schema defines no answer (a delivery, acknowledged only)."""
        return self.response_model is None

    @property
    def bus_request(self) -> type[BaseModel]:
        """The message type of a request on the bus (what handlers send or receive)."""
        return self.canonical_request or self.request_model

    @property
    def bus_response(self) -> type[BaseModel] | None:
        """The message type of a response on the bus; ``None`` for a one-way type."""
        if self.response_model is None:
            return None
        return self.canonical_response or self.response_model

    def sends(self, message: BaseModel) -> bool:
        """Whether this consumer type sends ``message`` (a payload of its bus request).

        Several types may share one bus request: the five on-request ЕГР ЗАГС formats all
        send ``zags.inquiry`` and each accepts only the inquiries of its act kind. The
        adapter sends a request as the consumer type whose bus request (or bound model) it
        is *and* that accepts it; a type that is alone on its request keeps this default."""
        return True

    def to_canonical(self, message: BaseModel) -> BaseModel:
        """What the adapter publishes for a request or response read from XML: the bound
        model itself unless the type declares a canonical one. Raises ``MappingError``."""
        return message

    def from_canonical(self, message: BaseModel) -> BaseModel:
        """The bound request or response to write as XML for a message taken from the bus
        (its bus type, or the bound model itself). Raises ``MappingError``."""
        return message

    @abstractmethod
    def request_to_xml(self, request: BaseModel) -> etree._Element:
        """The request's MessagePrimaryContent element."""

    @abstractmethod
    def request_from_xml(self, element: etree._Element) -> BaseModel:
        """The canonical request from the MessagePrimaryContent element."""

    @abstractmethod
    def response_to_xml(self, response: BaseModel) -> etree._Element:
        """The response's MessagePrimaryContent element."""

    @abstractmethod
    def response_from_xml(self, element: etree._Element) -> BaseModel:
        """The canonical response from the MessagePrimaryContent element."""

    # The simulator plays the other agency with these; a type without them is simulated
    # by a rejection saying so.

    def sample_request(self) -> BaseModel | None:
        """A realistic test request (the simulator sends it when it plays the consumer)."""
        return None

    def sample_response(self, request: BaseModel) -> BaseModel | None:
        """A realistic test answer to ``request`` (when the simulator plays the provider)."""
        return None


@dataclass
class TypeCatalogue:
    """The information types installed, by key and by request/response namespace."""

    types: dict[str, InformationType] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def add(self, info: InformationType) -> None:
        """Register a type; keys and namespaces must be unique."""
        if info.key in self.types:
            raise ValueError(f"information type {info.key} is installed twice")
        for ns in (info.request_namespace, info.response_namespace):
            other = self.by_namespace(ns)
            if other is not None:
                raise ValueError(f"namespace {ns} is claimed by {other.key} and {info.key}")
        self.types[info.key] = info

    def get(self, key: str) -> InformationType:
        """A type by key, with a suggestion on a typo."""
        try:
            return self.types[key]
        except KeyError:
            close = difflib.get_close_matches(key, list(self.types), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise LookupError(f"no information type {key!r}{hint}") from None

    def by_namespace(self, namespace: str) -> InformationType | None:
        """The type whose request or response root lives in ``namespace``."""
        for info in self.types.values():
            if namespace in (info.request_namespace, info.response_namespace):
                return info
        return None


def discover() -> TypeCatalogue:
    """Every installed information type; a broken plug-in is logged and left out."""
    catalogue = TypeCatalogue()
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        try:
            cls = ep.load()
            info = cls() if isinstance(cls, type) else cls
            if not isinstance(info, InformationType):
                raise TypeError(f"{ep.value} is not an InformationType")
            catalogue.add(info)
        except Exception as exc:  # noqa: BLE001 - one broken type must not stop the adapter
            catalogue.errors[ep.name] = f"{type(exc).__name__}: {exc}"
            log.error("information type %s failed to load: %s", ep.name, exc)
    return catalogue
