"""Where a drop's files live: a folder of this machine, or an SFTP server (paramiko).

Both offer the same few operations, with the same guarantees: a listing of regular files
with size and mtime, reading, moving (creating the target folder), and writing atomically —
the bytes go to a temporary name (a hidden ``.<name>.part`` beside the target, or a staging
folder) and are renamed to the final name only when complete, so whoever watches the
folder never sees a partial file under the final name.

Names are ``str`` decoded with ``surrogateescape`` (see :mod:`adapters.files.names`), on both
transports: a name that is not UTF-8 is listed, read and moved like any other.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import stat
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from adapters.files.names import NAME_MAX, fitted, from_raw, raw, shown

if TYPE_CHECKING:
    import paramiko

    from adapters.files.settings import DropSettings, SftpSettings


class TransportError(Exception):
    """The drop cannot be reached or written right now (retry later)."""


@dataclass(frozen=True)
class Entry:
    """A regular file in a folder."""

    name: str
    size: int
    mtime: float


_TEMP_EXTRA = len(".{}.12345678.part".format(""))


def temp_name(name: str) -> str:
    """The hidden name a file is written under before its rename (fits NAME_MAX)."""
    return f".{fitted(name, NAME_MAX - _TEMP_EXTRA)}.{uuid.uuid4().hex[:8]}.part"


def is_temp(name: str) -> bool:
    """Whether a name is somebody's file in the making (never taken in)."""
    lowered = name.lower()
    return name.startswith(".") or lowered.endswith((".part", ".tmp", ".filepart"))


class Transport(Protocol):
    """What the drop machinery needs from a place that holds files."""

    def list(self, folder: str) -> list[Entry]:
        """Regular files of a folder (an empty list if it does not exist)."""

    def read(self, folder: str, name: str) -> bytes:
        """A file's bytes."""

    def exists(self, folder: str, name: str) -> bool:
        """Whether a file is there."""

    def move(self, folder: str, name: str, target: str, new_name: str) -> str:
        """Move a file into another folder (created if missing); returns its new path."""

    def write_atomic(self, folder: str, name: str, data: bytes, staging: str = "") -> str:
        """Write a file under a temporary name, then rename it; returns its path."""

    def close(self) -> None:
        """Let go of connections."""


class FolderTransport:
    """Files of a local or mounted folder."""

    def list(self, folder: str) -> list[Entry]:
        """Regular files of a folder (an empty list if it does not exist)."""
        try:
            with os.scandir(folder) as found:
                entries = []
                for e in found:
                    if e.is_file(follow_symlinks=False):
                        st = e.stat(follow_symlinks=False)
                        entries.append(Entry(e.name, st.st_size, st.st_mtime))
                return entries
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise TransportError(f"{folder}: {exc}") from exc

    def read(self, folder: str, name: str) -> bytes:
        """A file's bytes (FileNotFoundError if it has gone)."""
        try:
            return (Path(folder) / name).read_bytes()
        except FileNotFoundError:
            raise
        except OSError as exc:
            raise TransportError(f"{folder}/{shown(name)}: {exc}") from exc

    def exists(self, folder: str, name: str) -> bool:
        """Whether a file is there."""
        return (Path(folder) / name).is_file()

    def move(self, folder: str, name: str, target: str, new_name: str) -> str:
        """Move a file into another folder (created if missing); returns its new path."""
        dest = Path(target) / new_name
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(Path(folder) / name, dest)
        except OSError as exc:
            raise TransportError(f"перемещение {folder}/{shown(name)} в {target}: {exc}") from exc
        return str(dest)

    def write_atomic(self, folder: str, name: str, data: bytes, staging: str = "") -> str:
        """Write a file under a temporary name, fsync it, then rename it; returns its path."""
        final = Path(folder) / name
        temp = Path(staging or folder) / temp_name(name)
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            temp.parent.mkdir(parents=True, exist_ok=True)
            with open(temp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(temp, final)
        except OSError as exc:
            with contextlib.suppress(OSError):
                temp.unlink()
            raise TransportError(f"запись {shown(str(final))}: {exc}") from exc
        return str(final)

    def close(self) -> None:
        """Nothing to let go of."""


class SftpTransport:
    """Files of an SFTP server; one connection, opened on first use, reopened after a drop."""

    def __init__(self, settings: SftpSettings) -> None:
        self.settings = settings
        self._lock = threading.RLock()
        self._ssh: paramiko.SSHClient | None = None
        self._sftp: paramiko.SFTPClient | None = None

    def _client(self) -> paramiko.SFTPClient:
        if self._sftp is not None:
            transport = self._sftp.get_channel().get_transport()
            if transport is not None and transport.is_active():
                return self._sftp
            self.close()
        import paramiko

        s = self.settings
        ssh = paramiko.SSHClient()
        if s.known_hosts:
            ssh.load_host_keys(str(s.known_hosts))
        if s.host_key:
            kind, _, blob = s.host_key.strip().partition(" ")
            key = paramiko.PKey.from_type_string(kind, _b64(blob.split()[0]))
            name = s.host if s.port == 22 else f"[{s.host}]:{s.port}"
            ssh.get_host_keys().add(name, kind, key)
        ssh.set_missing_host_key_policy(paramiko.AutoAddPolicy() if s.insecure_any_host_key
                                        else paramiko.RejectPolicy())
        try:
            ssh.connect(s.host, port=s.port, username=s.user,
                        key_filename=str(s.key) if s.key else None,
                        passphrase=s.key_passphrase or None, password=s.password or None,
                        timeout=s.timeout, banner_timeout=s.timeout, auth_timeout=s.timeout,
                        allow_agent=False, look_for_keys=False)
            self._sftp = ssh.open_sftp()
        except (OSError, paramiko.SSHException) as exc:
            ssh.close()
            raise TransportError(f"sftp://{s.user}@{s.host}:{s.port}: {exc}") from exc
        self._ssh = ssh
        return self._sftp

    def _call(self, what: str, fn: Any, *args: Any) -> Any:
        import paramiko

        with self._lock:
            try:
                return fn(self._client(), *args)
            except FileNotFoundError:
                raise
            except (OSError, EOFError, paramiko.SSHException) as exc:
                self.close()
                raise TransportError(f"sftp {what}: {exc}") from exc

    def list(self, folder: str) -> list[Entry]:
        """Regular files of a folder (an empty list if it does not exist)."""
        def run(c: paramiko.SFTPClient) -> list[Entry]:
            try:
                attrs = _listdir(c, folder)
            except FileNotFoundError:
                return []
            return [Entry(a.filename, a.st_size or 0, float(a.st_mtime or 0)) for a in attrs
                    if a.st_mode is not None and stat.S_ISREG(a.st_mode)]
        result: list[Entry] = self._call(f"list {folder}", run)
        return result

    def read(self, folder: str, name: str) -> bytes:
        """A file's bytes."""
        def run(c: paramiko.SFTPClient) -> bytes:
            with c.open(_path(folder, name), "rb") as fh:
                fh.prefetch()
                return bytes(fh.read())
        data: bytes = self._call(f"read {folder}/{shown(name)}", run)
        return data

    def exists(self, folder: str, name: str) -> bool:
        """Whether a file is there."""
        def run(c: paramiko.SFTPClient) -> bool:
            try:
                return stat.S_ISREG(c.stat(_path(folder, name)).st_mode or 0)
            except FileNotFoundError:
                return False
        found: bool = self._call(f"stat {folder}/{shown(name)}", run)
        return found

    def move(self, folder: str, name: str, target: str, new_name: str) -> str:
        """Move a file into another folder (created if missing); returns its new path."""
        dest = posixpath.join(target, new_name)

        def run(c: paramiko.SFTPClient) -> None:
            _makedirs(c, target)
            _rename(c, _path(folder, name), raw(dest))
        self._call(f"move {folder}/{shown(name)}", run)
        return dest

    def write_atomic(self, folder: str, name: str, data: bytes, staging: str = "") -> str:
        """Put the bytes under a temporary name, then rename it; returns the remote path."""
        final = posixpath.join(folder, name)
        temp = posixpath.join(staging or folder, temp_name(name))

        def run(c: paramiko.SFTPClient) -> None:
            _makedirs(c, folder)
            if staging:
                _makedirs(c, staging)
            with c.open(raw(temp), "wb") as fh:
                fh.set_pipelined(True)
                fh.write(data)
            if c.stat(raw(temp)).st_size != len(data):
                c.remove(raw(temp))
                raise OSError(f"{temp}: the server kept fewer bytes than were sent")
            _rename(c, raw(temp), raw(final))
        self._call(f"write {shown(final)}", run)
        return final

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            if self._ssh is not None:
                self._ssh.close()
            self._ssh = self._sftp = None


def _b64(text: str) -> bytes:
    import base64

    return base64.b64decode(text)


def _path(folder: str, name: str) -> bytes:
    """A remote path as bytes: paramiko would encode a name that is not UTF-8 strictly."""
    return raw(posixpath.join(folder, name))


def _listdir(c: paramiko.SFTPClient, folder: str) -> list[paramiko.SFTPAttributes]:
    """``listdir_attr`` that keeps a name that is not UTF-8 (paramiko's raises on it)."""
    from paramiko.sftp import (
        CMD_CLOSE,
        CMD_HANDLE,
        CMD_NAME,
        CMD_OPENDIR,
        CMD_READDIR,
        SFTPError,
    )
    from paramiko.sftp_attr import SFTPAttributes

    kind, msg = c._request(CMD_OPENDIR, c._adjust_cwd(folder))
    if kind != CMD_HANDLE:
        raise SFTPError("Expected handle")
    handle = msg.get_binary()
    found: list[SFTPAttributes] = []
    try:
        while True:
            try:
                kind, msg = c._request(CMD_READDIR, handle)
            except EOFError:
                break
            if kind != CMD_NAME:
                raise SFTPError("Expected name response")
            for _ in range(msg.get_int()):
                name = from_raw(msg.get_string())
                msg.get_string()  # the "long name", ls -l style: not needed
                attr = SFTPAttributes._from_msg(msg, name)
                if name not in (".", ".."):
                    found.append(attr)
    finally:
        c._request(CMD_CLOSE, handle)
    return found


def _makedirs(c: paramiko.SFTPClient, folder: str) -> None:
    missing: list[str] = []
    path = folder
    while path not in ("", "/"):
        try:
            c.stat(path)
            break
        except FileNotFoundError:
            missing.append(path)
            path = posixpath.dirname(path)
    for part in reversed(missing):
        c.mkdir(part)


def _rename(c: paramiko.SFTPClient, src: bytes, dest: bytes) -> None:
    """posix-rename (atomic, replaces) where the server has it, else plain rename."""
    try:
        c.posix_rename(src, dest)
    except OSError as exc:
        if "posix-rename" not in str(exc) and "not supported" not in str(exc).lower():
            raise
        c.rename(src, dest)


def transport_for(drop: DropSettings) -> Transport:
    """The transport a drop's kind names."""
    if drop.kind == "sftp":
        assert drop.sftp is not None
        return SftpTransport(drop.sftp)
    return FolderTransport()
