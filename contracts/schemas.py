"""Official schemas (XSD) read from the directory the operator configures (invariant 9).

The product does not vendor СМЭВ or ФОМС schemas. A plug-in names the file it needs
(as published, e.g. ``zags-fatal-ru-root.xsd``) and, where names clash, part of its path;
the store finds it anywhere under the schema directory, so the operator's layout does not
matter, and compiles it once.

Some published schemas do not compile as shipped (an invalid ``default`` in a ФОМС list
schema, a ``basic`` СМЭВ 1.2 file altered by the emulator that circulates it). A
:data:`SchemaRepair` fixes such a file in memory each time it is loaded — the top file and
every file it includes or imports, served by :class:`LocalResolver` from local files only —
so the operator's copy is used as published and never edited.

It lives in contracts/ because the message types validate against the official schemas;
every layer above uses it from here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree

from contracts.xmlsafe import parse, parser

XS = "http://www.w3.org/2001/XMLSchema"
REFERENCES = ("include", "import", "redefine")
"""The XSD elements that pull in another schema file by ``schemaLocation``."""

SchemaRepair = Callable[[str, etree._Element], None]
"""(file name, parsed schema root) → fix the document in place before compiling."""


OFFICIAL_GROUP = "omshub.schemas"
"""Entry point group of what each plug-in reads from the schema directory: a sequence of
:class:`OfficialFile`, or a callable returning one (``omshub schemas`` lists and imports)."""


@dataclass(frozen=True)
class OfficialFile:
    """A published file (an XSD, a dictionary) a plug-in reads from the schema directory."""

    name: str
    """The file name, or the tail of its path where names clash (as :meth:`SchemaStore.find`
    takes it)."""
    enables: str
    """What it makes possible, in Russian, for the operator who installs it."""
    repairs: tuple[SchemaRepair, ...] = ()
    """In-memory fixes the plug-in applies when it compiles the file (see above)."""


class SchemaNotFound(LookupError):
    """No file of that name under the schema directory."""


class AmbiguousSchema(SchemaNotFound):
    """More than one file of that name under the schema directory."""


class SchemaIncomplete(SchemaNotFound, etree.XMLSchemaParseError):  # type: ignore[misc]
    """A schema found but not compilable because a file it imports or includes is absent
    from the schema directory (a published set with a part never published). It is also an
    ``XMLSchemaParseError``, which callers of :meth:`SchemaStore.schema` already handle."""


class ForeignSchema(ValueError):
    """A schema includes or imports something that is not a local file."""


class LocalResolver(etree.Resolver):  # type: ignore[misc]
    """Serves schema includes and imports from local files, repaired, through the hardened
    parser; anything else (http, ftp) is refused."""

    def __init__(self, repairs: Sequence[SchemaRepair]) -> None:
        super().__init__()
        self.repairs = tuple(repairs)

    def resolve(self, url: str, pubid: str | None, context: object) -> object:
        """The repaired document at ``url``."""
        parts = urlsplit(url)
        if parts.scheme not in ("", "file"):
            raise ForeignSchema(f"schema import {url} is not a local file: refused")
        path = Path(unquote(parts.path))
        return self.resolve_string(repaired(path, self.repairs), context,
                                   base_url=path.as_uri())


def repaired(path: Path, repairs: Sequence[SchemaRepair]) -> bytes:
    """The bytes of the schema file ``path`` with every repair applied."""
    root = parse(path.read_bytes())
    for repair in repairs:
        repair(path.name, root)
    data: bytes = etree.tostring(root)
    return data


def resolving_parser(repairs: Sequence[SchemaRepair]) -> etree.XMLParser:
    """A hardened parser whose includes and imports go through :class:`LocalResolver`."""
    schema_parser = parser()
    schema_parser.resolvers.add(LocalResolver(repairs))
    return schema_parser


class SchemaStore:
    """Finds and compiles XSDs under one root directory; thread-safe, compiled once each.

    ``repairs`` are applied to every schema file loaded (see the module docstring).
    """

    def __init__(self, root: Path, repairs: Sequence[SchemaRepair] = ()) -> None:
        self.root = Path(root)
        self.repairs = tuple(repairs)
        self._compiled: dict[str, etree.XMLSchema] = {}
        self._lock = threading.Lock()

    def find(self, name: str) -> Path:
        """The file whose path ends with ``name`` (a file name, or a tail of a path)."""
        tail = Path(name).parts
        matches = sorted(p for p in self.root.rglob(tail[-1]) if p.parts[-len(tail):] == tail)
        if not matches:
            raise SchemaNotFound(f"схемы {name} нет в каталоге официальных схем {self.root} "
                                 "(OMSHUB_SCHEMAS_DIR; установка: omshub schemas import)")
        if len(matches) > 1:
            raise AmbiguousSchema(f"схема {name} в каталоге {self.root} не одна: "
                                 + ", ".join(str(m.relative_to(self.root)) for m in matches)
                                 + " — оставьте одну копию")
        return matches[0]

    def schema(self, name: str) -> etree.XMLSchema:
        """The compiled schema ``name`` (imports resolved relative to its file).

        A schema that does not compile for want of a file raises :class:`SchemaIncomplete`
        saying which, in the operator's words; a failure is not remembered, so installing
        the missing file is enough.
        """
        with self._lock:
            compiled = self._compiled.get(name)
            if compiled is None:
                path = self.find(name)
                if self.repairs:
                    doc = etree.fromstring(repaired(path, self.repairs),
                                           resolving_parser(self.repairs),
                                           base_url=path.as_uri())
                else:
                    doc = etree.parse(str(path), parser())
                try:
                    compiled = etree.XMLSchema(doc)
                except etree.XMLSchemaParseError as exc:
                    problem = self.problem(name)
                    if problem is None:
                        raise  # invalid as published: lxml's own account of it
                    raise SchemaIncomplete(problem) from exc
                self._compiled[name] = compiled
            return compiled

    def missing(self, name: str) -> list[Path]:
        """The files schema ``name`` includes or imports, directly or through another,
        that are not where it points to (without compiling anything)."""
        absent: list[Path] = []
        seen: set[Path] = set()
        todo = [self.find(name)]
        while todo:
            path = todo.pop()
            if path in seen:
                continue
            seen.add(path)
            root = parse(repaired(path, self.repairs) if self.repairs else path.read_bytes())
            for ref in root.iterchildren(*(f"{{{XS}}}{k}" for k in REFERENCES)):
                location = ref.get("schemaLocation")
                if not location or urlsplit(location).scheme not in ("", "file"):
                    continue
                target = (path.parent / unquote(urlsplit(location).path)).resolve()
                if target.is_file():
                    todo.append(target)
                elif target not in absent:
                    absent.append(target)
        return absent

    def problem(self, name: str) -> str | None:
        """Why schema ``name`` cannot be used, in Russian, when a file it needs is absent;
        ``None`` when every file is in place (raises :class:`SchemaNotFound` if it is)."""
        absent = self.missing(name)
        if not absent:
            return None
        files = ", ".join(self._shown(p) for p in absent)
        return (f"схема {name} неполная: нет файла {files}, который она импортирует, — "
                "без него она не компилируется и ничего по ней не проверить; положите "
                f"его в каталог официальных схем {self.root} по этому пути")

    def _shown(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.resolve()))
        except ValueError:
            return str(path)

    def validate(self, name: str, element: etree._Element) -> list[str]:
        """Errors of ``element`` against schema ``name`` (empty when valid)."""
        schema = self.schema(name)
        if schema.validate(element):
            return []
        return [f"line {e.line}: {e.message}" for e in schema.error_log]
