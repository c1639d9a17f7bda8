"""Versions of the СМЭВ 3 message-exchange protocol: namespaces, schema files, operations.

Every namespace here is copied from the ``targetNamespace`` of the official XSDs and WSDLs
(``smev-message-exchange-{types,basic,faults,routing,directive}-<v>.xsd`` and
``smev-message-exchange-service-<v>.wsdl``); ``tests/adapters/smev3/test_protocol.py`` reads
them back from the fixture copies, so a typo here fails a test rather than a conversation with СМЭВ.

The three versions differ in detail, not in shape:

- 1.1: ``MessageMetadata`` carries DestinationName and SupplementaryData; GetRequest may return
  a ``Cancel``; the status enumeration has ``responseIsDelivered``.
- 1.2: ``MessageMetadata`` is reduced to mnemonics plus certificate expiry hints; statuses
  ``responseIsRejectedBySmev``, ``messageIsArchived``, ``messageIsDelivered``.
- 1.3: routing (``rout:Routing`` in SendRequest, ``rout:RoutingStatus`` in statuses), file
  archive descriptions in attachment headers, the fault ``PersonalAccessDenied``.

All three have the same six operations in their WSDL binding, each with the SOAPAction
``urn:<Operation>`` (1.1 also has GetIncomingQueueStatistics, which the adapter does not use).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from adapters.smev3.protocol.errors import UnknownVersion
from adapters.smev3.types import ProtocolVersion

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
"""SOAP 1.1 envelope namespace (the WSDL bindings are ``wsdl/soap/``: SOAP 1.1)."""
XMLDSIG = "http://www.w3.org/2000/09/xmldsig#"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XOP = "http://www.w3.org/2004/08/xop/include"

Operation = Literal["SendRequest", "SendResponse", "GetRequest", "GetResponse", "Ack", "GetStatus"]
OPERATIONS: tuple[Operation, ...] = get_args(Operation)

SOAP_ACTIONS: dict[Operation, str] = {op: f"urn:{op}" for op in OPERATIONS}
"""``soap:operation/@soapAction`` of each operation, identical in the 1.1, 1.2 and 1.3 WSDLs."""

_URN = "urn://x-artefacts-smev-gov-ru/services/message-exchange"


@dataclass(frozen=True, slots=True)
class Version:
    """One version of the protocol: its namespaces and the file names of its schemas."""

    number: ProtocolVersion
    service: str
    """WSDL target namespace."""
    types: str
    """Operation elements, SenderProvided*Data, MessageMetadata, statuses."""
    basic: str
    """Shared types: MessagePrimaryContent, attachments, MessageTypeSelector, enumerations."""
    faults: str
    """SOAP fault details."""
    routing: str | None = None
    directive: str | None = None

    @property
    def types_xsd(self) -> str:
        """File name of the types schema (imports basic, and routing/directive in 1.3)."""
        return f"smev-message-exchange-types-{self.number}.xsd"

    @property
    def basic_xsd(self) -> str:
        """File name of the basic schema."""
        return f"smev-message-exchange-basic-{self.number}.xsd"

    @property
    def faults_xsd(self) -> str:
        """File name of the faults schema."""
        return f"smev-message-exchange-faults-{self.number}.xsd"

    @property
    def wsdl(self) -> str:
        """File name of the service description."""
        return f"smev-message-exchange-service-{self.number}.wsdl"

    @property
    def namespaces(self) -> dict[str, str]:
        """Prefixes used in the envelopes this package builds (any prefix is valid on input)."""
        ns = {"soap": SOAP_ENV, "smev": self.types, "basic": self.basic,
              "faults": self.faults, "ds": XMLDSIG}
        if self.routing is not None:
            ns["rout"] = self.routing
        return ns

    def __str__(self) -> str:
        return f"СМЭВ 3 message exchange {self.number}"


def _version(number: ProtocolVersion, *, v13: bool = False) -> Version:
    return Version(
        number=number,
        service=f"{_URN}/{number}",
        types=f"{_URN}/types/{number}",
        basic=f"{_URN}/types/basic/{number}",
        faults=f"{_URN}/types/faults/{number}",
        routing=f"{_URN}/types/routing/{number}" if v13 else None,
        directive=f"{_URN}/types/directive/{number}" if v13 else None,
    )


V1_1 = _version("1.1")
V1_2 = _version("1.2")
V1_3 = _version("1.3", v13=True)
VERSIONS: dict[ProtocolVersion, Version] = {v.number: v for v in (V1_1, V1_2, V1_3)}


def version(value: Version | str) -> Version:
    """The version for ``"1.1"``/``"1.2"``/``"1.3"`` (a :class:`Version` passes through)."""
    if isinstance(value, Version):
        return value
    try:
        return VERSIONS[value]  # type: ignore[index]
    except KeyError:
        raise UnknownVersion(f"unknown СМЭВ 3 protocol version {value!r}; known: "
                             + ", ".join(VERSIONS)) from None


def version_of_namespace(namespace: str | None) -> Version:
    """The version whose types, basic or faults namespace is ``namespace``."""
    for v in VERSIONS.values():
        if namespace in (v.types, v.basic, v.faults):
            return v
    raise UnknownVersion(
        f"namespace {namespace!r} is not a СМЭВ 3 message-exchange namespace of version "
        + ", ".join(VERSIONS) + f" (expected e.g. {V1_3.types})"
    )
