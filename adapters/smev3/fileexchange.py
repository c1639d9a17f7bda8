"""The СМЭВ file exchange (файловое хранилище СМЭВ): large attachments over FTP.

A file above the inline limit does not travel inside the message. The sender uploads it
to СМЭВ's FTP server into a directory named by a fresh UUID and describes it in the
signed data (``RefAttachmentHeader``: the UUID, the file's hash, its MIME type); the
recipient is told where to fetch it (``FSAttachment``: the UUID, a user name, a password
and the file name) and downloads ``/<uuid>/<file name>``. The file's own signature (ЭП-СП,
a detached CMS ``SignaturePKCS7``) travels in that signed ``RefAttachmentHeader``, never on
the FTP server: :class:`~adapters.smev3.attachments.AttachmentTransfer` makes it before the
upload and checks it after the download, with the hash.

The client is :mod:`ftplib` (binary mode, passive). Failures come in two kinds:
:class:`FileExchangeUnavailable` — the server cannot be reached or broke off, worth trying
again later — and :class:`~adapters.smev3.attachments.AttachmentError` — the file is not
there or is larger than allowed, which no retry will change.
"""

from __future__ import annotations

import ftplib
import io
import posixpath
import uuid
from dataclasses import dataclass, field

from adapters.smev3.attachments import (
    AttachmentError,
    AttachmentTooLarge,
    FileExchangeUnavailable,
)

ANONYMOUS = "anonymous"
__all__ = ["ANONYMOUS", "FileExchange", "FileExchangeUnavailable", "FtpEndpoint",
           "safe_file_name"]


@dataclass(frozen=True)
class FtpEndpoint:
    """Where the file exchange is and who we are on it (``anonymous`` by default)."""

    host: str = "127.0.0.1"
    port: int = 2121
    user: str = ANONYMOUS
    password: str = field(default="", repr=False)
    timeout: float = 60.0


def safe_file_name(name: str) -> str:
    """A file name that stays one path segment on the FTP server (never a path)."""
    base = posixpath.basename(name.replace("\\", "/")).strip()
    return base if base not in ("", ".", "..") else "attachment.bin"


class FileExchange:
    """Uploads and downloads of the СМЭВ file exchange (a connection per file)."""

    def __init__(self, endpoint: FtpEndpoint) -> None:
        self.endpoint = endpoint

    def _connect(self, user: str, password: str) -> ftplib.FTP:
        e = self.endpoint
        ftp = ftplib.FTP(timeout=e.timeout, encoding="utf-8")
        try:
            ftp.connect(e.host, e.port)
            ftp.login(user, password)
        except ftplib.error_perm as exc:
            ftp.close()
            raise AttachmentError(f"the СМЭВ file exchange at {e.host}:{e.port} refused "
                                  f"user {user!r}: {exc}") from exc
        except (OSError, EOFError, ftplib.Error) as exc:
            ftp.close()
            raise FileExchangeUnavailable(f"the СМЭВ file exchange at {e.host}:{e.port} is "
                                          f"unreachable: {exc}") from exc
        return ftp

    def upload(self, data: bytes, file_name: str) -> str:
        """Put a file into a new directory; returns its UUID (the directory's name)."""
        directory = str(uuid.uuid4())
        name = safe_file_name(file_name)
        ftp = self._connect(self.endpoint.user, self.endpoint.password)
        try:
            ftp.mkd(directory)
            ftp.storbinary(f"STOR {directory}/{name}", io.BytesIO(data))
            ftp.quit()
        except ftplib.error_perm as exc:
            raise AttachmentError(f"the СМЭВ file exchange refused {name}: {exc}") from exc
        except (OSError, EOFError, ftplib.Error) as exc:
            raise FileExchangeUnavailable(f"uploading {name} to the СМЭВ file exchange "
                                          f"failed: {exc}") from exc
        finally:
            ftp.close()
        return directory

    def download(self, file_uuid: str, file_name: str, *, user: str, password: str,
                 max_size: int) -> bytes:
        """The file ``/<uuid>/<file name>``, at most ``max_size`` bytes.

        A file that is absent, or larger than ``max_size`` (by the server's SIZE, or while
        it arrives), is an :class:`AttachmentError`.
        """
        path = f"{safe_file_name(file_uuid)}/{safe_file_name(file_name)}"
        ftp = self._connect(user or ANONYMOUS, password)
        chunks: list[bytes] = []
        received = 0

        def take(chunk: bytes) -> None:
            nonlocal received
            received += len(chunk)
            if received > max_size:
                raise AttachmentTooLarge(f"file {path} is larger than the allowed "
                                         f"{max_size} bytes")
            chunks.append(chunk)

        try:
            ftp.voidcmd("TYPE I")
            size = ftp.size(path)
            if size is not None and size > max_size:
                raise AttachmentTooLarge(f"file {path} has {size} bytes, more than the "
                                         f"allowed {max_size}")
            ftp.retrbinary(f"RETR {path}", take)
            ftp.quit()
        except ftplib.error_perm as exc:
            raise AttachmentError(f"file {path} is not on the СМЭВ file exchange: "
                                  f"{exc}") from exc
        except (OSError, EOFError, ftplib.Error) as exc:
            raise FileExchangeUnavailable(f"downloading {path} from the СМЭВ file exchange "
                                          f"failed: {exc}") from exc
        finally:
            ftp.close()
        return b"".join(chunks)

