"""Hardened XML parsing: :mod:`contracts.xmlsafe`, where the message types that map external
XML need it; re-exported here for the adapters and handlers that import it from the hub."""

from contracts.xmlsafe import UnsafeXml, parse, parser

__all__ = ["UnsafeXml", "parse", "parser"]
