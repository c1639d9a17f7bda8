"""File names as a drop meets them: raw bytes, shown safely, shortened to fit.

A folder or an SFTP server hands us names as bytes. They are kept as ``str`` decoded from
UTF-8 with ``surrogateescape`` (what :func:`os.fsdecode` does), so a name that is not UTF-8
still names its file exactly; such a name is never written to the database or a log as it
is, only as :func:`shown`. A name we make from another (an error note, a name in the errors
folder, a temporary name) must fit ``NAME_MAX``: :func:`fitted` shortens it, keeping its
readable start, its extension and a hash of the whole name, so two names never meet.
"""

from __future__ import annotations

import hashlib

NAME_MAX = 255
"""Bytes of one name on Linux file systems (and what OpenSSH's sftp-server passes on)."""

_EXTENSION_MAX = 16
"""A longer "extension" is part of the name, not a type to keep."""


def raw(name: str) -> bytes:
    """The bytes a name stands for on the file system."""
    return name.encode("utf-8", "surrogateescape")


def from_raw(data: bytes) -> str:
    """A name read as bytes (an SFTP listing), decoded as the file system does."""
    return data.decode("utf-8", "surrogateescape")


def is_utf8(name: str) -> bool:
    """Whether the name's bytes are valid UTF-8."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown(name: str) -> str:
    """The name for people, logs and the journal: bytes that are not UTF-8 as ``\\xff``."""
    return raw(name).decode("utf-8", "backslashreplace")


def unnamed(text: str, name: str) -> str:
    """``text`` without ``name`` in it: for the journal's and health's free texts.

    People name files after people (``Заявление Петров Пётр Ильич 12.04.1980.pdf``); the
    name is personal data, kept in the declared field ``file_name`` and masked there, while
    a free text cannot be masked by what it quotes. So such texts say «имя файла» instead.
    """
    for form in {name, shown(name)}:
        if form:
            text = text.replace(form, "«имя файла»")
    return text


def size(name: str) -> int:
    """Length of the name in bytes."""
    return len(raw(name))


def fitted(name: str, limit: int = NAME_MAX) -> str:
    """A valid UTF-8 name of at most ``limit`` bytes standing for ``name``.

    The name itself when it is valid and fits; otherwise its start (bytes that are not
    UTF-8 made ``_``), ``~`` and ten hex digits of the hash of its exact bytes, and its
    extension.
    """
    if is_utf8(name) and size(name) <= limit:
        return name
    clean = raw(name).decode("utf-8", "replace").replace("\ufffd", "_")
    dot = clean.rfind(".")
    ext = clean[dot:] if dot > 0 and len(clean[dot:].encode()) <= _EXTENSION_MAX else ""
    stem = clean[:len(clean) - len(ext)]
    tail = f"~{hashlib.sha256(raw(name)).hexdigest()[:10]}{ext}"
    room = max(limit - len(tail.encode()), 0)
    start = stem.encode()[:room].decode("utf-8", "ignore")
    return f"{start}{tail}"
