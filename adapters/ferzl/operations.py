"""The operations of ФЕРЗЛ's nine services, as each installed release's WSDLs declare them.

An operation is a ``portType`` operation: its input and output messages name the request and
answer elements. Whether it is asynchronous (a ``…Start``/``…Poll`` pair) or signed (its
request carries ``sign`` and ``certificate``) is read from the WSDL and the schema too, so a
new release with new operations needs no code. An operation missing from a release (for
example ``getSmpUnassigned`` exists only in 24.1.2) is reported as missing, never guessed.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from adapters.ferzl.releases import SERVICES, Release, Releases, version_key
from adapters.ferzl.shapes import shapes_of
from contracts.xmlsafe import parse

WSDL = "http://schemas.xmlsoap.org/wsdl/"
SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"


@dataclass(frozen=True)
class Operation:
    """One operation of one release (операция веб-сервиса ФЕРЗЛ)."""

    name: str
    """``getPersonData``, ``getAllCurrentEnpStart``…"""
    service: str
    """``mpiPersonInfoService``…"""
    schema: str
    """The schema of its messages: ``mpiPersonInfoSchema``…"""
    version: str
    request_element: str
    response_element: str
    soap_action: str
    asynchronous: bool
    """A ``…Start`` or ``…Poll`` of a Start/Poll pair."""
    signed: bool
    """Its request carries a signature and certificate (``sign``, ``certificate``; the
    signed document in ``data`` since 24.1.2, the decision itself in 23.4.7's
    makeNilIdentDecision)."""
    request_parts: tuple[str, ...] = ()
    """The names of the request element's children, in the schema's order."""

    @property
    def request_tag(self) -> str:
        """The request element's qualified tag in this release."""
        return f"{{{self.namespace}}}{self.request_element}"

    @property
    def response_tag(self) -> str:
        """The answer element's qualified tag in this release."""
        return f"{{{self.namespace}}}{self.response_element}"

    @property
    def namespace(self) -> str:
        """The namespace of the operation's messages."""
        return f"http://ffoms.ru/types/{self.version}/{self.schema}"

    @property
    def pair(self) -> str | None:
        """The asynchronous operation's common name (``getAllCurrentEnp``), else None."""
        if not self.asynchronous:
            return None
        return self.name.removesuffix("Start").removesuffix("Poll")


class Catalogue:
    """Every operation of every installed release."""

    def __init__(self, releases: Releases, by_version: dict[str, dict[str, Operation]]) -> None:
        self.releases = releases
        self.by_version = by_version

    @classmethod
    def read(cls, releases: Releases) -> Catalogue:
        """The catalogue of ``releases``, read from their WSDLs (once per release folder)."""
        return cls(releases, {r.version: _release_operations(r) for r in releases})

    def operations(self, version: str) -> list[Operation]:
        """The operations of a release, by service then name."""
        self.releases.get(version)  # LookupError in Russian for a release not installed
        return sorted(self.by_version.get(version, {}).values(),
                      key=lambda o: (o.service, o.name))

    def find(self, version: str, name: str) -> Operation:
        """The operation ``name`` of release ``version``; LookupError saying which releases
        have it when this one does not."""
        self.releases.get(version)
        found = self.by_version.get(version, {}).get(name)
        if found is not None:
            return found
        having = self.versions_of(name)
        if having:
            raise LookupError(f"операции {name} нет в выпуске API ФЕРЗЛ {version}; "
                              f"она есть в выпусках: {', '.join(having)}")
        raise LookupError(f"операции {name} нет ни в одном установленном выпуске API ФЕРЗЛ")

    def versions_of(self, name: str) -> list[str]:
        """The installed releases that have operation ``name``, oldest first."""
        return sorted((v for v, ops in self.by_version.items() if name in ops), key=version_key)

    def names(self) -> list[str]:
        """Every operation name of any installed release."""
        return sorted({name for ops in self.by_version.values() for name in ops})


_READ: dict[tuple[Path, str], dict[str, Operation]] = {}
_LOCK = threading.Lock()


def _release_operations(release: Release) -> dict[str, Operation]:
    """The operations of a release's WSDLs, read once per release folder."""
    key = (release.folder, release.version)
    with _LOCK:
        if key not in _READ:
            found: dict[str, Operation] = {}
            for service, path in release.wsdl.items():
                for operation in _wsdl_operations(release, service, path):
                    found[operation.name] = operation
            _READ[key] = found
        return dict(_READ[key])


def _wsdl_operations(release: Release, service: str, path: Path) -> list[Operation]:
    root = parse(path.read_bytes())
    schema = SERVICES[service]
    elements = {
        message.get("name"): _local(part.get("element") or "")
        for message in root.iterfind(f"{{{WSDL}}}message")
        for part in message.iterfind(f"{{{WSDL}}}part")
    }
    actions = {
        op.get("name") or "": action.get("soapAction") or ""
        for op in root.iterfind(f"{{{WSDL}}}binding/{{{WSDL}}}operation")
        for action in op.iterfind(f"{{{SOAP}}}operation")
    }
    ported = list(root.iterfind(f"{{{WSDL}}}portType/{{{WSDL}}}operation"))
    names = {op.get("name") or "" for op in ported}
    shapes = shapes_of(release)
    found = []
    for op in ported:
        name = op.get("name") or ""
        request = elements.get(_local(_message(op, "input")), "")
        response = elements.get(_local(_message(op, "output")), "")
        declaration = shapes.element(release.namespace(schema), request)
        children = tuple(child.name for child in shapes.children(declaration))
        found.append(Operation(
            name=name, service=service, schema=schema, version=release.version,
            request_element=request, response_element=response,
            soap_action=actions.get(name, ""),
            asynchronous=_paired(name, names),
            signed={"sign", "certificate"} <= set(children),
            request_parts=children,
        ))
    return found


def _paired(name: str, names: set[str]) -> bool:
    for suffix, other in (("Start", "Poll"), ("Poll", "Start")):
        if name.endswith(suffix) and name.removesuffix(suffix) + other in names:
            return True
    return False


def _message(operation: etree._Element, direction: str) -> str:
    found = operation.find(f"{{{WSDL}}}{direction}")
    return "" if found is None else found.get("message") or ""


def _local(qname: str) -> str:
    return qname.rpartition(":")[2]
