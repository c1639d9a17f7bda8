"""ФЕРЗЛ API releases as the operator installs them: each release's WSDL and XSD, by version.

ФФОМС publishes the API for ТФОМС as releases (23.4.7, 24.1.2, 24.1.4, 24.2.6…), at most three
live at once; the version is in every namespace — ``http://ffoms.ru/types/24.2.6/
mpiPersonInfoSchema``. A release is installed as published: a folder holding ``wsdl/`` (nine
services) and ``xsd/`` (ten schemas; the WSDLs import ``../xsd/…``), anywhere under the
schema directory (``schemas_dir``), under any folder name — the version is read from the
namespaces the WSDLs import, so adding a release is adding its files, not code.

The schemas of the *signed document* (``doc_service``, versioned apart since 24.1.4) share
namespaces with the API's but sit in a folder without ``wsdl/``: they are not a release.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from contracts.schemas import SchemaStore
from contracts.xmlsafe import parse

TYPES_NS = re.compile(r"^http://ffoms\.ru/types/(?P<version>\d+(?:\.\d+)*)/(?P<schema>\w+)$")

SERVICES: dict[str, str] = {
    "mpiPersonInfoService": "mpiPersonInfoSchema",
    "mpiAsyncOperationsService": "mpiAsyncOperationsSchema",
    "mpiPolicyApplicationService": "mpiPolicyApplicationSchema",
    "mpiAttachControlService": "mpiAttachControlSchema",
    "mpiPersonObjectsControl": "mpiPersonObjectsControlSchema",
    "insuranceSuspendService": "insuranceSuspendSchema",
    "mpiNilService": "mpiNilSchema",
    "mpiNRService": "mpiNRSchema",
    "mpiLegalRepresentationService": "mpiLegalRepresentationSchema",
}
"""The nine services for ТФОМС and the schema of each one's messages."""
COMMON = "commonTypes"
"""The schema of the types every service shares (``externalRequestId``, ``enp``…)."""


def parse_types_namespace(namespace: str) -> tuple[str, str] | None:
    """``(version, schema)`` of a types namespace, or None when it is not ФЕРЗЛ's."""
    found = TYPES_NS.match(namespace)
    return (found["version"], found["schema"]) if found else None


def version_key(version: str) -> tuple[int, ...]:
    """A version as a tuple of numbers, for ordering (``24.1.4`` < ``24.2.6``)."""
    return tuple(int(p) for p in version.split("."))


@dataclass(frozen=True)
class Release:
    """One installed release: its version and its files."""

    version: str
    folder: Path
    wsdl: dict[str, Path] = field(default_factory=dict)
    """Service name (``mpiPersonInfoService``) → its WSDL."""
    xsd: dict[str, Path] = field(default_factory=dict)
    """Schema name (``mpiPersonInfoSchema``, ``commonTypes``) → its XSD."""

    def namespace(self, schema: str) -> str:
        """The namespace of ``schema``'s types in this release."""
        return f"http://ffoms.ru/types/{self.version}/{schema}"



def _service_of(path: Path) -> tuple[str, str] | None:
    """``(version, service)`` of a ФЕРЗЛ WSDL file, or None when it is not one.

    The service is known by the schema its types import: the services' own namespaces are
    not spelled alike (``…/mpiNrService``, ``…/mpiPersonObjectsControlWs``)."""
    try:
        root = parse(path.read_bytes())
    except (OSError, etree.XMLSyntaxError):
        return None
    by_schema = {schema: service for service, schema in SERVICES.items()}
    for imported in root.iter("{http://www.w3.org/2001/XMLSchema}import"):
        named = parse_types_namespace(imported.get("namespace") or "")
        if named is not None and named[1] in by_schema:
            return named[0], by_schema[named[1]]
    return None


class Releases:
    """The releases found under a schema directory, with their compiled schemas.

    Compiling is lazy and once per schema (thread-safe); the files are compiled through
    :class:`contracts.schemas.SchemaStore`, so they are read from local files only.
    """

    def __init__(self, root: Path, releases: dict[str, Release]) -> None:
        self.root = root
        self.releases = releases
        self._store = SchemaStore(root)
        self._compiled: dict[tuple[str, str], etree.XMLSchema] = {}
        self._lock = threading.Lock()

    @classmethod
    def discover(cls, root: Path) -> Releases:
        """Every release under ``root``: a folder whose ``wsdl/`` holds ФЕРЗЛ services and
        whose ``xsd/`` holds their schemas."""
        found: dict[str, Release] = {}
        for wsdl in sorted(root.rglob("wsdl/*.wsdl")):
            named = _service_of(wsdl)
            if named is None or named[1] not in SERVICES:
                continue
            version, service = named
            folder = wsdl.parent.parent
            release = found.setdefault(version, Release(version, folder))
            if release.folder != folder:
                continue  # the same version twice: the first folder found counts
            release.wsdl[service] = wsdl
            for name in (SERVICES[service], COMMON):
                xsd = folder / "xsd" / f"{name}.xsd"
                if xsd.is_file():
                    release.xsd[name] = xsd
        return cls(root, found)

    def __iter__(self) -> Iterator[Release]:
        return iter(sorted(self.releases.values(), key=lambda r: version_key(r.version)))

    @property
    def versions(self) -> list[str]:
        """The installed versions, oldest first."""
        return [r.version for r in self]

    def get(self, version: str) -> Release:
        """The release of ``version``; LookupError naming the installed ones otherwise."""
        try:
            return self.releases[version]
        except KeyError:
            raise LookupError(f"выпуск API ФЕРЗЛ {version} не установлен в каталоге схем "
                              f"(установлены: {', '.join(self.versions) or 'нет'})") from None

    def schema(self, version: str, schema: str) -> etree.XMLSchema:
        """The compiled XSD of ``schema`` in ``version`` (it imports what it needs)."""
        key = (version, schema)
        with self._lock:
            if key not in self._compiled:
                release = self.get(version)
                if schema not in release.xsd:
                    raise LookupError(f"в выпуске API ФЕРЗЛ {version} нет схемы {schema}.xsd")
                relative = release.xsd[schema].relative_to(self.root).as_posix()
                self._compiled[key] = self._store.schema(relative)
            return self._compiled[key]

    def validate(self, element: etree._Element) -> list[str]:
        """Errors of ``element`` (a request or an answer, the SOAP body's child) against the
        schema of its namespace's release; one error when that release is not installed."""
        named = parse_types_namespace(etree.QName(element).namespace or "")
        if named is None:
            return [f"элемент {etree.QName(element).text} не из пространства имён ФЕРЗЛ"]
        version, schema = named
        try:
            compiled = self.schema(version, schema)
        except LookupError as exc:
            return [str(exc)]
        with self._lock:  # one validator's error log at a time
            if compiled.validate(element):
                return []
            return [f"строка {e.line}: {e.message}" for e in compiled.error_log]
