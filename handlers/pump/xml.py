"""The regional XSDs of the registry files and the federal files' missing namespace.

Federal H and L files carry no namespace; the only published XSDs (Bashkortostan's, in
the fixtures) declare ``targetNamespace="OMS-D1"``/``"OMS-D2"``. :class:`Namespaced` puts
the root, and so every unprefixed element under it, into the schema's namespace while the
bytes are read, so that a file of any size is validated as a stream (``iterparse`` with
``schema=``) and never rewritten or held whole.
"""

from __future__ import annotations

import re
from typing import Protocol

H_SCHEMA = "OMS-D1-1-NEW.xsd"
"""ZL_LIST of H files, VERSION 3.1."""
L_SCHEMA = "OMS-D2-NEW.xsd"
"""PERS_LIST of L files."""
H_NS = "OMS-D1"
L_NS = "OMS-D2"
ENCODING = "windows-1251"
"""The encoding the order prescribes for every registry file."""

SCHEMAS = {"H": (H_SCHEMA, H_NS), "L": (L_SCHEMA, L_NS), "T": ("OMS-D1-3-NEW.xsd", H_NS),
           "C": ("OMS-D1-C-NEW.xsd", H_NS), "D": ("OMS-D1-2-NEW.xsd", H_NS)}
"""File type (D for every D*) → (the XSD's file name, its namespace)."""

# The head of a document up to the end of its root's start tag is short; a file whose
# root has not started within this many bytes is not a registry file.
_HEAD_LIMIT = 64 * 1024


class Readable(Protocol):
    """What ``iterparse`` reads from."""

    def read(self, size: int = -1, /) -> bytes:
        """Up to ``size`` bytes (all the rest when negative)."""


class Namespaced:
    """A readable stream of an XML document with ``xmlns="<ns>"`` added to its root.

    Only the root's start tag is touched: a root already in a namespace (or declaring
    one) is left as it is, so a file that is not federal fails validation as it should.
    """

    def __init__(self, raw: Readable, ns: str) -> None:
        self._raw = raw
        self._ns = ns.encode("ascii")
        self._head: bytes | None = None

    def _first(self) -> bytes:
        head = b""
        while len(head) < _HEAD_LIMIT:
            chunk = self._raw.read(4096)
            if not chunk:
                break
            head += chunk
            found = root_tag(head)
            if found is not None:
                end, has_xmlns = found
                if has_xmlns:
                    return head
                return head[:end] + b' xmlns="' + self._ns + b'"' + head[end:]
        return head

    def read(self, size: int = -1) -> bytes:
        """Bytes of the document, the root's start tag amended on the first read."""
        if self._head is None:
            self._head = self._first()
        if self._head:
            if size < 0 or size >= len(self._head):
                out, self._head = self._head, b""
                return out + (self._raw.read(size - len(out)) if size > len(out) else
                              (self._raw.read() if size < 0 else b""))
            out, self._head = self._head[:size], self._head[size:]
            return out
        return self._raw.read(size)


_ROOT = re.compile(rb"<([A-Za-z_][\w.\-]*)([^<>]*?)(/?)>", re.S)


def root_tag(head: bytes) -> tuple[int, bool] | None:
    """(offset just after the root's name, whether its tag declares xmlns) or None when the
    root's start tag is not complete yet. Declarations, comments and PIs are skipped."""
    pos = 0
    while True:
        start = head.find(b"<", pos)
        if start < 0 or start + 1 >= len(head):
            return None
        nxt = head[start + 1:start + 2]
        if nxt in (b"?", b"!"):
            close = head.find(b"-->", start) + 3 if head.startswith(b"<!--", start) else \
                head.find(b">", start) + 1
            if close <= 0:
                return None
            pos = close
            continue
        found = _ROOT.match(head, start)
        if found is None:
            return None
        return found.end(1), b"xmlns" in found.group(2)
