"""Attachments of СМЭВ 3 messages (вложения): small ones inline by MTOM, large ones by FTP.

СМЭВ's rule: attachments of one message travel inside it (``AttachmentHeaderList`` in the
signed data, ``AttachmentContentList`` beside it, sent as MTOM parts) up to 5 MB in total;
anything more goes through the file exchange (:mod:`adapters.smev3.fileexchange`) and is
described by a ``RefAttachmentHeader`` in the signed data — its UUID, MIME type and hash.

The hash: the XSDs say only «Хэш файла»; СМЭВ's methodical recommendations ask for GOST
R 34.11-2012 (Streebog) 256 bits, base64 — computed by the configured crypto provider.
The pure-Python provider hashes about 0.2 MB/s; use ``crypto_provider = "openssl"`` where
large files are routine.

:class:`AttachmentTransfer` does both directions for the client: :meth:`~AttachmentTransfer.
outgoing` chooses inline or FTP for each file and uploads; :meth:`~AttachmentTransfer.
incoming` resolves MTOM parts, downloads FTP files, and checks coordination, sizes and
hashes — every refusal an :class:`AttachmentError` whose message says what is wrong.

Signatures of files (``SignaturePKCS7``, ЭП-СП: a detached CMS signature, :mod:`adapters.
smev3.cms`): with a ``sign`` function every file we send, inline or by FTP, carries one in
its header; every file we receive that carries one is verified against its bytes, and a bad
one refuses the message. The schemas make the signature optional and СМЭВ does not check it
(it is for the recipient), so an unsigned file is accepted with a note on the journal, or
refused where ``require_signatures`` says the fund's rules want one.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from adapters.smev3 import protocol as p
from hub.context import Attachment

MIB = 1024 * 1024
INLINE_LIMIT = 5 * MIB
"""СМЭВ's limit on the attachments of one message sent inline (MTOM), in total."""
MAX_SIZE = 1024 * MIB

Digest = Callable[[bytes], bytes]
"""Bytes → their GOST R 34.11-2012 256-bit hash."""
Sign = Callable[[bytes], bytes]
"""A file's bytes → its detached CMS signature (DER)."""
Verify = Callable[[bytes, bytes], str]
"""(signature, file) → who signed it, in words; :class:`~hub.crypto.cms.CmsError` if not."""

__all__ = ["Attachment", "AttachmentError", "AttachmentTooLarge", "AttachmentTransfer",
           "FileExchangeUnavailable", "FileStore", "Incoming", "Limits", "Outgoing",
           "Sign", "Verify", "cms_signer", "cms_verifier", "file_hash", "mime_type",
           "streebog"]


class AttachmentError(Exception):
    """An attachment that cannot be sent or accepted (headers, hash, missing file…)."""


class AttachmentTooLarge(AttachmentError):
    """An attachment larger than the configured maximum."""


class FileExchangeUnavailable(Exception):
    """The FTP server of the file exchange is unreachable or failed (try again later)."""


@dataclass(frozen=True)
class Limits:
    """How much goes inline, and the largest file accepted at all (bytes)."""

    inline_total: int = INLINE_LIMIT
    max_size: int = MAX_SIZE


def streebog(provider: str = "gostcrypto") -> Digest:
    """The GOST R 34.11-2012 256 digest of a crypto provider (loaded on first use)."""
    from hub.crypto import get_provider
    from hub.crypto.algorithms import DIGEST_2012_256

    def digest(data: bytes) -> bytes:
        return get_provider(provider).digest(data, DIGEST_2012_256)

    return digest


def cms_signer(key: bytes, certificate: bytes, provider: str = "gostcrypto") -> Sign:
    """Detached CMS signatures (ЭП-СП of files) by a PEM key and certificate."""
    from hub.crypto import cms, get_provider, load_certificate, load_private_key

    private, cert = load_private_key(key), load_certificate(certificate)

    def sign(data: bytes) -> bytes:
        return cms.sign_detached(data, private, cert, get_provider(provider))

    return sign


def cms_verifier(provider: str = "gostcrypto") -> Verify:
    """Verification of detached CMS signatures by a crypto provider."""
    from hub.crypto import cms, get_provider

    def verify(signature: bytes, data: bytes) -> str:
        signed = cms.verify_detached(signature, data, get_provider(provider))
        return signed.certificate.subject

    return verify


def file_hash(data: bytes, digest: Digest) -> str:
    """``RefAttachmentHeader/Hash``: base64 of the file's GOST hash."""
    return base64.b64encode(digest(data)).decode("ascii")


_MIME = re.compile(r"(text|image|audio|video|application)/[a-zA-Z0-9\-+.]*")


def mime_type(media_type: str) -> str:
    """A media type as the XSD's ``RFC2046MimeTypesType`` allows (parameters dropped)."""
    bare = media_type.split(";")[0].strip().lower()
    return bare if _MIME.fullmatch(bare) else "application/octet-stream"


_NCNAME = re.compile(r"[^\W\d][\w.\-]*")
_TAKEN = frozenset({"SIGNED_BY_CONSUMER", "SIGNED_BY_PROVIDER", "SIGNED_BY_CALLER"})


def _content_id(name: str, taken: set[str]) -> str:
    """``contentId``: the file name where it is a valid ``xs:ID`` (it is the only name an
    inline attachment carries), else ``attachment<n>``."""
    candidate = name if _NCNAME.fullmatch(name) else ""
    n = len(taken) + 1
    while not candidate or candidate in taken or candidate in _TAKEN:
        candidate, n = f"attachment{n}", n + 1
    taken.add(candidate)
    return candidate


class FileStore(Protocol):
    """The file exchange: :class:`~adapters.smev3.fileexchange.FileExchange` implements it."""

    def upload(self, data: bytes, file_name: str) -> str:
        """Upload into a new directory; returns the file's UUID."""

    def download(self, file_uuid: str, file_name: str, *, user: str, password: str,
                 max_size: int) -> bytes:
        """Download at most ``max_size`` bytes."""


@dataclass(frozen=True)
class Outgoing:
    """What the attachments of one message become: signed headers, and inline contents."""

    headers: tuple[p.AttachmentHeader, ...] = ()
    refs: tuple[p.RefAttachmentHeader, ...] = ()
    contents: tuple[p.AttachmentContent, ...] = ()


@dataclass(frozen=True)
class Incoming:
    """The checked files of a received message, and what the journal should note on them."""

    files: list[Attachment]
    notes: list[str]
    """Unsigned files (accepted), in words."""


def check_sizes(sizes: Iterable[tuple[str, int]], limits: Limits) -> None:
    """Refuse a file larger than the maximum (:class:`AttachmentTooLarge`)."""
    for name, size in sizes:
        if size > limits.max_size:
            raise AttachmentTooLarge(f"attachment {name!r} has {size} bytes, more than the "
                                     f"allowed {limits.max_size} (smev3 attachments_max_size)")


def split_inline(files: Sequence[Attachment], limits: Limits
                 ) -> tuple[list[Attachment], list[Attachment]]:
    """Which files go inline (smallest first, while the total fits) and which by FTP."""
    inline: list[Attachment] = []
    total = 0
    for file in sorted(files, key=lambda f: f.size):
        if total + file.size > limits.inline_total:
            break
        inline.append(file)
        total += file.size
    chosen = {id(f) for f in inline}
    return ([f for f in files if id(f) in chosen], [f for f in files if id(f) not in chosen])


@dataclass(frozen=True)
class AttachmentTransfer:
    """Attachments in and out for one client: limits, the file exchange and the hash."""

    limits: Limits
    files: FileStore | None
    """The file exchange (uploads and downloads); None where there is none."""
    digest: Digest
    sign: Sign | None = None
    """ЭП-СП of the files we send (``SignaturePKCS7``); None: sent unsigned."""
    verify: Verify | None = None
    """Checks the ``SignaturePKCS7`` of files we receive; None: not checked."""
    require_signatures: bool = False
    """Refuse a received file without ``SignaturePKCS7`` (the schemas make it optional)."""

    def _signature(self, data: bytes) -> bytes | None:
        return None if self.sign is None else self.sign(data)

    def outgoing(self, files: Sequence[Attachment]) -> Outgoing:
        """Headers and contents for ``files``; large files are uploaded now."""
        check_sizes(((f.name, f.size) for f in files), self.limits)
        inline, large = split_inline(files, self.limits)
        taken: set[str] = set()
        headers, contents = [], []
        for file in inline:
            cid = _content_id(file.name, taken)
            headers.append(p.AttachmentHeader(content_id=cid, mime_type=mime_type(
                file.media_type), signature_pkcs7=self._signature(file.data)))
            contents.append(p.AttachmentContent(cid, file.data))
        refs = []
        for file in large:
            if self.files is None:
                raise AttachmentError(f"attachment {file.name!r} ({file.size} bytes) needs the "
                                      "СМЭВ file exchange, and none is configured")
            file_uuid = self.files.upload(file.data, file.name)
            refs.append(p.RefAttachmentHeader(
                uuid=file_uuid, hash=file_hash(file.data, self.digest),
                mime_type=mime_type(file.media_type), file_name=file.name,
                signature_pkcs7=self._signature(file.data)))
        return Outgoing(tuple(headers), tuple(refs), tuple(contents))

    def incoming(self, headers: Sequence[p.AttachmentHeader],
                 refs: Sequence[p.RefAttachmentHeader],
                 contents: Sequence[p.AttachmentContent], fs: Sequence[p.FSAttachment],
                 parts: Mapping[str, bytes]) -> list[Attachment]:
        """The files of a received message, checked; :class:`AttachmentError` if one fails."""
        return self.received(headers, refs, contents, fs, parts).files

    def received(self, headers: Sequence[p.AttachmentHeader],
                 refs: Sequence[p.RefAttachmentHeader],
                 contents: Sequence[p.AttachmentContent], fs: Sequence[p.FSAttachment],
                 parts: Mapping[str, bytes]) -> Incoming:
        """:meth:`incoming` with the notes on unsigned files."""
        try:
            resolved = p.mtom.resolve(contents, parts)
            p.mtom.check_coordination(headers, resolved)
        except p.SmevFault as fault:
            raise AttachmentError(fault.message) from fault
        by_id = {c.id: c.content or b"" for c in resolved}
        files = [Attachment(h.content_id, h.mime_type, by_id[h.content_id]) for h in headers]
        check_sizes(((f.name, f.size) for f in files), self.limits)
        signatures = [h.signature_pkcs7 for h in headers]
        where = {f.uuid: f for f in fs}
        for ref in refs:
            files.append(self._fetch(ref, where.get(ref.uuid)))
            signatures.append(ref.signature_pkcs7)
        notes = [note for file, signature in zip(files, signatures, strict=True)
                 if (note := self._check_signature(file, signature))]
        return Incoming(files, notes)

    def _check_signature(self, file: Attachment, signature: bytes | None) -> str:
        """Empty when the file's signature verifies; a note when it has none (accepted);
        :class:`AttachmentError` when it is bad, or missing and required."""
        if signature is None:
            if self.require_signatures:
                raise AttachmentError(f"вложение «{file.name}» без подписи ЭП-СП "
                                      "(SignaturePKCS7), а она обязательна")
            return f"вложение «{file.name}» без подписи ЭП-СП (SignaturePKCS7)"
        if self.verify is None:
            return ""
        from hub.crypto.cms import CmsError

        try:
            self.verify(signature, file.data)
        except CmsError as exc:
            raise AttachmentError(f"подпись ЭП-СП вложения «{file.name}» (SignaturePKCS7) "
                                  f"не принята: {exc}") from exc
        return ""

    def _fetch(self, ref: p.RefAttachmentHeader, fs: p.FSAttachment | None) -> Attachment:
        if fs is None:
            raise AttachmentError(f"file {ref.uuid} is announced (RefAttachmentHeader) but "
                                  "the message does not say where to fetch it (FSAttachment)")
        if self.files is None:
            raise AttachmentError(f"file {ref.uuid} is on the СМЭВ file exchange, and none "
                                  "is configured")
        data = self.files.download(fs.uuid, fs.file_name, user=fs.user_name,
                                   password=fs.password, max_size=self.limits.max_size)
        got = file_hash(data, self.digest)
        if got != ref.hash.strip():
            raise AttachmentError(f"file {ref.uuid} ({fs.file_name}): its GOST R 34.11-2012 "
                                  f"hash is {got}, the signed header says {ref.hash}")
        return Attachment(ref.file_name or fs.file_name, ref.mime_type, data)
