"""Raw external bytes for reading: XML pretty-printed by a hardened parser, else text."""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from contracts import xmlsafe

# Bytes shown at most; a registry file of hundreds of megabytes is downloaded, not shown.
DISPLAY_LIMIT = 2 * 1024 * 1024


def decode_text(data: bytes) -> str:
    """Bytes as text: UTF-8, else Windows-1251 (the usual encoding of ФОМС files)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1251", errors="replace")


def pretty(data: bytes,
           transform: Callable[[etree._Element], None] | None = None) -> tuple[str, bool]:
    """``(text, is_xml)``: indented XML when ``data`` parses as XML, else decoded text.

    ``transform`` changes the parsed tree in place before it is written (masking).
    """
    stripped = data.lstrip()
    if stripped.startswith(b"<"):
        try:
            root = etree.fromstring(stripped, parser=xmlsafe.parser(remove_blank_text=True))
        except (etree.XMLSyntaxError, ValueError):
            pass
        else:
            if transform is not None:
                transform(root)
            text = etree.tostring(root, pretty_print=True, encoding="unicode")
            return str(text).rstrip("\n"), True
    return decode_text(data), False
