"""Taking files in from a drop: stable files only, committed before they leave the folder.

A pass lists the inbound folder, skips names of files in the making (hidden, ``.part``),
keeps a detached signature ``<name>.sig`` with its file, and takes a file once its size
and mtime (and its signature's) stayed unchanged for ``stable_seconds`` — a half-written
file is never taken. Taking is: read the bytes, commit the ``files.received`` message with
them (journal, blobs, hub outbox) and a ``files_seen`` row in one transaction, and only then
move the file to the archive. A file matching no mask, an empty or oversized one, or a
duplicate goes to the errors folder with a journal entry and a note ``<name>.error.txt``.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from adapters.files.models import files_seen
from adapters.files.settings import DropSettings
from adapters.files.transport import Entry, Transport, TransportError, is_temp
from contracts.envelope import Envelope, utcnow
from contracts.files import SIGNATURE_SUFFIX, FileReceivedV1
from hub.context import Attachment, Context, Inbound
from storage.journal import JournalBatch, store_blob

log = logging.getLogger(__name__)

Refused = Callable[["Drop", str, str], None]
"""Called after a file was refused: (drop, file name, reason)."""


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

    @property
    def settings(self) -> DropSettings:
        """The drop's settings."""
        return self.drop.settings

    def scan(self) -> float | None:
        """Take what is stable now; returns seconds until a waiting file may be (or None)."""
        s = self.settings
        entries = [e for e in self.drop.transport.list(s.inbound) if not is_temp(e.name)]
        left = self.drop.stability.left(entries)
        wait: float | None = None
        for found in self._group(entries):
            names = [found.file.name] + ([found.signature.name] if found.signature else [])
            still = max(left[n] for n in names)
            if still > 0:
                wait = still if wait is None else min(wait, still)
                continue
            try:
                self.take(found)
            except FileNotFoundError:
                pass  # gone since the listing (another poll took it): nothing to do
            except sa.exc.IntegrityError:
                log.info("drop %s: %s was taken by a concurrent poll", s.name, found.file.name)
        return wait

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
            return self._refuse(found, b"", "", f"larger than {s.max_size} bytes "
                                                f"({found.file.size})")
        data = t.read(s.inbound, name)
        sig = t.read(s.inbound, found.signature.name) if found.signature else None
        if len(data) != found.file.size:
            self.drop.stability.forget(name)  # still being written after all
            return "waiting"
        sha = hashlib.sha256(data).hexdigest()
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
            return self._refuse(found, data, sha, f"duplicate: {name} with the same sha256 "
                                f"was taken on {row.taken_at:%Y-%m-%d %H:%M:%S} UTC as "
                                f"message {row.envelope_id}")
        if why is not None:
            return self._refuse(found, data, sha, why)
        self.ctx.relay.notify()
        self._archive(found, sha, self._sender(name))
        return "taken"

    def _problem(self, name: str, data: bytes) -> str | None:
        if self.settings.mask_for(name) is None:
            return (f"the name {name} matches no mask of drop {self.settings.name} "
                    f"({', '.join(m.pattern for m in self.settings.masks) or 'none'})")
        if not data:
            return "empty file"
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
        log.info("drop %s: %s taken as %s (%s)", s.name, name, env.id, mask.format)
        return env

    def _archive(self, found: Found, sha: str, sender: str) -> None:
        """Move a taken file (and its signature) to the archive, then mark its row."""
        s, t = self.settings, self.drop.transport
        folder = _join(s.archive, layout(s.archive_layout, sender))
        name = found.file.name
        new_name = name if not t.exists(folder, name) else f"{sha[:8]}_{name}"
        try:
            if found.signature:
                t.move(s.inbound, found.signature.name, folder, new_name + SIGNATURE_SUFFIX)
            path = t.move(s.inbound, name, folder, new_name)
        except TransportError as exc:
            # Committed already: the next pass finds the row and only archives the file.
            log.warning("drop %s: %s taken but not archived yet: %s", s.name, name, exc)
            return
        with self.ctx.db.transaction() as conn:
            conn.execute(files_seen.update().where(
                files_seen.c.drop == s.name, files_seen.c.name == name,
                files_seen.c.sha256 == sha).values(archived_at=utcnow(), archived_as=path))

    def _refuse(self, found: Found, data: bytes, sha: str, why: str) -> str:
        """Journal a refused file with its bytes, then move it to errors with a note."""
        s, t, name = self.settings, self.drop.transport, found.file.name
        log.warning("drop %s: %s refused: %s", s.name, name, why)
        stub = Envelope(type="files.refused", version=1, source=self.component,
                        payload={"drop": s.name, "file_name": name, "size": found.file.size,
                                 "sha256": sha, "sender": self._sender(name), "reason": why})
        journal = JournalBatch(self.component)
        with self.ctx.db.transaction() as conn:
            blob = store_blob(conn, data, media_type(name)) if data else None
            journal.message(stub, "rejected", raw_blob_id=blob, fresh=True, error=why)
            journal.event(stub.id, "rejected", detail=f"drop {s.name}: {name}: {why}",
                          error=why, new=True)
            journal.write(conn)
        new_name = name
        if t.exists(s.errors, name):
            new_name = f"{datetime.now():%Y%m%d%H%M%S}_{name}"
        if found.signature:
            t.move(s.inbound, found.signature.name, s.errors, new_name + SIGNATURE_SUFFIX)
        t.move(s.inbound, name, s.errors, new_name)
        note = (f"{name}: refused by drop {s.name} on {utcnow():%Y-%m-%d %H:%M:%S} UTC\n"
                f"reason: {why}\njournal: message {stub.id}\n")
        t.write_atomic(s.errors, new_name + ".error.txt", note.encode("utf-8"))
        if self.on_refused is not None:
            self.on_refused(self.drop, name, why)
        return "refused"


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
