"""A ФФОМС dictionary read as a stream: ``packet/zglv`` then one ``zap`` per row.

The XML is parsed with :func:`lxml.etree.iterparse` and each ``zap`` dropped once read, so a
dictionary of any size is never held as one tree. Entities are not resolved, nothing is
fetched from the network, and a document with a DTD is refused (as ``contracts.xmlsafe``
does for whole documents). The encoding is the declared one; without a declaration the
ФФОМС default, windows-1251.

It is the ФФОМС's published format, shared: the НСИ handler loads dictionaries with it and
the portal's simulator (``adapters/nsi/simulator``) reads the fixtures it serves with it —
an adapter and a handler share only ``contracts/``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO

from lxml import etree

from contracts.xmlsafe import UnsafeXml

KEYS = {
    "F002": "smocod", "F003": "mcod", "F005": "IDIDST", "F006": "IDVID", "F008": "IDDOC",
    "F009": "IDStatus", "F010": "KOD_TF", "F011": "IDDoc", "F014": "Kod", "F015": "KOD_OK",
    "F032": "MCOD", "M001": "IDDS", "N002": "ID_St", "N003": "ID_T", "N004": "ID_N",
    "N005": "ID_M", "V002": "IDPR", "V006": "IDUMP", "V008": "IDVMP", "V009": "IDRMP",
    "V010": "IDSP", "V012": "IDIZ", "V014": "IDFRMMP", "V021": "IDSPEC",
}
"""The key element of the dictionaries known; any other's key is its rows' first element."""

SHORT_NAMES = {
    "ProfOt": "V002", "Rezult": "V009", "VidExp": "F006", "OnkStad": "N002",
    "UslMp": "V006", "VidMp": "V008", "Sposob": "V010", "Ishod": "V012", "FrMp": "V014",
    "MedSpec": "V021", "OplOtk": "F014", "Tipdoc": "F011", "TipOMS": "F008",
}
"""zglv/type → code, for a file whose name does not say its code."""

_CODE_IN_NAME = re.compile(r"^([A-Z]\d{3})(?![0-9])")
_DECLARED = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*['\"]([A-Za-z0-9._-]+)['\"]")
ROW_TAGS = ("zap", "insCompany")
"""A row: ``zap``; F002 (the СМО register) names its rows ``insCompany``."""
PERIODS = (("DATEBEG", "DATEEND"), ("insInclude/d_begin", "insInclude/d_end"))
"""Where a row's validity period is: DATEBEG/DATEEND, in F002 insInclude's d_begin/d_end."""


class BadDictionary(ValueError):
    """The file is not a ФФОМС dictionary that can be loaded; the message says why, in Russian."""


@dataclass(frozen=True)
class Row:
    """One ``zap``: its key, its validity period and every column as text."""

    key: str
    datebeg: date | None
    dateend: date | None
    data: dict[str, str]


@dataclass
class Header:
    """``zglv`` and what the reader found out: the code, the key column."""

    code: str
    short_name: str
    version: str
    issued: date
    key_column: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def parse_date(text: str | None, what: str) -> date | None:
    """ДД.ММ.ГГГГ (or ГГГГ-ММ-ДД) → date; empty → None; anything else is refused."""
    text = (text or "").strip()
    if not text:
        return None
    for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text[:10], fmt).date()
        except ValueError:
            continue
    raise BadDictionary(f"{what}: «{text}» — не дата ДД.ММ.ГГГГ")


def code_of(name: str, short_name: str) -> str | None:
    """The dictionary's code from the file name (``V009.xml``, ``F006_5.2.xml``) or from
    ``zglv/type``; None when neither says."""
    found = _CODE_IN_NAME.match(name.rsplit("/", 1)[-1].upper())
    return found.group(1) if found else SHORT_NAMES.get(short_name)


def _text(elem: etree._Element) -> str:
    return (elem.text or "").strip()


class _Hashing:
    """A file object that hashes what is read through it."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw, self.sha = raw, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.raw.read(size)
        self.sha.update(chunk)
        return chunk


class DictionaryFile:
    """One dictionary XML: ``header`` once :meth:`rows` has started, then the rows.

    ``name`` is the file's name (for its code), ``code`` forces one. After the rows are
    exhausted, ``sha256`` is the digest of the bytes read.
    """

    def __init__(self, stream: IO[bytes], name: str, code: str | None = None) -> None:
        self.name, self.forced = name, code
        head = stream.read(512)
        self._head = head
        declared = _DECLARED.match(head)
        self.encoding = None if declared else "windows-1251"
        self._stream = _Hashing(stream)
        self._stream.sha.update(head)
        self.header: Header | None = None
        self.sha256 = ""

    def _source(self) -> Iterator[bytes]:
        yield self._head
        while chunk := self._stream.read(1 << 16):
            yield chunk

    def rows(self) -> Iterator[Row]:
        """The rows, one by one; :class:`BadDictionary` or :class:`UnsafeXml` on bad input."""
        parser = etree.XMLPullParser(events=("start", "end"), resolve_entities=False,
                                     no_network=True, load_dtd=False, huge_tree=False,
                                     encoding=self.encoding)
        depth = 0
        try:
            for chunk in self._source():
                parser.feed(chunk)
                for event, elem in parser.read_events():
                    if event == "start":
                        depth += 1
                        if depth == 1:
                            self._root_started(elem)
                        continue
                    depth -= 1
                    if depth == 1:
                        yield from self._element(elem)
            parser.close()
        except etree.XMLSyntaxError as exc:
            raise UnsafeXml(f"{self.name}: XML повреждён или неполон: {exc}") from exc
        if self.header is None:
            raise BadDictionary(f"{self.name}: нет заголовка zglv — это не справочник ФФОМС")
        self.sha256 = self._stream.sha.hexdigest()

    def _root_started(self, root: etree._Element) -> None:
        tree = root.getroottree()
        if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
            raise UnsafeXml(f"{self.name}: XML с DTD (DOCTYPE) не принимается: "
                            "сущности запрещены")
        if etree.QName(root).localname != "packet":
            raise BadDictionary(f"{self.name}: корневой элемент «{etree.QName(root).localname}»"
                                ", а не packet — это не справочник ФФОМС")

    def _element(self, elem: etree._Element) -> Iterator[Row]:
        tag = etree.QName(elem).localname
        if tag == "zglv":
            self._read_header(elem)
        elif tag in ROW_TAGS:
            if self.header is None:
                raise BadDictionary(f"{self.name}: строка zap до заголовка zglv")
            yield self._row(elem)
        elem.clear()
        parent = elem.getparent()
        while parent is not None and elem.getprevious() is not None:
            del parent[0]

    def _read_header(self, elem: etree._Element) -> None:
        fields = {etree.QName(c).localname: _text(c) for c in elem}
        short = fields.get("type", "")
        code = self.forced or code_of(self.name, short)
        if not code:
            raise BadDictionary(f"{self.name}: не понять, какой это справочник: имя файла не "
                                f"начинается с кода (V002…), тип «{short}» неизвестен")
        issued = parse_date(fields.get("date"), f"{self.name}: zglv/date")
        if not fields.get("version") or issued is None:
            raise BadDictionary(f"{self.name}: в заголовке zglv нет версии или даты")
        self.header = Header(code, short, fields["version"], issued, KEYS.get(code, ""),
                             {k: v for k, v in fields.items()
                              if k not in ("type", "version", "date")})

    def _row(self, elem: etree._Element) -> Row:
        assert self.header is not None
        data: dict[str, str] = {}
        for child in elem:
            if not isinstance(child.tag, str):
                continue  # a comment or a processing instruction
            name = etree.QName(child).localname
            # A nested group (F002's licenziy…) is kept as its leaves, "group/leaf".
            leaves = [c for c in child.iter() if c is not child and isinstance(c.tag, str)
                      and len(c) == 0]
            if leaves:
                for leaf in leaves:
                    data.setdefault(f"{name}/{etree.QName(leaf).localname}", _text(leaf))
            else:
                data.setdefault(name, _text(child))
        if not self.header.key_column:
            self.header.key_column = next(iter(data), "")
        key = data.get(self.header.key_column, "")
        if not key:
            raise BadDictionary(f"{self.name}: в строке нет ключа {self.header.key_column}")
        where = f"{self.name}: {self.header.key_column}={key}"
        begin, end = next((p for p in PERIODS if p[0] in data), PERIODS[0])
        return Row(key, parse_date(data.get(begin), f"{where}, {begin}"),
                   parse_date(data.get(end), f"{where}, {end}"), data)
