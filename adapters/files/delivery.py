"""Delivering a ``files.send``: the attached bytes written atomically into a drop's folder.

The detached signature (if attached) is written first, then the file, each under a
temporary name renamed when complete: the recipient (or the ViPNet autoprocessing rule
watching the folder) sees a file only whole, with its signature already beside it.
Writing is idempotent: a redelivered message finds the same bytes in place and is done; a
*different* file of that name still waiting to be picked up is a retryable failure.
"""

from __future__ import annotations

import hashlib

from adapters.files.intake import Drop
from adapters.files.transport import TransportError
from contracts.envelope import Envelope, utcnow
from contracts.files import SIGNATURE_SUFFIX, FileDeliveredV1, FileSendV1, file_attachment
from hub.component import PermanentError
from hub.tx import Tx
from storage.journal import JournalBatch, load_blob


class Occupied(TransportError):
    """A different file of the same name waits in the folder (the recipient has not taken
    it yet): retried later."""


def attached(tx: Tx, envelope: Envelope, name: str, required: bool) -> bytes | None:
    """The bytes of an attachment of the message, read from the blob store."""
    ref = file_attachment(envelope, name)
    if ref is None:
        if required:
            raise PermanentError(f"files.send {envelope.id}: нет вложения с именем {name!r}")
        return None
    data = load_blob(tx.conn, ref.blob_id)
    if data is None:
        raise PermanentError(f"files.send {envelope.id}: содержимого файла {name} (blob "
                             f"{ref.blob_id}) нет в хранилище хаба")
    return data


def deliver(drop: Drop, folder: str, send: FileSendV1, envelope: Envelope, tx: Tx,
            component: str) -> FileDeliveredV1:
    """Write the file (and its .sig) into ``folder`` of ``drop``; journal it on the trail."""
    name = send.file_name
    data = attached(tx, envelope, name, required=True)
    assert data is not None
    sig = attached(tx, envelope, name + SIGNATURE_SUFFIX, required=False)
    t, staging = drop.transport, drop.settings.staging
    sha = hashlib.sha256(data).hexdigest()
    if t.exists(folder, name) and hashlib.sha256(t.read(folder, name)).hexdigest() != sha:
        raise Occupied(f"{folder}/{name}: получатель ещё не забрал другой файл с тем же "
                       f"именем; отправка повторится")
    if sig is not None:
        t.write_atomic(folder, name + SIGNATURE_SUFFIX, sig, staging)
    t.write_atomic(folder, name, data, staging)
    done = FileDeliveredV1(drop=drop.name, recipient=send.recipient, file_name=name,
                           size=len(data), sha256=sha, signed=sig is not None,
                           location=folder, delivered_at=utcnow())
    journal = JournalBatch(component)
    journal.event(envelope.id, "delivered",
                  detail=f"{name} ({len(data)} байт{', с подписью' if sig else ''}) "
                         f"записан в {folder} (обмен {drop.name})")
    journal.write(tx.conn)
    return done
