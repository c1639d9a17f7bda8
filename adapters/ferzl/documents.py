"""The schemas of ФЕРЗЛ's *signed documents*: what a signed submission carries in ``data``.

``submitPolicyApplicationWithSign`` and ``makeNilIdentDecision`` carry an XML document
(``submitPolicyApplication``, ``makeNilIdentDecisionRequestData``) base64-encoded in ``data``.
Since API 24.1.4 those documents are versioned apart from the API («doc_service», spec 1.4.3:
at most three versions of each live at once), in folders of XSDs without ``wsdl/`` whose
namespaces are spelled like the API's (``http://ffoms.ru/types/24.1.4/mpiNilSchema``); before
that, the API release's own schema declared the document. So a document's schema is found by
its namespace and root element in every XSD under the schema directory, a doc_service schema
preferred over a release's where both declare it — installing a version is adding its files.
"""

from __future__ import annotations

import threading
from pathlib import Path

from lxml import etree

from adapters.ferzl.releases import parse_types_namespace
from contracts.schemas import SchemaStore
from contracts.xmlsafe import UnsafeXml, parse

XSD = "{http://www.w3.org/2001/XMLSchema}"
KNOWN_DOCUMENTS = frozenset({"submitPolicyApplication", "makeNilIdentDecisionRequestData"})
"""Root elements of the signed documents the spec names; a doc_service schema may add more."""


class DocumentSchemaMissing(LookupError):
    """No installed schema declares the document's root element in its namespace."""


def _in_release(path: Path) -> bool:
    """A release's XSD sits in ``xsd/`` beside the release's ``wsdl/``."""
    return (path.parent.parent / "wsdl").is_dir()


def _declared(path: Path) -> tuple[str, list[str]] | None:
    """The target namespace of a ФЕРЗЛ XSD and its global element names, or None."""
    try:
        root = parse(path.read_bytes())
    except (OSError, UnsafeXml, etree.XMLSyntaxError):
        return None
    namespace = root.get("targetNamespace") or ""
    if root.tag != f"{XSD}schema" or parse_types_namespace(namespace) is None:
        return None
    return namespace, [e.get("name") or "" for e in root.iterfind(f"{XSD}element")]


class DocumentSchemas:
    """Signed documents' schemas under a schema directory, compiled lazily, once each."""

    def __init__(self, root: Path, found: dict[tuple[str, str], Path]) -> None:
        self.root = root
        self.found = found
        """(namespace, root element) → the XSD that declares it."""
        self._store = SchemaStore(root)
        self._lock = threading.Lock()

    @classmethod
    def discover(cls, root: Path) -> DocumentSchemas:
        """Every signed document's schema under ``root``: doc_service first, then releases."""
        apart: dict[tuple[str, str], Path] = {}
        in_release: dict[tuple[str, str], Path] = {}
        for path in sorted(root.rglob("*.xsd")):
            declared = _declared(path)
            if declared is None:
                continue
            namespace, names = declared
            target = in_release if _in_release(path) else apart
            for name in names:
                target.setdefault((namespace, name), path)
        documents = KNOWN_DOCUMENTS | {name for _, name in apart}
        found = {key: path for key, path in in_release.items() if key[1] in documents}
        found.update(apart)
        return cls(root, found)

    def schema(self, document: etree._Element) -> etree.XMLSchema:
        """The compiled XSD of ``document``'s namespace and root element."""
        name = etree.QName(document)
        path = self.found.get((name.namespace or "", name.localname))
        if path is None:
            raise DocumentSchemaMissing(
                f"схема подписываемого документа {name.localname} в пространстве имён "
                f"{name.namespace or '(без пространства имён)'} не установлена в каталоге "
                f"схем {self.root}")
        return self._store.schema(path.relative_to(self.root).as_posix())

    def validate(self, document: etree._Element) -> list[str]:
        """Errors of ``document`` against its schema, in Russian; [] when it is valid."""
        try:
            compiled = self.schema(document)
        except (DocumentSchemaMissing, etree.XMLSchemaParseError) as exc:
            return [str(exc)]
        with self._lock:  # one validator's error log at a time
            if compiled.validate(document):
                return []
            return [f"строка {e.line}: {e.message}" for e in compiled.error_log]
