"""Reading and writing the exchange files: bytes ↔ model, or a list of problems.

:func:`read_file` parses with the hardened parser (:mod:`contracts.xmlsafe`: no DTD, no
entities), recognises the format by its root element, validates it against its XSD when the
format has one and a :class:`~contracts.schemas.SchemaStore` is given (:func:`erz_schemas`
applies the FPOLIS repair), and maps it. Whatever is wrong comes back as
:class:`FileRefused` whose ``problems`` are ready for a format-control protocol: a code, the
element path (``ATT\\REC\\DATE_ATTACH_B``), the record (N_ZAP or N_REC) and a message — no
values, since they may be personal. :func:`write_file` writes a model in the samples' encoding.

**The FPOLIS repair.** ``TargetClass.xsd`` gives ``FPOLIS`` (type ``Form_polis_Enum``:
П/Э/К) ``default="0"``, not a value of its type, so lxml refuses to compile it and every
list schema that includes it. :func:`repair_fpolis` removes that one attribute in memory
each time the file is loaded; the operator's file stays as published.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

from lxml import etree

from contracts.erz import attachment, lists, notices
from contracts.schemas import SchemaStore
from contracts.xmlbind.binding import Issue, MappingError, XmlModel, from_xml, qname, to_xml
from contracts.xmlsafe import UnsafeXml, parse

M = TypeVar("M", bound=XmlModel)
XS = "http://www.w3.org/2001/XMLSchema"

NOT_XML = "XML"
"""The bytes are not well-formed XML, or are refused as unsafe (a DTD, entities)."""
UNKNOWN = "FORMAT"
"""The root element is none of the known formats (or not the one expected)."""
SCHEMA = "XSD"
"""The file does not validate against its official schema."""
STRUCTURE = "STRUCTURE"
"""An element is missing, repeated, out of order or not of the format."""
VALUE = "VALUE"
"""An element's value is refused (a type, a length, a code, a count)."""


@dataclass(frozen=True)
class FileFormat:
    """One exchange format: its model, root, XSD (if one is public) and encoding."""

    model: type[XmlModel]
    schema: str | None
    encoding: str
    record: str
    """The element numbering a record (``N_ZAP``, ``N_REC``), for problems' record numbers."""

    @property
    def tag(self) -> str:
        """The lxml tag of the root element."""
        return qname(self.model.xml_namespace, self.model.xml_root)


FORMATS: tuple[FileFormat, ...] = (
    FileFormat(lists.OperationList, "OPLIST.xsd", "utf-8", "N_REC"),
    FileFormat(lists.ReplyList, "REPLIST.xsd", "utf-8", "N_REC"),
    FileFormat(lists.RecordList, "RECLIST.xsd", "utf-8", "ID"),
    FileFormat(lists.StopList, "STOPLIST.xsd", "utf-8", "ID"),
    FileFormat(lists.ConflictList, "CONFLICTLIST.xsd", "utf-8", "ID"),
    FileFormat(lists.ListProtocol, "FLK_P.xsd", "utf-8", "N_REC"),
    FileFormat(attachment.AttachmentFile, None, "windows-1251", "N_ZAP"),
    FileFormat(attachment.AttachmentProtocol, None, "windows-1251", "N_ZAP"),
    FileFormat(attachment.AttachedList, None, "windows-1251", "N_ZAP"),
    FileFormat(notices.DeathNotice, None, "windows-1251", "N_ZAP"),
)
"""Every format. The lists' XSDs declare ``utf-8``; the attachment samples are windows-1251,
and so is OMS Hub's own ZL_DEATH notice."""


@dataclass(frozen=True)
class Problem:
    """One problem of a received file, as a format-control protocol reports it."""

    code: str
    tag: str
    """Element path from the root, backslash-separated: ``ATT\\REC\\DATE_ATTACH_B``."""
    record: str | None
    """The record's number (its N_ZAP or N_REC), when the problem is inside one."""
    message: str
    line: int | None = None


class FileRefused(ValueError):
    """A file that cannot be read; ``problems`` lists everything found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.tag or '(file)'}"
                                   + (f" N{p.record}" if p.record else "") + f": {p.message}"
                                   for p in problems))
        self.problems = problems


def format_of(model: type[XmlModel]) -> FileFormat:
    """The format of a root model."""
    for fmt in FORMATS:
        if fmt.model is model:
            return fmt
    raise LookupError(f"{model.__qualname__} is not an exchange file format")


def repair_fpolis(name: str, root: etree._Element) -> None:
    """Drop the invalid ``default="0"`` of FPOLIS in ``TargetClass.xsd`` (see the docstring)."""
    if name == "TargetClass.xsd":
        for element in root.iter(f"{{{XS}}}element"):
            if element.get("name") == "FPOLIS" and element.get("default") == "0":
                del element.attrib["default"]


def erz_schemas(root: Path) -> SchemaStore:
    """A schema store over the operator's directory with the FPOLIS repair applied."""
    return SchemaStore(root, repairs=[repair_fpolis])


def read_file(data: bytes, expected: type[M] | None = None, *,
              schemas: SchemaStore | None = None) -> XmlModel:
    """The model of a file's bytes; :class:`FileRefused` listing every problem otherwise.

    ``expected`` restricts the format (the root must be that model's); ``schemas``, when
    given, validates the formats that have an XSD before mapping.
    """
    try:
        root = parse(data)
    except UnsafeXml as exc:
        raise FileRefused([Problem(NOT_XML, "", None, str(exc))]) from None
    fmt = next((f for f in FORMATS if f.tag == root.tag), None)
    if fmt is None or (expected is not None and fmt.model is not expected):
        wanted = [format_of(expected)] if expected is not None else FORMATS
        known = ", ".join(f.model.xml_root + (" (" + f.model.xml_namespace + ")"
                                              if f.model.xml_namespace else "")
                          for f in wanted)
        got = etree.QName(root)
        raise FileRefused([Problem(UNKNOWN, got.localname, None,
                                   f"root {got.localname} ({got.namespace or 'no namespace'})"
                                   f" is not {known}")])
    if schemas is not None and fmt.schema is not None:
        schema = schemas.schema(fmt.schema)
        if not schema.validate(root):
            raise FileRefused([_schema_problem(root, fmt, e) for e in schema.error_log])
    try:
        return from_xml(fmt.model, root)
    except MappingError as exc:
        raise FileRefused([_problem(root, fmt, issue) for issue in exc.issues]) from None


def write_file(model: XmlModel) -> bytes:
    """The file's bytes: indented, with the declaration of the format's encoding."""
    fmt = format_of(type(model))
    root = to_xml(model)
    etree.indent(root, space="\t")
    data: bytes = etree.tostring(root, xml_declaration=True, encoding=fmt.encoding)
    return data


def schema_errors(model: XmlModel, schemas: SchemaStore, data: bytes | None = None
                  ) -> list[str]:
    """Errors of a model's XML against its format's XSD (empty when valid, or no XSD).

    ``data``: the model's bytes already written by :func:`write_file`, to check those.
    """
    fmt = format_of(type(model))
    if fmt.schema is None:
        return []
    return schemas.validate(fmt.schema, parse(write_file(model) if data is None else data))


def write_checked(model: XmlModel, schemas: SchemaStore | None) -> bytes:
    """The file's bytes (:func:`write_file`); ValueError when its format's XSD refuses
    them (nothing is checked without ``schemas``), so that no invalid file is sent."""
    data = write_file(model)
    if schemas is not None:
        errors = schema_errors(model, schemas, data)
        if errors:
            raise ValueError(f"{type(model).__name__} does not validate: {errors[:3]}")
    return data


def attachment_protocol(source: str, problems: Iterable[Problem], result: int,
                        on: date) -> attachment.AttachmentProtocol:
    """The FLK_P answering the ATT file ``source`` (its name, with or without ``.xml``)."""
    stem = source.removesuffix(".xml").removesuffix(".XML")
    return attachment.AttachmentProtocol(
        header=attachment.ProtocolHeader(file_date=on, file_name=f"F{stem}", source_file=stem,
                                         result=result),
        errors=[attachment.ProtocolError(code=p.code, message=p.message, tag=p.tag,
                                         record=int(p.record) if p.record and
                                         p.record.isdigit() else None)
                for p in problems])


def _problem(root: etree._Element, fmt: FileFormat, issue: Issue) -> Problem:
    element, record = _locate(root, fmt, issue.path)
    if issue.name and not issue.name.startswith("@"):
        child = element.find(qname(fmt.model.xml_namespace, issue.name))
        element = child if child is not None else element
    return Problem(_kind_of(issue), "\\".join(issue.names), record, issue.message,
                   element.sourceline)


def _kind_of(issue: Issue) -> str:
    structural = ("is missing", "unexpected element", "out of order", "more than once",
                  "nor the flag")
    return STRUCTURE if any(s in issue.message for s in structural) else VALUE


def _locate(root: etree._Element, fmt: FileFormat,
            path: tuple[str | int, ...]) -> tuple[etree._Element, str | None]:
    """The element at ``path`` and the number of the record it is in."""
    element, record = root, None
    for i, part in enumerate(path[1:], start=1):
        if isinstance(part, int):
            continue
        following = path[i + 1] if i + 1 < len(path) else None
        position = following if isinstance(following, int) else 0
        children = element.findall(qname(fmt.model.xml_namespace, part))
        if position >= len(children):
            break
        element = children[position]
        if isinstance(following, int):
            number = element.findtext(qname(fmt.model.xml_namespace, fmt.record))
            record = number.strip() if number and number.strip() else str(position + 1)
    return element, record


def _schema_problem(root: etree._Element, fmt: FileFormat, error: object) -> Problem:
    line: int = getattr(error, "line", 0)
    element = next((e for e in root.iter() if e.sourceline == line), root)
    names = [etree.QName(a).localname for a in
             [*reversed(list(element.iterancestors())), element]]
    record = None
    for candidate in [element, *element.iterancestors()]:
        number = candidate.findtext(qname(fmt.model.xml_namespace, fmt.record))
        if number and candidate is not root:
            record = number.strip()
            break
    return Problem(SCHEMA, "\\".join(names), record, getattr(error, "message", ""), line)
