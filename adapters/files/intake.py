"""Taking files in from a drop: stable files only, committed before they leave the folder.

A pass lists the inbound folder, skips names of files in the making (hidden, ``.part``),
keeps a detached signature ``<name>.sig`` with its file, and takes a file once its size
and mtime (and its signature's) stayed unchanged for ``stable_seconds`` — a half-written
file is never taken. Taking is: read the bytes, commit the ``files.received`` message with
them (journal, blobs, hub outbox) and a ``files_seen`` row in one transaction, and only then
move the file to the archive. A file matching no mask, an empty or oversized one, or a
duplicate goes to the errors folder with a journal entry and a note ``<name>.error.txt``.

One file never holds up another: whatever goes wrong with a file (a name that is not UTF-8
or too long for a note beside it, a file that cannot be read) is that file's problem — it
is journaled once, moved to the errors folder under a name that fits, and the pass goes on.
A refusal's journal id is made from the drop, the name, the size and the mtime, so a
refusal whose move failed is journaled once however often the move is tried again; a file
that cannot be moved stays in :attr:`Intake.troubles` (the adapter's health says degraded)
until it is moved or gone.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from adapters.files.models import files_seen
from adapters.files.names import NAME_MAX, fitted, is_utf8, raw, shown, unnamed
from adapters.files.settings import DropSettings
from adapters.files.transport import Entry, Transport, TransportError, is_temp
from contracts.envelope import Envelope, utcnow
from contracts.files import SIGNATURE_SUFFIX, FileReceivedV1
from hub.context import Attachment, Context, Inbound
from hub.masking import FileName
from storage.journal import JournalBatch, store_blob
from storage.models import journal_messages

log = logging.getLogger(__name__)

Refused = Callable[["Drop", str, str], None]
"""Called after a file was refused: (drop, file name, reason)."""

NOTE = ".error.txt"
OUTAGES = (sa.exc.OperationalError, sa.exc.InterfaceError)
"""The database is down: no file can be taken, the whole pass fails (and is retried)."""
_REFUSALS = uuid.uuid5(uuid.NAMESPACE_URL, "urn:omshub:files.refused")


@dataclass
class Stability:
    """Remembers each file's size and mtime, and since when they have not changed."""

    seconds: float
    clock: Callable[[], float] = time.monotonic
    _seen: dict[str, tuple[int, float, float]] = field(default_factory=dict)

    def left(self, entries: list[Entry]) -> dict[str, float]:
        """Seconds each file must still stay unchanged (≤ 0: it is stable now)."""
        now = self.clock()
        seen: dict[str, tuple[int, float, float]] = {}
        left = {}
        for e in entries:
            prev = self._seen.get(e.name)
            since = prev[2] if prev and prev[:2] == (e.size, e.mtime) else now
            seen[e.name] = (e.size, e.mtime, since)
            left[e.name] = self.seconds - (now - since)
        self._seen = seen  # files gone from the folder are forgotten
        return left

    def forget(self, name: str) -> None:
        """Start watching a file afresh (it changed under our hands)."""
        self._seen.pop(name, None)


@dataclass
class Drop:
    """A configured drop with its transport, as one adapter runs it."""

    settings: DropSettings
    transport: Transport
    stability: Stability

    @classmethod
    def of(cls, settings: DropSettings, transport: Transport) -> Drop:
        """A drop over a transport, watching stability as its settings say."""
        return cls(settings, transport, Stability(settings.stable_seconds))

    @property
    def name(self) -> str:
        """The drop's name."""
        return self.settings.name


@dataclass(frozen=True)
class Found:
    """A file seen in the inbound folder, with its detached signature if one is there."""

    file: Entry
    signature: Entry | None


class Intake:
    """Takes one drop's stable files in, for one adapter component."""

    def __init__(self, drop: Drop, ctx: Context, component: str,
                 on_refused: Refused | None = None) -> None:
        self.drop = drop
        self.ctx = ctx
        self.component = component
        self.on_refused = on_refused
        self.troubles: dict[str, str] = {}
        """Files that stay in the inbound folder against our will: name -> why (Russian)."""

    @property
    def settings(self) -> DropSettings:
        """The drop's settings."""
        return self.drop.settings

    def scan(self) -> float | None:
        """Take what is stable now; returns seconds until a waiting file may be (or None)."""
        s = self.settings
        entries = [e for e in self.drop.transport.list(s.inbound) if not is_temp(e.name)]
        self._forget_gone(entries)
        left = self.drop.stability.left(entries)
        wait: float | None = None
        for found in self._group(entries):
            names = [found.file.name] + ([found.signature.name] if found.signature else [])
            still = max(left[n] for n in names)
            if still > 0:
                wait = still if wait is None else min(wait, still)
                continue
            self._take_one(found)
        return wait

    def _forget_gone(self, entries: list[Entry]) -> None:
        """A trouble of a file no longer in the folder is over."""
        present = {e.name for e in entries}
        for name in [n for n in self.troubles if n not in present]:
            del self.troubles[name]

    def _take_one(self, found: Found) -> None:
        """Take one file; whatever goes wrong with it stays with it (see :meth:`_failed`)."""
        try:
            self.take(found)
        except FileNotFoundError:
            pass  # gone since the listing (another poll took it): nothing to do
        except sa.exc.IntegrityError:
            log.info("drop %s: %s was taken by a concurrent poll", self.settings.name,
                     FileName(shown(found.file.name)))
        except OUTAGES:
            raise
        except Exception as exc:  # noqa: BLE001 - one file's failure is that file's alone
            self._failed(found, exc)

    def _failed(self, found: Found, exc: Exception) -> None:
        """A file that could not be taken: journal it once and move it aside, or remember it.

        A transport error with the drop itself unreachable is the drop's failure: raised.
        """
        s, name = self.settings, found.file.name
        if isinstance(exc, TransportError):
            self.drop.transport.list(s.inbound)  # raises when the drop is down
        log.warning("drop %s: %s could not be taken: %s", s.name, FileName(shown(name)), exc,
                    exc_info=not isinstance(exc, TransportError | OSError))
        why = f"файл не удалось принять: {type(exc).__name__}: {exc}"
        try:
            self._refuse(found, b"", "", why)
        except OUTAGES:
            raise
        except Exception as again:  # noqa: BLE001 - journaling it failed too: remember it
            self.troubles[name] = f"файл {shown(name)} не удаётся принять: {why}; {again}"

    def _group(self, entries: list[Entry]) -> list[Found]:
        """Files with their signatures; a lone .sig waits for its file (no mask takes it)."""
        by_name = {e.name: e for e in entries}
        found = []
        for e in sorted(entries, key=lambda e: e.name):
            if e.name.lower().endswith(SIGNATURE_SUFFIX) and not self.settings.mask_for(e.name):
                continue
            sig = by_name.get(e.name + SIGNATURE_SUFFIX)
            found.append(Found(e, sig))
        return found

    def take(self, found: Found) -> str:
        """Take one stable file in (or refuse it); returns what became of it."""
        s, t = self.settings, self.drop.transport
        name = found.file.name
        if found.file.size > s.max_size:
            return self._refuse(found, b"", "", f"файл больше {s.max_size} байт "
                                                f"({found.file.size})")
        data = t.read(s.inbound, name)
        sig = t.read(s.inbound, found.signature.name) if found.signature else None
        if len(data) != found.file.size:
            self.drop.stability.forget(name)  # still being written after all
            return "waiting"
        sha = hashlib.sha256(data).hexdigest()
        if not is_utf8(name):
            return self._refuse(found, data, sha, "имя файла не в кодировке "
                                "UTF-8: переименуйте файл и положите его снова")
        why: str | None = None
        with self.ctx.db.transaction() as conn:
            row = conn.execute(sa.select(files_seen).where(
                files_seen.c.drop == s.name, files_seen.c.name == name,
                files_seen.c.sha256 == sha)).first()
            if row is None:
                why = self._problem(name, data)
                if why is None:
                    self._record(conn, found, data, sig, sha)
        if row is not None and row.archived_at is None:
            self._archive(found, sha, self._sender(name))  # taken before a failed move
            return "archived"
        if row is not None:
            return self._refuse(found, data, sha, "повтор: файл с тем же именем и SHA-256 "
                                f"уже принят {row.taken_at:%d.%m.%Y %H:%M:%S} UTC как "
                                f"сообщение {row.envelope_id}")
        if why is not None:
            return self._refuse(found, data, sha, why)
        self.ctx.relay.notify()
        self._archive(found, sha, self._sender(name))
        return "taken"

    def _problem(self, name: str, data: bytes) -> str | None:
        if self.settings.mask_for(name) is None:
            return (f"имя файла не подходит ни под одну маску папки {self.settings.name} "
                    f"({', '.join(m.pattern for m in self.settings.masks) or 'масок нет'})")
        if not data:
            return "пустой файл"
        return None

    def _sender(self, name: str) -> str:
        mask = self.settings.mask_for(name)
        return (mask.sender_in(name) if mask else "") or self.settings.sender

    def _record(self, conn: Connection, found: Found, data: bytes, sig: bytes | None,
                sha: str) -> Envelope:
        """The message and the files_seen row, in the caller's transaction."""
        s, name = self.settings, found.file.name
        mask = s.mask_for(name)
        assert mask is not None
        model = FileReceivedV1(drop=s.name, file_name=name, size=len(data), sha256=sha,
                               format_key=mask.format, sender=self._sender(name),
                               signed=sig is not None, received_at=utcnow())
        files = [Attachment(name, media_type(name), data)]
        if sig is not None:
            files.append(Attachment(name + SIGNATURE_SUFFIX, "application/pkcs7-signature", sig))
        (env,) = self.ctx.publish_in(conn, [Inbound(model, attachments=files)])
        conn.execute(files_seen.insert().values(
            drop=s.name, name=name, sha256=sha, envelope_id=env.id, size=len(data),
            taken_at=utcnow()))
        log.info("drop %s: %s taken as %s (%s)", s.name, FileName(name), env.id, mask.format)
        return env

    def _archive(self, found: Found, sha: str, sender: str) -> None:
        """Move a taken file (and its signature) to the archive, then mark its row."""
        s, t = self.settings, self.drop.transport
        folder = _join(s.archive, layout(s.archive_layout, sender))
        name = found.file.name
        limit = NAME_MAX - (len(SIGNATURE_SUFFIX) if found.signature else 0)
        new_name = fitted(name, limit)
        if t.exists(folder, new_name):
            new_name = fitted(f"{sha[:8]}_{name}", limit)
        try:
            if found.signature:
                t.move(s.inbound, found.signature.name, folder, new_name + SIGNATURE_SUFFIX)
            path = t.move(s.inbound, name, folder, new_name)
        except TransportError as exc:
            # Committed already: the next pass finds the row and only archives the file.
            log.warning("drop %s: %s taken but not archived yet: %s", s.name,
                        FileName(shown(name)), exc)
            self.troubles[name] = (f"файл {shown(name)} принят, но не перемещён в архив "
                                   f"{folder}: {exc}")
            return
        self.troubles.pop(name, None)
        with self.ctx.db.transaction() as conn:
            conn.execute(files_seen.update().where(
                files_seen.c.drop == s.name, files_seen.c.name == name,
                files_seen.c.sha256 == sha).values(archived_at=utcnow(), archived_as=path))

    def _refuse(self, found: Found, data: bytes, sha: str, why: str) -> str:
        """Journal a refused file with its bytes (once), then move it to errors with a note.

        The journal entry's id is the file's (:func:`refusal_id`): trying again after a
        failed move journals nothing new. A move that fails leaves the file in
        :attr:`troubles` until a later pass moves it.
        """
        s, t, name = self.settings, self.drop.transport, found.file.name
        stub = Envelope(id=refusal_id(s.name, found.file), type="files.refused", version=1,
                        source=self.component,
                        payload={"drop": s.name, "file_name": shown(name),
                                 "size": found.file.size, "sha256": sha,
                                 "sender": self._sender(name), "reason": unnamed(why, name)})
        self._journal_refusal(stub, data, name, unnamed(why, name))
        target = fitted(name, NAME_MAX - len(NOTE))
        if t.exists(s.errors, target):  # an earlier file of that name: the id tells apart
            target = fitted(f"{stub.id[:8]}_{name}", NAME_MAX - len(NOTE))
        zone = ZoneInfo(self.ctx.settings.timezone)
        note = (f"Файл {shown(name)} не принят (точка обмена {s.name}), "
                f"{utcnow().astimezone(zone):%d.%m.%Y %H:%M:%S} ({self.ctx.settings.timezone})\n"
                f"Причина: {why}\n"
                f"Номер записи в журнале хаба: {stub.id}\n")
        try:
            t.write_atomic(s.errors, target + NOTE, note.encode("utf-8"))
            if found.signature:
                t.move(s.inbound, found.signature.name, s.errors, target + SIGNATURE_SUFFIX)
            t.move(s.inbound, name, s.errors, target)
        except TransportError as exc:
            log.warning("drop %s: %s refused but not moved to errors: %s", s.name,
                        FileName(shown(name)), exc)
            self.troubles[name] = (f"файл {shown(name)} отклонён, но не перемещён в папку "
                                   f"ошибок {s.errors}: {exc} (журнал: сообщение {stub.id})")
            return "stuck"
        self.troubles.pop(name, None)
        if self.on_refused is not None:
            self.on_refused(self.drop, shown(name), why)
        return "refused"

    def _journal_refusal(self, stub: Envelope, data: bytes, name: str, why: str) -> None:
        """The refusal's journal entry and its bytes, unless an earlier pass wrote it."""
        s = self.settings
        journal = JournalBatch(self.component)
        with self.ctx.db.transaction() as conn:
            if conn.execute(sa.select(journal_messages.c.message_id).where(
                    journal_messages.c.message_id == stub.id)).first() is not None:
                return
            blob = store_blob(conn, data, media_type(name)) if data else None
            journal.message(stub, "rejected", raw_blob_id=blob, fresh=True, error=why)
            journal.event(stub.id, "rejected", detail=f"drop {s.name}: {shown(name)}: {why}",
                          error=why, new=True)
            journal.write(conn)
        log.warning("drop %s: %s refused: %s", s.name, FileName(shown(name)), why)


def refusal_id(drop: str, file: Entry) -> str:
    """The journal id of refusing this file as it lies in the folder (name, size, mtime)."""
    return str(uuid.uuid5(_REFUSALS, f"{drop}\0{raw(file.name).hex()}\0{file.size}\0"
                                     f"{file.mtime!r}"))


def layout(template: str, sender: str, now: datetime | None = None) -> str:
    """The archive sub-folder for a file: {yyyy}/{mm}/{dd}/{sender} filled in."""
    now = now or utcnow()
    return template.format(yyyy=f"{now:%Y}", mm=f"{now:%m}", dd=f"{now:%d}",
                           sender=sender or "unknown").strip("/")


def _join(folder: str, sub: str) -> str:
    return f"{folder.rstrip('/')}/{sub}" if sub else folder


MEDIA_TYPES: dict[str, str] = {
    ".xml": "application/xml", ".zip": "application/zip", ".csv": "text/csv",
    ".txt": "text/plain", ".dbf": "application/x-dbf", ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".sig": "application/pkcs7-signature", ".pdf": "application/pdf",
}


def media_type(name: str) -> str:
    """The media type a file name suggests (octet-stream when unknown)."""
    dot = name.rfind(".")
    return MEDIA_TYPES.get(name[dot:].lower(), "application/octet-stream") if dot > 0 \
        else "application/octet-stream"
