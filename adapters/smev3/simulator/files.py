"""The simulator's side of attachments: its file exchange (FTP on loopback) and its checks.

:class:`SimulatedFileExchange` is a pyftpdlib server over a directory. Senders log in
anonymously and upload into ``/<uuid>/``; recipients log in with the user and password the
simulator hands out in ``FSAttachment`` (made up when it starts, read-only). As the real
СМЭВ does, the simulator checks what a sender announces against what it uploaded, and
serves the same file to the recipient (both sides share the one directory here).

It is also a :class:`~adapters.smev3.attachments.FileStore` that reads and writes the
directory directly, so the simulator checks and offers files with the adapter's own
:class:`~adapters.smev3.attachments.AttachmentTransfer`: :func:`accept` turns what a
SendRequest/SendResponse carries into files or the fault СМЭВ answers with, and
:func:`offer` makes the headers, contents and ``FSAttachment`` of files the simulated
agency sends.
"""

from __future__ import annotations

import logging
import secrets
import threading
import uuid
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path

from adapters.smev3 import protocol as p
from adapters.smev3.attachments import (
    Attachment,
    AttachmentError,
    AttachmentTooLarge,
    AttachmentTransfer,
    Outgoing,
)
from adapters.smev3.fileexchange import safe_file_name
from adapters.smev3.protocol.faults import (
    AttachmentContentMiscoordination,
    AttachmentSizeLimitExceeded,
)

log = logging.getLogger(__name__)

RECIPIENT = "smev-recipient"
"""The user recipients download as (its password is made up at each start)."""


class SimulatedFileExchange:
    """СМЭВ's FTP file exchange, simulated: pyftpdlib on a thread over ``root``.

    Construction binds the port (``OSError`` when it is busy); :meth:`start` serves.
    """

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 2121) -> None:
        with warnings.catch_warnings():
            # pyftpdlib imports the stdlib's asyncore/asynchat on Python < 3.12, which warn.
            warnings.filterwarnings("ignore", r"The async(ore|hat) module", DeprecationWarning)
            from pyftpdlib.authorizers import DummyAuthorizer
            from pyftpdlib.handlers import FTPHandler
            from pyftpdlib.ioloop import IOLoop
            from pyftpdlib.servers import FTPServer

        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.password = secrets.token_urlsafe(12)
        authorizer = DummyAuthorizer()
        with warnings.catch_warnings():
            # Anonymous uploads are the point: senders drop files, only recipients read.
            warnings.filterwarnings("ignore", "write permissions assigned to anonymous",
                                    RuntimeWarning)
            authorizer.add_anonymous(str(root), perm="elmw")
        authorizer.add_user(RECIPIENT, self.password, str(root), perm="elr")
        handler = type("SimulatorFtpHandler", (FTPHandler,), {
            "authorizer": authorizer, "banner": "СМЭВ 3 file exchange (simulator)",
            "use_encoding": "utf8", "auth_failed_timeout": 0.1})
        # An IOLoop of its own: pyftpdlib's default is one per process, which closing one
        # server would close for every other.
        self.server = FTPServer((host, port), handler, ioloop=IOLoop())
        self.host = host
        self.port = int(self.server.address[1])
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="smev3-sim-ftp", daemon=True)

    def _serve(self) -> None:
        try:
            while not self._stop.is_set():
                self.server.ioloop.loop(timeout=0.1, blocking=False)
        finally:
            self.server.close_all()

    def start(self) -> None:
        """Serve in the background."""
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and close every connection."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(5)
        else:
            self.server.close_all()

    # -- FileStore, on the directory itself -------------------------------------------------

    def upload(self, data: bytes, file_name: str) -> str:
        """Put a file as the simulated agency sends it; returns its UUID."""
        file_uuid = str(uuid.uuid4())
        folder = self.root / file_uuid
        folder.mkdir()
        (folder / safe_file_name(file_name)).write_bytes(data)
        return file_uuid

    def download(self, file_uuid: str, file_name: str, *, user: str, password: str,
                 max_size: int) -> bytes:
        """A file a sender uploaded (the credentials are not checked: it is the server)."""
        path = self.root / safe_file_name(file_uuid) / safe_file_name(file_name)
        if not path.is_file():
            raise AttachmentError(f"file {file_uuid}/{file_name} was not uploaded to the "
                                  "СМЭВ file exchange")
        if path.stat().st_size > max_size:
            raise AttachmentTooLarge(f"file {file_uuid}/{file_name} has "
                                     f"{path.stat().st_size} bytes, more than {max_size}")
        return path.read_bytes()

    def file_name(self, file_uuid: str) -> str:
        """The name of the file in a directory (a sender's RefAttachmentHeader may lack it)."""
        folder = self.root / safe_file_name(file_uuid)
        names = sorted(f.name for f in folder.iterdir()) if folder.is_dir() else []
        return names[0] if names else ""

    def fs_attachment(self, file_uuid: str) -> p.FSAttachment:
        """Where a recipient fetches a file: the directory, our user, its password."""
        return p.FSAttachment(file_uuid, RECIPIENT, self.password, self.file_name(file_uuid))


def accept(transfer: AttachmentTransfer, headers: Sequence[p.AttachmentHeader],
           refs: Sequence[p.RefAttachmentHeader], contents: Sequence[p.AttachmentContent],
           parts: Mapping[str, bytes], files: SimulatedFileExchange | None) -> list[Attachment]:
    """The files a sender sent (inline and by FTP), or the fault СМЭВ answers with."""
    inline = sum(len(data) for data in parts.values()) + sum(
        len(c.content or b"") for c in contents)
    if inline > transfer.limits.inline_total:
        raise AttachmentSizeLimitExceeded(
            "attachments sent inline exceed the limit: send large files through the file "
            "exchange", permitted_total_attachment_size=transfer.limits.inline_total,
            real_total_attachment_size=inline)
    fs = [files.fs_attachment(r.uuid) for r in refs] if files is not None else []
    try:
        return transfer.incoming(headers, refs, contents, fs, parts)
    except AttachmentTooLarge as exc:
        raise AttachmentSizeLimitExceeded(
            str(exc), permitted_total_attachment_size=transfer.limits.max_size) from exc
    except AttachmentError as exc:
        raise AttachmentContentMiscoordination(str(exc)) from exc


def offer(transfer: AttachmentTransfer, files: Sequence[Attachment],
          exchange: SimulatedFileExchange | None) -> tuple[Outgoing, tuple[p.FSAttachment, ...]]:
    """Headers and contents of files the simulated agency sends, and where to fetch the
    large ones (``FSAttachment``, pointing to this simulator's FTP)."""
    out = transfer.outgoing(files)
    return out, tuple(exchange.fs_attachment(r.uuid) for r in out.refs) if exchange else ()
