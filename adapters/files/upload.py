"""Files an operator uploads in the console on an organisation's behalf (issue 11, item 5).

An insurer's OPLIST or a clinic's ATT that came by mail, on a disk, or that a drop refused,
is uploaded by an operator and taken in exactly like a dropped one: the same
``files.received`` message with the exact bytes attached, journaled and published through
the outbox, processed by whichever handler takes its format, answered like any file. What
differs is recorded: the channel (``drop``, ``console`` by default), the organisation the
operator chose as the sender, and the operator (an audit row committed with the message).

A file is refused — with a Russian reason on the page, a journal entry ``files.refused``
with its bytes and an audit row, nothing else done — when its name fits none of the upload
masks (``[plugins.files.upload]``), the name's sender is not the chosen organisation, it is
empty or larger than ``max_size``, a ``.xml`` file is not XML, or the same name and bytes
were uploaded already (``files_seen`` of the upload channel, as a drop remembers its files).
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from adapters.files.intake import media_type
from adapters.files.models import files_seen
from adapters.files.names import shown
from adapters.files.settings import Mask, UploadSettings
from admin.extensions import COMPONENT, ConsoleContext
from contracts.envelope import Envelope, utcnow
from contracts.files import FileReceivedV1
from contracts.xmlsafe import parse
from hub.context import Attachment, Context, Inbound
from hub.masking import FileName
from hub.outbox import Relay
from storage.journal import JournalBatch, store_blob

log = logging.getLogger(__name__)

TAKEN, REFUSED = "files-upload", "files-upload-refused"
"""Audit actions of an upload taken in and of one refused."""
NAME_LIMIT = 255


class Refused(ValueError):
    """An upload not taken in; the message is the Russian reason shown to the operator.

    ``journal_id``: the refusal's journal entry ('' when nothing reached the hub, e.g. no
    file was chosen)."""

    def __init__(self, why: str, journal_id: str = "") -> None:
        super().__init__(why)
        self.journal_id = journal_id


@dataclass(frozen=True)
class Upload:
    """A file as the operator uploaded it, and on whose behalf."""

    name: str
    data: bytes
    organisation: str
    user: str
    note: str = ""
    remote_addr: str = ""


@dataclass(frozen=True)
class Taken:
    """An upload taken in: its ``files.received`` envelope and what the mask named it."""

    envelope: Envelope
    format: str
    title: str


def plain_name(name: str) -> str:
    """The name a browser sent, without any folder part (old browsers send a path)."""
    return name.replace("\\", "/").rsplit("/", 1)[-1].strip()


def mb(size: int) -> str:
    """Bytes as megabytes for a message (``50 МБ``, ``0,5 МБ``)."""
    value = size / (1024 * 1024)
    return (f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}") \
        .replace(".", ",") + " МБ"


class Uploads:
    """Takes uploaded files in on behalf of console users (one per console)."""

    def __init__(self, settings: UploadSettings, ctx: ConsoleContext) -> None:
        self.settings = settings
        self.ctx = ctx
        self.hub = Context(ctx.settings, ctx.db, ctx.ops.bus, ctx.types,
                           ctx.relay or Relay(ctx.db, ctx.ops.bus), COMPONENT,
                           logging.getLogger(f"omshub.{COMPONENT}"))

    def take(self, upload: Upload) -> Taken:
        """Take the file in, or raise :class:`Refused` (journaled and audited)."""
        name, organisation = plain_name(upload.name), upload.organisation.strip()
        if not name:
            raise Refused("Выберите файл.")
        if not organisation:
            raise Refused("Укажите код организации, от имени которой загружается файл.")
        sha = hashlib.sha256(upload.data).hexdigest()
        mask, problem = self.problem(name, upload.data, organisation)
        why = problem or ""
        if problem is None and mask is not None:
            with self.ctx.db.transaction() as conn:
                seen = conn.execute(sa.select(files_seen).where(
                    files_seen.c.drop == self.settings.drop, files_seen.c.name == name,
                    files_seen.c.sha256 == sha)).first()
                if seen is None:
                    env = self._record(conn, upload, name, organisation, mask, sha)
            if seen is None:
                self.ctx.flush()
                log.info("upload: %s taken as %s from %s by %s", FileName(name), env.id,
                         organisation, upload.user)
                return Taken(env, mask.format, mask.title or mask.format)
            why = (f"повтор: файл с тем же именем и содержимым уже загружен "
                   f"{seen.taken_at:%d.%m.%Y %H:%M} UTC (сообщение {seen.envelope_id})")
        raise Refused(f"Файл {shown(name)} не принят: {why}.",
                      self._refuse(upload, name, organisation, sha, why))

    def problem(self, name: str, data: bytes, organisation: str) -> tuple[Mask | None, str | None]:
        """The mask the name fits, and why the file cannot be taken (None: it can)."""
        limit = self.settings.max_size
        if len(data) > limit:
            return None, f"файл больше допустимого размера: не более {mb(limit)}"
        if not data:
            return None, "файл пуст"
        if len(name.encode("utf-8")) > NAME_LIMIT:
            return None, "слишком длинное имя файла"
        mask = self.settings.mask_for(name)
        if mask is None:
            kinds = "; ".join(f"{m.title or m.format}: {m.pattern}" for m in self.settings.masks)
            return None, f"имя файла не подходит ни под один формат обмена ({kinds})"
        sender = mask.sender_in(name)
        if sender != organisation:
            return mask, (f"по имени файла его отправитель — {sender or 'не указан'}, "
                          f"а выбрана организация {organisation}")
        if name.lower().endswith(".xml"):
            try:
                parse(data)
            except Exception as exc:  # noqa: BLE001 - any parse failure: not a file we take
                return mask, f"содержимое — не XML ({type(exc).__name__}: {str(exc)[:200]})"
        return mask, None

    def _record(self, conn: sa.Connection, upload: Upload, name: str, organisation: str,
                mask: Mask, sha: str) -> Envelope:
        """The message, the files_seen row and the audit row, in the caller's transaction."""
        model = FileReceivedV1(drop=self.settings.drop, file_name=name, size=len(upload.data),
                               sha256=sha, format_key=mask.format, sender=organisation,
                               received_at=utcnow())
        files = [Attachment(name, media_type(name), upload.data)]
        (env,) = self.hub.publish_in(conn, [Inbound(model, attachments=files)])
        conn.execute(files_seen.insert().values(
            drop=self.settings.drop, name=name, sha256=sha, envelope_id=env.id,
            size=len(upload.data), taken_at=utcnow(), archived_at=utcnow(),
            archived_as=f"{self.settings.drop}:{upload.user}"))
        self.ctx.audit_in(conn, upload.user, TAKEN, target=env.id, reason=upload.note.strip(),
                          details=self._details(name, organisation, mask.format,
                                                len(upload.data), sha),
                          remote_addr=upload.remote_addr)
        return env

    def _details(self, name: str, organisation: str, format_key: str, size: int,
                 sha: str) -> dict[str, Any]:
        return {"type": "files.received", "file_name": shown(name),
                "organisation": organisation, "format": format_key, "size": size,
                "sha256": sha, "channel": self.settings.drop}

    def _refuse(self, upload: Upload, name: str, organisation: str, sha: str,
                why: str) -> str:
        """Journal the refused file (with its bytes, unless too large) and audit it."""
        keep = 0 < len(upload.data) <= self.settings.max_size
        stub = Envelope(id=str(uuid.uuid4()), type="files.refused", version=1,
                        source=COMPONENT,
                        payload={"drop": self.settings.drop, "file_name": shown(name),
                                 "size": len(upload.data), "sha256": sha,
                                 "sender": organisation, "user": upload.user, "reason": why})
        journal = JournalBatch(COMPONENT)
        with self.ctx.db.transaction() as conn:
            blob = store_blob(conn, upload.data, media_type(name)) if keep else None
            journal.message(stub, "rejected", raw_blob_id=blob, fresh=True, error=why)
            journal.event(stub.id, "rejected", detail=f"загрузка в консоли: {shown(name)}: "
                                                      f"{why}", error=why, new=True)
            journal.write(conn)
            self.ctx.audit_in(conn, upload.user, REFUSED, target=stub.id,
                              reason=upload.note.strip(),
                              details=self._details(name, organisation, "", len(upload.data),
                                                    sha) | {"error": why},
                              remote_addr=upload.remote_addr)
        log.warning("upload: %s refused: %s", FileName(shown(name)), why)
        return stub.id


def recent(ctx: ConsoleContext, settings: UploadSettings,
           limit: int = 20) -> list[dict[str, Any]]:
    """The latest uploads taken in (newest first): name, size, when, by whom, message."""
    with ctx.db.read() as conn:
        rows = conn.execute(sa.select(files_seen).where(files_seen.c.drop == settings.drop)
                            .order_by(files_seen.c.taken_at.desc()).limit(limit)).all()
    return [{"name": shown(r.name), "size": int(r.size), "taken_at": r.taken_at,
             "user": str(r.archived_as or "").partition(":")[2],
             "message_id": r.envelope_id} for r in rows]

