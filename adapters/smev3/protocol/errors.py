"""Errors of the protocol layer (СМЭВ's own refusals are :mod:`adapters.smev3.protocol.faults`).

Hostile or malformed bytes raise :class:`contracts.xmlsafe.UnsafeXml` from the hardened parser;
well-formed XML that is not what the protocol expects raises :class:`ProtocolError`. Both
are ``ValueError``: the message is bad input, journaled with its cause, never retried.
"""

from __future__ import annotations


class ProtocolError(ValueError):
    """The message does not follow the СМЭВ 3 protocol; the text says where and why."""


class UnknownVersion(ProtocolError, LookupError):
    """A version number or namespace that is none of 1.1, 1.2, 1.3."""
