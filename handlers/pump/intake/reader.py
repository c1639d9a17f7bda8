"""One file of a package read as a stream: its encoding and DTD checked on the head, then
``iterparse`` with the XSD, each record handed on as an element and cleared.

libxml2 reports validity only when the document ends, and a validity error then hides a
well-formedness one; so a file that fails is read once more without the schema, to tell
the clinic which it is (only a refused file pays for the second reading).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator
from typing import IO

from lxml import etree

from handlers.pump.intake.problems import DTD, ENCODING, SCHEMA, XML, refuse
from handlers.pump.xml import Namespaced, root_tag

_HEAD = 64 * 1024
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._\-]+)["']""")


class Guarded:
    """The file's bytes, its head checked before anything is parsed: the declaration says
    windows-1251, the bytes are not UTF-8 in disguise, there is no DOCTYPE."""

    def __init__(self, raw: IO[bytes], file: str) -> None:
        self._raw, self._file, self._head = raw, file, b""
        self._checked = False

    def _check(self) -> None:
        self._head = self._raw.read(_HEAD)
        if self._head.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise refuse(ENCODING, f"Файл «{self._file}» записан в Юникоде (с меткой BOM), "
                         "а должен быть в кодировке windows-1251", self._file)
        found = _DECLARED.match(self._head)
        if found is None or found[1].decode("ascii").lower() not in ("windows-1251", "cp1251"):
            said = found[1].decode("ascii") if found else "не указана"
            raise refuse(ENCODING, f"Файл «{self._file}»: кодировка в заголовке XML — {said}, "
                         "а должна быть windows-1251", self._file)
        if _utf8_text(self._head):
            raise refuse(ENCODING, f"Файл «{self._file}» объявлен в windows-1251, но его "
                         "байты — текст в UTF-8", self._file)
        if root_tag(self._head) is None:
            raise refuse(XML, f"Файл «{self._file}»: корневой элемент XML не найден в начале "
                         "файла", self._file)
        if b"<!DOCTYPE" in self._head or b"<!ENTITY" in self._head:
            raise refuse(DTD, f"Файл «{self._file}» содержит DTD (DOCTYPE) или сущности: "
                         "такие файлы не принимаются", self._file)

    def read(self, size: int = -1) -> bytes:
        """The bytes; the head is checked on the first read."""
        if not self._checked:
            self._check()
            self._checked = True
        if self._head:
            if size < 0:
                out, self._head = self._head + self._raw.read(), b""
                return out
            out, self._head = self._head[:size], self._head[size:]
            return out
        return self._raw.read(size)


def _utf8_text(head: bytes) -> bool:
    """Whether ``head`` is UTF-8 with Cyrillic in it (windows-1251 Cyrillic text is not
    valid UTF-8, so a match means the file was written in the wrong encoding)."""
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


def records(open_file: Callable[[], IO[bytes]], file: str, ns: str, record: str,
            schema: etree.XMLSchema | None) -> Iterator[etree._Element]:
    """Yield the header elements (ZGLV, SCHET) and then each record (``record``: ZAP or
    PERS) of the file as it is read; ``Refused`` if the file is not what it should be.

    A record is cleared once the caller has taken it, so memory stays that of one record.
    The rows a caller built from the records must be discarded when this raises at the
    end (validity is known only then).
    """
    tags = {f"{{{ns}}}{t}" for t in ("ZGLV", "SCHET", record)}
    with open_file() as raw:
        try:
            # No resolve_entities=False here: with schema= it makes lxml (6.x) swallow a
            # well-formedness error and accept a truncated file. Entities cannot come in
            # anyway: Guarded refuses any DOCTYPE, and it can only stand before the root.
            events = etree.iterparse(Namespaced(Guarded(raw, file), ns), events=("end",),
                                     schema=schema, load_dtd=False, no_network=True,
                                     huge_tree=False, remove_comments=True)
            for _, element in events:
                if element.tag in tags:
                    yield element
                    element.clear()
                    parent = element.getparent()
                    while parent is not None and element.getprevious() is not None:
                        del parent[0]
        except etree.XMLSyntaxError as exc:
            failure = str(exc)
        else:
            return
    if schema is not None:
        _well_formed(open_file, file, ns)
        raise refuse(SCHEMA, f"Файл «{file}» не соответствует схеме XSD: {failure}", file)
    raise refuse(XML, f"Файл «{file}» не является правильно построенным XML: {failure}", file)


def _well_formed(open_file: Callable[[], IO[bytes]], file: str, ns: str) -> None:
    with open_file() as raw:
        try:
            for _, element in etree.iterparse(Namespaced(raw, ns), events=("end",),
                                              load_dtd=False, no_network=True,
                                              huge_tree=False):
                element.clear()
        except etree.XMLSyntaxError as exc:
            raise refuse(XML, f"Файл «{file}» не является правильно построенным XML: {exc}",
                         file) from None


def text(element: etree._Element, path: str, ns: str) -> str | None:
    """The stripped text at ``path`` (``Z_SL/SUMV``) under ``element``, None if absent."""
    found = element.findtext("/".join(f"{{{ns}}}{p}" for p in path.split("/")))
    return None if found is None else found.strip()

