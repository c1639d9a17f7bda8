"""The scheduled refresh: new versions taken from a portal that serves them as nsi.ffoms.ru.

The portal lists its dictionaries as JSON (``/data?pageId=refbookList…``: each item's
``d.code``, ``user_version`` and ``providerParam`` = ``<id>v<version>``) and gives a version
as a zip of one XML (``/refbook?type=XML&id=<id>&version=<version>``). Each listed version
not loaded yet is downloaded (to a temporary file, never whole in memory) and loaded like a
file of ``omshub nsi load``; one dictionary failing does not stop the others.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from contracts.xmlsafe import UnsafeXml
from handlers.nsi.models import nsi_versions
from handlers.nsi.reader import BadDictionary
from handlers.nsi.store import Loaded, from_zip, load
from storage.db import Database

LIST = "/data?pageId=refbookList&containerId=refbookList&size=1000"
MAX_DOWNLOAD = 256 * 1024 * 1024
"""A version's zip larger than this is refused."""


class PortalError(RuntimeError):
    """The portal could not be asked or answered nonsense; the message says so in Russian."""


@dataclass(frozen=True)
class Listed:
    """A dictionary as the portal lists it."""

    code: str
    version: str
    ident: str
    download_version: str


@dataclass
class Report:
    """What one refresh did."""

    listed: int = 0
    loaded: list[Loaded] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _get(url: str, timeout: float) -> urllib.request._UrlopenRet:
    try:
        return urllib.request.urlopen(url, timeout=timeout)  # noqa: S310 - a configured URL
    except urllib.error.HTTPError as exc:
        raise PortalError(f"портал ответил {exc.code} на {url}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise PortalError(f"портал недоступен ({url}): {exc}") from exc


def listing(base: str, timeout: float) -> list[Listed]:
    """The portal's list of dictionaries."""
    with _get(base.rstrip("/") + LIST, timeout) as response:
        body = response.read(16 * 1024 * 1024)
    try:
        items = json.loads(body)["list"]
        found = []
        for item in items:
            ident, _, version = str(item.get("providerParam", "")).rpartition("v")
            found.append(Listed(str(item["d"]["code"]), str(item["user_version"]),
                                ident or str(item["id"]), version or str(item["user_version"])))
    except (ValueError, KeyError, TypeError) as exc:
        raise PortalError(f"список справочников портала не читается: {exc}") from exc
    return found


def download(base: str, item: Listed, folder: Path, timeout: float) -> tuple[Path, str]:
    """A version's zip saved in ``folder``, and its URL."""
    query = urllib.parse.urlencode({"type": "XML", "id": item.ident,
                                    "version": item.download_version})
    url = f"{base.rstrip('/')}/refbook?{query}"
    path = folder / f"{item.code}.zip"
    with _get(url, timeout) as response, path.open("wb") as out:
        copied = 0
        while chunk := response.read(1 << 16):
            copied += len(chunk)
            if copied > MAX_DOWNLOAD:
                raise PortalError(f"{url}: архив больше {MAX_DOWNLOAD // 2**20} МБ — не принят")
            out.write(chunk)
    return path, url


def refresh(db: Database, base: str, *, by: str, at: datetime, codes: list[str] | None = None,
            timeout: float = 120.0) -> Report:
    """Load every version the portal lists that is not loaded yet (of ``codes`` if given)."""
    listed = [i for i in listing(base, timeout) if not codes or i.code in codes]
    report = Report(listed=len(listed))
    with db.read() as conn:
        have = set(conn.execute(sa.select(nsi_versions.c.code, nsi_versions.c.version)).all())
    folder = Path(tempfile.mkdtemp(prefix="omshub-nsi-"))
    try:
        for item in listed:
            if (item.code, item.version) in have:
                continue
            try:
                path, url = download(base, item, folder, timeout)
                for source in from_zip(path, where=url):
                    with db.transaction() as conn:
                        report.loaded.append(load(conn, source, by=by, at=at, code=item.code))
            except (PortalError, BadDictionary, UnsafeXml) as exc:
                report.failed.append(f"{item.code} {item.version}: {exc}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return report
