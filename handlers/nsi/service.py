"""The НСИ handler: owns the dictionaries' tables and loads the versions published to it.

``adapter.nsi`` downloads new versions from the ФФОМС portal and publishes each as
``nsi.version.published`` with its zip attached; this handler loads the zip with the same
store code as ``omshub nsi load``. A version it cannot load fails its message permanently
(dead-lettered with the reason in Russian); the other versions are other messages and load.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

import sqlalchemy as sa

from contracts.envelope import utcnow
from contracts.nsi import NsiVersionPublishedV1
from contracts.nsi_reader import BadDictionary
from contracts.xmlsafe import UnsafeXml
from handlers.nsi.models import metadata, nsi_versions
from handlers.nsi.store import Loaded, LoadedMeanwhile, from_zip, load
from hub.component import Handler, Message, PermanentError, handles
from hub.tx import Tx
from storage.journal import load_blob

log = logging.getLogger(__name__)


class NsiHandler(Handler):
    """``handler.nsi``: the store of ФФОМС dictionaries (EXT-7)."""

    health_labels: ClassVar[Mapping[str, str]] = {
        "dictionaries": "Справочников загружено", "versions": "Версий справочников",
        "last_loaded": "Последняя загруженная версия"}

    name: ClassVar[str] = "nsi"
    metadata: ClassVar[sa.MetaData | None] = metadata
    last_loaded: str | None = None

    @handles(NsiVersionPublishedV1)
    def on_version(self, message: Message[NsiVersionPublishedV1], tx: Tx) -> list[Loaded]:
        """Load the published version's zip; a version refused fails the message for good."""
        p = message.payload
        data = load_blob(tx.conn, p.file(message.envelope).blob_id)
        if not data:
            raise PermanentError(f"{p.code} {p.version}: архив {p.file_name} не найден "
                                 "в хранилище вложений")
        by = f"{message.envelope.source}: версия с портала ФФОМС"
        with tempfile.TemporaryDirectory(prefix="omshub-nsi-") as folder:
            path = Path(folder) / p.file_name
            path.write_bytes(data)
            try:
                loaded = [load(tx.conn, source, by=by, at=utcnow(), code=p.code)
                          for source in from_zip(path, where=p.source)]
            except LoadedMeanwhile:
                raise  # another process at the same moment: a retry finds it loaded
            except (BadDictionary, UnsafeXml) as exc:
                log.error("НСИ: версия %s %s не загружена: %s", p.code, p.version, exc)
                raise PermanentError(f"версия {p.version} справочника {p.code} не "
                                     f"загружена: {exc}") from exc
        if not loaded:
            raise PermanentError(f"версия {p.version} справочника {p.code} не загружена: "
                                 f"в архиве {p.source} нет XML-файла справочника")
        added = [f"{d.code} {d.version}" for d in loaded if d.added]
        if added:
            self.last_loaded = f"{utcnow():%d.%m.%Y %H:%M}: {', '.join(added)}"
            log.info("НСИ: загружена версия %s", ", ".join(added))
        return loaded

    def health(self) -> dict[str, Any]:
        """How many dictionaries and versions are loaded, the last version loaded."""
        with self.ctx.db.read() as conn:
            row = conn.execute(sa.select(sa.func.count(sa.distinct(nsi_versions.c.code)),
                                         sa.func.count())).one()
        return {"status": "ok", "dictionaries": int(row[0]), "versions": int(row[1]),
                "last_loaded": self.last_loaded}
