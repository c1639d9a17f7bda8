"""The ФФОМС НСИ portal as nsi.ffoms.ru serves it: the list of dictionaries, a version's zip.

The portal lists its dictionaries as JSON (``/data?pageId=refbookList…``: each item's
``d.code``, ``user_version``, ``last_update`` and ``providerParam`` = ``<id>v<version>``) and
gives a version as a zip of one XML (``/refbook?type=XML&id=<id>&version=<version>``). A zip is
read in chunks and refused past :data:`MAX_DOWNLOAD`; what is in it is not looked at here —
the НСИ handler reads and loads it.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import date, datetime

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
    issued: date | None = None


def _get(url: str, timeout: float) -> urllib.request._UrlopenRet:
    try:
        return urllib.request.urlopen(url, timeout=timeout)  # noqa: S310 - a configured URL
    except urllib.error.HTTPError as exc:
        raise PortalError(f"портал ответил {exc.code} на {url}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise PortalError(f"портал недоступен ({url}): {exc}") from exc


def _day(text: object) -> date | None:
    """``last_update`` (ДД.ММ.ГГГГ) as a date; None when absent or otherwise written."""
    try:
        return datetime.strptime(str(text or "")[:10], "%d.%m.%Y").date()
    except ValueError:
        return None


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
                                ident or str(item["id"]), version or str(item["user_version"]),
                                _day(item.get("last_update"))))
    except (ValueError, KeyError, TypeError) as exc:
        raise PortalError(f"список справочников портала не читается: {exc}") from exc
    return found


def download(base: str, item: Listed, timeout: float) -> tuple[bytes, str]:
    """A version's zip and its URL."""
    query = urllib.parse.urlencode({"type": "XML", "id": item.ident,
                                    "version": item.download_version})
    url = f"{base.rstrip('/')}/refbook?{query}"
    chunks: list[bytes] = []
    with _get(url, timeout) as response:
        copied = 0
        while chunk := response.read(1 << 16):
            copied += len(chunk)
            if copied > MAX_DOWNLOAD:
                raise PortalError(f"{url}: архив больше {MAX_DOWNLOAD // 2**20} МБ — не принят")
            chunks.append(chunk)
    if not chunks:
        raise PortalError(f"{url}: портал отдал пустой ответ вместо архива")
    return b"".join(chunks), url
