"""Where each ФЕРЗЛ operation is POSTed and with which SOAPAction, as the WSDLs say.

The spec's formula for a release's links is ``<host>/api/t-foms/integration/ws/<version>/
{wsdl|xsd}/<name>``; a service's ``soap:address`` is its WSDL's path without ``.wsdl``
(``…/ws/24.2.6/wsdl/mpiPersonInfoServiceWs``). The published WSDLs point at localhost:8080,
so only the *path* of the address is taken and put behind the configured host. An operator
may override the URL of a service (every release, or one release) where a stand differs.

The SOAPAction is read from the WSDL binding, not guessed from the operation's name: the
published ones are not uniform (registerAddress's action is ``…/tfoms/registerAddres``).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from adapters.ferzl.releases import Releases
from contracts.xmlsafe import parse

WSDL = "http://schemas.xmlsoap.org/wsdl/"
WSDL_SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
PATH_TEMPLATE = "/api/t-foms/integration/ws/{version}/wsdl/{name}"
"""The spec's path of a service endpoint; ``name`` is the WSDL's name without ``.wsdl``."""
ACTION_TEMPLATE = "http://ffoms.ru/services/tfoms/{operation}"
"""The SOAPAction when no WSDL of the release is installed (what most published ones say)."""


@dataclass(frozen=True)
class ServiceBinding:
    """What one service's WSDL says: its address path and each request element's operation."""

    path: str
    operations: dict[str, tuple[str, str]]
    """Request element local name → ``(operation, SOAPAction)``."""


def read_binding(wsdl: Path) -> ServiceBinding:
    """The address path and the operations of one WSDL file."""
    root = parse(wsdl.read_bytes())
    address = root.find(f".//{{{WSDL}}}service/{{{WSDL}}}port/{{{WSDL_SOAP}}}address")
    location = address.get("location", "") if address is not None else ""
    path = urlsplit(location).path or PATH_TEMPLATE.format(version="?", name=wsdl.stem)
    elements: dict[str, str] = {}  # message name → its part's element local name
    for message in root.iterfind(f"{{{WSDL}}}message"):
        part = message.find(f"{{{WSDL}}}part")
        if part is not None and part.get("element"):
            elements[message.get("name", "")] = part.get("element", "").rpartition(":")[2]
    actions: dict[str, str] = {}
    for operation in root.iterfind(f"{{{WSDL}}}binding/{{{WSDL}}}operation"):
        soap = operation.find(f"{{{WSDL_SOAP}}}operation")
        if soap is not None:
            actions[operation.get("name", "")] = soap.get("soapAction", "")
    operations: dict[str, tuple[str, str]] = {}
    for operation in root.iterfind(f"{{{WSDL}}}portType/{{{WSDL}}}operation"):
        name = operation.get("name", "")
        given = operation.find(f"{{{WSDL}}}input")
        message = (given.get("message", "") if given is not None else "").rpartition(":")[2]
        element = elements.get(message, f"{name}Request")
        operations[element] = (name, actions.get(name, ACTION_TEMPLATE.format(operation=name)))
    return ServiceBinding(path, operations)


class Endpoints:
    """The URL and SOAPAction of every operation of every installed release.

    ``overrides`` maps ``"<service>"`` or ``"<version>/<service>"`` (the more specific wins)
    to a full URL. Without the WSDL of a release the spec's path and the usual action are
    assumed.
    """

    def __init__(self, base_url: str, releases: Releases | None = None,
                 overrides: Mapping[str, str] | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.releases = releases
        self.overrides = dict(overrides or {})
        self._bindings: dict[tuple[str, str], ServiceBinding | None] = {}
        self._lock = threading.Lock()

    def binding(self, version: str, service: str) -> ServiceBinding | None:
        """The WSDL binding of ``service`` in ``version``, None when not installed."""
        key = (version, service)
        with self._lock:
            if key not in self._bindings:
                release = (self.releases.releases.get(version)
                           if self.releases is not None else None)
                wsdl = release.wsdl.get(service) if release is not None else None
                self._bindings[key] = read_binding(wsdl) if wsdl is not None else None
            return self._bindings[key]

    def url(self, version: str, service: str) -> str:
        """Where ``service`` of ``version`` is POSTed."""
        for key in (f"{version}/{service}", service):
            if key in self.overrides:
                return self.overrides[key]
        bound = self.binding(version, service)
        path = bound.path if bound is not None else PATH_TEMPLATE.format(
            version=version, name=f"{service}Ws")
        return self.base_url + path

    def operation(self, version: str, service: str, element: str) -> tuple[str, str]:
        """``(operation, SOAPAction)`` of a request element (``getPersonDataRequest``)."""
        bound = self.binding(version, service)
        if bound is not None and element in bound.operations:
            return bound.operations[element]
        name = element.removesuffix("Request")
        return name, ACTION_TEMPLATE.format(operation=name)
