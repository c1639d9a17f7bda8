"""Official schemas (XSD) read from the directory the operator configures (invariant 9).

The product does not vendor СМЭВ or ФОМС schemas. A plug-in names the file it needs
(as published, e.g. ``zags-fatal-ru-root.xsd``) and, where names clash, part of its path;
the store finds it anywhere under the schema directory, so the operator's layout does not
matter, and compiles it once.
"""

from __future__ import annotations

import threading
from pathlib import Path

from lxml import etree

from hub.xmlsafe import parser


class SchemaNotFound(LookupError):
    """No file of that name under the schema directory."""


class SchemaStore:
    """Finds and compiles XSDs under one root directory; thread-safe, compiled once each."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._compiled: dict[str, etree.XMLSchema] = {}
        self._lock = threading.Lock()

    def find(self, name: str) -> Path:
        """The file whose path ends with ``name`` (a file name, or a tail of a path)."""
        tail = Path(name).parts
        matches = sorted(p for p in self.root.rglob(tail[-1]) if p.parts[-len(tail):] == tail)
        if not matches:
            raise SchemaNotFound(f"schema {name!r} is not under {self.root} (the directory "
                                 "of official schemas, OMSHUB_SCHEMAS_DIR)")
        if len(matches) > 1:
            raise SchemaNotFound(f"schema {name!r} is ambiguous under {self.root}: "
                                 + ", ".join(str(m.relative_to(self.root)) for m in matches)
                                 + " — name it with part of its path")
        return matches[0]

    def schema(self, name: str) -> etree.XMLSchema:
        """The compiled schema ``name`` (imports resolved relative to its file)."""
        with self._lock:
            compiled = self._compiled.get(name)
            if compiled is None:
                path = self.find(name)
                doc = etree.parse(str(path), parser())
                compiled = etree.XMLSchema(doc)
                self._compiled[name] = compiled
            return compiled

    def validate(self, name: str, element: etree._Element) -> list[str]:
        """Errors of ``element`` against schema ``name`` (empty when valid)."""
        schema = self.schema(name)
        if schema.validate(element):
            return []
        return [f"line {e.line}: {e.message}" for e in schema.error_log]
